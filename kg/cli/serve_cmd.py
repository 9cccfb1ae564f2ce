"""``kg serve``: the store as a read-only SPARQL endpoint with a query page."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from kg.cli.options import store_option
from kg.paths import QUERIES_DIR
from kg.serving import ServeSettings, make_server


@click.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep loopback and publish through your own web server.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run before it is stopped (the client is told).")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Most rows (or triples) a query returns; the client is told when more were found.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Queries run at the same time, each in its own process.")
@click.option("--queries", "queries_dir", default=str(QUERIES_DIR), show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder of named queries (*.rq) for the page's tabs.")
@click.option("--quiet", is_flag=True, help="Do not log each request.")
def serve(store_location: str, host: str, port: int, timeout: float, max_rows: int, workers: int,
          queries_dir: Path, quiet: bool) -> None:
    """Serve the store read-only: a SPARQL endpoint at /sparql and a query page at /.

    The page (YASGUI, shipped with kg) has a tab for each named query. Updates are refused
    (HTTP 403). A query running longer than --timeout is stopped and answered with 504; at
    most --max-rows rows are returned, and the response says when there were more.
    It listens on 127.0.0.1 unless told otherwise: to publish it, put it behind your own
    web server (README: "Serving"). Stop it with Ctrl-C.

    \b
    Example:
        kg serve                      # http://127.0.0.1:7878/
        kg serve --store /data/kg-store --port 8080 --timeout 10 --max-rows 5000
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' http://127.0.0.1:7878/sparql
    """
    settings = ServeSettings(store_location, host, port, timeout, max_rows, workers, queries_dir)
    server = make_server(settings, quiet=quiet)
    bound_host, bound_port = server.server_address[:2]
    click.echo(f"kg serve: http://{bound_host}:{bound_port}/ (SPARQL endpoint /sparql; read-only; "
               f"timeout {timeout:g} s; at most {max_rows} rows) — Ctrl-C to stop", err=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the workers on `kill` too
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
