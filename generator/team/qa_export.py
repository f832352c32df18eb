"""`outreach export hoi-dap`: the Q&A bank for a Zalo Official Account and simple chatbots.

A Zalo OA's keyword auto-reply needs, per answer, the words that trigger it
and a short text; a retrieval chatbot needs the same plus a link to read more.
Each row is one reviewed, current entry of the bank in one language: its id,
its keywords with and without diacritics, the short answer with its figures
filled in, the link to its Q&A page and the audience's short code, and the
dates it is valid. Anything else is left out and listed with the reason, so
nobody publishes an unreviewed or outdated answer by mistake.

    zalo: one row per entry, the columns a keyword auto-reply sheet takes (CSV, keywords joined by commas)
    csv:  every field, one row per entry and language
    json: {"entries": [...], "left_out": [...]}
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass

from ..build import BankReading, Project
from ..render.renderer import Place
from ..render.urls import page_url
from ..sources.content import PageKey
from ..sources.qa_bank import PAGE_NAME
from ..sources.shortlinks import read_lock
from ..textfold import fold


@dataclass(frozen=True)
class ExportRow:
    id: str
    lang: str
    question: str
    keywords: list[str]  # as written, then without diacritics
    short: str
    link: str
    short_code: str
    short_link: str
    valid_from: str
    valid_to: str


@dataclass(frozen=True)
class LeftOut:
    id: str
    lang: str
    reasons: list[str]


def export_rows(project: Project, reading: BankReading, site_url: str, as_of: dt.date) -> tuple[list[ExportRow], list[LeftOut]]:
    """The rows a chat channel may publish on `as_of`, and what was left out and why."""
    lock = read_lock(project.qr_lockfile, reading.languages, reading.log)
    targets = {target: code for code, target in ((lock.codes if lock else {}) | (lock.moves if lock else {})).items()}
    unfit = reading.bank.unfit(as_of, reading.policy)
    rows, left_out = [], []
    for language in reading.languages:
        renderer = reading.renderers[language.code]
        for entry in reading.bank.entries:
            text = entry.text_in(language.code)
            reasons = list(unfit.get(entry.id, []))
            if not language.is_default and text.status != "reviewed":
                reasons.append("chưa có bản dịch" if text.status == "fallback" else "bản dịch chưa người bản ngữ duyệt")
            if reasons:
                left_out.append(LeftOut(entry.id, language.code, reasons))
                continue
            code = targets.get(f"{language.code}/{PageKey.overview(entry.home).rel}", "")
            keywords = list(dict.fromkeys([*entry.keywords, *(fold(k) for k in entry.keywords)]))
            rows.append(ExportRow(
                id=entry.id, lang=language.code, question=text.question, keywords=keywords,
                short=renderer.text(text.short.value, Place(entry.path, text.short.line)),
                link=site_url + page_url(PageKey(entry.home, PAGE_NAME), language.url_prefix),
                short_code=code, short_link=f"{site_url}q/{code}/" if code else "",
                valid_from=entry.valid_from.isoformat(), valid_to=entry.valid_to.isoformat() if entry.valid_to else ""))
    return rows, left_out


def render(rows: list[ExportRow], left_out: list[LeftOut], output_format: str) -> str:
    if output_format == "json":
        return json.dumps({"entries": [asdict(r) for r in rows], "left_out": [asdict(l) for l in left_out]},
                          ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if output_format == "zalo":
        # Zalo OA's keyword auto-reply: the keywords, the reply, a link; one sheet per language is one filter away.
        writer.writerow(["ma", "ngon_ngu", "tu_khoa", "tra_loi", "lien_ket", "hieu_luc_tu", "hieu_luc_den"])
        for r in rows:
            writer.writerow([r.id, r.lang, ", ".join(r.keywords), f"{r.short} {r.short_link or r.link}".strip(), r.link,
                             r.valid_from, r.valid_to])
    else:
        writer.writerow(["ma", "ngon_ngu", "cau_hoi", "tu_khoa", "tra_loi_ngan", "lien_ket", "ma_ngan", "lien_ket_ngan",
                         "hieu_luc_tu", "hieu_luc_den"])
        for r in rows:
            writer.writerow([r.id, r.lang, r.question, " | ".join(r.keywords), r.short, r.link, r.short_code, r.short_link,
                             r.valid_from, r.valid_to])
    return out.getvalue()


def left_out_lines(left_out: list[LeftOut]) -> list[str]:
    """What was not exported, one Vietnamese line per entry and language."""
    return [f"Không xuất `{l.id}` ({l.lang}): {'; '.join(l.reasons)}." for l in left_out]
