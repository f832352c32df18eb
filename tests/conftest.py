"""Shared fixtures: the sample site built once, and tiny projects for error cases."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
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


NODE_TOOLS = REPO / "tests" / "node" / "node_modules"


def node_tool(relative: str) -> Path:
    """A file of an npm package the tests drive (tests/node/package-lock.json pins them)."""
    path = NODE_TOOLS / relative
    assert path.is_file(), f"{path} is missing: `bash scripts/test.sh` installs it (npm ci in tests/node)"
    return path


CHROMIUM = "/usr/bin/chromium"
BASE_PATH = "/tt/"  # the path part of SITE_URL


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(site_dir: Path, root: Path):
    """Serve the site on loopback under BASE_PATH, as on a provincial portal, until the block ends."""
    assert SITE_URL.endswith(BASE_PATH)
    served = root / BASE_PATH.strip("/")
    if not served.exists():
        served.symlink_to(site_dir, target_is_directory=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{BASE_PATH}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server(built_site, tmp_path_factory):
    with serving(built_site.site_dir, tmp_path_factory.mktemp("served")) as url:
        yield url


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
