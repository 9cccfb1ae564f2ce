"""Validation of the five Xicheng samples: the genuine inconsistencies they contain, found by
the shapes (not special-cased), and the consistent parts left alone; validation on load,
``--strict``, and ``kg validate``.

What the filings print (checked by hand against the text):

* 003 (政务服务办, 2019 budget): 收入/支出预算 51,157,480.90 in the prose, 49,864,180.90 in 表一–表三
  (the gap is the 1,293,300 市级提前下达专项转移支付); 基本 11,166,121.42 + 项目 38,698,059.48 =
  49,864,180.90, and the shares 22.39% / 77.61% are of that, not of 51,157,480.90; 表一 prints
  ``498,64,180.90``; 表十一 heads its figures 万元 but prints them in yuan.
* 002 (城市管理指挥中心, 2024 final accounts): 一般公共预算财政拨款收入14864.9万元 under a
  财政拨款收入 of 5474.79万元, "100%" of it; 财政拨款收、支总计5223.93万元 "比上年增加250.86万元，
  增长4.8%" (250.86 on 4973.07 is 5.04%); 公务接待费 budget 1.1万元, spent 0, "增加（减少）0万元";
  the 12345 project's payments 498.94 + 436.57 + 311.55 ≠ 1247.34万元; 卫生健康 240.73 + 20.01 ≠
  260.76万元; two class shares off in the last digit (35.09%, 8.97%); its hotline figures are for
  "2024年2月1日-2024年1月31日" (lines 248, 250, 252: the start year should be 2023).
* 000 (城管监督指挥中心, 2020 budget): revenue +19,182,984.57 on 45,228,772.39 is 42.41%, not
  42.13%; 项目支出 37,376,709.35 vs 18,620,855.15: the stated +18,755,854.2 is right.
* 001 (the same centre, 2021): the 三公 total and 公务接待费 say "−1,239.72" (2020's change,
  copied) where the figures differ by 3,370.79; its 2020 机关运行经费 1,972,032.53 is 2020's 公用支出,
  not the 1,581,000.41 the 2020 filing states.
* 004 (城管执法监察局, 2019 budget): 项目支出 26,536,298 in the prose, 2331.72万元 in its 表十一.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.loading import Loader
from kg.paths import SAMPLE_FILINGS_DIR
from kg.store import open_store
from kg.validation import validate_cross_filing, validate_filing, validate_store

BASE = "https://kg.example.org/filing/"
F2019 = BASE + "xicheng-government-services/2019-budget"  # 003
F2019_ENF = BASE + "xicheng-urban-management-enforcement/2019-budget"  # 004
F2020 = BASE + "xicheng-command-centre/2020-budget"  # 000
F2021 = BASE + "xicheng-command-centre/2021-budget"  # 001
F2024 = BASE + "xicheng-command-centre/2024-final"  # 002
ARITHMETIC = ("CodeTreeSum", "TableTotal", "RowParts", "RevenueEqualsExpenditure", "StatedChange",
              "StatedPercent", "StatedShare", "PartsSum", "FiguresAgree", "ProjectAgrees")


@pytest.fixture(scope="module")
def location(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("validation") / "kg-store")
    with open_store(path) as store:
        loader = Loader(store)
        loader.ensure_reference_graphs()
        results = list(loader.load_paths([SAMPLE_FILINGS_DIR]))
        assert [r.status for r in results] == ["loaded"] * 5
        assert all(r.findings for r in results)  # validated as they were loaded
    return path


@pytest.fixture(scope="module")
def findings(location):
    with open_store(location, read_only=True) as store:
        return validate_store(store)


def of(findings, filing, check=None, severity=None, line=None):
    return [f for f in findings if f.filing == filing and (check is None or f.check == check)
            and (severity is None or f.severity == severity) and (line is None or f.where.get("line") == line)]


def one(findings, filing, check, severity, line):
    hits = of(findings, filing, check, severity, line)
    assert len(hits) == 1, [(f.check, f.severity, f.where, f.message_en) for f in of(findings, filing)]
    return hits[0]


# -- 003: 政务服务办 2019 ------------------------------------------------------------------------

def test_003_revenue_and_expenditure_in_the_prose_disagree_with_the_tables(findings):
    for line in (27, 30):  # 收入预算 / 支出预算 51,157,480.90
        f = one(findings, F2019, "FiguresAgree", "Violation", line)
        assert f.values["stated"] == "51,157,480.90元" and f.values["difference"] == "1293300"
        assert "49,864,180.90元（表1" in f.values["others"]


def test_003_basic_plus_project_is_not_the_stated_total(findings):
    f = one(findings, F2019, "PartsSum", "Violation", 30)
    assert f.values["sum"] == "49864180.9" and f.values["stated"] == "51,157,480.90元" and f.values["difference"] == "1293300"
    assert "38,698,059.48元" in f.values["parts"] and "11,166,121.42元" in f.values["parts"]


def test_003_shares_are_of_the_table_total_not_the_stated_one(findings):
    assert one(findings, F2019, "StatedShare", "Violation", 31).values["computed"] == "21.827"  # printed 22.39
    assert one(findings, F2019, "StatedShare", "Violation", 33).values["computed"] == "75.645"  # printed 77.61


def test_003_malformed_figure_in_table_one(findings):
    f = one(findings, F2019, "MalformedAmount", "Violation", 91)
    assert f.values["printed"] == "498,64,180.90" and f.where == {"table": 1, "row": 90, "line": 91}


def test_003_table_eleven_prints_yuan_under_a_wanyuan_label(findings):
    slips = of(findings, F2019, "UnitSlip", "Violation")
    assert len(slips) == 1 and slips[0].where["table"] == 11 and slips[0].values["count"] == "3"
    assert "万元" in slips[0].message_zh and "万元" in slips[0].message_en


def test_003_tables_are_consistent_among_themselves(findings):
    """表一–表七 add up: tree sums, totals, basic + project per row, revenue = expenditure, and the
    三公 table agrees with the prose; its stated changes and percentages are right."""
    assert not [f for f in of(findings, F2019) if f.check.startswith(("CodeTreeSum", "TableTotal", "RowParts",
                                                                         "RevenueEqualsExpenditure", "StatedChange",
                                                                         "StatedPercent", "ProjectAgrees"))]
    agree = of(findings, F2019, "FiguresAgree")
    assert {f.where["line"] for f in agree} == {27, 30}  # only the two totals, not 基本/项目/三公


# -- 002: 城市管理指挥中心 2024 决算 --------------------------------------------------------------

def test_002_general_budget_revenue_exceeds_the_fiscal_revenue_it_is_part_of(findings):
    f = one(findings, F2024, "PartsSum", "Violation", 37)
    assert f.values["stated"] == "5474.79万元" and f.values["sum"] == "148649000" and "14864.9万元" in f.values["parts"]
    share = one(findings, F2024, "StatedShare", "Violation", 37)
    assert share.values["statedShare"] == "100" and share.values["computed"] == "271.5154"


def test_002_class_shares_off_in_the_last_digit_are_warnings(findings):
    warnings = of(findings, F2024, "StatedShareRounding", "Warning", 64)
    assert sorted(f.values["statedShare"] for f in warnings) == ["35.09", "8.97"]
    assert all(f.values["tolerance"] in f.message_en for f in warnings)
    assert not of(findings, F2024, "StatedShare", "Violation", 64)  # 43.76, 7.18, 5.0 are right


def test_002_fiscal_total_change_and_percentage_disagree(findings):
    f = one(findings, F2024, "StatedPercent", "Violation", 58)
    assert f.values["statedPercent"] == "4.8" and f.values["computed"] == "5.0444"


def test_002_reception_budget_change_and_project_payments(findings):
    assert one(findings, F2024, "StatedChange", "Violation", 127).values["computed"] == "-11000"
    payments = one(findings, F2024, "PartsSum", "Violation", 188)
    assert payments.values["difference"] == "2800" and payments.values["tolerance"] == "200"


def test_002_class_items_add_up_to_their_class(findings):
    health = [f for f in of(findings, F2024, "PartsSum", "Violation", 64)]
    assert [f.values["stated"] for f in health] == ["260.76万元"] and health[0].values["difference"] == "200"
    rounding = of(findings, F2024, "PartsSumRounding", "Warning", 64)
    assert sorted(f.values["stated"] for f in rounding) == ["375.02万元", "469.3万元"]


def test_002_hotline_windows_end_before_they_start(findings):
    """Lines 248, 250 and 252 give the year's hotline figures for 2024年2月1日-2024年1月31日 (248 twice,
    once with hours): the start year should be 2023. Nothing else in the samples is a reversed period."""
    f = one(findings, F2024, "DateOrder", "Violation", 248)  # one finding: the same period on three lines
    assert (f.values["start"], f.values["end"], f.values["also_at_lines"]) == ("2024-02-01", "2024-01-31", "250,252")
    assert "2024-02-01 to 2024-01-31" in f.message_en
    assert [f for f in findings if f.check == "DateOrder" and f.filing != F2024] == []


def test_002_has_no_tables(findings):
    assert of(findings, F2024, "NoTables", "Info")


# -- 000 and 001: 城管监督指挥中心 2020 and 2021 -----------------------------------------------------

def test_000_revenue_percentage_is_wrong_and_project_change_is_right(findings):
    f = one(findings, F2020, "StatedPercent", "Violation", 19)
    assert f.values["statedPercent"] == "42.13" and f.values["computed"] == "42.4132"
    assert not of(findings, F2020, "StatedChange")  # 37,376,709.35 − 18,620,855.15 = 18,755,854.2 as stated
    assert one(findings, F2020, "StatedPercentRounding", "Warning", 44).values["computed"] == "7.3292"
    assert of(findings, F2020, "NoTables", "Info")


def test_001_copied_three_public_change(findings):
    for line in (73, 77):  # 三公 total, 公务接待费 (the prior figure from 表七's 2020 column)
        f = one(findings, F2021, "StatedChange", "Violation", line)
        assert f.values["computed"] == "-3370.79" and f.values["statedChange"] == "-1239.72"


def test_001_tables_and_prose_agree(findings):
    assert not [f for f in of(findings, F2021) if f.check.startswith(ARITHMETIC) and f.check != "StatedChange"]


def test_004_project_expenditure_disagrees_with_its_performance_form(findings):
    f = one(findings, F2019_ENF, "FiguresAgree", "Violation", 18)
    assert f.values["stated"] == "26536298元" and "2331.72万元" in f.values["others"]
    assert one(findings, F2019_ENF, "PartsSumRounding", "Warning", 18).values["difference"] == "0.35"
    missing = {f.values["tableZh"] for f in of(findings, F2019_ENF, "MissingTable", "Info")}
    assert "一般公共预算“三公”经费支出情况表" in missing and len(missing) == 8


# -- across filings -------------------------------------------------------------------------------

def test_prior_year_figures_are_compared_with_the_same_organisations_filing(location):
    with open_store(location, read_only=True) as store:
        cross = validate_cross_filing(store)
    assert {(f.filing, f.where["line"], f.severity) for f in cross} == {(F2021, 82, "Violation"), (F2021, 77, "Violation")}
    operating = next(f for f in cross if f.where["line"] == 82)
    assert operating.values["item"] == "operating_cost" and operating.values["stated"] == "1972032.53元"
    assert operating.values["other_filing"] == F2020 and "1581000.41" in operating.values["others"]
    assert next(f for f in cross if f.where["line"] == 77).values["how"] == "implied"
    # 000 states 2019 figures, but the 2019 filings are other organisations' (政务服务办, 执法监察局)
    assert not [f for f in cross if f.filing == F2020 or f.values["other_filing"] in (F2019, F2019_ENF)]


def test_cross_filing_check_can_be_restricted(location):
    with open_store(location, read_only=True) as store:
        assert validate_cross_filing(store, [F2020]) == []
        assert len(validate_cross_filing(store, [F2021])) == 2


# -- on load, strict, CLI ------------------------------------------------------------------------------

def test_findings_are_stored_with_their_filing(location):
    query = """PREFIX kgo: <https://w3id.org/kg/ontology#> PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?g (COUNT(?f) AS ?n) WHERE { GRAPH ?g { ?f a kgo:Finding ; sh:resultSeverity sh:Violation } } GROUP BY ?g"""
    with open_store(location, read_only=True) as store:
        counts = {g.value: int(n.value) for g, n in store.select(query).rows}
        stored = validate_filing(store, F2019)  # stored findings are not themselves validated
    assert counts[F2019] == len([f for f in stored if f.severity == "Violation"])
    assert set(counts) == {F2019, F2019_ENF, F2020, F2021, F2024}


