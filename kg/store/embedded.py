"""The embedded backend: an on-disk Oxigraph store (RocksDB) in a directory.

Atomic graph replacement. ``replace_graph`` sends ONE SPARQL update,
``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }``. pyoxigraph runs a whole update
request in a single storage transaction ("either the full operation succeeds, or nothing is
written to the database"), committed as one RocksDB write batch, so a reader, a later open,
or a restart after the process was killed sees the old graph or the new one, never a mix.
There is nothing to recover on open: no staging graph is ever written. A staging graph
filled with ``Store.extend`` and then ``MOVE``d is atomic too but takes two transactions,
leaves debris if killed between them, and measured about twice as slow; ``bulk_extend`` is
not transactional at all (it writes SST files directly).

Terms are written into the update in their N-Triples form (``str(term)``), which SPARQL
accepts; IRIs were validated when their NamedNode was built, so nothing can be injected.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Iterable

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.namespaces import PREFIXES
from kg.store import DATASET_FORMATS, FORMATS, SelectResult, Store, Term

#: Below this many quads pyoxigraph's bulk loader writes one batch, ingested atomically
#: (its own batch size is a million; we stay far below it).
BULK_BATCH_LIMIT = 200_000

_RDF_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class EmbeddedStore(Store):
    def __init__(self, path: Path, *, read_only: bool = False):
        self.location = str(path)
        self.read_only = read_only
        self._store: ox.Store | None = _open(path, read_only)

    # -- writing ---------------------------------------------------------------------------

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        g = _graph(graph)
        body = " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)
        update = f"DROP SILENT GRAPH {g}"
        if body:
            update += f" ;\nINSERT DATA {{ GRAPH {g} {{\n{body} .\n}} }}"
        self._write(update, what=f"replacing graph {graph}")

    def add_new_graphs(self, graphs: dict[str, list[ox.Triple]]) -> None:
        """One ``bulk_extend`` of all the graphs' quads. Below the bulk loader's batch size
        (BULK_BATCH_LIMIT quads) it writes one set of SST files and ingests them into every index in
        a single RocksDB ``IngestExternalFiles`` call, which is atomic: after a kill the
        batch is there entirely or not at all. Callers keep batches well under that size."""
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only; loading needs a writer")
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                 for g, triples in graphs.items() for t in triples]
        if len(quads) >= BULK_BATCH_LIMIT:  # too big for one atomic ingestion: one transaction per graph
            return super().add_new_graphs(graphs)
        try:
            self._db.bulk_extend(quads)
        except OSError as e:
            raise StoreError(f"the store at {self.location}: adding graphs failed: {e}") from None

    def add_new_ntriples(self, graphs: dict[str, bytes]) -> None:
        """One ``bulk_load`` of the graphs as N-Quads: atomic like ``add_new_graphs`` (the same
        bulk loader, one ingestion below BULK_BATCH_LIMIT quads), and no Python object per
        triple. Each N-Triples line ``s p o .`` becomes ``s p o <graph> .``: N-Triples escapes
        line breaks inside literals, so every ``" .\\n"`` ends a statement."""
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only; loading needs a writer")
        if sum(data.count(b"\n") for data in graphs.values()) >= BULK_BATCH_LIMIT:
            return super().add_new_ntriples(graphs)
        nquads = b"".join(data.replace(b" .\n", b" " + _graph(g).encode() + b" .\n") for g, data in graphs.items())
        try:
            self._db.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as e:
            raise StoreError(f"the store at {self.location}: adding graphs failed: {e}") from None

    def drop_graph(self, graph: str) -> None:
        self._write(f"DROP SILENT GRAPH {_graph(graph)}", what=f"dropping graph {graph}")

    def update(self, sparql: str) -> None:
        self._write(sparql, what="update")


    def _write(self, update: str, what: str) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.location} is open read-only; {what} needs a writer")
        try:
            self._db.update(update)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from None
        except OSError as e:
            raise StoreError(f"the store at {self.location} failed {what}: {e}") from None

    # -- reading ---------------------------------------------------------------------------

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._db.named_graphs() if isinstance(g, ox.NamedNode))

    def select(self, sparql: str, bindings: dict[str, Term] | None = None) -> SelectResult:
        def collect(results):
            if not isinstance(results, ox.QuerySolutions):
                raise QueryError("expected a SELECT query")
            names = [v.value for v in results.variables]
            return SelectResult(names, [tuple(s[n] for n in names) for s in results])

        return self._query(sparql, bindings, collect)

    def ask(self, sparql: str, bindings: dict[str, Term] | None = None) -> bool:
        def collect(results):
            if not isinstance(results, ox.QueryBoolean):
                raise QueryError("expected an ASK query")
            return bool(results)

        return self._query(sparql, bindings, collect)

    def construct(self, sparql: str, bindings: dict[str, Term] | None = None) -> list[ox.Triple]:
        def collect(results):
            if not isinstance(results, ox.QueryTriples):
                raise QueryError("expected a CONSTRUCT or DESCRIBE query")
            return list(results)

        return self._query(sparql, bindings, collect)

    def _query(self, sparql, bindings, collect):
        substitutions = {ox.Variable(k.lstrip("?$")): v for k, v in (bindings or {}).items()}
        try:
            # results are lazy: evaluation errors surface while collecting
            return collect(self._db.query(sparql, use_default_graph_as_union=True,
                                          substitutions=substitutions or None))
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from None
        except OSError as e:
            raise StoreError(f"the store at {self.location} failed a query: {e}") from None
        except (ValueError, RuntimeError) as e:
            raise QueryError(str(e)) from None

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._db)
        result = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_graph(graph)} {{ ?s ?p ?o }} }}")
        return int(result.rows[0][0].value)

    def dump(self, out: BinaryIO, fmt: str = "nquads", graph: str | None = None) -> None:
        if fmt not in FORMATS:
            raise StoreError(f"unknown dump format {fmt!r}; choose one of {', '.join(FORMATS)}")
        rdf_format = _RDF_FORMATS[fmt]
        g = ox.NamedNode(graph) if graph else None
        if fmt in DATASET_FORMATS:
            quads = self._db if g is None else self._db.quads_for_pattern(None, None, None, g)
            ox.serialize(quads, out, rdf_format, prefixes=PREFIXES)
        elif g is not None:
            self._db.dump(out, rdf_format, from_graph=g, prefixes=PREFIXES)
        else:
            rows = self.select("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }").rows
            ox.serialize((ox.Triple(*row) for row in rows), out, rdf_format, prefixes=PREFIXES)

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def _db(self) -> ox.Store:
        if self._store is None:
            raise StoreError(f"the store at {self.location} is closed")
        return self._store

    def close(self) -> None:
        """Flush and release the directory (the RocksDB lock goes with the last reference)."""
        if self._store is not None:
            if not self.read_only:
                self._store.flush()
            self._store = None

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<EmbeddedStore {self.location} {mode}>"


def _graph(graph: str) -> str:
    """``<graph>`` for a SPARQL text, after checking it is an absolute IRI."""
    try:
        return str(ox.NamedNode(graph))
    except ValueError as e:
        raise StoreError(f"not a valid graph IRI: {graph!r} ({e})") from None


def _open(path: Path, read_only: bool) -> ox.Store:
    if path.exists() and not path.is_dir():
        raise StoreError(f"the store location {path} is a file, not a store directory")
    if read_only:
        if not (path / "CURRENT").is_file():
            raise StoreError(f"there is no store at {path}")
        try:  # Oxigraph: reading beside an active writer is undefined behaviour, may fail here
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as e:
            raise StoreError(f"cannot open the store at {path} read-only "
                             f"(is a kg process writing to it?): {e}") from None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot create the store directory {path}: {e.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise StoreError(f"the store directory {path} is not writable")
    try:
        return ox.Store(str(path))
    except OSError as e:
        if "lock" in str(e).lower():
            raise StoreError(
                f"the store at {path} is in use by another kg process "
                "(one writer at a time; close it, or open the store read-only to query)"
            ) from None
        raise StoreError(f"cannot open the store at {path}: {e}") from None
