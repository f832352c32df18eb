"""Communes and campaigns: their data files checked at the line, commune editions and campaign sets on real outputs."""

from __future__ import annotations

import datetime as dt
import posixpath
import re

import pypdfium2 as pdfium
import pytest
from bs4 import BeautifulSoup
import zxingcpp
from click.testing import CliRunner

from generator.build import BuildOptions, build, compose
from generator.cache import ArtifactCache
from generator.cli import main
from generator.editions import EditionChoice
from generator.problems import ContentError
from sheetcheck import pdf_text, raster

AS_OF = dt.date(2026, 11, 25)
SITE_URL = "https://example.org/tt/"
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = ("---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\nĐóng {{ policy.voluntary.rate }} thu nhập tự chọn.\n<!-- /flyer -->\n\n"
            "<!-- flyer: action -->\nĐến đại lý thu ở xã.\n<!-- /flyer -->\n")
PAGES = {"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW}


def commune(code: str, name: str, phone: str = '"0269 3824 111"', extra: str = "") -> str:
    return (f"  - code: {code}\n    name: {name}\n    kind: xã\n{extra}    office:\n      name: Bưu điện xã {name}\n"
            f"      address: Số 5 đường Trần Phú, xã {name}\n      hours: Thứ Hai – Thứ Sáu, 7:00–11:30\n      phone: {phone}\n")


TWO_COMMUNES = ("communes:\n" + commune("iagrai", "Ia Grai", extra="    contact:\n      name: Rơ Lan Hơ\n      role: Cộng tác viên\n"
                                                                   "      phone: \"0912 345 678\"\n")
                + commune("chupah", "Chư Păh"))


def problems(project, **options) -> list[str]:
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF, SITE_URL, **options))
    return [p.format() for p in caught.value.problems]


# --- the data files, checked at the line -------------------------------------------------------


def test_commune_mistakes_are_reported_at_their_line(make_project):
    text = ("communes:\n" + commune("iagrai", "Ia Grai")            # lines 2-9
            + commune("Ia-Grai", "Ia Grai 2")                        # 10-17: code unusable in an address
            + commune("iagrai", "Trùng mã")                          # 18-25: code used twice
            + commune("duc", "Đức Cơ", phone='"123"'))               # 26-33: phone
    project = make_project({**PAGES, "communes.yml": text})
    found = problems(project)
    assert any(p.startswith("content/communes.yml:10: lỗi:") and "Ia-Grai" in p and "chữ thường" in p for p in found), found
    assert any(p.startswith("content/communes.yml:18: lỗi:") and "`iagrai` đã dùng cho Xã Ia Grai (dòng 2)" in p for p in found), found
    assert any(p.startswith("content/communes.yml:33: lỗi:") and "Số điện thoại `123`" in p for p in found), found
    assert len(found) == 3, found


def test_a_missing_office_and_an_unknown_key_name_the_fix(make_project):
    text = "communes:\n  - code: iagrai\n    name: Ia Grai\n    kind: thôn\n    ofice: Bưu điện\n"
    found = problems(make_project({**PAGES, "communes.yml": text}))
    assert any(p.startswith("content/communes.yml:4: lỗi:") and "`thôn`" in p for p in found), found
    assert any(p.startswith("content/communes.yml:5: lỗi:") and "Có phải `office`?" in p for p in found), found
    assert any(p.startswith("content/communes.yml:2: lỗi:") and "Thiếu dòng `office:`" in p for p in found), found


def test_a_release_refuses_sample_communes(make_project):
    text = "communes:\n" + commune("iagrai", "Ia Grai") + commune("mau1", "Mẫu", extra="    sample: true\n")
    found = problems(make_project({**PAGES, "communes.yml": text}), release=True)
    assert any(p.startswith("content/communes.yml:10: lỗi:") and "mục mẫu" in p for p in found), found
    assert not any(p.startswith("content/communes.yml:2:") for p in found)


