"""kg load --jobs: filings prepared in worker processes give exactly what the serial load gives."""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg.load_pool
import kg.loading
from bench.generate import generate
from kg.cli import main
from kg.load_pool import WINDOW_PER_JOB, WorkerError, prepare_in_pool
from kg.loading import Loader, LoadSettings
from kg.paths import SAMPLE_FILINGS_DIR
from kg.register import Register
from kg.store import open_store

BASE = "https://kg.example.org/"
SAMPLES = sorted(SAMPLE_FILINGS_DIR.glob("*.txt"))
S2020 = SAMPLE_FILINGS_DIR / "000_874f18751ad5cfa1.txt"
FORKS = sys.platform.startswith("linux")  # the workers inherit a monkeypatched function only when forked


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The five samples and 20 generated filings, in one folder."""
    folder = tmp_path_factory.mktemp("corpus")
    generate(folder / "generated", 20, seed=5)
    for sample in SAMPLES:
        shutil.copy(sample, folder / sample.name)
    return folder


@pytest.fixture(scope="module")
def loaded(corpus, tmp_path_factory) -> dict:
    """The corpus loaded (validation on) with jobs=1 and jobs=2 into two fresh stores."""
    out = {}
    for jobs in (1, 2):
        location = str(tmp_path_factory.mktemp(f"jobs{jobs}") / "kg-store")
        with open_store(location) as store:
            loader = Loader(store, jobs=jobs)
            loader.ensure_reference_graphs()
            out[jobs] = (location, list(loader.load_paths([corpus])))
    return out


def quads(location: str) -> set[str]:
    """The store's quads as N-Quads lines, blank nodes canonicalised (the reference graphs have some)."""
    with open_store(location, read_only=True) as store:
        buf = io.BytesIO()
        store.dump(buf, "nquads")
    dataset = ox.Dataset(ox.parse(buf.getvalue(), format=ox.RdfFormat.N_QUADS))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


def summary(results) -> list[tuple]:
    """What a load reports per file (findings compared whole, not just counted)."""
    return [(Path(r.path).name, r.status, r.graph, r.triples, r.reason, r.unresolved, r.findings) for r in results]


def load(location: str, paths, jobs: int, **options) -> list:
    with open_store(location) as store:
        return list(Loader(store, jobs=jobs, **options).load_paths(paths))


def test_jobs_2_writes_exactly_what_jobs_1_writes(loaded):
    (serial, serial_results), (parallel, parallel_results) = loaded[1], loaded[2]
    assert summary(parallel_results) == summary(serial_results)
    assert [r.status for r in parallel_results] == ["loaded"] * 25
    assert any(r.findings for r in parallel_results)
    assert quads(parallel) == quads(serial)


def test_reload_with_jobs_2_is_unchanged(loaded, corpus):
    location, _ = loaded[2]
    assert [r.status for r in load(location, [corpus], jobs=2)] == ["unchanged"] * 25


def test_strict_reload_rejects_the_filings_stored_with_violations(loaded, corpus):
    """Nothing is written: each filing is unchanged or already stored with violations."""
    results = {jobs: summary(load(loaded[jobs][0], [corpus], jobs=jobs, strict=True)) for jobs in (1, 2)}
    assert results[2] == results[1]
    rejected = [r for r in results[2] if r[1] == "rejected"]
    assert rejected and all("already stored with" in r[4] for r in rejected)


def test_strict_load_rejects_the_same_filings(tmp_path, corpus):
    paths = SAMPLES + sorted((corpus / "generated").glob("*.txt"))[:4]  # every sample has violations
    results = {jobs: summary(load(str(tmp_path / f"s{jobs}"), paths, jobs=jobs, strict=True)) for jobs in (1, 2)}
    assert results[2] == results[1]
    assert {r[1] for r in results[2]} == {"loaded", "rejected"}
    assert all("violation(s); first" in r[4] for r in results[2] if r[1] == "rejected")


def changed_copy(tmp_path) -> Path:
    """Sample 000 with one sentence changed: the same filing (graph), another fingerprint."""
    text = S2020.read_text("utf-8")
    assert "交办的其他任务" in text
    copy = tmp_path / "v2" / S2020.name
    copy.parent.mkdir()
    copy.write_text(text.replace("交办的其他任务", "交办的其它任务", 1), "utf-8")
    return copy


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_same_filing_twice_in_one_run(tmp_path, jobs):
    v2 = changed_copy(tmp_path)
    location = str(tmp_path / "kg-store")
    first = load(location, [S2020, *SAMPLES[1:4], S2020, v2], jobs, validate=False)
    assert [r.status for r in first] == ["loaded"] * 4 + ["unchanged", "replaced"]
    # v1 is stored; a run that writes v2 and then meets v1 again (prepared against the old snapshot)
    load(location, [S2020], 1, validate=False)
    again = load(location, [v2, *SAMPLES[1:4], S2020, S2020], jobs, validate=False)
    assert [r.status for r in again] == ["replaced"] + ["unchanged"] * 3 + ["replaced", "unchanged"]
    assert again[0].graph == again[4].graph == first[0].graph


