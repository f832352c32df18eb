"""The website stage: shards, and what is cached per machine."""

import datetime as dt
import subprocess
import sys

from generator.web import website
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
