"""Table recovery from Word-to-text dumps of budget filings.

``parse_tables(lines)`` returns every table (kg.model.Table), the 1-based line numbers the
tables occupy (caption to last cell, so the prose extractor skips them) and the problems
found. Finding the tables and their raw rows is kg.parsing.table_layout; grids are typed in
table_grid (headers in table_columns), performance forms in table_forms.

Table
    ``number`` from the caption (表一 → 1), ``line`` the first caption line (in 2021 filings
    ``表一、部门收支总体情况表`` just before ``表一：``), ``title`` the title row as printed
    (``2019部门收支总体情况表``; the caption's text when there is none), ``unit`` from the
    ``单位：元`` / ``单位：万元`` line (None when the table states none), ``empty_note`` the
    ``注：本部门因没有…故没有数据`` line of a table without data. All-empty rows are dropped.

Column keys (grid tables; the performance forms have no columns)
    ``code`` / ``name``          functional classification: 科目编码/科目名称, 功能分类代码/名称,
                                 功能科目代码; also ``name`` for a bare 项目 (表七)
    ``econ_code`` / ``econ_name``   部门经济分类代码 / 名称 (301, 30101)
    ``gov_econ_code`` / ``gov_econ_name``   政府经济分类代码 / 名称 (501, 50101)
    ``unit_code`` / ``unit_name``   (预算)单位代码 / 名称 (299001)
    ``item_code`` / ``item_name``   编码(代码) / 政府购买服务目录及项目名称 (表十, 2021)
    ``func_subject``             支出功能分类科目 (code and name printed in one cell)
    ``project_name``             项目名称
    ``total``                    合计 / 总计
    ``basic`` / ``project``      基本支出 / 项目支出
    ``personnel`` / ``public``   人员经费 (人员支出, 工资福利支出 as a column) / 公用经费
    ``amount``                   预算金额, 指标金额, 预算批复数, 金额
    ``revenue_item`` / ``revenue`` / ``expenditure_item`` / ``expenditure``
                                 the two sides of 收支总表 (表一, 表四): 收入项目类别, 收入金额,
                                 支出项目类别, 支出金额, or 收入 / 项目, 收入 / 预算金额 …
    ``year:2020``                2020年预算数 (the figures of the year the header names)
    ``econ:30101``               a column whose header carries an economic code
    ``col:<label>``              any other column: its label without whitespace
                                 (``col:上年结转``, ``col:一般公共预算拨款收入``, ``col:市指标文号``)
    A key repeated in one table gets ``#2``, ``#3``; a cell beyond the header gets ``col:<n>``.
    A two-row header joins its labels as ``upper / lower`` (``科目 / 科目编码``).

Rows
    ``code`` from the first code column of code, econ_code, gov_econ_code, item_code,
    unit_code (so 表六 rows carry the 部门经济分类 code whatever the column order);
    ``level`` 1/2/3 for 3/5/7-digit functional codes, 1/2 for 3/5-digit economic codes, else
    0; ``name`` the name paired with that code, else the first name cell (for 收支总表 the
    revenue item unless empty), else the first text cell (``合计``); ``heading`` when the
    row has no figures; ``values`` column key → Amount for every figure.
    Cell kinds: code, name, amount, text, empty, personal (forms only; see table_forms).

Amounts carry the table's unit, or the unit a header label states (``（万元）``); a figure in
a column without any unit is read as 元 with a ``unit_assumed`` problem. Problems:
``malformed_amount`` (kept as printed, value None), ``unit_suspect`` (a 万元 figure of a
million or more), ``unit_assumed``, ``unit_unknown`` (a form figure with no unit anywhere),
``row_width`` (more cells than header columns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.model import Problem, Table
from kg.parsing.table_cells import Problems, is_empty_note
from kg.parsing.table_forms import is_form, read_form
from kg.parsing.table_grid import read_grid
from kg.parsing.table_layout import FreeLine, RawRow, Region, caption_of, find_regions

_UNIT = re.compile(r"^单位[：:]\s*(?P<unit>万元|亿元|元)$")
_YEAR_LINE = re.compile(r"^[（(]\s*\d{4}\s*年度?\s*[）)]$")


def parse_tables(lines: tuple[str, ...]) -> tuple[list[Table], set[int], list[Problem]]:
    """Return the tables, the set of 1-based line numbers they occupy, and problems found."""
    tables: list[Table] = []
    occupied: set[int] = set()
    problems: list[Problem] = []
    for region in find_regions(lines):
        table, table_problems = _build(region)
        tables.append(table)
        occupied |= region.lines()
        problems.extend(table_problems)
    return tables, occupied, problems


@dataclass
class _Preamble:
    """What comes before the header or the first form row: title and unit."""

    title: str | None = None
    unit: str | None = None
    body: list[RawRow | FreeLine] = field(default_factory=list)


def _build(region: Region) -> tuple[Table, Problems]:
    problems = Problems(region.number)
    pre = _preamble(region.items)
    title = pre.title or region.caption or f"表{region.number}"
    table = Table(number=region.number, title=title, line=region.start, unit=pre.unit)
    if is_form(title, pre.body):
        table.rows = read_form(pre.body, pre.unit, problems)
        return table, problems
    grid = read_grid(pre.body, pre.unit, problems)
    table.columns, table.rows, table.empty_note = grid.columns, grid.rows, grid.empty_note
    return table, problems


def _preamble(items: list[RawRow | FreeLine]) -> _Preamble:
    """Split off captions, the title and the unit line; the rest is the table body.

    Single-cell rows and free lines before the first row of two or more cells are the
    preamble; a year line (``（2019年度）``) or a note stays in the body.
    """
    pre = _Preamble()
    for k, item in enumerate(items):
        text = _single_text(item)
        if text is None:
            pre.body = items[k:]
            return pre
        if not text or caption_of(text):
            continue
        unit = _UNIT.match(text.replace(" ", ""))
        if unit:
            pre.unit = pre.unit or unit["unit"]
        elif pre.title is None and not _YEAR_LINE.match(text) and not is_empty_note(text):
            pre.title = text
        else:
            pre.body = items[k:]
            return pre
    return pre


def _single_text(item: RawRow | FreeLine) -> str | None:
    """The one text of a free line or of a row with at most one filled cell; None otherwise."""
    if isinstance(item, FreeLine):
        return item.text
    filled = item.filled()
    if len(filled) > 1:
        return None
    return filled[0] if filled else ""
