"""Benchmark: per-filing validation (kg.validation) against the naive approach.

    python bench/validation_bench.py [--sizes 10,100,200,400] [--naive-sizes 5,10,20]
                                     [--seed 1] [--workdir DIR] [--naive-timeout 1800]

A synthetic corpus (``bench.generate``: Xicheng-style budgets and final accounts with injected
errors) is parsed and mapped once. Then:

per-filing   N filings are loaded into an on-disk store (without validation), and every filing
             is validated as ``kg validate`` does it: its graph read from the store, the helper
             statements derived, the shapes run by kg's native engine on an in-memory Oxigraph
             store (kg.validation.native); then the cross-filing
             query runs once over the whole store. Reported: total seconds, seconds per filing.
naive        the same shapes, by pyshacl, over the union of the N filings' validation graphs in
             one rdflib in-memory graph (the per-filing helper statements included, so both see
             the same data). Reported: seconds; the findings are compared with the per-filing
             ones (same shape, severity, focus node, value node).

At sizes where the naive run would take too long it is skipped and its time is extrapolated
from the measured sizes with a power law (the exponent is printed), marked "(estimated)".
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate
from kg.mapping import map_filing
from kg.namespaces import DEFAULT_BASE
from kg.parsing import parse_file
from kg.register import Register
from kg.store import open_store
from kg.validation.cross import validate_cross_filing
from kg.validation.engine import filing_triples, validation_store
from kg.validation.native import native_results
from kg.validation.pyshacl_engine import to_rdflib
from kg.validation.shapes import shapes_graph


def result_rows(report: rdflib.Graph) -> set[tuple]:
    """The comparable content of a SHACL report: shape, severity, focus node, value node."""
    rows = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        value = report.value(r, SH.value)
        rows.add((str(report.value(r, SH.sourceShape)), str(report.value(r, SH.resultSeverity)),
                  str(report.value(r, SH.focusNode)), str(value) if isinstance(value, rdflib.URIRef) else None))
    return rows


def map_corpus(folder: Path) -> list:
    register = Register.load(DEFAULT_BASE)
    return [map_filing(parse_file(p), register, DEFAULT_BASE) for p in sorted(folder.glob("*.txt"))]


SAMPLE = 50  # the same first filings, timed in every store size


def per_filing(mapped: list, n: int, workdir: Path) -> dict:
    """Validate the first n filings from a store holding them: total and cross-filing seconds,
    mean seconds per filing (all n, and the first SAMPLE), result rows."""
    with open_store(str(workdir / f"store-{n}")) as store:
        for m in mapped[:n]:
            store.replace_graph(m.graph, m.triples)
        rows: set[tuple] = set()
        times = []
        for m in mapped[:n]:
            t0 = time.perf_counter()
            db = validation_store(filing_triples(store, m.graph), m.graph)
            rows |= {(r.shape, str(SH) + r.severity, r.focus, r.value if r.value_is_iri else None)
                     for r in native_results(db)}
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        validate_cross_filing(store)
        cross = time.perf_counter() - t0
    sample = times[:SAMPLE]
    return {"seconds": sum(times) + cross, "cross": cross, "mean": sum(times) / n,
            "sample": sum(sample) / len(sample), "rows": rows}


def naive(mapped: list, n: int) -> tuple[float, float, set[tuple]]:
    """(seconds to validate, seconds to build the union graph, result rows) for the first n filings."""
    t0 = time.perf_counter()
    union = rdflib.Graph()
    for m in mapped[:n]:
        union += to_rdflib(validation_store(m.triples, m.graph))
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    _conforms, report, _text = pyshacl.validate(union, shacl_graph=shapes_graph(), inplace=True)
    return time.perf_counter() - t0, built, result_rows(report)


def power_law(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares fit of seconds = a * n ** b on log-log axes; (a, b)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-9)) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 1.0
    return math.exp(my - b * mx), b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,200,400", help="corpus sizes for per-filing validation")
    parser.add_argument("--naive-sizes", default="5,10,20", help="corpus sizes for the naive run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    naive_sizes = sorted(int(s) for s in args.naive_sizes.split(",") if s)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kg-validation-bench-"))
    corpus = workdir / "corpus"
    n_max = max(sizes + naive_sizes)

    t0 = time.perf_counter()
    manifest = generate(corpus, n_max, seed=args.seed)
    mapped = map_corpus(corpus)
    print(f"corpus: {n_max} filings ({manifest['filings']}), {sum(len(m.triples) for m in mapped):,} triples, "
          f"generated, parsed and mapped in {time.perf_counter() - t0:.1f}s ({workdir})")

    per: dict[int, dict] = {}
    print("\nper-filing validation (graph read from an on-disk store holding the N filings; then the")
    print(f"cross-filing query over that store; 's/filing, first {SAMPLE}' times the same filings at every N)")
    print(f"{'filings':>8} {'seconds':>9} {'s/filing':>9} {f's/filing, first {SAMPLE}':>20} {'cross-filing s':>15} {'results':>8}")
    for n in sorted(set(sizes) | set(naive_sizes)):
        per[n] = r = per_filing(mapped, n, workdir)
        if n in sizes:
            print(f"{n:>8} {r['seconds']:>9.1f} {r['mean']:>9.3f} {r['sample']:>20.3f} {r['cross']:>15.2f} {len(r['rows']):>8}")

    print("\nnaive: pyshacl over the union graph in rdflib's in-memory store")
    print(f"{'filings':>8} {'seconds':>9} {'union built s':>14} {'speed-up':>9} {'same findings':>14}")
    measured = []
    for n in naive_sizes:
        seconds, built, rows = naive(mapped, n)
        measured.append((n, seconds))
        same = rows == per[n]["rows"]
        print(f"{n:>8} {seconds:>9.1f} {built:>14.1f} {seconds / per[n]['seconds']:>8.0f}x {same!s:>14}")
        if not same:
            print(f"         only naive: {sorted(rows - per[n]['rows'])[:5]}\n"
                  f"         only per-filing: {sorted(per[n]['rows'] - rows)[:5]}")
    if len(measured) >= 2:
        a, b = power_law(measured)
        print(f"\nnaive time fits {a:.3g} * n^{b:.2f} seconds")
        for n in sizes:
            if n not in naive_sizes:
                estimate = a * n ** b
                print(f"{n:>8} {estimate:>9.0f} (estimated) speed-up {estimate / per[n]['seconds']:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
