"""`outreach stats`: scans counted from access logs, run as a communicator runs it.

A synthetic log of known scans, bots, repeats, malformed lines and a rotated,
gzip-compressed file gives exactly the expected counts in the terminal, JSON,
CSV and the team page; no output holds an address or a user agent.
"""

from __future__ import annotations

import csv
import gzip
import io
import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, SITE_URL, node_tool
from generator.sources.published import QrEntry, QrFiles, SiteManifest, TaggedCodeEntry

ANDROID = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.1 Mobile/15E148 Safari/604.1")
ZALO = ("Mozilla/5.0 (Linux; Android 12; V2111 Build/SP1A.210812.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Zalo android/12100636 ZaloTheme/light ZaloLanguage/vn")
COC_COC = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/117.0.218 Chrome/111.0 Safari/537.36"
# Apache escapes a quote in a field as \" ; this reader's browser name carries one.
QUOTED = r'Mozilla/5.0 (Linux; Android 11; \"Redmi Note 9\") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Mobile Safari/537.36'
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
FACEBOOK_PREVIEW = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"

A, B, C, D, E, F = "203.0.113.7", "198.51.100.23", "2001:db8::5", "192.0.2.44", "203.0.113.200", "100.64.12.9"
ADDRESSES = (A, B, C, D, E, F, "66.249.66.1", "69.171.250.1", "192.0.2.99", "192.0.2.250")
AGENTS = (ANDROID, IPHONE, ZALO, COC_COC, QUOTED, GOOGLEBOT, FACEBOOK_PREVIEW)
BASE = "/tuyen-truyen"  # the site lives under a sub-path of the province's portal


def entry(address: str, when: str, request: str, status: int, agent: str, extra: str = "") -> str:
    return f'{address} - - [{when}] "{request}" {status} 512 "-" "{agent}"{extra}'


def get(path: str) -> str:
    return f"GET {path} HTTP/1.1"


# The newest log, as nginx writes it (times in the server's zone, +0700, unless said).
CURRENT_LOG = [
    entry(A, "01/Nov/2026:08:00:00 +0700", get(f"{BASE}/q/tn/"), 200, ANDROID),  # repeat of 07:50 in the older log
    entry(A, "01/Nov/2026:08:05:00 +0700", get(f"{BASE}/q/tn"), 301, ANDROID),  # the static server adds the slash: repeat
    entry(A, "01/Nov/2026:08:05:01 +0700", get(f"{BASE}/q/tn/"), 200, ANDROID),  # repeat
    entry(A, "01/Nov/2026:08:01:00 +0700", get(f"{BASE}/q/tn/"), 200, IPHONE),  # another phone behind the same address: scan
    entry(A, "01/Nov/2026:08:45:00 +0700", get(f"{BASE}/q/tn/?utm_source=zalo"), 200, ANDROID),  # 55 min after 07:50: scan
    entry(A, "01/Nov/2026:08:50:00 +0700", get(f"{BASE}/q/dn/"), 200, ANDROID),  # another code: scan
    entry(F, "01/Nov/2026:12:00:00 +0700", get(f"{BASE}/q/ncut/"), 200, COC_COC, ' "-"'),  # nginx `main`: X-Forwarded-For after
    entry(B, "01/Nov/2026:23:30:00 +0000", get(f"{BASE}/q/tnb/"), 200, IPHONE),  # 06:30 on 2 November in Vietnam: scan
    entry(B, "02/Nov/2026:07:10:00 +0700", get(f"{BASE}/q/tnb/"), 304, IPHONE),  # 40 min later: scan
    entry(C, "02/Nov/2026:10:00:00 +0700", get(f"{BASE}/q/tnj/"), 200, ZALO),  # Zalo's in-app browser is a reader: scan
    entry(D, "03/Nov/2026:09:00:00 +0700", get(f"{BASE}/q/svb/"), 200, QUOTED),  # scan
    entry("66.249.66.1", "01/Nov/2026:09:00:00 +0700", get(f"{BASE}/q/tn/"), 200, GOOGLEBOT),  # bot
    entry("69.171.250.1", "01/Nov/2026:09:01:00 +0700", get(f"{BASE}/q/dn/"), 200, FACEBOOK_PREVIEW),  # bot (link preview)
    entry("192.0.2.99", "01/Nov/2026:09:02:00 +0700", get(f"{BASE}/q/tn/"), 200, "-"),  # no browser name: bot
    entry(D, "01/Nov/2026:09:03:00 +0700", f"HEAD {BASE}/q/tn/ HTTP/1.1", 200, COC_COC),  # a link check: bot
    entry(D, "01/Nov/2026:09:04:00 +0700", f"POST {BASE}/q/tn/ HTTP/1.1", 405, COC_COC),  # failed request
    entry(D, "01/Nov/2026:09:05:00 +0700", get(f"{BASE}/q/tn/"), 500, COC_COC),  # failed request
    entry(D, "01/Nov/2026:09:06:00 +0700", get(f"{BASE}/q/zzz/"), 404, COC_COC),  # unknown code
    entry(D, "01/Nov/2026:09:07:00 +0700", get("/q/tn/"), 404, COC_COC),  # outside the base path
    entry(D, "01/Nov/2026:09:08:00 +0700", get(f"{BASE}/tu-nguyen/"), 200, COC_COC),  # a page, not a scan
    entry(D, "01/Nov/2026:09:09:00 +0700", get(f"{BASE}/qr/tn.svg"), 200, COC_COC),  # a QR image, not a scan
    "this is not a log line",  # malformed
    f'{E} - - [01/Nov/2026:09:10:00 +0700] "GET {BASE}/q/tn/ HTTP/1.1" 200 512',  # common format, no user agent: malformed
    entry(E, "31/Feb/2026:09:11:00 +0700", get(f"{BASE}/q/tn/"), 200, ANDROID),  # no such day: malformed
    f'192.0.2.250 - - [01/Nov/2026:09:12:00 +0700] "GET {BASE}/q/tn/ HTT',  # cut short: malformed
]
# The rotated log before it, compressed by logrotate.
ROTATED_LOG = [
    entry(E, "31/Oct/2026:20:00:00 +0700", get(f"{BASE}/q/hkd/"), 200, ANDROID),  # scan
    entry(E, "31/Oct/2026:20:10:00 +0700", get(f"{BASE}/q/hkd/"), 200, ANDROID),  # repeat
    entry(A, "01/Nov/2026:07:50:00 +0700", get(f"{BASE}/q/tn/"), 200, ANDROID),  # scan
    "\x00\x01 binary noise",  # malformed
]

