"""Errors injected on purpose, one kind per faulty filing, each of a kind a validator checks.

An injector looks at the anchors of the clean rendering (:mod:`bench.generate_doc`) and
returns overrides; the filing is rendered again with them, so the text changes only where
the error is and every line keeps its number. The gap is always far above rounding
tolerance: at least 1,000 元 (or 1 万元 in a 决算, 0.5 percentage points for a percentage).

Kinds (``KINDS``):

``child_sum``            a 项 row no longer adds up into its 款 parent (budget: 合计 and the
                         non-zero component of one 项 row in 表二/表三/表五 raised together, so the
                         row itself still balances; final: one 项 决算 figure raised, so the 项
                         figures no longer add up to their 类 figure in 四（一）).
``row_sum``              基本支出 + 项目支出 ≠ 合计 in one row (budget: a 项 row's 合计 in 表三/表五;
                         final: 基本支出 in 二（二） no longer adds up with 项目支出 to 本年支出合计).
``revenue_expenditure``  收入总计 ≠ 支出总计 (budget: the revenue side of 表一 or 表四; final: the
                         本年收入合计 with 财政拨款收入 and 一般公共预算财政拨款收入).
``personnel_public``     人员经费 + 公用经费 ≠ 基本支出 (budget: 人员经费 of 表六's total row; final:
                         人员经费 in 七).
``change_wrong``         a stated 增加/减少 amount ≠ this year's figure − last year's.
``percent_wrong``        a stated percentage (增长/下降 or 占…%) ≠ the ratio rounded to 2 decimals.
``prose_table``          a figure in the prose ≠ the same figure in a table (budget only: a major
                         project's amount in 三、主要支出情况 vs its 表九 line).
``prior_year``           last year's figure as stated ≠ what last year's filing printed (the
                         change and percentage are restated from the wrong figure, so the filing is
                         consistent within itself). In a final, also a 项's implied 年初预算 ≠
                         the same year's budget.
``malformed_amount``     a figure printed with a misplaced thousands separator (``498,64,180.90``).
``unit_mismatch``        a table headed 万元 over figures in 元 (budget only: a 单位：元 cell
                         printed 单位：万元, or 部门整体支出绩效目标申报表 printing yuan under its 万元 label).
``date_order``           a period that ends before it starts (final only: the 绩效 section's
                         考核期间 ``2023年2月1日-2024年1月31日`` printed with the filing's year at
                         both ends, as the 2024 决算 sample prints its hotline window).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from bench.generate_doc import Anchor, Doc, Override
from bench.generate_numbers import WAN, malformed, yuan

KINDS = (
    "child_sum", "row_sum", "revenue_expenditure", "personnel_public", "change_wrong", "percent_wrong",
    "prose_table", "prior_year", "malformed_amount", "unit_mismatch", "date_order",
)
MIN_GAP = {"元": 1000_00, "万元": WAN}  # in 分
STEP = {"元": 100, "万元": 10_000}  # gaps are whole yuan / whole 0.01 万元


@dataclass
class Injection:
    """What to override, and how to describe it."""

    kind: str
    overrides: dict[str, Override]
    primary: str  # the key whose line is the error's line
    table: int | None = None
    note: str = ""
    implies: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass
class Context:
    anchors: dict[str, Anchor]
    filing_kind: str  # budget | final
    unit: str  # 元 | 万元
    rng: random.Random

    def keys(self, pattern: str) -> list[str]:
        rx = re.compile(pattern)
        return [k for k in self.anchors if rx.fullmatch(k)]

    def pick(self, keys: list[str]) -> str | None:
        return self.rng.choice(keys) if keys else None

    def gap(self, value: int) -> int:
        """A money gap far above rounding: 3–15% of the figure, at least MIN_GAP, in whole steps."""
        step = STEP[self.unit]
        raw = max(MIN_GAP[self.unit], round(abs(value) * self.rng.uniform(0.03, 0.15)))
        return -(-raw // step) * step

    def pct_gap(self) -> Decimal:
        return Decimal(str(round(self.rng.uniform(0.5, 5.0), 2)))

    def true(self, key: str):
        return self.anchors[key].true


# -- the injectors ---------------------------------------------------------------------------

def _child_sum(ctx: Context) -> Injection | None:
    if ctx.filing_kind == "final":
        key = ctx.pick(ctx.keys(r"f/item/\d{7}/cur"))
        if key is None:
            return None
        code = key.split("/")[2]
        return Injection("child_sum", {key: Override(ctx.true(key) + ctx.gap(ctx.true(key)))}, key,
                         note=f"项 {code} no longer adds up into 类 {code[:3]}", extra={"parent": code[:3]})
    key = ctx.pick(ctx.keys(r"t[235]/\d{7}/total"))
    if key is None:
        return None
    n, code = key[1], key.split("/")[1]
    if n == "2":
        part = f"t2/{code}/gpb"
    else:
        part = f"t{n}/{code}/basic" if ctx.true(f"t{n}/{code}/basic") else f"t{n}/{code}/project"
    d = ctx.gap(ctx.true(key))
    return Injection("child_sum", {key: Override(ctx.true(key) + d), part: Override(ctx.true(part) + d)}, key,
                     int(n), f"表{n} row {code} raised by {d / 100:.2f} in 合计 and one component: its 款 {code[:5]} "
                     f"no longer equals the sum of its 项", ["restated_figure"], {"parent": code[:5]})


def _row_sum(ctx: Context) -> Injection | None:
    if ctx.filing_kind == "final":
        key = "f/basic/cur"
        return Injection("row_sum", {key: Override(ctx.true(key) + ctx.gap(ctx.true(key)))}, key,
                         note="基本支出 + 项目支出 ≠ 本年支出合计", implies=["restated_figure"])
    key = ctx.pick(ctx.keys(r"t[35]/\d{7}/total"))
    if key is None:
        return None
    code = key.split("/")[1]
    return Injection("row_sum", {key: Override(ctx.true(key) + ctx.gap(ctx.true(key)))}, key, int(key[1]),
                     f"row {code}: 合计 ≠ 基本支出 + 项目支出", ["child_sum", "restated_figure"])


def _revenue_expenditure(ctx: Context) -> Injection | None:
    if ctx.filing_kind == "final":
        keys = ["f/revenue/cur", "f/revenue/fiscal", "f/revenue/gpb"]
        n = None
    else:
        n = ctx.rng.choice((1, 4))
        keys = [f"t1/rev/{k}" for k in ("item", "sub", "total")] if n == 1 else [
            f"t4/rev/{k}" for k in ("sub", "gpb", "total")]
    d = ctx.gap(ctx.true(keys[0]))
    primary = keys[0] if n is None else keys[-1]
    return Injection("revenue_expenditure", {k: Override(ctx.true(k) + d) for k in keys}, primary, n,
                     "revenue total ≠ expenditure total", ["restated_figure"])


def _personnel_public(ctx: Context) -> Injection | None:
    key = "f/personnel" if ctx.filing_kind == "final" else "t6/total/personnel"
    if key not in ctx.anchors:
        return None
    n = None if ctx.filing_kind == "final" else 6
    return Injection("personnel_public", {key: Override(ctx.true(key) + ctx.gap(ctx.true(key)))}, key, n,
                     "人员经费 + 公用经费 ≠ 基本支出", [] if n is None else ["child_sum"])


def _change_wrong(ctx: Context) -> Injection | None:
    key = ctx.pick(ctx.keys(r"[pf]/.+/change"))
    if key is None:
        return None
    change = ctx.true(key)
    wrong = change + (1 if change > 0 else -1) * ctx.gap(change)
    return Injection("change_wrong", {key: Override(wrong)}, key, note="stated change ≠ difference of the figures")


def _percent_wrong(ctx: Context) -> Injection | None:
    key = ctx.pick(ctx.keys(r"[pf]/.+/(pct|share)"))
    if key is None:
        return None
    value, d = ctx.true(key), ctx.pct_gap()
    if key.endswith("/share"):
        wrong = value + d if value + d <= 100 else value - d
    else:
        wrong = value + d if value >= 0 else value - d
    return Injection("percent_wrong", {key: Override(wrong)}, key, note="stated percentage ≠ ratio of the figures")


def _prose_table(ctx: Context) -> Injection | None:
    key = ctx.pick(ctx.keys(r"p/major/\d+"))
    if key is None:
        return None
    link = ctx.anchors.get(f"link/{key[2:]}")
    extra = {"table_key": link.true, "table_line": ctx.anchors[link.true].line} if link else {}
    return Injection("prose_table", {key: Override(ctx.true(key) + ctx.gap(ctx.true(key)))}, key, 9,
                     "a major project's amount in the prose ≠ its line in 表九", extra=extra)


PRIOR_KEYS = {
    "budget": r"p/(revenue|expenditure|fiscal|basic|project|three_public|abroad|reception|cars|admin_costs)/prior",
    "final": r"f/(total|revenue|expenditure|fiscal|item/\d{7}|three_public|abroad|reception|cars)/prior",
}


# Prior-year (or 年初预算) figures that, stated outright, take part in a sum the filing states for
# the same year: a wrong one no longer adds up with its parts or its whole, so the filing
# contradicts itself (the error implies restated_figure) whether or not the corpus holds the
# filing it misquotes. 三公: a 决算's 年初预算 or a budget's 上年 total, parts and vehicle parts
# (a budget's 表七 also prints the 上年 column); a budget's 上年 收入/支出 total = 基本支出 + 项目支出
# (both layouts state all three outright: 02182 and 01538 of the N=10,000 seed-1 corpus had a
# PartsSum on the 上年 total that the truth did not explain).
CONSTRAINED_PRIOR = (r"[fp]/(three_public|abroad|reception|cars)/prior"
                     r"|p/(revenue|expenditure|basic|project)/prior")


def _prior_year(ctx: Context) -> Injection | None:
    key = ctx.pick(ctx.keys(PRIOR_KEYS[ctx.filing_kind]))
    if key is None:
        return None
    prior, cur = ctx.true(key), ctx.true(key[:-len("prior")] + "cur")
    d = ctx.gap(max(prior, cur))
    wrong = prior - d if prior - d > 0 and ctx.rng.random() < 0.5 else prior + d
    if wrong == cur:
        wrong += d
    implied = ctx.anchors[key].text is None
    note = "last year's figure " + ("implied by the stated change " if implied else "") + "≠ last year's filing"
    implies = ["restated_figure"] if not implied and re.fullmatch(CONSTRAINED_PRIOR, key) else []
    return Injection("prior_year", {key: Override(wrong)}, key, note=note, implies=implies, extra={"implied": implied})


def _malformed(ctx: Context) -> Injection | None:
    if ctx.filing_kind == "final":
        keys = [k for k in ctx.keys(r"f/.+/cur|f/personnel|f/public|f/assets")
                if ctx.anchors[k].text and ctx.true(k) >= 1000 * WAN]
    else:
        keys = [k for k in ctx.keys(r"t[1-69]/.+/(total|basic|project|gpb|personnel|public|amount|item|sub|\d+)")
                if "," in (ctx.anchors[k].text or "")]
    key = ctx.pick(keys)
    if key is None:
        return None
    n = int(key[1]) if key.startswith("t") else None
    return Injection("malformed_amount", {key: Override(text=malformed(ctx.anchors[key].text))}, key, n,
                     "thousands separator in the wrong place")


def _unit_mismatch(ctx: Context) -> Injection | None:
    if ctx.filing_kind == "final":
        return None
    forms = ctx.keys(r"t1[12]/(total|basic|project)/amount")
    if forms and ctx.rng.random() < 0.3:
        n = int(forms[0].split("/")[0][1:])
        return Injection("unit_mismatch", {k: Override(text=yuan(ctx.true(k))) for k in forms}, forms[0], n,
                         "figures in 元 under the form's 万元 label")
    key = ctx.pick(ctx.keys(r"t[2-69]/unit"))
    if key is None:
        return None
    text = ctx.anchors[key].text.replace("元", "万元")
    return Injection("unit_mismatch", {key: Override(text=text)}, key, int(key[1:].split("/")[0]),
                     "the table says 万元, its figures are in 元", ["prose_table"])


def _date_order(ctx: Context) -> Injection | None:
    if "f/period" not in ctx.anchors:
        return None
    _, end = ctx.true("f/period")
    return Injection("date_order", {"f/period": Override((end, end))}, "f/period",
                     note="a period ends before it starts (its start year is the end's)")


INJECTORS: dict[str, Callable[[Context], Injection | None]] = {
    "child_sum": _child_sum, "row_sum": _row_sum, "revenue_expenditure": _revenue_expenditure,
    "personnel_public": _personnel_public, "change_wrong": _change_wrong, "percent_wrong": _percent_wrong,
    "prose_table": _prose_table, "prior_year": _prior_year, "malformed_amount": _malformed,
    "unit_mismatch": _unit_mismatch, "date_order": _date_order,
}
FINAL_KINDS = tuple(k for k in KINDS if k not in ("prose_table", "unit_mismatch"))
BUDGET_KINDS = tuple(k for k in KINDS if k != "date_order")


class ErrorPlanner:
    """Chooses the kind of each injected error so that the kinds stay balanced."""

    def __init__(self) -> None:
        self.counts = {k: 0 for k in KINDS}

    def inject(self, doc: Doc, filing_kind: str, unit: str, rng: random.Random,
               render: Callable[[dict[str, Override]], Doc]) -> tuple[Doc, list[dict]]:
        """Render the filing again with one error; return the new Doc and the error records."""
        ctx = Context(doc.anchors, filing_kind, unit, rng)
        kinds = FINAL_KINDS if filing_kind == "final" else BUDGET_KINDS
        for kind in sorted(kinds, key=lambda k: (self.counts[k], rng.random())):
            injection = INJECTORS[kind](ctx)
            if injection is not None:
                self.counts[kind] += 1
                faulty = render(injection.overrides)
                return faulty, [describe(injection, doc, faulty, unit)]
        return doc, []


def _shown(anchor: Anchor, unit: str) -> str:
    """A figure as printed, or (not printed) its value in the filing's unit."""
    if anchor.text is not None:
        return anchor.text
    value = anchor.printed
    if isinstance(value, int):
        return str(Decimal(value) / (WAN if unit == "万元" else 100))
    return str(value)


def _true_shown(anchor: Anchor, clean: Doc, unit: str) -> str:
    return _shown(clean.anchors[anchor.key], unit)


def describe(inj: Injection, clean: Doc, faulty: Doc, unit: str) -> dict:
    """The ground-truth record of one injected error."""
    changed = [faulty.anchors[k] for k in inj.overrides]
    primary = faulty.anchors[inj.primary]
    record = {
        "kind": inj.kind,
        "table": inj.table,
        "line": primary.line,
        "lines": sorted({a.line for a in changed}),
        "key": inj.primary,
        "unit": unit,
        "expected": _true_shown(primary, clean, unit),
        "printed": _shown(primary, unit),
        "changes": [{"key": a.key, "line": a.line, "expected": _true_shown(a, clean, unit), "printed": _shown(a, unit)}
                    for a in changed],
        "implies": inj.implies,
        "note": inj.note,
    }
    record.update(inj.extra)
    return record
