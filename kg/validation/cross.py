"""Layer 3 — across filings: what a filing states for the previous year against that year's
own filing (shapes/cross_filing.rq), as one set-based SPARQL query over the store.

Only the same organisation is compared (the register resolves every name a filing uses to
one organisation IRI): 2020's 城市管理监督指挥中心 stating its 2019 figures is checked against
the centre's own 2019 filing, never against 政务服务办's, although the hotline moved between them.
"""

from __future__ import annotations

from decimal import Decimal

from kg.namespaces import KGO
from kg.paths import SHAPES_DIR
from kg.validation.derive import measure_labels
from kg.validation.findings import Finding, sort_findings

QUERY_FILE = SHAPES_DIR / "cross_filing.rq"
CHECK = "PriorYearAgrees"


def cross_filing_query(filings: list[str] | None = None) -> str:
    query = QUERY_FILE.read_text(encoding="utf-8")
    if filings:
        values = "VALUES ?filing { " + " ".join(f"<{f}>" for f in filings) + " }"
        query = query.replace("#@filings", values)
    return query


def validate_cross_filing(store, filings: list[str] | None = None) -> list[Finding]:
    """Findings for every prior-year figure (of ``filings``, default all) that disagrees with
    the previous year's filing of the same organisation: a violation when the gap exceeds
    the two figures' rounding tolerances, a warning when it is within them."""
    findings = []
    for row in store.select(cross_filing_query(filings)).dicts():
        difference = Decimal(row["difference"].value)
        excess = Decimal(row["excessOverTolerance"].value)
        severity = "Violation" if excess > 0 else "Warning"
        item = row["item"].value.removeprefix(KGO + "item/")
        label = measure_labels(item)
        year = row["year"].value
        other_filing = row["otherFiling"].value
        implied = row["how"].value == "implied"
        values = {
            "item": item, "year": year, "stated": row["stated"].value, "how": row["how"].value,
            "other_filing": other_filing, "others": row["others"].value,
            "difference": str(difference), "tolerance": str(difference - excess),
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
    return sort_findings(findings)
