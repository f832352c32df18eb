"""QR codes for the short links: planning their size, drawing them as SVG and PNG.

Each short link is `<site_url>q/<code>/`, one namespace for every language.
A long site address gives a denser code; rather than refuse it, the printed
code grows with its version so that every module stays at least 0.8 mm wide,
which cheap printers, photocopies and old phone cameras still resolve. Only an
address too long even for a version-6 code (about 4 cm on paper) is refused,
with the limit and the length in the message.

Codes use error correction M and byte mode with the URL as typed. Alphanumeric
mode would need an upper-case "HTTPS://..." address, and not every phone
scanner opens one as a link: a code that opens nothing is worse than a
slightly larger one.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg

from ..cache import ArtifactCache, digest, files_digest, library_versions
from ..sources.content import PageKey
from ..sources.languages import Language
from ..sources.published import QrEntry, QrFiles
from ..sources.shortlinks import ShortLink
from ..render.urls import page_url

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
MAX_VERSION = 6
MAX_URL_BYTES = 106  # what a version-6 code holds at level M in byte mode
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
MIN_MODULE_MM = 0.8
MIN_PRINT_MM = 25
BOX_SIZE = 10  # pixels per module in the PNG
QR_DIR = "qr"
SHORT_DIR = "q"


@dataclass(frozen=True)
class QrCode:
    code: str
    lang: Language
    key: PageKey  # the page it opens, in `lang`
    short_path: str  # relative to the site root: "q/tnb/"
    short_url: str  # what the QR encodes
    target: str  # page URL relative to the site root
    version: int
    svg: str  # files relative to the site root
    png: str

    @property
    def page(self) -> str:
        """The lockfile's name for the page: "bahnar/tu-nguyen/index.md"."""
        return f"{self.lang.code}/{self.key.rel}"

    @property
    def printed_url(self) -> str:
        """The address printed beside the code, for people who type it: no scheme, no trailing slash."""
        return self.short_url.split("://", 1)[-1].rstrip("/")

    @property
    def modules(self) -> int:
        return 17 + 4 * self.version

    @property
    def print_mm(self) -> float:
        """The smallest printed width, quiet zone included, at which every module is at least 0.8 mm."""
        return max(MIN_PRINT_MM, (self.modules + 2 * QUIET_ZONE) * MIN_MODULE_MM)

    def as_manifest(self) -> QrEntry:
        return QrEntry(code=self.code, lang=self.lang.code, page=self.page, url=self.short_url, target=self.target,
                       version=self.version, error_correction="M", print_mm=round(self.print_mm, 1),
                       files=QrFiles(svg=self.svg, png=self.png))


class AddressTooLong(ValueError):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def _code(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE, box_size=BOX_SIZE)
    code.add_data(url)
    return code


def _version(url: str) -> int:
    # Only the size: choosing the mask (most of the work) waits until an image is drawn.
    if len(url.encode("utf-8")) > MAX_URL_BYTES:
        raise AddressTooLong(url)
    version = _code(url).best_fit()
    if version > MAX_VERSION:
        raise AddressTooLong(url)
    return version


@functools.lru_cache(maxsize=4096)
def _matrix(url: str) -> qrcode.QRCode:
    code = _code(url)
    code.make(fit=True)
    return code


def plan_qr_codes(links: list[ShortLink], languages: tuple[Language, ...], site_url: str) -> list[QrCode]:
    """A code per short link; raises AddressTooLong for the first address no code can hold."""
    by_code = {language.code: language for language in languages}
    codes = []
    for link in links:
        language = by_code[link.lang]
        short_path = f"{SHORT_DIR}/{link.code}/"
        url = site_url + short_path
        stem = f"{QR_DIR}/{link.code}"
        codes.append(QrCode(link.code, language, link.key, short_path, url, page_url(link.key, language.url_prefix),
                            _version(url), f"{stem}.svg", f"{stem}.png"))
    return codes


# Drawn once per address, not once per sheet: every sheet, variant and commune edition of a
# guide prints the same code (at province scale, 1620 sheets share 405 addresses).
@functools.lru_cache(maxsize=4096)
def svg_image(url: str) -> bytes:
    svg = io.BytesIO()
    _matrix(url).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    return svg.getvalue()


@functools.lru_cache(maxsize=4096)
def png_image(url: str) -> bytes:
    png = io.BytesIO()
    _matrix(url).make_image(fill_color="black", back_color="white").save(png)
    return png.getvalue()


def image_files(codes: list[QrCode], cache: ArtifactCache | None = None) -> dict[str, bytes]:
    """The downloadable QR images, site-relative path -> bytes.

    Drawing a code is mostly choosing its mask: at province scale, 420 codes cost
    seconds at every build. Each address's pair of images is kept in the build
    cache, under a key of the address, the drawing parameters and code, and the
    versions of qrcode and Pillow, so a build draws only codes it never drew before.
    """
    cache = cache or ArtifactCache(None)
    drawing = _drawing_code()
    files = {}
    for qr in codes:
        key = digest(drawing, qr.short_url)
        images = cache.get("qr-images", key, qr.png)
        if images is None:
            images = (svg_image(qr.short_url), png_image(qr.short_url))
            cache.put("qr-images", key, images)
        files[qr.svg], files[qr.png] = images
    return files


def _drawing_code() -> str:
    """What the images depend on besides the address: this module (the parameters above and how it draws) and the libraries."""
    return digest(files_digest([Path(__file__)]), library_versions(("qrcode", "pillow")))
