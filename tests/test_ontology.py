"""The ontology files: they parse, every kgo: term is labelled and declared, and the
classification schemes built from the filings have the right shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.model import Cell, Column, Filing, Row, Table
from kg.namespaces import CODE, DEFAULT_BASE, KGO
from kg.parsing import parse_file
from kg.paths import ONTOLOGY_DIR, ROOT, SAMPLE_FILINGS_DIR
from kg.vocab import build_classification, code_names

TTL_FILES = sorted(ONTOLOGY_DIR.glob("*.ttl"))


def load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=DEFAULT_BASE)


@pytest.fixture(scope="module")
def kg_ttl() -> Graph:
    return load(ONTOLOGY_DIR / "kg.ttl")


@pytest.fixture(scope="module")
def declared(kg_ttl) -> set[str]:
    return {str(s) for s in kg_ttl.subjects(RDF.type, None) if str(s).startswith(KGO)}


def test_expected_files_exist():
    names = {p.name for p in TTL_FILES}
    assert {"kg.ttl", "organisations.ttl", "classification.ttl"} <= names


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_parses_with_rdflib(path):
    assert len(load(path)) > 0


def _langs(g: Graph, s, p) -> set[str]:
    return {o.language for o in g.objects(s, p) if isinstance(o, Literal)}


def test_every_kgo_term_is_labelled_and_defined(kg_ttl, declared):
    problems = []
    for term in sorted(declared):
        s = URIRef(term)
        for p, what in ((RDFS.label, "rdfs:label"), (RDFS.comment, "rdfs:comment")):
            missing = {"zh", "en"} - _langs(kg_ttl, s, p)
            if missing:
                problems.append(f"{term}: {what} lacks {sorted(missing)}")
    assert not problems, "\n".join(problems)


def test_terms_the_mapper_relies_on_are_declared(declared):
    required = """Filing SourceLocation Observation StaffingObservation Comparison StatedFact Duty Project
        Table Phase Column Item Rename Merger DutyTransfer Establishment Abolition Finding Budget FinalAccounts
        PriorYearAsStated columns items fiscalYear phase organization direction functionalClass economicClass
        column item amount printedText printedUnit malformed headcount staffCategory filing sourceFile sha256
        tableNumber rowLine line filingKind department current prior statedChange statedPercent reason
        factKind text order heldBy theme budgetUnitCode nameUsed unresolvedName oldName newName duty
        legalBasis eventDate sourceSentence""".split()
    required += [f"column/{k}" for k in "total basic project personnel public revenue expenditure fiscal amount".split()]
    required += [f"item/{k}" for k in """revenue_total expenditure_total fiscal_appropriation revenue_item
        expenditure_item basic_expenditure project_expenditure personnel_expenditure public_expenditure
        three_public_total three_public_abroad three_public_reception three_public_vehicle operating_cost
        procurement purchased_services fixed_assets final_vs_budget spending_by_class major_project
        performance_target department_target""".split()]
    assert sorted(KGO + t for t in required if KGO + t not in declared) == []


def test_no_dangling_kgo_references(declared):
    """Every kgo: IRI used anywhere in ontology/*.ttl is declared in kg.ttl."""
    used = set()
    for path in TTL_FILES:
        for triple in load(path):
            used |= {str(t) for t in triple if isinstance(t, URIRef) and str(t).startswith(KGO)}
    assert sorted(used - declared) == []


def test_code_uses_only_declared_terms(declared):
    """kgo("…") and KGO + "…" with a literal name in kg/*.py name declared terms."""
    pattern = re.compile(r"""(?:\bkgo\(|KGO \+ )["']([A-Za-z_][\w/]*)["']""")
    used = {KGO + m for path in (ROOT / "kg").rglob("*.py") for m in pattern.findall(path.read_text("utf-8"))
            if not m.endswith("/")}  # KGO + "item/" is a prefix for building names, not a term
    assert sorted(used - declared) == []


def test_schemes_are_consistent(kg_ttl):
    for scheme in kg_ttl.subjects(RDF.type, SKOS.ConceptScheme):
        for top in kg_ttl.objects(scheme, SKOS.hasTopConcept):
            assert (top, SKOS.inScheme, scheme) in kg_ttl, (scheme, top)
            assert (top, SKOS.topConceptOf, scheme) in kg_ttl, (scheme, top)
    for top, scheme in kg_ttl.subject_objects(SKOS.topConceptOf):
        assert (top, SKOS.inScheme, scheme) in kg_ttl, (scheme, top)


# --- classification --------------------------------------------------------------------------


def _row(line: int, *cells: tuple[str, str], code: str | None = None, name: str | None = None) -> Row:
    return Row(line=line, cells=[Cell(text, line, kind) for kind, text in cells], code=code, name=name,
               level={3: 1, 5: 2, 7: 3}.get(len(code or ""), 0))


def _filing(year: int, rows: list[Row], columns: list[Column] | None = None) -> Filing:
    table = Table(number=2, title="部门收入总体情况表", line=1, columns=columns or [], rows=rows)
    return Filing(path=f"f{year}.txt", sha256="0", encoding="utf-8", year=year, kind="budget",
                  department="x", tables=[table])


def concept(scheme: str, code: str) -> URIRef:
    return URIRef(f"{CODE}{scheme}/{code}")


def test_build_classification_from_hand_built_rows():
    f2019 = _filing(2019, [
        _row(1, ("code", "210"), ("name", "卫生健康支出"), code="210"),
        _row(2, ("code", "2101101"), ("name", "行政单位医疗"), code="2101101"),
        _row(3, ("code", "30101"), ("name", "基本工资"), ("code", "50101"), ("name", "工资奖金津补贴"), code="30101"),
    ])
    f2021 = _filing(2021, [
        _row(4, ("code", "210"), ("name", "医疗卫生与计划生育支出"), code="210"),
        _row(5, ("code", "  210"), ("name", "  卫生健康支出 "), code="210"),  # same name, padded
        _row(6, ("code", "295001"), ("name", "北京市西城区全响应服务中心")),  # a budget unit, not a code
        _row(7, ("text", "2120199其他城乡社区管理事务支出")),
    ])
    g = build_classification([f2021, f2019])  # order given does not matter: by year
    fn210 = concept("fn", "210")
    assert g.value(fn210, SKOS.prefLabel) == Literal("卫生健康支出", lang="zh")
    assert set(g.objects(fn210, SKOS.altLabel)) == {Literal("医疗卫生与计划生育支出", lang="zh")}
    assert (fn210, SKOS.topConceptOf, URIRef(CODE + "fn")) in g
    # a parent never printed is created: 2101101 › 21011 › 210
    assert g.value(concept("fn", "2101101"), SKOS.broader) == concept("fn", "21011")
    assert g.value(concept("fn", "21011"), SKOS.broader) == fn210
    assert g.value(concept("fn", "21011"), SKOS.notation) == Literal("21011")
    assert g.value(concept("econ", "30101"), SKOS.broader) == concept("econ", "301")
    assert g.value(concept("gecon", "50101"), SKOS.prefLabel) == Literal("工资奖金津补贴", lang="zh")
    assert g.value(concept("fn", "2120199"), SKOS.prefLabel) == Literal("其他城乡社区管理事务支出", lang="zh")
    assert not any("295001" in str(s) for s in g.subjects())


def test_project_name_beside_a_code_is_not_its_name():
    columns = [Column(k, k) for k in ("unit_code", "unit_name", "code", "econ_code", "gov_econ_code", "project_name")]
    row = _row(1, ("code", "299001"), ("name", "西城区政务服务管理办公室"), ("code", "2013804"),
               ("code", "30299"), ("code", "50299"), ("name", "2019年新开办企业刻章补助经费"))
    assert list(code_names(row, columns)) == [("2013804", None), ("30299", None), ("50299", None)]


@pytest.fixture(scope="module")
def classification() -> Graph:
    return load(ONTOLOGY_DIR / "classification.ttl")


def test_classification_hierarchy(classification):
    g = classification
    assert g.value(concept("fn", "2010301"), SKOS.broader) == concept("fn", "20103")
    assert g.value(concept("fn", "20103"), SKOS.broader) == concept("fn", "201")
    assert (concept("fn", "201"), SKOS.topConceptOf, URIRef(CODE + "fn")) in g
    assert g.value(concept("econ", "30101"), SKOS.broader) == concept("econ", "301")
    assert g.value(concept("gecon", "50101"), SKOS.broader) == concept("gecon", "501")
    for c in g.subjects(RDF.type, SKOS.Concept):
        assert g.value(c, SKOS.notation) is not None and g.value(c, SKOS.inScheme) is not None, c


def test_classification_carries_every_name_seen(classification):
    filings = [parse_file(p) for p in sorted(SAMPLE_FILINGS_DIR.glob("*.txt"))]
    seen: dict[str, set[str]] = {}
    for f in filings:
        for t in f.tables:
            for r in t.rows:
                for code, name in code_names(r, t.columns):
                    if name:
                        seen.setdefault(code, set()).add(name)
    assert {"卫生健康支出", "医疗卫生与计划生育支出"} <= seen["210"]
    for code, names in seen.items():
        node = concept({"3": "econ", "5": "gecon"}.get(code[0], "fn"), code)
        labels = {str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in classification.objects(node, p)}
        assert labels == names, code
        assert len(list(classification.objects(node, SKOS.prefLabel))) == 1, code


def test_classification_file_is_up_to_date(classification):
    """ontology/classification.ttl is what `python -m kg.vocab filings/xicheng/*.txt` gives today."""
    fresh = build_classification(parse_file(p) for p in sorted(SAMPLE_FILINGS_DIR.glob("*.txt")))
    assert set(fresh) == set(classification), "regenerate: python -m kg.vocab filings/xicheng/*.txt > ontology/classification.ttl"
