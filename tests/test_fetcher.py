"""The print renderer reads project files only: real WeasyPrint renders of hostile HTML."""

import io
import secrets

import pytest
from PIL import Image
from weasyprint import HTML

from conftest import pdf_attachments, pdf_images, pdf_stream_texts
from generator.paper.fetcher import PrintFetcher, Refused, open_image, without_attachments
from generator.paper.leaflet_layout import FONTS_DIR


@pytest.fixture(scope="module")
def host(tmp_path_factory):
    """A project's content tree, and beside it files of the build machine that must never be read."""
    root = tmp_path_factory.mktemp("host")
    token = secrets.token_hex(16)
    content = root / "project" / "content"
    content.mkdir(parents=True)
    Image.new("RGB", (8, 8), "red").save(content / "photo.png")
    (content / "icon.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><!-- {token} --></svg>')
    (content / "fake.png").write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 8 8\n")
    secret = root / "secret"
    secret.mkdir()
    (secret / "passwd.txt").write_text(f"root:{token}\n")
    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(jpeg, format="JPEG", comment=token.encode())
    (secret / "photo.jpg").write_bytes(jpeg.getvalue())
    (content / "linked.jpg").symlink_to(secret / "photo.jpg")
    return root, content, secret, token


def render(html: str, content, data_types=(), fetcher=None) -> bytes:
    fetcher = fetcher or PrintFetcher([content, FONTS_DIR], data_types=data_types)
    document = HTML(string=html, base_url=str(content) + "/", url_fetcher=fetcher).render()
    return without_attachments(document).write_pdf()


def assert_clean(pdf: bytes, token: str) -> None:
    assert pdf_attachments(pdf) == 0
    assert token.encode() not in pdf
    assert not [s for s in pdf_stream_texts(pdf) if token.encode() in s]


HOSTILE = {
    "file URL of a host file": "<img src='file://{secret}/photo.jpg'>",
    "relative path out of the content tree": "<img src='../../secret/photo.jpg'>",
    "symbolic link in content to a host file": "<img src='linked.jpg'>",
    "CSS url() of a host file": "<div style='background: url(file://{secret}/photo.jpg); height: 10px'></div>",
    "CSS url() on the network": "<div style='background: url({net}/bg.png); height: 10px'></div>",
    "CSS @import on the network": "<style>@import url({net}/import.css);</style>",
    "stylesheet link on the network": "<link rel='stylesheet' href='{net}/sheet.css'>",
    "image on the network": "<img src='{net}/pixel.png'>",
    "font on the network": "<style>@font-face {{ font-family: X; src: url({net}/font.ttf) }} p {{ font-family: X }}</style><p>x</p>",
    "data URL of a type not allowed": "<img src='data:text/html;base64,PHNjcmlwdD4xPC9zY3JpcHQ+'>",
    "object on the network": "<object data='{net}/object.svg' type='image/svg+xml'></object>",
    "SVG image of a host file, inside an allowed data URL": "<img src='data:image/svg+xml;utf8,<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"8\" height=\"8\"><image width=\"8\" height=\"8\" xlink:href=\"file://{secret}/photo.jpg\"/></svg>'>",
    "EPS file named .png (Pillow would hand it to Ghostscript)": "<img src='fake.png'>",
    "ftp": "<img src='ftp://127.0.0.1/x.png'>",
}


@pytest.mark.parametrize("html", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_resource_stops_the_render_and_names_the_url(html, host, listener):
    _, content, secret, token = host
    html = html.format(secret=secret, net=listener.url)
    before = len(listener.connections)
    fetcher = PrintFetcher([content, FONTS_DIR], data_types=["image/svg+xml"])
    try:
        pdf = render(f"<p>Tờ gấp</p>{html}", content, fetcher=fetcher)
    except Refused as refused:
        assert refused.url and refused.reason
    else:  # WeasyPrint swallowed the refusal (inside an SVG): nothing of it is in the PDF
        assert_clean(pdf, token)
    assert fetcher.refused
    assert len(listener.connections) == before


@pytest.mark.parametrize("link", [
    "<link rel='attachment' href='icon.svg'>",
    "<LINK REL='ATTACHMENT' HREF='icon.svg'>",
    "<a rel='attachment' href='icon.svg'>tệp</a>",
    "<A REL='Attachment' HREF='icon.svg'>tệp</A>",
])
def test_no_attachment_even_of_an_allowed_file(link, host):
    _, content, _, token = host
    assert_clean(render(f"<html><head></head><body><p>Tờ gấp</p>{link}</body></html>", content), token)


def test_attachments_would_embed_the_file_without_the_guard(host):
    """The guard is what stops it: WeasyPrint embeds an allowed file when asked."""
    _, content, _, token = host
    html = "<link rel='attachment' href='icon.svg'><p>x</p>"
    document = HTML(string=html, base_url=str(content) + "/", url_fetcher=PrintFetcher([content])).render()
    assert pdf_attachments(document.write_pdf()) == 1


def test_files_inside_the_roots_are_served(host):
    _, content, _, token = host
    pdf = render("<p style='font-family: X'>x</p><img src='photo.png'><img src='icon.svg'>"
                 "<style>@font-face { font-family: X; src: url(file://%s/NotoSans-Regular.ttf) }</style>" % FONTS_DIR, content)
    assert pdf_images(pdf) == 1
    assert_clean(pdf, token)


def test_allowed_data_url_type_is_rendered(host):
    _, content, _, _ = host
    svg = "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='8' height='8'><rect width='8' height='8'/></svg>"
    pdf = render(f'<img src="{svg}">', content, data_types=["image/svg+xml"])
    assert pdf.startswith(b"%PDF")
    with pytest.raises(Refused):
        render(f'<img src="{svg}">', content)


def test_refusal_survives_a_worker_process():
    """Leaflets render in a process pool: the error must cross back with its URL."""
    import pickle

    error = pickle.loads(pickle.dumps(Refused("file:///etc/passwd", "lý do")))
    assert (error.url, error.reason) == ("file:///etc/passwd", "lý do")


def test_pillow_opens_images_inside_the_roots_only(host):
    _, content, secret, _ = host
    assert open_image(content / "photo.png", [content]).size == (8, 8)
    for outside in (secret / "photo.jpg", content / "linked.jpg", content / ".." / ".." / "secret" / "photo.jpg",
                    content / "fake.png", content / "missing.png"):
        with pytest.raises(Refused):
            open_image(outside, [content])
