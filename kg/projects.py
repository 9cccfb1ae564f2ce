"""Project names: how a printed title becomes a comparison key, and how alike two titles are.

Filings name one project in many ways: with or without the year it was contracted
(``2018年…``), the district (``西城区…``), the kind of money (``…经费``, ``…承包款``,
``…以前年度余款``), or a line break inside a table cell. ``project_key`` strips exactly those
and nothing else, so two titles with the same key are the same project (``kgo:sameProjectAs``);
``similarity`` (Dice coefficient of character bigrams of the keys) measures titles that
differ in more than that, for the inferred ``kgo:continuedBy`` links of kg/links.py.

    >>> project_key("2018年12341政府服务热线建设服务项目承包款")
    '12341政府服务热线建设'
    >>> project_key("12341政府服务热线建设项目经费")
    '12341政府服务热线建设'
    >>> project_key("工作经费"), project_key("政务服务")
    ('工作经费', '政务服务')
    >>> project_key("西城区城市治理大数据平台建设一期项目尾款") == project_key("城市治理大数据平台建设一期项目尾款")
    True
    >>> round(similarity("12345市民服务热线西城分中心服务外包项目", "12345市民热线西城分中心服务项目"), 2)
    0.77
"""

from __future__ import annotations

import re
import unicodedata

from kg.model import Row, Table

_YEAR_PREFIX = re.compile(r"^(?:19|20)\d\d年(?:度)?")
_PLACE_PREFIX = re.compile(r"^(?:北京市西城区|西城区|西城|区)")
# money words at the end of a title, longest first; stripped repeatedly (…项目经费 → …)
# (and the generic 项目/服务 of …服务项目); never below three characters (政务服务 stays)
_MONEY_SUFFIXES = ("以前年度余款", "以前年度尾款", "以前年度经费", "承包款", "经费", "资金", "尾款", "余款",
                   "费用", "项目", "服务")
_MIN_KEY = 3
_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】,，.。、;；:：!！?？·_-]+")
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
# 项目名称 cells of 部门预算明细表 that name a basic-expenditure line, not a project:
# 人员支出（在职统发）_基本工资, 日常公用支出（在职人员）_办公费 …
_BASIC_LINE = re.compile(r"_|^(?:人员支出|日常公用支出|对个人和家庭补助支出|公用支出|人员经费|公用经费)")
_PROJECT_NAME_COLUMNS = ("project_name",)


def compact_title(text: str) -> str:
    """A printed title without the line-wrap spaces inside Chinese text (table cells)."""
    return _CJK_SPACE.sub("", text.strip())


def project_key(title: str) -> str:
    """The comparison key of a project title (see the module docstring)."""
    key = _PUNCT.sub("", unicodedata.normalize("NFKC", title))
    key = _YEAR_PREFIX.sub("", key, count=1)
    stripped = _PLACE_PREFIX.sub("", key, count=1)
    key = stripped if len(stripped) >= 2 else key
    changed = True
    while changed:
        changed = False
        for suffix in _MONEY_SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= _MIN_KEY:
                key = key[: -len(suffix)]
                changed = True
    return key


def bigrams(text: str) -> set[str]:
    """The set of adjacent character pairs of ``text`` (the text itself when shorter)."""
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the character bigrams of the two titles' keys (0 … 1)."""
    x, y = bigrams(project_key(a)), bigrams(project_key(b))
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def row_project_name(table: Table, row: Row) -> str | None:
    """The project a table row's amount belongs to, when the table has a 项目名称 column
    (部门预算明细表, 专项转移支付预算表) and the cell names a project rather than a
    basic-expenditure line; None otherwise."""
    if row.heading or len(row.cells) != len(table.columns):
        return None
    for index, column in enumerate(table.columns):
        if column.key in _PROJECT_NAME_COLUMNS:
            name = compact_title(row.cells[index].text)
            if name and len(name) >= 2 and not _BASIC_LINE.search(name):
                return name
    return None
