"""The voluntary-contribution calculator: what a person pays and what the State pays.

No official calculator exists for voluntary social insurance. This one works
from the policy data, embedded in the page at build time so it runs offline
in the browser. This module is the reference implementation: the page's
script follows the same steps, and tests hold both to one table of cases.

    monthly contribution = rate x chosen income           (Law 41/2024, Art. 32, 36)
    monthly State support = support % x rate x floor      (Decree 159/2025, Art. 5)
    the person pays the difference, times the months paid at once (1, 3, 6 or 12)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..sources.policy import Figure, PolicyData

GROUPS = ("poor", "near_poor", "ethnic_minority", "others")
PERIODS = (1, 3, 6, 12)
FIGURES = {
    "rate": "voluntary.rate",
    "floor": "voluntary.floor",
    "ceiling": "voluntary.ceiling",
    **{f"support.{group}": f"voluntary.support.{group}" for group in GROUPS},
}


def calculator_data(policy: PolicyData) -> dict:
    """The figures the page needs, with every dated value and its legal basis (JSON-ready)."""
    def periods(figure: Figure) -> list[dict]:
        return [{"from": p.start.isoformat(), "value": int(p.value) if p.value == int(p.value) else float(p.value),
                 "basis": p.basis_text} for p in figure.periods]

    return {name: periods(policy.figures[key]) for name, key in FIGURES.items()}


@dataclass(frozen=True)
class Result:
    monthly_total: int
    monthly_state: int
    monthly_person: int
    months: int
    basis: tuple[str, ...]

    @property
    def person(self) -> int:
        return self.monthly_person * self.months

    @property
    def state(self) -> int:
        return self.monthly_state * self.months


class InputError(ValueError):
    """A message key (calculator.error.*) and the numbers it mentions."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


def _in_force(periods: list[dict], on: dt.date) -> dict:
    current = None
    for period in periods:
        if dt.date.fromisoformat(period["from"]) <= on:
            current = period
    return current or periods[0]


def parse_income(text: str) -> int:
    """'1.500.000', '1 500 000 đ' or '1500000' -> 1500000; anything else is an InputError."""
    cleaned = re.sub(r"[\s.đ₫]", "", (text or "").strip().lower())
    if not cleaned:
        raise InputError("empty")
    if cleaned.startswith("-") and cleaned[1:].isdigit():
        raise InputError("negative")
    if not cleaned.isdigit():
        raise InputError("not_a_number")
    return int(cleaned)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def compute(data: dict, income_text: str, group: str, months: int, on: dt.date) -> Result:
    if group not in GROUPS:
        raise InputError("group")
    if months not in PERIODS:
        raise InputError("period")
    income = parse_income(income_text)
    rate, floor, ceiling = (_in_force(data[k], on) for k in ("rate", "floor", "ceiling"))
    support = _in_force(data[f"support.{group}"], on)
    if income < floor["value"]:
        raise InputError("below_floor", floor=floor["value"])
    if income > ceiling["value"]:
        raise InputError("above_ceiling", ceiling=ceiling["value"])
    rate_fraction = Decimal(str(rate["value"])) / 100
    monthly_total = _round(Decimal(income) * rate_fraction)
    monthly_state = _round(Decimal(str(floor["value"])) * rate_fraction * Decimal(str(support["value"])) / 100)
    basis = tuple(dict.fromkeys(b for p in (rate, floor, support) for b in p["basis"].split("; ")))
    return Result(monthly_total, monthly_state, monthly_total - monthly_state, months, basis)
