"""The voluntary-contribution calculator: what a person pays and what the State pays.

No official calculator exists for voluntary social insurance. This one works
from the policy data, embedded in the page at build time so it runs offline
in the browser. This module is the reference implementation: the page's
script follows the same steps, and tests hold both to one table of cases.

    monthly contribution = rate x chosen income           (Law 41/2024, Art. 32, 36)
    monthly State support = support % x rate x floor      (Decree 159/2025, Art. 5)
    the person pays the difference, times the months paid at once (1, 3, 6 or 12)

A person in several groups gets the highest support (the page says to choose it); one who
already had the support for its longest time pays without it ("no_support"). Every amount
shown carries the unverified mark when a figure it is made of (DEPENDS) is not yet checked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..sources.policy import Figure, PolicyData

# The support groups, then a person who already had the State's support for its longest time and pays it all.
SUPPORTED = ("poor", "near_poor", "ethnic_minority", "others")
GROUPS = (*SUPPORTED, "no_support")
PERIODS = (1, 3, 6, 12)
FIGURES = {
    "rate": "voluntary.rate",
    "floor": "voluntary.floor",
    "ceiling": "voluntary.ceiling",
    **{f"support.{group}": f"voluntary.support.{group}" for group in SUPPORTED},
}
# Which figures each shown amount is made of: it carries the unverified mark if one of them does.
# The page's script reads this table from the embedded data, so both mark the same amounts.
DEPENDS = {
    "range": ("floor", "ceiling"),
    "person": ("rate", "floor", "support"),
    "state": ("rate", "floor", "support"),
    "total": ("rate",),
}


def calculator_data(policy: PolicyData) -> dict:
    """The figures the page needs, each with its label and every dated value with its legal basis and check (JSON-ready)."""
    def periods(figure: Figure) -> list[dict]:
        return [{"from": p.start.isoformat(), "value": int(p.value) if p.value == int(p.value) else float(p.value),
                 "basis": p.basis_text, "verified": p.verified} for p in figure.periods]

    return {"figures": {name: {"label": policy.figures[key].label, "unit": policy.figures[key].unit,
                               "periods": periods(policy.figures[key])} for name, key in FIGURES.items()},
            "depends": {name: list(parts) for name, parts in DEPENDS.items()}}


# No support: what a person pays once the State's support has run out.
NO_SUPPORT = {"from": "0001-01-01", "value": 0, "basis": "", "verified": True}


@dataclass(frozen=True)
class Result:
    monthly_total: int
    monthly_state: int
    monthly_person: int
    months: int
    basis: tuple[str, ...]
    unverified: frozenset[str] = frozenset()  # the shown amounts (DEPENDS' keys) that carry the unverified mark
    valid_until: dt.date | None = None  # the last day before a figure it used changes

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


def _next_change(periods: list[dict], on: dt.date) -> dt.date | None:
    return next((start for p in periods if (start := dt.date.fromisoformat(p["from"])) > on), None)


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
    figures = data["figures"]
    used = {name: figures[name]["periods"] for name in ("rate", "floor", "ceiling")}
    if group != "no_support":
        used["support"] = figures[f"support.{group}"]["periods"]
    rate, floor, ceiling = (_in_force(used[k], on) for k in ("rate", "floor", "ceiling"))
    support = _in_force(used["support"], on) if "support" in used else NO_SUPPORT
    if income < floor["value"]:
        raise InputError("below_floor", floor=floor["value"])
    if income > ceiling["value"]:
        raise InputError("above_ceiling", ceiling=ceiling["value"])
    rate_fraction = Decimal(str(rate["value"])) / 100
    monthly_total = _round(Decimal(income) * rate_fraction)
    monthly_state = _round(Decimal(str(floor["value"])) * rate_fraction * Decimal(str(support["value"])) / 100)
    basis = tuple(dict.fromkeys(b for p in (rate, floor, support) if p["basis"] for b in p["basis"].split("; ")))
    in_force = {"rate": rate, "floor": floor, "ceiling": ceiling, "support": support}
    unverified = frozenset(shown for shown, parts in data["depends"].items() if not all(in_force[p]["verified"] for p in parts))
    changes = [change for periods in used.values() if (change := _next_change(periods, on))]
    valid_until = min(changes) - dt.timedelta(days=1) if changes else None
    return Result(monthly_total, monthly_state, monthly_total - monthly_state, months, basis, unverified, valid_until)
