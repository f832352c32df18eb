"""Reading and validating the communicators' content.

Layout: `content/site.yml` (audiences, contacts), `content/policy.yml` (figures)
and one folder per language, `content/<lang>/`, holding `index.md` (the home
page) and one folder per audience, with the same slugs in every language.

Each Markdown file starts with YAML front matter. Vietnamese pages are the
source; a Bahnar or Jrai page is a translation of the Vietnamese page at the
same path and records which version of it it translates (`source_hash`).
"""

from __future__ import annotations

import difflib
import hashlib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from . import yamlfile
from .languages import DEFAULT_LANGUAGE, Language
from .problems import ProblemLog

KINDS = ("guide", "faq", "calculator")
TRANSLATION_STATUSES = ("draft", "reviewed")
HASH_LENGTH = 12


@dataclass(frozen=True)
class Audience:
    slug: str
    line: int  # where site.yml declares it
    icon: str | None = None  # the cover icon of its leaflets, a file name in generator/icons/


@dataclass(frozen=True)
class SiteConfig:
    path: Path
    audiences: tuple[Audience, ...]
    contacts: Mapping[str, str]
    issuer: str = ""  # who publishes the leaflets, printed on their covers

    @property
    def audience_slugs(self) -> tuple[str, ...]:
        return tuple(a.slug for a in self.audiences)


@dataclass(frozen=True)
class Translation:
    source: str  # the Vietnamese file, relative to content/ ("vi/tu-nguyen/index.md")
    source_hash: str  # content_hash() of that file when it was translated
    status: str  # draft | reviewed
    reviewer: str | None


@dataclass(frozen=True)
class SourcePage:
    lang: str
    path: Path
    rel: str  # path inside the language folder: "tu-nguyen/index.md"
    audience: str | None  # None for pages outside an audience folder (home)
    title: str
    kind: str
    order: int
    description: str
    body: str
    body_line: int  # line of the file where `body` starts
    content_hash: str
    translation: Translation | None
    requested_qr: str | None = None  # front matter `qr:`, a short code for this page
    qr_line: int = 1

    @property
    def status(self) -> str:
        return self.translation.status if self.translation else "source"


def content_hash(text: str) -> str:
    """Short, stable fingerprint of a Vietnamese page, recorded by translators."""
    normalized = text.replace("\r\n", "\n").strip()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:HASH_LENGTH]


# --- site.yml ----------------------------------------------------------------


def load_site_config(path: Path, log: ProblemLog) -> SiteConfig:
    empty = SiteConfig(path, (), MappingProxyType({}))
    data = _load_yaml_file(path, log)
    if data is None:
        return empty
    if not isinstance(data, dict) or not isinstance(data.get("audiences"), list):
        log.error(path, 1, "Cần mục `audiences:` liệt kê các nhóm đối tượng, mỗi dòng `- slug: ten-nhom`.")
        return empty
    audiences = []
    for entry in data["audiences"]:
        line = getattr(entry, "line", data.line_of("audiences"))
        slug = entry.get("slug") if isinstance(entry, dict) else None
        if not isinstance(slug, str) or not _is_slug(slug):
            log.error(path, line, "Mỗi nhóm đối tượng cần `slug:` viết thường, không dấu, nối bằng gạch ngang (ví dụ `tu-nguyen`).")
            continue
        if slug in (a.slug for a in audiences):
            log.error(path, line, f"Nhóm đối tượng `{slug}` bị khai báo hai lần. Xoá một dòng.")
            continue
        icon = entry.get("icon")
        audiences.append(Audience(slug, line, str(icon) if icon else None))
    contacts = data.get("contacts") or {}
    return SiteConfig(path, tuple(audiences), MappingProxyType({str(k): str(v) for k, v in contacts.items()}),
                      str(data.get("issuer") or "").strip())


def _is_slug(text: str) -> bool:
    return bool(text) and all(c.islower() and c.isascii() or c.isdigit() or c == "-" for c in text)


