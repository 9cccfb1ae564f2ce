"""The store interface against real on-disk Oxigraph stores."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.errors import QueryError, StoreError
from kg.namespaces import XSD, kgo
from kg.store import open_store

EX = "https://ex.org/"
G1 = EX + "graph/1"
G2 = EX + "graph/2"


def triples(n: int, tag: str = "a") -> list[Triple]:
    """n distinct triples, money as xsd:decimal, one blank node and a tricky string."""
    out = [Triple(NamedNode(f"{EX}obs/{tag}/{i}"), kgo("amount"),
                  Literal(f"{i}.25", datatype=NamedNode(XSD + "decimal"))) for i in range(n - 2)]
    out.append(Triple(BlankNode("loc"), kgo("text"), Literal('说 "引号" \\ 换行\n}', language="zh")))
    out.append(Triple(NamedNode(f"{EX}obs/{tag}/0"), kgo("printedText"), Literal(tag)))
    return out


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "db") as s:
        yield s


def test_replace_is_exact_and_idempotent(store):
    store.replace_graph(G1, triples(50))
    assert store.count(G1) == 50
    store.replace_graph(G1, triples(50))  # same triples again: nothing changes
    assert store.count(G1) == 50 and store.count() == 50
    store.replace_graph(G1, triples(20, "b"))  # replaced: exactly the new ones
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
    text = [t.object for t in got if t.predicate == kgo("text")]
    assert text == [Literal('说 "引号" \\ 换行\n}', language="zh")]


def test_failed_replace_keeps_old_graph(store):
    store.replace_graph(G1, triples(10))

    def broken():
        yield from triples(5, "b")
        raise RuntimeError("mapper failed midway")

    with pytest.raises(RuntimeError):
        store.replace_graph(G1, broken())
    assert store.count(G1) == 10 and store.ask(f"ASK {{ <{EX}obs/a/3> ?p ?o }}")


KILLER = textwrap.dedent("""
    import sys
    from pyoxigraph import Literal, NamedNode, Triple
    from kg.store import open_store
    store = open_store(sys.argv[1])
    sizes = (3000, 4500)
    data = [[Triple(NamedNode(f"https://ex.org/s/{n}/{i}"), NamedNode("https://ex.org/p"), Literal(str(i)))
             for i in range(n)] for n in sizes]
    k = 0
    while True:
        store.replace_graph("https://ex.org/graph/1", data[k % 2])
        k += 1
        if k == 2:
            print("ready", flush=True)
""")


def test_replace_survives_kill(tmp_path):
    """SIGKILL a writer looping replace_graph: the graph is always one whole version."""
    location = tmp_path / "db"
    for delay in (0.05, 0.13, 0.31):
        proc = subprocess.Popen([sys.executable, "-c", KILLER, str(location)], stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with open_store(location) as store:
            n = store.count(G1)
            assert n in (3000, 4500)
            mixed = f'ASK {{ GRAPH <{G1}> {{ ?s ?p ?o FILTER(!STRSTARTS(STR(?s), "{EX}s/{n}/")) }} }}'
            assert not store.ask(mixed)
            assert store.graphs() == [G1]


def test_second_writer_gets_clear_error(tmp_path):
    location = tmp_path / "db"
    with open_store(location):
        probe = "from kg.store import open_store; import sys; open_store(sys.argv[1])"
        r = subprocess.run([sys.executable, "-c", probe, str(location)], capture_output=True, text=True)
        assert r.returncode != 0
        assert f"StoreError: the store at {location} is in use by another kg process" in r.stderr
        with pytest.raises(StoreError, match="in use by another kg process"):
            open_store(location)  # same process, too
    open_store(location).close()  # released on close


def test_read_only(tmp_path):
    location = tmp_path / "db"
    with pytest.raises(StoreError, match="there is no store"):
        open_store(location, read_only=True)
    with open_store(location) as s:
        s.replace_graph(G1, triples(5))
    with open_store(location, read_only=True) as ro:
        assert ro.count(G1) == 5
        with pytest.raises(StoreError, match="read-only"):
            ro.drop_graph(G1)


def test_bad_locations(tmp_path, monkeypatch):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        open_store(a_file)
    with pytest.raises(StoreError, match="connection refused"):  # a URL is a remote store (test_remote_store.py)
        open_store("http://127.0.0.1:9/sparql")
    monkeypatch.setenv("KG_STORE", str(tmp_path / "from-env"))
    with open_store() as s:
        assert s.location == str(tmp_path / "from-env")
    with pytest.raises(StoreError, match="cannot create the store directory"):
        open_store(a_file / "db")  # parent is a file
    existing = tmp_path / "existing"
    existing.mkdir()
    monkeypatch.setattr("kg.store.embedded.os.access", lambda *a: False)  # as if not ours (root writes anywhere)
    with pytest.raises(StoreError, match=f"the store directory {existing} is not writable"):
        open_store(existing)


def test_queries_and_updates(store):
    store.replace_graph(G1, triples(5))
    store.replace_graph(G2, triples(4, "b"))
    r = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    assert r.variables == ["g", "n"]
    assert [(g.value, int(n.value)) for g, n in r.rows] == [(G1, 5), (G2, 4)]
    # the default graph is the union of all graphs
    assert len(store.select("SELECT ?s WHERE { ?s <https://w3id.org/kg/ontology#printedText> ?o }")) == 2
    # an unbound variable is None; bindings pre-bind variables
    r = store.select("SELECT ?s ?x WHERE { ?s ?p ?o } LIMIT 1", bindings={"s": NamedNode(EX + "x")})
    assert r.rows == [(NamedNode(EX + "x"), None)] or r.rows == []
    assert store.ask("ASK { ?s ?p ?o }") and not store.ask("ASK { ?s <https://ex.org/nothing> ?o }")
    store.update(f"INSERT DATA {{ GRAPH <{G2}> {{ <{EX}a> <{EX}b> 1 }} }}")
    assert store.count(G2) == 5
    store.drop_graph(G2)
    assert store.graphs() == [G1] and store.count(G2) == 0


def test_query_errors(store):
    with pytest.raises(QueryError, match="syntax"):
        store.select("SELEC ?x WHERE { ?x ?y ?z }")
    with pytest.raises(QueryError, match="syntax"):
        store.update("INSERT DAT { }")
    with pytest.raises(QueryError, match="expected a SELECT"):
        store.select("ASK { ?s ?p ?o }")
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
    for _ in range(2):  # replaces, so loading twice changes nothing (blank nodes included)
        assert store.load_file(EX + "onto", ttl, base_iri="https://base.example/") == 2
    assert store.count(EX + "onto") == 2
    assert store.ask("ASK { <https://base.example/thing> ?p ?o }")
    with pytest.raises(StoreError, match="not an RDF graph file"):
        store.load_file(EX + "x", tmp_path / "data.nq")
