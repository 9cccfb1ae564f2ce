"""A short human-readable summary of a parsed filing."""

from __future__ import annotations

from collections import Counter

from kg.model import BUDGET, Filing

_KIND_ZH = {BUDGET: "部门预算", "final": "部门决算"}


def summarise(filing: Filing) -> str:
    lines = [f"{filing.path}: {filing.department} · {filing.year} {_KIND_ZH.get(filing.kind, filing.kind)}"]
    if filing.tables:
        shapes = ", ".join(f"表{t.number}({len(t.rows)})" for t in filing.tables)
        lines.append(f"  tables: {len(filing.tables)} [{shapes}]")
    else:
        lines.append("  tables: none")
    counts = Counter(f.kind for f in filing.facts)
    lines.append(f"  facts: {len(filing.facts)} " + (", ".join(f"{k} {n}" for k, n in sorted(counts.items())) if counts else ""))
    if filing.problems:
        lines.append(f"  problems: {len(filing.problems)}")
        for p in filing.problems[:5]:
            lines.append(f"    line {p.line}: {p.message}")
    return "\n".join(lines)
