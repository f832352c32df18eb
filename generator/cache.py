"""Build cache: artifacts keyed by a hash of everything that affects them.

Leaflets and images are expensive (WeasyPrint takes about half a second a
page). Each is stored under a key hashed from its complete input (the HTML
document or the card's data), the fonts, the code that renders it and the
versions of the libraries involved, so any change to any of them is a miss.

A whole build is also fingerprinted from every input file; when nothing
changed since the last successful build of the same site directory, the
site is left as it is.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import os
import pickle
import signal
import tempfile
from pathlib import Path
from .assets import FONTS_DIR

# Every library whose upgrade can change a byte of the output: the site's pages and stylesheets (MkDocs,
# Material, Markdown, the nh3 sanitizer, rcssmin, tinycss2 for the stylesheet purge), the PDFs (WeasyPrint and
# what it lays out and writes with: pydyf, fontTools' subsetting, Pyphen's hyphenation, cssselect2, tinycss2),
# the previews (pypdfium2), the images and codes (Pillow, qrcode), and the data (Babel, Jinja, PyYAML).
FINGERPRINT_LIBRARIES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "babel", "nh3", "rcssmin",
                         "tinycss2", "cssselect2", "weasyprint", "pydyf", "fonttools", "pyphen", "pypdfium2",
                         "pillow", "qrcode", "jinja2", "pyyaml")


def digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def files_digest(paths) -> str:
    paths = sorted(paths)
    return digest(*(part for p in paths for part in (p.as_posix(), p.read_bytes())))


def library_versions(names=FINGERPRINT_LIBRARIES) -> str:
    from importlib import metadata  # a tenth of a second to load: only builds need it, not `outreach --help`

    return ";".join(f"{name}={metadata.version(name)}" for name in names)


def code_digest(*module_files: Path) -> str:
    """The rendering code itself: a change to it is a change to every artifact it made."""
    fonts = sorted(FONTS_DIR.glob("*.ttf"))
    return digest(files_digest([Path(f) for f in module_files] + fonts), library_versions())


def machine_cache(kind: str) -> Path | None:
    """A per-user folder for what depends only on installed software, not on any project.

    Material's compiled templates and its trimmed stylesheet are the same for
    every project and every build until Material is upgraded, so like Jinja's
    and pip's caches they live in the user's cache folder (XDG_CACHE_HOME,
    else ~/.cache). None if it cannot be written: the build then does without.
    """
    try:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bhxh-outreach" / kind
        root.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    return root if os.access(root, os.W_OK) else None


def _leave_interrupts_to_the_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def worker_pool(workers: int):
    """A process pool whose workers leave Ctrl+C to this process, which stops and says so once.

    Ctrl+C reaches every process of the terminal's group. A worker hit while
    it starts prints a traceback and may leave the pool waiting for it, so the
    workers are started with SIGINT blocked, then ignore it; the interruption
    is delivered here once they run, and work not yet started is cancelled.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, initializer=_leave_interrupts_to_the_parent)
        pool.submit(int).result()  # starts the workers now, while SIGINT is blocked
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


class Progress:
    """Told about long steps; the CLI shows a bar on a terminal, plain lines elsewhere."""

    def start(self, label: str, total: int) -> None: ...

    def advance(self) -> None: ...

    def finish(self) -> None: ...

    def left_out(self, problems: list["Problem"]) -> None:
        """Sheets that will not be printed, and why: told before the long steps start."""


def render_cached(cache: "ArtifactCache", kind: str, items: list, keys: list[str], labels: list[str],
                  render, progress, title: str, workers: int | None = None, prepare=None) -> list:
    """Each item's result from the cache, or rendered by `render` in a process pool on all cores, then cached.

    `render` is a module-level function of one item (it runs in worker processes).
    `prepare`, if given, runs here once there is something to render, before the
    workers start: what it imports, the forked workers share instead of each importing it.
    """
    results = [cache.get(kind, key, label) for key, label in zip(keys, labels)]
    todo = [i for i, result in enumerate(results) if result is None]
    progress.start(title, len(todo))
    if todo:
        if prepare:
            prepare()
        with worker_pool(max(1, min(len(todo), workers or os.cpu_count() or 1))) as pool:
            futures = {pool.submit(render, items[i]): i for i in todo}
            for future in concurrent.futures.as_completed(futures):
                index = futures[future]
                results[index] = future.result()
                cache.put(kind, keys[index], results[index])
                progress.advance()
    progress.finish()
    return results


class ArtifactCache:
    """A directory of pickled render results; None as root disables caching.

    `also_read` are caches consulted, never written, after the root: `outreach
    check` reads the project's cache and writes its own renders elsewhere.
    `records`: where whole-build fingerprints go, if not beside the artifacts (a preview keeps its own).
    """

    def __init__(self, root: Path | None, also_read: tuple[Path, ...] = (), records: Path | None = None):
        self.root = root
        self.also_read = also_read
        self.records = records or (root / "builds" if root else None)
        self.hits: list[str] = []
        self.misses: list[str] = []

    def apart(self) -> "ArtifactCache":
        """The same stored artifacts with hits and misses of their own: the tally of sheets and
        images rendered stays theirs alone when pages and QR codes are looked up too."""
        return ArtifactCache(self.root, self.also_read, self.records)

    def _path(self, kind: str, key: str, root: Path | None = None) -> Path:
        return (root or self.root) / kind / key[:2] / key

    def get(self, kind: str, key: str, label: str):
        roots = ([self.root] if self.root is not None else []) + list(self.also_read)
        for path in (self._path(kind, key, root) for root in roots):
            if path.exists():
                self.hits.append(label)
                return pickle.loads(path.read_bytes())
        self.misses.append(label)
        return None

    def put(self, kind: str, key: str, value) -> None:
        if self.root is None:
            return
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a build interrupted mid-write leaves no half entry.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(pickle.dumps(value))
        Path(handle.name).replace(path)

    # --- whole-build fingerprint ---

    def _record(self, site_dir: Path) -> Path:
        return self.records / digest(str(site_dir.resolve()))

    def last_build(self, site_dir: Path) -> dict | None:
        if self.records is None or not self._record(site_dir).exists() or not site_dir.exists():
            return None
        return json.loads(self._record(site_dir).read_text(encoding="utf-8"))

    def record_build(self, site_dir: Path, fingerprint: str, warnings) -> None:
        """The inputs of the build that made `site_dir`, and its warnings, told again when nothing changed."""
        if self.records is not None:
            record = self._record(site_dir)
            record.parent.mkdir(parents=True, exist_ok=True)
            entries = [{"path": w.path, "line": w.line, "message": w.message, "seen_in": w.seen_in, "severity": w.severity.name,
                        "topic": w.topic} for w in warnings]
            record.write_text(json.dumps({"fingerprint": fingerprint, "warnings": entries}, ensure_ascii=False), encoding="utf-8")
