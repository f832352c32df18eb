"""Printed sheets, planned: an A4 tri-fold, an A5 flyer and an A3 poster per audience and language.

This module decides what goes where; `leaflet_render.py` turns the result into
PDFs. Communicators mark what goes on paper inside their Markdown (see
`print_marks.py`); each mark's role sends its part to one place on the sheet:

    tri-fold  cover: slogan under the title   flap: first panel seen on opening
              action: back panel, with the QR code and contacts   (no role): the three inside panels
    flyer and poster (from the `flyer` marks)  cover: slogan   action: boxed call to action   (no role): body

Each sheet takes its marked parts from every page of the audience, in
navigation order. A translation lacking a part the Vietnamese page has for the
cover, flap or call to action borrows the Vietnamese one, and the sheet says so.
The cover is made from `site.yml` (issuer, the audience's icon), the overview's
title, the slogan and the hotline. Figures are those in force on the day of
issue; a coming change is said in one sentence, and the sheet says until when
it is valid. A link prints as what works on paper: a short address, or "scan
the QR code".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from html import escape as html_escape, unescape as html_unescape
from pathlib import Path
from typing import Mapping, Protocol
from urllib.parse import urlsplit

import jinja2

from ..assets import TEMPLATES_DIR
from . import leaflet_layout as layout
from ..sources.content import PageKey, SiteConfig
from ..sources.languages import Language
from ..compose.pages import Download, PageInLanguage, draft_mark, weakest_status
from ..sources.policy import PolicyData, by_law, format_day
from ..sources.print_marks import ROLES, MarkedPart, mark, marked_parts, points
from ..problems import ProblemLog
from ..compose.qr import QrCode, svg_image
from ..render.renderer import FigureUse, Place, Renderer

TEMPLATE_DIR = TEMPLATES_DIR / "leaflet"
LEAFLET_DIR = "leaflets"
KEY_FIGURES = 6  # a panel of figures in large type holds no more
POSTER_POINTS = 3  # read from two metres, a poster says no more
# A change of a printed figure this close to the day of issue is announced to the communicator, and a
# sheet issued this soon after a figure took its value says from which day it applies.
NEAR_CHANGE = dt.timedelta(days=60)

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class Region:
    """A fixed box of a sheet; what does not fit in it is reported, never cut."""

    id: str
    name: str  # in messages: "mặt trong (3 cột)"
    roles: tuple[str, ...]  # the marked parts it shows ("" the main text)
    columns: int = 1
    fit: bool = False  # its type grows until the box is full...
    max_scale: float = 1.6  # ...up to this multiple of the body size (a tri-fold's panel is read close up)


@dataclass(frozen=True)
class LeafletFormat:
    name: str  # file names and the manifest's `format`
    marker: str  # the marks that feed it
    template: str
    size_mm: tuple[int, int]  # trimmed
    pages: int
    body_pt: float  # body type at scale 1; fitted regions grow from it
    qr_mm: float  # the QR symbol's width, quiet zone excluded
    regions: tuple[Region, ...]
    variants: tuple[str, ...]
    panels_mm: tuple[tuple[int, ...], ...] = ()  # per page, left to right: where it folds

    def region(self, region_id: str) -> Region:
        return next(r for r in self.regions if r.id == region_id)


_HEADER = Region("header", "phần đầu (tiêu đề, khẩu hiệu)", ("cover",))
_FOOTER = Region("footer", "chân trang (mã QR, liên hệ, căn cứ pháp lý)", ())

FORMATS = (
    LeafletFormat(
        "a4-trifold", "leaflet", "trifold.html", (297, 210), 2, 10.5, 30,
        (
            # A few key figures may be as large as a poster's.
            Region("flap", "cột mở đầu (mặt ngoài, bên trái)", ("flap",), fit=True, max_scale=2.0),
            Region("back", "mặt sau (việc cần làm, mã QR, liên hệ)", ("action",), fit=True),
            Region("cover", "bìa", ("cover",)),
            # Short content gets large print rather than a blank panel.
            Region("inside", "mặt trong (3 cột)", ("",), columns=3, fit=True, max_scale=1.8),
        ),
        layout.VARIANTS,
        (layout.TRIFOLD_OUTSIDE_MM, layout.TRIFOLD_INSIDE_MM),
    ),
    LeafletFormat(
        "a5-flyer", "flyer", "sheet.html", (148, 210), 2, 10.5, 30,
        (_HEADER, Region("body", "mặt trước (nội dung)", ("",), fit=True, max_scale=1.9),
         Region("action", "mặt sau (việc cần làm)", ("action",), fit=True, max_scale=1.9), _FOOTER),
        layout.VARIANTS,
    ),
    # A poster is printed by a shop or on a large office printer, not photocopied. Its type is fixed
    # (see leaflet_layout.POSTER_*); only which borrowed points it shows is chosen.
    LeafletFormat(
        "a3-poster", "poster", "poster.html", layout.POSTER_MM, 1, layout.POSTER_POINT_PT, layout.POSTER_QR_MM,
        (Region("header", "phần đầu (cơ quan phát hành, tiêu đề chữ lớn)", ()),
         Region("body", "các ý chính (chữ 28 pt) và việc cần làm (chữ 20 pt)", ("", "action")),
         Region("footer", "chân trang (mã QR, địa chỉ, tổng đài, căn cứ pháp lý)", ())),
        ("standard", "print-shop"),
    ),
)


@dataclass(frozen=True)
class Part:
    """One marked part of a page, as HTML, remembering where it came from."""

    path: Path
    line: int
    role: str
    html: str
    status: str  # whose text it is: source, draft, reviewed or fallback (Vietnamese in another language's sheet)
    kind: str = ""  # the mark it was taken from (a poster may show a flyer's points)
    optional: bool = False  # the sheet may leave it out when it is full (a poster's borrowed points)


@dataclass(frozen=True)
class EditionMark:
    """Whose edition a sheet is (a commune's, a campaign's): small, as a sheet travels to the render workers."""

    kind: str  # commune | campaign
    tag: str  # its code
    folder: str  # inside the language's leaflet folder: "xa/plk/"
    path: Path  # where it is declared (communes.yml, campaigns.yml), for messages
    line: int


class SheetEdition(Protocol):
    """What planning needs of a commune's or a campaign's edition (editions.Edition is one)."""

    formats: tuple[str, ...]

    @property
    def mark(self) -> EditionMark: ...

    def code_for(self, lang: str, audience: str) -> QrCode | None: ...

    def context(self, language: Language) -> dict: ...


@dataclass(frozen=True)
class Leaflet:
    """One sheet of one audience in one language, with its HTML document per variant."""

    lang: str
    audience: str
    format: LeafletFormat
    qr_url: str
    parts: tuple[Part, ...]
    documents: tuple[tuple[str, str], ...]  # (variant, the complete document WeasyPrint renders)
    title: str  # the audience overview's title, on the cover
    overview: Path  # the file it comes from
    issued: dt.date
    valid_until: dt.date | None  # the day before a known change of a figure it prints
    status: str  # the least finished text it carries: source | reviewed | draft | fallback
    unverified: tuple[str, ...]  # keys of the figures it prints that nobody checked yet
    roots: tuple[Path, ...]  # what its renderer may read besides the generator's fonts: the content tree
    pdf_x: str = "pdf/x-4"  # the print-shop variant's standard, as WeasyPrint names it
    edition: EditionMark | None = None  # a commune's or a campaign's edition, with its own block and code
    language_vi: str = ""  # its language inside a Vietnamese sentence ("tiếng Bahnar"); "" for Vietnamese itself
    changing: tuple[str, ...] = ()  # keys of the figures it prints that take a new value the day after valid_until
    applies_from: dt.date | None = None  # the day its newest figure took effect, when that is recent (NEAR_CHANGE)

    @property
    def stem(self) -> str:
        """Its file name inside its language's folder, without variant and extension: "xa/plk/tu-nguyen-a5-flyer"."""
        return (self.edition.folder if self.edition else "") + f"{self.audience}-{self.format.name}"

    def file(self, variant: str = "standard") -> str:
        suffix = "" if variant == "standard" else f"-{variant}"
        return f"{LEAFLET_DIR}/{self.lang}/{self.stem}{suffix}.pdf"

    def document(self, variant: str) -> str:
        return dict(self.documents)[variant]


