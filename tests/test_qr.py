"""Short links and QR codes: decode the images, follow the links, guard the lockfile."""

import datetime as dt
import posixpath
import re
import shutil
import subprocess
from collections import Counter

import pytest
import qrcode
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from generator.build import BuildOptions, build, compose
from generator.cache import ArtifactCache
from generator.problems import ContentError
from generator.compose import qr as qr_module
from generator.compose.qr import MAX_VERSION, QUIET_ZONE, image_files

AS_OF = dt.date(2026, 11, 25)
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = "---\ntitle: Tự nguyện\n---\n\nNội dung.\n"


def test_every_audience_overview_has_a_code_in_every_language(built_site):
    qr = built_site.manifest.as_json()["qr"]
    overviews = {p["url"] for p in built_site.manifest.as_json()["pages"] if p["audience"] and p["url"].count("/") == (1 if p["lang"] == "vi" else 2)}
    assert {q["target"] for q in qr} == overviews
    for entry in qr:
        assert set(entry) == {"code", "lang", "page", "url", "target", "version", "error_correction", "print_mm", "files"}
        assert entry["version"] <= MAX_VERSION
    codes = [entry["code"] for entry in qr]
    assert len(codes) == len(set(codes)), "one namespace: every language's code is distinct"


def test_qr_images_decode_to_the_short_url(built_site):
    for entry in built_site.manifest.as_json()["qr"]:
        image = Image.open(built_site.site_dir / entry["files"]["png"])
        [decoded] = zxingcpp.read_barcodes(image)
        assert decoded.text == entry["url"]
        assert decoded.format == zxingcpp.BarcodeFormat.QRCode
        assert decoded.symbology_identifier  # really decoded, not guessed
        # The level as the symbol's own format information says: M survives a smudge, L would not.
        assert decoded.ec_level == entry["error_correction"] == "M"
        modules = 17 + 4 * entry["version"] + 2 * QUIET_ZONE
        module_px = image.width // modules
        assert image.width == modules * module_px
        border = image.convert("L").crop((0, 0, QUIET_ZONE * module_px, image.height))
        assert border.getextrema() == (255, 255), "quiet zone must be white"
        svg = (built_site.site_dir / entry["files"]["svg"]).read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<path" in svg


def test_short_links_lead_to_the_page_in_the_same_language(built_site):
    site_url = built_site.manifest.as_json()["site_url"]
    for entry in built_site.manifest.as_json()["qr"]:
        short_path = entry["url"].removeprefix(site_url)
        assert short_path == f"q/{entry['code']}/"
        assert entry["page"] == f"{entry['lang']}/{entry['target'].removeprefix(entry['lang'] + '/').removeprefix('vi/')}index.md"
        html = (built_site.site_dir / short_path / "index.html").read_text(encoding="utf-8")
        target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html).group(1)
        resolved = posixpath.normpath(posixpath.join("/" + short_path, target)).lstrip("/") + "/"
        assert resolved == entry["target"]
        assert (built_site.site_dir / resolved / "index.html").is_file()


def test_server_redirect_files_cover_every_code(built_site):
    redirects = (built_site.site_dir / "_redirects").read_text(encoding="utf-8").splitlines()
    nginx = (built_site.site_dir / "nginx-redirects.map").read_text(encoding="utf-8").splitlines()
    for entry in built_site.manifest.as_json()["qr"]:
        short_path = entry["url"].removeprefix("https://example.org")
        assert f"{short_path} /tt/{entry['target']} 302" in redirects
        assert f"{short_path} /tt/{entry['target']};" in nginx


def test_guide_page_offers_its_qr_code(built_site):
    page = BeautifulSoup((built_site.site_dir / "jrai/tu-nguyen/index.html").read_text(encoding="utf-8"), "html.parser")
    block = page.select_one("[data-outreach-qr=tnj]")
    links = {a.get_text(): a["href"] for a in block.find_all("a")}
    for name in ("SVG", "PNG"):
        target = posixpath.normpath(posixpath.join("/jrai/tu-nguyen/", links[name])).lstrip("/")
        assert (built_site.site_dir / target).is_file()
    assert "example.org/tt/q/tnj" in block.get_text()
    assert block.find("img")["alt"]


