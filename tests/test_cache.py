"""Caching is correct: an edit invalidates exactly what depends on it, and nothing else."""

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import pytest

import generator.build
from generator.build import BuildOptions, build, inputs_digest
from generator.assets import PACKAGE_DIR
from generator.cache import ArtifactCache
from generator.problems import ContentError

AS_OF = dt.date(2026, 11, 25)
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
PAGES = {
    "vi/index.md": HOME,
    "vi/tu-nguyen/index.md": "---\ntitle: Tự nguyện\n---\n\n<!-- flyer -->\nĐóng {{ policy.voluntary.rate }}.\n<!-- /flyer -->\n\n"
                             "```infographic\nkind: steps\ntitle: Các bước\nitems:\n  - Bước một\n```\n",
    "vi/sinh-vien/index.md": "---\ntitle: Sinh viên\n---\n\n<!-- flyer -->\nĐi làm thì đóng {{ policy.compulsory.employee_rate }}.\n<!-- /flyer -->\n",
}


@pytest.fixture
def project(make_project, tmp_path):
    project = make_project(PAGES)
    build(project, tmp_path / "site", BuildOptions(AS_OF))
    return project


def rendered_sheets(result, audience=None) -> set[str]:
    """One render makes every variant of a sheet; the cache names it by its standard PDF."""
    return {l["file"] for l in result.manifest.as_json()["leaflets"] if l["variant"] == "standard" and audience in (None, l["audience"])}


def rebuild(project, tmp_path, **kwargs):
    return build(project, tmp_path / "site", BuildOptions(AS_OF), **kwargs)


def test_unchanged_rebuild_leaves_the_site_as_it_was(project, tmp_path, monkeypatch):
    marker = tmp_path / "site" / "manifest.json"
    before = marker.stat().st_mtime_ns
    with monkeypatch.context() as patched:
        # Decided from the fingerprint alone: no page is read, validated or prepared.
        patched.setattr(generator.build, "compose", lambda *args, **kwargs: pytest.fail("content read"))
        result = rebuild(project, tmp_path)
    assert result.reused and marker.stat().st_mtime_ns == before
    assert result.manifest.as_json()["leaflets"]
    # The command a communicator types: nothing changed, so neither WeasyPrint nor MkDocs is even loaded.
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "generator", "build", "--project", project.root,
                          "--site-dir", tmp_path / "site", "--as-of", AS_OF.isoformat()], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0 and "Không có gì thay đổi" in run.stdout, run.stdout + run.stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "generator.build" in loaded and not loaded & {"weasyprint", "mkdocs"}
    assert marker.stat().st_mtime_ns == before


def test_one_changed_byte_rebuilds_and_reaches_the_site(project, tmp_path):
    """Content is compared by its bytes: same size, same modification time, one letter changed."""
    page = project.content_dir / "vi/index.md"
    stat = page.stat()
    page.write_bytes(page.read_bytes().replace(b"Xin ch", b"Xin cH"))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert page.stat().st_size == stat.st_size
    result = rebuild(project, tmp_path)
    assert not result.reused
    assert "Xin cHào." in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_every_option_and_the_generator_code_are_in_the_fingerprint(make_project, tmp_path, monkeypatch):
    project = make_project(PAGES)
    options = BuildOptions(AS_OF)
    same = inputs_digest(project, options, True)
    assert inputs_digest(project, BuildOptions(AS_OF), True) == same
    others = [dataclasses.replace(options, as_of=AS_OF + dt.timedelta(days=1)),
              dataclasses.replace(options, site_url="https://other.example/"), dataclasses.replace(options, release=True),
              dataclasses.replace(options, allow_drafts=("jrai",)), dataclasses.replace(options, print_shop=True)]
    assert len({same, inputs_digest(project, options, False), *(inputs_digest(project, o, True) for o in others)}) == 7
    # One byte of a template of the generator's own.
    package = tmp_path / "generator"
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(generator.build, "PACKAGE_DIR", package)
    copied = inputs_digest(project, options, True)
    template = next(package.glob("templates/**/*.html"))
    template.write_bytes(template.read_bytes() + b" ")
    assert inputs_digest(project, options, True) != copied


