"""How text is compared in search: folding, Korean bigrams and Snowball stems.

Text is folded before indexing and querying: NFC, lower case, ё as е (Russian writers use them
interchangeably). Korean has no spaces between a word and its particles (외교부는, 외교부가), so runs of
Hangul are indexed as overlapping two-syllable bigrams, as CJK search engines do: a query for a
two-syllable word such as 외교 then matches inside 외교부는.

Stems come from the Snowball stemmers (PyStemmer, the C build of Snowball: stemming every word of a
20,000-document reindex in pure Python took seconds longer). Cyrillic words take the Russian stemmer in
any document (the Russian one ignores Latin words, and a Korean or English text only quotes Russian);
Latin words take the English stemmer unless the document is in another Latin-script language, whose words
the English rules would mangle: those stay as they are. Russian stems are taken to a fixed point, because
Snowball's Russian removes one ending a pass: полуостров -> полуостр but полуострове -> полуостров.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer

HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]{2,}")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"\w+")
CYRILLIC_WORD = re.compile(r"[а-яе]+")  # after folding: ё is е
LATIN_WORD = re.compile(r"[a-z]+")
# Documents in these languages are written in Latin letters that are not English: their words keep their form.
OTHER_LATIN = frozenset({"de", "fr", "es", "pt", "it", "nl", "pl", "cs", "sv", "da", "no", "fi", "tr", "ro", "hu"})
_RUSSIAN = Stemmer.Stemmer("russian")
_ENGLISH = Stemmer.Stemmer("english")
_PASSES = 3  # сергея -> серге -> серг: three endings at most in practice


def fold(text: str) -> str:
    """The form both documents and queries are compared in."""
    return unicodedata.normalize("NFC", text).lower().replace("ё", "е")


def bigrams(folded: str) -> str:
    """Folded text with every Hangul run replaced by its overlapping bigrams."""
    return HANGUL_RUN.sub(lambda m: " ".join(m[0][i : i + 2] for i in range(len(m[0]) - 1)), folded)


def index_text(text: str) -> str:
    """The exact (unstemmed) form of a text in the index."""
    return bigrams(fold(text))


@functools.lru_cache(maxsize=200_000)
def russian_stem(word: str) -> str:
    """The Russian stem of a folded word, stemmed again until it stops changing."""
    for _ in range(_PASSES):
        stem = _RUSSIAN.stemWord(word)
        if stem == word:
            break
        word = stem
    return word


@functools.lru_cache(maxsize=200_000)
def english_stem(word: str) -> str:
    """The English (Porter 2) stem of a folded word."""
    return str(_ENGLISH.stemWord(word))


def stem(word: str, language: str | None) -> str:
    """The stem of one folded word in a document of `language` (None: a query, whatever the language)."""
    if CYRILLIC_WORD.fullmatch(word):
        return russian_stem(word)
    if LATIN_WORD.fullmatch(word) and language not in OTHER_LATIN:
        return english_stem(word)
    return word


def stem_text(text: str, language: str) -> str:
    """The stemmed form of a text in the index: every word stemmed, Hangul as bigrams."""
    return bigrams(WORD.sub(lambda m: stem(m[0], language), fold(text)))


def words(text: str) -> list[str]:
    """The index words of a piece of query text: folded, Hangul as bigrams."""
    return WORD.findall(index_text(text))


def alternatives(word: str, language: str | None) -> list[str]:
    """The stemmed-index forms a folded query word matches: the word itself (a word the document's stemmer
    left alone, or a stem the word is) and its stem."""
    forms = [word]
    stemmed = stem(word, language)
    if stemmed != word:
        forms.append(stemmed)
    return forms


def is_hangul(word: str) -> bool:
    """Whether a folded word holds Hangul (matched inside longer words, as bigrams are)."""
    return bool(HANGUL.search(word))
