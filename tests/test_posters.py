"""Posters read from two metres, and the commune's office where readers look, measured on rendered PDFs:
type sizes, the QR code's size, the poster's geometry; the commune and campaign blocks on their editions."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import zxingcpp

from generator.build import BuildOptions, Project, build
from generator.cache import ArtifactCache
from generator.editions import EditionChoice
from generator.paper import leaflet_layout as layout
from sheetcheck import MM_PER_INCH, contrast, pdf, raster, text_runs, to_px

from conftest import REPO, SITE_URL

POSTER_W, POSTER_H = layout.POSTER_MM
MARGIN = layout.POSTER_MARGIN_MM
TOLERANCE_PT = 0.05  # PDFium reads 28 pt back as 27.9998


def entries(manifest, **where):
    return [l for l in manifest.as_json()["leaflets"] if all(l[k] == v for k, v in where.items())]


def _text(runs) -> str:
    return "".join(r.text for r in runs).replace("\u200b", "")


def check_poster(path, entry, title: str) -> None:
    """What a poster must hold, at the sizes a notice board needs."""
    [page] = list(pdf(path))
    runs = text_runs(page)
    # Everything inside the sheet's margins: nothing cut, nothing pushed off.
    for run in runs:
        assert run.left >= MARGIN - 1 and run.right <= POSTER_W - MARGIN + 1 and run.bottom <= POSTER_H - 5, (entry["file"], run)
    # The headline: the largest text, 70 pt or more, and it is the title.
    headline = [r for r in runs if r.size_pt >= 70 - TOLERANCE_PT]
    assert headline and max(r.size_pt for r in runs) == max(r.size_pt for r in headline), entry["file"]
    if title:
        assert _text(headline).replace(" ", "").replace("\u00a0", "") == title.replace(" ", ""), entry["file"]
    header_bottom = max(r.bottom for r in headline)
    issuer = [r for r in runs if r.bottom < min(r.top for r in headline) and r.size_pt >= 20 - TOLERANCE_PT]
    assert "BẢO HIỂM XÃ HỘI" in _text(issuer).upper(), entry["file"]
    # The QR code: 60 mm or more, decoded, with its short address beside it in 24 pt or more, and the hotline.
    dpi = 100
    image = raster(page, dpi)
    [code] = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert code.text == entry["qr_url"], entry["file"]
    width_mm = abs(code.position.top_right.x - code.position.top_left.x) / dpi * MM_PER_INCH
    assert width_mm >= layout.POSTER_QR_MM - 0.5, (entry["file"], width_mm)
    code_top = code.position.top_left.y / dpi * MM_PER_INCH  # the standard PDF has no slug: the page is the sheet
    address = entry["qr_url"].split("://", 1)[1].rstrip("/")
    [address_run] = [r for r in runs if r.text.replace("\u200b", "").strip() == address]
    assert address_run.size_pt >= 24 - TOLERANCE_PT, (entry["file"], address_run.size_pt)
    hotline = [r for r in runs if "1900 9068" in r.text]
    assert hotline and max(r.size_pt for r in hotline) >= 24 - TOLERANCE_PT, entry["file"]
    # The body between the band and the footer: the points in 28 pt, at most three; what to do in 20 pt or more.
    body = [r for r in runs if r.top > header_bottom + 3 and r.bottom < code_top - 4]
    notice = [r for r in body if r.size_pt < 16]  # a translation's one-sentence notice
    assert len({round(r.size_pt) for r in notice}) <= 1, entry["file"]
    points = [r for r in body if r.size_pt >= 28 - TOLERANCE_PT]
    assert points, entry["file"]
    assert all(r.size_pt >= 18 - TOLERANCE_PT for r in body if r not in notice), (entry["file"], sorted({round(r.size_pt, 1) for r in body}))


def test_every_poster_of_the_sample_is_built_in_every_language_and_holds_what_a_notice_board_needs(built_site):
    flyers = {(l["lang"], l["audience"]) for l in entries(built_site.manifest, format="a5-flyer", variant="standard")}
    posters = entries(built_site.manifest, format="a3-poster", variant="standard")
    assert {(l["lang"], l["audience"]) for l in posters} == flyers
    assert {"vi", "bahnar", "jrai"} <= {lang for lang, _ in flyers}
    titles = {(p["lang"], p["audience"]): p["title"] for p in built_site.manifest.as_json()["pages"] if p["overview"]}
    for entry in posters:
        check_poster(built_site.site_dir / entry["file"], entry, titles[entry["lang"], entry["audience"]])


def test_a_poster_shows_at_most_three_points_and_its_own_poster_part(built_site):
    [entry] = entries(built_site.manifest, lang="vi", audience="ho-kinh-doanh", format="a3-poster", variant="standard")
    [page] = list(pdf(built_site.site_dir / entry["file"]))
    points = _text(r for r in text_runs(page) if 27.5 <= r.size_pt < 40)
    # The <!-- poster --> part's two points, not the flyer's first lines.
    assert "Chủ hộ kinh doanh" in points and "thấp nhất" in points and "Cao nhất" not in points
    dpi = 50
    image = raster(page, dpi)
    accent = (230, 81, 0)  # the points' square bullets
    rows = {y for y in range(image.height) if any(sum(abs(a - b) for a, b in zip(image.getpixel((x, y)), accent)) < 40
                                                 for x in range(*[to_px(page, dpi, mm, 0)[0] for mm in (MARGIN, MARGIN + 6)]))}
    bullets = sum(1 for y in rows if y - 1 not in rows)
    assert 1 <= bullets <= 3, bullets


# --- editions ---------------------------------------------------------------------------------

CAMPAIGN_DAY = dt.date(2026, 5, 15)  # the sample campaign runs through May 2026


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """The sample's tu-nguyen pages in all three languages, with the sample commune's and campaign's editions."""
    root = tmp_path_factory.mktemp("editions") / "project"
    (root / "content").mkdir(parents=True)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for name in ("policy.yml", "site.yml", "communes.yml", "campaigns.yml"):
        shutil.copyfile(REPO / "content" / name, root / "content" / name)
    for lang in ("vi", "bahnar", "jrai"):
        shutil.copytree(REPO / "content" / lang / "tu-nguyen", root / "content" / lang / "tu-nguyen")
    shutil.copyfile(REPO / "content" / "vi" / "index.md", root / "content" / "vi" / "index.md")
    options = BuildOptions(CAMPAIGN_DAY, SITE_URL, editions=EditionChoice(("mau1",)))
    result = build(Project(root), root / "site", options, cache=ArtifactCache(root / "cache"))
    return result


