"""`kg serve` over HTTP: the SPARQL protocol, the row cap, the timeout, refused updates, the
page's named-query tabs, and the same server over a remote store."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import StoreError
from kg.loading import Loader
from kg.paths import SAMPLE_FILINGS_DIR
from kg.serving import negotiate, query_kind
from kg.stats import store_stats
from kg.store import open_store
from servers import KgServe, OxigraphServer, oxigraph_binary

TIMEOUT = 1.0
MAX_ROWS = 50
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a cross product: minutes


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    location = tmp_path_factory.mktemp("serve") / "kg-store"
    with open_store(location) as s:
        loader = Loader(s)
        loader.ensure_reference_graphs()
        assert [r.status for r in loader.load_paths([SAMPLE_FILINGS_DIR])] == ["loaded"] * 5
    return location


@pytest.fixture(scope="module")
def served(store_dir):
    with KgServe(store_dir, "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS), "--workers", "2") as server:
        yield server


def request(url, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) — HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def sparql(server, query: str, accept: str = "application/sparql-results+json", method: str = "POST"):
    if method == "GET":
        return request(f"{server.url}/sparql?{urlencode({'query': query})}", headers={"Accept": accept})
    return request(f"{server.url}/sparql", urlencode({"query": query}).encode(),
                   {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})


def test_select_in_every_format(served, store_dir):
    q = "PREFIX kgo: <https://w3id.org/kg/ontology#> SELECT ?g ?y WHERE { ?g a kgo:Filing ; kgo:fiscalYear ?y } ORDER BY ?g"
    with open_store(store_dir, read_only=True) as s:
        expected = [(g.value, y.value) for g, y in s.select(q).rows]
    status, headers, body = sparql(served, q)
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
    got = [(b["g"]["value"], b["y"]["value"]) for b in json.loads(body)["results"]["bindings"]]
    assert got == expected and len(got) == 5
    assert headers["X-KG-Rows"] == "5" and "X-KG-Truncated" not in headers
    status, headers, body = sparql(served, q, "text/csv", method="GET")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body.decode().splitlines()[1] == ",".join(expected[0])
    for accept, marker in (("application/sparql-results+xml", b"<sparql"), ("text/tab-separated-values", b"?g\t?y")):
        status, headers, body = sparql(served, q, accept)
        assert status == 200 and marker in body
    status, _, body = request(f"{served.url}/sparql", q.encode(),
                              {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and body.decode().count("\n") == 6


def test_ask_and_construct(served):
    status, _, body = sparql(served, "ASK { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, headers, body = sparql(served, "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t } LIMIT 3", "text/turtle, */*;q=0.9")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and body.count(b" a ") >= 1


def test_row_cap_is_reported(served):
    status, headers, body = sparql(served, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    assert headers["X-KG-Truncated"] == "true" and headers["X-KG-Row-Limit"] == str(MAX_ROWS)
    assert f"first {MAX_ROWS} rows" in headers["X-KG-Notice"]


def test_query_past_the_timeout_is_stopped_and_reported(served):
    t0 = time.monotonic()
    status, _, body = sparql(served, SLOW)
    assert status == 504
    assert f"longer than the {TIMEOUT:g} s limit" in body.decode()
    assert time.monotonic() - t0 < TIMEOUT + 3
    # the killed worker is replaced: queries keep working, and so does a second timeout
    status, _, body = sparql(served, "ASK { ?s ?p ?o }")
    assert status == 200
    assert sparql(served, SLOW)[0] == 504
    deadline = time.monotonic() + 20
    while sparql(served, "ASK { ?s ?p ?o }")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sparql(served, "ASK { ?s ?p ?o }")[0] == 200


@pytest.mark.parametrize("how", ["update form field", "sparql-update body", "update as query", "PUT", "DELETE",
                                 "POST /update", "POST /store"])
def test_updates_are_refused(served, store_dir, how):
    drop = "DROP ALL"
    url = f"{served.url}/sparql"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = {
        "update form field": lambda: request(url, urlencode({"update": drop}).encode(), form),
        "sparql-update body": lambda: request(url, drop.encode(), {"Content-Type": "application/sparql-update"}),
        "update as query": lambda: sparql(served, "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        "PUT": lambda: request(f"{served.url}/store?graph=urn:g", b"<urn:a> <urn:b> <urn:c> .",
                               {"Content-Type": "text/turtle"}, method="PUT"),
        "DELETE": lambda: request(f"{served.url}/store?graph=urn:g", method="DELETE"),
        "POST /update": lambda: request(f"{served.url}/update", urlencode({"update": drop}).encode(), form),
        "POST /store": lambda: request(f"{served.url}/store", b"<urn:a> <urn:b> <urn:c> .",
                                       {"Content-Type": "text/turtle"}),
    }[how]()
    assert status == 403 and "read-only" in body.decode()
    assert sparql(served, "ASK { ?s ?p ?o }")[0] == 200


def test_bad_requests(served):
    status, _, body = sparql(served, "SELEC nothing")
    assert status == 400 and "not a SPARQL query" in body.decode()
    status, _, body = sparql(served, "SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and body
    assert request(f"{served.url}/sparql")[0] == 400
    assert request(f"{served.url}/nowhere")[0] == 404
    assert request(f"{served.url}/static/../../serving.py")[0] == 404


def test_page_and_named_query_tabs(served):
    status, headers, body = request(served.url + "/")
    assert status == 200 and b"yasgui.min.js" in body and b"//cdn" not in body
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert request(served.url + "/static/yasgui/yasgui.min.js")[0] == 200
    status, _, body = request(served.url + "/queries.json")
    tabs = json.loads(body)
    from kg.named_queries import list_queries

    assert [t["name"] for t in tabs] == [q.name for q in list_queries()]
    for tab in tabs:
        assert tab["title"] and tab["query"]
        assert sparql(served, tab["query"])[0] == 200, tab["name"]  # every tab runs as shown


def test_the_endpoint_is_a_remote_store_for_kg(served, store_dir):
    """`--store http://…` pointed at kg serve: kg's own commands read through it."""
    with open_store(served.url) as remote, open_store(store_dir, read_only=True) as local:
        assert store_stats(remote) == store_stats(local)
        with pytest.raises(StoreError, match="permission refused \\(403\\).*kg serve is read-only"):
            remote.replace_graph("urn:kg:test", [])
    result = CliRunner().invoke(main, ["stats", "--store", served.url])
    assert result.exit_code == 0 and "filings        5" in result.output


