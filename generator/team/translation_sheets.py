"""The round trip to translators through a spreadsheet: export a CSV, import it back.

Translators get a CSV file (opens in Excel or LibreOffice) with the Vietnamese
text beside the current translation; importing it writes the translated
Markdown back with the right front matter, after `outreach check` passed on a
copy of the project with the imported pages in place.

Nothing a translator or a communicator wrote may be lost on the way:
- each row records the fingerprint of the translation file as exported, and
  a row whose file was edited since is refused (unless forced);
- a review vouches for a text against one Vietnamese version: unchanged text
  never becomes "reviewed" for a newer Vietnamese page;
- empty cells never erase anything, and the import never deletes a file;
- what the import would write passes the same checks as `outreach check`
  before anything is written, and every skipped row is reported.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..build import BuildOptions, Project, check
from ..sources.content import HASH_LENGTH, SourcePage
from ..sources.languages import DEFAULT_LANGUAGE, Language
from ..problems import ContentError, Problem, ProblemLog
from ..compose.translations import TranslationState
from .places import EXPORT_FOLDER

COLUMNS = ("trang", "ngon_ngu", "trang_thai", "ma_ban_goc", "ma_tep_ban_dich", "tieu_de_tieng_viet",
           "mo_ta_tieng_viet", "noi_dung_tieng_viet", "tieu_de_ban_dich", "mo_ta_ban_dich", "noi_dung_ban_dich",
           "nguoi_duyet")
# Spreadsheets run a cell beginning with one of these as a formula (OWASP "CSV injection").
FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")
HASH = re.compile(rf"^[0-9a-f]{{{HASH_LENGTH}}}$")


def file_fingerprint(path: Path) -> str:
    """The translation file as it is now; empty when there is none."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH] if path.is_file() else ""


def _to_cell(value: str) -> str:
    # A leading ' makes the cell text; a value already starting with quotes
    # before such a character gets one more, so the import restores it exactly.
    return "'" + value if FORMULA_START.match(value) else value


def _from_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and FORMULA_START.match(value) else value


def export_target(out: Path | None, project_root: Path, lang: str, today: dt.date) -> Path:
    """The file `--out` names; or, in the folder it names or else in `ban-dich/`, a new dated file.

    A default name never overwrites a file: it may be a sheet a translator sent back.
    """
    if out is not None and not out.is_dir():
        return out
    folder = out if out is not None else project_root / EXPORT_FOLDER
    target = folder / f"dich-{lang}-{today.isoformat()}.csv"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"dich-{lang}-{today.isoformat()}-{number}.csv"
    return target


