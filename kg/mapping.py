"""Map a typed Filing to the triples of its named graph. Knows nothing of files or stores.

One filing = one named graph whose IRI is the filing's IRI. Every stated figure becomes a
``kgo:Observation`` (RDF Data Cube style) with organisation, fiscal year, phase,
classification codes, column or item, amount in yuan (``xsd:decimal``), printed text and
unit, and ``prov:wasDerivedFrom`` a source location (filing, table, row, line). Prose facts
become observations, comparisons, duties, projects, units and events; whatever a fact
states beyond those is kept on a ``kgo:StatedFact`` as ``rdf:JSON`` so nothing is dropped.

IRIs are deterministic: they are built from the base IRI, the organisation, the year, the
kind and line numbers, never from counters or blank nodes, so mapping the same filing twice
yields the same triples.

Privacy: table cells the parser marks ``personal`` (names of 负责人/联系人, phone numbers) are
not mapped unless ``include_personal`` is set.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pyoxigraph import Literal, NamedNode, Triple

from kg.amounts import UNIT_MULTIPLIERS, Amount
from kg.model import BUDGET, Fact, Filing, Row, Table
from kg.parsing.prose_text import DISTRICT_NAME_PREFIX, FULL_NAME_PREFIX
from kg.namespaces import CODE, DCT, OBEU_DIM, ORG, PROV, QB, RDF, SKOS, XSD, kgo
from kg.namespaces import iri as _n
from kg.projects import compact_title, row_project_name
from kg.register import Register
from kg.themes import theme_triples
from kg.vocab import is_code

_XSD_DECIMAL = NamedNode(XSD + "decimal")
_XSD_INTEGER = NamedNode(XSD + "integer")
_XSD_BOOLEAN = NamedNode(XSD + "boolean")
_XSD_DATE = NamedNode(XSD + "date")
_RDF_JSON = NamedNode(RDF + "JSON")
_A = NamedNode(RDF + "type")

# Keys of a comparison fact that are not figures of their own.
_COMPARISON_KEYS = {"amount", "prior_amount", "prior_year", "change", "percent", "reason"}
_EVENT_TYPES = {
    "rename": "Rename", "transfer": "DutyTransfer", "merge": "Merger",
    "establish": "Establishment", "abolish": "Abolition",
}


def decimal_literal(value: Decimal) -> Literal:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return Literal(text, datatype=_XSD_DECIMAL)


def int_literal(value: int) -> Literal:
    return Literal(str(int(value)), datatype=_XSD_INTEGER)


def text_literal(value: str, lang: str | None = None) -> Literal:
    return Literal(value, language=lang) if lang else Literal(value)


def rounding_tolerance(amount: Amount) -> Decimal:
    """Half a unit of the last printed digit, in yuan: 0.01 万元 printed -> 50 元."""
    return Decimal(5).scaleb(-amount.decimals - 1) * UNIT_MULTIPLIERS[amount.unit]


def column_token(key: str) -> str:
    """An IRI-safe token for a column key; keys with other characters (Chinese labels)
    keep their ASCII part and gain a hash, so two labels never share a token."""
    token = re.sub(r"[^0-9A-Za-z_-]+", "-", key).strip("-") or "col"
    return token if token == key.replace(":", "-") else f"{token}-{slug(key)[:8]}"


def slug(text: str) -> str:
    """A short, stable, IRI-safe token for a free-text name."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def code_concept(code: str) -> NamedNode | None:
    """The SKOS concept of a classification code, by its scheme (kg/vocab.py builds them).
    Budget-unit codes (295001) and project codes printed in a code column are not
    classification codes and get none."""
    if not is_code(code):
        return None
    scheme = {"1": "fn", "2": "fn", "3": "econ", "5": "gecon"}.get(code[0])
    return NamedNode(f"{CODE}{scheme}/{code}") if scheme else None


def _is_economic(code: str) -> bool:
    return code[:1] in ("3", "5")


@dataclass
class MappedFiling:
    graph: str  # the filing's IRI, also its graph name
    organization: str
    triples: list[Triple]
    unresolved_names: list[str] = field(default_factory=list)


