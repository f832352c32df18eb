"""Policy figures: values by date, derived figures, formatting, data-file errors."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from generator.languages import load_languages
from generator.policy import format_figure, load_policy
from generator.problems import ProblemLog

VI = load_languages()[0].strings


def value_on(policy, key, day):
    return policy.figures[key].in_force(day).value


# The derived minimum monthly voluntary contributions, checked by hand in
# shared/facts/bhxh-facts.md: 22% x floor - state support.
@pytest.mark.parametrize(
    "group, through_2026, from_2027",
    [
        ("poor", 165000, 242000),
        ("near_poor", 198000, 290400),
        ("ethnic_minority", 231000, 338800),
        ("others", 264000, 387200),
        ("no_support", 330000, 484000),
    ],
)
def test_minimum_voluntary_contribution_per_support_group(policy, group, through_2026, from_2027):
    key = f"voluntary.min_monthly.{group}"
    assert value_on(policy, key, dt.date(2026, 12, 31)) == through_2026
    assert value_on(policy, key, dt.date(2027, 1, 1)) == from_2027


def test_ceiling_follows_the_reference_level(policy):
    assert value_on(policy, "voluntary.ceiling", dt.date(2026, 6, 30)) == 46800000
    assert value_on(policy, "voluntary.ceiling", dt.date(2026, 7, 1)) == 50600000


def test_pension_rate_examples(policy):
    day = dt.date(2026, 11, 25)
    assert value_on(policy, "pension.women_rate_20_years", day) == 55
    assert value_on(policy, "pension.men_rate_25_years", day) == 55
    assert value_on(policy, "pension.women_years_for_max", day) == 30
    assert value_on(policy, "pension.men_years_for_max", day) == 35


def test_derived_figure_is_verified_only_if_all_inputs_are(policy):
    day = dt.date(2026, 11, 25)
    assert policy.figures["voluntary.ceiling"].in_force(day).verified is True
    assert policy.figures["voluntary.min_monthly.poor"].in_force(day).verified is False
    assert "Nghị định 159/2025/NĐ-CP" in policy.figures["voluntary.min_monthly.poor"].in_force(day).basis


def test_vietnamese_formatting(policy):
    day = dt.date(2026, 11, 25)
    fig = policy.figures
    assert format_figure(fig["voluntary.rate"], day, VI) == "22%"
    assert format_figure(fig["compulsory.health_employee"], day, VI) == "1,5%"
    assert format_figure(fig["reference_level"], day, VI) == "2.530.000 đ"
    assert format_figure(fig["law.effective_date"], day, VI) == "01/07/2025"
    assert format_figure(fig["pension.min_years"], day, VI) == "15 năm"


def test_value_in_force_and_coming_change(policy):
    line = policy.figures["rural_poverty_line"]
    assert format_figure(line, dt.date(2026, 11, 25), VI) == "1.500.000 đ (từ 01/01/2027: 2.200.000 đ)"
    assert format_figure(line, dt.date(2026, 11, 25), VI, "now") == "1.500.000 đ"
    assert format_figure(line, dt.date(2027, 3, 1), VI) == "2.200.000 đ"
    reference = policy.figures["reference_level"]
    assert format_figure(reference, dt.date(2026, 5, 1), VI) == "2.340.000 đ (từ 01/07/2026: 2.530.000 đ)"
    assert format_figure(reference, dt.date(2026, 5, 1), VI, "basis").startswith("Nghị định 73/2024/NĐ-CP")


def test_a_figure_not_yet_in_force_says_from_when(policy):
    unemployment = policy.figures["compulsory.unemployment_employee"]
    assert format_figure(unemployment, dt.date(2025, 9, 1), VI) == "từ 01/01/2026: 1%"


def write(tmp_path, text) -> Path:
    path = tmp_path / "policy.yml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_for(tmp_path, text):
    log = ProblemLog(tmp_path)
    load_policy(write(tmp_path, text), log)
    return [p.format() for p in log.problems]


def test_missing_basis_and_bad_unit_are_reported_with_lines(tmp_path):
    found = problems_for(tmp_path, """\
rate:
  label: Tỷ lệ
  unit: percent
  values:
    - from: 2025-07-01
      value: 22
      verified: true
amount:
  label: Số tiền
  unit: dollars
  values:
    - {from: 2025-07-01, value: 1, basis: x, verified: true}
""")
    assert any(p.startswith("policy.yml:5: lỗi:") and "`basis`" in p for p in found)
    assert any(p.startswith("policy.yml:10: lỗi:") and "dollars" in p for p in found)


def test_formula_with_unknown_key_suggests_the_right_one(tmp_path):
    found = problems_for(tmp_path, """\
rate:
  label: Tỷ lệ
  unit: percent
  values:
    - {from: 2025-07-01, value: 22, basis: Luật, verified: true}
double:
  label: Gấp đôi
  unit: percent
  formula: rtae * 2
""")
    assert len(found) == 1
    assert found[0].startswith("policy.yml:9: lỗi:") and "`rate`" in found[0]


def test_formula_cannot_run_code(tmp_path):
    found = problems_for(tmp_path, """\
evil:
  label: X
  unit: count
  formula: __import__('os').system('true')
""")
    assert len(found) == 1 and "không hợp lệ" in found[0]


def test_decimal_arithmetic_has_no_float_residue(policy):
    value = value_on(policy, "voluntary.min_monthly.near_poor", dt.date(2027, 1, 1))
    assert value == Decimal("290400")
