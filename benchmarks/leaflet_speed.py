"""(c) Milliseconds per leaflet, rendered serially and on all cores (no cache).

    python3 benchmarks/leaflet_speed.py
"""

from __future__ import annotations

import datetime as dt
import os
import time

from _common import REPO

from generator.build import BuildOptions, Progress, Project, compose
from generator.cache import ArtifactCache
from generator.paper.leaflet_render import render_all


def main() -> None:
    leaflets = compose(Project(REPO), BuildOptions(dt.date(2026, 11, 25))).leaflets
    pages = sum(l.format.pages for l in leaflets)
    results = {}
    for workers in (1, os.cpu_count() or 1):
        started = time.perf_counter()
        render_all(leaflets, REPO, Progress(), ArtifactCache(None), workers=workers)
        results[workers] = time.perf_counter() - started
        print(f"{workers} worker(s): {results[workers]:6.2f}s for {len(leaflets)} leaflets ({pages} pages) = "
              f"{1000 * results[workers] / len(leaflets):5.0f} ms per leaflet")
    if len(results) > 1:
        print(f"parallel speed-up on {os.cpu_count()} cores: {results[1] / results[max(results)]:.2f}x")


if __name__ == "__main__":
    main()
