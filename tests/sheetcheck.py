"""Reading printed sheets back: PDF boxes, text runs with their size and colour, rasters, panels.

Positions are in mm from the top-left corner of the trimmed sheet, as the
design in generator/paper/leaflet_layout.py states them.
"""

from __future__ import annotations

import ctypes
import math
import random
import re
import subprocess
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageChops, ImageFilter

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH


# A draft build writes these across every page, along the edges of every panel; the design checks
# measure the sheet under them (tests/test_release.py checks the marks themselves).
DRAFT_MARKS = ("BẢN NHÁP — KHÔNG PHÁT HÀNH",)


def pdf_text(path, with_draft_mark: bool = False, raw: bool = False) -> str:
    """The PDF's text, lines joined with spaces (without a draft build's marks, unless asked).

    Read with poppler: PDFium's text layer inserts a space after a combining
    breve (its word-gap heuristic), which poppler does not.
    """
    # `raw`: in the order it was drawn, which is the document's (panel after panel, where the
    # default reads a tri-fold across its panels) but keeps a combining breve apart from its letter.
    text = subprocess.run(["pdftotext", *(["-raw"] if raw else []), "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    if not with_draft_mark:
        for mark in DRAFT_MARKS:
            text = text.replace(mark, " ")
    return re.sub(r"\s+", " ", text.replace("\u200b", ""))


@dataclass(frozen=True)
class Run:
    """A run of text as drawn: one font size and fill colour."""

    text: str
    size_pt: float
    colour: tuple[int, int, int]
    left: float  # mm from the trimmed sheet's left and top edges
    top: float
    right: float
    bottom: float


def trim_origin(page) -> tuple[float, float, float]:
    """(left, top, height) of the TrimBox in PDF points."""
    left, bottom, right, top = page.get_trimbox()
    return left, top, top - bottom


def text_runs(page, with_draft_mark: bool = False) -> list[Run]:
    textpage = page.get_textpage()
    trim_left, trim_top, _ = trim_origin(page)
    runs = []
    for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_TEXT]):
        size = ctypes.c_float()
        pdfium_raw.FPDFTextObj_GetFontSize(obj.raw, ctypes.byref(size))
        matrix = obj.get_matrix()
        scale = math.hypot(matrix.a, matrix.b)
        rgba = [ctypes.c_uint() for _ in range(4)]
        pdfium_raw.FPDFPageObj_GetFillColor(obj.raw, *(ctypes.byref(c) for c in rgba))
        length = pdfium_raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
        buffer = ctypes.create_string_buffer(length)
        pdfium_raw.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(pdfium_raw.FPDF_WCHAR)), length)
        text = buffer.raw[:max(length - 2, 0)].decode("utf-16-le")
        left, bottom, right, top = obj.get_bounds()
        runs.append(Run(text, size.value * scale, tuple(c.value for c in rgba[:3]),
                        (left - trim_left) / PT_PER_MM, (trim_top - top) / PT_PER_MM,
                        (right - trim_left) / PT_PER_MM, (trim_top - bottom) / PT_PER_MM))
    return [r for r in runs if r.text.strip() and (with_draft_mark or r.text.strip() not in DRAFT_MARKS)]


def raster(page, dpi: int) -> Image.Image:
    """The whole page (slug included) as RGB."""
    return page.render(scale=dpi / 72).to_pil().convert("RGB")


def to_px(page, dpi: int, x_mm: float, y_mm: float) -> tuple[int, int]:
    """Pixel of a point given in mm from the trimmed sheet's corner (negative: into the bleed and slug)."""
    media_left, _, _, media_top = page.get_mediabox()
    trim_left, trim_top, _ = trim_origin(page)
    x = (trim_left - media_left) / 72 * dpi + x_mm / MM_PER_INCH * dpi
    y = (media_top - trim_top) / 72 * dpi + y_mm / MM_PER_INCH * dpi
    return round(x), round(y)


def ink_reach(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    """How far down a box its content reaches, as a fraction of its height (1.0: to the bottom).

    The box's own background is its most common colour; ink is whatever differs from it.
    """
    region = image.crop(box).convert("L")
    histogram = region.histogram()
    background = max(range(256), key=histogram.__getitem__)
    mask = region.point(lambda v: 255 if abs(v - background) > 40 else 0)
    bbox = mask.getbbox()
    return 0.0 if bbox is None else bbox[3] / region.height


def mark_at(image: Image.Image, x: int, y: int, reach: int = 2) -> bool:
    """A hairline mark (0.25 pt) passes within `reach` pixels: grey after anti-aliasing, but neutral, never a coloured band."""
    pixels = image.load()
    darkest = min((pixels[i, j] for i in range(x - reach, x + reach + 1) for j in range(y - reach, y + reach + 1)), key=sum)
    return max(darkest) < 200 and max(darkest) - min(darkest) < 25


def relative_luminance(grey: int) -> float:
    channel = grey / 255
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def contrast(a: int, b: int) -> float:
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def photocopied(image: Image.Image, seed: int = 12) -> Image.Image:
    """A cheap copy of a 150 dpi raster: blurred, speckled with noise, slightly rotated."""
    grey = image.convert("L").filter(ImageFilter.GaussianBlur(1.0))
    generator = random.Random(seed)
    tile = Image.new("L", (97, 89))  # odd sizes, so the tiled noise does not line up with the modules
    tile.putdata([max(0, min(255, round(generator.gauss(128, 30)))) for _ in range(97 * 89)])
    noise = Image.new("L", grey.size)
    for x in range(0, grey.width, tile.width):
        for y in range(0, grey.height, tile.height):
            noise.paste(tile, (x, y))
    noisy = ImageChops.add(grey, noise, scale=1.0, offset=-128)
    return noisy.rotate(2.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def pdf(path) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(path)
