"""Facts read from the tables (the prose facts are kg.parsing.prose).

``facts_from_tables(tables)`` emits:

``department_target``
    one per 部门整体支出绩效目标申报表: values ``total`` / ``basic`` / ``project`` (and ``other``
    when it is a figure) as Amount in the unit the form states, ``department`` (部门（单位）名称)
    when printed, ``table`` (the table number). Line: the 资金总额 row.
``performance_target``
    one per project form of a 项目支出绩效目标申报表: values ``project`` (项目名称), ``amount``
    (预算金额, Amount), ``type`` (项目类型, only when the form states one: a single category,
    or the one ticked with √ in the printed menu), ``department`` when printed, ``table``.
    Line: the 项目名称 row.
``budget_unit_code``
    a 6-digit 预算单位代码 printed in a table (``295001``, ``299001``): values ``code``,
    ``name`` (the unit's name in the next cell), ``table``. Once per code and name.

Fact.text is the source row's printed cells joined with spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kg.model import Fact, Row, Table
from kg.parsing.table_columns import compact
from kg.parsing.table_forms import label_of

_UNIT_CODE = re.compile(r"^\d{6}$")
_MENU_ITEM = re.compile(r"(?:\d+\s*[.．、]\s*)?([^\d\s√.．、]+)\s*(√?)")
_DEPARTMENT_LABEL = "部门（单位）名称"


def facts_from_tables(tables: list[Table]) -> list[Fact]:
    facts: list[Fact] = []
    for table in tables:
        if "部门整体" in table.title:
            facts.extend(_department_targets(table))
        elif "项目支出绩效目标" in table.title:
            facts.extend(_project_targets(table))
        facts.extend(_unit_codes(table))
    return facts


def row_text(row: Row) -> str:
    return " ".join(" ".join(c.text.split()) for c in row.cells if c.text.strip())


def _value_after(row: Row, label: str) -> str | None:
    """The printed value following a label cell in a form row."""
    for k, cell in enumerate(row.cells):
        if label_of(cell.text) == label:
            rest = [c for c in row.cells[k + 1:] if c.kind != "empty"]
            return rest[0].text.strip() if rest else None
    return None


def _department_targets(table: Table) -> list[Fact]:
    department = None
    values: dict[str, Any] = {}
    line, text = table.line, ""
    for row in table.rows:
        department = department or _value_after(row, _DEPARTMENT_LABEL)
        if "total" in row.values and not values:
            line, text = row.line, row_text(row)
        for key in ("total", "basic", "project", "other"):
            if key in row.values and key not in values:
                values[key] = row.values[key]
    if not values:
        return []
    if department:
        values["department"] = department
    values["table"] = table.number
    return [Fact(kind="department_target", line=line, text=text, values=values)]


@dataclass
class _ProjectForm:
    row: Row
    project: str
    values: dict[str, Any] = field(default_factory=dict)


def _project_targets(table: Table) -> list[Fact]:
    forms: list[_ProjectForm] = []
    department = None
    for row in table.rows:
        department = _value_after(row, _DEPARTMENT_LABEL) or department
        project = _value_after(row, "项目名称")
        if project is not None:
            form = _ProjectForm(row, " ".join(project.split()))
            if "amount" in row.values:
                form.values["amount"] = row.values["amount"]
            if department:
                form.values["department"] = department
            forms.append(form)
            continue
        project_type = _value_after(row, "项目类型")
        if forms and project_type:
            stated = project_type_of(project_type)
            if stated:
                forms[-1].values["type"] = stated
    return [Fact(kind="performance_target", line=f.row.line, text=row_text(f.row),
                 values={"project": f.project, **f.values, "table": table.number}) for f in forms]


def project_type_of(printed: str) -> str | None:
    """The category a 项目类型 cell states: the only one printed, or the one ticked (√)."""
    items = [(m[1], bool(m[2])) for m in _MENU_ITEM.finditer(compact(printed))]
    if len(items) == 1:
        return items[0][0]
    ticked = [name for name, tick in items if tick]
    return ticked[0] if len(ticked) == 1 else None


def _unit_codes(table: Table) -> list[Fact]:
    facts, seen = [], set()
    for row in table.rows:
        for k, cell in enumerate(row.cells[:-1]):
            code = cell.text.strip()
            if cell.kind != "code" or not _UNIT_CODE.match(code):
                continue
            name = row.cells[k + 1].text.strip()
            if (code, name) in seen:
                continue
            seen.add((code, name))
            facts.append(Fact(kind="budget_unit_code", line=cell.line, text=row_text(row),
                              values={"code": code, "name": name, "table": table.number}))
    return facts
