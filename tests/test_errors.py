"""Content mistakes: every one named by file and line, in Vietnamese, never a traceback."""

import datetime as dt

import pytest
from click.testing import CliRunner

from generator.build import BuildOptions, build, compose
from generator.cli import main
from generator.problems import ContentError

AS_OF = dt.date(2026, 11, 25)
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"


def errors(project):
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF))
    return [p.format() for p in caught.value.problems]


def test_unknown_policy_key_names_file_line_and_suggestion(make_project):
    project = make_project({
        "vi/index.md": HOME,
        "vi/tu-nguyen/index.md": "---\ntitle: Tự nguyện\n---\n\nDòng một.\n\nĐóng {{ policy.voluntary.rat }} thu nhập.\n",
    })
    [error] = errors(project)
    assert error.startswith("content/vi/tu-nguyen/index.md:7: lỗi:")
    assert "policy.voluntary.rat" in error and "policy.voluntary.rate" in error


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("---\ntitle: [unclosed\n---\nx\n", 2, "YAML"),
        ("---\ndescription: không có tiêu đề\n---\nx\n", 2, "title:"),
        ("Không có phần đầu trang.\n", 1, "---"),
        ("", 1, "Tệp trống"),
        ("---\ntitle: X\nkind: news\n---\nx\n", 3, "guide"),
        ("---\ntitle: X\n---\n\n{{ chinh_sach }}\n", 5, "policy.voluntary.rate"),
    ],
)
def test_bad_vietnamese_page(make_project, text, line, words):
    project = make_project({"vi/index.md": HOME, "vi/sinh-vien/index.md": text})
    [error] = errors(project)
    assert error.startswith(f"content/vi/sinh-vien/index.md:{line}: lỗi:"), error
    assert words in error


def test_file_that_is_not_utf8(make_project):
    project = make_project({"vi/index.md": HOME, "vi/sinh-vien/index.md": "---\ntitle: Sinh viên\n---\n\nh\u1ecdc\n".encode("cp1258", errors="replace")})
    [error] = errors(project)
    assert error.startswith("content/vi/sinh-vien/index.md:") and "UTF-8" in error


def test_unknown_audience_folder(make_project):
    project = make_project({"vi/index.md": HOME, "vi/nong-dan/index.md": "---\ntitle: X\n---\nx\n"})
    [error] = errors(project)
    assert error.startswith("content/vi/nong-dan/index.md:1:") and "site.yml" in error


def test_reviewed_translation_needs_a_reviewer(make_project):
    project = make_project({
        "vi/index.md": HOME,
        "jrai/index.md": "---\ntitle: X\nstatus: reviewed\nsource: vi/index.md\nsource_hash: 0123456789ab\n---\nx\n",
    })
    [error] = errors(project)
    assert error.startswith("content/jrai/index.md:3: lỗi:") and "reviewer" in error


def test_translation_without_vietnamese_source(make_project):
    project = make_project({
        "vi/index.md": HOME,
        "bahnar/tu-nguyen/index.md": "---\ntitle: X\nstatus: draft\nsource: vi/tu-nguyen/index.md\nsource_hash: 0123456789ab\n---\nx\n",
    })
    [error] = errors(project)
    assert error.startswith("content/bahnar/tu-nguyen/index.md:1:") and "content/vi/tu-nguyen/index.md" in error


def test_all_mistakes_are_reported_at_once(make_project):
    project = make_project({
        "vi/index.md": "---\ntitle: X\n---\n{{ policy.nope }}\n",
        "vi/sinh-vien/index.md": "---\nkind: guide\n---\nx\n",
    })
    assert len(errors(project)) == 2


