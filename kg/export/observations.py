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
from dataclasses import dataclass

from kg.export.config import ExportConfig
from kg.export.files import Folder
from kg.export.inventory import Inventory
from kg.namespaces import KGO, PROV, SKOS

CSV_FILE = "observations.csv"
METADATA_FILE = "observations.csv-metadata.json"

_ROWS = f"""
PREFIX kgo: <{KGO}>
PREFIX prov: <{PROV}>
PREFIX skos: <{SKOS}>
SELECT ?o ?org ?year ?phase ?direction ?column ?item ?amount ?text ?unit ?filing ?line ?table ?note WHERE {{
  GRAPH ?filing {{
    ?o a kgo:Observation ; kgo:organization ?org ; kgo:fiscalYear ?year ; kgo:phase ?phase .
    OPTIONAL {{ ?o kgo:printedText ?text }}
    OPTIONAL {{ ?o kgo:printedUnit ?unit }}
    OPTIONAL {{ ?o kgo:amount ?amount }}
    OPTIONAL {{ ?o kgo:direction ?direction }}
    OPTIONAL {{ ?o kgo:column ?column }}
    OPTIONAL {{ ?o kgo:item ?item }}
    OPTIONAL {{ ?o skos:note ?note }}
    OPTIONAL {{ ?o prov:wasDerivedFrom ?loc . ?loc kgo:line ?line OPTIONAL {{ ?loc kgo:tableNumber ?table }} }}
  }}
}}
"""

_CODES = f"""
PREFIX kgo: <{KGO}>
PREFIX skos: <{SKOS}>
SELECT ?o ?prop ?concept ?notation ?label WHERE {{
  VALUES ?prop {{ kgo:functionalClass kgo:economicClass }}
  GRAPH ?g {{ ?o a kgo:Observation ; ?prop ?concept }}
  OPTIONAL {{ ?concept skos:notation ?notation }}
  OPTIONAL {{ ?concept skos:prefLabel ?label FILTER(LANG(?label) = "zh") }}
}}
"""


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
    Column("organisation", "anyURI", "IRI of the organisation that stated the figure", True, KGO + "organization", True),
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
    Column("amount_yuan", "decimal", "The amount in yuan (元); empty when the printed figure is malformed", False, KGO + "amount"),
    Column("printed_text", "string", "The figure as printed", False, KGO + "printedText"),
    Column("printed_unit", "string", "The unit as printed (元, 万元 …)", False, KGO + "printedUnit"),
    Column("filing", "anyURI", "IRI of the filing (and named graph) the figure comes from", True, KGO + "filing", True),
    Column("source_file", "string", "File name of the filing"),
    Column("line", "integer", "Line of the filing the figure was read from", False, KGO + "line"),
    Column("table", "integer", "Table number, for figures read from a table", False, KGO + "tableNumber"),
]


def _local(term) -> str:
    """``kgo:column/total`` → ``total``; ``kgo:Budget`` → ``Budget``."""
    if term is None:
        return ""
    return term.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _value(term) -> str:
    return "" if term is None else term.value


def _codes(store) -> dict[tuple[str, str], tuple[str, str]]:
    """(observation, "functional"|"economic") → (code, name), the most specific code kept."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for o, prop, concept, notation, label in store.select(_CODES).rows:
        kind = "functional" if prop.value.endswith("functionalClass") else "economic"
        code = notation.value if notation else _local(concept)
        key = (o.value, kind)
        if key not in found or len(code) > len(found[key][0]):
            found[key] = (code, _value(label))
    return found


def observation_rows(store, inv: Inventory) -> list[list[str]]:
    """The CSV rows (without header), ordered by filing, line and observation IRI."""
    codes = _codes(store)
    files = {f.graph: f.source_file for f in inv.filings}
    rows: dict[str, list[str]] = {}
    for o, org, year, phase, direction, column, item, amount, text, unit, filing, line, table, note \
            in store.select(_ROWS).rows:
        if o.value in rows:
            continue
        fn_code, fn_name = codes.get((o.value, "functional"), ("", ""))
        ec_code, ec_name = codes.get((o.value, "economic"), ("", ""))
        organisation = inv.organisations.get(org.value)
        rows[o.value] = [
            o.value, org.value, organisation.name if organisation else "", year.value, _local(phase),
            _local(direction), fn_code, fn_name, ec_code, ec_name, _local(column), _local(item),
            _value(note), _value(amount), _value(text), _value(unit), filing.value,
            files.get(filing.value, ""), _value(line), _value(table),
        ]
    return sorted(rows.values(), key=lambda r: (r[16], int(r[18] or 0), r[0]))


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


def write_observations(store, inv: Inventory, folder: Folder, cfg: ExportConfig) -> int:
    """Write observations.csv and its metadata; returns the number of rows."""
    rows = observation_rows(store, inv)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    writer.writerows(rows)
    folder.write_text(CSV_FILE, buf.getvalue())
    folder.write_text(METADATA_FILE, json.dumps(metadata(cfg), ensure_ascii=False, indent=2) + "\n")
    return len(rows)
