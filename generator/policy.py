"""Policy figures: one data file, dated values, derived figures and formatting.

Every figure a citizen reads (rates, amounts, ages, dates) comes from
`content/policy.yml`. A figure has one or more dated values, each with its
legal basis and whether it was checked against the official text. Pages ask
for a figure by key; the value shown is the one in force on the build date,
with the coming change where the data already knows one.

Derived figures (minimum voluntary contribution per support group, income
ceiling, pension-rate examples) carry a formula over other keys in the data
file and are computed here, never typed.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import functools
import operator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Mapping

from babel import dates as babel_dates
from babel.numbers import format_decimal

from . import yamlfile
from .problems import ProblemLog

# Babel has no locale for Bahnar or Jrai (no CLDR data), and readers of both
# use Vietnamese number and date conventions, so every language formats as vi.
FORMAT_LOCALE = "vi"

UNITS = ("vnd", "percent", "years", "months", "age", "times", "count", "date")


@dataclass(frozen=True)
class Period:
    """One value of a figure, in force from `start` until the next period."""

    start: dt.date
    value: Decimal | dt.date
    basis: str
    verified: bool


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    periods: tuple[Period, ...]
    line: int  # where content/policy.yml defines it
    formula: str | None = None

    def in_force(self, on: dt.date) -> Period | None:
        current = None
        for period in self.periods:
            if period.start <= on:
                current = period
        return current

    def next_change(self, on: dt.date) -> Period | None:
        return next((p for p in self.periods if p.start > on), None)

    def shown_on(self, on: dt.date) -> Period:
        """The period a page built on `on` presents first."""
        return self.in_force(on) or self.periods[0]


@dataclass(frozen=True)
class PolicyData:
    path: Path
    figures: Mapping[str, Figure]

    def suggest(self, key: str) -> list[str]:
        return difflib.get_close_matches(key, self.figures.keys(), n=3, cutoff=0.6)


# --- loading -----------------------------------------------------------------


def load_policy(path: Path, log: ProblemLog) -> PolicyData:
    if not path.exists():
        log.error(path, 1, "Không tìm thấy tệp số liệu chính sách. Hãy tạo tệp này (xem README).")
        return PolicyData(path, {})
    try:
        raw = yamlfile.load(path)
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"YAML không hợp lệ ({error.detail}). Kiểm tra thụt lề và dấu hai chấm.")
        return PolicyData(path, {})
    except UnicodeDecodeError:
        log.error(path, 1, "Tệp không ở bảng mã UTF-8. Hãy lưu lại tệp với bảng mã UTF-8.")
        return PolicyData(path, {})
    if not isinstance(raw, dict):
        log.error(path, 1, "Tệp số liệu phải là danh sách các mục dạng `khoá: ...`.")
        return PolicyData(path, {})

    stated: dict[str, Figure] = {}
    formulas: dict[str, tuple[yamlfile.LineDict, int]] = {}
    _collect(raw, "", path, log, stated, formulas)
    figures = dict(stated)
    _derive_all(formulas, figures, path, log)
    return PolicyData(path, figures)


def _collect(node, prefix, path, log, stated, formulas) -> None:
    for name, child in node.items():
        key = f"{prefix}{name}"
        line = node.line_of(name)
        if not isinstance(name, str) or not name.replace("_", "a").isalnum():
            log.error(path, line, f"Khoá `{name}` không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu gạch dưới.")
            continue
        if not isinstance(child, yamlfile.LineDict):
            log.error(path, line, f"`{key}` phải có `label`, `unit` và `values` (hoặc `formula`).")
            continue
        if "values" in child or "formula" in child:
            figure_fields = _figure_fields(key, child, path, log)
            if figure_fields is None:
                continue
            if "formula" in child:
                formulas[key] = (child, line)
            else:
                periods = _periods(key, figure_fields[1], child, path, log)
                if periods:
                    stated[key] = Figure(key, figure_fields[0], figure_fields[1], periods, line)
        else:
            _collect(child, f"{key}.", path, log, stated, formulas)


def _figure_fields(key, node, path, log) -> tuple[str, str] | None:
    label, unit = node.get("label"), node.get("unit")
    ok = True
    if not isinstance(label, str) or not label.strip():
        log.error(path, node.line, f"`{key}` thiếu `label` (tên số liệu bằng tiếng Việt).")
        ok = False
    if unit not in UNITS:
        log.error(path, node.line_of("unit"), f"`{key}`: đơn vị `{unit}` không hợp lệ. Chọn một trong: {', '.join(UNITS)}.")
        ok = False
    return (label, unit) if ok else None


def _periods(key, unit, node, path, log) -> tuple[Period, ...]:
    values = node["values"]
    if not isinstance(values, list) or not values:
        log.error(path, node.line_of("values"), f"`{key}`: `values` phải là danh sách có ít nhất một giá trị.")
        return ()
    periods = []
    for entry in values:
        line = getattr(entry, "line", node.line_of("values"))
        if not isinstance(entry, dict):
            log.error(path, line, f"`{key}`: mỗi giá trị cần `value`, `from`, `basis`, `verified`.")
            continue
        start = entry.get("from")
        basis = entry.get("basis")
        verified = entry.get("verified")
        value = _parse_value(entry.get("value"), unit)
        problems = []
        if not isinstance(start, dt.date):
            problems.append("`from` phải là ngày dạng 2025-07-01")
        if value is None:
            problems.append("`value` phải là một số" if unit != "date" else "`value` phải là ngày dạng 2025-07-01")
        if not isinstance(basis, str) or not basis.strip():
            problems.append("`basis` (căn cứ pháp lý) không được để trống")
        if not isinstance(verified, bool):
            problems.append("`verified` phải là true (đã đối chiếu văn bản gốc) hoặc false")
        if problems:
            log.error(path, line, f"`{key}`: " + "; ".join(problems) + ".")
            continue
        periods.append(Period(start, value, basis.strip(), verified))
    periods.sort(key=lambda p: p.start)
    for earlier, later in zip(periods, periods[1:]):
        if earlier.start == later.start:
            log.error(path, node.line_of("values"), f"`{key}` có hai giá trị cùng áp dụng từ {format_day(later.start)}. Giữ lại một.")
            return ()
    return tuple(periods)


def _parse_value(raw, unit):
    if unit == "date":
        return raw if isinstance(raw, dt.date) else None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


# --- derived figures ---------------------------------------------------------

_OPERATORS: dict[type, Callable] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS = {"min": min, "max": max}


def _formula_keys(node: ast.AST) -> list[str]:
    """Every figure key a formula reads (function names are not keys)."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        return [_dotted(node)]
    children = node.args if isinstance(node, ast.Call) else ast.iter_child_nodes(node)
    return list(dict.fromkeys(k for child in children for k in _formula_keys(child)))


