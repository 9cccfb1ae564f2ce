"""Real SPARQL servers for the tests, on loopback, in temporary directories.

``OxigraphServer`` runs ``oxigraph serve`` (the ``oxigraph`` package from PyPI, in the
``test`` extra); ``VirtuosoServer`` runs Debian's ``virtuoso-t`` when it is installed.
Each binds 127.0.0.1 on a free port, waits (bounded) until its SPARQL endpoint answers, and
is stopped (SIGTERM, then SIGKILL) when the test or session that started it ends.
``kill()`` is the abrupt SIGKILL used by the crash tests; ``start()`` again on the same
data directory is a restart.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

READY_TIMEOUT = 30.0  # seconds for a server to come up (Virtuoso creates its database)
STOP_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


class Server:
    """A server process with a data directory; subclasses say how to start and probe it."""

    name = "server"

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}-{self.name}.log"

    # to be provided
    def command(self) -> list[str]:
        raise NotImplementedError

    def probe_url(self) -> str:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int | None = None) -> "Server":
        """Start (or restart, on the same data and by default the same port) and wait until ready."""
        for _ in range(3):
            self.port = port or self.port or free_port()
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(self.command(), cwd=self.data_dir, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
            log.close()
            if self._wait_ready():
                return self
            self.stop()
            if port is None:
                self.port = 0  # perhaps the port was taken meanwhile: another one
        raise RuntimeError(f"{self.name} did not start; its log:\n{self.log()}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.probe_url(), timeout=1):
                    return True
            except urllib.error.HTTPError:
                return True  # it answers
            except OSError:
                time.sleep(0.1)
        return False

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush — a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class OxigraphServer(Server):
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` (read-write)."""

    name = "oxigraph"

    def __init__(self, data_dir: Path, *, union_default_graph: bool = False):
        super().__init__(data_dir)
        self.union_default_graph = union_default_graph

    def command(self) -> list[str]:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server is not installed (pip install -e '.[test]')")
        cmd = [binary, "serve", "--location", str(self.data_dir), "--bind", f"127.0.0.1:{self.port}"]
        return cmd + (["--union-default-graph"] if self.union_default_graph else [])

    def probe_url(self) -> str:
        return f"{self.base_url}/query?query=ASK%7B%7D"


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CaseMode = 2
DirsAllowed = ., {d}
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerRoot = {d}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
MaxCachedProxyConnections = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
DefaultQuery = SELECT * WHERE {{ ?s ?p ?o }} LIMIT 10
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


class VirtuosoServer(Server):
    """Debian's Virtuoso Open Source 7 (``virtuoso-t +foreground``) with a fresh database.
    The administrator is ``dba``/``dba``; writes go through the digest-authenticated
    ``/sparql-auth`` and ``/sparql-graph-crud-auth`` endpoints."""

    name = "virtuoso"
    user = password = "dba"

    def __init__(self, data_dir: Path):
        super().__init__(data_dir)
        self.sql_port = 0

    def command(self) -> list[str]:
        self.sql_port = free_port()
        ini = self.data_dir / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(d=self.data_dir, port=self.port, sql_port=self.sql_port))
        return [virtuoso_binary(), "+foreground", "+configfile", str(ini)]

    def probe_url(self) -> str:
        return f"{self.base_url}/sparql?query=ASK%7B%7D"


class KgServe:
    """``kg serve`` in its own process on a free loopback port (``--port 0``; the port is
    read from the line it prints), stopped with SIGTERM (which stops its workers too)."""

    def __init__(self, store: str, *args: str, env: dict | None = None):
        self.args = ["serve", "--store", str(store), "--port", "0", "--quiet", *args]
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "KgServe":
        cmd = [sys.executable, "-c", "from kg.cli import main; main()", *self.args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=self.env)
        deadline = time.monotonic() + READY_TIMEOUT
        line = ""
        while time.monotonic() < deadline and self.proc.poll() is None:
            line = self.proc.stderr.readline()
            if line.startswith("kg serve: http://"):
                self.url = line.split()[2].rstrip("/")
                return self
        rest = self.proc.stderr.read() if self.proc.poll() is not None else ""
        self.stop()
        raise RuntimeError(f"kg serve did not start: {line}{rest}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()

    def __enter__(self) -> "KgServe":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
