"""Write a deterministic synthetic corpus of budget filings with its ground truth.

    python -m bench.generate --out DIR -n N --seed S [--error-rate R]

writes ``DIR/NNNNN_<hash>.txt`` (N filings, UTF-8, in the text-dump format of the Xicheng
samples), ``DIR/ground_truth.jsonl`` (one record per filing, in file order) and
``DIR/manifest.json``. Filings come department by department, year by year (2015–2024, a
部门预算 then a 部门决算 each year), district after district (~100 departments each), so a
department's history is contiguous and the first N filings do not depend on N.

Generation streams: only one department's previous year is held in memory. The same seed and
N give byte-identical files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from bench import pools
from bench.generate_budget import render_budget
from bench.generate_doc import Doc, Override
from bench.generate_errors import KINDS, ErrorPlanner
from bench.generate_final import render_final
from bench.generate_model import FIRST_YEAR, LAST_YEAR, Budget, Final, History, plan_district
from bench.generate_truth import budget_truth, final_truth

DEFAULT_ERROR_RATE = 0.05
GROUND_TRUTH = "ground_truth.jsonl"
MANIFEST = "manifest.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Planned:
    """One filing to write: its model and how to render and describe it."""

    model: Budget | Final
    kind: str  # budget | final
    unit: str  # 元 | 万元

    def render(self, overrides: dict[str, Override] | None = None) -> Doc:
        return render_budget(self.model, overrides) if self.kind == "budget" else render_final(self.model, overrides)

    def truth(self, doc: Doc) -> dict:
        return budget_truth(self.model, doc) if self.kind == "budget" else final_truth(self.model, doc)


def planned_filings(seed: int) -> Iterator[Planned]:
    """Every filing the generator can write for ``seed``, in corpus order."""
    for d_index in range(len(pools.DISTRICTS)):
        for dept in plan_district(seed, d_index):
            for budget, final in History(dept, seed).years():
                yield Planned(budget, "budget", "元")
                yield Planned(final, "final", "万元")


def capacity() -> int:
    """The most filings one corpus can hold."""
    from bench.generate_model import DEPTS_PER_DISTRICT

    return len(pools.DISTRICTS) * DEPTS_PER_DISTRICT * (LAST_YEAR - FIRST_YEAR + 1) * 2


def file_name(index: int, text: bytes) -> str:
    return f"{index:05d}_{hashlib.sha256(text).hexdigest()[:16]}.txt"


def generate(out: Path, n: int, seed: int = 0, error_rate: float = DEFAULT_ERROR_RATE,
             progress: Callable[[int], None] | None = None) -> dict:
    """Write the corpus and return the manifest."""
    if not 0 <= error_rate <= 1:
        raise ValueError("the error rate must be between 0 and 1")
    if not 0 < n <= capacity():
        raise ValueError(f"N must be between 1 and {capacity()}")
    out.mkdir(parents=True, exist_ok=True)
    chance = random.Random(f"{seed}/errors")
    planner = ErrorPlanner()
    counts = {"budget": 0, "final": 0}
    departments, districts, faulty = set(), [], 0
    with open(out / GROUND_TRUTH, "w", encoding="utf-8", newline="\n") as truth_file:
        for index, planned in enumerate(planned_filings(seed)):
            if index == n:
                break
            doc, errors = planned.render(), []
            if chance.random() < error_rate:
                rng = random.Random(f"{seed}/error/{index}")
                doc, errors = planner.inject(doc, planned.kind, planned.unit, rng, planned.render)
            truth = planned.truth(doc)  # true figures; an error moves no line
            data = doc.text().encode("utf-8")
            name = file_name(index, data)
            (out / name).write_bytes(data)
            record = {"file": name, "index": index, "sha256": hashlib.sha256(data).hexdigest(),
                      "district": planned.model.dept.district.area,
                      "district_full": planned.model.dept.district.full,
                      "city": planned.model.dept.district.city,
                      "year": planned.model.year, "kind": planned.kind, **truth, "errors": errors}
            truth_file.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
            counts[planned.kind] += 1
            faulty += bool(errors)
            departments.add(planned.model.dept.id)
            if not districts or districts[-1] != record["district_full"]:
                districts.append(record["district_full"])
            if progress:
                progress(index + 1)
    manifest = {
        "generator": "bench.generate", "format_version": FORMAT_VERSION, "seed": seed, "n": n,
        "error_rate": error_rate, "years": [FIRST_YEAR, LAST_YEAR], "districts": districts,
        "departments": len(departments), "filings": counts, "files_with_errors": faulty,
        "errors": {k: planner.counts[k] for k in KINDS}, "ground_truth": GROUND_TRUTH,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="directory to write the corpus into")
    parser.add_argument("-n", type=int, default=100, help="number of filings (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--error-rate", type=float, default=DEFAULT_ERROR_RATE,
                        help=f"chance that a filing carries one injected error (default {DEFAULT_ERROR_RATE})")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        manifest = generate(args.out, args.n, args.seed, args.error_rate)
    except ValueError as exc:
        parser.error(str(exc))
    seconds = time.perf_counter() - started
    errors = sum(manifest["errors"].values())
    print(f"wrote {args.n} filings ({manifest['filings']['budget']} budgets, {manifest['filings']['final']} finals, "
          f"{manifest['departments']} departments, {len(manifest['districts'])} districts) with {errors} injected "
          f"errors to {args.out} in {seconds:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
