"""The translators' spreadsheet, through the command line: an import never loses work.

Each test exports a sheet as a communicator would, changes it as a translator
(or a colleague editing Markdown) would, imports it, and looks at the exit
status, the messages and the files.
"""

import csv
import datetime as dt
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.sources.content import content_hash

pytestmark = pytest.mark.usefixtures("machine_cache")

HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = "---\ntitle: Tự nguyện\n---\n\nĐóng {{ policy.voluntary.rate }} thu nhập.\n"
PAGE = "tu-nguyen/index.md"
JRAI_FILE = "content/jrai/tu-nguyen/index.md"


def jrai(text_of_vi: str, status="draft", reviewer=None, extra="", body="Ƀing ta pơyao {{ policy.voluntary.rate }}.") -> str:
    reviewer_line = f"reviewer: {reviewer}\n" if reviewer else ""
    return (f"---\ntitle: Tự nguyện (Jrai)\ndescription: Mô tả Jrai\nstatus: {status}\n{reviewer_line}{extra}"
            f"source: vi/tu-nguyen/index.md\nsource_hash: {content_hash(text_of_vi)}\n---\n\n{body}\n")


def run(project, *args):
    return CliRunner().invoke(main, [*args, "--project", str(project.root)])


def export(project, tmp_path, *options) -> tuple:
    sheet = tmp_path / "dich-jrai.csv"
    result = run(project, "translations", "export", "jrai", "--out", str(sheet), *options)
    assert result.exit_code == 0, result.output
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return sheet, rows


def save(sheet, rows) -> None:
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)


def row_of(rows, rel=PAGE) -> tuple[int, dict]:
    """The spreadsheet row number (the header is row 1) and the row."""
    index = next(i for i, row in enumerate(rows) if row["trang"] == rel)
    return index + 2, rows[index]


def front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_a_row_whose_file_was_edited_after_export_is_refused_unless_forced(make_project, tmp_path, files_of):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "jrai/tu-nguyen/index.md": jrai(OVERVIEW)})
    sheet, rows = export(project, tmp_path)
    # A colleague fixes the Markdown directly while the translator works on the sheet.
    (project.root / JRAI_FILE).write_text(jrai(OVERVIEW, body="Sửa trực tiếp trong tệp."), encoding="utf-8")
    number, row = row_of(rows)
    row["noi_dung_ban_dich"] = "Bản dịch mới của người dịch."
    save(sheet, rows)
    before = files_of(project.root)

    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 1, result.output
    assert f"dich-jrai.csv:{number}: lỗi: `{JRAI_FILE}` đã được sửa sau khi xuất" in result.output
    assert "--force" in result.output and "Chưa nhập bản dịch nào" in result.output
    assert files_of(project.root) == before

    result = run(project, "translations", "import", str(sheet), "--force")
    assert result.exit_code == 0, result.output
    assert "Bản dịch mới của người dịch." in (project.root / JRAI_FILE).read_text(encoding="utf-8")


def test_a_page_created_after_export_is_not_overwritten(make_project, tmp_path, files_of):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    sheet, rows = export(project, tmp_path)
    (project.root / "content/jrai/tu-nguyen").mkdir(parents=True)
    (project.root / JRAI_FILE).write_text(jrai(OVERVIEW), encoding="utf-8")
    number, row = row_of(rows)
    row.update(tieu_de_ban_dich="Tiêu đề", noi_dung_ban_dich="Nội dung.")
    save(sheet, rows)
    before = files_of(project.root)
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 1
    assert f"dich-jrai.csv:{number}: lỗi: `{JRAI_FILE}` đã được tạo sau khi xuất" in result.output
    assert files_of(project.root) == before