def export_csv(states: list[TranslationState], lang: str, target: Path, include_done: bool,
               vietnamese: Language, overwrite: bool = False) -> int:
    """Write the sheet; FileExistsError if `target` exists and may not be overwritten."""
    rows = [s for s in states if s.lang == lang and (include_done or s.state != "reviewed")]
    target.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig: Excel only recognises UTF-8 (and so Vietnamese letters) with the BOM.
    with target.open("w" if overwrite else "x", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for s in rows:
            translation = s.translation
            writer.writerow({column: _to_cell(value) for column, value in {
                "trang": s.original.rel,
                "ngon_ngu": lang,
                "trang_thai": vietnamese.t(f"status.{s.state}"),
                "ma_ban_goc": s.current_hash,
                "ma_tep_ban_dich": file_fingerprint(translation.path) if translation else "",
                "tieu_de_tieng_viet": s.original.title,
                "mo_ta_tieng_viet": s.original.description,
                "noi_dung_tieng_viet": s.original.body.strip(),
                "tieu_de_ban_dich": translation.title if translation else "",
                "mo_ta_ban_dich": translation.description if translation else "",
                "noi_dung_ban_dich": translation.body.strip() if translation else "",
                # A review vouches for one Vietnamese version: an outdated page needs a new one.
                "nguoi_duyet": (translation.translation.reviewer or "") if s.state == "reviewed" else "",
            }.items()})
    return len(rows)


@dataclass(frozen=True)
class ImportedPage:
    path: Path
    text: str
    row: int  # the line of `origin` it comes from (in a spreadsheet, the row: the header is row 1)
    origin: Path  # the sheet or PO file


@dataclass(frozen=True)
class Row:
    """One page's translation as a translator sends it back (a sheet's row, a PO file)."""
    origin: Path
    number: int
    rel: str
    lang: str
    source_hash: str
    file_fingerprint: str | None  # None: the column is missing (allowed with --force only)
    title: str
    description: str
    body: str
    reviewer: str
    source_parts: str = ""  # see Translation.source_parts; only a PO file knows them

    @classmethod
    def read(cls, sheet: Path, number: int, row: dict) -> "Row":
        cell = {key: _from_cell(value or "").replace("\r\n", "\n").strip() for key, value in row.items() if key}
        return cls(sheet, number, cell.get("trang", ""), cell.get("ngon_ngu", ""), cell.get("ma_ban_goc", ""),
                   cell.get("ma_tep_ban_dich"), cell.get("tieu_de_ban_dich", ""), cell.get("mo_ta_ban_dich", ""),
                   cell.get("noi_dung_ban_dich", ""), cell.get("nguoi_duyet", ""))


REQUIRED_COLUMNS = ("trang", "ngon_ngu", "ma_ban_goc", "ma_tep_ban_dich", "tieu_de_ban_dich", "noi_dung_ban_dich")


def import_translations(sheet: Path, project_root: Path, languages: tuple[Language, ...], sources: list[SourcePage],
                        force: bool, as_of: dt.date) -> tuple[list[ImportedPage], list[Problem]]:
    """Read the sheet, check what it would write, write it. Returns the pages written and notes on skipped rows.

    What the import would write is checked as `outreach check` on `as_of` would, on a copy of
    the project with the imported pages in place. Raises ContentError (nothing written) for any
    refused row or any content error.
    """
    log = ProblemLog(Path.cwd())
    rows = _read_sheet(sheet, force, log)
    log.raise_if_errors()
    return write_checked(rows, project_root, languages, sources, force, as_of, log)


def write_checked(rows: list[Row], project_root: Path, languages: tuple[Language, ...], sources: list[SourcePage],
                  force: bool, as_of: dt.date, log: ProblemLog) -> tuple[list[ImportedPage], list[Problem]]:
    """The pages the rows make, checked as `outreach check` would, then written; ContentError and nothing written on any error."""
    pages = _pages_from_rows(rows, project_root / "content", languages, sources, force, log)
    log.raise_if_errors()
    _check_imported(pages, project_root, as_of, log)
    log.raise_if_errors()
    for page in pages:
        page.path.parent.mkdir(parents=True, exist_ok=True)
        page.path.write_text(page.text, encoding="utf-8")
    return pages, log.warnings


def _read_sheet(sheet: Path, force: bool, log: ProblemLog) -> list[Row]:
    try:
        # utf-8-sig reads UTF-8 with or without the BOM Excel writes; newline="" keeps line breaks inside cells.
        text = io.StringIO(sheet.read_bytes().decode("utf-8-sig"), newline="")
        header = text.readline()
        text.seek(0)
        reader = csv.DictReader(text, delimiter=_separator(header))
        required = [c for c in REQUIRED_COLUMNS if not (force and c == "ma_tep_ban_dich")]
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            log.error(sheet, 1, f"Thiếu cột: {', '.join(missing)}. Hãy dùng tệp do `outreach translations export` tạo ra "
                                "(tệp xuất bằng phiên bản cũ thì xuất lại; các cột phân cách bằng dấu phẩy hoặc chấm phẩy).")
            return []
        return [Row.read(sheet, number, row) for number, row in enumerate(reader, start=2)]
    except UnicodeDecodeError:
        log.error(sheet, 1, "Tệp không ở bảng mã UTF-8. Khi lưu trong Excel, chọn \"CSV UTF-8\".")
        return []
    except csv.Error as error:
        log.error(sheet, 1, f"Không đọc được tệp CSV ({error}). Hãy lưu lại tệp dạng \"CSV UTF-8\" trong Excel hoặc LibreOffice.")
        return []


def _pages_from_rows(rows: list[Row], content_dir, languages, sources, force, log) -> list[ImportedPage]:
    codes = {l.code for l in languages if not l.is_default}
    originals = {p.rel: p for p in sources if p.lang == DEFAULT_LANGUAGE}
    translations = {(p.lang, p.rel): p for p in sources if p.lang != DEFAULT_LANGUAGE}
    pages, first_row, untranslated, unchanged, already_imported = [], {}, [], [], []
    for row in rows:
        if not (row.title or row.body or row.description):
            if row.reviewer:
                log.warning(row.origin, row.number, f"Dòng có tên người duyệt ({row.reviewer}) nhưng chưa có bản dịch: bỏ qua. "
                                               "Điền cột tieu_de_ban_dich và noi_dung_ban_dich, hoặc xoá tên người duyệt.")
            else:
                untranslated.append(row)
            continue
        key = (row.lang, row.rel)
        if key in first_row:
            first = first_row[key]
            where = f"dòng {first.number}" if first.origin == row.origin else f"{first.origin}:{first.number}"
            log.error(row.origin, row.number, f"Trang `{row.rel}` ({row.lang}) đã có ở {where}. Giữ lại một bản rồi nhập lại.")
            continue
        first_row[key] = row
        if not _valid_row(row, codes, originals, log):
            continue
        current = translations.get(key)
        if _edited_since_export(row, content_dir, force):
            if _holds_row_already(row, content_dir, originals[row.rel], current):
                already_imported.append(row)  # the file changed since the export: by importing this very row
            else:
                _refuse_edited(row, content_dir, log)
            continue
        page = _imported_page(row, content_dir, originals[row.rel], current, log)
        if page is None:
            unchanged.append(row)
        else:
            pages.append(page)
    for skipped, why in ((untranslated, "chưa có bản dịch."), (unchanged, "bản dịch giống hệt tệp hiện có."),
                         (already_imported, "đã nhập tệp này rồi, tệp dịch đã đúng như vậy nên không có gì thay đổi.")):
        for origin in dict.fromkeys(row.origin for row in skipped):
            numbers = [row.number for row in skipped if row.origin == origin]
            log.warning(origin, numbers[0], f"Bỏ qua {_rows(numbers)}: {why}")
    return pages


SEPARATORS = (",", ";", "\t")  # Excel writes ";" where the decimal mark is a comma, as in Vietnamese settings


def _separator(header: str) -> str:
    """The separator that splits the header line into the most known column names."""
    return max(SEPARATORS, key=lambda sep: sum(name.strip().strip('"') in COLUMNS for name in header.split(sep)))


def _rows(numbers: list[int]) -> str:
    return f"dòng {numbers[0]}" if len(numbers) == 1 else f"{len(numbers)} dòng ({', '.join(map(str, numbers))})"


def _valid_row(row: Row, codes, originals, log) -> bool:
    problems = []
    if row.lang not in codes:
        problems.append(f"ngôn ngữ `{row.lang}` không hợp lệ (chọn {', '.join(sorted(codes))})")
    if row.rel not in originals:
        problems.append(f"không có trang tiếng Việt `{row.rel}`")
    if not row.title:
        problems.append("thiếu tiêu đề bản dịch (cột tieu_de_ban_dich)")
    if not row.body:
        problems.append("thiếu nội dung bản dịch (cột noi_dung_ban_dich)")
    if not HASH.match(row.source_hash):
        problems.append(f"mã bản gốc `{row.source_hash}` không hợp lệ (cột ma_ban_goc: {HASH_LENGTH} ký tự 0–9, a–f)")
    if row.file_fingerprint and not HASH.match(row.file_fingerprint):
        problems.append(f"mã tệp dịch `{row.file_fingerprint}` không hợp lệ (cột ma_tep_ban_dich: {HASH_LENGTH} ký tự 0–9, a–f, "
                        "hoặc để trống khi chưa có tệp)")
    if problems:
        hint = (" Các cột mã phải giữ nguyên như lúc xuất: nếu Excel đã đổi chúng thành số, hãy xuất lại"
                if any("mã" in p for p in problems) else "")
        log.error(row.origin, row.number, "Dòng này: " + "; ".join(problems) + "." + hint)
    return not problems


def _edited_since_export(row: Row, content_dir: Path, force: bool) -> bool:
    """True if the translation file changed after the sheet was exported (and that matters)."""
    path = content_dir / row.lang / row.rel
    return not (force or row.file_fingerprint is None or row.file_fingerprint == file_fingerprint(path))


def _holds_row_already(row: Row, content_dir: Path, original: SourcePage, current: SourcePage | None) -> bool:
    """True if importing the row would not change the translation file as it is now."""
    # The notes go to a scratch log: they would be about a page this row will not write.
    return current is not None and _imported_page(row, content_dir, original, current, ProblemLog(Path.cwd())) is None


def _refuse_edited(row: Row, content_dir: Path, log: ProblemLog) -> None:
    path = content_dir / row.lang / row.rel
    change = "được tạo" if not row.file_fingerprint else ("bị xoá" if not path.exists() else "được sửa")
    log.error(row.origin, row.number,
              f"`content/{row.lang}/{row.rel}` đã {change} sau khi xuất tệp này: nhập bản dịch này sẽ làm mất thay đổi đó. "
              "Chép thay đổi của tệp vào bảng tính (hoặc xuất bảng tính mới và dịch tiếp trên đó) rồi nhập lại; "
              "chắc chắn muốn ghi đè thì thêm --force.")


def _imported_page(row: Row, content_dir: Path, original: SourcePage, current: SourcePage | None,
                   log: ProblemLog) -> ImportedPage | None:
    """The page to write for a row; None if it would not change anything."""
    path = content_dir / row.lang / row.rel
    shown = f"content/{row.lang}/{row.rel}"
    description = row.description or (current.description if current else "")
    new_text = current is None or (row.title, description, row.body) != (current.title, current.description, current.body.strip())
    if new_text:
        status, reviewer, source_hash = ("reviewed" if row.reviewer else "draft"), row.reviewer, row.source_hash
        if source_hash != original.content_hash:
            log.warning(row.origin, row.number, f"Bản tiếng Việt `content/{DEFAULT_LANGUAGE}/{row.rel}` đã sửa sau khi xuất bảng tính: "
                                           "bản dịch được nhập nhưng ở trạng thái \"cần cập nhật\".")
    elif current.translation.source_hash != row.source_hash:
        # The same text, made for an older Vietnamese page: it stays outdated, and no
        # reviewer can vouch for it against the newer one.
        if current.status == "draft":
            return None
        status, reviewer, source_hash = "draft", "", current.translation.source_hash
        log.warning(row.origin, row.number, f"Bản dịch chưa sửa theo bản tiếng Việt mới: `{shown}` vẫn \"cần cập nhật\", "
                                       "không còn ghi người duyệt. Dịch lại phần đã đổi rồi nhập cùng tên người duyệt.")
    elif row.reviewer and (current.status, current.translation.reviewer) != ("reviewed", row.reviewer):
        status, reviewer, source_hash = "reviewed", row.reviewer, row.source_hash  # a review of the text as it is
    else:
        return None
    front = {"title": row.title}
    if description:
        front["description"] = description
    front["status"] = status
    if reviewer:  # only a named native-speaker reviewer makes a translation final
        front["reviewer"] = reviewer
    front["source"] = f"{DEFAULT_LANGUAGE}/{row.rel}"
    front["source_hash"] = source_hash
    if row.source_parts and source_hash == row.source_hash:
        front["source_parts"] = row.source_parts
    if original.kind != "guide":
        front["kind"] = original.kind
    for key, value in _front_matter(path).items():  # keep what else the file says (`qr:`, …)
        front.setdefault(key, value)
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n" + row.body + "\n"
    return ImportedPage(path, text, row.number, row.origin)


IMPORT_OWNED_KEYS = ("title", "description", "status", "reviewer", "source", "source_hash", "source_parts")


def _front_matter(path: Path) -> dict:
    """The existing translation's other front matter keys (it passed `read_sources`, so it parses)."""
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8").removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    return {key: value for key, value in meta.items() if key not in IMPORT_OWNED_KEYS}


def _check_imported(pages: list[ImportedPage], project_root: Path, as_of: dt.date, log: ProblemLog) -> None:
    """Run `outreach check` on a copy of the project with the imported pages written, and report what fails.

    A mistake in an imported page is reported at its sheet row (and at the line
    of the file it would become); mistakes elsewhere are reported as they are:
    the import writes nothing while the content has errors.
    """
    if not pages:
        return
    with tempfile.TemporaryDirectory(prefix="outreach-import-") as folder:
        staged = Path(folder)
        shutil.copytree(project_root / "content", staged / "content", symlinks=True)
        shutil.copyfile(project_root / "mkdocs.yml", staged / "mkdocs.yml")
        if (project_root / ".outreach-cache").is_dir():  # the project's renders, read (never written) by check
            (staged / ".outreach-cache").symlink_to(project_root / ".outreach-cache", target_is_directory=True)
        for page in pages:
            target = staged / page.path.relative_to(project_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.text, encoding="utf-8")
        try:
            check(Project(staged), BuildOptions(as_of))
        except ContentError as error:
            by_file = {page.path.relative_to(project_root).as_posix(): page for page in pages}
            for problem in error.problems:
                if problem.path in by_file:
                    log.error(by_file[problem.path].origin, by_file[problem.path].row,
                              f"{problem.message} (bản dịch cho `{problem.path}`, dòng {problem.line} của tệp sẽ ghi)",
                              seen_in=problem.seen_in)
                else:
                    log.error(problem.path, problem.line, problem.message, seen_in=problem.seen_in)
