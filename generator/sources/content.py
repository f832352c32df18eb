"""Reading and validating the communicators' content.

Layout: `content/site.yml` (site address, issuer, audiences, contacts),
`content/policy.yml` (figures) and one folder per language, `content/<lang>/`,
holding `index.md` (the home page) and one folder per audience, with the same
slugs in every language.

Each Markdown file starts with YAML front matter. Vietnamese pages are the
source; a Bahnar or Jrai page is a translation of the Vietnamese page at the
same path and records which version of it it translates (`source_hash`).

Everything here is untrusted input: file names become URLs (so they are
slugs, which also keeps twins that differ by case or Unicode normalisation
out), symbolic links are refused (a link could publish a file of the build
machine), sizes are capped, and every mistake is a `path:line` message.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal, Mapping
from urllib.parse import urlsplit

from pydantic import Field, StringConstraints, field_validator

from . import yamlfile
from .active_content import asset_problem, refused_type
from .languages import DEFAULT_LANGUAGE, Language
from ..problems import ProblemLog
from .schema import Model, validate
from ..textfold import slug

KINDS = ("guide", "faq", "calculator")
HASH_LENGTH = 12
MAX_PAGE_BYTES = 1_000_000
MAX_FRONT_MATTER_BYTES = 20_000
MAX_HEADINGS = 300
MAX_INDENT = 40  # leading spaces or `>`: nesting deeper than any reader can follow
MAX_LINE_LENGTH = 2000

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ASSET_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*\.(png|jpg|jpeg|gif|svg|webp|pdf)$")
# Top-level names the site itself uses: language roots, short links, search,
# theme assets, generated files. A page or folder with one of these names
# would replace them.
# Pages the build makes in every audience folder.
GENERATED_PAGES = frozenset({"infographic"})
RESERVED_NAMES = frozenset({
    "bahnar", "jrai", "vi", "q", "xa", "chien-dich", "search", "assets", "leaflets", "images", "qr", "noi-bo", "404",
    "sitemap", "manifest", "robots", "sw", "site", "offline", "tim-kiem",
})

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
MAX_TEXT = 300  # a text field of site.yml, communes.yml, campaigns.yml or front matter: a sentence or two at most


def short_text(max_length: int):
    """A text field of at most `max_length` characters (a name, a label): StringConstraints, which Field() cannot override."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]

# Vietnamese numbers as people write them: a 10-digit mobile or 11-digit landline starting with 0,
# or a 1800/1900 service number. ASCII digits only: `١٩٠٠` is a digit to Python, not to a phone.
PHONE_PATTERN = re.compile(r"^(0[0-9]{9,10}|1[89]00[0-9]{4,6})$")
PHONE_SEPARATORS = re.compile(r"(?<=[0-9])[ .\-](?=[0-9])")
HOTLINE_CHARACTERS = re.compile(r"^[0-9 .]+$")


def check_phone(value: str) -> str:
    if not PHONE_PATTERN.match(PHONE_SEPARATORS.sub("", value.strip())):
        raise ValueError(f"Số điện thoại `{value}` không đúng dạng: viết 10 hoặc 11 chữ số bắt đầu bằng 0 (ví dụ `0269 3824 111`, "
                         "`0912 345 678`) hoặc số tổng đài 1800/1900 (ví dụ `1900 9068`), có thể cách nhau bằng dấu cách.")
    return value.strip()


def check_hotline(value: str) -> str:
    """The hotline is printed on every page and sheet and dialled from a `tel:` link: digits, spaces and dots only."""
    if not HOTLINE_CHARACTERS.match(value):
        raise ValueError(f"`hotline: {value}` chỉ được có chữ số 0–9, dấu cách và dấu chấm, ví dụ `\"1900 9068\"`.")
    return check_phone(value)


# --- page identity -----------------------------------------------------------

FOLDER_PAGE = "index"  # the stem of the page that opens a folder: index.md


