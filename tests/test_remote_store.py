"""The remote store against real SPARQL servers on loopback: ``oxigraph serve`` always,
Virtuoso (Debian's virtuoso-opensource) when installed. The same behaviour tests run on
the embedded store and on the remote one; the five sample filings loaded into both give
identical stats, query results and dumps; a server killed in the middle of a load leaves
every filing's graph whole or absent."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.cli import main
from kg.errors import QueryError, StoreError
from kg.loading import Loader
from kg.namespaces import XSD, kgo
from kg.paths import SAMPLE_FILINGS_DIR
from kg.stats import store_stats
from kg.store import open_store
from kg.store.remote_config import load_remote_config
from kg.store.sparql_values import bind_values
from servers import OxigraphServer, VirtuosoServer, free_port, oxigraph_binary, virtuoso_binary

EX = "https://ex.org/"
G1 = EX + "graph/1"
G2 = EX + "graph/2"
KGO = "PREFIX kgo: <https://w3id.org/kg/ontology#>\n"

if oxigraph_binary() is None:
    pytest.skip("the oxigraph server is not installed (pip install -e '.[test]')", allow_module_level=True)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No settings from the developer's environment or ~/.config leak into a test."""
    for var in list(os.environ):
        if var.startswith("KG_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))


def triples(n: int, tag: str = "a") -> list[Triple]:
    out = [Triple(NamedNode(f"{EX}obs/{tag}/{i}"), kgo("amount"),
                  Literal(f"{i}.25", datatype=NamedNode(XSD + "decimal"))) for i in range(n - 2)]
    out.append(Triple(BlankNode("loc"), kgo("text"), Literal('说 "引号" \\ 换行\n}\t', language="zh")))
    out.append(Triple(NamedNode(f"{EX}obs/{tag}/0"), kgo("printedText"), Literal(tag)))
    return out


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "data") as server:
        yield server


@pytest.fixture(params=["embedded", "remote"])
def store(request, tmp_path):
    """The same tests on both backends; the remote one starts empty."""
    if request.param == "embedded":
        with open_store(tmp_path / "db") as s:
            yield s
        return
    server = request.getfixturevalue("oxigraph")
    with open_store(server.base_url) as s:
        s.update("DROP SILENT ALL")
        yield s


# -- the Store interface, on both backends -------------------------------------------------

def test_replace_is_exact_and_idempotent(store):
    store.replace_graph(G1, triples(50))
    assert store.count(G1) == 50
    store.replace_graph(G1, triples(50))
    assert store.count(G1) == 50 and store.count() == 50
    store.replace_graph(G1, triples(20, "b"))
    assert store.count(G1) == 20
    assert not store.ask(f"ASK {{ GRAPH <{G1}> {{ <{EX}obs/a/5> ?p ?o }} }}")
    store.replace_graph(G2, triples(10, "c"))
    assert store.graphs() == [G1, G2] and store.count() == 30
    store.replace_graph(G1, [])
    assert store.graphs() == [G2]


def test_terms_round_trip(store):
    data = triples(5)
    store.replace_graph(G1, data)
    got = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    named = lambda ts: {t for t in ts if not isinstance(t.subject, BlankNode)}  # noqa: E731
    assert named(got) == named(data)
    assert [t.object for t in got if t.predicate == kgo("text")] == [Literal('说 "引号" \\ 换行\n}\t', language="zh")]
    rows = store.select(f"SELECT ?o WHERE {{ GRAPH <{G1}> {{ ?s <{kgo('text').value}> ?o }} }}").rows
    assert rows == [(Literal('说 "引号" \\ 换行\n}\t', language="zh"),)]


def test_failed_replace_keeps_old_graph(store):
    store.replace_graph(G1, triples(10))

    def broken():
        yield from triples(5, "b")
        raise RuntimeError("mapper failed midway")

    with pytest.raises(RuntimeError):
        store.replace_graph(G1, broken())
    assert store.count(G1) == 10 and store.ask(f"ASK {{ <{EX}obs/a/3> ?p ?o }}")


