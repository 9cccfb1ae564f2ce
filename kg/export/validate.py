"""Checks an export folder must pass before it is published.

* complete: every file the export promises is there;
* DCAT-AP 3: ``catalog.ttl`` conforms to the shapes in ``shapes/dcat-ap/``
  (:mod:`kg.export.dcatap`), and tells the truth: each distribution's file exists with the
  stated byte size and SHA-256;
* CSVW: the ``csvw`` package loads ``observations.csv-metadata.json`` and validates the table
  against it (datatypes, required cells, unique primary key);
* round trips: every RDF file parses with pyoxigraph and with rdflib to the number of quads
  the store (or the writer) holds; rdflib runs in worker processes with the network disabled,
  so a JSON-LD file that needed a remote context would fail here; each graph's JSON-LD holds
  exactly the triples of its Turtle twin.

Each check returns a list of problems, one readable line each; none means publishable.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kg.export.catalog import CATALOG_TTL
from kg.export.config import ExportConfig
from kg.export.dcatap import validate_catalog
from kg.export.files import FileRecord, describe
from kg.export.observations import CSV_FILE, METADATA_FILE
from kg.export.terms import DCAT, SPDX


def check_complete(root: Path, expected: list[str]) -> list[str]:
    return [f"missing file: {p}" for p in expected if not (root / p).is_file()]


def check_dcat(root: Path, cfg: ExportConfig) -> list[str]:
    problems = validate_catalog(root / CATALOG_TTL)
    return problems + check_distributions(root, cfg)


_DISTRIBUTIONS = f"""
SELECT ?url ?size ?sha WHERE {{
  ?d a <{DCAT}Distribution> ; <{DCAT}downloadURL> ?url ; <{DCAT}byteSize> ?size ;
     <{SPDX}checksum>/<{SPDX}checksumValue> ?sha .
}}"""


def check_distributions(root: Path, cfg: ExportConfig) -> list[str]:
    """Every distribution's file is in the folder with the byte size and SHA-256 stated."""
    catalog = ox.Store()
    catalog.load(path=str(root / CATALOG_TTL), format=ox.RdfFormat.TURTLE)
    problems = []
    for solution in catalog.query(_DISTRIBUTIONS):
        url = solution["url"].value
        if not url.startswith(cfg.base_iri):
            problems.append(f"distribution {url} is not under the base IRI {cfg.base_iri}")
            continue
        path = root / url[len(cfg.base_iri):]
        if not path.is_file():
            problems.append(f"distribution {url}: no such file in the folder")
            continue
        size, digest = describe(path)
        if (str(size), digest) != (solution["size"].value, solution["sha"].value):
            problems.append(f"distribution {url}: catalogue says {solution['size'].value} bytes, "
                            f"sha256 {solution['sha'].value}; the file has {size} bytes, sha256 {digest}")
    return problems


def check_csvw(root: Path) -> list[str]:
    import warnings

    import csvw

    try:
        with warnings.catch_warnings(record=True):
            table = csvw.CSVW(str(root / CSV_FILE), md_url=str(root / METADATA_FILE), validate=True)
            valid = table.is_valid
    except Exception as exc:  # noqa: BLE001 - any failure to load is a finding
        return [f"CSVW: {METADATA_FILE} does not load: {exc}"]
    if valid:
        return []
    return [f"CSVW: {CSV_FILE}: {w.message}" for w in table.warnings] or [f"CSVW: {CSV_FILE} is not valid"]


# -- round trips ------------------------------------------------------------------------------

