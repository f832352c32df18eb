"""`outreach serve`: a live preview that never touches the published site.

The preview is built into a temporary folder (never `site/`, so a preview's
`127.0.0.1` address can never end up on a leaflet meant for print), served on
this machine only, and rebuilt when a content file changes. The open browser
page reloads itself after each rebuild: the server adds a few lines of script
to the HTML it serves (the built files stay as a build makes them) that ask
which build is current.

The first answer comes quickly: the first build makes the web pages only;
leaflets and cards follow in a second build while the communicator reads.
"""

from __future__ import annotations

import functools
import http.server
import multiprocessing
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

from ..build import BuildOptions, Project, build
from ..cache import ArtifactCache
from ..problems import ContentError, Problem

RELOAD_PATH = "/__outreach/build"
RELOAD_SCRIPT = f"""<script>
(function () {{
  var seen = null;
  setInterval(function () {{
    fetch("{RELOAD_PATH}", {{cache: "no-store"}}).then(function (r) {{ return r.text(); }}).then(function (id) {{
      if (seen === null) {{ seen = id; }} else if (id !== seen) {{ location.reload(); }}
    }}).catch(function () {{}});
  }}, 1000);
}})();
</script>
"""


class PortUnavailable(Exception):
    def __init__(self, port: int):
        super().__init__(port)
        self.port = port


class Preview:
    """The preview's state: where it is built and which build is current."""

    def __init__(self, project: Project, options: BuildOptions, on_problems: Callable[[list[Problem], bool], None]):
        self.project, self.options, self.on_problems = project, options, on_problems
        self.folder = Path(tempfile.mkdtemp(prefix="outreach-preview-"))
        self.site_dir = self.folder / "site"
        # Renders are shared with real builds; the record of what was built stays with the preview.
        self.cache = ArtifactCache(project.cache_dir, records=self.folder / "builds")
        self.build_id = 0

    def rebuild(self, print_materials: bool = True) -> bool:
        try:
            result = build(self.project, self.site_dir, self.options, cache=self.cache, preview=True,
                           print_materials=print_materials)
        except ContentError as error:
            self.on_problems(error.problems, True)
            return False
        # The page is updated; a sheet whose text does not fit is missing from it, and said so.
        self.on_problems(result.left_out + result.warnings, False)
        self.build_id += 1
        return True

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class _Handler(http.server.SimpleHTTPRequestHandler):
    preview: Preview

    def log_message(self, format, *args) -> None:  # noqa: A002 - signature from the base class
        pass

    def do_GET(self) -> None:  # noqa: N802 - name from the base class
        if self.path == RELOAD_PATH:
            self._send(str(self.preview.build_id).encode(), "text/plain")
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file() and self.path.endswith(("/", ".html")):
            html = path.read_text(encoding="utf-8")
            self._send(html.replace("</body>", RELOAD_SCRIPT + "</body>", 1).encode("utf-8"), "text/html; charset=utf-8")
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
          on_ready: Callable[[str], None], stop: threading.Event | None = None) -> None:
    """Build, serve on 127.0.0.1:`port`, rebuild on every change until interrupted (or `stop` is set)."""
    # The server answers from a thread while builds start worker processes: a worker forked
    # while that thread holds a lock would wait for it forever. Workers come from a fork
    # server instead, a single-threaded process that has the build's modules loaded already.
    multiprocessing.set_forkserver_preload(["generator.build"])
    multiprocessing.set_start_method("forkserver", force=True)
    address = f"http://127.0.0.1:{port}/"
    preview = Preview(project, BuildOptions(as_of, address), on_problems)
    handler = type("PreviewHandler", (_Handler,), {"preview": preview})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(preview.site_dir)))
    except OSError as error:
        preview.close()
        raise PortUnavailable(port) from error
    watched = [project.content_dir]
    try:
        # Taken before building: an edit made while a build runs starts another one.
        stamp = _latest_change(watched)
        preview.rebuild(print_materials=False)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        on_ready(address)
        preview.rebuild()
        while not (stop and stop.is_set()):
            time.sleep(0.5)
            latest = _latest_change(watched)
            if latest != stamp:
                stamp = latest
                preview.rebuild()
    finally:
        server.shutdown()
        server.server_close()
        preview.close()


def _latest_change(paths: list[Path]) -> tuple[float, int]:
    files = [f for p in paths for f in p.rglob("*") if f.is_file()]
    return max((f.stat().st_mtime for f in files), default=0.0), len(files)
