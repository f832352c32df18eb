"""No run is blocked by one sheet (issue #19): a sheet whose text does not fit is left out, said why, and the rest is made.

Which sheets fit is decided before anything is rendered (one layout in the smallest
type per audience, format and language); each sheet left out is listed at the line
of the part to shorten, the website and every other sheet are made, and the command
ends with a summary and exit status 1. A release still refuses to go without a sheet.
"""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import AS_OF
from generator.build import BuildOptions, build
from generator.cache import ArtifactCache
from generator.cli import main
from generator.problems import ContentError
from generator.sources.content import content_hash

HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
ACTION = "<!-- flyer: action -->\nĐến đại lý thu. Gọi {{ site.hotline }}.\n<!-- /flyer -->\n"


def paragraphs(count: int, words: str) -> str:
    return "\n\n".join(f"Đoạn {i}: {words}" for i in range(count))


def overview(flyer: str) -> str:
    """A tri-fold of two lines, and a flyer and poster with the text given (line 8)."""
    return (f"---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\n{flyer}\n<!-- /flyer -->\n\n{ACTION}\n"
            "<!-- leaflet -->\nĐóng {{ policy.voluntary.rate }} thu nhập tự chọn.\n<!-- /leaflet -->\n")


# Too long for the flyer and the poster even in their smallest type; the tri-fold fits.
TOO_LONG = overview(paragraphs(60, "đóng {{ policy.voluntary.rate }} thu nhập tự chọn, Nhà nước hỗ trợ một phần."))
SHORT = overview("Đóng {{ policy.voluntary.rate }} thu nhập tự chọn.")


def bahnar(vietnamese: str, flyer: str) -> str:
    """A reviewed translation with its own flyer text at line 12, and its own tri-fold part."""
    return (f"---\ntitle: Tự nguyện (Bahnar)\nstatus: reviewed\nreviewer: Y Đơk\nsource: vi/tu-nguyen/index.md\nsource_hash: {content_hash(vietnamese)}\n"
            f"---\n\nMở đầu.\n\n<!-- flyer -->\n{flyer}\n<!-- /flyer -->\n\n<!-- leaflet -->\nKơ̆ BHXH.\n<!-- /leaflet -->\n")


def outreach(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="outreach")


@pytest.fixture(scope="module")
def too_long(tmp_path_factory):
    """A project whose Vietnamese flyer does not fit, built from the command line; its output, site and manifest."""
    from conftest import write_project

    root = tmp_path_factory.mktemp("left-out")
    project = write_project(root / "project", {"vi/index.md": HOME, "vi/tu-nguyen/index.md": TOO_LONG})
    site = root / "site"
    result = outreach("build", "--project", project.root, "--site-dir", site, "--as-of", AS_OF)
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    return project, site, result, manifest


def test_the_sheet_that_does_not_fit_is_listed_at_its_line_and_the_rest_is_printed(too_long):
    project, site, result, manifest = too_long
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    [misfit] = [i for i, line in enumerate(lines) if line.startswith("content/vi/tu-nguyen/index.md:8: lỗi: Tờ in leaflets/vi/tu-nguyen-a5-flyer.pdf")]
    assert "chưa in được" in lines[misfit] and "dài quá khoảng" in lines[misfit] and "<!-- flyer -->" in lines[misfit]
    # Told before the sheets were rendered and the site made, not after.
    made = next(i for i, line in enumerate(lines) if line.startswith("Đã tạo trang web"))
    assert misfit < made
    assert lines[-1].startswith("Đã in 6 tờ, 3 tờ chưa vừa khổ: leaflets/vi/tu-nguyen-a5-flyer.pdf, "), lines[-1]
    printed = {entry["file"] for entry in manifest["leaflets"]}
    left_out = {entry["file"] for entry in manifest["left_out"]}
    languages = ("vi", "bahnar", "jrai")
    # The poster holds a headline and at most three points: it fits where the whole flyer does not.
    assert left_out == {f"leaflets/{lang}/tu-nguyen-a5-flyer.pdf" for lang in languages}
    assert printed == {f"leaflets/{lang}/tu-nguyen-{sheet}.pdf" for lang in languages for sheet in ("a4-trifold", "a3-poster")}
    assert all((site / file).is_file() for file in printed) and not any((site / file).exists() for file in left_out)
    assert all(entry["path"] == "content/vi/tu-nguyen/index.md" and entry["line"] == 8 for entry in manifest["left_out"])


def test_the_guide_links_only_the_printed_sheets(too_long):
    _, site, _, manifest = too_long
    page = BeautifulSoup((site / "tu-nguyen" / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a["href"].split("leaflets/", 1)[1] for a in page.select("a[href*='leaflets/']")}
    assert links == {"vi/tu-nguyen-a4-trifold.pdf", "vi/tu-nguyen-a3-poster.pdf"}, links


def test_a_build_that_changed_nothing_says_again_which_sheets_are_missing(too_long):
    project, site, _, _ = too_long
    again = outreach("build", "--project", project.root, "--site-dir", site, "--as-of", AS_OF)
    assert again.exit_code == 1, again.output
    assert "Không có gì thay đổi" in again.output
    assert "content/vi/tu-nguyen/index.md:8: lỗi: Tờ in leaflets/vi/tu-nguyen-a5-flyer.pdf" in again.output
    assert "3 tờ chưa vừa khổ" in again.output


def test_a_release_refuses_while_a_sheet_does_not_fit(too_long, tmp_path):
    project, _, _, _ = too_long
    with pytest.raises(ContentError) as caught:
        build(project, tmp_path / "site", BuildOptions(AS_OF, "https://gialai.baohiemxahoi.gov.vn/tt/", release=True),
              cache=ArtifactCache(tmp_path / "cache"))
    assert any(p.format().startswith("content/vi/tu-nguyen/index.md:8: lỗi: Tờ in leaflets/vi/tu-nguyen-a5-flyer.pdf")
               for p in caught.value.problems), caught.value.problems
    assert not (tmp_path / "site").exists()


def test_bahnar_text_too_long_is_for_a_native_speaker_to_shorten(make_project, tmp_path):
    project = make_project({
        "vi/index.md": HOME, "vi/tu-nguyen/index.md": SHORT,
        "bahnar/tu-nguyen/index.md": bahnar(SHORT, paragraphs(60, "Kơ̆ jang lơ̆m hnam BHXH tơ̆ng ba kon pơlei, đei adrol.")),
    })
    result = build(project, tmp_path / "site", BuildOptions(AS_OF), cache=ArtifactCache(tmp_path / "cache"))
    reasons = {(e["file"], e["path"], e["line"]): e["message"] for e in result.manifest.as_json()["left_out"]}
    # The poster shows at most three points of the flyer: only the A5 flyer holds the whole text.
    assert reasons.keys() == {("leaflets/bahnar/tu-nguyen-a5-flyer.pdf", "content/bahnar/tu-nguyen/index.md", 12)}
    message = next(iter(reasons.values()))
    assert "Phần này viết bằng tiếng Bahnar: chỉ người bản ngữ rút ngắn được" in message
    assert "outreach translations export bahnar" in message
    # What to hand out meanwhile: the Bahnar tri-fold, which is printed.
    assert "Trong khi chờ, dùng leaflets/bahnar/tu-nguyen-a4-trifold.pdf." in message
    printed = {entry["file"] for entry in result.manifest.as_json()["leaflets"]}
    assert {"leaflets/bahnar/tu-nguyen-a4-trifold.pdf", "leaflets/vi/tu-nguyen-a5-flyer.pdf"} <= printed
