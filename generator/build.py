"""The build: every stage in order, from content files to a finished site.

    read content -> policy figures -> short links (QR lockfile) -> render pages per language
                 -> plan leaflets and cards -> release gate
                 -> website (MkDocs, one shard per core), and meanwhile leaflets and cards (all cores)
                 -> one writer -> manifest -> swap in

Two kinds of build. A draft (`outreach build`, `outreach serve`) marks every
printed page and card "BẢN NHÁP — KHÔNG PHÁT HÀNH". A release (`--release`)
makes what may be printed and published, and refuses, before writing
anything, a placeholder or local site address, an unverified figure on paper
and an unreviewed translation on paper (unless allowed for that language,
which then prints the draft mark on those sheets).

A build that fails leaves the previous site exactly as it was: the new site is
written beside it and swapped in only when complete.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import gate, swap
from .web import publisher
from .sources.activities import ACTIVITY_FOLDER, OTHER_AUDIENCES, Activity, Vocabulary, load_activities
from .sources.campaigns import Campaign, load_campaigns
from .assets import PACKAGE_DIR
from .cache import ArtifactCache, digest, files_digest, library_versions, machine_cache
from .sources.communes import Commune, load_communes, refuse_samples
from .sources.content import SiteConfig, SourcePage, check_page_links, content_files, load_assets, load_pages, load_site_config
from .editions import (EditionChoice, TaggedCode, check_selection, edition_page_files, editions_for, keep_published,
                       plan_tagged_codes)
from .paper.images import CardSpec, card_files, card_specs, draw_all, share_specs
from .sources.languages import Language, default_language, load_languages
from .paper.leaflet_render import Printed, leaflet_files, render_all, render_previews, sheets_that_fit
from .paper.leaflet_layout import VARIANTS
from .paper.leaflets import FORMATS, Leaflet, downloads_for, plan_leaflets, warn_of_coming_changes
from .paper.loudspeaker import Script, plan_scripts, refuse_unverified, script_files
from .paper.slides import Kit, kit_files, plan_kits
from .manifest import build_manifest, manifest_files, moves_in
from .output import gather, write_files
from .print_register import read_register, register_path
from .compose import quick_ask
from .compose.pages import PageExtras, SitePage, compose_pages, infographic_pages, resolve_languages
from .sources.policy import PolicyData, load_policy
from .sources.qa_bank import Bank, bank_pages, check_links as check_bank_links, load_bank, replaces_written_pages
from .sources.published import MANIFEST_NAME, SiteManifest, previous_manifest
from .problems import ContentError, Problem, ProblemLog, Severity
from .compose.qr import MAX_URL_BYTES, MAX_VERSION, AddressTooLong, QrCode, image_files, plan_qr_codes
from .web.redirects import redirect_files
from .web.server import server_files
from .render.renderer import Place, Renderer
from .sources.shortlinks import Lock, assign_short_links, check_history, check_moves, lock_text, read_lock, write_lock
from .compose.translations import TranslationState, status_page_files, translation_states



@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def site_file(self) -> Path:
        return self.content_dir / "site.yml"

    @property
    def config_file(self) -> Path:
        """MkDocs' settings: read by the publisher only."""
        return self.root / "mkdocs.yml"

    @property
    def qr_lockfile(self) -> Path:
        return self.content_dir / "qr-lock.yml"

    @property
    def communes_file(self) -> Path:
        return self.content_dir / "communes.yml"

    @property
    def campaigns_file(self) -> Path:
        return self.content_dir / "campaigns.yml"

    @property
    def activities_dir(self) -> Path:
        """The communes' activity records (`<year>.csv`) and the print register: records, not build inputs."""
        return self.content_dir / ACTIVITY_FOLDER

    @property
    def cache_dir(self) -> Path:
        return self.root / ".outreach-cache"


