"""Checks an export folder must pass before it is published.

* complete: every file the export promises is there;
* DCAT-AP 3: ``catalog.ttl`` conforms to the shapes in ``shapes/dcat-ap/``
  (:mod:`kg.export.dcatap`), and tells the truth: each distribution's file exists with the
  stated byte size and SHA-256;
* CSVW: the ``csvw`` package loads ``observations.csv-metadata.json`` and validates the table
  against it (datatypes, required cells, unique primary key);
* round trips: every RDF file parses with pyoxigraph, and with rdflib, to the number of
  statements the store (or the writer) holds, and each graph's JSON-LD holds exactly the
  triples of its Turtle twin. The parsing runs in worker processes with the network disabled
  (:mod:`kg.export.parse_check`), so a JSON-LD file that needed a remote context fails here.

On a large export rdflib and csvw read a sample (:mod:`kg.export.sampling`). Each check returns
a list of problems, one readable line each; none means publishable.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.export.catalog import CATALOG_TTL
from kg.export.config import ExportConfig
from kg.export.dcatap import validate_catalog
from kg.export.dumps import GraphFiles
from kg.export.files import FileRecord, describe
from kg.export.observations import CSV_FILE, METADATA_FILE
from kg.export.sampling import RdflibJob, check_csv_rows, csvw_target, rdflib_jobs
from kg.export.terms import DCAT, SPDX

# rough cost of a statement, to share the parsing fairly between workers
_COST = {"ox": 1, "twin": 5, "rdflib": 45}


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
    """csvw loads the metadata in ``root`` and validates the table it describes."""
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

class ParseWorkers:
    """A few ``python -m kg.export.parse_check`` processes, one per core: ``start(jobs)`` shares
    the jobs out (largest first onto the least loaded), ``results()`` waits for the answers."""

    def __init__(self, scratch: Path, workers: int | None = None):
        self.scratch = scratch
        self.workers = workers or max(1, min(4, os.cpu_count() or 1))
        self._procs: list[subprocess.Popen] = []

    def start(self, jobs: list[tuple[str, int]]) -> None:
        """``jobs``: (job line, cost) pairs. Each worker reads its share from a file, so that
        starting them never waits on a full pipe."""
        shares: list[list[str]] = [[] for _ in range(self.workers)]
        loads = [0] * self.workers
        for line, cost in sorted(jobs, key=lambda j: -j[1]):
            i = loads.index(min(loads))
            shares[i].append(line)
            loads[i] += cost
        for i, share in enumerate(filter(None, shares)):
            jobs_file = self.scratch / f"parse-jobs-{i}.txt"
            jobs_file.write_text("".join(f"{line}\n" for line in share), encoding="utf-8")
            with open(jobs_file, "rb") as stdin:
                self._procs.append(subprocess.Popen(
                    [sys.executable, "-m", "kg.export.parse_check"], stdin=stdin, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True, encoding="utf-8"))

    def results(self) -> tuple[dict[tuple[str, str], list[str] | str], list[str]]:
        """(kind, path) → result fields, or the error text; and any worker failures."""
        out: dict[tuple[str, str], list[str] | str] = {}
        failures = []
        for proc in self._procs:
            stdout, stderr = proc.stdout.read(), proc.stderr.read()
            proc.wait()
            for line in stdout.splitlines():
                kind, path, *fields = line.split("\t")
                out[(kind, path)] = fields[0][1:] if fields and fields[0].startswith("!") else fields
            if proc.returncode:
                failures.append(f"a parse worker exited with status {proc.returncode}: {stderr.strip()[-500:]}")
        self._procs = []
        return out, failures

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for proc in self._procs:  # only when results() was never read: leave no worker behind
            proc.kill()
            proc.wait()


def parse_jobs(root: Path, records: list[FileRecord], graph_files: dict[str, GraphFiles],
               rdflib: list[RdflibJob]) -> list[tuple[str, int]]:
    """pyoxigraph for ``records`` (files of a graph as Turtle/JSON-LD twins), rdflib for ``rdflib``."""
    twins = [f for f in graph_files.values() if f.turtle in {r.path for r in records}]
    jobs = [(f"ox\t{root / r.path}", r.quads * _COST["ox"]) for r in records if r.is_rdf and r.graph is None]
    jobs += [(f"twin\t{root / f.turtle}\t{root / f.jsonld}", f.triples * _COST["twin"]) for f in twins]
    jobs += [(f"rdflib\t{j.path}", j.expected * _COST["rdflib"]) for j in rdflib]
    return jobs


def check_parses(root: Path, records: list[FileRecord], graph_files: dict[str, GraphFiles], rdflib: list[RdflibJob],
                 results: dict[tuple[str, str], list[str] | str]) -> list[str]:
    """Compare the workers' answers with the statement counts the files must hold."""
    problems = []

    def answer(kind: str, path: Path, label: str) -> list[str] | None:
        got = results.get((kind, str(path)), "no answer from the parse worker")
        if isinstance(got, str):
            problems.append(f"{label}: {'pyoxigraph' if kind != 'rdflib' else 'rdflib'} cannot parse it: {got}")
            return None
        return got

    for r in records:
        if r.is_rdf and r.graph is None and (got := answer("ox", root / r.path, r.path)) is not None:
            if int(got[0]) != r.quads:
                problems.append(f"{r.path}: pyoxigraph reads {got[0]} statements, expected {r.quads}")
    for f in graph_files.values():
        if (got := answer("twin", root / f.turtle, f.turtle)) is not None:
            n_ttl, n_json, same = int(got[0]), int(got[1]), got[2] == "1"
            if n_ttl != f.triples or n_json != f.triples:
                problems.append(f"{f.path}: pyoxigraph reads {n_ttl} (Turtle) and {n_json} (JSON-LD) triples, "
                                f"expected {f.triples}")
            elif not same:
                problems.append(f"{f.jsonld}: does not hold the same triples as {f.turtle}")
    for job in rdflib:
        if (got := answer("rdflib", job.path, job.label)) is not None and int(got[0]) != job.expected:
            problems.append(f"{job.label}: rdflib reads {got[0]} statements, expected {job.expected}")
    return problems


