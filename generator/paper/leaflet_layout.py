"""The printed sheets' design as data: sizes, folds, colours, type, icons, title wrap, QR size.

Nothing here renders: the planning module (leaflets.py) asks these functions
where things go and how large they are, and passes the answers to the
templates; tests read the same numbers to measure the rendered PDFs.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from ..assets import FONTS_DIR, ICONS_DIR, PROFILES_DIR, TEMPLATES_DIR
from ..sources import yamlfile

# SVG written back without an `svg:` prefix: renderers expect the default namespace.
ElementTree.register_namespace("", "http://www.w3.org/2000/svg")

COLOURS_FILE = TEMPLATES_DIR / "leaflet" / "colours.yml"
DEFAULT_ICON = "shield-heart"

VARIANTS = ("standard", "print-shop", "photocopy")

# Print-shop geometry: 3 mm of bleed around the trimmed sheet, crop and fold
# marks beyond it starting 3 mm from the trim line, in a 10 mm slug.
BLEED_MM = 3
MARK_OFFSET_MM = 3
MARK_LENGTH_MM = 5
SLUG_MM = 10

# A4 tri-fold, letter fold. The tuck-in panel folds inside the other two, so it
# is 3 mm narrower or it buckles against the fold. Outside: flap (the back of
# the tuck-in panel), back, cover; inside: the three reading panels.
TRIFOLD_OUTSIDE_MM = (97, 100, 100)
TRIFOLD_INSIDE_MM = (100, 100, 97)

# QR codes on paper: a cheap print or a photocopy blurs modules under 0.8 mm.
QR_MIN_MODULE_MM = 0.8
QR_MIN_SYMBOL_MM = 25
QR_QUIET_MODULES = 4

# Type scales tried, smallest first, when a region's type grows to fill it (up to the region's limit).
TYPE_SCALES = (1.0, 1.06, 1.12, 1.19, 1.26, 1.34, 1.42, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0)
MIN_FILL = 0.6  # a region filled less than this at its largest type is reported as too empty


# The A5 flyer, in mm. It has two sides: on the front a header band and the text, on the back a thin
# band, the call to action and the QR code with the contacts.
SHEETS = {
    "a5-flyer": {"header_mm": 58, "gap_mm": 7, "body_mm": 135, "band_mm": 16, "action_mm": 95, "footer_mm": 77},
}
# A commune's or campaign's edition of a flyer: its block takes the slogan's place in the header band,
# which grows by this many mm, taken from the body, in type of this size (pt).
EDITION_BAND = {"a5-flyer": (16, 12)}


def edition_sheet(name: str) -> dict:
    sheet = dict(SHEETS.get(name, {}))
    if sheet:
        extra, type_pt = EDITION_BAND[name]
        sheet.update(header_mm=sheet["header_mm"] + extra, body_mm=sheet["body_mm"] - extra, edition_pt=type_pt)
    return sheet


# The A3 poster is read on a notice board from 1.5-2 m: a headline of 70 pt or more, at most three points
# of 28 pt, the call to action in 20 pt, a QR code of 60 mm with its short address in 24 pt or more.
# Sizes are fixed: a poster that cannot hold its content at these sizes is reported, never shrunk.
POSTER_MM = (297, 420)
POSTER_MARGIN_MM = 15
POSTER_HEADLINE_PT = (76, 72, 70)
POSTER_HEADLINE_LEADING = 1.05
POSTER_ISSUER_PT = 22
POSTER_ICON_MM = 16  # the audience's icon (or the issuer's logo) beside the issuer's name
POSTER_POINT_PT = 28
POSTER_ACTION_PT = 20
POSTER_QR_MM = 60
POSTER_SCAN_PT = 24
POSTER_ADDRESS_PT = (32, 30, 28, 26, 24)
POSTER_HOTLINE_PT = 32
POSTER_CAMPAIGN_PT = 18  # a campaign's name and message, ink on paper (contrast far above 7:1)
POSTER_HEADER_TOP_MM = 10
POSTER_FOOTER_TOP_MM = 4  # between the footer's rule and the code itself
POSTER_GAP_MM = 6  # between the header band, the body and the footer
POSTER_SMALL_PRINT_MM = 28  # the dates and the legal bases, across the foot


@dataclass(frozen=True)
class PosterGeometry:
    """Where a poster's blocks stand, in mm from the top of the trimmed sheet."""

    header_mm: float  # the band: issuer, icon, headline
    body_top_mm: float
    body_mm: float  # the points, an edition's campaign block, the call to action
    footer_top_mm: float
    footer_mm: float  # the QR code with its call, address and hotline; dates and legal small print
    qr_column_mm: float  # width of the code's column (its image, quiet zone included)
    qr_shift_mm: float  # how far its quiet zone reaches into the white above it and into the margin