def test_the_sample_communes_are_marked_as_samples(tmp_path):
    from conftest import REPO
    text = (REPO / "content" / "communes.yml").read_text(encoding="utf-8")
    entries = text.count("  - code:")
    assert 3 <= entries <= 4 and text.count("    sample: true") == entries


def test_campaign_mistakes_are_reported_at_their_line(make_project):
    text = ("campaigns:\n  - code: iagrai\n    name: Trùng mã của xã\n    start: 2026-05-01\n    end: 2026-05-31\n"
            "    audiences: [tu-nguyen]\n    message: Tham gia BHXH.\n"
            "  - code: t5\n    name: Ngày sai\n    start: 2026-05-31\n    end: 2026-05-01\n    audiences: [nong-dan]\n    message: X.\n")
    found = problems(make_project({**PAGES, "communes.yml": TWO_COMMUNES, "campaigns.yml": text}))
    assert any(p.startswith("content/campaigns.yml:2: lỗi:") and "`iagrai` đã dùng ở communes.yml dòng 2" in p for p in found), found
    assert any(p.startswith("content/campaigns.yml:8: lỗi:") and "trước ngày bắt đầu" in p for p in found), found


def test_print_names_an_unknown_commune(make_project):
    project = make_project({**PAGES, "communes.yml": TWO_COMMUNES})
    result = CliRunner().invoke(main, ["print", "--commune", "pleiku", "--project", str(project.root), "--site-dir",
                                       str(project.root / "site")])
    assert result.exit_code == 1
    assert "content/communes.yml:1: lỗi: Không có xã mã `pleiku`" in result.output
    assert "chupah, iagrai" in result.output and "Traceback" not in result.output


# --- commune editions on real outputs -----------------------------------------------------------


def scanned(path) -> list[str]:
    document = pdfium.PdfDocument(path)
    return [code.text for n in range(len(document))
            for code in zxingcpp.read_barcodes(raster(document[n], 150)) if code.format == zxingcpp.BarcodeFormat.QRCode]


def resolve_redirect(site_dir, short_path: str) -> str:
    html = (site_dir / short_path / "index.html").read_text(encoding="utf-8")
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html).group(1)
    return posixpath.normpath(posixpath.join("/" + short_path, target)).lstrip("/") + "/"


@pytest.fixture
def printed(make_project, tmp_path):
    """Two communes, the editions of both printed in Vietnamese only."""
    project = make_project({**PAGES, "communes.yml": TWO_COMMUNES})
    options = BuildOptions(AS_OF, SITE_URL, editions=EditionChoice(("all",), (), ("vi",)))
    result = build(project, tmp_path / "site", options, cache=ArtifactCache(tmp_path / "cache"))
    return project, options, result


def editions(result, commune: str) -> list[dict]:
    return [l for l in result.manifest.as_json()["leaflets"] if l["commune"] == commune]


def test_a_commune_edition_carries_its_office_and_its_own_code(printed):
    _, _, result = printed
    sheets = editions(result, "iagrai")
    assert {(l["format"], l["lang"]) for l in sheets} == {("a5-flyer", "vi"), ("a3-poster", "vi")}
    for sheet in sheets:
        assert sheet["file"].startswith("leaflets/vi/xa/iagrai/")
        pdf = result.site_dir / sheet["file"]
        text = pdf_text(pdf)
        for words in ("Số 5 đường Trần Phú, xã Ia Grai", "0269 3824 111", "Rơ Lan Hơ", "0912 345 678", "Thứ Hai – Thứ Sáu"):
            assert words in text, (sheet["file"], words)
        assert "Chư Păh" not in text
        assert "example.org/tt/q/tn-iagrai" in text
        assert scanned(pdf) == ["https://example.org/tt/q/tn-iagrai/"], sheet["file"]
    assert resolve_redirect(result.site_dir, "q/tn-iagrai/") == "tu-nguyen/"
    assert "/tt/q/tn-iagrai/ /tt/tu-nguyen/ 302" in (result.site_dir / "_redirects").read_text(encoding="utf-8")
    tagged = {t["code"]: t for t in result.manifest.as_json()["tagged_codes"]}
    assert tagged["tn-iagrai"]["commune"] == "iagrai" and tagged["tn-iagrai"]["base"] == "tn"
    assert tagged["tnb-chupah"]["target"] == "bahnar/tu-nguyen/"  # every language has its code, printed or not


