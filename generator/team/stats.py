"""Scan statistics from the web server's own access logs: no third party, nothing personal kept.

Paid dynamic-QR services count scans by sending every reader through their
server, and stop when the subscription ends. Our codes open the province's own
site, so its access logs already hold every scan. This module reads them
(combined format, as nginx and Apache write it; rotated `.gz` files too) and
counts the scans per code, commune, campaign, language and day.

What counts as a scan: a GET request, answered 2xx or 3xx, for a short path
`<base path>/q/<code>/` (with or without the trailing slash, any query string)
of a code the lockfile (or a built site's manifest) knows. Not counted:
- bots: a user agent that crawlerdetect recognises (search engines, link
  previews of Zalo and Facebook, uptime monitors, scripts), an empty one, and
  HEAD requests (link checkers); a phone opening a scanned code always sends
  its browser's name;
- repeats: the same client opening the same code again less than
  REPEAT_WINDOW after its last counted scan (a reader who reloads, or a static
  server's redirect from `/q/tn` to `/q/tn/`);
- malformed lines (not the combined format; on a short path's line, also an
  impossible date): counted and skipped, reported by file and line number,
  never by content.

A client is the pair (IP address, user agent), kept only as a keyed hash in
memory (a random key per run, so the hashes mean nothing outside the run).
No output holds an address, a user agent or a log line.

The combined format is read with one regular expression rather than a log
library: apachelogs, the one maintained parser, takes about 125 µs a line (a
month of a busy server's log would take minutes) and puts the whole line,
address included, in its error messages.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import hashlib
import io
import os
import re
import secrets
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import urlsplit

import jinja2
from crawlerdetect import CrawlerDetect

from ..assets import TEMPLATES_DIR
from ..project import Project, read_editions
from ..sources.content import load_site_config
from ..sources.languages import Language
from ..problems import ProblemLog
from ..sources.published import ManifestUnreadable, read_manifest
from ..sources.shortlinks import CODE_PATTERN, Lock, read_lock
from .places import STATS_PAGE

REPEAT_WINDOW = dt.timedelta(minutes=30)
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7))  # Vietnam keeps UTC+7 all year: days are counted in it
DIMENSIONS = ("codes", "communes", "campaigns", "languages", "days")
NOT_COUNTED = ("bots", "repeats", "malformed_lines", "unknown_codes", "other_base_path", "failed_requests")

# host ident user [time] "request" status bytes "referer" "user agent", then anything a
# custom format appends (nginx's `main` adds X-Forwarded-For). Quoted fields may hold
# escapes: Apache writes \" , nginx \x22.
_QUOTED = r'"((?:[^"\\]|\\.)*)"'
COMBINED_LINE = re.compile(
    r'(\S+) \S+ \S+ \[(\d{2})/([A-Z][a-z]{2})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\] '
    + _QUOTED + r' (\d{3}) (?:\d+|-) ' + r'"(?:[^"\\]|\\.)*" ' + _QUOTED + r'(?: .*)?'
)
MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
SHORT_PATH = re.compile(r"(.*)/q/([^/]+)/?")
GZIP_MAGIC = b"\x1f\x8b"
MAX_LINE_BYTES = 16_384  # a combined line with a long user agent is under 2 KB; longer is not a request line
MAX_LOG_BYTES = 2**30  # one log, decompressed: a rotated day or week of a provincial site is far less
MAX_SCANS = 2_000_000  # short-path requests kept for every log together (about 100 bytes each at most)
CLIENT_BYTES = 8  # of a client's keyed hash: distinct enough to tell readers apart within one run


class StatsInputError(Exception):
    """A log, manifest or lockfile that cannot be read; the message is for the communicator, in Vietnamese."""


# --- what a code says about its scans -------------------------------------------


@dataclass(frozen=True)
class Attribution:
    page: str  # the lockfile's name of the page the code opens: "bahnar/tu-nguyen/index.md"
    language: str  # language code: vi, bahnar, jrai
    commune: str | None = None  # commune code, when the short code is a commune edition's
    campaign: str | None = None  # campaign code, when the short code is a campaign's


def attribution(code: str, page: str) -> Attribution:
    """What scans of a guide's own `code` (which opens `page`, "lang/rel") are counted under."""
    return Attribution(page=page, language=page.split("/", 1)[0])


