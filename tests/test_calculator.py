"""The calculator: the Python reference and the page in Chromium agree on one table of cases."""

import datetime as dt

import pytest

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
    assert any("Nghị định 159/2025/NĐ-CP" in b for b in result.basis)


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
        assert shown_person.endswith(money(person)), (income, group, shown_person)
        assert shown_state.endswith(money(state)), (income, group, shown_state)
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
