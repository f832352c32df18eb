"""The build: every stage in order, from content files to a finished site.

    read content -> policy figures -> short links (QR lockfile) -> plan leaflets
                 -> compose pages per language -> website (MkDocs, one shard per core), and meanwhile
                    QR images and redirects, leaflets and cards (all cores) -> manifest

A build that fails leaves the previous site exactly as it was: the new site is
written beside it and swapped in only when complete.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import publisher
from .cache import PACKAGE_DIR, ArtifactCache, digest, files_digest, library_versions
from .content import SiteConfig, SourcePage, check_page_bodies, load_assets, load_pages, load_site_config
from .languages import Language, default_language, load_languages
from .manifest import build_manifest, write_manifest
from .leaflet_render import render_all, write_leaflets
from .leaflets import Leaflet, downloads_for, plan_leaflets
from .images import CardSpec, card_specs, draw_all, write_cards
from .pages import PageExtras, SitePage, compose_pages, infographic_pages, resolve_languages
from .policy import PolicyData, load_policy
from .problems import Problem, ProblemLog
from .qr import MAX_VERSION, QrCode, QrTooLarge, plan_qr_codes, write_qr_outputs
from .shortlinks import assign_short_links, write_lock
from .translations import TranslationState, translation_states, write_status_page


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def qr_lockfile(self) -> Path:
        return self.content_dir / "qr-lock.yml"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".outreach-cache"

    def fingerprint(self, as_of: dt.date, site_url: str) -> str:
        """Every input of a build: content, settings, the generator's code and data, libraries."""
        files = [p for p in self.content_dir.rglob("*") if p.is_file()] + [self.config_file]
        files += [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        return digest(files_digest(files), library_versions(), as_of.isoformat(), site_url)


@dataclass(frozen=True)
class Composition:
    """Everything the site is made from, validated."""

    languages: tuple[Language, ...]
    site: SiteConfig
    policy: PolicyData
    pages: list[SitePage]
    translation_states: list[TranslationState]
    assets: dict[str, dict[str, Path]]  # per language: path in the site -> file in content/
    qr_codes: list[QrCode]
    leaflets: list[Leaflet]
    cards: list[CardSpec]
    lock_entries: dict[str, str]  # the QR lockfile as it must be after this build
    site_url: str
    warnings: list[Problem]


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    composition: Composition
    manifest: dict
    cache: ArtifactCache
    reused: bool = False  # nothing changed since the last build: the site was left as it was


class Progress:
    """Told about long steps; the CLI shows a bar on a terminal, plain lines elsewhere."""

    def start(self, label: str, total: int) -> None: ...

    def advance(self) -> None: ...

    def finish(self) -> None: ...


def read_sources(project: Project, log: ProblemLog) -> tuple[tuple[Language, ...], SiteConfig, list[SourcePage]]:
    """The pages as written, validated one by one (enough for the translation status)."""
    languages = load_languages()
    site = load_site_config(project.content_dir / "site.yml", log)
    log.raise_if_errors()
    return languages, site, load_pages(project.content_dir, languages, site, log)


def compose(project: Project, as_of: dt.date, site_url: str | None = None) -> Composition:
    """Read and validate all content; raises ContentError listing every mistake."""
    log = ProblemLog(project.root)
    site_url = site_url or publisher.configured_site_url(project.config_file)
    policy = load_policy(project.content_dir / "policy.yml", log)
    # Without valid settings and figures every page would report false errors.
    log.raise_if_errors()
    languages, site, sources = read_sources(project, log)
    assets = load_assets(project.content_dir, languages)
    check_page_bodies(sources, assets, log)
    resolved = resolve_languages(sources, languages)
    links, lock_entries = assign_short_links(project.qr_lockfile, sources, log)
    qr_codes = _plan_qr_codes(links, languages, site_url, project, log)
    rel_of = {link.code: link.rel for link in links}
    qr_by_page = {(qr.lang.code, rel_of[qr.code]): qr for qr in qr_codes}
    leaflets = plan_leaflets(resolved, qr_by_page, policy, site, as_of, log)
    downloads = downloads_for(leaflets, {language.code: language.t for language in languages})
    extras = {
        key: PageExtras(qr=qr_by_page.get(key), downloads=tuple(downloads.get(key, ())))
        for key in qr_by_page.keys() | downloads.keys()
    }
    pages = compose_pages(resolved, policy, site, as_of, extras, log)
    pages += infographic_pages(pages, site)
    cards = card_specs(
        pages,
        {(qr.lang.code, rel.split("/")[0]): qr for (_, rel), qr in qr_by_page.items() if rel.endswith("/index.md")},
        site.contacts.get("hotline", ""),
    )
    _warn_unverified(policy, as_of, log)
    log.raise_if_errors()
    states = translation_states(sources, languages)
    return Composition(languages, site, policy, pages, states, assets, qr_codes, leaflets, cards, lock_entries, site_url, log.warnings)


def _plan_qr_codes(links, languages, site_url, project, log) -> list[QrCode]:
    try:
        return plan_qr_codes(links, languages, site_url)
    except QrTooLarge as error:
        log.error(project.config_file, 1,
                  f"Địa chỉ ngắn {error} quá dài cho mã QR nhỏ (phiên bản {MAX_VERSION}). "
                  "Dùng `site_url` ngắn hơn trong mkdocs.yml, hoặc mã QR ngắn hơn.")
        return []


def _warn_unverified(policy: PolicyData, as_of: dt.date, log: ProblemLog) -> None:
    """List stated figures, in force or coming, that nobody checked against the official text."""
    for figure in policy.figures.values():
        if figure.formula is not None:
            continue  # derived figures inherit their inputs' state
        relevant = [figure.shown_on(as_of)] + [p for p in figure.periods if p.start > as_of]
        bases = list(dict.fromkeys(p.basis for p in relevant if not p.verified))
        if bases:
            log.warning(policy.path, figure.line,
                        f"Số liệu `{figure.key}` chưa đối chiếu văn bản gốc ({'; '.join(bases)}). "
                        "Kiểm tra trên vbpl.vn hoặc congbao.chinhphu.vn rồi đặt `verified: true` trước khi in.")


def check(project: Project, as_of: dt.date, progress: Progress | None = None) -> list[Problem]:
    """Everything a build checks, leaflets rendered (or taken from the cache), no site written. Returns warnings."""
    composition = compose(project, as_of)
    cache = ArtifactCache(project.cache_dir)
    render_all(composition.leaflets, project.root, progress or Progress(), cache)
    draw_all(composition.cards, project.root, progress or Progress(), cache)
    return composition.warnings


def build(project: Project, site_dir: Path, as_of: dt.date, site_url: str | None = None,
          progress: Progress | None = None, cache: ArtifactCache | None = None) -> BuildResult:
    composition = compose(project, as_of, site_url)
    site_url = composition.site_url
    site_dir = site_dir.resolve()
    cache = cache if cache is not None else ArtifactCache(project.cache_dir)
    fingerprint = project.fingerprint(as_of, site_url)
    last = cache.last_build(site_dir)
    if last and last["fingerprint"] == fingerprint and (site_dir / "manifest.json").exists():
        manifest = json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))
        return BuildResult(site_dir, composition, manifest, cache, reused=True)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    # Staged beside the target so the final swap is a rename on one file system.
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-", dir=site_dir.parent))
    work_dir = Path(tempfile.mkdtemp(prefix="outreach-work-"))
    try:
        new_site = staging / "site"
        website = publisher.publishing(
            composition.pages, composition.assets, composition.languages, composition.site,
            project.config_file, new_site, work_dir, site_url,
        )
        # Everything else is written while the website renders on the other cores.
        with website:
            write_qr_outputs(composition.qr_codes, new_site, site_url)
            write_status_page(composition.translation_states, new_site, default_language(composition.languages))
            printed = render_all(composition.leaflets, project.root, progress or Progress(), cache)
            write_leaflets(printed, new_site, default_language(composition.languages))
            drawn = draw_all(composition.cards, project.root, progress or Progress(), cache)
            write_cards(drawn, new_site)
        manifest = build_manifest(project.root, composition, printed, as_of)
        write_manifest(manifest, new_site)
        _swap_in(new_site, site_dir)
        # Only a finished build issues new codes: they may be printed from now on.
        write_lock(project.qr_lockfile, composition.lock_entries)
        cache.record_build(site_dir, project.fingerprint(as_of, site_url))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(work_dir, ignore_errors=True)
    return BuildResult(site_dir, composition, manifest, cache)


def _swap_in(new_site: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = new_site.parent / "old"
        site_dir.rename(old)
    new_site.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
