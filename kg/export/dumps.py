"""RDF dumps: the whole store, and each graph on its own, from ONE read of the store.

* ``kg.nq`` and ``kg.trig``: every quad, one named graph per filing (plus the ontology,
  register and vocabulary graphs), as the store holds them;
* per filing, ``filing/<org>/<year>-<kind>.ttl`` and ``.jsonld``; per other graph,
  ``graph/<name>.ttl`` and ``.jsonld``;
* ``context.jsonld``: the context every JSON-LD file embeds.

Reading a large store is the expensive part (pyoxigraph decodes about 200,000 quads a second
from RocksDB), so the store is read once, into ``kg.nq``. That file is then parsed as a stream
(five times faster), one graph at a time, twice and at the same time: here, to show every
graph to the *visitors* (the CSV table, the VoID vocabulary list), which would otherwise each
need a pass over the store; and in a second process (:mod:`kg.export.graph_writer`), which
writes each graph as Turtle, as JSON-LD and as a block of ``kg.trig``.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Protocol

import pyoxigraph as ox

from kg.errors import KgError
from kg.export.files import FileRecord, Folder
from kg.export.inventory import Inventory, safe_path
from kg.export.jsonld import CONTEXT_FILE, context_document, jsonld_document
from kg.export.terms import EXPORT_PREFIXES

NQUADS_FILE = "kg.nq"
TRIG_FILE = "kg.trig"
WHOLE_DUMPS = {"nquads": NQUADS_FILE, "trig": TRIG_FILE}


class GraphVisitor(Protocol):
    """Sees every graph's triples once, while the dumps are written."""

    def visit(self, graph: str | None, quads: list[ox.Quad]) -> None: ...


@dataclass(frozen=True)
class GraphFiles:
    graph: str
    path: str  # without extension
    triples: int
    trig_span: tuple[int, int]  # byte range of the graph's block in kg.trig

    @property
    def turtle(self) -> str:
        return self.path + ".ttl"

    @property
    def jsonld(self) -> str:
        return self.path + ".jsonld"


def graph_paths(inv: Inventory) -> dict[str, str]:
    """Folder path (without extension) for every graph: filings by their IRI, others by name."""
    paths = {f.graph: f.path for f in inv.filings}
    taken = set(paths.values())
    for g in inv.other_graphs:
        base = "graph/" + safe_path(g.rstrip("/#").rsplit("/", 1)[-1])
        path = base
        for i in itertools.count(2):
            if path not in taken:
                break
            path = f"{base}-{i}"
        paths[g] = path
        taken.add(path)
    return paths


def prefix_header() -> bytes:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in EXPORT_PREFIXES.items()).encode("utf-8")


def prefix_lines_end(data: bytes) -> int:
    """Where the leading ``@prefix`` lines of a Turtle or TriG text end."""
    end = 0
    while data.startswith(b"@prefix ", end):
        end = data.index(b"\n", end) + 1
    return end


def graph_chunks(nquads: Path) -> Iterator[tuple[ox.NamedNode | None, list[ox.Quad]]]:
    """The quads of the dump, one graph at a time (both store backends dump graph by graph)."""
    seen = set()
    quads = ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    for graph, chunk in itertools.groupby(quads, key=lambda q: q.graph_name):
        if graph in seen:
            raise KgError(f"the store's N-Quads dump is not grouped by graph ({graph} comes back)")
        seen.add(graph)
        yield (graph if isinstance(graph, ox.NamedNode) else None), list(chunk)


def write_dumps(store, inv: Inventory, folder: Folder,
                visitors: Iterable[GraphVisitor] = ()) -> tuple[dict[str, GraphFiles], int]:
    """Write the whole-store dumps, every graph's Turtle and JSON-LD, and context.jsonld, showing
    every graph to the visitors. Returns the per-graph files by graph IRI, and the number of
    quads pyoxigraph read back from kg.nq (which the caller compares with the store's)."""
    with open(folder.path(NQUADS_FILE), "wb") as out:
        store.dump(out, "nquads")
    folder.write_bytes(CONTEXT_FILE, context_document())
    paths = graph_paths(inv)
    total = 0
    with _GraphWriter(folder, paths) as writer:
        for graph, quads in graph_chunks(folder.root / NQUADS_FILE):
            total += len(quads)
            for visitor in visitors:
                visitor.visit(graph.value if graph is not None else None, quads)
        written = writer.collect()
    for graph in sorted(set(paths) - set(written)):  # listed by the store but empty
        files = written[graph] = GraphFiles(graph, paths[graph], 0, (0, 0))
        folder.write_bytes(files.turtle, b"", quads=0, graph=graph)
        folder.write_bytes(files.jsonld, jsonld_document([]), quads=0, graph=graph)
    folder.record(NQUADS_FILE, quads=total)
    folder.record(TRIG_FILE, quads=total)
    return written, total


class _GraphWriter:
    """``python -m kg.export.graph_writer``, writing kg.trig and the per-graph files from the
    dump while this process feeds the visitors; ``collect()`` waits for it and records its files."""

    def __init__(self, folder: Folder, paths: dict[str, str]):
        self.folder = folder
        self._paths_file = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".tsv", delete=False)
        self._paths_file.write("".join(f"{g}\t{p}\n" for g, p in paths.items()))
        self._paths_file.close()
        self.paths = paths
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "kg.export.graph_writer", str(folder.root / NQUADS_FILE), str(folder.root),
             self._paths_file.name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")

    def collect(self) -> dict[str, GraphFiles]:
        stdout, stderr = self._proc.communicate()
        if self._proc.returncode:
            raise KgError(f"writing the per-graph files failed: {stderr.strip()[-1000:]}")
        written = {}
        for line in stdout.splitlines():
            graph, triples, start, end, *files = line.split("\t")
            written[graph] = GraphFiles(graph, self.paths[graph], int(triples), (int(start), int(end)))
            for path, size, sha in zip(files[0::3], files[1::3], files[2::3]):
                self.folder.records[path] = FileRecord(path, int(triples), graph, int(size), sha)
        return written

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        os.unlink(self._paths_file.name)
