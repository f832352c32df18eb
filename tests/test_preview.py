"""`outreach serve`: the website first, rebuilt on save, mistakes on the open page, sheets only when opened."""

import contextlib
import datetime as dt
import os
import queue
import socket
import subprocess
import sys
import threading
import urllib.request

from bs4 import BeautifulSoup

from generator.build import BuildOptions
from generator.problems import Problem
from generator.team import preview as preview_module
from generator.team.preview import OVERLAY_ID, Preview, error_overlay

AS_OF = dt.date(2026, 11, 25)
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = "---\ntitle: Tự nguyện\n---\n\nĐóng {{ policy.voluntary.rate }} thu nhập.\n"
PRINTED = ("---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\nĐóng {{ policy.voluntary.rate }} thu nhập.\n"
           "<!-- /flyer -->\n\n<!-- flyer: action -->\nĐến đại lý thu. Gọi {{ site.hotline }}.\n<!-- /flyer -->\n")


class Served:
    """`outreach serve` running on a project, in its own process as a communicator starts it."""

    def __init__(self, project):
        self.temporary = project.root.parent / "tmp"  # where the preview is built: its own, to see it go
        self.temporary.mkdir(exist_ok=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--project", str(project.root), "--port", str(self.port),
             "--as-of", "2026-11-25"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(self.temporary)},
        )
        self.said: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.said.put(line) for line in self.process.stdout], daemon=True).start()
        self.heard: list[str] = []

    def wait_for(self, words: str) -> list[str]:
        """The server's lines up to the next one that holds `words` (what it says when it is ready or has rebuilt)."""
        lines = []
        while True:
            try:
                line = self.said.get(timeout=180)
            except queue.Empty:
                raise AssertionError(f"the preview never said {words!r}: " + "".join(self.heard)[-3000:]) from None
            self.heard.append(line)
            lines.append(line)
            if words in line:
                return lines

    def get(self, path: str) -> bytes:
        return urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=30).read()

    def page(self, path: str) -> BeautifulSoup:
        return BeautifulSoup(self.get(path).decode("utf-8"), "html.parser")


@contextlib.contextmanager
def served(project):
    server = Served(project)
    try:
        server.wait_for("Mở http://127.0.0.1")  # the pages are built and served
        yield server
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)


def test_serve_rebuilds_when_content_changes(make_project):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    published = project.root / "site"
    (published / "leaflets").mkdir(parents=True)
    (published / "leaflets" / "to-in.pdf").write_bytes(b"%PDF-1.7 published")
    before = {p.relative_to(project.root): p.read_bytes() for p in project.root.rglob("*") if p.is_file() and "content" not in p.parts}
    with served(project) as server:
        assert list(server.temporary.iterdir())  # the preview is built there, never in the project
        assert server.page("tu-nguyen/").select_one("article h1").get_text() == "Tự nguyện"
        page = project.content_dir / "vi/tu-nguyen/index.md"
        page.write_text(OVERVIEW.replace("title: Tự nguyện", "title: Tự nguyện (sửa)"), encoding="utf-8")
        server.wait_for("Đã cập nhật.")  # the edit seen and built
        assert server.page("tu-nguyen/").select_one("article h1").get_text() == "Tự nguyện (sửa)"
        assert "/__outreach/build" in server.get("tu-nguyen/").decode()  # the open page asks for the next build and reloads
        assert int(server.get("__outreach/build")) >= 2
    assert not list(server.temporary.iterdir())  # stopped (SIGTERM, as a task runner stops it): nothing left behind
    after = {p.relative_to(project.root): p.read_bytes() for p in project.root.rglob("*") if p.is_file() and "content" not in p.parts}
    # The published site and the lockfile are exactly as they were; only shared renders were cached.
    assert {k: v for k, v in after.items() if k.parts[0] != ".outreach-cache"} == before
    assert not (project.root / ".outreach-cache" / "builds").exists()


