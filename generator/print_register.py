"""The print register: `content/hoat-dong/so-in.csv`, what `outreach print` and release builds made.

The yearly report counts leaflets printed from it, beside those the communes
record as handed out. One row per sheet made (the standard file; its
print-shop and photocopy variants are the same sheet), with the edition date
the sheet carries and, for a print-shop order (`outreach print --copies N`),
the number of copies.

This module is the register's one writer. It only appends, and what it
appends depends on the build's manifest alone (no clock): a sheet made again
for the same edition date without an order adds nothing, an order is always
a new row (two orders of 500 copies are 1000 copies). The report counts a
sheet made once per edition date, however many rows name it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .problems import ProblemLog
from .sources.published import LeafletEntry
from .sources.activities import ACTIVITY_FOLDER

REGISTER_NAME = "so-in.csv"
COLUMNS = ("ngay_ban_in", "lenh", "to_in", "nhom", "kho", "ngon_ngu", "xa", "chien_dich", "so_trang", "so_ban")
COMMANDS = ("print", "release")


def register_path(content_dir: Path) -> Path:
    return content_dir / ACTIVITY_FOLDER / REGISTER_NAME


@dataclass(frozen=True)
class PrintedSheet:
    edition: dt.date
    command: str  # print | release
    file: str  # leaflets/vi/xa/plk/tu-nguyen-a4-trifold.pdf
    audience: str
    format: str  # a4-trifold, a5-flyer, a3-poster
    lang: str
    commune: str
    campaign: str
    pages: int
    copies: int | None  # None: made, no order recorded
    line: int = 0

    @property
    def sheet(self) -> str:
        """The name communes use for it in their records' `to_phat` column: "tu-nguyen-a4-trifold"."""
        return f"{self.audience}-{self.format}"

    def cells(self) -> tuple[str, ...]:
        return (self.edition.isoformat(), self.command, self.file, self.audience, self.format, self.lang, self.commune,
                self.campaign, str(self.pages), "" if self.copies is None else str(self.copies))


def sheets_made(leaflets: Iterable[LeafletEntry], command: str, copies: int | None = None) -> list[PrintedSheet]:
    """What a build's manifest says it made: for `print`, the commune editions; for a release, every sheet."""
    made = [PrintedSheet(leaflet.issued, command, leaflet.file, leaflet.audience, leaflet.format, leaflet.lang,
                         leaflet.commune or "", leaflet.campaign or "", leaflet.pages, copies)
            for leaflet in leaflets
            if leaflet.variant == "standard" and (command != "print" or leaflet.commune)]
    return sorted(made, key=lambda s: s.file)


def append(path: Path, sheets: list[PrintedSheet]) -> list[PrintedSheet]:
    """Add `sheets` to the register (created if missing); returns those added."""
    made_before = set()  # every row without its copies: the sheets already made
    if path.is_file():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            made_before = {tuple(row[:-1]) for row in csv.reader(handle)}
    added = [s for s in sheets if s.copies is not None or s.cells()[:-1] not in made_before]
    if not added:
        return []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # as Excel writes CSV
    if not path.is_file():
        writer.writerow(COLUMNS)
    writer.writerows(s.cells() for s in added)
    path.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig on a new file only: Excel reads UTF-8 (Vietnamese letters) only with the BOM at its start.
    with path.open("a", encoding="utf-8-sig" if not path.is_file() else "utf-8", newline="") as handle:
        handle.write(out.getvalue())
    return added


def read_register(path: Path, log: ProblemLog) -> list[PrintedSheet]:
    """The register's rows; a row someone damaged by hand is reported at its line and left out."""
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        log.error(path, 1, "Tệp không ở bảng mã UTF-8. Khi lưu trong Excel, chọn \"CSV UTF-8\".")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    if tuple(header) != COLUMNS:
        log.error(path, 1, f"Dòng đầu của sổ in phải là các cột {', '.join(COLUMNS)}. Sổ in do lệnh `outreach print` ghi: "
                           "đừng sửa dòng đầu.")
        return []
    sheets = []
    for cells in reader:
        line = reader.line_num
        if not any(cells):
            continue
        try:
            edition, command, file, audience, fmt, lang, commune, campaign, pages, copies = cells
            if command not in COMMANDS or int(pages) < 0 or (copies and int(copies) < 0):
                raise ValueError
            sheets.append(PrintedSheet(dt.date.fromisoformat(edition), command, file, audience, fmt, lang, commune, campaign,
                                       int(pages), int(copies) if copies else None, line))
        except ValueError:
            log.error(path, line, "Dòng này của sổ in bị sửa sai: cần ngày dạng 2026-05-03, lệnh `print` hoặc `release`, "
                                  "số trang và số bản là số không âm. Sửa lại như các dòng khác.")
    return sheets