EXPECTED = {
    "codes": {"tn": 3, "tnb": 2, "dn": 1, "hkd": 1, "ncut": 1, "svb": 1, "tnj": 1},
    "communes": {},
    "campaigns": {},
    "languages": {"vi": 6, "bahnar": 3, "jrai": 1},
    "days": {"2026-10-31": 1, "2026-11-01": 5, "2026-11-02": 3, "2026-11-03": 1},
    "not_counted": {"bots": 4, "repeats": 4, "malformed_lines": 5, "unknown_codes": 1, "other_base_path": 1,
                    "failed_requests": 2},
}


@dataclass
class Run:
    status: int
    out: str
    err: str


def outreach(*args, cwd: Path = REPO, env: dict | None = None) -> Run:
    """The command as a communicator types it in the project folder."""
    done = subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def logs(tmp_path, machine_cache) -> list[Path]:
    current = tmp_path / "access.log"
    current.write_text("\n".join(CURRENT_LOG) + "\n", encoding="utf-8")
    rotated = tmp_path / "access.log.2.gz"  # rotated files may come in any order: the older one last
    rotated.write_bytes(gzip.compress(("\n".join(ROTATED_LOG) + "\n").encode("utf-8")))
    return [current, rotated]


SITE = ("--site-url", f"https://gialai.example{BASE}/")


def assert_nothing_personal(text: str) -> None:
    for address in ADDRESSES:
        assert address not in text, address
    for agent in AGENTS:
        for part in (agent, agent.split(" (")[0], *[word for word in agent.split() if len(word) > 12]):
            assert part not in text, part
    for word in ("Googlebot", "facebookexternalhit", "Zalo android", "SM-A145F", "Redmi", "iPhone OS"):
        assert word not in text, word


def test_json_counts_exactly_the_scans(logs):
    run = outreach("stats", *logs, *SITE, "--format", "json")
    assert run.status == 0, run.err
    assert json.loads(run.out) == EXPECTED
    assert "5 dòng không đúng định dạng" in run.err and f"{logs[0]}, dòng 22" in run.err  # where, never what
    assert_nothing_personal(run.out + run.err)


def test_csv_holds_the_same_counts(logs):
    run = outreach("stats", *logs, *SITE, "--format", "csv")
    assert run.status == 0, run.err
    table = list(csv.reader(io.StringIO(run.out)))
    assert table[0] == ["muc", "ten", "luot_quet"]
    found: dict[str, dict[str, int]] = {key: {} for key in EXPECTED}
    for dimension, name, count in table[1:]:
        found[dimension][name] = int(count)
    assert found == EXPECTED
    assert_nothing_personal(run.out + run.err)


