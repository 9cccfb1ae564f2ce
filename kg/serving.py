"""``kg serve``: the store, read-only, as a SPARQL endpoint and a query page.

- ``GET /``: a YASGUI page (vendored in kg/static/yasgui, no CDN) with one tab per named
  query of ``queries/`` (parameters with defaults bound to their default, editable).
- ``GET|POST /sparql`` (also ``/query``, Oxigraph's name): the SPARQL 1.1 Protocol for
  queries. SELECT/ASK answer in SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE in Turtle,
  N-Triples, RDF/XML or JSON-LD, by the Accept header.
- Updates are refused with 403: an ``update=`` form field, an ``application/sparql-update``
  body, an update sent as ``query=``, ``/update``, ``/store`` and every PUT/DELETE/PATCH.

Every query runs in a worker process holding the store open read-only (through the Store
interface, so an embedded directory and a remote endpoint are served alike). A query that
runs past ``timeout`` seconds is stopped by killing its worker, which is replaced at once,
and the client gets 504 with a message saying so; pyoxigraph has no query timeout of its
own. At most ``max_rows`` rows (or triples) are returned; when more were found the response
says so in ``X-KG-Truncated``/``X-KG-Notice`` headers, which the page shows. A SELECT gets
``LIMIT max_rows+1`` (its own LIMIT lowered to that) so that the engine stops early.

The server binds to 127.0.0.1 by default: put it behind the institution's own web server
(TLS, access control, rate limits) to publish it (README, "Serving").
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox

from kg.errors import KgError, QueryError, StoreError
from kg.paths import QUERIES_DIR
from kg.store.sparql_values import limit_solutions

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_QUERY_BYTES = 1 << 20  # a query text larger than 1 MiB is refused
WORKER_START_TIMEOUT = 60.0

RESULTS_TYPES = {  # media type -> pyoxigraph format, first is the default
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_PROLOGUE = re.compile(r"^\s*(?:#[^\n]*\n|PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|\s+)*", re.IGNORECASE)
READ_ONLY_MESSAGE = "kg serve is read-only: updates are refused (load data with `kg load`)"


@dataclass
class ServeSettings:
    location: str
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 5.0
    max_rows: int = 10_000
    workers: int = 2
    queries_dir: Path = field(default_factory=lambda: QUERIES_DIR)


# -- the page's tabs -----------------------------------------------------------------------

def page_queries(store, queries_dir: Path) -> list[dict]:
    """The named queries as tabs: name, title, description and the text to show, with the
    parameters that have defaults bound to them (a VALUES block the user can edit)."""
    try:
        from kg.named_queries import KINDS, list_queries, resolve_value
    except ImportError:  # no named-query library: the files as they are
        return [{"name": p.stem, "title": p.stem, "description": "", "params": [],
                 "query": p.read_text(encoding="utf-8")} for p in sorted(queries_dir.glob("*.rq"))]
    from kg.store.sparql_values import bind_values

    tabs = []
    for q in list_queries(queries_dir):
        text = q.text
        bindings = {}
        for p in q.params:
            if p.default is not None:
                try:
                    bindings[p.name] = resolve_value(store, p, p.default)
                except KgError:
                    pass  # not in this store: leave the variable open
        if bindings:
            text = bind_values(text, bindings)
        params = [f"?{p.name}: {p.description or KINDS.get(p.kind, p.kind)}" for p in q.params]
        tabs.append({"name": q.name, "title": q.title, "description": q.description,
                     "params": params, "query": text})
    return tabs


# -- workers -------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)


def query_kind(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or UPDATE (for any update operation)."""
    rest = sparql[_PROLOGUE.match(sparql).end():]
    word = re.match(r"[A-Za-z]+", rest)
    word = word.group().upper() if word else ""
    if word in _UPDATE_WORDS:
        return "UPDATE"
    if word not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
        raise QueryError("not a SPARQL query (expected SELECT, ASK, CONSTRUCT or DESCRIBE)")
    return word


