"""The province's yearly outreach report, from its own records (plan sections II.2, III.1, III.5, III.6, V.10).

Three sources, nothing else: the communes' activity records
(`content/hoat-dong/<year>.csv`), the print register (`so-in.csv` beside them)
and, if given, the scan counts `outreach stats --format json` printed. The
figures are computed once (`compute`) as plain data; the HTML page, the A4 PDF,
the JSON and the CSV are four views of the same figures.

Privacy: the records hold counts, never people, and the report never shows a
note. A commune's cell that counts people (participants, leaflets handed out,
scans) and is between 1 and 4 is shown as "< 5", in every view: in a small
commune it could point at a village or a household. Province totals are exact.

Deterministic: the report's date is `--as-of`, or else the latest date in the
year's records; no clock is read, and the same records give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import jinja2

from ..assets import FONTS_DIR, TEMPLATES_DIR
from ..build import Project, activity_vocabulary, read_sources
from ..print_register import read_register, register_path
from ..problems import ProblemLog
from ..sources.activities import KINDS, OTHER_AUDIENCES, TRAINING, load_activities, year_files
from ..sources.languages import default_language, load_languages
from .places import REPORT_FOLDER

# Plan II.2.2: "every year at least 70% of communes and wards hold outreach at the grassroots".
COVERAGE_TARGET = 0.70
# Plan III.5.1: at least 1 class a year for the provincial team and 2 for the grassroots BHXH staff (a),
# at least 2 a year for collaborators, service organisations' staff and commune steering committees (b).
TRAINING_CLASSES = {"can-bo-bhxh": 3, "cong-tac-vien": 2}
# Plan II.2.1: the share of each group to be trained, by year (needs each group's size, which the records do not hold).
TRAINING_SHARES = {"cong-tac-vien": {2026: "35–50%", 2027: "70%", 2028: "100%", 2029: "100%", 2030: "100%"},
                   "giang-vien-nguon": {2026: "50%", 2027: "70%", 2028: "100%", 2029: "100%", 2030: "100%"},
                   "can-bo-bhxh": {year: "100%" for year in range(2026, 2031)}}
CAMPAIGN_MONTH = 5  # Plan III.1: "tháng 5 - Tháng vận động triển khai BHXH toàn dân"
SMALL = 5  # a commune's count of people below this is shown as "< 5"
SMALL_TEXT = "< 5"


class ReportInputError(Exception):
    """A scans file that cannot be read; the message is for the communicator, in Vietnamese."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    shown: str  # the value as printed: "< 5" for a commune's small count of people
    share: float  # of the chart's largest shown value: the bar's length; 0 for a hidden value

    @property
    def hidden(self) -> bool:
        return self.shown == SMALL_TEXT


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    heading: str  # the table's name column
    unit: str  # the table's figure column
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Source:
    path: str
    count: int
    unit: str  # what was counted in it: "hoạt động", "lượt quét"


@dataclass
class YearReport:
    year: int
    as_of: dt.date
    communes_total: int
    communes_active: int
    share: float
    target: float
    target_met: bool
    communes_without: list[str]  # "Xã Ia Grai (iagrai)"
    activities: int
    participants: int
    leaflets_handed: int
    sheets_made: int
    copies_ordered: int
    scans_total: int | None
    charts: list[Chart]
    campaign_month: dict
    training: list[dict]
    sources: list[Source]
    communes_title: str  # the heading of the per-commune charts, drawn as one

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)

    def figures(self) -> list[Figure]:
        """The charts as drawn: those counting per commune side by side in one table (one row a commune)."""
        per_commune = [c for c in self.charts if c.key in COMMUNE_CHARTS]
        figures = [Figure(c.key, c.title, c.heading, (c,)) for c in self.charts if c.key not in COMMUNE_CHARTS]
        figures.insert(4, Figure("communes", self.communes_title, per_commune[0].heading, tuple(per_commune)))
        return figures


COMMUNE_CHARTS = ("commune", "participants", "handed_commune", "scans_commune")


@dataclass(frozen=True)
class Figure:
    """Bar charts of the same rows, drawn beside one table."""

    key: str
    title: str
    heading: str
    charts: tuple[Chart, ...]


def _shown(value: int, small_hidden: bool) -> str:
    return SMALL_TEXT if small_hidden and 0 < value < SMALL else str(value)


