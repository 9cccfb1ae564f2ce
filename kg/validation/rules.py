"""The rules of kg.validation.derive, as data: what a table cell measures, which figures
make up which, what a share is a share of, and readable names for measures.

A new template (another province's table titles, another decomposition) is a new row here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

import pyoxigraph as ox

from kg.namespaces import KGO
from kg.paths import ONTOLOGY_DIR

# What a cell of a standard table measures: (title pattern, title exclusion, row pattern,
# column, measure). Rows are matched on their name without spaces; the first rule wins.
_TOTAL_ROW = r"总计|^合计[:：]?$"
TABLE_RULES: list[tuple[str, str | None, str, str, str]] = [
    (r"三公", None, r"因公出国", "*", "three_public_abroad"),
    (r"三公", None, r"公务接待", "*", "three_public_reception"),
    (r"三公", None, r"购置及运行", "*", "three_public_vehicle"),
    (r"三公", None, r"购置费", "*", "three_public_vehicle/vehicle_purchase"),
    (r"三公", None, r"运行维护费", "*", "three_public_vehicle/vehicle_operation"),
    (r"三公", None, _TOTAL_ROW, "*", "three_public_total"),
    (r"收支总|收入支出决算总表", r"财政拨款", _TOTAL_ROW, "revenue", "revenue_total"),
    (r"收支总|收入支出决算总表", r"财政拨款", _TOTAL_ROW, "expenditure", "expenditure_total"),
    (r"财政拨款收支总|财政拨款收入支出决算总表", None, _TOTAL_ROW, "revenue", "fiscal_appropriation"),
    (r"财政拨款收支总|财政拨款收入支出决算总表", None, _TOTAL_ROW, "expenditure", "fiscal_appropriation"),
    (r"^[^收]*收入(总体情况|决算)表", None, _TOTAL_ROW, "total", "revenue_total"),
    (r"^[^支]*支出(总体情况|决算)表", r"一般公共|政府性基金|国有资本", _TOTAL_ROW, "total", "expenditure_total"),
    (r"^[^支]*支出(总体情况|决算)表", r"一般公共|政府性基金|国有资本", _TOTAL_ROW, "basic", "basic_expenditure"),
    (r"^[^支]*支出(总体情况|决算)表", r"一般公共|政府性基金|国有资本", _TOTAL_ROW, "project", "project_expenditure"),
]

# Figures of a table form (部门整体支出绩效目标申报表) by column.
FORM_MEASURES = {"total": "department_total", "basic": "basic_expenditure",
                 "project": "project_expenditure", "other": "department_other"}

# Implicit decompositions: (whole, parts, complete, scope). Scope "year": among the prose
# figures of one year (and, with "table", the figures of one table column of that year);
# "fact": among the figures of one sentence. A rule applies only when the whole and every
# part it finds are unique in the group (repeated figures must agree); a complete rule
# needs every part.
PART_RULES: list[tuple[str, tuple[str, ...], bool, str]] = [
    ("expenditure_total", ("basic_expenditure", "project_expenditure"), True, "year"),
    ("basic_expenditure", ("personnel_expenditure", "public_expenditure"), True, "year"),
    ("three_public_total", ("three_public_abroad", "three_public_reception", "three_public_vehicle"), True, "year+table"),
    ("three_public_vehicle", ("three_public_vehicle/vehicle_purchase", "three_public_vehicle/vehicle_operation"), True, "year+table"),
    ("department_total", ("basic_expenditure", "project_expenditure", "department_other"), True, "fact"),
    ("procurement", ("procurement/goods", "procurement/works", "procurement/services"), True, "fact"),
    ("procurement", ("procurement/sme_amount",), False, "fact"),
    ("procurement/sme_amount", ("procurement/small_micro_amount",), False, "fact"),
]
# A rule's whole may fall back to another measure when the group has none (a budget that
# states only its revenue total: revenue = expenditure).
WHOLE_FALLBACK = {"expenditure_total": "revenue_total"}
# Column suffixes the year rules are also applied with (a 决算's budget figures).
RULE_SUFFIXES = ("", "/budget_amount")

# Labels of measure parts that are not items of the ontology (items: ontology/kg.ttl).
PART_LABELS = {
    "vehicle_purchase": ("购置费", "purchase"), "vehicle_operation": ("运行维护费", "running costs"),
    "budget_amount": ("年初预算", "budget"), "budget_change": ("比年初预算增减", "change against budget"),
    "goods": ("货物", "goods"), "works": ("工程", "works"), "services": ("服务", "services"),
    "sme_amount": ("授予中小企业", "awarded to SMEs"), "small_micro_amount": ("授予小微企业", "awarded to small firms"),
    "department_total": ("部门整体资金总额", "the department's total funds"),
    "department_other": ("其他资金", "other funds"), "budget": ("预算", "budget"), "payment": ("付款", "payment"),
    "items": ("分项", "item"), "projects": ("项目", "project"),
}

# Parts that always make up their whole: 基本支出 + 项目支出 (as fact kinds or as item names).
BASIC_AND_PROJECT = {"basic_expenditure", "project_expenditure"}
NAMED_KINDS = {"基本支出": "basic_expenditure", "项目支出": "project_expenditure"}

# The figure a stated share is a share of: the nearest preceding figure of this kind.
SHARE_OF = {
    "revenue_item": "revenue_total", "expenditure_item": "expenditure_total",
    "basic_expenditure": "expenditure_total", "project_expenditure": "expenditure_total",
    "spending_by_class": "fiscal_appropriation",
}
# Shares stated inside one sentence: (kind, share key) -> (part, whole) figure keys.
INNER_SHARES = {
    ("procurement", "sme_share"): ("sme_amount", "amount"),
    ("procurement", "small_micro_share"): ("small_micro_amount", "amount"),
    ("performance_goal_coverage", "share"): ("amount", "project_expenditure"),
}
# Lists of figures inside a sentence: key -> (complete when the stated count matches?).
LIST_KEYS = {"items": True, "projects": True}
LIST_PARTIAL_KINDS = {"fixed_assets"}  # 其中 lists: the items need not add up


@lru_cache(maxsize=1)
def _item_labels() -> dict[str, dict[str, str]]:
    """zh/en labels of the ontology's items (kgo:item/revenue_total …)."""
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    prefix, label = KGO + "item/", "http://www.w3.org/2000/01/rdf-schema#label"
    for quad in ox.parse(path=str(ONTOLOGY_DIR / "kg.ttl"), format=ox.RdfFormat.TURTLE):
        t = quad.triple
        if t.predicate.value == label and t.subject.value.startswith(prefix) and t.object.language:
            labels[t.subject.value[len(prefix):]][t.object.language] = t.object.value
    return dict(labels)