def run_query(store, sparql: str, kind: str, media_type: str, max_rows: int) -> tuple[bytes, int, bool]:
    """Run one query on a store and serialise the answer: (body, rows, truncated)."""
    if kind == "SELECT":
        # one solution past the cap tells that there were more; the engine stops there
        result = store.select(limit_solutions(sparql, max_rows + 1))
        rows = result.rows[:max_rows]
        tsv = "\t".join("?" + v for v in result.variables) + "\n" + "".join(
            "\t".join("" if t is None else str(t) for t in row) + "\n" for row in rows)
        solutions = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
        return solutions.serialize(format=RESULTS_TYPES[media_type]), len(rows), len(result.rows) > max_rows
    if kind == "ASK":
        answer = ox.parse_query_results('{"head":{},"boolean":%s}' % ("true" if store.ask(sparql) else "false"),
                                        ox.QueryResultsFormat.JSON)
        return answer.serialize(format=RESULTS_TYPES[media_type]), 1, False
    triples = store.construct(sparql)
    from kg.namespaces import PREFIXES

    kept = triples[:max_rows]
    fmt = GRAPH_TYPES[media_type]
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(kept, format=fmt, prefixes=prefixes), len(kept), len(triples) > max_rows


def _worker_main(conn, location: str) -> None:
    """A worker process: open the store read-only, then answer jobs until told to stop."""
    from kg.store import open_store

    try:
        store = open_store(location, read_only=True)
    except KgError as e:
        conn.send(("failed", str(e)))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            store.close()
            return
        sparql, kind, media_type, max_rows = job
        try:
            conn.send(("ok", run_query(store, sparql, kind, media_type, max_rows)))
        except QueryError as e:
            conn.send(("rejected", str(e)))
        except KgError as e:
            conn.send(("failed", str(e)))
        except Exception as e:  # noqa: BLE001 — a worker reports, it does not die
            conn.send(("failed", f"{type(e).__name__}: {e}"))


class QueryTimeout(Exception):
    pass


class Busy(Exception):
    pass


class _Worker:
    def __init__(self, ctx, location: str):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, location), daemon=True,
                                   name="kg-serve-worker")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise StoreError(f"a query worker did not start within {timeout:g} s")
        status, message = self.conn.recv()
        if status != "ready":
            self.kill()
            raise StoreError(message)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        self.kill()


class WorkerPool:
    """Query workers, each a process with the store open read-only. A query that outlives
    the timeout has its worker killed (the only way to stop a pyoxigraph query) and a new
    worker takes its place."""

    def __init__(self, location: str, size: int):
        self.location = location
        self.ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.all: set[_Worker] = set()
        self.lock = threading.Lock()
        self.closed = False
        for worker in [self._spawn() for _ in range(size)]:
            worker.wait_ready(WORKER_START_TIMEOUT)
            self.idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self.ctx, self.location)
        with self.lock:
            self.all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        """Put a fresh worker in place of a killed one, in the background."""
        with self.lock:
            self.all.discard(dead)
            if self.closed:
                return

        def start():
            worker = self._spawn()
            try:
                worker.wait_ready(WORKER_START_TIMEOUT)
            except StoreError:
                with self.lock:
                    self.all.discard(worker)
                return
            self.idle.put(worker)

        threading.Thread(target=start, daemon=True).start()

    def run(self, job: tuple, timeout: float) -> tuple[str, object]:
        try:
            worker = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy() from None
        try:
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                reply = worker.conn.recv()
                self.idle.put(worker)
                return reply
        except (EOFError, OSError):
            worker.kill()
            self._replace(worker)
            return ("failed", "the query worker died (out of memory?)")
        worker.kill()
        self._replace(worker)
        raise QueryTimeout()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers = list(self.all)
        for worker in workers:
            worker.stop()


# -- HTTP ----------------------------------------------------------------------------------

def negotiate(accept: str, offered: dict) -> str | None:
    """The offered media type the Accept header prefers (the first offered one for */*)."""
    best, best_q = None, 0.0
    for part in (accept or "*/*").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media in ("*/*", "") or media.endswith("/*"):
            prefix = media[:-1] if media.endswith("/*") and media != "*/*" else ""
            match = next((m for m in offered if m.startswith(prefix)), None)
            q -= 0.0001  # an exact type of the same weight wins
        else:
            match = media if media in offered else None
        if match and q > best_q:
            best, best_q = match, q
    return best