@dataclass(frozen=True)
class BuildOptions:
    as_of: dt.date
    site_url: str | None = None  # overrides `site_url:` in content/site.yml (checked by the CLI)
    release: bool = False
    allow_drafts: tuple[str, ...] = ()  # languages whose draft translations a release may print, marked
    print_shop: bool = False  # also the print-shop and photocopy variants of every sheet (a release always has them)
    editions: EditionChoice = EditionChoice()  # the commune editions to print (`outreach print`)
    slides: bool = False  # the meeting kit: slides and quiz sheets per audience and language (`outreach print --slides`)
    new_site_url: bool = False  # a release may publish under another address than the previous site's


@dataclass(frozen=True)
class Composition:
    """Everything the site is made from, validated."""

    languages: tuple[Language, ...]
    site: SiteConfig
    site_url: str
    policy: PolicyData
    pages: list[SitePage]
    translation_states: list[TranslationState]
    assets: dict[str, dict[str, Path]]  # per language: path in the site -> file in content/
    qr_codes: list[QrCode]
    leaflets: list[Leaflet]
    cards: list[CardSpec]
    lock: Lock  # the QR lockfile as it must be after this build
    warnings: list[Problem]
    communes: list[Commune] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    tagged_codes: list[TaggedCode] = field(default_factory=list)  # commune- and campaign-tagged codes of every guide
    bank: Bank = Bank((), ())  # the question-and-answer bank (content/hoi-dap/)
    quick_ask: dict[str, dict[str, bytes]] = field(default_factory=dict)  # per language prefix: the "Hỏi nhanh" box's files
    scripts: list[Script] = field(default_factory=list)  # loudspeaker scripts per audience and language
    kits: list[Kit] = field(default_factory=list)  # meeting slides and quiz sheets, when asked for
    left_out: list[Leaflet] = field(default_factory=list)  # sheets whose text does not fit: not printed, not linked
    left_out_problems: list[Problem] = field(default_factory=list)  # why, at the part to shorten


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    manifest: SiteManifest
    warnings: list[Problem]
    cache: ArtifactCache
    composition: Composition | None  # None when nothing changed: the site was left as it was

    @property
    def reused(self) -> bool:
        return self.composition is None

    @property
    def left_out(self) -> list[Problem]:
        """Why sheets were left out of this build (from its manifest, so a build that changed nothing tells it again)."""
        return list(dict.fromkeys(Problem(e.path, e.line, e.message) for e in self.manifest.left_out))


class Progress:
    """Told about long steps; the CLI shows a bar on a terminal, plain lines elsewhere."""

    def start(self, label: str, total: int) -> None: ...

    def advance(self) -> None: ...

    def finish(self) -> None: ...

    def left_out(self, problems: list[Problem]) -> None:
        """Sheets that will not be printed, and why: told before the long steps start."""


def read_sources(project: Project, log: ProblemLog) -> tuple[tuple[Language, ...], SiteConfig, list[SourcePage]]:
    """The pages as written, validated one by one (enough for the translation status)."""
    languages = load_languages()
    site = load_site_config(project.site_file, log)
    log.raise_if_errors()
    return languages, site, load_pages(project.content_dir, languages, site, log)


def read_editions(project: Project, site: SiteConfig, log: ProblemLog) -> tuple[list[Commune], list[Campaign]]:
    """communes.yml and campaigns.yml, whose codes share one namespace (the tags of short codes)."""
    communes = load_communes(project.communes_file, log)
    return communes, load_campaigns(project.campaigns_file, site, log, {c.code: (c.path, c.line) for c in communes})


def activity_vocabulary(project: Project, log: ProblemLog) -> tuple[Vocabulary, SiteConfig, list[Commune], list[Campaign]]:
    """What activity records may name, from the project's settings, communes and campaigns (mistakes logged)."""
    site = load_site_config(project.site_file, log)
    log.raise_if_errors()
    communes, campaigns = read_editions(project, site, log)
    vocabulary = Vocabulary([c.code for c in communes], [c.code for c in campaigns], (*site.audience_slugs, *OTHER_AUDIENCES),
                            [l.code for l in load_languages()],
                            [f"{audience}-{fmt.name}" for audience in site.audience_slugs for fmt in FORMATS])
    return vocabulary, site, communes, campaigns


def read_activities(project: Project, log: ProblemLog, years=None) -> list[Activity]:
    """The activity records of `years` (all if None), checked against the project's communes and campaigns."""
    vocabulary, *_ = activity_vocabulary(project, log)
    return load_activities(project.content_dir, vocabulary, log, years)


