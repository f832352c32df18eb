"""What the generator knows of Material's internals, checked against the pinned Material without a browser."""

import datetime as dt
import json
import re
import shutil

import jinja2
import pytest
from click.testing import CliRunner

from generator.web import material
from generator.build import BuildOptions, build
from generator.cache import ArtifactCache
from generator.cli import main
from generator.problems import ContentError, ProblemLog

AS_OF = dt.date(2026, 11, 25)
PAGES = {"vi/index.md": "---\ntitle: Trang chủ\n---\n\nXin chào.\n",
         "vi/tu-nguyen/index.md": "---\ntitle: Tự nguyện\n---\n\nĐóng {{ policy.voluntary.rate }}.\n"}


def problems(tmp_path) -> list[str]:
    log = ProblemLog(tmp_path)
    material.check_installed(log)
    return [p.format() for p in log.problems]


@pytest.fixture
def theme_copy(tmp_path, monkeypatch):
    """Material's templates and assets copied, for a test to break one the way a release might."""
    copy = tmp_path / "material"
    # Its 14,000 icons are only looked up: linked, not copied.
    shutil.copytree(material.theme_dir(), copy, ignore=shutil.ignore_patterns("*.map", "__pycache__", "lunr", ".icons"))
    (copy / ".icons").symlink_to(material.theme_dir() / ".icons")
    monkeypatch.setattr(material, "theme_dir", lambda: copy)
    return copy


def test_the_pinned_material_matches_everything_the_generator_relies_on(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert problems(tmp_path) == []


def test_each_bundle_patch_matches_once_and_leaves_no_original(tmp_path):
    [bundle] = material.theme_dir().glob(material.BUNDLE_GLOB)
    published = tmp_path / bundle.name
    shutil.copyfile(bundle, published)
    code = bundle.read_text(encoding="utf-8")
    assert [patch.count(code) for patch in material.BUNDLE_PATCHES] == [1] * len(material.BUNDLE_PATCHES)
    material.patch_bundle(published)
    patched = published.read_text(encoding="utf-8")
    assert [patch.count(patched) for patch in material.BUNDLE_PATCHES] == [0] * len(material.BUNDLE_PATCHES)
    assert 'location.protocol!=="file:"' not in patched and '"link[rel=alternate][data-md-sitemap]"' in patched


def test_a_bundle_that_moved_is_refused_and_left_as_it_was(tmp_path):
    bundle = tmp_path / "bundle.0.min.js"
    bundle.write_text('x(location.protocol!=="file:");y("link[rel=other]")', encoding="utf-8")
    with pytest.raises(material.MaterialMismatch) as caught:
        material.patch_bundle(bundle)
    [problem] = caught.value.problems
    assert "sitemap.xml" in problem.message and "requirements.lock" in problem.message
    assert bundle.read_text(encoding="utf-8") == 'x(location.protocol!=="file:");y("link[rel=other]")'


def test_a_stale_component_name_and_a_purged_class_in_use_are_reported(tmp_path, monkeypatch, theme_copy):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    names = (*material.UNUSED_COMPONENTS, "md-gone-in-this-release", "md-select__link")
    monkeypatch.setattr(material, "UNUSED_COMPONENTS", names)
    monkeypatch.setattr(material, "_UNUSED", re.compile("|".join(map(re.escape, names))))
    found = problems(tmp_path)
    assert len(found) == 2, found
    assert "`md-gone-in-this-release`" in found[0] and "`md-select__link`" in found[1]
    assert all(": lỗi: Material for MkDocs" in line for line in found)


def test_the_purge_drops_unused_components_and_is_cached_per_machine_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = tmp_path / "a.css"
    first.write_text(".md-typeset .tabbed-set{color:red}.md-header{color:blue}", encoding="utf-8")
    material.purge_stylesheet(first)
    assert first.read_text(encoding="utf-8") == ".md-header{color:blue}"
    # Another Material release, another stylesheet: never served the old trimmed copy.
    second = tmp_path / "b.css"
    second.write_text(".md-header{color:green}.md-clipboard{top:0}", encoding="utf-8")
    material.purge_stylesheet(second)
    assert second.read_text(encoding="utf-8") == ".md-header{color:green}"
    again = tmp_path / "c.css"
    again.write_text(".md-typeset .tabbed-set{color:red}.md-header{color:blue}", encoding="utf-8")
    material.purge_stylesheet(again)
    assert again.read_text(encoding="utf-8") == ".md-header{color:blue}"
    assert len(list((tmp_path / "cache" / "bhxh-outreach" / "stylesheets").iterdir())) == 2


def test_the_overrides_declare_what_they_rely_on():
    uses = {use.name: use for use in material.override_uses()}
    assert {"main.html", "404.html", "partials/search.html", "partials/alternate.html"} <= uses.keys()
    assert {"extrahead", "header", "content", "scripts"} <= uses["main.html"].blocks
    assert "material/partials/search.html" in uses["partials/search.html"].includes
    assert material.SEARCH_DIALOG in (material.OVERRIDES_DIR / "partials" / "search.html").read_text(encoding="utf-8")
    assert {"md-select", "md-copyright"} <= material.override_classes()


def test_a_block_a_partial_and_the_search_dialog_that_moved_are_reported(tmp_path, monkeypatch, theme_copy):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    base = theme_copy / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("{% block extrahead %}", "{% block head_extra %}"), encoding="utf-8")
    header = theme_copy / "partials" / "header.html"
    header.write_text(header.read_text(encoding="utf-8").replace('"partials/alternate.html"', '"partials/languages-menu.html"'),
                      encoding="utf-8")
    search = theme_copy / "partials" / "search.html"
    search.write_text(search.read_text(encoding="utf-8").replace('role="dialog"', 'role="search"'), encoding="utf-8")
    found = "\n".join(problems(tmp_path))
    assert "{% block extrahead %}" in found
    assert "`partials/alternate.html`" in found
    assert 'role="dialog"' in found


