"""Who filed this, for which fiscal year, and of which kind (部门预算 / 部门决算).

``identify(lines, tables)`` reads the year and kind from the text (never from the file name)
and collects every name the filing uses for its own department, as written, each with its
role and line:

========================  ==================================================================
role                      where
========================  ==================================================================
``title``                 a title line ``2024年度北京市西城区城市管理指挥中心`` over ``部门决算``
``full``                  a 北京市… name in a statement (更名为…（简称…）, …负责本区…, …行政编制…)
``short``                 the 简称 in ``（简称区政务服务办）``
``body``                  a shorter name used as the subject of a statement (区城管监督指挥中心 …)
``three_public``          the department's own unit(s) named in the 三公经费 scope paragraph
``table_header``          the cell after ``部门（单位）名称`` (表十一/十二) or in the ``预算单位名称``
                          column (专项转移支付表)
``budget_unit``           an organisation named in a table row after its 6-digit budget unit code
``budget_unit_code``      that 6-digit code
``attachment``            the name inside ``详见附件：2024-<name>-…`` at the end of a 决算
========================  ==================================================================

Names are kept exactly as printed (typo variants such as ``…综合行政执法行政监察局`` included);
each distinct (text, role) is listed once, at its first line. ``department`` is the fullest
official name: a 北京市西城区… form if there is one, else 西城区…, else the most used name.

Year and kind are found by a short list of patterns (``_YEAR_KIND_RULES``); a filing in which
none matches gets ``year``/``kind`` None and the caller rejects the file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from kg.model import BUDGET, FINAL, Name, Table
from kg.parsing.prose_text import (
    DISTRICT_NAME_PREFIX, FULL_NAME_PREFIX, LOCAL_PREFIX, ORG_SUFFIX, clean_name, split_names)


@dataclass
class Identity:
    year: int | None
    kind: str | None  # kg.model.BUDGET / FINAL
    department: str
    names: list[Name] = field(default_factory=list)


_KINDS = {"预算": BUDGET, "决算": FINAL}
_YEAR = r"(?P<year>(?:19|20)\d{2})"

# (pattern, needs the next non-empty line) – tried in order; the first that matches wins.
_YEAR_KIND_RULES: list[re.Pattern] = [
    # 第一部分：2020年度部门预算情况说明 / 第一部分  2019部门预算情况说明 / 第一部分 2024年度部门决算说明
    re.compile(rf"第[一二三四五]部分\s*[、：:.]?\s*{_YEAR}\s*年?度?\s*(?:部门|单位)(?P<kind>预算|决算)"),
    # 2019年部门预算情况说明 / 2021年部门预算编制情况说明
    re.compile(rf"^\s*{_YEAR}\s*年?度?\s*(?:部门|单位)(?P<kind>预算|决算)(?:编制)?(?:情况)?说明"),
    # 2024年度…部门决算 on one line
    re.compile(rf"^\s*{_YEAR}\s*年度?.{{0,40}}?(?:部门|单位)(?P<kind>预算|决算)\s*$"),
]
# A title over two lines: ``2024年度北京市西城区城市管理指挥中心`` then ``部门决算``.
_TITLE_TOP = re.compile(rf"^\s*{_YEAR}\s*年度?\s*(?P<name>\S+?{ORG_SUFFIX})\s*$")
_TITLE_BOTTOM = re.compile(r"^\s*(?:部门|单位)(?P<kind>预算|决算)\s*$")

_HEAD_LINES = 300  # year and kind are stated near the top

# A name the filing may use for a unit: starts 北京市 / 西城区 / 区 and ends like an organisation.
_NAME = rf"{LOCAL_PREFIX}[^\s，。；、（）()“”:：,]{{1,30}}?{ORG_SUFFIX}"

# Name rules over prose lines: (role, pattern with group ``n``). The role "full" is given
# instead of "body" when the name is written in the 北京市… form.
_NAME_RULES: list[tuple[str, re.Pattern]] = [
    # 更名为北京市西城区政务服务管理办公室（简称区政务服务办）
    ("full", re.compile(rf"更名为(?P<n>{_NAME})")),
    ("short", re.compile(r"（简称(?P<n>[^）()]{2,20})）")),
    # …职责划转至区城管监督指挥中心
    ("body", re.compile(rf"职责划转至(?P<n>{_NAME})")),
    # the subject of a statement about the department
    ("body", re.compile(
        rf"(?:^|[。，；]|(?:19|20)\d{{2}}年|根据上述职责，)\s*(?P<n>{_NAME})"
        rf"(?=主要职责|行政编制|部门预算中|负责本区|无国有资本|对(?:19|20)\d{{2}}年度|有\d+个|设\d+个)")),
    # 详见附件：2024-北京市西城区城市管理指挥中心-北京市西城区财政局决算公开报表
    ("attachment", re.compile(rf"详见附件[：:]\s*(?:19|20)\d{{2}}\s*[-－—]\s*(?P<n>{_NAME})\s*[-－—]")),
]
# 三公 scope: …包括1个所属单位，即西城区城市管理监督指挥中心。 / …包括3个所属单位，即X本级和Y、Z。
_THREE_PUBLIC = re.compile(r"包括(?P<count>\d+)个所属单位，即(?P<list>[^。]+)")

_HEADER_LABELS = ("部门（单位）名称", "部门(单位)名称", "单位名称")
_UNIT_COLUMN_LABEL = "预算单位名称"
_UNIT_CODE = re.compile(r"^\d{6}$")
_ORG_CELL = re.compile(rf"^(?:{LOCAL_PREFIX})?\S{{1,30}}?{ORG_SUFFIX}$")


def identify(lines: tuple[str, ...], tables: list[Table]) -> Identity:
    year, kind, title = _year_and_kind(lines)
    occurrences: list[Name] = []
    if title is not None:
        occurrences.append(title)
    occurrences += _prose_names(lines)
    occurrences += _table_names(lines, tables)
    department = _choose_department(occurrences)
    return Identity(year=year, kind=kind, department=department, names=_dedupe(occurrences))


# --- year and kind ---------------------------------------------------------------------------

def _prose_head(lines: tuple[str, ...]) -> list[tuple[int, str]]:
    out = []
    for i, line in enumerate(lines[:_HEAD_LINES]):
        if line.startswith("\t") or not line.strip():
            continue
        out.append((i + 1, line))
    return out


def _year_and_kind(lines: tuple[str, ...]) -> tuple[int | None, str | None, Name | None]:
    head = _prose_head(lines)
    title = None
    for k, (ln, text) in enumerate(head[:-1]):
        top = _TITLE_TOP.match(text)
        bottom = _TITLE_BOTTOM.match(head[k + 1][1])
        if top and bottom:
            title = Name(clean_name(top.group("name")), "title", ln)
            break
    for rule in _YEAR_KIND_RULES:
        for _ln, text in head:
            m = rule.search(text)
            if m:
                return int(m.group("year")), _KINDS[m.group("kind")], title
    if title is not None:  # only the two-line title states them
        for k, (ln, text) in enumerate(head[:-1]):
            top, bottom = _TITLE_TOP.match(text), _TITLE_BOTTOM.match(head[k + 1][1])
            if top and bottom:
                return int(top.group("year")), _KINDS[bottom.group("kind")], title
    return None, None, title


# --- names in the prose ----------------------------------------------------------------------

def _prose_lines(lines: tuple[str, ...]):
    for i, line in enumerate(lines):
        if line.startswith("\t") or not line.strip():
            continue
        yield i + 1, line


def _prose_names(lines: tuple[str, ...]) -> list[Name]:
    found: list[Name] = []
    for ln, text in _prose_lines(lines):
        for role, rule in _NAME_RULES:
            for m in rule.finditer(text):
                name = clean_name(m.group("n"))
                if role == "body" and name.startswith("北京市"):
                    role_ = "full"
                else:
                    role_ = role
                found.append(Name(name, role_, ln))
        m = _THREE_PUBLIC.search(text)
        if m:
            found += [Name(n, "three_public", ln) for n in three_public_own_units(m.group("list"), int(m.group("count")))]
    return found


def three_public_own_units(listing: str, count: int) -> list[str]:
    """The department's own unit(s) in a 三公 scope list: the one unit when only one is
    listed, or the unit written ``…本级``."""
    units = split_names(listing)
    own = [u[: -len("本级")] for u in units if u.endswith("本级")]
    if own:
        return own
    if count == 1 and len(units) == 1:
        return units
    return []


# --- names in the tables ---------------------------------------------------------------------

def _table_names(lines: tuple[str, ...], tables: list[Table]) -> list[Name]:
    """Names in table headers and budget-unit rows, from the Table objects and from the raw
    tab-separated rows (the union: a header the table parser keeps outside its rows is still found)."""
    rows: list[list[tuple[str, int]]] = []
    for table in tables:
        for row in table.rows:
            rows.append([(c.text, c.line) for c in row.cells])
    rows += _raw_rows(lines)
    names = _names_in_rows(rows)
    headers = {(n.text, n.line) for n in names if n.role == "table_header"}
    return [n for n in names if not (n.role == "budget_unit" and (n.text, n.line) in headers)]


def _raw_rows(lines: tuple[str, ...]) -> list[list[tuple[str, int]]]:
    """Rows of tab-led cells separated by blank lines; a line without the tab continues the cell."""
    rows: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        if line.startswith("\t"):
            current.append((line[1:], i + 1))
        elif not line.strip():
            if current:
                rows.append(current)
                current = []
        elif current:
            text, ln = current[-1]
            current[-1] = (text + line, ln)
    if current:
        rows.append(current)
    return rows


def _names_in_rows(rows: list[list[tuple[str, int]]]) -> list[Name]:
    found: list[Name] = []
    unit_column: int | None = None
    for cells in rows:
        texts = [clean_name(t) for t, _ in cells]
        if _UNIT_COLUMN_LABEL in texts:
            unit_column = texts.index(_UNIT_COLUMN_LABEL)
            continue
        for k, text in enumerate(texts):
            if text in _HEADER_LABELS:
                nxt = next(((t, cells[j][1]) for j, t in enumerate(texts) if j > k and t), None)
                if nxt and _ORG_CELL.match(nxt[0]):
                    found.append(Name(nxt[0], "table_header", nxt[1]))
        nonempty = [(t, cells[j][1], j) for j, t in enumerate(texts) if t]
        if len(nonempty) >= 2 and _UNIT_CODE.match(nonempty[0][0]) and _ORG_CELL.match(nonempty[1][0]):
            code, name = nonempty[0], nonempty[1]
            role = "table_header" if unit_column is not None and name[2] == unit_column else "budget_unit"
            found.append(Name(name[0], role, name[1]))
            found.append(Name(code[0], "budget_unit_code", code[1]))
    return found


# --- choosing and tidying ------------------------------------------------------------------------

_NOT_A_DEPARTMENT_NAME = {"short", "budget_unit_code", "former"}


def _choose_department(names: list[Name]) -> str:
    candidates = [n for n in names if n.role not in _NOT_A_DEPARTMENT_NAME]
    if not candidates:
        return ""
    counts = Counter(n.text for n in candidates)
    first_line = {}
    for n in candidates:
        first_line.setdefault(n.text, n.line)

    def rank(text: str):
        prefix = 0 if FULL_NAME_PREFIX.match(text) else 1 if DISTRICT_NAME_PREFIX.match(text) and not text.startswith("区") else 2
        return (prefix, -counts[text], -len(text), first_line[text])

    return min(counts, key=rank)


def _dedupe(names: list[Name]) -> list[Name]:
    seen: set[tuple[str, str]] = set()
    out = []
    for n in sorted(names, key=lambda n: n.line):
        key = (n.text, n.role)
        if key in seen or not n.text:
            continue
        seen.add(key)
        out.append(n)
    return out
