"""`outreach serve`: a live preview that never touches the published site.

The preview is built into a temporary folder (never `site/`, so a preview's
`127.0.0.1` address can never end up on a leaflet meant for print), served on
this machine only, and rebuilt when a content file changes. The open browser
page reloads itself after each rebuild: the server adds a few lines of script
to the HTML it serves (the built files stay as a build makes them) that wait
for the next build.

A preview follows the pen, so it builds the website only: its pages link to
sheets and cards as a real build does, and a sheet or card is rendered when
it is opened (from the shared render cache when it is there). `--print` also
rebuilds every sheet and card after each website build, as `outreach build`.

A rebuild that fails leaves the previous pages served, with the mistakes
(file, line, message, in Vietnamese) shown on top of every page until the
next good build takes them away.
"""

from __future__ import annotations

import functools
import html
import http.server
import multiprocessing
import multiprocessing.forkserver
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from ..build import BuildOptions, BuildResult, Composition, Progress, Project, build
from ..cache import ArtifactCache
from ..paper.images import card_files, draw_all, share_specs
from ..paper.leaflet_render import render_all
from ..problems import ContentError, Problem

RELOAD_PATH = "/__outreach/build"
# How long the page's question "is there a newer build than mine?" waits for an answer before asking again.
RELOAD_WAIT_SECONDS = 20
RELOAD_SCRIPT = """<script>
(function () {
  var seen = "%(version)s";
  function ask() {
    fetch("%(path)s?seen=" + seen, {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (id) {
      if (id !== seen) { location.reload(); } else { ask(); }
    }).catch(function () { setTimeout(ask, 1000); });
  }
  ask();
})();
</script>
"""
OVERLAY_ID = "outreach-problems"
# Shown alone when no build has succeeded yet: there is no page to show the mistakes on.
EMPTY_PAGE = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Xem trước</title></head><body></body></html>"


class PortUnavailable(Exception):
    def __init__(self, port: int):
        super().__init__(port)
        self.port = port


class Preview:
    """The preview's state: where it is built, which build is current, and what the last one found wrong."""

    def __init__(self, project: Project, options: BuildOptions, on_problems: Callable[[list[Problem], bool], None],
                 print_materials: bool = False):
        self.project, self.options, self.on_problems = project, options, on_problems
        self.print_materials = print_materials
        self.folder = Path(tempfile.mkdtemp(prefix="outreach-preview-"))
        self.site_dir = self.folder / "site"
        # Renders are shared with real builds; the record of what was built stays with the preview.
        self.cache = ArtifactCache(project.cache_dir, records=self.folder / "builds")
        self.version = 0  # counts finished rebuilds, good or not: the open page reloads to show either
        self.errors: list[Problem] = []  # the last rebuild's mistakes; none once a rebuild succeeds
        self.composition: Composition | None = None  # the last good build's, for sheets and cards asked for
        self.changed = threading.Condition()
        self._rendering = threading.Lock()  # one sheet or card at a time, beside the builds

    def rebuild(self) -> bool:
        """The website, then (with `--print`) every sheet and card; True if the website was updated."""
        updated = self._build(print_materials=False)
        if updated and self.print_materials:
            self._build(print_materials=True)
        return updated

    def _build(self, print_materials: bool) -> bool:
        try:
            result = build(self.project, self.site_dir, self.options, cache=self.cache, preview=True,
                           print_materials=print_materials)
        except ContentError as error:
            self._finished(error.problems)
            self.on_problems(error.problems, True)
            return False
        if self._finished([], result):
            # The page is updated; a sheet whose text does not fit is missing from it, and said so.
            self.on_problems(result.left_out + result.warnings, False)
        return True

    def _finished(self, errors: list[Problem], result: BuildResult | None = None) -> bool:
        """Make this build's outcome the current one; False if there is nothing new to show."""
        with self.changed:
            if result is not None and result.reused and not self.errors:
                return False  # saved without a change: the open page stays as it is
            self.errors = errors
            if result is not None and result.composition is not None:
                self.composition = result.composition
            self.version += 1
            self.changed.notify_all()
            return True

    def wait_for_change(self, seen: str, timeout: float) -> int:
        """The current build's number, once it is not `seen` (or after `timeout` seconds)."""
        with self.changed:
            self.changed.wait_for(lambda: str(self.version) != seen, timeout)
            return self.version

    def rendered_on_demand(self, site_path: str) -> bytes | None:
        """A sheet or a card the pages of the last good build link to, rendered now (the website build leaves them out).

        None if the pages link to no such file; raises ContentError if it does not fit (said why, at the part to shorten).
        """
        composition = self.composition
        if composition is None:
            return None
        for leaflet in composition.leaflets:
            if site_path == leaflet.file():
                with self._rendering:
                    printed = render_all([leaflet], self.project.root, Progress(), self.cache)
                if printed.problems:
                    raise ContentError(printed.problems)
                [(_, rendered)] = printed.sheets
                return next(variant.pdf for variant in rendered.variants if leaflet.file(variant.variant) == site_path)
        for card in composition.cards + share_specs(composition.pages, composition.site, self.options.release):
            if site_path == card.file:
                with self._rendering:
                    drawn = draw_all([card], self.project.root, Progress(), self.cache)
                return card_files(drawn)[site_path]
        return None

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def error_overlay(errors: list[Problem], headline: str = "") -> str:
    """Mistakes as a box on top of the page; every text in it is escaped (content is untrusted).

    Without a `headline`: the last rebuild's mistakes, over the previous build's page.
    """
    headline = headline or (f"<strong>Chưa cập nhật được trang: còn {len(errors)} lỗi.</strong> "
                            "Trang bên dưới là bản trước. Sửa các lỗi sau rồi lưu tệp, trang sẽ tự tải lại.")
    # The page's own font: a monospace one garbles Vietnamese tone marks.
    items = "".join(f"<li>{html.escape(problem.format())}</li>" for problem in errors)
    return (
        f'<div id="{OVERLAY_ID}" role="alert" style="position:fixed;top:0;left:0;right:0;z-index:10000;'
        "max-height:70vh;overflow:auto;background:#fff4f4;color:#5c0000;border-bottom:4px solid #b00020;"
        'padding:1rem 1.25rem;font:16px/1.45 sans-serif;white-space:normal">'
        '<button type="button" onclick="this.parentNode.remove()" style="float:right;font:inherit;margin-left:.5rem">'
        f'Ẩn</button><p style="margin:0 0 .5rem">{headline}</p>'
        f'<ul style="margin:0;padding-left:1.25rem">{items}</ul></div>'
    )


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a page waiting for the next build does not hold the preview open

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a reader who closed the page is no error
            super().handle_error(request, client_address)


