"""The province's web server: an nginx configuration written by every build.

A static site served as nginx serves by default (Last-Modified, no
Cache-Control) lets a phone reuse an old page for days by heuristic freshness:
after a redeploy with a changed figure, ordinary visits kept showing the old
one. `_server/nginx.conf` is an include for the province's `server { }` block
that serves the site under its base path (`site_url`'s path, `/tuyen-truyen/`)
with, for each kind of file (`KINDS`), the Cache-Control it needs; the short
codes as real 302s (the rules of `redirects.py`); each language's 404 page;
gzip; security headers, among them a Content-Security-Policy that lets only
the site's own scripts run (files from the site, and the inline scripts the
build wrote, by hash); and an access log in the combined format that
`outreach stats` reads.

The site must sit at `<the server's root>/<base path>`; the configuration
names no folder of the server, so the same file works on any machine (README,
"Deploying on the province's nginx").
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

import jinja2

from ..assets import TEMPLATES_DIR
from ..compose.qr import QrCode
from ..sources.languages import Language
from .redirects import STATUS, redirect_rules
from .webapp import SERVICE_WORKER

SERVER_DIR = "_server"  # never served: the configuration's own folder
NGINX_CONF = f"{SERVER_DIR}/nginx.conf"
# Debian's access log: `outreach stats /var/log/nginx/access.log*` reads it (README).
ACCESS_LOG = "/var/log/nginx/access.log"
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Kind:
    """A kind of file and how long a browser may keep it without asking again."""

    name: str
    cache_control: str


# Pages and the service worker: asked for again on every visit (a 304 when unchanged), so a
# redeploy reaches the next visit. Material's files are named by their content: a new
# version has a new name, so a copy can be kept for a year untouched. Sheets, cards, QR
# images and the rest keep their names across changes: kept, but checked before each use.
HTML = Kind("html", "no-cache")
WORKER = Kind("service worker", "no-cache")
HASHED = Kind("content-hashed", f"public, max-age={YEAR}, immutable")
REVALIDATED = Kind("revalidated", "public, max-age=0, must-revalidate")
KINDS = (HTML, WORKER, HASHED, REVALIDATED)

SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    # Our own log sees which page a reader came from; other sites never see an address of ours.
    ("Referrer-Policy", "same-origin"),
)

_INLINE_SCRIPT = re.compile(r"<script(?P<attributes>(?:\s[^>]*)?)>(?P<code>.*?)</script>", re.S)
_DATA_TYPE = re.compile(r"""\stype\s*=\s*["']?(?!(?:text|application)/javascript|module)[\w/+.-]+""", re.I)
# Inside double quotes none of these means anything to nginx: no variable (`$`), no escape, no block.
_SAFE_VALUE = re.compile(r"[A-Za-z0-9/._~%+=' :;,*()-]*")

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "server"),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def nginx_value(value: str) -> str:
    """A value in nginx's configuration, quoted; only characters that mean nothing to nginx are let through."""
    if not _SAFE_VALUE.fullmatch(value):
        raise ValueError(f"{value!r} cannot be written into the nginx configuration")
    return f'"{value}"'


_TEMPLATES.filters["nginx"] = nginx_value


def inline_script_hashes(pages: Mapping[str, bytes]) -> list[str]:
    """CSP sources (`'sha256-…'`) of every inline script the given HTML files run, sorted."""
    hashes = set()
    for html in pages.values():
        for script in _INLINE_SCRIPT.finditer(html.decode("utf-8")):
            attributes = script["attributes"]
            if " src=" in attributes or _DATA_TYPE.search(attributes):
                continue  # a file of the site, or data (JSON) that never runs
            code = script["code"].encode("utf-8")
            hashes.add("'sha256-" + base64.b64encode(hashlib.sha256(code).digest()).decode("ascii") + "'")
    return sorted(hashes)


def content_security_policy(script_hashes: list[str]) -> str:
    # Styles: Material writes `style` attributes in its markup and inline SVG; a style cannot run code.
    return "; ".join((
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes) if script_hashes else "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ))


def site_html(site_dir: Path, files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Every HTML file of the site: the website's pages on disk, and the files about to be written."""
    pages = {path.relative_to(site_dir).as_posix(): path.read_bytes() for path in site_dir.rglob("*.html")}
    pages.update({path: data for path, data in files.items() if path.endswith(".html")})
    return pages


def server_files(site_dir: Path, files: Mapping[str, bytes], codes: list[QrCode], site_url: str,
                 languages: tuple[Language, ...]) -> dict[str, bytes]:
    """`_server/nginx.conf` for the site in `site_dir` completed by `files` (site path -> bytes)."""
    base = urlsplit(site_url).path.rstrip("/") + "/"
    rules = [(short, target) for short, target in redirect_rules(codes, site_url)]
    config = _TEMPLATES.get_template("nginx.conf").render(
        base=base,
        languages=[language.url_prefix for language in languages if language.url_prefix],
        server_dir=base + SERVER_DIR + "/",
        service_worker=base + SERVICE_WORKER,
        redirects=[(short.rstrip("/"), short, target) for short, target in rules],
        status=STATUS,
        kinds={"html": HTML, "worker": WORKER, "hashed": HASHED, "revalidated": REVALIDATED},
        security_headers=[("Content-Security-Policy", content_security_policy(inline_script_hashes(site_html(site_dir, files)))),
                          *SECURITY_HEADERS],
        access_log=ACCESS_LOG,
    )
    return {NGINX_CONF: config.encode("utf-8")}
