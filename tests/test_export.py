"""kg export on the five sample filings: a complete, valid, round-tripping folder for portals;
no personal data in it; refusal of a folder that fails; the CKAN calls it makes."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import socket
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from kg.cli import main
from kg.export import DEFAULT_LICENCE, ExportConfig, ExportError, export_folder
from kg.export import ckan as ckan_push
from kg.export import folder as folder_module
from kg.export.dcatap import validate_catalog
from kg.export.validate import check_csvw
from kg.loading import Loader
from kg.paths import SAMPLE_FILINGS_DIR
from kg.store import open_store

BASE = "https://data.example.gov/budgets/"
ENDPOINT = "https://data.example.gov/sparql"
ISSUED = date(2025, 3, 1)
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
KGO = "https://w3id.org/kg/ontology#"
PREFIXES = f"""PREFIX dcat: <{DCAT}> PREFIX dct: <{DCT}> PREFIX kgo: <{KGO}>
PREFIX foaf: <http://xmlns.com/foaf/0.1/> PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX void: <http://rdfs.org/ns/void#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
PERSONAL_LABELS = re.compile(r"(负责人|联系电话|联系人|填报人)[：:]?\s*$")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    location = tmp_path_factory.mktemp("store") / "kg-store"
    with open_store(str(location)) as s:
        loader = Loader(s)
        loader.ensure_reference_graphs()
        assert all(r.ok for r in loader.load_paths([SAMPLE_FILINGS_DIR]))
        yield s


@pytest.fixture(scope="module")
def exported(store, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "site"
    cfg = ExportConfig(base_iri=BASE, sparql_endpoint=ENDPOINT, issued=ISSUED)
    result = export_folder(store, out, cfg)
    return out, result, cfg


def catalog(out: Path) -> ox.Store:
    s = ox.Store()
    s.load(path=str(out / "catalog.ttl"), format=ox.RdfFormat.TURTLE)
    return s


def rows(s: ox.Store, query: str) -> list[tuple]:
    results = s.query(PREFIXES + query)
    names = [v.value for v in results.variables]
    return [tuple(None if sol[n] is None else sol[n].value for n in names) for sol in results]


def filings(store) -> list[tuple[str, str, int, str]]:
    got = store.select(PREFIXES + """SELECT ?g ?org ?year ?kind WHERE { GRAPH ?g {
        ?g a kgo:Filing ; kgo:department ?org ; kgo:fiscalYear ?year ; kgo:filingKind ?kind } }""").rows
    return [(g.value, o.value, int(y.value), k.value.rsplit("#", 1)[1]) for g, o, y, k in got]


# -- completeness ------------------------------------------------------------------------------

def test_folder_has_every_promised_file(exported, store):
    out, result, _ = exported
    fixed = ["kg.nq", "kg.trig", "context.jsonld", "catalog.ttl", "catalog.jsonld", "void.ttl",
             "observations.csv", "observations.csv-metadata.json", "ontology/index.html", "index.html"]
    for name in fixed:
        assert (out / name).is_file(), name
    for graph, *_ in filings(store):
        tail = graph.split("/filing/", 1)[1]
        assert (out / f"filing/{tail}.ttl").is_file() and (out / f"filing/{tail}.jsonld").is_file()
    for key in ("xicheng-command-centre", "xicheng-government-services", "xicheng-urban-management-enforcement"):
        for ext in (".html", ".ttl", ".jsonld"):
            assert (out / f"org/{key}{ext}").is_file()
    assert result.datasets == 5 and result.observations > 900
    assert not list(out.parent.glob(".site.kg-*")), "no staging folder left behind"


# -- round trips -------------------------------------------------------------------------------

def rdflib_quads(path: Path, fmt: str) -> int:
    ds = rdflib.Dataset()
    ds.parse(path, format=fmt)
    return sum(1 for _ in ds.quads((None, None, None, None)))


def oxigraph_quads(path: Path) -> int:
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:])))


def test_whole_dumps_round_trip_with_both_parsers(exported, store):
    out, _, _ = exported
    total = store.count()
    for name, fmt in (("kg.nq", "nquads"), ("kg.trig", "trig")):
        assert oxigraph_quads(out / name) == total
        assert rdflib_quads(out / name, fmt) == total
    graphs = {q.graph_name.value for q in ox.parse(path=str(out / "kg.trig"), format=ox.RdfFormat.TRIG)}
    assert {g for g, *_ in filings(store)} <= graphs, "one named graph per filing kept"