def test_terminal_table_in_vietnamese(logs):
    run = outreach("stats", *logs, *SITE)
    assert run.status == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "Tổng số lượt quét mã QR: 10 (từ 31/10/2026 đến 03/11/2026, theo giờ Việt Nam)"

    def section(title: str) -> dict[str, str]:
        start = lines.index(title) + 1
        end = next((i for i in range(start, len(lines)) if not lines[i].startswith("  ")), len(lines))
        return {" ".join(line.split()[:-1]) if title != "Theo mã QR" else line.split()[0]:
                line.split()[-1] if title != "Theo mã QR" else line.split()[1] for line in lines[start:end]}

    assert section("Theo mã QR") == {code: str(n) for code, n in EXPECTED["codes"].items()}
    assert "  tn    3  vi/tu-nguyen/index.md" in lines  # the page each code opens
    assert section("Theo ngôn ngữ") == {"Tiếng Việt": "6", "Tiếng Bahnar": "3", "Tiếng Jrai": "1"}
    assert section("Theo ngày") == {"31/10/2026": "1", "01/11/2026": "5", "02/11/2026": "3", "03/11/2026": "1"}
    # No code carries a commune or campaign yet: every scan is "không rõ" there.
    assert section("Theo xã, phường") == {"không rõ": "10"}
    assert section("Theo chiến dịch") == {"không rõ": "10"}
    assert lines[-1] == ("Không tính: 4 lượt của máy tự động (bot, trình xem trước liên kết); 4 lượt quét lại cùng mã trong "
                         "vòng 30 phút; 5 dòng nhật ký không đúng định dạng; 1 lượt mở mã không có trong danh sách mã đã cấp; "
                         "1 lượt mở mã ở ngoài đường dẫn gốc /tuyen-truyen/ của trang web; 2 yêu cầu bị lỗi hoặc không phải "
                         "để mở trang.")
    assert "--site-url" in run.err  # the scan outside the base path: how to count it if the site lives there
    assert_nothing_personal(run.out + run.err)


def test_team_page_has_charts_and_the_same_counts(logs, tmp_path):
    site = tmp_path / "site"
    run = outreach("stats", *logs, *SITE, "--format", "json", "--site-dir", site)
    assert run.status == 0, run.err
    page = site / "noi-bo" / "thong-ke" / "index.html"
    assert str(page) in run.err
    html = page.read_text(encoding="utf-8")
    assert_nothing_personal(html)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and not soup.select("[src]") and not soup.select("[style*='url(']")
    assert "10" in soup.select_one(".total").get_text()
    titles = {section.h2.get_text(): section for section in soup.find_all("section")}
    assert list(titles) == ["Theo mã QR", "Theo xã, phường", "Theo chiến dịch", "Theo ngôn ngữ", "Theo ngày"]
    for title, section in titles.items():
        assert section.find("svg", attrs={"role": "img"}) is not None, title
        shown = {row.find_all("td")[0].get_text(): int(row.find_all("td")[-1].get_text()) for row in section.select("tbody tr")}
        bars = section.select("svg rect.bar")
        assert len(bars) == len(shown), title
        if title == "Theo mã QR":
            assert shown == EXPECTED["codes"]
            # Bars are as long as their counts.
            widths = [float(bar["width"]) for bar in bars]
            assert widths[0] == max(widths) and widths[0] / widths[1] == pytest.approx(3 / 2, rel=1e-3)
        elif title == "Theo ngày":
            assert shown == {"31/10/2026": 1, "01/11/2026": 5, "02/11/2026": 3, "03/11/2026": 1}
            heights = [float(bar["height"]) for bar in bars]
            assert heights[1] / heights[0] == pytest.approx(5, rel=1e-3)
        elif title == "Theo ngôn ngữ":
            assert shown == {"Tiếng Việt": 6, "Tiếng Bahnar": 3, "Tiếng Jrai": 1}
        else:
            assert shown == {"không rõ": 10}


def test_team_page_is_valid_html(logs, tmp_path):
    site = tmp_path / "site"
    assert outreach("stats", *logs, *SITE, "--site-dir", site).status == 0
    checked = subprocess.run(["java", "-jar", str(node_tool("vnu-jar/build/dist/vnu.jar")), "--errors-only", "--format", "json",
                              str(site / "noi-bo" / "thong-ke" / "index.html")], capture_output=True, text=True, check=False)
    assert json.loads(checked.stderr)["messages"] == []


