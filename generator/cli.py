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

from .team import preview, qa_export, stats
from .build import BuildOptions, BuildResult, Progress, Project, build, check, read_bank, read_sources
from .cli_language import VietnameseGroup
from .sources.content import check_site_url
from .editions import EditionChoice
from .sources.languages import default_language, load_languages
from .problems import ContentError, Problem, ProblemLog, WarningMemory, one_line_per_mistake, report
from .team.translation_sheets import EXPORT_FOLDER, export_csv, export_target, import_translations
from .compose.translations import STATES, translation_states


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


def _report(errors: list[Problem], warnings: list[Problem], memory: WarningMemory | None, show_all: bool = False) -> str:
    """Print the problems, one line per mistake, warnings in `memory` summarised; returns the summary line."""
    lines, summary = report(errors, warnings, memory, show_all)
    for line in lines:
        click.echo(line, err=True)
    return summary


def _fail(error: ContentError, what: str, memory: WarningMemory | None = None) -> None:
    summary = _report(error.problems, error.warnings, memory)
    click.echo(f"{what}. {summary} Sửa các lỗi trên rồi chạy lại.", err=True)
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
        click.option("--print-shop", is_flag=True, help="Tạo thêm bản cho nhà in (lề xén, dấu cắt, màu CMYK) và bản đen trắng để photo "
                                                        "cho mọi tờ in (bản phát hành luôn có)."),
    )):
        command = option(command)
    return command


def _build_and_report(project: str, site_dir: str | None, options: BuildOptions) -> BuildResult:
    started = time.monotonic()
    proj = _project(project)
    try:
        result = build(proj, Path(site_dir) if site_dir else proj.root / "site", options, _progress())
    except ContentError as error:
        _fail(error, "Không tạo được trang web; trang web cũ vẫn giữ nguyên", WarningMemory(proj.root))
    _report([], result.warnings, WarningMemory(proj.root))
    if result.reused:
        click.echo(f"Không có gì thay đổi kể từ lần tạo trước: giữ nguyên trang web trong {result.site_dir}.")
        return result
    pages = result.manifest.pages
    counts = ", ".join(
        f"{language.name}: {sum(1 for p in pages if p.lang == language.code)}"
        for language in result.manifest.languages
    )
    click.echo(f"Đã tạo trang web trong {result.site_dir} ({counts} trang) sau {time.monotonic() - started:.1f} giây.")
    return result


@main.command("build")
@_build_options
def build_command(project: str, as_of: str | None, site_dir: str | None, site_url: str | None, release: bool,
                  allow_drafts: tuple[str, ...], print_shop: bool) -> None:
    """Kiểm tra nội dung rồi tạo toàn bộ trang web."""
    _build_and_report(project, site_dir, BuildOptions(_as_of(as_of), _site_url(site_url), release, tuple(sorted(set(allow_drafts))), print_shop))


@main.command("print")
@click.option("--commune", "communes", multiple=True, metavar="MÃ_XÃ",
              help="Mã xã trong content/communes.yml, hoặc `all` cho mọi xã. Dùng nhiều lần cho nhiều xã.")
@click.option("--slides", is_flag=True, help="Tạo bộ tài liệu họp thôn, tập huấn: trình chiếu 16:9 và phiếu câu hỏi kiểm tra "
                                             "(có trang đáp án riêng) cho mỗi nhóm, mỗi ngôn ngữ, từ ngân hàng hỏi đáp.")
@click.option("--audience", "audiences", multiple=True, metavar="NHÓM", help="Chỉ nhóm đối tượng này (ví dụ tu-nguyen). Mặc định: mọi nhóm.")
@click.option("--lang", "languages", multiple=True, type=click.Choice(["vi", "bahnar", "jrai"]), metavar="NGÔN_NGỮ",
              help="Chỉ ngôn ngữ này (vi, bahnar, jrai). Mặc định: mọi ngôn ngữ.")
@_build_options
def print_command(communes: tuple[str, ...], slides: bool, audiences: tuple[str, ...], languages: tuple[str, ...], project: str,
                  as_of: str | None, site_dir: str | None, site_url: str | None, release: bool, allow_drafts: tuple[str, ...],
                  print_shop: bool) -> None:
    """Tạo trang web kèm tờ gấp, tờ rơi, áp phích riêng của xã: nơi làm thủ tục, người liên hệ, mã QR của xã.

    Tờ của xã nằm trong site/leaflets/<ngôn ngữ>/xa/<mã xã>/ và được liệt kê ở trang site/xa/<mã xã>/.
    Với --slides: thêm trình chiếu và phiếu kiểm tra trong site/hop-thon/<ngôn ngữ>/.
    """
    if not communes and not slides:
        raise click.UsageError("Cần --commune <mã xã> (tờ in của xã) hoặc --slides (trình chiếu, phiếu kiểm tra), hoặc cả hai.")
    choice = EditionChoice(tuple(sorted(set(communes))), tuple(sorted(set(audiences))), tuple(sorted(set(languages))))
    options = BuildOptions(_as_of(as_of), _site_url(site_url), release, tuple(sorted(set(allow_drafts))), print_shop, choice, slides)
    result = _build_and_report(project, site_dir, options)
    if slides:
        click.echo(f"Trình chiếu và phiếu kiểm tra: {result.site_dir}/hop-thon/<ngôn ngữ>/.")
    editions = [l for l in result.manifest.leaflets if l.commune]
    for commune in dict.fromkeys(l.commune for l in editions):
        files = [l for l in editions if l.commune == commune]
        click.echo(f"Xã `{commune}`: {len(files)} tờ in trong {result.site_dir}/leaflets/…/xa/{commune}/, "
                   f"danh sách ở {result.site_dir}/xa/{commune}/index.html.")


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
@click.argument("lang", type=click.Choice(["bahnar", "jrai"]), metavar="NGÔN_NGỮ")
@click.option("--out", "out", default=None, metavar="TỆP_HOẶC_THƯ_MỤC",
              help=f"Nơi ghi tệp CSV (mặc định: thư mục {EXPORT_FOLDER}/ của dự án, git bỏ qua thư mục này).")
