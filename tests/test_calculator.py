"""The calculator: the Python reference and the page in Chromium agree on one table of cases."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from generator.compose.calculator import InputError, calculator_data, compute
from generator.sources.policy import load_policy
from generator.problems import ProblemLog

from conftest import REPO

# (month paid, income typed, group, months) -> (person pays, State pays) for the whole period,
# worked out by hand from tests/data/facts.md ("Voluntary contributions": 22% of the income, the
# State's share a percentage of 22% x the poverty line, floor and ceiling by date, rounding).
CASES = [
    ("2026-11", "1.500.000", "poor", 1, 165_000, 165_000),                 # the floor
    ("2026-11", "1500000", "ethnic_minority", 12, 2_772_000, 1_188_000),
    ("2026-11", "50.600.000", "others", 3, 33_198_000, 198_000),            # the ceiling after 07/2026
    ("2026-11", "3 333 333 đ", "others", 1, 667_333, 66_000),               # rounding: 733.333,26 -> 733.333
    ("2027-01", "2.200.000", "near_poor", 6, 1_742_400, 1_161_600),         # the 2027 poverty line
    ("2027-01", "2.200.000", "poor", 1, 242_000, 242_000),
    ("2026-11", "1.500.000", "no_support", 1, 330_000, 0),                 # the 120 months of support used up
    ("2027-01", "2.200.000", "no_support", 3, 1_452_000, 0),
]
ERRORS = [
    ("2026-11", "", "empty"),
    ("2026-11", "abc", "not_a_number"),
    ("2026-11", "1,5 triệu", "not_a_number"),
    ("2026-11", "-100000", "negative"),
    ("2026-11", "1.000.000", "below_floor"),
    ("2027-01", "1.500.000", "below_floor"),                                # was the floor in 2026
    ("2026-11", "60.000.000", "above_ceiling"),
    ("2026-06", "50.000.000", "above_ceiling"),                             # ceiling 46.800.000 before 07/2026
]


@pytest.fixture(scope="module")
def data():
    return calculator_data(load_policy(REPO / "content" / "policy.yml", ProblemLog(REPO)))


def day(month: str) -> dt.date:
    return dt.date.fromisoformat(month + "-01")


@pytest.mark.parametrize("month, income, group, months, person, state", CASES)
def test_python_reference(data, month, income, group, months, person, state):
    result = compute(data, income, group, months, day(month))
    assert (result.person, result.state) == (person, state)
    assert result.monthly_person + result.monthly_state == result.monthly_total
    assert any("Nghị định 159/2025/NĐ-CP" in b for b in result.basis) == (group != "no_support")
    assert any("Điều 31 Luật BHXH 41/2024/QH15" in b for b in result.basis)  # the floor's own rule
    # The floor (the poverty line) is not yet checked: what the person and the State pay carry the mark.
    assert {"person", "state"} <= result.unverified and "total" not in result.unverified


def test_python_says_until_when_its_figures_hold(data):
    # The poverty line changes on 01/01/2027: a payment from November 2026 is reckoned on figures valid until 31/12/2026.
    assert compute(data, "2.000.000", "others", 1, day("2026-11")).valid_until == dt.date(2026, 12, 31)
    assert compute(data, "2.000.000", "others", 1, day("2026-06")).valid_until == dt.date(2026, 6, 30)  # the ceiling changes
    assert compute(data, "2.200.000", "others", 1, day("2027-01")).valid_until is None


def test_the_data_names_every_figure_with_its_label_and_check(data):
    assert {"rate", "floor", "ceiling", "support.poor", "support.ethnic_minority"} <= data["figures"].keys()
    assert all(figure["label"] and all("verified" in p and p["basis"] for p in figure["periods"])
               for figure in data["figures"].values())


@pytest.mark.parametrize("month, income, key", ERRORS)
def test_python_rejects_bad_input(data, month, income, key):
    with pytest.raises(InputError) as caught:
        compute(data, income, "others", 1, day(month))
    assert caught.value.key == key


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + "\u00a0đ"


@pytest.mark.browser
def test_page_agrees_with_the_table(server, browser):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(server + "jrai/tu-nguyen/tinh-tien-dong/", wait_until="networkidle")
    for month, income, group, months, person, state in CASES:
        page.fill("#calc-start", month)
        page.fill("#calc-income", income)
        page.select_option("#calc-group", group)
        page.select_option("#calc-months", str(months))
        page.click("[data-outreach-calculator] button")
        shown_person = page.inner_text("#calc-result [data-amount=person] strong")
        shown_state = page.inner_text("#calc-result [data-amount=state] strong")
        # Both rest on the floor, which nobody checked yet: each amount carries the mark, the legend follows.
        assert shown_person.endswith(money(person) + "*"), (income, group, shown_person)
        assert shown_state.endswith(money(state) + "*"), (income, group, shown_state)
        result = page.inner_text("#calc-result")
        assert "chưa được đối chiếu" in result and "Căn cứ:" in result, result
        basis = page.inner_text("#calc-result .outreach-calculator__basis")
        assert "Thu nhập thấp nhất" in basis and "khoản 2 Điều 31 Luật BHXH 41/2024/QH15" in basis, basis
        assert ("Nghị định 159/2025/NĐ-CP" in basis) == (group != "no_support"), basis
        if month == "2026-11":
            assert "dùng đến hết ngày 31/12/2026" in result, result
    for month, income, key in ERRORS:
        page.fill("#calc-start", month)
        page.fill("#calc-income", income)
        page.click("[data-outreach-calculator] button")
        text = page.inner_text("#calc-result")
        assert "NaN" not in text and "undefined" not in text
        assert page.locator("#calc-result.outreach-calculator__result--error").count() == 1, (income, text)
        expected = {"empty": "Hãy nhập", "not_a_number": "Chỉ nhập số", "negative": "số âm",
                    "below_floor": "thấp nhất", "above_ceiling": "cao nhất"}[key]
        assert expected in text, (income, text)
    page.close()


def test_calculator_page_exists_in_every_language(built_site):
    calculators = [p for p in built_site.manifest.as_json()["pages"] if p["kind"] == "calculator"]
    assert {p["lang"] for p in calculators} == {"vi", "bahnar", "jrai"}
    for entry in calculators:
        html = (built_site.site_dir / entry["url"] / "index.html").read_text(encoding="utf-8")
        assert 'id="calc-data"' in html and "data-outreach-calculator" in html
        soup = BeautifulSoup(html, "html.parser")
        # Several groups: the page says to choose the highest support; and the choice once the support is used up.
        assert "Chọn nhóm được hỗ trợ cao nhất" in soup.select_one("#calc-group-hint").get_text()
        assert soup.select_one("#calc-group option[value=no_support]").get_text().startswith("Đã được hỗ trợ đủ 120 tháng*")
        # Every figure the calculator uses is listed with its basis, unchecked ones marked.
        listed = {li["data-key"]: li.get_text() for li in soup.select("[data-outreach-figures] li")}
        for key in ("voluntary.rate", "voluntary.floor", "voluntary.ceiling", "voluntary.support.poor",
                    "voluntary.support.near_poor", "voluntary.support.ethnic_minority", "voluntary.support.others"):
            assert key in listed, (entry["url"], key)
        assert "1.500.000 đ*" in listed["voluntary.floor"] and "Điều 31" in listed["voluntary.floor"]
        assert "50%*" in listed["voluntary.support.poor"] and "chưa đối chiếu" in listed["voluntary.support.poor"]