@pytest.mark.skipif(oxigraph_binary() is None, reason="the oxigraph server is not installed")
def test_serving_a_remote_store(tmp_path, store_dir):
    """The same server over a remote store (an oxigraph server), through the Store interface."""
    with OxigraphServer(tmp_path / "data") as oxigraph:
        with open_store(oxigraph.base_url) as s:
            loader = Loader(s)
            loader.ensure_reference_graphs()
            list(loader.load_paths([SAMPLE_FILINGS_DIR / "003_1a17e53dc63c4bde.txt"]))
            expected = s.count()
        with KgServe(oxigraph.base_url, "--timeout", "3") as served:
            status, _, body = sparql(served, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
            assert status == 200
            assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == expected
            assert sparql(served, "DROP ALL")[0] == 403


def test_helpers():
    assert query_kind("PREFIX a: <urn:a>\n# c\nselect * {}") == "SELECT"
    assert query_kind("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }") == "UPDATE"
    offered = {"application/sparql-results+json": 1, "text/csv": 2}
    assert negotiate("text/csv;q=0.5, application/sparql-results+json", offered) == "application/sparql-results+json"
    assert negotiate("text/*", offered) == "text/csv"
    assert negotiate("*/*", offered) == "application/sparql-results+json"
    assert negotiate("image/png", offered) is None
