"""The `outreach` command's entry point.

Loading the program (click, Jinja, pydantic, the stages) takes a moment on a
slow machine; Ctrl+C in that moment must end in Vietnamese like any other,
not in Python's English traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli import main as command
    except KeyboardInterrupt:
        sys.stderr.write("Đã dừng.\n")  # click's own "Aborted!", as cli_language translates it
        raise SystemExit(1) from None
    command()