TAG_SEPARATOR = "-"  # a tagged code: "<guide's code>-<commune's or campaign's code>", tn-plk (editions, issue #16)
TAG_KINDS = ("commune", "campaign")


@dataclass(frozen=True)
class CodeBook:
    """The codes a site answers, and the base path its short paths live under ("/" or "/tuyen-truyen/")."""

    base_path: str
    codes: dict[str, Attribution]  # the guides' own codes (qr-lock.yml)
    tags: dict[str, str] = field(default_factory=dict)  # commune or campaign code -> "commune" or "campaign"

    def read(self, code: str) -> Attribution | None:
        """What a scan of the short path `q/<code>/` is counted under; None for a code the site does not answer.

        The one place that knows how a code carries its tag. A locked code never
        holds the separator (CODE_PATTERN), so `tn` is the guide's own code and
        `tn-plk` the same guide scanned from commune plk's edition.
        """
        guide_code, separator, tag = code.partition(TAG_SEPARATOR)
        guide = self.codes.get(guide_code)
        if guide is None or (separator and tag not in self.tags):  # `tn-` (an empty tag) is no code of the site
            return None
        kind = self.tags.get(tag)
        return dataclasses.replace(guide, commune=tag if kind == "commune" else None,
                                   campaign=tag if kind == "campaign" else None)


def _base_path(site_url: str) -> str:
    return urlsplit(site_url).path.rstrip("/") + "/"


def code_book_from_lock(lock: Lock, site_url: str) -> CodeBook:
    return CodeBook(_base_path(site_url), {code: attribution(code, lock.target(code)) for code in lock.codes})


def code_book_from_project(project: Project, languages: tuple[Language, ...], site_url: str | None = None) -> CodeBook:
    """The codes of content/qr-lock.yml, tagged with the communes and campaigns of communes.yml and
    campaigns.yml, under the base path of `site_url` or content/site.yml.

    ContentError (from the log) if any of these files has mistakes.
    """
    log = ProblemLog(project.root)
    site = load_site_config(project.site_file, log)
    lock = read_lock(project.qr_lockfile, languages, log)
    communes, campaigns = read_editions(project, site, log)
    log.raise_if_errors()
    tags = {**{c.code: "commune" for c in communes}, **{c.code: "campaign" for c in campaigns}}
    return dataclasses.replace(code_book_from_lock(lock, site_url or site.site_url), tags=tags)


def code_book_from_manifest(path: Path, site_url: str | None = None) -> CodeBook:
    """The codes a built site published: its manifest's `qr` entries, and the tags of its `tagged_codes`.

    A tagged code's entry names its tag under `commune` or `campaign`, as the
    commune and campaign editions record them.
    """
    try:
        manifest = read_manifest(path)
    except OSError as error:
        raise StatsInputError(f"Không đọc được {path}: {_reason(error)}.") from None
    except ManifestUnreadable:
        raise StatsInputError(f"{path} không phải manifest.json do `outreach build` tạo ra (thiếu mục `qr` hoặc `site_url`). "
                              "Hãy chỉ tới site/manifest.json của trang web đã tạo.") from None
    entries = [(entry.code, entry.page) for entry in manifest.qr]
    site_url = site_url or manifest.site_url
    tags = {tag: kind for kind, tag in (entry.tag for entry in manifest.tagged_codes)}
    codes = {code: attribution(code, page) for code, page in entries
             if isinstance(code, str) and CODE_PATTERN.match(code) and isinstance(page, str) and "/" in page}
    return CodeBook(_base_path(site_url), codes, {tag: kind for tag, kind in tags.items()
                                                  if isinstance(tag, str) and CODE_PATTERN.match(tag)})


# --- counting --------------------------------------------------------------------


@dataclass(frozen=True)
class LogPosition:
    file: str
    line: int


@dataclass(frozen=True)
class ScanStats:
    counts: dict[str, dict[str, int]]  # dimension (DIMENSIONS) -> name -> scans
    total: int
    not_counted: dict[str, int]  # reason (NOT_COUNTED) -> lines or requests
    first_malformed: LogPosition | None
    files: int
    refused: tuple[str, ...] = ()  # one Vietnamese line per log that could not be read: none of its lines counted

    def as_json(self) -> dict:
        return {**self.counts, "not_counted": self.not_counted}

    def unattributed(self, dimension: str) -> int:
        """Scans whose code carries no commune (or campaign): shown as "không rõ" to people."""
        return self.total - sum(self.counts[dimension].values())