def poster_geometry(headline: "TitleWrap", qr: "QrSize") -> PosterGeometry:
    headline_mm = len(headline.lines) * headline.size_pt * POSTER_HEADLINE_LEADING / MM_TO_PT
    header = POSTER_HEADER_TOP_MM + POSTER_ICON_MM + 5 + headline_mm + 8
    # The code's quiet zone may lie in the white above it (the footer's top padding), never under it.
    footer = POSTER_FOOTER_TOP_MM + qr.image_mm - qr.quiet_mm + POSTER_SMALL_PRINT_MM
    body_top = header + POSTER_GAP_MM
    footer_top = POSTER_MM[1] - 10 - footer
    return PosterGeometry(round(header, 2), round(body_top, 2), round(footer_top - POSTER_GAP_MM - body_top, 2),
                          round(footer_top, 2), round(footer, 2), round(qr.image_mm, 2), round(qr.quiet_mm, 2))


def folds(panels_mm: tuple[int, ...]) -> tuple[int, ...]:
    """Fold positions from the left trim edge, in mm."""
    return tuple(itertools.accumulate(panels_mm))[:-1]


# --- colours -------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _colour_table() -> dict:
    return yamlfile.load(COLOURS_FILE)["colours"]


def palette(variant: str) -> dict[str, str]:
    """CSS colour per role: device CMYK for the print shop, sRGB on screen and office printers, greys to photocopy."""
    colours = {}
    for role, entry in _colour_table().items():
        if variant == "print-shop":
            c, m, y, k = (value / 100 for value in entry["cmyk"])
            colours[role] = f"device-cmyk({c:g} {m:g} {y:g} {k:g})"
        else:
            colours[role] = entry["photocopy" if variant == "photocopy" else "srgb"]
    return colours


# --- icons ---------------------------------------------------------------------


def icon_names() -> list[str]:
    return sorted(p.stem for p in ICONS_DIR.glob("*.svg"))


@functools.lru_cache(maxsize=64)
def icon_uri(name: str, colour: str) -> str:
    """An icon of generator/icons/ as a data URI, its strokes in `colour`."""
    tree = ElementTree.fromstring((ICONS_DIR / f"{name}.svg").read_bytes())
    if tree.get("stroke") != "currentColor":
        raise ValueError(f"{name}.svg: expected a Tabler outline icon (stroke=currentColor)")
    tree.set("stroke", colour)
    return svg_uri(ElementTree.tostring(tree))


# The print shop's output intent when it gave none: FOGRA39 (ISO 12647-2, coated paper, offset), made with
# ArgyllCMS from the FOGRA39 characterization data (see generator/icc/README.md).
DEFAULT_CMYK_PROFILE = PROFILES_DIR / "FOGRA39L-coated.icc"


@dataclass(frozen=True)
class OutputIntent:
    uri: str  # what the print-shop document's @color-profile reads
    digest: str  # its bytes' hash: the document names it, so a replaced profile renders again


@functools.lru_cache(maxsize=4)
def output_intent(profile: Path | None) -> OutputIntent:
    path = profile or DEFAULT_CMYK_PROFILE
    return OutputIntent(path.as_uri(), hashlib.sha256(path.read_bytes()).hexdigest()[:16])


def svg_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def coloured_qr(svg: bytes, colour: str) -> str:
    """The QR module's SVG with its modules in `colour` (pure K on the press, never a four-colour black)."""
    tree = ElementTree.fromstring(svg)
    # On the path itself: WeasyPrint does not pass a fill set on the root down, and draws the path in RGB black.
    for path in tree.iter("{http://www.w3.org/2000/svg}path"):
        path.set("fill", colour)
    return svg_uri(ElementTree.tostring(tree))


# --- QR size ---------------------------------------------------------------------


@dataclass(frozen=True)
class QrSize:
    modules: int
    module_mm: float
    symbol_mm: float  # the code itself
    image_mm: float  # with its quiet zone, as placed

    @property
    def quiet_mm(self) -> float:
        return self.module_mm * QR_QUIET_MODULES


def qr_size(version: int, target_mm: float) -> QrSize:
    """At least `target_mm` wide and 0.8 mm a module; a larger version grows the code instead of shrinking modules."""
    modules = 17 + 4 * version
    symbol = max(target_mm, QR_MIN_SYMBOL_MM, modules * QR_MIN_MODULE_MM)
    module = symbol / modules
    return QrSize(modules, module, symbol, module * (modules + 2 * QR_QUIET_MODULES))


# --- titles ----------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _bold_font() -> ImageFont.FreeTypeFont:
    # Measured at 1000 units per em with HarfBuzz shaping, as Pango lays it out.
    return ImageFont.truetype(str(FONTS_DIR / "NotoSans-Bold.ttf"), 1000, layout_engine=ImageFont.Layout.RAQM)


@dataclass(frozen=True)
class Address:
    size_pt: float
    text: str  # with a zero-width space after each slash when even the smallest size needs two lines


