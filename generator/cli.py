"""`outreach`: the communicators' command line, in Vietnamese.

A thin layer: each command parses options, calls one function of the build
module and prints the problems it reports.

Each command imports what it uses when it runs: `outreach --help`, `stats` and
`status` load neither MkDocs, Material nor WeasyPrint, and the help loads no
stage at all (tests/test_cli_imports.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import click

from .cache import Progress
from .cli_language import VietnameseGroup
from .team.places import EXPORT_FOLDER, QA_FORMATS, REPORT_FOLDER, STATS_PAGE, TEMPLATE_FOLDER


def _project(path: str) -> Project:
    from .project import Project

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
    from .sources.content import check_site_url

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


def _report(errors: list[Problem], warnings: list[Problem], memory: WarningMemory | None, show_all: bool = False) -> str:
    """Print the problems, one line per mistake, warnings in `memory` summarised; returns the summary line."""
    from .problems import report

    lines, summary = report(errors, warnings, memory, show_all)
    for line in lines:
        click.echo(line, err=True)
    return summary


def _fail(error: ContentError, what: str, memory: WarningMemory | None = None) -> None:
    summary = _report(error.problems, error.warnings, memory)
    click.echo(f"{what}. {summary} Sửa các lỗi trên rồi chạy lại.", err=True)
    sys.exit(1)


class _CommandLineProgress(Progress):
    told = False  # whether sheets left out were listed as they were found

    def left_out(self, problems: list[Problem]) -> None:
        from .problems import report

        for line in report(problems, [], None)[0]:
            click.echo(line, err=True)
        self.told = self.told or bool(problems)


class _TerminalProgress(_CommandLineProgress):
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


class _PlainProgress(_CommandLineProgress):
    """One line per step: logs in CI and pipes stay readable."""

    def start(self, label: str, total: int) -> None:
        if total:  # everything came from the cache: nothing to report
            click.echo(f"{label}: {total} tệp…", err=True)


def _progress() -> _CommandLineProgress:
    interactive = sys.stderr.isatty() and not os.environ.get("CI")
    return _TerminalProgress() if interactive else _PlainProgress()


project_option = click.option("--project", default=".", show_default=True, metavar="THƯ_MỤC",
                              help="Thư mục dự án (có mkdocs.yml và content/).")
as_of_option = click.option("--as-of", default=None, metavar="YYYY-MM-DD", help="Ngày dùng để chọn số liệu đang áp dụng (mặc định: hôm nay).")


@click.group(cls=VietnameseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bhxh-outreach", prog_name="outreach", message="%(prog)s, phiên bản %(version)s",
                      help="Hiện phiên bản rồi thoát.")
def main() -> None:
    """Tạo trang web, tờ gấp và mã QR tuyên truyền BHXH từ các tệp Markdown."""


def _build_options(command):
    """The options `build` and `print` share: where, for which address, draft or release."""
    for option in reversed((
        project_option,
        as_of_option,
        click.option("--site-dir", default=None, metavar="THƯ_MỤC",
                     help="Thư mục ghi trang web đã tạo (mặc định: site/ trong thư mục dự án)."),
        click.option("--site-url", default=None, metavar="ĐỊA_CHỈ",
                     help="Địa chỉ gốc của trang web (mặc định: site_url trong content/site.yml)."),
        click.option("--release", is_flag=True, help="Bản phát hành, được in và đăng: từ chối nếu còn địa chỉ mẫu, số liệu chưa đối chiếu, "
                                                      "bản dịch nháp hoặc xã mẫu trên tờ in. Không có cờ này, mọi tờ in và ảnh mang dấu BẢN NHÁP."),
        click.option("--allow-draft", "allow_drafts", multiple=True, type=click.Choice(["bahnar", "jrai"]), metavar="NGÔN_NGỮ",
                     help="Với --release: cho in bản dịch nháp của ngôn ngữ này (bahnar, jrai), kèm dấu BẢN DỊCH NHÁP trên từng tờ."),
        click.option("--new-site-url", is_flag=True, help="Với --release: cho phép xuất bản ở địa chỉ khác địa chỉ của trang web "
                                                          "đã xuất bản lần trước (mã QR đã in dẫn tới địa chỉ cũ)."),
        click.option("--print-shop", is_flag=True, help="Tạo thêm bản cho nhà in (lề xén, dấu cắt, màu CMYK) và bản đen trắng để photo "
                                                        "cho mọi tờ in (bản phát hành luôn có)."),
    )):
        command = option(command)
    return command


def _build_and_report(project: str, site_dir: str | None, options: BuildOptions) -> BuildResult:
    from .build import build
    from .problems import ContentError, WarningMemory

    started = time.monotonic()
    proj = _project(project)
    progress = _progress()
    try:
        result = build(proj, Path(site_dir) if site_dir else proj.root / "site", options, progress)
    except ContentError as error:
        _fail(error, "Không tạo được trang web; trang web cũ vẫn giữ nguyên", WarningMemory(proj.root))
    _report([], result.warnings, WarningMemory(proj.root))
    if result.left_out and not progress.told:  # nothing changed since: said again, as the sheets are still missing
        progress.left_out(result.left_out)
    if result.reused:
        click.echo(f"Không có gì thay đổi kể từ lần tạo trước: giữ nguyên trang web trong {result.site_dir}.")
        _sheet_summary(result)
        return result
    pages = result.manifest.pages
    counts = ", ".join(
        f"{language.name}: {sum(1 for p in pages if p.lang == language.code)}"
        for language in result.manifest.languages
    )
    click.echo(f"Đã tạo trang web trong {result.site_dir} ({counts} trang) sau {time.monotonic() - started:.1f} giây.")
    _report_moves(result.manifest)
    _sheet_summary(result)
    return result


SUMMARY_NAMES = 10  # sheets named in the closing line; the lines above name every one


def _sheet_summary(result: BuildResult) -> None:
    """How many sheets were printed and which were left out; the command then ends with status 1 (see `_exit_if_left_out`)."""
    printed = len({l.file for l in result.manifest.leaflets if l.variant == "standard"})
    missing = list(dict.fromkeys(entry.file for entry in result.manifest.left_out))
    if not missing:
        if printed:
            click.echo(f"Đã in {printed} tờ.")
        return
    names = ", ".join(missing[:SUMMARY_NAMES]) + (f" và {len(missing) - SUMMARY_NAMES} tờ khác" if len(missing) > SUMMARY_NAMES else "")
    click.echo(f"Đã in {printed} tờ, {len(missing)} tờ chưa vừa khổ: {names}. Trang web vẫn được tạo, không có các tờ này; "
               "sửa các phần nêu ở trên rồi chạy lại.", err=True)


def _exit_if_left_out(result: BuildResult) -> None:
    if result.left_out:
        sys.exit(1)


def _report_moves(manifest) -> None:
    """Every printed code that opens another page from this build on, and in a release every move since the last one."""
    def line(move) -> str:
        reason = f" Lý do: {move.reason}" if move.reason else ""
        return f"  Mã QR `{move.code}`: `{move.from_page}` → `{move.to}` (từ {move.since.isoformat()}).{reason}"

    now = [m for m in manifest.moves if m.since == manifest.as_of]
    if now:
        click.echo("Mã QR chuyển trang trong lần tạo này (giấy đã in mở trang mới):")
        for move in now:
            click.echo(line(move))
    if manifest.release_moves is not None:
        listed = manifest.release_moves
        click.echo(f"Mã QR chuyển trang kể từ lần phát hành trước: {len(listed) or 'không có'}" + (":" if listed else "."))
        for move in listed:
            click.echo(line(move))


@main.command("build")
@_build_options
def build_command(project: str, as_of: str | None, site_dir: str | None, site_url: str | None, release: bool,
                  allow_drafts: tuple[str, ...], new_site_url: bool, print_shop: bool) -> None:
    """Kiểm tra nội dung rồi tạo toàn bộ trang web."""
    from .build import BuildOptions

    result = _build_and_report(project, site_dir, BuildOptions(_as_of(as_of), _site_url(site_url), release,
                                                               tuple(sorted(set(allow_drafts))), print_shop,
                                                               new_site_url=new_site_url))
    if release:
        _record_printed(project, result, "release")
    _exit_if_left_out(result)


def _record_printed(project: str, result: BuildResult, command: str, copies: int | None = None) -> None:
    """Append what the command made to the print register the yearly report reads."""
    from . import print_register

    path = print_register.register_path(_project(project).content_dir)
    added = print_register.append(path, print_register.sheets_made(result.manifest.leaflets, command, copies))
    if added:
        click.echo(f"Đã ghi {len(added)} tờ in vào sổ in {path}" + (f" ({copies} bản mỗi tờ)." if copies else "."))


@main.command("print")
@click.option("--commune", "communes", multiple=True, metavar="MÃ_XÃ",
              help="Mã xã trong content/communes.yml, hoặc `all` cho mọi xã. Dùng nhiều lần cho nhiều xã.")
@click.option("--slides", is_flag=True, help="Tạo bộ tài liệu họp thôn, tập huấn: trình chiếu 16:9 và phiếu câu hỏi kiểm tra "
                                             "(có trang đáp án riêng) cho mỗi nhóm, mỗi ngôn ngữ, từ ngân hàng hỏi đáp.")
@click.option("--audience", "audiences", multiple=True, metavar="NHÓM", help="Chỉ nhóm đối tượng này (ví dụ tu-nguyen). Mặc định: mọi nhóm.")
@click.option("--lang", "languages", multiple=True, type=click.Choice(["vi", "bahnar", "jrai"]), metavar="NGÔN_NGỮ",
              help="Chỉ ngôn ngữ này (vi, bahnar, jrai). Mặc định: mọi ngôn ngữ.")
@click.option("--copies", type=click.IntRange(min=1), default=None, metavar="SỐ",
              help="Số bản đặt in mỗi tờ (đơn hàng cho nhà in), ghi vào sổ in content/hoat-dong/so-in.csv.")
@_build_options
def print_command(communes: tuple[str, ...], slides: bool, audiences: tuple[str, ...], languages: tuple[str, ...],
                  copies: int | None, project: str, as_of: str | None, site_dir: str | None, site_url: str | None,
                  release: bool, allow_drafts: tuple[str, ...], new_site_url: bool, print_shop: bool) -> None:
    """Tạo trang web kèm tờ gấp, tờ rơi, áp phích riêng của xã: nơi làm thủ tục, người liên hệ, mã QR của xã.

    Tờ của xã nằm trong site/leaflets/<ngôn ngữ>/xa/<mã xã>/ và được liệt kê ở trang site/xa/<mã xã>/.
    Với --slides: thêm trình chiếu và phiếu kiểm tra trong site/hop-thon/<ngôn ngữ>/.
    """
    if not communes and not slides:
        raise click.UsageError("Cần --commune <mã xã> (tờ in của xã) hoặc --slides (trình chiếu, phiếu kiểm tra), hoặc cả hai.")
    from .build import BuildOptions
    from .editions import EditionChoice

    choice = EditionChoice(tuple(sorted(set(communes))), tuple(sorted(set(audiences))), tuple(sorted(set(languages))))
    options = BuildOptions(_as_of(as_of), _site_url(site_url), release, tuple(sorted(set(allow_drafts))), print_shop, choice, slides,
                           new_site_url=new_site_url)
    result = _build_and_report(project, site_dir, options)
    if slides:
        click.echo(f"Trình chiếu và phiếu kiểm tra: {result.site_dir}/hop-thon/<ngôn ngữ>/.")
    editions = [l for l in result.manifest.leaflets if l.commune]
    for commune in dict.fromkeys(l.commune for l in editions):
        files = [l for l in editions if l.commune == commune]
        click.echo(f"Xã `{commune}`: {len(files)} tờ in trong {result.site_dir}/leaflets/…/xa/{commune}/, "
                   f"danh sách ở {result.site_dir}/xa/{commune}/index.html.")
    _record_printed(project, result, "print", copies)
    _exit_if_left_out(result)


@main.command("check")
@project_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Cách in kết quả: text cho người đọc, json cho công cụ (in mọi lỗi và cảnh báo).")
@click.option("--all", "show_all", is_flag=True, help="In mọi cảnh báo, kể cả những cảnh báo không đổi từ lần trước.")
def check_command(project: str, as_of: str | None, output_format: str, show_all: bool) -> None:
    """Kiểm tra nội dung mà không ghi gì vào dự án.

    Tờ in và ảnh được dựng thử để biết có vừa khổ không; bản dựng thử được giữ
    trong bộ nhớ đệm của máy (~/.cache/bhxh-outreach/), không phải trong dự án.
    """
    from .build import BuildOptions, check
    from .problems import ContentError, WarningMemory, one_line_per_mistake

    proj = _project(project)
    try:
        errors, warnings = [], check(proj, BuildOptions(_as_of(as_of)), _progress() if output_format == "text" else Progress())
    except ContentError as error:
        errors, warnings = error.problems, error.warnings
    if output_format == "json":
        click.echo(json.dumps(
            [{"path": p.path, "line": p.line, "severity": p.severity.name.lower(), "message": p.text}
             for p in sorted(one_line_per_mistake(errors) + one_line_per_mistake(warnings))],
            ensure_ascii=False, indent=2,
        ))
    else:
        click.echo(_report(errors, warnings, WarningMemory(proj.root), show_all))
    sys.exit(1 if errors else 0)


@main.command("status")
@project_option
def status_command(project: str) -> None:
    """In tình trạng bản dịch tiếng Bahnar và Jrai của từng trang tiếng Việt."""
    from .project import read_sources
    from .compose.translations import STATES, translation_states
    from .problems import ContentError, ProblemLog
    from .sources.languages import default_language

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
    """Trao đổi bản dịch với người dịch qua tệp bảng tính (CSV) hoặc tệp PO (Poedit, Weblate)."""


@translations_group.command("export")
@project_option
@click.argument("lang", type=click.Choice(["bahnar", "jrai"]), metavar="NGÔN_NGỮ")
@click.option("--out", "out", default=None, metavar="TỆP_HOẶC_THƯ_MỤC",
              help=f"Nơi ghi tệp CSV (mặc định: thư mục {EXPORT_FOLDER}/ của dự án, git bỏ qua thư mục này).")
@click.option("--all", "include_done", is_flag=True, help="Gồm cả trang đã duyệt.")
@click.option("--force", is_flag=True, help="Ghi đè tệp --out nếu đã có.")
@click.option("--format", "file_format", type=click.Choice(["csv", "po"]), default="csv", show_default=True,
              help="csv: một bảng tính; po: mỗi trang một tệp PO (mở bằng Poedit, Weblate), mỗi đoạn một mục.")
def export_command(project: str, lang: str, out: str | None, include_done: bool, force: bool, file_format: str) -> None:
    """Xuất các trang cần dịch (NGÔN_NGỮ: bahnar hoặc jrai): bản tiếng Việt bên cạnh bản dịch hiện có."""
    from .project import read_sources
    from .compose.translations import translation_states
    from .problems import ContentError, ProblemLog
    from .sources.languages import default_language
    from .team.translation_sheets import export_csv, export_target

    proj = _project(project)
    try:
        languages, _, sources = read_sources(proj, ProblemLog(proj.root))
    except ContentError as error:
        _fail(error, "Không đọc được nội dung")
    if file_format == "po":
        _export_po(proj, languages, sources, lang, out, include_done, force)
        return
    target = export_target(Path(out) if out else None, proj.root, lang, dt.date.today())
    try:
        count = export_csv(translation_states(sources, languages), lang, target, include_done,
                           default_language(languages), overwrite=force)
    except FileExistsError:
        click.echo(f"Tệp {target} đã có (có thể là bảng tính người dịch gửi lại): chưa ghi gì. "
                   "Nhập tệp đó trước, chọn tên khác cho --out, hoặc thêm --force để ghi đè.", err=True)
        sys.exit(1)
    click.echo(f"Đã ghi {count} trang vào {target.resolve()}. Mở bằng Excel hoặc LibreOffice; dịch vào các cột *_ban_dich; "
               "người bản ngữ đã kiểm tra thì ghi tên vào cột nguoi_duyet. Đừng sửa các cột mã (ma_ban_goc, ma_tep_ban_dich).")


def _export_po(proj: Project, languages, sources, lang: str, out: str | None, include_done: bool, force: bool) -> None:
    from .compose.translations import translation_states
    from .team.translation_po import export_po, po_folder

    folder = po_folder(Path(out) if out else None, proj.root, lang, dt.date.today())
    language = next(l for l in languages if l.code == lang)
    try:
        files = export_po(translation_states(sources, languages), language, folder, include_done, dt.date.today(), overwrite=force)
    except FileExistsError as existing:
        click.echo(f"Tệp {existing} đã có (có thể là bản dịch người dịch gửi lại): chưa ghi gì. "
                   "Nhập các tệp đó trước, chọn thư mục khác cho --out, hoặc thêm --force để ghi đè.", err=True)
        sys.exit(1)
    click.echo(f"Đã ghi {len(files)} tệp PO (mỗi trang một tệp) vào {folder.resolve()}. Mở bằng Poedit hoặc đưa lên Weblate; "
               "dịch từng mục, giữ nguyên {{ policy.… }}; người bản ngữ đã kiểm tra thì ghi tên vào mục người duyệt.")


@translations_group.command("import")
@project_option
@as_of_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False), metavar="TỆP_CSV_HOẶC_PO…")
@click.option("--force", is_flag=True,
              help="Ghi cả những trang đã bị sửa trực tiếp sau khi xuất bảng tính (các sửa đổi đó sẽ mất).")
def import_command(project: str, as_of: str | None, files: tuple[str, ...], force: bool) -> None:
    """Nhập bản dịch từ một tệp CSV hoặc các tệp PO, ghi thành các trang Markdown trong content/.

    Trước khi ghi, các trang sẽ ghi được kiểm tra như `outreach check`; còn lỗi
    thì không ghi trang nào.
    """
    from .project import read_sources
    from .problems import ContentError, ProblemLog
    from .team.translation_po import import_po
    from .team.translation_sheets import import_translations

    proj = _project(project)
    date = _as_of(as_of)
    try:
        languages, _, sources = read_sources(proj, ProblemLog(proj.root))
        paths = [Path(f) for f in files]
        if all(p.suffix.lower() == ".po" for p in paths):
            pages, notes = import_po(paths, proj.root, languages, sources, force, date)
        elif len(paths) == 1:
            pages, notes = import_translations(paths[0], proj.root, languages, sources, force, date)
        else:
            raise click.UsageError("Nhập một tệp CSV, hoặc một hay nhiều tệp .po (không trộn hai loại).")
    except ContentError as error:
        _fail(error, "Chưa nhập bản dịch nào")
    for note in notes:
        click.echo(note.format(), err=True)
    for page in pages:
        source = f"từ {page.origin}" if page.origin.suffix.lower() == ".po" else f"dòng {page.row} của bảng tính"
        click.echo(f"Đã ghi {page.path.relative_to(proj.root)} ({source})")
    click.echo(f"Đã nhập {len(pages)} trang.")


@main.group("export")
def export_group() -> None:
    """Xuất dữ liệu cho các kênh khác (Zalo, chatbot)."""


@export_group.command("hoi-dap")
@project_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(QA_FORMATS), default="zalo", show_default=True,
              help="zalo (bảng CSV cho trả lời tự động theo từ khoá của Zalo OA), json hoặc csv (mọi cột, cho chatbot).")
@click.option("--site-url", default=None, metavar="ĐỊA_CHỈ", help="Địa chỉ gốc của trang web (mặc định: site_url trong content/site.yml).")
def export_qa_command(project: str, as_of: str | None, output_format: str, site_url: str | None) -> None:
    """Xuất ngân hàng hỏi đáp (content/hoi-dap/) cho Zalo, Facebook, chatbot: chỉ câu đã duyệt, còn hiệu lực.

    Mỗi câu: mã, từ khoá có dấu và không dấu, câu trả lời ngắn, liên kết và mã ngắn, ngày hiệu lực. Kết quả in ra
    màn hình (chuyển vào tệp bằng `> tep.csv`); những câu không xuất và lý do in ở dòng báo lỗi.
    """
    from .build import read_bank
    from .problems import ContentError
    from .team import qa_export

    proj = _project(project)
    date = _as_of(as_of)
    try:
        reading = read_bank(proj, date)
    except ContentError as error:
        _fail(error, "Không đọc được ngân hàng hỏi đáp")
    rows, left_out = qa_export.export_rows(proj, reading, _site_url(site_url) or reading.site.site_url, date)
    click.echo(qa_export.render(rows, left_out, output_format), nl=False)
    for line in qa_export.left_out_lines(left_out):
        click.echo(line, err=True)
    click.echo(f"Đã xuất {len(rows)} câu trả lời; {len(left_out)} câu không xuất (lý do ở trên).", err=True)


@main.command("serve")
@project_option
@as_of_option
@click.option("--port", default=8000, show_default=True, metavar="SỐ", help="Cổng để xem trước.")
@click.option("--print", "print_materials", is_flag=True,
              help="Sau mỗi lần cập nhật trang web, tạo lại cả mọi tờ in và ảnh (chậm hơn). Không có tuỳ chọn này, "
                   "tờ in hay ảnh được tạo khi mở nó.")
def serve_command(project: str, as_of: str | None, port: int, print_materials: bool) -> None:
    """Xem trước trang web trên máy này; tự tạo lại khi tệp nội dung thay đổi.

    Bản xem trước nằm trong một thư mục tạm, không bao giờ ghi vào site/. Lỗi trong nội dung hiện cả ở đây
    và trên trang đang mở, cho đến khi sửa xong.
    """
    from .problems import WarningMemory
    from .team import preview

    proj = _project(project)
    memory = WarningMemory(proj.root)

    def told(problems: list[Problem], failed: bool) -> None:
        if failed:
            _report(problems, [], None)  # the warnings already shown stay remembered for the next good build
            click.echo("Chưa cập nhật được vì còn lỗi; trang đang xem là bản trước.", err=True)
        else:
            _report([], problems, memory)
            click.echo("Đã cập nhật.", err=True)

    def ready(address: str) -> None:
        click.echo(f"Mở {address} để xem. Trang tự tải lại sau mỗi lần sửa. Nhấn Ctrl+C để dừng.")

    try:
        preview.serve(proj, _as_of(as_of), port, told, ready, print_materials=print_materials)
    except preview.PortUnavailable as error:
        raise click.UsageError(f"Cổng {error.port} đang được chương trình khác dùng. Chọn cổng khác, ví dụ --port {error.port + 1}.") from None
    except KeyboardInterrupt:
        pass


@main.command("stats")
@project_option
@click.argument("logs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="NHẬT_KÝ...")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="Cách in kết quả: text (bảng để đọc), json hoặc csv (cho công cụ, bảng tính).")
@click.option("--site-dir", default=None, type=click.Path(path_type=Path, file_okay=False), metavar="THƯ_MỤC",
              help=f"Ghi thêm trang thống kê có biểu đồ vào THƯ_MỤC/{STATS_PAGE} "
                   "(THƯ_MỤC là trang web đã tạo: site/, hoặc thư mục trang web trên máy chủ).")
@click.option("--manifest", default=None, type=click.Path(path_type=Path, dir_okay=False), metavar="TỆP",
              help="Lấy danh sách mã QR từ manifest.json của trang web đã tạo thay vì content/qr-lock.yml "
                   "(khi chạy trên máy chủ, không có dự án).")
@click.option("--site-url", default=None, metavar="ĐỊA_CHỈ",
              help="Địa chỉ gốc của trang web đã xuất bản, để biết đường dẫn của mã QR (mặc định: site_url trong "
                   "manifest.json hoặc content/site.yml).")
def stats_command(project: str, logs: tuple[Path, ...], output_format: str, site_dir: Path | None,
                  manifest: Path | None, site_url: str | None) -> None:
    """Đếm lượt quét mã QR từ nhật ký truy cập của máy chủ web (nginx, Apache; cả tệp nén .gz).

    Đếm theo mã, xã/phường, chiến dịch, ngôn ngữ và ngày. Máy tự động (bot) và
    lượt quét lại cùng mã trong thời gian ngắn không được tính; không ghi địa
    chỉ IP hay tên trình duyệt ra bất cứ đâu.
    """
    from .problems import ContentError
    from .sources.languages import default_language, load_languages
    from .team import stats

    languages = load_languages()
    vietnamese = default_language(languages)
    wanted_url = _site_url(site_url)
    try:
        book = (stats.code_book_from_manifest(manifest, wanted_url) if manifest is not None
                else stats.code_book_from_project(_project(project), languages, wanted_url))
        if not book.codes:
            raise stats.StatsInputError("Chưa có mã QR nào đã cấp để đếm: chạy `outreach build` trước "
                                        "(mã được ghi vào content/qr-lock.yml), hoặc chỉ tới manifest.json bằng --manifest.")
        counted = stats.count_scans(logs, book)
        if not counted.files:
            raise stats.StatsInputError(" ".join(counted.refused))
    except ContentError as error:
        _fail(error, "Không đọc được danh sách mã QR")
    except stats.StatsInputError as error:
        click.echo(f"{error} Chưa đếm gì.", err=True)
        sys.exit(1)
    for refusal in counted.refused:  # one line each; the other logs are counted
        click.echo(f"{refusal} Các tệp khác vẫn được đếm.", err=True)
    if output_format == "json":
        click.echo(json.dumps(counted.as_json(), ensure_ascii=False, indent=2))
    elif output_format == "csv":
        click.echo(stats.csv_report(counted), nl=False)
    else:
        click.echo(stats.text_report(counted, book, vietnamese, languages))
    if counted.first_malformed:
        where = counted.first_malformed
        click.echo(f"Bỏ qua {counted.not_counted['malformed_lines']} dòng không đúng định dạng nhật ký combined "
                   f"(dòng đầu tiên: {where.file}, dòng {where.line}).", err=True)
    if counted.not_counted["other_base_path"]:
        click.echo(f"Có {counted.not_counted['other_base_path']} lượt mở mã QR ở ngoài đường dẫn {book.base_path}: nếu trang web "
                   "được xuất bản ở đường dẫn khác, chạy lại với --site-url <địa chỉ thật>.", err=True)
    if site_dir is not None:
        page = stats.page_html(counted, book, vietnamese, languages, dt.datetime.now(dt.timezone.utc))
        try:
            written = stats.write_page(site_dir, page)
        except OSError as error:
            click.echo(f"Không ghi được trang thống kê vào {site_dir}: {error.strerror or error}.", err=True)
            sys.exit(1)
        click.echo(f"Đã ghi trang thống kê: {written}", err=True)
    if counted.refused:
        sys.exit(1)  # counted, but not everything asked for: a scheduled run should notice


@main.group("activities")
def activities_group() -> None:
    """Hồ sơ hoạt động tuyên truyền của các xã, phường (content/hoat-dong/<năm>.csv)."""


@activities_group.command("template")
@project_option
@click.option("--commune", required=True, metavar="MÃ_XÃ", help="Mã xã trong content/communes.yml.")
@click.option("--out", default=None, metavar="TỆP_HOẶC_THƯ_MỤC",
              help=f"Nơi ghi bảng tính (mặc định: {TEMPLATE_FOLDER}/hoat-dong-<mã xã>.csv trong dự án).")
@click.option("--separator", type=click.Choice([";", ","]), default=";", show_default=True,
              help="Dấu ngăn cột: `;` cho Excel tiếng Việt, `,` cho Excel tiếng Anh. LibreOffice đọc được cả hai.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
def activities_template_command(project: str, commune: str, out: str | None, separator: str, force: bool) -> None:
    """Tạo bảng tính trống để cán bộ xã ghi các hoạt động tuyên truyền (mở bằng Excel, LibreOffice)."""
    from .build import activity_vocabulary
    from .problems import ContentError, ProblemLog
    from .sources.activities import KINDS
    from .team import activity_sheets

    proj = _project(project)
    log = ProblemLog(proj.root)
    try:
        vocabulary, *_ = activity_vocabulary(proj, log)
        log.raise_if_errors()
    except ContentError as error:
        _fail(error, "Không đọc được danh sách xã")
    if commune not in vocabulary.communes:
        raise click.BadParameter(f"Mã xã `{commune}` không có trong content/communes.yml. Các mã: {', '.join(vocabulary.communes)}.",
                                 param_hint="--commune")
    target = activity_sheets.template_target(Path(out) if out else None, proj.root, commune)
    try:
        activity_sheets.write_template(target, commune, separator, overwrite=force)
    except FileExistsError:
        click.echo(f"Tệp {target} đã có (có thể là bảng tính xã đã gửi lại): chưa ghi gì. Nhập tệp đó trước, "
                   "chọn tên khác cho --out, hoặc thêm --force để ghi đè.", err=True)
        sys.exit(1)
    click.echo(f"Đã ghi {target}. Mỗi hoạt động một dòng: ngay (03/05/2026), hinh_thuc ({'; '.join(KINDS)}), doi_tuong, "
               "ngon_ngu (vi, bahnar, jrai), so_nguoi, to_phat (`tu-nguyen-a4-trifold: 40`), chien_dich, ghi_chu. "
               "Không ghi tên, số điện thoại của ai. Gửi lại rồi nhập bằng `outreach activities import`.")


@activities_group.command("import")
@project_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="TỆP_CSV...")
@click.option("--force", is_flag=True, help="Thay dòng đã ghi bằng dòng của bảng tính khi cùng hoạt động mà số liệu khác "
                                            "(số liệu đã ghi sẽ mất).")
def activities_import_command(project: str, files: tuple[Path, ...], force: bool) -> None:
    """Nhập bảng tính các xã gửi về vào content/hoat-dong/<năm>.csv, không ghi trùng, không làm mất dòng nào."""
    from .problems import ContentError
    from .team import activity_sheets

    proj = _project(project)
    try:
        result = activity_sheets.import_sheets(proj, list(files), force)
    except ContentError as error:
        _fail(error, "Chưa nhập hoạt động nào")
    for path in result.written:
        click.echo(f"Đã ghi {path.relative_to(proj.root)}")
    click.echo(f"Đã nhập {len(result.added)} hoạt động mới, thay {len(result.replaced)} dòng, "
               f"bỏ qua {result.already} dòng đã có.")


@main.command("report")
@project_option
@click.option("--year", type=click.IntRange(2000, 2100), required=True, metavar="NĂM", help="Năm báo cáo, ví dụ 2026.")
@click.option("--as-of", default=None, metavar="YYYY-MM-DD",
              help="Ngày của số liệu in trên báo cáo (mặc định: ngày muộn nhất trong hồ sơ của năm).")
@click.option("--scans", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="TỆP",
              help="Kết quả của `outreach stats … --format json`, để có lượt quét mã QR theo xã và chiến dịch.")
@click.option("--format", "output_format", type=click.Choice(["html", "json", "csv"]), default="html", show_default=True,
              help="html: trang báo cáo và bản PDF khổ A4 trong khu nội bộ của trang web; json, csv: in số liệu ra (cho bảng tính).")
@click.option("--site-dir", default=None, type=click.Path(path_type=Path, file_okay=False), metavar="THƯ_MỤC",
              help=f"Thư mục trang web (mặc định: site/ của dự án); báo cáo nằm ở THƯ_MỤC/{REPORT_FOLDER}/<năm>/.")
def report_command(project: str, year: int, as_of: str | None, scans: Path | None, output_format: str,
                   site_dir: Path | None) -> None:
    """Báo cáo kết quả tuyên truyền hằng năm từ hồ sơ hoạt động, sổ in và lượt quét mã QR."""
    from .problems import ContentError
    from .team import yearly_report

    proj = _project(project)
    try:
        counts = yearly_report.read_scans(scans) if scans else None
        report = yearly_report.compute(proj, year, _as_of(as_of) if as_of else None, counts, scans.name if scans else "")
    except ContentError as error:
        _fail(error, "Chưa tạo được báo cáo")
    except yearly_report.ReportInputError as error:
        click.echo(f"{error} Chưa tạo báo cáo.", err=True)
        sys.exit(1)
    if output_format == "json":
        click.echo(json.dumps(yearly_report.as_json(report), ensure_ascii=False, indent=2))
    elif output_format == "csv":
        click.echo(yearly_report.as_csv(report), nl=False)
    else:
        page, pdf = yearly_report.write_report(site_dir or proj.root / "site", report)
        click.echo(f"Đã ghi báo cáo năm {year}: {page} và {pdf}. {report.communes_active}/{report.communes_total} xã, phường "
                   f"có hoạt động ({report.share * 100:.1f}%, chỉ tiêu {report.target * 100:.0f}%).")
