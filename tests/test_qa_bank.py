"""The question-and-answer bank (issue 21): checked at its lines, the Q&A pages made from it, released only when ready,
and the "Hỏi nhanh" box that answers typed questions from it.

The box's matcher is generator/webapp/hoi-nhanh.js itself, run under node on the questions in
tests/data/hoi-nhanh-cau-hoi.yml (benchmarks/quick_ask.py prints the same figures).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import AS_OF, REPO, wait_in_page, write_project
from generator.build import BuildOptions, Project, compose, read_bank
from generator.cli import main
from generator.compose import quick_ask
from generator.problems import ContentError
from generator.render.renderer import Place
from generator.sources.qa_bank import PAGE_NAME
from generator.textfold import fold
from test_release import ready_project

sys.path.insert(0, str(REPO / "benchmarks"))
import quick_ask as benchmark  # noqa: E402  (the benchmark's own runner of the matcher)

HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = "---\ntitle: BHXH tự nguyện\n---\n\nXem [hỏi đáp](hoi-dap.md).\n"
ENTRY = """\
  - id: {id}
    audiences: [tu-nguyen]
    question: Đóng bao lâu thì có lương hưu?
    keywords: [lương hưu]
    short: "Đóng đủ {{{{ policy.pension.min_years | now }}}} và đủ tuổi nghỉ hưu."
    answer: |
      Đóng đủ {{{{ policy.pension.min_years }}}} và đủ tuổi nghỉ hưu
      thì được lương hưu hằng tháng.
    basis:
      - {{law: luat_bhxh, article: 98}}
    valid_from: 2025-07-01
{extra}"""
BANK = "page:\n  title: Hỏi đáp\n\nentries:\n"
REVIEWED = "    status: reviewed\n    reviewer: Nguyễn Văn A, Phòng Truyền thông\n"


def bank_project(root: Path, entries: str, *, ready: bool = False) -> Project:
    project = (ready_project(root) if ready else write_project(root, {"vi/index.md": HOME}))
    (project.content_dir / "vi" / "tu-nguyen").mkdir(parents=True, exist_ok=True)
    (project.content_dir / "vi" / "tu-nguyen" / "index.md").write_text(OVERVIEW, encoding="utf-8")
    (project.content_dir / "hoi-dap").mkdir()
    (project.content_dir / "hoi-dap" / "tu-nguyen.yml").write_text(BANK + entries, encoding="utf-8")
    return project


def problems(project: Project, **options) -> list[str]:
    with pytest.raises(ContentError) as caught:
        compose(project, BuildOptions(AS_OF, **options))
    return [p.format() for p in caught.value.problems]


def line_of(project: Project, text: str, occurrence: int = 1) -> int:
    lines = (project.content_dir / "hoi-dap" / "tu-nguyen.yml").read_text(encoding="utf-8").split("\n")
    found = [number for number, line in enumerate(lines, 1) if text in line]
    return found[occurrence - 1]


# --- checked at the line ------------------------------------------------------


def test_mistakes_in_the_bank_are_reported_at_their_lines(tmp_path):
    entries = (ENTRY.format(id="tn-a", extra="    status: draft\n")
               + ENTRY.format(id="tn-a", extra="    status: draft\n")  # the same id twice
               + ENTRY.format(id="tn-b", extra="    status: reviewed\n")  # reviewed by nobody
               + ENTRY.format(id="tn-c", extra="    status: draft\n").replace("luat_bhxh", "luat_bhxx")
               + ENTRY.format(id="tn-d", extra="    status: draft\n").replace("thì được lương hưu", "thì được {{ policy.pension.min_yeras }}")
               + ENTRY.format(id="tn-e", extra="    status: draft\n").replace("thì được lương hưu", "thì được <b>lương hưu</b>")
               + ENTRY.format(id="tn-f", extra="    status: draft\n").replace("    keywords: [lương hưu]\n", ""))
    project = bank_project(tmp_path / "p", entries)
    found = problems(project)
    path = "content/hoi-dap/tu-nguyen.yml"

    def reported(line: int, words: str) -> bool:
        return any(m.startswith(f"{path}:{line}: lỗi:") and words in m for m in found)

    assert reported(line_of(project, "id: tn-a", 2), "đã dùng ở tu-nguyen.yml dòng"), found
    assert reported(line_of(project, "- id: tn-b"), "`status: reviewed` cần người duyệt"), found
    assert reported(line_of(project, "luat_bhxx"), "`luat_bhxx` chưa khai báo"), found
    # Inside a `|` block: the line of the placeholder itself, with the close key suggested.
    assert reported(line_of(project, "min_yeras"), "Có phải `pension.min_years`?"), found
    assert reported(line_of(project, "<b>"), "thẻ HTML"), found
    assert reported(line_of(project, "- id: tn-f"), "Thiếu dòng `keywords:`"), found
    assert all("Traceback" not in m for m in found)


def test_a_retired_id_is_never_used_again(tmp_path):
    project = bank_project(tmp_path / "p", ENTRY.format(id="tn-cu", extra="    status: draft\n") + "retired: [tn-cu]\n")
    assert any(m.startswith(f"content/hoi-dap/tu-nguyen.yml:{line_of(project, 'id: tn-cu')}: lỗi:") and "đã bỏ" in m
               for m in problems(project))


def test_a_short_answer_longer_than_a_chat_message_is_refused(tmp_path):
    long_short = '    short: "' + "Đóng đủ năm và đủ tuổi. " * 14 + '"\n'
    entry = re.sub(r"    short: .*\n", long_short, ENTRY.format(id="tn-dai", extra="    status: draft\n"))
    project = bank_project(tmp_path / "p", entry)
    assert any(m.startswith(f"content/hoi-dap/tu-nguyen.yml:{line_of(project, 'short:')}: lỗi:") and "tối đa 300" in m
               for m in problems(project))


def test_a_hand_written_qa_page_beside_the_bank_is_refused(tmp_path):
    project = bank_project(tmp_path / "p", ENTRY.format(id="tn-a", extra="    status: draft\n"))
    (project.content_dir / "vi" / "tu-nguyen" / "hoi-dap.md").write_text("---\ntitle: Hỏi đáp\nkind: faq\n---\n\nChữ.\n", encoding="utf-8")
    assert any(m.startswith("content/vi/tu-nguyen/hoi-dap.md:1: lỗi:") and "tu-nguyen.yml" in m for m in problems(project))


# --- the release gate ---------------------------------------------------------


def test_a_release_refuses_unreviewed_expired_and_unverified_answers_and_a_draft_build_marks_them(tmp_path):
    entries = (ENTRY.format(id="tn-ok", extra=REVIEWED)
               + ENTRY.format(id="tn-nhap", extra="    status: draft\n")
               + ENTRY.format(id="tn-het-han", extra="    valid_to: 2026-06-30\n" + REVIEWED))
    project = bank_project(tmp_path / "p", entries, ready=True)
    policy = project.content_dir / "policy.yml"
    text = policy.read_text(encoding="utf-8")
    # The minimum years for a pension, as nobody has checked it yet: every answer above quotes it.
    policy.write_text(text.replace("value: 15\n          basis:\n            - {law: luat_bhxh, article: 64, clause: 1}\n"
                                   "            - {law: luat_bhxh, article: 98}\n          verified: true",
                                   "value: 15\n          basis:\n            - {law: luat_bhxh, article: 64, clause: 1}\n"
                                   "            - {law: luat_bhxh, article: 98}\n          verified: false"), encoding="utf-8")
    found = problems(project, release=True)
    path = "content/hoi-dap/tu-nguyen.yml"
    refusals = {m.split("`")[1]: m for m in found if m.startswith(path) and "không phát hành được" in m}
    assert set(refusals) == {"tn-ok", "tn-nhap", "tn-het-han"}, found
    assert "chưa duyệt" in refusals["tn-nhap"] and "chưa duyệt" not in refusals["tn-ok"]
    assert "hết hạn ngày 30/06/2026" in refusals["tn-het-han"]
    assert all("pension.min_years" in message for message in refusals.values())
    assert refusals["tn-het-han"].startswith(f"{path}:{line_of(project, '- id: tn-het-han')}:")
    # A draft build publishes the page, each answer marked with what a release would refuse.
    page = next(p for p in compose(project, BuildOptions(AS_OF)).pages if p.lang.is_default and p.key.name == PAGE_NAME)
    blocks = [" ".join(d.get_text(" ").split()) for d in BeautifulSoup(page.html, "html.parser").select("details.question")]
    assert len(blocks) == 3
    assert "chưa được duyệt" not in blocks[0] and "chưa được duyệt" in blocks[1]
    assert "đã hết hạn ngày 30/06/2026" in blocks[2] and "hết hạn" not in blocks[0]
    assert all("chưa đối chiếu" in block for block in blocks)


def test_a_reviewed_current_checked_answer_is_released(tmp_path):
    project = bank_project(tmp_path / "p", ENTRY.format(id="tn-ok", extra=REVIEWED), ready=True)
    composition = compose(project, BuildOptions(AS_OF, release=True))
    index = json.loads(composition.quick_ask[""]["assets/hoi-nhanh.vi.json"])
    assert [entry["id"] for entry in index["entries"]] == ["tn-ok"] and index["entries"][0]["mark"] == ""


# --- the pages are the bank -----------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return compose(Project(REPO), BuildOptions(AS_OF))


def plain(markdown_text: str) -> str:
    """What a reader sees of an answer's Markdown: links and bold as their words, one space between words."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text).replace("**", "")
    return " ".join(text.split())


