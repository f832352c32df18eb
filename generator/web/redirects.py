"""Short links served as redirects: a tiny page per code, and rules for real servers.

The site works on any static host: `q/<code>/index.html` sends the reader on.
A server that reads `_redirects` (Netlify, Cloudflare Pages) or the build's
nginx configuration (`server.py`, from the same rules) answers with a real 302
instead, which is faster on a slow network and lets `outreach stats` count
scans in the access log. A 302, not a 301: browsers keep a 301 for good, so a
phone that scanned a code once would never ask the server again (no scan
counted) and never follow the code if it is moved to another page.
`nginx-redirects.map` holds the same rules for a server that prefers an
http-level `map`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import jinja2

from ..assets import TEMPLATES_DIR
from ..compose.qr import QrCode
from ..render.urls import relative_url
from .webapp import FAVICON

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "site"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
STATUS = 302


def redirect_rules(codes: list[QrCode], site_url: str) -> list[tuple[str, str]]:
    """(short path, target path) of every code, both absolute paths under the site's base path."""
    base_path = urlsplit(site_url).path.rstrip("/")
    return [(f"{base_path}/{qr.short_path}", f"{base_path}/{qr.target}") for qr in codes]


def redirect_files(codes: list[QrCode], site_url: str) -> dict[str, bytes]:
    """Site-relative path -> bytes: one redirect page per code, `_redirects` and the nginx map."""
    template = TEMPLATES.get_template("redirect.html")
    files = {
        f"{qr.short_path}index.html": template.render(target=relative_url(qr.short_path, qr.target),
                                                        icon=relative_url(qr.short_path, FAVICON),
                                                        lang=qr.lang.html_lang).encode("utf-8")
        for qr in codes
    }
    rules = redirect_rules(codes, site_url)
    files["_redirects"] = "".join(f"{short} {target} {STATUS}\n" for short, target in rules).encode("utf-8")
    files["nginx-redirects.map"] = "".join(f"{short} {target};\n" for short, target in rules).encode("utf-8")
    return files
