"""Editions of the audiences' sheets for one commune or one campaign, and their tagged short codes.

A tagged code is the guide's permanent code, a dash and the commune's or
campaign's code: `tn-plk` opens the same Vietnamese guide as `tn`, from paper
handed out in Pleiku. The guide's part is kept for ever by the QR lockfile,
the tag by `communes.yml` / `campaigns.yml`; the dash never occurs in a locked
code (`shortlinks.CODE_PATTERN`), so the two namespaces cannot meet. Every
tagged code is a redirect page (and a `_redirects` / nginx rule) like any
other, so a web server's access log shows `/q/tn-plk/` and scans can be
counted per commune and per campaign; the manifest's `tagged_codes` says which
tag is which.

Tagged codes exist for every commune and campaign in every build, printed or
not, and for a campaign after its end: paper printed once keeps working.
Sheets are made only for what is asked: commune editions on `outreach print
--commune`, a campaign's flyer and poster until the campaign ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .assets import TEMPLATES_DIR
from .sources.campaigns import Campaign
from .sources.communes import Commune
from .sources.content import PageKey
from .sources.languages import Language
from .paper.leaflets import EditionMark, Leaflet
from .sources.policy import format_day
from .problems import ProblemLog
from .compose.qr import MAX_URL_BYTES, AddressTooLong, QrCode, plan_qr_codes
from .sources.published import TaggedCodeEntry, previous_manifest
from .sources.shortlinks import ShortLink
from .render.urls import relative_url
from .web.webapp import FAVICON

ALL = "all"
COMMUNE_FORMATS = ("a4-trifold", "a5-flyer", "a3-poster")
CAMPAIGN_FORMATS = ("a5-flyer", "a3-poster")  # a campaign is announced on notice boards and by hand, not folded
COMMUNE_DIR = "xa"
CAMPAIGN_DIR = "chien-dich"

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "site"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class EditionChoice:
    """Which commune editions a build prints (`outreach print --commune … --audience … --lang …`)."""

    communes: tuple[str, ...] = ()  # codes, or ("all",)
    audiences: tuple[str, ...] = ()  # none: every audience
    languages: tuple[str, ...] = ()  # none: every language


@dataclass(frozen=True)
class Edition:
    """A commune's or a campaign's version of an audience's sheets: its own block and its own codes."""

    kind: str  # commune | campaign
    tag: str
    formats: tuple[str, ...]
    audiences: tuple[str, ...]
    languages: tuple[str, ...]  # none: every language
    codes: tuple[tuple[tuple[str, PageKey], QrCode], ...]  # (language, guide) -> the tagged code it prints
    commune: Commune | None = None
    campaign: Campaign | None = None

    @property
    def mark(self) -> EditionMark:
        source = self.commune or self.campaign
        return EditionMark(self.kind, self.tag, f"{COMMUNE_DIR if self.kind == 'commune' else CAMPAIGN_DIR}/{self.tag}/",
                           source.path, source.line)

    def code_for(self, lang: str, audience: str) -> QrCode | None:
        if audience not in self.audiences or (self.languages and lang not in self.languages):
            return None
        return dict(self.codes).get((lang, PageKey(audience, "index")))

    def context(self, language: Language) -> dict:
        """What the sheet prints for it, in the reader's language."""
        t = language.t
        if self.commune is not None:
            c = self.commune
            return {"kind": "commune", "heading": t("edition.commune.heading", commune=f"{c.kind} {c.name}"), "office": c.office,
                    "hours_label": t("edition.commune.hours"), "phone_label": t("edition.commune.phone"),
                    "contact": c.contact, "contact_label": t("edition.commune.contact")}
        campaign = self.campaign
        return {"kind": "campaign", "name": campaign.name, "message": campaign.message,
                "dates": t("edition.campaign.dates", start=format_day(campaign.start), end=format_day(campaign.end))}