def test_unchanged_text_of_an_outdated_reviewed_page_stays_outdated_and_loses_its_reviewer(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW,
                            "jrai/tu-nguyen/index.md": jrai(OVERVIEW, "reviewed", "Y Bơ\u0306n")})
    changed = OVERVIEW + "\nNhà nước hỗ trợ một phần tiền đóng.\n"
    (project.content_dir / "vi/tu-nguyen/index.md").write_text(changed, encoding="utf-8")
    sheet, rows = export(project, tmp_path)
    number, row = row_of(rows)
    assert row["trang_thai"] == "cần cập nhật" and row["ma_ban_goc"] == content_hash(changed)
    assert row["nguoi_duyet"] == ""  # the old review was of the old Vietnamese text
    row["nguoi_duyet"] = "Y Bơ\u0306n"  # re-approved without translating the new sentence
    save(sheet, rows)

    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert f"dich-jrai.csv:{number}: cảnh báo:" in result.output and "vẫn \"cần cập nhật\"" in result.output
    meta = front_matter(project.root / JRAI_FILE)
    assert meta["status"] == "draft" and "reviewer" not in meta
    assert meta["source_hash"] == content_hash(OVERVIEW)  # still the Vietnamese it translates
    status = next(line for line in run(project, "status").output.splitlines() if line.startswith(PAGE))
    assert "cần cập nhật" in status and "đã duyệt" not in status

    # New text with a reviewer's name: reviewed, against the Vietnamese of the sheet.
    sheet, rows = export(project, tmp_path, "--force")
    number, row = row_of(rows)
    row.update(noi_dung_ban_dich=row["noi_dung_ban_dich"] + "\n\nCâu mới đã dịch.", nguoi_duyet="Y Bơ\u0306n")
    save(sheet, rows)
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0, result.output
    meta = front_matter(project.root / JRAI_FILE)
    assert (meta["status"], meta["reviewer"], meta["source_hash"]) == ("reviewed", "Y Bơ\u0306n", content_hash(changed))
    assert "đã duyệt" in next(line for line in run(project, "status").output.splitlines() if line.startswith(PAGE))


def test_a_reviewer_approves_the_current_draft_as_it_is(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "jrai/tu-nguyen/index.md": jrai(OVERVIEW)})
    sheet, rows = export(project, tmp_path)
    number, row = row_of(rows)
    row["nguoi_duyet"] = "H'Hen Niê"
    save(sheet, rows)
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert f"Đã ghi {JRAI_FILE} (dòng {number} của bảng tính)" in result.output
    meta = front_matter(project.root / JRAI_FILE)
    assert (meta["status"], meta["reviewer"]) == ("reviewed", "H'Hen Niê")


def test_every_skipped_row_is_reported_with_its_number(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "vi/sinh-vien/index.md": OVERVIEW})
    sheet, rows = export(project, tmp_path)
    reviewed_only, row = row_of(rows)
    row["nguoi_duyet"] = "Y Bơ\u0306n"  # a name, but no translation
    untranslated = [row_of(rows, rel)[0] for rel in ("index.md", "sinh-vien/index.md")]
    save(sheet, rows)
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0, result.output
    assert f"dich-jrai.csv:{reviewed_only}: cảnh báo: Dòng có tên người duyệt (Y Bơ\u0306n) nhưng chưa có bản dịch" in result.output
    assert f"Bỏ qua 2 dòng ({', '.join(map(str, sorted(untranslated)))}): chưa có bản dịch." in result.output
    assert "Đã nhập 0 trang." in result.output
    assert not (project.root / JRAI_FILE).exists()


@pytest.mark.parametrize("body, words", [
    ("Ƀing ta pơyao {{ polisy.voluntary.rate }}.", "polisy.voluntary.rate"),
    ("Xem [trang này](khong-co.md).", "khong-co.md"),
    ("<script>alert(1)</script>", "<script>"),
    ("<!-- flyer -->\nKhông đóng dấu in.", "<!-- /flyer -->"),
], ids=["misspelled placeholder", "broken link", "unsafe HTML", "unclosed print mark"])
def test_an_import_that_would_write_broken_content_writes_nothing(make_project, tmp_path, files_of, body, words):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "vi/sinh-vien/index.md": OVERVIEW})
    sheet, rows = export(project, tmp_path)
    for rel, text in (("sinh-vien/index.md", "Một bản dịch không lỗi."), (PAGE, f"Dòng đầu.\n\n{body}")):
        number, row = row_of(rows, rel)
        row.update(tieu_de_ban_dich="Tiêu đề Jrai", noi_dung_ban_dich=text)
    save(sheet, rows)
    before = files_of(project.root)
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith(f"{sheet}:{number}: lỗi:")]
    assert words in line and f"(bản dịch cho `{JRAI_FILE}`, dòng " in line
    assert files_of(project.root) == before  # not even the row without mistakes


