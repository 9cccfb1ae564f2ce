"""Load filings into a store: parse, map, replace the filing's graph atomically.

Loading is idempotent: each graph records a fingerprint of the filing's normalised text
and of the mapping, so loading the same filing again (or a re-encoded copy of it) is
``unchanged`` and writes nothing; a changed filing ``replaces`` its graph. A file that
cannot be read or parsed is ``rejected`` before anything is written.

Each file is prepared (parsed, mapped, validated) by ``prepare_filing``, here or in worker
processes (kg.load_pool, ``Loader(jobs=N)``); only the Loader's process writes the store.
"""

from __future__ import annotations

import hashlib
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from kg.errors import FilingError, KgError
from kg.links import LINKS_GRAPH, refresh_links
from kg.mapping import graph_iri, map_filing
from kg.namespaces import DEFAULT_BASE, KGO
from kg.parsing import parse_file
from kg.paths import ONTOLOGY_DIR
from kg.register import Register
from kg.validation.loading import VALIDATION_VERSION, Verdict, check_filing, stored_violations


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
BATCH_TRIPLES = 50_000  # new filings per bulk ingestion, well under the store's atomic batch limit
MIN_FILES_FOR_POOL = 4  # fewer files are prepared in this process: a pool's start-up costs more


@dataclass
class LoadResult:
    path: str
    status: str  # loaded | replaced | unchanged | rejected
    graph: str | None = None
    triples: int = 0
    reason: str = ""
    unresolved: list[str] = field(default_factory=list)
    findings: list = field(default_factory=list)  # kg.validation.Finding, when validated on load
    timings: dict[str, float] = field(default_factory=dict)  # CPU seconds: parse, map, validate, serialise

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


@dataclass(frozen=True)
class LoadSettings:
    """What turning a file into triples depends on (picklable: worker processes get a copy)."""

    base_iri: str
    include_personal: bool
    validate: bool
    strict: bool
    register: Register


@dataclass
class Prepared:
    """One file made ready to write: its result, its graph as N-Triples (None: nothing to
    write), its fingerprint and the stored fingerprint it was compared with. N-Triples,
    because that is what crosses from a worker process cheaply and what the embedded store
    bulk-loads without a Python object per triple."""

    result: LoadResult
    data: bytes | None = None
    fingerprint: str = ""
    previous: str | None = None

    def triples(self) -> list[Triple]:
        return [q.triple for q in parse(self.data, format=RdfFormat.N_TRIPLES)] if self.data else []


def prepare_filing(path: str | Path, settings: LoadSettings, stored: Callable[[str], str | None]) -> Prepared:
    """Parse, map and validate one file; ``stored(graph)`` is the graph's stored fingerprint.

    The per-file work of every load, in this process or in a worker (kg.load_pool); it never
    touches the store. An unchanged filing costs only its parse."""
    clock = _Clock()
    try:
        filing = parse_file(path)
        clock.lap("parse")
    except FilingError as exc:
        reason = exc.reason if exc.line is None else f"line {exc.line}: {exc.reason}"
        return Prepared(LoadResult(str(path), "rejected", reason=reason))
    graph = graph_iri(filing, settings.register, settings.base_iri)
    fingerprint = _fingerprint(filing.sha256, MAPPING_VERSION, settings.base_iri, str(settings.include_personal),
                               VALIDATION_VERSION if settings.validate else "")
    previous = stored(graph)
    if previous == fingerprint:
        return Prepared(LoadResult(str(path), "unchanged", graph), None, fingerprint, previous)
    mapped = map_filing(filing, settings.register, settings.base_iri, settings.include_personal)
    clock.lap("map")
    # -- validation on load (kg.validation): findings are written with the filing ---------
    verdict = check_filing(graph, mapped.triples, settings.strict) if settings.validate else Verdict()
    clock.lap("validate")
    if verdict.reason:
        result = LoadResult(str(path), "rejected", graph, reason=verdict.reason, findings=verdict.findings,
                            timings=clock.laps)
        return Prepared(result, None, fingerprint, previous)
    triples = mapped.triples + verdict.triples + [Triple(NamedNode(graph), FINGERPRINT, Literal(fingerprint))]
    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    clock.lap("serialise")
    status = "loaded" if previous is None else "replaced"
    result = LoadResult(str(path), status, graph, len(triples), unresolved=mapped.unresolved_names,
                        findings=verdict.findings, timings=clock.laps)
    return Prepared(result, data, fingerprint, previous)


