"""Caches never serve stale output (issue #19): a key holds everything its artifact is made from.

A sheet's key holds its documents and the bytes of every file they name (a picture
replaced under the same name), the rendering code, the fonts and the versions of
every library that changes output bytes; a build's fingerprint holds them too.
"""

from __future__ import annotations

import datetime as dt
import io
from importlib import metadata

import pypdfium2
import pytest
from PIL import Image

from generator.build import BuildOptions, Project, build, compose, inputs_digest
from generator.cache import ArtifactCache, library_versions
from generator.paper import leaflet_render
from generator.paper.leaflets import PaperLinks
from generator.render.renderer import paper_html
from generator.sources.content import PageKey
from generator.sources.languages import default_language, load_languages

AS_OF = dt.date(2026, 11, 25)
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
GUIDE = ("---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\nĐóng {{ policy.voluntary.rate }} thu nhập tự chọn.\n\n"
         "![Sổ BHXH của bạn](so.png)\n<!-- /flyer -->\n\n"
         "<!-- flyer: action -->\nĐến đại lý thu. Gọi {{ site.hotline }}.\n<!-- /flyer -->\n")
RED, BLUE = (220, 0, 0), (0, 0, 220)
FLYER = "leaflets/vi/tu-nguyen-a5-flyer.pdf"


def picture(colour) -> bytes:
    png = io.BytesIO()
    Image.new("RGB", (400, 200), colour).save(png, format="PNG")
    return png.getvalue()


def share_of(image: Image.Image, colour) -> float:
    """How much of the image is (about) this colour."""
    data = image.convert("RGB").tobytes()
    pixels = [data[i:i + 3] for i in range(0, len(data), 3)]
    return sum(1 for p in pixels if all(abs(a - b) < 40 for a, b in zip(p, colour))) / len(pixels)


def first_page(pdf: bytes) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=0.5).to_pil()
    document.close()
    return image


@pytest.fixture
def with_picture(make_project):
    return make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": GUIDE, "vi/tu-nguyen/so.png": picture(RED)})


def test_a_picture_replaced_under_its_name_reaches_the_sheets_and_their_previews(with_picture: Project, tmp_path):
    site, cache = tmp_path / "site", ArtifactCache(tmp_path / "cache")
    first = build(with_picture, site, BuildOptions(AS_OF), cache=cache)
    [preview] = [entry["previews"][0] for entry in first.manifest.as_json()["leaflets"] if entry["file"] == FLYER]
    assert share_of(first_page((site / FLYER).read_bytes()), RED) > 0.01
    (with_picture.content_dir / "vi/tu-nguyen/so.png").write_bytes(picture(BLUE))
    cache.hits.clear(), cache.misses.clear()
    second = build(with_picture, site, BuildOptions(AS_OF), cache=cache)
    assert not second.reused and FLYER in cache.misses
    page = first_page((site / FLYER).read_bytes())
    assert share_of(page, BLUE) > 0.01 and share_of(page, RED) < 0.001
    thumbnail = Image.open(site / preview)
    assert share_of(thumbnail, BLUE) > 0.01 and share_of(thumbnail, RED) < 0.001


@pytest.mark.parametrize("library", ["nh3", "tinycss2", "rcssmin", "pypdfium2", "weasyprint", "pillow"])
def test_a_library_upgrade_changes_every_key_it_touches(with_picture: Project, monkeypatch, library):
    leaflets = compose(with_picture, BuildOptions(AS_OF)).leaflets
    options = BuildOptions(AS_OF)
    before = ([leaflet_render._key(leaflet_render._code(), leaflet) for leaflet in leaflets], library_versions(),
              inputs_digest(with_picture, options, True))
    installed = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0-upgraded" if name == library else installed(name))
    after = ([leaflet_render._key(leaflet_render._code(), leaflet) for leaflet in leaflets], library_versions(),
             inputs_digest(with_picture, options, True))
    assert f"{library}=0.0-upgraded" in after[1]
    assert all(a != b for a, b in zip(before[0], after[0])), "every sheet renders again"
    assert before[2] != after[2], "the build does not say nothing changed"


def test_an_upgraded_library_rebuilds_the_sheets_and_cards(with_picture: Project, tmp_path, monkeypatch):
    site, cache = tmp_path / "site", ArtifactCache(tmp_path / "cache")
    build(with_picture, site, BuildOptions(AS_OF), cache=cache)
    cache.hits.clear(), cache.misses.clear()
    installed = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0-upgraded" if name == "pypdfium2" else installed(name))
    again = build(with_picture, site, BuildOptions(AS_OF), cache=cache)
    assert not again.reused
    printed = {entry["file"] for entry in again.manifest.as_json()["leaflets"]}
    assert printed and printed <= set(cache.misses) and not cache.hits


def test_a_sheet_parts_conversion_is_remembered_per_printed_address():
    """Parts marked for print are converted once per text, page and printed addresses (a preview's rebuilds reuse them)."""
    vietnamese = default_language(load_languages())
    page, target = PageKey("tu-nguyen", "index"), PageKey("tu-nguyen", "muc-dong")
    text = "Xem [mức đóng](muc-dong.md)."
    first = PaperLinks(vietnamese, frozenset({(target, "example.org/q/a")}))
    moved = PaperLinks(vietnamese, frozenset({(target, "example.org/q/b")}))
    assert first == PaperLinks(vietnamese, frozenset({(target, "example.org/q/a")}))  # the next build's, equal: remembered
    assert "example.org/q/a" in paper_html(text, page, first)[0]
    assert "example.org/q/b" in paper_html(text, page, moved)[0]  # a new address is a new conversion
