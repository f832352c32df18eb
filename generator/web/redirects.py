"""Short links served as redirects: a tiny page per code, and rules for real servers.

The site works on any static host: `q/<code>/index.html` sends the reader on.
A server that reads `_redirects` (Netlify, Cloudflare Pages) or includes
`nginx-redirects.map` answers with a real 301 instead, which is faster on a
slow network and lets `outreach stats` count scans in the access log.
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


def redirect_files(codes: list[QrCode], site_url: str) -> dict[str, bytes]:
    """Site-relative path -> bytes: one redirect page per code, `_redirects` and the nginx map."""
    template = TEMPLATES.get_template("redirect.html")
    files = {
        f"{qr.short_path}index.html": template.render(target=relative_url(qr.short_path, qr.target),
                                                        icon=relative_url(qr.short_path, FAVICON),
                                                        lang=qr.lang.html_lang).encode("utf-8")
        for qr in codes
    }
    base_path = urlsplit(site_url).path.rstrip("/")
    files["_redirects"] = "".join(f"{base_path}/{qr.short_path} {base_path}/{qr.target} 301\n" for qr in codes).encode("utf-8")
    files["nginx-redirects.map"] = "".join(f"{base_path}/{qr.short_path} {base_path}/{qr.target};\n" for qr in codes).encode("utf-8")
    return files