def check_selection(choice: EditionChoice, communes: list[Commune], communes_file: Path, audiences: tuple[str, ...],
                    log: ProblemLog) -> None:
    for audience in choice.audiences:
        if audience not in audiences:
            log.error("--audience", 0, f"Không có nhóm đối tượng `{audience}`. Dùng: {', '.join(audiences)}.")
    known = {c.code for c in communes}
    for code in choice.communes:
        if code != ALL and code not in known:
            listed = ", ".join(sorted(known)) or "chưa có xã nào"
            log.error(communes_file, 1, f"Không có xã mã `{code}` trong content/communes.yml (các mã: {listed}). "
                                        "Kiểm tra mã, hoặc thêm xã vào tệp này.")


def editions_for(communes: list[Commune], campaigns: list[Campaign], choice: EditionChoice, tagged: list[TaggedCode],
                 audiences: tuple[str, ...], as_of: dt.date) -> list[Edition]:
    """What gets sheets in this build: the chosen communes, the campaigns not yet over."""
    editions = [Edition("commune", c.code, COMMUNE_FORMATS, choice.audiences or audiences, choice.languages,
                        _codes(tagged, "commune", c.code), commune=c)
                for c in communes if ALL in choice.communes or c.code in choice.communes]
    editions += [Edition("campaign", c.code, CAMPAIGN_FORMATS, c.audiences, (), _codes(tagged, "campaign", c.code), campaign=c)
                 for c in campaigns if not c.archived(as_of)]
    return editions


def _codes(tagged: list[TaggedCode], kind: str, tag: str) -> tuple:
    # Several codes may open one guide (an old one, then the page moved); the last planned is the one printed,
    # as for the guide's own sheets.
    return tuple({(t.qr.lang.code, t.qr.key): t.qr for t in tagged if t.kind == kind and t.tag == tag}.items())


@dataclass(frozen=True)
class TaggedCode:
    qr: QrCode
    base: str  # the guide's own code
    kind: str  # commune | campaign
    tag: str

    def as_manifest(self) -> TaggedCodeEntry:
        return TaggedCodeEntry(code=self.qr.code, base=self.base, lang=self.qr.lang.code, page=self.qr.page,
                               url=self.qr.short_url, target=self.qr.target, **{self.kind: self.tag})


def tagged_code(base: str, tag: str) -> str:
    return f"{base}-{tag}"


def plan_tagged_codes(qr_codes: list[QrCode], communes: list[Commune], campaigns: list[Campaign],
                      languages: tuple[Language, ...], site_url: str, log: ProblemLog) -> list[TaggedCode]:
    """A tagged code for every code that opens an audience's guide, for every commune and campaign."""
    guides = [qr for qr in qr_codes if qr.key.is_overview and qr.key.audience]
    tags = [("commune", c.code, c.path, c.line) for c in communes]
    tags += [("campaign", c.code, c.path, c.line) for c in campaigns]
    tagged = []
    for kind, tag, path, line in tags:
        links = [ShortLink(tagged_code(qr.code, tag), qr.lang.code, qr.key) for qr in guides]
        try:
            planned = plan_qr_codes(links, languages, site_url)
        except AddressTooLong as error:
            length = len(error.url.encode("utf-8"))
            log.error(path, line, f"Địa chỉ ngắn `{error.url}` dài {length} ký tự, quá dài cho mã QR in trên giấy "
                                  f"(tối đa {MAX_URL_BYTES}). Rút ngắn mã `{tag}` hoặc địa chỉ trang web.")
            continue
        tagged += [TaggedCode(qr, guide.code, kind, tag) for qr, guide in zip(planned, guides)]
    return tagged


def keep_published(tagged: list[TaggedCode], manifest_path: Path | None, files: dict[str, Path], log: ProblemLog) -> None:
    """Refuse to drop a commune or campaign whose tagged codes the previous site published: paper may carry them.

    `files`: where each kind is declared (commune -> communes.yml, campaign -> campaigns.yml).
    """
    published = previous_manifest(manifest_path)
    if published is None:
        return  # no readable previous site: nothing to compare with
    now = {t.qr.code for t in tagged}
    missing: dict[tuple[str, str], list[str]] = {}
    for entry in published.tagged_codes:
        if entry.code not in now:
            missing.setdefault(entry.tag, []).append(entry.code)
    for (kind, tag), codes in missing.items():
        what = "xã" if kind == "commune" else "chiến dịch"
        log.error(files[kind], 1, f"Mã QR {', '.join(f'`{c}`' for c in codes[:3])}{'…' if len(codes) > 3 else ''} của {what} `{tag}` "
                                  f"đã có trên trang web lần trước (có thể đã in trên giấy), nhưng {files[kind].name} không còn "
                                  f"{what} `{tag}`. Thêm lại mục `code: {tag}`: giấy đã in vẫn dùng các mã này.")