def fitted_address(address: str, width_mm: float, sizes_pt: tuple[float, ...]) -> Address:
    """The short address on one line in the largest size that fits; broken only after a slash if none does."""
    width = width_mm * MM_TO_PT * 0.97
    for size in sizes_pt:
        if _width_pt(address, size) <= width:
            return Address(size, address)
    return Address(sizes_pt[-1], address.replace("/", "/\u200b").rstrip("\u200b"))


# A draft build's mark along each edge: once per panel-wide cell (about 100 mm: each panel of a tri-fold is
# seen alone once folded; an A5 flyer has one), in the largest size that fits its cell, letter-spaced.
DRAFT_MARK_SIZES_PT = (11, 10, 9, 8, 7)
DRAFT_MARK_SPACING_EM = 0.09


@dataclass(frozen=True)
class DraftMark:
    text: str
    cells: int
    size_pt: float
    spacing_em: float = DRAFT_MARK_SPACING_EM


def draft_mark(text: str, sheet_width_mm: float) -> DraftMark:
    cells = max(1, round(sheet_width_mm / 100))
    width = sheet_width_mm / cells * MM_TO_PT * 0.95
    fits = [size for size in DRAFT_MARK_SIZES_PT if _width_pt(text, size) + len(text) * DRAFT_MARK_SPACING_EM * size <= width]
    return DraftMark(text, cells, fits[0] if fits else DRAFT_MARK_SIZES_PT[-1])


@functools.lru_cache(maxsize=4096)
def _advance(text: str) -> float:
    return _bold_font().getlength(text) / 1000  # in ems


def _width_pt(text: str, size_pt: float) -> float:
    return _advance(text) * size_pt


def _words(title: str) -> list[str]:
    # A dash ends a line, never starts one: it stays with the word before it.
    words: list[str] = []
    for word in title.split():
        if words and word in ("—", "–", "-", ":"):
            words[-1] += "\u00a0" + word
        else:
            words.append(word)
    return words


@dataclass(frozen=True)
class TitleWrap:
    size_pt: float
    lines: tuple[str, ...]


MM_TO_PT = 72 / 25.4


def balanced_title(title: str, width_mm: float, sizes_pt: tuple[float, ...], max_lines: int) -> TitleWrap:
    """The title wrapped into even lines, as large as it fits.

    Fewer lines first (up to three at any of the sizes, then up to `max_lines`),
    then the largest size; among those wraps, the one whose longest line is
    shortest, preferring breaks after punctuation, and a single word alone on
    the last line only when nothing else fits. A 3% margin covers the
    difference between this measure and the PDF's.
    """
    words = _words(title)
    width = width_mm * MM_TO_PT * 0.97
    for line_limit in dict.fromkeys((min(3, max_lines), max_lines)):
        sizes = [(size, _fitting_wraps(words, size, width, line_limit)) for size in sizes_pt]
        # The largest size that fits, or the next one down when it breaks the title better.
        candidates = [(size, wrap) for size, wraps in [s for s in sizes if s[1]][:2] for wrap in wraps]
        if candidates:
            size, wrap = min(candidates, key=lambda c: _wrap_cost(c[1], c[0]))
            return TitleWrap(size, wrap)
    # Even the smallest size needs more lines: the renderer reports the overflow.
    return TitleWrap(sizes_pt[-1], tuple(words))


def _fitting_wraps(words: list[str], size: float, width: float, line_limit: int) -> list[tuple[str, ...]]:
    """Every wrap into the fewest lines (at most `line_limit`) that fit `width` at `size`."""
    for count in range(1, min(line_limit, len(words)) + 1):
        wraps = [_split(words, cuts) for cuts in itertools.combinations(range(1, len(words)), count - 1)]
        fitting = [w for w in wraps if max(_width_pt(line, size) for line in w) <= width]
        if fitting:
            return fitting
    return []


# A line reads best when it ends at punctuation or the next one starts with a joining word
# (Vietnamese "và", "cho"..., Bahnar and Jrai "kơ"), not between the syllables of one word.
_JOINING_WORDS = {"và", "cho", "của", "khi", "để", "với", "hoặc", "trước", "sau", "là", "kơ"}


def _wrap_cost(lines: tuple[str, ...], size: float) -> tuple:
    lone_last_word = len(lines) > 1 and " " not in lines[-1]
    bad_breaks = sum(not (line[-1] in ",:;—–" or following.split()[0].lower() in _JOINING_WORDS)
                     for line, following in zip(lines, lines[1:]))
    longest = max(_width_pt(line, size) for line in lines)
    return lone_last_word, bad_breaks, len(lines), -size, longest / size


def _split(words: list[str], cuts: tuple[int, ...]) -> tuple[str, ...]:
    bounds = (0, *cuts, len(words))
    return tuple(" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:]))

