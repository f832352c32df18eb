"""The communicators' workflow: check, translation status, export/import, bad input."""

import csv
import datetime as dt

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.build import BuildOptions, build, compose
from generator.cli import main
from generator.sources.content import content_hash
from generator.problems import ContentError

AS_OF = dt.date(2026, 11, 25)
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = "---\ntitle: Tự nguyện\n---\n\nĐóng {{ policy.voluntary.rate }} thu nhập.\n"


def translation(text_of_vi: str, status="draft", reviewer=None, title="Bản dịch") -> str:
    reviewer_line = f"reviewer: {reviewer}\n" if reviewer else ""
    return (f"---\ntitle: {title}\nstatus: {status}\n{reviewer_line}source: vi/tu-nguyen/index.md\n"
            f"source_hash: {content_hash(text_of_vi)}\n---\n\nBơ\u0306n.\n")


def run(project, *args):
    return CliRunner().invoke(main, [*args, "--project", str(project.root)])


def test_status_reports_missing_draft_reviewed_and_outdated(make_project):
    project = make_project({
        "vi/index.md": HOME,
        "vi/tu-nguyen/index.md": OVERVIEW,
        "bahnar/tu-nguyen/index.md": translation(OVERVIEW, "reviewed", "Y Bơ\u0306n"),
        "jrai/tu-nguyen/index.md": translation("an older Vietnamese text"),
    })
    result = run(project, "status")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("tu-nguyen/index.md"))
    assert "đã duyệt" in row and "cần cập nhật" in row
    home = next(line for line in result.output.splitlines() if line.startswith("index.md"))
    assert home.count("chưa dịch") == 2


