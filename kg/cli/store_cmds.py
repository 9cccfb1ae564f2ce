"""``kg load``, ``kg stats``, ``kg dump``: put filings into a store and look at what it holds."""

from __future__ import annotations

import json
import os
import sys

import click

from kg.cli.options import base_iri_option, format_option, store_option
from kg.loading import Loader, LoadResult, expand_paths
from kg.stats import format_stats, store_stats
from kg.store import open_store


def _echo_result(result: LoadResult) -> None:
    if result.status == "rejected":
        click.echo(f"rejected   {result.path}: {result.reason}")
        return
    extra = f" ({result.triples} triples)" if result.status != "unchanged" else ""
    click.echo(f"{result.status:<10} {result.path} -> {result.graph}{extra}")
    for name in result.unresolved:
        click.echo(f"           unresolved organisation name: {name}")
    if result.findings:  # validation on load (kg validate shows them)
        click.echo("           findings: " + ", ".join(
            f"{sum(f.severity == s for f in result.findings)} {s.lower()}s" for s in ("Violation", "Warning", "Info")))


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@store_option
@base_iri_option
@click.option("--include-personal", is_flag=True,
              help="Also map personal names and phone numbers from performance tables (off by default).")
@click.option("--strict", is_flag=True,
              help="Reject (do not write) a filing whose validation finds violations; by default it is "
                   "loaded with its findings stored in its graph.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=lambda: os.cpu_count() or 1,
              show_default="the number of CPUs", metavar="N",
              help="Parse, map and validate filings in N worker processes while this process alone writes "
                   "the store; 1 does everything in this process (as do runs of fewer than 4 files).")
def load(paths: tuple[str, ...], store_location: str, base_iri: str, include_personal: bool, strict: bool,
         jobs: int) -> None:
    """Load filings (files, or directories of *.txt) into the store.

    Each filing becomes one named graph, written atomically; one line per filing says
    loaded, replaced, unchanged or rejected (with the reason). A rejected file leaves the
    store as it was and makes the exit status 1.

    \b
    Example:
        kg load filings/xicheng
        kg load --jobs 4 corpus/
        kg --help; kg load --store /data/kg-store some/filing.txt
    """
    files = expand_paths(paths)
    if not files:
        raise click.UsageError("no filings found in the given paths")
    with open_store(store_location) as store:
        loader = Loader(store, base_iri, include_personal, strict=strict, jobs=jobs)
        loader.ensure_reference_graphs()
        show_bar = len(files) > 20 and sys.stderr.isatty()
        results = []
        with click.progressbar(length=len(files), label="loading", file=sys.stderr, hidden=not show_bar) as bar:
            for result in loader.load_paths(files):
                results.append(result)
                if show_bar:
                    bar.update(1)
                    if not result.ok:
                        click.echo(f"rejected   {result.path}: {result.reason}", err=True)
                else:
                    _echo_result(result)
        counts = {s: sum(r.status == s for r in results) for s in ("loaded", "replaced", "unchanged", "rejected")}
        click.echo(", ".join(f"{n} {s}" for s, n in counts.items()))
    if counts["rejected"]:
        sys.exit(1)


@click.command()
@store_option
@format_option("text", "json")
def stats(store_location: str, fmt: str) -> None:
    """Count filings, organisations, years, observations and triples per graph.

    \b
    Example:
        kg stats
        kg stats --format json
    """
    with open_store(store_location, read_only=True) as store:
        result = store_stats(store)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if fmt == "json" else format_stats(result))


@click.command()
@store_option
@format_option("nquads", "trig", "turtle", "jsonld")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to a file instead of stdout.")
def dump(store_location: str, fmt: str, output: str | None) -> None:
    """Write the whole store. N-Quads and TriG keep one graph per filing;
    Turtle and JSON-LD merge all graphs into one.

    \b
    Example:
        kg dump --format trig -o kg.trig
    """
    with open_store(store_location, read_only=True) as store:
        if output:
            with open(output, "wb") as out:
                store.dump(out, fmt)
        else:
            store.dump(sys.stdout.buffer, fmt)
