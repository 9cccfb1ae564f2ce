"""Where the tables are in a Word-to-text dump, and their raw rows.

The dump writes every table cell on its own line starting with a TAB and separates rows
with a blank line. A cell whose text spans several lines continues on lines *without* the
tab: directly below the cell (a wrapped line) or, in the performance forms, as further
paragraphs separated by one blank line. Those are joined to the cell with ``\\n``; the cell
keeps the line of its first part.

A table starts at a caption line: ``表一：`` (alone on its line, with or without a leading
tab) or ``表一、部门收支总体情况表`` when a table follows it directly (the same words in a
table of contents, followed by more contents lines or prose, are not a table). A ``、``
caption directly followed by the ``表一：`` caption of the same table is one start.

A table ends where the next one starts, or at the first prose line: a line without a tab
that is neither a wrapped/continued cell, a title line (``项目支出绩效目标申报表``,
``（2019年度）``, ``单位：元``) nor a note (``注：…``). A paragraph counts as a continued
cell only when at most one blank line separates it from the table and the table goes on
after it (or only blank lines follow); a title line only when table cells follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CAPTION = re.compile(r"^\s*表(?P<num>[一二三四五六七八九十]{1,3})(?P<sep>[：:、])(?P<rest>.*)$")
_TITLE_LINE = re.compile(r"^(?:（\s*\d{4}\s*年度?\s*）|\(\s*\d{4}\s*年度?\s*\)|单位[：:].{1,4}|.{2,30}表)$")
_NOTE = re.compile(r"^注[：:]")
_MAX_CAPTION_REST = 30


@dataclass
class RawCell:
    text: str  # as printed, without the leading tab; continuation lines joined with "\n"
    line: int  # 1-based line of the cell's first part


@dataclass
class RawRow:
    cells: list[RawCell]

    @property
    def line(self) -> int:
        return self.cells[0].line

    def texts(self) -> list[str]:
        return [c.text.strip() for c in self.cells]

    def filled(self) -> list[str]:
        """The non-empty cell texts."""
        return [t for t in self.texts() if t]


@dataclass
class FreeLine:
    """A line inside a table region that is not a cell: caption, title, note or text."""

    text: str
    line: int
    kind: str  # caption | title | note | text


@dataclass
class Region:
    number: int
    start: int  # 1-based line of the first caption
    end: int  # 1-based line of the last line belonging to the table
    caption: str  # the text after 表X、 / 表X：, often empty
    items: list[RawRow | FreeLine] = field(default_factory=list)

    def lines(self) -> set[int]:
        return set(range(self.start, self.end + 1))


def chinese_number(text: str) -> int | None:
    """表 numbers: 一 … 九, 十, 十一 … 十九, 二十 … 九十九."""
    if not text or any(ch not in _NUMERALS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _NUMERALS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        return None
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)


def caption_of(line: str) -> tuple[int, str, str] | None:
    """``(number, separator, rest)`` when the line is a table caption."""
    m = _CAPTION.match(line)
    if not m:
        return None
    number = chinese_number(m["num"])
    rest = m["rest"].strip()
    if number is None or len(rest) > _MAX_CAPTION_REST or "。" in rest:
        return None
    if m["sep"] in "：:" and rest and not rest.endswith("表"):
        return None
    if m["sep"] == "、" and not rest:
        return None
    return number, ("、" if m["sep"] == "、" else "："), rest


def find_regions(lines: tuple[str, ...]) -> list[Region]:
    """Every table region of the text, in order."""
    starts = _table_starts(lines)
    regions = []
    for k, (index, number, caption) in enumerate(starts):
        limit = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        regions.append(_read_region(lines, index, limit, number, caption))
    return regions


def _next_nonblank(lines: tuple[str, ...], index: int) -> int | None:
    for j in range(index + 1, len(lines)):
        if lines[j].strip():
            return j
    return None


def _table_starts(lines: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """``(index, number, caption text)`` of each table's first caption line (0-based index)."""
    starts: list[tuple[int, int, str]] = []
    for i, line in enumerate(lines):
        cap = caption_of(line)
        if cap is None:
            continue
        number, sep, rest = cap
        following = _next_nonblank(lines, i)
        if sep == "、":
            nxt = lines[following] if following is not None else ""
            nxt_cap = caption_of(nxt)
            continues_same = nxt_cap is not None and nxt_cap[0] == number and nxt_cap[1] == "："
            if not (nxt.startswith("\t") and nxt_cap is None) and not continues_same:
                continue  # a table-of-contents entry
        elif starts and starts[-1][1] == number and _next_nonblank(lines, starts[-1][0]) == i:
            continue  # 表一、… directly followed by 表一： — one table
        starts.append((i, number, rest))
    return starts


