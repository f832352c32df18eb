"""Site URLs: directory-style and relative, so the site works under any base path."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..sources.content import PageKey


def page_url(key: "PageKey", prefix: str = "") -> str:
    """Directory-style URL, as MkDocs writes it with use_directory_urls: "tu-nguyen/", "tu-nguyen/hoi-dap/"."""
    folder = f"{key.audience}/" if key.audience else ""
    return prefix + folder + ("" if key.opens_folder else f"{key.name}/")


def relative_url(from_url: str, to_url: str) -> str:
    """Link from a directory-style page URL to another page or a file, valid under any base path."""
    link = posixpath.relpath("/" + to_url, "/" + from_url)
    return link + "/" if to_url.endswith("/") or to_url == "" else link