# --- planning ----------------------------------------------------------------


def plan_leaflets(
    resolved: list[PageInLanguage],
    qr_codes: Mapping[tuple[str, PageKey], QrCode],
    policy: PolicyData,
    site: SiteConfig,
    as_of: dt.date,
    release: bool,
    log: ProblemLog,
    variants: tuple[str, ...] = layout.VARIANTS,
    editions: list[SheetEdition] = (),
) -> list[Leaflet]:
    """Every sheet with marked content, in every language; `variants` chooses which documents to prepare.

    Each edition (a commune's, a campaign's) adds its formats of the audiences and languages it covers,
    with its own block and its tagged code.

    Every sheet of a draft build carries the draft mark; a release marks only the unreviewed
    translations a communicator allowed to print.
    """
    _check_icons(site, log)
    leaflets = []
    for audience in site.audiences:
        for language in dict.fromkeys(item.language for item in resolved):
            members = sorted(
                (i for i in resolved if i.language == language and i.key.audience == audience.slug),
                key=lambda i: (not i.key.is_overview, i.original.order, i.key.name),
            )
            overview = next((i for i in members if i.key.is_overview), None)
            qr = qr_codes.get((language.code, PageKey.overview(audience.slug)))
            if overview is None or qr is None:
                continue
            renderer = Renderer(language, policy, site, as_of, log, paper=PaperLinks(language, qr_codes))
            marked = _marked(members, log)
            for marker in dict.fromkeys(f.marker for f in FORMATS):
                content = (_poster_content(marked, renderer, log) if marker == "poster"
                           else _content(members, marked, marker, renderer, log))
                if content is None:
                    continue
                for fmt in (f for f in FORMATS if f.marker == marker):
                    chosen = tuple(v for v in variants if v in fmt.variants)
                    leaflets.append(_leaflet(overview, audience.icon, fmt, chosen, content, qr, policy, site, as_of, release))
                    for edition in editions:
                        tagged = edition.code_for(language.code, audience.slug)
                        if tagged is not None and fmt.name in edition.formats:
                            leaflets.append(_leaflet(overview, audience.icon, fmt, chosen, content, tagged, policy, site, as_of,
                                                     release, edition))
    return leaflets


