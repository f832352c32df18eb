"""`manifest.json`: what a build made, for tests, print shops and deploy tools."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .build import Composition
    from .leaflet_render import Rendered
    from .leaflets import Leaflet

from .leaflet_render import thumbnail_file

MANIFEST_NAME = "manifest.json"


def build_manifest(root: Path, composition: "Composition", printed: list[tuple["Leaflet", "Rendered"]], as_of: dt.date) -> dict:
    languages, pages, policy = composition.languages, composition.pages, composition.policy
    return {
        "as_of": as_of.isoformat(),
        "site_url": composition.site_url,
        "languages": [
            {"code": l.code, "html_lang": l.html_lang, "name": l.name, "url": l.url_prefix, "interface": l.review_status}
            for l in languages
        ],
        "pages": [
            {
                "lang": p.lang.code,
                "audience": p.audience,
                "kind": p.kind,
                "source": p.source.path.resolve().relative_to(root.resolve()).as_posix(),
                "url": p.url,
                "title": p.title,
                "status": p.status,
                "outdated": p.outdated,
            }
            for p in pages
        ],
        "unverified_figures": [
            {"key": f.key, "label": f.label, "basis": f.shown_on(as_of).basis}
            for f in policy.figures.values()
            if f.formula is None and not f.shown_on(as_of).verified
        ],
        "leaflets": [
            {
                "lang": leaflet.lang, "audience": leaflet.audience, "format": leaflet.format.name,
                "variant": variant.variant, "file": leaflet.file(variant.variant), "pages": rendered.pages,
                "qr_url": leaflet.qr_url, "issued": leaflet.issued.isoformat(),
                "valid_until": leaflet.valid_until.isoformat() if leaflet.valid_until else None,
                "previews": [thumbnail_file(leaflet, page) for page in range(1, len(rendered.thumbnails) + 1)],
            }
            for leaflet, rendered in printed
            for variant in rendered.variants
        ],
        "qr": [qr.as_manifest() for qr in composition.qr_codes],
        "images": [
            {"kind": card.kind, "lang": card.file.split("/")[1], "audience": card.file.split("/")[2],
             "file": card.file, "width": card.width, "height": card.height}
            for card in composition.cards
        ],
    }


def write_manifest(manifest: dict, site_dir: Path) -> Path:
    path = site_dir / MANIFEST_NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