@dataclass(frozen=True, order=True)
class PageKey:
    """Which page, the same in every language: a translation has its original's key."""

    audience: str | None  # None for pages outside an audience folder (the home page)
    name: str  # the file's stem: "index", "hoi-dap"

    @classmethod
    def overview(cls, audience: str) -> "PageKey":
        """The page that opens an audience's folder."""
        return cls(audience, FOLDER_PAGE)

    @property
    def opens_folder(self) -> bool:
        """The home page or an audience's overview: its URL is its folder's ("tu-nguyen/")."""
        return self.name == FOLDER_PAGE

    @property
    def rel(self) -> str:
        """Path inside a language folder: "tu-nguyen/index.md"."""
        return f"{self.audience}/{self.name}.md" if self.audience else f"{self.name}.md"

    @property
    def is_overview(self) -> bool:
        """An audience's first page: it opens the section, has the QR code and the leaflets."""
        return self.audience is not None and self.opens_folder

    @property
    def is_home(self) -> bool:
        return self.audience is None and self.opens_folder

    @classmethod
    def from_rel(cls, rel: str) -> "PageKey":
        folder, _, file = rel.rpartition("/")
        return cls(folder or None, file.removesuffix(".md"))


# --- site.yml ----------------------------------------------------------------


class AudienceEntry(Model):
    slug: str = Field(description="Tên thư mục của nhóm: chữ thường không dấu, nối bằng gạch ngang (ví dụ `tu-nguyen`).")
    icon: str | None = Field(None, description="Hình trên bìa tờ in của nhóm: tên một tệp trong generator/icons/, không có đuôi .svg.")

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"`{value}` không dùng được làm tên nhóm: chỉ chữ thường không dấu, số và gạch ngang (ví dụ `tu-nguyen`).")
        if value in RESERVED_NAMES:
            raise ValueError(f"`{value}` là tên trang web đã dùng cho việc khác. Chọn tên nhóm khác.")
        return value


class PrintShopEntry(Model):
    pdf_x: Literal["4", "1a"] = Field("4", description="Chuẩn PDF/X của bản cho nhà in: `\"4\"` (mặc định) hoặc `\"1a\"` khi nhà in yêu cầu PDF/X-1a.")
    profile: NonEmpty | None = Field(None, description="Hồ sơ màu CMYK (tệp .icc) nhà in đưa, đường dẫn trong thư mục content/, "
                                                       "ví dụ `nha-in/ISOcoated_v2.icc`. Không ghi thì dùng FOGRA39 đi kèm chương trình.")


class SiteFile(Model):
    site_url: NonEmpty = Field(description="Địa chỉ trang web khi xuất bản, ví dụ `https://gialai.baohiemxahoi.gov.vn/tuyen-truyen/`.")
    issuer: short_text(120) = Field(description="Cơ quan phát hành, in trên bìa tờ gấp (ví dụ `Bảo hiểm xã hội tỉnh Gia Lai`).")
    audiences: list[AudienceEntry] = Field(min_length=1, description="Danh sách nhóm đối tượng, mỗi dòng `- slug: ten-nhom`.")
    contacts: dict[Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")], short_text(MAX_TEXT)] = Field(
        default_factory=dict, description="Thông tin liên hệ, mỗi dòng `tên: \"giá trị\"` (tên viết thường không dấu).")
    print_shop: PrintShopEntry = Field(default_factory=PrintShopEntry, description="Bản PDF cho nhà in: `pdf_x:` và `profile:`.")

    @field_validator("site_url")
    @classmethod
    def _site_url(cls, value: str) -> str:
        return check_site_url(value)

    @field_validator("audiences")
    @classmethod
    def _unique(cls, value: list[AudienceEntry]) -> list[AudienceEntry]:
        slugs = [a.slug for a in value]
        twice = sorted({s for s in slugs if slugs.count(s) > 1})
        if twice:
            raise ValueError(f"Nhóm đối tượng {', '.join(f'`{s}`' for s in twice)} khai báo hai lần. Xoá một dòng.")
        return value


MAX_SITE_URL = 200


HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
IPV6_HOST = re.compile(r"^\[[0-9a-f:.]+\]$")
URL_PATH = re.compile(r"^/[A-Za-z0-9\-._~/%]*$")  # unreserved characters and percent escapes: nothing that ends an attribute