def test_same_file_twice_gives_the_same_store_with_either_jobs(tmp_path):
    v2 = changed_copy(tmp_path)
    paths = [S2020, v2, *SAMPLES[1:], v2, S2020]
    results = {jobs: summary(load(str(tmp_path / f"s{jobs}"), paths, jobs, validate=False)) for jobs in (1, 2)}
    assert results[2] == results[1]
    assert quads(str(tmp_path / "s2")) == quads(str(tmp_path / "s1"))


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    ("这是一份普通的文本，不是预算。".encode("utf-8"), "not a budget filing"),
], ids=["empty", "not-a-filing"])
def test_a_malformed_file_is_rejected_and_the_others_load(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    paths = [SAMPLES[0], bad, *SAMPLES[1:]]
    results = {jobs: load(str(tmp_path / f"s{jobs}"), paths, jobs, validate=False) for jobs in (1, 2)}
    assert summary(results[2]) == summary(results[1])
    statuses = {Path(r.path).name: r.status for r in results[2]}  # (a rejection is reported before the batch)
    assert statuses == {"bad.txt": "rejected", **{p.name: "loaded" for p in SAMPLES}}
    assert [message in r.reason for r in results[2]] == [r.path == str(bad) for r in results[2]]


def test_at_most_a_window_of_files_is_in_flight(monkeypatch):
    handed_out = []
    real_context = kg.load_pool._context

    class Counting:
        """A multiprocessing context whose task queue records what it is given."""

        def __getattr__(self, name):
            return getattr(real_context(), name)

        def SimpleQueue(self):
            queue = real_context().SimpleQueue()
            put = queue.put
            queue.put = lambda task: (handed_out.append(task), put(task))
            return queue

    monkeypatch.setattr(kg.load_pool, "_context", Counting)
    settings = LoadSettings(BASE, include_personal=False, validate=False, strict=False, register=Register.load(BASE))
    files = SAMPLES * (3 * WINDOW_PER_JOB // len(SAMPLES) + 2)  # more files than the window holds
    window = 2 * WINDOW_PER_JOB
    taken = []
    for prepared in prepare_in_pool(files, settings, {}, jobs=2):
        taken.append(Path(prepared.result.path))
        assert len([t for t in handed_out if t is not None]) <= len(taken) - 1 + window
        assert prepared.result.status == "loaded" and prepared.data
    assert taken == files  # in input order
    assert handed_out[:window] == list(enumerate(files[:window]))


@pytest.mark.skipif(not FORKS, reason="needs forked workers to inherit the broken function")
@pytest.mark.parametrize("failure, message", [
    ("bug", "ZeroDivisionError: a bug in the mapping"),
    ("death", "exited unexpectedly (exit code 7)"),
], ids=["bug", "death"])
def test_a_failing_worker_raises_instead_of_hanging(tmp_path, monkeypatch, failure, message):
    def broken(*args, **kwargs):
        if failure == "death":
            os._exit(7)
        raise ZeroDivisionError("a bug in the mapping")

    monkeypatch.setattr(kg.loading, "map_filing", broken)
    location = str(tmp_path / "kg-store")
    with pytest.raises(WorkerError, match=re.escape(message)) as caught:
        load(location, SAMPLES, jobs=2, validate=False)
    if failure == "bug":
        assert "Traceback" in str(caught.value) and "in broken" in str(caught.value)
    with open_store(location) as store:
        assert not [g for g in store.graphs() if "/filing/" in g]


def test_spawned_workers_give_the_same_results(tmp_path, monkeypatch):
    """The start method used where fork is unavailable: settings and snapshot are pickled."""
    monkeypatch.setattr(kg.load_pool, "_context", lambda: multiprocessing.get_context("spawn"))
    results = {jobs: summary(load(str(tmp_path / f"s{jobs}"), SAMPLES, jobs, validate=False)) for jobs in (1, 2)}
    assert results[2] == results[1]
    assert quads(str(tmp_path / "s2")) == quads(str(tmp_path / "s1"))


def test_cli_load_with_jobs_2(tmp_path, corpus):
    location = str(tmp_path / "kg-store")
    runner = CliRunner()
    result = runner.invoke(main, ["load", "--jobs", "2", "--store", location, *map(str, SAMPLES)])
    assert result.exit_code == 0, result.output
    assert result.output.endswith("5 loaded, 0 replaced, 0 unchanged, 0 rejected\n")
    assert "--jobs N" in runner.invoke(main, ["load", "--help"]).output
    assert runner.invoke(main, ["load", "--jobs", "0", "--store", location, str(S2020)]).exit_code == 2


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and re.search(rf"^PPid:\s*{pid}$", (entry / "status").read_text(), re.M):
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="finds worker processes in /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_load_stops_its_workers_and_leaves_whole_graphs(tmp_path, corpus, loaded, sig):
    """Ctrl-C stops the pool; after SIGKILL of the loader its orphaned workers clean up and leave."""
    location, spool = str(tmp_path / "kg-store"), tmp_path / "tmp"
    spool.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "load", "--jobs", "2", "--store", location, str(corpus)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(spool)})
    assert proc.stdout.readline().startswith("loaded")  # a first batch is written
    workers = children(proc.pid)
    assert len(workers) == 2
    proc.send_signal(sig)
    proc.communicate(timeout=120)  # (after SIGKILL, until the orphans close its stdout)
    assert proc.returncode != 0
    for _ in range(600):  # orphans look for their parent every second
        if not any(map(running, workers)):
            break
        time.sleep(0.1)
    assert not any(map(running, workers)), "workers outlived the load"
    assert not list(spool.iterdir()), "the spool folder was left behind"
    with open_store(loaded[1][0], read_only=True) as reference:
        with open_store(location) as store:
            for graph in (g for g in store.graphs() if "/filing/" in g):
                assert store.count(graph) == reference.count(graph), f"{graph} is half-written"