def test_strict_load_rejects_a_filing_with_violations_and_writes_nothing(tmp_path):
    with open_store(str(tmp_path / "s")) as store:
        loader = Loader(store, strict=True)
        result = loader.load_file(SAMPLE_FILINGS_DIR / "003_1a17e53dc63c4bde.txt")
        assert result.status == "rejected" and "violation" in result.reason and result.findings
        assert F2019 not in store.graphs()
        lax = Loader(store).load_file(SAMPLE_FILINGS_DIR / "003_1a17e53dc63c4bde.txt")
        assert lax.status == "loaded" and F2019 in store.graphs()
        again = Loader(store, strict=True).load_file(SAMPLE_FILINGS_DIR / "003_1a17e53dc63c4bde.txt")
        assert again.status == "rejected" and "already stored" in again.reason


def test_kg_validate_json_and_exit_codes(location):
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "--store", location, "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert set(doc) == {"conforms", "findings"} and doc["conforms"] is False
    assert all(set(f) == {"severity", "filing", "where", "message", "values"} for f in doc["findings"])
    assert all(set(f["where"]) == {"table", "row", "line"} and " / " in f["message"] for f in doc["findings"])
    one_filing = runner.invoke(main, ["validate", "--store", location, "--filing", "2020-budget", "--format", "text"])
    assert one_filing.exit_code == 1 and F2020 in one_filing.output and F2019 not in one_filing.output
    turtle = runner.invoke(main, ["validate", "--store", location, "--filing", F2020, "--format", "turtle"])
    assert "sh:ValidationReport" in turtle.output
    assert runner.invoke(main, ["validate", "--store", location, "--filing", "nope"]).exit_code == 2
    assert runner.invoke(main, ["validate", "--store", location, "--format", "xml"]).exit_code == 2
    reference = runner.invoke(main, ["validate", "--store", location, "--filing", "2020-budget", "--engine", "pyshacl"])
    assert reference.exit_code == 1 and reference.output == one_filing.output  # the same findings, word for word
    assert runner.invoke(main, ["validate", "--store", location, "--engine", "shaclex"]).exit_code == 2


def test_kg_load_strict_option(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "s")
    result = runner.invoke(main, ["load", "--strict", "--store", store, str(SAMPLE_FILINGS_DIR / "000_874f18751ad5cfa1.txt")])
    assert result.exit_code == 1 and "rejected" in result.output and "violation" in result.output
