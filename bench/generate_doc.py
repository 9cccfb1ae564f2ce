"""The text of one filing under construction, with anchors on every figure that matters.

Renderers append lines and print figures through :meth:`Doc.num`, naming each with a key
(``t3/2010301/total``, ``p/basic/change``). The Doc records where the figure went (its
1-based line) and what it was, and prints an *override* instead when the error injector
asked for one. Error injection therefore never edits text: it renders the filing again with
overrides, and the line numbers stay those of the clean rendering.

Table dumps follow the Word export: each cell is a line starting with a TAB, each row ends
with a blank line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable


@dataclass(frozen=True)
class Override:
    """What to print instead of the true figure: another value (formatted as usual, and used
    for any figure computed from it) or a literal text (a malformed amount, another unit)."""

    value: Any = None
    text: str | None = None


@dataclass
class Anchor:
    key: str
    line: int
    true: Any
    printed: Any
    text: str | None  # None when the figure is not printed (an implied prior-year figure)


class Doc:
    """Lines of a filing plus the anchors of its figures."""

    def __init__(self, overrides: dict[str, Override] | None = None):
        self.lines: list[str] = []
        self.anchors: dict[str, Anchor] = {}
        self.overrides = overrides or {}

    @property
    def next_line(self) -> int:
        """The 1-based number of the line that will be appended next."""
        return len(self.lines) + 1

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def extend(self, lines: Iterable[str]) -> None:
        self.lines.extend(lines)

    def value(self, key: str, true: Any) -> Any:
        """The value to use for ``key`` (an override's, else the true one); anchors it unprinted."""
        ov = self.overrides.get(key)
        printed = true if ov is None or ov.value is None else ov.value
        self.anchors[key] = Anchor(key, self.next_line, true, printed, None)
        return printed

    def num(self, key: str, true: Any, fmt: Callable[[Any], str]) -> str:
        """Format a figure for the line being built (it must be the next line appended)."""
        ov = self.overrides.get(key)
        printed = true if ov is None or ov.value is None else ov.value
        text = ov.text if ov is not None and ov.text is not None else fmt(printed)
        self.anchors[key] = Anchor(key, self.next_line, true, printed, text)
        return text

    def printed(self, key: str) -> Any:
        return self.anchors[key].printed

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    # -- table dumps ---------------------------------------------------------------------

    def cell(self, text: str) -> None:
        self.lines.append("\t" + text)

    def row(self, *cells: str) -> None:
        """A row of plain cells followed by the row separator."""
        self.lines.extend("\t" + c for c in cells)
        self.lines.append("")

    def money_cell(self, key: str, cents: int, fmt: Callable[[int], str]) -> None:
        """One anchored amount cell."""
        text = self.num(key, cents, fmt)
        self.lines.append("\t" + text)

    def end_row(self) -> None:
        self.lines.append("")
