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
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Callable, Iterable, Literal, Mapping

from babel import dates as babel_dates
from babel.numbers import format_decimal

from pydantic import Field, StringConstraints

from . import yamlfile
from ..problems import ProblemLog
from .schema import Model, validate

# Babel has no locale for Bahnar or Jrai (no CLDR data), and readers of both
# use Vietnamese number and date conventions, so every language formats as vi.
FORMAT_LOCALE = "vi"

# A `statement` is a sentence of the content rather than a number: it has no value, only its legal basis and
# `verified`, and `{{ policy.key }}` at the end of the sentence shows the unverified mark until it is checked.
UNITS = ("vnd", "percent", "years", "months", "weeks", "age", "times", "count", "date", "statement")
KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
MAX_FORMULA_LENGTH = 300
# Figures are amounts of money and rates: anything beyond this is a typing mistake, and a
# formula must not be able to ask Decimal for a number with a billion digits.
MAX_MAGNITUDE = Decimal("1e15")


@dataclass(frozen=True, order=True)
class LegalBasis:
    """One provision: a law or decree, and where in it (article, clause, point), as Vietnamese cites them."""

    law: str  # the document's name: "Luật BHXH 41/2024/QH15"
    article: str = ""
    clause: str = ""
    point: str = ""

    @property
    def provision(self) -> str:
        """"điểm a khoản 1 Điều 33"; empty when the whole document is meant."""
        parts = [f"điểm {self.point}" if self.point else "", f"khoản {self.clause}" if self.clause else "",
                 f"Điều {self.article}" if self.article else ""]
        return " ".join(p for p in parts if p)

    def __str__(self) -> str:
        return f"{self.provision} {self.law}".strip() if self.provision else self.law


def by_law(bases: Iterable[LegalBasis], articles_only: bool = False) -> list[tuple[str, str]]:
    """Provisions grouped by document: [("Luật BHXH 41/2024/QH15", "Điều 7, khoản 1 Điều 64"), ...].

    `articles_only` gives the compact form small print needs: [("Luật BHXH 41/2024/QH15", "Điều 7, 64, 98")].
    """
    grouped: dict[str, list[str]] = {}
    for basis in bases:
        provisions = grouped.setdefault(basis.law, [])
        provision = basis.article if articles_only else basis.provision
        if provision and provision not in provisions:
            provisions.append(provision)
    if articles_only:
        return [(law, "Điều " + ", ".join(sorted(articles, key=_article_order)) if articles else "")
                for law, articles in grouped.items()]
    return [(law, ", ".join(provisions)) for law, provisions in grouped.items()]


def _article_order(article: str) -> tuple[int, str]:
    digits = "".join(c for c in article if c.isdigit())
    return (int(digits) if digits else 0, article)


def cite(bases: Iterable[LegalBasis]) -> str:
    """One line: "Điều 7, khoản 1 Điều 64 Luật BHXH 41/2024/QH15; Nghị định 73/2024/NĐ-CP"."""
    return "; ".join(f"{provisions} {law}" if provisions else law for law, provisions in by_law(bases))


@dataclass(frozen=True)
class Period:
    """One value of a figure, in force from `start` until the next period."""

    start: dt.date
    value: Decimal | dt.date | None  # None for a statement
    basis: tuple[LegalBasis, ...]
    verified: bool

    @property
    def basis_text(self) -> str:
        return cite(self.basis)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    periods: tuple[Period, ...]
    line: int  # where content/policy.yml defines it
    formula: str | None = None
    inputs: tuple[str, ...] = ()  # the keys a formula reads

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

    def unverified_on(self, on: dt.date) -> list[Period]:
        """The values a reader may see from `on` (in force and coming) that nobody checked yet."""
        return [p for p in [self.shown_on(on), *(p for p in self.periods if p.start > on)] if not p.verified]


@dataclass(frozen=True)
class PolicyData:
    path: Path
    figures: Mapping[str, Figure]
    laws: Mapping[str, str] = field(default_factory=dict)  # `laws:`: key -> the document's name, for other files' `basis`

    def suggest(self, key: str) -> list[str]:
        return difflib.get_close_matches(key, self.figures.keys(), n=3, cutoff=0.6)

    def valid_until(self, keys: Iterable[str], on: dt.date) -> dt.date | None:
        """The last day the values of `keys` in force on `on` hold: the day before the first of them changes.

        None when no change of any of them is known.
        """
        changes = [period.start for key in keys if (period := self.figures[key].next_change(on))]
        return min(changes) - dt.timedelta(days=1) if changes else None

    def unverified_sources(self, key: str, on: dt.date) -> list[Figure]:
        """The stated figures behind `key` (itself, or a formula's inputs) with a value nobody checked yet."""
        figure = self.figures[key]
        if figure.formula is None:
            return [figure] if figure.unverified_on(on) else []
        found = [source for name in figure.inputs for source in self.unverified_sources(name, on)]
        return list({source.key: source for source in found}.values())


# --- the file's schema -------------------------------------------------------

