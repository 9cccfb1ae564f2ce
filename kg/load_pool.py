"""Prepare filings in worker processes (``kg load --jobs N``); only the caller writes the store.

Workers run kg.loading.prepare_filing on file paths against a snapshot of the stored
fingerprints and never open the store. At most WINDOW_PER_JOB × jobs files are in flight
(handed out and not yet taken back by the caller), so finished but unwritten results never
pile up; results come back in input order.

Workers must not wait for the caller: its store writes hold the GIL for a whole batch
(pyoxigraph ``bulk_extend``), so no thread of the caller's can feed workers or read results
meanwhile. Hence the plumbing is plain: paths go into one task queue a window ahead, and each
worker writes the filing's N-Triples (kg.loading.Prepared.data) to a file in a spool folder and
sends only a small message on its own pipe; the caller bulk-loads those bytes as they are.

A bug in a worker raises WorkerError with the worker's traceback, a worker that dies raises
WorkerError, a KgError is raised as a KgError. Workers ignore SIGINT: on Ctrl-C, an error or the
caller stopping early the workers are terminated; workers whose parent died remove the spool
and exit by themselves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Iterator

from kg.errors import KgError
from kg.loading import LoadSettings, Prepared, prepare_filing

WINDOW_PER_JOB = 16  # files in flight per worker: enough to keep workers busy while the writer ingests a batch (~10 filings)


class WorkerError(RuntimeError):
    """A worker process failed: a bug (the message has its traceback) or the process died."""


def prepare_in_pool(paths: list[Path], settings: LoadSettings, known: dict[str, str], jobs: int) -> Iterator[Prepared]:
    """prepare_filing for each path in ``jobs`` processes, yielded in input order.

    ``known`` (graph → stored fingerprint) is copied once into the workers; the caller
    reconciles results with what it writes meanwhile (Prepared.previous says what a worker saw)."""
    ctx = _context()
    tasks = ctx.SimpleQueue()
    with tempfile.TemporaryDirectory(prefix="kg-load-") as spool:
        pipes = [ctx.Pipe(duplex=False) for _ in range(jobs)]
        workers = [ctx.Process(target=_serve, args=(tasks, send, settings, dict(known), spool, os.getpid()),
                               name=f"kg-load-{n}", daemon=True) for n, (_, send) in enumerate(pipes)]
        inbox = {conn: worker for (conn, _), worker in zip(pipes, workers)}
        submitted, ready = 0, {}
        try:
            for worker in workers:
                worker.start()
            for index, path in enumerate(paths):
                while submitted < min(index + WINDOW_PER_JOB * jobs, len(paths)):
                    tasks.put((submitted, paths[submitted]))
                    submitted += 1
                while index not in ready:
                    ready.update(_receive(inbox))
                yield _unpack(ready.pop(index))
            for _ in workers:
                tasks.put(None)
            for worker in workers:
                worker.join()
        finally:  # an error, Ctrl-C or the caller stopping early: stop at once
            for worker in (w for w in workers if w.pid is not None):
                if worker.is_alive():
                    worker.terminate()
                worker.join()


def _context():
    """'fork' on Linux (workers start at once, sharing the loaded modules), else 'spawn'."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _receive(inbox: dict) -> list[tuple[int, tuple]]:
    """Wait for messages from any worker; a worker that exits meanwhile is an error."""
    sentinels = {worker.sentinel: worker for worker in inbox.values()}
    messages = []
    for ready in wait([*inbox, *sentinels]):
        if ready in inbox:
            messages.append(ready.recv())
        elif ready in sentinels:
            worker = sentinels[ready]
            worker.join(1)  # (its sentinel can be ready just before it can be reaped)
            raise WorkerError(f"worker process {worker.pid} exited unexpectedly (exit code {worker.exitcode})")
    return messages


def _unpack(outcome: tuple) -> Prepared:
    if outcome[0] == "kg-error":
        raise KgError(outcome[1])
    if outcome[0] == "bug":
        raise WorkerError(outcome[1])
    _, prepared, spooled = outcome
    if spooled is not None:
        prepared.data = Path(spooled).read_bytes()
        os.remove(spooled)
    return prepared


# -- in the worker ---------------------------------------------------------------------------

def _serve(tasks, results, settings: LoadSettings, known: dict[str, str], spool: str, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    threading.Thread(target=_exit_when_orphaned, args=(parent, spool), daemon=True).start()
    warm = False
    while (task := tasks.get()) is not None:
        index, path = task
        results.send((index, _prepare(path, settings, known, os.path.join(spool, f"{index}.nt"))))
        if not warm:
            # the modules, register, compiled shapes and vocabulary live as long as the worker:
            # out of the garbage collector's sight, they cost no time in every full collection
            # (~4 ms CPU per filing, 5%)
            gc.freeze()
            warm = True


def _exit_when_orphaned(parent: int, spool: str) -> None:
    """A parent killed outright (SIGKILL) cannot stop its workers or remove the spool: do both."""
    while os.getppid() == parent:
        time.sleep(1)
    shutil.rmtree(spool, ignore_errors=True)
    os._exit(1)


def _prepare(path: Path, settings: LoadSettings, known: dict[str, str], spooled: str) -> tuple:
    try:
        prepared = prepare_filing(path, settings, known.get)
        if prepared.data is None:
            return "ok", prepared, None
        Path(spooled).write_bytes(prepared.data)
        return "ok", replace(prepared, data=None), spooled
    except KgError as exc:
        return "kg-error", str(exc)
    except Exception:  # a bug: its traceback goes to the parent (the exception may not pickle)
        return "bug", f"preparing {path} in worker process {os.getpid()} failed:\n{traceback.format_exc()}"