def check_site_url(value: str) -> str:
    """A site address as the build needs it, parsed and rebuilt: http(s), a host, an optional port, a path ending with `/`.

    Only the parts read are written back, each of a character set that can close no attribute, quote or
    tag, so the address is safe wherever a template puts it (canonical link, og:url, redirects, QR codes).
    """
    if len(value) > MAX_SITE_URL:
        raise ValueError(f"Địa chỉ trang web dài {len(value)} ký tự: quá dài (tối đa {MAX_SITE_URL}), mã QR in trên giấy "
                         "không chứa nổi. Dùng địa chỉ ngắn hơn.")
    wrong = f"`{value}` không phải địa chỉ trang web. Viết dạng `https://ten-mien/duong-dan/` (chỉ chữ không dấu, số, `-`, `.`, `/`)."
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise ValueError(wrong) from None
    host = (parts.hostname or "").lower()
    if (parts.scheme not in ("http", "https") or parts.username is not None or parts.password is not None
            or parts.query or parts.fragment or "?" in value or "#" in value
            or not (IPV6_HOST.match(f"[{host}]") and ":" in host or all(HOST_LABEL.match(label) for label in host.split(".")))
            or not URL_PATH.match(parts.path or "/")):
        raise ValueError(wrong)
    host = f"[{host}]" if ":" in host else host
    path = (parts.path or "/").rstrip("/") + "/"
    return f"{parts.scheme}://{host}{f':{port}' if port is not None else ''}{path}"


@dataclass(frozen=True)
class Audience:
    slug: str
    line: int  # where site.yml declares it
    icon: str | None = None  # the cover icon of its leaflets, a file stem in generator/icons/


@dataclass(frozen=True)
class SiteConfig:
    path: Path
    site_url: str
    site_url_line: int
    issuer: str
    audiences: tuple[Audience, ...]
    contacts: Mapping[str, str]
    pdf_x: str = "pdf/x-4"  # the print-shop PDF's standard, as WeasyPrint names it
    cmyk_profile: Path | None = None  # the print shop's own output intent, when it gave one

    @property
    def audience_slugs(self) -> tuple[str, ...]:
        return tuple(a.slug for a in self.audiences)

    @property
    def hotline(self) -> str:
        return self.contacts.get("hotline", "")


def load_site_config(path: Path, log: ProblemLog) -> SiteConfig | None:
    data = _load_yaml_file(path, log)
    if data is None:
        return None
    site = validate(SiteFile, data, path, log)
    if site is None:
        return None
    if "hotline" in site.contacts:
        try:
            check_hotline(site.contacts["hotline"])
        except ValueError as error:
            log.error(path, data["contacts"].line_of("hotline"), str(error))
            return None
    audiences_node = data["audiences"]
    return SiteConfig(
        path=path,
        site_url=site.site_url,
        site_url_line=data.line_of("site_url"),
        issuer=site.issuer,
        audiences=tuple(Audience(a.slug, audiences_node.line_of(i), a.icon) for i, a in enumerate(site.audiences)),
        contacts=MappingProxyType(dict(site.contacts)),
        pdf_x=f"pdf/x-{site.print_shop.pdf_x}",
        cmyk_profile=_cmyk_profile(path, site.print_shop.profile, data, log),
    )


def _cmyk_profile(site_file: Path, name: str | None, data, log: ProblemLog) -> Path | None:
    """The print shop's ICC profile named in site.yml: a CMYK output profile inside content/, or reported."""
    if name is None:
        return None
    line = data["print_shop"].line_of("profile")
    content_dir = site_file.parent.resolve()
    path = (content_dir / name).resolve()
    if not path.is_relative_to(content_dir) or not path.is_file():
        log.error(site_file, line, f"Không tìm thấy hồ sơ màu `{name}` trong thư mục content/. Chép tệp .icc của nhà in vào "
                                   "content/ rồi ghi đường dẫn của nó, ví dụ `nha-in/ISOcoated_v2.icc`.")
        return None
    header = path.read_bytes()[:40]
    # An ICC header: the data colour space at byte 16, the profile class at 12, the signature at 36.
    if len(header) < 40 or header[36:40] != b"acsp" or header[16:20] != b"CMYK" or header[12:16] != b"prtr":
        log.error(site_file, line, f"`{name}` không phải hồ sơ màu CMYK cho máy in (tệp ICC, loại output). "
                                   "Hãy xin nhà in đúng tệp hồ sơ màu của họ.")
        return None
    return path


