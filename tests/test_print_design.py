"""The printed design, measured on the rendered PDFs of the sample: sizes and boxes, folds and marks,
panel fill, type sizes, rows and headings at folds, QR codes after a cheap copy, the photocopy's greys."""

import collections
import re
import zlib

import pytest
import zxingcpp
from PIL import ImageChops

from generator.paper import leaflet_layout as layout
from sheetcheck import MM_PER_INCH, PT_PER_MM, contrast, ink_reach, mark_at, pdf, photocopied, raster, text_runs, to_px

SIZES_MM = {"a4-trifold": (297, 210), "a5-flyer": (148, 210), "a3-poster": (297, 420)}
QR_PAGE = {"a4-trifold": 0, "a5-flyer": 1, "a3-poster": 0}
OUTSIDE_FOLDS, INSIDE_FOLDS = (97, 197), (100, 200)
INSIDE_COLUMNS = ((9, 91), (108.5, 190.5), (208, 290))  # mm: the three reading panels' text


def sheets(built_site, **where):
    return [l for l in built_site.manifest.as_json()["leaflets"] if all(l[k] == v for k, v in where.items())]


def document(built_site, entry):
    return pdf(built_site.site_dir / entry["file"])


def regions_mm(fmt: str) -> list[tuple[int, str, tuple[float, float, float, float]]]:
    """(page, name, (left, top, right, bottom)) of the boxes whose text should fill them, as the CSS places them.

    A poster's type is fixed (tests/test_posters.py measures it): none of its boxes grows to be full."""
    if fmt == "a3-poster":
        return []
    if fmt == "a4-trifold":
        return ([(0, "flap", (8, 11, 89, 200)), (0, "back", (106, 10, 188, 201))]
                + [(1, f"inside {i + 1}", (left, 10, right, 200)) for i, (left, right) in enumerate(INSIDE_COLUMNS)])
    sheet = layout.SHEETS[fmt]
    width = SIZES_MM[fmt][0]
    top = sheet["header_mm"] + sheet["gap_mm"]
    boxes = [(0, "body", (9, top, width - 9, top + sheet["body_mm"]))]
    if fmt == "a5-flyer":
        action_top = sheet["band_mm"] + 8
        boxes.append((1, "action", (9, action_top, width - 9, action_top + sheet["action_mm"])))
    return boxes


# --- sizes, boxes, marks -------------------------------------------------------------------


def test_trim_bleed_and_media_boxes(built_site):
    for entry in built_site.manifest.as_json()["leaflets"]:
        width, height = SIZES_MM[entry["format"]]
        for page in document(built_site, entry):
            trim = page.get_trimbox()
            assert round((trim[2] - trim[0]) / PT_PER_MM) == width and round((trim[3] - trim[1]) / PT_PER_MM) == height
            bleed, media = page.get_bleedbox(), page.get_mediabox()
            expected_bleed = layout.BLEED_MM if entry["variant"] == "print-shop" else 0
            expected_slug = layout.SLUG_MM if entry["variant"] == "print-shop" else 0
            for side in range(4):
                sign = -1 if side < 2 else 1
                assert (bleed[side] - trim[side]) / PT_PER_MM * sign == pytest.approx(expected_bleed, abs=0.01), entry["file"]
                assert (media[side] - trim[side]) / PT_PER_MM * sign == pytest.approx(expected_slug, abs=0.01), entry["file"]


