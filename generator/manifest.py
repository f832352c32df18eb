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
from .paper.leaflet_render import Rendered, thumbnail_file
from .paper.leaflets import Leaflet
from .compose.pages import SitePage
from .sources.policy import PolicyData
from .compose.qr import QrCode
from .sources.published import (MANIFEST_NAME, FigureEntry, ImageEntry, LanguageEntry, LeafletEntry, PageEntry,
                                SiteManifest)


def build_manifest(root: Path, *, site_url: str, as_of: dt.date, release: bool, languages: tuple[Language, ...],
                   pages: list[SitePage], policy: PolicyData, qr_codes: list[QrCode],
                   printed: list[tuple[Leaflet, Rendered]], cards: list[CardSpec],
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
                previews=[thumbnail_file(leaflet, page) for page in range(1, len(rendered.thumbnails) + 1)],
                status=leaflet.status, release=release, unverified_figures=list(leaflet.unverified),
                commune=leaflet.edition.tag if leaflet.edition and leaflet.edition.kind == "commune" else None,
                campaign=leaflet.edition.tag if leaflet.edition and leaflet.edition.kind == "campaign" else None,
            )
            for leaflet, rendered in printed
            for variant in rendered.variants
        ],
        qr=[qr.as_manifest() for qr in qr_codes],
        tagged_codes=[t.as_manifest() for t in tagged_codes],
        images=[
            ImageEntry(kind=card.kind, lang=card.lang, audience=card.audience, file=card.file, width=card.width,
                       height=card.height, status=card.status, release=release, unverified_figures=list(card.unverified))
            for card in cards
        ],
    )


def manifest_files(manifest: SiteManifest) -> dict[str, bytes]:
    return {MANIFEST_NAME: manifest.file_bytes()}
