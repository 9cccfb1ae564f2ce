"""Links between projects of different filings: the derived graph ``LINKS_GRAPH``.

A project recurs across years (the 12345 branch outsourcing in 2020, 2021 and 2024) and
follows its duty across a restructuring (the 2019 12341 hotline contract of 政务服务管理办公室
→ the 2020 12345 outsourcing of the command centre). Such links span filings, so they
cannot live in one filing's graph without breaking per-filing atomicity (replacing one
filing would have to edit the others). They live in one derived graph instead, recomputed
from the store by ``refresh_links`` after each load (``Loader.load_paths`` calls it when
anything changed) and replaced atomically like any graph. Nothing in it is a statement of a
filing; each link says how it was found.

The rules (titles are compared by kg.projects.project_key and kg.projects.similarity):

``kgo:sameProjectAs`` (exact, ``kgo:inferred false``)
    two projects of the same organisation (one IRI per continuing body, so renames do not
    matter) whose titles have the same key: the same title up to year, district, money words
    (…经费, …尾款, …以前年度余款) and spacing. Materialised as a chain in year order; the
    relation is symmetric and transitive.
``kgo:continuedBy`` within an organisation (inferred)
    a project whose key first appears in year Y continues the most similar earlier project
    of the same organisation, when their title similarity is at least ``SAME_ORG_MIN``.
``kgo:continuedBy`` across organisations (inferred)
    for a ``kgo:DutyTransfer`` from A to B in theme T (stated by a filing, or curated), a
    T-project of B in B's first filing year stating the transfer, that has no predecessor of
    its own, continues the most similar T-project of A in A's last filing year before it,
    when their similarity is at least ``CROSS_ORG_MIN``.

Every linked project is put in a ``kgo:ProjectSeries`` (``kgo:inSeries``): the connected
component of these links, so "every filing's view of this project" is one index lookup; a
project linked to nothing is its own series and gets no triple (queries use the project
itself, ``COALESCE(?series, ?project)``), which keeps the graph small. Series IRIs
are derived (named after their earliest member) and may change when the corpus does: refer
to projects by their own IRIs. Each link also has an ``rdf:Statement`` node carrying
``kgo:inferred``, ``kgo:similarity``, ``kgo:reasoning`` and, for cross-organisation links,
``prov:wasDerivedFrom`` the transfer event.

Cost: one SELECT of all projects, then work per organisation (clusters of one organisation
are compared pairwise, with a length filter), so a full recompute grows with the corpus but
stays a batch step after a load, never part of a query. Writing the graph cost far more than
computing it (a transaction's cost per triple grows with its size), so ``write_links``
writes only what changed (see there); ``python -m bench.links_bench`` times each step.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from itertools import pairwise

import pyoxigraph as ox

from kg.namespaces import DCT, KGO, ORG, PROV, RDF, RDFS, XSD, normalise_base
from kg.projects import bigrams, project_key
from kg.store.embedded import EmbeddedStore

LINKS_GRAPH = "https://w3id.org/kg/graph/links"
SAME_ORG_MIN = 0.6
CROSS_ORG_MIN = 0.3

_PREFIXES = f"""PREFIX kgo: <{KGO}>
PREFIX org: <{ORG}>
PREFIX dct: <{DCT}>
"""

_PROJECTS = _PREFIXES + """
SELECT ?p ?title ?org ?year ?filing WHERE {
  ?p a kgo:Project ; dct:title ?title ; kgo:heldBy ?org ; kgo:fiscalYear ?year ; kgo:filing ?filing .
}
"""

_PROJECT_THEMES = _PREFIXES + """
SELECT ?p ?theme WHERE { ?p a kgo:Project ; kgo:theme ?theme }
"""

_FILING_YEARS = _PREFIXES + """
SELECT DISTINCT ?org ?year WHERE { ?f a kgo:Filing ; kgo:department ?org ; kgo:fiscalYear ?year }
"""

_TRANSFERS = _PREFIXES + """
SELECT ?e ?from ?to ?theme ?year ?date WHERE {
  ?e a kgo:DutyTransfer ; org:originalOrganization ?from ; org:resultingOrganization ?to ; kgo:theme ?theme .
  OPTIONAL { ?e kgo:filing/kgo:fiscalYear ?year }
  OPTIONAL { ?e kgo:eventDate ?date }
}
"""


@dataclass(frozen=True)
class Project:
    iri: str
    title: str
    org: str
    year: int
    filing: str
    themes: frozenset[str] = frozenset()

    @cached_property
    def key(self) -> str:
        return project_key(self.title)


@dataclass(frozen=True)
class Transfer:
    event: str
    source: str  # organisation the duty left
    target: str  # organisation the duty went to
    theme: str
    year: int | None  # first year a filing states it, or the year of its date


@dataclass
class Link:
    subject: str  # the earlier project
    predicate: str  # KGO sameProjectAs | continuedBy
    object: str  # the later project
    inferred: bool
    similarity: float
    reasoning: str
    event: str | None = None


@dataclass
class Links:
    links: list[Link] = field(default_factory=list)
    series: dict[str, str] = field(default_factory=dict)  # project IRI -> its series' earliest member


def _order(p: Project) -> tuple:
    return (p.year, p.filing, p.iri)


def _dice(x: set[str], y: set[str]) -> float:
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def compute_links(projects: list[Project], transfers: list[Transfer],
                  filing_years: dict[str, set[int]] | None = None) -> Links:
    """The links among ``projects`` (see the module docstring). Pure: no store involved."""
    out = Links()
    by_iri = {p.iri: p for p in projects}
    has_predecessor: set[str] = set()  # first members of clusters that continue something

    clusters: dict[tuple[str, str], list[Project]] = defaultdict(list)
    for p in sorted(projects, key=_order):
        clusters[(p.org, p.key)].append(p)

    # exact: a chain through each cluster, in year order
    for (org, key), members in clusters.items():
        for a, b in pairwise(members):
            out.links.append(Link(a.iri, KGO + "sameProjectAs", b.iri, False, 1.0,
                                  f"same organisation, same title once year, district and money words are "
                                  f"set aside: “{key}” ({a.year} “{a.title}”, {b.year} “{b.title}”)"))

    # within an organisation: a new key continues the most similar earlier one
    per_org: dict[str, list[list[Project]]] = defaultdict(list)
    for (org, _), members in clusters.items():
        per_org[org].append(members)
    grams = {key: bigrams(key) for (_, key) in clusters}
    for org, groups in per_org.items():
        groups.sort(key=lambda m: _order(m[0]))
        for later in groups:
            first = later[0]
            x = grams[first.key]
            best: tuple[float, int, str] | None = None
            chosen: Project | None = None
            for earlier in groups:
                before = [p for p in earlier if p.year < first.year]
                if not before or earlier is later:
                    continue
                y = grams[earlier[0].key]
                if min(len(x), len(y)) < SAME_ORG_MIN / (2 - SAME_ORG_MIN) * max(len(x), len(y)):
                    continue
                score = _dice(x, y)
                rank = (score, before[-1].year, before[-1].iri)
                if score >= SAME_ORG_MIN and (best is None or rank > best):
                    best, chosen = rank, before[-1]
            if chosen is not None:
                has_predecessor.add(first.iri)
                out.links.append(Link(chosen.iri, KGO + "continuedBy", first.iri, True, best[0],
                                      f"same organisation; {first.year} “{first.title}” is most like "
                                      f"{chosen.year} “{chosen.title}” among its earlier projects "
                                      f"(title similarity {best[0]:.2f} ≥ {SAME_ORG_MIN})"))

    # across organisations, following a duty transfer in the projects' theme
    years = filing_years or {}
    for p in projects:
        years.setdefault(p.org, set()).add(p.year)
    first_of_cluster = {members[0].iri for members in clusters.values()}
    of_org_year: dict[tuple[str, int], list[Project]] = defaultdict(list)
    for p in projects:
        of_org_year[(p.org, p.year)].append(p)
    seen: set[tuple[str, str, str]] = set()
    for t in sorted(transfers, key=lambda t: (t.year is None, t.year or 0, t.event)):
        if (t.source, t.target, t.theme) in seen or t.source == t.target:
            continue
        seen.add((t.source, t.target, t.theme))
        after = sorted(y for y in years.get(t.target, ()) if t.year is None or y >= t.year)
        if not after:
            continue
        year_b = after[0]
        before = sorted(y for y in years.get(t.source, ()) if y < year_b)
        if not before:
            continue
        year_a = before[-1]
        sources = [p for p in of_org_year[(t.source, year_a)] if t.theme in p.themes]
        targets = [p for p in of_org_year[(t.target, year_b)] if t.theme in p.themes
                   and p.iri in first_of_cluster and p.iri not in has_predecessor]
        for q in sorted(targets, key=_order):
            scored = sorted(((_dice(grams[q.key], grams[p.key]), p.iri) for p in sources), reverse=True)
            if scored and scored[0][0] >= CROSS_ORG_MIN:
                score, iri = scored[0]
                p = by_iri[iri]
                has_predecessor.add(q.iri)
                out.links.append(Link(p.iri, KGO + "continuedBy", q.iri, True, score,
                                      f"the duty in theme <{t.theme}> moved from <{t.source}> to <{t.target}> "
                                      f"(event <{t.event}>); {q.year} “{q.title}” is the most similar of "
                                      f"{p.year} “{p.title}” and the other {len(sources) - 1} projects of "
                                      f"the theme in the source's last filing year before the transfer "
                                      f"(title similarity {score:.2f} ≥ {CROSS_ORG_MIN})", t.event))

    # series: connected components, named after their earliest member
    parent = {p.iri: p.iri for p in projects}

    def find(i: str) -> str:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for link in out.links:
        a, b = find(link.subject), find(link.object)
        if a != b:
            keep, drop = sorted((a, b), key=lambda i: _order(by_iri[i]))
            parent[drop] = keep
    out.series = {p.iri: find(p.iri) for p in projects}
    return out


def _literal_int(term) -> int | None:
    try:
        return int(term.value[:4]) if term is not None else None
    except ValueError:
        return None


def read_inputs(store) -> tuple[list[Project], list[Transfer], dict[str, set[int]]]:
    themes: dict[str, set[str]] = defaultdict(set)
    for p, theme in store.select(_PROJECT_THEMES).rows:
        themes[p.value].add(theme.value)
    projects: dict[str, Project] = {}
    for p, title, org, year, filing in store.select(_PROJECTS).rows:
        current = projects.get(p.value)
        if current is None or title.value < current.title:  # a project with two titles: take one, stably
            projects[p.value] = Project(p.value, title.value, org.value, int(year.value), filing.value,
                                        frozenset(themes.get(p.value, ())))
    transfers: dict[tuple, Transfer] = {}
    for e, source, target, theme, year, date in store.select(_TRANSFERS).rows:
        when = _literal_int(year) or _literal_int(date)
        t = Transfer(e.value, source.value, target.value, theme.value, when)
        transfers[(t.event, t.theme)] = min(transfers.get((t.event, t.theme), t), t,
                                            key=lambda x: (x.year is None, x.year or 0))
    years: dict[str, set[int]] = defaultdict(set)
    for org, year in store.select(_FILING_YEARS).rows:
        years[org.value].add(int(year.value))
    return list(projects.values()), list(transfers.values()), dict(years)


def _node(base: str, *parts: str) -> ox.NamedNode:
    return ox.NamedNode(base + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16])


def link_triples(result: Links, projects: list[Project], base_iri: str) -> list[ox.Triple]:
    base = normalise_base(base_iri)
    a = ox.NamedNode(RDF + "type")
    out: list[ox.Triple] = []

    def add(s, p, o) -> None:
        out.append(ox.Triple(s, p, o))

    boolean = ox.NamedNode(XSD + "boolean")
    decimal = ox.NamedNode(XSD + "decimal")
    for link in result.links:
        s, p, o = ox.NamedNode(link.subject), ox.NamedNode(link.predicate), ox.NamedNode(link.object)
        add(s, p, o)
        st = _node(base + "project-link/", link.subject, link.predicate, link.object)
        add(st, a, ox.NamedNode(RDF + "Statement"))
        add(st, ox.NamedNode(RDF + "subject"), s)
        add(st, ox.NamedNode(RDF + "predicate"), p)
        add(st, ox.NamedNode(RDF + "object"), o)
        add(st, ox.NamedNode(KGO + "inferred"), ox.Literal("true" if link.inferred else "false", datatype=boolean))
        score = Decimal(str(round(link.similarity, 2)))
        add(st, ox.NamedNode(KGO + "similarity"), ox.Literal(format(score, "f"), datatype=decimal))
        add(st, ox.NamedNode(KGO + "reasoning"), ox.Literal(link.reasoning, language="en"))
        if link.event:
            add(st, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(link.event))
    titles = {p.iri: p for p in projects}
    size: dict[str, int] = defaultdict(int)
    for head in result.series.values():
        size[head] += 1
    for project, head in sorted(result.series.items()):
        if size[head] < 2:
            continue  # a project linked to no other is a series of its own: nothing to store
        series = _node(base + "project-series/", head)
        add(ox.NamedNode(project), ox.NamedNode(KGO + "inSeries"), series)
        if project == head:
            add(series, a, ox.NamedNode(KGO + "ProjectSeries"))
            add(series, ox.NamedNode(RDFS + "label"), ox.Literal(titles[head].title, language="zh"))
    return out


def refresh_links(store, base_iri: str | None = None) -> int:
    """Recompute the links graph from the store and make the stored one equal to it,
    atomically (``write_links``); returns its size."""
    projects, transfers, years = read_inputs(store)
    triples = link_triples(compute_links(projects, transfers, years), projects, base_iri)
    write_links(store, triples)
    return len(triples)


def write_links(store, triples: list[ox.Triple]) -> None:
    """Make ``LINKS_GRAPH`` hold exactly ``triples``, atomically, writing as little as possible.

    A transactional write costs far more than computing the graph, and more per triple the
    more it writes (pyoxigraph 0.5, drop and insert in one update: 57,000 triples 2.7 s CPU,
    229,000 triples 17 s). So a graph the store does not hold yet is bulk-loaded
    (``add_new_graphs``, atomic), and the embedded store's graph is patched with one update
    that deletes the statements that went and inserts those that came: after a load, few.
    Other stores (a remote server may not take large inline updates) get ``replace_graph``."""
    if LINKS_GRAPH not in store.graphs():
        store.add_new_graphs({LINKS_GRAPH: triples})
    elif triples and isinstance(store, EmbeddedStore):
        gone, came = links_patch(store, triples)
        if gone or came:
            store.update(_patch_update(gone, came))
    else:
        store.replace_graph(LINKS_GRAPH, triples)  # an empty graph is dropped, as before


def links_patch(store, triples: list[ox.Triple]) -> tuple[list[str], list[str]]:
    """The statements (N-Triples, without the final dot) to delete from the stored links
    graph and to insert into it so that it holds ``triples``. Statements are compared by
    value: the store keeps a decimal's value, not its lexical form (``"1.0"`` reads back as
    ``"1"``). A statement that differs only in how it is written is deleted and inserted
    again, which costs time but leaves the right graph."""
    old = set(_stored_statements(store))
    new = {f"{t.subject} {t.predicate} {t.object}" for t in triples}
    gone, came = old - new, new - old
    same = {_by_value(s) for s in gone} & {_by_value(s) for s in came}  # written differently only
    return sorted(s for s in gone if _by_value(s) not in same), sorted(s for s in came if _by_value(s) not in same)


def _stored_statements(store) -> list[str]:
    out = io.BytesIO()
    store.dump(out, "ntriples", graph=LINKS_GRAPH)
    return [line.removesuffix(" .") for line in out.getvalue().decode("utf-8").splitlines() if line]


_DECIMAL = re.compile(r'"([^"]*)"\^\^<' + re.escape(XSD) + r'decimal>$')


def _by_value(statement: str) -> str:
    """``statement`` with a decimal object written in one way per value."""
    if not statement.endswith("decimal>"):
        return statement
    match = _DECIMAL.search(statement)
    if match is None:
        return statement
    try:
        value = Decimal(match.group(1))
    except InvalidOperation:
        return statement
    return f'{statement[:match.start()]}"{format(value.normalize(), "f")}"^^<{XSD}decimal>'


def _patch_update(gone: list[str], came: list[str]) -> str:
    """One SPARQL update: DELETE DATA ``gone`` then INSERT DATA ``came`` in the links graph."""
    graph = f"<{LINKS_GRAPH}>"
    parts = [f"{verb} DATA {{ GRAPH {graph} {{\n" + " .\n".join(statements) + " .\n} }"
             for verb, statements in (("DELETE", gone), ("INSERT", came)) if statements]
    return " ;\n".join(parts)
