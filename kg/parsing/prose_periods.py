"""Prose rule for periods: a stated span of dates (``2023年2月1日-2024年1月31日``,
``2024年1月1日至12月31日``, ``2024年2月1日0时-2024年1月31日24时``), read as a ``period`` fact whatever else the line says.

``start`` and ``end`` are ISO dates, ``start_text`` and ``end_text`` the dates as printed. An end
without a year takes the start's year; a date without a day is the first (start) or last (end)
day of its month. A span whose dates do not exist (2月30日) is no fact. Nothing is corrected:
a period that ends before it starts is kept as printed (shapes/arithmetic.ttl ``DateOrder``
reports it).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DATE = r"(?:(?P<{p}y>(?:19|20)\d{{2}})年)?(?P<{p}m>\d{{1,2}})月(?:(?P<{p}d>\d{{1,2}})日(?:\d{{1,2}}时)?)?"
_PERIOD = re.compile(_DATE.format(p="a") + r"\s*(?:[-－—–~～]|至|到)\s*" + _DATE.format(p="b"))


def _date(year: str | None, month: str, day: str | None, end: bool) -> dt.date | None:
    try:
        last = calendar.monthrange(int(year), int(month))[1] if end else 1
        return dt.date(int(year), int(month), int(day) if day else last)
    except (TypeError, ValueError):
        return None


def periods(ctx, ln: int, text: str) -> bool:
    for m in _PERIOD.finditer(text):
        if not m.group("ay"):  # a span of months in a year stated elsewhere: no dates to compare
            continue
        start = _date(m.group("ay"), m.group("am"), m.group("ad"), end=False)
        end = _date(m.group("by") or m.group("ay"), m.group("bm"), m.group("bd"), end=True)
        if start is None or end is None:
            continue
        start_text, _, end_text = re.split(r"(\s*(?:[-－—–~～]|至|到)\s*)", m.group(0), maxsplit=1)
        ctx.add("period", ln, m.group(0), {"start": start.isoformat(), "end": end.isoformat(),
                                           "start_text": start_text, "end_text": end_text})
    return False  # the line's figures are for the other rules


RULES = [
    ("periods", None, periods),
]
