"""What the print and image renderers may read: project files, nothing else.

WeasyPrint fetches every URL a document names (images, stylesheets, fonts,
`<link rel="attachment">`) with whatever its URL fetcher allows; its default
reads any file of the machine and any address of the network. Content comes
from communicators in many communes, so a leaflet must never carry a file of
the build machine nor make the build machine open a connection.

`PrintFetcher` serves files inside the given roots (the content tree, the
generator's fonts and icons) after resolving symbolic links and `..`, and
refuses everything else by raising `Refused`, which stops the render and
carries the URL so the caller can report it at the content's path and line;
the fetcher also keeps every refusal in `refused`, for the few places where
WeasyPrint catches even a fatal error (resources inside an SVG image).
`open_image` applies the same rule to images opened with Pillow.

Attachments are a separate door: an allowed file can still be embedded whole
in the PDF through `rel="attachment"`. `without_attachments` closes it on a
rendered document, before `write_pdf`.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterable

from PIL import Image
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

# Pillow recognises files by their content, not their name, and some of its
# decoders hand the file to other programs (EPS to Ghostscript): only these.
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
RASTER_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
# What a leaflet legitimately reads from disk: content images, SVG icons, fonts, the print shop's colour profile.
SERVED_SUFFIXES = {*RASTER_SUFFIXES, ".svg", ".ttf", ".otf", ".woff", ".woff2", ".icc", ".icm"}


class Refused(FatalURLFetchingError):
    """A URL the renderer may not read; `reason` is Vietnamese, for the communicator.

    A FatalURLFetchingError: WeasyPrint stops rendering instead of logging a
    warning and going on, so nothing refused can pass unnoticed.
    """

    def __init__(self, url: str, reason: str):
        super().__init__(url, reason)
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


def local_file(path: Path | str, roots: Iterable[Path], url: str | None = None) -> Path:
    """`path` with links and `..` resolved, if it is a file inside one of `roots`; else Refused."""
    shown = url or str(path)
    try:
        resolved = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a loop of symbolic links
        raise Refused(shown, "không tìm thấy tệp này.") from None
    if not any(resolved.is_relative_to(Path(root).resolve()) for root in roots):
        raise Refused(shown, "tệp nằm ngoài thư mục nội dung của dự án; chỉ dùng ảnh, tệp trong content/.")
    if not resolved.is_file():
        raise Refused(shown, "đây không phải một tệp.")
    if resolved.suffix.lower() not in SERVED_SUFFIXES:
        raise Refused(shown, f"chỉ dùng ảnh ({', '.join(sorted(RASTER_SUFFIXES))}, .svg).")
    return resolved


def open_image(path: Path | str, roots: Iterable[Path]) -> Image.Image:
    """A Pillow image from a file inside `roots`, decoded only by the formats above."""
    resolved = local_file(path, roots)
    try:
        return Image.open(resolved, formats=IMAGE_FORMATS)
    except (OSError, Image.DecompressionBombError):
        raise Refused(str(path), f"không đọc được ảnh; dùng ảnh {', '.join(IMAGE_FORMATS)} cỡ bình thường.") from None


class PrintFetcher(URLFetcher):
    """WeasyPrint's URL fetcher for leaflets: files inside `roots` only.

    `data_types` lists the media types accepted as `data:` URLs. A data URL
    carries its bytes in the document (no file, no connection); the leaflet
    template embeds its QR code that way (image/svg+xml). Anything an SVG
    refers to comes back through this fetcher. Content never reaches print
    with a data URL: the sanitizer allows none.
    """

    def __init__(self, roots: Iterable[Path], data_types: Iterable[str] = ()):
        super().__init__()
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.data_types = frozenset(data_types)
        # Every refusal, also those WeasyPrint swallows (it draws an SVG that failed to load as nothing).
        self.refused: list[Refused] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            return self._fetch(url)
        except Refused as refusal:
            self.refused.append(refusal)
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file" and parts.netloc in ("", "localhost"):
            path = local_file(urllib.request.url2pathname(parts.path), self.roots, url)
            body = path.read_bytes()
            if path.suffix.lower() in RASTER_SUFFIXES:
                _check_raster(body, path.suffix.lower(), url)
            return URLFetcherResponse(url, body, {"Content-Type": mimetypes.guess_type(path.name)[0] or "application/octet-stream"})
        if scheme == "data":
            media_type, body = _decode_data_url(url)
            if media_type in self.data_types:
                return URLFetcherResponse(url, body, {"Content-Type": media_type})
        if scheme in ("http", "https", "ftp"):
            raise Refused(url, "tờ in không tải gì từ mạng; hãy chép ảnh vào thư mục content/ và dùng đường dẫn tới tệp đó.")
        raise Refused(url, "tờ in chỉ dùng tệp trong thư mục content/ của dự án.")


def _check_raster(body: bytes, suffix: str, url: str) -> None:
    """The bytes of an image are what its name says, in a format Pillow decodes itself."""
    try:
        with Image.open(io.BytesIO(body), formats=[RASTER_SUFFIXES[suffix]]):
            pass
    except (OSError, Image.DecompressionBombError):
        raise Refused(url, f"tệp không phải ảnh {RASTER_SUFFIXES[suffix]} như tên của nó; hãy lưu lại ảnh.") from None


def _decode_data_url(url: str) -> tuple[str, bytes]:
    header, _, data = url[len("data:"):].partition(",")
    media_type, *parameters = header.split(";")
    if "base64" in parameters:
        try:
            return media_type.strip().lower(), base64.b64decode(data, validate=False)
        except ValueError:
            return "", b""
    return media_type.strip().lower(), urllib.parse.unquote_to_bytes(data)


def without_attachments(document):
    """A rendered WeasyPrint document that will embed no file attachment in its PDF.

    `<link rel="attachment">` becomes document metadata and `<a rel="attachment">`
    an attachment link; both would be fetched and embedded by `write_pdf`.
    """
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document
