"""The communes' activity records: checked at their line, sheets for officers, imports that never lose a row."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from generator.build import Project, read_activities
from generator.cli import main
from generator.problems import ProblemLog

HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = "---\ntitle: Tự nguyện\n---\n\nMở đầu.\n"


def commune(code: str, name: str) -> str:
    return (f"  - code: {code}\n    name: {name}\n    kind: xã\n    office:\n      name: Bưu điện xã {name}\n"
            f"      address: Số 5 đường Trần Phú, xã {name}\n      hours: Thứ Hai – Thứ Sáu, 7:00–11:30\n"
            "      phone: \"0269 3824 111\"\n")


COMMUNES = "communes:\n" + commune("iagrai", "Ia Grai") + commune("chupah", "Chư Păh")
CAMPAIGNS = ("campaigns:\n  - code: tvd26\n    name: Tháng vận động 2026\n    start: 2026-05-01\n    end: 2026-05-31\n"
             "    audiences: [tu-nguyen]\n    message: Hỏi đại lý thu ở xã.\n")
HEADER = "ngay,ma_xa,hinh_thuc,doi_tuong,ngon_ngu,so_nguoi,to_phat,chien_dich,ghi_chu\n"
GOOD = ("2026-05-04,iagrai,hội nghị,\"tu-nguyen, nguoi-dan\",\"vi, jrai\",45,tu-nguyen-a4-trifold: 40,tvd26,Hội trường thôn\n"
        "2026-06-01,chupah,loa truyền thanh,nguoi-dan,jrai,,,,\n")


@pytest.fixture
def project(make_project):
    return make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "communes.yml": COMMUNES,
                         "campaigns.yml": CAMPAIGNS, "hoat-dong/2026.csv": HEADER + GOOD})


def records(project: Project) -> tuple[list, list[str]]:
    log = ProblemLog(project.root)
    found = read_activities(project, log)
    return found, [p.format() for p in log.problems]


def write_records(project: Project, text: str, name: str = "2026.csv") -> None:
    (project.activities_dir / name).write_text(text, encoding="utf-8")


def run(project, *args):
    return CliRunner().invoke(main, [*args, "--project", str(project.root)])


# --- the records, checked at their line ------------------------------------------------------------


def test_good_records_are_typed_rows(project):
    found, problems = records(project)
    assert problems == []
    first, second = found
    assert (first.date.isoformat(), first.commune, first.kind, first.audiences, first.languages, first.participants,
            first.leaflets, first.campaign) == ("2026-05-04", "iagrai", "hội nghị", ("tu-nguyen", "nguoi-dan"), ("vi", "jrai"), 45,
                                                (("tu-nguyen-a4-trifold", 40),), "tvd26")
    assert second.participants is None and second.line == 3


def test_each_mistake_is_reported_at_its_line_in_vietnamese(project):
    write_records(project, HEADER + GOOD + "\n".join((
        "2026-07-01,pleiku,hội nghị,tu-nguyen,vi,10,,,",  # line 4: unknown commune
        "2025-12-31,iagrai,hội nghị,tu-nguyen,vi,10,,,",  # line 5: another year
        "2026-07-02,iagrai,hội nghị,tu-nguyen,vi,-3,,,",  # line 6: negative count
        "2026-07-03,iagrai,họp chi bộ,tu-nguyen,vi,10,,,",  # line 7: unknown kind
        "2026-06-01,chupah,loa truyền thanh,nguoi-dan,jrai,,,,",  # line 8: the same as line 3
        "2026-07-04,iagrai,hội nghị,tu-nguyen,vi,10,tu-nguyen-a4-trifold: -5,,",  # line 9: negative leaflets
        "2026-07-05,iagrai,tư vấn trực tiếp,tu-nguyen,vi,2,,,hỏi anh Ba 0912 345 678",  # line 10: a phone number
        "31/02/2026,iagrai,hội nghị,tu-nguyen,vi,10,,,",  # line 11: no such day
    )) + "\n")
    found, problems = records(project)
    assert len(found) == 2
    path = "content/hoat-dong/2026.csv"
    by_line = {int(p.split(":")[1]): p for p in problems}
    assert sorted(by_line) == [4, 5, 6, 7, 8, 9, 10, 11]
    assert all(p.startswith(f"{path}:") and ": lỗi: " in p for p in problems)
    assert "mã xã `pleiku` không có trong content/communes.yml" in by_line[4]
    assert "ngày 31/12/2025 không thuộc năm 2026" in by_line[5]
    assert "`so_nguoi`: số `-3` âm" in by_line[6]
    assert "`hinh_thuc`: `họp chi bộ` không có trong danh sách" in by_line[7] and "loa truyền thanh" in by_line[7]
    assert "trùng hệt dòng 3" in by_line[8]
    assert "`to_phat`: số `-5` âm" in by_line[9]
    assert "số điện thoại" in by_line[10]
    assert "`31/02/2026` không phải ngày" in by_line[11]


def test_unknown_columns_and_vocabulary_are_named_with_the_fix(project):
    write_records(project, "ngay;ma_xa;hinh_thuc;so_nguoi;ten_nguoi\n2026-05-04;iagrai;hội nghị;3;An\n")
    _, problems = records(project)
    assert problems == ["content/hoat-dong/2026.csv:1: lỗi: Cột `ten_nguoi` không dùng được. Các cột: ngay, ma_xa, hinh_thuc, "
                        "doi_tuong, ngon_ngu, so_nguoi, to_phat, chien_dich, ghi_chu (dòng đầu của tệp; tạo tệp mẫu bằng "
                        "`outreach activities template --commune <mã xã>`)."]
    write_records(project, HEADER + "2026-05-04,iagrai,hoi nghi,sinh-vien-nam-cuoi,vi,3,tu-nguyen-a2-banner: 4,t5n99,\n")
    _, (problem,) = records(project)
    assert problem.startswith("content/hoat-dong/2026.csv:2: lỗi: Dòng này: ")
    assert "nhóm đối tượng `sinh-vien-nam-cuoi` không có" in problem
    assert "tờ in `tu-nguyen-a2-banner` không có" in problem and "mã chiến dịch `t5n99` không có" in problem


def test_outreach_check_reports_the_records(project, machine_cache):
    write_records(project, HEADER + GOOD + "2026-07-01,pleiku,hội nghị,tu-nguyen,vi,10,,,\n")
    result = run(project, "check")
    assert result.exit_code == 1
    assert "content/hoat-dong/2026.csv:4: lỗi: Dòng này: mã xã `pleiku`" in result.output
    assert "Traceback" not in result.output


def test_excel_sheets_with_semicolons_a_bom_and_vietnamese_dates_are_read(project):
    sheet = "\ufeff" + HEADER.replace(",", ";") + "04/05/2026;iagrai;Hội Nghị;tu-nguyen;vi;1.200;;;\n"
    (project.activities_dir / "2026.csv").write_bytes(sheet.encode("utf-8"))
    (found,), problems = records(project)
    assert problems == []
    assert (found.date.isoformat(), found.kind, found.participants) == ("2026-05-04", "hội nghị", 1200)


# --- the officer's sheet and its import ---------------------------------------------------------------


def template(project, tmp_path, *options):
    sheet = tmp_path / "iagrai.csv"
    result = run(project, "activities", "template", "--commune", "iagrai", "--out", str(sheet), *options)
    assert result.exit_code == 0, result.output
    return sheet


def fill(sheet, rows: list[list[str]]) -> None:
    """Fill the template's first lines as an officer would in Excel (semicolons kept, BOM kept)."""
    text = sheet.read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    for number, row in enumerate(rows, start=1):
        lines[number] = row
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(lines)
    sheet.write_text(out.getvalue(), encoding="utf-8-sig")