def _load_yaml_file(path: Path, log: ProblemLog):
    if not path.exists():
        log.error(path, 1, "Không tìm thấy tệp này. Hãy tạo lại (xem README).")
        return None
    try:
        return yamlfile.load(path)
    except UnicodeDecodeError:
        log.error(path, 1, "Tệp không ở bảng mã UTF-8. Hãy mở tệp và lưu lại với bảng mã UTF-8.")
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"YAML không hợp lệ ({error.detail}). Kiểm tra thụt lề và dấu hai chấm.")
    return None


# --- Markdown pages ----------------------------------------------------------


def load_pages(content_dir: Path, languages: tuple[Language, ...], site: SiteConfig, log: ProblemLog) -> list[SourcePage]:
    pages: list[SourcePage] = []
    for language in languages:
        folder = content_dir / language.code
        if not folder.is_dir():
            log.error(folder, 1, f"Thiếu thư mục ngôn ngữ `{language.code}`. Hãy tạo thư mục `content/{language.code}/`.")
            continue
        for path in sorted(folder.rglob("*.md")):
            page = _read_page(path, folder, language.code, site, log)
            if page is not None:
                pages.append(page)
    _check_translations(pages, log)
    return pages


def _read_page(path: Path, folder: Path, lang: str, site: SiteConfig, log: ProblemLog) -> SourcePage | None:
    rel = path.relative_to(folder).as_posix()
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        log.error(path, line, "Tệp không ở bảng mã UTF-8 (có ký tự không đọc được). Hãy lưu lại tệp với bảng mã UTF-8.")
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        log.error(path, 1, "Tệp trống. Hãy viết nội dung, hoặc xoá tệp nếu không cần.")
        return None

    parts = rel.split("/")
    audience = parts[0] if len(parts) > 1 else None
    if len(parts) > 2:
        log.error(path, 1, "Trang nằm quá sâu: mỗi trang phải ở `content/<ngôn ngữ>/<nhóm đối tượng>/`.")
        return None
    if audience is not None and audience not in site.audience_slugs:
        known = ", ".join(site.audience_slugs)
        log.error(path, 1, f"Thư mục `{audience}` không phải nhóm đối tượng đã khai báo trong content/site.yml ({known}). Đổi tên thư mục hoặc khai báo nhóm mới.")
        return None

    meta, body, body_line = _split_front_matter(path, text, log)
    if meta is None:
        return None

    ok = True
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        log.error(path, 2, "Thiếu tiêu đề. Thêm dòng `title: Tiêu đề trang` vào phần đầu trang (giữa hai dòng ---).")
        ok = False
    kind = meta.get("kind", "guide")
    if kind not in KINDS:
        log.error(path, meta.line_of("kind"), f"`kind: {kind}` không hợp lệ. Chọn `guide` (bài hướng dẫn), `faq` (hỏi đáp) hoặc `calculator` (trang tính tiền đóng).")
        ok = False
    order = meta.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        log.error(path, meta.line_of("order"), "`order` phải là số nguyên (thứ tự trang trong mục).")
        ok = False
    description = meta.get("description", "")
    translation = None
    if lang != DEFAULT_LANGUAGE:
        translation = _translation_meta(path, rel, lang, meta, log)
        ok = ok and translation is not None
    elif "status" in meta:
        log.error(path, meta.line_of("status"), "Trang tiếng Việt là bản gốc, không cần `status`. Xoá dòng này.")
        ok = False
    if not ok:
        return None
    return SourcePage(
        lang=lang,
        path=path,
        rel=rel,
        audience=audience,
        title=title.strip(),
        kind=kind,
        order=order,
        description=str(description or ""),
        body=body,
        body_line=body_line,
        content_hash=content_hash(text),
        translation=translation,
        requested_qr=str(meta["qr"]) if meta.get("qr") is not None else None,
        qr_line=meta.line_of("qr"),
    )


