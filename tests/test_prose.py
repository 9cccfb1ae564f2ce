"""extract_facts(): the facts stated in the prose of the five Xicheng filings, as printed."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

import kg.parsing.prose as prose_module
from kg.amounts import Amount
from kg.model import BUDGET
from kg.parsing import parse_source
from kg.parsing.identity import Identity, identify
from kg.parsing.prose import extract_facts
from kg.parsing.tables import parse_tables
from kg.reading import read_source, source_from_bytes

FILINGS = Path(__file__).resolve().parent.parent / "filings" / "xicheng"
PREFIXES = ["000", "001", "002", "003", "004"]


def path(prefix: str) -> Path:
    return next(FILINGS.glob(f"{prefix}_*.txt"))


@lru_cache(maxsize=None)
def parsed(prefix: str):
    """(source, facts, names, problems, table_lines) through the real pipeline."""
    src = read_source(path(prefix))
    tables, table_lines, _ = parse_tables(src.lines)
    ident = identify(src.lines, tables)
    facts, names, problems = extract_facts(src.lines, table_lines, tables, ident)
    return src, facts, names, problems, table_lines


def facts(prefix: str, kind: str, **match):
    out = []
    for f in parsed(prefix)[1]:
        if f.kind != kind:
            continue
        if all((f.line == v) if k == "line" else (f.values.get(k) == v) for k, v in match.items()):
            out.append(f)
    return out


def one(prefix: str, kind: str, **match):
    found = facts(prefix, kind, **match)
    assert len(found) == 1, (kind, match, found)
    return found[0]


def problems(prefix: str, kind: str):
    return [p for p in parsed(prefix)[3] if p.kind == kind]


def yuan(a: Amount) -> Decimal:
    return a.yuan


def amt(a: Amount) -> tuple[Decimal, str]:
    return a.value, a.unit


D = Decimal


# --- organisation --------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix, expected", [
    ("000", {"行政编制": 78, "事业编制": 7, "工勤编制": 0, "实际在岗": 77, "长期聘用临时工": 32, "离退休": 15, "离休": 0, "退休": 15}),
    ("001", {"行政编制": 78, "事业编制": 7, "工勤编制": 0, "实际在岗": 80, "长期聘用临时工": 32, "离退休": 17, "离休": 0, "退休": 17}),
    ("003", {"行政编制": 21, "事业编制": 21, "工勤编制": 0, "实际": 42, "长期聘用临时工": 0, "离退休": 2, "离休": 0, "退休": 2}),
    ("004", {"行政编制": 96, "事业编制": 0, "工勤编制": 5, "实际": 101, "离退休": 200, "离休": 0, "退休": 200}),
])
def test_staffing(prefix, expected):
    got = {f.values["category"]: f.values["count"] for f in facts(prefix, "staffing")}
    assert got == expected


def test_staffing_actual_per_establishment_in_the_final_accounts():
    got = [(f.values["category"], f.values["count"], f.values.get("of")) for f in facts("002", "staffing")]
    assert got == [("行政编制", 90, None), ("实有", 74, "行政编制"), ("事业编制", 16, None), ("实有", 13, "事业编制")]
    assert all(f.line == 28 for f in facts("002", "staffing"))


@pytest.mark.parametrize("prefix, count", [("000", 8), ("001", 8), ("002", 7), ("003", 7), ("004", 7)])
def test_duty_count_and_order(prefix, count):
    duties = facts(prefix, "duty")
    assert [d.values["order"] for d in duties] == list(range(1, count + 1))


def test_duty_texts():
    assert one("000", "duty", order=8).values["text"] == "完成区政府交办的其他任务。"
    assert one("000", "duty", order=1).line == 7
    assert one("002", "duty", order=1).values["text"].startswith("承担西城区市民服务热线的体系建设")
    assert one("004", "duty", order=7).values["text"] == "承办区政府和上级业务主管部门交办的其他事项。"
    # 003 states its duties in one sentence separated by ；
    d003 = facts("003", "duty")
    assert {d.line for d in d003} == {7}
    assert d003[0].values["text"] == "负责组织实施本区政务服务工作，并指导街道办事处政务服务相关工作"
    assert d003[5].values["text"] == "负责西城区政府热线（非紧急救助中心）的建设、运行、监督、考核和评价"
    assert d003[6].values["text"] == "负责政务服务体系标准化建设"


def test_duties_in_the_004_performance_table_are_not_prose():
    assert all(d.line < 20 for d in facts("004", "duty"))


def test_internal_units():
    assert one("000", "internal_unit_count").values["count"] == 16
    listed = [f.values["name"] for f in facts("000", "internal_unit") if f.values["order"]]
    assert listed == ["办公室", "监督员管理科", "信息管理科", "指挥调度科", "综合协调科"]
    guided = {f.values["name"]: f.values["guided_by"] for f in facts("000", "internal_unit") if f.values["order"] is None}
    assert guided == {"应急处置科": "区政府办公室", "统筹科": "区政府办公室"}
    assert one("003", "internal_unit_count").values["count"] == 5
    units = facts("003", "internal_unit")
    assert [u.values["name"] for u in units] == ["综合科", "体系管理科", "监督考评科", "区政府热线管理办公室", "信息化科"]
    assert units[3].values["alias"] == "区非紧急救助中心"
    assert one("004", "internal_unit_count").values["count"] == 11
    assert one("002", "internal_unit_count").values["count"] == 16


def test_subordinate_units():
    assert one("002", "subordinate_unit").values["name"] == "北京市西城区政府热线管理中心"
    assert one("002", "subordinate_unit_count").values == {"count": 1, "type": "全额拨款事业单位"}
    assert [f.values["name"] for f in facts("003", "subordinate_unit")] == ["北京市西城区政务服务中心", "北京市西城区政府热线管理中心"]
    assert one("004", "subordinate_unit_count").values == {"count": 3, "type": "直属机构"}
    assert one("000", "subordinate_unit_count").values["count"] == 1


def test_restructuring_rename_with_date_and_document():
    r = one("003", "restructuring")
    assert r.line == 5
    assert r.values == {
        "type": "rename",
        "from": "北京市西城区综合行政服务中心",
        "to": "北京市西城区政务服务管理办公室",
        "date": "2017-08-07",
        "document": "西编发〔2017〕15号",
        "document_title": "北京市西城区机构编制委员会关于同意区行政服务中心更名及调整内设机构的批复",
    }
    former = [n for n in parsed("003")[2] if n.role == "former"]
    assert [(n.text, n.line) for n in former] == [("北京市西城区综合行政服务中心", 5)]


@pytest.mark.parametrize("prefix, line, to", [
    ("000", 5, "区城管监督指挥中心"), ("001", 40, "区城管监督指挥中心"), ("002", 9, "区城市管理指挥中心"),
])
def test_restructuring_hotline_duty_transfer(prefix, line, to):
    t = one(prefix, "restructuring", type="transfer")
    assert t.line == line
    assert t.values["from"] == "区政务服务管理办公室"
    assert t.values["to"] == to
    assert t.values["duty"] == "热线诉求办理职责"
    assert t.values["reason"] == "机构改革职责调整及区政府热线并入市12345"
    m = one(prefix, "restructuring", type="merge")
    assert (m.values["from"], m.values["to"]) == ("区政府热线", "市12345")


# --- totals and comparisons ----------------------------------------------------------------------

def test_003_revenue_with_prior_year():
    f = one("003", "revenue_total")
    assert f.line == 27
    v = f.values
    assert amt(v["amount"]) == (D("51157480.90"), "元")
    assert v["amount"].text == "51,157,480.90"
    assert v["prior_year"] == 2018
    assert amt(v["prior_amount"]) == (D("48742538.72"), "元")
    assert amt(v["change"]) == (D("2414942.18"), "元")
    assert v["percent"] == D("4.95")
    assert v["reason"] == "信息化建设项目增加"
    items = {f.values["name"]: f.values["amount"].value for f in facts("003", "revenue_item")}
    assert items == {"预算内资金安排": D("49864180.90"), "市级提前下达专项转移支付项目资金安排": D("1293300.00")}


def test_000_revenue_and_fiscal_appropriation():
    for kind in ("revenue_total", "fiscal_appropriation"):
        v = one("000", kind).values
        assert v["amount"].value == D("64411756.96")
        assert (v["prior_year"], v["prior_amount"].value) == (2019, D("45228772.39"))
        assert v["change"].value == D("19182984.57")
        assert v["percent"] == D("42.13")
        assert v["reason"] == "事业单位人员经费、12345市民服务热线外包项目"


def test_decreases_are_negative():
    v = one("001", "revenue_total").values
    assert v["change"].value == D("-3765123.83") and v["change"].text == "3765123.83"
    assert v["percent"] == D("-5.85")
    b = one("003", "basic_expenditure").values
    assert b["change"].value == D("-340700.87")
    assert b["percent"] == D("-2.96")
    assert b["share"] == D("22.39")
    assert b["reason"] == "人员工资、公积金、保险基数调整等"  # after the typo 主要是原因是


def test_odd_formats_kept_as_printed():
    p = one("000", "project_expenditure").values
    assert p["change"].text == "18755854.2" and p["change"].value == D("18755854.2")
    assert "percent" not in p
    # 003 line 33: the prior figure is printed without 元
    v = one("003", "project_expenditure").values
    assert amt(v["prior_amount"]) == (D("37235716.43"), "元")
    assert v["percent"] == D("3.93")
    missing = problems("003", "missing_unit")
    assert [(p.line, "37,235,716.43" in p.message) for p in missing] == [(33, True)]


def test_000_expenditure_split():
    b = one("000", "basic_expenditure").values
    assert (b["amount"].value, b["prior_amount"].value, b["change"].value, b["percent"]) == (
        D("27035047.61"), D("26607917.24"), D("427130.37"), D("1.6"))
    pub = one("000", "public_expenditure").values
    assert (pub["amount"].value, pub["prior_amount"].value, pub["change"].value, pub["percent"]) == (
        D("1972032.53"), D("1766352.04"), D("205680.49"), D("11.64"))
    assert pub["reason"] == "增加事业运行经费"


def test_004_totals_and_the_prior_year_statements():
    assert one("004", "revenue_total", line=17).values["amount"].value == D("59138364.49")
    assert one("004", "fiscal_appropriation").values["amount"].value == D("55919264.49")
    prior = one("004", "revenue_item", line=21).values
    assert (prior["name"], prior["prior_year"], prior["prior_amount"].value) == ("预算内收入", 2018, D("65880493.57"))
    assert "amount" not in prior
    change = one("004", "revenue_total", line=22).values
    assert (change["prior_year"], change["change"].value, change["percent"]) == (2018, D("-9961229.08"), D("-15"))
    assert change["reason"].startswith("1.单位人员调动")


def test_wan_yuan_figures():
    v = one("002", "revenue_total", label="本年收入合计").values
    assert amt(v["amount"]) == (D("5474.79"), "万元")
    assert v["amount"].yuan == D("54747900")
    assert v["prior_year"] == 2023  # 比上年
    assert v["change"].yuan == D("2508600")
    # kept as printed even though it contradicts the total (14864.9 > 5474.79)
    g = one("002", "revenue_item", name="一般公共预算财政拨款收入").values
    assert g["amount"].yuan == D("148649000")
    assert g["share"] == D("100")
    assert g["parent"] == "财政拨款收入"
    # 0万元 is in 万元
    assert one("000", "three_public_abroad").values["amount"].unit == "万元"


def test_002_final_accounts_items_and_shares():
    shares = {f.values["name"]: (f.values["amount"].value, f.values["share"]) for f in facts("002", "expenditure_item")}
    assert shares["基本支出"] == (D("3117.81"), D("56.95"))
    assert shares["项目支出"] == (D("2356.98"), D("43.05"))
    rev = [f.values["name"] for f in facts("002", "revenue_item")]
    assert rev[:2] == ["财政拨款收入", "一般公共预算财政拨款收入"]
    assert "上级补助收入" in rev and "其他收入" in rev
    fa = one("002", "fiscal_appropriation", line=58).values
    assert (fa["amount"].value, fa["change"].value, fa["percent"]) == (D("5223.93"), D("250.86"), D("4.8"))
    assert fa["reason"] == "根据工作安排有新增预算项目申报"


def test_002_spending_by_class_with_stray_punctuation():
    got = [(f.values["name"], f.values["amount"].value, f.values["share"]) for f in facts("002", "spending_by_class")]
    assert got == [
        ("一般公共服务支出", D("2286.12"), D("43.76")),
        ("社会保障和就业支出", D("375.02"), D("7.18")),
        ("卫生健康支出", D("260.76"), D("5.0")),
        ("城乡社区支出", D("1832.72"), D("35.09")),
        ("住房保障支出", D("469.3"), D("8.97")),
    ]
    stray = [p for p in problems("002", "stray_punctuation") if p.line == 64]
    assert len(stray) == 2
    assert one("002", "fiscal_appropriation", line=64).values["amount"].value == D("5223.93")


def test_002_final_vs_budget():
    rows = facts("002", "final_vs_budget")
    assert len(rows) == 11
    first = rows[0]
    assert first.line == 69
    assert first.values["classification"] == ["一般公共服务", "政府办公厅（室）及相关机构事务", "事业运行"]
    assert first.values["levels"] == ["类", "款", "项"]
    assert first.values["heading_line"] == 67
    assert first.values["amount"].value == D("239.51")
    assert first.values["budget_change"].value == D("-62.74")
    assert first.values["percent"] == D("-20.76")
    assert first.values["reason"] == "根据实际工作情况进行资金支付"
    up = next(r for r in rows if r.values["classification"][2] == "机关事业单位基本养老保险缴费支出")
    assert (up.values["budget_change"].value, up.values["percent"]) == (D("115.33"), D("70"))
    last = rows[-1]
    assert last.values["classification"] == ["住房保障支出", "住房改革支出", "购房补贴"]


# --- 三公 ------------------------------------------------------------------------------------------

def test_000_three_public():
    t = one("000", "three_public_total").values
    assert (t["amount"].value, t["prior_year"], t["prior_amount"].value, t["change"].value) == (
        D("14784.24"), 2019, D("13544.52"), D("1239.72"))
    assert t["reason"] == "增加事业编制7人"
    a = one("000", "three_public_abroad").values
    assert (a["amount"].value, a["unchanged"], a["prior_year"]) == (D("0"), True, 2019)
    r = one("000", "three_public_reception").values
    assert (r["amount"].value, r["change"].value) == (D("14784.24"), D("1239.72"))
    assert one("000", "three_public_vehicle").values["unchanged"] is True
    scope = one("000", "three_public_scope").values
    assert scope == {"units": ["西城区城市管理监督指挥中心"], "count": 1}


def test_003_three_public_vehicle_both_years():
    v = one("003", "three_public_vehicle").values
    assert v["vehicle_count"] == 0 and v["prior_vehicle_count"] == 1
    assert v["amount"].value == 0
    assert v["prior_amount"].text == "24,500.00"
    assert v["prior_vehicle_operation"].value == D("24500")
    assert v["change"].value == D("-24500")
    assert v["reason"] == "取消公务用车"
    total = one("003", "three_public_total").values
    assert (total["amount"].value, total["prior_amount"].value, total["change"].value) == (
        D("6008.16"), D("30508.16"), D("-24500.00"))
    scope = one("003", "three_public_scope").values
    assert scope["count"] == 3 and len(scope["units"]) == 3


def test_004_three_public():
    assert one("004", "three_public_total", line=29).values["amount"].value == D("368134.18")
    v = one("004", "three_public_vehicle", line=35).values
    assert (v["vehicle_count"], v["amount"].value, v["vehicle_purchase"].value, v["vehicle_operation"].value) == (
        6, D("348000"), D("210000"), D("138000"))
    r = one("004", "three_public_reception", line=33).values
    assert (r["amount"].value, r["prior_amount"].value, r["change"].value) == (D("20134.18"), D("18164.09"), D("1970.09"))
    # 与2018年…对比情况: statements about 2018 only
    p = one("004", "three_public_vehicle", line=40).values
    assert "amount" not in p
    assert (p["prior_year"], p["prior_amount"].value, p["prior_vehicle_count"]) == (2018, D("2807180"), 31)
    assert (p["prior_vehicle_purchase"].value, p["prior_vehicle_operation"].value) == (D("2116680"), D("690500"))
    assert p["change"].value == D("-2459180")
    assert one("004", "three_public_total", line=37).values["prior_amount"].value == D("2825344.09")
    assert one("004", "three_public_abroad", line=38).values["unchanged"] is True


def test_002_three_public_against_the_budget():
    t = one("002", "three_public_total").values
    assert (t["amount"].value, t["budget_amount"].value, t["budget_change"].value) == (D("0"), D("1.1"), D("-1.1"))
    r = one("002", "three_public_reception").values
    assert (r["budget_amount"].value, r["budget_change"].value) == (D("1.1"), D("0"))  # as printed
    assert r["direction_printed"] == "增加（减少）"
    assert (r["batches"], r["person_times"]) == (0, 0)
    parts = {f.values.get("part") for f in facts("002", "three_public_vehicle")}
    assert parts == {None, "purchase", "operation"}
    scope = one("002", "three_public_scope").values
    assert scope["count"] == 2


# --- other statements -----------------------------------------------------------------------------------

def test_major_projects():
    m = facts("000", "major_project")
    assert len(m) == 5
    hotline = one("000", "major_project", name="12345市民服务热线西城分中心服务外包项目")
    assert hotline.line == 28
    assert amt(hotline.values["amount"]) == (D("9712000"), "元")
    assert one("000", "major_project", order=4).values["amount"].value == D("14301683.25")
    assert len(facts("001", "major_project")) == 8
    assert one("001", "major_project", order=8).values["name"] == "工作经费"
    named = [f.values["name"] for f in facts("003", "major_project")]
    assert named == ["聘用引导员和一窗式综合受理人员经费", "12341政府服务热线建设项目经费", "西城区一网通办"]
    assert all("amount" not in f.values for f in facts("003", "major_project"))
    assert [f.values["amount"].value for f in facts("004", "major_project")] == [D("7560000"), D("1725000"), D("3219100")]


def test_operating_cost():
    v = one("000", "operating_cost").values
    assert (v["amount"].value, v["prior_amount"].value, v["change"].value, v["percent"]) == (
        D("1581000.41"), D("1473038.08"), D("107962.33"), D("7.32"))
    assert "行政运行经费" in v["label"]
    v = one("003", "operating_cost").values
    assert (v["amount"].value, v["prior_year"], v["prior_amount"].value, v["percent"]) == (
        D("49864180.90"), 2018, D("48742538.72"), D("2.30"))
    assert one("002", "operating_cost").values["applicable"] is False


def test_procurement_and_purchased_services():
    p = one("000", "procurement").values
    assert p["count"] == 1 and p["projects"][0]["amount"].value == D("2673768")
    s = one("000", "purchased_services").values
    assert (s["count"], s["amount"].value) == (2, D("9792000"))
    assert [(i["name"], i["amount"].value) for i in s["items"]] == [
        ("12345市民服务热线西城分中心服务外包项目", D("9712000")), ("法律顾问服务项目", D("80000"))]
    assert one("004", "procurement").values["count"] == 10
    assert one("003", "purchased_services").values["amount"].value == D("25995000.00")
    f = one("002", "procurement").values
    assert (f["amount"].value, f["goods"].value, f["services"].value, f["small_micro_share"]) == (
        D("124.6"), D("0.92"), D("123.68"), D("0.73"))


def test_performance():
    s = one("000", "performance_score").values
    assert (s["score"], s["grade"], s["evaluated_year"], s["evaluation_year"]) == (D("86.60"), "良好", 2018, 2019)
    assert sum(c["score"] for c in s["components"]) == s["score"]
    s = one("001", "performance_score").values
    assert s["project"] == "基于全响应的城市运行管理平台功能升级项目"
    assert s["score"] == D("85.24")
    cov = one("001", "performance_goal_coverage").values
    assert (cov["project_count"], cov["amount"].value, cov["share"]) == (8, D("29474406.96"), D("94.90"))
    s = one("004", "performance_score").values
    assert (s["score"], s["grade"], s["evaluated_year"], s["project"]) == (D("90.20"), "优秀", 2018, "聘用保安服务费项目")
    s = one("002", "performance_score", line=234).values
    assert (s["score"], s["grade"], s["components_line"]) == (D("98.75"), "优秀", 232)
    assert [c["score"] for c in s["components"]] == [D("10"), D("49.28"), D("40")]
    assert one("002", "performance_score", line=176).values["grade"] == "优"


def test_performance_goals():
    goals = facts("000", "performance_goal")
    assert [g.values["order"] for g in goals] == [1, 2, 3]
    assert goals[0].values["name"] == "西城区城市运行管理系统运维项目"
    assert goals[0].values["text"].startswith("完成100%年度运维数量要求")
    goals = facts("003", "performance_goal")
    assert [g.values["name"] for g in goals] == ["推进线上“一网通办”", "推进线下“只进一门”、“只对一窗”", "加强政府热线建设"]


def test_fixed_assets_and_purchase_plans():
    a = one("003", "fixed_assets").values
    assert (a["amount"].text, a["as_of"]) == ("33,857,492.2", "2018-12-31")
    assert sum(i["amount"].value for i in a["items"]) == a["amount"].value
    assert a["items"][0] == {"name": "通用设备", "count": 3577, "count_unit": "件", "amount": a["items"][0]["amount"]}
    a = one("000", "fixed_assets").values
    assert (a["amount"].value, a["amount"].unit, a["as_of"]) == (D("4350.43"), "万元", "2019-12-31")
    assert one("002", "fixed_assets").values["as_of"] == "2024-12-31"
    plan = one("004", "asset_purchase_plan").values
    assert plan["year"] == 2019
    assert (plan["items"][0]["name"], plan["items"][0]["count"], amt(plan["items"][0]["amount"])) == (
        "车辆", 1, (D("21"), "万元"))


# --- invariants over every filing ----------------------------------------------------------------------

@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_fact_comes_from_its_line(prefix):
    src, fs, _names, _problems, table_lines = parsed(prefix)
    for f in fs:
        assert f.line not in table_lines
        line = src.lines[f.line - 1]
        assert not line.startswith("\t")
        assert f.text.split("\n")[0] in line, f
        for v in _amounts(f.values):
            assert v.unit in ("元", "万元")
            assert v.line == f.line


@pytest.mark.parametrize("prefix", PREFIXES)
def test_signs_of_change_and_percent_agree(prefix):
    for f in parsed(prefix)[1]:
        change = f.values.get("change") or f.values.get("budget_change")
        pct = f.values.get("percent")
        if change is not None and pct is not None and change.value and pct:
            assert (change.value < 0) == (pct < 0), f


def test_fact_kinds_are_documented():
    doc = prose_module.__doc__
    kinds = {f.kind for p in PREFIXES for f in parsed(p)[1]}
    for kind in kinds:
        assert re.search(rf"\b{kind}\b", doc), kind


def _amounts(value):
    if isinstance(value, Amount):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _amounts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _amounts(v)


# --- encodings, tables or not, speed --------------------------------------------------------------------

@pytest.mark.parametrize("prefix", PREFIXES)
def test_same_facts_in_gb18030_and_utf8_bom_crlf(prefix):
    text = path(prefix).read_bytes().decode("utf-8")
    gb = parse_source(source_from_bytes(text.encode("gb18030"), "x.txt"))
    bom = parse_source(source_from_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"), "x.txt"))
    plain = parse_source(source_from_bytes(text.encode("utf-8"), "x.txt"))
    assert gb.encoding == "gb18030" and bom.encoding == "utf-8-sig"
    for other in (gb, bom):
        assert [f.to_dict() for f in other.facts] == [f.to_dict() for f in plain.facts]
        assert [n.to_dict() for n in other.names] == [n.to_dict() for n in plain.names]
        assert [p.to_dict() for p in other.problems] == [p.to_dict() for p in plain.problems]


def test_same_facts_with_full_width_digits():
    text = path("000").read_text("utf-8")
    wide = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    a = parse_source(source_from_bytes(text.encode("utf-8"), "a.txt"))
    b = parse_source(source_from_bytes(wide.encode("utf-8"), "b.txt"))
    assert [f.to_dict() for f in a.facts] == [f.to_dict() for f in b.facts]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_same_prose_facts_without_tables(prefix):
    """Before table recovery lands (or when it finds nothing) the prose reads the same."""
    src, fs, names, probs, _ = parsed(prefix)
    ident = identify(src.lines, [])
    facts0, names0, probs0 = extract_facts(src.lines, set(), [], ident)
    assert [f.to_dict() for f in facts0] == [f.to_dict() for f in fs]
    assert names0 == names and probs0 == probs


# --- malformed figures ------------------------------------------------------------------------------------

def _synthetic(*body: str):
    lines = ("第一部分：2020年度部门预算情况说明", "二、2020年部门预算收支及增减变化情况说明", "（一）收入预算说明") + body
    ident = Identity(year=2020, kind=BUDGET, department="北京市西城区某中心")
    return extract_facts(lines, set(), [], ident)


def test_malformed_amount_is_kept_and_reported():
    fs, _names, probs = _synthetic("2020年收入预算498,64,180.90元，比2019年收入预算45228772.39元增加19182984.57元，增长42.13%。")
    v = fs[0].values
    assert v["amount"].text == "498,64,180.90" and v["amount"].malformed and v["amount"].value is None
    assert v["prior_amount"].value == D("45228772.39")
    assert [(p.kind, p.line) for p in probs] == [("malformed_amount", 4)]


def test_stray_full_stop_inside_a_figure_is_not_fixed():
    fs, _names, probs = _synthetic("（1）基本支出预算11,166。121.42元，比2019年11,506,822.29元减少340,700.87元。")
    v = fs[0].values
    assert v["amount"].text == "11,166。121.42" and v["amount"].value is None
    assert v["change"].value == D("-340700.87")
    assert [p.kind for p in probs] == ["malformed_amount"]


def test_amount_without_unit_before_a_comma():
    fs, _names, probs = _synthetic("（2）项目支出预算38,698,059.48，比2019年项目支出预算37,235,716.43元增加1,462,343.05元。")
    v = fs[0].values
    assert amt(v["amount"]) == (D("38698059.48"), "元")
    assert [p.kind for p in probs] == ["missing_unit"]


def test_periods_are_read_as_printed():
    """A span of dates is a ``period`` fact with ISO dates, whatever else its line says; the
    2024 决算's hotline window (2024年2月1日-2024年1月31日, the start year should be 2023) is
    kept as printed, an end without a year takes the start's, a month without a day its first
    or last day, and a date that does not exist is no period."""
    lines = ["2024年（2024年2月1日0时-2024年1月31日24时）共受理诉求案件301144件。",
             "2020年收入预算45,228,772.39元，执行期为2020年1月1日至12月31日。",
             "考核期间为2023年2月-2024年1月。",
             "期间为2023年2月30日-2024年1月31日。",
             "2019年1-12月，较上年增长5%。"]
    facts, _names, _problems = _synthetic(*lines)
    assert [(f.line - 3, f.values["start"], f.values["end"], f.values["start_text"]) for f in facts
            if f.kind == "period"] == [(1, "2024-02-01", "2024-01-31", "2024年2月1日0时"),
                                       (2, "2020-01-01", "2020-12-31", "2020年1月1日"),
                                       (3, "2023-02-01", "2024-01-31", "2023年2月")]
    revenue = next(f for f in facts if f.kind == "revenue_total")  # the line's money is read too
    assert revenue.line == 5 and revenue.values["amount"].text == "45,228,772.39"
    assert [(f.line, f.values["end"]) for f in parsed("002")[1] if f.kind == "period"] == [
        (248, "2024-01-31"), (248, "2024-01-31"), (250, "2024-01-31"), (252, "2024-01-31")]
