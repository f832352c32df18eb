"""The yearly outreach report: a year of synthetic records gives exactly the expected figures, in every view.

The HTML is parsed with BeautifulSoup, the PDF read back as text with
poppler's pdftotext; JSON and CSV are parsed. Privacy: no name, phone or note
of the records or of communes.yml reaches any output, and a commune's count of
people below 5 is shown as "< 5".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess

import pypdfium2 as pdfium
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator import print_register
from generator.cli import main
from generator.problems import ProblemLog
from generator.sources.published import LeafletEntry
from conftest import write_project

HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = "---\ntitle: Tự nguyện\n---\n\nMở đầu.\n"
CONTACT_NAME, CONTACT_PHONE = "Rơ Lan Hơ", "0912 345 678"
NOTE_NAME = "Ksor Nay Blơ"  # a name someone wrote in a note anyway: never shown


def commune(number: int) -> str:
    contact = f"    contact:\n      name: {CONTACT_NAME}\n      role: Cộng tác viên\n      phone: \"{CONTACT_PHONE}\"\n" if number == 1 else ""
    return (f"  - code: c{number:02d}\n    name: Số {number}\n    kind: {'phường' if number == 2 else 'xã'}\n{contact}"
            f"    office:\n      name: Bưu điện xã Số {number}\n      address: Trụ sở xã Số {number}\n"
            "      hours: Thứ Hai – Thứ Sáu, 7:00–11:30\n      phone: \"0269 3824 111\"\n")


COMMUNES = "communes:\n" + "".join(commune(n) for n in range(1, 11))  # ten communes
CAMPAIGNS = ("campaigns:\n  - code: tvd26\n    name: Tháng vận động 2026\n    start: 2026-05-01\n    end: 2026-05-31\n"
             "    audiences: [tu-nguyen]\n    message: Hỏi đại lý thu ở xã.\n")
HEADER = "ngay,ma_xa,hinh_thuc,doi_tuong,ngon_ngu,so_nguoi,to_phat,chien_dich,ghi_chu\n"
# Seven of ten communes with an activity: exactly the 70% target. c03's only activity counts 4 people.
ROWS = [
    "2026-03-10,c01,tập huấn,cong-tac-vien,vi,30,,,",
    "2026-04-02,c01,loa truyền thanh,nguoi-dan,\"vi, jrai\",,,,",
    f"2026-05-04,c01,hội nghị,tu-nguyen,\"vi, jrai\",50,tu-nguyen-a4-trifold: 40,tvd26,{NOTE_NAME} phát biểu",
    "2026-06-12,c02,đối thoại,doanh-nghiep,vi,20,doanh-nghiep-a5-flyer: 25,,",
    "2026-07-01,c02,tư vấn trực tiếp,tu-nguyen,vi,3,,,",
    "2026-07-20,c03,tư vấn trực tiếp,tu-nguyen,jrai,4,tu-nguyen-a4-trifold: 2,,",
    "2026-08-05,c04,hội nghị,tu-nguyen,vi,10,,,",
    "2026-09-05,c05,hội nghị,tu-nguyen,vi,10,,,",
    "2026-10-05,c06,hội nghị,tu-nguyen,vi,10,,,",
    "2026-11-05,c07,hội nghị,tu-nguyen,vi,10,,,",
]
SCANS = {"codes": {"tn": 30, "tn-c01": 12, "tn-c03": 3, "tn-tvd26": 9}, "communes": {"c01": 12, "c03": 3},
         "campaigns": {"tvd26": 9}, "languages": {"vi": 54}, "days": {"2026-05-04": 10, "2026-05-20": 5, "2026-06-01": 39},
         "not_counted": {"bots": 2}}
def leaflet(file: str, fmt: str, variant: str = "standard", commune: str | None = None) -> LeafletEntry:
    return LeafletEntry(lang="vi", audience="tu-nguyen", format=fmt, variant=variant, file=file, pages=2, qr_url="",
                        issued=dt.date(2026, 4, 28), valid_until=None, previews=[], status="reviewed", release=False,
                        unverified_figures=[], commune=commune, campaign=None)


# What a build's manifest lists: a commune's trifold (standard and print-shop variants), the guide's flyer.
LEAFLETS = [leaflet("leaflets/vi/xa/c01/tu-nguyen-a4-trifold.pdf", "a4-trifold", commune="c01"),
            leaflet("leaflets/vi/xa/c01/tu-nguyen-a4-trifold-print-shop.pdf", "a4-trifold", "print-shop", "c01"),
            leaflet("leaflets/vi/tu-nguyen-a5-flyer.pdf", "a5-flyer")]


def year_of_records(root):
    project = write_project(root / "project", {"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "communes.yml": COMMUNES,
                                               "campaigns.yml": CAMPAIGNS, "hoat-dong/2026.csv": HEADER + "\n".join(ROWS) + "\n"})
    (root / "scans.json").write_text(json.dumps(SCANS), encoding="utf-8")
    register = print_register.register_path(project.content_dir)
    print_register.append(register, print_register.sheets_made(LEAFLETS, "print", 500))
    print_register.append(register, print_register.sheets_made(LEAFLETS, "release"))
    return project


def report(project, tmp_path, *options):
    result = CliRunner().invoke(main, ["report", "--year", "2026", "--scans", str(tmp_path / "scans.json"),
                                       "--project", str(project.root), *options])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def project(tmp_path):
    return year_of_records(tmp_path)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The HTML page (parsed and as text), the PDF's text and the PDF, made once for the module's tests."""
    tmp_path = tmp_path_factory.mktemp("report")
    report(year_of_records(tmp_path), tmp_path, "--site-dir", str(tmp_path / "site"))
    folder = tmp_path / "site" / "noi-bo" / "bao-cao" / "2026"
    html = (folder / "index.html").read_text(encoding="utf-8")
    pdf = folder / "bao-cao-tuyen-truyen-2026.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return BeautifulSoup(html, "html.parser"), html, text, pdf