def test_a_colour_a_class_and_a_context_name_that_moved_are_reported(tmp_path, monkeypatch, theme_copy):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert "--md-typeset-a-color" in material.styled_names()[1] and "md-footer-meta" in material.styled_names()[0]
    [stylesheet] = theme_copy.glob(material.STYLESHEET_GLOB)
    css = stylesheet.read_text(encoding="utf-8")
    stylesheet.write_text(css.replace("--md-typeset-a-color", "--md-link-color").replace(".md-footer-meta", ".md-footer-info"),
                          encoding="utf-8")
    header = theme_copy / "partials" / "header.html"
    header.write_text(header.read_text(encoding="utf-8").replace("config.extra.alternate", "config.extra.languages"), encoding="utf-8")
    found = problems(tmp_path)
    assert len(found) == 3, found
    assert "`--md-typeset-a-color`" in found[0] or "`--md-typeset-a-color`" in "\n".join(found)
    assert any("`md-footer-meta`" in line for line in found)
    assert any("partials/header.html" in line and "`config.extra.alternate`" in line for line in found)


def test_template_reads_names_attributes_and_tests():
    tree = jinja2.Environment().parse("{% if config.extra.alternate is iterable %}{{ nav.homepage.url | url }}{% endif %}")
    assert {"config.extra.alternate", "config.extra.alternate is iterable", "nav.homepage.url", "nav"} <= material.template_reads(tree)


def test_a_passed_check_is_remembered_per_machine_and_redone_for_another_material(tmp_path, monkeypatch, theme_copy):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert problems(tmp_path) == []
    header = theme_copy / "partials" / "header.html"
    header.write_text(header.read_text(encoding="utf-8").replace("config.extra.alternate", "config.extra.languages"), encoding="utf-8")
    assert problems(tmp_path) == []  # the same Material, as far as its version and place say: not checked again
    monkeypatch.setattr(material, "library_versions", lambda: "mkdocs-material=9.9.0")
    assert any("`config.extra.alternate`" in line for line in problems(tmp_path))


def test_a_search_index_in_another_format_is_refused(tmp_path):
    index = tmp_path / "search_index.json"
    index.write_text(json.dumps({"config": {"lang": ["vi"]}, "docs": [{"url": "a/", "title": "A", "text": ""}]}), encoding="utf-8")
    with pytest.raises(material.MaterialMismatch) as caught:
        material.read_search_index(index)
    assert any("location" in p.message for p in caught.value.problems)
    assert any("fields" in p.message for p in caught.value.problems)


def test_a_build_refuses_to_publish_a_half_patched_bundle(make_project, tmp_path, monkeypatch):
    moved = material.BundlePatch("thử", re.compile("a pattern no release contains"), "")
    monkeypatch.setattr(material, "BUNDLE_PATCHES", (*material.BUNDLE_PATCHES, moved))
    with pytest.raises(ContentError) as caught:
        build(make_project(PAGES), tmp_path / "site", BuildOptions(AS_OF), cache=ArtifactCache(None))
    [problem] = caught.value.problems
    assert problem.path.endswith(".min.js") and "a pattern no release contains" in problem.message
    assert not (tmp_path / "site").exists()


def test_outreach_check_reports_a_mismatch_in_vietnamese(make_project, machine_cache, monkeypatch):
    project = make_project(PAGES)
    moved = material.BundlePatch("thử", re.compile("a pattern no release contains"), "")
    monkeypatch.setattr(material, "BUNDLE_PATCHES", (*material.BUNDLE_PATCHES, moved))
    result = CliRunner().invoke(main, ["check", "--project", str(project.root), "--as-of", "2026-11-25"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if "Material for MkDocs" in line]
    assert re.search(r"bundle\.\w+\.min\.js: lỗi: Material for MkDocs [\d.]+ không khớp", line), line
    assert "requirements.lock" in line
