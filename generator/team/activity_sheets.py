"""The communes' activity sheets: an empty sheet for a commune officer, and the import of sheets sent back.

A commune officer fills in a CSV sheet (`outreach activities template
--commune CODE`, opens in Excel and LibreOffice) and sends it to the
province, usually more than once a year, each time with the earlier rows
still in it. `import_sheets` merges the sheets into `content/hoat-dong/<year>.csv`
without losing anything:

- a row already recorded, word for word, is not recorded again;
- a row of the same activity (date, commune, kind, campaign, audiences,
  languages) whose counts or note differ from the record is refused: either
  the commune corrected it, or someone corrected the record since; the
  communicator decides, and `--force` takes the sheet's version;
- every row is checked as `outreach check` checks the records, and nothing is
  written while any row of any sheet is wrong.
"""

from __future__ import annotations

import csv
import io
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..build import Project, activity_vocabulary
from ..problems import ProblemLog
from ..sources.activities import COLUMNS, Activity, Sheet, activities_in, read_sheet, year_files
from .places import TEMPLATE_FOLDER
from .translation_sheets import FORMULA_START

TEMPLATE_ROWS = 50  # blank lines with the commune's code, so the officer never types it


def template_target(out: Path | None, project_root: Path, commune: str) -> Path:
    if out is not None and not out.is_dir():
        return out
    return (out if out is not None else project_root / TEMPLATE_FOLDER) / f"hoat-dong-{commune}.csv"


def write_template(target: Path, commune: str, delimiter: str = ";", overwrite: bool = False) -> None:
    """An empty sheet for `commune`: the header, and blank lines holding only its code.

    Semicolons by default: Vietnamese Windows uses them as the list separator, so Excel
    opens the file in columns with a double click (LibreOffice asks and detects either).
    FileExistsError if `target` exists and may not be overwritten: it may be a sheet sent back.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([["", commune] + [""] * (len(COLUMNS) - 2)] * TEMPLATE_ROWS)
    target.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig: Excel recognises UTF-8 (and so Vietnamese letters) only with the BOM.
    with target.open("w" if overwrite else "x", encoding="utf-8-sig", newline="") as handle:
        handle.write(out.getvalue())


def cells_of(activity: Activity) -> dict[str, str]:
    """A row as the records write it (dates as 2026-05-03, lists with commas)."""
    return {
        "ngay": activity.date.isoformat(),
        "ma_xa": activity.commune,
        "hinh_thuc": activity.kind,
        "doi_tuong": ", ".join(activity.audiences),
        "ngon_ngu": ", ".join(activity.languages),
        "so_nguoi": "" if activity.participants is None else str(activity.participants),
        "to_phat": "; ".join(f"{sheet}: {count}" for sheet, count in activity.leaflets),
        "chien_dich": activity.campaign,
        # A spreadsheet would run a note starting with = + - @ as a formula (OWASP "CSV injection").
        "ghi_chu": "'" + activity.note if FORMULA_START.match(activity.note) else activity.note,
    }


@dataclass(frozen=True)
class ImportResult:
    added: list[Activity]
    replaced: list[tuple[Activity, Activity]]  # (as recorded, as the sheet has it), with --force
    already: int  # rows already recorded word for word
    written: list[Path]


def import_sheets(project: Project, files: list[Path], force: bool = False) -> ImportResult:
    """Merge the sheets into the year files; ContentError (nothing written) for any mistake or refused row."""
    log = ProblemLog(Path.cwd())
    vocabulary, *_ = activity_vocabulary(project, log)
    log.raise_if_errors()
    recorded_sheets = {year: read_sheet(path, log) for year, path in year_files(project.content_dir).items()}
    recorded = {year: activities_in(sheet, vocabulary, log, year) for year, sheet in recorded_sheets.items() if sheet}
    if log.errors:
        log.error(project.content_dir / "hoat-dong", 0, "Hồ sơ hoạt động đã có còn lỗi (các dòng trên): sửa trước rồi nhập lại.")
        log.raise_if_errors()
    incoming, seen = [], set()
    for path in files:
        sheet = read_sheet(path, log)
        for activity in activities_in(sheet, vocabulary, log) if sheet else ():
            if activity.record not in seen:  # the same row in two sheets sent back: one activity
                seen.add(activity.record)
                incoming.append(activity)
    log.raise_if_errors()

    added, replaced, already = [], [], 0
    by_identity: dict[tuple, list[Activity]] = defaultdict(list)
    for activities in recorded.values():
        for activity in activities:
            by_identity[activity.identity].append(activity)
    for activity in incoming:
        candidates = by_identity[activity.identity]
        same = next((r for r in candidates if r.record == activity.record), None)
        if same is not None:
            candidates.remove(same)
            already += 1
        elif candidates:
            earlier = candidates.pop(0)
            if force:
                replaced.append((earlier, activity))
            else:
                log.error(activity.path, activity.line, _conflict(earlier, activity, project))
        else:
            added.append(activity)
    log.raise_if_errors()
    written = _write(project, recorded_sheets, added, replaced)
    return ImportResult(added, replaced, already, written)


def _conflict(recorded: Activity, incoming: Activity, project: Project) -> str:
    changes = [f"{name} {old or 'trống'} → {new or 'trống'}" for name, old, new in (
        ("số người", recorded.participants, incoming.participants),
        ("tờ đã phát", cells_of(recorded)["to_phat"], cells_of(incoming)["to_phat"]),
        ("ghi chú", recorded.note, incoming.note)) if old != new]
    where = Path(os.path.relpath(recorded.path, project.root)).as_posix()
    return (f"Hoạt động này đã ghi ở {where} dòng {recorded.line} với số liệu khác ({'; '.join(changes)}): có thể xã đã sửa, "
            "hoặc hồ sơ đã được sửa sau khi xã gửi bảng tính. Chưa nhập gì. Sửa cho hai bên giống nhau rồi nhập lại; "
            "nếu bảng tính này đúng, thêm --force để thay dòng đã ghi.")


def _write(project: Project, recorded_sheets: dict[int, Sheet], added: list[Activity],
           replaced: list[tuple[Activity, Activity]]) -> list[Path]:
    """Each year file touched, written whole (existing lines' cells as they were) and swapped in."""
    new_by_year: dict[int, list[Activity]] = defaultdict(list)
    for activity in added:
        new_by_year[activity.date.year].append(activity)
    replacements = {(old.path, old.line): new for old, new in replaced}
    touched = set(new_by_year) | {old.date.year for old, _ in replaced}
    written = []
    for year in sorted(touched):
        sheet = recorded_sheets.get(year)
        path = sheet.path if sheet else project.activities_dir / f"{year}.csv"
        columns = list(sheet.columns) if sheet else list(COLUMNS)
        columns += [c for c in COLUMNS if c not in columns]
        rows = []
        for line, cells in sheet.rows if sheet else ():
            new = replacements.get((path, line))
            rows.append({**cells, **cells_of(new)} if new else cells)
        rows += [cells_of(activity) for activity in new_by_year[year]]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, delimiter=sheet.delimiter if sheet else ",", lineterminator="\r\n",
                                restval="")
        writer.writeheader()
        writer.writerows(rows)
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            staged.write_text(out.getvalue(), encoding="utf-8-sig" if (sheet is None or sheet.bom) else "utf-8", newline="")
            staged.replace(path)
        finally:
            staged.unlink(missing_ok=True)
        written.append(path)
    return written
