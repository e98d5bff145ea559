"""The search query language, parsed into a tree and written out as an FTS5 MATCH expression.

    treaty sanctions        both words (implicit AND; `AND` may be written)
    treaty OR accord        either
    treaty NOT draft        treaty without draft; `-draft` is the same
    "joint statement"       the exact words in this order (not stemmed)
    Kore*                   words starting with Kore (not stemmed)
    NEAR(lavrov wang, 5)    both within 5 words of each other (stems compared; 10 when no number is given)
    (a OR b) c              parentheses group
    title:word  number:123  tag:word    a term (or a group, a phrase, NEAR) in that field only

A bare word matches its Snowball stem (see `text`). Operators are upper case; lower-case `or` is a word.
The user's text never reaches FTS5 as syntax: every word is re-quoted from its letters and digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.errors import ArchiveError
from archive.search import text

FIELDS = ("title", "number", "tag")
# (exact columns, stemmed columns) of each field; None is the default: the title and the body.
COLUMNS = {
    None: ("{title body}", "{title_stems body_stems}"),
    "title": ("{title}", "{title_stems}"),
    "tag": ("{tags}", "{tags_stems}"),
    "number": ("{number}", "{number}"),
}
NEAR_DEFAULT = 10  # FTS5's own default distance
_FIELD = re.compile(r"([A-Za-z]+):(?=\S)")
_WORD_END = re.compile(r'[\s()"]')


class QueryError(ArchiveError):
    """A query that cannot be understood; the message says what and where."""


@dataclass(frozen=True)
class Term:
    """A word, a prefix (`word*`) or a "phrase", in one field or in the title and body."""

    kind: str  # word | prefix | phrase
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Near:
    """NEAR(a b ..., N): the terms within N words of each other."""

    terms: tuple[Term, ...]
    distance: int
    field: str | None = None


@dataclass(frozen=True)
class Not:
    """A term or group a match must not have."""

    node: Node


@dataclass(frozen=True)
class Group:
    """Terms joined by `and` or `or`."""

    op: str
    nodes: tuple[Node, ...] = field(default_factory=tuple)


Node = Term | Near | Not | Group
Token = tuple[str, str, int]  # (kind, value, position from 1)


def tokens(query: str) -> list[Token]:
    """The query's tokens: ( ) OR AND NOT - NEAR field: "phrase" word."""
    out: list[Token] = []
    i = 0
    while i < len(query):
        ch, at = query[i], i + 1
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append((ch, ch, at))
            i += 1
        elif ch == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QueryError(f'unbalanced quote: the " at character {at} is never closed')
            out.append(("phrase", query[i + 1 : end], at))
            i = end + 1
        elif query.startswith("NEAR(", i):
            end = query.find(")", i)
            if end < 0:
                raise QueryError(f"unbalanced parentheses: the NEAR( at character {at} is never closed")
            out.append(("near", query[i + 5 : end], at))
            i = end + 1
        elif ch == "-" and i + 1 < len(query) and not query[i + 1].isspace():
            out.append(("-", ch, at))
            i += 1
        elif match := _FIELD.match(query, i):
            name = match[1].lower()
            if name not in FIELDS:
                known = ", ".join(f"{f}:" for f in FIELDS)
                raise QueryError(
                    f"unknown field {match[0]!r} at character {at} (fields: {known}; quote text with a colon)"
                )
            out.append(("field", name, at))
            i = match.end()
        else:
            found = _WORD_END.search(query, i)
            end = found.start() if found else len(query)
            out.append(_word(query[i:end], at))
            i = end
    return out


def _word(word: str, at: int) -> Token:
    """A word token: an operator, a prefix or a plain word."""
    if word in ("OR", "AND", "NOT"):
        return (word, word, at)
    if word == "-":
        raise QueryError(f"a '-' at character {at} must stand before a word (e.g. -draft)")
    if "*" in word[:-1] or word == "*":
        raise QueryError(f"'*' at character {at} must end a word (e.g. Kore*)")
    return ("prefix" if word.endswith("*") else "word", word.rstrip("*"), at)