@dataclass
class Checked:
    """What the checks found, how long each took, and what they only sampled."""

    problems: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Validation:
    """The checks of one export, started while it is still being written.

    ``check_dumps`` starts the parse workers on the dumps and per-graph files as soon as they
    exist (most of the parsing), while the CSV, HTML and catalogue are written; ``finish``
    starts one more worker on the files written since, runs the DCAT-AP and CSVW checks here
    meanwhile, and gathers everything. Use as a context manager (workers and scratch files are
    removed on the way out)."""

    def __init__(self, root: Path, cfg: ExportConfig):
        self.root, self.cfg = root, cfg
        self._tmp = tempfile.TemporaryDirectory(prefix="kg-export-check-")
        self.scratch = Path(self._tmp.name)
        self._workers: list[ParseWorkers] = []
        self._covered: set[str] = set()
        self._parsed_in_place: set[str] = set()
        self._rdflib: list[RdflibJob] = []
        self._graph_files: dict[str, GraphFiles] = {}
        self.checked = Checked()

    def _start(self, jobs: list[tuple[str, int]], workers: int | None = None) -> None:
        batch = ParseWorkers(self.scratch / f"batch-{len(self._workers)}", workers)
        batch.scratch.mkdir()
        batch.start(jobs)
        self._workers.append(batch)

    def check_dumps(self, records: list[FileRecord], graph_files: dict[str, GraphFiles], filing_graphs: set[str],
                    parsed_in_place: set[str] = frozenset()) -> None:
        """Start parsing the files written so far; ``parsed_in_place`` names files pyoxigraph
        already read back in full while writing the others (kg.nq), whose counts were compared."""
        rdflib, note = rdflib_jobs(self.root, records, graph_files, filing_graphs, self.cfg.check, self.scratch)
        self.checked.notes += [note] if note else []
        self._rdflib += rdflib
        self._graph_files = graph_files
        self._covered = {r.path for r in records}
        self._parsed_in_place = set(parsed_in_place)
        oxigraph = [r for r in records if r.path not in parsed_in_place]
        self._start(parse_jobs(self.root, oxigraph, graph_files, rdflib))

    def finish(self, records: list[FileRecord], expected: list[str], rows: int) -> Checked:
        out = self.checked
        out.problems += check_complete(self.root, expected)
        rest = [r for r in records if r.is_rdf and r.path not in self._covered]
        rest_rdflib = [RdflibJob(self.root / r.path, r.quads, r.path) for r in rest]
        self._rdflib += rest_rdflib
        self._start(parse_jobs(self.root, rest, {}, rest_rdflib), workers=1)
        csvw_root, csvw_note = csvw_target(self.root, rows, self.cfg.check, self.scratch)
        out.notes += [csvw_note] if csvw_note else []

        def parses() -> list[str]:
            results, failures = {}, []
            for batch in self._workers:
                got, failed = batch.results()
                results.update(got)
                failures += failed
            return failures + check_parses(self.root, [r for r in records if r.path not in self._parsed_in_place],
                                           self._graph_files, self._rdflib, results)

        def csv() -> list[str]:
            return check_csvw(csvw_root) + (check_csv_rows(self.root) if csvw_note else [])

        for name, check in (("check_dcat", lambda: check_dcat(self.root, self.cfg)), ("check_csvw", csv),
                            ("check_parses", parses)):
            t = time.perf_counter()
            out.problems += check()
            out.seconds[name] = round(time.perf_counter() - t, 3)
        return out

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for batch in self._workers:
            batch.__exit__()
        self._tmp.cleanup()
