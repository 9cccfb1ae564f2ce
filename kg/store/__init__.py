"""Where the graphs live. Knows nothing of budgets.

A store holds one named graph per filing (plus the ontology and register graphs). Callers
use the small ``Store`` interface below with pyoxigraph terms (NamedNode, Literal, BlankNode,
Triple, Quad) as the currency, so a remote SPARQL endpoint can be added later as one more
backend without touching them.

Backends are registered by the kind of location they serve, in the manner of rdflib's
plugin registry: ``"embedded"`` (a directory path, the default) and ``"remote"`` (an
http(s) URL of a SPARQL 1.1 server, kg.store.remote). ``open_store`` picks the backend from
the location.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Union

import pyoxigraph as ox
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.errors import StoreError

Term = Union[NamedNode, BlankNode, Literal, Triple]

DEFAULT_LOCATION = "./kg-store"
ENV_VAR = "KG_STORE"

#: dump formats by name; "dataset" formats write every graph, the others one graph or the union
DATASET_FORMATS = ("nquads", "trig", "jsonld")
GRAPH_FORMATS = ("turtle", "ntriples", "rdfxml")
FORMATS = DATASET_FORMATS + GRAPH_FORMATS


@dataclass
class SelectResult:
    """The answer to a SELECT query: variable names (without ``?``) and one tuple per
    solution, in the same order, with ``None`` for an unbound variable."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def dicts(self) -> list[dict[str, Term | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]


class Store(ABC):
    """The operations kg needs from a quad store.

    Queries see the union of all graphs as their default graph (as ``oxigraph serve
    --union-default-graph`` does), so a query over every filing needs no GRAPH clause;
    ``GRAPH ?g { … }`` still addresses single filings. Updates address real graphs.
    Works as a context manager (``with open_store() as store: …``)."""

    location: str
    read_only: bool

    @abstractmethod
    def replace_graph(self, graph: str, triples: Iterable[Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``, atomically: afterwards the graph is either
        fully the new content or, if anything failed (or the process was killed), still fully
        the old one. Loading the same triples twice changes nothing."""

    def add_new_graphs(self, graphs: dict[str, list[Triple]]) -> None:
        """Add graphs that do not exist yet (the caller checks that they are new): the fast
        path for loading many filings. The embedded store writes them all or none; this
        default writes one ``replace_graph`` per graph, so each graph is all or none."""
        for graph, triples in graphs.items():
            self.replace_graph(graph, triples)

    def add_new_ntriples(self, graphs: dict[str, bytes]) -> None:
        """``add_new_graphs`` with each graph given as N-Triples (what kg.loading's workers
        produce): the embedded store bulk-loads them without building a Python object per
        triple; this default parses them."""
        self.add_new_graphs({g: [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
                             for g, data in graphs.items()})

    @abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a graph and its triples (no error if it does not exist)."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""

    @abstractmethod
    def select(self, sparql: str, bindings: dict[str, Term] | None = None) -> SelectResult:
        """Run a SELECT query; ``bindings`` pre-binds variables (name without ``?``)."""

    @abstractmethod
    def ask(self, sparql: str, bindings: dict[str, Term] | None = None) -> bool: ...

    @abstractmethod
    def construct(self, sparql: str, bindings: dict[str, Term] | None = None) -> list[Triple]:
        """Run a CONSTRUCT or DESCRIBE query."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update, as one transaction."""

    @abstractmethod
    def count(self, graph: str | None = None) -> int:
        """Number of triples in ``graph``, or of quads in the whole dataset when None."""

    @abstractmethod
    def dump(self, out: BinaryIO, fmt: str = "nquads", graph: str | None = None) -> None:
        """Serialise to ``out``. nquads/trig/jsonld write the whole dataset with its graphs
        (or only ``graph``). turtle/ntriples/rdfxml write ``graph``, or when it is None the
        merge (set union) of all graphs, which loses which filing stated what: use a
        dataset format to keep that."""

    def load_file(self, graph: str, path: str | os.PathLike, base_iri: str | None = None) -> int:
        """Replace ``graph`` with the triples of an RDF file (format from its extension),
        resolving relative IRIs against ``base_iri``. Returns the number of triples."""
        path = Path(path)
        try:
            fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
        except ValueError:
            fmt = None
        if fmt is None or fmt.supports_datasets:
            raise StoreError(f"{path}: not an RDF graph file (expected .ttl, .nt, .rdf …)")
        try:
            triples = list(ox.parse(path=str(path), format=fmt, base_iri=base_iri))
        except (SyntaxError, OSError) as e:
            raise StoreError(f"{path}: {e}") from None
        self.replace_graph(graph, triples)
        return len(triples)

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


Opener = Callable[[str, bool], Store]
_BACKENDS: dict[str, Opener] = {}


def register_backend(kind: str, opener: Opener) -> None:
    """Register the opener for a kind of location: ``"embedded"`` (paths) or ``"remote"`` (URLs)."""
    _BACKENDS[kind] = opener


def location_kind(location: str) -> str:
    return "remote" if location.lower().startswith(("http://", "https://")) else "embedded"


def resolve_location(location: str | os.PathLike | None = None) -> str:
    """The store location: the argument, else ``$KG_STORE``, else ``./kg-store``."""
    if location is None or str(location) == "":
        location = os.environ.get(ENV_VAR) or DEFAULT_LOCATION
    return str(location)


def open_store(location: str | os.PathLike | None = None, *, read_only: bool = False) -> Store:
    """Open (creating if needed, unless ``read_only``) the store at ``location``.

    Raises StoreError with the location named when it cannot be opened: locked by another
    writer, not a directory, not writable, or a kind of location no backend serves."""
    where = resolve_location(location)
    kind = location_kind(where)
    opener = _BACKENDS.get(kind)
    if opener is None:
        raise StoreError(f"{where}: no store backend for {kind} locations")
    return opener(where, read_only)


def _register_builtin_backends() -> None:
    from kg.store.embedded import EmbeddedStore
    from kg.store.remote import RemoteStore

    register_backend("embedded", lambda where, read_only: EmbeddedStore(Path(where), read_only=read_only))
    register_backend("remote", RemoteStore.open)


_register_builtin_backends()

__all__ = [
    "DATASET_FORMATS",
    "FORMATS",
    "GRAPH_FORMATS",
    "SelectResult",
    "Store",
    "Term",
    "open_store",
    "register_backend",
    "resolve_location",
]