def table(soup, key: str) -> dict[str, str]:
    """A chart's figures as the table beside its bars shows them, by row label."""
    return {td.find_parent("tr").select_one("td.label").get_text(strip=True): td.get_text(strip=True)
            for td in soup.select(f'td[data-series="{key}"]')}


def bars(soup, key: str) -> list[tuple[str, float]]:
    return [(rect["data-value"], float(rect["width"])) for rect in soup.select(f'rect[data-series="{key}"]')]


def test_the_share_of_communes_meets_the_target_exactly(made):
    soup, _, text, _ = made
    coverage = " ".join(soup.select_one("#coverage").get_text().split())
    assert "7/10 xã, phường có ít nhất một hoạt động: 70,0%" in coverage and "đạt chỉ tiêu" in coverage
    assert "chưa đạt" not in coverage
    assert [li.get_text() for li in soup.select("#without li")] == ["Xã Số 8 (c08)", "Xã Số 9 (c09)", "Xã Số 10 (c10)"]
    flat = " ".join(text.split())
    assert "7/10 xã, phường có ít nhất một hoạt động: 70,0%" in flat and "đạt chỉ tiêu" in flat
    assert "Xã Số 8 (c08)" in flat and "Xã Số 10 (c10)" in flat


def test_counts_by_kind_month_language_and_commune_are_exact(made):
    soup, _, text, _ = made
    assert table(soup, "kind") == {"hội nghị": "5", "đối thoại": "1", "tư vấn trực tiếp": "2", "loa truyền thanh": "1",
                                   "quầy tư vấn / ngày hội": "0", "phát tờ rơi": "0", "tập huấn": "1",
                                   "đăng Zalo/Facebook": "0", "khác": "0"}
    assert table(soup, "month") == {f"Tháng {m}": str(n) for m, n in
                                    zip(range(1, 13), (0, 0, 1, 1, 1, 1, 2, 1, 1, 1, 1, 0))}
    assert table(soup, "language") == {"Tiếng Việt": "9", "Tiếng Bahnar": "0", "Tiếng Jrai": "3"}
    assert table(soup, "audience")["Tự nguyện"] == "7"
    assert table(soup, "commune")["Xã Số 1 (c01)"] == "3" and table(soup, "commune")["Phường Số 2 (c02)"] == "2"
    totals = {th.get_text(strip=True): td.get_text(strip=True) for th, td in
              ((tr.th, tr.td) for tr in soup.select("#totals tr"))}
    assert totals == {"Số hoạt động": "10", "Số người tham dự": "147", "Tờ in đã phát": "67", "Tờ in đã tạo (sổ in)": "2",
                      "Số bản đặt in (sổ in)": "500", "Lượt quét mã QR": "54"}
    flat = " ".join(text.split())
    for line in ("Số hoạt động 10", "Số người tham dự 147", "Tờ in đã phát 67", "Số bản đặt in (sổ in) 500",
                 "hội nghị 5", "Tháng 7 2", "Xã Số 1 (c01) 3 80 40 12"):
        assert line in flat, line


