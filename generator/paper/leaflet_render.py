"""Printed sheets, rendered: HTML to PDF with WeasyPrint, type fitted to each box, previews.

For each sheet the standard document is laid out at growing type sizes until
each region that may grow is as full as it can be without overflowing (a few
layouts, guided by how full the last size left it); a box still too empty at
its largest type shows the sheet's key figures. The other variants
(print shop, photocopy) share that layout: the same sizes, other colours, and
for the print shop a slug with bleed and marks. Anything that does not fit
even at the smallest size is reported with the part to shorten; nothing is
cut and no page is added. Renders run on all cores and are cached.

A commune's or campaign's edition does not fit its type again: the editions
of one audience, format and language take the sizes fitted for the fullest of
them, checked by the one layout that is printed (see `fit_like`).

The build also gets a PNG preview of every page and a contact sheet for the
communication team (`noi-bo/to-in/`): previews are rendered there only (not
by `outreach check`), cached by the bytes of the PDF they show.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
from babel.numbers import format_decimal

from . import leaflet_layout as layout
from ..cache import ArtifactCache, code_digest, digest, render_cached
from ..sources.languages import Language, default_language
from .leaflets import TEMPLATE_DIR, Leaflet, Region
from ..sources.policy import FORMAT_LOCALE, format_day
from ..sources.print_marks import mark
from ..problems import Problem, ProblemLog

SHEETS_DIR = "noi-bo/to-in"  # previews for the communication team; not linked from citizens' pages
CONTACT_SHEET = f"{SHEETS_DIR}/index.html"
THUMBNAIL_PX = 720  # long side of a page preview

_TOLERANCE = 0.5  # CSS px: rounding in layout
_PX_PER_MM = 96 / 25.4
_PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Overflow:
    region: str
    columns: int  # how many columns' worth spilled over (0 when it spilled downwards)
    millimetres: int
    first_part: int | None  # index of the first part that does not fit


@dataclass(frozen=True)
class RenderedVariant:
    variant: str
    pdf: bytes


@dataclass(frozen=True)
class Fitted:
    """What fitting found for one sheet, for the other editions of its text to start from."""

    sizes: tuple[tuple[str, int], ...]  # region id -> index in TYPE_SCALES
    fillers: tuple[str, ...]
    left_out: tuple[str, ...]


@dataclass(frozen=True)
class Rendered:
    variants: tuple[RenderedVariant, ...]
    pages: int
    overflows: tuple[Overflow, ...]
    type_pt: tuple[tuple[str, float], ...]  # the body size each growing region got
    refused: tuple[tuple[str, str], ...] = ()  # (url, reason) the document asked for and may not have
    fitted: Fitted | None = None  # None when it does not fit


class Typesetter:
    """One document, laid out as often as needed with other type sizes; parsed once.

    The one place WeasyPrint reads a document. It reads only the generator's fonts and
    the project's content (`roots`), never another file of the machine nor the network,
    and the PDF embeds no attachment.
    """

    def __init__(self, html: str, roots: tuple[Path, ...]):
        # Imported here: WeasyPrint takes most of a second to load, only workers need it, and
        # a build that finds nothing changed must not wait for it (the fetcher loads it too).
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        from .fetcher import PrintFetcher

        self.source = html
        self.fonts = FontConfiguration()
        # The sheet's own QR code and icons come as data URLs; nothing else may.
        self.fetcher = PrintFetcher([layout.FONTS_DIR, layout.ICONS_DIR, layout.PROFILES_DIR, *roots], data_types=["image/svg+xml"])
        self.html = HTML(string=html, base_url=str(layout.FONTS_DIR) + "/", url_fetcher=self.fetcher)

    def layout(self, css: str = ""):
        from weasyprint import CSS

        from .fetcher import without_attachments

        # A user stylesheet's !important rules win over the document's own sizes.
        document = self.html.render(stylesheets=[CSS(string=css, font_config=self.fonts)], font_config=self.fonts)
        if self.fetcher.refused:  # asked for inside an SVG image, where WeasyPrint catches even a fatal error
            raise self.fetcher.refused[0]
        return without_attachments(document)


# --- fitting -------------------------------------------------------------------


@dataclass
class _Layout:
    sizes: dict[str, int]  # region id -> index in TYPE_SCALES
    fillers: tuple[str, ...]  # regions whose key-figures block is shown
    left_out: tuple[str, ...]  # optional parts not shown (a poster's borrowed points), by element id
    document: object
    overflows: dict[str, Overflow]
    fills: dict[str, float]
    pages_ok: bool

    @property
    def fits(self) -> bool:
        return not self.overflows and self.pages_ok


def fitted_css(leaflet: Leaflet, sizes: dict[str, int], fillers: tuple[str, ...] = (), left_out: tuple[str, ...] = ()) -> str:
    """The type size of each growing region, the fillers shown and the parts left out, as a stylesheet that overrides the document's."""
    css = [f"#region-{region} {{ font-size: {_type_pt(leaflet, index):.2f}pt !important; }}" for region, index in sizes.items()]
    css += [f"#filler-{region} {{ display: block !important; }}" for region in fillers]
    css += [f"#{element} {{ display: none !important; }}" for element in left_out]
    return "".join(css)


