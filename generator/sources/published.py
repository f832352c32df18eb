"""What a built site published: `manifest.json` as declared models, written and read by this code.

The runner fills a `SiteManifest` from the build's objects (generator/manifest.py) and writes it;
the next build reads the previous one back through `read_manifest` (the QR lock's history, the
commune and campaign codes kept), and so do `outreach stats` and deploy tools. One declaration for
both sides: a field renamed or dropped on one side fails on the other, in a test.

A manifest is the build's own output, but a site folder can be damaged or hand-edited: a file that
does not match these models is treated as no previous site (nothing to compare with), never as a
crash. `version` changes when a field's meaning does.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageEntry(Entry):
    code: str
    html_lang: str
    name: str
    url: str
    interface: str  # review status of the interface catalogue


class PageEntry(Entry):
    lang: str
    audience: str | None
    overview: bool
    kind: str
    source: str  # relative to the project
    url: str
    title: str
    status: str
    outdated: bool


class FigureEntry(Entry):
    key: str
    label: str
    basis: str


class LeafletEntry(Entry):
    lang: str
    audience: str
    format: str
    variant: str
    file: str
    pages: int
    qr_url: str
    issued: dt.date
    valid_until: dt.date | None
    previews: list[str]
    status: str
    release: bool
    unverified_figures: list[str]
    commune: str | None
    campaign: str | None


class LeftOutEntry(Entry):
    """A sheet whose text does not fit, not printed this time, and where to shorten it."""

    file: str
    lang: str
    audience: str
    format: str
    commune: str | None
    campaign: str | None
    path: str  # the part to shorten (or the commune's or campaign's entry), relative to the project
    line: int
    message: str  # as the command printed it


class QrFiles(Entry):
    svg: str
    png: str


class QrEntry(Entry):
    code: str
    lang: str
    page: str  # the source of the page the code opens ("vi/tu-nguyen/gioi-thieu.md")
    url: str  # the printed short address
    target: str
    version: int
    error_correction: str
    print_mm: float
    files: QrFiles


class TaggedCodeEntry(Entry):
    """`q/<guide code>-<commune or campaign>/`: the same guide, counted apart in access logs."""

    code: str
    base: str  # the guide's own code
    commune: str | None = None
    campaign: str | None = None
    lang: str
    page: str
    url: str
    target: str

    @property
    def tag(self) -> tuple[str, str]:
        """(kind, tag): ("commune", "mau1") or ("campaign", "t5-2026")."""
        return ("commune", self.commune) if self.commune is not None else ("campaign", self.campaign or "")


class ImageEntry(Entry):
    kind: str
    lang: str
    audience: str | None
    file: str
    width: int
    height: int
    status: str
    release: bool
    unverified_figures: list[str]


class MoveEntry(Entry):
    """A printed code that opens another page from `since` on (the lockfile's `moves:` as the sites saw it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    code: str
    from_page: str = Field(alias="from")  # the page it opened in the previous site
    to: str
    since: dt.date  # the build date of the first site where it opened `to`
    reason: str | None = None  # required by the lockfile for a move to another audience or language
    released: bool = False  # listed by a release already


class SiteManifest(Entry):
    version: int = MANIFEST_VERSION
    as_of: dt.date
    site_url: str
    release: bool
    languages: list[LanguageEntry]
    pages: list[PageEntry]
    unverified_figures: list[FigureEntry]
    leaflets: list[LeafletEntry]
    left_out: list[LeftOutEntry] = []  # sheets whose text does not fit (a site built before they were listed has none)
    qr: list[QrEntry]
    tagged_codes: list[TaggedCodeEntry]
    images: list[ImageEntry]
    moves: list[MoveEntry] = []  # every code whose page changed, oldest first, kept from site to site
    release_moves: list[MoveEntry] | None = None  # in a release: the moves no release had listed yet

    def as_json(self) -> dict:
        """The manifest as `manifest.json` holds it (dates as ISO text)."""
        return self.model_dump(mode="json", by_alias=True)

    def file_bytes(self) -> bytes:
        return (json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class ManifestUnreadable(ValueError):
    """A manifest that cannot be read or is not one this code wrote; the message says why, for the log."""


def read_manifest(path: Path) -> SiteManifest:
    """The manifest at `path`; OSError when it cannot be read, ManifestUnreadable when it is not a manifest."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ManifestUnreadable(f"not JSON ({error})") from None
    # Sites built before the manifest carried a version wrote version 1's fields.
    if not isinstance(data, dict) or data.setdefault("version", 1) != MANIFEST_VERSION:
        raise ManifestUnreadable(f"not a manifest of version {MANIFEST_VERSION}")
    try:
        return SiteManifest.model_validate(data)
    except ValidationError as error:
        raise ManifestUnreadable(f"{error.error_count()} fields do not match") from None


def previous_manifest(path: Path | None) -> SiteManifest | None:
    """The previous site's manifest, or None where there is none to compare with (first build, damaged file)."""
    if path is None:
        return None
    try:
        return read_manifest(path)
    except (OSError, ManifestUnreadable):
        return None
