"""Print-ready leaflets: an A4 tri-fold and an A5 flyer per audience and language.

Communicators mark what goes on paper inside their Markdown, per format:

    <!-- leaflet -->  ...on the A4 tri-fold...  <!-- /leaflet -->
    <!-- flyer -->    ...on the A5 flyer...     <!-- /flyer -->

Each format takes its marked parts from every page of the audience, in
navigation order; the two kinds of marks are independent and may overlap.
Figures come from the policy data, with their legal basis in small print.

Every region of a leaflet is a fixed box; content that does not fit fails the
build with the region, the overflow and the part to shorten. Nothing is cut
and no page is added silently.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import jinja2

from .cache import ArtifactCache, code_digest, digest, render_cached
from .content import PageKey, SiteConfig, SourcePage
from .pages import Download, PageInLanguage, draft_mark, weakest_status
from .render import Place, Renderer
from .policy import by_law, format_day
from .problems import ProblemLog
from .qr import QrCode, svg_image

TEMPLATE_DIR = Path(__file__).parent / "templates" / "leaflet"
FONTS_DIR = Path(__file__).parent / "fonts"
LEAFLET_DIR = "leaflets"
BLEED_MM = 3

_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S)

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class LeafletFormat:
    name: str
    marker: str  # the comment that marks content for this format
    pages: int
    regions: dict  # region id -> (columns, Vietnamese name used in messages)


FORMATS = (
    LeafletFormat("a4-trifold", "leaflet", 2, {
        "info": (1, "cột thông tin (mặt ngoài, bên trái)"),
        "back": (1, "mặt sau (mặt ngoài, giữa)"),
        "cover": (1, "bìa (mặt ngoài, bên phải)"),
        "inside": (3, "mặt trong (3 cột)"),
    }),
    LeafletFormat("a5-flyer", "flyer", 1, {
        "content": (1, "nội dung tờ rơi"),
        "footer": (1, "chân tờ rơi (mã QR, căn cứ pháp lý)"),
    }),
)


@dataclass(frozen=True)
class Part:
    """One marked part of a page, as HTML, remembering where it came from."""

    path: Path
    line: int
    html: str


@dataclass(frozen=True)
class Leaflet:
    lang: str
    audience: str
    format: LeafletFormat
    print_shop: bool
    file: str  # relative to the site root
    qr_url: str
    html: str  # the complete document WeasyPrint renders
    parts: tuple[Part, ...]
    status: str  # the least finished of the pages it draws on: source | reviewed | draft | fallback
    unverified: tuple[str, ...]  # keys of the figures it prints that nobody checked yet

    @property
    def path(self) -> Path:
        """The first file it draws on, for messages."""
        return self.parts[0].path


# --- planning ----------------------------------------------------------------


def leaflet_file(lang: str, audience: str, fmt: str, print_shop: bool) -> str:
    suffix = "-print" if print_shop else ""
    return f"{LEAFLET_DIR}/{lang}/{audience}-{fmt}{suffix}.pdf"


def marked_parts(source: SourcePage, marker: str, log: ProblemLog) -> list[tuple[int, str]]:
    """(first line, Markdown) of each `<!-- marker -->` ... `<!-- /marker -->` part."""
    opening = re.compile(rf"^\s*<!--\s*{marker}\s*-->\s*$")
    closing = re.compile(rf"^\s*<!--\s*/{marker}\s*-->\s*$")
    other_marks = re.compile(r"^\s*<!--\s*/?(leaflet|flyer)\s*-->\s*$")
    parts, start, buffer = [], None, []
    for index, line in enumerate(source.body.split("\n")):
        number = source.body_line + index
        if opening.match(line):
            if start is not None:
                log.error(source.path, number, f"Mở `<!-- {marker} -->` lần nữa khi phần mở ở dòng {start - 1} chưa đóng. Thêm `<!-- /{marker} -->` trước dòng này.")
            start, buffer = number + 1, []
        elif closing.match(line):
            if start is None:
                log.error(source.path, number, f"`<!-- /{marker} -->` không có `<!-- {marker} -->` mở trước nó. Thêm dòng mở hoặc xoá dòng này.")
            else:
                parts.append((start, "\n".join(buffer)))
                start = None
        elif start is not None and not other_marks.match(line):
            buffer.append(line)
    if start is not None:
        log.error(source.path, start - 1, f"`<!-- {marker} -->` chưa được đóng. Thêm dòng `<!-- /{marker} -->` ở cuối phần muốn in.")
    return parts


def plan_leaflets(
    resolved: list[PageInLanguage],
    qr_codes: dict[tuple[str, PageKey], QrCode],
    renderers: Mapping[str, Renderer],
    site: SiteConfig,
    as_of: dt.date,
    release: bool,
    log: ProblemLog,
) -> list[Leaflet]:
    """Every leaflet of every audience and language, marked as a draft unless `release`."""
    leaflets = []
    for audience in site.audience_slugs:
        for language_code in dict.fromkeys(item.language.code for item in resolved):
            members = sorted(
                (i for i in resolved if i.language.code == language_code and i.original.audience == audience),
                key=lambda i: (not i.key.is_overview, i.original.order, i.key.name),
            )
            overview = next((i for i in members if i.key.is_overview), None)
            qr = qr_codes.get((language_code, PageKey(audience, "index")))
            if overview is None or qr is None:
                continue
            for fmt in FORMATS:
                parts, figures, contributors = _parts(members, fmt.marker, renderers[language_code], log)
                if not parts:
                    continue
                for print_shop in (False, True):
                    leaflets.append(_leaflet(overview, contributors, fmt, print_shop, parts, figures, qr, site, as_of, release))
    return leaflets


def _parts(items, marker, renderer: Renderer, log):
    """The marked parts as HTML, the figures they use, and the pages they come from."""
    parts, figures, contributors = [], {}, []
    for item in items:
        for line, text in marked_parts(item.source, marker, log):
            if item not in contributors:
                contributors.append(item)
            rendered = renderer.body(text, Place(item.source.path, line), item.key)
            for figure in rendered.figures:
                figures.setdefault(figure.key, figure)
            html = str(rendered.html)
            # Paper cannot follow a link: keep the words, drop the link.
            parts.append(Part(item.source.path, line, _LINK.sub(r"\1", html)))
    return parts, list(figures.values()), contributors


def _leaflet(overview: PageInLanguage, contributors, fmt, print_shop, parts, figures, qr, site, as_of, release) -> Leaflet:
    language = overview.language
    status = weakest_status(c.status for c in contributors)
    notices = []
    statuses = {c.status for c in contributors}
    if "fallback" in statuses:
        notices.append(language.t("leaflet.fallback", language=language.name_vi))
    if "draft" in statuses:
        notices.append(language.t("leaflet.draft", language=language.name_vi))
    html = TEMPLATES.get_template(f"{fmt.name}.html").render(
        lang=language.html_lang,
        t=language.t,
        title=overview.source.title,
        description=overview.source.description,
        notices=notices,
        parts=parts,
        figures=figures,
        bases=by_law(basis for f in figures for basis in f.bases),
        regions=fmt.regions,
        qr_svg="data:image/svg+xml;base64," + base64.b64encode(svg_image(qr.short_url)).decode("ascii"),
        short_url=qr.printed_url,
        hotline=site.hotline,
        website=site.contacts.get("website", ""),
        date=format_day(as_of),
        iso_date=as_of.isoformat(),
        print_shop=print_shop,
        draft_mark=draft_mark(language, release, status),
        bleed_mm=BLEED_MM,
        css=TEMPLATES.get_template("leaflet.css").render(print_shop=print_shop, bleed_mm=BLEED_MM, regions=fmt.regions),
    )
    return Leaflet(
        lang=language.code,
        audience=overview.original.audience,
        format=fmt,
        print_shop=print_shop,
        file=leaflet_file(language.code, overview.original.audience, fmt.name, print_shop),
        qr_url=qr.short_url,
        html=html,
        parts=tuple(parts),
        status=status,
        unverified=tuple(sorted(f.key for f in figures if not f.verified)),
    )



def downloads_for(leaflets: list[Leaflet], language_strings) -> dict[tuple[str, PageKey], list[Download]]:
    """Links for each audience overview to its own language's leaflets."""
    links: dict[tuple[str, str], list[Download]] = {}
    for leaflet in leaflets:
        t = language_strings[leaflet.lang]
        name = t(f"leaflet.format.{leaflet.format.name}")
        label = t("leaflet.print_shop", format=name) if leaflet.print_shop else name
        links.setdefault((leaflet.lang, PageKey(leaflet.audience, "index")), []).append(Download(label, leaflet.file))
    return links


