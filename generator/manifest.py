"""`manifest.json`: what a build made, for tests, print shops and deploy tools.

The runner's side of the contract declared in sources/published.py: a SiteManifest filled from the
build's objects.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .editions import TaggedCode
from .paper.images import CardSpec
from .sources.languages import Language
from .paper.leaflet_render import Printed, thumbnail_file
from .paper.leaflets import Leaflet
from .compose.pages import SitePage
from .sources.policy import PolicyData
from .compose.qr import QrCode
from .sources.published import (MANIFEST_NAME, FigureEntry, ImageEntry, LanguageEntry, LeafletEntry, LeftOutEntry,
                                MoveEntry, PageEntry, SiteManifest)


def build_manifest(root: Path, *, site_url: str, as_of: dt.date, release: bool, languages: tuple[Language, ...],
                   pages: list[SitePage], policy: PolicyData, qr_codes: list[QrCode],
                   printed: Printed, cards: list[CardSpec],
                   tagged_codes: list[TaggedCode] = ()) -> SiteManifest:
    return SiteManifest(
        as_of=as_of,
        site_url=site_url,
        release=release,
        languages=[LanguageEntry(code=l.code, html_lang=l.html_lang, name=l.name, url=l.url_prefix, interface=l.review_status)
                   for l in languages],
        pages=[
            PageEntry(lang=p.lang.code, audience=p.audience, overview=p.key.is_overview, kind=p.kind,
                      source=p.source.path.resolve().relative_to(root.resolve()).as_posix(), url=p.url, title=p.title,
                      status=p.status, outdated=p.outdated)
            for p in pages
        ],
        unverified_figures=[
            FigureEntry(key=f.key, label=f.label, basis=f.shown_on(as_of).basis_text)
            for f in policy.figures.values()
            if f.formula is None and f.unverified_on(as_of)
        ],
        leaflets=[
            LeafletEntry(
                lang=leaflet.lang, audience=leaflet.audience, format=leaflet.format.name,
                variant=variant.variant, file=leaflet.file(variant.variant), pages=rendered.pages,
                qr_url=leaflet.qr_url, issued=leaflet.issued, valid_until=leaflet.valid_until,
                previews=[thumbnail_file(leaflet, page) for page in range(1, rendered.pages + 1)],
                status=leaflet.status, release=release, unverified_figures=list(leaflet.unverified),
                **_edition(leaflet),
            )
            for leaflet, rendered in printed.sheets
            for variant in rendered.variants
        ],
        # Sheets whose text does not fit: not printed, and why (`path`:`line` is the part to shorten).
        left_out=[
            LeftOutEntry(file=leaflet.file(), lang=leaflet.lang, audience=leaflet.audience, format=leaflet.format.name,
                         **_edition(leaflet), **reason)
            for leaflet in printed.left_out
            for reason in _reasons(leaflet, printed.problems)
        ],
        qr=[qr.as_manifest() for qr in qr_codes],
        tagged_codes=[t.as_manifest() for t in tagged_codes],
        images=[
            ImageEntry(kind=card.kind, lang=card.lang, audience=card.audience, file=card.file, width=card.width,
                       height=card.height, status=card.status, release=release, unverified_figures=list(card.unverified))
            for card in cards
        ],
    )


def moves_in(manifest: SiteManifest, previous: SiteManifest | None, qr_codes: list[QrCode], reasons: dict[str, str]) -> SiteManifest:
    """`manifest` with its record of codes whose page changed: the previous site's `moves` and this build's, and in a
    release `release_moves`, those no release listed yet (then marked released)."""
    history = list(previous.moves) if previous else []
    before = {entry.code: entry.page for entry in previous.qr} if previous else {}
    for qr in qr_codes:
        if before.get(qr.code, qr.page) != qr.page:
            history.append(MoveEntry(code=qr.code, from_page=before[qr.code], to=qr.page, since=manifest.as_of,
                                     reason=reasons.get(qr.code)))
    if not manifest.release:
        return manifest.model_copy(update={"moves": history})
    listed = [move for move in history if not move.released]
    return manifest.model_copy(update={"moves": [move.model_copy(update={"released": True}) for move in history],
                                       "release_moves": listed})


def manifest_files(manifest: SiteManifest) -> dict[str, bytes]:
    return {MANIFEST_NAME: manifest.file_bytes()}


def _edition(leaflet: Leaflet) -> dict:
    return {"commune": leaflet.edition.tag if leaflet.edition and leaflet.edition.kind == "commune" else None,
            "campaign": leaflet.edition.tag if leaflet.edition and leaflet.edition.kind == "campaign" else None}


def _reasons(leaflet: Leaflet, problems) -> list[dict]:
    """The problem that names this sheet (one problem may name several)."""
    named = [p for p in problems if leaflet.file() in p.message] or list(problems[:1])
    return [{"path": p.path, "line": p.line, "message": p.message} for p in named[:1]]