def count_scans(logs: Sequence[Path], book: CodeBook, window: dt.timedelta = REPEAT_WINDOW) -> ScanStats:
    """Scans in the logs. A log that cannot be read to its end is refused (one message in `refused`) and none of
    its lines counted; the others are.

    Memory stays bounded whatever the logs hold: lines are read one at a time and cut at MAX_LINE_BYTES, a
    log stops at MAX_LOG_BYTES once decompressed, and a scan is kept as its time (a number) under a short key
    of client and code, at most MAX_SCANS of them.
    """
    key = secrets.token_bytes(32)  # per run: a client's hash is unlinkable to any other run's
    detector = CrawlerDetect()
    not_counted = Counter({reason: 0 for reason in NOT_COUNTED})
    first_malformed = None
    scans: dict[bytes, int | array] = {}
    kept = 0
    refused = []
    for path in logs:
        try:
            found = _read_log(path, book, detector, key, MAX_SCANS - kept)
        except StatsInputError as error:
            refused.append(str(error))
            continue
        not_counted.update(found.not_counted)
        first_malformed = first_malformed or found.first_malformed
        for client_code, times in found.scans.items():
            _add(scans, client_code, times)
        kept += found.kept
    counts = {dimension: Counter() for dimension in DIMENSIONS}
    for client_code, times in scans.items():
        code = client_code[CLIENT_BYTES:].decode("utf-8")
        tags = book.read(code)
        last = None
        for when in sorted(times) if isinstance(times, array) else (times,):  # rotated logs arrive in any order
            if last is not None and when - last < window.total_seconds():
                not_counted["repeats"] += 1
                continue
            last = when
            counts["codes"][code] += 1
            counts["languages"][tags.language] += 1
            if tags.commune is not None:
                counts["communes"][tags.commune] += 1
            if tags.campaign is not None:
                counts["campaigns"][tags.campaign] += 1
            counts["days"][dt.datetime.fromtimestamp(when, VIETNAM_TIME).date().isoformat()] += 1
    ordered = {dimension: dict(sorted(counts[dimension].items()) if dimension == "days" else
                               sorted(counts[dimension].items(), key=lambda item: (-item[1], item[0])))
               for dimension in DIMENSIONS}
    return ScanStats(ordered, sum(counts["codes"].values()), dict(not_counted), first_malformed, len(logs) - len(refused),
                     tuple(refused))


@dataclass
class _LogScans:
    scans: dict[bytes, int | array] = field(default_factory=dict)  # client hash + code -> scan time(s), Unix seconds
    not_counted: Counter = field(default_factory=Counter)
    first_malformed: LogPosition | None = None
    kept: int = 0


def _add(scans: dict[bytes, int | array], key: bytes, times: int | array) -> None:
    """One time kept as a plain number (most clients scan a code once), several in an array."""
    held = scans.get(key)
    if held is None:
        scans[key] = times
        return
    if not isinstance(held, array):
        held = scans[key] = array("q", (held,))
    if isinstance(times, array):
        held.extend(times)
    else:
        held.append(times)


def _read_log(path: Path, book: CodeBook, detector: CrawlerDetect, key: bytes, room: int) -> _LogScans:
    """One log's scans; StatsInputError if it cannot be read to its end or holds more than `room` scans."""
    found = _LogScans()
    for number, line in _lines(path):
        match = COMBINED_LINE.fullmatch(line) if line is not None else None
        if match is None:
            found.not_counted["malformed_lines"] += 1
            found.first_malformed = found.first_malformed or LogPosition(str(path), number)
            continue
        address, day, month, year, hour, minute, second, sign, tz_hours, tz_minutes, request, status, agent = match.groups()
        if "/q/" not in request:
            continue  # most lines: not a short path
        parts = request.split(" ")
        short = SHORT_PATH.fullmatch(urlsplit(parts[1]).path) if len(parts) == 3 else None
        if short is None:
            continue
        method = parts[0]
        prefix, code = short.groups()
        if book.read(code) is None:
            if prefix + "/" == book.base_path:
                found.not_counted["unknown_codes"] += 1  # a mistyped printed address, or a probe
            continue
        if prefix + "/" != book.base_path:
            found.not_counted["other_base_path"] += 1
            continue
        if method == "HEAD" or not agent.strip(" -") or detector.is_crawler(agent):
            found.not_counted["bots"] += 1
            continue
        if method != "GET" or not status.startswith(("2", "3")):
            found.not_counted["failed_requests"] += 1
            continue
        when = _timestamp(year, month, day, hour, minute, second, sign, tz_hours, tz_minutes)
        if when is None:
            found.not_counted["malformed_lines"] += 1
            found.first_malformed = found.first_malformed or LogPosition(str(path), number)
            continue
        found.kept += 1
        if found.kept > room:
            raise StatsInputError(f"Tệp nhật ký {path} có quá nhiều lượt mở mã QR (hơn {MAX_SCANS:,} lượt cho mọi tệp): "
                                  "không đếm tệp này. Đếm từng tháng một (ít tệp hơn mỗi lần).".replace(",", "."))
        client = hashlib.blake2b(f"{address}\0{agent}".encode("utf-8", "replace"), key=key, digest_size=CLIENT_BYTES).digest()
        _add(found.scans, client + code.encode("utf-8"), int(when.timestamp()))
    return found