def test_each_qa_page_shows_exactly_its_audiences_entries_of_the_bank(sample):
    reading = read_bank(Project(REPO), AS_OF)
    renderer = reading.renderers["vi"]
    pages = {p.key.audience: p for p in sample.pages if p.lang.is_default and p.key.name == PAGE_NAME}
    assert set(pages) == {page.audience for page in reading.bank.pages} == set(reading.site.audience_slugs)
    for audience, page in pages.items():
        entries = reading.bank.for_audience(audience)
        blocks = BeautifulSoup(page.html, "html.parser").select("details.question")
        assert [b.summary.get_text(strip=True) for b in blocks] == [e.question for e in entries], audience
        for block, entry in zip(blocks, entries):
            block.summary.extract()
            shown = " ".join(block.get_text().split())
            answer = plain(renderer.text(entry.answer.value, Place(entry.path, entry.answer.line)))
            assert shown.startswith(answer), (entry.id, shown, answer)
            assert f"Căn cứ: {entry.basis_text}." in shown and f"Áp dụng từ: {entry.valid_from:%d/%m/%Y}" in shown


def test_the_completed_answers_keep_their_conditions(sample):
    """"Già rồi…" and "Nếu không đủ năm đóng…" name the one-time payment at pension age and the BHYT card (facts file)."""
    page = next(p for p in sample.pages if p.lang.is_default and p.key == p.key.__class__("nguoi-co-uy-tin", PAGE_NAME))
    blocks = {b.summary.get_text(strip=True): b.get_text(" ") for b in BeautifulSoup(page.html, "html.parser").select("details")}
    for question in ("Già rồi, đóng có kịp không?", "Nếu không đủ năm đóng thì sao?"):
        text = " ".join(blocks[question].split())
        assert "đủ tuổi nghỉ hưu" in text and "đóng một lần" in text and "BHXH một lần" in text, question
        assert "thẻ BHYT" in text and "trợ cấp hưu trí xã hội" in text and "làm đơn" in text, question