def test_build_issues_codes_into_the_lockfile_and_keeps_them(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    build(project, tmp_path / "out", BuildOptions(AS_OF))
    assert "codes:\n  tn: vi/tu-nguyen/index.md\n  tnb: bahnar/tu-nguyen/index.md\n  tnj: jrai/tu-nguyen/index.md\n" in \
        project.qr_lockfile.read_text(encoding="utf-8")
    (project.content_dir / "vi" / "sinh-vien").mkdir()
    (project.content_dir / "vi" / "sinh-vien" / "index.md").write_text("---\ntitle: SV\nqr: sv1\n---\nx\n", encoding="utf-8")
    build(project, tmp_path / "out", BuildOptions(AS_OF))
    lock = project.qr_lockfile.read_text(encoding="utf-8")
    assert "tn: vi/tu-nguyen/index.md" in lock and "sv1: vi/sinh-vien/index.md" in lock and "sv1b: bahnar/sinh-vien/index.md" in lock


def test_removing_a_page_with_a_locked_code_fails_the_build(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    build(project, tmp_path / "out", BuildOptions(AS_OF))
    (project.content_dir / "vi" / "tu-nguyen" / "index.md").unlink()
    with pytest.raises(ContentError) as caught:
        build(project, tmp_path / "out", BuildOptions(AS_OF))
    [message] = [p.format() for p in caught.value.problems]  # one page gone: one line, naming all its codes
    assert message.startswith("content/qr-lock.yml:5: lỗi:")
    assert "`tn`, `tnb`, `tnj`" in message and "tu-nguyen/index.md" in message and "`moves:`" in message


def test_moving_a_page_is_declared_in_the_lockfile(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    build(project, tmp_path / "out", BuildOptions(AS_OF))
    (project.content_dir / "vi" / "tu-nguyen" / "index.md").rename(project.content_dir / "vi" / "tu-nguyen" / "gioi-thieu.md")
    lock = project.qr_lockfile.read_text(encoding="utf-8")
    moved = lock + "moves:\n" + "".join(f"  {code}: {lang}/tu-nguyen/gioi-thieu.md\n" for code, lang in
                                        (("tn", "vi"), ("tnb", "bahnar"), ("tnj", "jrai")))
    project.qr_lockfile.write_text(moved, encoding="utf-8")
    result = build(project, tmp_path / "out", BuildOptions(AS_OF))
    assert {"code": "tn", "target": "tu-nguyen/gioi-thieu/"}.items() <= next(q for q in result.manifest.as_json()["qr"] if q["code"] == "tn").items()
    assert "codes:\n  tn: vi/tu-nguyen/index.md\n" in project.qr_lockfile.read_text(encoding="utf-8")  # history kept


def test_re_pointing_a_code_by_editing_codes_is_refused_against_the_published_site(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "vi/tu-nguyen/khac.md": "---\ntitle: Khác\n---\nx\n"})
    build(project, tmp_path / "out", BuildOptions(AS_OF))
    hijacked = project.qr_lockfile.read_text(encoding="utf-8").replace("tn: vi/tu-nguyen/index.md", "tn: vi/tu-nguyen/khac.md")
    project.qr_lockfile.write_text(hijacked, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build(project, tmp_path / "out", BuildOptions(AS_OF))
    [message] = [p.format() for p in caught.value.problems]
    assert message.startswith("content/qr-lock.yml:5: lỗi: Mã QR `tn` trong trang web đã xuất bản lần trước mở `vi/tu-nguyen/index.md`")
    assert "moves:" in message


def test_the_committed_lockfile_is_the_reference_in_a_git_repository(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    build(project, tmp_path / "out", BuildOptions(AS_OF))
    git = ["git", "-C", str(project.root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "content/qr-lock.yml"], check=True)
    subprocess.run([*git, "commit", "-qm", "lock"], check=True)
    shutil.rmtree(tmp_path / "out")  # no published site to compare with: only git knows
    lines = project.qr_lockfile.read_text(encoding="utf-8").splitlines(keepends=True)
    project.qr_lockfile.write_text("".join(line for line in lines if not line.startswith("  tnb:")), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF))
    [message] = [p.format() for p in caught.value.problems]
    assert "Mã QR `tnb`" in message and "bản đã commit trong git" in message and "đã bị xoá" in message


def test_a_code_written_twice_in_the_lockfile_is_an_error_at_the_second_line(make_project):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    project.qr_lockfile.write_text("codes:\n  tn: vi/tu-nguyen/index.md\n  tn: vi/index.md\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF))
    [message] = [p.format() for p in caught.value.problems]
    assert message.startswith("content/qr-lock.yml:3: lỗi:") and "`tn`" in message and "dòng 2" in message


@pytest.mark.parametrize("code", ["on", "010", "null", "yes"])
def test_codes_that_look_like_yaml_values_stay_strings(make_project, tmp_path, code):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": f"---\ntitle: Tự nguyện\nqr: {code}\n---\nx\n"})
    result = build(project, tmp_path / "out", BuildOptions(AS_OF))
    assert f"\n  {code}: vi/tu-nguyen/index.md\n" in project.qr_lockfile.read_text(encoding="utf-8")
    assert {q["code"] for q in result.manifest.as_json()["qr"]} == {code, code + "b", code + "j"}
    build(project, tmp_path / "out", BuildOptions(AS_OF))  # and the lockfile reads back the same


def test_code_taken_by_another_page_is_an_error(make_project):
    project = make_project({
        "vi/index.md": HOME,
        "vi/tu-nguyen/index.md": "---\ntitle: A\nqr: abc\n---\nx\n",
        "vi/sinh-vien/index.md": "---\ntitle: B\norder: 1\nqr: abc\n---\nx\n",
    })
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF))
    [message] = [p.format() for p in caught.value.problems]
    assert re.match(r"content/vi/(sinh-vien|tu-nguyen)/index\.md:\d: lỗi: Mã QR `abc` đã cấp", message)


def test_the_provinces_own_address_works_and_codes_grow_with_it(make_project, tmp_path):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    result = build(project, tmp_path / "out", BuildOptions(AS_OF, "https://gialai.baohiemxahoi.gov.vn/tuyen-truyen/"))
    for entry in result.manifest.as_json()["qr"]:
        [decoded] = zxingcpp.read_barcodes(Image.open(tmp_path / "out" / entry["files"]["png"]))
        assert decoded.text == entry["url"] == f"https://gialai.baohiemxahoi.gov.vn/tuyen-truyen/q/{entry['code']}/"
        assert decoded.ec_level == "M"
        modules = 17 + 4 * entry["version"] + 2 * QUIET_ZONE
        assert entry["print_mm"] >= max(25, round(modules * 0.8, 1))


def test_an_address_too_long_for_any_printed_code_names_the_limit(make_project):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    long_url = "https://gialai.baohiemxahoi.gov.vn/" + "tuyen-truyen-bao-hiem-xa-hoi/" * 3
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF, long_url))
    [message] = [p.format() for p in caught.value.problems]
    assert message.startswith("--site-url: lỗi:") and "tối đa 106" in message and "Hãy bớt" in message
    site_yml = project.site_file.read_text(encoding="utf-8")
    project.site_file.write_text(site_yml.replace("https://bhxh-gialai.example/", long_url), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF))
    [message] = [p.format() for p in caught.value.problems]
    line = next(n for n, text in enumerate(site_yml.splitlines(), 1) if text.startswith("site_url:"))
    assert message.startswith(f"content/site.yml:{line}: lỗi:")


