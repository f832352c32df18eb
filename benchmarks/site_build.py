"""(a) Site build against a plain `mkdocs build` of the same Markdown, same theme, same navigation.

Synthetic content: N pages per language (Vietnamese, Bahnar and Jrai drafts)
across the five audiences, with headings, lists, a table and policy figures,
and no leaflet marks, so this measures the website. The plain build gets the
same Markdown files (vi/, bahnar/, jrai/) in one docs folder and the
navigation the generator gives its own build (each language's home, then one
section per audience, overview first); like the project's pages, each page
carries only its own language's navigation (`plain_language_nav.py`, a MkDocs
hook), not all three languages' entries.

The project's side is the website a plain build makes too: the pages, their
QR codes and search indexes. A share image per audience page (a 1200×630 PNG
for link previews) is made besides, like the leaflets, and kept in the project
cache from then on; one more build at the first size, with them, prints what
they add to a build that draws them all.

Each side runs as a fresh process, as a person runs it, one after the other,
and is measured from outside: wall time, and CPU-seconds of the process and
every process it started (user + system, the shard and pool workers
included). Each figure is the median of `--runs` builds.

The project cache is off. Material's compiled templates and trimmed
stylesheet are kept per machine (they depend only on the installed theme), so
the table is for every build after a machine's first; the last line is a
machine's very first build, with that cache empty.

    python3 benchmarks/site_build.py [--sizes 30,300,1000] [--runs 3] [--no-extras]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO

AUDIENCES = ("doanh-nghiep", "ho-kinh-doanh", "tu-nguyen", "sinh-vien", "nguoi-co-uy-tin")
LANGUAGES = ("vi", "bahnar", "jrai")
BODY = """
Bài hướng dẫn số {n} cho người dân: ai tham gia, đóng bao nhiêu, được gì, đến đâu làm thủ tục.

## Đóng bao nhiêu?

Bạn đóng {{{{ policy.voluntary.rate }}}} mức thu nhập tự chọn, thấp nhất {{{{ policy.voluntary.floor }}}}.

- Hộ nghèo đóng thấp nhất {{{{ policy.voluntary.min_monthly.poor }}}} mỗi tháng.
- Người dân tộc thiểu số đóng thấp nhất {{{{ policy.voluntary.min_monthly.ethnic_minority }}}}.
- Đóng đủ {{{{ policy.pension.min_years }}}} là có lương hưu hằng tháng.

| Nhóm | Hỗ trợ |
|---|---|
| Hộ nghèo | {{{{ policy.voluntary.support.poor }}}} |
| Hộ cận nghèo | {{{{ policy.voluntary.support.near_poor }}}} |

## Làm thế nào?

1. Mang căn cước công dân đến đại lý thu BHXH ở xã.
2. Chọn mức thu nhập và cách đóng.
3. Nhận biên lai, kiểm tra trên ứng dụng {{{{ site.vssid }}}}.

Cần hỏi thêm: gọi {{{{ site.hotline }}}}.
"""


def page_rels(per_language: int) -> list[str]:
    """Home, then pages spread over the audiences; each audience's first page is its overview."""
    return ["index.md"] + [f"{AUDIENCES[i % 5]}/{'index' if i < 5 else f'trang-{i}'}.md" for i in range(per_language - 1)]


def title(rel: str) -> str:
    return f"Trang {rel}"


def synthetic_project(root: Path, per_language: int) -> Path:
    from generator.sources.content import content_hash  # here: the measured processes import only what their side needs

    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for name in ("policy.yml", "site.yml"):
        shutil.copyfile(REPO / "content" / name, content / name)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for rel in page_rels(per_language):
        text = f"---\ntitle: {title(rel)}\n---\n{BODY.format(n=len(rel))}"
        (content / "vi" / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / "vi" / rel).write_text(text, encoding="utf-8")
        for lang in LANGUAGES[1:]:
            translated = text.replace("---\n\n", f"status: draft\nsource: vi/{rel}\nsource_hash: {content_hash(text)}\n---\n\n", 1)
            (content / lang / rel).parent.mkdir(parents=True, exist_ok=True)
            (content / lang / rel).write_text(translated, encoding="utf-8")
    return root


def plain_navigation(per_language: int) -> list:
    """The navigation the generator builds for these pages: per language, home, then each audience, overview first."""
    nav = []
    rels = page_rels(per_language)
    for lang in LANGUAGES:
        prefix = "" if lang == "vi" else f"{lang}/"
        nav.append({title("index.md"): prefix + "index.md"})
        for audience in AUDIENCES:
            members = [rel for rel in rels if rel.startswith(audience + "/")]
            members.sort(key=lambda rel: not rel.endswith("/index.md"))
            if members:
                nav.append({title(members[0]): [{title(rel): prefix + rel} for rel in members]})
    return nav