class _Clock:
    """CPU seconds of this process spent in each step of preparing a file (LoadResult.timings;
    the benchmarks read them). CPU, not wall time: on a busy machine the wall time of a step
    includes waiting for a core."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.process_time()

    def lap(self, step: str) -> None:
        now = time.process_time()
        self.laps[step] = now - self._last
        self._last = now


class Loader:
    """Loads filings into one store under one base IRI.

    ``jobs`` > 1 prepares files (parse, map, validate) in that many worker processes
    (kg.load_pool) while this process alone writes the store; runs of fewer than
    MIN_FILES_FOR_POOL files are prepared here, since starting a pool is not free."""

    def __init__(self, store, base_iri: str = DEFAULT_BASE, include_personal: bool = False,
                 validate: bool = True, strict: bool = False, jobs: int = 1):
        self.store = store
        self.base_iri = base_iri
        self.include_personal = include_personal
        self.validate = validate or strict  # kg.validation on load: findings stored with the filing
        self.strict = strict  # reject (write nothing for) a filing with violations
        self.jobs = max(1, jobs)
        self.register = Register.load(base_iri)
        self.changed = False  # whether anything was written since the links graph was refreshed

    @property
    def settings(self) -> LoadSettings:
        return LoadSettings(self.base_iri, self.include_personal, self.validate, self.strict, self.register)

    def stored_fingerprint(self, graph: str) -> str | None:
        rows = self.store.select(
            f"SELECT ?f WHERE {{ GRAPH <{graph}> {{ <{graph}> <{FINGERPRINT.value}> ?f }} }}").rows
        return rows[0][0].value if rows else None

    def stored_fingerprints(self) -> dict[str, str]:
        """Every graph's stored fingerprint, with one query."""
        rows = self.store.select(
            f"SELECT ?g ?f WHERE {{ GRAPH ?g {{ ?g <{FINGERPRINT.value}> ?f }} }}").rows
        return {g.value: f.value for g, f in rows}

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

    def prepare(self, path: str | Path) -> tuple[LoadResult, list[Triple] | None]:
        """Parse and map one file against the store: its result and the triples to write (None: nothing to write)."""
        prepared = prepare_filing(path, self.settings, self.stored_fingerprint)
        return self._unchanged(prepared.result), (prepared.triples() if prepared.data is not None else None)

    def _unchanged(self, result: LoadResult) -> LoadResult:
        """A strict load refuses a filing already stored with violations (the store is unchanged)."""
        if self.strict and result.status == "unchanged":
            violations = stored_violations(self.store, result.graph)
            if violations:
                return LoadResult(result.path, "rejected", result.graph,
                                  reason=f"already stored with {violations} violation(s); see kg validate")
        return result

    def load_file(self, path: str | Path) -> LoadResult:
        """Load one file; runs load_paths to its end, so the links graph is refreshed too."""
        return list(self.load_paths([path]))[0]

    def load_paths(self, paths: Iterable[str | Path], on_result: Callable[[LoadResult], None] | None = None) -> Iterator[LoadResult]:
        """Load files and directories; yields one result per file, in input order, once it is written.

        New filings are written in batches of about BATCH_TRIPLES triples with one atomic bulk
        ingestion each (kg.store ``add_new_graphs``): a batch is there entirely or not at all.
        A filing that replaces an existing graph is written on its own with ``replace_graph``
        (old graph or new, never a mix). Files are compared with a snapshot of the stored
        fingerprints taken once, kept up to date with what this run writes."""
        files = expand_paths(paths)
        known = self.stored_fingerprints()
        if self.jobs > 1 and len(files) >= MIN_FILES_FOR_POOL:
            from kg.load_pool import prepare_in_pool

            prepared = prepare_in_pool(files, self.settings, known, min(self.jobs, len(files)))
        else:
            prepared = (prepare_filing(path, self.settings, known.get) for path in files)
        batch = _Batch()
        with closing(prepared):
            for item in prepared:
                yield from self._settle(item, batch, known, on_result)
        yield from self._flush(batch, known, on_result)
        self.refresh_links()

    def _settle(self, prepared: Prepared, batch: "_Batch", known: dict[str, str], on_result) -> Iterator[LoadResult]:
        """Write or queue one prepared file; yields every result this writes."""
        graph = prepared.result.graph
        if graph in batch.graphs:  # the same filing twice in one run: write the first, then compare
            yield from self._flush(batch, known, on_result)
        if graph is not None and known.get(graph) != prepared.previous:  # written since it was prepared
            prepared = prepare_filing(prepared.result.path, self.settings, known.get)
        if prepared.data is None:
            yield _report(self._unchanged(prepared.result), on_result)
        elif prepared.result.status == "replaced":
            yield from self._flush(batch, known, on_result)
            yield _report(self._replace(prepared, known), on_result)
        else:
            batch.add(prepared)
            if batch.size >= BATCH_TRIPLES:
                yield from self._flush(batch, known, on_result)

    def _replace(self, prepared: Prepared, known: dict[str, str]) -> LoadResult:
        result = prepared.result
        try:
            self.store.replace_graph(result.graph, prepared.triples())
        except KgError as exc:
            return LoadResult(result.path, "rejected", result.graph, reason=str(exc))
        known[result.graph] = prepared.fingerprint
        self.changed = True
        return result

    def _flush(self, batch: "_Batch", known: dict[str, str], on_result) -> Iterator[LoadResult]:
        if not batch.graphs:
            return
        results, graphs, fingerprints = batch.take()
        try:
            self.store.add_new_ntriples(graphs)
            self.changed = True
            known.update(fingerprints)
        except KgError as exc:
            results = [LoadResult(r.path, "rejected", r.graph, reason=str(exc)) for r in results]
        for result in results:
            yield _report(result, on_result)

    def refresh_links(self, force: bool = False) -> None:
        """Recompute the derived graph of links between projects of different filings
        (kg/links.py) when a graph was written since the last refresh, or when forced."""
        if self.changed or force or LINKS_GRAPH not in self.store.graphs():
            refresh_links(self.store, self.base_iri)
            self.changed = False


class _Batch:
    """New filings waiting to be written together."""

    def __init__(self):
        self.graphs: dict[str, bytes] = {}  # N-Triples
        self.fingerprints: dict[str, str] = {}
        self.results: list[LoadResult] = []
        self.size = 0

    def add(self, prepared: Prepared) -> None:
        graph = prepared.result.graph
        self.graphs[graph] = prepared.data
        self.fingerprints[graph] = prepared.fingerprint
        self.results.append(prepared.result)
        self.size += prepared.result.triples

    def take(self) -> tuple[list[LoadResult], dict[str, bytes], dict[str, str]]:
        taken = (self.results, self.graphs, self.fingerprints)
        self.__init__()
        return taken


def _report(result: LoadResult, on_result) -> LoadResult:
    if on_result:
        on_result(result)
    return result