def _split_front_matter(path: Path, text: str, log: ProblemLog):
    lines = text.split("\n")
    if lines[0].strip() != "---":
        log.error(path, 1, "Thiếu phần đầu trang. Dòng đầu tiên phải là `---`, sau đó `title: ...`, rồi một dòng `---`.")
        return None, "", 0
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        log.error(path, 1, "Phần đầu trang mở bằng `---` nhưng không có dòng `---` đóng lại. Thêm một dòng `---` sau các dòng thông tin.")
        return None, "", 0
    try:
        meta = yamlfile.parse("\n".join(lines[1:end]), first_line=2)
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"Phần đầu trang không đúng cú pháp YAML ({error.detail}). Mỗi dòng phải có dạng `tên: giá trị`; "
                  "giá trị bắt đầu bằng dấu ' hoặc có dấu hai chấm (như 'Bok) thì đặt trong ngoặc kép: `title: \"'Bok ...\"`.")
        return None, "", 0
    if meta is None:
        meta = yamlfile.parse("{}")
    if not isinstance(meta, dict):
        log.error(path, 2, "Phần đầu trang phải gồm các dòng `tên: giá trị`.")
        return None, "", 0
    return meta, "\n".join(lines[end + 1 :]), end + 2


def _translation_meta(path, rel, lang, meta, log) -> Translation | None:
    ok = True
    status = meta.get("status")
    if status not in TRANSLATION_STATUSES:
        log.error(path, meta.line_of("status") if "status" in meta else 2,
                  "Trang dịch cần `status: draft` (bản nháp) hoặc `status: reviewed` (người bản ngữ đã kiểm tra).")
        ok = False
    expected_source = f"{DEFAULT_LANGUAGE}/{rel}"
    source = meta.get("source")
    if source != expected_source:
        log.error(path, meta.line_of("source") if "source" in meta else 2,
                  f"Trang dịch cần `source: {expected_source}` (trang tiếng Việt được dịch, cùng đường dẫn).")
        ok = False
    source_hash = meta.get("source_hash")
    if isinstance(source_hash, int) and not isinstance(source_hash, bool):
        # An all-digit hash reads as a number in YAML; its leading zeros come back here.
        source_hash = f"{source_hash:0{HASH_LENGTH}d}"
    if not isinstance(source_hash, str) or len(source_hash) != HASH_LENGTH:
        log.error(path, meta.line_of("source_hash") if "source_hash" in meta else 2,
                  f"Trang dịch cần `source_hash:` ({HASH_LENGTH} ký tự) của bản tiếng Việt lúc dịch. Lệnh `outreach status` cho biết mã này.")
        ok = False
    reviewer = meta.get("reviewer")
    if status == "reviewed" and not (isinstance(reviewer, str) and reviewer.strip()):
        # Only a native speaker's review makes a translation final; the name makes that traceable.
        log.error(path, meta.line_of("status"),
                  "`status: reviewed` cần tên người bản ngữ đã kiểm tra: thêm `reviewer: Họ tên`. Chưa ai kiểm tra thì để `status: draft`.")
        ok = False
    if status == "draft" and reviewer:
        log.error(path, meta.line_of("reviewer"), "Bản nháp không có người kiểm tra. Nếu đã kiểm tra xong, đổi thành `status: reviewed`.")
        ok = False
    if not ok:
        return None
    return Translation(source=source, source_hash=source_hash, status=status, reviewer=reviewer.strip() if reviewer else None)


def _check_translations(pages: list[SourcePage], log: ProblemLog) -> None:
    sources = {p.rel for p in pages if p.lang == DEFAULT_LANGUAGE}
    for page in pages:
        if page.translation and page.rel not in sources:
            log.error(page.path, 1, f"Không có trang tiếng Việt `content/{DEFAULT_LANGUAGE}/{page.rel}` để dịch. Trang dịch phải cùng đường dẫn với bản gốc.")


