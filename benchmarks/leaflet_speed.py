"""(c) The print set's CPU against bare WeasyPrint on the same documents, and the province's full set projected.

    python3 benchmarks/leaflet_speed.py [--workers N] [--languages vi,bahnar,jrai]

Renders the sample's sheets and its communes' editions (no cache) in four
steps, each on N processes: the audiences' own sheets, the posters' editions
(type fixed, parts chosen), the first edition of each trifold and flyer
(type fitted from scratch), then the other editions (the first's type checked
by one layout). Then the contact sheet's previews, and bare WeasyPrint
(`HTML(string).write_pdf()`, once per document) in as many processes. Figures
are CPU-seconds of the process tree: the machine may be shared, so the load
average is printed beside them.

The projection scales each step's CPU per sheet to the province: 135 communes,
5 audiences, 3 languages, tri-fold, flyer and poster (6,075 editions) plus the
audiences' own sheets, on 2 cores.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import os
import resource
import tempfile
from pathlib import Path

from _common import REPO

from generator.build import BuildOptions, Progress, Project, compose
from generator.cache import ArtifactCache
from generator.editions import ALL, EditionChoice
from generator.paper.leaflet_layout import FONTS_DIR
from generator.paper.leaflet_render import fitting_starts, render_all, render_previews

AS_OF = dt.date(2026, 11, 25)
PROVINCE_COMMUNES = 135
PROVINCE_CORES = 2
TARGET_RATIO = 1.3
TARGET_MINUTES = 20


def cpu_seconds() -> float:
    """This process and every worker it waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _bare_weasyprint(html: str) -> int:
    from weasyprint import HTML

    return len(HTML(string=html, base_url=str(FONTS_DIR) + "/").write_pdf())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--languages", default="vi,bahnar,jrai", help="the sheets of these languages only (a shorter run)")
    arguments = parser.parse_args()
    workers, languages = arguments.workers, arguments.languages.split(",")
    leaflets = [l for l in compose(Project(REPO), BuildOptions(AS_OF, editions=EditionChoice((ALL,)))).leaflets if l.lang in languages]
    starts = fitting_starts(leaflets)
    own = [l for l in leaflets if l.edition is None]
    posters = [l for l, start in zip(leaflets, starts) if l.edition is not None and not any(r.fit for r in l.format.regions)]
    firsts = [l for l, start in zip(leaflets, starts) if l.edition is not None and start is None and l not in posters]
    others = [l for l, start in zip(leaflets, starts) if start is not None]
    communes = len({l.edition.tag for l in leaflets if l.edition is not None})
    print(f"{len(leaflets)} sheets: {len(own)} audiences' own, {len(leaflets) - len(own)} editions of {communes} communes; "
          f"{workers} processes, load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")

    printed = []
    with tempfile.TemporaryDirectory() as folder:
        cache = ArtifactCache(Path(folder))  # the last step finds the first editions here, as a build finds them
        steps = {}
        for name, sheets in (("own sheets", own), ("posters' editions", posters), ("first editions", firsts),
                             ("other editions", others)):
            before = cpu_seconds()
            result = render_all(sheets if name != "other editions" else firsts + others, REPO, Progress(), cache, workers=workers)
            steps[name] = (len(sheets), cpu_seconds() - before)
            printed += result.sheets if name != "other editions" else [s for s in result.sheets if s[0] in others]
    before = cpu_seconds()
    previews = render_previews(printed, Progress(), ArtifactCache(None), workers=workers)
    preview_cpu = cpu_seconds() - before
    documents = [html for leaflet in leaflets for _, html in leaflet.documents]
    before = cpu_seconds()
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_bare_weasyprint, documents))
    bare = cpu_seconds() - before

    print_set = sum(cpu for _, cpu in steps.values())
    for name, (count, cpu) in steps.items():
        print(f"  {name:18} {count:4} sheets {cpu:7.1f} CPU-s  {1000 * cpu / max(count, 1):5.0f} ms a sheet")
    print(f"  previews           {len(previews):4} sheets {preview_cpu:7.1f} CPU-s  {1000 * preview_cpu / max(len(previews), 1):5.0f} ms a sheet")
    print(f"  bare WeasyPrint    {len(documents):4} docs   {bare:7.1f} CPU-s  {1000 * bare / len(documents):5.0f} ms a document")
    print(f"ratio to bare WeasyPrint on the same {len(documents)} documents: {print_set / bare:.2f}x the print set, "
          f"{(print_set + preview_cpu) / bare:.2f}x with the contact sheet's previews (target <= {TARGET_RATIO}x)")

    # The province: every audience, language and format for each commune, as the sample's editions are.
    posters_per_commune = steps["posters' editions"][0] / communes
    per_sheet = {name: cpu / max(count, 1) for name, (count, cpu) in steps.items()}
    scale = 3 / len(languages)  # the province prints in Vietnamese, Bahnar and Jrai
    editions = round(PROVINCE_COMMUNES * (len(leaflets) - len(own)) / communes * scale)
    province = {
        "own sheets": round(len(own) * scale),
        "first editions": round(len(firsts) * scale),  # one per audience, language and format, however many communes
        "posters' editions": round(posters_per_commune * PROVINCE_COMMUNES * scale),
    }
    province["other editions"] = editions - province["first editions"] - province["posters' editions"]
    sheets = sum(province.values())
    cpu = sum(count * per_sheet[name] for name, count in province.items())
    with_previews = cpu + sheets * preview_cpu / max(len(previews), 1)
    bare_cpu = sheets * bare / len(documents)
    print(f"province projected: {sheets} sheets ({editions} editions of {PROVINCE_COMMUNES} communes), "
          f"{cpu / PROVINCE_CORES / 60:.1f} min on {PROVINCE_CORES} cores, {with_previews / PROVINCE_CORES / 60:.1f} min with previews "
          f"(target <= {TARGET_MINUTES} min); bare WeasyPrint {bare_cpu / PROVINCE_CORES / 60:.1f} min; "
          f"ratio {cpu / bare_cpu:.2f}x, {with_previews / bare_cpu:.2f}x with previews")


if __name__ == "__main__":
    main()