def _load_yaml_file(path: Path, log: ProblemLog):
    if path.is_symlink():
        log.error(path, 1, "Tệp này là liên kết (symlink) tới chỗ khác: hãy chép tệp thật vào đây.")
        return None
    if not path.is_file():
        log.error(path, 1, "Không tìm thấy tệp này. Hãy tạo lại (xem README).")
        return None
    try:
        return yamlfile.load(path)
    except UnicodeDecodeError:
        log.error(path, 1, "Tệp không ở bảng mã UTF-8. Hãy mở tệp và lưu lại với bảng mã UTF-8.")
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"YAML không hợp lệ: {error.detail}. Kiểm tra thụt lề và dấu hai chấm.")
    return None


# --- Markdown pages ----------------------------------------------------------


@dataclass(frozen=True)
class Translation:
    source: str  # the Vietnamese file, relative to content/ ("vi/tu-nguyen/index.md")
    source_hash: str  # content_hash() of that file when it was translated
    status: str  # draft | reviewed
    reviewer: str | None
    # A fingerprint of each Vietnamese text translated (title, description, then each entry of
    # the body, as the PO export numbers them): the next export knows which entries changed.
    source_parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourcePage:
    key: PageKey
    lang: str
    path: Path
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
    def rel(self) -> str:
        return self.key.rel

    @property
    def audience(self) -> str | None:
        return self.key.audience

    @property
    def status(self) -> str:
        return self.translation.status if self.translation else "source"


class FrontMatter(Model):
    title: short_text(150) = Field(description="Viết dạng `title: Tiêu đề trang`; tiêu đề bắt đầu bằng dấu ' (như 'Bok) thì đặt trong ngoặc kép.")
    description: str = Field("", max_length=MAX_TEXT, description="Một câu tóm tắt trang, viết dạng `description: ...`.")
    order: int = Field(0, description="Thứ tự trang trong mục, một số nguyên.")
    kind: Literal["guide", "faq", "calculator"] = Field(
        "guide", description="`guide` (bài hướng dẫn), `faq` (hỏi đáp) hoặc `calculator` (trang tính tiền đóng).")
    qr: str | None = Field(None, description="Mã ngắn cho mã QR của trang: 1–8 chữ thường không dấu hoặc số.")
    status: Literal["draft", "reviewed"] | None = Field(
        None, description="Trang dịch: `draft` (bản nháp) hoặc `reviewed` (người bản ngữ đã kiểm tra).")
    reviewer: short_text(80) | None = Field(None, description="Họ tên người bản ngữ đã kiểm tra bản dịch.")
    source: str | None = Field(None, description="Trang tiếng Việt được dịch, ví dụ `vi/tu-nguyen/index.md`.")
    source_hash: str | None = Field(None, description="Mã của bản tiếng Việt lúc dịch; lệnh `outreach status` cho biết mã này.")
    source_parts: str | None = Field(None, pattern=r"^[0-9a-f]{8}( [0-9a-f]{8})*$",
                                     description="Mã từng đoạn tiếng Việt lúc dịch; lệnh `outreach translations import` ghi dòng này, đừng sửa.")

    @field_validator("title", "description")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        # Titles and descriptions reach the navigation, <title> and <meta> of every page of the
        # section, where the theme prints them as they are: they are plain text, never markup.
        if "<" in value or ">" in value:
            raise ValueError("Tiêu đề và mô tả là chữ thường, không dùng dấu < hoặc >. Hãy xoá các dấu này.")
        return value


def content_hash(text: str) -> str:
    """Short, stable fingerprint of a Vietnamese page, recorded by translators."""
    normalized = text.replace("\r\n", "\n").strip()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def content_files(folder: Path, log: ProblemLog) -> list[Path]:
    """Every regular file under `folder`, sorted; symbolic links are refused, never followed."""
    found = []
    for directory, subdirectories, files in os.walk(folder, followlinks=False):
        base = Path(directory)
        for name in sorted(subdirectories):
            if (base / name).is_symlink():
                log.error(base / name, 1, "Thư mục này là liên kết (symlink) tới chỗ khác: nội dung phải nằm thật trong content/. Hãy chép thư mục thật vào đây.")
        subdirectories[:] = sorted(d for d in subdirectories if not (base / d).is_symlink() and not d.startswith("."))
        for name in sorted(files):
            path = base / name
            if path.is_symlink():
                log.error(path, 1, "Tệp này là liên kết (symlink) tới chỗ khác: trang web chỉ đăng tệp nằm thật trong content/. Hãy chép tệp thật vào đây.")
            elif not name.startswith(".") and path.is_file():
                found.append(path)
    return sorted(found)


