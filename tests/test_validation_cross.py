"""The cross-filing check of a 决算's budget figures (shapes/cross/budget_*.rq, BudgetAgrees):
what a 决算 of year Y states or implies as the year's 年初预算 against the same organisation's
部门预算 of year Y.

The samples hold no 决算 and 部门预算 of the same organisation and year, so the pair is made
from them: sample 001 (the command centre's 2021 budget, unchanged) and a 2021 决算 of the
same centre made from sample 002 (its 2024 决算, years set to 2021) whose 项 section is
replaced by three 项 stated against 001's own figures (表三 and 表五 of 001):

  2080501 行政单位离退休 100,780.00 元     → 决算 9.65万元, 比年初预算减少0.43万元 (10.08万元)
  2120101 行政运行      19,697,632.49 元  → 决算 1969.76万元, 与年初预算持平
  2210201 住房公积金     1,831,797.96 元   → 决算 190.00万元, 比年初预算增加6.82万元 (183.18万元)

and whose 三公 sentences (年初预算 1.1万元 total and reception, 0 abroad and vehicles) agree
with 001's 11,413.45 元 and 0 at their printed precision.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kg.loading import Loader
from kg.paths import SAMPLE_FILINGS_DIR
from kg.store import open_store
from kg.validation import validate_cross_filing

BASE = "https://kg.example.org/filing/"
BUDGET_2021 = BASE + "xicheng-command-centre/2021-budget"  # sample 001
FINAL_2021 = BASE + "xicheng-command-centre/2021-final"  # made from sample 002

ITEMS = """（二）一般公共预算财政拨款支出决算具体情况

1、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。

2021年度决算9.65万元，比2021年年初预算减少0.43万元，下降4.27%。主要原因：根据实际离退休人员人数支出。

2、城乡社区支出（类）城乡社区管理事务（款）行政运行（项）。

2021年度决算1969.76万元，与2021年年初预算持平。

3、住房保障支出（类）住房改革支出（款）住房公积金（项）。

2021年度决算190万元，比2021年年初预算增加6.82万元，增长3.72%。主要原因：根据实际人员人数支出。

