"""Column headers of the grid tables: labels, stable keys, the role of each column.

The key vocabulary is documented in :mod:`kg.parsing.tables`. A header is one row, or two
when the upper row has fewer cells than the lower one (Word merged cells: ``科目`` over
``科目编码 | 科目名称``, ``收入`` over ``项目 | 预算金额``); the two labels are then joined as
``upper / lower``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import Column

# Roles decide how a column's cells are typed.
CODE, NAME, TEXT, AMOUNT = "code", "name", "text", "amount"

# (key, pattern on the label with all whitespace removed; " / " becomes "/"). First match wins.
_KEYS: tuple[tuple[str, str], ...] = (
    ("revenue_item", r"^收入(项目类别|项目|/项目|/项目类别)$"),
    ("revenue", r"^收入(金额|/金额|/预算金额|/预算数)$"),
    ("expenditure_item", r"^支出(项目类别|项目|/项目|/项目类别)$"),
    ("expenditure", r"^支出(金额|/金额|/预算金额|/预算数)$"),
    ("econ_code", r"部门经济分类(代码|编码)$"),
    ("econ_name", r"部门经济分类名称$"),
    ("gov_econ_code", r"政府经济分类(代码|编码)$"),
    ("gov_econ_name", r"政府经济分类名称$"),
    ("code", r"(科目编码|科目代码|功能分类(代码|编码)|功能科目(代码|编码))$"),
    ("name", r"(科目名称|功能分类名称|功能科目名称)$|^项目$"),
    ("unit_code", r"^(预算)?单位(代码|编码)$"),
    ("unit_name", r"^(预算)?单位名称$"),
    ("item_code", r"^编码([（(]代码[)）])?$"),
    ("item_name", r"目录及项目名称$"),
    ("func_subject", r"^支出功能分类科目$"),
    ("project_name", r"^项目名称$"),
    ("total", r"^(合计|总计)$"),
    ("basic", r"^基本支出$"),
    ("project", r"^项目支出$"),
    ("personnel", r"^(人员经费|人员支出|工资福利支出)$"),
    ("public", r"^(公用经费|公用支出)$"),
    ("amount", r"^(预算金额|指标金额|预算批复数|金额|预算数)$"),
)
_COMPILED = tuple((key, re.compile(pattern)) for key, pattern in _KEYS)
_YEAR_FIGURE = re.compile(r"^(\d{4})年(预算数|决算数|执行数)$")
_ECON_CODE_IN_LABEL = re.compile(r"(?<!\d)(3\d{2}|3\d{4}|5\d{2}|5\d{4})(?!\d)")
_LABEL_UNIT = re.compile(r"[（(](万元|元|亿元)[）)]")

_ROLES = {
    "code": CODE, "econ_code": CODE, "gov_econ_code": CODE, "unit_code": CODE, "item_code": CODE,
    "name": NAME, "econ_name": NAME, "gov_econ_name": NAME, "unit_name": NAME, "item_name": NAME,
    "project_name": NAME, "revenue_item": NAME, "expenditure_item": NAME,
    "func_subject": TEXT,
}


@dataclass
class ColumnSpec:
    """A column plus what the parser needs to type its cells."""

    column: Column
    role: str  # code | name | text | amount (amount columns still hold text cells like 否)
    unit: str | None  # the unit the label states, e.g. （万元）; None: the table's unit


def compact(text: str) -> str:
    """The text without any whitespace (labels are matched on this)."""
    return re.sub(r"\s+", "", text)


def key_for(label: str) -> str:
    """The stable key of a column label (see the vocabulary in kg.parsing.tables)."""
    flat = compact(_LABEL_UNIT.sub("", label))
    for key, pattern in _COMPILED:
        if pattern.search(flat):
            return key
    year = _YEAR_FIGURE.match(flat)
    if year:
        return f"year:{year[1]}"
    code = _ECON_CODE_IN_LABEL.search(flat)
    if code:
        return f"econ:{code[1]}"
    return f"col:{flat}" if flat else "col:"


def unit_in(label: str) -> str | None:
    m = _LABEL_UNIT.search(label)
    return m[1] if m else None


def make_columns(labels: list[str]) -> list[ColumnSpec]:
    """Column specs for the labels, keys made unique within the table (``col:x``, ``col:x#2``)."""
    specs: list[ColumnSpec] = []
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        key = key_for(label) if label else f"col:{index + 1}"
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"
        base = key.split("#", 1)[0]
        specs.append(ColumnSpec(Column(key=key, label=label), _ROLES.get(base, AMOUNT), unit_in(label)))
    return specs


def header_labels(upper: list[str], lower: list[str] | None) -> list[str]:
    """Labels of a one- or two-row header (texts already stripped)."""
    if lower is None:
        return list(upper)
    parents = _parents(upper, lower)
    labels = []
    for parent, child in zip(parents, lower):
        labels.append(f"{parent} / {child}" if parent and child else (parent or child))
    return labels


def _parents(upper: list[str], lower: list[str]) -> list[str]:
    """For each lower cell, the upper cell above it.

    An empty lower cell sits under an upper cell merged vertically (one to one); runs of
    filled lower cells share the remaining upper cells: one per run, or split evenly when a
    single run holds several (``收入 | 支出`` over ``项目 | 预算金额 | 项目 | 预算金额``).
    """
    runs = _run_lengths(lower)
    groups = len(upper) - lower.count("")  # upper cells that have children
    sizes = _split_runs(runs, groups)
    if sizes is None:  # cannot tell: align left to right
        return [upper[i] if i < len(upper) else "" for i in range(len(lower))]
    parents: list[str] = []
    uppers, chunks = iter(upper), iter(sizes)
    while len(parents) < len(lower):
        size = 1 if not lower[len(parents)] else next(chunks)
        parents.extend([next(uppers, "")] * size)
    return parents


def _run_lengths(lower: list[str]) -> list[int]:
    """Lengths of the runs of consecutive filled cells."""
    runs, current = [], 0
    for text in lower + [""]:
        if text:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    return runs


def _split_runs(runs: list[int], groups: int) -> list[int] | None:
    """Chunk sizes covering the runs in order, or None when the split is ambiguous."""
    if groups == len(runs):
        return runs
    if len(runs) == 1 and groups > 1 and runs[0] % groups == 0:
        return [runs[0] // groups] * groups
    return None
