"""Small text helpers shared by the prose rules and ``identity``: numbers, money, percents,
dates, sentence bounds, numbered items and organisation names.

Everything here reads text as printed. A figure that cannot be read is kept as printed
(``Amount.malformed``) and reported as a Problem by ``money``; nothing is corrected.
"""

from __future__ import annotations

import re

from kg.amounts import Amount, parse_amount
from kg.model import Problem

# A printed number: digits with commas/points inside; a stray 。 between digits is taken in
# (so that ``1,234。56`` is kept whole and reported as malformed rather than split).
NUM = r"\d(?:[\d,.]|。(?=\d))*\d|\d"
UNIT = r"万元|亿元|元"
MONEY = rf"(?P<num>{NUM})\s*(?P<unit>{UNIT})"
MONEY_RE = re.compile(MONEY)
PCT = r"(?P<pct>\d+(?:\.\d+)?)\s*%"

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# A numbered item: 1. / 1、 / 1． / （1） / (1) / ① …
ITEM_RE = re.compile(r"^\s*(?:(?P<a>\d{1,2})\s*[.、．](?!\d*%)|（(?P<b>\d{1,2})）|\((?P<c>\d{1,2})\))\s*(?P<rest>.*)$")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# Organisation names: what a unit's name ends with.
ORG_SUFFIX = (r"(?:办公室|服务办|指挥中心|服务中心|管理中心|中心|监察局|管理局|局|委员会|办事处|办"
              r"|联合会|总工会|工会|协会|学院|院|学校|小学|中学|幼儿园|馆)")
# The place a body belongs to, as written before its name: 北京市西城区…, 上海市普陀区…, 西城区…,
# or just 区… (any city and district, not only the Xicheng samples').
CITY = r"[\u4e00-\u9fff]{1,4}?市"
DISTRICT = r"[\u4e00-\u9fff]{1,4}?(?:区|县)"
LOCAL_PREFIX = rf"(?:{CITY})?(?:{DISTRICT}|区)"
FULL_NAME_PREFIX = re.compile(rf"^{CITY}{DISTRICT}")
DISTRICT_NAME_PREFIX = re.compile(rf"^{DISTRICT}")


def cn_number(text: str) -> int | None:
    """一…十, 十一…十九, 二十… (enough for headings and 表 numbers)."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if len(text) == 1:
        return CN_DIGITS.get(text)
    if text.startswith("十"):
        rest = CN_DIGITS.get(text[1:])
        return None if rest is None else 10 + rest
    if len(text) == 2 and text[1] == "十":
        tens = CN_DIGITS.get(text[0])
        return None if tens is None else tens * 10
    if len(text) == 3 and text[1] == "十":
        tens, ones = CN_DIGITS.get(text[0]), CN_DIGITS.get(text[2])
        return None if tens is None or ones is None else tens * 10 + ones
    return None


def money(num: str, unit: str, line: int, problems: list[Problem], context: str = "") -> Amount:
    """An Amount from printed digits; a malformed figure is kept as printed and reported."""
    amount = parse_amount(num, unit, line)
    if amount.malformed:
        problems.append(Problem("malformed_amount", line,
                                f"cannot read the amount {num!r}{unit}; kept as printed", context or num))
    return amount


def signed(amount: Amount, negative: bool) -> Amount:
    """The same printed figure with its value negated (for 减少/下降)."""
    if not negative or amount.value is None:
        return amount
    return Amount(amount.text, amount.unit, amount.line, -amount.value, amount.malformed)


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Expand [start, end) to the enclosing sentence(s): from after the previous 。 to the next 。."""
    s = text.rfind("。", 0, start)
    s = 0 if s < 0 else s + 1
    e = text.find("。", max(end - 1, s))
    e = len(text) if e < 0 else e + 1
    return s, e


def numbered_item(text: str) -> tuple[int, str] | None:
    m = ITEM_RE.match(text)
    if not m:
        return None
    n = m.group("a") or m.group("b") or m.group("c")
    return int(n), m.group("rest").strip()


def iso_date(year: str | int, month: str | int, day: str | int) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def as_of_date(text: str) -> str | None:
    """``2019年底`` → 2019-12-31, ``2024年12月31日`` → 2024-12-31."""
    m = re.match(r"((?:19|20)\d{2})年(?:(\d{1,2})月(\d{1,2})日|底|末)", text)
    if not m:
        return None
    if m.group(2):
        return iso_date(m.group(1), m.group(2), m.group(3))
    return iso_date(m.group(1), 12, 31)


def split_names(text: str) -> list[str]:
    """Split a list of names written ``A、B和C`` / ``A，B``; 和/及 split only after a whole name."""
    out: list[str] = []
    for part in re.split(r"[、，,；;]", text):
        while True:
            m = re.match(rf"^(.+?(?:本级|{ORG_SUFFIX}))(?:以及|和|及)(.+)$", part)
            if not m:
                break
            out.append(m.group(1))
            part = m.group(2)
        out.append(part)
    return [c for c in (clean_name(p) for p in out) if c]


def clean_name(text: str) -> str:
    return text.strip(" \u3000\t。，,；;：:“”\"")