def load_pages(content_dir: Path, languages: tuple[Language, ...], site: SiteConfig, log: ProblemLog) -> list[SourcePage]:
    pages: list[SourcePage] = []
    for language in languages:
        folder = content_dir / language.code
        if not folder.is_dir() or folder.is_symlink():
            log.error(folder, 1, f"Thiếu thư mục ngôn ngữ `{language.code}`. Hãy tạo thư mục `content/{language.code}/`.")
            continue
        for path in content_files(folder, log):
            if path.suffix == ".md":
                page = _read_page(path, folder, language.code, site, log)
                if page is not None:
                    pages.append(page)
    _check_translations(pages, log)
    return pages


def _page_key(path: Path, folder: Path, site: SiteConfig, log: ProblemLog) -> PageKey | None:
    parts = path.relative_to(folder).parts
    if len(parts) > 2:
        log.error(path, 1, "Trang nằm quá sâu: mỗi trang phải ở `content/<ngôn ngữ>/<nhóm đối tượng>/`.")
        return None
    stem = parts[-1][: -len(".md")]
    if not SLUG.match(stem):
        log.error(path, 1, f"Tên tệp `{parts[-1]}` dùng làm địa chỉ trang web nên chỉ được có chữ thường không dấu, số và gạch ngang. "
                           f"Đổi tên thành `{slug(stem)}.md`.")
        return None
    if len(parts) == 1 and stem in RESERVED_NAMES:
        log.error(path, 1, f"Tên `{parts[-1]}` trùng với phần trang web đã dùng (`/{stem}/`). Đổi tên tệp.")
        return None
    audience = parts[0] if len(parts) == 2 else None
    if audience is not None and stem in GENERATED_PAGES:
        log.error(path, 1, f"Tên `{parts[-1]}` trùng với trang do chương trình tạo cho mỗi nhóm (`{audience}/{stem}/`). Đổi tên tệp.")
        return None
    if audience is not None and audience not in site.audience_slugs:
        known = ", ".join(site.audience_slugs)
        log.error(path, 1, f"Thư mục `{audience}` không phải nhóm đối tượng đã khai báo trong content/site.yml ({known}). Đổi tên thư mục hoặc khai báo nhóm mới.")
        return None
    return PageKey(audience, stem)


def _read_page(path: Path, folder: Path, lang: str, site: SiteConfig, log: ProblemLog) -> SourcePage | None:
    key = _page_key(path, folder, site, log)
    if key is None:
        return None
    size = path.stat().st_size
    if size > MAX_PAGE_BYTES:
        log.error(path, 1, f"Tệp quá lớn ({size // 1000:,} KB, tối đa {MAX_PAGE_BYTES // 1000:,} KB): có thể đã dán nhầm. "
                           "Hãy chia thành nhiều trang hoặc xoá phần thừa.".replace(",", "."))
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        log.error(path, line, "Tệp không ở bảng mã UTF-8 (có ký tự không đọc được). Hãy lưu lại tệp với bảng mã UTF-8.")
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        log.error(path, 1, "Tệp trống. Hãy viết nội dung, hoặc xoá tệp nếu không cần.")
        return None

    split = _split_front_matter(path, text, log)
    if split is None:
        return None
    meta, body, body_line = split
    if not _body_within_limits(path, body, body_line, log):
        return None
    front = validate(FrontMatter, meta, path, log)
    if front is None:
        return None
    translation = None
    if lang != DEFAULT_LANGUAGE:
        translation = _translation_meta(path, key, front, meta, log)
        if translation is None:
            return None
    elif front.status or front.source or front.source_hash or front.reviewer or front.source_parts:
        field = next(f for f in ("status", "source", "source_hash", "reviewer", "source_parts") if getattr(front, f))
        log.error(path, meta.line_of(field), f"Trang tiếng Việt là bản gốc, không cần `{field}`. Xoá dòng này.")
        return None
    return SourcePage(
        key=key,
        lang=lang,
        path=path,
        title=front.title,
        kind=front.kind,
        order=front.order,
        description=front.description.strip(),
        body=body,
        body_line=body_line,
        content_hash=content_hash(text),
        translation=translation,
        requested_qr=front.qr,
        qr_line=meta.line_of("qr"),
    )