def test_the_team_sees_each_edition_by_its_own_previews(printed):
    _, _, result = printed
    sheet = BeautifulSoup((result.site_dir / "noi-bo/to-in/index.html").read_text(encoding="utf-8"), "html.parser")
    for entry in result.manifest.as_json()["leaflets"]:
        if entry["variant"] != "standard":
            continue
        def site_path(src):
            return posixpath.normpath(posixpath.join("noi-bo/to-in/", src))

        [section] = [s for s in sheet.select("section.sheet") if entry["file"] in {site_path(a["href"]) for a in s.select("a")}]
        shown = [site_path(img["src"]) for img in section.select("img")]
        assert shown == entry["previews"], entry["file"]


def test_the_guides_own_sheets_stay_as_they_were(printed):
    _, _, result = printed
    plain = [l for l in result.manifest.as_json()["leaflets"] if l["commune"] is None]
    assert {l["file"] for l in plain} >= {"leaflets/vi/tu-nguyen-a5-flyer.pdf", "leaflets/bahnar/tu-nguyen-a3-poster.pdf"}
    assert scanned(result.site_dir / "leaflets/vi/tu-nguyen-a5-flyer.pdf") == ["https://example.org/tt/q/tn/"]
    guide = (result.site_dir / "tu-nguyen/index.html").read_text(encoding="utf-8")
    assert "xa/iagrai" not in guide  # editions are linked from the commune's page only


def test_the_commune_page_lists_its_office_and_links_its_editions(printed):
    _, _, result = printed
    page = (result.site_dir / "xa/iagrai/index.html").read_text(encoding="utf-8")
    assert "Xã Ia Grai" in page and "Số 5 đường Trần Phú" in page and 'href="tel:02693824111"' in page
    links = re.findall(r'href="([^"]+)"', page)
    assert "../../leaflets/vi/xa/iagrai/tu-nguyen-a5-flyer.pdf" in links
    assert "../../q/tn-iagrai/" in links
    for link in links:
        if not link.startswith(("tel:", "../../assets")):
            target = posixpath.normpath(posixpath.join("/xa/iagrai/", link)).lstrip("/")
            assert (result.site_dir / target).exists() or (result.site_dir / target / "index.html").exists(), link
    home = (result.site_dir / "index.html").read_text(encoding="utf-8")
    assert "xa/iagrai" not in home  # outside the navigation


def test_editing_one_commune_rerenders_only_its_editions(printed, tmp_path):
    project, options, _ = printed
    communes = project.content_dir / "communes.yml"
    communes.write_text(communes.read_text(encoding="utf-8").replace("Số 5 đường Trần Phú, xã Chư Păh", "Số 7 đường Hùng Vương"),
                        encoding="utf-8")
    result = build(project, tmp_path / "site", options, cache=ArtifactCache(tmp_path / "cache"))
    assert not result.reused
    assert set(result.cache.misses) == {l["file"] for l in editions(result, "chupah")}
    assert set(result.cache.hits) >= {l["file"] for l in editions(result, "iagrai")}
    assert "Số 7 đường Hùng Vương" in pdf_text(result.site_dir / "leaflets/vi/xa/chupah/tu-nguyen-a5-flyer.pdf")


# --- campaigns ----------------------------------------------------------------------------------

CAMPAIGN = ("campaigns:\n  - code: tvd26\n    name: Tháng vận động triển khai BHXH toàn dân 2026\n    start: 2026-05-01\n"
            "    end: 2026-05-31\n    audiences: [tu-nguyen]\n    message: \"Hỏi đại lý thu BHXH ở xã hoặc gọi {{ site.hotline }}.\"\n")


