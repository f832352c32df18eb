"""Shared fixtures: the sample site built once, and tiny projects for error cases."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

from generator.build import Project, build
from generator.cache import ArtifactCache

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
SITE_URL = "https://example.org/tt/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The sample content, built under a base path, as a citizen would get it."""
    site_dir = tmp_path_factory.mktemp("built") / "site"
    # A fresh cache: the tests look at real renders, never at a developer's cached ones.
    return build(Project(REPO), site_dir, AS_OF, SITE_URL, cache=ArtifactCache(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def make_project(tmp_path):
    """A minimal project: the real settings and policy data, plus the pages given."""

    def make(pages: dict[str, str | bytes]) -> Project:
        root = tmp_path / "project"
        (root / "content").mkdir(parents=True)
        shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
        for name in ("policy.yml", "site.yml"):
            shutil.copyfile(REPO / "content" / name, root / "content" / name)
        for lang in ("vi", "bahnar", "jrai"):
            (root / "content" / lang).mkdir()
        for rel, text in pages.items():
            path = root / "content" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        return Project(root)

    return make


@pytest.fixture
def machine_cache(tmp_path, monkeypatch):
    """A machine cache of the test's own: `check`'s renders and the warnings already shown start empty."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-cache"))
    return tmp_path / "machine-cache" / "bhxh-outreach"


@pytest.fixture
def files_of():
    """Every file under a folder with the hash of its bytes: compare before and after a command."""

    def files(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    return files


CHROMIUM = "/usr/bin/chromium"
BASE_PATH = "/tt/"  # the path part of SITE_URL


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site, tmp_path_factory):
    assert SITE_URL.endswith(BASE_PATH)
    root = tmp_path_factory.mktemp("served")
    (root / BASE_PATH.strip("/")).symlink_to(built_site.site_dir, target_is_directory=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{BASE_PATH}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is required: apt-get install chromium"
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()