def _dotted(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _evaluate(node, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return Decimal(str(node.value))
    if isinstance(node, (ast.Name, ast.Attribute)):
        return values[_dotted(node)]
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
        return _FUNCTIONS[node.func.id](*(_evaluate(arg, values) for arg in node.args))
    raise ValueError(ast.dump(node))


def _as_operand(figure: Figure, period: Period) -> Decimal:
    # Percentages enter formulas as fractions: 22 (%) × 1.500.000 = 330.000.
    return period.value / 100 if figure.unit == "percent" else period.value


def _derive_all(formulas, figures: dict[str, Figure], path, log) -> None:
    pending = dict(formulas)
    while pending:
        progressed = False
        for key, (node, line) in list(pending.items()):
            tree, inputs = _parse_formula(key, node, path, log)
            if tree is None:
                del pending[key]
                continue
            unknown = [k for k in inputs if k not in figures and k not in pending]
            if unknown:
                hint = "; ".join(_unknown_key_hint(k, list(figures) + list(pending)) for k in unknown)
                log.error(path, node.line_of("formula"), f"`{key}`: công thức dùng khoá không có: {hint}.")
                del pending[key]
                continue
            if any(k in pending for k in inputs):
                continue
            label, unit = node["label"], node["unit"]
            figures[key] = Figure(key, label, unit, _derived_periods(tree, inputs, unit, figures), line, node["formula"])
            del pending[key]
            progressed = True
        if pending and not progressed:
            for key, (node, _) in pending.items():
                log.error(path, node.line_of("formula"), f"`{key}`: công thức vòng tròn (các số liệu tính lẫn nhau). Hãy sửa công thức.")
            return


def _parse_formula(key, node, path, log):
    formula = node.get("formula")
    try:
        tree = ast.parse(str(formula), mode="eval")
        inputs = _formula_keys(tree)
        _evaluate(tree, {k: Decimal(1) for k in inputs})
    except (SyntaxError, ValueError, KeyError, TypeError):
        log.error(path, node.line_of("formula"), f"`{key}`: công thức `{formula}` không hợp lệ. Chỉ dùng khoá số liệu, số, + - * / ( ), min(), max().")
        return None, []
    return tree, inputs


def _derived_periods(tree, inputs, unit, figures) -> tuple[Period, ...]:
    """A derived figure changes whenever one of its inputs changes."""
    starts = sorted({p.start for k in inputs for p in figures[k].periods})
    periods = []
    for start in starts:
        in_force = {k: figures[k].in_force(start) for k in inputs}
        if any(p is None for p in in_force.values()):
            continue
        operands = {k: _as_operand(figures[k], p) for k, p in in_force.items()}
        value = _evaluate(tree, operands)
        if unit == "percent":
            value *= 100
        bases = list(dict.fromkeys(p.basis for p in in_force.values()))
        periods.append(Period(start, value, "; ".join(bases), all(p.verified for p in in_force.values())))
    return tuple(periods)


def _unknown_key_hint(key: str, known) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f"`{key}` (có phải `{close[0]}`?)" if close else f"`{key}`"


# --- formatting --------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def format_day(value: dt.date) -> str:
    return babel_dates.format_date(value, "dd/MM/yyyy", locale=FORMAT_LOCALE)


@functools.lru_cache(maxsize=4096)  # Babel parses its pattern on every call; pages repeat the same figures
def _number(value: Decimal) -> str:
    # Money is shown in whole đồng; rates keep up to two decimals (1,5%).
    return format_decimal(value, format="#,##0.##", locale=FORMAT_LOCALE)


def format_value(figure: Figure, period: Period, strings: Mapping[str, str]) -> str:
    if figure.unit == "date":
        return format_day(period.value)
    amount = period.value.quantize(Decimal(1)) if figure.unit == "vnd" else period.value
    return strings[f"unit.{figure.unit}"].format(n=_number(amount))


def format_figure(figure: Figure, on: dt.date, strings: Mapping[str, str], view: str = "") -> str:
    """Text for `{{ policy.key | view }}` on a page built on date `on`.

    Views: "" the value in force and the coming change; "now" only the value in
    force; "next" only the coming value; "since" the date the value in force
    took effect; "basis" its legal basis; "label" the figure's name.
    """
    current = figure.in_force(on)
    coming = figure.next_change(on)
    if view == "label":
        return figure.label
    if view == "basis":
        return figure.shown_on(on).basis
    if view == "since":
        return format_day(figure.shown_on(on).start)
    if view == "next":
        period = coming or figure.shown_on(on)
        return format_value(figure, period, strings)
    if current is None:
        return strings["figure.from"].format(date=format_day(coming.start), value=format_value(figure, coming, strings))
    text = format_value(figure, current, strings)
    if view == "" and coming is not None:
        text = strings["figure.change"].format(
            value=text, date=format_day(coming.start), next=format_value(figure, coming, strings)
        )
    return text


VIEWS = ("", "now", "next", "since", "basis", "label")