def _chart(key: str, title: str, heading: str, unit: str, counts: list[tuple[str, int]], small_hidden: bool = False) -> Chart:
    shown = [(label, value, _shown(value, small_hidden)) for label, value in counts]
    largest = max((value for _, value, text in shown if text != SMALL_TEXT), default=0) or 1
    return Chart(key, title, heading, unit, tuple(Bar(label, value, text, 0.0 if text == SMALL_TEXT else value / largest)
                                          for label, value, text in shown))


def read_scans(path: Path) -> dict:
    """The counts `outreach stats --format json` printed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        counts = [data[k] for k in ("codes", "communes", "campaigns")] + [data.get("days", {})]
        if not all(isinstance(c, dict) and all(isinstance(n, int) and n >= 0 for n in c.values()) for c in counts):
            raise ValueError
        return data
    except OSError as error:
        raise ReportInputError(f"Không đọc được {path}: {error.strerror or error}.") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ReportInputError(f"{path} không phải kết quả của `outreach stats --format json` (thiếu mục codes, communes, "
                               "campaigns). Chạy `outreach stats <nhật ký> --format json > luot-quet.json` rồi dùng tệp đó.") from None


def compute(project: Project, year: int, as_of: dt.date | None = None, scans: dict | None = None,
            scans_name: str = "") -> YearReport:
    """The year's figures; ContentError if a record, the register or the settings have mistakes."""
    log = ProblemLog(project.root)
    vocabulary, site, communes, campaigns = activity_vocabulary(project, log)
    log.raise_if_errors()
    activities = load_activities(project.content_dir, vocabulary, log, {year})
    register = read_register(register_path(project.content_dir), log)
    languages, _, pages = read_sources(project, log)
    log.raise_if_errors()
    vietnamese = default_language(languages)
    t = vietnamese.t
    activities = sorted(activities, key=lambda a: (a.date, a.commune, a.line))
    printed = [s for s in register if s.edition.year == year]
    latest = max([a.date for a in activities] + [s.edition for s in printed], default=dt.date(year, 1, 1))
    as_of = as_of or latest

    audience_names = {p.key.audience: p.title for p in pages
                      if p.lang == vietnamese.code and p.key.is_overview and p.key.audience}
    audience_names.update(OTHER_AUDIENCES)
    language_names = {l.code: l.name_vi[:1].upper() + l.name_vi[1:] for l in languages}
    titles = {c.code: f"{c.title} ({c.code})" for c in communes}

    per_commune = Counter(a.commune for a in activities)
    active = [c for c in communes if per_commune[c.code]]
    share = len(active) / len(communes) if communes else 0.0
    participants_by_commune = Counter()
    handed_by_commune = Counter()
    for a in activities:
        participants_by_commune[a.commune] += a.participants or 0
        handed_by_commune[a.commune] += sum(count for _, count in a.leaflets)

    def counted(values) -> Counter:
        counter = Counter()
        for a in activities:
            for value in values(a):
                counter[value] += 1
        return counter

    by_kind = counted(lambda a: (a.kind,))
    by_audience = counted(lambda a: a.audiences or ("",))
    by_language = counted(lambda a: a.languages or ("",))
    by_month = counted(lambda a: (a.date.month,))
    handed = Counter()
    for a in activities:
        for sheet, count in a.leaflets:
            handed[sheet] += count
    copies = Counter()
    made = Counter()
    for s in printed:
        copies[s.sheet] += s.copies or 0
    editions = sorted({(s.file, s.edition, s.sheet) for s in printed})  # a sheet made again for the same date is one
    for _, _, sheet in editions:
        made[sheet] += 1

    def sheet_label(sheet: str) -> str:
        for fmt in ("a4-trifold", "a5-flyer", "a3-poster"):
            if sheet.endswith("-" + fmt):
                audience = sheet[: -len(fmt) - 1]
                # The audience's folder, as the records' `to_phat` column names the sheet: its title is too long for a row.
                return f"{vietnamese.t('leaflet.format.' + fmt)} — {audience}"
        return sheet

    unknown = t("report.unrecorded")

    def chart(key: str, counts: list[tuple[str, int]], small_hidden: bool = False) -> Chart:
        return _chart(key, t(f"report.chart.{key}", year=year), t(f"report.chart.{key}.heading"), t(f"report.chart.{key}.unit"),
                      counts, small_hidden)

    charts = [
        chart("kind", [(k, by_kind[k]) for k in KINDS]),
        chart("audience",
               [(audience_names.get(a, a) if a else unknown, n) for a, n in
                sorted(by_audience.items(), key=lambda item: (-item[1], item[0]))]),
        chart("language",
               [(language_names.get(l, l) if l else unknown, by_language[l]) for l in
                [*vocabulary.languages, *([""] if by_language[""] else [])]]),
        chart("month", [(t("report.month_name", month=m), by_month[m]) for m in range(1, 13)]),
        chart("commune", [(titles[c.code], per_commune[c.code]) for c in communes]),
        chart("participants",
               [(titles[c.code], participants_by_commune[c.code]) for c in communes], small_hidden=True),
        chart("handed", [(sheet_label(s), n) for s, n in sorted(handed.items())]),
        chart("handed_commune",
               [(titles[c.code], handed_by_commune[c.code]) for c in communes], small_hidden=True),
        chart("printed", [(sheet_label(s), n) for s, n in sorted(made.items())]),
        chart("copies", [(sheet_label(s), n) for s, n in sorted(copies.items()) if n]),
    ]
    scans_total = None
    if scans is not None:
        scans_total = sum(scans["codes"].values())
        charts.append(chart("scans_commune",
                             [(titles.get(c.code, c.code), int(scans["communes"].get(c.code, 0))) for c in communes],
                             small_hidden=True))
        charts.append(chart("scans_campaign",
                             [(f"{c.name} ({c.code})", int(scans["campaigns"].get(c.code, 0))) for c in campaigns]))

    may_first, may_last = dt.date(year, CAMPAIGN_MONTH, 1), dt.date(year, CAMPAIGN_MONTH, 31)
    may_campaigns = [c for c in campaigns if c.start <= may_last and c.end >= may_first]
    may_codes = {c.code for c in may_campaigns}
    in_may = [a for a in activities if a.date.month == CAMPAIGN_MONTH or a.campaign in may_codes]
    may_days = {d: n for d, n in (scans or {}).get("days", {}).items() if d.startswith(f"{year}-{CAMPAIGN_MONTH:02d}-")}
    campaign_month = {
        "campaigns": [{"code": c.code, "name": c.name, "start": c.start.isoformat(), "end": c.end.isoformat(),
                       "activities": sum(1 for a in activities if a.campaign == c.code),
                       "scans": None if scans is None else int(scans["campaigns"].get(c.code, 0))} for c in may_campaigns],
        "activities": len(in_may),
        "participants": sum(a.participants or 0 for a in in_may),
        "communes": len({a.commune for a in in_may}),
        "scans_in_month": None if scans is None else sum(may_days.values()),
    }

    trainings = [a for a in activities if a.kind == TRAINING]
    training = []
    for group in ("can-bo-bhxh", "cong-tac-vien", "giang-vien-nguon"):
        classes = [a for a in trainings if group in a.audiences]
        training.append({"group": group, "name": OTHER_AUDIENCES[group], "classes": len(classes),
                         "participants": sum(a.participants or 0 for a in classes),
                         "classes_target": TRAINING_CLASSES.get(group),
                         "classes_met": None if group not in TRAINING_CLASSES else len(classes) >= TRAINING_CLASSES[group],
                         "share_target": TRAINING_SHARES[group].get(year, "")})

    sources = [Source(Path(os.path.relpath(path, project.root)).as_posix(), sum(1 for a in activities if a.path == path), "hoạt động")
               for y, path in year_files(project.content_dir).items() if y == year]
    register_file = register_path(project.content_dir)
    if register_file.is_file():
        sources.append(Source(Path(os.path.relpath(register_file, project.root)).as_posix(), len(printed), f"dòng của năm {year}"))
    if scans is not None:
        sources.append(Source(scans_name, scans_total, "lượt quét"))
    return YearReport(
        year=year, as_of=as_of, communes_total=len(communes), communes_active=len(active), share=share,
        target=COVERAGE_TARGET, target_met=share >= COVERAGE_TARGET,
        communes_without=[titles[c.code] for c in communes if not per_commune[c.code]],
        activities=len(activities), participants=sum(a.participants or 0 for a in activities),
        leaflets_handed=sum(handed.values()), sheets_made=len(editions), copies_ordered=sum(copies.values()),
        scans_total=scans_total, charts=charts, campaign_month=campaign_month, training=training, sources=sources,
        communes_title=t("report.chart.communes"))


