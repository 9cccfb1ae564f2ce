"""The named queries of queries/ on the five samples, their parameters and the CLI."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import QueryError
from kg.loading import Loader
from kg.named_queries import (
    KINDS,
    UnknownParameter,
    UnknownQuery,
    bind,
    bindings_for,
    get_query,
    list_queries,
    placeholder,
    resolve_organisation,
    resolve_project,
    resolve_theme,
    run_named,
)
from kg.namespaces import DEFAULT_BASE, THEME
from kg.paths import SAMPLE_FILINGS_DIR
from kg.store import open_store

BASE = DEFAULT_BASE
CENTRE = BASE + "org/xicheng-command-centre"
SERVICES = BASE + "org/xicheng-government-services"
REQUIRED = {"lineage", "duty-history", "money-by-theme", "project-history", "prior-year-check", "budget-overview"}


@pytest.fixture(scope="session")
def location(tmp_path_factory):
    path = tmp_path_factory.mktemp("queries") / "kg-store"
    with open_store(str(path)) as s:
        loader = Loader(s)
        loader.ensure_reference_graphs()
        assert all(r.ok for r in loader.load_paths([SAMPLE_FILINGS_DIR]))
    return str(path)


@pytest.fixture(scope="session")
def store(location):
    with open_store(location, read_only=True) as s:
        yield s


def table(result) -> list[dict]:
    return [{k: (v.value if v is not None else None) for k, v in zip(result.variables, row)} for row in result.rows]


def run(store, name, **params) -> list[dict]:
    return table(run_named(store, name, params))


# -- the library of queries ----------------------------------------------------------------------


def test_every_required_query_exists_with_a_header():
    queries = {q.name: q for q in list_queries()}
    assert REQUIRED <= set(queries)
    for q in queries.values():
        assert q.title and len(q.description) > 40, q.name
        for p in q.params:
            assert p.kind in KINDS and p.description, (q.name, p.name)


def test_every_parameter_has_a_placeholder():
    """Each parameter is bound through its ``VALUES ?name { UNDEF }`` placeholders."""
    for q in list_queries():
        for p in q.params:
            assert placeholder(p.name).search(q.text), (q.name, p.name)


def test_binding_fills_the_placeholders_with_serialised_terms():
    q = get_query("duty-history")
    odd = ox.Literal('x"} UNION { ?s ?p ?o } #', language="zh")
    text = bind(q, {"theme": ox.NamedNode(THEME + "hotline"), "org": odd})
    assert f"VALUES ?theme {{ <{THEME}hotline> }}" in text
    assert 'VALUES ?org { "x\\"} UNION { ?s ?p ?o } #"@zh }' in text  # escaped by pyoxigraph
    assert not placeholder("theme").search(text) and not placeholder("org").search(text)


@pytest.mark.parametrize("name", sorted(q.name for q in list_queries()))
def test_each_query_runs_with_its_defaults(store, name):
    assert run_named(store, name).rows


def test_lineage_reaches_the_hotline_transfer(store):
    got = run(store, "lineage", org="城市管理指挥中心")
    assert {r["org"] for r in got} == {CENTRE}
    stated = [r for r in got if r["type"] == "DutyTransfer" and r["basis"] == "stated by a filing"]
    assert len(stated) == 3  # the 2020, 2021 and 2024 filings each state it
    for r in stated:
        assert "政务服务管理办公室" in r["fromName"] and r["from"] == SERVICES and r["to"] == CENTRE
        assert r["what"] == "热线诉求办理职责"
        assert r["sourceSentence"].startswith("因机构改革职责调整及区政府热线并入市12345")
        assert r["source"].startswith(BASE + "filing/xicheng-command-centre/")
    # through 政务服务管理办公室 back to its own 2017 rename, stated with its legal basis
    rename = [r for r in got if r["when"] == "2017-08-07" and r["basis"] == "stated by a filing"]
    assert rename and rename[0]["legalBasis"] == "西编发〔2017〕15号"
    # curated events carry their sources and reasoning
    curated = {r["event"].rsplit("/", 1)[1]: r for r in got if r["basis"] == "curated"}
    assert {"command-centre-renamed-2019", "command-centre-renamed-by-2024", "hotline-management-centre-moved"} <= set(curated)
    assert curated["command-centre-renamed-by-2024"]["when"] == "2021–2024"
    assert curated["command-centre-renamed-2019"]["reasoning"]


def test_lineage_does_not_depend_on_the_name_used(store):
    names = ["城市管理指挥中心", "全响应服务中心", "区城管监督指挥中心", CENTRE, "xicheng-command-centre",
             "Xicheng District City Management Command Centre, Beijing"]
    results = [run(store, "lineage", org=n) for n in names]
    assert all(r == results[0] for r in results)


def test_duty_history_follows_the_hotline(store):
    got = run(store, "duty-history", theme="hotline")
    by_year: dict[int, set] = {}
    for r in got:
        by_year.setdefault(int(r["year"]), set()).add((r["org"], r["name"]))
    assert by_year[2019] == {(SERVICES, "北京市西城区政务服务管理办公室")}
    assert by_year[2020] == {(CENTRE, "西城区城市管理监督指挥中心")}
    assert by_year[2021] == {(CENTRE, "北京市西城区全响应服务中心")}
    assert by_year[2024] == {(CENTRE, "北京市西城区城市管理指挥中心")}
    first_2024 = next(r for r in got if r["year"] == "2024" and r["order"] == "1")
    assert first_2024["text"].startswith("承担西城区市民服务热线") and "热线" in first_2024["keywords"]
    only = run(store, "duty-history", theme="接诉即办", org="政务服务管理办公室")
    assert {r["year"] for r in only} == {"2019"}


def test_money_by_theme_gives_the_stated_yuan(store):
    got = run(store, "money-by-theme", theme="政府热线与接诉即办")
    money = {(int(r["year"]), r["phase"], r["title"]): Decimal(r["amount"]) for r in got}
    # 2019: 表九 部门预算明细表 line 1869 (21,000,000.00) and 表十二 line 2435 (2100万元): counted once
    contract = [v for (y, _, t), v in money.items() if y == 2019 and "12341政府服务热线建设服务" in t]
    assert contract == [Decimal(21000000)]
    # 2020: prose, 三、主要支出情况 item 3 (line 28)
    assert money[(2020, "budget", "12345市民服务热线西城分中心服务外包项目")] == Decimal(9712000)
    # 2024 决算: evaluation report, 项目整体预算1247.34万元 (line 188)
    assert money[(2024, "final accounts", "12345市民热线西城分中心服务项目")] == Decimal(12473400)
    totals = {(int(r["year"]), r["phase"]): Decimal(r["total"]) for r in got}
    assert totals[(2020, "budget")] == Decimal(9712000)
    for (year, phase), total in totals.items():  # each total is the sum of its rows
        assert total == sum(v for (y, p, _), v in money.items() if (y, p) == (year, phase))
    assert {r["org"] for r in got if r["year"] == "2019"} == {SERVICES}
    assert not run(store, "money-by-theme", theme="hotline", org="城管执法监察局")


def test_project_history_links_the_12345_outsourcing(store):
    got = run(store, "project-history", project="12345市民服务热线西城分中心服务外包项目")
    years = {(int(r["year"]), r["title"]) for r in got}
    assert {(2020, "12345市民服务热线西城分中心服务外包项目"), (2021, "12345市民热线西城分中心热线服务项目经费"),
            (2021, "12345热线西城分中心服务外包项目以前年度余款"), (2024, "12345市民热线西城分中心服务项目")} <= years
    links = {(int(r["year"]), r["title"]): r for r in got}
    into_2020 = links[(2020, "12345市民服务热线西城分中心服务外包项目")]
    assert into_2020["link"] == "continuedBy" and into_2020["inferred"] == "true"
    assert into_2020["fromYear"] == "2019" and "12341" in into_2020["fromTitle"]
    assert "moved from" in into_2020["reasoning"]
    assert links[(2024, "12345市民热线西城分中心服务项目")]["fromYear"] == "2021"
    # any project of the series gives the same history
    other = run(store, "project-history", project="12345市民热线西城分中心服务项目")
    drop = lambda rows: [{k: v for k, v in r.items() if k != "project"} for r in rows]
    assert drop(other) == drop(got)
    exact = run(store, "project-history", project="城市治理大数据平台建设一期项目尾款")
    assert {r["link"] for r in exact if r["link"]} == {"sameProjectAs"} and {r["year"] for r in exact} == {"2020", "2021"}


def test_prior_year_check(store):
    got = run(store, "prior-year-check", org="全响应服务中心", year="2021")
    verdicts = {r["item"].rsplit("/", 1)[1]: (r["verdict"], r["statedPrior"], r["previousStated"]) for r in got}
    assert verdicts["revenue_total"] == ("agrees", "64411756.96", "64411756.96")
    # 2021 says 2020's operating cost was 1,972,032.53; the 2020 filing itself says 1,581,000.41
    assert verdicts["operating_cost"] == ("differs", "1972032.53", "1581000.41")
    unchecked = run(store, "prior-year-check", org="城市管理指挥中心", year="2020")
    assert unchecked and {r["verdict"] for r in unchecked} == {"unchecked"}  # no 2019 filing of the centre


def test_budget_overview(store):
    got = run(store, "budget-overview", org="城市管理指挥中心")
    by_year = {int(r["year"]): r for r in got}
    assert sorted(by_year) == [2020, 2021, 2024]
    assert by_year[2020]["revenue"] == "64411756.96" and by_year[2020]["name"] == "西城区城市管理监督指挥中心"
    assert by_year[2024]["phase"] == "final accounts" and by_year[2024]["revenue"] == "54747900"


# -- parameters ----------------------------------------------------------------------------------


def test_resolution_by_iri_code_and_label(store):
    hotline = ox.NamedNode(THEME + "hotline")
    for value in ("hotline", THEME + "hotline", "政府热线与接诉即办", "GOVERNMENT HOTLINE", "12345热线"):
        assert resolve_theme(store, value) == hotline, value
    for value in ("政务服务管理办公室", "区政务服务办", "北京市西城区政务服务管理局", "xicheng-government-services",
                  "Xicheng District Government Services Administration, Beijing", "北京市西城区 政务服务管理办公室"):
        assert resolve_organisation(store, value).value == SERVICES, value
    assert resolve_project(store, "西城区城市治理大数据平台建设一期项目尾款").value.startswith(BASE + "filing/xicheng-command-centre/2020")
    with pytest.raises(QueryError, match="no organisation called"):
        resolve_organisation(store, "不存在的单位")
    with pytest.raises(QueryError, match="not in the store"):
        resolve_organisation(store, "https://example.org/nothing")


@pytest.mark.parametrize("value", ['a"} UNION { ?s ?p ?o } #', "x' . } ; DROP ALL ; {", "<https://x> } {", "热线\\\"}"])
def test_a_value_is_only_ever_a_value(store, value):
    query = get_query("duty-history")
    with pytest.raises(QueryError) as caught:
        bindings_for(store, query, {"theme": value})
    assert "syntax" not in str(caught.value).lower()
    with pytest.raises(QueryError) as caught:
        bindings_for(store, get_query("lineage"), {"org": value})
    assert "syntax" not in str(caught.value).lower()


def test_a_name_with_quotes_and_braces_resolves_as_itself(tmp_path):
    """An organisation literally called 'a"} UNION { ?s ?p ?o } #' is found and queried like any other."""
    odd = 'a"} UNION { ?s ?p ?o } #'
    node = ox.NamedNode("https://example.org/odd-org")
    with open_store(str(tmp_path / "odd")) as s:
        s.replace_graph("https://example.org/test-odd-name", [
            ox.Triple(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("http://www.w3.org/ns/org#Organization")),
            ox.Triple(node, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal(odd, language="zh"))])
        assert resolve_organisation(s, odd) == node
        assert run_named(s, "lineage", {"org": odd}).rows == []
        assert run_named(s, "budget-overview", {"org": odd}).rows == []


def test_unknown_query_and_parameters(store):
    with pytest.raises(UnknownQuery, match="no named query 'nope'"):
        run_named(store, "nope")
    with pytest.raises(UnknownQuery):
        get_query("../queries/lineage")
    with pytest.raises(UnknownParameter, match="has no parameter 'colour'"):
        run_named(store, "lineage", {"colour": "red"})
    with pytest.raises(QueryError, match="not a year"):
        run_named(store, "prior-year-check", {"year": "2021 } {"})


# -- the command line ------------------------------------------------------------------------------


def cli(*args):
    return CliRunner().invoke(main, list(args))


def test_kg_queries_lists_names_descriptions_and_parameters():
    result = cli("queries")
    assert result.exit_code == 0
    for name in REQUIRED:
        assert name in result.output
    assert "--param theme=… = hotline" in result.output and "(optional)" in result.output
    as_json = cli("queries", "--format", "json")
    assert as_json.exit_code == 0 and '"name": "lineage"' in as_json.output


def test_kg_query_by_name(location):
    result = cli("query", "money-by-theme", "--store", location, "--param", "theme=hotline", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "12473400" in result.output and result.output.startswith("theme,year,phase,org")
    assert cli("query", "lineage", "--store", location, "-p", "org=全响应服务中心", "--format", "json").exit_code == 0


def test_kg_query_errors_are_messages(location):
    for args, code, message in [
        (("query", "nope", "--store", location), 2, "no named query 'nope'"),
        (("query", "lineage", "--store", location, "--param", "colour=red"), 2, "has no parameter 'colour'"),
        (("query", "lineage", "--store", location, "--param", "org"), 2, "KEY=VALUE"),
        (("query", "lineage", "--store", location, "--param", 'org=a"} {'), 1, "no organisation called"),
        (("query", "--sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "--param", "a=b", "--store", location), 2, "--param is for named queries"),
    ]:
        result = cli(*args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output


def test_files_and_sparql_still_work(location, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/kg/ontology#Filing> }", "utf-8")
    result = cli("query", str(rq), "--store", location, "--format", "csv")
    assert result.exit_code == 0 and result.output.split() == ["n", "5"]
    # a named query's file is plain SPARQL too: its placeholders left UNDEF range over everything
    result = cli("query", str(get_query("duty-history").path), "--store", location, "--format", "csv")
    assert result.exit_code == 0 and "城市管理指挥中心" in result.output and "执法" in result.output
    result = cli("query", "--sparql", "ASK { ?s ?p ?o }", "--store", location)
    assert result.exit_code == 0 and result.output.strip() == "true"
