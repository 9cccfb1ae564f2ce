"""Benchmark: CPU time per filing of validating one filing, by phase, and its findings.

    python -m bench.validation_cpu [--corpus DIR ...] [--samples] [-n N] [--mutate K]
                                   [--findings OUT.json] [--compare BEFORE.json] [--profile OUT.prof]

Every filing of the corpora (generated ones: ``python -m bench.generate --out DIR -n 200 --seed 1``;
``--samples`` adds filings/xicheng) is parsed and mapped first, untimed. Then each is validated
as ``kg load`` validates it: ``validate_filing`` on its triples, kg's native engine. Only
``time.process_time`` of the validation counts, so the numbers hold on a shared machine (wall
time does not). Printed: ms of CPU per filing, in total and by phase (building the validation
store: the filing's triples, derive's helper statements, vocabulary and template; running the
shapes; making the findings), timed in a second pass.

``--findings`` writes every finding (as JSON, with its check and focus node) per filing;
``--compare`` diffs them against such a file: a change meant to make validation cheaper must
leave them identical. For the "before", run this script from an unchanged checkout
(``git archive HEAD | tar -x -C DIR``). ``--mutate K`` adds K damaged copies of every filing
(bench.shape_query_bench.mutate), which make the rarely firing shapes fire. ``--profile`` writes
a cProfile of the validation (first pass).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.shape_query_bench import SAMPLES, load, mutate
from kg.namespaces import DEFAULT_BASE
from kg.register import Register
from kg.validation import validate_filing
from kg.validation.engine import store_locator, validation_store
from kg.validation.native import native_results
from kg.validation.results import findings_from_results


def filings(corpora: list[Path], n: int | None, mutants: int) -> list[tuple[str, list, str]]:
    """(key, triples, graph IRI) of the first n filings of each corpus, and their damaged copies."""
    register = Register.load(DEFAULT_BASE)
    out = []
    for corpus in corpora:
        for path in sorted(corpus.glob("*.txt"))[:n]:
            key = f"{corpus.name}/{path.name}"
            triples, iri = load(path, register)
            out.append((key, triples, iri))
            out += [(f"{key}#mutant{seed}", mutate(triples, iri, seed, key), iri) for seed in range(1, mutants + 1)]
    return out


def timed(runs: list, profile: Path | None) -> tuple[float, dict]:
    """CPU seconds of validating every filing, and the findings by filing."""
    profiler = cProfile.Profile() if profile else None
    cpu, findings = 0.0, {}
    for key, triples, iri in runs:
        if profiler:
            profiler.enable()
        t0 = time.process_time()
        found = validate_filing(triples, iri)
        cpu += time.process_time() - t0
        if profiler:
            profiler.disable()
        findings[key] = [dict(f.to_dict(), check=f.check, focus=f.focus) for f in found]
    if profiler:
        profiler.dump_stats(str(profile))
    return cpu, findings


def phases(runs: list) -> dict[str, float]:
    """CPU seconds of each phase of validate_filing, over every filing."""
    spent: dict[str, float] = defaultdict(float)

    def step(name: str, f, *args):
        t0 = time.process_time()
        result = f(*args)
        spent[name] += time.process_time() - t0
        return result

    for _key, triples, iri in runs:
        db = step("validation store", validation_store, triples, iri)
        results = step("shapes", native_results, db)
        step("findings", findings_from_results, results, iri, store_locator(db))
    return spent


def compare(before: dict, after: dict) -> int:
    """Print the filings whose findings differ; 0 when none do."""
    differ = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    for key in differ[:20]:
        print(f"findings DIFFER: {key}\n  before {json.dumps(before.get(key), ensure_ascii=False)[:800]}"
              f"\n  after  {json.dumps(after.get(key), ensure_ascii=False)[:800]}")
    print(f"findings: {len(differ)} of {len(set(before) | set(after))} filings differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.validation_cpu", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="a generated corpus; repeatable")
    parser.add_argument("--samples", action="store_true", help="also the real samples (filings/xicheng)")
    parser.add_argument("-n", type=int, help="the first N filings of each corpus")
    parser.add_argument("--mutate", type=int, default=0, metavar="K", help="also K damaged copies of every filing")
    parser.add_argument("--findings", type=Path, help="write the findings as JSON")
    parser.add_argument("--compare", type=Path, help="diff the findings against this JSON (from --findings)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the validation")
    args = parser.parse_args(argv)

    runs = filings(args.corpus + ([SAMPLES] if args.samples else []), args.n, args.mutate)
    if not runs:
        parser.error("no filings: give --corpus DIR or --samples")
    validate_filing(runs[0][1], runs[0][2])  # compile the shapes, load the vocabulary
    cpu, findings = timed(runs, args.profile)
    n = len(runs)
    print(f"{n} filings, {sum(map(len, findings.values()))} findings: {1000 * cpu / n:.1f} ms CPU per filing")
    for name, seconds in phases(runs).items():
        print(f"  {name:18s} {1000 * seconds / n:6.1f} ms")
    if args.findings:
        args.findings.write_text(json.dumps(findings, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return compare(json.loads(args.compare.read_text(encoding="utf-8")), findings) if args.compare else 0


if __name__ == "__main__":
    sys.exit(main())