def test_days_without_scans_show_as_empty_columns(tmp_path, machine_cache):
    log = tmp_path / "access.log"
    log.write_text("\n".join([entry(A, "01/Nov/2026:08:00:00 +0700", get(f"{BASE}/q/tn/"), 200, ANDROID),
                              entry(A, "04/Nov/2026:08:00:00 +0700", get(f"{BASE}/q/tn/"), 200, ANDROID)]) + "\n")
    run = outreach("stats", log, *SITE, "--format", "json", "--site-dir", tmp_path / "site")
    assert json.loads(run.out)["days"] == {"2026-11-01": 1, "2026-11-04": 1}  # data: only days with scans
    soup = BeautifulSoup((tmp_path / "site" / "noi-bo" / "thong-ke" / "index.html").read_text(encoding="utf-8"), "html.parser")
    days = soup.find_all("section")[-1]
    assert [float(bar["height"]) > 0 for bar in days.select("rect.bar")] == [True, False, False, True]


def test_codes_and_base_path_from_a_built_sites_manifest(built_site, tmp_path, machine_cache):
    """On the server, without the project: the codes and the base path (/tt/) come from the site's manifest."""
    log = tmp_path / "access.log"
    log.write_text("\n".join([entry(A, "01/Nov/2026:08:00:00 +0700", get("/tt/q/tnj/"), 200, ANDROID),
                              entry(B, "01/Nov/2026:08:00:00 +0700", get("/tt/q/dn"), 301, IPHONE),
                              entry(B, "01/Nov/2026:08:00:01 +0700", get(f"{BASE}/q/dn/"), 200, IPHONE)]) + "\n")
    run = outreach("stats", log, "--manifest", built_site.site_dir / "manifest.json", "--format", "json", cwd=tmp_path)
    assert run.status == 0, run.err
    counts = json.loads(run.out)
    assert counts["codes"] == {"dn": 1, "tnj": 1} and counts["languages"] == {"jrai": 1, "vi": 1}
    assert counts["not_counted"]["other_base_path"] == 1
    assert SITE_URL.endswith("/tt/")


def test_nothing_attributed_gives_empty_mappings(tmp_path, machine_cache):
    log = tmp_path / "access.log"
    log.write_text(entry(A, "01/Nov/2026:08:00:00 +0700", get("/q/tn/"), 200, GOOGLEBOT) + "\n")
    run = outreach("stats", log, "--format", "json")  # the project's own site.yml: base path /
    assert run.status == 0, run.err
    counts = json.loads(run.out)
    assert {key: counts[key] for key in ("codes", "communes", "campaigns", "languages", "days")} == {
        "codes": {}, "communes": {}, "campaigns": {}, "languages": {}, "days": {}}
    assert counts["not_counted"]["bots"] == 1
    text = outreach("stats", log)
    assert text.status == 0 and "Chưa có lượt quét nào" in text.out


@pytest.mark.parametrize("problem", ["missing", "folder", "broken gzip", "cut gzip", "unreadable"])
def test_a_log_that_cannot_be_read_is_one_message(problem, logs, tmp_path):
    bad = tmp_path / "bad.log.gz"
    expected = {"missing": "không có tệp này", "folder": "thư mục", "broken gzip": ".gz", "cut gzip": ".gz",
                "unreadable": "không có quyền đọc"}[problem]
    if problem == "folder":
        bad.mkdir()
    elif problem == "broken gzip":
        bad.write_bytes(b"\x1f\x8b" + b"not really compressed" * 10)
    elif problem == "cut gzip":
        bad.write_bytes(gzip.compress(("\n".join(CURRENT_LOG) + "\n").encode())[:-40])
    elif problem == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads every file")
        bad.write_text("x")
        bad.chmod(0)
    site = tmp_path / "site"
    alone = outreach("stats", bad, *SITE, "--format", "json", "--site-dir", site)
    assert alone.status == 1 and alone.out == "" and not site.exists()  # nothing to count: no page
    assert str(bad) in alone.err and expected in alone.err and "Chưa đếm gì" in alone.err
    # Beside a good log: one line for the refused one, the other counted as if alone (issue 20).
    run = outreach("stats", logs[0], bad, *SITE, "--format", "json")
    assert run.status == 1 and json.loads(run.out) == json.loads(outreach("stats", logs[0], *SITE, "--format", "json").out)
    [line] = [l for l in run.err.splitlines() if str(bad) in l]
    assert expected in line and "Các tệp khác vẫn được đếm" in line
    assert_nothing_personal(run.err)