class FilingMapper:
    """Maps one filing. Construct per filing; ``run`` returns the triples."""

    def __init__(self, filing: Filing, register: Register, base_iri: str, include_personal: bool = False):
        self.f = filing
        self.base = base_iri if base_iri.endswith(("/", "#")) else base_iri + "/"
        self.register = register
        self.include_personal = include_personal
        self.unresolved: list[str] = []
        # the city/district the department line names (北京市东城区…), if any
        place = FULL_NAME_PREFIX.match(filing.department or "") or DISTRICT_NAME_PREFIX.match(filing.department or "")
        self.place = place.group(0) if place else None
        # a filing of another district than the register's: its 区… names are that district's bodies
        self.away_place = self.place if self.place and not register.is_home(self.place) else None
        self.own_names = {filing.department, *(n.text for n in filing.names)}
        self.org = self._organisation()
        org_key = self.org.value.rstrip("/").rsplit("/", 1)[-1]
        self.iri = f"{self.base}filing/{org_key}/{filing.year}-{filing.kind}"
        self.node = NamedNode(self.iri)
        self.phase = kgo("Budget" if filing.kind == BUDGET else "FinalAccounts")
        self.year = int_literal(filing.year)
        self.out: list[Triple] = []

    # -- helpers -----------------------------------------------------------------
    def add(self, s, p, o) -> None:
        self.out.append(Triple(s, p, o))

    def _organisation(self) -> NamedNode:
        """The register's organisation for the department; failing that, for another name the
        filing uses for itself — unless the department's name is qualified by its city or
        district: then an unknown name is another body, and a district-agnostic short name
        (区城管执法局) must not make it Xicheng's."""
        names = [self.f.department]
        if self.place is None:
            names += [n.text for n in self.f.names]
        for name in names:
            iri = self.register.resolve(name) if name else None
            if iri:
                return NamedNode(iri)
        self.unresolved.append(self.f.department)
        return NamedNode(f"{self.base}org/unresolved/{slug(self.f.department)}")

    def _resolve_or_mint(self, name: str) -> NamedNode:
        """The organisation a name in the filing denotes: the register's, or one minted from the
        name. In a filing of another district (北京市东城区…) a district-agnostic name (区政务服务管理办公室,
        "the district's …") is that district's body: the filing's own organisation when it is one of
        the filing's names for itself, else minted from the name with the district written out
        (北京市东城区政务服务管理办公室: the IRI that body's own filings get), never the register's
        Xicheng body of that name."""
        key = name
        if self.away_place and name.startswith("区"):
            if name in self.own_names:
                return self.org
            key = self.away_place + name.removeprefix("区")
        iri = self.register.resolve(key)
        if iri:
            return NamedNode(iri)
        if name not in self.unresolved:
            self.unresolved.append(name)
        return NamedNode(f"{self.base}org/unresolved/{slug(key)}")

    def _location(self, line: int, table: int | None = None, row_line: int | None = None) -> NamedNode:
        loc = NamedNode(f"{self.iri}/line/{line}")
        self.add(loc, _A, kgo("SourceLocation"))
        self.add(loc, kgo("filing"), self.node)
        self.add(loc, kgo("line"), int_literal(line))
        if table is not None:
            self.add(loc, kgo("tableNumber"), int_literal(table))
        if row_line is not None:
            self.add(loc, kgo("rowLine"), int_literal(row_line))
        return loc

    def _observation(self, iri: str, amount: Amount, *, phase=None, year=None, line=None,
                     table=None, row_line=None) -> NamedNode:
        obs = NamedNode(iri)
        add = self.add
        add(obs, _A, kgo("Observation"))
        add(obs, _n(QB, "dataSet"), self.node)
        add(obs, kgo("filing"), self.node)
        add(obs, kgo("organization"), self.org)
        add(obs, kgo("fiscalYear"), year or self.year)
        add(obs, kgo("phase"), phase or self.phase)
        add(obs, kgo("printedText"), Literal(amount.text))
        add(obs, kgo("printedUnit"), Literal(amount.unit))
        if amount.malformed or amount.yuan is None:
            add(obs, kgo("malformed"), Literal("true", datatype=_XSD_BOOLEAN))
        else:
            add(obs, kgo("amount"), decimal_literal(amount.yuan))
            add(obs, kgo("tolerance"), decimal_literal(rounding_tolerance(amount)))
        add(obs, _n(PROV, "wasDerivedFrom"), self._location(line or amount.line, table, row_line))
        return obs

    # -- the filing ------------------------------------------------------------------
    def run(self) -> MappedFiling:
        f, node, add = self.f, self.node, self.add
        add(node, _A, kgo("Filing"))
        add(node, _A, _n(QB, "DataSet"))
        add(node, kgo("department"), self.org)
        add(node, _n(DCT, "publisher"), self.org)
        add(node, kgo("fiscalYear"), self.year)
        add(node, kgo("filingKind"), self.phase)
        add(node, kgo("sourceFile"), Literal(f.path.replace("\\", "/").rsplit("/", 1)[-1]))
        add(node, kgo("sha256"), Literal(f.sha256))
        kind_zh = "部门预算" if f.kind == BUDGET else "部门决算"
        add(node, _n(DCT, "title"), text_literal(f"{f.department} {f.year}年{kind_zh}", "zh"))
        for name in sorted({n.text for n in f.names if n.role != "budget_unit_code"} | {f.department}):
            add(node, kgo("nameUsed"), text_literal(name, "zh"))
        add(node, kgo("departmentName"), text_literal(f.department, "zh"))
        for table in f.tables:
            self._table(table)
        for index, fact in enumerate(f.facts):
            self._fact(fact, index)
        for index, problem in enumerate(f.problems):
            p = NamedNode(f"{self.iri}/problem/{index}")
            add(p, _A, kgo("StatedFact"))
            add(p, kgo("filing"), node)
            add(p, kgo("factKind"), Literal(f"problem:{problem.kind}"))
            add(p, kgo("line"), int_literal(problem.line))
            add(p, kgo("text"), Literal(problem.message + (f" ({problem.text})" if problem.text else "")))
        for name in self.unresolved:
            add(node, kgo("unresolvedName"), text_literal(name, "zh"))
        self.out.extend(theme_triples(self.out))  # duty themes of duties, projects, transfers (kg/themes.py)
        return MappedFiling(self.iri, self.org.value, list(dict.fromkeys(self.out)), list(self.unresolved))

    # -- tables ----------------------------------------------------------------------
    def _table(self, table: Table) -> None:
        t = NamedNode(f"{self.iri}/table/{table.number}")
        add = self.add
        add(t, _A, kgo("Table"))
        add(t, kgo("filing"), self.node)
        add(t, kgo("tableNumber"), int_literal(table.number))
        add(t, _n(DCT, "title"), text_literal(table.title, "zh"))
        add(t, kgo("line"), int_literal(table.line))
        if table.unit:
            add(t, kgo("printedUnit"), Literal(table.unit))
        if table.empty_note:
            add(t, kgo("text"), text_literal(table.empty_note, "zh"))
        direction = _direction_of(table.title)
        for column in table.columns:
            add(kgo(f"column/{column_token(column.key)}"), _n(SKOS, "altLabel"), text_literal(column.label, "zh"))
        for row in table.rows:
            self._row(table, t, row, direction)

    def _row(self, table: Table, t: NamedNode, row: Row, direction: str | None) -> None:
        codes = [c.text.strip() for c in row.cells if c.kind == "code"]
        concepts = [(code, code_concept(code)) for code in codes]
        made: list[NamedNode] = []
        for key, amount in row.values.items():
            if self._personal(row, amount):
                continue
            safe_key = column_token(key)
            obs = self._observation(
                f"{self.iri}/table/{table.number}/row/{row.line}/{safe_key}", amount,
                table=table.number, row_line=row.line)
            made.append(obs)
            self.add(obs, kgo("table"), t)
            self.add(obs, kgo("column"), kgo(f"column/{safe_key}"))
            side = key if key in ("revenue", "expenditure") else direction
            if side:
                self.add(obs, kgo("direction"), kgo(f"direction/{side}"))
            for code, concept in concepts:
                if concept is not None:
                    prop = "economicClass" if _is_economic(code) else "functionalClass"
                    self.add(obs, kgo(prop), concept)
            econ_column = key.split(":", 1)[1] if key.startswith("econ:") else None
            if econ_column and code_concept(econ_column):
                self.add(obs, kgo("economicClass"), code_concept(econ_column))
            if row.name:
                self.add(obs, _n(SKOS, "note"), text_literal(row.name.strip(), "zh"))
        self._row_project(table, row, made)

    def _personal(self, row: Row, amount: Amount) -> bool:
        if self.include_personal:
            return False
        return any(c.kind == "personal" and c.line == amount.line for c in row.cells)

    # -- prose facts -------------------------------------------------------------------
    def _fact(self, fact: Fact, index: int) -> None:
        handler = getattr(self, f"_fact_{fact.kind}", None)
        base = f"{self.iri}/fact/{fact.line}-{fact.kind}-{index}"
        node = NamedNode(base)
        add = self.add
        add(node, _A, kgo("StatedFact"))
        add(node, kgo("filing"), self.node)
        add(node, kgo("factKind"), Literal(fact.kind))
        add(node, kgo("line"), int_literal(fact.line))
        add(node, kgo("text"), text_literal(fact.text, "zh"))
        add(node, kgo("values"), Literal(json.dumps(fact.to_dict()["values"], ensure_ascii=False, sort_keys=True),
                                          datatype=_RDF_JSON))
        if handler is not None:
            handler(fact, node, base)
        else:
            self._figures(fact, node, base)

    def _figures(self, fact: Fact, node: NamedNode, base: str) -> None:
        """Every Amount in a fact becomes an observation; a prior-year comparison gets its own node."""
        v = fact.values
        item = kgo(f"item/{fact.kind}")
        current = None
        if isinstance(v.get("amount"), Amount):
            current = self._observation(f"{base}/amount", v["amount"], line=fact.line)
            self.add(current, kgo("item"), item)
            self.add(node, kgo("figure"), current)
        if isinstance(v.get("prior_amount"), Amount) and v.get("prior_year"):
            prior = self._observation(f"{base}/prior", v["prior_amount"], phase=kgo("PriorYearAsStated"),
                                      year=int_literal(v["prior_year"]), line=fact.line)
            self.add(prior, kgo("item"), item)
            self.add(node, kgo("figure"), prior)
            self._comparison(fact, base, current, prior)
        elif current is not None and (isinstance(v.get("change"), Amount) or v.get("percent") is not None):
            self._comparison(fact, base, current, None)
        for key, value in v.items():
            if key in _COMPARISON_KEYS or not isinstance(value, Amount):
                continue
            obs = self._observation(f"{base}/{key}", value, line=fact.line)
            self.add(obs, kgo("item"), item)
            self.add(obs, kgo("column"), kgo(f"column/{key}"))
            self.add(node, kgo("figure"), obs)

    def _comparison(self, fact: Fact, base: str, current, prior) -> None:
        v = fact.values
        c = NamedNode(f"{base}/comparison")
        self.add(c, _A, kgo("Comparison"))
        self.add(c, kgo("filing"), self.node)
        self.add(c, kgo("item"), kgo(f"item/{fact.kind}"))
        self.add(c, kgo("line"), int_literal(fact.line))
        if current is not None:
            self.add(c, kgo("current"), current)
        if prior is not None:
            self.add(c, kgo("prior"), prior)
        change = v.get("change")
        if isinstance(change, Amount) and change.yuan is not None:
            self.add(c, kgo("statedChange"), decimal_literal(change.yuan))
            self.add(c, kgo("changeText"), Literal(change.text))
        if v.get("percent") is not None:
            self.add(c, kgo("statedPercent"), decimal_literal(Decimal(str(v["percent"]))))
        if v.get("reason"):
            self.add(c, kgo("reason"), text_literal(str(v["reason"]), "zh"))

    def _fact_duty(self, fact: Fact, node: NamedNode, base: str) -> None:
        order = int(fact.values.get("order") or 0)
        duty = NamedNode(f"{self.iri}/duty/{order or fact.line}")
        add = self.add
        add(duty, _A, kgo("Duty"))
        add(duty, kgo("filing"), self.node)
        add(duty, kgo("heldBy"), self.org)
        add(duty, kgo("fiscalYear"), self.year)
        add(duty, kgo("order"), int_literal(order))
        add(duty, kgo("text"), text_literal(str(fact.values.get("text") or fact.text), "zh"))
        add(duty, kgo("line"), int_literal(fact.line))
        add(self.org, _n(ORG, "purpose"), duty)

    def _fact_staffing(self, fact: Fact, node: NamedNode, base: str) -> None:
        count = fact.values.get("count")
        if count is None:
            return
        obs = NamedNode(f"{base}/headcount")
        add = self.add
        add(obs, _A, kgo("StaffingObservation"))
        add(obs, kgo("filing"), self.node)
        add(obs, kgo("organization"), self.org)
        add(obs, kgo("fiscalYear"), self.year)
        add(obs, kgo("staffCategory"), text_literal(str(fact.values.get("category", "")), "zh"))
        add(obs, kgo("headcount"), int_literal(int(count)))
        add(obs, _n(PROV, "wasDerivedFrom"), self._location(fact.line))

    def _project(self, fact: Fact, node: NamedNode, base: str) -> None:
        name = str(fact.values.get("project") or fact.values.get("name") or "").strip()
        if not name:
            return self._figures(fact, node, base)
        project = self._project_node(name)
        add = self.add
        add(project, kgo("line"), int_literal(fact.line))
        if fact.values.get("type"):
            add(project, _n(DCT, "type"), text_literal(str(fact.values["type"]), "zh"))
        add(node, kgo("project"), project)
        amount = fact.values.get("amount")
        if isinstance(amount, Amount):
            obs = self._observation(f"{base}/amount", amount, line=fact.line)
            add(obs, kgo("item"), kgo(f"item/{fact.kind}"))
            add(obs, _n(OBEU_DIM, "project"), project)
            add(node, kgo("figure"), obs)

    _fact_major_project = _project
    _fact_performance_target = _project

    def _fact_internal_unit(self, fact: Fact, node: NamedNode, base: str) -> None:
        name = str(fact.values.get("name") or "").strip()
        if not name:
            return
        unit = NamedNode(f"{self.org.value}/unit/{slug(name)}")
        self.add(unit, _A, _n(ORG, "OrganizationalUnit"))
        self.add(unit, _n(SKOS, "prefLabel"), text_literal(name, "zh"))
        self.add(unit, _n(ORG, "unitOf"), self.org)
        self.add(self.org, _n(ORG, "hasUnit"), unit)

    def _fact_subordinate_unit(self, fact: Fact, node: NamedNode, base: str) -> None:
        name = str(fact.values.get("name") or "").strip()
        if not name:
            return
        sub = self._resolve_or_mint(name)
        self.add(sub, _n(SKOS, "altLabel"), text_literal(name, "zh"))
        self.add(self.org, _n(ORG, "hasSubOrganization"), sub)
        self.add(sub, _n(ORG, "subOrganizationOf"), self.org)

    def _fact_period(self, fact: Fact, node: NamedNode, base: str) -> None:
        """A span of dates as printed, on the fact itself (kgsh:DateOrder compares them)."""
        self.add(node, kgo("startDate"), Literal(fact.values["start"], datatype=_XSD_DATE))
        self.add(node, kgo("endDate"), Literal(fact.values["end"], datatype=_XSD_DATE))

    def _fact_budget_unit_code(self, fact: Fact, node: NamedNode, base: str) -> None:
        code = fact.values.get("code")
        if code:
            self.add(self.org, kgo("budgetUnitCode"), Literal(str(code)))

    def _fact_restructuring(self, fact: Fact, node: NamedNode, base: str) -> None:
        v = fact.values
        kind = _EVENT_TYPES.get(str(v.get("type")), "Rename")
        event = NamedNode(f"{base}/event")  # one per fact: a line may state two events
        add = self.add
        add(event, _A, kgo(kind))
        add(event, _A, _n(ORG, "ChangeEvent"))
        add(event, kgo("filing"), self.node)
        add(event, kgo("sourceSentence"), text_literal(fact.text, "zh"))
        add(event, _n(PROV, "wasDerivedFrom"), self._location(fact.line))
        before = str(v.get("from") or "").strip()
        after = str(v.get("to") or "").strip()
        # ORG: org:changedBy is the inverse of org:originalOrganization, org:resultedFrom of
        # org:resultingOrganization. The names as printed are kgo:originalName/resultingName;
        # kgo:oldName/newName (a name before/after) only for a rename.
        if before:
            org_before = self._resolve_or_mint(before)
            add(event, _n(ORG, "originalOrganization"), org_before)
            add(org_before, _n(ORG, "changedBy"), event)
            add(event, kgo("originalName"), text_literal(before, "zh"))
            if kind == "Rename":
                add(event, kgo("oldName"), text_literal(before, "zh"))
        if after:
            org_after = self._resolve_or_mint(after)
            add(event, _n(ORG, "resultingOrganization"), org_after)
            add(org_after, _n(ORG, "resultedFrom"), event)
            add(event, kgo("resultingName"), text_literal(after, "zh"))
            if kind == "Rename":
                add(event, kgo("newName"), text_literal(after, "zh"))
        if v.get("duty"):
            add(event, kgo("duty"), text_literal(str(v["duty"]), "zh"))
        if v.get("date"):
            add(event, kgo("eventDate"), Literal(str(v["date"]), datatype=_XSD_DATE))
        if v.get("document"):
            add(event, kgo("legalBasis"), text_literal(str(v["document"]), "zh"))

    # -- projects from tables and evaluation reports (lineage, issue 4) ------------------------
    def _project_node(self, name: str) -> NamedNode:
        """The project ``name`` (a printed title) of this filing; the same IRI for the same title."""
        project = NamedNode(f"{self.iri}/project/{slug(name)}")
        add = self.add
        add(project, _A, kgo("Project"))
        add(project, _n(DCT, "title"), text_literal(name, "zh"))
        add(project, kgo("filing"), self.node)
        add(project, kgo("heldBy"), self.org)
        add(project, kgo("fiscalYear"), self.year)
        return project

    def _row_project(self, table: Table, row: Row, observations: list[NamedNode]) -> None:
        """A row of a table with a 项目名称 column (部门预算明细表 …): its amounts belong to that project."""
        name = row_project_name(table, row)
        if name and observations:
            project = self._project_node(name)
            for obs in observations:
                self.add(obs, _n(OBEU_DIM, "project"), project)

    def _fact_project_funding(self, fact: Fact, node: NamedNode, base: str) -> None:
        """A project's budget in a 决算 evaluation report (项目整体预算…): the figure as usual, plus its project."""
        self._figures(fact, node, base)
        name = compact_title(str(fact.values.get("project") or ""))
        if not name:
            return
        project = self._project_node(name)
        self.add(project, kgo("line"), int_literal(fact.line))
        self.add(node, kgo("project"), project)
        if isinstance(fact.values.get("budget"), Amount):
            self.add(NamedNode(f"{base}/budget"), _n(OBEU_DIM, "project"), project)


def _direction_of(title: str) -> str | None:
    if "收入" in title and "支出" not in title:
        return "revenue"
    if "支出" in title or "明细" in title:
        return "expenditure"
    return None


def graph_iri(filing: Filing, register: Register, base_iri: str) -> str:
    """The filing's IRI (and graph name), without mapping the rest."""
    return FilingMapper(filing, register, base_iri).iri


def map_filing(filing: Filing, register: Register, base_iri: str, include_personal: bool = False) -> MappedFiling:
    """The triples of one filing's named graph (see the module docstring)."""
    return FilingMapper(filing, register, base_iri, include_personal).run()
