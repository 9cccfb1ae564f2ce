"""Typing single table cells and the problems they raise (shared by grids and forms)."""

from __future__ import annotations

import re
from decimal import Decimal

from kg.amounts import Amount, parse_amount
from kg.model import Cell, Problem, Row

# A 万元 figure this large (10 billion yuan) is almost certainly printed in yuan.
SUSPECT_WAN = Decimal(1_000_000)
_CODE = re.compile(r"^[A-Z]{0,2}\d*$")
_EMPTY_NOTE = re.compile(r"^注[：:].*没有.*数据")


class Problems(list):
    """The problems of one table; knows the table number for the messages."""

    def __init__(self, number: int):
        super().__init__()
        self.number = number

    def add(self, kind: str, line: int, message: str, text: str = "") -> None:
        self.append(Problem(kind=kind, line=line, message=f"表{self.number}: {message}", text=text))


def amount_cell(printed: str, number: str, unit: str, line: int, problems: Problems, where: str) -> Cell:
    """An amount cell; a malformed figure is kept as printed and reported, never repaired."""
    amount = parse_amount(number, unit, line)
    check_amount(amount, problems, where)
    return Cell(printed, line, "amount", amount)


def check_amount(amount: Amount, problems: Problems, where: str) -> None:
    if amount.malformed:
        problems.add("malformed_amount", amount.line,
                     f"malformed figure {amount.text!r} in {where}; kept as printed, no value", amount.text)
    elif amount.unit == "万元" and amount.value is not None and abs(amount.value) >= SUSPECT_WAN:
        problems.add("unit_suspect", amount.line,
                     f"{amount.text} under a 万元 label in {where} is implausibly large; "
                     "probably printed in 元", amount.text)


def is_code(text: str) -> bool:
    """A classification or catalogue code: digits, optionally after one or two capitals (B01)."""
    return bool(text) and bool(_CODE.match(text))


def is_empty_note(text: str) -> bool:
    """``注：本部门因没有政府性基金收入，故没有数据。``"""
    return bool(_EMPTY_NOTE.match(text.strip()))


def empty_cell(text: str, line: int) -> Cell:
    return Cell(text, line, "empty")


def text_row(text: str, line: int) -> Row:
    """A heading row made of one free line (a form title, a year line) inside a table."""
    return Row(line=line, cells=[Cell(text, line, "text")], name=text.strip(), heading=True)
