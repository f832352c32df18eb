"""The website stage: shards, and what is cached per machine."""

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest

from generator.web import material, website
from generator.web.mkdocs_plugin import LanguageLayer
from generator.build import BuildOptions, build
from generator.cache import ArtifactCache

AS_OF = dt.date(2026, 11, 25)


def page(title: str, body: str = "Nội dung.") -> str:
    return f"---\ntitle: {title}\n---\n\n{body}\n\n## Mục một\n\nĐóng {{{{ policy.voluntary.rate }}}}.\n"


PAGES = {
    "vi/index.md": page("Trang chủ", "[Tự nguyện](tu-nguyen/index.md)"),
    "vi/tu-nguyen/index.md": page("Tự nguyện", "[Quyền lợi](quyen-loi.md)"),
    "vi/tu-nguyen/quyen-loi.md": page("Quyền lợi"),
    "vi/sinh-vien/index.md": page("Sinh viên"),
    "vi/sinh-vien/khi-di-lam.md": page("Khi đi làm"),
}


def test_shards_render_the_same_site_as_one_build(make_project, tmp_path, monkeypatch):
    project = make_project(PAGES)
    monkeypatch.setattr(website, "shard_count", lambda pages: 1)
    build(project, tmp_path / "one", BuildOptions(AS_OF), cache=ArtifactCache(None))
    monkeypatch.setattr(website, "shard_count", lambda pages: 3)
    build(project, tmp_path / "three", BuildOptions(AS_OF), cache=ArtifactCache(None))

    def files(root):
        # The gzip header of the sitemap carries a timestamp.
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file() and p.suffix != ".gz"}

    one, three = files(tmp_path / "one"), files(tmp_path / "three")
    assert sorted(one) == sorted(three)
    assert [path for path in one if one[path] != three[path]] == []
    assert len([p for p in one if p.name == "index.html"]) >= 15  # five pages in three languages, and redirects
    assert not list((tmp_path).glob("*-shard-*")) and not list(tmp_path.glob(".*-new-*"))


def test_a_build_works_without_a_writable_machine_cache(make_project, tmp_path, monkeypatch):
    not_a_folder = tmp_path / "cache-is-a-file"
    not_a_folder.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    result = build(make_project(PAGES), tmp_path / "site", BuildOptions(AS_OF), cache=ArtifactCache(None))
    assert (result.site_dir / "tu-nguyen" / "quyen-loi" / "index.html").is_file()
    assert list((result.site_dir / "assets" / "stylesheets").glob("main.*.min.css"))


def test_what_the_website_holds_and_the_search_folding_are_plain_python():
    """The language layer's data, shards and search folding outlive MkDocs and Material: they never import them."""
    probe = ("import sys, generator.web.website, generator.textfold, generator.web.material; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'mkdocs', 'material', 'properdocs'}))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_shares_languages_and_chains():
    assert website.shard_share(list("abcdefg"), 1, 3) == ["b", "e"]
    languages = [{"prefix": ""}, {"prefix": "bahnar/"}, {"prefix": "jrai/"}]
    assert website.language_of("bahnar/tu-nguyen/", languages)["prefix"] == "bahnar/"
    assert website.language_of("tu-nguyen/", languages)["prefix"] == ""
    assert website.language_of("bahnar/404.html", languages)["prefix"] == "bahnar/"
    assert website.chained(["a", "b", "c"]) == [(None, "a", "b"), ("a", "b", "c"), ("b", "c", None)]


def _site_files(root):
    # The gzip header of the sitemap carries a timestamp.
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file() and p.suffix != ".gz"}


