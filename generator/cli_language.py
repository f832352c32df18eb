"""The command-line library's own messages in Vietnamese.

click marks its messages (`Usage:`, `Options:`, `Error:`, `Aborted!`, "Missing
argument"…) with the standard `gettext` functions, its documented way to be
translated. `vietnamese_messages()` points gettext at our catalogue
(`i18n/click.vi.po`, compiled by Babel into the machine cache) and asks for
Vietnamese while a command runs, whatever the machine's locale, then puts
gettext back as it was. Our own messages are written in Vietnamese directly.
"""

from __future__ import annotations

import contextlib
import errno
import gettext
import io
import os
import sys
import tempfile
from pathlib import Path

import click

from .assets import CATALOGUE_DIR
from .cache import digest, machine_cache

CATALOGUE = CATALOGUE_DIR / "click.vi.po"
DOMAIN = "bhxh-outreach-click"
OPTIONS_METAVAR = "[TÙY CHỌN]"


def _compiled(folder: Path) -> Path:
    """The catalogue as gettext reads it: `<folder>/vi/LC_MESSAGES/<domain>.mo`."""
    target = folder / "vi" / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not target.exists():
        # Babel is loaded only here, once per machine and catalogue: every later command reads the compiled file.
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        compiled = io.BytesIO()
        with CATALOGUE.open("rb") as source:
            write_mo(compiled, read_po(source, locale="vi"))
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: two commands starting at once never read half a file.
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
            handle.write(compiled.getvalue())
        Path(handle.name).replace(target)
    return folder


@contextlib.contextmanager
def vietnamese_messages():
    cache = machine_cache("messages")
    with contextlib.ExitStack() as stack:
        if cache is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="outreach-messages-")))
        else:  # one folder per version of the catalogue
            folder = cache / digest(CATALOGUE.read_bytes())[:16]
        gettext.bindtextdomain(DOMAIN, str(_compiled(folder)))
        previous_domain = gettext.textdomain()
        previous_language = os.environ.get("LANGUAGE")
        gettext.textdomain(DOMAIN)
        # gettext chooses the language from the environment only; LANGUAGE comes first.
        os.environ["LANGUAGE"] = "vi"
        try:
            yield
        finally:
            gettext.textdomain(previous_domain)
            if previous_language is None:
                os.environ.pop("LANGUAGE", None)
            else:
                os.environ["LANGUAGE"] = previous_language


def _os_reason(error: OSError) -> str:
    reasons = {errno.EACCES: "không có quyền", errno.EPERM: "không được phép", errno.ENOSPC: "đĩa đã đầy",
               errno.EROFS: "ổ đĩa chỉ cho đọc", errno.ENOENT: "không có tệp hoặc thư mục này"}
    return reasons.get(error.errno, error.strerror or "lỗi hệ thống")


class VietnameseCommand(click.Command):
    def __init__(self, *args, options_metavar: str | None = OPTIONS_METAVAR, **kwargs):
        super().__init__(*args, options_metavar=options_metavar, **kwargs)


class VietnameseGroup(click.Group):
    """A command group whose help, usage errors and interruptions read in Vietnamese."""

    command_class = VietnameseCommand
    group_class = type  # subgroups are VietnameseGroups too

    def __init__(self, *args, options_metavar: str | None = OPTIONS_METAVAR,
                 subcommand_metavar: str | None = "LỆNH [THAM SỐ]...", **kwargs):
        super().__init__(*args, options_metavar=options_metavar, subcommand_metavar=subcommand_metavar, **kwargs)

    def main(self, *args, **kwargs):
        with vietnamese_messages():
            try:
                return super().main(*args, **kwargs)
            except KeyboardInterrupt:
                # click turns Ctrl+C during a command into its "Aborted!"; one that lands as click itself
                # unwinds (a loaded machine stretches that moment) ends the same way, never as a signal exit.
                click.echo(gettext.gettext("Aborted!"), err=True)
                sys.exit(1)
            except OSError as error:
                # Not a content mistake but the machine's: a folder without write permission, a full disk.
                click.echo(f"Lỗi: không đọc hoặc ghi được {error.filename or 'tệp'}: {_os_reason(error)}. "
                           "Kiểm tra quyền ghi vào thư mục và chỗ trống trên đĩa, rồi chạy lại. Trang web cũ vẫn giữ nguyên.",
                           err=True)
                sys.exit(1)
