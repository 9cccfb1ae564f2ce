"""Grid tables (表一–表十 and friends): header, columns, typed body rows."""

from __future__ import annotations

from dataclasses import dataclass

from kg.amounts import looks_like_amount
from kg.model import Cell, Column, Row
from kg.parsing.table_cells import Problems, amount_cell, empty_cell, is_code, is_empty_note, text_row
from kg.parsing.table_columns import AMOUNT, CODE, NAME, TEXT, ColumnSpec, header_labels, make_columns
from kg.parsing.table_layout import FreeLine, RawCell, RawRow

# Which code column gives Row.code (and its level), and the name column paired with it.
_CODE_PRIORITY = ("code", "econ_code", "gov_econ_code", "item_code", "unit_code")
_PAIRED_NAME = {"code": "name", "econ_code": "econ_name", "gov_econ_code": "gov_econ_name",
                "item_code": "item_name", "unit_code": "unit_name"}
_NAME_FALLBACK = ("name", "econ_name", "gov_econ_name", "project_name", "item_name",
                  "revenue_item", "expenditure_item", "unit_name")
_FUNCTIONAL_LEVELS = {3: 1, 5: 2, 7: 3}  # 类 / 款 / 项
_ECONOMIC_LEVELS = {3: 1, 5: 2}


@dataclass
class GridResult:
    columns: list[Column]
    rows: list[Row]
    empty_note: str | None


def read_grid(items: list[RawRow | FreeLine], unit: str | None, problems: Problems) -> GridResult:
    """Columns and rows from the items after the title and unit lines."""
    header, body = _split_header(items)
    specs = make_columns(header)
    layout = _Layout(specs, unit, problems)
    rows: list[Row] = []
    note = None
    for item in body:
        text = _free_text(item)
        if text is not None and is_empty_note(text):
            note = note or text
        elif isinstance(item, FreeLine):
            rows.append(text_row(item.text, item.line))
        elif item.filled():  # all-empty rows are spacing in the printed table
            rows.append(layout.row(item))
    return GridResult([s.column for s in specs], rows, note)


def _free_text(item: RawRow | FreeLine) -> str | None:
    """The text of a free line, or of a row with a single filled cell (a note may be either)."""
    if isinstance(item, FreeLine):
        return item.text
    filled = item.filled()
    return filled[0] if len(filled) == 1 else None


def _split_header(items: list[RawRow | FreeLine]) -> tuple[list[str], list[RawRow | FreeLine]]:
    """Header labels (one row, or two when the upper row has fewer cells) and the body."""
    first = next((k for k, it in enumerate(items) if isinstance(it, RawRow) and len(it.filled()) >= 2), None)
    if first is None:
        return [], items
    upper = items[first]
    rest = items[first + 1:]
    lower = rest[0] if rest and isinstance(rest[0], RawRow) else None
    if lower is not None and len(lower.cells) > len(upper.cells) and not _has_figures(lower):
        return header_labels(upper.texts(), lower.texts()), rest[1:]
    return header_labels(upper.texts(), None), rest


def _has_figures(row: RawRow) -> bool:
    return any(looks_like_amount(t) for t in row.texts())


class _Layout:
    """Types the cells of body rows by their column."""

    def __init__(self, specs: list[ColumnSpec], unit: str | None, problems: Problems):
        self.specs = specs
        self.unit = unit
        self.problems = problems
        self.assumed = False
        keys = [s.column.key for s in specs]
        self.code_key = next((k for k in _CODE_PRIORITY if k in keys), None)
        self.name_keys = ([_PAIRED_NAME[self.code_key]] if self.code_key else []) + list(_NAME_FALLBACK)

    def row(self, raw: RawRow) -> Row:
        if len(raw.cells) > len(self.specs):
            self.problems.add("row_width", raw.line,
                         f"row has {len(raw.cells)} cells, the header {len(self.specs)}",
                         " | ".join(raw.filled()))
        cells = [self._cell(c, self._spec(i)) for i, c in enumerate(raw.cells)]
        by_key = {self._spec(i).column.key: cell for i, cell in enumerate(cells)}
        values = {k: c.amount for k, c in by_key.items() if c.kind == "amount" and c.amount is not None}
        code = self._code(by_key)
        return Row(line=raw.line, cells=cells, code=code, name=self._name(by_key, cells),
                   level=self._level(code), heading=not values, values=values)

    def _spec(self, index: int) -> ColumnSpec:
        if index < len(self.specs):
            return self.specs[index]
        return ColumnSpec(Column(key=f"col:{index + 1}", label=""), AMOUNT, None)

    def _cell(self, raw: RawCell, spec: ColumnSpec) -> Cell:
        text = raw.text.strip()
        if not text:
            return empty_cell(raw.text, raw.line)
        if spec.role == CODE:
            return Cell(raw.text, raw.line, "code" if is_code(text) else "text")
        if spec.role == NAME:
            return Cell(raw.text, raw.line, "name")
        if spec.role == TEXT or not looks_like_amount(text):
            return Cell(raw.text, raw.line, "text")
        where = f"column {spec.column.label or spec.column.key}"
        return amount_cell(raw.text, text, self._unit_for(spec, raw.line), raw.line, self.problems, where)

    def _unit_for(self, spec: ColumnSpec, line: int) -> str:
        """The column's stated unit, else the table's, else 元 (reported once per table)."""
        unit = spec.unit or self.unit
        if unit is not None:
            return unit
        if not self.assumed:
            self.assumed = True
            self.problems.add("unit_assumed", line, "the table states no unit; figures read as 元")
        return "元"

    def _code(self, by_key: dict[str, Cell]) -> str | None:
        cell = by_key.get(self.code_key) if self.code_key else None
        return cell.text.strip() if cell is not None and cell.kind == "code" else None

    def _name(self, by_key: dict[str, Cell], cells: list[Cell]) -> str | None:
        for key in self.name_keys:
            cell = by_key.get(key)
            if cell is not None and cell.kind == "name":
                return cell.text.strip()
        return next((c.text.strip() for c in cells if c.kind == "text"), None)

    def _level(self, code: str | None) -> int:
        if code is None or not code.isdigit():
            return 0
        if self.code_key == "code":
            return _FUNCTIONAL_LEVELS.get(len(code), 0)
        if self.code_key in ("econ_code", "gov_econ_code"):
            return _ECONOMIC_LEVELS.get(len(code), 0)
        return 0
