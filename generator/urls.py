"""Site URLs: directory-style and relative, so the site works under any base path."""

from __future__ import annotations

import posixpath


def page_url(rel: str, prefix: str = "") -> str:
    """Directory-style URL, as MkDocs writes it with use_directory_urls."""
    stem = rel[: -len(".md")]
    if stem == "index":
        path = ""
    elif stem.endswith("/index"):
        path = stem[: -len("index")]
    else:
        path = stem + "/"
    return prefix + path


def relative_url(from_url: str, to_url: str) -> str:
    """Link from a directory-style page URL to another page or a file, valid under any base path."""
    link = posixpath.relpath("/" + to_url, "/" + from_url)
    return link + "/" if to_url.endswith("/") or to_url == "" else link