def plain_docs(project: Path, per_language: int) -> Path:
    docs = project / "plain-docs"
    for lang in LANGUAGES:
        shutil.copytree(project / "content" / lang, docs / ("" if lang == "vi" else lang), dirs_exist_ok=True)
    (project / "plain-nav.json").write_text(json.dumps(plain_navigation(per_language), ensure_ascii=False), encoding="utf-8")
    return docs


# --- one build, in the fresh process the parent starts -----------------------

def run_ours(project: Path, out: Path, print_materials: bool = False) -> None:
    import datetime as dt
    import logging

    from generator.build import BuildOptions, Project, build
    from generator.cache import ArtifactCache

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    build(Project(project), out, BuildOptions(dt.date(2026, 11, 25)), cache=ArtifactCache(None), print_materials=print_materials)


def run_ours_with_share_images(project: Path, out: Path) -> None:
    run_ours(project, out, print_materials=True)


def run_plain(project: Path, out: Path) -> None:
    import logging

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    nav = json.loads((project / "plain-nav.json").read_text(encoding="utf-8"))
    mkdocs_build(load_config(config_file=str(project / "mkdocs.yml"), docs_dir=str(project / "plain-docs"),
                             site_dir=str(out), nav=nav, hooks=[str(PLAIN_HOOK)]))


PLAIN_HOOK = Path(__file__).with_name("plain_language_nav.py")  # each page gets its own language's navigation
SIDES = {"ours": run_ours, "plain": run_plain}
RUNNERS = {**SIDES, "ours-with-share-images": run_ours_with_share_images}


def measured(side: str, project: Path, out: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall and CPU-seconds (children included) of one build in a fresh process."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--one", side, str(project), str(out)], check=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def compare(size: int, tmp: Path, runs: int, env: dict | None = None) -> dict[str, tuple[float, float]]:
    project = synthetic_project(tmp / "project", size)
    plain_docs(project, size)
    samples: dict[str, list[tuple[float, float]]] = {side: [] for side in SIDES}
    for _ in range(runs):
        for side in SIDES:  # alternately, so a change in the machine's load touches both
            samples[side].append(measured(side, project, tmp / f"site-{side}", env))
    return {side: (statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for side, s in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="30,300,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-extras", dest="extras", action="store_false",
                        help="only the table: no build with share images, no build with an empty machine cache")
    parser.add_argument("--one", nargs=3, metavar=("SIDE", "PROJECT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        side, project, out = args.one
        RUNNERS[side](Path(project), Path(out))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        compare(5, Path(tmp), 1)  # fills the machine cache if this is the machine's first build
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores); median of {args.runs} runs")
    print(f"{'pages/language':>14} {'pages':>6} | {'outreach wall':>13} {'cpu':>7} | {'mkdocs wall':>11} {'cpu':>7} | "
          f"{'wall ratio':>10} {'cpu ratio':>9}")
    figures_first = None
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            figures = compare(size, Path(tmp), args.runs)
        figures_first = figures_first or figures
        (ours_wall, ours_cpu), (plain_wall, plain_cpu) = figures["ours"], figures["plain"]
        print(f"{size:>14} {3 * size:>6} | {ours_wall:>12.2f}s {ours_cpu:>6.2f}s | {plain_wall:>10.2f}s {plain_cpu:>6.2f}s | "
              f"{ours_wall / plain_wall:>10.2f} {ours_cpu / plain_cpu:>9.2f}", flush=True)
    if not args.extras:
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        project = synthetic_project(Path(tmp) / "project", sizes[0])
        wall, cpu = measured("ours-with-share-images", project, Path(tmp) / "site")
        shares = sum(1 for _ in (Path(tmp) / "site" / "assets" / "share").rglob("*.png"))
        print(f"with its {shares} share images drawn, {sizes[0]} pages/language: {wall:.2f}s wall, {cpu:.2f} CPU-s "
              f"({cpu / figures_first['plain'][1]:.2f}x plain MkDocs; later builds take them from the project cache)")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp) / "empty-machine-cache")}
        figures = compare(sizes[0], Path(tmp), 1, env)
        (ours_wall, ours_cpu), (plain_wall, plain_cpu) = figures["ours"], figures["plain"]
        print(f"a machine's first build, {sizes[0]} pages/language: {ours_wall:.2f}s wall, {ours_cpu:.2f} CPU-s "
              f"against {plain_wall:.2f}s, {plain_cpu:.2f} CPU-s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("targets: CPU ratio <= 1.3 at 30 pages per language, <= 1.1 at 300 and 1000")


if __name__ == "__main__":
    main()
