"""The print shop's preflight on every print-shop PDF of the sample: PDF/X-4 with a CMYK output intent,
nothing painted outside DeviceCMYK (QR codes and icons included), and the boxes a RIP reads."""

from __future__ import annotations

import re

import pytest

from generator.build import BuildOptions, build
from generator.cache import ArtifactCache
from generator.paper import leaflet_layout as layout
from generator.problems import ContentError
from preflight import non_cmyk_colours, output_intents, pages
from sheetcheck import PT_PER_MM

from conftest import AS_OF, SITE_URL

SIZES_MM = {"a4-trifold": (297, 210), "a5-flyer": (148, 210), "a3-poster": (297, 420)}


def print_shop_files(built_site):
    return [l for l in built_site.manifest.as_json()["leaflets"] if l["variant"] == "print-shop"]


def test_every_print_shop_pdf_passes_the_preflight(built_site):
    entries = print_shop_files(built_site)
    assert {l["format"] for l in entries} == set(SIZES_MM)
    for entry in entries:
        data = (built_site.site_dir / entry["file"]).read_bytes()
        assert data.startswith(b"%PDF-1.6"), entry["file"]
        assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in data, entry["file"]
        [intent] = output_intents(data)
        assert intent.subtype == "GTS_PDFX" and intent.components == 4, entry["file"]
        assert intent.profile[16:20] == b"CMYK" and intent.profile[36:40] == b"acsp", entry["file"]
        assert non_cmyk_colours(data) == [], entry["file"]
        width, height = SIZES_MM[entry["format"]]
        for page in pages(data):
            trim = page.boxes["TrimBox"]
            assert (trim[2] - trim[0]) / PT_PER_MM == pytest.approx(width, abs=0.05), entry["file"]
            assert (trim[3] - trim[1]) / PT_PER_MM == pytest.approx(height, abs=0.05), entry["file"]
            # The ArtBox is what the sheet shows: the trimmed sheet, never the slug with its marks.
            assert page.boxes["ArtBox"] == pytest.approx(trim), entry["file"]
            for box, distance in (("BleedBox", layout.BLEED_MM), ("MediaBox", layout.SLUG_MM)):
                outward = [trim[0] - page.boxes[box][0], trim[1] - page.boxes[box][1],
                           page.boxes[box][2] - trim[2], page.boxes[box][3] - trim[3]]
                assert [d / PT_PER_MM for d in outward] == pytest.approx([distance] * 4, abs=0.01), (entry["file"], box)


def test_the_preflight_finds_rgb_where_there_is_some(built_site):
    # The standard PDFs are sRGB on purpose (screens and office printers): the same reader must say so.
    [standard] = [l for l in built_site.manifest.as_json()["leaflets"]
                  if (l["lang"], l["audience"], l["format"], l["variant"]) == ("vi", "tu-nguyen", "a3-poster", "standard")]
    problems = non_cmyk_colours((built_site.site_dir / standard["file"]).read_bytes())
    assert any("RGB" in p for p in problems)


PAGE = ("---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\n- Đóng {{ policy.voluntary.rate }} thu nhập tự chọn.\n<!-- /flyer -->\n\n"
        "<!-- flyer: action -->\nĐến đại lý thu ở xã.\n<!-- /flyer -->\n")


def _with_print_shop(project, settings: str) -> None:
    site = project.content_dir / "site.yml"
    site.write_text(site.read_text(encoding="utf-8") + "\nprint_shop:\n" + settings, encoding="utf-8")


def test_a_shop_asking_for_pdf_x_1a_gets_it(make_project, tmp_path):
    project = make_project({"vi/index.md": "---\ntitle: Trang chủ\n---\n\nXin chào.\n", "vi/tu-nguyen/index.md": PAGE})
    _with_print_shop(project, '  pdf_x: "1a"\n')
    result = build(project, tmp_path / "site", BuildOptions(AS_OF, SITE_URL, print_shop=True),
                   cache=ArtifactCache(tmp_path / "cache"))
    [poster] = [l for l in result.manifest.as_json()["leaflets"]
                if (l["lang"], l["format"], l["variant"]) == ("vi", "a3-poster", "print-shop")]
    data = (tmp_path / "site" / poster["file"]).read_bytes()
    assert re.search(rb"/GTS_PDFXVersion\s*\(PDF/X-1a:2003\)", data)
    assert [i.components for i in output_intents(data)] == [4] and non_cmyk_colours(data) == []


def test_a_shop_profile_that_is_not_cmyk_is_refused_at_its_line(make_project):
    project = make_project({"vi/index.md": "---\ntitle: Trang chủ\n---\n\nXin chào.\n",
                            "nha-in/srgb.icc": (layout.PROFILES_DIR / "FOGRA39L-coated.icc").read_bytes()[:16] + b"RGB " + b"\0" * 60})
    _with_print_shop(project, "  profile: nha-in/srgb.icc\n")
    lines = (project.content_dir / "site.yml").read_text(encoding="utf-8").split("\n")
    line = lines.index("  profile: nha-in/srgb.icc") + 1
    with pytest.raises(ContentError) as error:
        build(project, project.root / "site", BuildOptions(AS_OF, SITE_URL))
    assert f"content/site.yml:{line}: lỗi:" in str(error.value) and "CMYK" in str(error.value)