def test_check_never_writes_the_lockfile(make_project):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    compose(project, BuildOptions(AS_OF))
    assert not project.qr_lockfile.exists()


def test_the_site_address_comes_from_site_yml_and_the_option_overrides_it(make_project):
    flyer = OVERVIEW + "\n<!-- flyer -->\nĐến đại lý thu.\n<!-- /flyer -->\n"
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": flyer})
    # A site_url in MkDocs' settings is the publisher's business only: QR codes never read it.
    with project.config_file.open("a", encoding="utf-8") as settings:
        settings.write("\nsite_url: https://mkdocs-settings.example/\n")
    from_site_yml = compose(project, BuildOptions(AS_OF))
    assert from_site_yml.site_url == "https://bhxh-gialai.example/"
    assert {qr.short_url.split("/q/")[0] for qr in from_site_yml.qr_codes} == {"https://bhxh-gialai.example"}
    overridden = compose(project, BuildOptions(AS_OF, "https://gialai.example/tt/"))
    assert {qr.short_url.split("/q/")[0] for qr in overridden.qr_codes} == {"https://gialai.example/tt"}
    assert {l.qr_url.split("/q/")[0] for l in overridden.leaflets} == {"https://gialai.example/tt"}


def test_a_code_deleted_from_the_lockfile_is_one_error_at_the_codes_line(make_project, tmp_path, machine_cache):
    # Git and the published site both remember the code: one mistake, one line, where the code goes back.
    from click.testing import CliRunner

    from generator.cli import main

    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    build_site = lambda: CliRunner().invoke(main, ["build", "--project", str(project.root), "--site-dir", str(project.root / "site"),  # noqa: E731
                                                   "--as-of", AS_OF.isoformat()])
    first = build_site()
    assert first.exit_code == 0, first.output
    git = ["git", "-C", str(project.root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "content/qr-lock.yml"], check=True)
    subprocess.run([*git, "commit", "-qm", "lock"], check=True)
    lines = project.qr_lockfile.read_text(encoding="utf-8").splitlines(keepends=True)
    project.qr_lockfile.write_text("".join(line for line in lines if not line.startswith("  tnb:")), encoding="utf-8")
    result = build_site()
    assert result.exit_code == 1
    [error] = [line for line in result.output.splitlines() if ": lỗi: " in line]
    codes_line = next(number for number, line in enumerate(lines, start=1) if line.startswith("codes:"))
    assert error.startswith(f"content/qr-lock.yml:{codes_line}: lỗi: Mã QR `tnb`") and "đã bị xoá" in error, error


