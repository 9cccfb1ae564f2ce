"""Format SPARQL SELECT results as a text table, CSV, TSV or SPARQL 1.1 JSON.

Rows hold pyoxigraph terms (NamedNode, Literal, BlankNode) or None for unbound. CSV
follows the SPARQL 1.1 CSV format (plain values: datatypes are lost); TSV and JSON keep
datatypes and languages, so use them when the distinction matters.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from pyoxigraph import BlankNode, Literal, NamedNode

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def plain(term) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value


def term_json(term) -> dict:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != _XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def term_ntriples(term) -> str:
    if term is None:
        return ""
    if isinstance(term, (NamedNode, BlankNode, Literal)):
        return str(term)
    return plain(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def _is_number(term) -> bool:
    return isinstance(term, Literal) and term.datatype is not None and term.datatype.value.split("#")[-1] in {
        "decimal", "integer", "double", "float", "int", "long"}


def format_table(variables: list[str], rows: list[tuple]) -> str:
    cells = [[plain(t) for t in row] for row in rows]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(variables)]
    numeric = [bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows) for i in range(len(variables))]
    line = "  ".join(_pad(v, widths[i], numeric[i]) for i, v in enumerate(variables))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    for r in cells:
        out.append("  ".join(_pad(c, widths[i], numeric[i]) for i, c in enumerate(r)).rstrip())
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def format_csv(variables: list[str], rows: list[tuple], delimiter: str = ",") -> str:
    buf = io.StringIO()
    if delimiter == "\t":
        buf.write("\t".join("?" + v for v in variables) + "\n")
        for row in rows:
            buf.write("\t".join(term_ntriples(t) for t in row) + "\n")
        return buf.getvalue()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([plain(t) for t in row])
    return buf.getvalue()


def format_json(variables: list[str], rows: list[tuple]) -> str:
    bindings = [{v: term_json(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=2)


def format_select(fmt: str, variables: list[str], rows: list[tuple]) -> str:
    if fmt == "table":
        return format_table(variables, rows)
    if fmt == "csv":
        return format_csv(variables, rows)
    if fmt == "tsv":
        return format_csv(variables, rows, "\t")
    if fmt == "json":
        return format_json(variables, rows)
    raise ValueError(fmt)