def test_per_filing_files_round_trip(exported, store):
    out, _, _ = exported
    for graph, *_ in filings(store):
        tail = graph.split("/filing/", 1)[1]
        n = store.count(graph)
        for ext, fmt in ((".ttl", "turtle"), (".jsonld", "json-ld")):
            path = out / f"filing/{tail}{ext}"
            assert oxigraph_quads(path) == n, path
            assert rdflib_quads(path, fmt) == n, path
        from_ttl = {t for t in ox.parse(path=str(out / f"filing/{tail}.ttl"), format=ox.RdfFormat.TURTLE)}
        from_json = {t for t in ox.parse(path=str(out / f"filing/{tail}.jsonld"), format=ox.RdfFormat.JSON_LD)}
        assert from_ttl == from_json


def test_jsonld_context_is_local_and_parsing_needs_no_network(exported, monkeypatch):
    out, _, _ = exported
    context = json.loads((out / "context.jsonld").read_text("utf-8"))["@context"]
    assert context["kgo"] == KGO and context["dcat"] == DCAT

    def refuse(*args, **kwargs):
        raise AssertionError("a JSON-LD parser tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for path in sorted(out.rglob("*.jsonld")):
        doc = json.loads(path.read_text("utf-8"))
        if path.name == "context.jsonld":
            continue
        assert doc["@context"] == context, f"{path} embeds the same context as context.jsonld"
        g = rdflib.Dataset()
        g.parse(data=path.read_text("utf-8"), format="json-ld")
        assert sum(1 for _ in g.quads()) > 0


# -- DCAT ----------------------------------------------------------------------------------------

def test_catalogue_conforms_to_dcat_ap_3(exported):
    out, _, _ = exported
    assert validate_catalog(out / "catalog.ttl") == []


def test_dcat_ap_shapes_catch_a_broken_catalogue(exported, tmp_path):
    out, _, _ = exported
    text = (out / "catalog.ttl").read_text("utf-8")
    broken = re.sub(r'dct:title "部门预算与部门决算公开数据"@zh , "[^"]*"@en ;', "", text, count=1)
    broken = broken.replace("dcat:byteSize ", 'dcat:byteSize "-1"^^xsd:integer , ', 1)
    (tmp_path / "catalog.ttl").write_text(broken, "utf-8")
    problems = "\n".join(validate_catalog(tmp_path / "catalog.ttl"))
    assert "dct:title" in problems or "purl.org/dc/terms/title" in problems
    assert "byteSize" in problems


def test_one_dataset_per_department_year_phase(exported, store):
    out, _, _ = exported
    c = catalog(out)
    expected = {(org, year, "budget" if kind == "Budget" else "final") for _, org, year, kind in filings(store)}
    got = rows(c, """SELECT ?d ?org ?start ?end WHERE { ?cat dcat:dataset ?d . ?d a dcat:Dataset ;
        dct:publisher ?org ; dct:temporal [ dcat:startDate ?start ; dcat:endDate ?end ] }""")
    assert len(got) == len(expected) == len({d for d, *_ in got})
    keys = {(org, int(start[:4]), d.rsplit("-", 1)[1]) for d, org, start, end in got}
    assert keys == expected
    assert all(start.endswith("-01-01") and end.endswith("-12-31") and start[:4] == end[:4]
               for _, _, start, end in got)
    every_dataset = {r[0] for r in rows(c, "SELECT ?d WHERE { ?d a dcat:Dataset }")}
    assert every_dataset == {d for d, *_ in got}, "filings are dct:source, not datasets of their own"


def test_datasets_sit_in_one_series_per_department(exported):
    out, _, _ = exported
    got = rows(catalog(out), """SELECT ?d ?s ?org ?sorg WHERE { ?d a dcat:Dataset ; dcat:inSeries ?s ;
        dct:publisher ?org . ?s a dcat:DatasetSeries ; dct:publisher ?sorg }""")
    assert len(got) == 5
    assert all(org == sorg for _, _, org, sorg in got)
    assert len({s for _, s, _, _ in got}) == 3


def test_dataset_metadata(exported, store):
    out, _, cfg = exported
    c = catalog(out)
    got = rows(c, """SELECT ?d ?lic ?lang ?issued ?modified ?source ?name WHERE { ?d a dcat:Dataset ;
        dct:license ?lic ; dct:language ?lang ; dct:issued ?issued ; dct:modified ?modified ; dct:source ?source ;
        dct:publisher [ foaf:name ?name ] }""")
    assert {r[1] for r in got} == {DEFAULT_LICENCE}
    assert {r[2] for r in got} == {"http://publications.europa.eu/resource/authority/language/ZHO"}
    assert {r[3] for r in got} == {r[4] for r in got} == {"2025-03-01"}
    assert {r[5] for r in got} == {g for g, *_ in filings(store)}
    assert "北京市西城区城市管理指挥中心" in {r[6] for r in got}
    service = rows(c, "SELECT ?url WHERE { ?cat dcat:service [ a dcat:DataService ; dcat:endpointURL ?url ] }")
    assert service == [(ENDPOINT,)]


def test_distributions_state_true_sizes_and_checksums(exported):
    out, _, cfg = exported
    got = rows(catalog(out), """SELECT ?d ?url ?size ?sha ?type ?alg WHERE { ?ds a dcat:Dataset ; dcat:distribution ?d .
        ?d dcat:downloadURL ?url ; dcat:byteSize ?size ; dcat:mediaType ?type ;
        spdx:checksum [ spdx:checksumValue ?sha ; spdx:algorithm ?alg ] }""")
    assert len(got) == 10  # Turtle and JSON-LD per filing
    for _, url, size, sha, media_type, algorithm in got:
        assert url.startswith(BASE)
        data = (out / url[len(BASE):]).read_bytes()
        assert int(size) == len(data)
        assert sha == hashlib.sha256(data).hexdigest()
        assert media_type in ("https://www.iana.org/assignments/media-types/text/turtle",
                              "https://www.iana.org/assignments/media-types/application/ld+json")
        assert algorithm == "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"


def test_catalogue_jsonld_holds_the_turtle_triples(exported):
    out, _, _ = exported
    ttl = set(ox.parse(path=str(out / "catalog.ttl"), format=ox.RdfFormat.TURTLE))
    js = set(ox.parse(path=str(out / "catalog.jsonld"), format=ox.RdfFormat.JSON_LD))
    assert ttl == js


# -- VoID ----------------------------------------------------------------------------------------

def test_void_describes_dumps_graphs_and_endpoint(exported, store):
    out, _, _ = exported
    v = ox.Store()
    v.load(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE)
    total = rows(v, "SELECT ?n WHERE { ?kg a void:Dataset ; void:subset ?s ; void:triples ?n } LIMIT 1")
    assert int(total[0][0]) == store.count()
    subsets = dict(rows(v, "SELECT ?s ?n WHERE { ?kg void:subset ?s . ?s void:triples ?n }"))
    assert set(subsets) == set(store.graphs())
    assert all(int(n) == store.count(g) for g, n in subsets.items())
    dumps = {r[0] for r in rows(v, "SELECT ?u WHERE { ?kg void:subset ?x ; void:dataDump ?u }")}
    assert dumps == {BASE + "kg.nq", BASE + "kg.trig"}
    assert rows(v, "SELECT ?e WHERE { ?kg void:sparqlEndpoint ?e }") == [(ENDPOINT,)]
    vocabularies = {r[0] for r in rows(v, "SELECT ?x WHERE { ?kg void:vocabulary ?x }")}
    assert {KGO, "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/org#"} <= vocabularies
    assert rows(v, "SELECT ?x WHERE { ?kg void:exampleResource ?x }")


# -- CSVW ----------------------------------------------------------------------------------------

def test_observations_csv_is_valid_csvw(exported, store):
    out, result, _ = exported
    assert check_csvw(out) == []
    with open(out / "observations.csv", encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    n = store.select(PREFIXES + "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a kgo:Observation }").rows[0][0]
    assert len(table) == int(n.value) == result.observations
    hotline = [r for r in table if r["amount_yuan"] == "21000000" and r["fiscal_year"] == "2019"]
    assert hotline and hotline[0]["organisation_name"] == "北京市西城区政务服务管理局"
    assert all(r["filing"] and r["source_file"].endswith(".txt") and r["line"] for r in table)
    coded = [r for r in table if r["functional_code"] == "2010301"]
    assert coded and coded[0]["functional_name"]


def test_csvw_check_rejects_a_bad_cell(exported, tmp_path):
    out, _, _ = exported
    for name in ("observations.csv", "observations.csv-metadata.json"):
        (tmp_path / name).write_bytes((out / name).read_bytes())
    lines = (tmp_path / "observations.csv").read_text("utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[3] = "twenty-nineteen"  # fiscal_year is an integer column
    lines[1] = ",".join(cells)
    (tmp_path / "observations.csv").write_text("".join(lines), "utf-8")
    assert check_csvw(tmp_path)


# -- HTML ----------------------------------------------------------------------------------------

def test_organisation_page_shows_names_lineage_duties_and_totals(exported):
    out, _, _ = exported
    html = (out / "org/xicheng-command-centre.html").read_text("utf-8")
    for text in ("北京市西城区城市管理指挥中心", "北京市西城区全响应服务中心", "沿革", "职责划转",
                 "2020", "2021", "收入总计", 'href="xicheng-command-centre.ttl"',
                 'href="xicheng-command-centre.jsonld"',
                 'href="xicheng-government-services.html"'):
        assert text in html, text
    assert "<ol>" in html, "duties listed by year"
    org_ttl = set(ox.parse(path=str(out / "org/xicheng-command-centre.ttl"), format=ox.RdfFormat.TURTLE))
    assert org_ttl == set(ox.parse(path=str(out / "org/xicheng-command-centre.jsonld"), format=ox.RdfFormat.JSON_LD))


def test_ontology_documented_by_pylode(exported):
    out, result, _ = exported
    html = (out / "ontology/index.html").read_text("utf-8")
    assert "pyLODE" in html and "Observation" in html
    assert result.notes == []


# -- privacy -------------------------------------------------------------------------------------

def personal_values() -> set[str]:
    """Every value printed after a 负责人 / 联系电话 / 联系人 / 填报人 label in the sample filings."""
    found = set()
    for path in SAMPLE_FILINGS_DIR.glob("*.txt"):
        lines = [line.strip() for line in path.read_text("utf-8").splitlines()]
        for i, line in enumerate(lines[:-1]):
            if PERSONAL_LABELS.search(line) and lines[i + 1]:
                found.add(lines[i + 1])
    return found


def test_no_personal_names_or_phone_numbers_in_any_exported_file(exported):
    out, _, _ = exported
    values = personal_values()
    assert {"柴丽敏", "82141581", "魏九红", "66527053", "付新喜", "周冠南", "管玲", "王丹"} <= values
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            leaked = sorted(v for v in values if v in text)
            assert not leaked, f"{path.relative_to(out)} contains {leaked}"


# -- refusal and publication ---------------------------------------------------------------------

def test_a_failing_folder_is_not_published(store, tmp_path, monkeypatch):
    target = tmp_path / "site"
    target.mkdir()
    (target / "old.txt").write_text("the previous export")
    monkeypatch.setattr(folder_module.validate, "check_dcat",
                        lambda root, cfg: ["DCAT-AP: injected violation"])
    with pytest.raises(ExportError) as err:
        export_folder(store, target, ExportConfig(issued=ISSUED))
    assert "injected violation" in str(err.value)
    assert [p.name for p in target.iterdir()] == ["old.txt"], "the previous folder is untouched"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"], "the staging folder is removed"


def test_cli_exports_and_replaces_the_folder(store, tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "stale.txt").write_text("x")
    result = CliRunner().invoke(main, ["export", str(target), "--store", store.location,
                                       "--base-iri", BASE, "--issued", "2025-03-01"])
    assert result.exit_code == 0, result.output
    assert "exported 5 datasets" in result.output
    assert (target / "catalog.ttl").is_file() and not (target / "stale.txt").exists()


def test_cli_refuses_with_exit_status_1(tmp_path):
    with open_store(str(tmp_path / "empty-store")):
        pass
    result = CliRunner().invoke(main, ["export", str(tmp_path / "site"), "--store", str(tmp_path / "empty-store")])
    assert result.exit_code == 1
    assert "no filings" in result.output
    assert not (tmp_path / "site").exists()


# -- CKAN ----------------------------------------------------------------------------------------

class RecordingCKAN:
    """A RemoteCKAN stand-in: ``client.action.<name>(**kw)`` is recorded and answered from an
    in-memory portal, as CKAN's action API would."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.packages: dict[str, dict] = {}
        self.action = self

    def __getattr__(self, name):
        def call(**kwargs):
            recorded = {k: (v.name if hasattr(v, "read") else v) for k, v in kwargs.items()}
            if "upload" in kwargs:
                recorded["upload_sha256"] = hashlib.sha256(kwargs["upload"].read()).hexdigest()
            self.calls.append((name, recorded))
            return getattr(self, "_" + name)(**kwargs)
        return call

    def _package_show(self, id):
        import ckanapi

        if id not in self.packages:
            raise ckanapi.NotFound(f"{id} not found")
        return json.loads(json.dumps(self.packages[id]))

    def _package_create(self, **pkg):
        pkg = {**pkg, "id": "pkg-" + pkg["name"], "resources": []}
        self.packages[pkg["name"]] = pkg
        return pkg

    def _package_update(self, **pkg):
        self.packages[pkg["name"]] = pkg
        return pkg

    def _resource_create(self, package_id, upload, **fields):
        pkg = next(p for p in self.packages.values() if p["id"] == package_id)
        res = {**fields, "id": f"res-{len(pkg['resources'])}-{package_id}", "package_id": package_id}
        pkg["resources"].append(res)
        return res

    def _resource_update(self, id, upload, **fields):
        for pkg in self.packages.values():
            for res in pkg["resources"]:
                if res["id"] == id:
                    res.update(fields)
                    return res
        raise AssertionError(id)


def test_ckan_push_creates_then_updates(exported):
    out, result, cfg = exported
    portal = RecordingCKAN()
    report = ckan_push.push(portal, result.plan, out, cfg, owner_org="xicheng")
    assert len(report.created) == 5 and report.uploaded == 10
    names = [ds.name for ds in result.plan.datasets]
    assert [c for c in portal.calls if c[0] == "package_show"] == [("package_show", {"id": n}) for n in names]
    creates = [kw for name, kw in portal.calls if name == "package_create"]
    first = creates[0]
    assert first["name"] == "xicheng-command-centre-2020-budget"
    assert first["owner_org"] == "xicheng" and first["license_id"] == "cc-by"
    assert first["title"] == "北京市西城区城市管理指挥中心 2020年部门预算"
    assert {"key": "uri", "value": BASE + "dataset/xicheng-command-centre/2020-budget"} in first["extras"]
    uploads = [kw for name, kw in portal.calls if name == "resource_create"]
    assert len(uploads) == 10
    for kw in uploads:
        data = (out / kw["name"]).read_bytes()
        assert kw["package_id"].startswith("pkg-")
        assert kw["upload_sha256"] == kw["hash"] == hashlib.sha256(data).hexdigest()
        assert kw["size"] == len(data) and kw["mimetype"] in ("text/turtle", "application/ld+json")

    portal.calls.clear()
    again = ckan_push.push(portal, result.plan, out, cfg, owner_org="xicheng")
    assert len(again.updated) == 5 and again.uploaded == 0 and again.unchanged == 10
    assert {name for name, _ in portal.calls} == {"package_show", "package_update"}
    update = next(kw for name, kw in portal.calls if name == "package_update")
    assert update["id"].startswith("pkg-") and len(update["resources"]) == 2, "existing fields and resources kept"


def test_ckan_needs_an_api_key(monkeypatch):
    monkeypatch.delenv(ckan_push.API_KEY_VAR, raising=False)
    with pytest.raises(ckan_push.CkanError, match="CKAN_API_KEY"):
        ckan_push.remote_client("https://ckan.example.gov")


# -- checks on large exports, and the twin check -------------------------------------------------

def test_large_exports_sample_the_slow_checks(store, tmp_path, monkeypatch):
    from kg.export import sampling

    monkeypatch.setattr(sampling, "FULL_RDFLIB_LIMIT", 1_000)
    monkeypatch.setattr(sampling, "RDFLIB_SAMPLE_BUDGET", 1_000)
    monkeypatch.setattr(sampling, "FULL_CSVW_ROWS", 100)
    monkeypatch.setattr(sampling, "CSVW_SAMPLE_ROWS", 50)
    result = export_folder(store, tmp_path / "site", ExportConfig(base_iri=BASE, issued=ISSUED))
    notes = "\n".join(result.notes)
    assert "rdflib re-parsed a sample" in notes and "1 of 5 filings" in notes
    assert "csvw validated every" in notes


def test_twin_check_notices_a_json_ld_file_that_differs(exported, tmp_path):
    from kg.export.parse_check import run

    out, _, _ = exported
    ttl = out / "filing/xicheng-command-centre/2020-budget.ttl"
    good = out / "filing/xicheng-command-centre/2020-budget.jsonld"
    assert run(f"twin\t{ttl}\t{good}").endswith("\t1")
    bad = tmp_path / "bad.jsonld"
    bad.write_text(good.read_text("utf-8").replace('"@value":"2020"', '"@value":"2019"', 1), "utf-8")
    assert run(f"twin\t{ttl}\t{bad}").endswith("\t0")
