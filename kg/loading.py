"""Load filings into a store: parse, map, replace the filing's graph atomically.

Loading is idempotent: each graph records a fingerprint of the filing's normalised text
and of the mapping, so loading the same filing again (or a re-encoded copy of it) is
``unchanged`` and writes nothing; a changed filing ``replaces`` its graph. A file that
cannot be read or parsed is ``rejected`` before anything is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from kg.errors import FilingError, KgError
from kg.links import LINKS_GRAPH, refresh_links
from kg.mapping import graph_iri, map_filing
from kg.namespaces import DEFAULT_BASE, KGO
from kg.parsing import parse_file
from kg.paths import ONTOLOGY_DIR
from kg.register import Register



def _code_version() -> str:
    """A hash of the code that turns a file into triples: a new parser or mapper reloads graphs."""
    package = Path(__file__).resolve().parent
    files = sorted(package.glob("parsing/*.py")) + [package / n for n in ("mapping.py", "amounts.py", "reading.py", "model.py")]
    files += [package / "themes.py", package / "projects.py", ONTOLOGY_DIR / "themes.ttl"]  # theme rules, project titles
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


MAPPING_VERSION = _code_version()
FINGERPRINT = NamedNode(KGO + "fingerprint")
ONTOLOGY_GRAPH_PREFIX = "https://w3id.org/kg/graph/"
FILING_SUFFIXES = (".txt",)


@dataclass
class LoadResult:
    path: str
    status: str  # loaded | replaced | unchanged | rejected
    graph: str | None = None
    triples: int = 0
    reason: str = ""
    unresolved: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "rejected"


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories contribute their ``*.txt`` files, recursively, sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in FILING_SUFFIXES))
        else:
            out.append(p)
    return out


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class Loader:
    """Loads filings into one store under one base IRI."""

    def __init__(self, store, base_iri: str = DEFAULT_BASE, include_personal: bool = False):
        self.store = store
        self.base_iri = base_iri
        self.include_personal = include_personal
        self.register = Register.load(base_iri)
        self.changed = False  # whether anything was written since the links graph was refreshed

    def stored_fingerprint(self, graph: str) -> str | None:
        rows = self.store.select(
            f"SELECT ?f WHERE {{ GRAPH <{graph}> {{ <{graph}> <{FINGERPRINT.value}> ?f }} }}").rows
        return rows[0][0].value if rows else None

    def _write(self, graph: str, triples: list[Triple], fingerprint: str) -> str:
        """Replace ``graph`` unless its fingerprint matches; return loaded/replaced/unchanged."""
        previous = self.stored_fingerprint(graph)
        if previous == fingerprint:
            return "unchanged"
        triples.append(Triple(NamedNode(graph), FINGERPRINT, Literal(fingerprint)))
        self.store.replace_graph(graph, triples)
        self.changed = True
        return "loaded" if previous is None else "replaced"

    def ensure_reference_graphs(self) -> list[LoadResult]:
        """Load the ontology, vocabularies and register (ontology/*.ttl), one graph per file."""
        results = []
        for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
            graph = ONTOLOGY_GRAPH_PREFIX + path.stem
            data = path.read_bytes()
            fingerprint = _fingerprint(hashlib.sha256(data).hexdigest(), self.base_iri)
            if self.stored_fingerprint(graph) == fingerprint:
                results.append(LoadResult(str(path), "unchanged", graph))
                continue
            triples = [q.triple for q in parse(data, format=RdfFormat.TURTLE, base_iri=self.base_iri)]
            status = self._write(graph, triples, fingerprint)
            results.append(LoadResult(str(path), status, graph, len(triples)))
        return results

    def load_file(self, path: str | Path) -> LoadResult:
        try:
            filing = parse_file(path)
        except FilingError as exc:
            return LoadResult(str(path), "rejected", reason=exc.reason if exc.line is None else f"line {exc.line}: {exc.reason}")
        graph = graph_iri(filing, self.register, self.base_iri)
        fingerprint = _fingerprint(filing.sha256, MAPPING_VERSION, self.base_iri, str(self.include_personal))
        if self.stored_fingerprint(graph) == fingerprint:
            return LoadResult(str(path), "unchanged", graph)
        mapped = map_filing(filing, self.register, self.base_iri, self.include_personal)
        try:
            status = self._write(mapped.graph, mapped.triples, fingerprint)
        except KgError as exc:
            return LoadResult(str(path), "rejected", mapped.graph, reason=str(exc))
        return LoadResult(str(path), status, mapped.graph, len(mapped.triples), unresolved=mapped.unresolved_names)

    def load_paths(self, paths: Iterable[str | Path], on_result: Callable[[LoadResult], None] | None = None) -> Iterator[LoadResult]:
        for path in expand_paths(paths):
            result = self.load_file(path)
            if on_result:
                on_result(result)
            yield result
        self.refresh_links()

    def refresh_links(self, force: bool = False) -> None:
        """Recompute the derived graph of links between projects of different filings
        (kg/links.py) when a graph was written since the last refresh, or when forced."""
        if self.changed or force or LINKS_GRAPH not in self.store.graphs():
            refresh_links(self.store, self.base_iri)
            self.changed = False
