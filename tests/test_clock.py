"""No output depends on the wall clock (issue #19): the same sources and `--as-of` give the same site at any hour.

The clock is faked for the whole build, its worker processes included, with
libfaketime (Debian's `faketime`, which scripts/test.sh installs): one build a
second before midnight UTC, one two seconds later, on the next day.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import AS_OF, REPO, write_project

LIBFAKETIME = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
GUIDE = ("---\ntitle: Tự nguyện\n---\n\nĐóng {{ policy.voluntary.rate }} thu nhập tự chọn.\n\n"
         "<!-- flyer -->\nĐóng {{ policy.voluntary.rate }} thu nhập tự chọn.\n<!-- /flyer -->\n")


def at(moment: str) -> dict[str, str]:
    """The environment of a process whose wall clock stands at `moment` (UTC); its monotonic clock runs as usual."""
    assert LIBFAKETIME, "libfaketime is missing: `apt-get install faketime` (scripts/test.sh does)"
    return {**os.environ, "LD_PRELOAD": LIBFAKETIME[0], "FAKETIME": moment, "FAKETIME_DONT_FAKE_MONOTONIC": "1", "TZ": "UTC"}


def build_at(moment: str, root: Path) -> dict[str, bytes]:
    project = write_project(root / "project", {"vi/index.md": HOME, "vi/tu-nguyen/index.md": GUIDE})
    site = root / "site"
    env = {**at(moment), "XDG_CACHE_HOME": str(root / "machine-cache"), "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--project", str(project.root), "--site-dir", str(site),
                          "--as-of", AS_OF.isoformat()], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    files = {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}
    shutil.rmtree(root)
    return files


def test_the_faked_clock_reaches_the_build():
    said = subprocess.run([sys.executable, "-c", "import datetime; print(datetime.datetime.now(datetime.timezone.utc).isoformat())"],
                          capture_output=True, text=True, env=at("2026-11-25 23:59:59"), check=True).stdout
    assert said.startswith("2026-11-25T23:59:59"), said


def test_a_build_across_midnight_gives_the_same_site(tmp_path):
    before = build_at("2026-11-25 23:59:59", tmp_path / "before")
    after = build_at("2026-11-26 00:00:01", tmp_path / "after")
    assert before.keys() == after.keys()
    assert "sitemap.xml" in before and "sitemap.xml.gz" in before
    assert f"<lastmod>{AS_OF.isoformat()}</lastmod>" in before["sitemap.xml"].decode("utf-8")
    assert [name for name in before if before[name] != after[name]] == []
