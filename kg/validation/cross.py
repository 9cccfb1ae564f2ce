"""Layer 3 — across filings:

- ``PriorYearAgrees``: what a filing states for the previous year against that year's own
  filing of the same kind (shapes/cross/prior_year_claims.rq against prior_year_counterparts.rq);
- ``BudgetAgrees``: the budget (年初预算) a 决算 states or implies for a 项 or a 三公 figure
  against the same year's 部门预算 (shapes/cross/budget_claims.rq against budget_counterparts.rq).

Only the same organisation is compared (the register resolves every name a filing uses to
one organisation IRI): 2020's 城市管理监督指挥中心 stating its 2019 figures is checked against
the centre's own 2019 filing, never against 政务服务办's, although the hotline moved between them.
A gap within the rounding tolerances of the two figures is a warning, a larger one a violation;
so is a gap where one figure has the other's digits in the other unit (元 read as 万元): a table
printing yuan under a 万元 header, which that filing's own UnitSlip check reports as a violation.

Each filing's claims and offers come from that filing alone (kg.validation.cross_keys, stored
with the filing on load); this module joins them: a claim of organisation O, year Y, kind K and
item (or key) I meets the offers of I by the filing of O, Y and K. A prior-year figure that
differs from every counterpart is a finding (smallest gap); a 决算's budget figure is one when
no counterpart, rounded to the 决算's printed precision, is its figure (a warning on every gap
would flag nearly every 项: a 决算 prints 万元, a budget 元). Not compared: a 项 whose budget table
has no row of its 款, a 决算 without the year's budget.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from kg.amounts import UNIT_MULTIPLIERS
from kg.namespaces import KGO
from kg.validation.cross_keys import KEYS, side_of_graph, stored_side
from kg.validation.derive import measure_labels
from kg.validation.findings import Finding, sort_findings

CHECK = "PriorYearAgrees"
BUDGET_CHECK = "BudgetAgrees"
BUDGET_KIND = KGO + "Budget"
WAN = UNIT_MULTIPLIERS["万元"]


def validate_cross_filing(store, filings: list[str] | None = None) -> list[Finding]:
    """Findings for every figure (of ``filings``, default all) that disagrees with another filing
    of the same organisation: a prior-year figure with the previous year's filing, a 决算's
    budget figure with the year's 部门预算. A violation when the gap exceeds the two figures'
    rounding tolerances, a warning when it is within them."""
    sides = filing_sides(store)
    claimants = [s for s in sides if filings is None or s["filing"] in filings]
    return sort_findings(_prior_year_findings(claimants, sides) + _budget_findings(claimants, sides))


def filing_sides(store) -> list[dict]:
    """Every filing's side (kg.validation.cross_keys): as stored with it, or computed again
    from its graph when it has none of these queries."""
    rows = store.select(f"""SELECT ?filing ?keys WHERE {{ ?filing a <{KGO}Filing>
                            OPTIONAL {{ ?filing <{KEYS.value}> ?keys }} }}""").rows
    sides = []
    for filing, keys in rows:
        side = stored_side(keys.value) if keys is not None else None
        if side is None:
            side = side_of_graph(store, filing.value)
        if side is not None:
            sides.append(side)
    return sides


@dataclass(frozen=True)
class _Offer:
    filing: str
    amount: Decimal
    tolerance: Decimal
    shown: str
    code: str | None = None


def _offers(sides: list[dict], part: str, wanted: set[tuple], kind: str | None = None) -> dict[tuple, list[_Offer]]:
    """The offers of ``part`` by (organisation, year, kind, item or key), of the keys in
    ``wanted`` only; offers of one filing in the order of their lines when they have one."""
    found: dict[tuple, list[_Offer]] = defaultdict(list)
    for side in sides:
        if kind is not None and side["kind"] != kind:
            continue
        if part == "prior_offers":  # item, amount, tolerance, shown, line: prose and tables
            rows = sorted(side[part] + side["prior_table_offers"], key=lambda r: int(r[4]))
            offers = ((r[0], _Offer(side["filing"], Decimal(r[1]), Decimal(r[2]), r[3])) for r in rows)
        else:  # key, code, amount, tolerance, shown
            rows = side[part]
            offers = ((r[0], _Offer(side["filing"], Decimal(r[2]), Decimal(r[3]), r[4], r[1])) for r in rows)
        for key, offer in offers:
            at = (side["org"], side["year"], side["kind"], key)
            if at in wanted:
                found[at].append(offer)
    return found


def _by_filing(offers: list[_Offer]) -> dict[str, list[_Offer]]:
    grouped: dict[str, list[_Offer]] = defaultdict(list)
    for offer in offers:
        grouped[offer.filing].append(offer)
    return grouped


def _decimal_text(value: Decimal) -> str:
    """A decimal as SPARQL prints one: no exponent, no trailing zeros (``3713``, ``0.51``)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _gap(gaps: list[Decimal], excesses: list[Decimal], unit_slip: bool = False) -> tuple[str, Decimal, Decimal]:
    """Severity, difference and tolerance from the gaps to a filing's counterparts and those
    gaps minus the rounding tolerances (the smallest of each). A unit slip is a warning."""
    difference = Decimal(_decimal_text(min(gaps)))
    excess = Decimal(_decimal_text(min(excesses)))
    return ("Violation" if excess > 0 and not unit_slip else "Warning"), difference, difference - excess