def test_commune_and_campaign_tags_read_from_the_short_path(tmp_path, machine_cache):
    """`q/tn-plk/` is guide tn scanned from commune plk's edition; the manifest's `tagged_codes` says which tag is which.

    Nothing of a log line reaches the page but counts: a hostile path or user agent stays out.
    """
    def qr(code, page):
        return QrEntry(code=code, lang="vi", page=page, url=f"https://gialai.example/q/{code}/", target="tu-nguyen/",
                       version=3, error_correction="M", print_mm=25.0, files=QrFiles(svg=f"{code}.svg", png=f"{code}.png"))

    def tagged(code, base, **tag):
        return TaggedCodeEntry(code=code, base=base, lang="vi", page="vi/tu-nguyen/index.md",
                               url=f"https://gialai.example/q/{code}/", target="tu-nguyen/", **tag)

    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(SiteManifest(
        as_of=dt.date(2026, 11, 1), site_url="https://gialai.example/", release=False, languages=[], pages=[],
        unverified_figures=[], leaflets=[], images=[],
        qr=[qr("tn", "vi/tu-nguyen/index.md"), qr("tnb", "bahnar/<b>tu-nguyen</b>/index.md")],
        tagged_codes=[tagged("tn-plk", "tn", commune="plk"), tagged("tnb-plk", "tnb", commune="plk"),
                      tagged("tn-t5", "tn", campaign="t5")],
    ).file_bytes())
    hostile = "<script>alert(1)</script>"
    log = tmp_path / "access.log"
    log.write_text("\n".join([
        entry(A, "01/Nov/2026:08:00:00 +0700", get("/q/tn-plk/"), 200, ANDROID),
        entry(B, "01/Nov/2026:08:00:00 +0700", get("/q/tn-plk/"), 200, IPHONE),
        entry(C, "01/Nov/2026:08:00:00 +0700", get("/q/tnb-plk/"), 200, ZALO),
        entry(D, "01/Nov/2026:08:00:00 +0700", get("/q/tn-t5/"), 200, COC_COC),
        entry(E, "01/Nov/2026:08:00:00 +0700", get("/q/tn/"), 200, ANDROID),
        entry(F, "01/Nov/2026:08:00:00 +0700", get("/q/tn-xyz/"), 404, ANDROID),  # a tag no edition has
        entry(F, "01/Nov/2026:08:01:00 +0700", get("/q/<blink>alert(2)<blink>/"), 404, hostile),
        entry(F, "01/Nov/2026:08:02:00 +0700", get("/q/tn-plk/"), 200, hostile),
    ]) + "\n", encoding="utf-8")
    site = tmp_path / "site"
    run = outreach("stats", log, "--manifest", manifest, "--format", "json", "--site-dir", site, cwd=tmp_path)
    assert run.status == 0, run.err
    counts = json.loads(run.out)
    assert counts["codes"] == {"tn-plk": 3, "tn": 1, "tn-t5": 1, "tnb-plk": 1}
    assert counts["communes"] == {"plk": 4} and counts["campaigns"] == {"t5": 1}
    assert counts["languages"] == {"vi": 5, "bahnar": 1} and counts["not_counted"]["unknown_codes"] == 2
    html = (site / "noi-bo" / "thong-ke" / "index.html").read_text(encoding="utf-8")
    assert "script" not in html and "alert" not in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("b") is None and "bahnar/<b>tu-nguyen</b>/index.md" in soup.get_text()  # escaped, shown as text
    communes = next(s for s in soup.find_all("section") if s.h2.get_text() == "Theo xã, phường")
    assert {r.find_all("td")[0].get_text(): int(r.find_all("td")[-1].get_text()) for r in communes.select("tbody tr")} == {
        "plk": 4, "không rõ": 2}
    assert_nothing_personal(run.out + run.err + html)


def test_commune_and_campaign_tags_read_from_the_project(tmp_path, machine_cache):
    """Run in the project folder, without a built site: the tags come from communes.yml and campaigns.yml."""
    log = tmp_path / "access.log"
    log.write_text("\n".join([
        entry(A, "01/Nov/2026:08:00:00 +0700", get("/q/tn-mau1/"), 200, ANDROID),
        entry(B, "01/Nov/2026:08:00:00 +0700", get("/q/tn-tvd26/"), 200, IPHONE),
        entry(C, "01/Nov/2026:08:00:00 +0700", get("/q/tn-khac/"), 404, ZALO),  # neither a commune nor a campaign
    ]) + "\n", encoding="utf-8")
    run = outreach("stats", log, "--site-url", "https://gialai.example/", "--format", "json")
    assert run.status == 0, run.err
    counts = json.loads(run.out)
    assert counts["communes"] == {"mau1": 1} and counts["campaigns"] == {"tvd26": 1}
    assert counts["codes"] == {"tn-mau1": 1, "tn-tvd26": 1} and counts["not_counted"]["unknown_codes"] == 1