def _attempt(typesetter: Typesetter, leaflet: Leaflet, sizes: dict[str, int], fillers: tuple[str, ...] = (),
             left_out: tuple[str, ...] = ()) -> _Layout:
    document = typesetter.layout(fitted_css(leaflet, sizes, fillers, left_out))
    anchors = {}
    for page_index, page in enumerate(document.pages):
        for name, box in page.anchors.items():
            anchors[name] = (page_index, box)
    overflows, fills = {}, {}
    page_height = document.pages[0].height
    for region in leaflet.format.regions:
        overflow, fill = _measure(anchors, region, leaflet, page_height)
        if overflow:
            overflows[region.id] = overflow
        fills[region.id] = fill
    return _Layout(dict(sizes), fillers, left_out, document, overflows, fills, len(document.pages) == leaflet.format.pages)


def _type_pt(leaflet: Leaflet, index: int) -> float:
    return leaflet.format.body_pt * layout.TYPE_SCALES[index]


def fit(typesetter: Typesetter, leaflet: Leaflet) -> _Layout:
    """Type as large as each growing region takes without overflowing; a short text also gets its key figures.

    Text area grows about with the square of the type size, so each layout
    predicts the next size from how full it left the region; the search stops
    when no region is predicted to take a larger size: a few layouts a sheet.
    A region still less than MIN_FILL full at its largest type shows the
    sheet's key figures below its text (when the sheet has a block for it),
    and the search runs again. Content is chosen before type is: a sheet too full leaves out its
    optional parts (`data-optional`), the last first, before anything is reported.
    """
    best = _search(typesetter, leaflet, ())
    optional = _OPTIONAL.findall(typesetter.source)
    while optional and main_region(leaflet).id in best.overflows:
        best = _search(typesetter, leaflet, (), (*best.left_out, optional.pop()))
    if not best.fits:
        return best  # too long even in the smallest type: reported as it is
    short = tuple(r for r, fill in best.fills.items()
                  if fill < layout.MIN_FILL and f'id="filler-{r}"' in typesetter.source)
    if short:
        filled = _search(typesetter, leaflet, short, best.left_out)
        if filled.fits:
            return filled
    return best


_OPTIONAL = re.compile(r'id="([\w-]+)" data-optional')


def fit_like(typesetter: Typesetter, leaflet: Leaflet, start: Fitted) -> _Layout:
    """The type another edition of the same text got, checked by one layout; fitted from scratch when it overflows.

    Editions differ only by their block and their code, and the one they start
    from is the fullest (see `fitting_starts`): its sizes nearly always hold,
    and every edition of a sheet then prints in the same type. One whose block
    makes it overflow at them (or leaves a region too empty for want of its key
    figures) is fitted on its own, as if it had no sibling.
    """
    attempt = _attempt(typesetter, leaflet, dict(start.sizes), start.fillers, start.left_out)
    short = any(fill < layout.MIN_FILL and f'id="filler-{r}"' in typesetter.source for r, fill in attempt.fills.items())
    if attempt.fits and (start.fillers or not short):
        return attempt
    return fit(typesetter, leaflet)


