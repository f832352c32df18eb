"""`manifest.json`: what a build made, for tests, print shops and deploy tools."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .editions import TaggedCode
from .paper.images import CardSpec
from .sources.languages import Language
from .paper.leaflet_render import Rendered, thumbnail_file
from .paper.leaflets import Leaflet
from .compose.pages import SitePage
from .sources.policy import PolicyData
from .compose.qr import QrCode

MANIFEST_NAME = "manifest.json"


def build_manifest(root: Path, *, site_url: str, as_of: dt.date, release: bool, languages: tuple[Language, ...],
                   pages: list[SitePage], policy: PolicyData, qr_codes: list[QrCode],
                   printed: list[tuple[Leaflet, Rendered]], cards: list[CardSpec],
                   tagged_codes: list[TaggedCode] = ()) -> dict:
    return {
        "as_of": as_of.isoformat(),
        "site_url": site_url,
        "release": release,
        "languages": [
            {"code": l.code, "html_lang": l.html_lang, "name": l.name, "url": l.url_prefix, "interface": l.review_status}
            for l in languages
        ],
        "pages": [
            {
                "lang": p.lang.code,
                "audience": p.audience,
                "overview": p.key.is_overview,
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
            {"key": f.key, "label": f.label, "basis": f.shown_on(as_of).basis_text}
            for f in policy.figures.values()
            if f.formula is None and f.unverified_on(as_of)
        ],
        "leaflets": [
            {
                "lang": leaflet.lang, "audience": leaflet.audience, "format": leaflet.format.name,
                "variant": variant.variant, "file": leaflet.file(variant.variant), "pages": rendered.pages,
                "qr_url": leaflet.qr_url, "issued": leaflet.issued.isoformat(),
                "valid_until": leaflet.valid_until.isoformat() if leaflet.valid_until else None,
                "previews": [thumbnail_file(leaflet, page) for page in range(1, len(rendered.thumbnails) + 1)],
                "status": leaflet.status, "release": release, "unverified_figures": list(leaflet.unverified),
                "commune": leaflet.edition.tag if leaflet.edition and leaflet.edition.kind == "commune" else None,
                "campaign": leaflet.edition.tag if leaflet.edition and leaflet.edition.kind == "campaign" else None,
            }
            for leaflet, rendered in printed
            for variant in rendered.variants
        ],
        "qr": [qr.as_manifest() for qr in qr_codes],
        # `q/<guide code>-<commune or campaign>/`: the same guide, counted apart in access logs.
        "tagged_codes": [t.as_manifest() for t in tagged_codes],
        "images": [
            {"kind": card.kind, "lang": card.lang, "audience": card.audience, "file": card.file,
             "width": card.width, "height": card.height, "status": card.status, "release": release,
             "unverified_figures": list(card.unverified)}
            for card in cards
        ],
    }


def read_previous(path: Path | None) -> dict:
    """The previous site's manifest, or {} when there is none or it cannot be read (a damaged one is rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def moves_in(previous: dict, qr_codes: list[QrCode], reasons: dict[str, str], as_of: dt.date, release: bool) -> dict:
    """The manifest's record of codes whose page changed: `moves` (every change since the first build, oldest
    first: code, from, to, since, reason, released) and, in a release, `release_moves` (those no release listed yet)."""
    history = [dict(m) for m in previous.get("moves", []) if isinstance(m, dict) and isinstance(m.get("code"), str)]
    before = {e["code"]: e["page"] for e in previous.get("qr", [])
              if isinstance(e, dict) and isinstance(e.get("code"), str) and isinstance(e.get("page"), str)}
    for qr in qr_codes:
        if before.get(qr.code, qr.page) != qr.page:
            history.append({"code": qr.code, "from": before[qr.code], "to": qr.page, "since": as_of.isoformat(),
                            "reason": reasons.get(qr.code), "released": False})
    record = {"moves": history}
    if release:
        record["release_moves"] = [dict(m) for m in history if not m.get("released")]
        for move in history:
            move["released"] = True
    return record


def manifest_files(manifest: dict) -> dict[str, bytes]:
    return {MANIFEST_NAME: (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}