def test_crop_and_fold_marks_sit_outside_the_bleed(built_site):
    dpi = 200
    for fmt in ("a4-trifold", "a5-flyer", "a3-poster"):
        [entry] = sheets(built_site, lang="vi", audience="tu-nguyen", format=fmt, variant="print-shop")
        width, height = SIZES_MM[fmt]
        for page_index, page in enumerate(document(built_site, entry)):
            image = raster(page, dpi)
            mark = lambda x, y, reach=2: mark_at(image, *to_px(page, dpi, x, y), reach)  # noqa: E731
            for x, sideways in ((0, -1), (width, 1)):
                for y, outward in ((0, -1), (height, 1)):
                    # Each corner's two strokes run from 3 to 8 mm beyond the trim line; none reaches into the bleed.
                    for distance in (3.8, 5.5, 7.5):
                        assert mark(x, y + outward * distance), (entry["file"], x, y, distance)
                        assert mark(x + sideways * distance, y), (entry["file"], x, y, distance)
                    for distance in (0.8, 1.5, 2.5):
                        assert not mark(x, y + outward * distance, 1), (entry["file"], x, y, distance)
                        assert not mark(x + sideways * distance, y, 1), (entry["file"], x, y, distance)
            folds = (OUTSIDE_FOLDS, INSIDE_FOLDS)[page_index] if fmt == "a4-trifold" else ()
            for fold in folds:
                for y, outward in ((0, -1), (height, 1)):
                    dashes = [mark(fold, y + outward * (3.2 + i * 0.25), 1) for i in range(20)]
                    assert 0.2 < sum(dashes) / len(dashes) < 1, (entry["file"], fold)  # dashed, 3-8 mm out
                    assert not any(mark(fold, y + outward * d, 1) for d in (0.8, 1.5, 2.5)), (entry["file"], fold)
            # Beyond the bleed, nothing but the marks.
            marks_at = [0, width, *folds]
            for x_mm in [i * 0.5 for i in range(2, int(width * 2) - 1)]:
                if all(abs(x_mm - m) > 0.8 for m in marks_at):
                    assert not mark(x_mm, -5.5, 1) and not mark(x_mm, height + 5.5, 1), (entry["file"], x_mm)


def test_coloured_areas_run_into_the_bleed_and_stop_beyond_it(built_site):
    dpi = 150
    [trifold] = sheets(built_site, lang="vi", audience="sinh-vien", format="a4-trifold", variant="print-shop")
    page = document(built_site, trifold)[0]
    image = raster(page, dpi)
    at = lambda x, y: image.getpixel(to_px(page, dpi, x, y))  # noqa: E731
    white = (255, 255, 255)
    assert at(-1.5, 105) != white and at(-5, 105) == white  # the flap's tint, on the left edge
    assert at(298.5, 10) != white and at(302, 10) == white  # the cover's band, on the right edge
    assert at(250, -1.5) != white and at(250, -5) == white  # and on the top edge
    [flyer] = sheets(built_site, lang="vi", audience="sinh-vien", format="a5-flyer", variant="print-shop")
    page = document(built_site, flyer)[0]
    image = raster(page, dpi)
    at = lambda x, y: image.getpixel(to_px(page, dpi, x, y))  # noqa: E731
    assert at(74, -1.5) != white and at(-1.5, 20) != white and at(149.5, 20) != white


def test_trifold_panels_are_97_100_100_mm_outside_and_text_keeps_clear_of_folds(built_site):
    dpi = 150
    for entry in sheets(built_site, format="a4-trifold", variant="standard"):
        outside, inside = document(built_site, entry)
        image = raster(outside, dpi)
        at = lambda x, y: image.getpixel(to_px(outside, dpi, x, y))  # noqa: E731
        # The flap's tint ends at the first fold (97 mm: the tuck-in panel is narrower); the cover's band starts at the second.
        assert at(96.4, 150) != (255, 255, 255) and at(97.6, 150) == (255, 255, 255), entry["file"]
        assert at(196.4, 5) == (255, 255, 255) and at(197.6, 5) != (255, 255, 255), entry["file"]
        for page, folds in ((outside, OUTSIDE_FOLDS), (inside, INSIDE_FOLDS)):
            for run in text_runs(page):
                assert run.left >= 7 and run.right <= 297 - 7 and run.top >= 7 and run.bottom <= 210 - 5, (entry["file"], run)
                for fold in folds:
                    assert run.right <= fold - 7 or run.left >= fold + 7, (entry["file"], fold, run.text)


# --- type ----------------------------------------------------------------------------------


# A poster's foot: its dates and the laws it cites in full, read up close, across the bottom (above a 10 mm margin).
POSTER_FOOT_MM = layout.POSTER_MM[1] - 10 - layout.POSTER_SMALL_PRINT_MM


