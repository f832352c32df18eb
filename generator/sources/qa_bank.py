"""The question-and-answer bank: `content/hoi-dap/<audience>.yml`, read and checked.

The provincial plan asks for one standard bank of questions and answers
("ngân hàng câu hỏi – đáp") that every channel draws on: the audiences' Q&A
pages (generated from it, so the page and the bank never disagree), the
"Hỏi nhanh" box on the site and the Zalo/chatbot export. Each entry is
reviewed, sourced and dated:

    page: {title: Hỏi đáp về BHXH tự nguyện, description: …, order: 9}
    entries:
      - id: tn-lam-ray                  # stable; never reused (a dropped id goes to `retired:`)
        audiences: [tu-nguyen]          # the pages it appears on; the file's own audience first
        question: Tôi làm rẫy, không có lương, có tham gia được không?
        variants: [other ways people ask, with or without diacritics]
        keywords: [làm rẫy, nông dân]
        short: at most 300 characters once figures are filled in, for chat
        answer: |
          Markdown with {{ policy.voluntary.floor | now }} figures
        basis: [{law: luat_bhxh, article: 31, clause: 2}]   # keys of policy.yml's `laws:`
        valid_from: 2025-07-01
        valid_to: 2026-12-31            # optional: the answer must be looked at again by then
        status: draft                   # or reviewed, with reviewer:
        translations:
          bahnar: {question: …, short: …, answer: …, status: draft}

Nothing here renders: placeholders, links and markup are checked at the line
where they are written, so the generated page (whose text has no lines of its
own in the bank) never reports a mistake at a wrong place.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from .communes import read_data_file
from .content import LINK, NonEmpty, PageKey, SiteConfig, SourcePage, Translation, content_hash
from .languages import DEFAULT_LANGUAGE, Language
from .policy import LegalBasis, PolicyData, cite
from ..problems import ProblemLog
from .schema import Model, validate

BANK_DIR = "hoi-dap"
PAGE_NAME = "hoi-dap"  # the generated page's stem in every audience folder
SHORT_MAX = 300
ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# `{{ policy.key }}`, `{{ policy.key | now }}`, `{{ site.hotline }}`: the renderer's syntax, checked here at its line.
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
REFERENCE = re.compile(r"^\s*(policy|site)\.([a-z0-9_.]+?)\s*(?:\|\s*([a-z]+)\s*)?$")
VIEWS = ("", "now", "next", "since", "basis", "label")

EntryId = Annotated[str, StringConstraints(pattern=ENTRY_ID.pattern, max_length=40)]


class BasisItem(Model):
    law: str = Field(description="Khoá của văn bản, khai báo trong mục `laws:` của content/policy.yml.")
    article: int | str | None = Field(None, description="Số điều.")
    clause: int | str | None = Field(None, description="Số khoản.")
    point: str | None = Field(None, description="Điểm (chữ cái).")


class EntryTranslation(Model):
    question: NonEmpty = Field(description="Câu hỏi bằng ngôn ngữ này, do người bản ngữ viết.")
    short: NonEmpty | None = Field(None, description="Câu trả lời ngắn bằng ngôn ngữ này.")
    answer: NonEmpty = Field(description="Câu trả lời bằng ngôn ngữ này.")
    status: Literal["draft", "reviewed"] = Field(description="`draft` (bản nháp) hoặc `reviewed` (người bản ngữ đã kiểm tra).")
    reviewer: NonEmpty | None = Field(None, description="Họ tên người bản ngữ đã kiểm tra bản dịch.")

    @model_validator(mode="after")
    def _reviewed_by_someone(self) -> "EntryTranslation":
        if self.status == "reviewed" and not self.reviewer:
            raise ValueError("`status: reviewed` cần tên người bản ngữ đã kiểm tra: thêm `reviewer: Họ tên`. "
                             "Chưa ai kiểm tra thì để `status: draft`.")
        return self


class EntryFields(Model):
    id: EntryId = Field(description="Mã của câu hỏi: chữ thường không dấu, số, gạch ngang (ví dụ `tn-lam-ray`). "
                                    "Không bao giờ đổi, không dùng lại mã đã bỏ.")
    audiences: list[str] = Field(min_length=1, description="Các nhóm đối tượng có câu hỏi này trên trang hỏi đáp, "
                                                           "viết dạng `[tu-nguyen, nguoi-co-uy-tin]`.")
    question: NonEmpty = Field(max_length=200, description="Câu hỏi như bà con hay hỏi, một câu.")
    variants: list[NonEmpty] = Field(default_factory=list, description="Những cách hỏi khác (có dấu hoặc không dấu), mỗi dòng `- …`.")
    keywords: list[NonEmpty] = Field(min_length=1, description="Từ khoá, viết dạng `[làm rẫy, nông dân]`.")
    short: NonEmpty = Field(description=f"Câu trả lời ngắn cho Zalo, tin nhắn: tối đa {SHORT_MAX} ký tự.")
    answer: NonEmpty = Field(description="Câu trả lời đầy đủ (Markdown), số liệu viết `{{ policy.… }}`.")
    basis: list[BasisItem] = Field(min_length=1, description="Căn cứ pháp lý: mỗi dòng `- {law: luat_bhxh, article: 98}`.")
    valid_from: dt.date = Field(description="Ngày câu trả lời bắt đầu đúng, dạng 2025-07-01.")
    valid_to: dt.date | None = Field(None, description="Ngày cần xem lại câu trả lời (hết hạn), dạng 2026-12-31.")
    status: Literal["draft", "reviewed"] = Field(description="`draft` (chưa duyệt) hoặc `reviewed` (cán bộ nghiệp vụ đã duyệt).")
    reviewer: NonEmpty | None = Field(None, description="Họ tên, chức vụ người đã duyệt câu trả lời.")
    translations: dict[str, EntryTranslation] = Field(default_factory=dict, description="Bản dịch, mỗi ngôn ngữ một mục "
                                                                                        "(`bahnar:`, `jrai:`).")

    @field_validator("question", "variants")
    @classmethod
    def _no_quote(cls, value):
        # The question becomes the title of a `??? question "…"` block: a double quote would end it.
        for text in value if isinstance(value, list) else [value]:
            if '"' in text:
                raise ValueError("Câu hỏi không dùng dấu ngoặc kép \": dùng « » hoặc bỏ đi.")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "EntryFields":
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"`valid_to` {self.valid_to.isoformat()} trước `valid_from` {self.valid_from.isoformat()}: sửa một trong hai ngày.")
        if self.status == "reviewed" and not self.reviewer:
            raise ValueError("`status: reviewed` cần người duyệt: thêm `reviewer: Họ tên, chức vụ`. Chưa duyệt thì để `status: draft`.")
        if self.status == "draft" and self.reviewer:
            raise ValueError("Câu chưa duyệt (`status: draft`) không có người duyệt. Đã duyệt xong thì đổi thành `status: reviewed`.")
        return self


class PageTranslation(Model):
    title: NonEmpty
    description: str = ""
    status: Literal["draft", "reviewed"]
    reviewer: NonEmpty | None = None


class PageFields(Model):
    title: NonEmpty = Field(description="Tiêu đề trang hỏi đáp của nhóm.")
    description: str = Field("", description="Một câu tóm tắt trang.")
    order: int = Field(9, description="Thứ tự trang trong mục, một số nguyên.")
    translations: dict[str, PageTranslation] = Field(default_factory=dict, description="Tiêu đề trang bằng ngôn ngữ khác.")


class BankFile(Model):
    page: PageFields = Field(description="Tiêu đề trang: `page: {title: …, description: …}`.")
    entries: list[dict] = Field(min_length=1, description="Các câu hỏi, mỗi mục bắt đầu bằng `- id:`.")
    retired: list[EntryId] = Field(default_factory=list, description="Mã các câu đã bỏ: không bao giờ dùng lại.")


@dataclass(frozen=True)
class Text:
    """A piece of an entry as written, and where: every check reports at `line`."""

    value: str
    line: int
    block: bool = False  # a `|` block: its own lines follow the key's line


@dataclass(frozen=True)
class EntryText:
    """What one language says for an entry."""

    lang: str
    question: str
    short: Text
    answer: Text
    status: str  # source | draft | reviewed
    reviewer: str | None


@dataclass(frozen=True)
class Entry:
    id: str
    home: str  # the audience whose file holds it
    audiences: tuple[str, ...]
    question: str
    variants: tuple[str, ...]
    keywords: tuple[str, ...]
    short: Text
    answer: Text
    basis: tuple[LegalBasis, ...]
    valid_from: dt.date
    valid_to: dt.date | None
    status: str  # draft | reviewed
    reviewer: str | None
    translations: dict[str, EntryText]
    path: Path
    line: int

    @property
    def basis_text(self) -> str:
        return cite(self.basis)

    def expired(self, on: dt.date) -> bool:
        return self.valid_to is not None and on > self.valid_to

    def current(self, on: dt.date) -> bool:
        return self.valid_from <= on and not self.expired(on)

    def text_in(self, lang: str) -> EntryText:
        """The entry in `lang`, or the Vietnamese one (status `fallback`) when nobody translated it."""
        if lang in self.translations:
            return self.translations[lang]
        return EntryText(lang if lang == DEFAULT_LANGUAGE else DEFAULT_LANGUAGE, self.question, self.short, self.answer,
                         "source" if lang == DEFAULT_LANGUAGE else "fallback", None)

    def figure_keys(self) -> list[str]:
        """The policy figures the answer and the short answer quote."""
        keys = []
        for text in (self.answer.value, self.short.value):
            for expression in PLACEHOLDER.findall(text):
                match = REFERENCE.match(expression)
                if match and match.group(1) == "policy":
                    keys.append(match.group(2))
        return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class BankPage:
    audience: str
    title: str
    description: str
    order: int
    translations: dict[str, PageTranslation]
    path: Path


@dataclass(frozen=True)
class Bank:
    entries: tuple[Entry, ...]
    pages: tuple[BankPage, ...]

    def for_audience(self, audience: str) -> list[Entry]:
        """The entries of an audience's page: its own file's first, then those other files share with it."""
        return sorted((e for e in self.entries if audience in e.audiences), key=lambda e: e.home != audience)

    def unfit(self, on: dt.date, policy: PolicyData) -> dict[str, list[str]]:
        """Per entry id, why it may not be published on `on` (nothing for an entry that may)."""
        reasons: dict[str, list[str]] = {}
        for entry in self.entries:
            why = []
            if entry.status != "reviewed":
                why.append("chưa duyệt")
            if entry.expired(on):
                why.append(f"hết hạn ngày {entry.valid_to.strftime('%d/%m/%Y')}")
            elif entry.valid_from > on:
                why.append(f"chưa áp dụng (từ {entry.valid_from.strftime('%d/%m/%Y')})")
            unverified = unverified_figures(entry, policy, on)
            if unverified:
                why.append("có số liệu chưa đối chiếu văn bản gốc: " + ", ".join(f"`{key}`" for key in unverified))
            if why:
                reasons[entry.id] = why
        return reasons


def unverified_figures(entry: Entry, policy: PolicyData, on: dt.date) -> list[str]:
    return [key for key in entry.figure_keys() if key in policy.figures and policy.unverified_sources(key, on)]


def load_bank(content_dir: Path, site: SiteConfig, languages: tuple[Language, ...], policy: PolicyData, log: ProblemLog) -> Bank:
    """Every `content/hoi-dap/<audience>.yml`; an empty bank when the folder does not exist."""
    folder = content_dir / BANK_DIR
    entries: list[Entry] = []
    pages: list[BankPage] = []
    if not folder.is_dir() or folder.is_symlink():
        return Bank((), ())
    seen: dict[str, tuple[Path, int]] = {}
    retired: dict[str, tuple[Path, int]] = {}
    language_codes = [l.code for l in languages if not l.is_default]
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix != ".yml" or path.stem not in site.audience_slugs:
            log.error(path, 1, f"Ngân hàng hỏi đáp chỉ có các tệp `<nhóm đối tượng>.yml` ({', '.join(site.audience_slugs)}.yml). "
                               "Đổi tên tệp hoặc chuyển tệp ra khỏi content/hoi-dap/.")
            continue
        data = read_data_file(path, log)
        if data is None:
            continue
        bank_file = validate(BankFile, data, path, log)
        if bank_file is None:
            continue
        for index, code in enumerate(bank_file.retired):
            retired[code] = (path, data["retired"].line_of(index))
        page_node = data["page"]
        for lang in bank_file.page.translations:
            if lang not in language_codes:
                log.error(path, page_node["translations"].line_of(lang), _unknown_language(lang, language_codes))
        lines = path.read_text(encoding="utf-8").split("\n")  # to tell a `|` block from a one-line value
        pages.append(BankPage(path.stem, bank_file.page.title, bank_file.page.description, bank_file.page.order,
                              dict(bank_file.page.translations), path))
        for node in data["entries"]:
            entry = _read_entry(node, path, lines, site, language_codes, policy.laws, log)
            if entry is None:
                continue
            if entry.id in seen:
                where, line = seen[entry.id]
                log.error(path, node.line_of("id"), f"Mã `{entry.id}` đã dùng ở {where.name} dòng {line}. Mỗi câu hỏi một mã riêng.")
                continue
            seen[entry.id] = (path, node.line_of("id"))
            entries.append(entry)
    for code, (path, line) in seen.items():
        if code in retired:
            where, retired_line = retired[code]
            log.error(path, line, f"Mã `{code}` đã bỏ (ghi trong `retired:` ở {where.name} dòng {retired_line}): "
                                  "mã cũ không dùng lại cho câu khác, vì tin nhắn, trang đã chia sẻ vẫn trỏ tới nó. Đặt mã mới.")
    for entry in entries:
        _check_placeholders(entry, policy, site, log)
    return Bank(tuple(entries), tuple(pages))


def _unknown_language(lang: str, codes: list[str]) -> str:
    return f"Ngôn ngữ `{lang}` không có. Dùng: {', '.join(codes)}."


def _text(node, key: str, value: str, lines: list[str]) -> Text:
    line = node.line_of(key)
    raw = lines[line - 1] if 0 < line <= len(lines) else ""
    return Text(value.rstrip("\n"), line, block=bool(re.search(r":\s*[|>][-+]?\s*(#.*)?$", raw)))


def _read_entry(node, path: Path, lines: list[str], site: SiteConfig, language_codes: list[str], laws, log: ProblemLog) -> Entry | None:
    fields = validate(EntryFields, node, path, log)
    if fields is None:
        return None
    ok = True
    unknown = [a for a in fields.audiences if a not in site.audience_slugs]
    if unknown:
        log.error(path, node.line_of("audiences"), f"Nhóm đối tượng {', '.join(f'`{a}`' for a in unknown)} không có trong "
                                                   f"content/site.yml. Dùng: {', '.join(site.audience_slugs)}.")
        ok = False
    elif path.stem not in fields.audiences:
        log.error(path, node.line_of("audiences"), f"Câu hỏi trong {path.name} phải có nhóm `{path.stem}` trong `audiences:`; "
                                                   "câu của nhóm khác thì chuyển sang tệp của nhóm đó.")
        ok = False
    bases = []
    for index, item in enumerate(fields.basis):
        if item.law not in laws:
            close = difflib.get_close_matches(item.law, list(laws), n=1)
            log.error(path, node["basis"].line_of(index), f"Văn bản `{item.law}` chưa khai báo trong `laws:` của content/policy.yml."
                      + (f" Có phải `{close[0]}`?" if close else f" Dùng: {', '.join(laws)}."))
            ok = False
            continue
        bases.append(LegalBasis(laws[item.law], *(str(getattr(item, f) or "") for f in ("article", "clause", "point"))))
    translations = {}
    for lang, translation in fields.translations.items():
        tnode = node["translations"]
        if lang not in language_codes:
            log.error(path, tnode.line_of(lang), _unknown_language(lang, language_codes))
            ok = False
            continue
        short = translation.short or fields.short
        short_text = _text(tnode[lang], "short", short, lines) if translation.short else _text(node, "short", short, lines)
        translations[lang] = EntryText(lang, translation.question, short_text, _text(tnode[lang], "answer", translation.answer, lines),
                                       translation.status, translation.reviewer)
    if not ok:
        return None
    order = (path.stem,) + tuple(a for a in fields.audiences if a != path.stem)
    return Entry(fields.id, path.stem, order, fields.question, tuple(fields.variants), tuple(fields.keywords),
                 _text(node, "short", fields.short, lines), _text(node, "answer", fields.answer, lines), tuple(bases),
                 fields.valid_from, fields.valid_to, fields.status, fields.reviewer, translations, path, node.line)


def _lines(text: Text) -> list[tuple[int, str]]:
    """Each line of `text` with its line in the file."""
    first = text.line + 1 if text.block else text.line
    return [(first + index, line) for index, line in enumerate(text.value.split("\n"))]


def _check_placeholders(entry: Entry, policy: PolicyData, site: SiteConfig, log: ProblemLog) -> None:
    texts = [entry.short, entry.answer] + [t for tr in entry.translations.values() for t in (tr.short, tr.answer)]
    for text in dict.fromkeys(texts):
        for number, line in _lines(text):
            if re.search(r"<[a-zA-Z/!]", line):
                log.error(entry.path, number, "Câu hỏi đáp không dùng thẻ HTML (`<…>`): viết chữ thường hoặc Markdown (**đậm**, [liên kết](trang.md)).")
            for expression in PLACEHOLDER.findall(line):
                problem = _placeholder_problem(expression, policy, site)
                if problem:
                    log.error(entry.path, number, problem)


def _placeholder_problem(expression: str, policy: PolicyData, site: SiteConfig) -> str | None:
    match = REFERENCE.match(expression)
    if not match:
        return f"Không hiểu `{{{{{expression}}}}}`. Viết số liệu dạng `{{{{ policy.voluntary.rate }}}}` hoặc `{{{{ site.hotline }}}}`."
    kind, key, view = match.group(1), match.group(2), match.group(3) or ""
    if kind == "site":
        if key not in site.contacts:
            return f"Không có thông tin `site.{key}` trong content/site.yml. Dùng một trong: {', '.join(site.contacts)}."
        return None
    if key not in policy.figures:
        close = policy.suggest(key)
        return f"Không có số liệu `policy.{key}` trong content/policy.yml." + (f" Có phải `{close[0]}`?" if close else "")
    if view not in VIEWS:
        return f"Cách hiển thị `| {view}` không có. Dùng: {', '.join(v for v in VIEWS if v)} hoặc bỏ trống."
    return None


def check_links(bank: Bank, known_pages: set[str], log: ProblemLog) -> None:
    """Links from answers to pages: written from the content root of a language (`../tu-nguyen/muc-dong.md`),
    so they lead to the same page from every audience's Q&A page."""
    for entry in bank.entries:
        texts = [entry.answer] + [t.answer for t in entry.translations.values()]
        for text in texts:
            for number, line in _lines(text):
                for match in LINK.finditer(line):
                    target = match.group(3)
                    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
                        continue
                    resolved = posixpath.normpath(posixpath.join(entry.home, target.split("#", 1)[0]))
                    if not target.startswith("../") or resolved not in known_pages:
                        close = difflib.get_close_matches(resolved, sorted(known_pages), n=1)
                        hint = f" Viết dạng `../{close[0]}`." if close else " Viết dạng `../tu-nguyen/muc-dong-va-ho-tro.md`."
                        log.error(entry.path, number, f"Liên kết tới trang không có hoặc viết sai: `{target}`. Câu trả lời hiện trên "
                                                      f"trang hỏi đáp của nhiều nhóm, nên liên kết bắt đầu bằng `../<nhóm>/`.{hint}")


