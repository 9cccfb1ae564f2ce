"""How much of a large export the slow validators read.

rdflib parses some 20,000 statements a second and the ``csvw`` package validates some 1,300
rows a second on one core, so checking every statement of a 1,000-filing export (about four
million quads in each of four forms) would take a quarter of an hour. Up to
:data:`FULL_RDFLIB_LIMIT` statements and :data:`FULL_CSVW_ROWS` rows everything is checked;
beyond, with ``check="auto"`` (``"full"`` forces everything):

* rdflib parses every file except the per-filing ones and the whole dumps in full (catalogue,
  VoID, organisations, ontology and other reference graphs), plus the Turtle and JSON-LD files
  of a fixed sample of filings (chosen by a hash of their IRI, within
  :data:`RDFLIB_SAMPLE_BUDGET` statements), the same filings' blocks cut out of ``kg.trig``,
  and every n-th line of ``kg.nq``;
* ``csvw`` validates the metadata against every n-th row of the table (:data:`CSVW_SAMPLE_ROWS`
  rows), and every row is checked for its number of cells and a unique observation IRI.

pyoxigraph still parses every file in full (it is fast), and each graph's JSON-LD is still
compared with its Turtle twin. The export says what was sampled (``ExportResult.notes``).
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from kg.export.dumps import NQUADS_FILE, TRIG_FILE, GraphFiles, prefix_lines_end
from kg.export.files import FileRecord
from kg.export.observations import COLUMNS, CSV_FILE, METADATA_FILE

FULL_RDFLIB_LIMIT = 1_000_000
RDFLIB_SAMPLE_BUDGET = 60_000
FULL_CSVW_ROWS = 20_000
CSVW_SAMPLE_ROWS = 4_000


@dataclass(frozen=True)
class RdflibJob:
    path: Path  # the file rdflib parses
    expected: int  # statements it must read
    label: str  # how a problem names it


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def rdflib_jobs(root: Path, records: list[FileRecord], graph_files: dict[str, GraphFiles], filing_graphs: set[str],
                level: str, scratch: Path) -> tuple[list[RdflibJob], str | None]:
    """The files rdflib must parse, and a note when that is a sample."""
    rdf = [r for r in records if r.is_rdf]
    everything = [RdflibJob(root / r.path, r.quads, r.path) for r in rdf]
    if level == "full" or sum(r.quads for r in rdf) <= FULL_RDFLIB_LIMIT:
        return everything, None
    chosen: list[GraphFiles] = []
    budget = RDFLIB_SAMPLE_BUDGET
    for graph in sorted(filing_graphs, key=_hash):
        files = graph_files[graph]
        if chosen and 4 * files.triples > budget:
            continue
        chosen.append(files)
        budget -= 4 * files.triples
    sampled = {f.graph for f in chosen}
    jobs = [RdflibJob(root / r.path, r.quads, r.path) for r in rdf
            if r.path not in (NQUADS_FILE, TRIG_FILE) and (r.graph is None or r.graph not in filing_graphs
                                                            or r.graph in sampled)]
    jobs.append(_trig_sample(root, chosen, scratch))
    jobs.append(_nquads_sample(root, records, scratch, lines=sum(f.triples for f in chosen)))
    total = sum(r.quads for r in rdf)
    checked = sum(j.expected for j in jobs)
    note = (f"rdflib re-parsed a sample: {checked:,} of {total:,} statements ({len(chosen)} of "
            f"{len(filing_graphs)} filings in every form, every other file in full); pyoxigraph parsed everything")
    return jobs, note


def _trig_sample(root: Path, chosen: list[GraphFiles], scratch: Path) -> RdflibJob:
    """The prefix header of kg.trig followed by the chosen graphs' blocks."""
    out = scratch / "kg.sample.trig"
    with open(root / TRIG_FILE, "rb") as src, open(out, "wb") as dst:
        head = src.read(min((f.trig_span[0] for f in chosen), default=0))
        dst.write(head[:prefix_lines_end(head)])
        for start, end in (f.trig_span for f in chosen):
            src.seek(start)
            dst.write(src.read(end - start))
    return RdflibJob(out, sum(f.triples for f in chosen), f"{TRIG_FILE} (blocks of {len(chosen)} graphs)")


def _nquads_sample(root: Path, records: list[FileRecord], scratch: Path, lines: int) -> RdflibJob:
    """Every n-th line of kg.nq (N-Quads lines stand alone)."""
    total = next(r.quads for r in records if r.path == NQUADS_FILE)
    step = max(1, total // max(1, lines))
    out = scratch / "kg.sample.nq"
    kept = 0
    with open(root / NQUADS_FILE, "rb") as src, open(out, "wb") as dst:
        for i, line in enumerate(src):
            if i % step == 0:
                dst.write(line)
                kept += 1
    return RdflibJob(out, kept, f"{NQUADS_FILE} (every {step}th line)")


def csvw_target(root: Path, rows: int, level: str, scratch: Path) -> tuple[Path, str | None]:
    """The folder whose observations.csv csvw validates: the export's, or a sample's."""
    if level == "full" or rows <= FULL_CSVW_ROWS:
        return root, None
    step = max(1, rows // CSVW_SAMPLE_ROWS)
    target = scratch / "csvw"
    target.mkdir()
    shutil.copyfile(root / METADATA_FILE, target / METADATA_FILE)
    kept = 0
    with open(root / CSV_FILE, "rb") as src, open(target / CSV_FILE, "wb") as dst:
        for i, line in enumerate(src):
            if i == 0 or (i - 1) % step == 0:
                dst.write(line)
                kept += i > 0
    return target, (f"csvw validated every {step}th row ({kept:,} of {rows:,}); "
                    "every row was checked for its cells and key")


def check_csv_rows(root: Path) -> list[str]:
    """Every row has one cell per column and its own observation IRI (the cheap full-table part)."""
    problems, seen = [], set()
    with open(root / CSV_FILE, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        for line, row in enumerate(reader, start=2):
            if len(row) != len(COLUMNS):
                problems.append(f"{CSV_FILE}:{line}: {len(row)} cells, expected {len(COLUMNS)}")
            elif row[0] in seen:
                problems.append(f"{CSV_FILE}:{line}: observation {row[0]} repeated")
            seen.add(row[0] if row else "")
    return problems[:50]