class _Handler(http.server.SimpleHTTPRequestHandler):
    preview: Preview

    def log_message(self, format, *args) -> None:  # noqa: A002 - signature from the base class
        pass

    def do_GET(self) -> None:  # noqa: N802 - name from the base class
        address = urlsplit(self.path)
        if address.path == RELOAD_PATH:
            seen = parse_qs(address.query).get("seen", [""])[0]
            version = self.preview.wait_for_change(seen, RELOAD_WAIT_SECONDS)
            self._send(str(version).encode(), "text/plain")
            return
        version, errors = self.preview.version, self.preview.errors  # taken before the page: a newer build reloads it
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if address.path.endswith(("/", ".html")) and (path.suffix == ".html" and path.is_file() or errors):
            page = path.read_text(encoding="utf-8") if path.is_file() else EMPTY_PAGE
            extra = (error_overlay(errors) if errors else "") + RELOAD_SCRIPT % {"version": version, "path": RELOAD_PATH}
            self._send(page.replace("</body>", extra + "</body>", 1).encode("utf-8"), "text/html; charset=utf-8")
            return
        if not path.exists():
            try:
                body = self.preview.rendered_on_demand(unquote(address.path).lstrip("/"))
            except ContentError as error:
                overlay = error_overlay(error.problems, "<strong>Tờ in này chưa tạo được</strong> (bản xem trước không có tờ "
                                                        "không vừa khổ, bản chính thức cũng vậy). Sửa rồi mở lại tờ.")
                self._send(EMPTY_PAGE.replace("</body>", overlay + "</body>").encode("utf-8"), "text/html; charset=utf-8")
                return
            if body is not None:
                self._send(body, self.guess_type(str(path)))
                return
        super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(project: Project, as_of, port: int, on_problems: Callable[[list[Problem], bool], None],
          on_ready: Callable[[str], None], stop: threading.Event | None = None, print_materials: bool = False) -> None:
    """Build, serve on 127.0.0.1:`port`, rebuild on every change until interrupted (or `stop` is set)."""
    # The server answers from threads while builds start worker processes: a worker forked
    # while such a thread holds a lock would wait for it forever. Workers come from a fork
    # server instead, a single-threaded process that has the build's modules loaded already.
    multiprocessing.set_forkserver_preload(["generator.build", "generator.web.mkdocs_plugin"])
    multiprocessing.set_start_method("forkserver", force=True)
    # Started now, so that it loads those modules on the other core while the first build reads the content.
    multiprocessing.forkserver.ensure_running()
    address = f"http://127.0.0.1:{port}/"
    preview = Preview(project, BuildOptions(as_of, address), on_problems, print_materials)
    handler = type("PreviewHandler", (_Handler,), {"preview": preview})
    try:
        server = _Server(("127.0.0.1", port), functools.partial(handler, directory=str(preview.site_dir)))
    except OSError as error:
        preview.close()
        raise PortUnavailable(port) from error
    watched = [project.content_dir, project.config_file]
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        # Stopped by a process manager or an editor's task runner (SIGTERM) as by Ctrl+C: the temporary folder goes too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        # Taken before building: an edit made while a build runs starts another one.
        stamp = _latest_change(watched)
        preview.rebuild()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        on_ready(address)
        # A save is seen within a fifth of a second; looking costs a few milliseconds of one core.
        while not stop.wait(0.2):
            latest = _latest_change(watched)
            if latest != stamp:
                stamp = latest
                preview.rebuild()
    finally:
        server.shutdown()
        server.server_close()
        preview.close()


def _latest_change(paths: list[Path]) -> tuple[int, int]:
    """When the newest input was saved, and how many there are (a deleted file changes the count)."""
    # Hidden files (an editor's swap and backup files) are no content: saving them changes nothing.
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("[!.]*"))
             if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p.parent).parts)]
    return max((f.stat().st_mtime_ns for f in files), default=0), len(files)
