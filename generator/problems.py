"""Problems found in content, as values.

Every stage reports mistakes in the communicators' files as `Problem`s instead
of raising at the first one, so the CLI can print them all at once, sorted by
file and line, in Vietnamese, each with the fix.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .cache import digest, machine_cache


class Severity(enum.Enum):
    ERROR = "lỗi"
    WARNING = "cảnh báo"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    # The output the mistake was seen through ("Ảnh images/vi/x-square.png (1080×1080)"), kept apart
    # from the message: one mistake in a source seen through several outputs is reported once.
    seen_in: str = ""
    severity: Severity = field(default=Severity.ERROR, compare=False)
    # What kind of warning this is, in words ("số liệu chưa đối chiếu"): repeats are summarised by it.
    topic: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        """The message as the communicator reads it, naming the output it was seen through."""
        return f"{self.seen_in}: {self.message}" if self.seen_in else self.message

    def format(self) -> str:
        # Line 0: a problem with a command-line value rather than a file ("--site-url: lỗi: ...").
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity.value}: {self.text}"


class ContentError(Exception):
    """Raised when content has errors that stop a build; carries all of them, and the warnings found meanwhile.

    Problems stay in the order they were found (Vietnamese before the other
    languages); the reporter sorts them by file and line.
    """

    def __init__(self, problems: list[Problem], warnings: list[Problem] = ()):
        self.problems = list(problems)
        self.warnings = list(warnings)
        super().__init__("\n".join(p.format() for p in self.problems))


class ProblemLog:
    """Collects problems from every stage of one run."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []

    def _display_path(self, path: Path | str) -> str:
        if str(path).startswith("--"):
            return str(path)  # a command-line option (--site-url) is where the mistake was typed
        # The path as the author knows it: a symbolic link is named where it lies, not where it points.
        # A relative one is already the project's.
        path = Path(path)
        if not path.is_absolute():
            return path.as_posix()
        path = Path(os.path.abspath(path))
        for root in (Path(os.path.abspath(self.root)), self.root.resolve()):
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
        return path.as_posix()

    def error(self, path: Path | str, line: int, message: str, seen_in: str = "") -> None:
        self._add(Problem(self._display_path(path), line, message, seen_in))

    def warning(self, path: Path | str, line: int, message: str, topic: str = "", seen_in: str = "") -> None:
        self._add(Problem(self._display_path(path), line, message, seen_in, Severity.WARNING, topic))

    def _add(self, problem: Problem) -> None:
        # A Vietnamese page is composed once per language; report its mistakes once.
        if problem not in self.problems:
            self.problems.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.problems if p.severity is Severity.WARNING)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(self.errors, self.warnings)


# --- reporting: one mistake, one line; repeated warnings summarised -----------


def one_line_per_mistake(problems: list[Problem]) -> list[Problem]:
    """Merge problems that are one mistake seen through several outputs.

    A Vietnamese page is printed and drawn once per language and size, so one
    overlong block is reported by every card and leaflet made from it. Problems
    whose messages are the same, at the same file and line, that differ only in
    the output they were seen through (`seen_in`) are reported once, naming the
    first output and counting the others after the message, which is kept to
    the letter: its fix can be typed as it reads. Problems without `seen_in`,
    and different messages, are never merged.
    """
    groups: dict[tuple, list[Problem]] = {}
    for problem in problems:
        key = (problem.path, problem.line, problem.severity, problem.message, bool(problem.seen_in))
        groups.setdefault(key if problem.seen_in else (*key, id(problem)), []).append(problem)
    merged = []
    for group in groups.values():
        first = group[0]
        if len(group) > 1:
            first = dataclasses.replace(first, message=f"{first.message} (và {len(group) - 1} chỗ khác)")
        merged.append(first)
    return sorted(merged)


class WarningMemory:
    """The warnings this project's communicator has already been shown, kept in the machine cache.

    Warnings that did not change since the last run are summarised in one line
    instead of being printed again. Without a writable machine cache nothing is
    remembered, and every warning is printed.
    """

    def __init__(self, project_root: Path):
        folder = machine_cache("warnings")
        self.file = folder / f"{digest(str(project_root.resolve()))}.json" if folder else None

    @staticmethod
    def _key(problem: Problem) -> str:
        # Not the line: a warning that moved because lines were added above it is not news.
        return f"{problem.path}\n{problem.text}"

    def _seen(self) -> set[str]:
        try:
            return set(json.loads(self.file.read_text(encoding="utf-8"))) if self.file else set()
        except (OSError, ValueError):  # never written, or a damaged record: show everything
            return set()

    def remember(self, warnings: list[Problem]) -> None:
        if self.file:
            try:
                self.file.write_text(json.dumps(sorted(self._key(w) for w in warnings), ensure_ascii=False), encoding="utf-8")
            except OSError:
                pass  # a memory for convenience only: the next run shows the warnings in full

    def split(self, warnings: list[Problem]) -> tuple[list[Problem], list[Problem]]:
        """(new or changed warnings, warnings shown before)."""
        seen = self._seen()
        new = [w for w in warnings if self._key(w) not in seen]
        return new, [w for w in warnings if self._key(w) in seen]


def report(errors: list[Problem], warnings: list[Problem], memory: WarningMemory | None,
           show_all: bool = False) -> tuple[list[str], str]:
    """The lines to print, and the closing summary line.

    Errors are printed in full, one line per mistake; warnings shown in an
    earlier run (per `memory`; None prints them all) are counted in one line,
    unless `show_all`.
    """
    errors, warnings = one_line_per_mistake(errors), one_line_per_mistake(warnings)
    shown, repeated = memory.split(warnings) if memory and not show_all else (warnings, [])
    lines = [p.format() for p in sorted(errors + shown)]
    if repeated:
        topics = Counter(w.topic or "cảnh báo khác" for w in repeated)
        lines.append(", ".join(f"{count} {topic}" for topic, count in topics.items())
                     + " (như lần trước) — `outreach check --all` để xem.")
    if memory:
        memory.remember(warnings)
    if not errors and not warnings:
        return lines, "Nội dung không có lỗi."
    return lines, f"{len(errors)} lỗi, {len(warnings)} cảnh báo."