def test_each_chart_draws_its_table(made):
    soup, _, _, _ = made
    keys = {td["data-series"] for td in soup.select("td[data-series]")}
    assert keys == {"kind", "audience", "language", "month", "commune", "participants", "handed", "handed_commune", "printed",
                    "copies", "scans_commune", "scans_campaign"}
    for key in keys:
        assert [value for value, _ in bars(soup, key)] == list(table(soup, key).values()), key
    kind = dict(zip(table(soup, "kind"), bars(soup, "kind")))
    assert kind["hội nghị"] == ("5", 292.0)  # the largest fills its lane
    assert kind["tư vấn trực tiếp"] == ("2", 116.8) and kind["khác"] == ("0", 0.0)
    # Four charts per commune side by side, one lane each, one row of bars per row of the table.
    communes = soup.select_one("#figure-communes svg[role=img]")
    assert {rect["x"] for rect in communes.select('rect[data-series="scans_commune"]')} == {"165.0"}
    assert [rect["y"] for rect in communes.select('rect[data-series="commune"]')][:3] == ["3", "19", "35"]
    assert soup.select_one("#chart-coverage rect.bar")["width"] == "217.00"  # 70% of 310
    assert soup.select_one("#chart-coverage line.target")["x1"] == "227.00"


def test_a_communes_small_count_of_people_is_hidden(made):
    soup, html, _, _ = made
    assert table(soup, "participants")["Xã Số 3 (c03)"] == "< 5"
    assert table(soup, "participants")["Phường Số 2 (c02)"] == "23"
    assert table(soup, "handed_commune")["Xã Số 3 (c03)"] == "< 5"
    assert table(soup, "scans_commune")["Xã Số 3 (c03)"] == "< 5" and table(soup, "scans_commune")["Xã Số 1 (c01)"] == "12"
    hidden = dict(zip(table(soup, "participants"), bars(soup, "participants")))["Xã Số 3 (c03)"]
    assert hidden == ("< 5", 0.0)  # no bar whose length would tell the number
    assert "Xã Số 3 (c03): 4" not in html


def test_the_campaign_month_the_register_and_training(made):
    soup, _, _, _ = made
    month = {th.get_text(" ", strip=True): td.get_text(strip=True) for th, td in
             ((tr.th, tr.td) for tr in soup.select("#campaign-month tr"))}
    assert month["Hoạt động trong tháng 5 hoặc thuộc chiến dịch"] == "1"
    assert month["Lượt quét mã QR trong tháng 5"] == "15" and month["Lượt quét mã QR của chiến dịch tvd26"] == "9"
    assert table(soup, "copies") == {"Tờ gấp A4 (gấp ba) — tu-nguyen": "500"}
    assert table(soup, "printed") == {"Tờ gấp A4 (gấp ba) — tu-nguyen": "1", "Tờ rơi A5 — tu-nguyen": "1"}
    assert table(soup, "handed") == {"Tờ gấp A4 (gấp ba) — tu-nguyen": "42", "Tờ rơi A5 — doanh-nghiep": "25"}
    training = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in soup.select("#training tbody tr")]
    assert training[1][:4] == ["Cộng tác viên, nhân viên tổ chức dịch vụ, Ban Chỉ đạo cấp xã", "1", "ít nhất 2 — chưa đạt", "30"]
    assert training[1][4] == "35–50%"
    assert [li.get_text(" ", strip=True) for li in soup.select("#sources li")] == [
        "content/hoat-dong/2026.csv : 10 hoạt động", "content/hoat-dong/so-in.csv : 3 dòng của năm 2026",
        "scans.json : 54 lượt quét"]


