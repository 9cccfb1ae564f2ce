"""Lineage on the five samples: restructuring events as mapped, the curated event register,
duty themes, and the derived links between projects of different filings."""

from __future__ import annotations

import doctest
from collections import defaultdict

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

import kg.projects
import kg.themes
from kg.links import CROSS_ORG_MIN, LINKS_GRAPH, Project, Transfer, compute_links
from kg.loading import Loader
from kg.namespaces import DEFAULT_BASE, KGO, THEME
from kg.paths import ONTOLOGY_DIR, SAMPLE_FILINGS_DIR
from kg.projects import project_key, similarity
from kg.store import open_store
from kg.themes import ThemeRules, theme_triples

BASE = DEFAULT_BASE
CENTRE = BASE + "org/xicheng-command-centre"
SERVICES = BASE + "org/xicheng-government-services"
F2019 = BASE + "filing/xicheng-government-services/2019-budget"
F2020 = BASE + "filing/xicheng-command-centre/2020-budget"
F2021 = BASE + "filing/xicheng-command-centre/2021-budget"
F2024 = BASE + "filing/xicheng-command-centre/2024-final"
PREFIX = """PREFIX kgo: <https://w3id.org/kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
KG = Namespace(KGO)


@pytest.fixture(scope="session")
def store(tmp_path_factory):
    location = tmp_path_factory.mktemp("lineage") / "kg-store"
    with open_store(str(location)) as s:
        loader = Loader(s)
        loader.ensure_reference_graphs()
        results = list(loader.load_paths([SAMPLE_FILINGS_DIR]))
        assert all(r.ok for r in results)
        yield s


def rows(store, query: str) -> list[tuple]:
    return [tuple(t.value if t is not None else None for t in r) for r in store.select(PREFIX + query).rows]


# -- restructuring events as the filings state them ----------------------------------------------


def test_the_2017_rename_with_its_legal_basis_and_date(store):
    got = rows(store, f"""SELECT ?from ?to ?old ?new ?date ?basis ?sentence WHERE {{ GRAPH <{F2019}> {{
        ?e a kgo:Rename ; org:originalOrganization ?from ; org:resultingOrganization ?to ; kgo:oldName ?old ;
           kgo:newName ?new ; kgo:eventDate ?date ; kgo:legalBasis ?basis ; kgo:sourceSentence ?sentence }} }}""")
    assert len(got) == 1
    frm, to, old, new, date, basis, sentence = got[0]
    assert frm == to == SERVICES  # one body, renamed
    assert (old, new) == ("北京市西城区综合行政服务中心", "北京市西城区政务服务管理办公室")
    assert date == "2017-08-07" and basis == "西编发〔2017〕15号"
    assert sentence.startswith("根据西编发〔2017〕15号")


@pytest.mark.parametrize("filing, line", [(F2020, 5), (F2021, 40), (F2024, 9)])
def test_the_hotline_duty_transfer_in_each_command_centre_filing(store, filing, line):
    got = rows(store, f"""SELECT ?e ?from ?to ?duty ?fromName ?sentence ?line ?theme WHERE {{ GRAPH <{filing}> {{
        ?e a kgo:DutyTransfer ; org:originalOrganization ?from ; org:resultingOrganization ?to ; kgo:duty ?duty ;
           kgo:originalName ?fromName ; kgo:sourceSentence ?sentence ; prov:wasDerivedFrom/kgo:line ?line ;
           kgo:theme ?theme }} }}""")
    assert len(got) == 1
    _, frm, to, duty, from_name, sentence, got_line, theme = got[0]
    assert (frm, to, duty, int(got_line)) == (SERVICES, CENTRE, "热线诉求办理职责", line)
    assert from_name == "区政务服务管理办公室" and "热线诉求办理职责划转至" in sentence
    assert theme == THEME + "hotline"


def test_two_events_on_one_line_are_two_nodes(store):
    """The same sentence states the transfer and 区政府热线并入市12345: two events, one type each."""
    got = rows(store, f"""SELECT ?e ?t WHERE {{ GRAPH <{F2020}> {{
        ?e a org:ChangeEvent ; a ?t FILTER(?t != org:ChangeEvent) }} }}""")
    assert len({e for e, _ in got}) == 2
    assert sorted(t.rsplit("#", 1)[1] for _, t in got) == ["DutyTransfer", "Merger"]


def test_org_change_links_point_the_way_org_defines_them(store):
    """org:changedBy is the inverse of org:originalOrganization, org:resultedFrom of org:resultingOrganization."""
    assert store.ask(PREFIX + f"""ASK {{ GRAPH <{F2020}> {{ <{SERVICES}> org:changedBy ?e . ?e a kgo:DutyTransfer }} }}""")
    assert store.ask(PREFIX + f"""ASK {{ GRAPH <{F2020}> {{ <{CENTRE}> org:resultedFrom ?e . ?e a kgo:DutyTransfer }} }}""")
    assert not store.ask(PREFIX + f"""ASK {{ GRAPH <{F2020}> {{ <{CENTRE}> org:changedBy ?e . ?e a kgo:DutyTransfer }} }}""")


def test_filings_carry_the_name_they_use(store):
    got = dict(rows(store, "SELECT ?f ?n WHERE { ?f a kgo:Filing ; kgo:departmentName ?n }"))
    assert got[F2020] == "西城区城市管理监督指挥中心"
    assert got[F2021] == "北京市西城区全响应服务中心"
    assert got[F2024] == "北京市西城区城市管理指挥中心"
    assert got[F2019] == "北京市西城区政务服务管理办公室"


def test_subordinate_units_are_year_scoped(store):
    hotline_centre = BASE + "org/xicheng-hotline-management-centre"
    got = rows(store, f"""SELECT ?g ?parent WHERE {{ GRAPH ?g {{ ?parent org:hasSubOrganization <{hotline_centre}> }}
        FILTER(STRSTARTS(STR(?g), "{BASE}filing/")) }} ORDER BY ?g""")
    assert got == [(F2024, CENTRE), (F2019, SERVICES)]


# -- the curated register -----------------------------------------------------------------------


def _ttl(name: str) -> Graph:
    return Graph().parse(ONTOLOGY_DIR / name, format="turtle", publicID=BASE)


def test_every_curated_event_has_a_source_or_reasoning():
    g = _ttl("events.ttl")
    events = {s for s in g.subjects() if str(s).startswith(BASE + "event/")}
    assert len(events) >= 7
    for e in events:
        assert (e, URIRef("http://purl.org/dc/terms/source"), None) in g or (e, KG.reasoning, None) in g, e
        assert (e, KG.reasoning, None) in g, e


def test_curated_events_cover_the_names_and_moves_the_filings_imply():
    g = _ttl("events.ttl")
    ev = lambda local: URIRef(BASE + "event/" + local)
    assert g.value(ev("command-centre-renamed-2019"), KG.newName) == Literal("北京市西城区全响应服务中心", lang="zh")
    assert g.value(ev("command-centre-renamed-by-2024"), KG.newName) == Literal("北京市西城区城市管理指挥中心", lang="zh")
    assert str(g.value(ev("command-centre-renamed-by-2024"), KG.notBefore)) == "2021"
    assert g.value(ev("government-services-renamed-by-2023"), KG.newName) == Literal("北京市西城区政务服务管理局", lang="zh")
    assert g.value(ev("beijing-hotline-centre-renamed-2019"), KG.legalBasis) == Literal("京编办事〔2019〕125号", lang="zh")
    moved = ev("hotline-management-centre-moved")
    assert (moved, RDF.type, KG.UnitTransfer) in g
    assert g.value(moved, KG.previousParent) == URIRef(SERVICES)
    assert g.value(moved, KG.newParent) == URIRef(CENTRE)


def test_events_and_register_never_disagree():
    """Both files describe some events; where they do, single-valued statements agree."""
    single = [KG.oldName, KG.newName, KG.eventDate, KG.legalBasis, URIRef("http://www.w3.org/ns/org#originalOrganization"),
              URIRef("http://www.w3.org/ns/org#resultingOrganization"), RDF.type]
    both = _ttl("events.ttl") + _ttl("organisations.ttl")
    for event in {s for s in both.subjects() if str(s).startswith(BASE + "event/")}:
        for p in single:
            values = set(both.objects(event, p))
            assert len(values) <= 1, (event, p, values)
        for lang in ("zh", "en"):
            labels = {o for o in both.objects(event, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) if o.language == lang}
            assert len(labels) <= 1, (event, labels)


def test_curated_terms_are_declared():
    declared = {str(s) for s in _ttl("kg.ttl").subjects(RDF.type, None) if str(s).startswith(KGO)}
    used = set()
    for name in ("events.ttl", "themes.ttl"):
        for triple in _ttl(name):
            used |= {str(t) for t in triple if isinstance(t, URIRef) and str(t).startswith(KGO)}
    assert sorted(used - declared) == []


# -- duty themes ----------------------------------------------------------------------------------


def test_theme_scheme_is_complete():
    g = _ttl("themes.ttl")
    scheme = URIRef(THEME)
    concepts = set(g.objects(scheme, SKOS.hasTopConcept))
    assert {URIRef(THEME + t) for t in ("hotline", "city-management-supervision", "city-brain",
                                        "government-services", "enforcement")} <= concepts
    keywords = defaultdict(set)
    for c in concepts:
        assert (c, SKOS.inScheme, scheme) in g and (c, SKOS.topConceptOf, scheme) in g
        for p in (SKOS.prefLabel, SKOS.definition):
            assert {o.language for o in g.objects(c, p)} == {"zh", "en"}, (c, p)
        assert str(g.value(c, SKOS.notation)) == str(c)[len(THEME):]
        hidden = list(g.objects(c, SKOS.hiddenLabel))
        assert hidden and all(h.language == "zh" for h in hidden), c
        for h in hidden:
            keywords[str(h)].add(c)
    assert {k: v for k, v in keywords.items() if len(v) > 1} == {}, "a keyword belongs to one theme only"


def test_classification_reads_only_the_rules_file():
    rules = ThemeRules.load()
    assert "热线" in rules.keywords[THEME + "hotline"]
    # the rules are data: a made-up scheme classifies by its own keywords
    custom = ThemeRules.from_keywords({THEME + "x": ["井盖"]})
    assert custom.classify("智能井盖 状态监测") == [(THEME + "x", ["井盖"])]
    assert custom.classify("负责政府热线工作") == []
    # full-width digits and line-wrap spaces still match
    assert rules.classify("１２３４５市民热线 西城分中心")[0][0] == THEME + "hotline"


def test_theme_triples_are_deterministic():
    import pyoxigraph as ox

    duty = ox.NamedNode(BASE + "d")
    triples = [ox.Triple(duty, ox.NamedNode(str(RDF.type)), ox.NamedNode(KGO + "Duty")),
               ox.Triple(duty, ox.NamedNode(KGO + "text"), ox.Literal("负责政府热线和城市大脑建设", language="zh"))]
    first = theme_triples(triples)
    assert first == theme_triples(list(reversed(triples)))
    assert {t.object.value for t in first if t.predicate.value == KGO + "theme"} == {THEME + "hotline", THEME + "city-brain"}


def test_duties_are_classified_on_load(store):
    got = rows(store, """SELECT ?f ?order ?theme ?kw WHERE { ?d a kgo:Duty ; kgo:filing ?f ; kgo:order ?order ;
        kgo:theme ?theme ; kgo:matchedKeyword ?kw . ?theme skos:hiddenLabel ?kw }""")
    themes = defaultdict(set)
    for f, order, theme, _ in got:
        themes[(f, int(order))].add(theme[len(THEME):])
    assert "hotline" in themes[(F2019, 6)]  # 负责西城区政府热线（非紧急救助中心）的建设…
    assert "hotline" in themes[(F2020, 2)] and "city-brain" in themes[(F2020, 3)]
    assert "hotline" in themes[(F2024, 1)]
    assert (F2020, 8) not in themes  # 完成区政府交办的其他任务: no theme
    enforcement = BASE + "filing/xicheng-urban-management-enforcement/2019-budget"
    assert "enforcement" in themes[(enforcement, 5)]


# -- projects and the links between them ------------------------------------------------------------


def test_project_keys_and_similarity():
    assert doctest.testmod(kg.projects).failed == 0
    assert doctest.testmod(kg.themes).failed == 0
    assert project_key("12345热线西城分中心服务外包项目以前年度余款") == "12345热线西城分中心服务外包"
    assert project_key("西城区城市治理大数据平台建设一期项目尾款") == project_key("城市治理大数据平台建设一期项目尾款")
    assert similarity("12341政府服务热线建设项目经费", "12345市民服务热线西城分中心服务外包项目") >= CROSS_ORG_MIN
    assert similarity("法律服务与热线分析", "12345市民服务热线西城分中心服务外包项目") < CROSS_ORG_MIN


def _p(iri, title, org, year, *themes):
    return Project(iri, title, org, year, f"f/{org}/{year}", frozenset(THEME + t for t in themes))


def test_compute_links_rules():
    projects = [
        _p("a19", "12341政府服务热线建设项目经费", "A", 2019, "hotline"),
        _p("x19", "法律服务与热线分析", "A", 2019, "hotline", "legal"),
        _p("b20", "12345市民服务热线西城分中心服务外包项目", "B", 2020, "hotline"),
        _p("w20", "工作经费", "B", 2020),
        _p("w21", "工作经费", "B", 2021),
        _p("b21", "12345市民热线西城分中心热线服务项目经费", "B", 2021, "hotline"),
        _p("b24", "12345市民热线西城分中心服务项目", "B", 2024, "hotline"),
        _p("c20", "工作经费", "C", 2020),  # same title, another organisation: not the same project
    ]
    transfer = Transfer("e", "A", "B", THEME + "hotline", 2020)
    result = compute_links(projects, [transfer])
    links = {(l.subject, l.predicate.rsplit("#")[1], l.object): l for l in result.links}
    assert ("w20", "sameProjectAs", "w21") in links and not links[("w20", "sameProjectAs", "w21")].inferred
    assert ("b20", "continuedBy", "b21") in links and ("b21", "continuedBy", "b24") in links
    cross = links[("a19", "continuedBy", "b20")]
    assert cross.inferred and cross.event == "e" and "moved from <A> to <B>" in cross.reasoning
    assert not any(s == "x19" for s, _, _ in links)
    assert result.series["a19"] == result.series["b20"] == result.series["b24"] == "a19"
    assert result.series["c20"] == "c20" and result.series["w21"] == "w20"
    # without the transfer nothing crosses organisations
    assert all(l.subject != "a19" for l in compute_links(projects, []).links)


def test_links_graph_on_the_samples(store):
    assert LINKS_GRAPH in store.graphs()
    got = rows(store, f"""SELECT ?ya ?ta ?p ?yb ?tb ?inferred ?event WHERE {{ GRAPH <{LINKS_GRAPH}> {{
        ?s rdf:subject ?a ; rdf:predicate ?p ; rdf:object ?b ; kgo:inferred ?inferred ; kgo:reasoning ?why .
        OPTIONAL {{ ?s prov:wasDerivedFrom ?event }} }}
        ?a dct:title ?ta ; kgo:fiscalYear ?ya . ?b dct:title ?tb ; kgo:fiscalYear ?yb }}""")
    by_pair = {(int(ya), ta, int(yb), tb): (p.rsplit("#", 1)[1], inferred, event) for ya, ta, p, yb, tb, inferred, event in got}
    assert by_pair[(2020, "西城区城市治理大数据平台建设一期项目尾款", 2021, "西城区城市治理大数据平台建设一期项目尾款")][:2] == ("sameProjectAs", "false")
    kind, inferred, event = by_pair[(2019, "2018年12341政府服务热线建设服务项目承包款", 2020, "12345市民服务热线西城分中心服务外包项目")]
    assert (kind, inferred) == ("continuedBy", "true") and "/event" in event
    assert by_pair[(2021, "12345市民热线西城分中心热线服务项目经费", 2024, "12345市民热线西城分中心服务项目")][:2] == ("continuedBy", "true")


def test_hotline_projects_share_one_series(store):
    got = rows(store, """SELECT ?y ?t ?series WHERE { ?p a kgo:Project ; dct:title ?t ; kgo:fiscalYear ?y ; kgo:inSeries ?series }""")
    series = {(int(y), t): s for y, t, s in got}
    one = series[(2020, "12345市民服务热线西城分中心服务外包项目")]
    assert series[(2021, "12345市民热线西城分中心热线服务项目经费")] == one
    assert series[(2024, "12345市民热线西城分中心服务项目")] == one
    assert series[(2019, "2018年12341政府服务热线建设服务项目承包款")] == one
    assert series[(2020, "工作经费")] != one


def test_a_reload_changes_nothing(store):
    before = store.count(LINKS_GRAPH)
    loader = Loader(store)
    results = list(loader.load_paths([SAMPLE_FILINGS_DIR]))
    assert {r.status for r in results} == {"unchanged"}
    assert not loader.changed and store.count(LINKS_GRAPH) == before
