"""Shared fixtures: the sample site built once, and tiny projects for error cases."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import zlib
from pathlib import Path
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from playwright import sync_api as playwright_api

from generator.build import BuildOptions, Project, build
from generator.cache import ArtifactCache
from generator.sources.policy import load_policy
from generator.problems import ProblemLog

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 25)
SITE_URL = "https://example.org/tt/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The sample content, built under a base path, as a citizen would get it."""
    site_dir = tmp_path_factory.mktemp("built") / "site"
    # A fresh cache: the tests look at real renders, never at a developer's cached ones.
    # Print-shop and photocopy variants too: the print tests measure them.
    options = BuildOptions(AS_OF, SITE_URL, print_shop=True)
    return build(Project(REPO), site_dir, options, cache=ArtifactCache(tmp_path_factory.mktemp("cache")))


def write_project(root: Path, pages: dict[str, str | bytes]) -> Project:
    """A minimal project in `root`: the real settings and policy data, plus the files given (paths inside content/)."""
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


@pytest.fixture(scope="session")
def policy():
    """The project's policy figures, loaded without a problem."""
    log = ProblemLog(REPO)
    data = load_policy(REPO / "content" / "policy.yml", log)
    assert log.problems == []
    return data


@pytest.fixture
def make_project(tmp_path):
    """A minimal project: the real settings and policy data, plus the pages given."""
    return lambda pages: write_project(tmp_path / "project", pages)


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
def serving(directory: Path) -> Iterator[str]:
    """`directory` over HTTP on loopback; yields the server's root URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def serving_under_base_path(site_dir: Path, root: Path) -> Iterator[str]:
    """Serve the site on loopback under BASE_PATH, as on a provincial portal, until the block ends."""
    assert SITE_URL.endswith(BASE_PATH)
    served = root / BASE_PATH.strip("/")
    if not served.exists():
        served.symlink_to(site_dir, target_is_directory=True)
    with serving(root) as url:
        yield url.rstrip("/") + BASE_PATH


@pytest.fixture(scope="module")
def server(built_site, tmp_path_factory):
    with serving_under_base_path(built_site.site_dir, tmp_path_factory.mktemp("served")) as url:
        yield url


class Listener(http.server.ThreadingHTTPServer):
    """A loopback address that content points at: every connection it gets is recorded.

    A build or check that fetches what content names would show up here.
    """

    def __init__(self):
        self.connections: list[str] = []  # client address of each connection
        self.paths: list[str] = []  # path of each HTTP request
        listener = self

        class Recorder(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                listener.paths.append(self.path)
                self.send_error(404)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Recorder)

    def verify_request(self, request, client_address) -> bool:
        self.connections.append(client_address)
        return True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def pdf_stream_texts(pdf: bytes) -> list[bytes]:
    """Every stream of a PDF, inflated where it is deflated, to look for bytes that should not be there."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        data = match.group(1)
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        streams.append(data)
    return streams


def pdf_attachments(pdf: bytes) -> int:
    """Embedded files and file-attachment annotations in a PDF."""
    document = pdfium.PdfDocument(pdf)
    count = document.count_attachments()
    for page in document:
        for index in range(pdfium_raw.FPDFPage_GetAnnotCount(page.raw)):
            annotation = pdfium_raw.FPDFPage_GetAnnot(page.raw, index)
            count += pdfium_raw.FPDFAnnot_GetSubtype(annotation) == pdfium_raw.FPDF_ANNOT_FILEATTACHMENT
            pdfium_raw.FPDFPage_CloseAnnot(annotation)
    return count


def pdf_images(pdf: bytes) -> int:
    """Raster images drawn on the pages of a PDF."""
    document = pdfium.PdfDocument(pdf)
    return sum(len(list(page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE]))) for page in document)


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


class GeneratorCopy:
    """A copy of the `generator` package in a folder of its own, run in a fresh Python process.

    Tests that must change a file of the generator itself (a renderer's code, an
    interface catalogue) change the copy, never the checkout, and run it for real.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.package = folder / "generator"
        shutil.copytree(REPO / "generator", self.package, ignore=shutil.ignore_patterns("__pycache__"))

    def run(self, code: str, *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Python `code` run with the copy first on the path (it checks that it runs the copy)."""
        prelude = f"import generator\nassert generator.__file__ == {str(self.package / '__init__.py')!r}, generator.__file__\n"
        return subprocess.run([sys.executable, "-c", prelude + code], cwd=self.folder, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(self.folder), **(env or {})}, timeout=600)

    def outreach(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """The command line of the copy."""
        return self.run(f"import sys\nfrom generator.cli import main\nmain({list(args)!r}, prog_name='outreach')", env=env)


@pytest.fixture
def generator_copy(tmp_path) -> GeneratorCopy:
    return GeneratorCopy(tmp_path / "code")


def settled(page) -> None:
    """Wait until the page has run what its loading and the last click queued.

    Two rendering frames: autofocus, `toggle` events and a clicked `javascript:` address
    run by the first. An event to wait for, not a guessed delay; the attack tests' controls
    (the same payloads unsanitized) show that it is long enough for each of them to fire.
    """
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def wait_in_page(page, condition: str, arg=None) -> None:
    """Wait until `condition` (a function of `arg`, maybe async, run in the page) holds, for at most a minute.

    Not Playwright's wait_for_function: its polling compiles the condition inside the page,
    which a Content-Security-Policy without 'unsafe-eval' refuses (some Chromium builds do,
    some not); a function handed to `evaluate` goes through the debugging protocol instead.
    """
    held = page.evaluate("""async (arg) => {
        const holds = %s;
        for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
            if (await holds(arg)) { return true; }
            await new Promise((done) => setTimeout(done, 100));
        }
        return false;
    }""" % condition, arg)
    assert held, condition