def test_queries_updates_and_union_default_graph(store):
    store.replace_graph(G1, triples(5))
    store.replace_graph(G2, triples(4, "b"))
    r = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    assert r.variables == ["g", "n"]
    assert [(g.value, int(n.value)) for g, n in r.rows] == [(G1, 5), (G2, 4)]
    # the default graph is the union of all graphs
    assert len(store.select(f"SELECT ?s WHERE {{ ?s <{kgo('printedText').value}> ?o }}")) == 2
    assert store.ask("ASK { ?s ?p ?o }") and not store.ask("ASK { ?s <https://ex.org/nothing> ?o }")
    store.update(f"INSERT DATA {{ GRAPH <{G2}> {{ <{EX}a> <{EX}b> 1 }} }}")
    assert store.count(G2) == 5
    store.drop_graph(G2)
    assert store.graphs() == [G1] and store.count(G2) == 0


def test_bindings(store):
    store.replace_graph(G1, triples(6))
    amount = kgo("amount").value
    one = Literal("1.25", datatype=NamedNode(XSD + "decimal"))
    # (the embedded store binds only projected variables: pyoxigraph's substitutions)
    q = f"SELECT ?s ?x ?min WHERE {{ ?s <{amount}> ?a FILTER(?a >= ?min) }} ORDER BY ?s"
    r = store.select(q, bindings={"min": Literal("3", datatype=NamedNode(XSD + "integer"))})
    assert [row[0].value for row in r.rows] == [f"{EX}obs/a/3"]
    assert r.rows[0][1] is None  # unbound stays None
    r = store.select(f"SELECT ?s ?a WHERE {{ ?s <{amount}> ?a }}", bindings={"a": one})
    assert r.rows == [(NamedNode(f"{EX}obs/a/1"), one)]
    # a hostile value is a value, not query text
    evil = Literal('"} } ; DROP ALL ; SELECT * { "')
    assert store.select("SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"o": evil}).rows == []
    assert store.count(G1) == 6


def test_query_errors(store):
    with pytest.raises(QueryError):
        store.select("SELEC ?x WHERE { ?x ?y ?z }")
    with pytest.raises(QueryError):
        store.update("INSERT DAT { }")
    with pytest.raises(QueryError, match="expected a SELECT"):
        store.select("ASK { ?s ?p ?o }")
    with pytest.raises(QueryError, match="expected an ASK"):
        store.ask("SELECT * { ?s ?p ?o }")
    with pytest.raises(StoreError, match="not a valid graph IRI"):
        store.replace_graph("no iri> } ; DROP ALL ; #", [])


def test_dump_and_load_file(store, tmp_path):
    store.replace_graph(G1, triples(5))
    store.replace_graph(G2, triples(3, "b"))
    for fmt in ("nquads", "trig", "jsonld", "turtle", "ntriples", "rdfxml"):
        buf = io.BytesIO()
        store.dump(buf, fmt)
        assert buf.getvalue(), fmt
    buf = io.BytesIO()
    store.dump(buf, "nquads", graph=G2)
    assert buf.getvalue().count(b"\n") == 3 and G1.encode() not in buf.getvalue()
    ttl = tmp_path / "onto.ttl"
    ttl.write_text("@prefix ex: <https://ex.org/> .\n<thing> ex:p [ ex:q 1 ] .\n", encoding="utf-8")
    for _ in range(2):
        assert store.load_file(EX + "onto", ttl, base_iri="https://base.example/") == 2
    assert store.count(EX + "onto") == 2
    assert store.ask("ASK { <https://base.example/thing> ?p ?o }")


def test_read_only(store, tmp_path):
    store.replace_graph(G1, triples(4))
    store.close()
    with open_store(store.location, read_only=True) as ro:
        assert ro.count(G1) == 4
        with pytest.raises(StoreError, match="read-only"):
            ro.drop_graph(G1)
        with pytest.raises(StoreError, match="read-only"):
            ro.replace_graph(G1, [])


# -- the five sample filings in both stores ------------------------------------------------

def _load_samples(store):
    loader = Loader(store)
    loader.ensure_reference_graphs()
    return [r.status for r in loader.load_paths([SAMPLE_FILINGS_DIR])]


@pytest.fixture(scope="module")
def samples_embedded(tmp_path_factory):
    with open_store(tmp_path_factory.mktemp("emb") / "db") as s:
        assert _load_samples(s) == ["loaded"] * 5
        yield s


@pytest.fixture(scope="module")
def samples_remote(tmp_path_factory):
    with OxigraphServer(tmp_path_factory.mktemp("oxi-samples") / "data") as server:
        with open_store(server.base_url) as s:
            assert _load_samples(s) == ["loaded"] * 5
            yield s


def _rows(result):
    """Rows comparable across stores: blank node labels differ from store to store."""
    return sorted(tuple("_:b" if isinstance(t, BlankNode) else str(t) for t in row) for row in result.rows)


SAMPLE_QUERIES = [
    KGO + "SELECT ?g ?org ?y WHERE { GRAPH ?g { ?g a kgo:Filing ; kgo:department ?org ; kgo:fiscalYear ?y } }",
    KGO + "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
    KGO + "SELECT ?g (SUM(?a) AS ?total) (MAX(?a) AS ?max) WHERE { GRAPH ?g { ?o kgo:amount ?a } } GROUP BY ?g",
    "SELECT ?p (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
    "SELECT ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }",
]


def test_samples_same_stats(samples_embedded, samples_remote):
    embedded, remote = store_stats(samples_embedded), store_stats(samples_remote)
    assert embedded == remote
    assert embedded["filings"] == 5 and embedded["observations"] > 0
    assert samples_embedded.graphs() == samples_remote.graphs()
    assert samples_embedded.count() == samples_remote.count()


@pytest.mark.parametrize("query", SAMPLE_QUERIES)
def test_samples_same_query_results(samples_embedded, samples_remote, query):
    expected = samples_embedded.select(query)
    got = samples_remote.select(query)
    assert got.variables == expected.variables
    assert _rows(got) == _rows(expected) and expected.rows


def test_samples_same_bound_query(samples_embedded, samples_remote):
    q = KGO + "SELECT ?g ?y (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?g kgo:fiscalYear ?y . ?o kgo:amount ?a } } GROUP BY ?g ?y"
    answered = 0
    for (year,) in samples_embedded.select(KGO + "SELECT DISTINCT ?y WHERE { ?f kgo:fiscalYear ?y }").rows:
        expected = samples_embedded.select(q, bindings={"y": year})
        assert _rows(samples_remote.select(q, bindings={"y": year})) == _rows(expected)
        answered += bool(expected.rows)
    assert answered >= 3


def test_samples_same_dump(samples_embedded, samples_remote):
    def quads(store):
        buf = io.BytesIO()
        store.dump(buf, "nquads")
        return sorted(str(q) for q in ox.parse(buf.getvalue(), format=ox.RdfFormat.N_QUADS)
                      if not isinstance(q.subject, BlankNode) and not isinstance(q.object, BlankNode))

    assert quads(samples_embedded) == quads(samples_remote)


def test_samples_reload_is_unchanged(samples_remote):
    assert _load_samples(samples_remote) == ["unchanged"] * 5


def test_cli_commands_on_both_stores(samples_embedded, samples_remote, tmp_path):
    """stats, query (SPARQL text and every named query), validate and dump print the same
    through `--store DIR` and `--store URL`."""
    from kg.named_queries import list_queries

    runner = CliRunner()
    years = KGO + "SELECT ?g ?y WHERE { ?g kgo:fiscalYear ?y } ORDER BY ?g"
    named = [["query", q.name, "--format", "csv"] for q in list_queries()]  # bindings: substitutions vs VALUES
    for args in (["stats", "--format", "json"], ["query", "--format", "csv", "--sparql", years], *named):
        outputs = []
        for store in (samples_embedded, samples_remote):
            result = runner.invoke(main, [*args, "--store", store.location])
            assert result.exit_code == 0, result.output
            outputs.append(sorted(result.output.splitlines()))
        assert outputs[0] == outputs[1], args
    if "validate" in main.list_commands(None):  # the same findings, whichever store holds the filings
        found = [runner.invoke(main, ["validate", "--format", "json", "--store", store.location])
                 for store in (samples_embedded, samples_remote)]
        assert found[0].exit_code == found[1].exit_code in (0, 1), found[0].output
        assert sorted(found[0].output.splitlines()) == sorted(found[1].output.splitlines())
    # samples_embedded is open in this process: the CLI needs its own read-only handle, so
    # `kg dump` is compared on the remote store against the library's dump of the embedded one
    result = runner.invoke(main, ["dump", "--store", samples_remote.location, "--format", "nquads"])
    assert result.exit_code == 0
    buf = io.BytesIO()
    samples_embedded.dump(buf, "nquads")
    assert result.output.count("\n") == buf.getvalue().count(b"\n")


def test_cli_load_into_remote(oxigraph):
    with open_store(oxigraph.base_url) as s:
        s.update("DROP SILENT ALL")
    one = str(SAMPLE_FILINGS_DIR / "003_1a17e53dc63c4bde.txt")
    result = CliRunner().invoke(main, ["load", one], env={"KG_STORE": oxigraph.base_url})
    assert result.exit_code == 0, result.output
    assert "1 loaded" in result.output
    result = CliRunner().invoke(main, ["load", one, "--store", oxigraph.base_url])
    assert "1 unchanged" in result.output


# -- crashes: a server killed mid-load ------------------------------------------------------

LOADER = textwrap.dedent("""
    import sys
    from kg.loading import Loader
    from kg.store import open_store
    with open_store(sys.argv[1]) as store:
        loader = Loader(store)
        loader.ensure_reference_graphs()
        for result in loader.load_paths(sys.argv[2:]):
            pass
""")


def test_kill_server_mid_load_leaves_graphs_whole_or_absent(samples_embedded, tmp_path):
    """SIGKILL the server while `Loader` sends the five filings, as soon as the first, second
    … filing graph shows up (so that the next PUT is in flight), restart it on the same data:
    every filing graph holds its full triple count or does not exist."""
    expected = {g: samples_embedded.count(g) for g in samples_embedded.graphs() if "/filing/" in g}
    server = OxigraphServer(tmp_path / "data")
    files = sorted(str(p) for p in SAMPLE_FILINGS_DIR.glob("*.txt"))
    survivors = []
    try:
        for target in (1, 2, 3):
            server.start()
            with open_store(server.base_url) as s:
                s.update("DROP SILENT ALL")
                proc = subprocess.Popen([sys.executable, "-c", LOADER, server.base_url, *files],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + 30
                while sum(g in expected for g in s.graphs()) < target and time.monotonic() < deadline:
                    time.sleep(0.005)
            server.kill()
            proc.wait(timeout=30)
            server.start()
            with open_store(server.base_url) as s:
                present = [g for g in s.graphs() if g in expected]
                for graph in present:
                    assert s.count(graph) == expected[graph], graph
                survivors.append(len(present))
            server.stop()
    finally:
        server.stop()
    assert any(0 < n < len(expected) for n in survivors), survivors  # the kills came midway


REPLACER = textwrap.dedent("""
    import sys
    from pyoxigraph import Literal, NamedNode, Triple
    from kg.store import open_store
    store = open_store(sys.argv[1])
    sizes = (10000, 15000)
    data = [[Triple(NamedNode(f"https://ex.org/s/{n}/{i}"), NamedNode("https://ex.org/p"), Literal(str(i)))
             for i in range(n)] for n in sizes]
    store.replace_graph("https://ex.org/graph/1", data[0])
    print("ready", flush=True)
    k = 1
    while True:
        store.replace_graph("https://ex.org/graph/1", data[k % 2])
        k += 1
""")


def test_kill_server_mid_replace_keeps_one_whole_version(tmp_path):
    """SIGKILL the server during PUTs of a 10,000 or 15,000-triple graph: after a restart the
    graph is one whole version, never empty, never a mix."""
    server = OxigraphServer(tmp_path / "data")
    try:
        for delay in (0.1, 0.3, 0.5):
            server.start()
            proc = subprocess.Popen([sys.executable, "-c", REPLACER, server.base_url],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            assert proc.stdout.readline().strip() == "ready"
            time.sleep(delay)
            server.kill()
            proc.wait(timeout=30)
            server.start()
            with open_store(server.base_url) as s:
                n = s.count(G1)
                assert n in (10000, 15000)
                assert not s.ask(f'ASK {{ GRAPH <{G1}> {{ ?s ?p ?o FILTER(!STRSTARTS(STR(?s), "{EX}s/{n}/")) }} }}')
            server.stop()
    finally:
        server.stop()


# -- configuration and errors --------------------------------------------------------------

def test_presets_and_overrides(tmp_path, monkeypatch):
    c = load_remote_config("http://127.0.0.1:7878/")
    assert (c.query_url, c.update_url, c.gsp_url, c.union_default_graph) == (
        "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store", "parameter")
    assert load_remote_config("http://h:7878/query").query_url == "http://h:7878/query"
    monkeypatch.setenv("KG_SERVER", "fuseki")
    c = load_remote_config("http://h:3030/kg")
    assert (c.query_url, c.update_url, c.gsp_url, c.union_default_graph) == (
        "http://h:3030/kg/query", "http://h:3030/kg/update", "http://h:3030/kg/data", "dataset")
    monkeypatch.setenv("KG_SERVER", "virtuoso")
    monkeypatch.setenv("KG_USER", "dba")
    monkeypatch.setenv("KG_PASSWORD", "secret")
    c = load_remote_config("http://h:8890/sparql")
    assert (c.query_url, c.update_url, c.gsp_url, c.auth) == (
        "http://h:8890/sparql", "http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth", "digest")
    assert "secret" not in repr(c)
    monkeypatch.setenv("KG_SERVER", "graphdb")
    c = load_remote_config("http://h:7200/repositories/kg")
    assert (c.query_url, c.update_url, c.gsp_url) == (
        "http://h:7200/repositories/kg", "http://h:7200/repositories/kg/statements",
        "http://h:7200/repositories/kg/rdf-graphs/service")
    # a config file: [remote] for every URL, [remote."URL"] for one; the environment wins
    for var in ("KG_SERVER", "KG_USER", "KG_PASSWORD"):
        monkeypatch.delenv(var)
    config = tmp_path / "kg.toml"
    config.write_text(textwrap.dedent("""
        [remote]
        read_timeout = 7
        retries = 1

        [remote."http://h:3030/kg"]
        server = "fuseki"
        query_url = "http://h:3030/kg/sparql"
        user = "admin"
        password = "pw"
    """))
    monkeypatch.setenv("KG_CONFIG", str(config))
    c = load_remote_config("http://h:3030/kg/")
    assert (c.query_url, c.update_url, c.auth, c.user, c.read_timeout, c.retries) == (
        "http://h:3030/kg/sparql", "http://h:3030/kg/update", "basic", "admin", 7.0, 1)
    monkeypatch.setenv("KG_READ_TIMEOUT", "2.5")
    assert load_remote_config("http://other:1/").read_timeout == 2.5
    monkeypatch.setenv("KG_TOKEN", "tok")
    assert load_remote_config("http://other:1/").auth == "bearer"


def test_config_errors(tmp_path, monkeypatch):
    with pytest.raises(StoreError, match="not in the store URL"):
        open_store("http://user:pw@127.0.0.1:1/")
    monkeypatch.setenv("KG_SERVER", "nonesuch")
    with pytest.raises(StoreError, match="unknown server kind 'nonesuch'"):
        load_remote_config("http://h/")
    monkeypatch.delenv("KG_SERVER")
    monkeypatch.setenv("KG_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(StoreError, match="does not exist"):
        load_remote_config("http://h/")
    bad = tmp_path / "bad.toml"
    bad.write_text("[remote]\nretry = 3\n")
    monkeypatch.setenv("KG_CONFIG", str(bad))
    with pytest.raises(StoreError, match="unknown setting.*retry"):
        load_remote_config("http://h/")


def test_unreachable_and_not_found(oxigraph):
    port = free_port()  # nothing listens there
    t0 = time.monotonic()
    with pytest.raises(StoreError, match=f"127.0.0.1:{port}: connection refused"):
        open_store(f"http://127.0.0.1:{port}")
    assert time.monotonic() - t0 < 2
    with pytest.raises(StoreError, match="not found \\(404\\)"):
        open_store(oxigraph.base_url + "/nowhere/")
    result = CliRunner().invoke(main, ["stats", "--store", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert result.output.startswith("kg: error: cannot reach the SPARQL server") and result.output.count("\n") == 1


def test_rejected_query_carries_server_message(oxigraph):
    with open_store(oxigraph.base_url) as s:
        with pytest.raises(QueryError, match="rejected the query: .*expected"):
            s.select("SELECT ?x WHERE { ?x ?y }")


def test_union_check_when_the_server_is_trusted(tmp_path, monkeypatch):
    """union_default_graph = "server": kg checks once that the server really does it."""
    monkeypatch.setenv("KG_UNION_DEFAULT_GRAPH", "server")
    with OxigraphServer(tmp_path / "plain") as plain:
        with open_store(plain.base_url) as s:
            s.replace_graph(G1, triples(3))
            with pytest.raises(StoreError, match="not the union of its named graphs"):
                s.select("SELECT * { ?s ?p ?o }")
    with OxigraphServer(tmp_path / "union", union_default_graph=True) as union:
        with open_store(union.base_url) as s:
            s.replace_graph(G1, triples(3))
            assert len(s.select("SELECT * { ?s ?p ?o }")) == 3


def test_dataset_union_mode(oxigraph, monkeypatch):
    """union_default_graph = "dataset" (any SPARQL 1.1 server) gives the same answers."""
    monkeypatch.setenv("KG_UNION_DEFAULT_GRAPH", "dataset")
    with open_store(oxigraph.base_url) as s:
        s.update("DROP SILENT ALL")
        assert s.select("SELECT * { ?s ?p ?o }").rows == []
        s.replace_graph(G1, triples(3))
        s.replace_graph(G2, triples(4, "b"))
        assert len(s.select("SELECT * { ?s ?p ?o }")) == 7
        assert len(s.select("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")) == 2


def test_replace_with_update(oxigraph, monkeypatch):
    monkeypatch.setenv("KG_REPLACE_WITH", "update")
    with open_store(oxigraph.base_url) as s:
        s.update("DROP SILENT ALL")
        s.replace_graph(G1, triples(30))
        s.replace_graph(G1, triples(12, "b"))
        assert s.count(G1) == 12 and s.graphs() == [G1]
        s.add_new_graphs({G2: triples(7, "c"), EX + "graph/3": triples(3, "d")})
        assert s.graphs() == [G1, G2, EX + "graph/3"] and s.count() == 22


def test_bind_values_placement():
    b = {"x": NamedNode("http://e/x")}
    assert bind_values("SELECT * WHERE { ?x ?p ?o }", b) == "SELECT * WHERE { VALUES (?x) { (<http://e/x>) }  ?x ?p ?o }"
    assert bind_values('SELECT ("{" AS ?b) # {\n{ ?x ?p ?o }', b).endswith("{ VALUES (?x) { (<http://e/x>) }  ?x ?p ?o }")
    c = bind_values("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", b)
    assert c == "CONSTRUCT { ?x ?p ?o } WHERE { VALUES (?x) { (<http://e/x>) }  ?x ?p ?o }"
    assert bind_values("DESCRIBE ?x", b) == "DESCRIBE ?x\nVALUES (?x) { (<http://e/x>) }"
    with pytest.raises(QueryError, match="not a SPARQL variable name"):
        bind_values("SELECT * {}", {"x) {} DROP ALL": NamedNode("http://e/x")})
    with pytest.raises(QueryError, match="only IRIs and literals"):
        bind_values("SELECT * {}", {"x": BlankNode()})


# -- HTTP behaviour: a scripted server for statuses a real one will not produce on demand ----

class Scripted:
    """Answers each request with the next (status, headers, body) and records the requests."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append((self.command, self.path, dict(self.headers), self.rfile.read(length)))
                status, headers, body = outer.answers.pop(0) if outer.answers else (500, {}, b"no more")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


ASK_TRUE = (200, {"Content-Type": "application/sparql-results+json"}, b'{"head":{},"boolean":true}')


def test_retries_on_busy_then_gives_up(monkeypatch):
    monkeypatch.setenv("KG_RETRIES", "2")
    busy = (503, {"Retry-After": "0"}, b"busy")
    srv = Scripted([busy, (429, {"Retry-After": "0"}, b"slow down"), ASK_TRUE, busy, (503, {}, b"busy"), busy])
    try:
        t0 = time.monotonic()
        store = open_store(srv.url)  # 503, 429, then the answer
        assert len(srv.requests) == 3
        with pytest.raises(StoreError, match="busy \\(503\\) and stayed so after retries"):
            store.ask("ASK {}")
        assert len(srv.requests) == 6 and time.monotonic() - t0 < 5
    finally:
        srv.close()


def test_auth_refused_and_credentials_sent(monkeypatch):
    monkeypatch.setenv("KG_USER", "alice")
    monkeypatch.setenv("KG_PASSWORD", "pw")
    srv = Scripted([ASK_TRUE, (401, {"WWW-Authenticate": 'Basic realm="x"'}, b"who are you")])
    try:
        store = open_store(srv.url)
        assert srv.requests[0][2]["Authorization"] == "Basic YWxpY2U6cHc="
        with pytest.raises(StoreError, match="authentication refused \\(401\\)"):
            store.count()
    finally:
        srv.close()
    monkeypatch.setenv("KG_TOKEN", "t0k")
    monkeypatch.setenv("KG_AUTH", "bearer")
    srv = Scripted([ASK_TRUE, (403, {}, b"not yours")])
    try:
        store = open_store(srv.url)
        assert srv.requests[0][2]["Authorization"] == "Bearer t0k"
        with pytest.raises(StoreError, match="permission refused \\(403\\).*not yours"):
            store.replace_graph(G1, triples(3))
    finally:
        srv.close()


def test_digest_auth(monkeypatch):
    monkeypatch.setenv("KG_USER", "Mufasa")
    monkeypatch.setenv("KG_PASSWORD", "Circle of Life")
    monkeypatch.setenv("KG_AUTH", "digest")
    challenge = 'Digest realm="kg", qop="auth", nonce="abc123", opaque="xyz"'
    srv = Scripted([(401, {"WWW-Authenticate": challenge}, b""), ASK_TRUE, ASK_TRUE])
    try:
        store = open_store(srv.url)
        store.ask("ASK {}")
        first, second, third = (r[2].get("Authorization", "") for r in srv.requests)
        assert first == "" and second.startswith('Digest username="Mufasa", realm="kg", nonce="abc123"')
        assert "nc=00000001" in second and "nc=00000002" in third  # the challenge is reused
        assert 'opaque="xyz"' in second and "qop=auth" in second
    finally:
        srv.close()


def test_read_timeout(monkeypatch):
    monkeypatch.setenv("KG_READ_TIMEOUT", "0.5")
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreError, match="did not answer within 0.5 s"):
            open_store(f"http://127.0.0.1:{listener.getsockname()[1]}")
        assert time.monotonic() - t0 < 3
    finally:
        listener.close()


# -- Virtuoso, when Debian's virtuoso-opensource is installed --------------------------------

@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if virtuoso_binary() is None:
        print("virtuoso-opensource not installed (apt-get install virtuoso-opensource): Virtuoso tests skipped")
        pytest.skip("virtuoso-opensource is not installed (apt-get install virtuoso-opensource)")
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso") / "data") as server:
        yield server


@pytest.fixture
def virtuoso_env(virtuoso, monkeypatch):
    monkeypatch.setenv("KG_SERVER", "virtuoso")
    monkeypatch.setenv("KG_USER", virtuoso.user)
    monkeypatch.setenv("KG_PASSWORD", virtuoso.password)
    return virtuoso


def test_virtuoso_samples_match_embedded(virtuoso_env, samples_embedded):
    with open_store(virtuoso_env.base_url) as s:
        for g in s.graphs():
            s.drop_graph(g)
        assert _load_samples(s) == ["loaded"] * 5
        assert s.graphs() == samples_embedded.graphs()  # Virtuoso's own graphs are not listed
        assert s.count() == samples_embedded.count()
        ours, theirs = store_stats(samples_embedded), store_stats(s)
        # `GRAPH ?g` in a query sees Virtuoso's own graphs too (the "server" union mode)
        system = {g: n for g, n in theirs["graphs"].items() if g.startswith(s.config.ignore_graphs)}
        assert {g: n for g, n in theirs["graphs"].items() if g not in system} == ours["graphs"]
        assert {k: v for k, v in theirs.items() if k not in ("graphs", "triples")} == {
            k: v for k, v in ours.items() if k not in ("graphs", "triples")}
        for query in (SAMPLE_QUERIES[0], SAMPLE_QUERIES[2], SAMPLE_QUERIES[4]):  # not over Virtuoso's graphs
            assert _rows(s.select(query)) == _rows(samples_embedded.select(query)), query
        assert _load_samples(s) == ["unchanged"] * 5
        s.replace_graph(G1, triples(8))
        s.replace_graph(G1, triples(5, "b"))
        assert s.count(G1) == 5
        s.drop_graph(G1)
        assert G1 not in s.graphs()


def test_virtuoso_wrong_password(virtuoso_env, monkeypatch):
    monkeypatch.setenv("KG_PASSWORD", "wrong")
    with open_store(virtuoso_env.base_url) as s:  # reading needs no password
        with pytest.raises(StoreError, match="authentication refused \\(401\\)"):
            s.replace_graph(G1, triples(3))
