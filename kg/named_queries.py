"""Named, parameterised queries: the ``.rq`` files of ``queries/``.

Each file starts with a header of comment lines that says what it is::

    # title: Lineage of an organisation
    # description: Every restructuring event that made an organisation what it is …
    #   (a description may go on over indented comment lines)
    # param: org (organisation) = 城市管理指挥中心 — the organisation: its IRI, or any name
    # param: year (year, optional) — only this fiscal year; every year when omitted

``param: NAME (KIND[, optional]) [= DEFAULT] — DESCRIPTION``: NAME is also the query's
variable (``?org``); KIND says how a value given on the command line is resolved to an RDF
term (``KINDS``); a parameter with neither default nor ``optional`` must be given. An
optional parameter left out stays unbound, so the query ranges over every value.

Values are resolved in Python against the store's own labels (an organisation by IRI,
register code, or any zh/en name it is known by, exactly or after the register's name
normalisation; a theme by IRI, code or label …) and then bound as RDF terms.

Binding. A query marks where each parameter is bound with a placeholder
``VALUES ?name { UNDEF }`` (one or more, e.g. in each sub-SELECT that needs it). As written,
the file is plain SPARQL that ranges over every value (``kg query queries/lineage.rq`` runs);
``run_named`` replaces each placeholder's ``UNDEF`` with the resolved term serialised by
pyoxigraph (``<iri>``, ``"text"@zh`` with its quotes and backslashes escaped), so user text
never becomes query text and a value with quotes or braces is only ever a value. VALUES,
rather than pyoxigraph's query substitutions, because Oxigraph's optimizer plans a query
before substituting: a substituted variable counts as unbound, so the plan starts from a
scan of the whole store, while a one-row VALUES block is where the plan starts, and every
pattern after it becomes an index look-up (at 1,000 filings: 0.5 ms instead of 300 ms).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from kg.errors import QueryError
from kg.namespaces import CV, DCT, KGO, ORG, RDFS, SKOS, THEME, XSD
from kg.paths import QUERIES_DIR
from kg.register import normalise as normalise_name
from kg.store import SelectResult

KINDS = {
    "organisation": "an organisation: IRI, register code (xicheng-command-centre) or any zh/en name",
    "theme": "a duty theme: IRI, code (hotline) or any zh/en label",
    "project": "a project: IRI or title (as printed, or the same up to year/district/money words)",
    "year": "a fiscal year, e.g. 2021",
    "text": "any text",
}

_KEY = re.compile(r"^#\s*(title|description|param|example)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<kind>[a-z]+)(?P<optional>\s*,\s*optional)?\)"
                    r"\s*(?:=\s*(?P<default>.*?))?\s*(?:—|--)\s*(?P<description>.*)$")
_SHOWN = 5  # candidates named in an "ambiguous" message
_LABELS = f"<{SKOS}prefLabel>|<{SKOS}altLabel>|<{SKOS}hiddenLabel>|<{RDFS}label>"


class UnknownQuery(QueryError):
    """No named query by that name."""


class UnknownParameter(QueryError):
    """A parameter the query does not declare, or a required one left out."""


@dataclass
class Param:
    name: str
    kind: str
    description: str
    default: str | None = None
    optional: bool = False

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "default": self.default,
                "optional": self.optional, "description": self.description}


@dataclass
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise UnknownParameter(f"query {self.name!r} has no parameter {name!r} (its parameters: {known})")

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "params": [p.to_dict() for p in self.params], "examples": self.examples,
                "file": str(self.path)}


def parse_header(name: str, path: Path, text: str) -> NamedQuery:
    """Read the header comment of a query file (see the module docstring)."""
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "example": []}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _KEY.match(line)
        if m:
            last = m.group(1)
            fields[last].append(m.group(2))
        elif last == "description" and line[1:].strip():
            fields["description"][-1] += " " + line[1:].strip()
        else:
            last = None
    params = []
    for spec in fields["param"]:
        m = _PARAM.match(spec)
        if not m:
            raise QueryError(f"{path}: cannot read the parameter line {spec!r} "
                             "(expected: NAME (KIND[, optional]) [= DEFAULT] — DESCRIPTION)")
        if m.group("kind") not in KINDS:
            raise QueryError(f"{path}: parameter {m.group('name')!r} has unknown kind {m.group('kind')!r}; "
                             f"known kinds: {', '.join(KINDS)}")
        params.append(Param(m.group("name"), m.group("kind"), m.group("description").strip(),
                            m.group("default") or None, bool(m.group("optional"))))
    if not fields["title"]:
        raise QueryError(f"{path}: the query has no '# title:' header line")
    return NamedQuery(name, path, fields["title"][0], " ".join(fields["description"]), params, fields["example"])


def list_queries(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query, by name."""
    return [parse_header(p.stem, p, p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.rq"))]


def get_query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    path = directory / f"{name}.rq"
    if not re.fullmatch(r"[\w-]+", name) or not path.is_file():
        known = ", ".join(q.name for q in list_queries(directory))
        raise UnknownQuery(f"no named query {name!r}; the named queries are: {known} (see `kg queries`)")
    return parse_header(name, path, path.read_text(encoding="utf-8"))


# -- resolving parameter values ---------------------------------------------------------------


def _fold(text: str) -> str:
    return normalise_name(unicodedata.normalize("NFKC", text)).casefold()


def _literal_variants(value: str) -> str:
    """The VALUES rows for a literal in every form a label may take (plain, @zh, @en)."""
    terms = [Literal(value), Literal(value, language="zh"), Literal(value, language="en")]
    return " ".join(f"({t})" for t in terms)


def _iri_if_known(store, value: str) -> NamedNode | None:
    if "://" not in value and not value.startswith("urn:"):
        return None
    try:
        node = NamedNode(value.strip("<> "))
    except ValueError:
        raise QueryError(f"not a valid IRI: {value!r}") from None
    found = store.select(f"SELECT ?p WHERE {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }} LIMIT 1").rows
    if not found:
        raise QueryError(f"{value} is not in the store")
    return node


def _one(kind: str, value: str, candidates: list[str]) -> NamedNode:
    found = sorted(set(candidates))
    if len(found) == 1:
        return NamedNode(found[0])
    if not found:
        raise QueryError(f"no {kind} called {value!r} in the store")
    shown = "; ".join(found[:_SHOWN])
    more = f" and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
    raise QueryError(f"{value!r} names {len(found)} different {kind}s ({shown}{more}); give one of their IRIs")


_ORG_CANDIDATES = f"""SELECT DISTINCT ?x ?l WHERE {{
  {{ VALUES ?t {{ <{ORG}Organization> <{ORG}FormalOrganization> <{ORG}OrganizationalUnit> <{CV}PublicOrganisation> }}
     ?x a ?t ; {_LABELS} ?l }}
  UNION {{ ?f <{KGO}department> ?x ; <{KGO}nameUsed> ?l }}
  UNION {{ ?f <{KGO}department> ?x . BIND(STR(?x) AS ?l) }}
}}"""


# the register's district prefixes (kg/register.py), to try a short name in its printed forms
_NAME_PREFIXES = ("", "北京市西城区", "西城区", "西城", "区")


def _organisations_labelled(store, names: list[str]) -> list[str]:
    """Organisations with one of ``names`` as a label (the register's, first) or, failing
    that, as a name a filing of theirs uses."""
    rows_values = " ".join(_literal_variants(n) for n in names)
    for pattern in (f"?x {_LABELS} ?l . FILTER(isIRI(?x))", f"?f <{KGO}department> ?x ; <{KGO}nameUsed> ?l"):
        rows = store.select(f"SELECT DISTINCT ?x WHERE {{ VALUES (?l) {{ {rows_values} }} {pattern} }}").rows
        if rows:
            return [r[0].value for r in rows]
    return []


def resolve_organisation(store, value: str) -> NamedNode:
    """An organisation by IRI, by any label exactly, by a label in the register's normalised
    form (district prefix, spacing, full-width characters) or by its register code. Exact
    look-ups use the store's indexes; only a name found no other way scans the labels."""
    iri = _iri_if_known(store, value)
    if iri:
        return iri
    exact = _organisations_labelled(store, [value])
    if exact:
        return _one("organisation", value, exact)
    key = normalise_name(value)
    if key:
        near = _organisations_labelled(store, [prefix + key for prefix in _NAME_PREFIXES])
        if near:
            return _one("organisation", value, near)
    want = _fold(value)
    loose = [x.value for x, label in store.select(_ORG_CANDIDATES).rows
             if _fold(label.value) == want or x.value.rstrip("/").rsplit("/", 1)[-1] == value]
    return _one("organisation", value, loose)


def resolve_theme(store, value: str) -> NamedNode:
    iri = _iri_if_known(store, value)
    if iri:
        return iri
    rows = store.select(f"""SELECT DISTINCT ?x ?how ?l WHERE {{
        ?x <{SKOS}inScheme> <{THEME}> .
        {{ ?x <{SKOS}prefLabel>|<{SKOS}altLabel>|<{RDFS}label>|<{SKOS}notation> ?l BIND("label" AS ?how) }}
        UNION {{ ?x <{SKOS}hiddenLabel> ?l BIND("keyword" AS ?how) }} }}""").rows
    want = _fold(value)
    local = [x.value for x, _, _ in rows if x.value == THEME + value]
    labels = [x.value for x, how, label in rows if how.value == "label" and _fold(label.value) == want]
    keywords = [x.value for x, how, label in rows if how.value == "keyword" and _fold(label.value) == want]
    return _one("theme", value, local or labels or keywords)


def resolve_project(store, value: str) -> NamedNode:
    """A project by IRI or title. Several projects of one series (the same project in several
    filings) resolve to the earliest; projects of different series are ambiguous."""
    iri = _iri_if_known(store, value)
    if iri:
        return iri
    from kg.projects import compact_title, project_key

    variants = " ".join(_literal_variants(v) for v in sorted({value, compact_title(value)}))
    rows = store.select(f"""SELECT ?p ?series ?year ?title ?org WHERE {{ VALUES (?t) {{ {variants} }}
        ?p a <{KGO}Project> ; <{DCT}title> ?t ; <{KGO}fiscalYear> ?year ; <{DCT}title> ?title ; <{KGO}heldBy> ?org .
        OPTIONAL {{ ?p <{KGO}inSeries> ?series }} }}""").rows
    if not rows:  # the same title up to year, district and money words: scan the titles
        key = project_key(value)
        rows = [r for r in store.select(f"""SELECT ?p ?series ?year ?title ?org WHERE {{
            ?p a <{KGO}Project> ; <{DCT}title> ?title ; <{KGO}fiscalYear> ?year ; <{KGO}heldBy> ?org .
            OPTIONAL {{ ?p <{KGO}inSeries> ?series }} }}""").rows if project_key(r[3].value) == key]
    if not rows:
        raise QueryError(f"no project called {value!r} in the store")
    by_series: dict[str, list] = {}
    for p, series, year, title, org in rows:
        by_series.setdefault(series.value if series else p.value, []).append((int(year.value), p.value, title.value, org.value))
    if len(by_series) > 1:
        firsts = sorted(min(m) for m in by_series.values())
        shown = "; ".join(f"{year} {title} ({iri})" for year, iri, title, _ in firsts[:_SHOWN])
        more = f" and {len(firsts) - _SHOWN} more" if len(firsts) > _SHOWN else ""
        raise QueryError(f"{value!r} names projects of {len(by_series)} different series ({shown}{more}); "
                         "give a project IRI")
    return NamedNode(min(next(iter(by_series.values())))[1])


def resolve_value(store, param: Param, value: str):
    """The RDF term a command-line value stands for, for a parameter of the given kind."""
    value = value.strip()
    if not value:
        raise QueryError(f"parameter {param.name!r}: empty value")
    if param.kind == "organisation":
        return resolve_organisation(store, value)
    if param.kind == "theme":
        return resolve_theme(store, value)
    if param.kind == "project":
        return resolve_project(store, value)
    if param.kind == "year":
        if not re.fullmatch(r"\d{4}", value):
            raise QueryError(f"parameter {param.name!r}: {value!r} is not a year (four digits, e.g. 2021)")
        return Literal(value, datatype=NamedNode(XSD + "integer"))
    return Literal(value)


def bindings_for(store, query: NamedQuery, values: dict[str, str]) -> dict:
    """Check the given values against the query's parameters and resolve them (and the
    defaults of those not given) to RDF terms."""
    for name in values:
        query.param(name)  # raises UnknownParameter
    out = {}
    for p in query.params:
        value = values.get(p.name, p.default)
        if value is None:
            if p.required:
                raise UnknownParameter(f"query {query.name!r} needs the parameter {p.name!r} ({KINDS[p.kind]})")
            continue
        out[p.name] = resolve_value(store, p, value)
    return out


def placeholder(name: str) -> re.Pattern:
    """The ``VALUES ?name { UNDEF }`` placeholder of a parameter in a query's text."""
    return re.compile(rf"VALUES\s+\?{re.escape(name)}\s*\{{\s*UNDEF\s*\}}")


def bind(query: NamedQuery, bindings: dict) -> str:
    """The query's text with each bound parameter's placeholders holding its term."""
    text = query.text
    for name, term in bindings.items():
        if not isinstance(term, (NamedNode, Literal)):
            raise QueryError(f"parameter {name!r}: only an IRI or a literal can be bound")
        values = f"VALUES ?{name} {{ {term} }}"
        text, count = placeholder(name).subn(lambda _m, values=values: values, text)
        if not count:
            raise QueryError(f"{query.path}: parameter {name!r} has no 'VALUES ?{name} {{ UNDEF }}' placeholder")
    return text


def run_named(store, name: str, values: dict[str, str] | None = None, directory: Path = QUERIES_DIR) -> SelectResult:
    """Run the named query with the given parameter values (strings, as typed by a user)."""
    query = get_query(name, directory)
    return store.select(bind(query, bindings_for(store, query, values or {})))
