"""How often "Hỏi nhanh" puts the right answer first, and in the first three.

Runs the site's own matcher (generator/webapp/hoi-nhanh.js, under node) on the questions
citizens might type (tests/data/hoi-nhanh-cau-hoi.yml) against the index the build makes
from the Q&A bank. Targets (issue 21): first at least 80%, in the first three at least 95%.

    .venv/bin/python benchmarks/quick_ask.py [--misses]
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from _common import REPO

import yaml

from generator.build import Project, read_bank
from generator.compose import quick_ask
from generator.assets import WEBAPP_DIR

AS_OF = dt.date(2026, 11, 25)
QUESTIONS = REPO / "tests" / "data" / "hoi-nhanh-cau-hoi.yml"


def index(lang: str = "vi") -> dict:
    reading = read_bank(Project(REPO), AS_OF)
    files = quick_ask.index_files(reading.bank, reading.languages, reading.renderers, reading.site.hotline, AS_OF, False, reading.log)
    return json.loads(files[quick_ask.INDEX_FILE.format(lang=lang)])


def questions() -> list[dict]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]


def unanswered() -> list[str]:
    return yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["unanswered"]


def rank(index_data: dict, texts: list[str], audience: str = "") -> dict:
    """The matcher's top answers for each text, and each text as it folds the query."""
    run = subprocess.run(["node", str(REPO / "tests" / "quick_ask_rank.js"), str(WEBAPP_DIR / "hoi-nhanh.js")],
                         input=json.dumps({"index": index_data, "questions": texts, "audience": audience}),
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def hit_rates(cases: list[dict], ranked: list[list[str]]) -> tuple[float, float, list[tuple[str, str, list[str]]]]:
    first = top3 = 0
    misses = []
    for case, ids in zip(cases, ranked):
        right = {case["id"], *([case["also"]] if case.get("also") else [])}
        first += bool(ids) and ids[0] in right
        top3 += bool(right & set(ids[:3]))
        if not (ids and ids[0] in right):
            misses.append((case["q"], case["id"], ids))
    return first / len(cases), top3 / len(cases), misses


def main() -> None:
    cases, others = questions(), unanswered()
    ranked = rank(index(), [c["q"] for c in cases] + others)["ranked"]
    first, top3, misses = hit_rates(cases, ranked[:len(cases)])
    silent = sum(not ids for ids in ranked[len(cases):])
    print(f"Câu hỏi thử: {len(cases)}")
    print(f"Đúng ở vị trí đầu: {first:.1%} (mục tiêu ≥ 80%)")
    print(f"Đúng trong ba câu đầu: {top3:.1%} (mục tiêu ≥ 95%)")
    print(f"Câu ngoài ngân hàng được trả lời bằng tổng đài (không gợi ý câu nào): {silent}/{len(others)}")
    if "--misses" in sys.argv:
        for question, expected, got in misses:
            print(f"  {question!r}: cần {expected}, được {got}")
        for question, ids in zip(others, ranked[len(cases):]):
            if ids:
                print(f"  {question!r}: ngoài ngân hàng, được {ids}")


if __name__ == "__main__":
    main()