def test_every_audience_page_and_the_home_page_have_the_question_box(sample):
    for page in sample.pages:
        soup = BeautifulSoup(page.html, "html.parser")
        form = soup.select_one("form[data-hoi-nhanh]")
        if not (page.key.audience or page.key.is_home) or page.kind == "infographic":
            continue
        assert form is not None, page.url
        field = form.select_one("input[type=search]")
        assert soup.select_one(f"label[for={field['id']}]").get_text(strip=True)
        assert soup.select_one("[data-hoi-nhanh-results][aria-live=polite][role=status]") is not None
        script = soup.select_one("section[data-outreach-quick-ask] script[src]")
        assert script.has_attr("defer") and script["src"].endswith(quick_ask.SCRIPT_FILE)
        assert form["data-index"].endswith(quick_ask.INDEX_FILE.format(lang=page.lang.code))


# --- the matcher ----------------------------------------------------------------


@pytest.fixture(scope="module")
def ranked():
    cases, others = benchmark.questions(), benchmark.unanswered()
    result = benchmark.rank(benchmark.index(), [c["q"] for c in cases] + others)
    return cases, others, result


def test_typed_questions_find_their_answer_first_and_in_the_first_three(ranked):
    cases, _, result = ranked
    assert len(cases) >= 60
    first, top3, misses = benchmark.hit_rates(cases, result["ranked"][:len(cases)])
    assert first >= 0.80, misses
    assert top3 >= 0.95, misses


