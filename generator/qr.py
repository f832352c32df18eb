"""QR images and redirects for the short links.

Each short link exists in every language: `<site_url>q/<code>/` opens the
Vietnamese page, `<site_url>bahnar/q/<code>/` the Bahnar one. The site serves
each as a tiny redirect page; `_redirects` and an nginx map let a server answer
with a real redirect instead.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import qrcode
import qrcode.image.svg

from .languages import Language
from .webapp import FAVICON
from .urls import page_url, relative_url
from .shortlinks import ShortLink

# Small codes scan reliably on cheap phones from a printed leaflet; the URL
# must fit version 3 (29x29 modules) at error correction M.
MAX_VERSION = 3
QUIET_ZONE = 4
BOX_SIZE = 10  # pixels per module in the PNG
QR_DIR = "qr"

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "site"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class QrCode:
    code: str
    lang: Language
    short_path: str  # relative to the site root: "bahnar/q/tn/"
    short_url: str  # what the QR encodes
    target: str  # page URL relative to the site root
    version: int
    svg: str  # files relative to the site root
    png: str

    def as_manifest(self) -> dict:
        return {
            "code": self.code, "lang": self.lang.code, "url": self.short_url, "target": self.target,
            "version": self.version, "files": {"svg": self.svg, "png": self.png},
        }


class QrTooLarge(ValueError):
    pass


def _code(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE, box_size=BOX_SIZE)
    code.add_data(url)
    return code


def _version(url: str) -> int:
    # Only the size: choosing the mask (most of the work) waits until an image is drawn.
    version = _code(url).best_fit()
    if version > MAX_VERSION:
        raise QrTooLarge(url)
    return version


@functools.lru_cache(maxsize=512)
def _matrix(url: str) -> qrcode.QRCode:
    code = _code(url)
    code.make(fit=True)
    return code


def plan_qr_codes(links: list[ShortLink], languages: tuple[Language, ...], site_url: str) -> list[QrCode]:
    base = site_url.rstrip("/") + "/"
    codes = []
    for language in languages:
        for link in links:
            short_path = f"{language.url_prefix}q/{link.code}/"
            url = base + short_path
            stem = f"{QR_DIR}/{language.code}-{link.code}"
            codes.append(QrCode(link.code, language, short_path, url, page_url(link.rel, language.url_prefix),
                                _version(url), f"{stem}.svg", f"{stem}.png"))
    return codes


def svg_image(url: str) -> bytes:
    svg = io.BytesIO()
    _matrix(url).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    return svg.getvalue()


def png_image(url: str) -> bytes:
    png = io.BytesIO()
    _matrix(url).make_image(fill_color="black", back_color="white").save(png)
    return png.getvalue()


def write_qr_outputs(codes: list[QrCode], site_dir: Path, site_url: str) -> None:
    (site_dir / QR_DIR).mkdir(parents=True, exist_ok=True)
    for qr in codes:
        (site_dir / qr.svg).write_bytes(svg_image(qr.short_url))
        (site_dir / qr.png).write_bytes(png_image(qr.short_url))
        redirect = site_dir / qr.short_path / "index.html"
        redirect.parent.mkdir(parents=True, exist_ok=True)
        redirect.write_text(TEMPLATES.get_template("redirect.html").render(
            target=relative_url(qr.short_path, qr.target), icon=relative_url(qr.short_path, FAVICON),
            lang=qr.lang.html_lang), encoding="utf-8")
    base_path = urlsplit(site_url).path.rstrip("/")
    (site_dir / "_redirects").write_text(
        "".join(f"{base_path}/{qr.short_path} {base_path}/{qr.target} 301\n" for qr in codes), encoding="utf-8")
    (site_dir / "nginx-redirects.map").write_text(
        "".join(f"{base_path}/{qr.short_path} {base_path}/{qr.target};\n" for qr in codes), encoding="utf-8")