class _Parser:
    """Recursive descent over the tokens: or := and (OR and)*; and := unary+; unary := [NOT|-] primary."""

    def __init__(self, query: str) -> None:
        self.tokens = tokens(query)
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def parse_or(self, where: str | None) -> Node | None:
        nodes = [self.parse_and(where)]
        while self.peek() == "OR":
            _, _, at = self.take()
            nodes.append(self.parse_and(where))
            if nodes[-2] is None or nodes[-1] is None:
                raise QueryError(f"OR at character {at} needs a term on each side")
        if nodes[0] is None and self.peek() == "OR":
            raise QueryError(f"OR at character {self.tokens[self.i][2]} needs a term on each side")
        return nodes[0] if len(nodes) == 1 else Group("or", tuple(n for n in nodes if n is not None))

    def parse_and(self, where: str | None) -> Node | None:
        nodes: list[Node] = []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                _, _, at = self.take()
                if not nodes or self.peek() in (None, ")", "OR", "AND"):
                    raise QueryError(f"AND at character {at} needs a term on each side")
                continue
            nodes.append(self.parse_unary(where))
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else Group("and", tuple(nodes))

    def parse_unary(self, where: str | None) -> Node:
        if self.peek() in ("NOT", "-"):
            kind, _, at = self.take()
            if self.peek() in (None, ")", "OR", "AND", "NOT", "-"):
                raise QueryError(f"{kind} at character {at} needs a word after it (e.g. treaty {kind} draft)")
            return Not(self.parse_primary(where))
        return self.parse_primary(where)

    def parse_primary(self, where: str | None) -> Node:
        kind, value, at = self.take()
        if kind == "field":
            if self.peek() not in ("word", "prefix", "phrase", "(", "near"):
                raise QueryError(f"{value}: at character {at} needs a word, a phrase or a group after it")
            return self.parse_primary(value)
        if kind == "(":
            inner = self.parse_or(where)
            if self.peek() != ")":
                raise QueryError(f"unbalanced parentheses: the ( at character {at} is never closed")
            self.take()
            if inner is None:
                raise QueryError(f"empty parentheses at character {at}")
            return inner
        if kind == "near":
            return _near(value, at, where)
        if kind in ("word", "prefix", "phrase"):
            return Term(kind, value, where)
        raise QueryError(f"unbalanced parentheses: the ) at character {at} has no (")


def _near(inside: str, at: int, where: str | None) -> Near:
    """NEAR(a "b c" d*, N) from the text between its parentheses."""
    distance = NEAR_DEFAULT
    match = re.search(r",\s*(\S*)\s*$", inside)
    if match:
        if not match[1].isdigit():
            raise QueryError(f"NEAR at character {at}: the distance must be a number, as in NEAR(a b, 5)")
        distance, inside = int(match[1]), inside[: match.start()]
    terms = []
    for kind, value, _ in tokens(inside):
        if kind not in ("word", "prefix", "phrase"):
            raise QueryError(f"NEAR at character {at} takes words and phrases only, as in NEAR(a b, 5)")
        terms.append(Term(kind, value, where))
    if len(terms) < 2:
        raise QueryError(f"NEAR at character {at} needs two terms or more, as in NEAR(a b, 5)")
    return Near(tuple(terms), distance, where)


def parse(query: str) -> Node:
    """The tree of a query; a `QueryError` naming what is wrong and where."""
    parser = _Parser(query)
    node = parser.parse_or(None)
    if parser.peek() is not None:
        raise QueryError(f"unbalanced parentheses: the ) at character {parser.tokens[parser.i][2]} has no (")
    node = _prune(node) if node is not None else None
    if node is None:
        raise QueryError(f"nothing to search for in {query!r}")
    _check_negations(node)
    return node


def _prune(node: Node) -> Node | None:
    """The tree without terms that hold no letters or digits (a dash, a lone punctuation mark)."""
    if isinstance(node, Term):
        return node if text.words(node.text) else None
    if isinstance(node, Near):
        terms = tuple(t for t in node.terms if text.words(t.text))
        return Near(terms, node.distance, node.field) if len(terms) > 1 else (terms[0] if terms else None)
    if isinstance(node, Not):
        inner = _prune(node.node)
        return Not(inner) if inner is not None else None
    nodes = tuple(n for n in map(_prune, node.nodes) if n is not None)
    return None if not nodes else nodes[0] if len(nodes) == 1 else Group(node.op, nodes)


def _check_negations(node: Node) -> None:
    """Every NOT narrows something: FTS5 (like any index) cannot list what lacks a word."""
    if isinstance(node, Not) or (isinstance(node, Group) and all(isinstance(n, Not) for n in node.nodes)):
        raise QueryError("NOT and - only narrow a search: add a word to find (e.g. treaty -draft)")
    if isinstance(node, Group) and node.op == "or" and any(isinstance(n, Not) for n in node.nodes):
        raise QueryError("NOT and - only narrow a search: they cannot be one side of OR (e.g. treaty -draft)")
    if isinstance(node, Group):
        for child in node.nodes:
            if not isinstance(child, Not):
                _check_negations(child)
            elif isinstance(child.node, Group):
                _check_negations(child.node)