def _block(page, text_in_block: str, runs=None):
    runs = runs if runs is not None else text_runs(page)
    return [r for r in runs if text_in_block in r.text]


def test_the_commune_office_is_as_large_as_the_body_where_readers_look(editions):
    manifest, site = editions.manifest, editions.site_dir
    office, phone = "Điểm thu BHXH mẫu (bưu điện xã)", "0269 0000 001"
    for lang in ("vi", "bahnar", "jrai"):
        sheets = {l["format"]: l for l in entries(manifest, lang=lang, audience="tu-nguyen", variant="standard")
                  if "/xa/mau1/" in l["file"]}
        assert set(sheets) == {"a4-trifold", "a5-flyer", "a3-poster"}, lang
        # A4: the cover's commune line, and the office with its phone on the panel seen on opening, 11 pt or more.
        outside = list(pdf(site / sheets["a4-trifold"]["file"]))[0]
        runs = text_runs(outside)
        cover = [r for r in runs if r.left > 197]
        assert min(r.size_pt for r in _block(outside, "Mẫu Một", cover)) >= 11 - TOLERANCE_PT, lang
        flap = [r for r in runs if r.right < 97]
        assert min(r.size_pt for r in _block(outside, office.split()[0], flap) + _block(outside, phone, flap)) >= 11 - TOLERANCE_PT, lang
        # A5: the office, its address, hours and phone in the call to action on the back, 11 pt or more; its name on the front.
        front, back = list(pdf(site / sheets["a5-flyer"]["file"]))
        for needle in (office, "Số 1 đường Mẫu", "7:00", phone):
            found = _block(back, needle.split()[0] if needle == office else needle)
            assert found and min(r.size_pt for r in found) >= 11 - TOLERANCE_PT, (lang, needle)
        assert min(r.size_pt for r in _block(front, "Mẫu Một")) >= 11 - TOLERANCE_PT, lang
        # A3: in the action block, 20 pt or more.
        [poster] = list(pdf(site / sheets["a3-poster"]["file"]))
        for needle in ("Mẫu Một", phone):
            assert min(r.size_pt for r in _block(poster, needle)) >= 20 - TOLERANCE_PT, (lang, needle)


def test_a_campaign_name_and_message_are_12_pt_with_strong_contrast(editions):
    manifest, site = editions.manifest, editions.site_dir
    campaign = [l for l in entries(manifest, audience="tu-nguyen", variant="standard") if "/chien-dich/" in l["file"]]
    assert {l["format"] for l in campaign} == {"a5-flyer", "a3-poster"}
    dpi = 200
    for entry in campaign:
        for page in pdf(site / entry["file"]):
            image = raster(page, dpi).convert("L")
            for run in [r for r in text_runs(page) if "Tháng" in r.text or "vận động" in r.text]:
                assert run.size_pt >= 12 - TOLERANCE_PT, (entry["file"], run)
                box = (*to_px(page, dpi, run.left - 0.3, run.top - 0.3), *to_px(page, dpi, run.right + 0.3, run.bottom + 0.3))
                ink, paper = image.crop(box).getextrema()
                assert contrast(ink, paper) >= 7, (entry["file"], run.text, ink, paper)


def test_every_edition_poster_fits_and_holds_what_a_notice_board_needs(editions):
    posters = [l for l in entries(editions.manifest, format="a3-poster", variant="standard") if "/xa/" in l["file"] or "/chien-dich/" in l["file"]]
    assert {l["lang"] for l in posters} == {"vi", "bahnar", "jrai"}
    for entry in posters:
        check_poster(editions.site_dir / entry["file"], entry, "")