def _check_icons(site: SiteConfig, log: ProblemLog) -> None:
    known = layout.icon_names()
    for audience in site.audiences:
        if audience.icon is not None and audience.icon not in known:
            log.error(site.path, audience.line, f"Không có hình `{audience.icon}` cho nhóm `{audience.slug}`. "
                      f"Chọn một trong: {', '.join(known)} (thư mục generator/icons/).")


@dataclass(frozen=True)
class _Content:
    parts: tuple[Part, ...]
    figures: tuple[FigureUse, ...]


@dataclass(frozen=True)
class _Marked:
    """A marked part of a member page, and whose text it is."""

    item: PageInLanguage
    part: MarkedPart
    status: str  # the page's status, or "fallback" for the Vietnamese page's part in another language


def _marked(members: list[PageInLanguage], log: ProblemLog) -> tuple[list[_Marked], list[_Marked]]:
    """Every marked part of the audience's pages, of every kind: the language's own, and the Vietnamese pages'."""
    own: list[_Marked] = []
    vietnamese: list[_Marked] = []
    for item in members:
        own += [_Marked(item, part, item.status) for part in marked_parts(item.source, log)]
        if item.source is not item.original:
            vietnamese += [_Marked(item, part, "fallback") for part in marked_parts(item.original, log)]
    return own, vietnamese


