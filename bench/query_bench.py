"""Time every named query of queries/ (with its default parameters) on a store.

    python bench/query_bench.py                     # the five samples, loaded into a temporary store
    python bench/query_bench.py --store DIR         # an existing store (e.g. a large synthetic one)
    python bench/query_bench.py --copies 400        # the samples plus 400 renamed copies of them
    python bench/query_bench.py --store DIR --param project-history.project=IRI   # other parameters

Each query runs ``--repeat`` times after one warm-up; the report gives, per query, the rows
returned, the time to resolve its parameters, and the median and worst time of resolve + run,
in milliseconds. The target is < 100 ms per query on the sample store (and < 1 s at 10,000
filings). ``--copies N`` makes N distinct copies of each sample (西城区 → 西城<n>区, loaded
with an empty organisation register so each copy is its own organisation), for a rough look
at how the queries grow with the corpus.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.loading import Loader
from kg.named_queries import bind, bindings_for, get_query, list_queries
from kg.paths import SAMPLE_FILINGS_DIR
from kg.register import Register
from kg.store import open_store

TARGET_MS = 100.0


def load_samples(location: str, copies: int = 0) -> int:
    with open_store(location) as store:
        loader = Loader(store)
        loader.ensure_reference_graphs()
        results = list(loader.load_paths([SAMPLE_FILINGS_DIR]))
        if copies:
            loader.register = Register(loader.base_iri)  # copies stay distinct organisations
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                for n in range(1, copies + 1):
                    for p in sorted(SAMPLE_FILINGS_DIR.glob("*.txt")):
                        text = p.read_text("utf-8").replace("西城区", f"西城{n}区")
                        (folder / f"copy{n:05d}-{p.name}").write_text(text, "utf-8")
                results += list(loader.load_paths([folder]))
        return sum(r.ok for r in results)


def bench(location: str, repeat: int, params: dict[str, dict[str, str]] | None = None) -> list[dict]:
    out = []
    with open_store(location, read_only=True) as store:
        for q in list_queries():
            named = get_query(q.name)
            values = (params or {}).get(q.name, {})
            times, resolve_times, rows = [], [], 0
            for i in range(repeat + 1):
                t0 = time.perf_counter()
                bindings = bindings_for(store, named, values)
                t1 = time.perf_counter()
                result = store.select(bind(named, bindings))
                t2 = time.perf_counter()
                if i:  # the first run warms the caches
                    times.append((t2 - t0) * 1000)
                    resolve_times.append((t1 - t0) * 1000)
                rows = len(result.rows)
            out.append({"query": q.name, "rows": rows, "resolve_ms": statistics.median(resolve_times),
                        "median_ms": statistics.median(times), "max_ms": max(times)})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="an existing store directory (default: load the samples into a temporary one)")
    parser.add_argument("--copies", type=int, default=0, help="also load N renamed copies of the samples")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--param", action="append", default=[], metavar="QUERY.KEY=VALUE",
                        help="a parameter for one query instead of its default (repeatable)")
    args = parser.parse_args(argv)
    params: dict[str, dict[str, str]] = {}
    for spec in args.param:
        target, _, value = spec.partition("=")
        name, _, key = target.partition(".")
        params.setdefault(name, {})[key] = value
    with tempfile.TemporaryDirectory() as tmp:
        location = args.store or str(Path(tmp) / "kg-store")
        if not args.store:
            t0 = time.perf_counter()
            n = load_samples(location, args.copies)
            print(f"loaded {n} filings in {time.perf_counter() - t0:.1f} s")
        report = bench(location, args.repeat, params)
    width = max(len(r["query"]) for r in report)
    print(f"{'query':<{width}}  {'rows':>5}  {'resolve ms':>10}  {'median ms':>9}  {'max ms':>7}")
    for r in report:
        flag = "" if r["median_ms"] < TARGET_MS else f"  (over {TARGET_MS:.0f} ms)"
        print(f"{r['query']:<{width}}  {r['rows']:>5}  {r['resolve_ms']:>10.1f}  {r['median_ms']:>9.1f}  {r['max_ms']:>7.1f}{flag}")
    return 0 if all(r["median_ms"] < TARGET_MS for r in report) else 1


if __name__ == "__main__":
    sys.exit(main())
