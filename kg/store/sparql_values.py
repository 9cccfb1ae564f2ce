"""Query-text helpers that work on the text alone: pre-binding variables with a ``VALUES``
block, and capping the solutions of a SELECT with ``LIMIT``.

``bind_values(query, {"year": Literal("2021", datatype=XSD_INTEGER)})`` puts
``VALUES (?year) { ("2021"^^xsd:integer) }`` as the first element of the query's WHERE
group, so every pattern, FILTER and BIND of that group sees the value (as pyoxigraph's
``substitutions`` do in the embedded store). Nothing from the caller is spliced in as text:
variable names must match SPARQL's VARNAME and values are written in their N-Triples form
by pyoxigraph (IRIs and literals are validated and escaped when their terms are built).

The WHERE group is found with a small lexer that skips comments, strings, IRIs and
variables. A query without a WHERE group (``DESCRIBE <x>``) and the short form
``CONSTRUCT WHERE { … }`` get a trailing VALUES clause instead (joined with the solutions).
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from kg.errors import QueryError

_VARNAME = re.compile(r"^[\w\u00B7\u0300-\u036F\u203F-\u2040]+$")
_TOKEN = re.compile(
    r'''(?P<comment>\#[^\n]*)
      | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][\w\u00B7]+)
      | (?P<number>\d+)
      | (?P<open>\{) | (?P<close>\})
      | (?P<word>[A-Za-z]+)
      | (?P<space>\s+)
      | (?P<other>.)''',
    re.VERBOSE | re.DOTALL,
)


def values_block(bindings: dict) -> str:
    names, values = [], []
    for name, term in bindings.items():
        name = name.lstrip("?$")
        if not _VARNAME.match(name):
            raise QueryError(f"not a SPARQL variable name: {name!r}")
        if not isinstance(term, (NamedNode, Literal)):
            raise QueryError(f"?{name}: only IRIs and literals can be bound on a remote store, "
                             f"not {type(term).__name__}")
        names.append(f"?{name}")
        values.append(str(term))
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }}"


def where_group_start(query: str) -> int | None:
    """The index just after the ``{`` that opens the query's WHERE group, or None."""
    depth = 0
    construct = False
    groups_seen = 0
    after_where = False
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind == "word" and depth == 0:
            word = m.group().upper()
            if word == "CONSTRUCT":
                construct = True
            elif word == "WHERE":
                after_where = True
        elif kind == "open":
            if depth == 0:
                if not construct:
                    return m.end()
                if groups_seen == 0 and after_where:
                    return None  # CONSTRUCT WHERE { triples }: the short form takes no VALUES inside
                if groups_seen == 1:
                    return m.end()  # CONSTRUCT { template } WHERE { … }: the second group
                groups_seen += 1
            depth += 1
        elif kind == "close":
            depth -= 1
    return None


def bind_values(query: str, bindings: dict | None) -> str:
    if not bindings:
        return query
    block = values_block(bindings)
    start = where_group_start(query)
    if start is None:
        return f"{query}\n{block}"
    return f"{query[:start]} {block} {query[start:]}"


def _where_group_end(query: str) -> int | None:
    start = where_group_start(query)
    if start is None:
        return None
    depth = 1
    for m in _TOKEN.finditer(query, start):
        depth += {"open": 1, "close": -1}.get(m.lastgroup, 0)
        if depth == 0:
            return m.end()
    return None


def limit_solutions(query: str, limit: int) -> str:
    """A SELECT query that returns at most ``limit`` solutions: its own LIMIT lowered to
    ``limit`` if higher, or ``LIMIT limit`` added after its solution modifiers (before a
    trailing VALUES clause). The first ``limit`` solutions are those the query would give."""
    end = _where_group_end(query)
    if end is None:
        return query
    tail = [m for m in _TOKEN.finditer(query, end) if m.lastgroup not in ("comment", "space")]
    for i, m in enumerate(tail):
        word = m.group().upper() if m.lastgroup == "word" else ""
        if word == "LIMIT":
            number = tail[i + 1] if i + 1 < len(tail) and tail[i + 1].lastgroup == "number" else None
            if number is not None and int(number.group()) > limit:
                return query[:number.start()] + str(limit) + query[number.end():]
            return query
        if word == "VALUES":
            return f"{query[:m.start()]}LIMIT {limit}\n{query[m.start():]}"
    return f"{query}\nLIMIT {limit}"