def test_no_name_phone_or_note_reaches_any_output(made, project, tmp_path):
    # The same records as `made`'s, in this test's own folder for the JSON and the CSV.
    _, html, text, pdf = made
    outputs = [html, text, report(project, tmp_path, "--format", "json"), report(project, tmp_path, "--format", "csv")]
    document = pdfium.PdfDocument(pdf)
    outputs.append("".join(document[n].get_textpage().get_text_range() for n in range(len(document))))
    for output in outputs:
        for secret in (CONTACT_NAME, CONTACT_PHONE, CONTACT_PHONE.replace(" ", ""), NOTE_NAME, "phát biểu", "0269 3824 111"):
            assert secret not in output


def test_the_70_percent_line_moves_when_a_communes_only_activity_is_removed(project, tmp_path):
    before = json.loads(report(project, tmp_path, "--format", "json"))
    assert (before["communes_active"], before["share"], before["target_met"]) == (7, 0.7, True)
    records = project.activities_dir / "2026.csv"
    records.write_text(HEADER + "\n".join(r for r in ROWS if ",c03," not in r) + "\n", encoding="utf-8")
    after = json.loads(report(project, tmp_path, "--format", "json"))
    assert (after["communes_active"], after["share"], after["target_met"]) == (6, 0.6, False)
    assert "Xã Số 3 (c03)" in after["communes_without"] and "Xã Số 3 (c03)" not in before["communes_without"]
    report(project, tmp_path, "--site-dir", str(tmp_path / "site"))
    soup = BeautifulSoup((tmp_path / "site/noi-bo/bao-cao/2026/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "6/10" in soup.select_one("#coverage").get_text() and "chưa đạt chỉ tiêu" in soup.select_one("#coverage").get_text()
    assert soup.select_one("#chart-coverage rect.bar")["width"] == "186.00"


def test_json_and_csv_give_the_same_figures(project, tmp_path):
    data = json.loads(report(project, tmp_path, "--format", "json"))
    assert data["as_of"] == "2026-11-05"  # the latest record, not the clock
    assert data["charts"]["participants"]["rows"][2] == {"label": "Xã Số 3 (c03)", "value": "< 5"}
    rows = list(csv.reader(io.StringIO(report(project, tmp_path, "--format", "csv"))))
    assert rows[0] == ["muc", "ten", "gia_tri"]
    figures = {(section, name): value for section, name, value in rows[1:]}
    assert figures[("tong", "so_hoat_dong")] == "10" and figures[("tong", "ty_le_xa_phuong_co_hoat_dong")] == "0.7000"
    assert figures[("participants", "Xã Số 3 (c03)")] == "< 5" and figures[("kind", "hội nghị")] == "5"
    assert json.loads(report(project, tmp_path, "--format", "json", "--as-of", "2026-12-31"))["as_of"] == "2026-12-31"


def test_the_report_is_the_same_for_the_same_records(project, tmp_path):
    report(project, tmp_path, "--site-dir", str(tmp_path / "one"))
    report(project, tmp_path, "--site-dir", str(tmp_path / "two"))
    for name in ("index.html", "bao-cao-tuyen-truyen-2026.pdf"):
        assert ((tmp_path / "one/noi-bo/bao-cao/2026" / name).read_bytes()
                == (tmp_path / "two/noi-bo/bao-cao/2026" / name).read_bytes())


def test_the_pdf_is_a4_in_the_sheets_own_font(made):
    *_, pdf = made
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 3
    for page in document:
        width, height = page.get_size()
        assert (round(width), round(height)) == (595, 842)
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    embedded = {line.split()[0].partition("+")[2] for line in fonts.splitlines()[2:]}
    assert embedded == {"Outreach-Sans", "Outreach-Sans-Bold"}  # Noto Sans, as on every sheet: nothing from the machine


def test_the_register_only_appends_and_records_orders(tmp_path):
    register = tmp_path / "so-in.csv"
    made = print_register.sheets_made(LEAFLETS, "release")
    assert [s.file for s in made] == ["leaflets/vi/tu-nguyen-a5-flyer.pdf", "leaflets/vi/xa/c01/tu-nguyen-a4-trifold.pdf"]
    assert [s.file for s in print_register.sheets_made(LEAFLETS, "print")] == ["leaflets/vi/xa/c01/tu-nguyen-a4-trifold.pdf"]
    assert len(print_register.append(register, made)) == 2
    first = register.read_bytes()
    assert first.startswith(b"\xef\xbb\xbfngay_ban_in,lenh,to_in,")
    assert print_register.append(register, made) == []  # made again, same edition: nothing new
    assert register.read_bytes() == first
    order = print_register.sheets_made(LEAFLETS, "print", 300)
    assert len(print_register.append(register, order)) == 1 and len(print_register.append(register, order)) == 1
    assert register.read_bytes().startswith(first)  # appended, never rewritten
    lines = register.read_text(encoding="utf-8-sig").splitlines()
    assert lines[-1] == "2026-04-28,print,leaflets/vi/xa/c01/tu-nguyen-a4-trifold.pdf,tu-nguyen,a4-trifold,vi,c01,,2,300"
    assert len(lines) == 5


FLYER_OVERVIEW = ("---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\nĐóng {{ policy.voluntary.rate }} thu nhập tự chọn.\n"
                  "<!-- /flyer -->\n\n<!-- flyer: action -->\nĐến đại lý thu ở xã.\n<!-- /flyer -->\n")


def test_outreach_print_records_its_sheets_and_an_order_in_the_register(make_project, tmp_path, machine_cache):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": FLYER_OVERVIEW,
                            "communes.yml": "communes:\n" + commune(3)})
    command = ["print", "--commune", "c03", "--lang", "vi", "--as-of", "2026-04-28", "--site-url", "https://example.org/tt/",
               "--site-dir", str(tmp_path / "site"), "--project", str(project.root)]
    ordered = CliRunner().invoke(main, [*command, "--copies", "200"])
    assert ordered.exit_code == 0, ordered.output
    register = print_register.register_path(project.content_dir)
    log = ProblemLog(project.root)
    rows = print_register.read_register(register, log)
    assert log.problems == []
    assert [(r.edition.isoformat(), r.command, r.sheet, r.commune, r.lang, r.pages, r.copies) for r in rows] == [
        ("2026-04-28", "print", "tu-nguyen-a3-poster", "c03", "vi", 1, 200),
        ("2026-04-28", "print", "tu-nguyen-a5-flyer", "c03", "vi", 2, 200)]
    assert all(r.file.startswith("leaflets/vi/xa/c03/") for r in rows)
    before = register.read_bytes()
    again = CliRunner().invoke(main, command)  # the same sheets, no order: nothing new to record
    assert again.exit_code == 0, again.output
    assert register.read_bytes() == before


def test_a_file_that_is_not_scan_counts_is_refused_in_vietnamese(project, tmp_path):
    for text in ('{"codes": {"tn": "mười"}, "communes": {}, "campaigns": {}}', "[1, 2]", "not json"):
        (tmp_path / "scans.json").write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["report", "--year", "2026", "--scans", str(tmp_path / "scans.json"),
                                           "--project", str(project.root), "--format", "json"])
        assert result.exit_code == 1 and "không phải kết quả của `outreach stats --format json`" in result.output, text
        assert "Traceback" not in result.output
