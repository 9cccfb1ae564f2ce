"""Table recovery against the real Xicheng filings (and a few small synthetic dumps)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest

from kg.amounts import Amount
from kg.parsing.table_facts import facts_from_tables, project_type_of
from kg.parsing.tables import parse_tables
from kg.reading import read_source

FILINGS = Path(__file__).resolve().parent.parent / "filings" / "xicheng"
F2020 = "000_874f18751ad5cfa1.txt"
F2021 = "001_90b99e851999fa19.txt"
F2024 = "002_28812af1b3d468ad.txt"
F2019 = "003_1a17e53dc63c4bde.txt"
F2019_CG = "004_605f480ac5112b91.txt"


@lru_cache(maxsize=None)
def parsed(name: str):
    return parse_tables(read_source(FILINGS / name).lines)


def table(name: str, number: int):
    tables, _, _ = parsed(name)
    found = [t for t in tables if t.number == number]
    assert len(found) == 1, f"表{number} of {name}: {len(found)} tables"
    return found[0]


def row_at(name: str, number: int, line: int):
    rows = [r for r in table(name, number).rows if r.line == line]
    assert len(rows) == 1, f"no row at line {line} in 表{number} of {name}"
    return rows[0]


def value(name: str, number: int, line: int, key: str) -> Decimal:
    return row_at(name, number, line).values[key].value


def keys(name: str, number: int) -> list[str]:
    return [c.key for c in table(name, number).columns]


def d(text: str) -> Decimal:
    return Decimal(text)


def lines_of(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n"))


# -- which tables, where ----------------------------------------------------------------

@pytest.mark.parametrize("name, numbers", [
    (F2019, list(range(1, 13))),
    (F2021, list(range(1, 13))),  # the contents list 表十三, the filing prints no 表十三
    (F2019_CG, [11, 12]),
    (F2020, []),
    (F2024, []),
])
def test_table_numbers(name, numbers):
    tables, _, _ = parsed(name)
    assert [t.number for t in tables] == numbers


@pytest.mark.parametrize("name, number, rows", [
    (F2019, 1, 15), (F2019, 2, 24), (F2019, 3, 24), (F2019, 4, 9), (F2019, 5, 24),
    (F2019, 6, 28), (F2019, 7, 6), (F2019, 8, 2), (F2019, 9, 67), (F2019, 10, 2),
    (F2019, 11, 24), (F2019, 12, 83),
    (F2021, 1, 15), (F2021, 2, 29), (F2021, 3, 29), (F2021, 4, 10), (F2021, 5, 29),
    (F2021, 6, 28), (F2021, 7, 6), (F2021, 8, 1), (F2021, 9, 61), (F2021, 10, 9),
    (F2021, 11, 1), (F2021, 12, 17),
    (F2019_CG, 11, 24), (F2019_CG, 12, 185),
])
def test_row_counts(name, number, rows):
    assert len(table(name, number).rows) == rows


def test_table_lines_titles_and_units():
    t = table(F2021, 1)
    assert (t.line, t.title, t.unit) == (99, "部门收支总体情况表", "元")  # 表一、… at 99, 表一： at 100
    t = table(F2019, 1)
    assert (t.line, t.title, t.unit) == (76, "2019部门收支总体情况表", "元")
    assert table(F2021, 10).unit == "元"  # printed 单位:元 with an ASCII colon
    assert table(F2021, 12).title == "部门整体支出绩效目标申报表"  # only 表十二、… before it
    assert table(F2019_CG, 11).line == 58  # 表十一： without a tab
    assert table(F2019_CG, 12).title == "项目支出绩效目标申报表"
    for name, number in [(F2019, 11), (F2019, 12), (F2021, 12), (F2019_CG, 11), (F2019_CG, 12)]:
        assert table(name, number).unit is None  # the forms state units in their labels


def test_occupied_lines():
    _, occupied, _ = parsed(F2021)
    assert not occupied & set(range(1, 99))  # the contents list is not a table
    assert {99, 100, 204, 1588, 2204, 2578} <= occupied  # a caption, cells, the 表八 note
    _, occupied, _ = parsed(F2019)
    assert min(occupied) == 76 and max(occupied) == 2837
    assert 2450 in occupied and 2517 in occupied  # paragraphs continuing form cells
    _, occupied, _ = parsed(F2019_CG)
    assert min(occupied) == 58 and max(occupied) == 1150
    assert not occupied & set(range(174, 187))  # blank lines between 表十一 and 表十二
    assert parsed(F2020)[1] == set() and parsed(F2024)[1] == set()


# -- columns -------------------------------------------------------------------------------

def test_economic_table_columns_2019_vs_2021():
    assert keys(F2019, 6) == ["econ_code", "econ_name", "gov_econ_code", "gov_econ_name",
                              "total", "personnel", "public"]
    assert keys(F2021, 6) == ["gov_econ_code", "gov_econ_name", "econ_code", "econ_name",
                              "total", "personnel", "public"]
    assert keys(F2019, 9) == ["code", "name", "econ_code", "econ_name", "gov_econ_code", "gov_econ_name",
                              "project_name", "amount"]
    assert keys(F2021, 9) == ["code", "name", "gov_econ_code", "gov_econ_name", "econ_code", "econ_name",
                              "project_name", "amount"]


def test_economic_rows_carry_the_department_code_whatever_the_column_order():
    r2019 = row_at(F2019, 6, 1096)
    r2021 = row_at(F2021, 6, 1270)
    assert (r2019.code, r2019.name, r2019.level) == ("30101", "基本工资", 2)
    assert (r2021.code, r2021.name, r2021.level) == ("30101", "基本工资", 2)
    assert row_at(F2021, 6, 1262).code == "301" and row_at(F2021, 6, 1262).level == 1
    assert [c.kind for c in r2021.cells] == ["code", "name", "code", "name", "amount", "amount", "empty"]


def test_two_row_headers():
    t = table(F2021, 2)
    assert [c.label for c in t.columns[:3]] == ["科目 / 科目编码", "科目 / 科目名称", "合计"]
    assert [c.key for c in t.columns] == [
        "code", "name", "total", "col:上年结转", "col:一般公共预算拨款收入", "col:政府性基金预算拨款收入",
        "col:上级补助收入", "col:事业收入", "col:经营收入", "col:附属单位上缴收入", "col:其他收入",
        "col:用事业基金弥补收支差额"]
    t = table(F2019, 4)
    assert [c.label for c in t.columns] == ["收入 / 项目", "收入 / 预算金额", "支出 / 项目", "支出 / 预算金额"]
    assert [c.key for c in t.columns] == ["revenue_item", "revenue", "expenditure_item", "expenditure"]


@pytest.mark.parametrize("name, number, expected", [
    (F2019, 1, ["revenue_item", "revenue", "expenditure_item", "expenditure"]),
    (F2021, 3, ["code", "name", "total", "basic", "project", "col:上缴上级支出", "col:事业单位经营支出",
                "col:对下级单位补助支出"]),
    (F2021, 5, ["code", "name", "total", "basic", "project"]),
    (F2019, 7, ["name", "year:2018", "year:2019"]),
    (F2021, 7, ["name", "year:2020", "year:2021"]),
    (F2019, 10, ["unit_code", "unit_name", "code", "econ_code", "gov_econ_code", "project_name",
                 "col:是否政府采购", "amount", "col:市指标文号"]),
    (F2021, 10, ["item_code", "item_name", "func_subject", "amount"]),
    (F2021, 12, []),
])
def test_column_keys(name, number, expected):
    assert keys(name, number) == expected


# -- figures -------------------------------------------------------------------------------

def test_totals_and_subtotals_2019():
    assert value(F2019, 3, 796, "total") == d("49864180.90")
    assert value(F2019, 3, 796, "basic") == d("11166121.42")
    assert value(F2019, 3, 796, "project") == d("38698059.48")
    assert value(F2019, 3, 589, "project") == d("32208106.98")
    assert value(F2019, 2, 547, "col:一般公共预算拨款收入") == d("49864180.90")
    assert value(F2019, 6, 1304, "personnel") == d("10230531.08")
    assert value(F2019, 6, 1304, "public") == d("935590.34")
    assert value(F2019, 7, 1355, "year:2018") == d("30508.16")
    assert value(F2019, 10, 2112, "amount") == d("1293300.00")
    assert value(F2019, 4, 886, "expenditure") == d("49864180.90")
    assert value(F2019, 8, 1440, "total") == d("0")


def test_totals_and_subtotals_2021():
    assert value(F2021, 1, 204, "revenue") == d("60646633.13")
    assert value(F2021, 1, 114, "expenditure") == d("69360.00")
    assert value(F2021, 3, 931, "basic") == d("29588676.51")
    assert value(F2021, 3, 841, "project") == d("25979908.62")
    assert value(F2021, 5, 1227, "project") == d("31057956.62")
    assert value(F2021, 6, 1342, "public") == d("1876321.21")
    assert value(F2021, 6, 1478, "personnel") == d("27712355.30")
    assert value(F2021, 7, 1507, "year:2020") == d("14784.24")
    assert value(F2021, 7, 1507, "year:2021") == d("11413.45")
    assert value(F2021, 10, 2204, "amount") == d("10202756.00")
    total = row_at(F2021, 9, 2176)
    assert (total.name, total.values["amount"].text, total.values["amount"].value) == (
        "合计", "60646633.13", d("60646633.13"))


@pytest.mark.parametrize("name, line, code, project, amount", [
    (F2019, 1485, "2010301", "人员支出（在职统发）_基本工资", "1271448.00"),
    (F2019, 1818, "2010302", "设备更新经费", "60000.00"),
    (F2019, 1863, "2010399", "2018年12341政府服务热线建设服务项目承包款", "21000000.00"),
    (F2019, 1944, "2069999", "西城区一网通办", "2000000.00"),
    (F2019, 2061, "2210203", "对个人和家庭补助支出（在职非统发）_津贴补贴", "720144.00"),
    (F2021, 1735, "2010350", "日常公用支出（在职人员）_公务接待费", "851.81"),
    (F2021, 1789, "2069999", "西城区城市运行管理系统运维经费", "3759728.00"),
    (F2021, 2077, "2120199", "12345市民热线 西城分中心热线服务项目经费", "10122756.00"),
    (F2021, 2140, "2120102", "预留机动费", "185229.66"),
    (F2021, 2167, "2210201", "对个人和家庭补助支出（在职非统发）_住房公积金", "1831797.96"),
])
def test_detail_line_items(name, line, code, project, amount):
    row = row_at(name, 9, line)
    assert row.code == code and row.level == 3 and not row.heading
    cells = {c.key: cell for c, cell in zip(table(name, 9).columns, row.cells)}
    assert cells["project_name"].text.strip() == project and cells["project_name"].kind == "name"
    assert row.values == {"amount": row.values["amount"]}
    assert row.values["amount"].value == d(amount) and row.values["amount"].unit == "元"


def test_detail_items_add_up_to_the_total():
    for name, total_line in [(F2019, 2070), (F2021, 2176)]:
        items = [r for r in table(name, 9).rows if r.code]
        assert sum(r.values["amount"].value for r in items) == value(name, 9, total_line, "amount")


def test_every_figure_has_the_table_unit_and_line():
    for name in (F2019, F2021):
        tables, _, _ = parsed(name)
        for t in tables[:10]:
            for r in t.rows:
                for a in r.values.values():
                    assert a.unit == "元"
                    assert r.line <= a.line <= r.line + 12


def test_wan_yuan_figures():
    a = row_at(F2021, 12, 2523).values["total"]
    assert (a.text, a.unit, a.value, a.yuan, a.line) == ("6064.66", "万元", d("6064.66"), d("60646600.00"), 2525)
    assert row_at(F2021, 12, 2527).values["basic"].yuan == d("29588700.00")
    assert row_at(F2019_CG, 11, 69).values["total"].yuan == d("55919300.00")
    assert row_at(F2019_CG, 12, 193).values["amount"].yuan == d("7560000.00")  # 预算金额（万元） 756.00
    a = row_at(F2019, 12, 2530).values["amount"]  # printed 607.8万元
    assert (a.text, a.unit, a.yuan) == ("607.8", "万元", d("6078000.0"))


def test_stated_unit_recorded_even_when_the_figures_are_in_yuan():
    a = row_at(F2019, 11, 2317).values["total"]
    assert (a.text, a.unit, a.value) == ("49,864,180.90", "万元", d("49864180.90"))
    _, _, problems = parsed(F2019)
    suspects = [p for p in problems if p.kind == "unit_suspect"]
    assert [p.line for p in suspects] == [2319, 2324, 2328]


# -- hierarchy, headings, empty tables ------------------------------------------------------

def test_functional_code_levels():
    levels = {r.code: r.level for r in table(F2019, 2).rows if r.code}
    assert levels["201"] == 1 and levels["20103"] == 2 and levels["2010301"] == 3
    assert levels["2080501"] == 3  # printed indented: "     2080501"
    assert [(r.code, r.level) for r in table(F2021, 5).rows[:3]] == [("201", 1), ("20103", 2), ("2010350", 3)]
    total = table(F2021, 5).rows[-1]
    assert (total.code, total.level, total.name, total.heading) == (None, 0, "总计", False)


def test_heading_rows():
    r = row_at(F2019, 9, 1476)
    assert (r.code, r.name, r.heading, r.values) == (None, "财政事务", True, {})
    r = row_at(F2019, 9, 1881)  # a subtotal without a code still carries its figure
    assert (r.code, r.name, r.heading) == (None, "其他科学技术支出", False)
    assert r.values["amount"].value == d("6489952.50")
    r = row_at(F2021, 1, 149)
    assert (r.name, r.heading) == ("事业收入（不含事业单位预算外资金）", True)
    assert all(any(c.kind != "empty" for c in r.cells) for t in parsed(F2021)[0] for r in t.rows)


def test_two_sided_rows():
    r = row_at(F2021, 1, 119)
    assert r.name == "财政专户管理" and set(r.values) == {"expenditure"}
    r = row_at(F2019, 4, 841)  # revenue side blank: the expenditure item names the row
    assert r.name == "（三）行政事业单位离退休"
    assert r.values["expenditure"].value == d("1347479.60")


def test_empty_tables():
    t = table(F2021, 8)
    assert t.empty_note == "注：本部门因没有政府性基金收入，故没有数据。"  # printed below the table
    assert [(r.name, r.heading) for r in t.rows] == [("总计", True)]
    t = table(F2021, 11)
    assert t.empty_note == "注：本部门因没有专项转移收入，故没有数据。"  # printed in a cell
    assert [r.name for r in t.rows] == ["合计"]
    assert table(F2019, 8).empty_note is None  # prints 无 and zeros instead


# -- malformed figures, personal data ---------------------------------------------------

def test_malformed_amount_kept_and_reported():
    r = row_at(F2019, 1, 90)
    a = r.values["revenue"]
    assert a == Amount(text="498,64,180.90", unit="元", line=91, value=None, malformed=True)
    assert r.cells[1].kind == "amount" and r.cells[1].amount is a
    _, _, problems = parsed(F2019)
    malformed = [p for p in problems if p.kind == "malformed_amount"]
    assert [(p.line, p.text) for p in malformed] == [(91, "498,64,180.90")]
    assert not any(a.value == d("49864180.90") and a.line == 91
                   for r in table(F2019, 1).rows for a in r.values.values())


@pytest.mark.parametrize("name, number, line, expected", [
    (F2019, 11, 2312, ["text", "personal", "text", "personal"]),
    (F2019, 11, 2416, ["text", "personal", "text", "personal", "text"]),
    (F2019, 12, 2437, ["text", "personal", "text", "personal"]),
    (F2019_CG, 11, 64, ["text", "personal", "text", "personal"]),
    (F2019_CG, 12, 198, ["text", "personal", "text", "personal"]),
    (F2019_CG, 12, 203, ["text", "text", "text", "text"]),  # address and postal code: text
])
def test_personal_cells(name, number, line, expected):
    r = row_at(name, number, line)
    assert [c.kind for c in r.cells] == expected
    assert r.values == {}
    assert all(c.amount is None for c in r.cells)


def test_no_phone_number_or_postal_code_is_an_amount():
    for name in (F2019, F2021, F2019_CG):
        for t in parsed(name)[0]:
            for r in t.rows:
                for a in r.values.values():
                    assert a.text not in {"82141581", "82141568", "66527053", "66527041", "100035", "100034"}


def test_form_rows():
    r = row_at(F2019, 12, 2432)
    assert [c.kind for c in r.cells] == ["text", "name", "text", "amount"]
    assert r.values["amount"].value == d("2100")
    assert row_at(F2019, 12, 2515).cells[0].text == "其他说明的\n问题"  # continued after a blank line
    assert row_at(F2019, 12, 2447).cells[1].text == "1.大型会议培训    2.信息化系统改造类\n3.宣传活动类      4.其他一般类"
    r = row_at(F2019_CG, 11, 81)
    assert [c.kind for c in r.cells] == ["empty", "text", "text"] and r.values == {}  # 其他： 无
    heads = [r.name for r in table(F2019_CG, 12).rows if r.name == "项目支出绩效目标申报表"]
    assert len(heads) == 8  # nine forms: the first one's title is the table title


def test_wrapped_cell_keeps_first_line():
    r = row_at(F2019, 11, 2334)
    assert r.cells[1].line == 2335
    assert r.cells[1].text.count("\n") == 4 and r.cells[1].text.endswith("负责政务服务体系标准化建设。")


# -- facts ------------------------------------------------------------------------------------

def facts(name: str, kind: str):
    return [f for f in facts_from_tables(parsed(name)[0]) if f.kind == kind]


def test_department_targets():
    (f,) = facts(F2021, "department_target")
    assert f.line == 2523 and f.values["table"] == 12
    assert [f.values[k].value for k in ("total", "basic", "project")] == [d("6064.66"), d("2958.87"), d("3105.79")]
    assert f.values["total"].unit == "万元"
    (f,) = facts(F2019_CG, "department_target")
    assert f.values["table"] == 11 and f.values["project"].yuan == d("23317200.00")
    (f,) = facts(F2019, "department_target")
    assert f.values["total"].text == "49,864,180.90" and f.values["total"].unit == "万元"


def test_performance_targets():
    found = facts(F2019_CG, "performance_target")
    assert len(found) == 9
    assert {f.values["table"] for f in found} == {12}
    first = found[0]
    assert (first.line, first.values["project"], first.values["type"]) == (193, "保安服务费", "其他一般类")
    assert first.values["amount"].value == d("756.00") and first.values["amount"].unit == "万元"
    assert sum(f.values["amount"].value for f in found) == d("1527.74")
    found = facts(F2019, "performance_target")
    assert [(f.values["project"], str(f.values["amount"].yuan), f.values.get("type")) for f in found] == [
        ("西城区12341政府服务热线建设服务项目", "21000000", None),  # the menu printed, nothing ticked
        ("聘用引导员和一窗式综合受理人员经费", "6078000.0", None),
        ("西城区政务服务综合管理平台", "1500000", "信息化系统改造类"),  # ticked with √
        ("西城区一网通办", "2000000", "信息化系统改造类"),
    ]
    assert facts(F2021, "performance_target") == []


def test_budget_unit_codes():
    (f,) = facts(F2021, "budget_unit_code")
    assert (f.line, f.values) == (2204, {"code": "295001", "name": "北京市西城区全响应服务中心", "table": 10})
    (f,) = facts(F2019, "budget_unit_code")
    assert f.values == {"code": "299001", "name": "西城区政务服务管理办公室", "table": 10}


def test_project_type_of():
    assert project_type_of("4.其他一般类") == "其他一般类"
    assert project_type_of("1.大型会议培训    2.信息化系统改造类√\n3.宣传活动类") == "信息化系统改造类"
    assert project_type_of("1.大型会议培训    2.信息化系统改造类") is None


# -- synthetic dumps ----------------------------------------------------------------------

def test_contents_list_and_prose_after_a_table():
    text = "\n".join([
        "表一、部门收支总体情况表", "表二、部门收入总体情况表", "说明文字。", "",
        "表一、部门收支总体情况表", "\t表一：", "", "\t收支表", "", "\t单位：万元", "",
        "\t科目编码", "\t科目名称", "\t合计", "", "\t201", "\t一般公共服务支出", "\t1,234.5", "",
        "\t20103", "\t政府办公厅（室）及相关机构事务，", "名称换行", "\t1,234.5", "",
        "", "", "以下为正文，不是表格。",
    ])
    tables, occupied, problems = parse_tables(lines_of(text))
    assert [t.number for t in tables] == [1] and problems == []
    t = tables[0]
    assert (t.line, t.title, t.unit) == (5, "收支表", "万元")
    assert occupied == set(range(5, 24))
    assert [(r.code, r.level, r.name) for r in t.rows] == [
        ("201", 1, "一般公共服务支出"), ("20103", 2, "政府办公厅（室）及相关机构事务，\n名称换行")]
    assert t.rows[0].values["total"].yuan == d("12345000.0")


def test_table_without_unit_and_wide_row():
    text = "\n".join(["\t表三：", "", "\t项目", "\t金额", "", "\t甲", "\t12", "\t7", ""])
    tables, _, problems = parse_tables(lines_of(text))
    (t,) = tables
    assert t.unit is None and t.rows[0].values["amount"].unit == "元"
    assert sorted(p.kind for p in problems) == ["row_width", "unit_assumed"]
    assert t.rows[0].values["col:3"].value == d("7")