def test_outdated_translation_tells_the_reader_and_the_team(make_project, tmp_path):
    project = make_project({
        "vi/index.md": HOME,
        "vi/tu-nguyen/index.md": OVERVIEW,
        "jrai/tu-nguyen/index.md": translation("an older Vietnamese text"),
    })
    result = build(project, tmp_path / "out", BuildOptions(AS_OF))
    page = BeautifulSoup((tmp_path / "out/jrai/tu-nguyen/index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one("[data-outreach-notice=outdated]") is not None
    assert page.select_one("[data-outreach-notice=draft]") is not None
    entry = next(p for p in result.manifest.as_json()["pages"] if p["url"] == "jrai/tu-nguyen/")
    assert entry["outdated"] is True and entry["status"] == "draft"
    team = BeautifulSoup((tmp_path / "out/noi-bo/ban-dich/index.html").read_text(encoding="utf-8"), "html.parser")
    assert team.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    cell = team.select_one("tr:has(td:-soup-contains('tu-nguyen/index.md')) td[data-lang=jrai]")
    assert cell.get_text() == "cần cập nhật"
    # The team page is not in the citizens' navigation.
    home = (tmp_path / "out/index.html").read_text(encoding="utf-8")
    assert "noi-bo" not in home


def test_export_then_import_writes_a_translation_with_the_right_front_matter(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    sheet = tmp_path / "jrai.csv"
    assert run(project, "translations", "export", "jrai", "--out", str(sheet)).exit_code == 0
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["trang"] == "tu-nguyen/index.md")
    assert row["trang_thai"] == "chưa dịch" and row["noi_dung_tieng_viet"].startswith("Đóng {{ policy.voluntary.rate }}")
    row.update(tieu_de_ban_dich="BHXH tự nguyện (Jrai)", noi_dung_ban_dich="Ƀing ta pơyao {{ policy.voluntary.rate }}.")
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=rows[0].keys())
        writer.writeheader()
        writer.writerows(rows)

    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 0, result.output
    written = (project.content_dir / "jrai/tu-nguyen/index.md").read_text(encoding="utf-8")
    assert "status: draft" in written and "source: vi/tu-nguyen/index.md" in written
    assert f"source_hash: {content_hash(OVERVIEW)}" in written
    assert not (project.content_dir / "jrai/index.md").exists()  # untranslated rows write nothing
    assert run(project, "status").output.count("bản nháp") >= 1
    compose(project, BuildOptions(AS_OF))  # the imported page is valid content


def test_import_with_reviewer_marks_reviewed_and_bad_rows_write_nothing(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    sheet = tmp_path / "bahnar.csv"
    header = "trang,ngon_ngu,ma_ban_goc,ma_tep_ban_dich,tieu_de_ban_dich,noi_dung_ban_dich,nguoi_duyet\n"
    sheet.write_text(header + "tu-nguyen/index.md,bahnar,abc123abc123,,Tiêu đề,Nội dung,A Bơ\u0306n\n"
                     + "khong-co.md,bahnar,abc123abc123,,Tiêu đề,Nội dung,\n", encoding="utf-8")
    result = run(project, "translations", "import", str(sheet))
    assert result.exit_code == 1
    assert "bahnar.csv:3:" in result.output and "khong-co.md" in result.output
    assert not (project.content_dir / "bahnar/tu-nguyen/index.md").exists()

    sheet.write_text(header + "tu-nguyen/index.md,bahnar,abc123abc123,,Tiêu đề,Nội dung,A Bơ\u0306n\n", encoding="utf-8")
    assert run(project, "translations", "import", str(sheet)).exit_code == 0
    written = (project.content_dir / "bahnar/tu-nguyen/index.md").read_text(encoding="utf-8")
    assert "status: reviewed" in written and "reviewer: A Bơ\u0306n" in written


# --- bad input: a clear message, a non-zero exit, never a traceback -------------

BAD_INPUT = {
    "invalid YAML front matter": ("---\ntitle: [oops\n---\nx\n", 2, "YAML"),
    "not UTF-8": ("---\ntitle: Sinh vi\xean\n---\nx\n".encode("latin-1"), 2, "UTF-8"),
    "empty file": ("", 1, "Tệp trống"),
    "page without a title": ("---\norder: 1\n---\nx\n", 2, "title:"),
    "unknown policy key": ("---\ntitle: X\n---\n\n{{ policy.voluntary.rates }}\n", 5, "policy.voluntary.rate"),
    "link to a missing page": ("---\ntitle: X\n---\n\nXem [đây](../tu-nguyen/khong-co.md).\n", 5, "khong-co.md"),
    "missing image": ("---\ntitle: X\n---\n\n![Sơ đồ](so-do.png)\n", 5, "so-do.png"),
    "image without alt text": ("---\ntitle: X\n---\n\n![](../logo.png)\n", 5, "mô tả"),
    "very long line": ("---\ntitle: X\n---\n\n" + "a" * 5000 + "\n", 5, "5000 ký tự"),
    "script tag": ("---\ntitle: X\n---\n\n<script>alert(1)</script>\n", 5, "<script>"),
    "event handler": ("---\ntitle: X\n---\n\n<img src=x onerror=alert(1) alt=a>\n", 5, "onerror"),
    "javascript link": ("---\ntitle: X\n---\n\n[bấm](javascript:alert(1))\n", 5, "javascript:"),
    "unclosed leaflet mark": ("---\ntitle: X\n---\n\n<!-- leaflet -->\nx\n", 5, "<!-- /leaflet -->"),
    # Reported on the page that claims the code second, naming the first.
    "duplicate QR code": ("---\ntitle: X\nqr: tn\n---\nx\n", 3, "Mã QR `tn` đã cấp cho `content/vi/sinh-vien/index.md`", "tu-nguyen"),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_is_reported_never_a_traceback(make_project, tmp_path, case):
    text, line, words, *folder = BAD_INPUT[case]
    where = f"content/vi/{folder[0] if folder else 'sinh-vien'}/index.md:{line}: lỗi:"
    project = make_project({
        "vi/index.md": HOME,
        "vi/logo.png": b"\x89PNG\r\n\x1a\n",
        "vi/tu-nguyen/index.md": "---\ntitle: Tự nguyện\nqr: tn\n---\nx\n",
        "vi/sinh-vien/index.md": text,
    })
    for command in (["check"], ["build", "--site-dir", str(tmp_path / "out")]):
        result = run(project, *command, "--as-of", "2026-11-25")
        assert result.exit_code == 1, (case, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        assert where in result.output, (case, result.output)
        assert words in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_translation_status(make_project):
    project = make_project({"vi/index.md": HOME, "jrai/index.md": "---\ntitle: X\nstatus: done\nsource: vi/index.md\nsource_hash: 0123456789ab\n---\nx\n"})
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF))
    assert caught.value.problems[0].format().startswith("content/jrai/index.md:3: lỗi:")


def test_overflowing_leaflet_through_the_cli(make_project, tmp_path):
    body = "\n\n".join("Một đoạn khá dài để tờ rơi A5 không chứa nổi, nhắc lại nhiều lần." for _ in range(70))
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": f"---\ntitle: X\n---\n\n<!-- flyer -->\n{body}\n<!-- /flyer -->\n"})
    result = run(project, "build", "--site-dir", str(tmp_path / "out"), "--as-of", "2026-11-25")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "content/vi/tu-nguyen/index.md:6: lỗi: Tờ in leaflets/vi/tu-nguyen-a5-flyer.pdf" in result.output


def test_build_reports_progress_plainly_off_a_terminal(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": "---\ntitle: X\n---\n\n<!-- flyer -->\nNgắn.\n<!-- /flyer -->\n"})
    result = run(project, "build", "--site-dir", str(tmp_path / "out"), "--as-of", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert "Đang tạo tờ gấp, tờ rơi (PDF): 6 tệp…" in result.output
    assert "\r" not in result.output  # no bar redrawn into a log


def test_check_renders_leaflets_but_writes_nothing(make_project, machine_cache, files_of):
    body = "\n\n".join("Một đoạn khá dài để tờ rơi A5 không chứa nổi, nhắc lại nhiều lần." for _ in range(70))
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": f"---\ntitle: X\n---\n\n<!-- flyer -->\n{body}\n<!-- /flyer -->\n"})
    before = files_of(project.root)
    result = run(project, "check", "--as-of", "2026-11-25")
    assert result.exit_code == 1 and "a5-flyer.pdf" in result.output and "dài quá" in result.output
    assert files_of(project.root) == before  # no site, no lockfile, no render cache


def test_an_all_digit_source_hash_is_still_a_hash(make_project, monkeypatch):
    import generator.sources.content as content

    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    monkeypatch.setattr(content, "content_hash", lambda text: "012345678901")
    (project.content_dir / "jrai/tu-nguyen").mkdir(parents=True)
    (project.content_dir / "jrai/tu-nguyen/index.md").write_text(
        "---\ntitle: X\nstatus: draft\nsource: vi/tu-nguyen/index.md\nsource_hash: 012345678901\n---\nx\n", encoding="utf-8")
    result = run(project, "status")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("tu-nguyen/index.md"))
    assert "bản nháp" in row  # recognised as current, not outdated
