"""The loading floor for bench/scale.py: pyoxigraph's own bulk loader, alone, in its own process
(so that its memory does not count as kg's).

    python -m bench.scale_bulk NQUADS STORE_DIR RESULT.json

Times ``Store.bulk_load`` of an N-Quads file into a fresh on-disk store, and ``flush``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pyoxigraph as ox


def main(argv: list[str] | None = None) -> int:
    nquads, location, result = (argv if argv is not None else sys.argv[1:])
    t0 = time.perf_counter()
    db = ox.Store(location)
    db.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    db.flush()
    seconds = time.perf_counter() - t0
    Path(result).write_text(json.dumps({
        "seconds": seconds, "quads": len(db),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