Provision = Annotated[str, StringConstraints(pattern=r"^[0-9a-zđ]{1,4}$")]


class BasisEntry(Model):
    law: str = Field(description="Khoá của văn bản, khai báo trong mục `laws:` ở đầu tệp.")
    article: int | Provision | None = Field(None, description="Số điều.")
    clause: int | Provision | None = Field(None, description="Số khoản.")
    point: Provision | None = Field(None, description="Điểm (chữ cái).")


class PeriodEntry(Model):
    start: dt.date = Field(alias="from", description="Ngày bắt đầu áp dụng, dạng 2025-07-01.")
    value: int | float | dt.date | None = Field(None, description="Con số, không gõ dấu chấm phân cách (1500000); với đơn vị `date`: "
                                                            "ngày dạng 2025-07-01; với đơn vị `statement` (một câu trong bài): bỏ trống.")
    basis: list[BasisEntry] = Field(min_length=1, description="Căn cứ pháp lý: mỗi dòng `- {law: khoá văn bản, article: điều, clause: khoản}`.")
    verified: bool = Field(description="`true` nếu đã đối chiếu văn bản gốc (vbpl.vn, congbao.chinhphu.vn), `false` nếu chưa.")


class FigureEntry(Model):
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(description="Tên số liệu bằng tiếng Việt.")
    unit: Literal[UNITS] = Field(description=f"Đơn vị: một trong {', '.join(UNITS)}.")
    values: list[PeriodEntry] | None = Field(None, min_length=1, description="Các giá trị theo thời gian.")
    formula: Annotated[str, StringConstraints(max_length=MAX_FORMULA_LENGTH)] | None = Field(
        None, description=f"Công thức từ các số liệu khác (tối đa {MAX_FORMULA_LENGTH} ký tự).")
    basis: list[BasisEntry] | None = Field(
        None, description="Với `formula`: căn cứ pháp lý của chính quy tắc tính, thêm vào căn cứ của các số liệu dùng trong công thức.")


class PolicyFile(Model):
    laws: dict[Annotated[str, StringConstraints(pattern=KEY_PATTERN)], Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = Field(
        min_length=1, description="Các văn bản được dẫn, mỗi dòng `khoa_ngan: Tên văn bản`.")
    figures: dict = Field(min_length=1, description="Các số liệu, nhóm theo chủ đề.")


# --- loading -----------------------------------------------------------------


def load_policy(path: Path, log: ProblemLog) -> PolicyData:
    empty = PolicyData(path, {})
    if path.is_symlink() or not path.is_file():
        log.error(path, 1, "Không tìm thấy tệp số liệu chính sách. Hãy tạo tệp này (xem README).")
        return empty
    try:
        raw = yamlfile.load(path)
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"YAML không hợp lệ: {error.detail}. Kiểm tra thụt lề và dấu hai chấm.")
        return empty
    except UnicodeDecodeError:
        log.error(path, 1, "Tệp không ở bảng mã UTF-8. Hãy lưu lại tệp với bảng mã UTF-8.")
        return empty
    data = validate(PolicyFile, raw, path, log)
    if data is None:
        return empty
    stated: dict[str, Figure] = {}
    formulas: dict[str, tuple[FigureEntry, yamlfile.LineDict, int, tuple[LegalBasis, ...]]] = {}
    _collect(raw["figures"], "", path, log, data.laws, stated, formulas)
    figures = dict(stated)
    _derive_all(formulas, figures, path, log)
    return PolicyData(path, figures, MappingProxyType(dict(data.laws)))


def _collect(node: yamlfile.LineDict, prefix, path, log, laws, stated, formulas) -> None:
    """Walk the groups of `figures:`; a mapping with `values` or `formula` is a figure."""
    for name, child in node.items():
        key = f"{prefix}{name}"
        line = node.line_of(name)
        if not isinstance(name, str) or not re.fullmatch(KEY_PATTERN, name):
            log.error(path, line, f"Khoá `{name}` không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu gạch dưới.")
            continue
        if not isinstance(child, yamlfile.LineDict):
            log.error(path, line, f"`{key}` phải có `label`, `unit` và `values` (hoặc `formula`).")
            continue
        if "values" not in child and "formula" not in child:
            _collect(child, f"{key}.", path, log, laws, stated, formulas)
            continue
        entry = validate(FigureEntry, child, path, log, f"`{key}`: ")
        if entry is None:
            continue
        if (entry.values is None) == (entry.formula is None):
            log.error(path, line, f"`{key}` cần hoặc `values` (các giá trị theo thời gian) hoặc `formula` (công thức), không cả hai.")
        elif entry.basis is not None and entry.formula is None:
            log.error(path, child.line_of("basis"), f"`{key}`: `basis` đặt trong từng giá trị của `values`, không đặt ngay dưới số liệu.")
        elif entry.formula is not None:
            rule = _bases(key, entry.basis or [], child["basis"] if entry.basis else None, path, log, laws)
            formulas[key] = (entry, child, line, rule)
        else:
            periods = _periods(key, entry, child, path, log, laws)
            if periods:
                stated[key] = Figure(key, entry.label, entry.unit, periods, line)


