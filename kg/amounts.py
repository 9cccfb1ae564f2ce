"""Money as printed in a filing: Decimal value, printed text, unit, yuan, and a malformed flag.

A malformed amount (a thousands separator in the wrong place, ``498,64,180.90``) is
kept exactly as printed with ``malformed=True`` and no value: kg never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

UNIT_MULTIPLIERS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}

# Well-formed: plain digits, or digits grouped by threes with commas; optional sign and decimals.
_WELL_FORMED = re.compile(r"^[-−]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$")
# Anything that looks like an attempt at a number (digits, commas, a point, a sign).
_NUMBERISH = re.compile(r"^[-−]?[\d,]+(?:\.\d*)?$")


@dataclass(frozen=True)
class Amount:
    """One printed figure. ``value`` is in the printed unit, ``yuan`` in 元."""

    text: str
    unit: str
    line: int
    value: Decimal | None
    malformed: bool = False

    @property
    def yuan(self) -> Decimal | None:
        if self.value is None:
            return None
        return self.value * UNIT_MULTIPLIERS[self.unit]

    @property
    def decimals(self) -> int:
        """Digits printed after the decimal point (for rounding tolerances)."""
        return len(self.text.split(".", 1)[1]) if "." in self.text else 0

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "unit": self.unit,
            "value": None if self.value is None else str(self.value),
            "yuan": None if self.yuan is None else str(self.yuan),
            "line": self.line,
            "malformed": self.malformed,
        }


def looks_like_amount(text: str) -> bool:
    """True for anything that is a number or a botched attempt at one."""
    t = text.strip()
    return bool(t) and bool(_NUMBERISH.match(t)) and any(c.isdigit() for c in t)


def parse_amount(text: str, unit: str, line: int) -> Amount:
    """Parse a printed figure; a malformed one is flagged, not fixed."""
    printed = text.strip()
    if unit not in UNIT_MULTIPLIERS:
        raise ValueError(f"unknown unit {unit!r}")
    if _WELL_FORMED.match(printed):
        return Amount(printed, unit, line, Decimal(printed.replace(",", "").replace("−", "-")))
    return Amount(printed, unit, line, None, malformed=True)
