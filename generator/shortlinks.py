"""Permanent short links for QR codes on paper.

A printed leaflet lives for years, so a code, once issued, must keep working:
`content/qr-lock.yml` records every code ever issued and the Vietnamese page
it opens (the same page in the reader's language is reached through that
language's prefix). The build adds new codes to the lockfile and refuses to
run when a locked code would lead nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import yamlfile
from .content import SourcePage
from .languages import DEFAULT_LANGUAGE
from .problems import ProblemLog

LOCKFILE_HEADER = """\
# Mã QR đã cấp (do `outreach build` ghi thêm). KHÔNG xoá dòng nào: giấy đã in vẫn dùng các mã này.
# Mỗi dòng `mã: trang tiếng Việt`. Khi chuyển trang sang chỗ mới, sửa đường dẫn ở dòng đó.
"""
CODE_PATTERN = re.compile(r"^[a-z0-9]{1,8}$")


@dataclass(frozen=True)
class ShortLink:
    code: str
    rel: str  # the Vietnamese page it opens, relative to content/vi/


def _initials(rel: str) -> str:
    slug = rel.split("/")[0] if rel.endswith("/index.md") else rel.removesuffix(".md").replace("/", "-")
    return "".join(word[0] for word in slug.split("-") if word)[:6] or "p"


def _read_lock(path: Path, log: ProblemLog) -> dict[str, str] | None:
    if not path.exists():
        return {}
    try:
        data = yamlfile.load(path)
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"YAML không hợp lệ ({error.detail}). Mỗi dòng phải là `mã: đường/dẫn.md`.")
        return None
    data = data or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        log.error(path, 1, "Mỗi dòng phải là `mã: đường/dẫn.md`.")
        return None
    return {str(code): rel for code, rel in data.items()}


def assign_short_links(lock_path: Path, sources: list[SourcePage], log: ProblemLog) -> tuple[list[ShortLink], dict[str, str]]:
    """Codes for every locked code, every page asking for one (`qr:`) and every audience overview.

    Returns the links and the lockfile's new contents (old entries untouched).
    """
    lock = _read_lock(lock_path, log)
    if lock is None:
        return [], {}
    pages = {p.rel: p for p in sources if p.lang == DEFAULT_LANGUAGE}
    for code, rel in lock.items():
        if rel not in pages:
            log.error(lock_path, 1,
                      f"Mã QR `{code}` đã cấp (có thể đã in trên giấy) trỏ tới trang `content/vi/{rel}`, nhưng trang này không còn. "
                      f"Khôi phục trang, hoặc sửa dòng `{code}:` trong content/qr-lock.yml thành đường dẫn mới của trang.")
    updated = dict(lock)
    codes_of = {}
    for code, rel in lock.items():
        codes_of.setdefault(rel, code)
    for page in pages.values():
        wanted = page.requested_qr
        if wanted is not None:
            if not CODE_PATTERN.match(wanted):
                log.error(page.path, page.qr_line, f"Mã QR `{wanted}` không hợp lệ: dùng 1–8 chữ thường không dấu hoặc số.")
                continue
            if updated.get(wanted, page.rel) != page.rel:
                log.error(page.path, page.qr_line, f"Mã QR `{wanted}` đã cấp cho `content/vi/{updated[wanted]}`. Chọn mã khác.")
                continue
            updated[wanted] = page.rel
            codes_of.setdefault(page.rel, wanted)
        elif page.rel not in codes_of and page.audience and page.rel.endswith("/index.md"):
            code = _free_code(_initials(page.rel), updated)
            updated[code] = page.rel
            codes_of[page.rel] = code
    links = [ShortLink(code, rel) for code, rel in updated.items() if rel in pages]
    return sorted(links, key=lambda link: link.code), updated


def _free_code(stem: str, taken: dict[str, str]) -> str:
    code, n = stem, 1
    while code in taken:
        n += 1
        code = f"{stem}{n}"
    return code


def write_lock(lock_path: Path, entries: dict[str, str]) -> None:
    body = "".join(f"{code}: {rel}\n" for code, rel in entries.items())
    text = LOCKFILE_HEADER + body
    if not lock_path.exists() or lock_path.read_text(encoding="utf-8") != text:
        lock_path.write_text(text, encoding="utf-8")
