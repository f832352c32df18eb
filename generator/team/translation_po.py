"""Gettext PO files for translators: one file per page, one entry per piece of text a reader sees.

Poedit, Weblate and Crowdin open these. The Markdown around the text (the `#` of a
heading, list markers, table pipes, print marks, the keys of an infographic block)
stays out of the entries, so a translator cannot break it; placeholders
`{{ policy.… }}` and link targets stay in the text, and the import checks that
each comes back unchanged. The import then goes through the spreadsheet's
checked writing (`translation_sheets.write_checked`): nothing lost, edits made
after the export refused unless forced, `path:line` errors, checked like
`outreach check`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po

from ..compose.translations import TranslationState
from ..problems import Problem, ProblemLog
from ..sources.content import SourcePage
from ..sources.languages import DEFAULT_LANGUAGE, Language
from .translation_sheets import EXPORT_FOLDER, ImportedPage, Row, file_fingerprint, write_checked

HEADING = re.compile(r"^(#{1,6}[ \t]+)(.*?)([ \t]+#+)?[ \t]*$")
LIST_ITEM = re.compile(r"^([ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+)(.*)$")
QUOTE = re.compile(r"^([ \t]*>[ \t]?)(.*)$")
ADMONITION = re.compile(r'^([ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w-]+[ \t]+")(.*)("[ \t]*)$')
PRINT_MARK = re.compile(r"^[ \t]*<!--.*-->[ \t]*$")
FENCE = re.compile(r"^[ \t]*(```|~~~)")
# Inside an infographic block: the texts a reader sees (`title:`, `text:`, a side's bare list items).
# A bare list item that is one word (`- law.effective_date`) is a key, not text.
FENCED_TEXT = re.compile(r'^([ \t]*(?:-[ \t]+)?(?:title|text):[ \t]*"?|[ \t]*-[ \t]+(?![\w.]+:|[\w.]+[ \t]*$)"?)(.*?)("?[ \t]*)$')
TABLE_PIPE = re.compile(r"\|(?![^{]*\}\})")  # a cell border, not the `|` of a placeholder's view
TABLE_RULE = re.compile(r"^[ \t]*\|[ \t:|-]+$")
PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
META = re.compile(r"^#\s*outreach-([a-z-]+):\s*(.*?)\s*$")
REVIEWER_ENTRY = "Họ tên người bản ngữ đã kiểm tra cả trang (để trống nếu chưa ai kiểm tra)"


@dataclass
class Unit:
    """One piece of text to translate, as one line (a paragraph's lines are joined: Markdown reads them as one)."""
    text: str
    line: int  # in the Vietnamese page file
    kind: str  # what it is, told to the translator


@dataclass
class SplitPage:
    """A Markdown body as lines of literal Markdown and numbered units of text."""
    lines: list[list[str | int]] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)

    def add(self, pieces: list, line: int, kind: str) -> list[str | int]:
        """A new line; the text pieces (given as 1-tuples) become units."""
        out = []
        for piece in pieces:
            if isinstance(piece, tuple) and piece[0].strip():
                self.units.append(Unit(piece[0].strip(), line, kind))
                out.append(len(self.units) - 1)
            else:
                out.append(piece[0] if isinstance(piece, tuple) else piece)
        self.lines.append(out)
        return out

    def rebuild(self, texts: list[str]) -> str:
        return "\n".join("".join(texts[p] if isinstance(p, int) else p for p in line) for line in self.lines)


