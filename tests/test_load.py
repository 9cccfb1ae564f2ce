"""kg load on the five real sample filings: figures, organisations, provenance, idempotency, rejection."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.loading import Loader
from kg.paths import SAMPLE_FILINGS_DIR
from kg.store import open_store

PREFIX = "PREFIX kgo: <https://w3id.org/kg/ontology#>\n"
BASE = "https://kg.example.org/"
F2019 = BASE + "filing/xicheng-government-services/2019-budget"
F2019_ENF = BASE + "filing/xicheng-urban-management-enforcement/2019-budget"
F2020 = BASE + "filing/xicheng-command-centre/2020-budget"
F2021 = BASE + "filing/xicheng-command-centre/2021-budget"
F2024 = BASE + "filing/xicheng-command-centre/2024-final"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    location = tmp_path_factory.mktemp("store") / "kg-store"
    with open_store(str(location)) as s:
        loader = Loader(s)
        loader.ensure_reference_graphs()
        results = list(loader.load_paths([SAMPLE_FILINGS_DIR]))
        assert [r.status for r in results] == ["loaded"] * 5
        yield s


def amounts(store, where: str) -> list[Decimal]:
    rows = store.select(PREFIX + f"SELECT ?a WHERE {{ {where} }} ORDER BY ?a").rows
    return [Decimal(r[0].value) for r in rows]


def table_figure(store, graph, table, code, column):
    return amounts(store, f"""GRAPH <{graph}> {{ ?o kgo:table/kgo:tableNumber {table} ;
        kgo:functionalClass <https://w3id.org/kg/code/fn/{code}> ; kgo:column kgo:column\\/{column} ;
        kgo:amount ?a }}""")


def test_every_filing_attaches_to_its_organisation(store):
    rows = store.select(PREFIX + "SELECT ?g ?org WHERE { GRAPH ?g { ?g a kgo:Filing ; kgo:department ?org } } ORDER BY ?g").rows
    got = {r[0].value: r[1].value for r in rows}
    assert got == {
        F2020: BASE + "org/xicheng-command-centre",
        F2021: BASE + "org/xicheng-command-centre",  # named 全响应服务中心 / 区城管监督指挥中心 in 2021
        F2024: BASE + "org/xicheng-command-centre",
        F2019: BASE + "org/xicheng-government-services",
        F2019_ENF: BASE + "org/xicheng-urban-management-enforcement",
    }


def test_year_and_kind(store):
    rows = store.select(PREFIX + "SELECT ?g ?y ?k WHERE { GRAPH ?g { ?g kgo:fiscalYear ?y ; kgo:filingKind ?k } }").rows
    got = {r[0].value: (int(r[1].value), r[2].value.rsplit("#", 1)[1]) for r in rows}
    assert got[F2024] == (2024, "FinalAccounts")
    assert got[F2019] == (2019, "Budget")
    assert got[F2021] == (2021, "Budget")


def test_table_line_items(store):
    # 003 (2019) 表三: 2010301 行政运行, basic 7,103,694.51; 表二 类 201 total 39,907,982.30
    assert table_figure(store, F2019, 3, "2010301", "basic") == [Decimal("7103694.51")]
    assert table_figure(store, F2019, 2, "201", "total") == [Decimal("39907982.30")]
    # 001 (2021) 表五: 类 201 total 922,610.35
    assert table_figure(store, F2021, 5, "201", "total") == [Decimal("922610.35")]


def test_malformed_amount_is_kept_as_printed(store):
    rows = store.select(PREFIX + f"""PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?t ?line WHERE {{ GRAPH <{F2019}> {{
        ?o kgo:malformed true ; kgo:printedText ?t ; prov:wasDerivedFrom/kgo:line ?line }} }}""").rows
    assert [(r[0].value, int(r[1].value)) for r in rows] == [("498,64,180.90", 91)]
    assert not store.ask(PREFIX + f'ASK {{ GRAPH <{F2019}> {{ ?o kgo:amount 49864180.9 ; kgo:printedText "498,64,180.90" }} }}')


def test_prose_totals_and_prior_year_figures(store):
    # 003: 2019年收入预算51,157,480.90元 … 2018年收入预算48,742,538.72元
    assert Decimal("51157480.90") in amounts(store, f"GRAPH <{F2019}> {{ ?o kgo:item kgo:item\\/revenue_total ; kgo:phase kgo:Budget ; kgo:amount ?a }}")
    prior = store.select(PREFIX + f"""SELECT ?y ?a WHERE {{ GRAPH <{F2019}> {{ ?o kgo:item kgo:item\\/revenue_total ;
        kgo:phase kgo:PriorYearAsStated ; kgo:fiscalYear ?y ; kgo:amount ?a }} }}""").rows
    assert (2018, Decimal("48742538.72")) in [(int(r[0].value), Decimal(r[1].value)) for r in prior]
    # 000: 2020 revenue 64411756.96 vs 2019 45228772.39, stated +19182984.57 and 42.13%
    rows = store.select(PREFIX + f"""SELECT ?cur ?prior ?chg ?pct WHERE {{ GRAPH <{F2020}> {{
        ?c a kgo:Comparison ; kgo:item kgo:item\\/revenue_total ; kgo:current/kgo:amount ?cur ;
           kgo:prior/kgo:amount ?prior ; kgo:statedChange ?chg ; kgo:statedPercent ?pct }} }}""").rows
    assert (Decimal("64411756.96"), Decimal("45228772.39"), Decimal("19182984.57"), Decimal("42.13")) in [
        tuple(Decimal(t.value) for t in r) for r in rows]


def test_wanyuan_figures_are_in_yuan(store):
    # 002 (2024 决算): 本年收入合计5474.79万元 = 54,747,900 元
    rows = store.select(PREFIX + f"""SELECT ?a ?t ?u WHERE {{ GRAPH <{F2024}> {{ ?o kgo:item kgo:item\\/revenue_total ;
        kgo:phase kgo:FinalAccounts ; kgo:amount ?a ; kgo:printedText ?t ; kgo:printedUnit ?u }} }}""").rows
    assert (Decimal("54747900"), "5474.79", "万元") in [(Decimal(r[0].value), r[1].value, r[2].value) for r in rows]


def test_project_amount_from_prose(store):
    # 000: 12345市民服务热线西城分中心服务外包项目，安排预算资金9712000元
    rows = store.select(PREFIX + f"""PREFIX dct: <http://purl.org/dc/terms/>
        PREFIX obeu: <http://data.openbudgets.eu/ontology/dsd/dimension/>
        SELECT ?title ?a WHERE {{ GRAPH <{F2020}> {{ ?o obeu:project ?p ; kgo:amount ?a . ?p dct:title ?title }} }}""").rows
    assert ("12345市民服务热线西城分中心服务外包项目", Decimal("9712000")) in [(r[0].value, Decimal(r[1].value)) for r in rows]


def test_every_observation_has_a_source_line(store):
    missing = store.select(PREFIX + """PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?o WHERE { GRAPH ?g { ?o a kgo:Observation FILTER NOT EXISTS { ?o prov:wasDerivedFrom/kgo:line ?l } } }""").rows
    assert missing == []
    assert store.select(PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?o a kgo:Observation } }").rows[0][0].value != "0"


def test_personal_names_and_phones_are_not_in_the_graph(store):
    for text in ("柴丽敏", "82141581", "魏九红", "66527053"):
        assert not store.ask(f'ASK {{ GRAPH ?g {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), "{text}")) }} }}'), text


def test_load_is_idempotent_and_reencoded_copy_is_unchanged(tmp_path):
    location = str(tmp_path / "kg-store")
    runner = CliRunner()
    first = runner.invoke(main, ["load", "--store", location, str(SAMPLE_FILINGS_DIR)])
    assert first.exit_code == 0, first.output
    with open_store(location) as s:
        count = s.count()
    again = runner.invoke(main, ["load", "--store", location, str(SAMPLE_FILINGS_DIR)])
    assert "0 loaded, 0 replaced, 5 unchanged, 0 rejected" in again.output
    gb = tmp_path / "2020-gb18030.txt"
    gb.write_bytes((SAMPLE_FILINGS_DIR / "000_874f18751ad5cfa1.txt").read_text("utf-8").replace("\n", "\r\n").encode("gb18030"))
    copy = runner.invoke(main, ["load", "--store", location, str(gb)])
    assert copy.exit_code == 0 and copy.output.startswith("unchanged"), copy.output
    with open_store(location) as s:
        assert s.count() == count


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    ("这是一份普通的文本，不是预算。".encode("utf-8"), "not a budget filing"),
])
def test_bad_files_are_rejected_and_store_unchanged(tmp_path, content, message):
    location = str(tmp_path / "kg-store")
    runner = CliRunner()
    shutil.copy(SAMPLE_FILINGS_DIR / "000_874f18751ad5cfa1.txt", tmp_path / "good.txt")
    assert runner.invoke(main, ["load", "--store", location, str(tmp_path / "good.txt")]).exit_code == 0
    with open_store(location) as s:
        count = s.count()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = runner.invoke(main, ["load", "--store", location, str(bad)])
    assert result.exit_code == 1
    assert message in result.output and "bad.txt" in result.output
    assert "Traceback" not in result.output
    with open_store(location) as s:
        assert s.count() == count