@click.option("--all", "include_done", is_flag=True, help="Gồm cả trang đã duyệt.")
@click.option("--force", is_flag=True, help="Ghi đè tệp --out nếu đã có.")
def export_command(project: str, lang: str, out: str | None, include_done: bool, force: bool) -> None:
    """Xuất các trang cần dịch (NGÔN_NGỮ: bahnar hoặc jrai): bản tiếng Việt bên cạnh bản dịch hiện có."""
    proj = _project(project)
    try:
        languages, _, sources = read_sources(proj, ProblemLog(proj.root))
    except ContentError as error:
        _fail(error, "Không đọc được nội dung")
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


@translations_group.command("import")
@project_option
@as_of_option
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False), metavar="TỆP_CSV")
@click.option("--force", is_flag=True,
              help="Ghi cả những trang đã bị sửa trực tiếp sau khi xuất bảng tính (các sửa đổi đó sẽ mất).")
def import_command(project: str, as_of: str | None, csv_file: str, force: bool) -> None:
    """Nhập bản dịch từ tệp CSV, ghi thành các trang Markdown trong content/.

    Trước khi ghi, các trang sẽ ghi được kiểm tra như `outreach check`; còn lỗi
    thì không ghi trang nào.
    """
    proj = _project(project)
    date = _as_of(as_of)
    try:
        languages, _, sources = read_sources(proj, ProblemLog(proj.root))
        pages, notes = import_translations(Path(csv_file), proj.root, languages, sources, force, date)
    except ContentError as error:
        _fail(error, "Chưa nhập bản dịch nào")
    for note in notes:
        click.echo(note.format(), err=True)
    for page in pages:
        click.echo(f"Đã ghi {page.path.relative_to(proj.root)} (dòng {page.row} của bảng tính)")
    click.echo(f"Đã nhập {len(pages)} trang.")


@main.group("export")
def export_group() -> None:
    """Xuất dữ liệu cho các kênh khác (Zalo, chatbot)."""


@export_group.command("hoi-dap")
@project_option
@as_of_option
@click.option("--format", "output_format", type=click.Choice(qa_export.FORMATS), default="zalo", show_default=True,
              help="zalo (bảng CSV cho trả lời tự động theo từ khoá của Zalo OA), json hoặc csv (mọi cột, cho chatbot).")
@click.option("--site-url", default=None, metavar="ĐỊA_CHỈ", help="Địa chỉ gốc của trang web (mặc định: site_url trong content/site.yml).")
def export_qa_command(project: str, as_of: str | None, output_format: str, site_url: str | None) -> None:
    """Xuất ngân hàng hỏi đáp (content/hoi-dap/) cho Zalo, Facebook, chatbot: chỉ câu đã duyệt, còn hiệu lực.

    Mỗi câu: mã, từ khoá có dấu và không dấu, câu trả lời ngắn, liên kết và mã ngắn, ngày hiệu lực. Kết quả in ra
    màn hình (chuyển vào tệp bằng `> tep.csv`); những câu không xuất và lý do in ở dòng báo lỗi.
    """
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
def serve_command(project: str, as_of: str | None, port: int) -> None:
    """Xem trước trang web trên máy này; tự tạo lại khi tệp nội dung thay đổi.

    Bản xem trước nằm trong một thư mục tạm, không bao giờ ghi vào site/.
    """
    proj = _project(project)
    memory = WarningMemory(proj.root)

    def told(problems: list[Problem], failed: bool) -> None:
        if failed:
            _report(problems, [], memory)
            click.echo("Chưa cập nhật được vì còn lỗi; trang đang xem là bản trước.", err=True)
        else:
            _report([], problems, memory)
            click.echo("Đã cập nhật.", err=True)

    def ready(address: str) -> None:
        click.echo(f"Mở {address} để xem. Trang tự tải lại sau mỗi lần sửa. Nhấn Ctrl+C để dừng.")

    try:
        preview.serve(proj, _as_of(as_of), port, told, ready)
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
              help=f"Ghi thêm trang thống kê có biểu đồ vào THƯ_MỤC/{stats.STATS_PAGE} "
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
    except ContentError as error:
        _fail(error, "Không đọc được danh sách mã QR")
    except stats.StatsInputError as error:
        click.echo(f"{error} Chưa đếm gì.", err=True)
        sys.exit(1)
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
