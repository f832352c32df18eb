"""Policy figures: values by date, derived figures, formatting, data-file errors."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import REPO
from generator.sources.languages import load_languages
from generator.sources.policy import format_figure, load_policy
from generator.problems import ProblemLog

VI = load_languages()[0].strings


def value_on(policy, key, day):
    return policy.figures[key].in_force(day).value


def minimum_contributions() -> list[tuple[str, int, int]]:
    """The derived minimum monthly contributions as tests/data/facts.md lists them (22% x floor - state support)."""
    text = (REPO / "tests" / "data" / "facts.md").read_text(encoding="utf-8")
    table = text.split("| group | floor 1,500,000 (through 2026) |", 1)[1].split("\n\n", 1)[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()[2:] if line.startswith("|")]
    return [(group, int(through.replace(",", "")), int(since.replace(",", ""))) for group, through, since in rows]


@pytest.mark.parametrize("group, through_2026, from_2027", minimum_contributions())
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
    assert "Điều 5 Nghị định 159/2025/NĐ-CP" in policy.figures["voluntary.min_monthly.poor"].in_force(day).basis_text


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
    assert format_figure(reference, dt.date(2026, 5, 1), VI, "basis").startswith("Điều 3 Nghị định 73/2024/NĐ-CP")


def test_the_reference_level_starts_with_the_2024_law(policy):
    """"Mức tham chiếu" is the 2024 law's term (from 01/07/2025); 2.340.000 đ from 01/07/2024 was the base salary."""
    reference = policy.figures["reference_level"]
    assert reference.periods[0].start == policy.figures["law.effective_date"].periods[0].value == dt.date(2025, 7, 1)
    assert "Nghị định 73/2024/NĐ-CP" in reference.periods[0].basis_text


def test_every_figure_names_its_document_and_article(policy):
    """Law or decree with its number, and the article: a checked value always cites one; an unchecked value may
    wait for its check to find the article only in a decree whose number is confirmed."""
    missing = []
    for figure in policy.figures.values():
        for period in figure.periods:
            numbered = all(re.search(r"\d+/\d{4}/(QH|NĐ-CP)", b.law) or "chưa rõ số hiệu" in b.law for b in period.basis)
            cited = any(b.article for b in period.basis) or not period.verified
            if not (numbered and cited):
                missing.append((figure.key, period.start, period.basis_text))
    assert missing == []
    basis = lambda key: policy.figures[key].shown_on(dt.date(2026, 11, 25)).basis_text
    assert "Điều 4 Nghị định 58/2020/NĐ-CP" in basis("compulsory.employer_accident")
    assert "Điều 13 Luật Bảo hiểm y tế" in basis("compulsory.health_employee")
    assert "khoản 2 Điều 31 Luật BHXH 41/2024/QH15" in basis("voluntary.floor")
    assert "Điều 33 Luật Việc làm 74/2025/QH15" in basis("compulsory.unemployment_employee")


def test_a_statement_has_no_value_and_shows_only_its_mark(policy):
    statement = policy.figures["household_business.compulsory_from_2025"]
    assert statement.unit == "statement" and statement.unverified_on(dt.date(2026, 11, 25))
    assert format_figure(statement, dt.date(2026, 11, 25), VI) == ""
    assert "điểm m khoản 1 Điều 2" in format_figure(statement, dt.date(2026, 11, 25), VI, "basis")


def test_a_statement_with_a_value_or_in_a_formula_is_refused(tmp_path):
    path = tmp_path / "policy.yml"
    path.write_text("laws:\n  l: Luật 1/2024/QH15\nfigures:\n  s:\n    label: Câu\n    unit: statement\n    values:\n"
                    "      - from: 2025-07-01\n        value: 3\n        basis: [{law: l, article: 2}]\n        verified: false\n"
                    "  t:\n    label: Câu\n    unit: statement\n    values:\n      - from: 2025-07-01\n"
                    "        basis: [{law: l, article: 2}]\n        verified: false\n"
                    "  f:\n    label: Số\n    unit: count\n    formula: t * 2\n", encoding="utf-8")
    log = ProblemLog(tmp_path)
    load_policy(path, log)
    messages = [p.format() for p in log.problems]
    assert any(m.startswith("policy.yml:9: lỗi: `s`: một câu") and "Xoá dòng `value`" in m for m in messages), messages
    assert any("`f`: công thức không dùng được câu `t`" in m for m in messages), messages


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


LAWS = "laws:\n  luat: Luật BHXH 41/2024/QH15\nfigures:\n"


def test_missing_basis_and_bad_unit_are_reported_with_lines(tmp_path):
    found = problems_for(tmp_path, LAWS + """\
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
      - {from: 2025-07-01, value: 1, basis: [{law: luat}], verified: true}
""")
    assert any(p.startswith("policy.yml:8: lỗi:") and "`basis:`" in p for p in found), found
    assert any(p.startswith("policy.yml:13: lỗi:") and "dollars" in p for p in found), found


def test_a_basis_names_a_declared_law_and_keeps_its_commas(tmp_path):
    found = problems_for(tmp_path, LAWS + """\
  rate:
    label: Tỷ lệ
    unit: percent
    values:
      - {from: 2025-07-01, value: 22, basis: [{law: luat_bhx, article: 32}], verified: true}
""")
    assert found == ["policy.yml:8: lỗi: `rate`: văn bản `luat_bhx` chưa khai báo trong `laws:`. Có phải `luat`?"]
    log = ProblemLog(tmp_path)
    policy = load_policy(write(tmp_path, "laws:\n  atvsld: Luật An toàn, vệ sinh lao động\nfigures:\n" + """\
  accident:
    label: Quỹ tai nạn lao động
    unit: percent
    values:
      - {from: 2025-07-01, value: 0.5, basis: [{law: atvsld, article: 44, clause: 1}], verified: false}
"""), log)
    assert policy.figures["accident"].periods[0].basis_text == "khoản 1 Điều 44 Luật An toàn, vệ sinh lao động"


def test_formula_with_unknown_key_suggests_the_right_one(tmp_path):
    found = problems_for(tmp_path, LAWS + """\
  rate:
    label: Tỷ lệ
    unit: percent
    values:
      - {from: 2025-07-01, value: 22, basis: [{law: luat}], verified: true}
  double:
    label: Gấp đôi
    unit: percent
    formula: rtae * 2
""")
    assert len(found) == 1
    assert found[0].startswith("policy.yml:12: lỗi:") and "`rate`" in found[0]


def test_formula_cannot_run_code(tmp_path):
    found = problems_for(tmp_path, LAWS + """\
  evil:
    label: X
    unit: count
    formula: __import__('os').system('true')
""")
    assert len(found) == 1 and "không hợp lệ" in found[0]


@pytest.mark.parametrize("formula", ["rate / 0", "rate / (rate - rate)", "rate * 1e999999999", "rate * 99999999999999999",
                                     "-" * 50_000 + "rate"])
def test_formulas_that_overflow_or_run_long_are_refused_at_their_line(tmp_path, formula):
    found = problems_for(tmp_path, LAWS + f"""\
  rate:
    label: Tỷ lệ
    unit: percent
    values:
      - {{from: 2025-07-01, value: 22, basis: [{{law: luat}}], verified: true}}
  bad:
    label: X
    unit: count
    formula: "{formula}"
""")
    assert len(found) == 1 and found[0].startswith("policy.yml:12: lỗi: `bad`"), found


def test_decimal_arithmetic_has_no_float_residue(policy):
    value = value_on(policy, "voluntary.min_monthly.near_poor", dt.date(2027, 1, 1))
    assert value == Decimal("290400")