# --- rendering ---------------------------------------------------------------


@dataclass(frozen=True)
class Overflow:
    region: str
    columns: int  # how many columns' worth spilled over (0 when it spilled downwards)
    millimetres: int
    first_part: int | None  # index of the first part that starts outside its region


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    overflows: tuple[Overflow, ...]


def render(html: str, regions: dict) -> Rendered:
    """HTML to PDF; runs in a worker process, so it takes and returns plain data."""
    from weasyprint import HTML  # imported here: heavy, and only workers need it
    from .fetcher import PrintFetcher, without_attachments

    # Reads only the generator's fonts and the QR code embedded by the template; embeds no attachment.
    fetcher = PrintFetcher([FONTS_DIR], data_types=["image/svg+xml"])
    document = without_attachments(HTML(string=html, base_url=str(FONTS_DIR) + "/", url_fetcher=fetcher).render())
    anchors = {}
    for page_index, page in enumerate(document.pages):
        for name, box in page.anchors.items():
            anchors[name] = (page_index, box)
    overflows = []
    for region, (columns, _) in regions.items():
        overflow = _overflow(anchors, region, columns)
        if overflow:
            overflows.append(overflow)
    return Rendered(document.write_pdf(), len(document.pages), tuple(overflows))


_TOLERANCE = 0.5  # CSS px: rounding in layout
_PX_PER_MM = 96 / 25.4


