"""Who filed this and for which year and kind. (Being written; see the helper's task.)"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.model import Name, Table


@dataclass
class Identity:
    year: int | None
    kind: str | None  # kg.model.BUDGET / FINAL
    department: str
    names: list[Name] = field(default_factory=list)


def identify(lines: tuple[str, ...], tables: list[Table]) -> Identity:
    return Identity(year=None, kind=None, department="")
