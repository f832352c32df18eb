"""(e) Province scale: 135 communes' worth of pages, built as a communicator builds them.

Generates, in a temporary folder, the sample project plus one guide per commune
(in the `tu-nguyen` audience, with its own QR code; Bahnar and Jrai readers get
each as a fallback page, so 135 communes make 405 commune pages), then measures
the `outreach build` command:

- cold build (empty cache): wall time, CPU-seconds of the whole process tree
  (children included), peak memory (the largest process, and all processes together);
- rebuild with nothing changed; rebuild after one byte of one commune's page changed;
- the same edit built again without the caches of pages, QR images and announcer scripts
  (every page rendered and every code drawn, as before they existed), and whether the
  incremental site is byte for byte that one;
- HTML page sizes;
- the full print set: the build's leaflet stage (type fitted to each box, every
  page previewed) against bare WeasyPrint rendering the same HTML documents
  once each in as many processes, and the ratio.

    python3 benchmarks/province.py [--communes 135] [--print-sheets N]

The machine may be shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from _common import REPO

from generator.build import BuildOptions, Progress, Project, compose
from generator.cache import ArtifactCache
from generator.paper.leaflet_layout import FONTS_DIR
from generator.paper.leaflet_render import render_all

AS_OF = dt.date(2026, 11, 25)
COMMUNE_AUDIENCE = "tu-nguyen"
COMMUNE_PAGE = """---
title: BHXH tự nguyện ở xã số {number:03d}
description: Đăng ký BHXH tự nguyện ở xã số {number:03d}, đóng bao nhiêu, gọi ai.
order: {order}
qr: x{number:03d}
---

Người dân xã số {number:03d} đăng ký BHXH tự nguyện ở đại lý thu của xã hoặc ở bưu điện xã.
Mức đóng bằng {{{{ policy.voluntary.rate }}}} thu nhập tháng mà bạn tự chọn.

## Mang theo gì?

- Căn cước công dân.
- Sổ hộ nghèo hoặc cận nghèo, nếu có.

## Gọi ai?

Tổng đài **{{{{ site.hotline }}}}**.
"""


@dataclass
class Measured:
    wall: float
    cpu: float  # user + system of the command and every process it waited for
    largest_mib: float  # the largest single process (ru_maxrss of the children)
    together_mib: float  # the process tree's resident memory, sampled every 0.1 s
    output: str


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _tree_rss_kib(root: int) -> int:
    """Resident memory of `root` and all its descendants, from /proc."""
    parents, rss = {}, {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid], rss[pid] = int(fields[1]), int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree)


def outreach(project: Path, *args: str) -> Measured:
    """`outreach build ...` in its own process, timed, with its process tree's CPU and memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "generator", *args, "--project", str(project)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss_kib(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"outreach {' '.join(args)} failed:\n{output}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, after.ru_maxrss / 1024, peak / 1024, output.strip().splitlines()[-1])


def make_project(folder: Path, communes: int) -> Path:
    root = folder / "project"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for number in range(1, communes + 1):
        page = root / "content" / "vi" / COMMUNE_AUDIENCE / f"xa-{number:03d}.md"
        page.write_text(COMMUNE_PAGE.format(number=number, order=100 + number), encoding="utf-8")
    return root


# What an edit's build takes from the cache beside the sheets and images: rendered pages, QR images, announcer scripts.
INCREMENTAL_CACHES = ("pages", "qr-images", "scripts")


def differences(site: Path, other: Path) -> list[str]:
    """Files present in one site only, or with other bytes."""
    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    ours, theirs = files(site), files(other)
    return sorted(path for path in ours.keys() | theirs.keys()
                  if path not in ours or path not in theirs or ours[path].read_bytes() != theirs[path].read_bytes())


