"""Infographic cards as PNG images for Zalo, Facebook and TikTok.

Drawn with Pillow using its complex-text layout (raqm), so Vietnamese tone
marks and the combining breve of Bahnar and Jrai (ơ̆ ư̆ ê̆ ô̆) sit on their
letters, with the fonts shipped in generator/fonts/. Each card carries the
guide's QR code and short URL. Type shrinks until the content fits; content
that does not fit even at the smallest size is reported, never cut.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from PIL import Image, ImageDraw, ImageFont

from ..assets import FONTS_DIR, ICONS_DIR
from ..cache import ArtifactCache, code_digest, digest, machine_cache, render_cached
from ..sources.content import PageKey, SiteConfig
from ..render.infographics import SIZES, image_files
from ..compose.pages import SitePage, draft_mark
from ..problems import ProblemLog
from ..compose import qr as qr_module
from ..compose.qr import BOX_SIZE as QR_BOX, QrCode, png_image

REGULAR, BOLD = FONTS_DIR / "NotoSans-Regular.ttf", FONTS_DIR / "NotoSans-Bold.ttf"
BLUE, DARK, GREEN, RED, PALE, GREY = "#0d47a1", "#0b2545", "#2e7d32", "#c62828", "#eef4fb", "#37474f"
BROWN = "#8a4b00"  # the unverified mark's legend, as on the web page
MARGIN = 72
BODY_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6)  # tried in turn until the body fits


@dataclass(frozen=True)
class CardSpec:
    """Everything needed to draw one card, as plain data for a worker process."""

    lang: str
    audience: str
    status: str  # of the page the block comes from: source | draft | reviewed | fallback
    unverified: tuple[str, ...]  # keys of the figures on the card that nobody checked yet
    kind: str
    title: str
    columns: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...]  # (title, ((headline, text, note), ...))
    width: int
    height: int
    site_name: str
    qr_url: str
    short_url: str
    scan_text: str
    hotline_text: str
    notice: str  # says so when the text is an unreviewed draft translation, or Vietnamese for want of one
    mark: str  # across the card: a draft build, or an allowed unreviewed translation in a release
    legend: str  # what the unverified mark means, when a text of the card carries it
    file: str
    path: str  # the Markdown file, for messages
    line: int
    icon: str = ""  # a share image's audience icon, a file stem in generator/icons/


@dataclass(frozen=True)
class DrawnCard:
    spec: CardSpec
    png: bytes | None  # None when the content does not fit


@lru_cache(maxsize=64)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size, layout_engine=ImageFont.Layout.RAQM)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + ([current] if current else [])


class _Pen:
    """Draws wrapped text downwards from a cursor; can measure without drawing."""

    def __init__(self, draw: ImageDraw.ImageDraw | None, scale: float):
        self.draw, self.scale = draw, scale

    def text(self, x: int, y: int, text: str, size: int, width: int, bold=False, fill=DARK) -> int:
        font = _font(bold, round(size * self.scale))
        line_height = round(font.size * 1.32)
        for line in _wrap(text, font, width):
            if self.draw:
                self.draw.text((x, y), line, font=font, fill=fill)
            y += line_height
        return y


def _body(pen: _Pen, spec: CardSpec, top: int) -> int:
    """Draws (or measures) the body; returns where it ends."""
    width = spec.width - 2 * MARGIN
    y = top
    s = pen.scale
    if spec.kind == "cards":
        entries = spec.columns[0][1]
        per_row = 2 if len(entries) > 2 else 1
        cell = (width - 40 * (per_row - 1)) // per_row
        for row in range(0, len(entries), per_row):
            ends = []
            for index, (headline, text, note) in enumerate(entries[row:row + per_row]):
                x = MARGIN + index * (cell + 40)
                yy = pen.text(x, y, headline, 64, cell, bold=True, fill=BLUE)
                yy = pen.text(x, yy, text, 34, cell)
                ends.append(pen.text(x, yy + round(6 * s), note, 28, cell, fill=GREY) if note else yy)
            y = max(ends) + round(34 * s)
    elif spec.kind == "steps":
        for number, (_, text, _) in enumerate(spec.columns[0][1], start=1):
            radius = round(30 * s)
            if pen.draw:
                pen.draw.ellipse((MARGIN, y, MARGIN + 2 * radius, y + 2 * radius), fill=BLUE)
                pen.draw.text((MARGIN + radius, y + radius), str(number), font=_font(True, round(34 * s)), fill="white", anchor="mm")
            end = pen.text(MARGIN + 2 * radius + 24, y + round(4 * s), text, 38, width - 2 * radius - 24)
            y = max(end, y + 2 * radius) + round(26 * s)
    elif spec.kind == "comparison":
        half = (width - 40) // 2
        ends = []
        for index, (title, entries) in enumerate(spec.columns):
            x = MARGIN + index * (half + 40)
            colour = GREEN if index == 0 else RED
            if pen.draw:
                pen.draw.rectangle((x, y, x + half, y + 10), fill=colour)
            yy = pen.text(x, y + 24, title, 40, half, bold=True, fill=colour) + round(12 * s)
            for _, text, _ in entries:
                yy = pen.text(x, yy, f"• {text}", 34, half) + round(14 * s)
            ends.append(yy)
        y = max(ends)
    elif spec.kind == "timeline":
        line_x = MARGIN + 12
        start = y
        for headline, text, _ in spec.columns[0][1]:
            if pen.draw:
                pen.draw.ellipse((line_x - 12, y + 10, line_x + 12, y + 34), fill=BLUE)
            yy = pen.text(MARGIN + 50, y, headline, 40, width - 50, bold=True, fill=BLUE)
            y = pen.text(MARGIN + 50, yy, text, 34, width - 50) + round(22 * s)
        if pen.draw:
            pen.draw.line((line_x, start + 22, line_x, y - 40), fill=BLUE, width=4)
    return y


def draw_card(spec: CardSpec, qr_png: bytes) -> DrawnCard:
    image = Image.new("RGB", (spec.width, spec.height), "white")
    draw = ImageDraw.Draw(image)
    width = spec.width - 2 * MARGIN

    # Header: site name, title and any draft notice on the brand colour.
    title_end = _Pen(None, 1.0).text(MARGIN, MARGIN + 60, spec.title, 58, width, bold=True)
    notice_end = _Pen(None, 1.0).text(MARGIN, title_end + 10, spec.notice, 28, width) if spec.notice else title_end
    header_bottom = notice_end + 40
    draw.rectangle((0, 0, spec.width, header_bottom), fill=BLUE)
    _Pen(draw, 1.0).text(MARGIN, MARGIN - 10, spec.site_name.upper(), 28, width, fill="#cfe0f5")
    _Pen(draw, 1.0).text(MARGIN, MARGIN + 60, spec.title, 58, width, bold=True, fill="white")
    if spec.notice:
        _Pen(draw, 1.0).text(MARGIN, title_end + 10, spec.notice, 28, width, fill="#ffe08a")

    # Footer: QR code and short link, so the card leads to the full guide.
    qr_size = 200
    footer_top = spec.height - qr_size - 2 * 36
    draw.rectangle((0, footer_top, spec.width, spec.height), fill=PALE)
    qr = Image.open(io.BytesIO(qr_png)).convert("RGB")
    modules = qr.width // QR_BOX
    # A whole number of pixels per module keeps the edges crisp for a phone camera.
    qr = qr.resize((modules * (qr_size // modules),) * 2, Image.NEAREST)
    image.paste(qr, (MARGIN, footer_top + 36))
    text_x = MARGIN + qr_size + 40
    y = _Pen(draw, 1.0).text(text_x, footer_top + 50, spec.scan_text, 30, spec.width - text_x - MARGIN)
    y = _Pen(draw, 1.0).text(text_x, y + 6, spec.short_url, 36, spec.width - text_x - MARGIN, bold=True, fill=BLUE)
    _Pen(draw, 1.0).text(text_x, y + 10, spec.hotline_text, 32, spec.width - text_x - MARGIN, bold=True)

    body_top, body_limit = header_bottom + 50, footer_top - 30
    if spec.legend:
        # One short line above the footer: a card shared alone still says what its asterisk means.
        _Pen(draw, 1.0).text(MARGIN, footer_top - 52, spec.legend, 28, width, fill=BROWN)
        body_limit -= 52
    for scale in BODY_SCALES:
        if _body(_Pen(None, scale), spec, body_top) <= body_limit:
            _body(_Pen(draw, scale), spec, body_top)
            if spec.mark:
                image = _stamp(image, spec.mark)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return DrawnCard(spec, out.getvalue())
    return DrawnCard(spec, None)


def _stamp(image: Image.Image, text: str) -> Image.Image:
    """`text` across the card, large and half-transparent, so a draft cannot pass for a finished card."""
    return Image.alpha_composite(image.convert("RGBA"), _stamp_layer(image.size, text)).convert("RGB")


@lru_cache(maxsize=8)
def _stamp_layer(size: tuple[int, int], text: str) -> Image.Image:
    """The stamp alone, drawn once per size and text: turning it costs more than drawing a share image's text."""
    width, height = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    font = _font(True, 64)
    pen = ImageDraw.Draw(layer)
    lines = _wrap(text, font, width - 2 * MARGIN)
    step = round(font.size * 1.3)
    top = height // 2 - step * len(lines) // 2
    for index, line in enumerate(lines):
        pen.text((width // 2, top + index * step), line, font=font, fill=(198, 40, 40, 110), anchor="mm")
    return layer.rotate(20, resample=Image.BICUBIC, center=(width // 2, height // 2))


def card_specs(pages: list[SitePage], qr_codes: Mapping[tuple[str, PageKey], QrCode], hotline: str, release: bool) -> list[CardSpec]:
    specs = []
    for page, block in ((p, b) for p in pages for b in p.infographics):
        qr = qr_codes.get((page.lang.code, PageKey.overview(block.audience))) if block.audience else None
        if qr is None:
            continue  # only audience pages have a guide to point to
        t = page.lang.t
        # A shared image travels without its page: what it is must be said on the image itself.
        notice = t(f"leaflet.{page.status}", language=page.lang.name_vi) if page.status in ("draft", "fallback") else ""
        columns = tuple((c.title, tuple((e.headline, e.text, e.note) for e in c.entries)) for c in block.columns)
        for size, file in image_files(block).items():
            width, height = SIZES[size]
            specs.append(CardSpec(
                lang=page.lang.code, audience=block.audience, status=page.status, unverified=block.unverified,
                kind=block.kind, title=block.title, columns=columns, width=width, height=height,
                site_name=t("site.name"), qr_url=qr.short_url, short_url=qr.printed_url,
                scan_text=t("leaflet.scan"), hotline_text=t("leaflet.hotline", hotline=hotline), notice=notice,
                mark=draft_mark(page.lang, release, page.status), legend=t("figures.card_legend") if block.marked else "",
                file=file, path=str(block.path), line=block.line,
            ))
    return specs


# --- share images: what Zalo and Facebook show of a link ------------------------

SHARE = "share"  # the CardSpec kind of a share image
SHARE_SIZE = (1200, 630)
SHARE_TITLE_SIZES = (64, 58, 52, 46, 40)  # tried in turn until the title fits


def share_file(page: SitePage) -> str:
    """Where a page's share image is published. The name carries a digest of what the image and
    the page say (title, text, figures, status, the drawing code): when a figure changes, the
    address changes, so a link preview shows the new image instead of one it cached."""
    name = page.url.strip("/").replace("/", "-") or "home"
    return f"assets/share/{name}-{digest(page.title, str(page.html), page.status, _drawing_code())[:12]}.png"


def share_specs(pages: list[SitePage], site: SiteConfig, release: bool) -> list[CardSpec]:
    """A share image per page of an audience: its title in the page's language, the audience's icon, the hotline."""
    icons = {audience.slug: audience.icon for audience in site.audiences}
    specs = []
    for page in pages:
        if not page.audience:
            continue
        t = page.lang.t
        notice = t(f"leaflet.{page.status}", language=page.lang.name_vi) if page.status in ("draft", "fallback") else ""
        specs.append(CardSpec(
            lang=page.lang.code, audience=page.audience, status=page.status, unverified=(), kind=SHARE,
            title=page.title, columns=(), width=SHARE_SIZE[0], height=SHARE_SIZE[1], site_name=t("site.name"),
            qr_url="", short_url="", scan_text="", hotline_text=t("leaflet.hotline", hotline=site.hotline), notice=notice,
            mark=draft_mark(page.lang, release, page.status), file=share_file(page), path=str(page.source.path), line=1,
            icon=icons.get(page.audience) or "", legend="",  # a title, no figure: nothing to explain
        ))
    return specs


def draw_share(spec: CardSpec) -> DrawnCard:
    """1200×630: the site's name, the page's title and the audience's icon on the brand blue,
    the hotline on a pale band below."""
    image = Image.new("RGB", (spec.width, spec.height), BLUE)
    draw = ImageDraw.Draw(image)
    band_top = spec.height - 150
    icon_size = 168
    text_width = spec.width - 2 * MARGIN - (icon_size + 48 if spec.icon else 0)
    top = MARGIN - 16
    title_top = _Pen(draw, 1.0).text(MARGIN, top, spec.site_name.upper(), 28, text_width, fill="#cfe0f5") + 24
    for size in SHARE_TITLE_SIZES:
        end = _Pen(None, size / 64).text(MARGIN, title_top, spec.title, 64, text_width, bold=True)
        notice_end = _Pen(None, 1.0).text(MARGIN, end + 12, spec.notice, 28, text_width) if spec.notice else end
        if notice_end <= band_top - 24:
            break
    else:
        return DrawnCard(spec, None)
    end = _Pen(draw, size / 64).text(MARGIN, title_top, spec.title, 64, text_width, bold=True, fill="white")
    if spec.notice:
        _Pen(draw, 1.0).text(MARGIN, end + 12, spec.notice, 28, text_width, fill="#ffe08a")
    if spec.icon:
        icon = _icon(spec.icon, icon_size, "#ffffff")
        image.paste(icon, (spec.width - MARGIN - icon_size, top + 8), icon)
    draw.rectangle((0, band_top, spec.width, spec.height), fill=PALE)
    phone = _icon("phone", 64, BLUE)
    image.paste(phone, (MARGIN, band_top + 43), phone)
    font = _font(True, 46)
    draw.text((MARGIN + 64 + 24, band_top + 75), spec.hotline_text, font=font, fill=DARK, anchor="lm")
    if spec.mark:
        image = _stamp(image, spec.mark)
    out = io.BytesIO()
    # zlib's default level: a third of `optimize`'s time for 3% more bytes, on one image per page of the site.
    image.save(out, format="PNG")
    return DrawnCard(spec, out.getvalue())


@lru_cache(maxsize=1)
def _drawing_code() -> str:
    return code_digest(Path(__file__))


@lru_cache(maxsize=16)
def _icon(name: str, size: int, colour: str) -> Image.Image:
    """A Tabler icon of generator/icons/ as a transparent image: WeasyPrint draws the SVG
    (as on the leaflets' covers), pdfium turns the page into pixels.

    Kept in the machine cache, keyed by the icon, its size and colour and the drawing code and libraries:
    loading WeasyPrint for it would cost each image worker more than all its share images.
    """
    svg = (ICONS_DIR / f"{name}.svg").read_text(encoding="utf-8").replace("currentColor", colour)
    icons, key = ArtifactCache(machine_cache("icons")), digest(svg, str(size), _drawing_code())
    png = icons.get("icons", key, name)
    if png is None:
        import pypdfium2
        import weasyprint

        html = (f"<style>@page {{ size: {size}px {size}px; margin: 0 }} body {{ margin: 0 }}"
                f" svg {{ display: block; width: {size}px; height: {size}px }}</style>{svg}")
        page = pypdfium2.PdfDocument(weasyprint.HTML(string=html).write_pdf())[0]
        drawn = page.render(scale=96 / 72, fill_color=(0, 0, 0, 0)).to_pil().convert("RGBA").resize((size, size))
        out = io.BytesIO()
        drawn.save(out, format="PNG")
        png = out.getvalue()
        icons.put("icons", key, png)
    return Image.open(io.BytesIO(png)).convert("RGBA")


def _draw_png(spec: CardSpec) -> bytes:
    if spec.kind == SHARE:
        return draw_share(spec).png or b""
    return draw_card(spec, png_image(spec.qr_url)).png or b""  # b"": drawn, did not fit


def draw_all(specs: list[CardSpec], root: Path, progress, cache: ArtifactCache) -> list[DrawnCard]:
    """Draw every card on all cores, or take it from the cache; report cards whose content does not fit."""
    log = ProblemLog(root)
    code = code_digest(Path(__file__), Path(qr_module.__file__))  # the card's QR code is drawn there
    # Where the card is written and which line made it do not change its pixels.
    keys = [digest(code, repr(dataclasses.replace(spec, file="", path="", line=0, lang="", audience="", unverified=()))) for spec in specs]
    pngs = render_cached(cache, "images", specs, keys, [spec.file for spec in specs], _draw_png,
                         progress, "Đang vẽ ảnh infographic (PNG)")
    drawn = [DrawnCard(spec, png or None) for spec, png in zip(specs, pngs)]
    for card in drawn:
        if card.png is None and card.spec.kind == SHARE:
            log.error(card.spec.path, card.spec.line,
                      f"Ảnh chia sẻ {card.spec.file} ({card.spec.width}×{card.spec.height}): tiêu đề quá dài để vừa ảnh, "
                      "kể cả với chữ nhỏ nhất. Hãy rút ngắn `title:` của trang.")
        elif card.png is None:
            log.error(card.spec.path, card.spec.line,
                      "Nội dung infographic quá dài, kể cả với chữ nhỏ nhất. Hãy bớt dòng hoặc rút ngắn câu trong khối này.",
                      seen_in=f"Ảnh {card.spec.file} ({card.spec.width}×{card.spec.height})")
    log.raise_if_errors()
    return drawn


def card_files(drawn: list[DrawnCard]) -> dict[str, bytes]:
    return {card.spec.file: card.png for card in drawn}