def test_a_mistake_shows_on_the_open_page_until_it_is_fixed(make_project):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    page = project.content_dir / "vi/tu-nguyen/index.md"
    with served(project) as server:
        assert server.page("tu-nguyen/").find(id=OVERLAY_ID) is None
        page.write_text(OVERVIEW.replace("title: Tự nguyện", "title: Tự nguyện (sửa)")
                        .replace("policy.voluntary.rate", "policy.khong_co"), encoding="utf-8")
        terminal = "".join(server.wait_for("Chưa cập nhật được"))
        assert "content/vi/tu-nguyen/index.md:5: lỗi:" in terminal and "khong_co" in terminal
        shown = server.page("tu-nguyen/")
        overlay = shown.find(id=OVERLAY_ID)
        assert overlay is not None and overlay.get("role") == "alert"
        assert "Chưa cập nhật được trang" in overlay.get_text()
        [mistake] = overlay.select("li")
        assert mistake.get_text().startswith("content/vi/tu-nguyen/index.md:5: lỗi:") and "khong_co" in mistake.get_text()
        assert shown.select_one("article h1").get_text() == "Tự nguyện"  # the previous build's page, under the mistakes
        assert server.page("").find(id=OVERLAY_ID) is not None  # on every page the communicator may have open

        page.write_text(OVERVIEW.replace("title: Tự nguyện", "title: Tự nguyện (sửa)"), encoding="utf-8")
        server.wait_for("Đã cập nhật.")
        fixed = server.page("tu-nguyen/")
        assert fixed.find(id=OVERLAY_ID) is None
        assert fixed.select_one("article h1").get_text() == "Tự nguyện (sửa)"


def test_a_mistake_from_the_start_shows_on_an_empty_page(make_project):
    project = make_project({"vi/index.md": HOME.replace("Xin chào.", "Xin chào {{ policy.khong_co }}.")})
    with served(project) as server:
        overlay = server.page("").find(id=OVERLAY_ID)  # no build has succeeded: the mistakes alone
        assert overlay is not None and "content/vi/index.md:5: lỗi:" in overlay.get_text()
        (project.content_dir / "vi/index.md").write_text(HOME, encoding="utf-8")
        server.wait_for("Đã cập nhật.")
        home = server.page("")
        assert home.find(id=OVERLAY_ID) is None and "Xin chào." in home.get_text()


def test_serve_renders_no_sheets_until_one_is_opened(make_project):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": PRINTED})
    renders = project.root / ".outreach-cache"
    with served(project) as server:
        links = [a["href"] for a in server.page("tu-nguyen/").select("a[href$='.pdf']")]
        assert links, "the overview links to its sheets as a real build does"
        assert not (renders / "leaflets").exists() and not (renders / "images").exists()  # none rendered
        # Opened from the page: rendered then, and kept in the shared cache.
        pdf = server.get(urllib.request.urljoin("tu-nguyen/", links[0]).lstrip("/"))
        assert pdf.startswith(b"%PDF")
        assert len(list((renders / "leaflets").rglob("*"))) > 0


def test_the_mistakes_box_escapes_what_content_wrote():
    box = BeautifulSoup(error_overlay([Problem("content/vi/a.md", 3, "Không có `<script>alert(1)</script>`.")]), "html.parser")
    assert box.find("script") is None
    assert box.select_one("li").get_text() == "content/vi/a.md:3: lỗi: Không có `<script>alert(1)</script>`."


def test_saving_without_a_change_leaves_the_open_page_alone(make_project):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    told = []
    preview = Preview(project, BuildOptions(AS_OF, "http://127.0.0.1:8000/"), lambda problems, failed: told.append(failed))
    try:
        assert preview.rebuild() and preview.version == 1 and told == [False]
        assert preview.rebuild() and preview.version == 1 and told == [False]  # nothing new: no reload, nothing said
        page = project.content_dir / "vi/tu-nguyen/index.md"
        page.write_text(OVERVIEW.replace("voluntary.rate", "khong_co"), encoding="utf-8")
        assert not preview.rebuild() and preview.version == 2 and preview.errors and told == [False, True]
        page.write_text(OVERVIEW, encoding="utf-8")  # back as the last good build had it: that build is shown again
        assert preview.rebuild() and preview.version == 3 and not preview.errors and told == [False, True, False]
        # The editor's own files are not content: saving them starts no build.
        before = preview_module._latest_change([project.content_dir])
        (project.content_dir / "vi/.index.md.swp").write_bytes(b"swap")
        assert preview_module._latest_change([project.content_dir]) == before
    finally:
        preview.close()
