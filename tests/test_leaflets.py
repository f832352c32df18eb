"""Leaflets, flyers and posters: what they say, on which side, in which language; marks and overflow refused.

The design itself (sizes, folds, fill, type, QR codes, print-shop and
photocopy files) is measured in test_print_design.py.
"""

import datetime as dt
import posixpath
import re

import pypdfium2 as pdfium
import pytest
from bs4 import BeautifulSoup

from generator.build import BuildOptions, build, compose
from generator.cache import ArtifactCache
from generator.problems import ContentError
from sheetcheck import pdf, pdf_text, text_runs

AS_OF = dt.date(2026, 11, 25)
AUDIENCES = ("doanh-nghiep", "ho-kinh-doanh", "tu-nguyen", "sinh-vien", "nguoi-co-uy-tin")
LANGUAGES = ("vi", "bahnar", "jrai")
EXPECTED = {("a4-trifold", "standard"), ("a4-trifold", "print-shop"), ("a4-trifold", "photocopy"),
            ("a5-flyer", "standard"), ("a5-flyer", "print-shop"), ("a5-flyer", "photocopy"),
            ("a3-poster", "standard"), ("a3-poster", "print-shop")}


def leaflets(built_site, **where):
    return [l for l in built_site.manifest.as_json()["leaflets"] if all(l[k] == v for k, v in where.items())]


def one(built_site, **where):
    [entry] = leaflets(built_site, **where)
    return built_site.site_dir / entry["file"]


def test_print_shop_and_photocopy_variants_only_when_asked(make_project):
    """A draft build prepares the office print only: half the documents, at province scale half the render time."""
    marked = "---\ntitle: Tự nguyện\n---\n\n<!-- leaflet -->\n<!-- flyer -->\nNội dung.\n<!-- /flyer -->\n<!-- /leaflet -->\n"
    project = make_project({"vi/index.md": "---\ntitle: Trang chủ\n---\n\nXin chào.\n", "vi/tu-nguyen/index.md": marked})
    plain = compose(project, BuildOptions(AS_OF)).leaflets
    assert {(l.format.name, variant) for l in plain for variant, _ in l.documents} == {
        ("a4-trifold", "standard"), ("a5-flyer", "standard"), ("a3-poster", "standard")}
    asked = compose(project, BuildOptions(AS_OF, print_shop=True)).leaflets
    assert {(l.format.name, variant) for l in asked if l.lang == "vi" for variant, _ in l.documents} == EXPECTED


def test_every_audience_and_language_has_a_trifold_a_flyer_and_a_poster_in_every_variant(built_site):
    for lang in LANGUAGES:
        for audience in AUDIENCES:
            found = {(l["format"], l["variant"]) for l in leaflets(built_site, lang=lang, audience=audience)}
            assert found == EXPECTED, (lang, audience)
    for entry in built_site.manifest.as_json()["leaflets"]:
        assert set(entry) == {"lang", "audience", "format", "variant", "file", "pages", "qr_url", "issued", "valid_until", "previews",
                              "status", "release", "unverified_figures", "commune", "campaign"}
        assert (built_site.site_dir / entry["file"]).read_bytes().startswith(b"%PDF")


def test_cover_has_issuer_title_slogan_and_hotline(built_site):
    path = one(built_site, lang="vi", audience="tu-nguyen", format="a4-trifold", variant="standard")
    cover = [r for r in text_runs(pdf(path)[0]) if r.left >= 197]  # the cover panel: 197-297 mm
    text = " ".join(" ".join(r.text for r in cover).split())
    assert "BẢO HIỂM XÃ HỘI TỈNH GIA LAI" in text  # content/site.yml `issuer`, in capitals
    assert "Tham gia hôm nay, có chỗ dựa khi về già." in text  # the `cover` part
    assert "1900 9068" in text


