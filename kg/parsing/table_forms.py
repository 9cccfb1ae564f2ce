"""Performance-target forms (部门整体支出绩效目标申报表, 项目支出绩效目标申报表).

These are key-value forms, not grids: a row holds labels (``项目名称``, ``预算金额（万元）``,
``联系电话``, ``资金总额：``) each followed by its value. A value is typed by its label:

* after 负责人 / 填报人 / 联系人 / 联系电话: ``personal`` (a person's name or phone number,
  never an amount; the RDF mapper drops these for privacy);
* after 资金总额 / 基本支出 / 项目支出 / 其他 / 预算金额: ``amount`` when it is a figure
  (``6064.66``, ``2100万元``), its unit the one printed after the figure, else the one the
  label or the row's section label states (``部门（单位）总体资金情况（万元）`` covers the
  rows below it whose first cell is empty), else the table's; Row.values gets the key
  total / basic / project / other / amount;
* after 部门（单位）名称 / 项目名称: ``name``;
* anything else (addresses, postal codes, indicator texts): ``text``.

A table may hold several forms (one per project); free title lines between them
(``项目支出绩效目标申报表``, ``（2019年度）``) are kept as heading rows, so the forms can be told
apart.
"""

from __future__ import annotations

import re

from kg.model import Cell, Row
from kg.parsing.table_cells import Problems, amount_cell, empty_cell, text_row
from kg.parsing.table_columns import compact, unit_in
from kg.parsing.table_layout import FreeLine, RawRow

_LABEL = re.compile(
    r"^(部门（单位）.{1,14}|项目名称|预算金额.*|项目负责人|联系电话|联系人|单位地址|邮政编码|项目类型"
    r"|项目绩效目标|绩效指标|其他说明的问题|填报人|资金总额|基本支出|项目支出|其他)$")
_PERSONAL = re.compile(r"负责人|填报人|联系人|联系电话|电话|手机")
_MONEY = {"资金总额": "total", "基本支出": "basic", "项目支出": "project", "其他": "other", "预算金额": "amount"}
_NAMES = ("部门（单位）名称", "项目名称")
_FIGURE = re.compile(r"^(?P<number>[-−]?[\d,]+(?:\.\d*)?)\s*(?P<unit>万元|元|亿元)?$")
_UNIT_ONLY = re.compile(r"[（(](?:万元|元|亿元)[）)]")


def is_form(title: str, items: list[RawRow | FreeLine]) -> bool:
    """A performance form: by its title, or by its first row (部门（单位）名称 | …)."""
    if "绩效目标" in title:
        return True
    first = next((it for it in items if isinstance(it, RawRow) and it.filled()), None)
    return first is not None and compact(first.filled()[0]).startswith("部门（单位）名称")


def label_of(text: str) -> str | None:
    """The label a cell states (whitespace and a trailing colon removed), or None for a value."""
    flat = compact(text).rstrip("：:")
    return flat if flat and (_LABEL.match(flat) or compact(text).endswith(("：", ":"))) else None


def read_form(items: list[RawRow | FreeLine], unit: str | None, problems: Problems) -> list[Row]:
    rows: list[Row] = []
    section_unit: str | None = None
    for item in items:
        if isinstance(item, FreeLine):
            rows.append(text_row(item.text, item.line))
            continue
        if not item.filled():
            continue
        first = item.cells[0].text.strip()
        if first:
            section_unit = unit_in(first)
        rows.append(_form_row(item, section_unit or unit, problems))
    return rows


def _form_row(raw: RawRow, unit: str | None, problems: Problems) -> Row:
    cells: list[Cell] = []
    values = {}
    label: str | None = None  # the label the next value belongs to
    for rc in raw.cells:
        text = rc.text.strip()
        if not text:
            cells.append(empty_cell(rc.text, rc.line))
            continue
        own_label = label_of(text)
        if own_label is not None:
            cells.append(Cell(rc.text, rc.line, "text"))
            label = own_label
            continue
        cell = _value_cell(rc.text, rc.line, label, unit, problems)
        cells.append(cell)
        key = _money_key(label)
        if cell.kind == "amount" and key and cell.amount is not None:
            values[key] = cell.amount
        label = None
    labels = [label_of(c.text) for c in cells if c.kind == "text"]
    filled = [c.text.strip() for c in cells if c.kind != "empty"]
    name = next((lb for lb in labels if lb), None) or (filled[0] if filled else None)
    return Row(line=raw.line, cells=cells, name=name, heading=not values, values=values)


def _money_key(label: str | None) -> str | None:
    return _MONEY.get(_UNIT_ONLY.sub("", label)) if label else None


def _value_cell(printed: str, line: int, label: str | None, unit: str | None, problems: Problems) -> Cell:
    if label is None:
        return Cell(printed, line, "text")
    if _PERSONAL.search(label):
        return Cell(printed, line, "personal")
    if any(label.startswith(n) for n in _NAMES):
        return Cell(printed, line, "name")
    figure = _FIGURE.match(printed.strip())
    if _money_key(label) and figure:
        stated = figure["unit"] or unit_in(label) or unit
        if stated is None:
            problems.add("unit_unknown", line, f"figure {printed.strip()!r} after {label} states no unit",
                         printed.strip())
            return Cell(printed, line, "text")
        return amount_cell(printed, figure["number"], stated, line, problems, label)
    return Cell(printed, line, "text")