def _search(typesetter: Typesetter, leaflet: Leaflet, fillers: tuple[str, ...], left_out: tuple[str, ...] = ()) -> _Layout:
    growing = [r for r in leaflet.format.regions if r.fit]
    best = _attempt(typesetter, leaflet, {r.id: 0 for r in growing}, fillers, left_out)
    if not best.fits:
        return best
    low = {r.id: 0 for r in growing}
    high = {r.id: max(i for i, s in enumerate(layout.TYPE_SCALES) if s <= r.max_scale) for r in growing}
    fills = dict(best.fills)
    while True:
        trial = {r: min(_predict(low[r], fills[r]), high[r]) for r in low}
        if all(trial[r] <= low[r] for r in low):
            break
        sizes = {r: max(trial[r], low[r]) for r in low}
        attempt = _attempt(typesetter, leaflet, sizes, fillers, left_out)
        for r in low:
            if sizes[r] == low[r]:
                continue
            if attempt.pages_ok and r not in attempt.overflows:
                low[r], fills[r] = sizes[r], attempt.fills[r]
            else:
                high[r] = sizes[r] - 1
        if attempt.fits:
            best = attempt
    return best if best.sizes == low else _attempt(typesetter, leaflet, low, fillers, left_out)


def _predict(index: int, fill: float) -> int:
    """The largest scale the region would take, judged from its fill at scale `index`."""
    limit = layout.TYPE_SCALES[index] * math.sqrt(1 / max(fill, 0.05)) * 0.99
    return max(i for i, s in enumerate(layout.TYPE_SCALES) if s <= limit or i == 0)


def _measure(anchors, region: Region, leaflet: Leaflet, page_height: float) -> tuple[Overflow | None, float]:
    """Whether the region overflows, and how much of its height its content takes."""
    page, (left, top, right, bottom) = anchors[f"region-{region.id}"]
    if f"end-{region.id}" not in anchors:
        # WeasyPrint drops what it cannot place at all: that is overflow too.
        return Overflow(region.id, 0, 0, _blamed_part(anchors, region, leaflet, page, right, bottom)), 1.0
    # The end marker is empty: where it starts, everything before it has been placed.
    end_page, (end_x, end_y, _, _) = anchors[f"end-{region.id}"]
    if f"limit-{region.id}" in anchors:
        # Something sits at the foot of the region (see trifold.html): the text above must end before it.
        bottom = min(bottom, anchors[f"limit-{region.id}"][1][1])
    fill = (end_y - top) / (bottom - top)
    spilled_right = end_x > right + _TOLERANCE
    spilled_down = end_y > bottom + _TOLERANCE
    if end_page == page and not spilled_right and not spilled_down:
        return None, fill
    pitch = (right - left) / region.columns
    extra_columns = math.ceil((end_x - right) / pitch) if spilled_right and end_page == page else 0
    if extra_columns and region.columns == 1:
        # A one-column box spills sideways into columns of its own height: say it in millimetres.
        below = (extra_columns - 1) * (bottom - top) + (end_y - top)
        extra_columns = 0
    else:
        # Text pushed onto the following pages counts with their height.
        below = end_y - bottom + (end_page - page) * page_height
    millimetres = max(1, round(below / _PX_PER_MM)) if not extra_columns else 0
    return Overflow(region.id, extra_columns, millimetres, _blamed_part(anchors, region, leaflet, page, right, bottom)), fill


def _blamed_part(anchors, region: Region, leaflet: Leaflet, page, right, bottom) -> int | None:
    """The part that crosses the region's edge: the last of its parts that starts inside it."""
    mine = [i for i, part in enumerate(leaflet.parts) if part.role in region.roles]
    inside = [i for i in mine if f"part-{i}" in anchors and anchors[f"part-{i}"][0] == page
              and anchors[f"part-{i}"][1][0] <= right + _TOLERANCE and anchors[f"part-{i}"][1][1] <= bottom + _TOLERANCE]
    return inside[-1] if inside else (mine[0] if mine else None)