@dataclass(frozen=True)
class BankReading:
    """The Q&A bank with what its answers are rendered with: for `outreach export hoi-dap` and the benchmark."""

    bank: Bank
    languages: tuple[Language, ...]
    site: SiteConfig
    policy: PolicyData
    renderers: dict[str, Renderer]
    log: ProblemLog


def read_bank(project: Project, as_of: dt.date) -> BankReading:
    """The bank alone, checked as a build checks it (raises ContentError listing every mistake)."""
    log = ProblemLog(project.root)
    policy = load_policy(project.content_dir / "policy.yml", log)
    log.raise_if_errors()
    languages = load_languages()
    site = load_site_config(project.site_file, log)
    log.raise_if_errors()
    bank = load_bank(project.content_dir, site, languages, policy, log)
    log.raise_if_errors()
    renderers = {language.code: Renderer(language, policy, site, as_of, log) for language in languages}
    return BankReading(bank, languages, site, policy, renderers, log)


def compose(project: Project, options: BuildOptions, previous_manifest: Path | None = None,
            fitting=None) -> Composition:
    """Read and validate all content; raises ContentError listing every mistake.

    `fitting(leaflets)`, if given, says which sheets fit: (those that fit, those left out, why). A sheet left
    out is neither printed nor linked, and a release refuses to go without it.
    """
    log = ProblemLog(project.root)
    policy = load_policy(project.content_dir / "policy.yml", log)
    # Without valid settings and figures every page would report false errors.
    log.raise_if_errors()
    languages, site, sources = read_sources(project, log)
    site_url = options.site_url or site.site_url
    communes, campaigns = read_editions(project, site, log)
    check_selection(options.editions, communes, project.communes_file, site.audience_slugs, log)
    assets = load_assets(project.content_dir, languages, log)
    bank = load_bank(project.content_dir, site, languages, policy, log)
    generated = bank_pages(bank, languages, policy, options.as_of)
    check_page_links(sources, assets, log, frozenset(p.rel for p in generated))
    check_bank_links(bank, {p.rel for p in sources if p.lang == default_language(languages).code}, log)
    sources = replaces_written_pages(sources, generated, log)
    resolved = resolve_languages(sources, languages)
    written = read_lock(project.qr_lockfile, languages, log)
    links, lock = [], None
    if written is not None:
        check_history(written, project.qr_lockfile, project.root, previous_manifest, languages, log)
        check_moves(written, project.qr_lockfile, log)
        links, lock = assign_short_links(written, project.qr_lockfile, sources, languages, log)
    qr_codes = _plan_qr_codes(links, languages, site_url, site, options, log)
    qr_by_page = {(qr.lang.code, qr.key): qr for qr in qr_codes}
    renderers = {language.code: Renderer(language, policy, site, options.as_of, log) for language in languages}
    # A key message may quote figures, like any text: `{{ policy.… }}`, resolved as in Vietnamese.
    vietnamese = renderers[default_language(languages).code]
    campaigns = [dataclasses.replace(c, name=vietnamese.text(c.name, Place(c.path, c.line)),
                                     message=vietnamese.text(c.message, Place(c.path, c.line))) for c in campaigns]
    communes = [_substituted(c, vietnamese) for c in communes]
    tagged = plan_tagged_codes(qr_codes, communes, campaigns, languages, site_url, log)
    if written is not None:  # without the lockfile no guide has a code: every tagged code would look removed
        keep_published(tagged, previous_manifest, {"commune": project.communes_file, "campaign": project.campaigns_file}, log)
    editions = editions_for(communes, campaigns, options.editions, tagged, site.audience_slugs, options.as_of)
    variants = VARIANTS if options.release or options.print_shop else ("standard",)
    leaflets = plan_leaflets(resolved, qr_by_page, policy, site, options.as_of, options.release, log, variants, editions)
    warn_of_coming_changes(leaflets, policy, options.as_of, log)
    left_out, left_out_problems = [], []
    if fitting is not None and not log.errors and not (options.release and _refused_as_planned(site_url, site, options, policy, leaflets, log)):
        leaflets, left_out, left_out_problems = fitting(leaflets)
        if options.release:  # a release is complete or not made
            for problem in left_out_problems:
                log.error(problem.path, problem.line, problem.message)
    downloads = downloads_for(leaflets, {language.code: language.t for language in languages})
    extras = {key: PageExtras(qr=qr_by_page.get(key), downloads=tuple(downloads.get(key, ())))
              for key in qr_by_page.keys() | downloads.keys()}
    pages = compose_pages(resolved, renderers, extras, quick_ask_box=bool(bank.entries))
    box_files = quick_ask.site_files(bank, languages, renderers, site.hotline, options.as_of, options.release, log) if bank.entries else {}
    pages += infographic_pages(pages, site)
    cards = card_specs(pages, qr_by_page, site.hotline, options.release)
    scripts = plan_scripts(resolved, renderers, policy, options.as_of, log)
    kits = [kit for kit in plan_kits(bank, _guide_titles(pages), qr_codes, renderers, site.audience_slugs)
            if (not options.editions.audiences or kit.audience in options.editions.audiences)
            and (not options.editions.languages or kit.lang.code in options.editions.languages)] if options.slides else []
    _warn_unverified(policy, options.as_of, log)
    if options.release:
        release_gate(site_url, site, options, policy, leaflets, cards, log)
        refuse_unfit_answers(bank, policy, options.as_of, log)
        refuse_unverified(scripts, policy, options.as_of, log)
        gate_every_text(project, options, site, site_url, sources, policy, leaflets, cards, scripts, previous_manifest, log)
        refuse_samples(communes, log)
    log.raise_if_errors()
    states = translation_states(sources, languages)
    return Composition(languages, site, site_url, policy, pages, states, assets, qr_codes, leaflets, cards,
                       lock, log.warnings, communes, campaigns, tagged, bank, box_files, scripts, kits, left_out, left_out_problems)


