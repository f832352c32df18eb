"""PO files for translators' tools: GNU gettext accepts them, and a full round trip loses nothing.

Each test exports PO files through the command line as a communicator would,
fills them as a translator would in Poedit (through babel, which reads and
writes the same format), imports them and looks at the files written and at
the built page a citizen reads.
"""

import datetime as dt
import subprocess

import pytest
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.build import BuildOptions, build
from generator.cli import main

pytestmark = pytest.mark.usefixtures("machine_cache")

AS_OF = dt.date(2026, 11, 25)
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
RATES = "---\ntitle: Mức đóng\n---\n\nĐóng {{ policy.voluntary.rate }}.\n"
PAGE = """---
title: Tự nguyện
description: Ai được tham gia, đóng bao nhiêu.
---

BHXH tự nguyện dành cho người **không thuộc diện bắt buộc**:
nông dân, người làm rẫy.

<!-- flyer -->
## Đóng bao nhiêu?

- **Lương hưu** khi đủ tuổi, nếu đóng đủ {{ policy.pension.min_years }}.
- Trợ cấp thai sản {{ policy.voluntary.maternity_allowance }} mỗi con, nếu đã đóng ít nhất
  {{ policy.voluntary.maternity_min_months }} trước khi sinh.
<!-- /flyer -->

| Nhóm | Mức đóng |
|---|---|
| Người tự do | {{ policy.voluntary.floor | now }} |

!!! warning "Đừng vội rút BHXH một lần"
    Rút một lần là mất lương hưu. Xem [mức đóng](muc-dong.md).

```infographic
kind: cards
title: Những con số cần nhớ
items:
  - figure: voluntary.rate
    text: mức thu nhập tháng bạn tự chọn
```
"""
REL = "tu-nguyen/index.md"


def run(project, *args):
    return CliRunner().invoke(main, [*args, "--project", str(project.root)])


def export_po(project, folder, *options):
    result = run(project, "translations", "export", "jrai", "--format", "po", "--out", str(folder), *options)
    assert result.exit_code == 0, result.output
    return folder / "tu-nguyen/index.po"


def read(path):
    with path.open("rb") as handle:
        return read_po(handle)


def save(catalog, path):
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=False)


def entries(catalog):
    return [m for m in catalog if m.id]


@pytest.fixture
def project(make_project):
    return make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": PAGE, "vi/tu-nguyen/muc-dong.md": RATES})


def test_the_export_is_a_po_file_gettext_accepts_with_one_entry_per_text_a_reader_sees(project, tmp_path):
    po = export_po(project, tmp_path / "po")
    checked = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert checked.returncode == 0 and "warning" not in checked.stderr, checked.stderr
    catalog = read(po)
    texts = {m.context: m.id for m in entries(catalog)}
    assert texts[f"{REL}:tieu-de"] == "Tự nguyện" and texts[f"{REL}:mo-ta"] == "Ai được tham gia, đóng bao nhiêu."
    body = [texts[f"{REL}:{n}"] for n in range(1, 12) if f"{REL}:{n}" in texts]
    assert body == [
        "BHXH tự nguyện dành cho người **không thuộc diện bắt buộc**: nông dân, người làm rẫy.",
        "Đóng bao nhiêu?",
        "**Lương hưu** khi đủ tuổi, nếu đóng đủ {{ policy.pension.min_years }}.",
        "Trợ cấp thai sản {{ policy.voluntary.maternity_allowance }} mỗi con, nếu đã đóng ít nhất "
        "{{ policy.voluntary.maternity_min_months }} trước khi sinh.",
        "Nhóm", "Mức đóng", "Người tự do", "{{ policy.voluntary.floor | now }}",
        "Đừng vội rút BHXH một lần",
        "Rút một lần là mất lương hưu. Xem [mức đóng](muc-dong.md).",
        "Những con số cần nhớ",
    ]
    assert texts[f"{REL}:12"] == "mức thu nhập tháng bạn tự chọn" and f"{REL}:13" not in texts
    heading = catalog.get("Đóng bao nhiêu?", context=f"{REL}:2")
    assert heading.locations == [(f"content/vi/{REL}", 10)]
    assert "Tiêu đề mục" in heading.auto_comments and any(c.startswith("Trước: BHXH tự nguyện") for c in heading.auto_comments)
    assert "Giữ nguyên: {{ policy.voluntary.floor | now }}" in catalog.get("{{ policy.voluntary.floor | now }}", context=f"{REL}:8").auto_comments


