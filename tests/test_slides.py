"""The meeting kit (issue 21): 16:9 slides with type of at least 28 pt and a closing QR code, and a quiz sheet whose
answer key stands on a page of its own. Measured on the PDFs: page sizes, every character's font size, the QR decoded."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import zxingcpp
from click.testing import CliRunner

from conftest import AS_OF, REPO
from generator.build import BuildOptions, Project, compose
from generator.cli import main
from generator.paper.slides import MIN_TYPE_PT, kit_files
from sheetcheck import raster


@pytest.fixture(scope="module")
def kits():
    return compose(Project(REPO), BuildOptions(AS_OF, slides=True)).kits


@pytest.fixture(scope="module")
def files(kits):
    chosen = [k for k in kits if k.audience == "tu-nguyen" and k.lang.code in ("vi", "jrai")]
    return chosen, kit_files(chosen, "1900 9068", AS_OF, False)


def font_sizes(page) -> list[tuple[str, float]]:
    textpage = page.get_textpage()
    sizes = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if char.strip():
            sizes.append((char, pdfium_raw.FPDFText_GetFontSize(textpage, index)))
    return sizes


def test_every_audience_and_language_has_a_kit(kits):
    assert {(k.lang.code, k.audience) for k in kits} == {(l, a) for l in ("vi", "bahnar", "jrai")
                                                          for a in ("tu-nguyen", "doanh-nghiep", "ho-kinh-doanh", "sinh-vien", "nguoi-co-uy-tin")}


def test_slides_are_16_9_one_idea_a_slide_in_type_of_at_least_28_pt_closing_with_qr_and_hotline(files):
    chosen, data = files
    for kit in chosen:
        document = pdfium.PdfDocument(data[f"{kit.stem}-trinh-chieu.pdf"])
        assert len(document) == len(kit.items) + 2  # title, one slide a question, closing: nothing spilled over
        for page in document:
            width, height = page.get_size()
            assert abs(width / height - 16 / 9) < 0.01
            sizes = font_sizes(page)
            assert sizes and min(size for _, size in sizes) >= MIN_TYPE_PT - 0.5, (kit.stem, min(sizes, key=lambda s: s[1]))
        closing = document[len(document) - 1]
        assert "1900 9068" in closing.get_textpage().get_text_range()
        [code] = [c for c in zxingcpp.read_barcodes(raster(closing, 150)) if c.format == zxingcpp.BarcodeFormat.QRCode]
        assert code.text == kit.qr.short_url
        second = document[1].get_textpage().get_text_range()
        assert kit.items[0].question.split()[0] in second


def test_an_untranslated_entry_is_shown_in_vietnamese_and_says_so(files):
    chosen, data = files
    jrai = next(k for k in chosen if k.lang.code == "jrai")
    assert all(item.fallback for item in jrai.items)  # no Jrai entry yet: nothing is translated by machine
    text = pdfium.PdfDocument(data[f"{jrai.stem}-trinh-chieu.pdf"])[1].get_textpage().get_text_range()
    assert "chưa được dịch" in text


def test_the_quiz_keeps_its_answer_key_on_a_separate_page(files):
    chosen, data = files
    kit = next(k for k in chosen if k.lang.code == "vi")
    document = pdfium.PdfDocument(data[f"{kit.stem}-cau-hoi-kiem-tra.pdf"])
    pages = [document[n].get_textpage().get_text_range() for n in range(len(document))]
    key_start = next(n for n, text in enumerate(pages) if "Đáp án" in text)
    assert key_start >= 1
    asked = " ".join(pages[:key_start])
    quiz = kit.items[:8]
    assert 5 <= len(quiz) <= 8
    for item in quiz:
        assert item.question[:25] in " ".join(asked.split())
        assert item.answer[:25] not in " ".join(asked.split())
        assert item.answer[:25] in " ".join(" ".join(pages[key_start:]).split())


def test_print_needs_a_commune_or_the_slides(tmp_path):
    result = CliRunner().invoke(main, ["print", "--project", str(REPO), "--site-dir", str(tmp_path / "site")])
    assert result.exit_code == 2 and "--slides" in result.output