def test_a_campaign_has_its_page_codes_and_sheets_and_stays_as_an_archive(make_project, tmp_path):
    project = make_project({**PAGES, "campaigns.yml": CAMPAIGN})
    cache = ArtifactCache(tmp_path / "cache")
    during = build(project, tmp_path / "during", BuildOptions(dt.date(2026, 5, 10), SITE_URL), cache=cache)
    after = build(project, tmp_path / "after", BuildOptions(dt.date(2026, 6, 1), SITE_URL), cache=cache)

    sheets = [l for l in during.manifest.as_json()["leaflets"] if l["campaign"] == "tvd26"]
    assert {(l["format"], l["lang"]) for l in sheets} == {(f, lang) for f in ("a5-flyer", "a3-poster") for lang in ("vi", "bahnar", "jrai")}
    flyer = during.site_dir / "leaflets/vi/chien-dich/tvd26/tu-nguyen-a5-flyer.pdf"
    text = pdf_text(flyer)
    assert "Tháng vận động triển khai BHXH toàn dân 2026" in text and "Hỏi đại lý thu BHXH ở xã hoặc gọi 1900 9068." in text
    assert "01/05/2026" in text and "31/05/2026" in text
    assert scanned(flyer) == ["https://example.org/tt/q/tn-tvd26/"]
    assert not [l for l in after.manifest.as_json()["leaflets"] if l["campaign"]]  # nothing new is printed for a campaign that is over

    for result, state in ((during, "running"), (after, "archived")):
        for prefix in ("", "bahnar/", "jrai/"):
            page = (result.site_dir / prefix / "chien-dich/tvd26/index.html").read_text(encoding="utf-8")
            assert f'data-state="{state}"' in page and "Tháng vận động triển khai BHXH toàn dân 2026" in page
            # Written in Vietnamese only: a Bahnar or Jrai reader is told, and the text is marked as Vietnamese.
            soup = BeautifulSoup(page, "html.parser")
            assert soup.h1["lang"] == "vi" and soup.select_one("p.message")["lang"] == "vi"
            assert ("chưa có bản tiếng" in page) == bool(prefix), prefix
        assert "lưu trữ" in page if state == "archived" else "lưu trữ" not in page
        for code, target in (("tn-tvd26", "tu-nguyen/"), ("tnb-tvd26", "bahnar/tu-nguyen/"), ("tnj-tvd26", "jrai/tu-nguyen/")):
            assert resolve_redirect(result.site_dir, f"q/{code}/") == target
        assert {t["code"] for t in result.manifest.as_json()["tagged_codes"] if t.get("campaign") == "tvd26"} >= {"tn-tvd26", "tnb-tvd26"}


def test_check_reports_commune_mistakes_at_their_line(make_project, machine_cache):
    project = make_project({**PAGES, "communes.yml": "communes:\n" + commune("iagrai", "Ia Grai", phone='"02 69"')})
    result = CliRunner().invoke(main, ["check", "--project", str(project.root), "--as-of", "2026-11-25"])
    assert result.exit_code == 1
    assert "content/communes.yml:9: lỗi: Số điện thoại `02 69` không đúng dạng" in result.output
    assert "Traceback" not in result.output


def test_a_published_commune_cannot_silently_disappear(make_project, tmp_path):
    unprinted = {"vi/index.md": HOME, "vi/tu-nguyen/index.md": "---\ntitle: Tự nguyện\n---\n\nKhông có phần in.\n"}
    project = make_project({**unprinted, "communes.yml": TWO_COMMUNES})
    first = build(project, tmp_path / "site", BuildOptions(AS_OF, SITE_URL))
    assert (first.site_dir / "q/tn-chupah/index.html").is_file()  # a commune's codes exist before anything is printed
    (project.content_dir / "communes.yml").write_text("communes:\n" + commune("iagrai", "Ia Grai"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build(project, tmp_path / "site", BuildOptions(AS_OF, SITE_URL))
    [problem] = [p.format() for p in caught.value.problems]
    assert problem.startswith("content/communes.yml:1: lỗi: Mã QR `tn-chupah`, `tnb-chupah`, `tnj-chupah` của xã `chupah`")
    assert (tmp_path / "site" / "q/tn-chupah/index.html").is_file()  # the published site is left as it was