# The first recorded row, as the officer typed it in the sheet (dates the Vietnamese way).
MEETING = ["04/05/2026", "iagrai", "hội nghị", "tu-nguyen, nguoi-dan", "vi, jrai", "45", "tu-nguyen-a4-trifold: 40", "tvd26",
           "Hội trường thôn"]
STALL = ["09/05/2026", "iagrai", "quầy tư vấn / ngày hội", "tu-nguyen", "vi, jrai", "120", "", "tvd26", "Chợ xã"]


def test_the_template_opens_in_excel_with_the_commune_filled_in(project, tmp_path):
    sheet = template(project, tmp_path)
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "ngay;ma_xa;hinh_thuc;doi_tuong;ngon_ngu;so_nguoi;to_phat;chien_dich;ghi_chu"
    assert lines[1] == ";iagrai;;;;;;;" and len(lines) == 51
    assert run(project, "activities", "template", "--commune", "iagrai", "--out", str(sheet)).exit_code == 1  # never overwritten
    comma = template(project, tmp_path, "--separator", ",", "--force")
    assert comma.read_text(encoding="utf-8-sig").splitlines()[1] == ",iagrai,,,,,,,"
    unknown = run(project, "activities", "template", "--commune", "pleiku")
    assert unknown.exit_code != 0 and "`pleiku` không có trong content/communes.yml" in unknown.output