# --- views -------------------------------------------------------------------------


def as_json(report: YearReport) -> dict:
    data = asdict(report)
    data["as_of"] = report.as_of.isoformat()
    data["share"] = round(report.share, 4)
    data["charts"] = {c.key: {"title": c.title, "heading": c.heading, "unit": c.unit, "rows": [{"label": b.label, "value": b.shown if b.hidden else b.value}
                                                                          for b in c.bars]} for c in report.charts}
    return data


def as_csv(report: YearReport) -> str:
    """One row per figure: (section, name, value), for the province's spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("muc", "ten", "gia_tri"))
    writer.writerows([
        ("tong", "nam", report.year), ("tong", "ngay_so_lieu", report.as_of.isoformat()),
        ("tong", "so_xa_phuong", report.communes_total), ("tong", "so_xa_phuong_co_hoat_dong", report.communes_active),
        ("tong", "ty_le_xa_phuong_co_hoat_dong", f"{report.share:.4f}"), ("tong", "chi_tieu", f"{report.target:.2f}"),
        ("tong", "dat_chi_tieu", "có" if report.target_met else "chưa"), ("tong", "so_hoat_dong", report.activities),
        ("tong", "so_nguoi_tham_du", report.participants), ("tong", "so_to_da_phat", report.leaflets_handed),
        ("tong", "so_lan_tao_to_in", report.sheets_made), ("tong", "so_ban_dat_in", report.copies_ordered),
        ("tong", "luot_quet", "" if report.scans_total is None else report.scans_total),
    ])
    writer.writerows(("xa_chua_co_hoat_dong", name, "") for name in report.communes_without)
    for chart in report.charts:
        writer.writerows((chart.key, bar.label, bar.shown) for bar in chart.bars)
    for key, value in report.campaign_month.items():
        if key != "campaigns":
            writer.writerow(("thang_van_dong", key, "" if value is None else value))
    for campaign in report.campaign_month["campaigns"]:
        writer.writerow(("thang_van_dong_chien_dich", campaign["code"], campaign["activities"]))
    for group in report.training:
        writer.writerow(("tap_huan_so_lop", group["group"], group["classes"]))
        writer.writerow(("tap_huan_so_nguoi", group["group"], group["participants"]))
    return out.getvalue()


TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "site"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def _number(value: int | float) -> str:
    """1234 -> "1.234", as Vietnamese writes numbers."""
    return f"{value:,}".replace(",", ".")


def _percent(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + "%"


TEMPLATES.filters.update(number=_number, percent=_percent)


def page_html(report: YearReport) -> str:
    vietnamese = default_language(load_languages())
    return TEMPLATES.get_template("outreach-report.html").render(r=report, t=vietnamese.t, small_text=SMALL_TEXT)


def pdf_name(year: int) -> str:
    return f"bao-cao-tuyen-truyen-{year}.pdf"


# The PDF's own fonts (Noto Sans, as every sheet) and A4 pages, numbered.
PDF_CSS = """
@font-face { font-family: "Outreach Sans"; src: url(NotoSans-Regular.ttf); font-weight: normal; }
@font-face { font-family: "Outreach Sans"; src: url(NotoSans-Bold.ttf); font-weight: bold; }
@page { size: A4; margin: 16mm 14mm 18mm; @bottom-center { content: counter(page); font: 9pt "Outreach Sans"; } }
body, code, svg text { font-family: "Outreach Sans", sans-serif; }
body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
details > summary { display: none; }
"""


def page_pdf(html: str) -> bytes:
    """The page as an A4 PDF; WeasyPrint reads only the generator's fonts (the page has no other file)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from ..paper.fetcher import PrintFetcher

    fonts = FontConfiguration()
    fetcher = PrintFetcher([FONTS_DIR])
    document = HTML(string=html, base_url=str(FONTS_DIR) + "/", url_fetcher=fetcher)
    style = CSS(string=PDF_CSS, base_url=str(FONTS_DIR) + "/", url_fetcher=fetcher, font_config=fonts)
    return document.write_pdf(stylesheets=[style], font_config=fonts)


def write_report(site_dir: Path, report: YearReport) -> tuple[Path, Path]:
    """The page and its PDF under `site_dir`/noi-bo/bao-cao/<year>/, each whole or not at all."""
    html = page_html(report)
    folder = site_dir / REPORT_FOLDER / str(report.year)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in (("index.html", html.encode("utf-8")), (pdf_name(report.year), page_pdf(html))):
        target = folder / name
        staged = target.with_name(f".{name}.{os.getpid()}")
        try:
            staged.write_bytes(data)
            staged.replace(target)
        finally:
            staged.unlink(missing_ok=True)
        written.append(target)
    return written[0], written[1]