def _bases(key, entries: list[BasisEntry], node, path, log, laws) -> tuple[LegalBasis, ...]:
    """The provisions of a `basis:` list; a document not declared in `laws:` is reported at its line."""
    bases = []
    for index, basis in enumerate(entries):
        if basis.law not in laws:
            close = difflib.get_close_matches(basis.law, list(laws), n=1)
            log.error(path, node.line_of(index),
                      f"`{key}`: văn bản `{basis.law}` chưa khai báo trong `laws:`." + (f" Có phải `{close[0]}`?" if close else ""))
            continue
        bases.append(LegalBasis(laws[basis.law], *(str(getattr(basis, f) or "") for f in ("article", "clause", "point"))))
    return tuple(bases)


def _periods(key, entry: FigureEntry, node, path, log, laws) -> tuple[Period, ...]:
    periods = []
    for index, value in enumerate(entry.values):
        line = node["values"].line_of(index)
        if entry.unit == "statement":
            if value.value is not None:
                log.error(path, node["values"][index].line_of("value"), f"`{key}`: một câu (`unit: statement`) không có `value`. Xoá dòng `value`.")
                continue
        elif value.value is None or (entry.unit == "date") != isinstance(value.value, dt.date):
            log.error(path, line, f"`{key}`: `value` phải là " + ("ngày dạng 2025-07-01." if entry.unit == "date" else "một số."))
            continue
        bases = _bases(key, value.basis, node["values"][index]["basis"], path, log, laws)
        amount = value.value if entry.unit in ("date", "statement") else Decimal(str(value.value))
        if isinstance(amount, Decimal) and not amount.is_finite():
            log.error(path, line, f"`{key}`: `value` phải là một số hữu hạn.")
            continue
        periods.append(Period(value.start, amount, tuple(bases), value.verified))
    periods.sort(key=lambda p: p.start)
    for earlier, later in zip(periods, periods[1:]):
        if earlier.start == later.start:
            log.error(path, node.line_of("values"), f"`{key}` có hai giá trị cùng áp dụng từ {format_day(later.start)}. Giữ lại một.")
            return ()
    return tuple(periods)


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
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        constant = Decimal(str(node.value))
        if not constant.is_finite() or abs(constant) > MAX_MAGNITUDE:
            raise ArithmeticError(node.value)
        return constant
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
        for key, (entry, node, line, rule) in list(pending.items()):
            tree, inputs = _parse_formula(key, entry.formula, node, path, log)
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
            statements = [k for k in inputs if figures[k].unit == "statement"]
            if statements:
                log.error(path, node.line_of("formula"), f"`{key}`: công thức không dùng được câu `{statements[0]}` (không phải con số).")
                del pending[key]
                continue
            del pending[key]
            try:
                periods = _derived_periods(tree, inputs, entry.unit, figures, rule)
            except ArithmeticError:
                log.error(path, node.line_of("formula"), f"`{key}`: công thức `{entry.formula}` chia cho 0 hoặc cho ra số quá lớn "
                                                         f"(hơn {format_decimal(MAX_MAGNITUDE, locale=FORMAT_LOCALE)}). Hãy sửa công thức.")
                continue
            figures[key] = Figure(key, entry.label, entry.unit, periods, line, entry.formula, tuple(inputs))
            progressed = True
        if pending and not progressed:
            for key, (_, node, _, _) in pending.items():
                log.error(path, node.line_of("formula"), f"`{key}`: công thức vòng tròn (các số liệu tính lẫn nhau). Hãy sửa công thức.")
            return


def _parse_formula(key, formula: str, node, path, log):
    try:
        tree = ast.parse(formula, mode="eval")
        inputs = _formula_keys(tree)
        _evaluate(tree, {k: Decimal(1) for k in inputs})
    except ArithmeticError:
        return tree, inputs  # judged on the real values, where the message can say what went wrong
    except (SyntaxError, ValueError, KeyError, TypeError, RecursionError, MemoryError):
        log.error(path, node.line_of("formula"), f"`{key}`: công thức `{formula}` không hợp lệ. Chỉ dùng khoá số liệu, số, + - * / ( ), min(), max().")
        return None, []
    return tree, inputs


def _derived_periods(tree, inputs, unit, figures, rule: tuple[LegalBasis, ...] = ()) -> tuple[Period, ...]:
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
        if not value.is_finite() or abs(value) > MAX_MAGNITUDE:
            raise ArithmeticError(value)
        # The rule that makes the figure (Art. 31(2): the floor is the rural poverty line), then its inputs' own bases.
        bases = tuple(dict.fromkeys([*rule, *(b for p in in_force.values() for b in p.basis)]))
        periods.append(Period(start, value, bases, all(p.verified for p in in_force.values())))
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
    if figure.unit == "statement":
        return ""  # the sentence is the content's; only its mark is shown
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
    if figure.unit == "statement" and view not in ("label", "basis", "since"):
        return ""
    if view == "label":
        return figure.label
    if view == "basis":
        return figure.shown_on(on).basis_text
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