def test_failed_build_exits_1_and_keeps_the_previous_site(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME})
    site_dir = tmp_path / "out"
    build(project, site_dir, BuildOptions(AS_OF))
    before = {p.relative_to(site_dir): p.read_bytes() for p in site_dir.rglob("*") if p.is_file()}
    (project.content_dir / "vi" / "index.md").write_text("---\ntitle: X\n---\n{{ policy.missing }}\n", encoding="utf-8")

    result = CliRunner().invoke(main, ["build", "--project", str(project.root), "--site-dir", str(site_dir), "--as-of", "2026-11-25"])

    assert result.exit_code == 1
    assert "content/vi/index.md:4: lỗi:" in result.output
    assert "Traceback" not in result.output
    after = {p.relative_to(site_dir): p.read_bytes() for p in site_dir.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out-new-")]


def test_check_reports_json_for_tools(make_project):
    project = make_project({"vi/index.md": "---\ntitle: X\n---\n{{ policy.nope }}\n"})
    result = CliRunner().invoke(main, ["check", "--project", str(project.root), "--format", "json", "--as-of", "2026-11-25"])
    assert result.exit_code == 1
    assert '"path": "content/vi/index.md"' in result.output and '"line": 4' in result.output


def test_check_passes_with_warnings_only_on_the_sample(make_project):
    project = make_project({"vi/index.md": HOME})
    result = CliRunner().invoke(main, ["check", "--project", str(project.root), "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "cảnh báo" in result.output  # unverified figures are listed for checking before print


# --- the interface catalogues (generator/i18n/*.yml) -------------------------------------------

def broken_catalogues(tmp_path, edits: dict[str, tuple[str, str]]):
    """A copy of the catalogues with `old` replaced by `new` in each file named; returns its folder."""
    import shutil

    from generator.sources.languages import CATALOGUE_DIR

    folder = tmp_path / "generator" / "i18n"
    shutil.copytree(CATALOGUE_DIR, folder)
    for name, (old, new) in edits.items():
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def line_of(folder, name: str, needle: str) -> int:
    return next(n for n, line in enumerate((folder / name).read_text(encoding="utf-8").split("\n"), 1)
                if needle in line and not line.startswith("#"))


@pytest.mark.parametrize("name, old, new, at, words", [
    ("vi.yml", '"Gọi tổng đài BHXH: {hotline}"', '"Gọi tổng đài BHXH: {hotline"', "{hotline\"", "dấu { hoặc } lẻ"),
    ("jrai.yml", "strings: {}", "strings:\n  hotline.call: \"Gọi {hotlin}\"", "{hotlin}", "chỗ trống {...} của bản tiếng Việt (hotline)"),
    ("jrai.yml", "strings: {}", "strings:\n  hotline.cal: Gọi", "hotline.cal:", "Có phải `hotline.call`?"),
    ("bahnar.yml", "status: needs-review", "status: done", "status: done", "status"),
    ("bahnar.yml", "name_vi: tiếng Bahnar", "name_vi: tiếng: Bahnar", "name_vi:", "YAML không hợp lệ"),
    ("bahnar.yml", "strings: {}", "strings:\n  - hotline.call", "strings:", "`strings` phải gồm các dòng `tên: giá trị`"),
    ("bahnar.yml", "strings: {}", "strings: {}\ncolour: red", "colour:", "colour"),
])
def test_a_broken_catalogue_is_named_at_its_line(tmp_path, name, old, new, at, words):
    from generator.sources.languages import load_languages

    folder = broken_catalogues(tmp_path, {name: (old, new)})
    with pytest.raises(ContentError) as caught:
        load_languages(folder)
    [error] = [p.format() for p in caught.value.problems]
    assert error.startswith(f"generator/i18n/{name}:{line_of(folder, name, at)}: lỗi:"), error
    assert words in error, error


def test_a_broken_catalogue_stops_the_command_line_with_one_vietnamese_line(generator_copy, make_project):
    project = make_project({"vi/index.md": HOME})
    catalogue = generator_copy.package / "i18n" / "vi.yml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("{hotline}", "{hotline", 1), encoding="utf-8")
    run = generator_copy.outreach("check", "--project", str(project.root), "--as-of", AS_OF.isoformat())
    output = run.stdout + run.stderr
    assert run.returncode == 1 and "Traceback" not in output, output
    line = line_of(generator_copy.package / "i18n", "vi.yml", "{hotline\"")
    assert f"i18n/vi.yml:{line}: lỗi: Câu `hotline.call` có dấu {{ hoặc }} lẻ" in output, output