"""
RETIREES = "2021年度决算9.65万元，比2021年年初预算减少0.43万元"
THREE_PUBLIC = "比2021年度“三公”经费财政拨款年初预算1.1万元减少1.1万元"


def final_2021(**edits: str) -> str:
    """Sample 002 as the centre's 2021 决算, its 项 section replaced by ITEMS, then ``edits``
    (old text -> new text, each old text once in the filing)."""
    text = (SAMPLE_FILINGS_DIR / "002_28812af1b3d468ad.txt").read_text(encoding="utf-8").replace("2024", "2021")
    text = re.sub(r"（二）一般公共预算财政拨款支出决算具体情况\n.*?(?=五、政府性基金预算)", ITEMS, text, count=1, flags=re.S)
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def cross_findings(tmp_path, final_text: str) -> list:
    """Load sample 001 and ``final_text`` into a new store; the cross-filing findings."""
    folder = tmp_path / "filings"
    folder.mkdir()
    (folder / "001.txt").write_bytes((SAMPLE_FILINGS_DIR / "001_90b99e851999fa19.txt").read_bytes())
    (folder / "final.txt").write_text(final_text, encoding="utf-8")
    with open_store(str(tmp_path / "store")) as store:
        results = list(Loader(store, validate=False).load_paths([folder]))
        assert sorted(r.graph for r in results) == [BUDGET_2021, FINAL_2021]
        return validate_cross_filing(store)


def test_the_sections_the_check_reads_are_in_the_made_filing():
    text = final_2021()
    assert "2021年度决算1969.76万元，与2021年年初预算持平。" in text and THREE_PUBLIC in text
    assert "2024" not in text and "13.37万元" not in text  # 002's own 项 are gone


def test_budget_figures_that_agree_with_the_years_budget_give_no_finding(tmp_path):
    # three 项 (a decrease, 持平, an increase) and the 三公 figures, all within the printed
    # precision of 001's figures: no finding, not even a rounding warning
    assert cross_findings(tmp_path, final_2021()) == []


def test_a_change_against_the_budget_that_disagrees_with_the_years_budget(tmp_path):
    text = final_2021(**{RETIREES: "2021年度决算9.65万元，比2021年年初预算减少1.43万元"})
    findings = cross_findings(tmp_path, text)
    assert len(findings) == 1, [(f.check, f.where, f.message_en) for f in findings]
    f = findings[0]
    assert (f.severity, f.check, f.filing) == ("Violation", "BudgetAgrees", FINAL_2021)
    assert f.where == {"table": None, "row": None, "line": line_of(text, "9.65万元，比2021年年初预算减少1.43万元")}
    assert f.focus.startswith(FINAL_2021 + "/fact/") and f.focus.endswith("/budget_change")
    v = f.values
    assert (v["item"], v["code"], v["name"], v["year"], v["how"]) == (
        "final_vs_budget", "2080501", "行政单位离退休", "2021", "implied")
    # 9.65 + 1.43 = 11.08万元 against 001's 100,780.00 元 in 表五 (line 1127) and 表三 (line 780)
    assert v["stated"] == "9.65万元 + 1.43万元 = 110800元"
    assert v["other_filing"] == BUDGET_2021
    assert v["others"] == "100,780.00元（2080501，第1127行） / 100,780.00元（2080501，第780行）"
    assert Decimal(v["difference"]) == Decimal("10020")  # 110,800 − 100,780
    assert Decimal(v["tolerance"]) == Decimal("100.005")  # 50 + 50 (9.65, 1.43 万元) + 0.005 (元)
    assert "行政单位离退休（项，2080501）" in f.message_zh and "相差 10020 元" in f.message_zh
    assert BUDGET_2021 in f.message_zh and BUDGET_2021 in f.message_en
    assert "the 项 2080501 行政单位离退休" in f.message_en and "difference 10020 yuan" in f.message_en


def test_a_change_off_by_one_printed_digit_is_a_rounding_warning(tmp_path):
    # 9.65 + 0.42 = 10.07万元: not 100,780 元 rounded (10.08万元), but within the 100.005 元 the
    # printed figures allow (0.005万元 each for 9.65 and 0.42, 0.005 元 for 100,780.00)
    text = final_2021(**{RETIREES: "2021年度决算9.65万元，比2021年年初预算减少0.42万元"})
    [f] = cross_findings(tmp_path, text)
    assert (f.severity, f.check, f.where["line"]) == ("Warning", "BudgetAgrees", line_of(text, "减少0.42万元"))
    assert (Decimal(f.values["difference"]), Decimal(f.values["tolerance"])) == (Decimal("80"), Decimal("100.005"))


def test_as_budgeted_when_the_budget_was_another_figure(tmp_path):
    text = final_2021(**{"2021年度决算1969.76万元，与2021年年初预算持平。": "2021年度决算1900万元，与2021年年初预算持平。"})
    [f] = cross_findings(tmp_path, text)
    assert (f.severity, f.check, f.where["line"]) == ("Violation", "BudgetAgrees", line_of(text, "1900万元，与2021年"))
    v = f.values
    assert (v["code"], v["name"], v["how"], v["stated"]) == ("2120101", "行政运行", "unchanged", "1900万元")
    # 19,000,000 against 19,697,632.49; "1900" is printed to 1万元: 5,000 元 of tolerance
    assert (Decimal(v["difference"]), Decimal(v["tolerance"])) == (Decimal("697632.49"), Decimal("5000.005"))
    assert "“行政运行（项，2120101）”与2021年年初预算持平" in f.message_zh


def test_a_three_public_budget_stated_outright_that_disagrees(tmp_path):
    text = final_2021(**{THREE_PUBLIC: "比2021年度“三公”经费财政拨款年初预算2.1万元减少2.1万元"})
    [f] = cross_findings(tmp_path, text)
    assert (f.severity, f.check, f.where["line"]) == ("Violation", "BudgetAgrees", line_of(text, "年初预算2.1万元"))
    v = f.values
    assert (v["item"], v["how"], v["year"], v["stated"]) == ("three_public_total", "stated", "2021", "2.1万元")
    assert v["others"] == "11413.45元（第73行）" and v["other_filing"] == BUDGET_2021
    assert (Decimal(v["difference"]), Decimal(v["tolerance"])) == (Decimal("9586.55"), Decimal("500.005"))


def test_the_check_is_restricted_to_the_final_accounts_named(tmp_path):
    text = final_2021(**{RETIREES: "2021年度决算9.65万元，比2021年年初预算减少1.43万元"})
    folder = tmp_path / "filings"
    folder.mkdir()
    (folder / "001.txt").write_bytes((SAMPLE_FILINGS_DIR / "001_90b99e851999fa19.txt").read_bytes())
    (folder / "final.txt").write_text(text, encoding="utf-8")
    with open_store(str(tmp_path / "store")) as store:
        list(Loader(store, validate=False).load_paths([folder]))
        assert validate_cross_filing(store, [BUDGET_2021]) == []
        assert [f.where["line"] for f in validate_cross_filing(store, [FINAL_2021])] == [line_of(text, "减少1.43万元")]


@pytest.mark.parametrize("other", ["xicheng-government-services", "xicheng-urban-management-enforcement"])
def test_another_organisations_budget_is_never_compared(tmp_path, other):
    # the 2019 budgets of 003 / 004 are other organisations'; a 2019 决算 of the centre is not
    # compared with them
    text = final_2021(**{RETIREES: "2021年度决算9.65万元，比2021年年初预算减少1.43万元"}).replace("2021", "2019")
    folder = tmp_path / "filings"
    folder.mkdir()
    sample = {"xicheng-government-services": "003_1a17e53dc63c4bde.txt",
              "xicheng-urban-management-enforcement": "004_605f480ac5112b91.txt"}[other]
    (folder / sample).write_bytes((SAMPLE_FILINGS_DIR / sample).read_bytes())
    (folder / "final.txt").write_text(text, encoding="utf-8")
    with open_store(str(tmp_path / "store")) as store:
        results = list(Loader(store, validate=False).load_paths([folder]))
        assert BASE + "xicheng-command-centre/2019-final" in {r.graph for r in results}
        assert [f for f in validate_cross_filing(store) if f.check == "BudgetAgrees"] == []
