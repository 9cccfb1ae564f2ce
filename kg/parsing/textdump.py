"""The reader for Word-to-text dumps of Beijing-style filings (the Xicheng samples).

Tables come first out of the text (``tables.parse_tables``), then the department's
identity (``identity.identify``) and the facts stated in the prose (``prose.extract_facts``).
"""

from __future__ import annotations

import re

from kg.errors import FilingError
from kg.model import Filing
from kg.parsing.identity import identify
from kg.parsing.prose import extract_facts
from kg.parsing.table_facts import facts_from_tables
from kg.parsing.tables import parse_tables
from kg.reading import SourceText

_FILING_MARKERS = re.compile(r"部门预算|部门决算|单位预算|单位决算|预算情况说明|决算说明")


class TextDumpReader:
    name = "text-dump"

    def accepts(self, source: SourceText) -> bool:
        head = "\n".join(source.lines[:200])
        return bool(_FILING_MARKERS.search(head))

    def parse(self, source: SourceText) -> Filing:
        tables, table_lines, problems = parse_tables(source.lines)
        ident = identify(source.lines, tables)
        if ident.year is None or ident.kind is None:
            raise FilingError(source.path, "not a budget filing: no fiscal year and kind (预算/决算) found")
        facts, names, prose_problems = extract_facts(source.lines, table_lines, tables, ident)
        return Filing(
            path=source.path,
            sha256=source.sha256,
            encoding=source.encoding,
            year=ident.year,
            kind=ident.kind,
            department=ident.department,
            names=ident.names + names,
            tables=tables,
            facts=facts_from_tables(tables) + facts,
            problems=problems + prose_problems,
        )
