"""One static page per organisation, ``org/<key>.html``, with its description as
``org/<key>.ttl`` and ``org/<key>.jsonld``.

A page shows the organisation's names (register labels and the names each filing used),
its lineage events (renames, mergers, transfers of duties, with dates, legal basis and the
source sentence), its duties by year and its stated budget totals by year, and links its
filings' files. Organisations are the filing departments plus every organisation of the
register.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from kg.export.documents import write_turtle_and_jsonld
from kg.export.dumps import GraphFiles
from kg.export.files import Folder
from kg.export.inventory import PHASE_NAMES, PHASE_SLUGS, Inventory, Organisation
from kg.export.pages import bullets, esc, link, page, table, yuan
from kg.namespaces import KGO, ORG, PROV, RDFS, SKOS

_P = f"""PREFIX kgo: <{KGO}> PREFIX org: <{ORG}> PREFIX skos: <{SKOS}> PREFIX rdfs: <{RDFS}> PREFIX prov: <{PROV}>
"""

_DESCRIBE = _P + """
CONSTRUCT { ?s ?p ?o } WHERE {
  { BIND(?org AS ?s) ?s ?p ?o }
  UNION { ?org kgo:attestedName ?s . ?s ?p ?o }
  UNION { ?s org:originalOrganization ?org . ?s ?p ?o }
  UNION { ?s org:resultingOrganization ?org . ?s ?p ?o }
  UNION { ?s a kgo:Duty ; kgo:heldBy ?org . ?s ?p ?o }
}"""

_LABELS = _P + """
SELECT ?prop ?label WHERE { VALUES ?prop { skos:prefLabel skos:altLabel } ?org ?prop ?label }"""

_NAMES_USED = _P + """
SELECT ?year ?name WHERE { GRAPH ?f { ?f kgo:department ?org ; kgo:fiscalYear ?year ; kgo:nameUsed ?name } }"""

_EVENTS = _P + """
SELECT ?e ?type ?date ?label ?old ?new ?basis ?sentence ?from ?to WHERE {
  { ?e org:originalOrganization ?org } UNION { ?e org:resultingOrganization ?org }
  OPTIONAL { ?e a ?type FILTER(STRSTARTS(STR(?type), STR(kgo:))) }
  OPTIONAL { ?e kgo:eventDate ?date }
  OPTIONAL { ?e rdfs:label ?label FILTER(LANG(?label) = "zh") }
  OPTIONAL { ?e kgo:oldName ?old }
  OPTIONAL { ?e kgo:newName ?new }
  OPTIONAL { ?e kgo:legalBasis ?basis }
  OPTIONAL { ?e kgo:sourceSentence ?sentence }
  OPTIONAL { ?e org:originalOrganization ?from }
  OPTIONAL { ?e org:resultingOrganization ?to }
}"""

_DUTIES = _P + """
SELECT ?year ?order ?text WHERE { ?d a kgo:Duty ; kgo:heldBy ?org ; kgo:fiscalYear ?year ; kgo:text ?text
  OPTIONAL { ?d kgo:order ?order } }"""

_TOTALS = _P + f"""
SELECT ?year ?phase ?item ?amount ?line ?filing WHERE {{
  VALUES ?item {{ <{KGO}item/revenue_total> <{KGO}item/expenditure_total> }}
  VALUES ?phase {{ kgo:Budget kgo:FinalAccounts }}
  GRAPH ?filing {{ ?o kgo:organization ?org ; kgo:item ?item ; kgo:phase ?phase ; kgo:fiscalYear ?year ;
                     kgo:amount ?amount ; prov:wasDerivedFrom/kgo:line ?line }}
}}"""

_EVENT_NAMES = {"Rename": "更名 rename", "Merger": "合并 merger", "DutyTransfer": "职责划转 transfer of duty",
                "Establishment": "设立 establishment", "Abolition": "撤销 abolition"}
_ITEMS = ("revenue_total", "expenditure_total")


@dataclass
class Event:
    iri: str
    kinds: set = field(default_factory=set)
    values: dict = field(default_factory=lambda: defaultdict(set))


@dataclass
class OrgProfile:
    org: Organisation
    labels: list[tuple[str, str]]  # (property, label)
    names_used: dict[str, set[int]]
    events: list[Event]
    duties: dict[int, list[tuple[int, str]]]
    totals: dict[tuple[int, str], dict[str, tuple[int, str, str]]]  # (year, phase) → item → (line, amount, filing)

    @classmethod
    def read(cls, store, org: Organisation) -> "OrgProfile":
        labels = sorted({(p.value.rsplit("#", 1)[-1], lab.value)
                         for p, lab in store.select(about(_LABELS, org.iri)).rows},
                        key=lambda pl: (pl[0] != "prefLabel", pl))  # preferred names first
        names_used: dict[str, set[int]] = defaultdict(set)
        for year, name in store.select(about(_NAMES_USED, org.iri)).rows:
            names_used[name.value].add(int(year.value))
        events: dict[str, Event] = {}
        for row in store.select(about(_EVENTS, org.iri)).rows:
            e = events.setdefault(row[0].value, Event(row[0].value))
            if row[1] is not None:
                e.kinds.add(row[1].value.rsplit("#", 1)[-1])
            for key, term in zip(("date", "label", "old", "new", "basis", "sentence", "from", "to"), row[2:]):
                if term is not None:
                    e.values[key].add(term.value)
        duties: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for year, order, text in store.select(about(_DUTIES, org.iri)).rows:
            duties[int(year.value)].append((int(order.value) if order else 0, text.value))
        totals: dict = defaultdict(dict)
        for year, phase, item, amount, line, filing in store.select(about(_TOTALS, org.iri)).rows:
            key = (int(year.value), PHASE_SLUGS[phase.value])
            item_name = item.value.rsplit("/", 1)[-1]
            candidate = (int(line.value), amount.value, filing.value)
            if item_name not in totals[key] or candidate < totals[key][item_name]:
                totals[key][item_name] = candidate  # the first statement in the filing
        ordered_events = sorted(events.values(), key=lambda e: (min(e.values["date"], default="9999"), e.iri))
        return cls(org, labels, dict(names_used), ordered_events,
                   {y: sorted(set(d)) for y, d in duties.items()}, dict(totals))


def about(query: str, org_iri: str) -> str:
    """The query with ``?org`` bound to one organisation (written into the text, which every
    store accepts; the IRI is a NamedNode's, so it cannot break out of its brackets)."""
    return re.sub(r"\?org\b", str(NamedNode(org_iri)), query)


def _org_link(iri: str, inv: Inventory) -> str:
    other = inv.organisations.get(iri)
    return link(f"{other.key}.html", other.name) if other else f"<code>{esc(iri)}</code>"


def render(profile: OrgProfile, inv: Inventory, graph_files: dict[str, GraphFiles]) -> str:
    o = profile.org
    parts = [f"<h1>{esc(o.name)}</h1>"]
    if o.name_en:
        parts.append(f'<p class="muted">{esc(o.name_en)}</p>')
    parts.append(f"<p><code>{esc(o.iri)}</code> · {link(o.key + '.ttl', 'Turtle')} · "
                 f"{link(o.key + '.jsonld', 'JSON-LD')} · {link('../index.html', '目录 index')}</p>")

    parts.append("<h2>名称 Names</h2>")
    kinds = {"prefLabel": "正式名称 preferred", "altLabel": "别名 alternative"}
    names = [f"{esc(label)} <span class=\"muted\">({kinds.get(prop, prop)})</span>"
             for prop, label in profile.labels]
    names += [f"{esc(name)} <span class=\"muted\">(公开文件 filings {', '.join(map(str, sorted(years)))})</span>"
              for name, years in sorted(profile.names_used.items())]
    parts.append(bullets(names) if names else '<p class="muted">—</p>')

    parts.append("<h2>沿革 Lineage</h2>")
    if profile.events:
        rows = []
        for e in profile.events:
            v = e.values
            kinds = ", ".join(_EVENT_NAMES.get(k, k) for k in sorted(e.kinds)) or "—"
            moved = " → ".join(" / ".join(_org_link(i, inv) for i in sorted(v[k])) or "—" for k in ("from", "to"))
            names_changed = " → ".join(esc(" / ".join(sorted(v[k])) or "—") for k in ("old", "new"))
            rows.append([esc(", ".join(sorted(v["date"])) or "—"), kinds, esc(" ".join(sorted(v["label"]))),
                         moved, names_changed, esc(" ".join(sorted(v["basis"]))), esc(" ".join(sorted(v["sentence"])))])
        parts.append(table(["日期 date", "类型 kind", "事件 event", "机构 bodies", "名称 names", "依据 legal basis",
                            "原文 source sentence"], rows))
    else:
        parts.append('<p class="muted">—</p>')

    parts.append("<h2>职责 Duties by year</h2>")
    for year in sorted(profile.duties):
        parts.append(f"<h3>{year}</h3>\n<ol>\n" +
                     "".join(f"<li>{esc(text)}</li>\n" for _, text in profile.duties[year]) + "</ol>")
    if not profile.duties:
        parts.append('<p class="muted">—</p>')

    parts.append("<h2>收支总额 Budget totals by year (元 yuan)</h2>")
    if profile.totals:
        rows = []
        for (year, phase), items in sorted(profile.totals.items()):
            filing = next(iter(items.values()))[2]
            files = graph_files.get(filing)
            source = link(f"../{files.turtle}", "Turtle") if files else esc(filing)
            rows.append([str(year), esc(" ".join(PHASE_NAMES[phase])),
                         *(yuan(items[i][1]) if i in items else "—" for i in _ITEMS), source])
        parts.append(table(["年度 year", "阶段 phase", "收入总计 revenue", "支出总计 expenditure", "来源 source"],
                           rows, numeric={2, 3}))
    else:
        parts.append('<p class="muted">—</p>')

    filings = [f for f in inv.filings if f.org == o.iri]
    if filings:
        parts.append("<h2>公开文件 Filings</h2>")
        parts.append(bullets(
            f"{esc(f.title or f.graph)} · {link('../' + graph_files[f.graph].turtle, 'Turtle')} · "
            f"{link('../' + graph_files[f.graph].jsonld, 'JSON-LD')}" for f in filings))
    return page(o.name, "\n".join(parts))


def write_org_pages(store, inv: Inventory, graph_files: dict[str, GraphFiles], folder: Folder) -> dict[str, str]:
    """Write every organisation's page, Turtle and JSON-LD; returns the page path by org IRI."""
    pages = {}
    for org in inv.organisations.values():
        base = f"org/{org.key}"
        write_turtle_and_jsonld(folder, base, store.construct(about(_DESCRIBE, org.iri)))
        folder.write_text(base + ".html", render(OrgProfile.read(store, org), inv, graph_files))
        pages[org.iri] = base + ".html"
    return pages