# --- rendering -----------------------------------------------------------------


def _import_weasyprint() -> None:
    # Not at the top of this module: a build whose sheets all come from the cache, or a
    # site without leaflets, never needs WeasyPrint (over half a CPU-second to import).
    from . import fetcher  # noqa: F401 (imports WeasyPrint, which the fetcher is built on)


def render_leaflet(leaflet: Leaflet, start: Fitted | None = None) -> Rendered:
    """Every variant of one sheet, laid out once its type is fitted (from `start`, another edition's sizes, if given); runs in a worker."""
    from .fetcher import Refused  # with WeasyPrint, in workers only (see Typesetter)

    try:
        return _render(leaflet, start)
    except Refused as refusal:
        return Rendered((), 0, (), (), ((refusal.url, refusal.reason),))


def _render_job(job: tuple[Leaflet, Fitted | None]) -> Rendered:
    return render_leaflet(*job)


def _render(leaflet: Leaflet, start: Fitted | None) -> Rendered:
    (first_variant, first_html), *others = leaflet.documents
    typesetter = Typesetter(first_html, leaflet.roots)
    fitted = fit(typesetter, leaflet) if start is None else fit_like(typesetter, leaflet, start)
    pages, overflows = len(fitted.document.pages), tuple(fitted.overflows.values())
    if not fitted.fits:
        return Rendered((), pages, overflows, ())  # reported, never printed
    variants = [RenderedVariant(first_variant, _write(fitted.document, first_variant, leaflet))]
    for variant, html in others:
        document = Typesetter(html, leaflet.roots).layout(fitted_css(leaflet, fitted.sizes, fitted.fillers, fitted.left_out))
        variants.append(RenderedVariant(variant, _write(document, variant, leaflet)))
    type_pt = tuple((region, round(_type_pt(leaflet, index), 2)) for region, index in fitted.sizes.items())
    found = Fitted(tuple(fitted.sizes.items()), fitted.fillers, fitted.left_out)
    return Rendered(tuple(variants), pages, overflows, type_pt, fitted=found)


def _write(document, variant: str, leaflet: Leaflet) -> bytes:
    if variant != "print-shop":
        return document.write_pdf()
    # PDF/X, with the output intent the document's @color-profile names (see leaflet.css).
    return document.write_pdf(finisher=_print_shop_file, pdf_variant=leaflet.pdf_x)


_RANDOM_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _print_shop_file(document, pdf) -> None:
    """The boxes a RIP reads, and an XMP DocumentID that depends on the document, not on chance.

    The BleedBox at exactly 3 mm beyond the TrimBox (WeasyPrint puts it anywhere up to 10 pt into the
    slug); the ArtBox, what the sheet shows, is the trimmed sheet: never the slug with its marks.
    WeasyPrint's PDF/X-4 metadata names the document with a random UUID: the same input must give the
    same bytes, so the UUID is made from the file's other streams.
    """
    import uuid

    import pydyf

    bleed = layout.BLEED_MM * _PT_PER_MM
    content = hashlib.sha256()
    metadata = None
    for entry in pdf.objects:
        if isinstance(entry, pydyf.Stream):
            if entry.extra.get("Type") == "/Metadata":
                metadata = entry
            else:
                for chunk in entry.stream:
                    content.update(chunk if isinstance(chunk, bytes) else str(chunk).encode())
        elif isinstance(entry, pydyf.Dictionary) and entry.get("Type") == "/Page":
            left, top, right, bottom = entry["TrimBox"]
            entry["BleedBox"] = pydyf.Array([left - bleed, top - bleed, right + bleed, bottom + bleed])
            entry["ArtBox"] = pydyf.Array([left, top, right, bottom])
    if metadata is not None:
        document_id = f"xmp.did:{uuid.UUID(bytes=content.digest()[:16], version=4)}".encode()
        metadata.stream = [_RANDOM_DOCUMENT_ID.sub(document_id, chunk) if isinstance(chunk, bytes) else chunk
                           for chunk in metadata.stream]


