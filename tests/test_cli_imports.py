"""Commands load only what they use: the help, the scan counts and the translation status start
without MkDocs, Material or WeasyPrint (a second of loading a communicator would wait for).

Each command runs as a person runs it, in its own process, with `python -X importtime`, which
lists every module the process imported; nothing here is timed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

SITE_MAKERS = ("mkdocs", "material", "weasyprint")


def imported_modules(*args: str, cwd: Path = REPO) -> set[str]:
    """Every module `outreach <args>` imported (as `python -X importtime` lists them); the command must succeed."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "generator", *args], cwd=cwd,
                         capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 0, run.stderr[-2000:]
    lines = [line for line in run.stderr.splitlines() if line.startswith("import time:") and "|" in line]
    assert lines, "python -X importtime listed no module"
    return {line.rsplit("|", 1)[1].strip() for line in lines}


def top_packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_the_listing_sees_a_site_maker_when_one_is_imported():
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "import mkdocs.config"], capture_output=True, text=True)
    assert "mkdocs" in top_packages({line.rsplit("|", 1)[1].strip() for line in run.stderr.splitlines() if "|" in line})


def test_help_loads_no_stage():
    modules = imported_modules("--help")
    assert not top_packages(modules) & set(SITE_MAKERS)
    # Nor the build and its stages: the help is the command line alone.
    assert "generator.build" not in modules
    assert not {m for m in modules if m.startswith(("generator.sources", "generator.render", "generator.paper", "generator.web"))}


def test_status_loads_no_site_maker():
    assert not top_packages(imported_modules("status")) & set(SITE_MAKERS)


@pytest.mark.parametrize("command", ["stats", "status", "check", "build", "print", "report", "serve"])
def test_each_command_help_loads_no_site_maker(command):
    assert not top_packages(imported_modules(command, "--help")) & set(SITE_MAKERS)


def test_stats_loads_no_site_maker(tmp_path):
    log = tmp_path / "access.log"
    log.write_text('203.0.113.7 - - [01/Nov/2026:08:00:00 +0700] "GET /q/tn/ HTTP/1.1" 200 512 "-" "Mozilla/5.0"\n',
                   encoding="utf-8")
    assert not top_packages(imported_modules("stats", str(log), "--format", "json")) & set(SITE_MAKERS)


def test_check_loads_weasyprint_only_for_a_sheet_not_in_the_cache(make_project, machine_cache):
    project = make_project({
        "vi/index.md": "---\ntitle: Trang chủ\n---\n\nXin chào.\n",
        "vi/tu-nguyen/index.md": "---\ntitle: Tự nguyện\n---\n\n<!-- flyer -->\nĐóng {{ policy.voluntary.rate }}.\n<!-- /flyer -->\n",
    })
    command = ("check", "--as-of", "2026-11-25", "--project", str(project.root))
    assert "weasyprint" in top_packages(imported_modules(*command)), "the sheet is laid out the first time"
    assert "weasyprint" not in top_packages(imported_modules(*command)), "then it comes from the machine cache"
