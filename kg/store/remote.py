"""The remote backend: any SPARQL 1.1 server, named by an http(s) URL.

Queries go to the query endpoint (SPARQL 1.1 Protocol, POSTed as a form), updates to the
update endpoint (``application/sparql-update``), and a filing's graph is replaced by ONE
Graph Store Protocol request, ``PUT <gsp>?graph=<g>`` with the graph as N-Triples, which
the server runs as one transaction: readers and a restart after a crash see the old graph
or the new one, never a part. (Checked for ``oxigraph serve``, by killing it mid-load in
tests/test_remote_store.py. For a server whose PUT is not transactional, set
``replace_with = "update"``: one SPARQL Update ``DROP SILENT GRAPH … ; INSERT DATA …``.)

Results come back as pyoxigraph terms: SELECT/ASK results are asked for as SPARQL JSON
(XML and TSV accepted too) and parsed with ``pyoxigraph.parse_query_results``;
CONSTRUCT/DESCRIBE as N-Triples or Turtle, parsed with ``pyoxigraph.parse``.

As in the embedded store, a query's default graph is the union of all named graphs: how the
server is asked for that is ``RemoteConfig.union_default_graph`` (Oxigraph's
``union-default-graph`` parameter; or every graph named in the request's dataset, which any
SPARQL 1.1 server honours; or the server's own configuration, which the first query checks).
Graphs that belong to the server itself (``ignore_graphs``: Virtuoso's system graphs) are
neither listed nor queried.

Bindings become a VALUES block at the top of the WHERE group (kg.store.sparql_values).
Settings (URLs, credentials, timeouts) are described in kg.store.remote_config.
"""

from __future__ import annotations

import time
from typing import BinaryIO, Iterable, Iterator
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.namespaces import PREFIXES
from kg.store import DATASET_FORMATS, FORMATS, SelectResult, Store, Term
from kg.store.http import Credentials, HttpClient, Response
from kg.store.remote_config import UNION_DATASET, UNION_PARAMETER, UNION_SERVER, RemoteConfig, load_remote_config
from kg.store.sparql_values import bind_values