def render_previews(sheets: list[tuple[Leaflet, Rendered]], progress, cache: ArtifactCache,
                    workers: int | None = None) -> list[tuple[bytes, ...]]:
    """A PNG of every page of each sheet's first variant, for the team's contact sheet: rendered only there, and cached by the PDF's bytes."""
    pdfs = [result.variants[0].pdf for _, result in sheets]
    code = code_digest(Path(__file__))
    return render_cached(cache, "leaflet-previews", pdfs, [digest(code, str(THUMBNAIL_PX), pdf) for pdf in pdfs],
                         [leaflet.file("standard") for leaflet, _ in sheets], _thumbnails, progress,
                         "Đang tạo ảnh xem trước tờ in", workers)


def _thumbnails(pdf: bytes) -> tuple[bytes, ...]:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    previews = []
    for page in document:
        width, height = page.get_size()
        image = page.render(scale=THUMBNAIL_PX / max(width, height)).to_pil()
        png = io.BytesIO()
        # zlib level 3: a fifth of `optimize`'s CPU, and smaller files for these pages (measured on the sample's sheets).
        image.save(png, format="PNG", compress_level=3)
        previews.append(png.getvalue())
    document.close()
    return tuple(previews)


def _code() -> str:
    return code_digest(Path(__file__), Path(layout.__file__), Path(__file__).with_name("fetcher.py"))


def _key(code: str, leaflet: Leaflet, start: Fitted | None = None) -> str:
    """A sheet's cache key: its documents, the content of every file they name (a picture replaced under its name), and the sizes it started from."""
    return digest(code, repr(leaflet.format), repr(start), *(html for _, html in leaflet.documents), *_referenced(leaflet.documents))


_FILE_URL = re.compile(r"file://[^\s\"'()<>]+")


def _referenced(documents: tuple[tuple[str, str], ...]) -> list[str]:
    """Each local file the documents name (pictures of the content tree), with a digest of its bytes."""
    urls = sorted({html_unescape(url) for _, document in documents for url in _FILE_URL.findall(document)})
    return [f"{url}={_file_digest(Path(url2pathname(urlsplit(url).path)))}" for url in urls]


def _file_digest(path: Path) -> str:
    try:
        return digest(path.read_bytes())
    except OSError:
        return "missing"  # the render says what is wrong with it


@dataclass
class Printed:
    """The sheets a run rendered, and those it left out because their text does not fit, with why."""

    sheets: list[tuple[Leaflet, Rendered]]
    left_out: list[Leaflet]
    problems: list[Problem]  # one line per part to shorten, naming every sheet it keeps off paper


def render_all(leaflets: list[Leaflet], root: Path, progress, cache: ArtifactCache,
               workers: int | None = None) -> Printed:
    """Render every sheet on all cores, or take it from the cache; a sheet that does not fit is left out and said why.

    Type is fitted once per audience, format, language and text for all
    editions: the other editions start from the fullest one's sizes (see
    `fitting_starts`, `fit_like`), so they go in a second round, on all cores.
    Raises ContentError only for a sheet that asked for a file it may not read.
    """
    code = _code()
    starts = fitting_starts(leaflets)
    results: list[Rendered | None] = [None] * len(leaflets)
    first_round = [i for i, start in enumerate(starts) if start is None]
    for todo in (first_round, [i for i, start in enumerate(starts) if start is not None]):
        if not todo:
            continue
        jobs = [(leaflets[i], results[starts[i]].fitted if starts[i] is not None else None) for i in todo]
        done = render_cached(
            cache, "leaflets", jobs, [_key(code, leaflet, start) for leaflet, start in jobs],
            [leaflet.file("standard") for leaflet, _ in jobs], _render_job, progress,
            "Đang tạo tờ gấp, tờ rơi (PDF)" if todo is first_round else "Đang tạo tờ in của xã, chiến dịch (PDF)", workers,
            prepare=_import_weasyprint,
        )
        for i, result in zip(todo, done):
            results[i] = result
    rendered = list(zip(leaflets, results))
    _raise_refusals(rendered, root)
    misfits = [(leaflet, result) for leaflet, result in rendered if not _fits(leaflet, result)]
    return Printed([(leaflet, result) for leaflet, result in rendered if _fits(leaflet, result)],
                   [leaflet for leaflet, _ in misfits], _misfit_problems(misfits, leaflets, root))


