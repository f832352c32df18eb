"""What the communes did: `content/hoat-dong/<year>.csv`, one row per outreach activity, read and checked.

The plan (sections II.2, III.6, V.10) asks every commune and ward to hold
outreach at the grassroots and the province to report each year what was
done. Commune officers keep that record in a spreadsheet, so the format is
CSV as Excel and LibreOffice write it: UTF-8 with or without the BOM, comma
or semicolon between cells, dates as 2026-05-03 or 03/05/2026.

    ngay;ma_xa;hinh_thuc;doi_tuong;ngon_ngu;so_nguoi;to_phat;chien_dich;ghi_chu
    03/05/2026;iagrai;hội nghị;tu-nguyen;vi, jrai;45;tu-nguyen-a4-trifold: 40;tvd26;Hội trường thôn 2

A row is counts, never people: no names, no phone numbers (a note holding a
phone number is refused), so the yearly report built from these files can be
published. Rows holding only the commune code (the template's blank lines)
are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Collection

from pydantic import BeforeValidator, Field

from ..problems import ProblemLog
from ..textfold import fold
from .schema import Model, validate
from .yamlfile import LineDict

ACTIVITY_FOLDER = "hoat-dong"  # under content/
YEAR_FILE = re.compile(r"^(\d{4})\.csv$")

# The plan's ways of reaching people at the grassroots (III.1, III.2.5), in the words officers use.
KINDS = ("hội nghị", "đối thoại", "tư vấn trực tiếp", "loa truyền thanh", "quầy tư vấn / ngày hội", "phát tờ rơi",
         "tập huấn", "đăng Zalo/Facebook", "khác")
TRAINING = "tập huấn"
# Who an activity reached besides the site's audiences: the trainee groups of the plan's II.2.1 and III.5,
# and the public at large (a loudspeaker broadcast).
OTHER_AUDIENCES = {
    "nguoi-dan": "Người dân nói chung",
    "can-bo-bhxh": "Cán bộ, viên chức BHXH",
    "cong-tac-vien": "Cộng tác viên, nhân viên tổ chức dịch vụ, Ban Chỉ đạo cấp xã",
    "giang-vien-nguon": "Giảng viên nguồn",
}
COLUMNS = ("ngay", "ma_xa", "hinh_thuc", "doi_tuong", "ngon_ngu", "so_nguoi", "to_phat", "chien_dich", "ghi_chu")
REQUIRED_COLUMNS = ("ngay", "ma_xa", "hinh_thuc")
# A phone number as people write one (see communes.PHONE_PATTERN), anywhere in a note.
PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:0|\+84)(?:[ .\-]?\d){8,10}(?!\d)")
_LIST_SEPARATORS = re.compile(r"\s*[,;+]\s*")
_GROUPED_NUMBER = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")  # 1.200 or 1,200 as a spreadsheet may write it


def _folded_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


_KIND_BY_WORDS = {_folded_words(kind): kind for kind in KINDS}


def _date(value: object) -> object:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if not text:
        raise ValueError("`ngay`: chưa ghi ngày. Viết dạng 2026-05-03 hoặc 03/05/2026 (ngày/tháng/năm).")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        try:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            pass
    raise ValueError(f"`ngay`: `{text}` không phải ngày. Viết dạng 2026-05-03 hoặc 03/05/2026 (ngày/tháng/năm).")


def _kind(value: object) -> object:
    if not isinstance(value, str):
        return value
    kind = _KIND_BY_WORDS.get(_folded_words(value))
    if not value.strip():
        raise ValueError(f"`hinh_thuc`: chưa ghi hình thức. Chọn một trong: {'; '.join(KINDS)}.")
    if kind is None:
        raise ValueError(f"`hinh_thuc`: `{value.strip()}` không có trong danh sách. Chọn một trong: {'; '.join(KINDS)}.")
    return kind


def _words(value: object) -> object:
    if not isinstance(value, str):
        return value
    return tuple(dict.fromkeys(part.lower() for part in _LIST_SEPARATORS.split(value.strip()) if part))


def _count(value: object, column: str) -> object:
    if not isinstance(value, str):
        return value
    text = value.strip().replace(" ", "")
    if _GROUPED_NUMBER.match(text):
        text = re.sub(r"[.,]", "", text)
    if re.fullmatch(r"-\d+", text):
        raise ValueError(f"`{column}`: số `{value.strip()}` âm. Ghi số người, số tờ từ 0 trở lên.")
    if not text.isdigit():
        raise ValueError(f"`{column}`: `{value.strip()}` không phải số nguyên. Ghi một số, ví dụ `45`, hoặc để trống nếu không đếm.")
    return int(text)


def _participants(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return _count(value, "so_nguoi")


def _leaflets(value: object) -> object:
    """"tu-nguyen-a4-trifold: 40; ho-kinh-doanh-a5-flyer: 15" -> (("tu-nguyen-a4-trifold", 40), ...)."""
    if not isinstance(value, str):
        return value
    handed = {}
    for part in _LIST_SEPARATORS.split(value.strip()):
        if not part:
            continue
        sheet, colon, count = part.partition(":")
        if not colon or not sheet.strip():
            raise ValueError(f"`to_phat`: `{part}` không đúng dạng. Viết `tên tờ: số tờ`, nhiều tờ cách nhau bằng dấu `;`, "
                             "ví dụ `tu-nguyen-a4-trifold: 40; tu-nguyen-a5-flyer: 15`.")
        sheet = sheet.strip().lower()
        handed[sheet] = handed.get(sheet, 0) + _count(count, "to_phat")
    return tuple(sorted(handed.items()))


class ActivityRow(Model):
    date: Annotated[dt.date, BeforeValidator(_date)] = Field(alias="ngay", description="Ngày tổ chức, ví dụ 2026-05-03 hoặc 03/05/2026.")
    commune: str = Field(alias="ma_xa", min_length=1, description="Mã xã, phường trong content/communes.yml (cột `code:`).")
    kind: Annotated[str, BeforeValidator(_kind)] = Field(alias="hinh_thuc", description=f"Một trong: {'; '.join(KINDS)}.")
    audiences: Annotated[tuple[str, ...], BeforeValidator(_words)] = Field(
        (), alias="doi_tuong", description="Nhóm đối tượng, cách nhau bằng dấu phẩy, ví dụ `tu-nguyen, ho-kinh-doanh`.")
    languages: Annotated[tuple[str, ...], BeforeValidator(_words)] = Field(
        (), alias="ngon_ngu", description="Ngôn ngữ đã dùng: `vi`, `bahnar`, `jrai`, cách nhau bằng dấu phẩy.")
    participants: Annotated[int | None, BeforeValidator(_participants)] = Field(
        None, alias="so_nguoi", description="Số người tham dự (một số), để trống nếu không đếm được (ví dụ loa truyền thanh).")
    leaflets: Annotated[tuple[tuple[str, int], ...], BeforeValidator(_leaflets)] = Field(
        (), alias="to_phat", description="Tờ đã phát: `tên tờ: số tờ`, ví dụ `tu-nguyen-a4-trifold: 40`.")
    campaign: str = Field("", alias="chien_dich", description="Mã chiến dịch trong content/campaigns.yml, nếu hoạt động thuộc chiến dịch.")
    note: str = Field("", alias="ghi_chu", max_length=300, description="Ghi chú ngắn (địa điểm, nội dung); không ghi tên, số điện thoại của ai.")


@dataclass(frozen=True)
class Activity:
    date: dt.date
    commune: str
    kind: str
    audiences: tuple[str, ...]
    languages: tuple[str, ...]
    participants: int | None
    leaflets: tuple[tuple[str, int], ...]  # (sheet, copies handed out), sorted by sheet
    campaign: str
    note: str
    path: Path
    line: int

    @property
    def identity(self) -> tuple:
        """What makes it the same activity in two sheets: the counts and the note may be corrected later."""
        return (self.date, self.commune, self.kind, self.campaign, self.audiences, self.languages)

    @property
    def record(self) -> tuple:
        """Everything the row says."""
        return self.identity + (self.participants, self.leaflets, self.note)


@dataclass(frozen=True)
class Vocabulary:
    """What cells may name: the project's communes, campaigns, audiences, languages and sheets."""

    communes: Collection[str]
    campaigns: Collection[str]
    audiences: Collection[str]  # the site's audiences and OTHER_AUDIENCES
    languages: Collection[str]
    sheets: Collection[str]  # "<audience>-<format>", as the sheets' files are named


