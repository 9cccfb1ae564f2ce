"""identify(): fiscal year, kind and the department's names, read from the five Xicheng filings."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from kg.errors import FilingError
from kg.model import BUDGET, FINAL
from kg.parsing import parse_bytes
from kg.parsing.identity import identify
from kg.parsing.tables import parse_tables
from kg.reading import read_source

FILINGS = Path(__file__).resolve().parent.parent / "filings" / "xicheng"


def path(prefix: str) -> Path:
    return next(FILINGS.glob(f"{prefix}_*.txt"))


@lru_cache(maxsize=None)
def source(prefix: str):
    return read_source(path(prefix))


@lru_cache(maxsize=None)
def ident(prefix: str):
    lines = source(prefix).lines
    tables, _lines, _problems = parse_tables(lines)
    return identify(lines, tables)


def names(prefix: str) -> set[tuple[str, str]]:
    return {(n.text, n.role) for n in ident(prefix).names}


@pytest.mark.parametrize("prefix, year, kind, department", [
    ("000", 2020, BUDGET, "西城区城市管理监督指挥中心"),
    ("001", 2021, BUDGET, "北京市西城区全响应服务中心"),
    ("002", 2024, FINAL, "北京市西城区城市管理指挥中心"),
    ("003", 2019, BUDGET, "北京市西城区政务服务管理办公室"),
    ("004", 2019, BUDGET, "北京市西城区城市管理综合行政执法监察局"),
])
def test_year_kind_department(prefix, year, kind, department):
    i = ident(prefix)
    assert (i.year, i.kind, i.department) == (year, kind, department)


def test_2020_and_2021_name_the_command_centre_differently():
    assert ident("000").department != ident("001").department
    assert ("区城管监督指挥中心", "body") in names("000")
    assert ("西城区城市管理监督指挥中心", "three_public") in names("000")
    assert ("区城管监督指挥中心", "body") in names("001")
    assert ("西城区全响应服务中心", "three_public") in names("001")
    assert ("西城区全响应服务中心", "table_header") in names("001")
    assert ("北京市西城区全响应服务中心", "budget_unit") in names("001")
    assert ("295001", "budget_unit_code") in names("001")


def test_003_full_and_short_names():
    got = names("003")
    assert ("北京市西城区政务服务管理办公室", "full") in got
    assert ("区政务服务办", "short") in got
    assert ("西城区政务服务管理办公室", "body") in got
    assert ("北京市西城区政务服务管理办公室", "three_public") in got  # written …本级 in the text
    assert ("西城区政务服务管理办公室", "table_header") in got
    assert ("北京市西城区政务服务管理办公室", "table_header") in got
    short = next(n for n in ident("003").names if n.role == "short")
    assert short.line == 5


def test_004_keeps_the_typo_variant_but_chooses_the_official_name():
    got = names("004")
    assert ("北京市西城区城市管理综合行政执法行政监察局", "table_header") in got
    assert ("北京市西城区城市管理综合行政执法监察局", "table_header") in got
    assert ("北京市西城区城市管理综合行政执法监察局", "three_public") in got
    typo = next(n for n in ident("004").names if n.text.endswith("行政监察局"))
    assert typo.line == 298


def test_002_title_and_body_names():
    got = names("002")
    assert ("北京市西城区城市管理指挥中心", "title") in got
    assert ("区城市管理指挥中心", "body") in got
    assert ("西城区城市管理指挥中心", "body") in got
    title = next(n for n in ident("002").names if n.role == "title")
    assert title.line == 1


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_name_is_on_its_line(prefix):
    lines = source(prefix).lines
    for n in ident(prefix).names:
        assert n.text in lines[n.line - 1], n


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_names_are_listed_once_per_role(prefix):
    keys = [(n.text, n.role) for n in ident(prefix).names]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("prefix", ["001", "003", "004"])
def test_same_identity_without_tables(prefix):
    """Before table recovery (or if it finds nothing) the raw rows give the same names."""
    assert identify(source(prefix).lines, []) == ident(prefix)


def test_year_and_kind_from_a_two_line_title():
    lines = ("2023年度北京市西城区某某服务中心", "", "部门决算", "", "一、单位基本情况")
    i = identify(lines, [])
    assert (i.year, i.kind) == (2023, FINAL)
    assert i.department == "北京市西城区某某服务中心"


def test_year_and_kind_from_a_section_title():
    assert identify((" 第一部分：2020年度部门预算情况说明",), []).year == 2020
    assert identify(("第一部分  2019部门预算情况说明",), []).kind == BUDGET
    assert identify(("第一部分 2024年度部门决算说明",), []).kind == FINAL


def test_not_a_filing_has_no_year_or_kind():
    i = identify(("会议纪要", "今天讨论了部门预算的编制。"), [])
    assert i.year is None and i.kind is None
    with pytest.raises(FilingError):
        parse_bytes("会议纪要\n今天讨论了部门预算的编制。\n".encode("utf-8"), "memo.txt")