def fitting_starts(leaflets: list[Leaflet]) -> list[int | None]:
    """For each sheet, the sheet whose fitted type it starts from (None: fitted from scratch).

    The editions (communes', campaigns') of one audience, format and language
    with the same text start from the fullest of them (the one whose block
    says the most); the audience's own sheet has another geometry (no edition
    block) and is fitted on its own. So is a sheet whose type is fixed (a
    poster): fitting it only chooses its parts, in about one layout.
    """
    groups: dict[tuple, list[int]] = {}
    for index, leaflet in enumerate(leaflets):
        if any(region.fit for region in leaflet.format.regions):
            groups.setdefault(_text_key(leaflet), []).append(index)
    starts: list[int | None] = [None] * len(leaflets)
    for members in groups.values():
        editions = [i for i in members if leaflets[i].edition is not None]
        if editions:
            # The most text, whatever the order of communes.yml (ties by file name).
            fullest = max(editions, key=lambda i: (_text_length(leaflets[i]), leaflets[i].file()))
            for index in editions:
                starts[index] = fullest if index != fullest else None
    return starts


_DATA_URL = re.compile(r"data:[^\"')\s]+")


def _text_length(leaflet: Leaflet) -> int:
    """How much a sheet's document says, its images (the code, the icons: data URLs) aside."""
    return len(_DATA_URL.sub("", leaflet.documents[0][1]))


def _text_key(leaflet: Leaflet) -> tuple:
    """What makes sheets' fitted type comparable: audience, format, language and the text they print."""
    return (leaflet.audience, leaflet.format.name, leaflet.lang,
            digest(leaflet.title, *(f"{part.role}:{part.html}" for part in leaflet.parts)))


def sheets_that_fit(leaflets: list[Leaflet], root: Path, progress, cache: ArtifactCache,
                    workers: int | None = None) -> tuple[list[Leaflet], list[Leaflet], list[Problem]]:
    """Which sheets fit, decided before any is rendered: (those that fit, those left out, why).

    One layout in the smallest type per audience, format and language tells
    whether the text fits at all: that is how every fitting starts (`fit`).
    The editions of a sheet (communes', campaigns') share its text in a body of
    the same size, their block taking a fixed band of the header, so one
    edition's layout decides for all of them; a block of its own too long is
    found when that edition is rendered.
    """
    groups: dict[tuple, list[Leaflet]] = {}
    for leaflet in leaflets:
        groups.setdefault((leaflet.lang, leaflet.audience, leaflet.format.name, leaflet.edition is not None), []).append(leaflet)
    probed = [members[0] for members in groups.values()]
    code = _code()
    results = render_cached(
        cache, "leaflet-fits", probed, [digest(code, "probe", repr(l.format), l.documents[0][1], *_referenced(l.documents[:1]))
                                        for l in probed],
        [l.file("standard") for l in probed], probe_leaflet, progress, "Đang thử khổ giấy của tờ in", workers,
        prepare=_import_weasyprint,
    )
    _raise_refusals(list(zip(probed, results)), root)
    misfits = []
    for members, result in zip(groups.values(), results):
        shared = tuple(o for o in result.overflows if _shared_region(members[0], o.region))
        if not _fits(members[0], result):
            misfits.append((members[0], result))
        if shared:
            misfits += [(member, dataclasses.replace(result, overflows=shared)) for member in members[1:]]
    left_out = {id(leaflet) for leaflet, _ in misfits}
    return ([leaflet for leaflet in leaflets if id(leaflet) not in left_out], [leaflet for leaflet, _ in misfits],
            _misfit_problems(misfits, leaflets, root))


def _shared_region(leaflet: Leaflet, region_id: str) -> bool:
    """Whether what overflows this region is the same on every edition of the sheet: its text, not an edition's block."""
    region = next((r for r in leaflet.format.regions if r.id == region_id), None)
    return region is not None and any(role in ("", "action", "flap") for role in region.roles)


