"""Layer 3 — across filings, as set-based SPARQL over the store:

- ``shapes/cross_filing.rq`` (``PriorYearAgrees``): what a filing states for the previous year
  against that year's own filing of the same kind;
- ``shapes/final_vs_budget.rq`` (``BudgetAgrees``): the budget (年初预算) a 决算 states or implies
  for a 项 or a 三公 figure against the same year's 部门预算.

Only the same organisation is compared (the register resolves every name a filing uses to
one organisation IRI): 2020's 城市管理监督指挥中心 stating its 2019 figures is checked against
the centre's own 2019 filing, never against 政务服务办's, although the hotline moved between them.
A gap within the rounding tolerances of the two figures is a warning, a larger one a violation.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kg.namespaces import KGO
from kg.paths import SHAPES_DIR
from kg.validation.derive import measure_labels
from kg.validation.findings import Finding, sort_findings

QUERY_FILE = SHAPES_DIR / "cross_filing.rq"
CHECK = "PriorYearAgrees"
BUDGET_QUERY_FILE = SHAPES_DIR / "final_vs_budget.rq"
BUDGET_CHECK = "BudgetAgrees"


def _query(path: Path, filings: list[str] | None) -> str:
    """The query of ``path``, its ``#@filings`` lines restricted to ``filings`` (default all).

    A FILTER, not a VALUES clause: VALUES makes Oxigraph start each branch from the filings
    (every triple of a filing with kgo:filing), a FILTER leaves the plan as it is. At 1,000
    filings restricted to all of them, cross_filing.rq took 27.5 s with VALUES and 10.1 s with
    the FILTER (8.8 s unrestricted); restricted to one filing both take the same time."""
    query = path.read_text(encoding="utf-8")
    if filings:
        restriction = "FILTER(?filing IN (" + ", ".join(f"<{f}>" for f in filings) + "))"
        query = query.replace("#@filings", restriction)
    return query


def cross_filing_query(filings: list[str] | None = None) -> str:
    return _query(QUERY_FILE, filings)


def final_vs_budget_query(filings: list[str] | None = None) -> str:
    return _query(BUDGET_QUERY_FILE, filings)


def validate_cross_filing(store, filings: list[str] | None = None) -> list[Finding]:
    """Findings for every figure (of ``filings``, default all) that disagrees with another filing
    of the same organisation: a prior-year figure with the previous year's filing, a 决算's
    budget figure with the year's 部门预算. A violation when the gap exceeds the two figures'
    rounding tolerances, a warning when it is within them."""
    return sort_findings(_prior_year_findings(store, filings) + _budget_findings(store, filings))


def _gap(row) -> tuple[str, Decimal, Decimal]:
    """Severity, difference and tolerance of a row with ?difference and ?excessOverTolerance."""
    difference = Decimal(row["difference"].value)
    excess = Decimal(row["excessOverTolerance"].value)
    return ("Violation" if excess > 0 else "Warning"), difference, difference - excess


def _prior_year_findings(store, filings: list[str] | None) -> list[Finding]:
    findings = []
    for row in store.select(cross_filing_query(filings)).dicts():
        severity, difference, tolerance = _gap(row)
        item = row["item"].value.removeprefix(KGO + "item/")
        label = measure_labels(item)
        year = row["year"].value
        other_filing = row["otherFiling"].value
        implied = row["how"].value == "implied"
        values = {
            "item": item, "year": year, "stated": row["stated"].value, "how": row["how"].value,
            "other_filing": other_filing, "others": row["others"].value,
            "difference": str(difference), "tolerance": str(tolerance),
        }
        said_zh = "按本年数与所述增减额推得" if implied else "所述"
        said_en = "implies (this year's figure minus the stated change)" if implied else "states"
        zh = (f"本文件{said_zh}{year}年“{label['zh']}”为 {values['stated']}，而该机构{year}年的文件（{other_filing}）"
              f"为 {values['others']}，相差 {difference} 元（舍入容差 {values['tolerance']} 元）；请核对上年数或增减额。")
        en = (f"This filing {said_en} {label['en']} for {year} as {values['stated']}, but the organisation's own {year} "
              f"filing ({other_filing}) gives {values['others']}; difference {difference} yuan (rounding tolerance "
              f"{values['tolerance']} yuan). Check the prior-year figure or the change.")
        where = {"table": None, "row": None, "line": int(row["line"].value)}
        findings.append(Finding(severity, row["filing"].value, where, zh, en, values, check=CHECK, focus=row["prior"].value))
    return findings


# What a 决算 says of the budget figure (the query's ?how), and what to check, for the messages.
_HOW = {
    "implied": ("本{year}年度决算按决算数与所述“比年初预算增减”额推得“{label}”的{year}年年初预算为 {stated}",
                "This {year} final-accounts filing implies a {year} budget for {label} of {stated} (its final figure "
                "minus the stated change against the budget)",
                "请核对决算数、增减额或部门预算数。", "Check the final figure, the change or the budget."),
    "unchanged": ("本{year}年度决算称“{label}”与{year}年年初预算持平，即年初预算为 {stated}",
                  "This {year} final-accounts filing says {label} was as budgeted, i.e. a {year} budget of {stated}",
                  "请核对决算数或部门预算数。", "Check the final figure or the budget."),
    "stated": ("本{year}年度决算所述“{label}”的{year}年年初预算为 {stated}",
               "This {year} final-accounts filing states a {year} budget for {label} of {stated}",
               "请核对所述年初预算数或部门预算数。", "Check the budget figure stated or the budget."),
}


def _budget_findings(store, filings: list[str] | None) -> list[Finding]:
    findings = []
    for row in store.select(final_vs_budget_query(filings)).dicts():
        severity, difference, tolerance = _gap(row)
        year = row["year"].value
        how = row["how"].value
        budget_filing = row["budgetFiling"].value
        measure = row["measure"].value
        codes = row["codes"].value if row.get("codes") is not None else ""
        name = row["name"].value
        if measure == "final_vs_budget":  # a 项: its name in the 决算, its code in the budget's tables
            label = {"zh": f"{name}（项，{codes}）", "en": f"the 项 {codes} {name}"}
        else:
            label = measure_labels(measure)
        values = {
            "item": measure, "code": codes, "name": name, "year": year, "stated": row["stated"].value, "how": how,
            "other_filing": budget_filing, "others": " / ".join(sorted(row["budgetFigures"].value.split(" / "))),
            "difference": str(difference), "tolerance": str(tolerance),
        }
        said_zh, said_en, check_zh, check_en = _HOW[how]
        zh = (said_zh.format(year=year, label=label["zh"], stated=values["stated"])
              + f"，而该机构{year}年部门预算（{budget_filing}）为 {values['others']}，相差 {difference} 元"
              f"（舍入容差 {tolerance} 元）；{check_zh}")
        en = (said_en.format(year=year, label=label["en"], stated=values["stated"])
              + f", but the organisation's own {year} budget filing ({budget_filing}) gives {values['others']}; "
              f"difference {difference} yuan (rounding tolerance {tolerance} yuan). {check_en}")
        where = {"table": None, "row": None, "line": int(row["line"].value)}
        findings.append(Finding(severity, row["filing"].value, where, zh, en, values, check=BUDGET_CHECK,
                                focus=row["focus"].value))
    return findings