def test_cover_title_wraps_in_balanced_lines(built_site):
    for entry in leaflets(built_site, format="a4-trifold", variant="standard"):
        page = pdf(built_site.site_dir / entry["file"])[0]
        cover = [r for r in text_runs(page) if r.left >= 197]
        title_size = max(r.size_pt for r in cover)
        lines: dict[int, list] = {}
        for run in (r for r in cover if r.size_pt == title_size):
            lines.setdefault(round(run.bottom), []).append(run)
        words = [" ".join(r.text for r in sorted(line, key=lambda r: r.left)).split() for _, line in sorted(lines.items())]
        assert len(words) <= 4, entry["file"]
        if len(words) > 1:
            assert len(words[-1]) >= 2, (entry["file"], words)  # never one word alone on the last line
        assert all(r.right <= 297 - 7 for r in cover), entry["file"]


def test_each_sheet_has_its_call_to_action(built_site):
    expected = {"vi": "Làm thế nào để tham gia?", "jrai": "Làm thế nào để tham gia?"}
    for lang, heading in expected.items():  # Jrai borrows the Vietnamese one and says so
        for fmt in ("a4-trifold", "a5-flyer", "a3-poster"):
            assert heading in pdf_text(one(built_site, lang=lang, audience="tu-nguyen", format=fmt, variant="standard"))
    for audience, words in {"doanh-nghiep": "Cần hỏi, cần báo?", "ho-kinh-doanh": "Đăng ký ở đâu?", "sinh-vien": "Cần hỏi?",
                            "nguoi-co-uy-tin": "Khi bà con muốn tham gia"}.items():
        text = pdf_text(one(built_site, lang="vi", audience=audience, format="a4-trifold", variant="standard"))
        assert words in text and "mang" in text.lower() and "1900 9068" in text, audience


def test_figures_are_those_in_force_with_the_coming_change_in_one_sentence(built_site):
    text = pdf_text(one(built_site, lang="vi", audience="tu-nguyen", format="a4-trifold", variant="standard"))
    assert "22%" in text and "165.000 đ" in text and "1.500.000 đ" in text
    assert "(từ 01/01/2027" not in text and "338.800" not in text  # no future value inside a sentence
    assert "Phát hành ngày 25/11/2026." in text
    assert "Số liệu dùng đến hết ngày 31/12/2026." in text
    assert "Từ ngày 01/01/2027, một số mức trên tờ này thay đổi" in text
    [entry] = leaflets(built_site, lang="vi", audience="tu-nguyen", format="a4-trifold", variant="standard")
    assert entry["issued"] == "2026-11-25" and entry["valid_until"] == "2026-12-31"
    students = pdf_text(one(built_site, lang="vi", audience="sinh-vien", format="a4-trifold", variant="standard"))
    assert "Phát hành ngày 25/11/2026." in students and "dùng đến hết" not in students  # nothing on it changes


def test_legal_basis_and_unverified_mark_are_in_the_small_print(built_site):
    text = pdf_text(one(built_site, lang="vi", audience="tu-nguyen", format="a4-trifold", variant="standard"))
    assert "Luật BHXH 41/2024/QH15" in text and "Nghị định 159/2025/NĐ-CP" in text
    assert "chưa đối chiếu với văn bản gốc" in text


def test_links_print_as_something_that_works_on_paper(built_site):
    voluntary = pdf_text(one(built_site, lang="vi", audience="tu-nguyen", format="a4-trifold", variant="standard"))
    assert "Xem mức đóng và tiền hỗ trợ (quét mã QR)." in voluntary
    workers = pdf_text(one(built_site, lang="vi", audience="doanh-nghiep", format="a4-trifold", variant="standard"))
    # A page with its own short address: the address to type.
    assert "BHXH tự nguyện (gõ example.org/tt/q/tn)" in workers
    for entry in built_site.manifest.as_json()["leaflets"]:
        assert b"/Link" not in (built_site.site_dir / entry["file"]).read_bytes(), entry["file"]  # nothing to click on paper


def test_bahnar_and_jrai_breves_survive_into_the_pdf(built_site):
    bahnar = pdf_text(one(built_site, lang="bahnar", audience="tu-nguyen", format="a4-trifold", variant="standard"))
    assert "Bơ\u0306n kon pơlei" in bahnar
    jrai = pdf_text(one(built_site, lang="jrai", audience="tu-nguyen", format="a4-trifold", variant="standard"))
    assert "ơ\u0306 hloh" in jrai and "ƀing ta" in jrai


