"""A parsed query written as an FTS5 MATCH expression, and the terms a snippet marks.

Every word is rebuilt from its letters and digits and double-quoted, so nothing the user typed is read by
FTS5 as syntax. Words match the stemmed columns (the word itself or its stem); phrases and prefixes match
the exact columns; NEAR compares stems.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.search import text
from archive.search.query import COLUMNS, Group, Near, Node, Not, Term


def quote(word: str) -> str:
    """An FTS5 string: a word (letters and digits only, from `text.words`) in double quotes."""
    return '"' + word.replace('"', '""') + '"'


def expression(node: Node, language: str | None = None) -> str:
    """The FTS5 MATCH expression of a query tree (`language`: the --lang filter, which picks the stemmer)."""
    if isinstance(node, Term):
        return _term(node, language)
    if isinstance(node, Near):
        phrases = " ".join(_near_phrase(t, language) for t in node.terms)
        return f"({COLUMNS[node.field][1]} : NEAR({phrases}, {node.distance}))"
    if isinstance(node, Not):  # only inside an AND group (query.parse checks it)
        return expression(node.node, language)
    keep = [n for n in node.nodes if not isinstance(n, Not)]
    drop = [n for n in node.nodes if isinstance(n, Not)]
    joined = f" {node.op.upper()} ".join(expression(n, language) for n in keep)
    return "(" + f"({joined})" + "".join(f" NOT {expression(n, language)}" for n in drop) + ")"


def _term(term: Term, language: str | None) -> str:
    exact, stemmed = COLUMNS[term.field]
    words = text.words(term.text)
    phrase = quote(" ".join(words))
    if term.kind == "prefix":
        return f"({exact} : {phrase} *)"
    if term.kind == "phrase" or len(words) > 1:  # korea-us, 외교부 (bigrams): its words in this order
        return f"({exact} : {phrase})"
    forms = [words[0]] if term.field == "number" else text.alternatives(words[0], language)
    return f"({stemmed} : ({' OR '.join(map(quote, forms))}))"


def _near_phrase(term: Term, language: str | None) -> str:
    words = [w if term.field == "number" else text.stem(w, language) for w in text.words(term.text)]
    return quote(" ".join(words)) + (" *" if term.kind == "prefix" else "")


@dataclass
class Marks:
    """What a snippet of body text marks: words, stems, prefixes, phrases (folded, Hangul bigrams whole)."""

    words: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    phrases: list[list[str]] = field(default_factory=list)
    hangul: set[str] = field(default_factory=set)


def marks(node: Node, language: str | None = None) -> Marks:
    """The body terms of a query a match has (not those it must lack, nor another field's)."""
    found = Marks()
    _collect(node, found, language)
    return found


def _collect(node: Node, found: Marks, language: str | None) -> None:
    if isinstance(node, Group):
        for child in node.nodes:
            _collect(child, found, language)
    elif isinstance(node, Near):
        for term in node.terms:
            _collect(term, found, language)
    elif isinstance(node, Term) and node.field is None:
        folded = text.fold(node.text)
        plain = text.WORD.findall(folded)
        found.hangul.update(w for w in plain if text.is_hangul(w))
        plain = [w for w in plain if not text.is_hangul(w)]
        if node.kind == "prefix" and plain:
            found.prefixes.add(plain[-1])
            found.words.update(plain[:-1])
        elif node.kind == "phrase":
            found.phrases.append(plain) if len(plain) > 1 else found.words.update(plain)
        else:
            found.words.update(plain)
            found.stems.update(text.stem(w, language) for w in plain)