def _unit_slip(amount: Decimal, counterparts: list[_Offer]) -> bool:
    """Whether a counterpart has the figure's digits in the other unit (ten thousand times or a
    ten-thousandth of it): one of the two filings prints yuan under a 万元 header."""
    return amount != 0 and any(o.amount in (amount * WAN, amount / WAN) for o in counterparts)


# appended to a finding's message when the gap is a unit slip
_SLIP_ZH = "两数数字相同而单位相差一万倍（元/万元）：其中一份文件的表格单位有误，见该文件的 UnitSlip 检查结果。"
_SLIP_EN = (" The two figures have the same digits in 元 and 万元: one of the filings prints yuan under a 万元 "
            "header (its UnitSlip finding says which).")


def _with_slip(zh: str, en: str, values: dict, unit_slip: bool) -> tuple[str, str]:
    if not unit_slip:
        return zh, en
    values["unit_slip"] = "true"
    return zh + _SLIP_ZH, en + _SLIP_EN


def _distinct_claims(claimants: list[dict], part: str) -> list[tuple[dict, tuple]]:
    """The claims of ``part`` of each filing, each once, with the filing's side."""
    seen = {}
    for side in claimants:
        for row in side[part]:
            seen.setdefault((side["filing"], tuple(row)), side)
    return [(side, row) for (_, row), side in seen.items()]


def _prior_year_findings(claimants: list[dict], sides: list[dict]) -> list[Finding]:
    claims = _distinct_claims(claimants, "prior_claims")
    # a claim: prior, how, item, year, org, amount, tolerance, line, stated
    wanted = {(row[4], row[3], side["kind"], row[2]) for side, row in claims}
    offers = _offers(sides, "prior_offers", wanted)
    findings = []
    for side, (prior, how, item_iri, year, org, amount, tolerance, line, stated) in claims:
        for other_filing, counterparts in _by_filing(offers.get((org, year, side["kind"], item_iri), [])).items():
            gaps = [abs(Decimal(amount) - o.amount) for o in counterparts]
            if min(gaps) == 0:
                continue
            excesses = [gap - Decimal(tolerance) - o.tolerance for gap, o in zip(gaps, counterparts)]
            slip = _unit_slip(Decimal(amount), counterparts)
            severity, difference, tolerance_shown = _gap(gaps, excesses, slip)
            others = " / ".join(dict.fromkeys(o.shown for o in counterparts))
            findings.append(_prior_year_finding(side["filing"], prior, how, item_iri, year, int(line), stated,
                                                other_filing, others, severity, difference, tolerance_shown, slip))
    return findings