def test_each_sheet_carries_one_honest_notice_in_the_readers_language(built_site):
    # Jrai text (a draft) with Vietnamese parts: one notice saying both, never two that contradict.
    mixed = pdf_text(one(built_site, lang="jrai", audience="tu-nguyen", format="a4-trifold", variant="standard"))
    assert "Phần tiếng Jrai trên tờ này là bản dịch nháp" in mixed and "phần chưa dịch được in bằng tiếng Việt" in mixed
    assert "Tờ này in bằng tiếng Việt vì chưa có" not in mixed and mixed.count("nháp") == 1
    # Only Vietnamese text: says so, no draft notice.
    fallback = pdf_text(one(built_site, lang="bahnar", audience="doanh-nghiep", format="a5-flyer", variant="standard"))
    assert "Tờ này in bằng tiếng Việt vì chưa có bản tiếng Bahnar." in fallback and "nháp" not in fallback
    for fmt in ("a4-trifold", "a5-flyer", "a3-poster"):
        assert "nháp" not in pdf_text(one(built_site, lang="vi", audience="tu-nguyen", format=fmt, variant="standard"))


def test_fonts_are_embedded(built_site):
    import pypdfium2.raw as pdfium_raw

    for entry in leaflets(built_site, audience="tu-nguyen"):
        fonts = [bool(pdfium_raw.FPDFFont_GetIsEmbedded(pdfium_raw.FPDFTextObj_GetFont(obj.raw)))
                 for page in pdf(built_site.site_dir / entry["file"])
                 for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_TEXT])]
        assert fonts and all(fonts), entry["file"]


def test_audience_page_links_its_sheets(built_site):
    page = BeautifulSoup((built_site.site_dir / "jrai/sinh-vien/index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in page.select("[data-outreach-downloads] a")]
    targets = {posixpath.normpath(posixpath.join("/jrai/sinh-vien/", h)).lstrip("/") for h in hrefs}
    assert targets == {l["file"] for l in leaflets(built_site, lang="jrai", audience="sinh-vien")}


def test_team_area_has_a_preview_of_every_page_and_a_contact_sheet(built_site):
    sheet = BeautifulSoup((built_site.site_dir / "noi-bo/to-in/index.html").read_text(encoding="utf-8"), "html.parser")
    shown = {posixpath.normpath(posixpath.join("noi-bo/to-in/", img["src"])) for img in sheet.select("img")}
    expected = set()
    for entry in leaflets(built_site, variant="standard"):
        assert len(entry["previews"]) == entry["pages"], entry["file"]
        for preview in entry["previews"]:
            assert (built_site.site_dir / preview).read_bytes().startswith(b"\x89PNG")
            expected.add(preview)
    assert shown == expected
    linked = {posixpath.normpath(posixpath.join("noi-bo/to-in/", a["href"])) for a in sheet.select("a")}
    assert {l["file"] for l in built_site.manifest.as_json()["leaflets"]} <= linked
    # Headed by the languages' names, sizes with a decimal comma, as the team reads them.
    assert [h2.get_text() for h2 in sheet.select("h2")] == ["Tiếng Việt", "Bahnar", "Jrai"]
    assert not re.search(r"\d\.\d+ pt", sheet.get_text())


# --- marks and overflow, on tiny projects ------------------------------------------------

HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"


def overview(flyer_paragraphs: int) -> str:
    body = "\n\n".join(f"Đoạn {i}: đóng {{{{ policy.voluntary.rate }}}} thu nhập tự chọn, Nhà nước hỗ trợ một phần." for i in range(flyer_paragraphs))
    return (f"---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\n{body}\n<!-- /flyer -->\n\n"
            "<!-- flyer: action -->\nĐến đại lý thu. Gọi {{ site.hotline }}.\n<!-- /flyer -->\n")


def problems_of(project) -> list[str]:
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF))
    return [p.format() for p in caught.value.problems]


