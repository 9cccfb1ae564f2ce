"""A load killed midway (SIGKILL) leaves every filing's graph complete or absent."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from kg.loading import FINGERPRINT, Loader
from kg.paths import SAMPLE_FILINGS_DIR
from kg.register import Register
from kg.store import open_store

LOADER_SCRIPT = """
import sys
from kg.loading import Loader
from kg.register import Register
from kg.store import open_store
store = open_store(sys.argv[1])
loader = Loader(store, validate=False, jobs=int(sys.argv[3]))
loader.register = Register(loader.base_iri)  # every copy its own organisation
for result in loader.load_paths([sys.argv[2]]):
    print(result.status, flush=True)
"""


def make_copies(folder, copies: int) -> None:
    """Distinct filings: the district renamed per copy (西城区 → 西城甲乙…区)."""
    for n in range(copies):
        stem = "".join("甲乙丙丁戊己庚辛壬癸"[int(d)] for d in str(n))
        for sample in sorted(SAMPLE_FILINGS_DIR.glob("*.txt")):
            text = sample.read_text("utf-8").replace("西城区", f"西城{stem}区")
            (folder / f"{n:03d}-{sample.name}").write_text(text, "utf-8")


def expected_counts(folder, tmp_path) -> dict[str, int]:
    """What each filing's graph holds when fully written (prepared against an empty store)."""
    with open_store(str(tmp_path / "scratch")) as scratch:
        loader = Loader(scratch, validate=False)
        loader.register = Register(loader.base_iri)
        counts = {}
        for path in sorted(folder.glob("*.txt")):
            result, triples = loader.prepare(path)
            counts[result.graph] = len(set(triples))
        return counts


@pytest.mark.parametrize("jobs", [1, 2])  # 2: filings prepared in worker processes (kg.load_pool)
def test_killed_load_leaves_graphs_complete_or_absent(tmp_path, jobs):
    folder = tmp_path / "filings"
    folder.mkdir()
    make_copies(folder, 12)
    expected = expected_counts(folder, tmp_path)
    location = str(tmp_path / "kg-store")
    for delay in (0.0, 0.05, 0.3):
        proc = subprocess.Popen([sys.executable, "-c", LOADER_SCRIPT, location, str(folder), str(jobs)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        while proc.stdout.readline().strip() not in ("loaded", ""):  # a first batch is written
            pass
        time.sleep(delay)  # then kill it while it works on the next batches
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with open_store(location) as store:
            for graph in store.graphs():
                if graph in expected:
                    assert store.count(graph) == expected[graph], f"{graph} is half-written"
                    assert store.ask(f"ASK {{ GRAPH <{graph}> {{ <{graph}> <{FINGERPRINT.value}> ?f }} }}")
    # and a complete load afterwards finishes the job, loading exactly what is missing
    with open_store(location) as store:
        before = {g for g in store.graphs() if g in expected}
        assert 0 < len(before) < len(expected), "the kills should have stopped the load midway"
        loader = Loader(store, validate=False)
        loader.register = Register(loader.base_iri)
        statuses = [r.status for r in loader.load_paths([folder])]
        assert statuses.count("unchanged") == len(before)
        assert statuses.count("loaded") == len(expected) - len(before)
        for graph, count in expected.items():
            assert store.count(graph) == count