# --- the generated pages -----------------------------------------------------


def entry_markdown(entry: Entry, text: EntryText, marks: list[str], basis_label: str, date_label: str) -> str:
    """One entry as the collapsible block of a Q&A page: the question, the answer, its basis and date, any marks."""
    lines = [f'??? question "{text.question}"']
    lines += [f"    {line}" if line.strip() else "" for line in text.answer.value.split("\n")]
    lines += ["", f"    *{basis_label}: {entry.basis_text}. {date_label}: {entry.valid_from.strftime('%d/%m/%Y')}.*"]
    for mark in marks:
        lines += ["", f"    **{mark}**"]
    return "\n".join(lines)


def bank_pages(bank: Bank, languages: tuple[Language, ...], policy: PolicyData, as_of: dt.date) -> list[SourcePage]:
    """The Q&A page of each audience with a bank file, in Vietnamese and in each language that translated its title.

    A translated page shows each entry in the language when someone translated it, in Vietnamese otherwise
    (marked); its status is the least finished of its parts, so the page notices say what the reader gets.
    """
    pages = []
    for bank_page in bank.pages:
        entries = bank.for_audience(bank_page.audience)
        key = PageKey(bank_page.audience, PAGE_NAME)
        original = _page(bank_page, key, DEFAULT_LANGUAGE, languages, entries, policy, as_of, None)
        pages.append(original)
        for language in languages:
            translated = bank_page.translations.get(language.code)
            if language.is_default or translated is None:
                continue
            pages.append(_page(bank_page, key, language.code, languages, entries, policy, as_of, (translated, original)))
    return pages