def _timestamp(year, month, day, hour, minute, second, sign, tz_hours, tz_minutes) -> dt.datetime | None:
    offset = dt.timedelta(hours=int(tz_hours), minutes=int(tz_minutes)) * (-1 if sign == "-" else 1)
    try:
        return dt.datetime(int(year), MONTHS[month], int(day), int(hour), int(minute), int(second),
                           tzinfo=dt.timezone(offset))
    except (KeyError, ValueError):  # an unknown month, 31/Feb, an offset of a day or more
        return None


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """(line number, text) of a log, gzip-compressed or not; None as the text of a line over MAX_LINE_BYTES.

    StatsInputError when it cannot be read to the end, or holds more than MAX_LOG_BYTES once decompressed
    (a small .gz can expand to gigabytes).
    """
    try:
        with path.open("rb") as raw:
            compressed = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            stream = gzip.GzipFile(fileobj=raw) if compressed else raw
            total, number = 0, 0
            while True:
                line = stream.readline(MAX_LINE_BYTES + 1)
                if not line:
                    return
                number += 1
                total += len(line)
                too_long = len(line) > MAX_LINE_BYTES and not line.endswith(b"\n")
                while too_long and line and not line.endswith(b"\n"):  # skip the rest of the line, a bounded piece at a time
                    line = stream.readline(MAX_LINE_BYTES + 1)
                    total += len(line)
                    if total > MAX_LOG_BYTES:
                        break
                if total > MAX_LOG_BYTES:
                    raise StatsInputError(f"Tệp nhật ký {path} quá lớn khi giải nén (hơn {MAX_LOG_BYTES // 2**20:,} MB): có thể không "
                                          "phải nhật ký thật. Không đếm tệp này; kiểm tra tệp, hoặc chia nhỏ.".replace(",", "."))
                # Servers escape what is not ASCII; anything else is the line's own business.
                yield number, None if too_long else line.decode("utf-8", "replace").rstrip("\r\n")
    except OSError as error:  # includes gzip.BadGzipFile
        raise StatsInputError(f"Không đọc được tệp nhật ký {path}: {_reason(error)}.") from None
    except (EOFError, zlib.error):
        raise StatsInputError(f"Không đọc được tệp nhật ký {path}: tệp nén .gz bị cắt cụt hoặc hỏng "
                              "(có thể đang được nén lại); chạy lại sau khi máy chủ nén xong, hoặc bỏ tệp này ra.") from None


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "không có tệp này"
    if isinstance(error, IsADirectoryError):
        return "đây là một thư mục; hãy ghi tên tệp, ví dụ /var/log/nginx/access.log*"
    if isinstance(error, PermissionError):
        return "không có quyền đọc (trên máy chủ, thử chạy bằng tài khoản đọc được nhật ký)"
    if isinstance(error, gzip.BadGzipFile):
        return "tệp có đuôi nén .gz nhưng bị hỏng"
    return f"lỗi hệ thống ({error.strerror or error})"


# --- what people read --------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    share: float  # of the largest row: the bar's length
    detail: str = ""  # the page a code opens


