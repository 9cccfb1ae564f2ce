"""SKOS concept schemes of the classification codes (政府收支分类科目), built from the filings.

No public SKOS edition of 政府收支分类科目 exists, so kg builds its own from every (code, name)
pair the filings' tables print:

* ``fn``    functional classification 类/款/项 (3/5/7 digits starting with 2; 1xx revenue codes too)
* ``econ``  部门预算支出经济分类 (301 › 30101)
* ``gecon`` 政府预算支出经济分类 (501 › 50101)

Each code becomes ``CODE + scheme + "/" + code`` with skos:notation, skos:inScheme and
skos:broader to the code two digits shorter (7 → 5 → 3; a parent never printed is created
with its notation only). The first name seen (filings taken by year, then path) is the
skos:prefLabel; every other distinct name printed for the same code, in any year, is a
skos:altLabel, since codes are renamed across classification revisions.

A name is taken only from the cell right after the code cell, in the code column's partner
column, so a project name beside a code (专项转移支付表) is not mistaken for the code's name; a
cell that prints code and name together (``2120199其他城乡社区管理事务支出``) counts too. Prose facts carry no codes and are ignored.

    python -m kg.vocab filings/xicheng/*.txt > ontology/classification.ttl
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.model import Column, Filing, Row
from kg.namespaces import CODE, ECON, FN, GECON, KGO, scheme_of

# code patterns per scheme: 3, 5 or 7 digits (econ/gecon: 3 or 5)
_CODE = re.compile(r"^(?:[12]\d{2}(?:\d{2}){0,2}|[35]\d{2}(?:\d{2})?)$")
_CODE_AND_NAME = re.compile(r"^\s*(?P<code>[12]\d{2}(?:\d{2}){0,2})(?!\d)\s*(?P<name>[^\d\s].*?)\s*$")

SCHEMES = {
    FN: ("政府收支分类科目（支出功能分类及收入分类）", "Chinese government revenue and expenditure classification: functional classification (and revenue codes)"),
    ECON: ("部门预算支出经济分类科目", "Economic classification of department budget expenditure"),
    GECON: ("政府预算支出经济分类科目", "Economic classification of government budget expenditure"),
}


def is_code(text: str) -> bool:
    return bool(_CODE.match(text))


def broader(code: str) -> str | None:
    """The parent code: 2010301 → 20103 → 201 → None."""
    return code[:-2] if len(code) > 3 else None


def code_names(row: Row, columns: list[Column] | None = None) -> Iterator[tuple[str, str | None]]:
    """The (code, name) pairs printed in a row; name None when no name cell goes with the code.

    The name is the cell right after the code. When the row's cells line up with the table's
    columns, that cell's column must also be the code column's partner (``code``/``name``,
    ``econ_code``/``econ_name`` …), so a project name next to a code is not taken for its name."""
    cells = row.cells
    keys = [c.key for c in columns] if columns and len(columns) == len(cells) else None
    for i, cell in enumerate(cells):
        text = cell.text.strip()
        if cell.kind == "code" and is_code(text):
            after = cells[i + 1] if i + 1 < len(cells) else None
            partner = keys is None or (i + 1 < len(keys) and keys[i + 1] == keys[i].replace("code", "name"))
            name = after.text.strip() if after is not None and after.kind == "name" and partner else ""
            yield text, name or None
        elif cell.kind == "text":
            m = _CODE_AND_NAME.match(cell.text)
            if m:
                yield m.group("code"), m.group("name")


@dataclass
class _Concept:
    code: str
    names: list[str] = field(default_factory=list)

    def add(self, name: str | None) -> None:
        if name and name not in self.names:
            self.names.append(name)


def collect(filings: Iterable[Filing]) -> dict[str, _Concept]:
    """Every code with the names printed for it, in order of first appearance."""
    concepts: dict[str, _Concept] = {}
    for filing in sorted(filings, key=lambda f: (f.year, f.path)):
        for table in filing.tables:
            for row in table.rows:
                for code, name in code_names(row, table.columns):
                    concepts.setdefault(code, _Concept(code)).add(name)
    for code in list(concepts):  # parents never printed themselves
        parent = broader(code)
        while parent and parent not in concepts:
            concepts[parent] = _Concept(parent)
            parent = broader(parent)
    return concepts


def build_classification(filings: Iterable[Filing]) -> Graph:
    """The SKOS schemes (fn, econ, gecon) of every code printed in the filings' tables."""
    concepts = collect(filings)
    g = Graph()
    for prefix, ns in (("skos", SKOS), ("dct", DCTERMS), ("kgo", Namespace(KGO)), ("code", Namespace(CODE))):
        g.bind(prefix, ns)
    for key, (zh, en) in SCHEMES.items():
        scheme = URIRef(CODE + key)
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.prefLabel, Literal(zh, lang="zh")))
        g.add((scheme, SKOS.prefLabel, Literal(en, lang="en")))
        g.add((scheme, RDFS.comment, Literal(
            "kg 根据部门预决算公开文件中出现的科目编码与名称编制；同一编码在不同年度的不同名称均列为别名。", lang="zh")))
        g.add((scheme, RDFS.comment, Literal(
            "Built by kg from the codes and names printed in department budget filings; every other name printed for a code in any year is an altLabel.", lang="en")))
    for code in sorted(concepts):
        scheme = URIRef(CODE + scheme_of(code))
        node = URIRef(f"{scheme}/{code}")
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.notation, Literal(code)))
        g.add((node, SKOS.inScheme, scheme))
        parent = broader(code)
        if parent:
            g.add((node, SKOS.broader, URIRef(f"{scheme}/{parent}")))
            g.add((URIRef(f"{scheme}/{parent}"), SKOS.narrower, node))
        else:
            g.add((node, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, node))
        names = concepts[code].names
        for i, name in enumerate(names):
            g.add((node, SKOS.prefLabel if i == 0 else SKOS.altLabel, Literal(name, lang="zh")))
    return g


HEADER = """\
# Classification concept schemes (政府收支分类科目) built from the sample filings' tables.
# GENERATED by `python -m kg.vocab filings/xicheng/*.txt > ontology/classification.ttl`;
# do not edit by hand (see kg/vocab.py for the rules).

"""


def main(argv: list[str] | None = None) -> int:
    from kg.errors import KgError
    from kg.parsing import parse_file

    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print("usage: python -m kg.vocab FILING... > ontology/classification.ttl", file=sys.stderr)
        return 2
    try:
        filings = [parse_file(p) for p in paths]
    except KgError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(HEADER + build_classification(filings).serialize(format="turtle"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
