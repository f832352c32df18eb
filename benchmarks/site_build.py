"""(a) Site build time against a plain `mkdocs build` of the same Markdown, same theme.

Synthetic content: N pages per language (Vietnamese, Bahnar and Jrai drafts)
across the five audiences, with headings, lists, a table and policy figures,
and no leaflet marks, so this measures the website. The plain build gets the
same Markdown files (vi/, bahnar/, jrai/) in one docs folder.

The project cache is off. Material's compiled templates and trimmed
stylesheet are kept per machine (they depend only on the installed theme), so
the table is for every build after a machine's first; the last line is a
machine's very first build, with that cache empty.

    python3 benchmarks/site_build.py [--sizes 30,300,3000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from _common import REPO

from generator.build import BuildOptions, Project, build
from generator.cache import ArtifactCache
from generator.content import content_hash
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

AUDIENCES = ("doanh-nghiep", "ho-kinh-doanh", "tu-nguyen", "sinh-vien", "nguoi-co-uy-tin")
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


def page(title: str, n: int) -> str:
    return f"---\ntitle: {title}\n---\n{BODY.format(n=n)}"


def synthetic_project(root: Path, per_language: int) -> Path:
    content = root / "content"
    for name in ("policy.yml", "site.yml"):
        (content).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / "content" / name, content / name)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    rels = ["index.md"] + [f"{AUDIENCES[i % 5]}/{'index' if i < 5 else f'trang-{i}'}.md" for i in range(per_language - 1)]
    for rel in rels:
        text = page(f"Trang {rel}", len(rel))
        (content / "vi" / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / "vi" / rel).write_text(text, encoding="utf-8")
        for lang in ("bahnar", "jrai"):
            translated = text.replace("---\n\n", f"status: draft\nsource: vi/{rel}\nsource_hash: {content_hash(text)}\n---\n\n", 1)
            (content / lang / rel).parent.mkdir(parents=True, exist_ok=True)
            (content / lang / rel).write_text(translated, encoding="utf-8")
    return root


def plain_mkdocs(project: Path, out: Path) -> float:
    docs = project / "plain-docs"
    for lang in ("vi", "bahnar", "jrai"):
        shutil.copytree(project / "content" / lang, docs / lang)
    shutil.move(str(docs / "vi" / "index.md"), str(docs / "index.md"))
    started = time.perf_counter()
    mkdocs_build(load_config(config_file=str(project / "mkdocs.yml"), docs_dir=str(docs), site_dir=str(out)))
    return time.perf_counter() - started


def compare(size: int, tmp: Path) -> tuple[float, float]:
    project = synthetic_project(tmp / "project", size)
    plain = plain_mkdocs(project, tmp / "plain-site")
    started = time.perf_counter()
    build(Project(project), tmp / "site", BuildOptions(dt.date(2026, 11, 25)), cache=ArtifactCache(None))
    return time.perf_counter() - started, plain


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="30,300,3000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        compare(1, Path(tmp))  # fills the machine cache if this is the machine's first build
    print(f"{'pages/language':>14} {'pages total':>11} {'outreach build':>15} {'plain mkdocs':>13} {'ratio':>6}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            ours, plain = compare(size, Path(tmp))
            print(f"{size:>14} {3 * size:>11} {ours:>14.2f}s {plain:>12.2f}s {ours / plain:>6.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "empty-machine-cache")
        ours, plain = compare(sizes[0], Path(tmp))
        print(f"a machine's first build, {sizes[0]} pages/language: {ours:.2f}s against {plain:.2f}s, ratio {ours / plain:.2f}")
    print("target: ratio <= 1.2")


if __name__ == "__main__":
    main()
