"""The command line speaks Vietnamese: help, usage mistakes and interruptions, not click's English."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

import generator.project
from generator.cli import main
from generator.cli_language import CATALOGUE

pytestmark = pytest.mark.usefixtures("machine_cache")

ENGLISH = ("Usage:", "Options:", "Commands:", "Error:", "Try '", "Aborted!", "Show this message", "[OPTIONS]", "COMMAND",
           "Missing", "No such", "Invalid value", "does not exist", "is not", "default:", "TEXT", "INTEGER")

# click's messages that `outreach` cannot show: ways of using click we do not use (prompts for
# passwords, version options, editors, shell completion, Windows consoles) and errors in our own
# code rather than in what a communicator types.
NOT_SHOWN = {
    "{editor}: Editing failed", "{editor}: Editing failed: {e}", "Windows error: {error}",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
    "Name '{name}' defined twice", "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Confirm the action without prompting.", "Shell completion is not supported for Bash versions older than 4.4.",
    "Couldn't detect Bash version, shell completion is not supported.", "Unknown color {colour!r}",
    "Choice({choices})", "Unknown standard stream '{name}'",
}


def outreach(*args):
    return CliRunner().invoke(main, list(args), prog_name="outreach")


def commands(group: click.Group, path=()):
    yield path
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name)


def test_version_names_the_installed_release_in_vietnamese():
    from importlib.metadata import version

    result = outreach("--version")
    assert result.exit_code == 0
    assert result.output == f"outreach, phiên bản {version('bhxh-outreach')}\n"
    assert "--version" in outreach("--help").output


@pytest.mark.parametrize("path", list(commands(main)), ids=lambda path: " ".join(path) or "outreach")
def test_help_is_in_vietnamese(path):
    result = outreach(*path, "--help")
    assert result.exit_code == 0
    assert result.output.startswith(f"Cách dùng: {' '.join(('outreach', *path))} [TÙY CHỌN]")
    assert "Tùy chọn:" in result.output and "Hiện hướng dẫn này rồi thoát." in result.output
    if isinstance(main.get_command(None, path[0]) if path else main, click.Group) and len(path) < 2:
        assert "Lệnh:" in result.output
    assert not [word for word in ENGLISH if word in result.output], result.output


@pytest.mark.parametrize("args, words", [
    (["buil"], "Lỗi: Không có lệnh 'buil'. (Có phải ý bạn là: 'build'?)"),
    (["check", "--formt", "json"], "Lỗi: Không có tùy chọn '--formt'. (Có phải ý bạn là: '--format'?)"),
    (["check", "--format"], "Lỗi: Tùy chọn '--format' cần 1 giá trị đi kèm."),
    (["check", "--format", "html"], "Lỗi: Giá trị của '--format' không hợp lệ: 'html' không phải một trong: 'text', 'json'."),
    (["translations", "import"], "Lỗi: Thiếu tham số 'TỆP_CSV_HOẶC_PO…'."),
    (["translations", "import", "khong-co.csv"], "Lỗi: Giá trị của 'TỆP_CSV_HOẶC_PO…' không hợp lệ: 'khong-co.csv' không có."),
    (["translations", "export", "ede"], "'ede' không phải một trong: 'bahnar', 'jrai'."),
    (["serve", "--port", "tám"], "Lỗi: Giá trị của '--port' không hợp lệ: 'tám' không phải là số."),
    (["status", "thừa"], "Lỗi: Thừa tham số (thừa): lệnh này không cần."),
], ids=["command", "option", "option value", "choice", "argument", "file", "language", "number", "extra"])
def test_usage_mistakes_are_explained_in_vietnamese(tmp_path, args, words):
    result = outreach(*args)
    assert result.exit_code == 2
    assert words in result.output
    assert not [word for word in ENGLISH if word in result.output], result.output


def test_an_interrupted_command_says_so_in_vietnamese(make_project, monkeypatch):
    project = make_project({"vi/index.md": "---\ntitle: Trang chủ\n---\n\nXin chào.\n"})

    def pressed_ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(generator.project, "read_sources", pressed_ctrl_c)  # the command imports it as it runs
    result = outreach("status", "--project", str(project.root))
    assert result.exit_code == 1
    assert result.output.strip() == "Đã dừng."


def test_ctrl_c_during_a_build_stops_it_in_vietnamese(make_project, tmp_path):
    flyer = "---\ntitle: Tự nguyện\n---\n\n<!-- flyer -->\nĐóng {{ policy.voluntary.rate }}.\n<!-- /flyer -->\n"
    project = make_project({"vi/index.md": "---\ntitle: Trang chủ\n---\n\nXin chào.\n", "vi/tu-nguyen/index.md": flyer})
    build = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--project", str(project.root), "--site-dir", str(tmp_path / "site")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal, whatever started pytest
    )
    seen = []
    for line in build.stdout:  # wait until the leaflets are being rendered
        seen.append(line)
        if line.startswith("Đang tạo tờ gấp"):
            break
    os.killpg(build.pid, signal.SIGINT)  # Ctrl+C reaches the whole process group
    # A bound against a hang, not a timed assertion: the interrupted build waits for its running shards.
    output = "".join(seen) + build.communicate(timeout=600)[0]
    assert build.returncode == 1, output
    assert output.rstrip().endswith("Đã dừng.") and "Traceback" not in output and "Aborted" not in output
    assert not (tmp_path / "site").exists()


def test_the_project_folder_mistake_is_a_usage_error_in_vietnamese(tmp_path):
    result = outreach("check", "--project", str(tmp_path))
    assert result.exit_code == 2 and "Lỗi: Không thấy dự án ở" in result.output
    assert not [word for word in ENGLISH if word in result.output], result.output


def test_every_click_message_a_communicator_can_meet_is_translated():
    """A click upgrade that adds a message fails here until the catalogue translates it."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="vi")
    translated = {message.id if isinstance(message.id, str) else message.id[0]
                  for message in catalogue if message.id and message.string}
    click_dir = Path(click.__file__).parent
    found = {message if isinstance(message, str) else message[0]
             for _, _, message, _, _ in extract_from_dir(str(click_dir), method_map=[("**.py", "python")])}
    assert found - NOT_SHOWN - translated == set()