def probe_leaflet(leaflet: Leaflet) -> Rendered:
    """Whether a sheet's text fits at all: one layout in the smallest type, nothing written; runs in a worker."""
    from .fetcher import Refused  # with WeasyPrint, in workers only (see Typesetter)

    try:
        source = leaflet.documents[0][1]
        # The least the sheet may hold: smallest type, and without the parts it may leave out (see `fit`).
        attempt = _attempt(Typesetter(source, leaflet.roots), leaflet, {r.id: 0 for r in leaflet.format.regions if r.fit},
                           left_out=tuple(_OPTIONAL.findall(source)))
    except Refused as refusal:
        return Rendered((), 0, (), (), ((refusal.url, refusal.reason),))
    return Rendered((), len(attempt.document.pages), tuple(attempt.overflows.values()), ())


def _raise_refusals(rendered: list[tuple[Leaflet, Rendered]], root: Path) -> None:
    log = ProblemLog(root)
    for leaflet, result in rendered:
        for url, reason in result.refused:
            part = next((p for p in leaflet.parts if url in p.html or Path(urlsplit(url).path).name in p.html), None)
            where, line = (part.path, part.line) if part else (leaflet.overview, 1)
            log.error(where, line, f"Không được đọc `{url[:120]}`: {reason}", seen_in=f"Tờ in {leaflet.file('standard')}")
    log.raise_if_errors()


def _misfit_problems(misfits: list[tuple[Leaflet, Rendered]], leaflets: list[Leaflet], root: Path) -> list[Problem]:
    """One line per part to shorten, naming every sheet it keeps off paper."""
    log = ProblemLog(root)
    left_out = {id(leaflet) for leaflet, _ in misfits}
    reports: dict[tuple[Path, int], list[tuple[Leaflet, str, str]]] = {}
    for leaflet, result in misfits:
        for overflow in result.overflows or (Overflow("", 0, 0, None),):
            where, line, what, fix = _explain(leaflet, result, overflow)
            reports.setdefault((where, line), []).append((leaflet, what, fix))
    for (where, line), sheets in reports.items():
        leaflet, what, fix = sheets[0]
        files = list(dict.fromkeys(s[0].file("standard") for s in sheets))
        also = f" (cả {len(files) - 1} tờ khác: {', '.join(files[1:])})" if len(files) > 1 else ""
        instead = _instead(leaflet, leaflets, left_out)
        log.error(where, line, f"Tờ in {files[0]}{also} chưa in được: {what}. {fix}. Không cắt chữ, không thêm trang."
                               + (f" Trong khi chờ, dùng {instead}." if instead else ""))
    return log.errors


def _instead(leaflet: Leaflet, leaflets: list[Leaflet], left_out: set[int]) -> str | None:
    """A sheet for the same readers that is printed: another format in their language, else the Vietnamese one."""
    printed = [l for l in leaflets if id(l) not in left_out and l.audience == leaflet.audience and l.edition == leaflet.edition]
    same_language = next((l for l in printed if l.lang == leaflet.lang and l.format != leaflet.format), None)
    if same_language is not None:
        return same_language.file("standard")
    vietnamese = next((l for l in printed if not l.language_vi and l.format == leaflet.format), None)
    return f"bản tiếng Việt {vietnamese.file('standard')}" if vietnamese and leaflet.language_vi else None


def _fits(leaflet: Leaflet, rendered: Rendered) -> bool:
    return not rendered.overflows and rendered.pages == leaflet.format.pages