def split_body(body: str, first_line: int) -> SplitPage:
    split = SplitPage()
    in_fence, open_unit = False, None  # open_unit: the paragraph or list item a next line continues
    for offset, raw in enumerate(body.split("\n")):
        number = first_line + offset
        if FENCE.match(raw) or in_fence:
            in_fence = in_fence != bool(FENCE.match(raw))
            text = FENCED_TEXT.match(raw) if in_fence and not FENCE.match(raw) else None
            split.add([text[1], (text[2],), text[3]] if text else [raw], number, "Chữ trên hình minh hoạ")
            open_unit = None
            continue
        if not raw.strip() or PRINT_MARK.match(raw) or TABLE_RULE.match(raw):
            split.add([raw], number, "")
            open_unit = None
            continue
        if (heading := HEADING.match(raw)) or (title := ADMONITION.match(raw)):
            found = heading or title
            split.add([found[1], (found[2],), found[3] or ""], number, "Tiêu đề mục" if heading else "Tiêu đề khung")
            open_unit = None
        elif raw.lstrip().startswith("|"):
            cells = TABLE_PIPE.split(raw)
            pieces = []
            for i, cell in enumerate(cells):
                pieces += ["|"] if i else []
                lead, text, trail = re.match(r"^(\s*)(.*?)(\s*)$", cell).groups()
                pieces += [lead, (text,), trail]
            split.add(pieces, number, "Ô bảng")
            open_unit = None
        elif open_unit is not None and not LIST_ITEM.match(raw) and not QUOTE.match(raw):
            open_unit.text += " " + raw.strip()
        else:
            item, quote = LIST_ITEM.match(raw), QUOTE.match(raw)
            found = item or quote
            prefix, text = (found[1], found[2]) if found else (raw[: len(raw) - len(raw.lstrip())], raw.strip())
            line = split.add([prefix, (text,)], number, "Ý trong danh sách" if item else "Đoạn trích" if quote else "Đoạn văn")
            open_unit = split.units[line[-1]] if isinstance(line[-1], int) else None
    return split


def _context(rel: str, position: int | str) -> str:
    return f"{rel}:{position}"


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _protected(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text) + LINK_TARGET.findall(text))


def page_catalog(state: TranslationState, language: Language, when: dt.date) -> Catalog:
    """The PO catalogue of one page: its title, description, every unit of its body, and the reviewer's name."""
    original, current = state.original, state.translation
    shown = f"content/{DEFAULT_LANGUAGE}/{original.rel}"
    catalog = Catalog(locale=language.html_lang, project="BHXH Gia Lai", version=state.current_hash,
                      language_team=f"Tiếng {language.name}", last_translator=f"Người dịch tiếng {language.name}",
                      creation_date=dt.datetime.combine(when, dt.time()), revision_date=dt.datetime.combine(when, dt.time()),
                      fuzzy=False, header_comment="\n".join((
                          f"# Bản dịch tiếng {language.name} của {shown}.",
                          "# Dịch từng mục (msgstr); giữ nguyên các chỗ {{ policy.… }} và địa chỉ liên kết ](…).",
                          f"# Người bản ngữ đã kiểm tra cả trang thì ghi tên vào mục \"{REVIEWER_ENTRY}\".",
                          "# Đừng sửa các dòng outreach- dưới đây: lệnh `outreach translations import` cần chúng.",
                          f"# outreach-trang: {original.rel}",
                          f"# outreach-ngon-ngu: {state.lang}",
                          f"# outreach-ma-ban-goc: {state.current_hash}",
                          f"# outreach-ma-tep-ban-dich: {file_fingerprint(current.path) if current else ''}",
                      )))
    split = split_body(original.body, original.body_line)
    carried = _carried_translations(state, split)
    fields = [("tieu-de", original.title, "Tiêu đề trang"), ("mo-ta", original.description, "Mô tả trang (kết quả tìm kiếm, khi chia sẻ)")]
    for (key, vietnamese, kind), (translated, fuzzy) in zip(fields, carried):
        if vietnamese:
            catalog.add(vietnamese, translated, context=_context(original.rel, key), auto_comments=[kind],
                        flags=("fuzzy",) if fuzzy else ())
    for index, (unit, (translated, fuzzy)) in enumerate(zip(split.units, carried[len(fields):])):
        comments = [unit.kind]
        if index:
            comments.append("Trước: " + _shorten(split.units[index - 1].text))
        if index + 1 < len(split.units):
            comments.append("Sau: " + _shorten(split.units[index + 1].text))
        if _protected(unit.text):
            comments.append("Giữ nguyên: " + ", ".join(sorted(_protected(unit.text))))
        catalog.add(unit.text, translated, context=_context(original.rel, index + 1), auto_comments=comments,
                    locations=[(shown, unit.line)], flags=("fuzzy",) if fuzzy else ())
    reviewer = (current.translation.reviewer or "") if current and state.state == "reviewed" else ""
    catalog.add(REVIEWER_ENTRY, reviewer, context=_context(original.rel, "nguoi-duyet"),
                auto_comments=["Không phải câu cần dịch: ghi họ tên người duyệt, hoặc để trống."])
    return catalog


