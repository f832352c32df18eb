"""Lighthouse scores of the citizens' key pages, at a domain's root and under a sub-path.

Builds the sample site twice, with its address at the root of a loopback
server and under `/tt/`, serves both with gzip as a production server would,
and runs Lighthouse (mobile; the release benchmarks/node pins, the newest that
runs on Debian's Node 20) against Debian's Chromium on the home page, an
audience overview, a Q&A page and the calculator, in every language.

Each page is measured `--runs` times and the median of each figure printed:
the four category scores (simulated slow 4G, Lighthouse's mobile default), first
and largest contentful paint and total blocking time, first contentful paint on
slow 3G (a second pass, throttled in the browser as benchmarks/page_weight.py
does: 400 kbit/s, 400 ms latency), and HTML + CSS + JS as sent (gzip). Then the
audits that cost points in any run, and the lowest median of each category.

    python3 benchmarks/lighthouse.py [--runs 3] [--where root|sub-path|both] [--pages tu-nguyen/ ...]

Lighthouse is installed into benchmarks/node/node_modules (npm ci, the versions
package-lock.json pins) when it is missing or not the pinned release. Figures depend on the machine's load:
the script prints `uptime` before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import statistics
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
# The site's address is the server's (canonical, hreflang and Open Graph links must
# resolve), and leaflets print it: a fixed port lets a second run reuse the project cache.
PORT = 8765
CHROME_FLAGS = "--chrome-flags=--headless=new --no-sandbox --disable-gpu"
# As benchmarks/page_weight.py throttles the browser: 400 kbit/s both ways, 400 ms latency.
SLOW_3G = ("--throttling-method=devtools", "--throttling.requestLatencyMs=400",
           "--throttling.downloadThroughputKbps=400", "--throttling.uploadThroughputKbps=400",
           "--throttling.cpuSlowdownMultiplier=1")
CORE_TYPES = ("Document", "Stylesheet", "Script")


def lighthouse(url: str, *options: str) -> dict:
    run = subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet", CHROME_FLAGS, *options],
        capture_output=True, text=True, check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"})
    return json.loads(run.stdout)


def measure(url: str) -> dict:
    """One run on a page: scores, paints, blocking time, weight, and the audits that cost points."""
    result = lighthouse(url, f"--only-categories={','.join(CATEGORIES)}")
    audits = result["audits"]
    slow = lighthouse(url, "--only-audits=first-contentful-paint", *SLOW_3G)
    requests = audits["network-requests"]["details"]["items"]
    return {
        **{name: result["categories"][name]["score"] * 100 for name in CATEGORIES},
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "fcp_3g": slow["audits"]["first-contentful-paint"]["numericValue"] / 1000,
        "core_kb": sum(r["transferSize"] for r in requests if r.get("resourceType") in CORE_TYPES) / 1024,
        "lost": {
            ref["id"] for category in result["categories"].values() for ref in category["auditRefs"]
            if ref["weight"] > 0 and (audits[ref["id"]]["score"] if audits[ref["id"]]["score"] is not None else 1) < 1
        },
    }


def report(label: str, runs: list[dict]) -> dict[str, float]:
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "lost"}
    spread = f"{min(r['performance'] for r in runs):.0f}-{max(r['performance'] for r in runs):.0f}"
    lost = sorted(set().union(*(run["lost"] for run in runs)))
    print(f"{label:<34} {median['performance']:>4.0f} ({spread:>5}) {median['accessibility']:>4.0f} "
          f"{median['best-practices']:>4.0f} {median['seo']:>4.0f} {median['fcp']:>5.2f} s {median['lcp']:>5.2f} s "
          f"{median['tbt']:>5.0f} ms {median['fcp_3g']:>5.2f} s {median['core_kb']:>6.1f} KB  {' '.join(lost)}", flush=True)
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (medians are printed)")
    parser.add_argument("--where", choices=("root", "sub-path", "both"), default="both")
    parser.add_argument("--pages", nargs="*", default=[prefix + page for prefix in PREFIXES for page in PAGES],
                        help="pages relative to the site's root (default: the key pages in every language)")
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    pinned = json.loads((TOOLS / "package.json").read_text())["dependencies"]["lighthouse"]
    if installed_lighthouse() != pinned:
        subprocess.run(["npm", "ci", "--prefix", str(TOOLS), "--ignore-scripts", "--no-audit", "--no-fund"], check=True)
    places = ("root", "sub-path") if args.where == "both" else (args.where,)
    version = installed_lighthouse()
    print(f"Lighthouse {version}, mobile; Chromium {chromium_version()}; {args.runs} runs per page, medians")
    print(f"load before: {uptime()}")
    medians: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        served = Path(tmp) / "served"
        base = f"http://127.0.0.1:{args.port}/"
        # The root build first: a build replaces its whole folder, and the sub-path build sits inside it.
        for place in places:
            site_url = base + (SUB_PATH if place == "sub-path" else "")
            site_dir = served / SUB_PATH if place == "sub-path" else served
            build(Project(REPO), site_dir, BuildOptions(dt.date.today(), site_url), cache=ArtifactCache(REPO / ".outreach-cache"))
        scripts = [*(served / "assets" / "javascripts").glob("bundle.*.min.js"),
                   *(served / "assets" / "javascripts" / "workers").glob("search.*.min.js")]
        scripts_kb = sum(len(gzip.compress(path.read_bytes(), 6)) for path in scripts) / 1024
        print(f"{'page':<34} {'perf (range)':>12} {'a11y':>4} {'bp':>4} {'seo':>4} {'FCP':>7} {'LCP':>7} {'TBT':>8} "
              f"{'FCP 3G':>7} {'HTML+CSS+JS':>9}  audits that cost points")
        with serve(served, args.port) as server:
            for place in places:
                site_url = server + (SUB_PATH if place == "sub-path" else "")
                for page in args.pages:
                    runs = [measure(site_url + page) for _ in range(args.runs)]
                    medians.append(report(f"{place}: /{page}", runs))
    print("median over pages: " + ", ".join(
        f"{key} {statistics.median(m[key] for m in medians):.2f}" for key in ("performance", "fcp", "tbt", "fcp_3g", "core_kb")))
    print("lowest: " + ", ".join(f"{name} {min(m[name] for m in medians):.0f}" for name in CATEGORIES))
    print(f"Material's scripts (bundle and search worker), fetched at the reader's first gesture: {scripts_kb:.1f} KB gzip")
    print(f"load after: {uptime()}")


def installed_lighthouse() -> str | None:
    installed = TOOLS / "node_modules" / "lighthouse" / "package.json"
    return json.loads(installed.read_text())["version"] if installed.exists() else None


def chromium_version() -> str:
    return subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.split()[1]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
