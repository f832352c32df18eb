""""Hỏi nhanh": the index a page's question box searches, and the box itself.

A citizen types a question in their own words; the browser finds the closest
entries of the Q&A bank and shows their short answers verbatim, each with its
link, legal basis and date, and the hotline when nothing fits well. The
matching is `webapp/hoi-nhanh.js` (also run by the tests and the benchmark
under node); this module writes what it searches, one small JSON per language
(`assets/hoi-nhanh.<lang>.json`): each entry's words folded like the site
search, its display texts rendered once here with their figures.

A release lists only the answers it may publish (reviewed, current, figures
checked; the build refuses the others anyway); a draft build lists every
answer with the mark its page shows.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Mapping

from markupsafe import Markup

from ..problems import ProblemLog
from ..render.renderer import Place, Renderer
from ..render.urls import page_url, relative_url
from ..sources.content import PageKey
from ..sources.languages import Language
from ..sources.qa_bank import PAGE_NAME, SHORT_MAX, Bank, Entry, marks_for
from ..assets import WEBAPP_DIR
from ..textfold import fold

INDEX_FILE = "assets/hoi-nhanh.{lang}.json"
SCRIPT_FILE = "assets/hoi-nhanh.js"
# Short forms people type for words the bank writes out (folded on both sides).
SYNONYMS = {
    "bhxh": "bao hiem xa hoi", "bhyt": "bao hiem y te", "bhtn": "bao hiem that nghiep", "bh": "bao hiem",
    "ko": "khong", "k": "khong", "kg": "khong", "hok": "khong", "dc": "duoc", "ng": "nguoi", "cty": "cong ty",
    "tg": "thoi gian", "sv": "sinh vien", "nn": "nha nuoc", "hkd": "ho kinh doanh", "cccd": "can cuoc",
    "1": "mot",
}


def site_files(bank: Bank, languages: tuple[Language, ...], renderers: Mapping[str, Renderer], hotline: str,
               as_of: dt.date, release: bool, log: ProblemLog) -> dict[str, dict[str, bytes]]:
    """Per language prefix, the files its question boxes load: the script and that language's index."""
    script = (WEBAPP_DIR / "hoi-nhanh.js").read_bytes()
    return {language.url_prefix: {SCRIPT_FILE: script, path: data}
            for language, (path, data) in zip(languages, index_files(bank, languages, renderers, hotline, as_of, release, log).items())}


def index_files(bank: Bank, languages: tuple[Language, ...], renderers: Mapping[str, Renderer], hotline: str,
                as_of: dt.date, release: bool, log: ProblemLog) -> dict[str, bytes]:
    """The quick-ask index of every language, as files of the site."""
    files = {}
    unfit = bank.unfit(as_of, renderers[languages[0].code].policy) if release else {}
    for language in languages:
        renderer = renderers[language.code]
        entries = [_index_entry(entry, language, renderer, as_of, log) for entry in bank.entries if entry.id not in unfit]
        index = {"hotline": hotline, "synonyms": SYNONYMS, "entries": entries}
        files[INDEX_FILE.format(lang=language.code)] = json.dumps(index, ensure_ascii=False, sort_keys=True,
                                                                 separators=(",", ":")).encode("utf-8")
    return files


def _index_entry(entry: Entry, language: Language, renderer: Renderer, as_of: dt.date, log: ProblemLog) -> dict:
    text = entry.text_in(language.code)
    short = renderer.text(text.short.value, Place(entry.path, text.short.line))
    if len(short) > SHORT_MAX:
        log.error(entry.path, text.short.line, f"Câu trả lời ngắn của `{entry.id}` dài {len(short)} ký tự khi đã điền số liệu "
                                               f"(tối đa {SHORT_MAX}, cho tin nhắn Zalo): hãy viết ngắn lại.")
    answer = renderer.text(text.answer.value, Place(entry.path, text.answer.line))
    marks = marks_for(entry, renderer.policy, as_of, language.strings)
    searched = [entry.question, *entry.variants] + ([text.question] if text.question != entry.question else [])
    return {
        "id": entry.id,
        "audiences": list(entry.audiences),
        "question": text.question,
        "short": short,
        "mark": " ".join(marks),
        "url": page_url(PageKey(entry.home, PAGE_NAME), language.url_prefix),
        "basis": entry.basis_text,
        "since": entry.valid_from.strftime("%d/%m/%Y"),
        "fields": {"q": [fold(t) for t in searched], "k": [fold(k) for k in entry.keywords], "a": [fold(short), fold(answer)]},
    }


def box(language: Language, url: str, audience: str | None, template) -> Markup:
    """The question box of a page: a labelled search form and a live region for the answers."""
    strings = {key.removeprefix("quick_ask."): value for key, value in language.strings.items() if key.startswith("quick_ask.")}
    return template("hoi-nhanh.html", t=language.t, audience=audience or "", strings=json.dumps(strings, ensure_ascii=False),
                    index=relative_url(url, INDEX_FILE.format(lang=language.code)),
                    script=relative_url(url, SCRIPT_FILE), root=relative_url(url, ""))