def test_editing_one_audience_rerenders_only_its_leaflets(project, tmp_path):
    page = project.content_dir / "vi/sinh-vien/index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Đi làm", "Khi đi làm"), encoding="utf-8")
    result = rebuild(project, tmp_path)
    assert not result.reused
    assert set(result.cache.misses) == rendered_sheets(result, "sinh-vien")
    assert set(result.cache.hits) >= rendered_sheets(result, "tu-nguyen")
    assert all(i["audience"] == "tu-nguyen" for i in result.manifest.as_json()["images"])
    assert {i["file"] for i in result.manifest.as_json()["images"]} <= set(result.cache.hits)


def test_a_policy_figure_change_reaches_every_artifact_that_shows_it(project, tmp_path):
    policy = project.content_dir / "policy.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("value: 22\n", "value: 23\n", 1), encoding="utf-8")
    result = rebuild(project, tmp_path)
    missed = set(result.cache.misses)
    # The voluntary rate shows on the tu-nguyen flyer, not on the sinh-vien one.
    assert rendered_sheets(result, "tu-nguyen") <= missed
    assert not rendered_sheets(result, "sinh-vien") & missed
    text = (tmp_path / "site/tu-nguyen/index.html").read_text(encoding="utf-8")
    assert "23%" in text


BUILD_WITH_THE_COPY = """
import datetime as dt, json
from pathlib import Path
from generator.build import BuildOptions, Project, build
from generator.cache import ArtifactCache
result = build(Project(Path({root!r})), Path({site!r}), BuildOptions(dt.date(2026, 11, 25)), cache=ArtifactCache(Path({cache!r})))
print(json.dumps({{"hits": result.cache.hits, "misses": result.cache.misses,
                  "sheets": [l["file"] for l in result.manifest.as_json()["leaflets"] if l["variant"] == "standard"],
                  "cards": [i["file"] for i in result.manifest.as_json()["images"]]}}))
"""


def test_a_change_to_a_renderers_code_renders_again(make_project, tmp_path, generator_copy):
    """The sheet renderer's source edited in a copy of the generator: its sheets render again, the cards do not."""
    project = make_project(PAGES)

    def build_with_the_copy(name):
        run = generator_copy.run(BUILD_WITH_THE_COPY.format(root=str(project.root), site=str(tmp_path / name),
                                                            cache=str(tmp_path / "cache")))
        assert run.returncode == 0, run.stderr[-3000:]
        return json.loads(run.stdout.splitlines()[-1])

    first = build_with_the_copy("one")
    assert first["sheets"] and first["cards"] and not first["hits"]
    renderer = generator_copy.package / "paper" / "leaflet_render.py"
    renderer.write_text(renderer.read_text(encoding="utf-8") + "\n# A change to the sheet renderer.\n", encoding="utf-8")
    second = build_with_the_copy("two")
    assert set(second["misses"]) == set(second["sheets"]) == set(first["sheets"])
    # The card renderer did not change: every card (and every page's share image) comes from the cache.
    assert set(second["hits"]) >= set(second["cards"]) == set(first["cards"])


def test_cached_output_is_identical_to_a_fresh_render(project, tmp_path):
    (project.content_dir / "vi/index.md").write_text(HOME + "\nĐổi trang chủ.\n", encoding="utf-8")
    cached = rebuild(project, tmp_path)
    fresh = build(project, tmp_path / "fresh", BuildOptions(AS_OF), cache=ArtifactCache(None))
    assert cached.cache.hits and not fresh.cache.hits
    for entry in fresh.manifest.as_json()["leaflets"] + fresh.manifest.as_json()["images"]:
        assert (tmp_path / "site" / entry["file"]).read_bytes() == (tmp_path / "fresh" / entry["file"]).read_bytes()


def test_a_failed_build_does_not_record_itself(project, tmp_path):
    page = project.content_dir / "vi/sinh-vien/index.md"
    good = page.read_text(encoding="utf-8")
    page.write_text(good.replace("compulsory.employee_rate", "compulsory.nope"), encoding="utf-8")
    with pytest.raises(ContentError):
        rebuild(project, tmp_path)
    page.write_text(good, encoding="utf-8")
    assert rebuild(project, tmp_path).reused  # back to the recorded inputs