def _overflow(anchors, region: str, columns: int) -> Overflow | None:
    page, (left, top, right, bottom) = anchors[f"region-{region}"]
    if f"end-{region}" not in anchors:
        # WeasyPrint drops what it cannot place at all: that is overflow too.
        return Overflow(region, 0, 0, None)
    # The end marker is empty: where it starts, everything before it has been placed.
    end_page, (end_x, end_y, _, _) = anchors[f"end-{region}"]
    spilled_right = end_x > right + _TOLERANCE
    spilled_down = end_y > bottom + _TOLERANCE
    if end_page == page and not spilled_right and not spilled_down:
        return None
    pitch = (right - left) / columns
    extra_columns = math.ceil((end_x - right) / pitch) if spilled_right else 0
    millimetres = round(max(end_y - bottom, 0) / _PX_PER_MM)
    first_part = None
    for name, (part_page, (x, y, _, _)) in sorted(anchors.items()):
        if name.startswith(f"part-{region}-") and (part_page != page or x > right + _TOLERANCE or y > bottom + _TOLERANCE):
            index = int(name.rsplit("-", 1)[1])
            first_part = index if first_part is None else min(first_part, index)
    return Overflow(region, extra_columns, millimetres, first_part)


def _render_leaflet(leaflet: Leaflet) -> Rendered:
    return render(leaflet.html, leaflet.format.regions)


def render_all(leaflets: list[Leaflet], root: Path, progress, cache: ArtifactCache,
               workers: int | None = None) -> list[tuple[Leaflet, Rendered]]:
    """Render every leaflet on all cores, or take it from the cache; raise ContentError for any that does not fit."""
    log = ProblemLog(root)
    code = code_digest(Path(__file__))
    results = render_cached(
        cache, "leaflets", leaflets, [digest(code, leaflet.html, repr(leaflet.format)) for leaflet in leaflets],
        [leaflet.file for leaflet in leaflets], _render_leaflet, progress, "Đang tạo tờ gấp, tờ rơi (PDF)", workers,
    )
    rendered = list(zip(leaflets, results))
    for leaflet, result in rendered:
        if result.overflows or result.pages != leaflet.format.pages:
            _report(leaflet, result, log)
    log.raise_if_errors()
    return rendered


def leaflet_files(rendered: list[tuple[Leaflet, Rendered]]) -> dict[str, bytes]:
    return {leaflet.file: result.pdf for leaflet, result in rendered}


def _report(leaflet: Leaflet, rendered: Rendered, log: ProblemLog) -> None:
    if leaflet.print_shop:
        return  # the standard version reports the same overflow
    for overflow in rendered.overflows or (Overflow("", 0, 0, None),):
        name = leaflet.format.regions.get(overflow.region, (0, "tờ in"))[1]
        amount = (f"khoảng {overflow.columns} cột" if overflow.columns
                  else f"khoảng {overflow.millimetres} mm" if overflow.millimetres
                  else f"{rendered.pages} trang thay vì {leaflet.format.pages}")
        part = leaflet.parts[overflow.first_part] if overflow.first_part is not None else (leaflet.parts[-1] if overflow.region in ("inside", "content") else None)
        where = part.path if part else leaflet.parts[0].path
        line = part.line if part else 1
        marker = leaflet.format.marker
        fix = (f"Hãy rút ngắn các phần giữa <!-- {marker} --> và <!-- /{marker} -->, bắt đầu từ phần này"
               if part else "Hãy rút ngắn tiêu đề, mô tả, hoặc số số liệu dùng trong các phần in")
        log.error(where, line, f"Tờ in {leaflet.file}: {name} dài quá {amount}. {fix}. Không cắt chữ, không thêm trang.")