def _prior_year_finding(filing, prior, how, item_iri, year, line, stated, other_filing, others,
                        severity, difference, tolerance, unit_slip=False) -> Finding:
    item = item_iri.removeprefix(KGO + "item/")
    label = measure_labels(item)
    implied = how == "implied"
    values = {
        "item": item, "year": year, "stated": stated, "how": how, "other_filing": other_filing, "others": others,
        "difference": str(difference), "tolerance": str(tolerance),
    }
    said_zh = "按本年数与所述增减额推得" if implied else "所述"
    said_en = "implies (this year's figure minus the stated change)" if implied else "states"
    zh = (f"本文件{said_zh}{year}年“{label['zh']}”为 {stated}，而该机构{year}年的文件（{other_filing}）"
          f"为 {others}，相差 {difference} 元（舍入容差 {tolerance} 元）；请核对上年数或增减额。")
    en = (f"This filing {said_en} {label['en']} for {year} as {stated}, but the organisation's own {year} "
          f"filing ({other_filing}) gives {others}; difference {difference} yuan (rounding tolerance "
          f"{tolerance} yuan). Check the prior-year figure or the change.")
    zh, en = _with_slip(zh, en, values, unit_slip)
    where = {"table": None, "row": None, "line": line}
    return Finding(severity, filing, where, zh, en, values, check=CHECK, focus=prior)


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


def _rounded(amount: Decimal, step: Decimal) -> Decimal:
    """``amount`` to the nearest multiple of ``step``, halves up (SPARQL's ROUND)."""
    return (amount / step + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR) * step


def _budget_findings(claimants: list[dict], sides: list[dict]) -> list[Finding]:
    claims = _distinct_claims(claimants, "budget_claims")
    # a claim: focus, how, item, measure, key, name, year, org, amount, tolerance, step, line, stated
    wanted = {(row[7], row[6], BUDGET_KIND, row[4]) for _, row in claims}
    offers = _offers(sides, "budget_offers", wanted, BUDGET_KIND)
    findings = []
    for side, (focus, how, _, measure, key, name, year, org, amount, tolerance, step, line, stated) in claims:
        amount, tolerance, step = Decimal(amount), Decimal(tolerance), Decimal(step)
        for budget_filing, counterparts in _by_filing(offers.get((org, year, BUDGET_KIND, key), [])).items():
            gaps = [abs(amount - o.amount) for o in counterparts]
            printed_gaps = [0 if _rounded(o.amount, step) == amount else gap for gap, o in zip(gaps, counterparts)]
            if min(printed_gaps) == 0:
                continue
            excesses = [gap - tolerance - o.tolerance for gap, o in zip(gaps, counterparts)]
            slip = _unit_slip(amount, counterparts)
            severity, difference, tolerance_shown = _gap(gaps, excesses, slip)
            codes = " ".join(sorted({o.code for o in counterparts if o.code}))
            others = " / ".join(sorted({o.shown for o in counterparts}))
            findings.append(_budget_finding(side["filing"], focus, how, measure, name, year, int(line), stated,
                                            budget_filing, codes, others, severity, difference, tolerance_shown,
                                            slip))
    return findings


def _budget_finding(filing, focus, how, measure, name, year, line, stated, budget_filing, codes, others,
                    severity, difference, tolerance, unit_slip=False) -> Finding:
    if measure == "final_vs_budget":  # a 项: its name in the 决算, its code in the budget's tables
        label = {"zh": f"{name}（项，{codes}）", "en": f"the 项 {codes} {name}"}
    else:
        label = measure_labels(measure)
    values = {
        "item": measure, "code": codes, "name": name, "year": year, "stated": stated, "how": how,
        "other_filing": budget_filing, "others": others, "difference": str(difference), "tolerance": str(tolerance),
    }
    said_zh, said_en, check_zh, check_en = _HOW[how]
    zh = (said_zh.format(year=year, label=label["zh"], stated=stated)
          + f"，而该机构{year}年部门预算（{budget_filing}）为 {others}，相差 {difference} 元"
          f"（舍入容差 {tolerance} 元）；{check_zh}")
    en = (said_en.format(year=year, label=label["en"], stated=stated)
          + f", but the organisation's own {year} budget filing ({budget_filing}) gives {others}; "
          f"difference {difference} yuan (rounding tolerance {tolerance} yuan). {check_en}")
    zh, en = _with_slip(zh, en, values, unit_slip)
    where = {"table": None, "row": None, "line": line}
    return Finding(severity, filing, where, zh, en, values, check=BUDGET_CHECK, focus=focus)