def _content(members: list[PageInLanguage], marked: tuple[list[_Marked], list[_Marked]], marker: str,
             renderer: Renderer, log: ProblemLog) -> _Content | None:
    """The audience's marked parts for one kind of mark, as HTML, and the figures they print."""
    own = [m for m in marked[0] if m.part.kind == marker]
    vietnamese = [m for m in marked[1] if m.part.kind == marker]
    if not any(m.part.role == "" for m in own):
        return None
    roles_present = {m.part.role for m in own}
    # The cover, flap and call to action of a translation that lacks them come from the Vietnamese page.
    chosen = own + [m for m in vietnamese if m.part.role and m.part.role not in roles_present]
    if "action" in ROLES[marker] and not any(m.part.role == "action" for m in chosen):
        first = members[0].original
        log.warning(first.path, 1, f"Tờ in của nhóm này chưa có phần việc cần làm (đi đâu, mang gì, gọi ai). "
                    f"Thêm phần đó vào trang này, giữa `{mark(marker, 'action')}` và `{mark(marker, closing=True)}`.")
    return _rendered([_Piece(m, m.part.text, m.part.line) for m in chosen], renderer)


def _poster_content(marked: tuple[list[_Marked], list[_Marked]], renderer: Renderer, log: ProblemLog) -> _Content | None:
    """A poster's few points and its call to action: from its own marks, else the flyer's.

    The points are the first list items (or paragraphs) of the `poster` parts, or of the `flyer` parts
    when the page has none; points borrowed from the flyer beyond the first may be left out when the
    poster is full (see leaflet_render.fit), the poster's own never are.
    """
    own, vietnamese = marked

    def of(entries: list[_Marked], kind: str, role: str) -> list[_Marked]:
        return [m for m in entries if m.part.kind == kind and m.part.role == role]

    main = of(own, "poster", "") or of(own, "flyer", "")
    if not main:
        return None  # the main text is never borrowed: no flyer text in this language, no poster
    borrowed = main[0].part.kind == "flyer"
    found = [(m, point) for m in main for point in points(m.part)]
    if len(found) > POSTER_POINTS and not borrowed:
        entry, extra = found[POSTER_POINTS]
        log.warning(entry.item.source.path, extra.line, f"Áp phích chỉ in {POSTER_POINTS} ý đầu của phần "
                    f"`{mark('poster')}`: ý từ dòng này trở đi không được in. Chọn {POSTER_POINTS} ý quan trọng nhất.")
    pieces = [_Piece(m, point.text, point.line, optional=borrowed and index > 0, whole=False)
              for index, (m, point) in enumerate(found[:POSTER_POINTS])]
    action = (of(own, "poster", "action") or of(own, "flyer", "action")
              or of(vietnamese, "poster", "action") or of(vietnamese, "flyer", "action"))
    pieces += [_Piece(m, m.part.text, m.part.line) for m in action]
    return _rendered(pieces, renderer)


@dataclass(frozen=True)
class _Piece:
    """What a sheet shows of a marked part: all of it, or one of its points (a poster's)."""

    marked: _Marked
    text: str  # Markdown
    line: int  # its first line in the file
    optional: bool = False  # the sheet may leave it out when it is full
    whole: bool = True  # the whole part: it ends with the footnote its asterisks need (a point's is the small print's)


def _rendered(pieces: list[_Piece], renderer: Renderer) -> _Content:
    """The pieces as parts of a sheet, with the figures they print."""
    parts, figures = [], {}
    for piece in pieces:
        marked = piece.marked
        source = marked.item.source if marked.status != "fallback" else marked.item.original
        rendered = renderer.body(piece.text, Place(source.path, piece.line), source.key)
        for figure in rendered.figures:
            figures.setdefault(figure.key, figure)
        html = str(rendered.html)
        if rendered.marked and piece.whole:
            # What the asterisk means, at the end of the part that shows it rather than only in the small print on the back.
            html += f'\n<p class="part-footnote">{html_escape(renderer.language.t("figures.card_legend"))}</p>'
        parts.append(Part(source.path, piece.line, marked.part.role, _local_images(html, source.path.parent),
                          marked.status, marked.part.kind, piece.optional))
    return _Content(tuple(parts), tuple(figures.values()))