class Handler(BaseHTTPRequestHandler):
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"  # kept-alive connections: every answer has a Content-Length
    app: "App"  # set on the subclass made by make_server

    # -- routing -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path in ("/sparql", "/query"):
            params = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
            return self._sparql(params.get("query"), "update" in params)
        if path in ("/", "/index.html"):
            return self._static("index.html")
        if path == "/queries.json":
            return self._send(200, "application/json", json.dumps(self.app.tabs, ensure_ascii=False).encode())
        if path == "/favicon.ico":
            return self._send(204, "image/x-icon", b"")
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        if path in ("/update", "/store"):
            return self._refuse()
        self._error(404, f"{path}: not found (the SPARQL endpoint is /sparql)")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path not in ("/sparql", "/query"):
            return self._refuse() if path in ("/update", "/store") else self._error(404, f"{path}: not found")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            return self._error(413, f"the query is larger than {MAX_QUERY_BYTES} bytes")
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            return self._refuse()
        if ctype == "application/sparql-query":
            return self._sparql(body, False)
        params = dict(parse_qsl(body, keep_blank_values=True))
        params.update(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        self._sparql(params.get("query"), "update" in params)

    def _refuse(self) -> None:
        self._error(403, READ_ONLY_MESSAGE)

    do_PUT = do_DELETE = do_PATCH = _refuse

    # -- SPARQL ------------------------------------------------------------------------------

    def _sparql(self, sparql: str | None, has_update: bool) -> None:
        if has_update:
            return self._refuse()
        if not sparql:
            return self._error(400, "no query: give it as query= (GET or form POST) "
                                    "or as an application/sparql-query body")
        try:
            kind = query_kind(sparql)
        except QueryError as e:
            return self._error(400, str(e))
        if kind == "UPDATE":
            return self._refuse()
        offered = GRAPH_TYPES if kind in ("CONSTRUCT", "DESCRIBE") else RESULTS_TYPES
        media_type = negotiate(self.headers.get("Accept", ""), offered)
        if media_type is None:
            return self._error(406, f"cannot answer in the accepted types; offered: {', '.join(offered)}")
        settings = self.app.settings
        started = time.monotonic()
        try:
            status, payload = self.app.pool.run((sparql, kind, media_type, settings.max_rows), settings.timeout)
        except QueryTimeout:
            return self._error(504, f"query stopped: it ran longer than the {settings.timeout:g} s limit "
                                    "of this server (kg serve --timeout)")
        except Busy:
            return self._error(503, "all query workers are busy; try again shortly", {"Retry-After": "1"})
        if status == "rejected":
            return self._error(400, payload)
        if status != "ok":
            return self._error(500, payload)
        body, rows, truncated = payload
        headers = {"X-KG-Rows": str(rows), "X-KG-Row-Limit": str(settings.max_rows),
                   "X-KG-Time": f"{time.monotonic() - started:.3f}"}
        if truncated:
            headers["X-KG-Truncated"] = "true"
            headers["X-KG-Notice"] = (f"results truncated to the first {settings.max_rows} "
                                      f"{'triples' if kind in ('CONSTRUCT', 'DESCRIBE') else 'rows'} "
                                      "(kg serve --max-rows)")
        content_type = media_type if not media_type.startswith("text/") else media_type + "; charset=utf-8"
        self._send(200, content_type, body, headers)

    # -- plumbing ----------------------------------------------------------------------------

    def _static(self, name: str) -> None:
        path = (STATIC_DIR / name).resolve()
        if STATIC_DIR not in path.parents or not path.is_file():
            return self._error(404, f"{name}: not found")
        types = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".md": "text/plain; charset=utf-8"}
        self._send(200, types.get(path.suffix, "application/octet-stream"), path.read_bytes(),
                   {"Cache-Control": "no-cache"})

    def _error(self, status: int, message: str, headers: dict | None = None) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), headers)

    def _send(self, status: int, content_type: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                                    "img-src 'self' data:; frame-ancestors 'self'")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, fmt: str, *args) -> None:
        if self.app.quiet:
            return
        super().log_message(fmt, *args)


@dataclass
class App:
    settings: ServeSettings
    pool: WorkerPool
    tabs: list[dict]
    quiet: bool = False


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: App):
        self.app = app
        handler = type("BoundHandler", (Handler,), {"app": app})
        super().__init__((app.settings.host, app.settings.port), handler)

    def server_close(self) -> None:
        super().server_close()
        self.app.pool.close()


def make_server(settings: ServeSettings, quiet: bool = False) -> Server:
    """Open the store once to check it and build the page's tabs, start the workers, bind."""
    from kg.store import open_store

    with open_store(settings.location, read_only=True) as store:
        tabs = page_queries(store, settings.queries_dir) if settings.queries_dir.is_dir() else []
    pool = WorkerPool(settings.location, settings.workers)
    try:
        return Server(App(settings, pool, tabs, quiet))
    except OSError as e:
        pool.close()
        raise StoreError(f"cannot listen on {settings.host}:{settings.port}: {e.strerror or e}") from None