@dataclass(frozen=True)
class Sheet:
    """A CSV file as read: its cells per line, and how it was written (to write it back the same way)."""

    path: Path
    delimiter: str
    bom: bool
    columns: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]  # (line, cells by column)


def read_sheet(path: Path, log: ProblemLog) -> Sheet | None:
    """The CSV's cells, or None after logging why it cannot be read."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as error:
        log.error(path, 1, f"Không đọc được tệp: {error.strerror or error}.")
        return None
    except UnicodeDecodeError:
        log.error(path, 1, "Tệp không ở bảng mã UTF-8. Khi lưu trong Excel, chọn \"CSV UTF-8\"; trong LibreOffice, chọn bộ ký tự Unicode (UTF-8).")
        return None
    first_line = text.split("\n", 1)[0]
    # The header decides: Vietnamese Excel writes semicolons (its list separator), others commas.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        columns = tuple(cell.strip().lower() for cell in header)
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            rows.append((line, {column: cell for column, cell in zip(columns, cells) if column}))
            line = reader.line_num + 1
    except csv.Error as error:
        log.error(path, reader.line_num, f"Không đọc được dòng này của tệp CSV ({error}). Lưu lại tệp dạng CSV trong Excel hoặc LibreOffice.")
        return None
    return Sheet(path, delimiter, raw.startswith(b"\xef\xbb\xbf"), columns, tuple(rows))


def check_columns(sheet: Sheet, log: ProblemLog) -> bool:
    unknown = [c for c in sheet.columns if c and c not in COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in sheet.columns]
    if unknown:
        log.error(sheet.path, 1, f"Cột {', '.join(f'`{c}`' for c in unknown)} không dùng được. Các cột: {', '.join(COLUMNS)} "
                                 "(dòng đầu của tệp; tạo tệp mẫu bằng `outreach activities template --commune <mã xã>`).")
    if missing:
        log.error(sheet.path, 1, f"Thiếu cột {', '.join(f'`{c}`' for c in missing)} ở dòng đầu của tệp. Các cột: {', '.join(COLUMNS)}.")
    return not unknown and not missing


def activities_in(sheet: Sheet, vocabulary: Vocabulary, log: ProblemLog, year: int | None = None) -> list[Activity]:
    """The sheet's valid activities; each mistake of the others logged at its line."""
    if not check_columns(sheet, log):
        return []
    found = []
    for line, cells in sheet.rows:
        if not any(value.strip() for column, value in cells.items() if column != "ma_xa"):
            continue  # a blank line, or one of the template's lines with only the commune filled in
        data = LineDict({column: value for column, value in cells.items() if value.strip() or column in REQUIRED_COLUMNS})
        data.line, data.key_lines = line, {}
        row = validate(ActivityRow, data, sheet.path, log, prefix="Dòng này: ")
        if row is None or not _in_vocabulary(row, vocabulary, sheet.path, line, year, log):
            continue
        found.append(Activity(row.date, row.commune, row.kind, row.audiences, row.languages, row.participants,
                              row.leaflets, row.campaign, row.note.strip(), sheet.path, line))
    _refuse_duplicates(found, log)
    return found