def _explain(leaflet: Leaflet, rendered: Rendered, overflow: Overflow) -> tuple[Path, int, str, str]:
    """Where to shorten (file, line), what is too long by how much, and the fix."""
    marker = leaflet.format.marker
    region = next((r for r in leaflet.format.regions if r.id == overflow.region), None)
    amount = (f"khoảng {overflow.columns} cột" if overflow.columns
              else f"khoảng {overflow.millimetres} mm" if overflow.millimetres
              else f"{rendered.pages} trang thay vì {leaflet.format.pages}")
    what = f"{region.name if region else 'tờ in'} dài quá {amount}"
    if leaflet.edition is not None and overflow.region in ("header", "cover"):
        # The edition's block stands where the slogan stands on the audience's own sheet.
        return (leaflet.edition.path, leaflet.edition.line, what,
                "Khối của xã hoặc chiến dịch trên tờ này quá dài: hãy viết ngắn địa chỉ, giờ làm việc, thông điệp (`message:`) của mục này")
    part = leaflet.parts[overflow.first_part] if overflow.first_part is not None else None
    if part is not None:
        between = f"`{mark(marker, part.role)}` và `{mark(marker, closing=True)}`"
        if leaflet.language_vi and part.status != "fallback":
            # Written by a native speaker: a communicator who does not read it must not cut it.
            fix = (f"Phần này viết bằng {leaflet.language_vi}: chỉ người bản ngữ rút ngắn được, cán bộ không đọc được "
                   f"{leaflet.language_vi} đừng tự sửa. Gửi người dịch (`outreach translations export {leaflet.lang} --all`) "
                   f"nhờ rút ngắn các phần giữa {between}, bắt đầu từ phần này")
        else:
            fix = f"Hãy rút ngắn các phần giữa {between}, bắt đầu từ phần này"
        return part.path, part.line, what, fix
    if region is not None and not region.roles:
        return leaflet.overview, 1, what, "Hãy dùng ít số liệu hơn trong các phần in: căn cứ pháp lý của chúng in ở đây"
    return leaflet.overview, 2, what, "Hãy rút ngắn tiêu đề trang (`title:` ở phần đầu trang)"


# --- what the build writes -------------------------------------------------------


def thumbnail_file(leaflet: Leaflet, page: int) -> str:
    return f"{SHEETS_DIR}/{leaflet.lang}/{leaflet.stem}-{page}.png"


def leaflet_files(rendered: list[tuple[Leaflet, Rendered]], previews: list[tuple[bytes, ...]],
                  languages: Sequence[Language]) -> dict[str, bytes]:
    """Site-relative path -> bytes: every PDF, every page preview (`render_previews`, in the same order) and the contact sheet."""
    files: dict[str, bytes] = {}
    for (leaflet, result), pngs in zip(rendered, previews, strict=True):
        for variant in result.variants:
            files[leaflet.file(variant.variant)] = variant.pdf
        for page, png in enumerate(pngs, start=1):
            files[thumbnail_file(leaflet, page)] = png
    files[CONTACT_SHEET] = _contact_sheet(rendered, languages).encode("utf-8")
    return files


def _contact_sheet(rendered: list[tuple[Leaflet, Rendered]], languages: Sequence[Language]) -> str:
    team_language = default_language(languages)
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    depth = "../" * SHEETS_DIR.count("/") + "../"
    sheets = [{
        "lang": leaflet.lang,
        "audience": leaflet.audience,
        "title": leaflet.title,
        "format": team_language.t(f"leaflet.format.{leaflet.format.name}"),
        "pages": [posixpath.relpath(thumbnail_file(leaflet, page), SHEETS_DIR) for page in range(1, result.pages + 1)],
        "files": [(variant.variant, depth + leaflet.file(variant.variant)) for variant in result.variants],
        "valid_until": format_day(leaflet.valid_until) if leaflet.valid_until else None,
        "type_pt": _in_vietnamese(dict(result.type_pt).get(main_region(leaflet).id)),
    } for leaflet, result in rendered]
    by_language: dict[str, list[dict]] = {}
    for sheet in sheets:
        by_language.setdefault(sheet["lang"], []).append(sheet)
    names = {language.code: language.name for language in languages}
    return environment.get_template("contact-sheet.html").render(t=team_language.t, languages=by_language, names=names)


def _in_vietnamese(size: float | None) -> str | None:
    """A size as the team reads it, with a decimal comma (15,75), as policy figures are written."""
    return None if size is None else format_decimal(size, locale=FORMAT_LOCALE)



def main_region(leaflet: Leaflet) -> Region:
    return next(r for r in leaflet.format.regions if "" in r.roles)