def marks_for(entry: Entry, policy: PolicyData, as_of: dt.date, strings) -> list[str]:
    """What a draft build says under an answer a release would refuse."""
    marks = []
    if entry.status != "reviewed":
        marks.append(strings["qa.mark.draft"])
    if entry.expired(as_of):
        marks.append(strings["qa.mark.expired"].format(date=entry.valid_to.strftime("%d/%m/%Y")))
    if unverified_figures(entry, policy, as_of):
        marks.append(strings["qa.mark.unverified"])
    return marks


def _page(bank_page: BankPage, key: PageKey, lang: str, languages, entries: list[Entry], policy: PolicyData, as_of: dt.date,
          translation: tuple[PageTranslation, SourcePage] | None) -> SourcePage:
    strings = next(l for l in languages if l.code == lang).strings
    blocks, statuses = [], []
    for entry in entries:
        text = entry.text_in(lang)
        statuses.append(text.status)
        block = entry_markdown(entry, text, marks_for(entry, policy, as_of, strings), strings["qa.basis"], strings["qa.since"])
        if text.status == "fallback":
            block += "\n\n    *" + strings["qa.fallback"] + "*"
        blocks.append(block)
    body = "\n\n".join(blocks) + "\n"
    if translation is None:
        title, description, info = bank_page.title, bank_page.description, None
    else:
        page_translation, original = translation
        statuses.append(page_translation.status)
        status = "draft" if any(s in ("draft", "fallback") for s in statuses) else "reviewed"
        title, description = page_translation.title, page_translation.description
        info = Translation(f"{DEFAULT_LANGUAGE}/{key.rel}", original.content_hash, status, page_translation.reviewer)
    return SourcePage(key=key, lang=lang, path=bank_page.path, title=title, kind="faq", order=bank_page.order,
                      description=description, body=body, body_line=1, content_hash=content_hash(body), translation=info)


def replaces_written_pages(pages: list[SourcePage], generated: list[SourcePage], log: ProblemLog) -> list[SourcePage]:
    """The written pages plus the generated ones; a hand-written `hoi-dap.md` beside a bank file is refused."""
    made = {(p.lang, p.key): p for p in generated}
    for page in pages:
        if (page.lang, page.key) in made:
            log.error(page.path, 1, f"Trang này được tạo từ ngân hàng hỏi đáp {made[(page.lang, page.key)].path.name}: "
                                    "sửa câu hỏi trong tệp đó và xoá tệp .md này.")
    return [p for p in pages if (p.lang, p.key) not in made] + generated