RESULTS_ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
                  "text/tab-separated-values;q=0.8")
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
_RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPHS_TTL = 5.0  # seconds a graph list is reused for the "dataset" union mode
EMPTY_GRAPH = "urn:kg:no-graph"  # the dataset of a store without graphs
_RDF_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class RemoteStore(Store):
    def __init__(self, config: RemoteConfig, *, read_only: bool = False):
        self.config = config
        self.location = config.location
        self.read_only = read_only
        self._union_checked = config.union_default_graph != UNION_SERVER
        self._graphs_cache: tuple[float, list[str]] | None = None
        self._http: HttpClient | None = HttpClient(
            Credentials(config.auth, config.user, config.password, config.token),
            connect_timeout=config.connect_timeout, read_timeout=config.read_timeout, retries=config.retries,
        )

    @classmethod
    def open(cls, location: str, read_only: bool = False) -> "RemoteStore":
        """Open the store at ``location`` and check that its query endpoint answers."""
        store = cls(load_remote_config(location), read_only=read_only)
        store._query_raw("ASK {}", RESULTS_ACCEPT, dataset=False)
        return store

    # -- writing ---------------------------------------------------------------------------

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        g = _graph(graph)
        self._check_writable(f"replacing graph {graph}")
        if self.config.replace_with == "update":
            body = _statements(triples)
            update = f"DROP SILENT GRAPH {g}"
            if body:
                update += f" ;\nINSERT DATA {{ GRAPH {g} {{\n{body} .\n}} }}"
            self._update(update, f"replacement of graph {graph}")
            return
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if not data:
            self.drop_graph(graph)
            return
        # N-Triples is Turtle too; text/turtle is the one type every GSP server takes
        self._graphs_cache = None
        self.http.request("PUT", self._gsp_url(graph), data, {"Content-Type": "text/turtle; charset=utf-8"},
                          what="graph replacement (Graph Store Protocol PUT)", rejected=StoreError)

    def add_new_graphs(self, graphs: dict[str, list[ox.Triple]]) -> None:
        """With ``replace_with = "update"``: one ``INSERT DATA`` for all the graphs, one
        transaction, all or none. With ``"gsp"``: one PUT per graph, each whole or absent
        (Virtuoso's SPARQL compiler, for one, cannot take a few thousand triples inline)."""
        self._check_writable("adding graphs")
        if self.config.replace_with == "gsp":
            for graph, triples in graphs.items():
                self.replace_graph(graph, triples)
            return
        blocks = []
        for graph, triples in graphs.items():
            body = _statements(triples)
            if body:
                blocks.append(f"GRAPH {_graph(graph)} {{\n{body} .\n}}")
        if blocks:
            self._update("INSERT DATA {\n" + "\n".join(blocks) + "\n}", f"addition of {len(blocks)} graphs")

    def drop_graph(self, graph: str) -> None:
        self._check_writable(f"dropping graph {graph}")
        self._update(f"DROP SILENT GRAPH {_graph(graph)}", f"drop of graph {graph}")

    def update(self, sparql: str) -> None:
        self._check_writable("update")
        self._update(sparql, "update")


    def _update(self, sparql: str, what: str) -> None:
        self._graphs_cache = None
        self.http.request("POST", self.config.update_url, sparql.encode("utf-8"),
                          {"Content-Type": "application/sparql-update; charset=utf-8"}, what=what)

    def _check_writable(self, what: str) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only; {what} needs a writer")

    def _gsp_url(self, graph: str) -> str:
        sep = "&" if "?" in self.config.gsp_url else "?"
        return f"{self.config.gsp_url}{sep}graph={quote(graph, safe='')}"

    # -- reading ---------------------------------------------------------------------------

    def graphs(self) -> list[str]:
        graphs = sorted(self._graph_sizes())
        self._graphs_cache = (time.monotonic(), graphs)
        return graphs

    def _graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, the server's own graphs left out. (GROUP BY, because
        Virtuoso answers ``SELECT DISTINCT ?g`` over all quads a thousand times slower.)"""
        rows = self._select_raw("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                                dataset=False).rows
        ignored = self.config.ignore_graphs
        return {g.value: int(n.value) for g, n in rows
                if isinstance(g, ox.NamedNode) and not g.value.startswith(ignored)}

    def _known_graphs(self) -> list[str]:
        if self._graphs_cache is None or time.monotonic() - self._graphs_cache[0] > GRAPHS_TTL:
            return self.graphs()
        return self._graphs_cache[1]

    def select(self, sparql: str, bindings: dict[str, Term] | None = None) -> SelectResult:
        self._ensure_union()
        return self._select_raw(bind_values(sparql, bindings))

    def ask(self, sparql: str, bindings: dict[str, Term] | None = None) -> bool:
        self._ensure_union()
        results = self._parse_results(self._query_raw(bind_values(sparql, bindings), RESULTS_ACCEPT))
        if not isinstance(results, ox.QueryBoolean):
            raise QueryError("expected an ASK query")
        return bool(results)

    def construct(self, sparql: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        self._ensure_union()
        response = self._query_raw(bind_values(sparql, bindings), RDF_ACCEPT)
        if response.content_type in _RESULTS_FORMATS:
            raise QueryError("expected a CONSTRUCT or DESCRIBE query")
        fmt = _rdf_format(response)
        try:
            return [q.triple for q in ox.parse(response.body, format=fmt)]
        except SyntaxError as e:
            raise StoreError(f"{self.config.query_url}: unreadable {fmt} from the server: {e}") from None

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return sum(self._graph_sizes().values())
        rows = self._select_raw(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_graph(graph)} {{ ?s ?p ?o }} }}").rows
        return int(rows[0][0].value)

    def dump(self, out: BinaryIO, fmt: str = "nquads", graph: str | None = None) -> None:
        if fmt not in FORMATS:
            raise StoreError(f"unknown dump format {fmt!r}; choose one of {', '.join(FORMATS)}")
        rdf_format = _RDF_FORMATS[fmt]
        if fmt in DATASET_FORMATS:
            graphs = [graph] if graph else self.graphs()
            ox.serialize(self._quads(graphs), out, rdf_format, prefixes=PREFIXES)
        elif graph is not None:
            ox.serialize(self._graph_triples(graph), out, rdf_format, prefixes=PREFIXES)
        else:
            self._ensure_union()
            rows = self._select_raw("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }").rows
            ox.serialize((ox.Triple(*row) for row in rows), out, rdf_format, prefixes=PREFIXES)

    def _quads(self, graphs: list[str]) -> Iterator[ox.Quad]:
        for g in graphs:
            name = ox.NamedNode(g)
            for t in self._graph_triples(g):
                yield ox.Quad(t.subject, t.predicate, t.object, name)

    def _graph_triples(self, graph: str) -> list[ox.Triple]:
        return self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_graph(graph)} {{ ?s ?p ?o }} }}")

    # -- protocol --------------------------------------------------------------------------

    def _select_raw(self, sparql: str, dataset: bool = True) -> SelectResult:
        results = self._parse_results(self._query_raw(sparql, RESULTS_ACCEPT, dataset))
        if not isinstance(results, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in results.variables]
        try:
            return SelectResult(names, [tuple(s[n] for n in names) for s in results])
        except SyntaxError as e:
            raise StoreError(f"{self.config.query_url}: unreadable results from the server: {e}") from None

    def _query_raw(self, sparql: str, accept: str, dataset: bool = True) -> Response:
        params = [("query", sparql)]
        union = self.config.union_default_graph
        if union == UNION_PARAMETER:
            params.append(("union-default-graph", ""))
        elif union == UNION_DATASET and dataset:
            graphs = self._known_graphs() or [EMPTY_GRAPH]
            params += [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        return self.http.request(
            "POST", self.config.query_url, urlencode(params).encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}, what="query",
        )

    def _parse_results(self, response: Response):
        fmt = _RESULTS_FORMATS.get(response.content_type)
        if fmt is None:
            raise StoreError(f"{self.config.query_url}: the server answered with {response.content_type or 'no type'}, "
                             "not SPARQL results (is this a SPARQL query endpoint?)")
        try:
            return ox.parse_query_results(response.body, fmt)
        except SyntaxError as e:
            raise StoreError(f"{self.config.query_url}: unreadable SPARQL results from the server: {e}") from None

    def _ensure_union(self) -> None:
        """Once per store: when the server is trusted to show the union of all graphs as the
        default graph, check that a triple of some named graph is visible without GRAPH."""
        if self._union_checked:
            return
        self._union_checked = True
        rows = self._select_raw("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                                "FILTER(isIRI(?s) && !isBLANK(?o)) } LIMIT 1").rows
        if not rows:
            return
        s, p, o = rows[0]
        visible = self._parse_results(self._query_raw(f"ASK {{ {s} {p} {o} }}", RESULTS_ACCEPT))
        if not bool(visible):
            raise StoreError(
                f"{self.location}: the server's default graph is not the union of its named graphs, "
                "which kg's queries expect: configure the server so (Fuseki: tdb2:unionDefaultGraph true; "
                "oxigraph: --union-default-graph), or set KG_UNION_DEFAULT_GRAPH=dataset "
                "(or union_default_graph = \"dataset\" in the config file)")

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def http(self) -> HttpClient:
        if self._http is None:
            raise StoreError(f"the store at {self.location} is closed")
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<RemoteStore {self.location} ({self.config.server}) {mode}>"


def _graph(graph: str) -> str:
    try:
        return str(ox.NamedNode(graph))
    except ValueError as e:
        raise StoreError(f"not a valid graph IRI: {graph!r} ({e})") from None


def _statements(triples: Iterable[ox.Triple]) -> str:
    """Triples in N-Triples form for an INSERT DATA block (terms were validated when built)."""
    return " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)


def _rdf_format(response: Response) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_media_type(response.content_type) if response.content_type else None
    if fmt is None and response.content_type == "text/plain":
        fmt = ox.RdfFormat.N_TRIPLES  # N-Triples as served by older servers
    if fmt is None:
        raise StoreError(f"the server answered a CONSTRUCT with {response.content_type or 'no type'}, not RDF")
    return fmt
