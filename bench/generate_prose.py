"""Prose building blocks shared by the budget and final-accounts renderers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from bench import pools
from bench.generate_doc import Doc
from bench.generate_model import Dept, Rename
from bench.generate_numbers import percent

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二 (up to 99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(iso: str) -> str:
    """2017-08-07 -> 2017年8月7日"""
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


@dataclass
class Comparison:
    """A figure compared with last year's, printed through a Doc (so it can be overridden).

    ``change`` and ``pct`` are computed from the *printed* current and prior figures, so an
    overridden prior-year figure yields a change and a percentage consistent with it."""

    cur: str
    prior: str
    change: str
    up: bool | None  # None: no change
    pct: str | None  # None: no prior figure to divide by, or not stated

    def phrase(self, up_words=("增加", "减少"), pct_words=("增长", "下降"), same: str = "持平",
               unit: str = "元") -> str:
        """增加2,414,942.18元，增长4.95% (``same`` when nothing changed)."""
        if self.up is None:
            return same
        text = f"{up_words[0] if self.up else up_words[1]}{self.change}{unit}"
        if self.pct is not None:
            text += f"，{pct_words[0] if self.up else pct_words[1]}{self.pct}%"
        return text

    def vs(self, year: int, pct_words=("增长", "下降")) -> str:
        """比2018年增加2,414,942.18元，增长4.95% / 与2018年持平."""
        if self.up is None:
            return f"与{year}年持平"
        return f"比{year}年" + self.phrase(pct_words=pct_words)

    def delta(self, up_words=("增加", "减少")) -> str:
        """增加2,414,942.18 (no unit, no percentage)."""
        return f"{up_words[0] if self.up else up_words[1]}{self.change}"


def compare(doc: Doc, key: str, cur: int, prior: int, money: Callable[[int], str],
            pct_fmt: Callable[[Decimal], str] | None, prior_printed: bool = True) -> Comparison:
    """Anchor ``key/cur``, ``key/prior``, ``key/change`` and ``key/pct`` on the line being built.

    The change and the percentage follow from the printed current and prior figures (so a
    wrong prior-year figure carries its own consistent change), never from each other (so a
    wrong change leaves the percentage right, and the other way round)."""
    cur_t = doc.num(f"{key}/cur", cur, money)
    if prior_printed:
        prior_t = doc.num(f"{key}/prior", prior, money)
    else:
        prior_t = ""
        doc.value(f"{key}/prior", prior)
    change = doc.printed(f"{key}/cur") - doc.printed(f"{key}/prior")
    if change == 0:
        return Comparison(cur_t, prior_t, "", None, None)
    change_t = doc.num(f"{key}/change", change, lambda v: money(abs(v)))
    pct_t = None
    if pct_fmt is not None:
        p = percent(change, doc.printed(f"{key}/prior"))  # from the figures, not from a wrong change
        if p is not None:
            pct_t = doc.num(f"{key}/pct", p, pct_fmt)
    up = doc.printed(f"{key}/change") > 0
    return Comparison(cur_t, prior_t, change_t, up, pct_t)


def share(doc: Doc, key: str, part_key: str, whole: int, pct_fmt: Callable[[Decimal], str]) -> str:
    """占…的22.39%: the printed part over ``whole``, anchored as ``key``."""
    p = percent(doc.printed(part_key), whole) or Decimal(0)
    return doc.num(key, p, pct_fmt)


def rename_sentence(dept: Dept, r: Rename) -> str:
    """The approval that renamed the department, in the words of the 2019 sample."""
    d = dept.district
    old_short = r.old_short[1:] if r.old_short.startswith("区") else r.old_short
    return (f"根据{r.document}《{d.full}机构编制委员会关于同意区{old_short}更名及调整内设机构的批复》，"
            f"{cn_date(r.date)}，将{r.old}更名为{r.new}（简称{r.new_short}）。")


def transfer_sentence(dept: Dept, year: int) -> str:
    t = dept.transfer
    return f"因机构改革职责调整及区政府热线并入市12345，原{t.from_short}热线诉求办理职责划转至{dept.short(year)}。"


def fill(dept: Dept, text: str) -> str:
    d = dept.district
    return text.format(area=d.area, area_short=d.short, city=d.city, district_full=d.full)


def hotline_duty_index(dept: Dept, year: int) -> int | None:
    """Where the hotline duty sits in the duty list that year (None: the department lacks it)."""
    if not dept.holds_hotline(year):
        return None
    return min(len(dept.type.duties), 4) if dept.hotline_role == "source" else 1


def duties(dept: Dept, year: int) -> list[str]:
    """The department's duties that year; the hotline duty moves with the transfer."""
    out = [fill(dept, t) for t in dept.type.duties]
    i = hotline_duty_index(dept, year)
    if i is not None:
        text = pools.HOTLINE_SOURCE_DUTY if dept.hotline_role == "source" else pools.HOTLINE_TARGET_DUTY
        out.insert(i, fill(dept, text))
    return out


def units(dept: Dept, year: int) -> list[str]:
    """内设机构; the source office's hotline unit leaves with the duty."""
    out = list(dept.type.units)
    if dept.hotline_role == "source" and not dept.holds_hotline(year):
        out = [u for u in out if "热线" not in u]
    return out


def renames_stated(dept: Dept, year: int) -> list[Rename]:
    """Renames a filing of ``year`` reports: those taking effect that year."""
    return [r for r in dept.renames if r.year == year]


def reason(pick: int, up: bool | None) -> str:
    """An increase or decrease reason, chosen by ``pick``."""
    pool = pools.DECREASE_REASONS if up is False else pools.INCREASE_REASONS
    return pool[pick % len(pool)]
