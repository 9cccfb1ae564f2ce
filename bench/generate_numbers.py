"""Money and percentages as the filings print them.

Money is held as integer 分 (cents of a yuan) throughout the generator, so sums are exact.
A figure in 万元 with two decimals is a multiple of 10,000 分.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

WAN = 1_000_000  # 分 per 万元
WAN_STEP = 10_000  # 0.01 万元 in 分
TWO = Decimal("0.01")


def yuan(cents: int) -> str:
    """1234567.8 yuan -> ``1,234,567.80`` (table style, thousands separators)."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{frac:02d}"


def yuan_plain(cents: int) -> str:
    """``1234567.80``: no separators, two decimals."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


def _strip(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def yuan_short(cents: int) -> str:
    """``1234567.8`` / ``3759728``: no separators, trailing zeros dropped (2021-style prose)."""
    return _strip(yuan_plain(cents))


def wan(cents: int) -> str:
    """A figure in 万元 as the 决算 prose prints it: ``5474.79``, ``469.3``, ``0``."""
    return _strip(str(wan_value(cents)))


def wan_value(cents: int) -> Decimal:
    """The 万元 value of an amount, rounded half-up to two decimals."""
    return (Decimal(cents) / WAN).quantize(TWO, rounding=ROUND_HALF_UP)


def round_wan(cents: int) -> int:
    """Round an amount to whole 0.01 万元 (100 yuan)."""
    return int(wan_value(cents) * WAN)


def percent(part: int, whole: int) -> Decimal | None:
    """``part / whole`` in percent, rounded half-up to two decimals; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TWO, rounding=ROUND_HALF_UP)


def pct2(value: Decimal) -> str:
    """``4.95`` / ``70.00``: two decimals, no sign."""
    return f"{abs(value):.2f}"


def pct_short(value: Decimal) -> str:
    """``4.8`` / ``70``: trailing zeros dropped, no sign."""
    return _strip(pct2(value))


def malformed(text: str) -> str:
    """Misplace the first thousands separator one digit to the right: ``49,864,180.90`` ->
    ``498,64,180.90``; a figure printed without separators gets them first (``5474.79`` ->
    ``54,74.79``). The figure must have at least four digits before the point."""
    whole, dot, frac = text.partition(".")
    digits = whole.replace(",", "")
    if len(digits) < 4:
        raise ValueError(f"too small to misplace a separator: {text!r}")
    grouped = f"{int(digits):,}"
    i = grouped.index(",")
    bad = grouped[:i] + grouped[i + 1] + "," + grouped[i + 2:]
    return bad + dot + frac


def jitter(rng: random.Random, cents: int, spread: float) -> int:
    """``cents`` scaled by a random factor in [1 - spread, 1 + spread], to the cent."""
    return max(0, round(cents * (1 + rng.uniform(-spread, spread))))