class RdflibWorkers:
    """rdflib parsing in a few separate interpreters (:mod:`kg.export.rdflib_check`), started
    at once and read when the other checks are done: ``start(paths)``, then ``results()``."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._procs: list[subprocess.Popen] = []

    def start(self, paths: list[Path]) -> None:
        by_size = sorted(paths, key=lambda p: -p.stat().st_size)
        shares: list[list[Path]] = [[] for _ in range(self.workers)]
        loads = [0] * self.workers
        for p in by_size:  # largest first onto the least loaded worker
            i = loads.index(min(loads))
            shares[i].append(p)
            loads[i] += p.stat().st_size
        for share in filter(None, shares):
            proc = subprocess.Popen([sys.executable, "-m", "kg.export.rdflib_check"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
            proc.stdin.write("".join(f"{p}\n" for p in share))
            proc.stdin.close()
            self._procs.append(proc)

    def results(self) -> dict[str, int | str]:
        """Path → statement count, or the error text (a str)."""
        out: dict[str, int | str] = {}
        for proc in self._procs:
            stdout = proc.stdout.read()
            stderr = proc.stderr.read()
            proc.wait()
            for line in stdout.splitlines():
                path, _, result = line.partition("\t")
                out[path] = result[1:] if result.startswith("!") else int(result)
            if proc.returncode:
                out[f"(worker {proc.pid})"] = f"exited with status {proc.returncode}: {stderr.strip()[-500:]}"
        self._procs = []
        return out

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for proc in self._procs:  # only if results() was never read: do not leave workers behind
            proc.kill()
            proc.wait()


def _oxigraph_quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip("."))))


def _same_triples(a: list[ox.Quad], b: list[ox.Quad]) -> bool:
    def canonical(quads):
        if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
            ds = ox.Dataset(quads)
            ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
            return set(ds)
        return set(quads)

    return len(a) == len(b) and canonical(a) == canonical(b)


def check_oxigraph(root: Path, rdf: list[FileRecord]) -> list[str]:
    """Every RDF file parses with pyoxigraph to its quad count; each graph's JSON-LD holds the
    same triples as its Turtle twin."""
    problems = []
    twins: dict[str, list[ox.Quad]] = {}
    for r in rdf:
        try:
            quads = _oxigraph_quads(root / r.path)
        except (SyntaxError, ValueError, OSError) as exc:
            problems.append(f"{r.path}: pyoxigraph cannot parse it: {exc}")
            continue
        if len(quads) != r.quads:
            problems.append(f"{r.path}: pyoxigraph reads {len(quads)} quads, expected {r.quads}")
        if r.graph is not None:
            other = twins.pop(r.graph, None)
            if other is None:
                twins[r.graph] = quads
            elif not _same_triples(other, quads):
                problems.append(f"{r.path}: does not hold the same triples as its twin for graph {r.graph}")
    return problems


def check_rdflib(root: Path, rdf: list[FileRecord], counts: dict[str, int | str]) -> list[str]:
    """Every RDF file parsed by rdflib (counts from :class:`RdflibWorkers`) to its quad count."""
    problems = [f"rdflib {key}: {value}" for key, value in counts.items() if key.startswith("(")]
    for r in rdf:
        result = counts.get(str(root / r.path), "no answer from the rdflib worker")
        if isinstance(result, str):
            problems.append(f"{r.path}: rdflib cannot parse it: {result}")
        elif result != r.quads:
            problems.append(f"{r.path}: rdflib reads {result} quads, expected {r.quads}")
    return problems


def check_folder(root: Path, records: list[FileRecord], expected: list[str], cfg: ExportConfig,
                 seconds: dict[str, float] | None = None) -> list[str]:
    """Every check above; rdflib parses in worker processes while the others run.
    Time spent per check is added to ``seconds`` when given."""
    seconds = seconds if seconds is not None else {}
    rdf = [r for r in records if r.is_rdf]
    problems = check_complete(root, expected)
    with RdflibWorkers() as workers:
        workers.start([root / r.path for r in rdf if (root / r.path).is_file()])
        for name, check in (("check_oxigraph", lambda: check_oxigraph(root, rdf)),
                            ("check_dcat", lambda: check_dcat(root, cfg)),
                            ("check_csvw", lambda: check_csvw(root)),
                            ("check_rdflib", lambda: check_rdflib(root, rdf, workers.results()))):
            t = time.perf_counter()
            problems += check()
            seconds[name] = round(time.perf_counter() - t, 3)
    return problems