def test_questions_the_bank_does_not_answer_mostly_get_the_hotline(ranked):
    cases, others, result = ranked
    assert sum(not ids for ids in result["ranked"][len(cases):]) >= len(others) / 2


def test_the_browser_folds_a_question_as_the_site_search_does(ranked):
    cases, others, result = ranked
    texts = [c["q"] for c in cases] + others + ["Ơ̆ ƀing Đắk Đoa, P'lơk"]
    assert result["folded"][:len(texts) - 1] == [fold(t) for t in texts[:-1]]
    extra = benchmark.rank(benchmark.index(), ["Ơ̆ ƀing Đắk Đoa, P’lơk"])["folded"]
    assert extra == [fold("Ơ̆ ƀing Đắk Đoa, P’lơk")]


def test_the_index_holds_the_banks_words_and_no_html(sample):
    index = json.loads(sample.quick_ask[""]["assets/hoi-nhanh.vi.json"])
    reading = read_bank(Project(REPO), AS_OF)
    assert [e["id"] for e in index["entries"]] == [e.id for e in reading.bank.entries]
    for entry in index["entries"]:
        assert "<" not in entry["short"] and "{{" not in entry["short"] and len(entry["short"]) <= 300
        assert entry["url"].endswith(f"/{PAGE_NAME}/") and entry["basis"] and re.fullmatch(r"\d\d/\d\d/\d{4}", entry["since"])
        assert entry["mark"]  # the sample's answers are not reviewed yet: a draft build says so


@pytest.mark.browser
def test_a_citizen_types_a_question_and_reads_the_answer_offline_too(server, browser):
    page = browser.new_page()
    page.goto(server + "tu-nguyen/", wait_until="networkidle")
    box = page.get_by_label(re.compile("Gõ câu hỏi của bạn"))
    box.fill("dong bao nhieu nam thi co luong huu")
    box.press("Enter")
    results = page.locator("[data-hoi-nhanh-results]")
    results.locator("ol li").first.wait_for()
    first = results.locator("ol li").first
    assert "lương hưu" in first.inner_text() and "Căn cứ" in first.inner_text()
    assert first.locator("a").get_attribute("href").endswith("hoi-dap/")
    box.fill("giá cà phê hôm nay bao nhiêu")
    box.press("Enter")
    wait_in_page(page, "() => document.querySelector('[data-hoi-nhanh-results] a[href^=\"tel:\"]') !== null")
    # After one visit the service worker keeps the box's files: it answers without coverage.
    page.evaluate("navigator.serviceWorker.ready")
    page.reload(wait_until="networkidle")
    page.context.set_offline(True)
    try:
        page.reload()
        box = page.get_by_label(re.compile("Gõ câu hỏi của bạn"))
        box.fill("rut bhxh mot lan")
        box.press("Enter")
        page.locator("[data-hoi-nhanh-results] ol li").first.wait_for()
    finally:
        page.context.set_offline(False)


# --- the export for Zalo and chatbots ---------------------------------------------


def export(project: Project, output_format: str):
    return CliRunner().invoke(main, ["export", "hoi-dap", "--project", str(project.root), "--as-of", AS_OF.isoformat(),
                                                     "--format", output_format])


