"""The yearly report at province scale: 135 communes × 50 activities (6,750 records), target under 10 s.

Generates, in a temporary folder, the sample project with 135 communes, a year
of records for each (dates, kinds, audiences, languages, counts and leaflets
spread over the year), a print register and a scan count, then times
`outreach report`: the HTML page with its A4 PDF, and the JSON.

    python3 benchmarks/yearly_report.py [--communes 135] [--activities 50]

The machine may be shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO

from generator.sources.activities import KINDS

AUDIENCES = ("tu-nguyen", "ho-kinh-doanh", "doanh-nghiep", "sinh-vien", "nguoi-co-uy-tin", "nguoi-dan", "cong-tac-vien")
LANGUAGES = ("vi", "vi, jrai", "vi, bahnar", "jrai", "bahnar")
SHEETS = ("tu-nguyen-a4-trifold", "tu-nguyen-a5-flyer", "ho-kinh-doanh-a5-flyer", "nguoi-co-uy-tin-a3-poster")


def commune(number: int) -> str:
    return (f"  - code: x{number:03d}\n    name: Số {number}\n    kind: {'phường' if number % 7 == 0 else 'xã'}\n"
            f"    office:\n      name: Bưu điện xã Số {number}\n      address: Trụ sở UBND xã Số {number}\n"
            "      hours: Thứ Hai – Thứ Sáu, 7:00–11:30\n      phone: \"0269 3824 111\"\n")


def make_project(root: Path, communes: int, per_commune: int) -> Path:
    project = root / "project"
    shutil.copytree(REPO / "content", project / "content", ignore=shutil.ignore_patterns("hoat-dong"))
    shutil.copyfile(REPO / "mkdocs.yml", project / "mkdocs.yml")
    (project / "content" / "communes.yml").write_text("communes:\n" + "".join(commune(n) for n in range(1, communes + 1)),
                                                      encoding="utf-8")
    chance = random.Random(2026)
    rows = ["ngay;ma_xa;hinh_thuc;doi_tuong;ngon_ngu;so_nguoi;to_phat;chien_dich;ghi_chu"]
    for number in range(1, communes + 1):
        for index in range(per_commune):
            month = 1 + index % 12
            day = 1 + (number + index) % 28
            leaflets = f"{chance.choice(SHEETS)}: {chance.randint(0, 80)}" if index % 3 == 0 else ""
            campaign = "tvd26" if month == 5 else ""
            rows.append(f"{day:02d}/{month:02d}/2026;x{number:03d};{chance.choice(KINDS)};{chance.choice(AUDIENCES)};"
                        f"\"{chance.choice(LANGUAGES)}\";{chance.randint(0, 150)};{leaflets};{campaign};buổi {index}")
    (project / "content" / "hoat-dong").mkdir()
    (project / "content" / "hoat-dong" / "2026.csv").write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    register = ["ngay_ban_in,lenh,to_in,nhom,kho,ngon_ngu,xa,chien_dich,so_trang,so_ban"]
    register += [f"2026-04-2{n % 9},print,leaflets/vi/xa/x{n:03d}/tu-nguyen-a4-trifold.pdf,tu-nguyen,a4-trifold,vi,x{n:03d},,2,200"
                 for n in range(1, communes + 1)]
    (project / "content" / "hoat-dong" / "so-in.csv").write_text("\n".join(register) + "\n", encoding="utf-8")
    scans = {"codes": {"tn": 5000}, "communes": {f"x{n:03d}": n * 3 % 97 for n in range(1, communes + 1)},
             "campaigns": {"tvd26": 812}, "languages": {"vi": 5000},
             "days": {f"2026-05-{d:02d}": 40 for d in range(1, 32)}, "not_counted": {}}
    (root / "scans.json").write_text(json.dumps(scans), encoding="utf-8")
    return project


def timed(project: Path, *args: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds of one `outreach report` (single-threaded: on an idle machine, the two agree)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "generator", "report", "--year", "2026", "--project", str(project), *args],
                   check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.monotonic() - started, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=135)
    parser.add_argument("--activities", type=int, default=50, help="activities per commune")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="outreach-report-bench-") as folder:
        root = Path(folder)
        project = make_project(root, args.communes, args.activities)
        records = args.communes * args.activities
        scans = str(root / "scans.json")
        page = timed(project, "--scans", scans, "--site-dir", str(root / "site"))
        as_json = timed(project, "--scans", scans, "--format", "json")
        pdf = root / "site" / "noi-bo" / "bao-cao" / "2026" / "bao-cao-tuyen-truyen-2026.pdf"
        pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        page_count = next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))
        print(f"{args.communes} communes, {records} activity records (load average {os.getloadavg()[0]:.1f})")
        print(f"outreach report (HTML + A4 PDF, {page_count} pages, {pdf.stat().st_size // 1024} KiB): "
              f"{page[0]:.1f} s wall, {page[1]:.1f} s CPU (target < 10 s)")
        print(f"outreach report --format json: {as_json[0]:.1f} s wall, {as_json[1]:.1f} s CPU")


if __name__ == "__main__":
    main()
