"""Translation status: each page's state in each language, and the team's status page.

For every Vietnamese page and every other language the state is one of:
missing, draft, reviewed, or outdated (the Vietnamese page changed since the
`source_hash` the translation recorded). The spreadsheet round trip to
translators is `translation_sheets.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from ..assets import TEMPLATES_DIR
from ..sources.content import SourcePage
from ..sources.languages import DEFAULT_LANGUAGE, Language

STATES = ("missing", "draft", "reviewed", "outdated")


@dataclass(frozen=True)
class TranslationState:
    original: SourcePage
    lang: str
    state: str
    translation: SourcePage | None

    @property
    def current_hash(self) -> str:
        return self.original.content_hash


def translation_states(sources: list[SourcePage], languages: tuple[Language, ...]) -> list[TranslationState]:
    by_lang_rel = {(p.lang, p.rel): p for p in sources}
    states = []
    for original in (p for p in sources if p.lang == DEFAULT_LANGUAGE):
        for language in languages:
            if language.is_default:
                continue
            translation = by_lang_rel.get((language.code, original.rel))
            states.append(TranslationState(original, language.code, state_of(original, translation), translation))
    return states


def state_of(original: SourcePage, translation: SourcePage | None) -> str:
    if translation is None:
        return "missing"
    if translation.translation.source_hash != original.content_hash:
        return "outdated"
    return translation.translation.status


STATUS_PAGE = "noi-bo/ban-dich/index.html"  # for the communications team; not linked from citizens' pages


def status_table(states: list[TranslationState]) -> tuple[list[str], list[dict], dict]:
    """Rows of (page, state per language), and counts per language and state."""
    languages = list(dict.fromkeys(s.lang for s in states))
    rows: dict[str, dict] = {}
    summary = {lang: {state: 0 for state in STATES} for lang in languages}
    for s in states:
        row = rows.setdefault(s.original.rel, {"rel": s.original.rel, "hash": s.current_hash, "states": []})
        row["states"].append(s.state)
        summary[s.lang][s.state] += 1
    return languages, list(rows.values()), summary


def status_page_files(states: list[TranslationState], vietnamese: Language) -> dict[str, bytes]:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "site"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    languages, rows, summary = status_table(states)
    page = env.get_template("translation-status.html").render(t=vietnamese.t, languages=languages, rows=rows, summary=summary)
    return {STATUS_PAGE: page.encode("utf-8")}
