"""`outreach`: the communicators' command line, in Vietnamese.

A thin layer: each command parses options, calls one function of the build
module and prints the problems it reports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import click

from . import preview
from .build import BuildOptions, Progress, Project, build, check, read_sources
from .content import check_site_url
from .languages import default_language
from .problems import ContentError, Problem, ProblemLog
from .translations import STATES, export_csv, read_import, translation_states, write_import


def _project(path: str) -> Project:
    root = Path(path).resolve()
    if not (root / "mkdocs.yml").is_file() or not (root / "content").is_dir():
        raise click.UsageError(
            f"Không thấy dự án ở {root}: cần tệp mkdocs.yml và thư mục content/. "
            "Hãy chạy lệnh trong thư mục dự án, hoặc thêm --project <thư mục>."
        )
    return Project(root)


def _site_url(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_site_url(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' không phải ngày. Viết theo dạng 2026-11-25.") from None


def _print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems):
        click.echo(problem.format(), err=True)


def _fail(error: ContentError, what: str) -> None:
    _print_problems(error.problems)
    click.echo(f"{what}: {len(error.problems)} lỗi cần sửa (xem các dòng trên).", err=True)
    sys.exit(1)


class _TerminalProgress(Progress):
    bar = None

    def start(self, label: str, total: int) -> None:
        self.bar = click.progressbar(length=total, label=label, file=sys.stderr) if total else None
        if self.bar:
            self.bar.__enter__()

    def advance(self) -> None:
        self.bar.update(1)

    def finish(self) -> None:
        if self.bar:
            self.bar.__exit__(None, None, None)


class _PlainProgress(Progress):
    """One line per step: logs in CI and pipes stay readable."""

    def start(self, label: str, total: int) -> None:
        if total:  # everything came from the cache: nothing to report
            click.echo(f"{label}: {total} tệp…", err=True)


def _progress() -> Progress:
    interactive = sys.stderr.isatty() and not os.environ.get("CI")
    return _TerminalProgress() if interactive else _PlainProgress()


project_option = click.option("--project", default=".", show_default=True, help="Thư mục dự án (có mkdocs.yml và content/).")
as_of_option = click.option("--as-of", default=None, metavar="YYYY-MM-DD", help="Ngày dùng để chọn số liệu đang áp dụng (mặc định: hôm nay).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Tạo trang web, tờ gấp và mã QR tuyên truyền BHXH từ các tệp Markdown."""


@main.command("build")
@project_option
@as_of_option
@click.option("--site-dir", default="site", show_default=True, help="Thư mục ghi trang web đã tạo.")
@click.option("--site-url", default=None, help="Địa chỉ gốc của trang web (mặc định: site_url trong content/site.yml).")
@click.option("--release", is_flag=True, help="Bản phát hành, được in và đăng: từ chối nếu còn địa chỉ mẫu, số liệu chưa đối chiếu "
                                              "hoặc bản dịch nháp trên tờ in. Không có cờ này, mọi tờ in và ảnh mang dấu BẢN NHÁP.")
@click.option("--allow-draft", "allow_drafts", multiple=True, type=click.Choice(["bahnar", "jrai"]),
              help="Với --release: cho in bản dịch nháp của ngôn ngữ này, kèm dấu BẢN DỊCH NHÁP trên từng tờ.")
def build_command(project: str, as_of: str | None, site_dir: str, site_url: str | None, release: bool,
                  allow_drafts: tuple[str, ...]) -> None:
    """Kiểm tra nội dung rồi tạo toàn bộ trang web."""
    started = time.monotonic()
    proj = _project(project)
    options = BuildOptions(_as_of(as_of), _site_url(site_url), release, tuple(sorted(set(allow_drafts))))
    try:
        result = build(proj, Path(site_dir), options, _progress())
    except ContentError as error:
        _fail(error, "Không tạo được trang web; trang web cũ vẫn giữ nguyên")
    _print_problems(result.warnings)
    if result.reused:
        click.echo(f"Không có gì thay đổi kể từ lần tạo trước: giữ nguyên trang web trong {result.site_dir}.")
        return
    pages = result.manifest["pages"]
    counts = ", ".join(
        f"{language['name']}: {sum(1 for p in pages if p['lang'] == language['code'])}"
        for language in result.manifest["languages"]
    )
    click.echo(f"Đã tạo trang web trong {result.site_dir} ({counts} trang) sau {time.monotonic() - started:.1f} giây.")


@main.command("check")
@project_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Cách in kết quả: text cho người đọc, json cho công cụ.")
def check_command(project: str, as_of: str | None, output_format: str) -> None:
    """Kiểm tra nội dung, không ghi gì ra đĩa."""
    proj = _project(project)
    try:
        problems = check(proj, BuildOptions(_as_of(as_of)), _progress() if output_format == "text" else Progress())
        failed = False
    except ContentError as error:
        problems, failed = error.problems, True
    if output_format == "json":
        click.echo(json.dumps(
            [{"path": p.path, "line": p.line, "severity": p.severity.name.lower(), "message": p.message} for p in sorted(problems)],
            ensure_ascii=False, indent=2,
        ))
    else:
        _print_problems(problems)
        errors = sum(1 for p in problems if failed and p.severity.name == "ERROR")
        click.echo(f"{errors} lỗi, {len(problems) - errors} cảnh báo." if problems else "Nội dung không có lỗi.")
    sys.exit(1 if failed else 0)


