"""The typed record of one filing. Plain data, no RDF: the mapper turns it into a graph.

Every item carries the line it came from (1-based, in the published file) so the graph
can point back to it. ``to_dict`` gives the stable JSON form used by ``kg parse --format json``
(amounts as strings, keys fixed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.amounts import Amount

BUDGET = "budget"  # 部门预算
FINAL = "final"  # 部门决算
KINDS = (BUDGET, FINAL)


@dataclass
class Cell:
    """One table cell as printed. ``kind`` is code | name | amount | text | empty."""

    text: str
    line: int
    kind: str
    amount: Amount | None = None

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"text": self.text, "line": self.line, "kind": self.kind}
        if self.amount is not None:
            d["amount"] = self.amount.to_dict()
        return d


@dataclass
class Row:
    """A table row. ``code`` is a classification code (类 3, 款 5, 项 7 digits) if the row has one;
    ``level`` is 1/2/3 for 类/款/项 (0 when there is no code); ``heading`` marks a row without
    figures (a section heading or a header-like row inside the body)."""

    line: int
    cells: list[Cell]
    code: str | None = None
    name: str | None = None
    level: int = 0
    heading: bool = False
    values: dict[str, Amount] = field(default_factory=dict)  # column key -> amount

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "heading": self.heading,
            "values": {k: v.to_dict() for k, v in self.values.items()},
            "cells": [c.to_dict() for c in self.cells],
        }


@dataclass
class Column:
    """A column header. ``key`` is a stable identifier (total, basic, project, personnel,
    public, code, name, econ:301 …); ``label`` the header text as printed (header rows joined
    with ' / ' when there are two)."""

    key: str
    label: str

    def to_dict(self) -> dict:
        return {"key": self.key, "label": self.label}


@dataclass
class Table:
    number: int  # 1 for 表一 … 13 for 表十三
    title: str
    line: int
    unit: str | None = None  # 元 / 万元, None when the table states none
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    empty_note: str | None = None  # 注：本部门因没有…故没有数据

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "line": self.line,
            "unit": self.unit,
            "empty_note": self.empty_note,
            "columns": [c.to_dict() for c in self.columns],
            "rows": [r.to_dict() for r in self.rows],
        }


@dataclass
class Name:
    """A name the filing uses for its department (or a unit), and where.
    ``role``: full | short | three_public | table_header | budget_unit_code | title ..."""

    text: str
    role: str
    line: int

    def to_dict(self) -> dict:
        return {"text": self.text, "role": self.role, "line": self.line}


@dataclass
class Fact:
    """A fact stated in the prose.

    ``kind`` names what it is (see kg/parsing/prose.py for the list), ``text`` is the source
    sentence, ``values`` holds typed fields: Amount for money, int/str/Decimal otherwise.
    A prior-year comparison uses the keys ``amount``, ``prior_amount``, ``prior_year``,
    ``change`` (signed Amount) and ``percent`` (signed Decimal, as printed)."""

    kind: str
    line: int
    text: str
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "line": self.line, "text": self.text,
                "values": {k: _plain(v) for k, v in self.values.items()}}


@dataclass
class Problem:
    """Something the parser noticed and kept: a malformed amount, an unreadable row."""

    kind: str
    line: int
    message: str
    text: str = ""

    def to_dict(self) -> dict:
        return {"kind": self.kind, "line": self.line, "message": self.message, "text": self.text}


@dataclass
class Filing:
    path: str
    sha256: str
    encoding: str
    year: int
    kind: str  # BUDGET or FINAL
    department: str  # the fullest name found for the department
    names: list[Name] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def facts_of(self, kind: str) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind]

    def table(self, number: int) -> Table | None:
        return next((t for t in self.tables if t.number == number), None)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "year": self.year,
            "kind": self.kind,
            "department": self.department,
            "names": [n.to_dict() for n in self.names],
            "tables": [t.to_dict() for t in self.tables],
            "facts": [f.to_dict() for f in self.facts],
            "problems": [p.to_dict() for p in self.problems],
        }

    def content_dict(self) -> dict:
        """The record without where it was read from (path, encoding): equal for re-encodings."""
        d = self.to_dict()
        del d["path"], d["encoding"]
        return d


def _plain(value: Any) -> Any:
    if isinstance(value, Amount):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)  # Decimal and friends
