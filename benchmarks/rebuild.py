"""(b) Cold full build, rebuild with nothing changed, rebuild after editing one page.

Works on a copy of the sample content (leaflets and images included) with an
empty cache, so "cold" really renders every PDF and PNG.

    python3 benchmarks/rebuild.py
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import time
from pathlib import Path

from _common import REPO

from generator.build import BuildOptions, Project, build


def timed(project: Project, site: Path) -> tuple[float, object]:
    started = time.perf_counter()
    result = build(project, site, BuildOptions(dt.date(2026, 11, 25)))
    return time.perf_counter() - started, result


def main() -> None:
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(REPO / "content", root / "content")
        shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
        project, site = Project(root), Path(tmp) / "site"

        cold, result = timed(project, site)
        print(f"cold full build:              {cold:6.2f}s  ({len(result.manifest['leaflets'])} PDFs, "
              f"{len(result.manifest['images'])} PNGs, {len(result.manifest['pages'])} pages)")
        same, result = timed(project, site)
        print(f"rebuild, nothing changed:     {same:6.2f}s  = {same / cold:.2f} x cold (target <= 0.25)")

        page = root / "content/vi/sinh-vien/index.md"
        page.write_text(page.read_text(encoding="utf-8").replace("tiền lương.\n2. Làm tự do", "tiền lương mỗi tháng.\n2. Làm tự do"), encoding="utf-8")
        one, result = timed(project, site)
        print(f"rebuild after one page edit:  {one:6.2f}s  = {one / cold:.2f} x cold "
              f"({len(result.cache.misses)} PDFs/PNGs re-rendered, {len(result.cache.hits)} from cache)")


if __name__ == "__main__":
    main()