# --- the pages ----------------------------------------------------------------


def commune_page_path(code: str) -> str:
    return f"{COMMUNE_DIR}/{code}/"


def campaign_page_path(language: Language, code: str) -> str:
    return f"{language.url_prefix}{CAMPAIGN_DIR}/{code}/"


def edition_page_files(communes: list[Commune], campaigns: list[Campaign], tagged: list[TaggedCode],
                       leaflets: list[Leaflet], languages: tuple[Language, ...], titles: dict[tuple[str, str], str],
                       audiences: tuple[str, ...], as_of: dt.date) -> dict[str, bytes]:
    """A page per commune (in Vietnamese, for its officers and people), a page per campaign in every language.

    Outside the site's navigation: their number grows with the province, not with what a reader browses.
    """
    names = {language.code: language for language in languages}
    vietnamese = next(language for language in languages if language.is_default)
    files: dict[str, bytes] = {}
    for commune in communes:
        url = commune_page_path(commune.code)
        files[url + "index.html"] = TEMPLATES.get_template("commune.html").render(
            t=vietnamese.t, lang=vietnamese.html_lang, commune=commune, home=relative_url(url, ""), icon=relative_url(url, FAVICON),
            guides=_guides(url, tagged, "commune", commune.code, audiences, names, titles),
            sheets=_sheets(url, leaflets, "commune", commune.code, vietnamese),
        ).encode("utf-8")
    for campaign in campaigns:
        for language in languages:
            url = campaign_page_path(language, campaign.code)
            guides = [g for g in _guides(url, tagged, "campaign", campaign.code, campaign.audiences, names, titles)
                      if g["lang"] == language.code]
            files[url + "index.html"] = TEMPLATES.get_template("campaign.html").render(
                t=language.t, lang=language.html_lang, campaign=campaign, home=relative_url(url, language.url_prefix),
                icon=relative_url(url, FAVICON),
                dates=language.t("edition.campaign.dates", start=format_day(campaign.start), end=format_day(campaign.end)),
                state="archived" if campaign.archived(as_of) else ("upcoming" if as_of < campaign.start else "running"),
                guides=guides, sheets=_sheets(url, [l for l in leaflets if l.lang == language.code], "campaign", campaign.code, language),
                in_vietnamese="" if language.is_default else language.t("edition.campaign.in_vietnamese", language=language.name_vi),
            ).encode("utf-8")
    return files


def _guides(url: str, tagged: list[TaggedCode], kind: str, tag: str, audiences, languages, titles) -> list[dict]:
    """Each audience's guide in each language, through the tagged address (so the visit counts for the tag)."""
    current = {(qr.key.audience, lang): qr for (lang, _), qr in _codes(tagged, kind, tag) if qr.key.audience in audiences}
    return [{"title": titles.get((lang, audience), audience), "lang": lang, "language": languages[lang].name,
             "href": relative_url(url, qr.short_path),
             "address": qr.printed_url}
            for (audience, lang), qr in sorted(current.items(), key=lambda item: (audiences.index(item[0][0]), item[0][1] != "vi"))]


def _sheets(url: str, leaflets: list[Leaflet], kind: str, tag: str, language: Language) -> list[dict]:
    return [{"label": f"{leaflet.title} — {language.t(f'leaflet.format.{leaflet.format.name}')} ({leaflet.lang})",
             "href": relative_url(url, leaflet.file(variant))}
            for leaflet in leaflets if leaflet.edition is not None and leaflet.edition.kind == kind and leaflet.edition.tag == tag
            for variant, _ in leaflet.documents]
