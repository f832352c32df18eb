"""Leaflets: real PDFs rasterised and read back, QR codes decoded, overflow refused."""

import datetime as dt
import hashlib
import posixpath
import re
import subprocess

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import zxingcpp
from bs4 import BeautifulSoup

from generator.build import BuildOptions, build
from generator.problems import ContentError

AS_OF = dt.date(2026, 11, 25)
DPI = 150
MM_PER_INCH = 25.4
AUDIENCES = ("doanh-nghiep", "ho-kinh-doanh", "tu-nguyen", "sinh-vien", "nguoi-co-uy-tin")
PAGE_SIZES_MM = {"a4-trifold": (297, 210), "a5-flyer": (148, 210)}


def pdf_text(path) -> str:
    """The PDF's text, lines joined with spaces.

    Read with poppler: PDFium's text layer inserts a space after a combining
    breve (its word-gap heuristic), which poppler does not.
    """
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return re.sub(r"\s+", " ", text)


def embedded_fonts(path) -> list[bool]:
    document = pdfium.PdfDocument(path)
    return [
        bool(pdfium_raw.FPDFFont_GetIsEmbedded(pdfium_raw.FPDFTextObj_GetFont(obj.raw)))
        for page in document
        for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_TEXT])
    ]


def leaflets(built_site, **where):
    return [l for l in built_site.manifest["leaflets"] if all(l[k] == v for k, v in where.items())]


def test_every_audience_and_language_has_both_formats_and_print_variants(built_site):
    for lang in ("vi", "bahnar", "jrai"):
        for audience in AUDIENCES:
            found = {(l["format"], l["print_shop"]) for l in leaflets(built_site, lang=lang, audience=audience)}
            assert found == {("a4-trifold", False), ("a4-trifold", True), ("a5-flyer", False), ("a5-flyer", True)}, (lang, audience)
    for entry in built_site.manifest["leaflets"]:
        assert set(entry) == {"lang", "audience", "format", "print_shop", "file", "pages", "qr_url", "status", "release", "unverified_figures"}


def test_page_count_and_size_match_the_format(built_site):
    for entry in built_site.manifest["leaflets"]:
        document = pdfium.PdfDocument(built_site.site_dir / entry["file"])
        assert len(document) == entry["pages"] == (2 if entry["format"] == "a4-trifold" else 1)
        width, height = document[0].get_size()  # points, bleed included
        expected_w, expected_h = PAGE_SIZES_MM[entry["format"]]
        bleed = 3 if entry["print_shop"] else 0
        assert round(width / 72 * MM_PER_INCH) == expected_w + 2 * bleed
        assert round(height / 72 * MM_PER_INCH) == expected_h + 2 * bleed


def test_qr_on_paper_decodes_to_the_short_link_and_is_at_least_20_mm(built_site):
    for entry in leaflets(built_site, print_shop=False):
        document = pdfium.PdfDocument(built_site.site_dir / entry["file"])
        image = document[0].render(scale=DPI / 72).to_pil()
        codes = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
        assert [c.text for c in codes] == [entry["qr_url"]], entry["file"]
        position = codes[0].position
        width_px = abs(position.top_right.x - position.top_left.x)
        assert width_px / DPI * MM_PER_INCH >= 20, entry["file"]
        short = entry["qr_url"].split("://", 1)[1].rstrip("/")
        assert short in pdf_text(built_site.site_dir / entry["file"])  # printed for people who type it


def test_leaflet_carries_title_figures_basis_and_hotline(built_site):
    [entry] = leaflets(built_site, lang="vi", audience="tu-nguyen", format="a4-trifold", print_shop=False)
    text = pdf_text(built_site.site_dir / entry["file"])
    assert "BHXH tự nguyện" in text
    assert "1900 9068" in text
    assert "22%" in text and "165.000 đ" in text
    assert "Luật BHXH 41/2024/QH15" in text and "Nghị định 159/2025/NĐ-CP" in text
    assert "chưa đối chiếu với văn bản gốc" in text


def test_bahnar_and_jrai_breves_survive_into_the_pdf(built_site):
    bahnar = pdf_text(built_site.site_dir / leaflets(built_site, lang="bahnar", audience="tu-nguyen", format="a4-trifold", print_shop=False)[0]["file"])
    assert "Bơ\u0306n kon pơlei" in bahnar
    jrai = pdf_text(built_site.site_dir / leaflets(built_site, lang="jrai", audience="tu-nguyen", format="a5-flyer", print_shop=False)[0]["file"])
    assert "ơ\u0306 hloh" in jrai and "ƀing ta" in jrai


def test_fonts_are_embedded(built_site):
    for entry in leaflets(built_site, audience="tu-nguyen"):
        fonts = embedded_fonts(built_site.site_dir / entry["file"])
        assert fonts and all(fonts), entry["file"]


def test_draft_and_fallback_leaflets_say_so(built_site):
    draft = pdf_text(built_site.site_dir / leaflets(built_site, lang="jrai", audience="tu-nguyen", format="a5-flyer", print_shop=False)[0]["file"])
    assert "Bản dịch tiếng Jrai nháp" in draft
    assert "chưa có bản tiếng Jrai" not in draft  # every part of this flyer is translated
    fallback = pdf_text(built_site.site_dir / leaflets(built_site, lang="bahnar", audience="doanh-nghiep", format="a5-flyer", print_shop=False)[0]["file"])
    assert "Tờ này in bằng tiếng Việt vì chưa có bản tiếng Bahnar" in fallback


def test_audience_page_links_its_leaflets(built_site):
    page = BeautifulSoup((built_site.site_dir / "jrai/sinh-vien/index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in page.select("[data-outreach-downloads] a")]
    targets = {posixpath.normpath(posixpath.join("/jrai/sinh-vien/", h)).lstrip("/") for h in hrefs}
    assert targets == {l["file"] for l in leaflets(built_site, lang="jrai", audience="sinh-vien")}


HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"


def overview(flyer_paragraphs: int) -> str:
    body = "\n\n".join(f"Đoạn {i}: đóng {{{{ policy.voluntary.rate }}}} thu nhập tự chọn, Nhà nước hỗ trợ một phần." for i in range(flyer_paragraphs))
    return f"---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\n{body}\n<!-- /flyer -->\n"


def test_overflowing_flyer_fails_with_file_line_and_amount(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": overview(60)})
    with pytest.raises(ContentError) as caught:
        build(project, tmp_path / "out", BuildOptions(AS_OF))
    messages = [p.format() for p in caught.value.problems]
    assert any(m.startswith("content/vi/tu-nguyen/index.md:") and "a5-flyer" in m and "dài quá khoảng" in m
               and "<!-- flyer -->" in m for m in messages), messages
    assert not (tmp_path / "out").exists()


def test_unclosed_mark_is_an_error(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": "---\ntitle: X\n---\n\n<!-- leaflet -->\nNội dung\n"})
    with pytest.raises(ContentError) as caught:
        build(project, tmp_path / "out", BuildOptions(AS_OF))
    [message] = [p.format() for p in caught.value.problems]
    assert message.startswith("content/vi/tu-nguyen/index.md:5:") and "<!-- /leaflet -->" in message


def test_same_input_gives_byte_identical_pdfs_and_images(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": overview(3)})

    def digests(out):
        result = build(project, out, BuildOptions(AS_OF))
        files = [l["file"] for l in result.manifest["leaflets"]] + [q["files"]["png"] for q in result.manifest["qr"]]
        return {f: hashlib.sha256((out / f).read_bytes()).hexdigest() for f in files}

    first = digests(tmp_path / "one")
    assert first and first == digests(tmp_path / "two")
