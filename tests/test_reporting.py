"""What a communicator reads after `check` and `build`: quiet, one line per mistake, right counts, Vietnamese.

Everything runs through the command line; the machine cache (renders,
warnings already shown) is the test's own.
"""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from conftest import REPO
from generator.cli import main
from generator.sources.policy import load_policy
from generator.problems import Problem, ProblemLog, one_line_per_mistake

pytestmark = pytest.mark.usefixtures("machine_cache")

HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = ("---\ntitle: Tự nguyện\n---\n\n<!-- flyer -->\nĐóng {{ policy.voluntary.rate }} thu nhập.\n<!-- /flyer -->\n"
            "\n<!-- flyer: action -->\nMang căn cước đến đại lý thu BHXH ở xã.\n<!-- /flyer -->\n")
AS_OF = dt.date.today()  # the commands run without --as-of


def _unverified_figures() -> int:
    """Stated figures in content/policy.yml with a value not yet checked against the official text."""
    policy = load_policy(REPO / "content" / "policy.yml", ProblemLog(REPO))
    return sum(1 for f in policy.figures.values() if f.formula is None and f.unverified_on(AS_OF))


UNVERIFIED = _unverified_figures()


def run(project, *args):
    return CliRunner().invoke(main, [*args, "--project", str(project.root), "--as-of", "2026-11-25"])


def warning_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": cảnh báo: " in line]


def test_warnings_shown_before_are_summarised_in_one_line(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    first = run(project, "check")
    assert first.exit_code == 0, first.output
    assert len(warning_lines(first.output)) == UNVERIFIED
    assert first.output.rstrip().endswith(f"0 lỗi, {UNVERIFIED} cảnh báo.")

    again = run(project, "check")
    assert warning_lines(again.output) == []
    assert f"{UNVERIFIED} số liệu chưa đối chiếu (như lần trước) — `outreach check --all` để xem." in again.output
    assert again.output.rstrip().endswith(f"0 lỗi, {UNVERIFIED} cảnh báo.")
    built = run(project, "build", "--site-dir", str(tmp_path / "site"))
    assert built.exit_code == 0 and warning_lines(built.output) == [] and "số liệu chưa đối chiếu" in built.output

    assert len(warning_lines(run(project, "check", "--all").output)) == UNVERIFIED

    # A warning that changed is news: it is printed, the others stay summarised.
    policy = project.content_dir / "policy.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("{law: nd_176_2025, article: 3}", "{law: nd_176_2025, article: 4}", 1),
                      encoding="utf-8")
    changed = run(project, "check")
    [line] = warning_lines(changed.output)
    assert "`social_pension.amount`" in line and "Điều 4" in line
    assert f"{UNVERIFIED - 1} số liệu chưa đối chiếu (như lần trước)" in changed.output


def test_one_mistake_is_one_line_however_many_outputs_show_it(make_project):
    steps = "\n".join(f"  - Bước thứ {i} — " + "một câu hướng dẫn khá dài để không thể vừa một tấm ảnh vuông " * 4 for i in range(8))
    page = f"---\ntitle: Tự nguyện\n---\n\n```infographic\nkind: steps\ntitle: Quá nhiều bước\nitems:\n{steps}\n```\n"
    # No Bahnar or Jrai translation: the Vietnamese block is drawn for three languages, in two sizes.
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": page})
    result = run(project, "check")
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if ": lỗi: " in line]
    assert line.startswith("content/vi/tu-nguyen/index.md:5: lỗi: Ảnh images/vi/tu-nguyen/")
    assert line.endswith("Hãy bớt dòng hoặc rút ngắn câu trong khối này. (và 5 chỗ khác)")
    assert f"1 lỗi, {UNVERIFIED} cảnh báo." in result.output

    [entry] = [p for p in json.loads(run(project, "check", "--format", "json").output) if p["severity"] == "error"]
    assert entry["line"] == 5 and entry["message"].startswith("Ảnh images/vi/") and entry["message"].endswith("(và 5 chỗ khác)")


def test_folding_keeps_each_message_to_the_letter():
    """Repeats are counted after the message; the code spans it asks to type are never touched."""
    fix = "Cần người bản ngữ duyệt (`status: reviewed`), hoặc chạy với `--allow-draft bahnar`."
    seen = [Problem("content/bahnar/x/index.md", 1, fix, seen_in=f"leaflets/bahnar/x-{size}.pdf") for size in ("a4", "a5", "a3")]
    other = Problem("content/policy.yml", 7, "Số liệu `a` chưa đối chiếu: đặt `verified: true`.")
    same_words = Problem("content/policy.yml", 7, "Số liệu `b` chưa đối chiếu: đặt `verified: true`.")
    merged = one_line_per_mistake([*seen, other, same_words])
    assert [p.format() for p in merged] == [
        "content/bahnar/x/index.md:1: lỗi: leaflets/bahnar/x-a4.pdf: " + fix + " (và 2 chỗ khác)",
        "content/policy.yml:7: lỗi: Số liệu `a` chưa đối chiếu: đặt `verified: true`.",
        "content/policy.yml:7: lỗi: Số liệu `b` chưa đối chiếu: đặt `verified: true`.",
    ]