def part_hash(text: str) -> str:
    """The fingerprint of one Vietnamese text, recorded per entry in the translation (`source_parts`)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _vietnamese_parts(original: SourcePage, split: SplitPage) -> list[str]:
    """The texts of the entries in order: title, description (maybe empty), each unit of the body."""
    return [original.title, original.description, *(u.text for u in split.units)]


def _carried_translations(state: TranslationState, split: SplitPage) -> list[tuple[str, bool]]:
    """Per entry, the translation the page already has and whether it needs a look (fuzzy).

    When the translation records which Vietnamese each entry translated (`source_parts`),
    only the entries whose Vietnamese changed are fuzzy; a new entry is empty. Otherwise an
    outdated translation is carried whole, every entry fuzzy.
    """
    entries = _vietnamese_parts(state.original, split)
    current = state.translation
    if current is None:
        return [("", False)] * len(entries)
    done = split_body(current.body, current.body_line)
    translated = [current.title, current.description, *(u.text for u in done.units)]
    recorded = list(current.translation.source_parts)
    if len(recorded) != len(translated):  # not recorded, or the Markdown was edited by hand since
        if len(translated) != len(entries):
            translated = translated[:2] + [""] * (len(entries) - 2)
        return [(text, bool(text) and state.state == "outdated") for text in translated]
    carried: list[tuple[str, bool]] = []
    matcher = difflib.SequenceMatcher(None, recorded, [part_hash(text) for text in entries], autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            carried += [(text, False) for text in translated[old_start:old_end]]
        elif operation in ("replace", "insert"):
            old = translated[old_start:old_end] if operation == "replace" else []
            carried += [(old[i], bool(old[i])) if i < len(old) else ("", False) for i in range(new_end - new_start)]
    return carried


def po_folder(out: Path | None, project_root: Path, lang: str, today: dt.date) -> Path:
    """The folder `--out` names; or a new dated folder in `ban-dich/` (a default never reuses a folder)."""
    if out is not None:
        return out
    folder = project_root / EXPORT_FOLDER / f"po-{lang}-{today.isoformat()}"
    number = 1
    while folder.exists():
        number += 1
        folder = project_root / EXPORT_FOLDER / f"po-{lang}-{today.isoformat()}-{number}"
    return folder


def export_po(states: list[TranslationState], language: Language, folder: Path, include_done: bool, today: dt.date,
              overwrite: bool = False) -> list[Path]:
    """One PO file per page, at the page's path; FileExistsError (nothing written) if one exists and may not be overwritten."""
    chosen = [s for s in states if s.lang == language.code and (include_done or s.state != "reviewed")]
    targets = [folder / Path(s.original.rel).with_suffix(".po") for s in chosen]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        raise FileExistsError(existing[0])
    for state, target in zip(chosen, targets):
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_po(handle, page_catalog(state, language, today), sort_output=False)
    return targets


def import_po(files: list[Path], project_root: Path, languages: tuple[Language, ...], sources: list[SourcePage],
              force: bool, as_of: dt.date) -> tuple[list[ImportedPage], list[Problem]]:
    """Rebuild the pages the PO files translate, check them as `outreach check` would, write them."""
    log = ProblemLog(Path.cwd())
    originals = {p.rel: p for p in sources if p.lang == DEFAULT_LANGUAGE}
    rows = [row for path in files if (row := _page_row(path, originals, log)) is not None]
    log.raise_if_errors()
    return write_checked(rows, project_root, languages, sources, force, as_of, log)


