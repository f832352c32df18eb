"""Infographics: HTML that stays text, PNG cards that really carry their text and QR code."""

import datetime as dt
import posixpath
import unicodedata

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from PIL import Image

from generator.build import BuildOptions, compose
from generator.paper.images import BOLD, REGULAR
from generator.problems import ContentError

AS_OF = dt.date(2026, 11, 25)
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"


def test_images_are_listed_with_their_real_sizes(built_site):
    images = built_site.manifest.as_json()["images"]
    assert {(i["width"], i["height"]) for i in images} == {(1080, 1350), (1080, 1080)}
    for image in images:
        assert set(image) == {"kind", "lang", "audience", "file", "width", "height", "status", "release", "unverified_figures"}
        with Image.open(built_site.site_dir / image["file"]) as png:
            assert png.size == (image["width"], image["height"])
            assert png.format == "PNG"


def test_every_character_on_a_card_has_a_glyph(built_site):
    """No empty boxes: the shipped fonts cover every letter and mark the cards use."""
    covered = set(TTFont(REGULAR)["cmap"].getBestCmap()) & set(TTFont(BOLD)["cmap"].getBestCmap())
    texts = [c.title for c in built_site.composition.cards] + [c.legend for c in built_site.composition.cards]
    texts += [part for c in built_site.composition.cards for _, entries in c.columns for pair in entries for part in pair]
    used = {ch for text in texts for ch in text if not ch.isspace()}
    assert "\u0306" in used  # the Jrai card really uses the combining breve
    missing = sorted(f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}" for ch in used if ord(ch) not in covered)
    assert missing == []


def test_cards_carry_drawn_text_and_a_working_qr_code(built_site):
    for image in built_site.manifest.as_json()["images"]:
        with Image.open(built_site.site_dir / image["file"]) as png:
            codes = [c for c in zxingcpp.read_barcodes(png) if c.format == zxingcpp.BarcodeFormat.QRCode]
            assert len(codes) == 1
            assert codes[0].ec_level == "M", image["file"]
            assert codes[0].text.endswith(f"/q/{codes[0].text.rstrip('/').rsplit('/', 1)[1]}/")
            body = png.convert("L").crop((72, 330, image["width"] - 72, image["height"] - 320))
            dark = sum(body.histogram()[:128])
            assert dark > 2000, f"{image['file']}: body looks empty"


def test_card_qr_leads_to_the_audience_guide_in_its_language(built_site):
    qr_urls = {(q["lang"], q["target"]): q["url"] for q in built_site.manifest.as_json()["qr"]}
    for image in built_site.manifest.as_json()["images"]:
        prefix = "" if image["lang"] == "vi" else image["lang"] + "/"
        with Image.open(built_site.site_dir / image["file"]) as png:
            [code] = zxingcpp.read_barcodes(png)
        assert code.text == qr_urls[(image["lang"], f"{prefix}{image['audience']}/")]


def test_web_infographics_are_text_and_the_audience_page_offers_downloads(built_site):
    page = BeautifulSoup((built_site.site_dir / "tu-nguyen/index.html").read_text(encoding="utf-8"), "html.parser")
    figure = page.select_one("figure.outreach-infographic--cards")
    assert figure.figcaption.get_text() == "BHXH tự nguyện — những con số cần nhớ"
    values = [v.get_text() for v in figure.select(".outreach-card__value")]
    assert values[0] == "22%" and values[2] == "15 năm"
    for lang in ("", "bahnar/", "jrai/"):
        gallery = BeautifulSoup((built_site.site_dir / f"{lang}tu-nguyen/infographic/index.html").read_text(encoding="utf-8"), "html.parser")
        links = [a["href"] for a in gallery.select(".outreach-infographic__downloads a")]
        assert links, lang
        for href in links:
            target = posixpath.normpath(posixpath.join(f"/{lang}tu-nguyen/infographic/", href)).lstrip("/")
            assert (built_site.site_dir / target).is_file(), href
    kinds = {p["kind"] for p in built_site.manifest.as_json()["pages"] if p["url"].endswith("/infographic/")}
    assert kinds == {"infographic"}


def test_comparison_and_timeline_take_their_numbers_from_the_data(built_site):
    timeline = BeautifulSoup((built_site.site_dir / "nguoi-co-uy-tin/index.html").read_text(encoding="utf-8"), "html.parser")
    dates = [t.get_text() for t in timeline.select(".outreach-timeline__date")]
    assert dates == sorted(dates, key=lambda d: d[6:] + d[3:5] + d[:2])
    assert "01/07/2026" in dates and "01/01/2027" in dates
    assert "2.530.000 đ" in timeline.select_one(".outreach-timeline").get_text()
    comparison = BeautifulSoup((built_site.site_dir / "doanh-nghiep/rut-mot-lan/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "15 năm" in comparison.select_one(".outreach-comparison").get_text()


@pytest.mark.parametrize("block, line, words", [
    ("kind: poster\ntitle: X\nitems: [a]", 6, "kind:"),
    ("kind: cards\ntitle: X\nitems:\n  - text: không có số liệu", 9, "figure:"),
    ("kind: cards\ntitle: X\nitems:\n  - figure: voluntary.rat", 9, "policy.voluntary.rate"),
    ("kind: timeline\ntitle: X", 6, "figures:"),
])
def test_bad_infographic_blocks(make_project, block, line, words):
    page = f"---\ntitle: Tự nguyện\n---\n\n```infographic\n{block}\n```\n"
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": page})
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF))
    [message] = [p.format() for p in caught.value.problems]
    assert message.startswith(f"content/vi/tu-nguyen/index.md:{line}: lỗi:"), message
    assert words in message


def test_card_too_full_to_draw_is_refused_not_cut(make_project, tmp_path):
    from generator.build import build
    steps = "\n".join(f"  - Bước thứ {i} — " + "một câu hướng dẫn khá dài để không thể vừa một tấm ảnh vuông " * 4 for i in range(8))
    page = f"---\ntitle: Tự nguyện\n---\n\n```infographic\nkind: steps\ntitle: Quá nhiều bước\nitems:\n{steps}\n```\n"
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": page})
    with pytest.raises(ContentError) as caught:
        build(project, tmp_path / "out", BuildOptions(AS_OF))
    messages = [p.format() for p in caught.value.problems]
    assert any(m.startswith("content/vi/tu-nguyen/index.md:5: lỗi: Ảnh images/vi/tu-nguyen/tong-quan-1-") and "quá dài" in m for m in messages), messages
    assert not (tmp_path / "out").exists()


def test_a_card_from_a_draft_translation_says_so(built_site):
    jrai = [c for c in built_site.composition.cards if c.file.startswith("images/jrai/tu-nguyen/")]
    assert jrai and all("Bản dịch tiếng Jrai nháp" in c.notice for c in jrai)
    assert all(c.notice == "" for c in built_site.composition.cards if c.file.startswith("images/vi/"))