def page_sizes(site: Path) -> str:
    sizes = sorted(p.stat().st_size for p in site.rglob("*.html"))
    commune = sorted(p.stat().st_size for p in site.rglob(f"{COMMUNE_AUDIENCE}/xa-*/index.html"))
    return (f"{len(sizes)} HTML pages, median {statistics.median(sizes) / 1024:.0f} KiB, largest {sizes[-1] / 1024:.0f} KiB; "
            f"{len(commune)} commune pages, median {statistics.median(commune) / 1024:.0f} KiB")


def _bare_weasyprint(html: str) -> int:
    from weasyprint import HTML

    return len(HTML(string=html, base_url=str(FONTS_DIR) + "/").write_pdf())


def print_set(root: Path, sheets: int | None, workers: int) -> None:
    """The build's leaflet stage against bare WeasyPrint on the same documents, same number of processes."""
    leaflets = compose(Project(root), BuildOptions(AS_OF)).leaflets[:sheets]
    documents = [html for leaflet in leaflets for _, html in leaflet.documents]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    render_all(leaflets, root, Progress(), ArtifactCache(None), workers=workers)
    ours = time.perf_counter() - started
    middle = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_bare_weasyprint, documents))
    bare = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)

    def cpu(a, b) -> float:
        return (b.ru_utime - a.ru_utime) + (b.ru_stime - a.ru_stime)

    print(f"print set, {len(leaflets)} sheets ({len(documents)} documents) in {workers} processes (load {load()}):")
    print(f"  outreach (fitted, previews): {ours:7.1f} s wall, {cpu(before, middle):7.1f} CPU-s")
    print(f"  bare WeasyPrint, once each:  {bare:7.1f} s wall, {cpu(middle, after):7.1f} CPU-s")
    print(f"  ratio: {ours / bare:.2f}x wall, {cpu(before, middle) / cpu(middle, after):.2f}x CPU (target <= 1.1x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=135)
    parser.add_argument("--print-sheets", type=int, default=None, help="compare on the first N sheets only (default: all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp), arguments.communes)
        site = root / "site"
        build = ("build", "--as-of", AS_OF.isoformat(), "--site-dir", str(site))
        print(f"{arguments.communes} communes, {os.cpu_count()} cores, load average {load()}")
        cold = outreach(root, *build)
        print(f"cold build:           {cold.wall:7.2f} s wall, {cold.cpu:7.1f} CPU-s, largest process {cold.largest_mib:.0f} MiB, "
              f"all processes together {cold.together_mib:.0f} MiB  ({cold.output})")
        same = outreach(root, *build)
        print(f"nothing changed:      {same.wall:7.2f} s wall, {same.cpu:7.2f} CPU-s  (target <= 1 s; load {load()})")
        page = root / "content" / "vi" / COMMUNE_AUDIENCE / "xa-067.md"
        page.write_bytes(page.read_bytes().replace("Gọi ai?".encode(), "Gọi ai!".encode(), 1))  # one byte
        edit = outreach(root, *build)
        print(f"one edit (a commune): {edit.wall:7.2f} s wall, {edit.cpu:7.1f} CPU-s  (target <= 2 CPU-s; load {load()})")
        fresh = root / "site-fresh"
        for kind in INCREMENTAL_CACHES:
            shutil.rmtree(root / ".outreach-cache" / kind, ignore_errors=True)
        full = outreach(root, "build", "--as-of", AS_OF.isoformat(), "--site-dir", str(fresh))
        print(f"same edit, every page and code again: {full.wall:7.2f} s wall, {full.cpu:7.1f} CPU-s  "
              f"(incremental: {edit.cpu / full.cpu:.2f}x the CPU; load {load()})")
        different = differences(site, fresh)
        print(f"incremental site byte-identical to one rendered afresh: {'yes' if not different else 'NO'}"
              + "".join(f"\n  differs: {path}" for path in different[:20]))
        print(f"pages: {page_sizes(site)}")
        print_set(root, arguments.print_sheets, arguments.workers)


if __name__ == "__main__":
    main()
