"""Where kg's own data files live (the repository's ontology/, shapes/, queries/ folders).

kg is installed editable (``pip install -e .``), so these are the checked-out folders.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
SAMPLE_FILINGS_DIR = ROOT / "filings" / "xicheng"