def _in_vocabulary(row: ActivityRow, vocabulary: Vocabulary, path: Path, line: int, year: int | None, log: ProblemLog) -> bool:
    problems = []
    if year is not None and row.date.year != year:
        problems.append(f"ngày {row.date.strftime('%d/%m/%Y')} không thuộc năm {year} của tệp này (ghi vào tệp {row.date.year}.csv, "
                        "hoặc sửa ngày)")
    if row.commune not in vocabulary.communes:
        problems.append(f"mã xã `{row.commune}` không có trong content/communes.yml")
    unknown = [a for a in row.audiences if a not in vocabulary.audiences]
    if unknown:
        problems.append(f"nhóm đối tượng {', '.join(f'`{a}`' for a in unknown)} không có (dùng: {', '.join(vocabulary.audiences)})")
    unknown = [l for l in row.languages if l not in vocabulary.languages]
    if unknown:
        problems.append(f"ngôn ngữ {', '.join(f'`{l}`' for l in unknown)} không có (dùng: {', '.join(vocabulary.languages)})")
    unknown = [s for s, _ in row.leaflets if s not in vocabulary.sheets]
    if unknown:
        problems.append(f"tờ in {', '.join(f'`{s}`' for s in unknown)} không có (tên tờ là nhóm đối tượng và khổ giấy, "
                        "ví dụ `tu-nguyen-a4-trifold`, `tu-nguyen-a5-flyer`, `tu-nguyen-a3-poster`)")
    if row.campaign and row.campaign not in vocabulary.campaigns:
        problems.append(f"mã chiến dịch `{row.campaign}` không có trong content/campaigns.yml")
    if PHONE_IN_TEXT.search(row.note):
        problems.append("ghi chú có số điện thoại: hồ sơ hoạt động không ghi số điện thoại hay tên của ai, hãy xoá đi")
    if problems:
        log.error(path, line, "Dòng này: " + "; ".join(problems) + ".")
    return not problems


def _refuse_duplicates(activities: list[Activity], log: ProblemLog) -> None:
    first: dict[tuple, Activity] = {}
    for activity in list(activities):
        earlier = first.setdefault(activity.record, activity)
        if earlier is not activity:
            log.error(activity.path, activity.line, f"Dòng này trùng hệt dòng {earlier.line}: một hoạt động chỉ ghi một lần. "
                                                    "Xoá một dòng; nếu là hai hoạt động khác nhau, ghi rõ khác biệt ở cột ghi_chu.")
            activities.remove(activity)


def year_files(content_dir: Path) -> dict[int, Path]:
    """`content/hoat-dong/<year>.csv` files by year."""
    folder = content_dir / ACTIVITY_FOLDER
    if not folder.is_dir():
        return {}
    return {int(match[1]): path for path in sorted(folder.iterdir())
            if (match := YEAR_FILE.match(path.name)) and path.is_file() and not path.is_symlink()}


def load_activities(content_dir: Path, vocabulary: Vocabulary, log: ProblemLog, years: Collection[int] | None = None) -> list[Activity]:
    """Every year's records (or those of `years`), each mistake at its line."""
    activities = []
    for year, path in year_files(content_dir).items():
        if years is not None and year not in years:
            continue
        sheet = read_sheet(path, log)
        if sheet is not None:
            activities += activities_in(sheet, vocabulary, log, year)
    return activities