def test_a_usage_mistake_shows_how_to_get_help():
    result = outreach("buil")
    assert result.output.startswith("Cách dùng: outreach [TÙY CHỌN] LỆNH [THAM SỐ]...\n"
                                    "Gõ 'outreach --help' để xem hướng dẫn.\n")


@pytest.fixture
def ctrl_c_works():
    """Ctrl+C as a terminal delivers it, even where the tests run in the background (which ignores it)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)  # for a child process: Python sets up its own
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_while_a_page_is_sanitized_stops_the_command(make_project, monkeypatch, ctrl_c_works):
    # nh3 swallows what its attribute callback raises: Ctrl+C there printed an English traceback and
    # reported the page's own markup as not allowed.
    import nh3

    import generator.render.sanitize as sanitize

    def ctrl_c_pressed(tag, attribute, value):
        os.kill(os.getpid(), signal.SIGINT)
        return value

    monkeypatch.setattr(sanitize, "_CLEANER", nh3.Cleaner(attribute_filter=ctrl_c_pressed))
    page = "---\ntitle: Tự nguyện\n---\n\nĐóng {{ policy.voluntary.rate }} thu nhập [tự chọn](https://vssid.vn).\n"
    project = make_project({"vi/index.md": "---\ntitle: Trang chủ\n---\n\nXin chào.\n", "vi/tu-nguyen/index.md": page})
    result = outreach("check", "--project", str(project.root))
    assert result.exit_code == 1
    assert result.output.strip() == "Đã dừng.", result.output


def test_ctrl_c_while_the_program_loads_is_vietnamese(ctrl_c_works):
    """Interrupted before the command line exists (the first second or two of a slow start)."""
    from conftest import REPO

    # The interrupt is delivered as the stages' first module starts to load: deterministic, no timing.
    trigger = "import os, signal; os.kill(os.getpid(), signal.SIGINT)"
    probe = ("import sys, importlib.abc\n"
             "class Trip(importlib.abc.MetaPathFinder):\n"
             "    def find_spec(self, name, path, target=None):\n"
             f"        if name == 'generator.cli': sys.meta_path.remove(self); {trigger}\n"
             "sys.meta_path.insert(0, Trip())\n"
             "from generator.launch import main\nmain()\n")
    run = subprocess.run([sys.executable, "-c", probe, "--help"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, preexec_fn=ctrl_c_works)
    assert run.returncode == 1 and run.stderr.strip() == "Đã dừng.", run.stderr
    assert "Traceback" not in run.stderr