def test_an_untouched_template_imports_nothing(project, tmp_path):
    before = (project.activities_dir / "2026.csv").read_bytes()
    result = run(project, "activities", "import", str(template(project, tmp_path)))
    assert result.exit_code == 0, result.output
    assert "Đã nhập 0 hoạt động mới" in result.output
    assert (project.activities_dir / "2026.csv").read_bytes() == before


def test_import_merges_without_duplicating_a_recorded_row(project, tmp_path):
    sheet = template(project, tmp_path)
    fill(sheet, [MEETING, STALL])
    first = run(project, "activities", "import", str(sheet))
    assert first.exit_code == 0, first.output
    assert "Đã nhập 1 hoạt động mới, thay 0 dòng, bỏ qua 1 dòng đã có." in first.output  # MEETING was already recorded
    found, problems = records(project)
    assert problems == [] and len(found) == 3
    assert found[2].kind == "quầy tư vấn / ngày hội" and found[2].participants == 120 and found[2].line == 4
    text = (project.activities_dir / "2026.csv").read_text(encoding="utf-8-sig")
    assert text.startswith(HEADER.strip())  # the file keeps its own columns and commas
    again = run(project, "activities", "import", str(sheet))
    assert "Đã nhập 0 hoạt động mới, thay 0 dòng, bỏ qua 2 dòng đã có." in again.output
    assert len(records(project)[0]) == 3


def test_a_row_edited_in_between_is_refused_then_forced(project, tmp_path):
    sheet = template(project, tmp_path)
    fill(sheet, [MEETING, STALL])
    assert run(project, "activities", "import", str(sheet)).exit_code == 0
    records_file = project.activities_dir / "2026.csv"
    corrected = records_file.read_text(encoding="utf-8-sig").replace("Chợ xã", "Chợ xã, sáng Chủ nhật").replace(",120,", ",125,")
    records_file.write_text(corrected, encoding="utf-8")
    fill(sheet, [MEETING, STALL, ["20/06/2026", "iagrai", "tập huấn", "cong-tac-vien", "vi", "30", "", "", ""]])
    refused = run(project, "activities", "import", str(sheet))
    assert refused.exit_code == 1
    assert records_file.read_text(encoding="utf-8") == corrected  # nothing written, not even the new row
    message = next(line for line in refused.output.splitlines() if ":3: lỗi:" in line)
    assert message.startswith(f"{sheet}:3: lỗi: Hoạt động này đã ghi ở content/hoat-dong/2026.csv dòng 4")
    assert "số người 125 → 120" in message and "--force" in message
    forced = run(project, "activities", "import", str(sheet), "--force")
    assert forced.exit_code == 0, forced.output
    assert "Đã nhập 1 hoạt động mới, thay 1 dòng, bỏ qua 1 dòng đã có." in forced.output
    found, _ = records(project)
    assert [(a.kind, a.participants) for a in found] == [("hội nghị", 45), ("loa truyền thanh", None),
                                                        ("quầy tư vấn / ngày hội", 120), ("tập huấn", 30)]


def test_a_sheet_with_a_mistake_writes_nothing(project, tmp_path):
    sheet = template(project, tmp_path)
    fill(sheet, [STALL, ["10/05/2026", "iagrai", "hội nghị", "tu-nguyen", "vi", "-4", "", "", ""]])
    before = (project.activities_dir / "2026.csv").read_bytes()
    result = run(project, "activities", "import", str(sheet))
    assert result.exit_code == 1
    assert f"{sheet}:3: lỗi: Dòng này: `so_nguoi`: số `-4` âm" in result.output and "Traceback" not in result.output
    assert (project.activities_dir / "2026.csv").read_bytes() == before


def test_rows_of_another_year_go_to_that_years_file(project, tmp_path):
    sheet = template(project, tmp_path)
    fill(sheet, [["15/01/2027", "iagrai", "đối thoại", "ho-kinh-doanh", "vi", "12", "", "", ""]])
    result = run(project, "activities", "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert (project.activities_dir / "2027.csv").is_file()
    found, problems = records(project)
    assert problems == [] and [a.date.year for a in found] == [2026, 2026, 2027]


def test_outreach_check_reports_a_damaged_print_register(project, machine_cache):
    (project.activities_dir / "so-in.csv").write_text(
        "ngay_ban_in,lenh,to_in,nhom,kho,ngon_ngu,xa,chien_dich,so_trang,so_ban\n"
        "2026-04-28,print,leaflets/vi/xa/iagrai/tu-nguyen-a5-flyer.pdf,tu-nguyen,a5-flyer,vi,iagrai,,2,-200\n", encoding="utf-8")
    result = run(project, "check")
    assert result.exit_code == 1
    assert "content/hoat-dong/so-in.csv:2: lỗi: Dòng này của sổ in bị sửa sai" in result.output