def _substituted(commune: Commune, renderer: Renderer) -> Commune:
    """A commune's texts as printed: every field that reaches paper has its placeholders resolved (or refused)."""
    def text(value: str) -> str:
        return renderer.text(value, Place(commune.path, commune.line))

    office = dataclasses.replace(commune.office, name=text(commune.office.name), address=text(commune.office.address),
                                 hours=text(commune.office.hours))
    contact = commune.contact and dataclasses.replace(commune.contact, name=text(commune.contact.name), role=text(commune.contact.role))
    return dataclasses.replace(commune, name=text(commune.name), office=office, contact=contact)


def _plan_qr_codes(links, languages, site_url: str, site: SiteConfig, options: BuildOptions, log: ProblemLog) -> list[QrCode]:
    try:
        return plan_qr_codes(links, languages, site_url)
    except AddressTooLong as error:
        length = len(error.url.encode("utf-8"))
        message = (f"Địa chỉ trang web `{site_url}` quá dài cho mã QR in trên giấy: địa chỉ ngắn dài nhất `{error.url}` có {length} ký tự, "
                   f"tối đa {MAX_URL_BYTES} (mã QR phiên bản {MAX_VERSION}, khoảng 4 cm trên giấy). "
                   f"Hãy bớt {length - MAX_URL_BYTES} ký tự: rút ngắn đường dẫn sau tên miền hoặc dùng tên miền ngắn hơn.")
        if options.site_url:
            log.error("--site-url", 0, message)
        else:
            log.error(site.path, site.site_url_line, message)
        return []


def _warn_unverified(policy: PolicyData, as_of: dt.date, log: ProblemLog) -> None:
    """List stated figures, in force or coming, that nobody checked against the official text."""
    for figure in policy.figures.values():
        if figure.formula is not None:
            continue  # derived figures inherit their inputs' state
        bases = list(dict.fromkeys(p.basis_text for p in figure.unverified_on(as_of)))
        if bases:
            log.warning(policy.path, figure.line,
                        f"Số liệu `{figure.key}` chưa đối chiếu văn bản gốc ({'; '.join(bases)}). "
                        "Kiểm tra trên vbpl.vn hoặc congbao.chinhphu.vn rồi đặt `verified: true` trước khi in.",
                        topic="số liệu chưa đối chiếu")