def rows(stats: ScanStats, dimension: str, book: CodeBook, vietnamese: Language,
         languages: Sequence[Language]) -> list[Row]:
    """A dimension's counts as people read them: language names, dates, "không rõ" for untagged scans."""
    names = {l.code: l.name_vi[:1].upper() + l.name_vi[1:] for l in languages}
    counted = stats.counts[dimension]
    if dimension == "days":
        counted = _every_day(counted)
    labelled = []
    for name, count in counted.items():
        if dimension == "languages":
            labelled.append((names.get(name, name), count, ""))
        elif dimension == "days":
            labelled.append((dt.date.fromisoformat(name).strftime("%d/%m/%Y"), count, ""))
        else:
            labelled.append((name, count, book.read(name).page if dimension == "codes" else ""))
    if dimension in ("communes", "campaigns") and stats.unattributed(dimension):
        labelled.append((vietnamese.t("stats.unknown"), stats.unattributed(dimension), ""))
    largest = max((count for _, count, _ in labelled), default=0) or 1
    return [Row(label, count, count / largest, detail) for label, count, detail in labelled]


def _every_day(days: dict[str, int]) -> dict[str, int]:
    """Days from the first scan to the last, those without scans at 0: a chart shows the gaps."""
    if not days:
        return {}
    first, last = dt.date.fromisoformat(min(days)), dt.date.fromisoformat(max(days))
    return {(first + dt.timedelta(n)).isoformat(): days.get((first + dt.timedelta(n)).isoformat(), 0)
            for n in range((last - first).days + 1)}


def not_counted_lines(stats: ScanStats, book: CodeBook, vietnamese: Language) -> list[str]:
    return [vietnamese.t(f"stats.not_counted.{reason}", count=count, minutes=_window_minutes(), base=book.base_path)
            for reason, count in stats.not_counted.items() if count]


def _window_minutes() -> int:
    return int(REPEAT_WINDOW.total_seconds() // 60)


def period(stats: ScanStats, vietnamese: Language) -> str:
    days = stats.counts["days"]
    if not days:
        return ""
    first, last = (dt.date.fromisoformat(d).strftime("%d/%m/%Y") for d in (min(days), max(days)))
    return vietnamese.t("stats.period", first=first, last=last)


def text_report(stats: ScanStats, book: CodeBook, vietnamese: Language, languages: Sequence[Language]) -> str:
    """The terminal's table, in Vietnamese."""
    lines = [vietnamese.t("stats.total", count=stats.total) + (f" ({period(stats, vietnamese)})" if stats.total else "")]
    if not stats.total:
        lines.append(vietnamese.t("stats.none"))
    for dimension in DIMENSIONS:
        shown = rows(stats, dimension, book, vietnamese, languages)
        if not shown:
            continue
        width = max(len(row.label) for row in shown)
        digits = max(len(str(row.count)) for row in shown)
        lines += ["", vietnamese.t(f"stats.{dimension}")]
        lines += [f"  {row.label:<{width}}  {row.count:>{digits}}" + (f"  {row.detail}" if row.detail else "") for row in shown]
    skipped = not_counted_lines(stats, book, vietnamese)
    if skipped:
        lines += ["", vietnamese.t("stats.not_counted") + ": " + "; ".join(skipped) + "."]
    return "\n".join(lines)


def csv_report(stats: ScanStats) -> str:
    """One row per (dimension, name): the JSON's pairs, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("muc", "ten", "luot_quet"))
    for dimension, counted in stats.as_json().items():
        writer.writerows((dimension, name, count) for name, count in counted.items())
    return out.getvalue()


TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "site"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def page_html(stats: ScanStats, book: CodeBook, vietnamese: Language, languages: Sequence[Language],
              made: dt.datetime) -> str:
    """The team page: SVG bar charts and their tables, no script, nothing but counts."""
    charts = [(dimension, vietnamese.t(f"stats.{dimension}"), rows(stats, dimension, book, vietnamese, languages))
              for dimension in DIMENSIONS]
    return TEMPLATES.get_template("scan-stats.html").render(
        t=vietnamese.t, stats=stats, charts=charts, period=period(stats, vietnamese),
        not_counted=not_counted_lines(stats, book, vietnamese), minutes=_window_minutes(),
        made=made.astimezone(VIETNAM_TIME).strftime("%H:%M %d/%m/%Y"))


def write_page(site_dir: Path, html: str) -> Path:
    """Write the page at STATS_PAGE under `site_dir`, whole or not at all."""
    target = site_dir / STATS_PAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        staged.write_text(html, encoding="utf-8")
        staged.replace(target)
    finally:
        staged.unlink(missing_ok=True)
    return target
