"""Benchmark ``kg export`` on a large corpus: 1,000 generated filings by default.

    python bench/export_bench.py [-n 1000] [--seed 7] [--store DIR] [--check auto|full]

Generates the filings with ``python -m bench.generate`` (or, where that is missing, copies of
the five samples with the district and year rewritten), loads them into a fresh store (timed
apart, not part of the figure), then times ``export_folder`` and prints the seconds of each
stage, the quads and files written and what the checks sampled. ``--store`` reuses a loaded
store and skips generation and loading. The target is under 120 s for 1,000 filings.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.export import ExportConfig, export_folder
from kg.loading import Loader
from kg.paths import ROOT, SAMPLE_FILINGS_DIR
from kg.store import open_store

TARGET_SECONDS = 120


def generate(out: Path, n: int, seed: int) -> None:
    """n filings in ``out``: the synthetic generator's, or rewritten copies of the samples."""
    if (ROOT / "bench" / "generate.py").is_file():
        subprocess.run([sys.executable, "-m", "bench.generate", "--out", str(out), "-n", str(n), "--seed", str(seed)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        return
    samples = sorted(SAMPLE_FILINGS_DIR.glob("*.txt"))
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sample = samples[i % len(samples)]
        copy, year_shift = i // len(samples), (i // len(samples)) % 10
        text = sample.read_text("utf-8").replace("西城区", f"西城{copy}区")
        for year in range(2019, 2025):
            text = text.replace(f"{year}年", f"{year + year_shift}年")
        (out / f"{i:05d}_{sample.name}").write_text(text, "utf-8")


def load(store_dir: Path, filings: Path) -> float:
    started = time.perf_counter()
    with open_store(str(store_dir)) as store:
        loader = Loader(store)
        loader.ensure_reference_graphs()
        for _ in loader.load_paths([filings]):
            pass
    return time.perf_counter() - started


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the export's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def export(store_dir: Path, out: Path, check: str) -> None:
    with open_store(str(store_dir), read_only=True) as store:
        load_before, cpu_before = os.getloadavg()[0], _cpu()
        started = time.perf_counter()
        result = export_folder(store, out, ExportConfig(check=check))
        seconds = time.perf_counter() - started
        cpu = _cpu() - cpu_before
    print(f"export: {seconds:.1f} s for {result.datasets} datasets, {result.quads:,} quads, "
          f"{result.observations:,} observations, {result.files} files "
          f"({'within' if seconds < TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS} s target)")
    print(f"  CPU {cpu:.1f} s over {os.cpu_count()} cores; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (other work on the machine slows the wall-clock figure)")
    for stage, s in result.seconds.items():
        print(f"  {stage:<16} {s:7.1f} s")
    for note in result.notes:
        print(f"  note: {note}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000, help="filings to generate (default 1000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--store", type=Path, help="a store already loaded: skip generating and loading")
    ap.add_argument("--check", choices=["auto", "full"], default="auto")
    ap.add_argument("--out", type=Path, help="keep the exported folder here (default: a temporary folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-export-bench-") as tmp:
        tmp = Path(tmp)
        store_dir = args.store
        if store_dir is None:
            generate(tmp / "filings", args.n, args.seed)
            store_dir = tmp / "store"
            print(f"loaded {args.n} filings in {load(store_dir, tmp / 'filings'):.1f} s (not part of the figure)")
        export(store_dir, args.out or tmp / "site", args.check)


if __name__ == "__main__":
    main()