@pytest.fixture
def rendered_pages(tmp_path, monkeypatch):
    """The docs paths MkDocs renders, from every shard (the shards' processes are forked from this one)."""
    record = tmp_path / "rendered-pages.txt"
    record.touch()
    render = LanguageLayer.on_page_content

    def recording(self, html, page, config, files):
        with record.open("a", encoding="utf-8") as handle:
            handle.write(page.file.src_uri + "\n")
        return render(self, html, page, config, files)

    monkeypatch.setattr(LanguageLayer, "on_page_content", recording)

    def taken() -> set[str]:
        pages = set(record.read_text(encoding="utf-8").split())
        record.write_text("", encoding="utf-8")
        return pages

    return taken


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_renders_its_page_again_and_takes_the_others_from_the_cache(make_project, tmp_path, rendered_pages):
    project = make_project(PAGES)
    cache, site = ArtifactCache(tmp_path / "cache"), tmp_path / "site"
    build(project, site, BuildOptions(AS_OF), cache=cache)
    assert len(rendered_pages()) == 15  # five pages in three languages
    before = _site_files(site)
    _edit(project.content_dir / "vi/sinh-vien/khi-di-lam.md", "Nội dung.", "Nội dung mới.")
    build(project, site, BuildOptions(AS_OF), cache=cache)
    # Bahnar and Jrai readers get the Vietnamese page while it has no translation: it is theirs too.
    assert rendered_pages() == {"sinh-vien/khi-di-lam.md", "bahnar/sinh-vien/khi-di-lam.md", "jrai/sinh-vien/khi-di-lam.md"}
    after = _site_files(site)
    assert "Nội dung mới." in after["sinh-vien/khi-di-lam/index.html"].decode("utf-8")
    assert after["sinh-vien/index.html"] == before["sinh-vien/index.html"]
    # The search index finds the new words, and the reused pages' entries are all still there.
    index = json.loads(after["search/search_index.json"])
    assert any("Nội dung mới." in doc["text"] for doc in index["docs"])
    assert len(index["docs"]) == len(json.loads(before["search/search_index.json"])["docs"])
    build(project, tmp_path / "cold", BuildOptions(AS_OF), cache=ArtifactCache(None))
    cold = _site_files(tmp_path / "cold")
    assert sorted(after) == sorted(cold) and [path for path in cold if after[path] != cold[path]] == []


def test_what_every_page_shows_renders_every_page_again(make_project, tmp_path, rendered_pages, monkeypatch):
    """A figure, a title in the navigation, a setting of site.yml, the theme's template, the build date:
    each change reaches every page that shows it, and the site is the one a build without cache makes."""
    project = make_project(PAGES)
    cache, site = ArtifactCache(tmp_path / "cache"), tmp_path / "site"
    build(project, site, BuildOptions(AS_OF), cache=cache)
    rendered_pages()
    overrides = tmp_path / "overrides"
    shutil.copytree(material.OVERRIDES_DIR, overrides)
    monkeypatch.setattr(material, "OVERRIDES_DIR", overrides)
    edits = [
        ("a policy figure", lambda: _edit(project.content_dir / "policy.yml", "value: 22\n", "value: 23\n"), AS_OF, "23%"),
        ("a title in the navigation", lambda: _edit(project.content_dir / "vi/tu-nguyen/quyen-loi.md", "title: Quyền lợi",
                                                    "title: Quyền lợi mới"), AS_OF, "Quyền lợi mới"),
        ("the hotline", lambda: _edit(project.content_dir / "site.yml", '"1900 9068"', '"1900 9069"'), AS_OF, "1900 9069"),
        ("a template", lambda: _edit(overrides / "main.html", "{% block extrahead %}", "{% block extrahead %}<meta name=\"mau-moi\">"),
         AS_OF, "<meta name=\"mau-moi\">"),
        ("the build date", lambda: None, AS_OF + dt.timedelta(days=1), ""),
    ]
    for number, (change, edit, as_of, shown) in enumerate(edits):
        edit()
        # Without the whole build's fingerprint, which sees the generator's own templates, not this copy:
        # the pages' keys alone must tell.
        build(project, site, BuildOptions(as_of), cache=ArtifactCache(cache.root, records=tmp_path / f"records-{number}"))
        assert len(rendered_pages()) == 15, change
        after = _site_files(site)
        # A title shows in its own section's navigation (the others' are folded).
        page = "tu-nguyen/index.html" if change == "a title in the navigation" else "sinh-vien/khi-di-lam/index.html"
        assert shown in after[page].decode("utf-8"), change
        build(project, tmp_path / f"cold-{number}", BuildOptions(as_of), cache=ArtifactCache(None))
        cold = _site_files(tmp_path / f"cold-{number}")
        assert sorted(after) == sorted(cold) and [path for path in cold if after[path] != cold[path]] == [], change
