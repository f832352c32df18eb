"""Printing near a change (issue #19): sheets whose figures end soon say so, and the next edition says from when it applies.

The sample's rural poverty line (and what derives from it) changes on 01/01/2027.
"""

from __future__ import annotations

import datetime as dt
import subprocess


from conftest import REPO
from generator.build import BuildOptions, Project, build, compose
from generator.cache import ArtifactCache

CHANGE = dt.date(2027, 1, 1)
TOPIC = "số liệu sắp thay đổi"


def coming_changes(as_of: dt.date) -> list[str]:
    return [w.format() for w in compose(Project(REPO), BuildOptions(as_of)).warnings if w.topic == TOPIC]


def policy_line(key: str) -> int:
    lines = (REPO / "content" / "policy.yml").read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.strip() == f"{key}:")


def test_a_build_within_sixty_days_of_a_change_says_which_figures_and_how_to_print_the_next_edition():
    [warning] = coming_changes(dt.date(2026, 12, 5))
    assert warning.startswith(f"content/policy.yml:{policy_line('rural_poverty_line')}: cảnh báo: Từ ngày 01/01/2027, ")
    assert "`voluntary.floor`" in warning and "hết ngày 31/12/2026" in warning
    assert "`outreach build --as-of 2027-01-01`" in warning and "Áp dụng từ 01/01/2027" in warning


def test_a_build_long_before_the_change_does_not_warn():
    assert coming_changes(CHANGE - dt.timedelta(days=61)) == []


def test_the_next_edition_says_from_which_day_it_applies(make_project, tmp_path):
    guide = ("---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\nThu nhập thấp nhất để đóng: {{ policy.voluntary.floor }}.\n"
             "<!-- /flyer -->\n\n<!-- flyer: action -->\nGọi {{ site.hotline }}.\n<!-- /flyer -->\n")
    project = make_project({"vi/index.md": "---\ntitle: Trang chủ\n---\n\nXin chào.\n", "vi/tu-nguyen/index.md": guide})
    today = compose(project, BuildOptions(dt.date(2026, 12, 5))).leaflets
    assert not any("Áp dụng từ" in leaflet.document("standard") for leaflet in today)
    result = build(project, tmp_path / "site", BuildOptions(CHANGE), cache=ArtifactCache(tmp_path / "cache"))
    [entry] = [e for e in result.manifest.as_json()["leaflets"] if e["file"] == "leaflets/vi/tu-nguyen-a5-flyer.pdf"]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "site" / entry["file"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Áp dụng từ 01/01/2027" in " ".join(text.split())
    assert "2.200.000" in text  # the new figure, not the old one