def test_formula_cells_are_neutralised_on_export_and_restored_on_import(make_project, tmp_path):
    vietnamese = ("---\ntitle: \"=HYPERLINK(\\\"http://x\\\")\"\ndescription: \"+84 là mã nước\"\n---\n\n"
                  "- Đóng {{ policy.voluntary.rate }}.\n- Hỏi @bhxh trên Zalo.\n")
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": vietnamese})
    sheet, rows = export(project, tmp_path)
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    number, row = row_of(rows)
    assert row["tieu_de_tieng_viet"] == "'=HYPERLINK(\"http://x\")" and row["noi_dung_tieng_viet"].startswith("'- Đóng")
    # What a translator types in a spreadsheet keeps the guard; a title that starts with ' is Bahnar/Jrai text.
    row.update(tieu_de_ban_dich="'=Jrai", mo_ta_ban_dich="''-- giữ nguyên", noi_dung_ban_dich="'- Ƀing {{ policy.voluntary.rate }}.")
    save(sheet, rows)
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0, result.output
    meta = front_matter(project.root / JRAI_FILE)
    assert meta["title"] == "=Jrai" and meta["description"] == "'-- giữ nguyên"
    assert (project.root / JRAI_FILE).read_text(encoding="utf-8").endswith("\n\n- Ƀing {{ policy.voluntary.rate }}.\n")

    # Exported again and imported untouched, nothing changes: the guard is removed exactly.
    sheet, rows = export(project, tmp_path, "--all", "--force")
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0 and "giống hệt tệp hiện có" in result.output and "Đã nhập 0 trang." in result.output


def test_bad_hashes_and_duplicate_rows_are_refused_with_file_and_row(make_project, tmp_path, files_of):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "vi/sinh-vien/index.md": OVERVIEW})
    sheet, rows = export(project, tmp_path)
    for row in rows:
        row.update(tieu_de_ban_dich="Tiêu đề", noi_dung_ban_dich="Nội dung.")
    number, row = row_of(rows)
    row["ma_ban_goc"] = "1.23457E+11"  # what Excel makes of an all-digit code
    other, row = row_of(rows, "sinh-vien/index.md")
    row["ma_tep_ban_dich"] = "xyz"
    rows.append(dict(rows[0]))
    save(sheet, rows)
    before = files_of(project.root)
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 1
    assert f"dich-jrai.csv:{number}: lỗi: Dòng này: mã bản gốc `1.23457E+11` không hợp lệ" in result.output
    assert f"dich-jrai.csv:{other}: lỗi: Dòng này: mã tệp dịch `xyz` không hợp lệ" in result.output
    assert f"dich-jrai.csv:{len(rows) + 1}: lỗi: Trang `{rows[0]['trang']}` (jrai) đã có ở dòng 2. Giữ lại một bản" in result.output
    assert files_of(project.root) == before


def test_an_import_never_deletes_what_a_page_already_has(make_project, tmp_path, files_of):
    calculator = "---\ntitle: Tính tiền đóng\nkind: calculator\n---\n\nNhập thu nhập.\n"
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "vi/tu-nguyen/tinh.md": calculator,
                            "jrai/tu-nguyen/index.md": jrai(OVERVIEW, extra="order: 3\n")})
    sheet, rows = export(project, tmp_path)
    _, row = row_of(rows)
    row.update(mo_ta_ban_dich="", noi_dung_ban_dich="Bản dịch sửa lại.")  # an emptied cell erases nothing
    _, row = row_of(rows, "tu-nguyen/tinh.md")
    row.update(tieu_de_ban_dich="Tính (Jrai)", noi_dung_ban_dich="Jrai.")
    save(sheet, rows)
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0, result.output
    meta = front_matter(project.root / JRAI_FILE)
    assert meta["description"] == "Mô tả Jrai" and meta["order"] == 3 and meta["status"] == "draft"
    assert front_matter(project.content_dir / "jrai/tu-nguyen/tinh.md")["kind"] == "calculator"

    # Translation cells emptied altogether: the row is skipped, the page stays.
    sheet, rows = export(project, tmp_path, "--force")
    number, row = row_of(rows)
    row.update(tieu_de_ban_dich="", mo_ta_ban_dich="", noi_dung_ban_dich="")
    save(sheet, rows)
    before = files_of(project.root)
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0 and str(number) in result.output and "chưa có bản dịch" in result.output
    assert files_of(project.root) == before


