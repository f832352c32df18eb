"""The lock files cover what pyproject.toml asks for: a dependency added without compiling them again fails here."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO


def pinned(lock: str) -> dict[str, str]:
    text = (REPO / lock).read_text(encoding="utf-8")
    return {canonicalize_name(name): version for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def test_every_dependency_is_pinned_in_the_lock_files_at_a_version_pyproject_allows():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime, with_tests = pinned("requirements.lock"), pinned("requirements-test.lock")
    for lock, wanted in ((runtime, project["dependencies"]),
                         (with_tests, project["dependencies"] + project["optional-dependencies"]["test"])):
        for requirement in map(Requirement, wanted):
            name = canonicalize_name(requirement.name)
            assert name in lock, f"{name} is not in the lock file: compile it again (README, set-up)"
            assert requirement.specifier.contains(lock[name], prereleases=True), (name, lock[name], str(requirement.specifier))
    # The two lock files agree on every package they share.
    assert {name: with_tests[name] for name in runtime} == runtime
