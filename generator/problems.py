"""Problems found in content, as values.

Every stage reports mistakes in the communicators' files as `Problem`s instead
of raising at the first one, so the CLI can print them all at once, sorted by
file and line, in Vietnamese, each with the fix.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "lỗi"
    WARNING = "cảnh báo"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def format(self) -> str:
        # Line 0: a problem with a command-line value rather than a file ("--site-url: lỗi: ...").
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity.value}: {self.message}"


class ContentError(Exception):
    """Raised when content has errors that stop a build; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class ProblemLog:
    """Collects problems from every stage of one run."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []

    def _display_path(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def error(self, path: Path | str, line: int, message: str) -> None:
        self._add(Problem(self._display_path(path), line, message))

    def warning(self, path: Path | str, line: int, message: str) -> None:
        self._add(Problem(self._display_path(path), line, message, Severity.WARNING))

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
            raise ContentError(self.errors)