def placeholder_address(site_url: str) -> str | None:
    """Why readers could never reach `site_url`, or None if it looks like a real public address."""
    return gate.unreachable_address(site_url)


def gate_every_text(project: Project, options: BuildOptions, site: SiteConfig, site_url: str, sources: list[SourcePage],
                    policy: PolicyData, leaflets: list[Leaflet], cards: list[CardSpec], scripts: list[Script],
                    previous_manifest: Path | None, log: ProblemLog) -> None:
    """The release gate's reading of the text itself: what communicators wrote, and the final text of every sheet,
    card and loudspeaker script."""
    gate.check_written_text(gate.written_files(project.content_dir, [p.path for p in sources]), policy, options.as_of, log)
    finals = [(l.file(), l.document("standard") if "standard" in dict(l.documents) else l.documents[0][1],
               l.edition.path if l.edition else l.overview, l.edition.line if l.edition else 1) for l in leaflets]
    finals += [(c.file, "\n".join([c.title, c.scan_text, c.hotline_text, c.notice, repr(c.columns)]), Path(c.path), c.line)
               for c in cards]
    finals += [(f"{s.stem}.pdf", "\n".join(f"{p.heading}\n{p.written}\n{p.text}" for p in s.parts), s.path, s.line) for s in scripts]
    gate.check_final_text(finals, site_url, log)
    where = ("--site-url", 0) if options.site_url else (site.path, site.site_url_line)
    gate.check_address_unchanged(site_url, previous_manifest, options.new_site_url, where, log)


def release_gate(site_url: str, site: SiteConfig, options: BuildOptions, policy: PolicyData,
                 leaflets: list[Leaflet], cards: list[CardSpec], log: ProblemLog) -> None:
    """Everything that must be true before anything may be printed, each failure one line."""
    reason = placeholder_address(site_url)
    if reason:
        where = ("--site-url", 0) if options.site_url else (site.path, site.site_url_line)
        log.error(*where, f"Bản phát hành cần địa chỉ thật của trang web: `{site_url}` là {reason}, "
                          "mã QR in ra sẽ không mở được. Sửa `site_url:` trong content/site.yml (hoặc dùng --site-url).")
    sheets = [(l.file(), l.lang, l.status, l.unverified, l.overview) for l in leaflets]
    sheets += [(c.file, c.lang, c.status, c.unverified, Path(c.path)) for c in cards]
    # One line per unchecked source, however many printed figures derive from it.
    printed: dict[tuple[int, str], list[str]] = {}
    for file, _, _, unverified, _ in sheets:
        for key in unverified:
            for source in policy.unverified_sources(key, options.as_of):
                files = printed.setdefault((source.line, source.key), [])
                if file not in files:
                    files.append(file)
    for (line, key), files in printed.items():
        log.error(policy.path, line,
                  f"Số liệu `{key}` chưa đối chiếu văn bản gốc mà có trên {len(files)} tờ in, ảnh (ví dụ {files[0]}). "
                  "Đối chiếu trên vbpl.vn hoặc congbao.chinhphu.vn rồi đặt `verified: true`, hoặc bỏ số liệu này khỏi phần in.")
    for file, lang, status, _, path in sheets:
        if status == "draft" and lang not in options.allow_drafts:
            log.error(path, 1, "In bản dịch nháp (chưa người bản ngữ nào duyệt). Cần người bản ngữ duyệt "
                               f"(`status: reviewed`), hoặc chạy với `--allow-draft {lang}` để in kèm dấu BẢN DỊCH NHÁP.",
                      seen_in=file)


def _refused_as_planned(site_url: str, site: SiteConfig, options: BuildOptions, policy: PolicyData,
                        leaflets: list[Leaflet], log: ProblemLog) -> bool:
    """Whether the release gate refuses the sheets as planned, before they are laid out.

    Laying out every sheet to see which fit takes minutes and fills the cache: a
    release the gate refuses anyway is refused at once and writes nothing. The
    gate itself still speaks once, after composing, with the cards as well.
    """
    trial = ProblemLog(log.root)
    release_gate(site_url, site, options, policy, leaflets, [], trial)
    return bool(trial.errors)