def _leaflet(overview: PageInLanguage, icon: str | None, fmt: LeafletFormat, variants: tuple[str, ...],
             content: _Content, qr: QrCode, policy: PolicyData, site: SiteConfig, as_of: dt.date, release: bool,
             edition: SheetEdition | None = None) -> Leaflet:
    language = overview.language
    if edition is not None and fmt.marker == "poster":
        # The edition's block needs room on a poster: beyond the first, its points may be left out.
        main = [p for p in content.parts if p.role == ""]
        content = _Content(tuple(dataclasses.replace(p, optional=True) if p in main[1:] else p for p in content.parts),
                           content.figures)
    change = _next_change(content.figures, policy, as_of)
    applies_from = _applies_from(content.figures, policy, as_of)
    statuses = {p.status for p in content.parts}
    # A sheet printing any draft translation is a draft, whatever it borrows from Vietnamese: a release
    # refuses it, or with --allow-draft marks it.
    status = "draft" if "draft" in statuses else weakest_status(statuses)
    context = _context(overview, icon, fmt, content, qr, site, as_of, change)
    context["applies_from"] = format_day(applies_from) if applies_from else None
    context["edition"] = edition.context(language) if edition else None
    mark = draft_mark(language, release, status)
    context["draft_mark"] = layout.draft_mark(mark, fmt.size_mm[0]) if mark else None
    documents = tuple((variant, _document(fmt, variant, context)) for variant in variants)
    return Leaflet(
        lang=language.code,
        audience=overview.original.audience,
        format=fmt,
        qr_url=qr.short_url,
        parts=content.parts,
        documents=documents,
        title=overview.source.title,
        overview=overview.source.path,
        issued=as_of,
        valid_until=change - dt.timedelta(days=1) if change else None,
        status=status,
        unverified=tuple(sorted(f.key for f in content.figures if not f.verified)),
        roots=(site.path.parent,),
        pdf_x=site.pdf_x,
        edition=edition.mark if edition else None,
        language_vi="" if language.is_default else language.name_vi,
        changing=tuple(f.key for f in content.figures if change and _changes_on(policy.figures[f.key], as_of, change)),
        applies_from=applies_from,
    )


def _changes_on(figure, as_of: dt.date, day: dt.date) -> bool:
    coming = figure.next_change(as_of)
    return coming is not None and coming.start == day


def _applies_from(figures, policy: PolicyData, as_of: dt.date) -> dt.date | None:
    """The day the newest value the sheet prints took effect, if recent: the sheet is not for the days before it."""
    starts = [period.start for f in figures if (period := policy.figures[f.key].in_force(as_of))]
    newest = max(starts, default=None)
    return newest if newest is not None and as_of - newest < NEAR_CHANGE else None


def warn_of_coming_changes(leaflets: list[Leaflet], policy: PolicyData, as_of: dt.date, log: ProblemLog) -> None:
    """Printed figures that change soon after the day of issue, one warning per day: which, and how to print the next edition."""
    by_day: dict[dt.date, list[Leaflet]] = {}
    for leaflet in leaflets:
        if leaflet.valid_until is not None and leaflet.changing and leaflet.valid_until - as_of < NEAR_CHANGE:
            by_day.setdefault(leaflet.valid_until + dt.timedelta(days=1), []).append(leaflet)
    for day, sheets in sorted(by_day.items()):
        keys = list(dict.fromkeys(key for leaflet in sheets for key in leaflet.changing))
        stated = [f for key in keys for f in [policy.figures[key], *(policy.figures[k] for k in policy.figures[key].inputs)]
                  if f.formula is None]
        listed = ", ".join(f"`{key}`" for key in keys[:6]) + (f" và {len(keys) - 6} số liệu khác" if len(keys) > 6 else "")
        iso, shown = day.isoformat(), format_day(day)
        log.warning(policy.path, min(f.line for f in stated) if stated else 1,
                    f"Từ ngày {shown}, số liệu in trên {len(sheets)} tờ đổi mức: {listed}. Tờ in lần này chỉ dùng được đến hết "
                    f"ngày {format_day(day - dt.timedelta(days=1))}. Để in bản mới cho ngày đó, chạy lại lệnh với "
                    f"`--as-of {iso}` (ví dụ `outreach build --as-of {iso}`, tờ của xã `outreach print --commune … --as-of {iso}`): "
                    f"tờ in mới ghi \"Áp dụng từ {shown}\".", topic="số liệu sắp thay đổi")