def test_a_translated_po_file_rebuilds_the_page_with_every_entry_and_placeholder(project, tmp_path):
    po = export_po(project, tmp_path / "po")
    catalog = read(po)
    marks = {}
    for message in entries(catalog):
        if message.context.endswith(":nguoi-duyet"):
            continue
        marks[message.context] = f"ĐÃDỊCH{len(marks)}ơ\u0306"
        message.string = f"{marks[message.context]} {message.id}"
    save(catalog, po)

    result = run(project, "translations", "import", str(po), "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    assert f"Đã ghi content/jrai/{REL} (từ {po})" in result.output
    written = (project.root / "content/jrai" / REL).read_text(encoding="utf-8")
    assert f"description: {marks[REL + ':mo-ta']} Ai được" in written  # a draft's description stays off the page's meta
    assert "status: draft" in written and "<!-- flyer -->\n## " in written and "|---|---|" in written

    build(project, tmp_path / "site", BuildOptions(AS_OF))
    html = (tmp_path / "site/jrai/tu-nguyen/index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    text = page.get_text(" ")
    missing = [context for context, mark in marks.items() if mark not in text and not context.endswith(":mo-ta")]
    assert missing == []
    assert "{{" not in text and "policy." not in text
    vietnamese = BeautifulSoup((tmp_path / "site/tu-nguyen/index.html").read_text(encoding="utf-8"), "html.parser")
    figures = lambda soup: sorted(span["data-key"] for span in soup.select("article [data-key]"))  # noqa: E731
    assert figures(page) == figures(vietnamese) and figures(page)
    assert page.select_one("h2").get_text(strip=True).startswith(marks[f"{REL}:2"])

    again = run(project, "translations", "import", str(po), "--as-of", AS_OF.isoformat())
    assert again.exit_code == 0 and "đã nhập tệp này rồi" in again.output and "Đã nhập 0 trang." in again.output


def test_a_lost_placeholder_is_refused_at_its_line_and_nothing_is_written(project, tmp_path, files_of):
    po = export_po(project, tmp_path / "po")
    catalog = read(po)
    for message in entries(catalog):
        message.string = message.id.replace("{{ policy.pension.min_years }}", "20 năm")
    save(catalog, po)
    line = read(po).get("**Lương hưu** khi đủ tuổi, nếu đóng đủ {{ policy.pension.min_years }}.", context=f"{REL}:3").lineno
    before = files_of(project.root)
    result = run(project, "translations", "import", str(po))
    assert result.exit_code == 1
    assert f"{po}:{line}: lỗi: Mục `{REL}:3`: thiếu {{{{ policy.pension.min_years }}}}" in result.output
    assert files_of(project.root) == before


def test_a_page_with_untranslated_entries_is_not_imported_and_says_which(project, tmp_path, files_of):
    po = export_po(project, tmp_path / "po")
    catalog = read(po)
    for message in entries(catalog)[:3]:
        message.string = "Jrai " + message.id
    save(catalog, po)
    before = files_of(project.root)
    result = run(project, "translations", "import", str(po))
    assert result.exit_code == 0, result.output
    assert "mục chưa dịch hoặc còn đánh dấu cần xem lại" in result.output and "Đã nhập 0 trang." in result.output
    assert files_of(project.root) == before


def test_one_changed_vietnamese_paragraph_makes_exactly_one_entry_fuzzy(project, tmp_path):
    po = export_po(project, tmp_path / "po")
    catalog = read(po)
    for message in entries(catalog):
        if not message.context.endswith(":nguoi-duyet"):
            message.string = "Jrai " + message.id
    save(catalog, po)
    result = run(project, "translations", "import", str(po))
    assert result.exit_code == 0 and "Đã nhập 1 trang." in result.output, result.output

    page = project.root / "content/vi" / REL
    page.write_text(PAGE.replace("Rút một lần là mất lương hưu.", "Rút một lần là mất quyền có lương hưu."), encoding="utf-8")
    status = next(line for line in run(project, "status").output.splitlines() if line.startswith(REL))
    assert "cần cập nhật" in status
    again = read(export_po(project, tmp_path / "po-2"))
    fuzzy = [m for m in entries(again) if m.fuzzy]
    assert [(m.context, m.id) for m in fuzzy] == [(f"{REL}:10", "Rút một lần là mất quyền có lương hưu. Xem [mức đóng](muc-dong.md).")]
    assert fuzzy[0].string == "Jrai Rút một lần là mất lương hưu. Xem [mức đóng](muc-dong.md)."  # the old translation, to adjust
    kept = [m for m in entries(again) if not m.fuzzy and not m.context.endswith(":nguoi-duyet")]
    assert kept and all(m.string == "Jrai " + m.id for m in kept)