MARKED = "<!-- leaflet -->\n<!-- flyer -->\nNội dung.\n<!-- /flyer -->\n<!-- /leaflet -->"


def test_each_qr_image_is_drawn_once_per_address(make_project, monkeypatch):
    """Every sheet and variant of a guide prints its code: the image is drawn once per address, then reused."""
    for cached in (qr_module._matrix, qr_module.svg_image, qr_module.png_image):
        cached.cache_clear()
    drawn = Counter()
    draw = qrcode.QRCode.make_image

    def counting(code, *args, **kwargs):
        drawn[(code.data_list[0].data, kwargs.get("image_factory"))] += 1
        return draw(code, *args, **kwargs)

    monkeypatch.setattr(qrcode.QRCode, "make_image", counting)
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW.replace("Nội dung.", MARKED),
                            "vi/sinh-vien/index.md": OVERVIEW.replace("Tự nguyện", "Sinh viên")})
    composition = compose(project, BuildOptions(AS_OF, print_shop=True))
    image_files(composition.qr_codes)
    addresses = {code.short_url.encode() for code in composition.qr_codes}
    printed = [leaflet for leaflet in composition.leaflets if leaflet.qr_url.endswith("/q/tn/")]
    assert len(printed) >= 3 and len(printed[0].documents) == 3  # tri-fold, flyer, poster; standard, print-shop, photocopy
    assert {url for url, _ in drawn} == addresses
    assert set(drawn.values()) == {1}, drawn  # one SVG and one PNG per address, whatever the number of sheets


def test_qr_images_are_drawn_once_across_builds_and_still_decode(make_project, tmp_path, monkeypatch):
    """The images are kept in the build cache per address: a later build draws none, and what it publishes decodes."""
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    cache = ArtifactCache(tmp_path / "cache")
    build(project, tmp_path / "first", BuildOptions(AS_OF), cache=cache)
    for cached in (qr_module._matrix, qr_module.svg_image, qr_module.png_image):
        cached.cache_clear()
    drawn = Counter()
    draw = qrcode.QRCode.make_image

    def counting(code, *args, **kwargs):
        drawn[code.data_list[0].data] += 1
        return draw(code, *args, **kwargs)

    monkeypatch.setattr(qrcode.QRCode, "make_image", counting)
    result = build(project, tmp_path / "second", BuildOptions(AS_OF), cache=cache)
    assert not drawn
    entries = result.manifest.as_json()["qr"]
    assert entries
    for entry in entries:
        for kind in ("png", "svg"):
            assert (tmp_path / "second" / entry["files"][kind]).read_bytes() == (tmp_path / "first" / entry["files"][kind]).read_bytes()
        [decoded] = zxingcpp.read_barcodes(Image.open(tmp_path / "second" / entry["files"]["png"]))
        assert decoded.text == entry["url"]
    # Another address is another image: nothing is served for the wrong one.
    other = build(project, tmp_path / "third", BuildOptions(AS_OF, "https://other.example/"), cache=cache)
    assert drawn and all(url.startswith(b"https://other.example/") for url in drawn)
    for entry in other.manifest.as_json()["qr"]:
        [decoded] = zxingcpp.read_barcodes(Image.open(tmp_path / "third" / entry["files"]["png"]))
        assert decoded.text == entry["url"]