def _next_change(figures, policy: PolicyData, as_of: dt.date) -> dt.date | None:
    """The first day a figure printed on the sheet takes a new value."""
    changes = [period.start for f in figures if (period := policy.figures[f.key].next_change(as_of))]
    return min(changes, default=None)


def _context(overview, icon, fmt, content, qr, site, as_of, change) -> dict:
    """Everything the templates show, the same for every variant."""
    language = overview.language
    t = language.t
    by_role = {role: [p for p in content.parts if p.role == role] for role in ROLES[fmt.marker]}
    unverified = any(not f.verified for f in content.figures)
    return {
        "lang": language.html_lang,
        "t": t,
        "format": fmt,
        "title_text": overview.source.title,
        "title": _title(overview.source.title, fmt),
        "issuer": site.issuer,
        "icon": icon or layout.DEFAULT_ICON,
        "notice": notice(language, {p.status for p in content.parts}),
        "parts": by_role,
        "all_parts": content.parts,
        # A statement has no number to show in large type: its sentence, which carries its conditions, stays in the text.
        "key_figures": [f for f in content.figures if not f.statement][:KEY_FIGURES],
        # Paper cites articles; the web page behind the QR code lists every clause.
        "bases": by_law((basis for f in content.figures for basis in f.bases), articles_only=True),
        "unverified": unverified,
        "qr_svg": svg_image(qr.short_url),
        "qr": layout.qr_size(qr.version, fmt.qr_mm),
        "address": layout.fitted_address(qr.printed_url, *ADDRESS_SPACE[fmt.name]),
        "hotline": site.hotline,
        "cmyk_profile": site.cmyk_profile,
        "pdf_x": site.pdf_x,
        "website": site.contacts.get("website", ""),
        "issued": format_day(as_of),
        "iso_date": as_of.isoformat(),
        "valid_until": format_day(change - dt.timedelta(days=1)) if change else None,
        "change": format_day(change) if change else None,
    }


TITLE_SIZES_PT = {"a4-trifold": (26, 24, 22, 20, 18), "a5-flyer": (22, 20, 18), "a3-poster": layout.POSTER_HEADLINE_PT}
# Text width of the title, in mm: the cover panel, beside the icon on a flyer, across the poster.
TITLE_WIDTH_MM = {"a4-trifold": 83, "a5-flyer": 105, "a3-poster": layout.POSTER_MM[0] - 2 * layout.POSTER_MARGIN_MM}


# Where the short address is printed (mm) and the sizes it may take (pt): under the QR code on the
# tri-fold's back panel, beside it on the flyer and the poster.
ADDRESS_SPACE = {"a4-trifold": (82, (13, 12, 11, 10)), "a5-flyer": (86, (12, 11, 10)), "a3-poster": (175, layout.POSTER_ADDRESS_PT)}


def _title(title: str, fmt: LeafletFormat) -> layout.TitleWrap:
    return layout.balanced_title(title, TITLE_WIDTH_MM[fmt.name], TITLE_SIZES_PT[fmt.name],
                                 max_lines=3 if fmt.name == "a3-poster" else 4)


