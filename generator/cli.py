"""`outreach`: the communicators' command line, in Vietnamese.

A thin layer: each command parses options, calls one function of the build
module and prints the problems it reports.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import sys
import threading
import time
from pathlib import Path

import click

from .build import Project, build, compose
from .problems import ContentError, Problem


def _project(path: str) -> Project:
    root = Path(path).resolve()
    if not (root / "mkdocs.yml").exists() or not (root / "content").is_dir():
        raise click.UsageError(
            f"Không thấy dự án ở {root}: cần tệp mkdocs.yml và thư mục content/. "
            "Hãy chạy lệnh trong thư mục dự án, hoặc thêm --project <thư mục>."
        )
    return Project(root)


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


project_option = click.option("--project", default=".", show_default=True, help="Thư mục dự án (có mkdocs.yml và content/).")
as_of_option = click.option("--as-of", default=None, metavar="YYYY-MM-DD", help="Ngày dùng để chọn số liệu đang áp dụng (mặc định: hôm nay).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Tạo trang web, tờ gấp và mã QR tuyên truyền BHXH từ các tệp Markdown."""


@main.command("build")
@project_option
@as_of_option
@click.option("--site-dir", default="site", show_default=True, help="Thư mục ghi trang web đã tạo.")
@click.option("--site-url", default=None, help="Địa chỉ gốc của trang web (mặc định: site_url trong mkdocs.yml).")
def build_command(project: str, as_of: str | None, site_dir: str, site_url: str | None) -> None:
    """Kiểm tra nội dung rồi tạo toàn bộ trang web."""
    started = time.monotonic()
    proj = _project(project)
    try:
        result = build(proj, Path(site_dir), _as_of(as_of), site_url)
    except ContentError as error:
        _print_problems(error.problems)
        click.echo(f"Không tạo được trang web: {len(error.problems)} lỗi cần sửa (xem các dòng trên). Trang web cũ vẫn giữ nguyên.", err=True)
        sys.exit(1)
    _print_problems(result.composition.warnings)
    pages = result.manifest["pages"]
    counts = ", ".join(
        f"{language.name}: {sum(1 for p in pages if p['lang'] == language.code)}"
        for language in result.composition.languages
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
        problems = compose(proj, _as_of(as_of)).warnings
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


@main.command("serve")
@project_option
@as_of_option
@click.option("--port", default=8000, show_default=True, help="Cổng để xem trước.")
@click.option("--site-dir", default="site", show_default=True, help="Thư mục ghi trang web xem trước.")
def serve_command(project: str, as_of: str | None, port: int, site_dir: str) -> None:
    """Xem trước trang web trên máy này; tự tạo lại khi tệp nội dung thay đổi."""
    proj = _project(project)
    target = Path(site_dir).resolve()
    date = _as_of(as_of)

    def rebuild() -> None:
        try:
            build(proj, target, date, f"http://127.0.0.1:{port}/")
            click.echo(f"Đã cập nhật. Mở http://127.0.0.1:{port}/ để xem.")
        except ContentError as error:
            _print_problems(error.problems)
            click.echo("Chưa cập nhật được vì còn lỗi; trang đang xem là bản trước.", err=True)

    rebuild()
    handler = functools.partial(_QuietHandler, directory=str(target))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    click.echo("Đang theo dõi thư mục content/. Nhấn Ctrl+C để dừng.")
    watched = [proj.content_dir, proj.config_file]
    stamp = _latest_change(watched)
    try:
        while True:
            time.sleep(1)
            latest = _latest_change(watched)
            if latest != stamp:
                stamp = latest
                rebuild()
    except KeyboardInterrupt:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - signature from the base class
        pass


def _latest_change(paths: list[Path]) -> float:
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    return max((f.stat().st_mtime for f in files), default=0.0) + len(files)