@pytest.mark.parametrize("body, line, words", [
    ("<!-- flyr -->\nNội dung\n<!-- /flyer -->\n", 5, ["<!-- flyr -->", "Có phải `<!-- flyer -->`?"]),
    ("Nội dung\n<!-- /leaflet -->\n", 6, ["<!-- /leaflet -->", "không có `<!-- leaflet -->` mở trước"]),
    ("<!-- leaflet: covr -->\nKhẩu hiệu\n<!-- /leaflet -->\n", 5, ["covr", "Có phải `<!-- leaflet: cover -->`?"]),
    ("<!-- flyer: flap -->\nx\n<!-- /flyer -->\n", 5, ["flap", "<!-- flyer: action -->"]),
    ("<!-- leaflet -->\nNội dung\n", 5, ["<!-- /leaflet -->"]),
    ("<!-- leaflet -->\na\n<!-- leaflet -->\nb\n<!-- /leaflet -->\n", 7, ["chưa đóng"]),
])
def test_unknown_or_unbalanced_marks_are_one_error_at_their_line(make_project, body, line, words):
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": "---\ntitle: X\n---\n\n" + body})
    [message] = problems_of(project)  # a misspelled open and its close: one mistake, one line
    assert message.startswith(f"content/vi/tu-nguyen/index.md:{line}: lỗi:"), message
    assert all(w in message for w in words), message


def test_a_short_note_in_a_comment_is_read_as_a_mark(make_project):
    # One word alone in a comment is what a mark looks like: better an error than a silently lost part.
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": "---\ntitle: X\n---\n\n<!-- todo -->\nx\n"})
    [message] = problems_of(project)
    assert message.startswith("content/vi/tu-nguyen/index.md:5:") and "Ghi chú cho người biên tập thì viết thành câu" in message


def test_a_translation_without_a_call_to_action_borrows_the_vietnamese_one(make_project):
    from generator.sources.content import content_hash

    source = overview(1)
    project = make_project({
        "vi/index.md": HOME, "vi/tu-nguyen/index.md": source,
        "jrai/tu-nguyen/index.md": (f"---\ntitle: Jrai\nstatus: draft\nsource: vi/tu-nguyen/index.md\n"
                                    f"source_hash: {content_hash(source)}\n---\n\n<!-- flyer -->\nƀing ta\n<!-- /flyer -->\n"),
    })
    [flyer] = [l for l in compose(project, BuildOptions(AS_OF)).leaflets if l.lang == "jrai" and l.format.name == "a5-flyer"]
    assert [(p.role, p.status) for p in flyer.parts] == [("", "draft"), ("action", "fallback")]
    assert "phần chưa dịch được in bằng tiếng Việt" in flyer.document("standard")


def test_same_input_gives_byte_identical_pdfs_and_images(make_project, tmp_path, monkeypatch):
    """Two builds from empty caches (the project's and the machine's), each rendering every file itself."""
    steps = "```infographic\nkind: steps\ntitle: Các bước\nitems:\n  - Đến đại lý thu\n```\n"
    project = make_project({"vi/index.md": HOME, "vi/tu-nguyen/index.md": overview(3) + "\n" + steps})
    # Not today: the PDFs' dates must come from the build's date, never from the clock.
    as_of = dt.date(2026, 9, 1)

    def build_afresh(name):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / name / "machine-cache"))
        out = tmp_path / name / "site"
        result = build(project, out, BuildOptions(as_of, print_shop=True), cache=ArtifactCache(tmp_path / name / "cache"))
        assert result.cache.misses and not result.cache.hits, "every file rendered by this build"
        manifest = result.manifest.as_json()
        files = ([l["file"] for l in manifest["leaflets"]] + [p for l in manifest["leaflets"] for p in l["previews"]]
                 + [q["files"][kind] for q in manifest["qr"] for kind in ("png", "svg")] + [i["file"] for i in manifest["images"]])
        return out, {f: (out / f).read_bytes() for f in files}

    first_dir, first = build_afresh("one")
    second_dir, second = build_afresh("two")
    kinds = {posixpath.splitext(f)[1] for f in first}
    assert kinds == {".pdf", ".png", ".svg"} and any("print-shop" in f for f in first), sorted(first)
    assert first.keys() == second.keys()
    assert [f for f in first if first[f] != second[f]] == []
    for file in (f for f in first if f.endswith(".pdf")):
        document = pdfium.PdfDocument(first_dir / file)
        metadata = document.get_metadata_dict()
        document.close()
        assert metadata["CreationDate"].startswith("D:20260901") and metadata["ModDate"].startswith("D:20260901"), (file, metadata)