@main.command("status")
@project_option
def status_command(project: str) -> None:
    """In tình trạng bản dịch tiếng Bahnar và Jrai của từng trang tiếng Việt."""
    proj = _project(project)
    try:
        languages, _, sources = read_sources(proj, ProblemLog(proj.root))
    except ContentError as error:
        _fail(error, "Không đọc được nội dung")
    vietnamese = default_language(languages)
    states = translation_states(sources, languages)
    others = [l for l in languages if not l.is_default]
    width = max(len(s.original.rel) for s in states)
    click.echo(f"{'Trang tiếng Việt':<{width}}  " + "  ".join(f"{l.name:<14}" for l in others) + "  Mã bản gốc")
    by_page: dict[str, dict[str, str]] = {}
    for s in states:
        by_page.setdefault(s.original.rel, {})[s.lang] = s.state
    hashes = {s.original.rel: s.current_hash for s in states}
    for rel, per_lang in by_page.items():
        cells = "  ".join(f"{vietnamese.t('status.' + per_lang[l.code]):<14}" for l in others)
        click.echo(f"{rel:<{width}}  {cells}  {hashes[rel]}")
    for language in others:
        counts = {state: sum(1 for s in states if s.lang == language.code and s.state == state) for state in STATES}
        click.echo(f"{language.name}: " + ", ".join(f"{vietnamese.t('status.' + k)} {v}" for k, v in counts.items()))


@main.group("translations")
def translations_group() -> None:
    """Trao đổi bản dịch với người dịch qua tệp bảng tính (CSV)."""


@translations_group.command("export")
@project_option
@click.argument("lang", type=click.Choice(["bahnar", "jrai"]))
@click.option("--out", "out", default=None, help="Tệp CSV ghi ra (mặc định: dich-<ngôn ngữ>.csv).")
@click.option("--all", "include_done", is_flag=True, help="Gồm cả trang đã duyệt.")
def export_command(project: str, lang: str, out: str | None, include_done: bool) -> None:
    """Xuất các trang cần dịch: bản tiếng Việt bên cạnh bản dịch hiện có."""
    proj = _project(project)
    try:
        languages, _, sources = read_sources(proj, ProblemLog(proj.root))
    except ContentError as error:
        _fail(error, "Không đọc được nội dung")
    target = Path(out or f"dich-{lang}.csv")
    count = export_csv(translation_states(sources, languages), lang, target, include_done, default_language(languages))
    click.echo(f"Đã ghi {count} trang vào {target}. Mở bằng Excel hoặc LibreOffice; dịch vào các cột *_ban_dich; "
               "người bản ngữ đã kiểm tra thì ghi tên vào cột nguoi_duyet.")


@translations_group.command("import")
@project_option
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
def import_command(project: str, csv_file: str) -> None:
    """Nhập bản dịch từ tệp CSV, ghi thành các trang Markdown trong content/."""
    proj = _project(project)
    log = ProblemLog(Path.cwd())
    try:
        languages, _, sources = read_sources(proj, ProblemLog(proj.root))
        vietnamese_pages = {p.rel for p in sources if p.lang == default_language(languages).code}
        pages = read_import(Path(csv_file), proj.content_dir, languages, vietnamese_pages, log)
        write_import(pages, log)
    except ContentError as error:
        _fail(error, "Chưa nhập bản dịch nào")
    for page in pages:
        click.echo(f"Đã ghi {page.path.relative_to(proj.root)}")
    click.echo(f"Đã nhập {len(pages)} trang. Chạy `outreach check` để kiểm tra.")


@main.command("serve")
@project_option
@as_of_option
@click.option("--port", default=8000, show_default=True, help="Cổng để xem trước.")
def serve_command(project: str, as_of: str | None, port: int) -> None:
    """Xem trước trang web trên máy này; tự tạo lại khi tệp nội dung thay đổi.

    Bản xem trước nằm trong thư mục tạm, không bao giờ ghi vào site/.
    """
    def report(problems: list[Problem], failed: bool) -> None:
        _print_problems(problems)
        if failed:
            click.echo("Chưa cập nhật được vì còn lỗi; trang đang xem là bản trước.", err=True)
        else:
            click.echo("Đã cập nhật.", err=True)

    def ready(address: str) -> None:
        click.echo(f"Mở {address} để xem. Trang tự tải lại sau mỗi lần sửa. Nhấn Ctrl+C để dừng.")

    try:
        preview.serve(_project(project), _as_of(as_of), port, report, ready)
    except preview.PortUnavailable as error:
        raise click.UsageError(f"Cổng {error.port} đang được chương trình khác dùng. Chọn cổng khác, ví dụ --port {error.port + 1}.") from None
    except KeyboardInterrupt:
        pass
