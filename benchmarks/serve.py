"""`outreach serve` as a communicator meets it: start to first page, save to new content in the browser.

Starts `outreach serve` on a copy of the sample content (empty project cache),
asks for the home page until it answers, then saves edits one after the other
and asks for the edited page until it shows them:

    markdown      a sentence of an ordinary part of a guide (content/vi/sinh-vien/index.md)
    printed part  a sentence inside a leaflet part of the same guide
    yaml          the hotline in content/site.yml (shown on the home page)
    mistake       a figure that does not exist: the mistake shown on the page (file:line)
    fixed         the mistake taken out: the page without it

Each step prints wall seconds and the CPU-seconds of the server and every
process it started (read from /proc), which is what to compare on a shared
machine. The first edit is saved as soon as the first page answers, as a
communicator does.

    python3 benchmarks/serve.py [--timeout 120] [--generator PATH]

`--generator` runs the `generator` package of another checkout (to measure
before and after a change with the same script).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from _common import REPO

TICKS = os.sysconf("SC_CLK_TCK")
GUIDE = "content/vi/sinh-vien/index.md"
OVERLAY = 'id="outreach-problems"'


def tree_cpu(pid: int) -> float:
    """CPU-seconds of `pid` and its descendants: live ones, and the finished ones their parents collected."""
    parents, times = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(value) for value in fields[11:15]) / TICKS  # utime stime cutime cstime
    family, grew = {pid}, True
    while grew:
        children = {child for child, parent in parents.items() if parent in family} - family
        family |= children
        grew = bool(children)
    return sum(times.get(member, 0.0) for member in family)


def page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_until(url: str, shows, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        html = page(url)
        if html is not None and shows(html):
            return True
        time.sleep(0.05)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for each step (default 120)")
    parser.add_argument("--generator", type=Path, default=REPO, help="checkout whose generator to run (default: this one)")
    args = parser.parse_args()
    checkout = args.generator.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(REPO / "content", root / "content")
        shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}/"
        started = time.monotonic()
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--project", str(root), "--port", str(port), "--as-of", "2026-11-25"],
            cwd=checkout, env={**os.environ, "PYTHONPATH": str(checkout)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            shown = wait_until(base, lambda html: "</html>" in html, args.timeout)
            print(f"start to first page:  {_figure(shown, time.monotonic() - started, tree_cpu(server.pid), args.timeout)}")
            if not shown:
                return
            guide, site = root / GUIDE, root / "content/site.yml"
            steps = [
                ("markdown", guide, "Sắp ra trường?", "Sắp ra trường (bản sửa)?", "sinh-vien/", "Sắp ra trường (bản sửa)?"),
                ("printed part", guide, "dù bạn đổi nhiều chỗ làm", "dù bạn đổi nhiều nơi làm", "sinh-vien/", "đổi nhiều nơi làm"),
                ("yaml", site, 'hotline: "1900 9068"', 'hotline: "1900 9069"', "", "1900 9069"),
                ("mistake", guide, "Sắp ra trường (bản sửa)?", "Sắp ra trường {{ policy.khong_co }}?", "sinh-vien/", OVERLAY),
                ("fixed", guide, "Sắp ra trường {{ policy.khong_co }}?", "Sắp ra trường?", "sinh-vien/", None),
            ]
            for label, file, old, new, path, shows in steps:
                text = file.read_text(encoding="utf-8")
                assert old in text, (label, old)
                cpu = tree_cpu(server.pid)
                saved = time.monotonic()
                file.write_text(text.replace(old, new, 1), encoding="utf-8")
                seen = wait_until(base + path, (lambda html, s=shows: s in html) if shows else
                                  (lambda html: OVERLAY not in html and "Sắp ra trường?" in html), args.timeout)
                print(f"save to page, {label + ':':14}{_figure(seen, time.monotonic() - saved, tree_cpu(server.pid) - cpu, args.timeout)}")
        finally:
            server.terminate()
            server.wait(timeout=30)


def _figure(seen: bool, seconds: float, cpu: float, timeout: float) -> str:
    if not seen:
        return f"not shown after {timeout:.0f} s ({cpu:.2f} CPU-s)"
    return f"{seconds:6.2f} s  {cpu:6.2f} CPU-s"


if __name__ == "__main__":
    main()