def test_no_public_text_under_8_pt_and_small_print_at_least_7_pt_in_black(built_site):
    for entry in sheets(built_site, variant="standard"):
        poster = entry["format"] == "a3-poster"
        sizes = collections.Counter()
        for page in document(built_site, entry):
            for run in text_runs(page):
                if run.size_pt < 8:
                    assert run.size_pt >= 7 and run.colour == (0, 0, 0), (entry["file"], run)
                if not poster or run.top < POSTER_FOOT_MM:
                    sizes[round(run.size_pt, 1)] += len(run.text)
        # The body: the size most of the text is set in. A poster's is the text read from two metres, above its
        # foot, whose small print (at least 8 pt like any) would outnumber its few large words.
        body, _ = sizes.most_common(1)[0]
        assert body >= (layout.POSTER_ACTION_PT if poster else 10), (entry["file"], sizes.most_common(3))


def test_figures_panel_holds_at_most_six_figures_in_large_type(built_site):
    for entry in sheets(built_site, format="a4-trifold", variant="standard"):
        flap = [r for r in text_runs(document(built_site, entry)[0]) if r.right <= 97]
        assert min(r.size_pt for r in flap) >= 14, entry["file"]  # the smallest text of the panel
        values = {round(r.top) for r in flap if r.size_pt >= 20 and re.search(r"\d", r.text)}
        assert len(values) <= 6, entry["file"]


def test_panels_are_filled_or_their_type_grows(built_site):
    dpi = 60
    for entry in sheets(built_site, variant="standard"):
        pages = list(document(built_site, entry))
        images = {}
        for page_index, name, (left, top, right, bottom) in regions_mm(entry["format"]):
            page = pages[page_index]
            image = images.setdefault(page_index, raster(page, dpi))
            box = (*to_px(page, dpi, left, top), *to_px(page, dpi, right, bottom))
            assert ink_reach(image, box) >= layout.MIN_FILL, (entry["file"], name, ink_reach(image, box))


def _lines(runs, tolerance=1.2):
    lines = []
    for run in sorted(runs, key=lambda r: (r.bottom, r.left)):
        if lines and abs(lines[-1][0].bottom - run.bottom) < tolerance:
            lines[-1].append(run)
        else:
            lines.append([run])
    return lines


def test_no_heading_ends_a_panel_and_no_item_or_row_continues_across_a_fold(built_site):
    for entry in sheets(built_site, format="a4-trifold", variant="standard"):
        runs = text_runs(document(built_site, entry)[1])
        body = collections.Counter(round(r.size_pt, 1) for r in runs for _ in r.text).most_common(1)[0][0]
        for index, (left, right) in enumerate(INSIDE_COLUMNS):
            column = _lines([r for r in runs if left - 1 <= r.left and r.right <= right + 1])
            if not column:
                continue
            if index < 2:
                assert max(r.size_pt for r in column[-1]) < body * 1.15, (entry["file"], index, column[-1][0].text)
            if index > 0:
                first = sorted(column[0], key=lambda r: r.left)
                # Indented without a bullet or number of its own: the rest of an item or a table row from the panel before.
                if first[0].left > left + 2:
                    assert re.match(r"^(•|\d+\.)", first[0].text.strip()), (entry["file"], index, first[0].text)


def test_the_ethnic_minority_row_stays_whole(built_site):
    # The row the issue found split: label and 30% on one panel, the amount on the next.
    column = lambda run: next(i for i, (l, r) in enumerate(INSIDE_COLUMNS) if l - 1 <= run.left <= r)  # noqa: E731
    for lang in ("vi", "bahnar", "jrai"):
        [entry] = sheets(built_site, lang=lang, audience="tu-nguyen", format="a4-trifold", variant="standard")
        runs = text_runs(document(built_site, entry)[1])
        # The table's cell: a run starting with 30% on the row whose label starts "Người dân".
        [support] = [r for r in runs if r.text.startswith("30%")
                     and any(o.text.startswith("Người dân") and abs(o.top - r.top) < 2 for o in runs)]
        beside = [r for r in runs if abs(r.top - support.top) < 2]
        label = [r for r in beside if r.text.startswith("Người dân")]
        amount = [r for r in beside if r.text.startswith("231.000")]
        assert label and amount, lang
        assert column(label[0]) == column(support) == column(amount[0]), lang


# --- QR codes --------------------------------------------------------------------------------


def _decode(image):
    return [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]