# --- what a page may contain -------------------------------------------------

MAX_LINE_LENGTH = 2000
LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# Citizens' pages never run script from content.
SCRIPT_TAG = re.compile(r"<\s*script\b", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
SCRIPT_URL = re.compile(r"(href|src)\s*=\s*[\"']?\s*javascript:|\]\(\s*javascript:", re.I)
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf"}


def load_assets(content_dir: Path, languages: tuple[Language, ...]) -> dict[str, dict[str, Path]]:
    """Images and documents beside the pages, per language; Vietnamese ones serve every language."""
    def files(lang: str) -> dict[str, Path]:
        folder = content_dir / lang
        return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
                if p.is_file() and p.suffix.lower() in ASSET_SUFFIXES}

    shared = files(DEFAULT_LANGUAGE)
    return {l.code: {**shared, **files(l.code)} for l in languages}


def check_page_bodies(pages: list[SourcePage], assets: dict[str, dict[str, Path]], log: ProblemLog) -> None:
    """Links, images, alt text, unsafe HTML and pasted blobs, each reported at its line."""
    known_pages = {p.rel for p in pages if p.lang == DEFAULT_LANGUAGE}
    for page in pages:
        in_comment = False
        for index, line in enumerate(page.body.split("\n")):
            number = page.body_line + index
            if len(line) > MAX_LINE_LENGTH:
                log.error(page.path, number, f"Dòng dài {len(line)} ký tự (tối đa {MAX_LINE_LENGTH}): có thể đã dán nhầm. Hãy xuống dòng hoặc xoá phần thừa.")
                continue
            if SCRIPT_TAG.search(line):
                log.error(page.path, number, "Trang cho người dân không được chạy mã: xoá thẻ <script>.")
            if EVENT_HANDLER.search(line):
                log.error(page.path, number, "Trang cho người dân không được chạy mã: xoá thuộc tính on...= (như onclick) khỏi thẻ HTML.")
            if SCRIPT_URL.search(line):
                log.error(page.path, number, "Liên kết `javascript:` chạy mã trên máy người đọc: hãy dùng địa chỉ trang thật.")
            # Leaflet marks and notes for editors are HTML comments: links inside them are not published.
            in_comment = _comment_state(line, in_comment)
            if in_comment:
                continue
            for match in LINK.finditer(line):
                _check_link(page, number, match, known_pages, assets, log)


def _comment_state(line: str, in_comment: bool) -> bool:
    for token in re.findall(r"<!--|-->", line):
        in_comment = token == "<!--"
    return in_comment


def _check_link(page, number, match, known_pages, assets, log) -> None:
    is_image, text, target = match.group(1) == "!", match.group(2), match.group(3)
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
        return  # web address, phone, e-mail, or a place on the same page
    path = target.split("#", 1)[0]
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.rel), path))
    if is_image:
        if not text.strip():
            log.error(page.path, number, f"Ảnh `{target}` thiếu lời mô tả: viết mô tả trong ngoặc vuông, ví dụ ![Sơ đồ các bước đăng ký]({target}).")
        if resolved not in assets.get(page.lang, {}):
            log.error(page.path, number, f"Không tìm thấy ảnh `{target}` (tìm ở content/{page.lang}/{resolved}). Kiểm tra tên tệp hoặc chép ảnh vào đúng thư mục.")
    elif path.endswith(".md") and resolved not in known_pages:
        suggestion = difflib.get_close_matches(resolved, sorted(known_pages), n=1)
        hint = f" Có phải `{posixpath.relpath(suggestion[0], posixpath.dirname(page.rel) or '.')}`?" if suggestion else ""
        log.error(page.path, number, f"Liên kết tới trang không có: `{target}`.{hint}")
    elif not path.endswith(".md") and path and resolved not in assets.get(page.lang, {}):
        log.error(page.path, number, f"Liên kết tới tệp không có: `{target}`. Liên kết tới trang khác phải kết thúc bằng .md.")
