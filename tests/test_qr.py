"""Short links and QR codes: decode the images, follow the links, guard the lockfile."""

import datetime as dt
import posixpath
import re

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from generator.build import build, compose
from generator.problems import ContentError
from generator.qr import MAX_VERSION, QUIET_ZONE

AS_OF = dt.date(2026, 11, 25)
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = "---\ntitle: Tự nguyện\n---\n\nNội dung.\n"


def test_every_audience_overview_has_a_code_in_every_language(built_site):
    qr = built_site.manifest["qr"]
    overviews = {p["url"] for p in built_site.manifest["pages"] if p["audience"] and p["url"].count("/") == (1 if p["lang"] == "vi" else 2)}
    assert {q["target"] for q in qr} == overviews
    for entry in qr:
        assert set(entry) == {"code", "lang", "url", "target", "version", "files"}
        assert entry["version"] <= MAX_VERSION


def test_qr_images_decode_to_the_short_url(built_site):
    for entry in built_site.manifest["qr"]:
        image = Image.open(built_site.site_dir / entry["files"]["png"])
        [decoded] = zxingcpp.read_barcodes(image)
        assert decoded.text == entry["url"]
        assert decoded.format == zxingcpp.BarcodeFormat.QRCode
        assert decoded.symbology_identifier  # really decoded, not guessed
        modules = 17 + 4 * entry["version"] + 2 * QUIET_ZONE
        module_px = image.width // modules
        assert image.width == modules * module_px
        border = image.convert("L").crop((0, 0, QUIET_ZONE * module_px, image.height))
        assert border.getextrema() == (255, 255), "quiet zone must be white"
        svg = (built_site.site_dir / entry["files"]["svg"]).read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<path" in svg


def test_short_links_lead_to_the_page_in_the_same_language(built_site):
    site_url = built_site.manifest["site_url"]
    for entry in built_site.manifest["qr"]:
        short_path = entry["url"].removeprefix(site_url)
        prefix = "" if entry["lang"] == "vi" else entry["lang"] + "/"
        assert short_path == f"{prefix}q/{entry['code']}/"
        html = (built_site.site_dir / short_path / "index.html").read_text(encoding="utf-8")
        target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html).group(1)
        resolved = posixpath.normpath(posixpath.join("/" + short_path, target)).lstrip("/") + "/"
        assert resolved == entry["target"]
        assert (built_site.site_dir / resolved / "index.html").is_file()


def test_server_redirect_files_cover_every_code(built_site):
    redirects = (built_site.site_dir / "_redirects").read_text(encoding="utf-8").splitlines()
    nginx = (built_site.site_dir / "nginx-redirects.map").read_text(encoding="utf-8").splitlines()
    for entry in built_site.manifest["qr"]:
        short_path = entry["url"].removeprefix("https://example.org")
        assert f"{short_path} /tt/{entry['target']} 301" in redirects
        assert f"{short_path} /tt/{entry['target']};" in nginx


def test_guide_page_offers_its_qr_code(built_site):
    page = BeautifulSoup((built_site.site_dir / "jrai/tu-nguyen/index.html").read_text(encoding="utf-8"), "html.parser")
    block = page.select_one("[data-outreach-qr=tn]")
    links = {a.get_text(): a["href"] for a in block.find_all("a")}
    for name in ("SVG", "PNG"):
        target = posixpath.normpath(posixpath.join("/jrai/tu-nguyen/", links[name])).lstrip("/")
        assert (built_site.site_dir / target).is_file()
    assert "example.org/tt/jrai/q/tn/" in block.get_text()
    assert block.find("img")["alt"]


def test_build_issues_codes_into_the_lockfile_and_keeps_them(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    build(project, tmp_path / "out", AS_OF)
    assert "tn: tu-nguyen/index.md" in project.qr_lockfile.read_text(encoding="utf-8")
    (project.content_dir / "vi" / "sinh-vien").mkdir()
    (project.content_dir / "vi" / "sinh-vien" / "index.md").write_text("---\ntitle: SV\nqr: sv1\n---\nx\n", encoding="utf-8")
    build(project, tmp_path / "out", AS_OF)
    lock = project.qr_lockfile.read_text(encoding="utf-8")
    assert "tn: tu-nguyen/index.md" in lock and "sv1: sinh-vien/index.md" in lock


def test_removing_a_page_with_a_locked_code_fails_the_build(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    build(project, tmp_path / "out", AS_OF)
    (project.content_dir / "vi" / "tu-nguyen" / "index.md").unlink()
    with pytest.raises(ContentError) as caught:
        build(project, tmp_path / "out", AS_OF)
    [message] = [p.format() for p in caught.value.problems]
    assert message.startswith("content/qr-lock.yml:")
    assert "`tn`" in message and "tu-nguyen/index.md" in message and "sửa dòng `tn:`" in message


def test_moving_a_page_is_declared_in_the_lockfile(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    build(project, tmp_path / "out", AS_OF)
    (project.content_dir / "vi" / "tu-nguyen" / "index.md").rename(project.content_dir / "vi" / "tu-nguyen" / "gioi-thieu.md")
    lock = project.qr_lockfile.read_text(encoding="utf-8").replace("tn: tu-nguyen/index.md", "tn: tu-nguyen/gioi-thieu.md")
    project.qr_lockfile.write_text(lock, encoding="utf-8")
    result = build(project, tmp_path / "out", AS_OF)
    assert {"code": "tn", "target": "tu-nguyen/gioi-thieu/"}.items() <= next(q for q in result.manifest["qr"] if q["lang"] == "vi").items()


def test_code_taken_by_another_page_is_an_error(make_project):
    project = make_project({
        "vi/index.md": HOME,
        "vi/tu-nguyen/index.md": "---\ntitle: A\nqr: abc\n---\nx\n",
        "vi/sinh-vien/index.md": "---\ntitle: B\norder: 1\nqr: abc\n---\nx\n",
    })
    with pytest.raises(ContentError) as caught:
        compose(project, AS_OF)
    [message] = [p.format() for p in caught.value.problems]
    assert re.match(r"content/vi/(sinh-vien|tu-nguyen)/index\.md:\d: lỗi: Mã QR `abc` đã cấp", message)


def test_site_url_too_long_for_a_small_code(make_project):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    with pytest.raises(ContentError) as caught:
        compose(project, AS_OF, "https://a-very-long-provincial-portal.example.gov.vn/tuyen-truyen/")
    assert "site_url" in caught.value.problems[0].message


def test_check_never_writes_the_lockfile(make_project):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    compose(project, AS_OF)
    assert not project.qr_lockfile.exists()
