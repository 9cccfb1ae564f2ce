"""What a store holds: filings, organisations, years, observations, triples per graph."""

from __future__ import annotations

from kg.namespaces import KGO

_COUNTS = f"""
PREFIX kgo: <{KGO}>
SELECT
  (COUNT(DISTINCT ?filing) AS ?filings)
  (COUNT(DISTINCT ?org) AS ?organisations)
  (COUNT(DISTINCT ?year) AS ?years)
WHERE {{ GRAPH ?filing {{ ?filing a kgo:Filing ; kgo:department ?org ; kgo:fiscalYear ?year }} }}
"""
_OBSERVATIONS = f"PREFIX kgo: <{KGO}> SELECT (COUNT(?o) AS ?n) WHERE {{ GRAPH ?g {{ ?o a kgo:Observation }} }}"
_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def store_stats(store) -> dict:
    counts = store.select(_COUNTS).rows[0]
    observations = store.select(_OBSERVATIONS).rows[0][0]
    per_graph = {row[0].value: int(row[1].value) for row in store.select(_PER_GRAPH).rows}
    return {
        "filings": int(counts[0].value),
        "organisations": int(counts[1].value),
        "years": int(counts[2].value),
        "observations": int(observations.value),
        "triples": sum(per_graph.values()),
        "graphs": per_graph,
    }


def format_stats(stats: dict) -> str:
    lines = [
        f"filings        {stats['filings']}",
        f"organisations  {stats['organisations']}",
        f"years          {stats['years']}",
        f"observations   {stats['observations']}",
        f"triples        {stats['triples']}",
        "triples per graph:",
    ]
    lines += [f"  {n:>8}  {g}" for g, n in stats["graphs"].items()]
    return "\n".join(lines)