def _split_front_matter(path: Path, text: str, log: ProblemLog):
    lines = text.split("\n")
    if lines[0].strip() != "---":
        log.error(path, 1, "Thiếu phần đầu trang. Dòng đầu tiên phải là `---`, sau đó `title: ...`, rồi một dòng `---`.")
        return None
    end = next((i for i in range(1, min(len(lines), 200)) if lines[i].strip() == "---"), None)
    if end is None:
        log.error(path, 1, "Phần đầu trang mở bằng `---` nhưng không có dòng `---` đóng lại. Thêm một dòng `---` sau các dòng thông tin.")
        return None
    front_text = "\n".join(lines[1:end])
    try:
        meta = yamlfile.parse(front_text, first_line=2, max_bytes=MAX_FRONT_MATTER_BYTES)
        raw = yamlfile.parse(front_text, first_line=2, max_bytes=MAX_FRONT_MATTER_BYTES, plain=True)
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"Phần đầu trang không đúng cú pháp YAML: {error.detail}. Mỗi dòng phải có dạng `tên: giá trị`; "
                  "giá trị bắt đầu bằng dấu ' hoặc có dấu hai chấm (như 'Bok) thì đặt trong ngoặc kép: `title: \"'Bok ...\"`.")
        return None
    if meta is None:
        meta = yamlfile.LineDict()
    if not isinstance(meta, yamlfile.LineDict):
        log.error(path, 2, "Phần đầu trang phải gồm các dòng `tên: giá trị`.")
        return None
    # Codes and hashes as written: YAML reads `qr: on` as true, `qr: 010` as 8, an all-digit hash as a number.
    for field in ("qr", "source_hash"):
        if isinstance(raw, dict) and raw.get(field):
            meta[field] = raw[field]
    return meta, "\n".join(lines[end + 1:]), end + 2


def _body_within_limits(path: Path, body: str, body_line: int, log: ProblemLog) -> bool:
    """Caps that keep one pasted blob from hanging the Markdown renderer."""
    headings = 0
    for index, line in enumerate(body.split("\n")):
        number = body_line + index
        refused = yamlfile.refused_character(line)
        if refused is not None:
            log.error(path, number, f"Dòng này {refused[1]}.")
            return False
        if len(line) > MAX_LINE_LENGTH:
            log.error(path, number, f"Dòng dài {len(line)} ký tự (tối đa {MAX_LINE_LENGTH}): có thể đã dán nhầm. Hãy xuống dòng hoặc xoá phần thừa.")
            return False
        depth = len(line) - len(line.lstrip(" \t>"))
        if depth > MAX_INDENT:
            log.error(path, number, f"Dòng thụt vào quá sâu ({depth} ký tự): danh sách hoặc trích dẫn lồng nhau quá nhiều cấp. Hãy viết phẳng hơn.")
            return False
        if line.startswith("#"):
            headings += 1
            if headings > MAX_HEADINGS:
                log.error(path, number, f"Trang có hơn {MAX_HEADINGS} tiêu đề: hãy chia thành nhiều trang.")
                return False
    return True


def _translation_meta(path: Path, key: PageKey, front: FrontMatter, meta, log: ProblemLog) -> Translation | None:
    ok = True
    if front.status is None:
        log.error(path, 2, "Trang dịch cần `status: draft` (bản nháp) hoặc `status: reviewed` (người bản ngữ đã kiểm tra).")
        ok = False
    expected_source = f"{DEFAULT_LANGUAGE}/{key.rel}"
    if front.source != expected_source:
        log.error(path, meta.line_of("source") if "source" in meta else 2,
                  f"Trang dịch cần `source: {expected_source}` (trang tiếng Việt được dịch, cùng đường dẫn).")
        ok = False
    source_hash = front.source_hash
    if not isinstance(source_hash, str) or not re.fullmatch(rf"[0-9a-f]{{{HASH_LENGTH}}}", source_hash):
        log.error(path, meta.line_of("source_hash") if "source_hash" in meta else 2,
                  f"Trang dịch cần `source_hash:` ({HASH_LENGTH} ký tự) của bản tiếng Việt lúc dịch. Lệnh `outreach status` cho biết mã này.")
        ok = False
    if front.status == "reviewed" and not front.reviewer:
        # Only a native speaker's review makes a translation final; the name makes that traceable.
        log.error(path, meta.line_of("status"),
                  "`status: reviewed` cần tên người bản ngữ đã kiểm tra: thêm `reviewer: Họ tên`. Chưa ai kiểm tra thì để `status: draft`.")
        ok = False
    if front.status == "draft" and front.reviewer:
        log.error(path, meta.line_of("reviewer"), "Bản nháp không có người kiểm tra. Nếu đã kiểm tra xong, đổi thành `status: reviewed`.")
        ok = False
    if not ok:
        return None
    return Translation(source=front.source, source_hash=source_hash, status=front.status, reviewer=front.reviewer,
                       source_parts=tuple((front.source_parts or "").split()))