def measure_labels(measure: str) -> dict[str, str]:
    """Readable zh and en names of a measure key: 三公 vehicle purchase → “公务用车…·购置费”."""
    items = _item_labels()
    parts = measure.split("/")
    zh, en = [], []
    for part in parts:
        found = items.get(part) or dict(zip(("zh", "en"), PART_LABELS.get(part, (part, part.replace("_", " ")))))
        zh.append(found.get("zh", part))
        en.append(found.get("en", part))
    return {"zh": "·".join(zh), "en": ", ".join(en)}


def table_measure(title: str, note: str, column: str) -> str | None:
    row = squash(note)
    for title_pattern, exclude, row_pattern, col, measure in TABLE_RULES:
        if not re.search(title_pattern, title) or (exclude and re.search(exclude, title)):
            continue
        if (col == "*" or col == column) and re.search(row_pattern, row):
            return measure
    return None


def class_key(name: str) -> str:
    """一般公共服务（类） / 一般公共服务支出 → 一般公共服务."""
    return re.sub(r"（类）|\(类\)|支出$", "", squash(name))


def in_scope(scope: str, key: tuple) -> bool:
    if key[0] == "fact":
        return scope == "fact"
    source = key[1]
    return scope.startswith("year") and (source == "prose" or "table" in scope)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")
