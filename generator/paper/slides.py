"""A meeting kit per audience and language: 16:9 slides and a quiz sheet, from the Q&A bank.

For village meetings at the nhà rông, commune conferences and the training of
collaborators (`outreach print --slides`). The slides say one thing each: the
audience's title, then one question of the bank per slide with its short
answer (figures filled in, at least 28 pt), then a closing slide with the
audience's QR code, its short address and the hotline. The quiz sheet asks up
to eight of the bank's questions with room to answer; the answer key (the
short answers) is on a page of its own, so the sheet can be handed out
without it.

A language whose translation of an entry is missing shows the Vietnamese
entry, marked; a draft build marks every page.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

import jinja2

from ..assets import FONTS_DIR, TEMPLATES_DIR
from ..compose.pages import draft_mark
from ..compose.qr import QrCode, svg_image
from ..render.infographics import UNVERIFIED_MARK
from ..render.renderer import Place, Renderer
from ..sources.languages import Language
from ..sources.qa_bank import Bank

MIN_TYPE_PT = 28
QUIZ_QUESTIONS = 8
FOLDER = "hop-thon"  # site folder of the kit: village meeting

_TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "slides"), autoescape=True,
                                undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class Item:
    question: str
    answer: str
    fallback: bool  # the Vietnamese entry inside another language's kit

    @property
    def marked(self) -> bool:
        """The answer shows a value nobody checked yet (the renderer marked it): its slide says what the mark means."""
        return UNVERIFIED_MARK in self.answer


@dataclass(frozen=True)
class Kit:
    lang: Language
    audience: str
    title: str
    items: tuple[Item, ...]
    qr: QrCode | None
    status: str

    @property
    def stem(self) -> str:
        return f"{FOLDER}/{self.lang.code}/{self.audience}"


def plan_kits(bank: Bank, titles: dict[tuple[str, str], str], qr_codes: list[QrCode], renderers: dict[str, Renderer],
              audiences: tuple[str, ...]) -> list[Kit]:
    """One kit per audience with bank entries, in every language."""
    kits = []
    qr_by = {(qr.lang.code, qr.key.audience): qr for qr in qr_codes if qr.key.is_overview}
    for code, renderer in renderers.items():
        for audience in audiences:
            entries = bank.for_audience(audience)
            if not entries:
                continue
            items = []
            for entry in entries:
                text = entry.text_in(code)
                fallback = text.status == "fallback"
                answer_renderer = renderers[text.lang] if fallback else renderer
                items.append(Item(text.question, answer_renderer.text(text.short.value, Place(entry.path, text.short.line)), fallback))
            statuses = ["fallback" if i.fallback else "source" for i in items]
            status = "source" if renderer.language.is_default else ("fallback" if "fallback" in statuses else "draft")
            kits.append(Kit(renderer.language, audience, titles.get((code, audience), audience), tuple(items),
                            qr_by.get((code, audience)), status))
    return kits


def _context(kit: Kit, hotline: str, as_of: dt.date, release: bool) -> dict:
    qr = None
    if kit.qr is not None:
        qr = {"src": "data:image/svg+xml;base64," + base64.b64encode(svg_image(kit.qr.short_url)).decode("ascii"),
              "url": kit.qr.printed_url}
    return {"t": kit.lang.t, "kit": kit, "hotline": hotline, "qr": qr, "iso_date": as_of.isoformat(),
            "mark": draft_mark(kit.lang, release, kit.status), "min_pt": MIN_TYPE_PT,
            "quiz": kit.items[:QUIZ_QUESTIONS]}


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported here, as for the leaflets: only `outreach print --slides` needs it

    from .fetcher import PrintFetcher

    html = _TEMPLATES.get_template(template).render(**context)
    fetcher = PrintFetcher([FONTS_DIR], data_types=["image/svg+xml"])
    return HTML(string=html, base_url=str(FONTS_DIR) + "/", url_fetcher=fetcher).write_pdf()


def kit_files(kits: list[Kit], hotline: str, as_of: dt.date, release: bool) -> dict[str, bytes]:
    files = {}
    for kit in kits:
        context = _context(kit, hotline, as_of, release)
        files[f"{kit.stem}-trinh-chieu.pdf"] = _pdf("slides.html", context)
        files[f"{kit.stem}-cau-hoi-kiem-tra.pdf"] = _pdf("quiz.html", context)
    return files
