"""The naive validation baseline for bench/scale.py: pyshacl over the union of every filing
in rdflib's in-memory store, with the same shapes (all layers, one graph) as kg.validation.

    python -m bench.scale_naive --store DIR --result OUT.json [--filings K]

The data graph is what the per-filing validation sees, merged: for every filing, its triples
plus the helper statements kg.validation.derive adds and the vocabulary it needs
(kg.validation.engine.validation_store), all in one rdflib Graph. Building it is not timed;
only ``pyshacl.validate`` is. bench.scale_run runs this in its own process with a time limit.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import pyshacl
import rdflib

from kg.store import open_store
from kg.validation import filings_in
from kg.validation.engine import filing_triples, validation_store
from kg.validation.pyshacl_engine import rdflib_term
from kg.validation.shapes import LAYERS, shapes_graph


def union_graph(location: str, limit: int | None = None) -> tuple[rdflib.Graph, int]:
    """The validation data of the store's first ``limit`` filings (all when None) in one graph."""
    g = rdflib.Graph()
    with open_store(location, read_only=True) as store:
        filings = [f["iri"] for f in filings_in(store)][:limit]
        for iri in filings:
            for q in validation_store(filing_triples(store, iri), iri):
                g.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    return g, len(filings)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--result", type=Path, required=True)
    ap.add_argument("--filings", type=int, help="validate only the store's first K filings (default: all)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    data, filings = union_graph(args.store, args.filings)
    build = time.perf_counter() - t0
    args.result.write_text(json.dumps({"status": "building done", "build_s": build}), encoding="utf-8")
    t0 = time.perf_counter()
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph(LAYERS), inference="none", advanced=False)
    seconds = time.perf_counter() - t0
    violations = len(set(report.subjects(rdflib.RDF.type, rdflib.SH.ValidationResult)))
    args.result.write_text(json.dumps({
        "status": "done", "filings": filings, "triples": len(data), "build_s": build, "seconds": seconds,
        "results": violations, "conforms": bool(conforms),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