def test_export_goes_to_a_folder_git_ignores_and_never_overwrites_a_sheet(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    (project.root / ".gitignore").write_bytes((Path(__file__).parent.parent / ".gitignore").read_bytes())
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    first = run(project, "translations", "export", "jrai")
    assert first.exit_code == 0, first.output
    sheet = project.root / "ban-dich" / f"dich-jrai-{dt.date.today().isoformat()}.csv"
    assert f"Đã ghi 2 trang vào {sheet}" in first.output
    untracked = subprocess.run(["git", "-C", str(project.root), "status", "--porcelain", "--untracked-files=all"],
                               capture_output=True, text=True, check=True).stdout
    assert "ban-dich" not in untracked and "content/" in untracked
    sheet.write_text("bảng tính người dịch gửi lại", encoding="utf-8")
    second = run(project, "translations", "export", "jrai")
    assert second.exit_code == 0 and sheet.read_text(encoding="utf-8") == "bảng tính người dịch gửi lại"
    assert sheet.with_name(sheet.stem + "-2.csv").exists()
    refused = run(project, "translations", "export", "jrai", "--out", str(sheet))
    assert refused.exit_code == 1 and "đã có" in refused.output and "--force" in refused.output


def test_importing_the_same_sheet_again_is_a_no_op_that_says_so(make_project, tmp_path, files_of):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "jrai/tu-nguyen/index.md": jrai(OVERVIEW)})
    sheet, rows = export(project, tmp_path)
    number, row = row_of(rows)
    row.update(noi_dung_ban_dich="Bản dịch mới {{ policy.voluntary.rate }}.", nguoi_duyet="H'Hen Niê")
    created, row = row_of(rows, "index.md")
    row.update(tieu_de_ban_dich="Trang chủ (Jrai)", noi_dung_ban_dich="Jrai.")  # a page the first import creates
    save(sheet, rows)
    first = run(project, "translations", "import", str(sheet))
    assert first.exit_code == 0 and "Đã nhập 2 trang." in first.output, first.output
    before = files_of(project.root)

    again = run(project, "translations", "import", str(sheet))
    assert again.exit_code == 0, again.output
    assert f"dich-jrai.csv:{min(number, created)}: cảnh báo: Bỏ qua 2 dòng" in again.output
    assert "đã nhập tệp này rồi" in again.output and "Đã nhập 0 trang." in again.output
    assert files_of(project.root) == before

    # The same sheet after a colleague edited the imported file: refused, as any edit after the export.
    (project.root / JRAI_FILE).write_text(jrai(OVERVIEW, body="Sửa trực tiếp."), encoding="utf-8")
    edited = run(project, "translations", "import", str(sheet))
    assert edited.exit_code == 1 and f"dich-jrai.csv:{number}: lỗi: `{JRAI_FILE}` đã được sửa" in edited.output


def excel_csv(rows, path, bom=True, separator=";") -> None:
    """The sheet as Excel's "CSV UTF-8" writes it with Vietnamese regional settings: BOM, `;`, CRLF."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeff" if bom else "")
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys(), delimiter=separator, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: v.replace("\n", "\r\n") for k, v in row.items()} for row in rows)


@pytest.mark.parametrize("bom, separator", [(True, ";"), (False, ";"), (False, ",")], ids=["excel-vi", "no-bom", "comma"])
def test_a_sheet_saved_by_excel_imports_without_mojibake(make_project, tmp_path, bom, separator):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    sheet, rows = export(project, tmp_path)
    number, row = row_of(rows)
    body = "Ƀing ta pơ\u0306yao {{ policy.voluntary.rate }}; ‘ngữ’ “trích”.\n\n- Điều một, hai.\n- Ư ơ ă đ."
    row.update(tieu_de_ban_dich="Tơ\u0306 nguyện; Jrai", mo_ta_ban_dich="Mô tả, có dấu phẩy", noi_dung_ban_dich=body,
               nguoi_duyet="Y Bơ\u0306n")
    excel_csv(rows, sheet, bom, separator)
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom and b"\r\n" in raw and raw.split(b"\r\n")[0].count(separator.encode()) >= 11

    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0 and "Đã nhập 1 trang." in result.output, result.output
    written = (project.root / JRAI_FILE).read_text(encoding="utf-8")
    assert written.endswith("\n\n" + body + "\n") and "\r" not in written
    meta = front_matter(project.root / JRAI_FILE)
    assert (meta["title"], meta["description"], meta["reviewer"]) == ("Tơ\u0306 nguyện; Jrai", "Mô tả, có dấu phẩy", "Y Bơ\u0306n")
    # And back out: the export holds the very same letters (no "Æ¡" or "Ã" anywhere).
    _, rows = export(project, tmp_path, "--all", "--force")
    _, row = row_of(rows)
    assert (row["tieu_de_ban_dich"], row["noi_dung_ban_dich"]) == ("Tơ\u0306 nguyện; Jrai", body)
