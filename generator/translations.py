"""Translation status, and the round trip to translators through a spreadsheet.

For every Vietnamese page and every other language the state is one of:
missing, draft, reviewed, or outdated (the Vietnamese page changed since the
`source_hash` the translation recorded). Translators get a CSV file (opens in
Excel or LibreOffice) with the Vietnamese text beside the current translation;
importing it writes the translated Markdown back with the right front matter.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from .content import SourcePage
from .languages import DEFAULT_LANGUAGE, Language
from .problems import ContentError, ProblemLog

STATES = ("missing", "draft", "reviewed", "outdated")
COLUMNS = ("trang", "ngon_ngu", "trang_thai", "ma_ban_goc", "tieu_de_tieng_viet", "mo_ta_tieng_viet",
           "noi_dung_tieng_viet", "tieu_de_ban_dich", "mo_ta_ban_dich", "noi_dung_ban_dich", "nguoi_duyet")


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
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "site"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    languages, rows, summary = status_table(states)
    page = env.get_template("translation-status.html").render(t=vietnamese.t, languages=languages, rows=rows, summary=summary)
    return {STATUS_PAGE: page.encode("utf-8")}


# --- export and import -------------------------------------------------------


def export_csv(states: list[TranslationState], lang: str, target: Path, include_done: bool, vietnamese: Language) -> int:
    rows = [s for s in states if s.lang == lang and (include_done or s.state != "reviewed")]
    # utf-8-sig: Excel only recognises UTF-8 (and so Vietnamese letters) with the BOM.
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for s in rows:
            writer.writerow({
                "trang": s.original.rel,
                "ngon_ngu": lang,
                "trang_thai": vietnamese.t(f"status.{s.state}"),
                "ma_ban_goc": s.current_hash,
                "tieu_de_tieng_viet": s.original.title,
                "mo_ta_tieng_viet": s.original.description,
                "noi_dung_tieng_viet": s.original.body.strip(),
                "tieu_de_ban_dich": s.translation.title if s.translation else "",
                "mo_ta_ban_dich": s.translation.description if s.translation else "",
                "noi_dung_ban_dich": s.translation.body.strip() if s.translation else "",
                "nguoi_duyet": (s.translation.translation.reviewer or "") if s.translation else "",
            })
    return len(rows)


@dataclass(frozen=True)
class ImportedPage:
    path: Path
    text: str


def read_import(source: Path, content_dir: Path, languages: tuple[Language, ...],
                vietnamese_pages: set[str], log: ProblemLog) -> list[ImportedPage]:
    codes = {l.code for l in languages if not l.is_default}
    pages = []
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in ("trang", "ngon_ngu", "ma_ban_goc", "tieu_de_ban_dich", "noi_dung_ban_dich") if c not in (reader.fieldnames or [])]
            if missing:
                log.error(source, 1, f"Thiếu cột: {', '.join(missing)}. Hãy dùng tệp do `outreach translations export` tạo ra.")
                return []
            for row in reader:
                page = _imported_page(row, reader.line_num, source, content_dir, codes, vietnamese_pages, log)
                if page:
                    pages.append(page)
    except UnicodeDecodeError:
        log.error(source, 1, "Tệp không ở bảng mã UTF-8. Khi lưu trong Excel, chọn \"CSV UTF-8\".")
    return pages


def _imported_page(row, line, source, content_dir, codes, vietnamese_pages, log) -> ImportedPage | None:
    title, body = (row.get("tieu_de_ban_dich") or "").strip(), (row.get("noi_dung_ban_dich") or "").strip()
    if not title and not body:
        return None  # not translated yet: nothing to write
    rel, lang = (row.get("trang") or "").strip(), (row.get("ngon_ngu") or "").strip()
    problems = []
    if lang not in codes:
        problems.append(f"ngôn ngữ `{lang}` không hợp lệ (chọn {', '.join(sorted(codes))})")
    if rel not in vietnamese_pages:
        problems.append(f"không có trang tiếng Việt `{rel}`")
    if not title:
        problems.append("thiếu tiêu đề bản dịch (cột tieu_de_ban_dich)")
    if not body:
        problems.append("thiếu nội dung bản dịch (cột noi_dung_ban_dich)")
    source_hash = (row.get("ma_ban_goc") or "").strip()
    if not source_hash:
        problems.append("thiếu mã bản gốc (cột ma_ban_goc): đừng xoá cột này")
    if problems:
        log.error(source, line, "Dòng này: " + "; ".join(problems) + ".")
        return None
    reviewer = (row.get("nguoi_duyet") or "").strip()
    front = {"title": title}
    if (row.get("mo_ta_ban_dich") or "").strip():
        front["description"] = row["mo_ta_ban_dich"].strip()
    # Only a named native-speaker reviewer makes a translation final.
    front["status"] = "reviewed" if reviewer else "draft"
    if reviewer:
        front["reviewer"] = reviewer
    front["source"] = f"{DEFAULT_LANGUAGE}/{rel}"
    front["source_hash"] = source_hash
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + body + "\n"
    return ImportedPage(content_dir / lang / rel, text)


def write_import(pages: list[ImportedPage], log: ProblemLog) -> None:
    if log.errors:
        raise ContentError(log.errors)
    for page in pages:
        page.path.parent.mkdir(parents=True, exist_ok=True)
        page.path.write_text(page.text, encoding="utf-8")