def test_two_different_mistakes_on_one_line_are_two_lines(make_project):
    """A <script> and an onclick= on one line are two things to delete, both said."""
    page = "---\ntitle: X\n---\n\n<p onclick=\"alert(1)\">Bấm</p> <script>alert(2)</script>\n"
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": page})
    result = run(project, "check")
    errors = [line for line in result.output.splitlines() if ": lỗi: " in line]
    assert len(errors) == 2, result.output
    assert any("thẻ <script>" in e for e in errors) and any("onclick=" in e for e in errors), errors
    assert all(e.startswith("content/vi/tu-nguyen/index.md:5: lỗi: Trang cho người dân không được chứa ") for e in errors)


def test_different_mistakes_on_one_line_stay_separate(make_project):
    page = "---\ntitle: X\n---\n\nĐóng {{ policy.voluntary.rat }} và {{ policy.voluntary.flor }}.\n"
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": page})
    result = run(project, "check")
    errors = [line for line in result.output.splitlines() if ": lỗi: " in line]
    assert len(errors) == 2 and any("voluntary.rat`" in e for e in errors) and any("voluntary.flor`" in e for e in errors)
    assert f"2 lỗi, {UNVERIFIED} cảnh báo." in result.output


def test_the_summary_counts_warnings_when_there_are_errors(make_project, tmp_path):
    page = "---\ntitle: X\n---\n\nĐóng {{ policy.voluntary.rates }}.\n"
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": page})
    checked = run(project, "check")
    assert checked.exit_code == 1 and checked.output.rstrip().endswith(f"1 lỗi, {UNVERIFIED} cảnh báo.")
    built = run(project, "build", "--site-dir", str(tmp_path / "site"))
    assert built.exit_code == 1 and f"1 lỗi, {UNVERIFIED} cảnh báo." in built.output
    assert not (tmp_path / "site").exists()


def test_check_writes_nothing_into_the_project(make_project, tmp_path, files_of, machine_cache):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    assert run(project, "build", "--site-dir", str(project.root / "site")).exit_code == 0
    page = project.content_dir / "vi/tu-nguyen/index.md"
    page.write_text(OVERVIEW.replace("thu nhập", "thu nhập bạn chọn"), encoding="utf-8")  # new leaflets to render
    before = files_of(project.root)  # content, site/, .outreach-cache/, qr-lock.yml

    first = run(project, "check")
    assert first.exit_code == 0, first.output
    assert "Đang tạo tờ gấp, tờ rơi (PDF):" in first.output
    assert files_of(project.root) == before
    assert list((machine_cache / "renders").rglob("*"))  # the renders went to the machine cache
    second = run(project, "check")
    assert "Đang tạo tờ gấp" not in second.output  # and are reused from there
    assert files_of(project.root) == before
    assert "không ghi gì vào dự án" in run(project, "check", "--help").output


@pytest.mark.parametrize("front, line, words", [
    ("title: Lương hưu: cách tính", 2, "dấu hai chấm không đúng chỗ"),
    ("title: Lương hưu\n\tkind: guide", 3, "ký tự tab"),
    ("title: \"Lương hưu", 2, "không đóng lại"),
    ("title: *Lưu ý", 2, "ngoặc kép"),
    # The parser finds these lines later (an unclosed quote at the end of the file): the error names the line that began it.
    ("title: \"Lương hưu\ndescription: Một câu.\norder: 1", 2, "không đóng lại"),
    ("title: [Lương hưu\ndescription: Một câu.", 2, "ngoặc vuông"),
    ("title: Lương hưu\nMột câu tóm tắt\norder: 1", 3, "thiếu dấu hai chấm"),
], ids=["colon in value", "tab", "unclosed quote", "star", "quote left open", "bracket left open", "key without colon"])
def test_yaml_mistakes_are_explained_in_vietnamese_at_their_line(make_project, front, line, words):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": f"---\n{front}\n---\n\nNội dung.\n"})
    result = run(project, "check")
    assert result.exit_code == 1
    [error] = [e for e in result.output.splitlines() if ": lỗi: " in e]
    assert error.startswith(f"content/vi/tu-nguyen/index.md:{line}: lỗi: Phần đầu trang không đúng cú pháp YAML: ")
    assert words in error
    assert not any(english in error for english in ("mapping values", "found character", "while scanning", "could not find"))