def _page_row(path: Path, originals: dict[str, SourcePage], log: ProblemLog) -> Row | None:
    """The page a PO file translates, as a row of the checked import; None (and reported) if it cannot be."""
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except PoFileError as error:
        log.error(path, getattr(error, "lineno", 1) or 1, f"Tệp PO sai cú pháp ({error}). Mở lại bằng Poedit và lưu, hoặc xuất tệp mới.")
        return None
    except (UnicodeDecodeError, ValueError) as error:
        log.error(path, 1, f"Không đọc được tệp PO ({error}). Lưu tệp ở bảng mã UTF-8.")
        return None
    meta = dict(m.groups() for line in (catalog.header_comment or "").splitlines() if (m := META.match(line)))
    original = originals.get(meta.get("trang", ""))
    if original is None or "ma-ban-goc" not in meta:
        log.error(path, 1, "Không phải tệp do `outreach translations export --format po` tạo ra, hoặc trang tiếng Việt "
                           f"`{meta.get('trang', '?')}` không còn (các dòng `# outreach-…` ở đầu tệp bị xoá hay sửa). Xuất tệp mới.")
        return None
    if meta["ma-ban-goc"] != original.content_hash:
        log.error(path, 1, f"Bản tiếng Việt `content/{DEFAULT_LANGUAGE}/{original.rel}` đã sửa sau khi xuất tệp này. Xuất tệp PO "
                           "mới rồi đưa bản dịch sang (Poedit: Bản dịch › Cập nhật từ tệp POT, chọn tệp mới; hoặc `msgmerge`).")
        return None
    split = split_body(original.body, original.body_line)
    entries = [(_context(original.rel, i + 1), unit.text) for i, unit in enumerate(split.units)]
    fields = {key: text for key, text in (("tieu-de", original.title), ("mo-ta", original.description)) if text}
    entries += [(_context(original.rel, key), text) for key, text in fields.items()]
    found, missing, untranslated, wrong = {}, [], [], False
    for context, vietnamese in entries:
        message: Message | None = catalog.get(vietnamese, context=context)
        if message is None:
            missing.append(context)
        elif not message.string or message.fuzzy:
            untranslated.append(message.lineno)
        elif _protected(message.string) != _protected(vietnamese):
            lost = _protected(vietnamese) - _protected(message.string)
            added = _protected(message.string) - _protected(vietnamese)
            log.error(path, message.lineno, f"Mục `{context}`: "
                      + "; ".join(filter(None, (f"thiếu {', '.join(lost)}" if lost else "",
                                                f"thừa hoặc viết sai {', '.join(added)}" if added else "")))
                      + ". Giữ nguyên các chỗ {{ policy.… }} và địa chỉ liên kết như bản tiếng Việt.")
            wrong = True
        else:
            found[context] = message.string.strip()
    if missing:
        log.error(path, 1, f"Thiếu {len(missing)} mục ({', '.join(missing[:5])}…): tệp đã bị sửa ngoài Poedit. Xuất tệp mới.")
        return None
    if wrong:
        return None
    if untranslated:
        log.warning(path, untranslated[0], f"{len(untranslated)} mục chưa dịch hoặc còn đánh dấu cần xem lại (fuzzy), "
                                           f"dòng {', '.join(map(str, untranslated[:10]))}: chưa nhập trang này "
                                           "(bản dịch đã có vẫn nằm trong tệp PO).")
        return None
    reviewer = catalog.get(REVIEWER_ENTRY, context=_context(original.rel, "nguoi-duyet"))
    body = split.rebuild([found[_context(original.rel, i + 1)] for i in range(len(split.units))]).strip()
    return Row(path, 1, original.rel, meta.get("ngon-ngu", ""), meta["ma-ban-goc"], meta.get("ma-tep-ban-dich", ""),
               found.get(_context(original.rel, "tieu-de"), ""), found.get(_context(original.rel, "mo-ta"), ""), body,
               (reviewer.string or "").strip() if reviewer and not reviewer.fuzzy else "",
               " ".join(part_hash(text) for text in _vietnamese_parts(original, split)))