def refuse_unfit_answers(bank: Bank, policy: PolicyData, as_of: dt.date, log: ProblemLog) -> None:
    """A release publishes only answers that are reviewed, current and whose figures were checked."""
    entries = {entry.id: entry for entry in bank.entries}
    for entry_id, reasons in bank.unfit(as_of, policy).items():
        entry = entries[entry_id]
        log.error(entry.path, entry.line, f"Câu hỏi `{entry_id}` không phát hành được: {'; '.join(reasons)}. Cán bộ nghiệp vụ "
                                          "duyệt lại (`status: reviewed`, `reviewer:`, `valid_to:` mới) và đối chiếu số liệu "
                                          "trước khi phát hành.")


def check(project: Project, options: BuildOptions, progress: Progress | None = None) -> list[Problem]:
    """Everything a build checks, leaflets and cards rendered, nothing written into the project. Returns warnings.

    Renders a build already made come from the project's cache; new ones are
    kept in the machine cache (or nowhere, if it cannot be written).
    """
    try:
        composition = compose(project, options)
    except ContentError as error:
        raise ContentError(error.problems + _record_errors(project), error.warnings) from None
    if record_errors := _record_errors(project):
        raise ContentError(record_errors, composition.warnings)
    theme = ProblemLog(project.root)
    publisher.check_theme(theme)
    if theme.errors:
        raise ContentError(theme.errors, composition.warnings)
    cache = ArtifactCache(machine_cache("renders"), also_read=(project.cache_dir,))
    try:
        printed = render_all(composition.leaflets, project.root, progress or Progress(), cache)
        draw_all(composition.cards, project.root, progress or Progress(), cache)
    except ContentError as error:
        raise ContentError(error.problems, composition.warnings) from None
    if printed.problems:
        raise ContentError(printed.problems, composition.warnings)
    return composition.warnings


def _record_errors(project: Project) -> list[Problem]:
    """The mistakes in the activity records and the print register themselves (those of settings and communes are compose's to report)."""
    log = ProblemLog(project.root)
    try:
        read_activities(project, log)
    except ContentError:
        return []
    read_register(register_path(project.content_dir), log)
    return [p for p in log.errors if Path(project.root, p.path).is_relative_to(project.activities_dir)]


