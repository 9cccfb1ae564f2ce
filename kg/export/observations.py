"""The budget figures as CSV on the Web: ``observations.csv`` and
``observations.csv-metadata.json`` (W3C CSVW metadata: columns, datatypes, primary key, and
the RDF property each column stands for).

One row per ``kgo:Observation``: organisation, fiscal year, phase, classification codes and
their names, column or item, amount in yuan (as printed, in the printed unit, and converted),
and the filing and line it was read from.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass

from kg.export.config import ExportConfig
from kg.export.files import Folder
from kg.export.inventory import Inventory
from kg.namespaces import KGO, PROV, RDF, SKOS

CSV_FILE = "observations.csv"
METADATA_FILE = "observations.csv-metadata.json"

_CONCEPTS = f"""
PREFIX skos: <{SKOS}>
SELECT ?concept ?notation ?label WHERE {{
  ?concept skos:notation ?notation .
  OPTIONAL {{ ?concept skos:prefLabel ?label FILTER(LANG(?label) = "zh") }}
}}
"""

_RDF_TYPE = RDF + "type"
_OBSERVATION = KGO + "Observation"
_DERIVED_FROM = PROV + "wasDerivedFrom"
_NOTE = SKOS + "note"
_CLASS_PROPERTIES = {KGO + "functionalClass": "functional", KGO + "economicClass": "economic"}


@dataclass(frozen=True)
class Column:
    name: str
    datatype: str
    description: str
    required: bool = False
    property: str | None = None  # the RDF property the column stands for
    is_iri: bool = False  # values are IRIs (CSVW valueUrl)


COLUMNS = [
    Column("observation", "anyURI", "IRI of the kgo:Observation", True, is_iri=True),
    Column("organisation", "anyURI", "IRI of the organisation that stated the figure", True, KGO + "organization",
           True),
    Column("organisation_name", "string", "The organisation's name (zh)"),
    Column("fiscal_year", "integer", "Fiscal year the figure is for", True, KGO + "fiscalYear"),
    Column("phase", "string", "Budget, FinalAccounts or PriorYearAsStated", True),
    Column("direction", "string", "revenue or expenditure, where the table says"),
    Column("functional_code", "string", "Functional classification code (政府收支分类科目, 类/款/项)"),
    Column("functional_name", "string", "Name of the functional code"),
    Column("economic_code", "string", "Economic classification code (3xx / 5xx)"),
    Column("economic_name", "string", "Name of the economic code"),
    Column("column", "string", "Table column the figure sits in (total, basic, project …)"),
    Column("item", "string", "What a figure stated in the text is (revenue_total, three_public_total …)"),
    Column("row_name", "string", "The row's name as printed"),
    Column("amount_yuan", "decimal", "The amount in yuan (元); empty when the printed figure is malformed", False,
           KGO + "amount"),
    Column("printed_text", "string", "The figure as printed", False, KGO + "printedText"),
    Column("printed_unit", "string", "The unit as printed (元, 万元 …)", False, KGO + "printedUnit"),
    Column("filing", "anyURI", "IRI of the filing (and named graph) the figure comes from", True, KGO + "filing", True),
    Column("source_file", "string", "File name of the filing"),
    Column("line", "integer", "Line of the filing the figure was read from", False, KGO + "line"),
    Column("table", "integer", "Table number, for figures read from a table", False, KGO + "tableNumber"),
]


def _local(iri: str | None) -> str:
    """``…#column/total`` → ``total``; ``…#Budget`` → ``Budget``."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri else ""


class ObservationTable:
    """Collects one CSV row per ``kgo:Observation`` while the dumps stream the graphs by
    (a :class:`kg.export.dumps.GraphVisitor`); classification codes get their notation and
    Chinese name from the store's SKOS schemes."""

    def __init__(self, store, inv: Inventory):
        self.inv = inv
        self.files = {f.graph: f.source_file for f in inv.filings}
        self.concepts: dict[str, tuple[str, str]] = {}
        for concept, notation, label in store.select(_CONCEPTS).rows:
            if concept.value not in self.concepts or (label is not None and not self.concepts[concept.value][1]):
                self.concepts[concept.value] = (notation.value, label.value if label is not None else "")
        self.rows: list[list[str]] = []

    def visit(self, graph: str | None, triples) -> None:
        if graph not in self.files:
            return
        nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            nodes[t.subject.value][t.predicate.value].append(t.object.value)
        for subject, props in nodes.items():
            if _OBSERVATION in props.get(_RDF_TYPE, ()):
                self.rows.append(self._row(graph, subject, props, nodes))

    def _row(self, graph: str, subject: str, props: dict, nodes: dict) -> list[str]:
        def one(p: dict, local: str) -> str:
            values = p.get(KGO + local)
            return min(values) if values else ""

        location = nodes.get(min(props.get(_DERIVED_FROM, [""])), {})
        codes = {"functional": ("", ""), "economic": ("", "")}
        for prop, kind in _CLASS_PROPERTIES.items():
            for concept in props.get(prop, ()):
                code, name = self.concepts.get(concept, (_local(concept), ""))
                if len(code) > len(codes[kind][0]):  # the most specific code
                    codes[kind] = (code, name)
        org = one(props, "organization")
        organisation = self.inv.organisations.get(org)
        return [
            subject, org, organisation.name if organisation else "", one(props, "fiscalYear"),
            _local(one(props, "phase")), _local(one(props, "direction")), *codes["functional"], *codes["economic"],
            _local(one(props, "column")), _local(one(props, "item")), min(props.get(_NOTE, [""])),
            one(props, "amount"), one(props, "printedText"), one(props, "printedUnit"), graph, self.files[graph],
            one(location, "line"), one(location, "tableNumber"),
        ]

    def sorted_rows(self) -> list[list[str]]:
        """Rows ordered by filing, line and observation IRI."""
        return sorted(self.rows, key=lambda r: (r[16], int(r[18] or 0), r[0]))


def metadata(cfg: ExportConfig) -> dict:
    """The CSVW metadata document for observations.csv."""
    columns = []
    for c in COLUMNS:
        col = {"name": c.name, "titles": c.name, "datatype": c.datatype, "dc:description": c.description}
        if c.required:
            col["required"] = True
        if c.property:
            col["propertyUrl"] = c.property
        if c.is_iri and c.property:
            col["valueUrl"] = "{+%s}" % c.name
        columns.append(col)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": CSV_FILE,
        "dc:title": "Figures stated in department budget and final-accounts filings",
        "dc:description": "One row per amount of money a filing states, with its dimensions and source line.",
        "dc:license": {"@id": cfg.licence},
        "dc:publisher": cfg.publisher_name,
        "dc:issued": {"@value": cfg.issued.isoformat(), "@type": "xsd:date"},
        "dialect": {"header": True, "encoding": "utf-8", "delimiter": ","},
        "tableSchema": {
            "columns": columns,
            "primaryKey": "observation",
            "aboutUrl": "{+observation}",
        },
    }


def write_observations(table: ObservationTable, folder: Folder, cfg: ExportConfig) -> int:
    """Write observations.csv and its metadata; returns the number of rows."""
    rows = table.sorted_rows()
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    writer.writerows(rows)
    folder.write_text(CSV_FILE, buf.getvalue())
    folder.write_text(METADATA_FILE, json.dumps(metadata(cfg), ensure_ascii=False, indent=2) + "\n")
    return len(rows)