def _check_translations(pages: list[SourcePage], log: ProblemLog) -> None:
    sources = {p.key for p in pages if p.lang == DEFAULT_LANGUAGE}
    for page in pages:
        if page.translation and page.key not in sources:
            log.error(page.path, 1, f"Không có trang tiếng Việt `content/{DEFAULT_LANGUAGE}/{page.rel}` để dịch. Trang dịch phải cùng đường dẫn với bản gốc.")


# --- images and documents beside the pages ----------------------------------

ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf"}
LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def load_assets(content_dir: Path, languages: tuple[Language, ...], log: ProblemLog) -> dict[str, dict[str, Path]]:
    """Images and documents beside the pages, per language; Vietnamese ones serve every language."""
    def files(lang: str) -> dict[str, Path]:
        folder = content_dir / lang
        found = {}
        if not folder.is_dir():
            return found
        for path in content_files(folder, ProblemLog(content_dir)):  # symlinks are reported by load_pages
            if path.suffix == ".md":
                continue
            if path.suffix.lower() not in ASSET_SUFFIXES:
                log.error(path, 1, refused_type(path))
                continue
            rel = path.relative_to(folder)
            problem = asset_problem(path)
            if problem is not None:
                log.error(path, *problem)
                continue
            if not ASSET_NAME.match(path.name) or not all(SLUG.match(part) for part in rel.parts[:-1]):
                log.error(path, 1, f"Tên tệp `{rel.as_posix()}` dùng làm địa chỉ trên trang web nên chỉ được có chữ thường không dấu, "
                                   f"số, gạch ngang, và đuôi tệp viết thường. Đổi tên, ví dụ `{slug(path.stem)}{path.suffix.lower()}`.")
            elif rel.parts[0] in RESERVED_NAMES:
                log.error(path, 1, f"Thư mục `{rel.parts[0]}` trùng với phần trang web đã dùng. Đặt ảnh trong thư mục của nhóm đối tượng.")
            else:
                found[rel.as_posix()] = path
        return found

    own = {l.code: files(l.code) for l in languages}
    return {code: {**own.get(DEFAULT_LANGUAGE, {}), **found} for code, found in own.items()}


def check_page_links(pages: list[SourcePage], assets: dict[str, dict[str, Path]], log: ProblemLog,
                     generated: frozenset[str] = frozenset()) -> None:
    """Links and images to other files, and alt text, each reported at its line. `generated`: pages the build
    makes from data (the Q&A pages), which written pages may link to."""
    known_pages = {p.rel for p in pages if p.lang == DEFAULT_LANGUAGE} | generated
    for page in pages:
        in_comment = False
        for index, line in enumerate(page.body.split("\n")):
            # Leaflet marks and notes for editors are HTML comments: links inside them are not published.
            in_comment = _comment_state(line, in_comment)
            if in_comment:
                continue
            for match in LINK.finditer(line):
                _check_link(page, page.body_line + index, match, known_pages, assets, log)


def _comment_state(line: str, in_comment: bool) -> bool:
    for token in re.findall(r"<!--|-->", line):
        in_comment = token == "<!--"
    return in_comment


def _check_link(page, number, match, known_pages, assets, log) -> None:
    is_image, text, target = match.group(1) == "!", match.group(2), match.group(3)
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
        return  # web address, phone, e-mail, or a place on the same page (the sanitizer judges the scheme)
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