def inputs_digest(project: Project, options: BuildOptions, print_materials: bool) -> str:
    """Every input of a build but the lockfile: content, settings, the generator's code and data, libraries, options."""
    files = [p for p in content_files(project.content_dir, ProblemLog(project.root))
             if p != project.qr_lockfile and not p.is_relative_to(project.activities_dir)]
    files += [project.config_file] + [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return digest(files_digest(files), library_versions(), repr(options), str(print_materials))


def build(project: Project, site_dir: Path, options: BuildOptions, progress: Progress | None = None,
          cache: ArtifactCache | None = None, preview: bool = False, print_materials: bool = True) -> BuildResult:
    """Build the site into `site_dir`.

    A `preview` (outreach serve) issues no codes into the lockfile and is no published site to compare
    codes with; `print_materials=False` leaves out leaflets and cards (a preview's quick first answer).
    """
    site_dir = site_dir.resolve()
    cache = cache if cache is not None else ArtifactCache(project.cache_dir)
    swap.recover(site_dir)  # a site an interrupted build moved out comes back first
    # Taken before reading anything, so an edit made during the build makes the next build run
    # again. The lockfile is the one input the build writes: the record holds the text it wrote.
    inputs = inputs_digest(project, options, print_materials)
    lock_before = project.qr_lockfile.read_text(encoding="utf-8") if project.qr_lockfile.is_file() else ""
    before = digest(inputs, lock_before)
    last = cache.last_build(site_dir)
    manifest_before = previous_manifest(site_dir / MANIFEST_NAME)
    if last and last["fingerprint"] == before and manifest_before is not None:
        manifest = manifest_before
        warnings = [Problem(w["path"], w["line"], w["message"], w.get("seen_in", ""), Severity[w["severity"]], w.get("topic", ""))
                    for w in last.get("warnings", [])]
        return BuildResult(site_dir, manifest, warnings, cache, None)
    progress = progress or Progress()

    def fitting(leaflets: list[Leaflet]):
        return sheets_that_fit(leaflets, project.root, progress, cache) if print_materials else (leaflets, [], [])

    composition = compose(project, options, None if preview else site_dir / MANIFEST_NAME, fitting)
    progress.left_out(composition.left_out_problems)
    leaflets, cards = (composition.leaflets, composition.cards) if print_materials else ([], [])
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    # Staged beside the target so the final swap is a rename on one file system.
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}{swap.STAGING_PREFIX}", dir=site_dir.parent))
    (staging / swap.STAGING_OWNER).write_text(str(os.getpid()), encoding="ascii")
    work_dir = Path(tempfile.mkdtemp(prefix="outreach-work-"))
    try:
        new_site = staging / "site"
        website = publisher.publishing(composition.pages, composition.assets, composition.languages, composition.site, composition.site_url,
                                       project.config_file, new_site, work_dir, options.as_of, composition.quick_ask)
        # Leaflets and cards render on every core while the website does.
        with website:
            printed = render_all(leaflets, project.root, progress, cache)
            previews = render_previews(printed.sheets, progress, cache)
            shares = share_specs(composition.pages, composition.site, options.release) if print_materials else []
            drawn = draw_all(cards + shares, project.root, progress, cache)
        # A commune's or campaign's own block too long: found as its edition is rendered, left out the same way.
        if printed.problems and options.release:
            raise ContentError(printed.problems)
        progress.left_out(printed.problems)
        printed = Printed(printed.sheets, composition.left_out + printed.left_out, composition.left_out_problems + printed.problems)
        manifest = build_manifest(
            project.root, site_url=composition.site_url, as_of=options.as_of, release=options.release,
            languages=composition.languages, pages=composition.pages, policy=composition.policy,
            qr_codes=composition.qr_codes, printed=printed, cards=cards, tagged_codes=composition.tagged_codes)
        if not preview:
            manifest = moves_in(manifest, manifest_before, composition.qr_codes, composition.lock.reasons)
        short_codes = composition.qr_codes + [t.qr for t in composition.tagged_codes]
        files = gather(
            image_files(composition.qr_codes),
            redirect_files(short_codes, composition.site_url),
            edition_page_files(composition.communes, composition.campaigns, composition.tagged_codes,
                               [leaflet for leaflet, _ in printed.sheets],
                               composition.languages, _guide_titles(composition.pages), composition.site.audience_slugs,
                               options.as_of),
            status_page_files(composition.translation_states, default_language(composition.languages)),
            leaflet_files(printed.sheets, previews, composition.languages),
            card_files(drawn),
            script_files(composition.scripts, options.as_of, composition.site.hotline, options.release) if print_materials else {},
            kit_files(composition.kits, composition.site.hotline, options.as_of, options.release, project.root),
            manifest_files(manifest),
        )
        # Last: the server's Content-Security-Policy lists the inline scripts of every page written.
        files = gather(files, server_files(new_site, files, short_codes, composition.site_url, composition.languages))
        write_files(files, new_site)
        swap.swap_in(new_site, site_dir)
        after = before
        if not preview and lock_text(composition.lock) != lock_before:
            # Only a finished build issues new codes: they may be printed from now on.
            write_lock(project.qr_lockfile, composition.lock)
            after = digest(inputs, lock_text(composition.lock))
        cache.record_build(site_dir, after, composition.warnings)
    except ContentError as error:  # a leaflet or card that does not fit: the content's warnings still apply
        raise ContentError(error.problems, composition.warnings) from None
    finally:
        swap.discard(staging, site_dir)
        shutil.rmtree(work_dir, ignore_errors=True)
    return BuildResult(site_dir, manifest, composition.warnings, cache, composition)


def _guide_titles(pages: list[SitePage]) -> dict[tuple[str, str], str]:
    return {(p.lang.code, p.key.audience): p.title for p in pages if p.key.is_overview and p.key.audience}
