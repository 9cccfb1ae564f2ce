"""Benchmark ``kg load --jobs``: a generated corpus loaded with jobs=1 and with more workers.

    python -m bench.parallel_load_bench [-n 200] [--seed 5] [--jobs 1,2] [--no-validate]

Generates N filings (bench.generate), loads them into a fresh store per jobs value (validation
on unless --no-validate) and prints wall time, filings/s, triples/s, the main process's CPU
time (parsing N-Triples back and writing the store: the part workers cannot take), the workers'
CPU time and the speed-up over jobs=1. On a busy machine compare the CPU times, not only the wall
times. Every run must give the same results.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from kg.loading import Loader
from kg.store import open_store


def run(corpus: Path, store_dir: Path, jobs: int, validate: bool) -> dict:
    with open_store(str(store_dir)) as store:
        loader = Loader(store, validate=validate, jobs=jobs)
        loader.ensure_reference_graphs()
        wall, cpu, workers = time.perf_counter(), time.process_time(), _children_cpu()
        results = list(loader.load_paths([corpus]))
        wall, cpu, workers = time.perf_counter() - wall, time.process_time() - cpu, _children_cpu() - workers
    return {"jobs": jobs, "wall_s": wall, "main_cpu_s": cpu, "workers_cpu_s": workers, "filings": len(results),
            "triples": sum(r.triples for r in results),
            "results": [(r.status, r.graph, r.triples, len(r.findings)) for r in results]}


def _children_cpu() -> float:
    """CPU seconds of finished child processes (the pool's workers, once it is shut down)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="filings to generate (default 200)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--jobs", default="1,2", help="comma-separated jobs values (default 1,2)")
    parser.add_argument("--no-validate", action="store_true", help="load without validation")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        generate(corpus, args.n, args.seed)
        runs = [run(corpus, Path(tmp) / f"store-{j}", j, not args.no_validate)
                for j in map(int, args.jobs.split(","))]
    base = runs[0]
    for r in runs:
        assert r["results"] == base["results"], f"jobs={r['jobs']} gave different results from jobs={base['jobs']}"
        print(f"jobs={r['jobs']}: {r['filings']} filings {r['triples']} triples in {r['wall_s']:.1f}s | "
              f"{r['filings'] / r['wall_s']:.2f} filings/s {r['triples'] / r['wall_s']:.0f} triples/s | "
              f"CPU main {r['main_cpu_s']:.1f}s workers {r['workers_cpu_s']:.1f}s | speed-up {base['wall_s'] / r['wall_s']:.2f}x")


if __name__ == "__main__":
    main()
