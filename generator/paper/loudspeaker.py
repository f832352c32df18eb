"""Loudspeaker scripts: the parts marked `<!-- loa -->` as the commune announcer reads them.

The plan sends the key messages through the commune loudspeaker ("loa truyền
thanh") in Vietnamese and the ethnic languages. For each audience and
language, the marked parts of its pages become one script: figures filled in
as on the site, then every number, amount, date and abbreviation written out
in words (`render/spoken.py`), each part with its reading time at a stated,
slow rate. It is published as plain text and as a large-type A4 PDF that
says the date, until when its figures hold and the hotline.

A language whose pages mark no part reads the Vietnamese script, and the
script says so; nothing is translated by machine. A draft build prints the
draft mark on every page; a release refuses a script with a figure nobody has
checked (like any sheet).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..assets import FONTS_DIR, TEMPLATES_DIR
from ..cache import ArtifactCache, code_digest, digest
from ..compose.pages import PageInLanguage, draft_mark
from ..problems import ProblemLog
from ..render.infographics import UNVERIFIED_MARK
from ..render.renderer import PLACEHOLDER, REFERENCE, Place, Renderer
from ..render.spoken import spoken, syllables
from ..sources.languages import Language
from ..sources.policy import PolicyData, format_day
from ..sources.print_marks import marked_parts

RATE = 130  # syllables a minute: a slow, clear reading over a loudspeaker (conversation runs near 200)
KIND = "loa"
FOLDER = "loa"

_TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "loudspeaker"), autoescape=True,
                                undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class ScriptPart:
    heading: str
    written: str  # with figures filled in, as the page shows them
    text: str  # as it is read aloud
    syllables: int

    @property
    def seconds(self) -> int:
        return round(self.syllables * 60 / RATE)


@dataclass(frozen=True)
class Script:
    lang: Language
    audience: str
    title: str
    parts: tuple[ScriptPart, ...]
    fallback: bool  # the language marked no part: the Vietnamese script, said so
    status: str  # source | draft | reviewed | fallback
    figures: tuple[str, ...]  # the policy keys it quotes
    valid_until: dt.date | None  # the day before one of its figures changes
    path: Path
    line: int

    @property
    def stem(self) -> str:
        return f"{FOLDER}/{self.lang.code}/{self.audience}"

    @property
    def seconds(self) -> int:
        return sum(part.seconds for part in self.parts)


def plan_scripts(resolved: list[PageInLanguage], renderers: dict[str, Renderer], policy: PolicyData, as_of: dt.date,
                 log: ProblemLog) -> list[Script]:
    """One script per audience and language that has a marked part, in page order."""
    scripts = []
    by_audience: dict[tuple[str, str], list[PageInLanguage]] = {}
    for item in resolved:
        if item.key.audience:
            by_audience.setdefault((item.language.code, item.key.audience), []).append(item)
    for (lang, audience), items in by_audience.items():
        parts, keys, fallback, statuses, first = [], [], False, [], None
        for item in sorted(items, key=lambda i: (i.original.order, i.key.name)):
            translated = item.source is not item.original
            own = [p for p in marked_parts(item.source, log) if p.kind == KIND] if translated or item.language.is_default else []
            source, borrowed = item.source, False
            if not own and not item.language.is_default:
                source, borrowed = item.original, True
                own = [p for p in marked_parts(source, log) if p.kind == KIND]
            for part in own:
                first = first or (source.path, part.line)
                fallback = fallback or borrowed
                statuses.append("fallback" if borrowed else item.status)
                parts.append(_part(part.text, source.title, renderers[source.lang if borrowed else lang], Place(source.path, part.line)))
                keys += [m.group(2) for m in map(REFERENCE.match, PLACEHOLDER.findall(part.text)) if m and m.group(1) == "policy"]
        if not parts:
            continue
        language = renderers[lang].language
        overview = next((i.source.title for i in items if i.key.is_overview), audience)
        keys = list(dict.fromkeys(k for k in keys if k in policy.figures))
        changes = [c.start for c in (policy.figures[k].next_change(as_of) for k in keys) if c is not None]
        until = min(changes) - dt.timedelta(days=1) if changes else None
        ranking = ("fallback", "draft", "reviewed", "source")
        scripts.append(Script(language, audience, language.t("loudspeaker.title", audience=overview), tuple(parts), fallback,
                              min(statuses, key=ranking.index), tuple(keys), until, *first))
    return scripts


def _part(markdown_text: str, page_title: str, renderer: Renderer, place: Place) -> ScriptPart:
    # Markdown's emphasis goes before the figures are filled in: a "*" left after them is the unverified mark.
    written = renderer.text(markdown_text.replace("*", ""), place)
    heading_match = re.search(r"^#+\s*(.+)$", written, re.M)
    heading = heading_match.group(1).strip() if heading_match else page_title
    body = re.sub(r"^#+.*$", "", written, flags=re.M)
    body = re.sub(r"^\s*>\s?", "", body, flags=re.M)
    body = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", body)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
    plain = "\n\n".join(paragraphs)
    text = spoken(plain)
    return ScriptPart(heading, plain, text, syllables(text))


def unverified(script: Script, policy: PolicyData, as_of: dt.date) -> list[str]:
    return [key for key in script.figures if policy.unverified_sources(key, as_of)]


def refuse_unverified(scripts: list[Script], policy: PolicyData, as_of: dt.date, log: ProblemLog) -> None:
    """A release reads no figure aloud that nobody checked."""
    for script in scripts:
        keys = unverified(script, policy, as_of)
        if keys:
            log.error(script.path, script.line, f"Bài đọc trên loa {script.stem}.pdf có số liệu chưa đối chiếu văn bản gốc: "
                                                f"{', '.join(f'`{k}`' for k in keys)}. Đối chiếu trên vbpl.vn rồi đặt `verified: true`, "
                                                "hoặc bỏ số liệu khỏi phần `<!-- loa -->`.")


def _context(script: Script, as_of: dt.date, hotline: str, release: bool) -> dict:
    t = script.lang.t
    return {
        "t": t, "script": script, "rate": RATE,
        "legend": t("figures.card_legend") if any(UNVERIFIED_MARK in part.text for part in script.parts) else "", "hotline": hotline, "iso_date": as_of.isoformat(),
        "date": format_day(as_of), "until": format_day(script.valid_until) if script.valid_until else "",
        "minutes": f"{script.seconds / 60:.1f}".replace(".", ","),
        "mark": draft_mark(script.lang, release, script.status),
    }


def text_file(script: Script, as_of: dt.date, hotline: str, release: bool) -> bytes:
    return _TEMPLATES.get_template("script.txt").render(**_context(script, as_of, hotline, release)).encode("utf-8")


def pdf_file(script: Script, as_of: dt.date, hotline: str, release: bool, cache: ArtifactCache | None = None) -> bytes:
    """The announcer's copy: A4, large type, one part after another, never a part split across pages.

    Kept in `cache` under its HTML and the code, fonts and libraries that print it: a build whose
    scripts did not change neither loads WeasyPrint nor lays them out again."""
    cache = cache or ArtifactCache(None)
    html = _TEMPLATES.get_template("script.html").render(**_context(script, as_of, hotline, release))
    key = digest(code_digest(Path(__file__), Path(__file__).with_name("fetcher.py")), html)
    pdf = cache.get("scripts", key, f"{script.stem}.pdf")
    if pdf is None:
        from weasyprint import HTML  # imported here, as for the leaflets: only a build with scripts needs it

        from .fetcher import PrintFetcher

        pdf = HTML(string=html, base_url=str(FONTS_DIR) + "/", url_fetcher=PrintFetcher([FONTS_DIR])).write_pdf()
        cache.put("scripts", key, pdf)
    return pdf


def script_files(scripts: list[Script], as_of: dt.date, hotline: str, release: bool,
                 cache: ArtifactCache | None = None) -> dict[str, bytes]:
    files = {}
    for script in scripts:
        files[f"{script.stem}.txt"] = text_file(script, as_of, hotline, release)
        files[f"{script.stem}.pdf"] = pdf_file(script, as_of, hotline, release, cache)
    return files