def _classify(line: str) -> str:
    if line.startswith("\t"):
        return "cell"
    stripped = line.strip()
    if not stripped:
        return "blank"
    if caption_of(line):
        return "caption"
    if _NOTE.match(stripped):
        return "note"
    if _TITLE_LINE.match(stripped):
        return "title"
    return "text"


class _RegionReader:
    """Walks one region line by line, building rows and free lines (see the module doc).

    Paragraphs after a blank line and title lines are held back until the table goes on:
    a cell line confirms them, prose (a paragraph after two or more blank lines) ends the
    table without them. At the end of the region held-back paragraphs still count (the last
    cell of the last form), title lines do not.
    """

    def __init__(self, lines: tuple[str, ...], start: int, limit: int):
        self.lines = lines
        self.start = start
        self.limit = limit
        self.items: list[RawRow | FreeLine] = []
        self.open_row: RawRow | None = None  # the row the next cell line joins
        self.last_cell: RawCell | None = None  # the cell a wrapped line joins
        self.pending: list[FreeLine] = []  # paragraphs ("text") and titles awaiting confirmation
        self.gap = 0  # blank lines since the last non-blank line
        self.end = start

    def run(self) -> int:
        for i in range(self.start, self.limit):
            kind = _classify(self.lines[i])
            if kind == "blank":
                self.gap += 1
                self.open_row = None
                continue
            if kind in ("text", "title") and self._wraps():
                self._join(self.last_cell, self.lines[i].rstrip())
                self.end = i + 1
            elif kind == "title" or kind == "text" and self.gap <= 1:
                self.pending.append(FreeLine(self.lines[i].strip(), i + 1, kind))
            elif kind == "text":
                break  # prose: the table ended before this line
            else:
                self._commit(self.pending)
                self._content(i, kind)
            self.gap = 0
        else:
            self._commit(self._leading_paragraphs())
        return self.end

    def _wraps(self) -> bool:
        """True when a line without a tab here continues the cell just above it."""
        return self.gap == 0 and self.last_cell is not None and not self.pending

    def _leading_paragraphs(self) -> list[FreeLine]:
        held = []
        for item in self.pending:
            if item.kind != "text":
                break
            held.append(item)
        return held

    def _content(self, i: int, kind: str) -> None:
        line = self.lines[i]
        if kind == "cell":
            cell = RawCell(line[1:].rstrip(), i + 1)
            if self.open_row is None:
                self.open_row = RawRow([])
                self.items.append(self.open_row)
            self.open_row.cells.append(cell)
            self.last_cell = cell
        else:
            self.items.append(FreeLine(line.strip(), i + 1, kind))
            self.open_row = None
            self.last_cell = None
        self.end = i + 1

    def _commit(self, held: list[FreeLine]) -> None:
        """Held-back lines are confirmed: paragraphs continue the last cell, titles stand alone."""
        for item in held:
            if item.kind == "text" and self.last_cell is not None:
                self._join(self.last_cell, self.lines[item.line - 1].rstrip())
            else:
                self.items.append(item)
                self.last_cell = None
            self.end = item.line
        self.pending = []
        if held and self.gap == 0 and self.last_cell is not None:
            self.open_row = self._row_of(self.last_cell)  # cells right below join its row

    def _row_of(self, cell: RawCell) -> RawRow | None:
        for item in reversed(self.items):
            if isinstance(item, RawRow) and cell in item.cells:
                return item
        return None

    @staticmethod
    def _join(cell: RawCell, text: str) -> None:
        cell.text = f"{cell.text}\n{text}" if cell.text.strip() else text


def _read_region(lines: tuple[str, ...], index: int, limit: int, number: int, caption: str) -> Region:
    reader = _RegionReader(lines, index, limit)
    end = reader.run()
    return Region(number=number, start=index + 1, end=end, caption=caption, items=reader.items)