def test_the_export_holds_only_reviewed_current_answers_and_says_what_it_left_out(tmp_path):
    entries = (ENTRY.format(id="tn-ok", extra=REVIEWED).replace("keywords: [lương hưu]", "keywords: [lương hưu, đủ tuổi]")
               + ENTRY.format(id="tn-nhap", extra="    status: draft\n")
               + ENTRY.format(id="tn-het-han", extra="    valid_to: 2026-06-30\n" + REVIEWED))
    project = bank_project(tmp_path / "p", entries, ready=True)
    project.qr_lockfile.write_text("codes:\n  tn: vi/tu-nguyen/index.md\n", encoding="utf-8")
    result = export(project, "json")
    assert result.exit_code == 0, result.output + result.stderr
    data = json.loads(result.stdout)
    assert [(e["id"], e["lang"]) for e in data["entries"]] == [("tn-ok", "vi")]
    entry = data["entries"][0]
    assert entry["keywords"] == ["lương hưu", "đủ tuổi", "luong huu", "du tuoi"]
    assert entry["short"] == "Đóng đủ 15 năm và đủ tuổi nghỉ hưu."  # figures filled in, nothing else added
    assert entry["link"] == "https://gialai.baohiemxahoi.gov.vn/tuyen-truyen/tu-nguyen/hoi-dap/"
    assert entry["short_code"] == "tn" and entry["short_link"].endswith("/tuyen-truyen/q/tn/")
    assert (entry["valid_from"], entry["valid_to"]) == ("2025-07-01", "")
    reasons = {(l["id"], l["lang"]): l["reasons"] for l in data["left_out"]}
    assert reasons[("tn-nhap", "vi")] == ["chưa duyệt"] and reasons[("tn-het-han", "vi")] == ["hết hạn ngày 30/06/2026"]
    assert reasons[("tn-ok", "bahnar")] == ["chưa có bản dịch"]  # nothing is translated by machine
    assert "Không xuất `tn-nhap` (vi): chưa duyệt." in result.stderr
    zalo = export(project, "zalo").stdout.splitlines()
    assert zalo[0] == "ma,ngon_ngu,tu_khoa,tra_loi,lien_ket,hieu_luc_tu,hieu_luc_den" and len(zalo) == 2
    assert zalo[1].startswith('tn-ok,vi,"lương hưu, đủ tuổi, luong huu, du tuoi",Đóng đủ 15 năm và đủ tuổi nghỉ hưu. https://')


def test_a_translated_entry_shows_in_its_language_and_the_others_in_vietnamese_marked(tmp_path):
    jrai = ("    translations:\n      jrai:\n        question: Pơyao hơdôm thun kơ lương hưu?\n"
            "        answer: Bản nháp tiếng Jrai của câu trả lời.\n        status: draft\n")
    entries = ENTRY.format(id="tn-dich", extra="    status: draft\n" + jrai) + ENTRY.format(id="tn-chua-dich", extra="    status: draft\n")
    project = bank_project(tmp_path / "p", entries)
    bank_file = project.content_dir / "hoi-dap" / "tu-nguyen.yml"
    bank_file.write_text(bank_file.read_text(encoding="utf-8").replace(
        "page:\n  title: Hỏi đáp\n", "page:\n  title: Hỏi đáp\n  translations:\n    jrai: {title: Tơlơi tơña, status: draft}\n"), encoding="utf-8")
    pages = {(p.lang.code, p.key.name): p for p in compose(project, BuildOptions(AS_OF)).pages if p.key.audience == "tu-nguyen"}
    page = pages[("jrai", PAGE_NAME)]
    assert page.title == "Tơlơi tơña" and page.status == "draft"
    soup = BeautifulSoup(page.html, "html.parser")
    assert soup.select_one("[data-outreach-notice]") is not None  # the draft translation's notice, as on any page
    blocks = soup.select("details.question")
    assert blocks[0].summary.get_text(strip=True) == "Pơyao hơdôm thun kơ lương hưu?"
    assert "Bản nháp tiếng Jrai" in blocks[0].get_text()
    assert blocks[1].summary.get_text(strip=True) == "Đóng bao lâu thì có lương hưu?"
    assert "chưa được dịch" in blocks[1].get_text()
    # Bahnar translated nothing: the whole page is the Vietnamese one, with the fallback notice.
    assert pages[("bahnar", PAGE_NAME)].status == "fallback"
