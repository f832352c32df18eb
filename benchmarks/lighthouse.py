"""Lighthouse scores of the citizens' key pages, at a domain's root and under a sub-path.

Builds the sample site twice, with its address at the root of a loopback
server and under `/tt/`, serves each with gzip as a production server would,
and runs Lighthouse (mobile, simulated slow 4G; the release benchmarks/node
pins, the newest that runs on Debian's Node 20) on the home page, an audience
overview, a Q&A page and the calculator, in every language. Prints the four
category scores, first and largest contentful paint and total blocking time of each page,
the audits that cost points, and the lowest score of each category.

    python3 benchmarks/lighthouse.py [--where root|sub-path|both] [--pages tu-nguyen/ ...]

Lighthouse is installed into benchmarks/node/node_modules on first use (npm ci).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import tempfile
from pathlib import Path

from _common import REPO, serve

from generator.build import BuildOptions, Project, build
from generator.cache import ArtifactCache

TOOLS = REPO / "benchmarks" / "node"
LIGHTHOUSE = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("", "tu-nguyen/", "tu-nguyen/hoi-dap/", "tu-nguyen/tinh-tien-dong/")
PREFIXES = ("", "bahnar/", "jrai/")
SUB_PATH = "tt/"


def lighthouse(url: str) -> dict:
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--prefix", str(TOOLS), "--ignore-scripts", "--no-audit", "--no-fund"], check=True)
    run = subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
         f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        capture_output=True, text=True, check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"})
    return json.loads(run.stdout)


def report(label: str, result: dict) -> dict[str, int]:
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = result["audits"]
    lost = sorted({
        audit_ref["id"] for category in result["categories"].values() for audit_ref in category["auditRefs"]
        if audit_ref["weight"] > 0 and (audits[audit_ref["id"]]["score"] or 1) < 1
    })
    fcp = audits["first-contentful-paint"]["numericValue"] / 1000
    lcp = audits["largest-contentful-paint"]["numericValue"] / 1000
    tbt = audits["total-blocking-time"]["numericValue"]
    print(f"{label:<36} {scores['performance']:>5} {scores['accessibility']:>5} {scores['best-practices']:>5} "
          f"{scores['seo']:>5} {fcp:>6.2f} s {lcp:>6.2f} s {tbt:>6.0f} ms  {' '.join(lost)}")
    return scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--where", choices=("root", "sub-path", "both"), default="both")
    parser.add_argument("--pages", nargs="*", default=[prefix + page for prefix in PREFIXES for page in PAGES],
                        help="pages relative to the site's root (default: the key pages in every language)")
    args = parser.parse_args()
    places = ("root", "sub-path") if args.where == "both" else (args.where,)
    lowest = {name: 100 for name in CATEGORIES}
    print(f"Lighthouse {json.loads((TOOLS / 'package.json').read_text())['dependencies']['lighthouse']}, "
          f"mobile, simulated slow 4G; Chromium {chromium_version()}")
    print(f"{'page':<36} {'perf':>5} {'a11y':>5} {'bp':>5} {'seo':>5} {'FCP':>8} {'LCP':>8} {'TBT':>9}  audits that cost points")
    with tempfile.TemporaryDirectory() as tmp:
        for place in places:
            served = Path(tmp) / place
            site_dir = served / SUB_PATH if place == "sub-path" else served
            with serve(served) as server:
                # The site's own address is the server's, so canonical, hreflang and Open Graph links resolve.
                site_url = server + (SUB_PATH if place == "sub-path" else "")
                build(Project(REPO), site_dir, BuildOptions(dt.date.today(), site_url), cache=ArtifactCache(REPO / ".outreach-cache"))
                for page in args.pages:
                    scores = report(f"{place}: /{page}", lighthouse(site_url + page))
                    lowest = {name: min(lowest[name], scores[name]) for name in CATEGORIES}
    print("lowest: " + ", ".join(f"{name} {score}" for name, score in lowest.items()))


def chromium_version() -> str:
    return subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.split()[1]


if __name__ == "__main__":
    main()