def test_qr_codes_are_25_mm_with_quiet_zone_and_survive_a_cheap_copy(built_site):
    dpi = 150
    for entry in sheets(built_site, variant="standard") + sheets(built_site, variant="photocopy"):
        page = document(built_site, entry)[QR_PAGE[entry["format"]]]
        image = raster(page, dpi)
        [code] = _decode(image)
        assert code.text == entry["qr_url"], entry["file"]
        assert code.ec_level == "M", entry["file"]  # read from the printed symbol's format information
        position = code.position
        width_mm = abs(position.top_right.x - position.top_left.x) / dpi * MM_PER_INCH
        modules = 17 + 4 * int(code.extra["Version"])
        assert width_mm >= 25 and width_mm / modules >= 0.8, (entry["file"], width_mm)
        module_px = (position.top_right.x - position.top_left.x) / modules
        quiet = image.convert("L").crop((round(position.top_left.x - 4 * module_px) + 1, round(position.top_left.y - 4 * module_px) + 1,
                                         round(position.top_left.x) - 1, round(position.bottom_left.y)))
        assert quiet.getextrema()[0] > 200, entry["file"]  # four modules of paper on the left
        # The code and 20 mm of the sheet around it, as a cheap copier would give them back.
        margin = 20 / MM_PER_INCH * dpi
        xs, ys = [p.x for p in (position.top_left, position.bottom_right)], [p.y for p in (position.top_left, position.bottom_right)]
        around = image.crop((round(min(xs) - margin), round(min(ys) - margin), round(max(xs) + margin), round(max(ys) + margin)))
        assert [c.text for c in _decode(photocopied(around))] == [entry["qr_url"]], entry["file"]


# --- colours -----------------------------------------------------------------------------------


def _content_streams(path) -> bytes:
    data = path.read_bytes()
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(streams)


def test_print_shop_colours_are_cmyk_and_standard_ones_are_not(built_site):
    for entry in sheets(built_site, lang="vi", audience="tu-nguyen"):
        operators = _content_streams(built_site.site_dir / entry["file"])
        if entry["variant"] == "print-shop":
            assert b"/DeviceCMYK cs" in operators, entry["file"]
            # RGB appears only as WeasyPrint's black reset around empty text objects.
            assert set(re.findall(rb"([\d. ]+) rg\b", operators)) <= {b"0 0 0"}, entry["file"]
        else:
            assert b"DeviceCMYK" not in operators, entry["file"]


def test_photocopy_variant_is_grey_with_strong_contrast(built_site):
    dpi = 200
    for entry in sheets(built_site, variant="photocopy"):
        for page in document(built_site, entry):
            image = raster(page, dpi)
            red, green, blue = image.split()
            assert ImageChops.difference(red, green).getextrema()[1] <= 12, entry["file"]
            assert ImageChops.difference(green, blue).getextrema()[1] <= 12, entry["file"]
            grey = image.convert("L")
            for run in text_runs(page):
                box = (*to_px(page, dpi, run.left - 0.3, run.top - 0.3), *to_px(page, dpi, run.right + 0.3, run.bottom + 0.3))
                ink, paper = grey.crop(box).getextrema()
                assert contrast(ink, paper) >= 7, (entry["file"], run.text, ink, paper)


def test_each_qr_code_has_its_short_address_beside_it_in_a_clear_face(built_site):
    # For a reader whose phone cannot scan: the address to type, at least 10 pt, next to the code.
    dpi = 150
    for entry in sheets(built_site, variant="standard"):
        page = document(built_site, entry)[QR_PAGE[entry["format"]]]
        [code] = _decode(raster(page, dpi))
        corners = [code.position.top_left, code.position.bottom_right]
        left, top = (min(p.x for p in corners) / dpi * MM_PER_INCH, min(p.y for p in corners) / dpi * MM_PER_INCH)
        right, bottom = (max(p.x for p in corners) / dpi * MM_PER_INCH, max(p.y for p in corners) / dpi * MM_PER_INCH)
        address = entry["qr_url"].split("://", 1)[1].rstrip("/")
        [run] = [r for r in text_runs(page) if r.text.replace("\u200b", "").strip() == address]
        assert run.size_pt >= 10, (entry["file"], run.size_pt)
        gap = max(run.left - right, left - run.right, run.top - bottom, top - run.bottom)
        assert gap <= (20 if entry["format"] == "a3-poster" else 12), (entry["file"], gap)  # mm between the code and its address