def _document(fmt: LeafletFormat, variant: str, context: dict) -> str:
    colours = layout.palette(variant)
    design = {
        "layout": layout,
        "variant": variant,
        "print_shop": variant == "print-shop",
        "output_intent": layout.output_intent(context["cmyk_profile"]) if variant == "print-shop" else None,
        "colours": colours,
        "bleed_mm": layout.BLEED_MM if variant == "print-shop" else 0,
        "slug_mm": layout.SLUG_MM,
        "mark_offset_mm": layout.MARK_OFFSET_MM,
        "mark_length_mm": layout.MARK_LENGTH_MM,
        "icon_uri": layout.icon_uri(context["icon"], colours["brand"]),
        "phone_uri": layout.icon_uri("phone", colours["brand"]),
        "phone_band_uri": layout.icon_uri("phone", colours["on-brand"]),
        "qr_uri": layout.coloured_qr(context["qr_svg"], colours["qr"]),
        "folds": [layout.folds(panels) for panels in fmt.panels_mm],
        "sheet": layout.edition_sheet(fmt.name) if context["edition"] else layout.SHEETS.get(fmt.name, {}),
        "poster": layout.poster_geometry(context["title"], context["qr"]) if fmt.name == "a3-poster" else None,
        "part_index": {part: index for index, part in enumerate(context["all_parts"])},
    }
    css = TEMPLATES.get_template("leaflet.css").render(**context, **design)
    return TEMPLATES.get_template(fmt.template).render(**context, **design, css=css)


def notice(language: Language, statuses: set[str]) -> str | None:
    """One honest sentence, in the reader's language, on whose text the sheet carries."""
    if language.is_default:
        return None
    name = language.name_vi
    if "fallback" in statuses and "draft" in statuses:
        return language.t("leaflet.draft_and_fallback", language=name)
    if statuses == {"fallback"}:
        return language.t("leaflet.fallback", language=name)
    if "fallback" in statuses:
        return language.t("leaflet.partly_fallback", language=name)
    if "draft" in statuses:
        return language.t("leaflet.draft", language=name)
    return None


def downloads_for(leaflets: list[Leaflet], language_strings) -> dict[tuple[str, PageKey], list[Download]]:
    """Links for each audience overview to its own language's sheets, every variant (editions are on their own pages)."""
    links: dict[tuple[str, PageKey], list[Download]] = {}
    for leaflet in leaflets:
        if leaflet.edition is not None:
            continue
        t = language_strings[leaflet.lang]
        name = t(f"leaflet.format.{leaflet.format.name}")
        for variant, _ in leaflet.documents:
            label = name if variant == "standard" else t(f"leaflet.variant.{variant}", format=name)
            links.setdefault((leaflet.lang, PageKey.overview(leaflet.audience)), []).append(Download(label, leaflet.file(variant)))
    return links


_IMAGE_SOURCE = re.compile(r'(<img\b[^>]*?\ssrc=")([^"]*)(")')


def _local_images(html: str, folder: Path) -> str:
    """Images of a part as files beside its page (the renderer refuses any outside the content tree).

    `html` is the sanitizer's output: every `src` is a site-relative path in double quotes.
    """
    return _IMAGE_SOURCE.sub(lambda m: m.group(1) + html_escape((folder / html_unescape(m.group(2))).as_uri()) + m.group(3), html)


# --- links on paper -----------------------------------------------------------


@dataclass(frozen=True)
class PaperLinks:
    """What a link prints as: paper cannot follow a link, so it says where to go instead."""

    language: Language
    qr_codes: Mapping[tuple[str, PageKey], QrCode]

    def hint(self, href: str, text: str, target: PageKey | None) -> str | None:
        """The words printed after the link's text, or None when its text says it all."""
        scheme = urlsplit(href).scheme
        if scheme in ("http", "https"):
            address = href.split("://", 1)[1].rstrip("/")
            return None if address in text else address
        if scheme in ("mailto", "tel"):
            address = href.split(":", 1)[1]
            return None if address in text else address
        if target is None:
            return None  # a place on the same page: the words are enough
        qr = self.qr_codes.get((self.language.code, target))
        if qr is not None:
            return self.language.t("leaflet.link.address", address=qr.printed_url)
        # The sheet's QR code opens the audience's overview, which leads to every page of it.
        return self.language.t("leaflet.link.scan")