def test_draft_marks_fit_the_sheet_and_a_draft_translation_is_never_printed_unmarked(make_project, tmp_path, machine_cache):
    # Through the command line. A Jrai sheet with a draft part and a borrowed Vietnamese call to action
    # is a draft: a release refuses it, or with --allow-draft marks every panel, each mark inside its panel.
    from click.testing import CliRunner

    from generator.cli import main
    from generator.sources.content import content_hash
    from sheetcheck import DRAFT_MARKS

    source = overview(1)
    project = make_project({
        "vi/index.md": HOME, "vi/tu-nguyen/index.md": source,
        "jrai/tu-nguyen/index.md": (f"---\ntitle: Jrai\nstatus: draft\nsource: vi/tu-nguyen/index.md\n"
                                    f"source_hash: {content_hash(source)}\n---\n\n<!-- flyer -->\nƀing ta\n<!-- /flyer -->\n"),
    })

    def build_site(name, *options):
        return CliRunner().invoke(main, ["build", "--project", str(project.root), "--site-dir", str(tmp_path / name),
                                         "--as-of", AS_OF.isoformat(), *options])

    release = ("--release", "--site-url", "https://bhxh.gialai.gov.vn/tt/")
    refused = build_site("refused", *release)
    assert refused.exit_code == 1 and "--allow-draft jrai" in refused.output, refused.output
    assert build_site("release", *release, "--allow-draft", "jrai").exit_code == 0
    assert build_site("draft").exit_code == 0
    for site, lang, mark, cells in (("release", "jrai", "BẢN DỊCH NHÁP — CHƯA NGƯỜI BẢN NGỮ DUYỆT", 1), ("draft", "vi", DRAFT_MARKS[0], 1)):
        path = tmp_path / site / "leaflets" / lang / "tu-nguyen-a5-flyer.pdf"
        for page in pdf(path):
            assert len(_marks_clear_of_edges_and_folds(page, mark, ())) == 2 * cells, path
    assert "nháp" not in pdf_text(tmp_path / "release" / "leaflets" / "vi" / "tu-nguyen-a5-flyer.pdf").lower()


def _marks_clear_of_edges_and_folds(page, mark: str, folds: tuple[float, ...]) -> list:
    """The draft marks along the page's edges, each checked to keep 4 mm from the sheet's edges and folds
    (an office printer's margin; a folded panel shows its own mark whole)."""
    from sheetcheck import PT_PER_MM

    trim = page.get_trimbox()
    width = (trim[2] - trim[0]) / PT_PER_MM
    marks = [r for r in text_runs(page, with_draft_mark=True) if r.text.strip() == mark]
    bounds = (0, *folds, width)
    for run in marks:
        panel = next(i for i in range(len(bounds) - 1) if bounds[i] <= (run.left + run.right) / 2 < bounds[i + 1])
        assert bounds[panel] + 4 <= run.left and run.right <= bounds[panel + 1] - 4, (run.text, run.left, run.right, bounds)
    return marks


def test_every_panel_of_a_draft_shows_the_draft_mark_whole(built_site):
    from sheetcheck import DRAFT_MARKS

    # Folds of each page; marks along each edge: one per panel of a tri-fold, one on a flyer, three across a poster.
    folds = {"a4-trifold": ((97, 197), (100, 200)), "a5-flyer": ((), ()), "a3-poster": ((),)}
    marks_per_edge = {"a4-trifold": 3, "a5-flyer": 1, "a3-poster": 3}
    for entry in leaflets(built_site, variant="standard"):
        for page, page_folds in zip(pdf(built_site.site_dir / entry["file"]), folds[entry["format"]]):
            marks = _marks_clear_of_edges_and_folds(page, DRAFT_MARKS[0], page_folds)
            assert len(marks) == 2 * marks_per_edge[entry["format"]], entry["file"]
