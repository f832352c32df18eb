"""The release gate's reading of text: every route to paper and to the web, whatever file it came from.

`build.release_gate` judges the sheets as planned (unverified figures they
print, unreviewed translations, the site address). This module reads the text
itself, in the files communicators write (every page, `site.yml`,
`communes.yml`, `campaigns.yml`) and in the final documents of every sheet and
card, and refuses, each at its `path:line`:

- an amount or a percentage typed by hand (digits followed by đ, đồng, VND
  or %): figures come from `content/policy.yml` through `{{ policy.… }}`,
  where they carry a legal basis and a `verified` flag; dates, article
  numbers and phone numbers are not amounts;
- a `{{ policy.… }}` in a data file that quotes a figure nobody verified;
- an address no reader can reach: placeholder and local names, IP literals,
  resolve-by-name services (`nip.io`), names that only extend an official
  domain (`….gov.vn.evil-example.com`);
- a placeholder left unsubstituted in the final text of a sheet or card;
- a change of the published site address, unless `--new-site-url` says it
  is meant (printed QR codes lead to the old one).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from .problems import ProblemLog
from .render.renderer import REFERENCE
from .sources.policy import PolicyData

# Hosts no reader can reach: a leaflet printed with one of them leads nowhere.
PLACEHOLDER_DOMAINS = (".example", ".test", ".invalid", ".local", ".localhost", ".internal", ".lan", ".home.arpa")
# Names that resolve to whatever address is written inside them: a private one as easily as any.
WILDCARD_DNS = ("nip.io", "sslip.io", "xip.io", "nip.direct", "traefik.me", "localtest.me", "lvh.me", "vcap.me",
                "lacolhost.com", "localhost.direct", "backname.io")
# Official domains: a name that contains one followed by more labels only looks official.
OFFICIAL_SUFFIXES = (".gov.vn", ".vn")

AMOUNT = re.compile(r"(?<![\w.,])\d[\d.,  ]*\s*(?:%|(?:đồng|đ|VNĐ|VND|vnđ|vnd)(?!\w))", re.I)
# What looks like an amount but is not one: article numbers ("Điều 2%" never occurs, but "khoản 1") are
# words before a number; a date or a phone number has no unit. Cut out before looking for amounts.
NOT_AMOUNTS = re.compile(
    r"\{\{.*?\}\}"  # placeholders: the figure comes from policy.yml
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"  # dates
    r"|\b(?:Điều|điều|khoản|Khoản|điểm|Điểm|Chương|chương|số|Số)\s+\d+[a-zđ]?\b",  # articles, numbers of a text
)
HOST = re.compile(r"(?i)\b(?:https?://)?((?:\[[0-9a-f:.]+\])|(?:[a-z0-9-]+\.)+[a-z0-9-]+|localhost)(?::\d+)?(?=[/\s)\]>\"',;]|$)")
PLACEHOLDER_LEFT = re.compile(r"\{\{|\}\}|\{%|%\}")


def unreachable_host(host: str) -> str | None:
    """Why no reader could reach `host`, in Vietnamese, or None for a public name."""
    host = host.lower().strip("[]").rstrip(".")
    try:
        ipaddress.ip_address(host)
        return "địa chỉ IP viết bằng số (địa chỉ thật của cơ quan là một tên miền, ví dụ gialai.baohiemxahoi.gov.vn)"
    except ValueError:
        pass
    if re.fullmatch(r"[0-9.]+", host) or re.fullmatch(r"0x[0-9a-f]+", host):
        return "địa chỉ IP viết bằng số (địa chỉ thật của cơ quan là một tên miền, ví dụ gialai.baohiemxahoi.gov.vn)"
    if host == "localhost" or "." not in host or host.endswith(PLACEHOLDER_DOMAINS):
        return "tên miền mẫu hoặc chỉ dùng trong máy này"
    if any(host == name or host.endswith("." + name) for name in WILDCARD_DNS):
        return "tên miền trỏ tới bất kỳ địa chỉ IP nào viết trong tên (như nip.io), có thể là máy trong mạng nội bộ"
    for suffix in OFFICIAL_SUFFIXES:
        if suffix + "." in host + "." and not host.endswith(suffix):
            return f"tên miền giả dạng tên miền nhà nước (có `{suffix}` ở giữa nhưng thực ra thuộc tên miền khác)"
    return None


def unreachable_address(site_url: str) -> str | None:
    """Why readers could never reach `site_url` from paper, or None for a real public https address."""
    parts = urlsplit(site_url)
    reason = unreachable_host(parts.hostname or "")
    if reason is None and parts.scheme != "https":
        reason = "địa chỉ không dùng https (trình duyệt báo không an toàn)"
    return reason


# --- the text communicators write ------------------------------------------------------------------


EDITION_FILES = ("communes.yml", "campaigns.yml")  # their `{{ policy.… }}` reach paper without a sheet's own figure list


def written_files(content_dir: Path, pages: list[Path]) -> list[Path]:
    """The files whose text reaches a page, a sheet or a card (policy.yml is where figures belong): the settings,
    the communes and campaigns, the question bank, every page."""
    data = [content_dir / name for name in ("site.yml", *EDITION_FILES)]
    bank = sorted((content_dir / "hoi-dap").glob("*.yml")) if (content_dir / "hoi-dap").is_dir() else []
    return [p for p in data if p.is_file()] + bank + sorted(pages)


def check_written_text(files: list[Path], policy: PolicyData, as_of: dt.date, log: ProblemLog) -> None:
    """Hand-typed amounts and unreachable addresses in every file, unverified figures quoted in communes.yml and
    campaigns.yml (a page's figures are judged on the sheets that print them), each at its line."""
    for path in files:
        data_file = path.suffix == ".yml"
        in_comment = False
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if data_file:
                line = _without_yaml_comment(line)
                if path.name == "site.yml" and line.startswith("site_url:"):
                    continue  # judged as the site's address by the release gate (--site-url may replace it)
            else:
                line, in_comment = _without_html_comments(line, in_comment)
            if not line.strip():
                continue
            _check_line(path, number, line, policy, as_of, log)


def _check_line(path: Path, number: int, line: str, policy: PolicyData, as_of: dt.date,
                log: ProblemLog) -> None:
    amount = AMOUNT.search(NOT_AMOUNTS.sub(" ", line))
    if amount:
        log.error(path, number, f"Số tiền hoặc tỷ lệ `{amount.group().strip()}` gõ tay: bản phát hành chỉ in số liệu lấy từ "
                                "content/policy.yml (có căn cứ pháp lý, đã đối chiếu). Viết `{{ policy.<khoá> }}` thay cho con số "
                                "(xem các khoá trong content/policy.yml), hoặc bỏ con số.")
    for match in HOST.finditer(PLACEHOLDER_LEFT.sub(" ", re.sub(r"\{\{.*?\}\}", " ", line))):
        reason = unreachable_host(match.group(1))
        if reason and _looks_like_address(match):
            log.error(path, number, f"Địa chỉ `{match.group().strip()}` là {reason}: người đọc tờ in không mở được. "
                                    "Thay bằng địa chỉ thật (ví dụ gialai.baohiemxahoi.gov.vn) hoặc bỏ địa chỉ này.")
            break
    if path.name in EDITION_FILES:
        for expression in re.findall(r"\{\{(.*?)\}\}", line):
            reference = REFERENCE.match(expression)
            if reference and reference.group(1) == "policy" and reference.group(3) not in ("label", "basis"):
                figure = policy.figures.get(reference.group(2))
                if figure is not None and figure.unverified_on(as_of):
                    log.error(path, number, f"Dòng này in số liệu `{figure.key}` chưa đối chiếu văn bản gốc (content/policy.yml "
                                            f"dòng {figure.line}). Đối chiếu trên vbpl.vn rồi đặt `verified: true`, hoặc bỏ số liệu này.")


def _looks_like_address(match: re.Match) -> bool:
    """A host written as an address: with a scheme, a port, a known ending or an IP; not "v.v." or "7.30"."""
    text, host = match.group(), match.group(1).lower()
    if text.lower().startswith(("http://", "https://")) or ":" in text.removeprefix("http://").removeprefix("https://"):
        return True
    if re.fullmatch(r"[0-9.]+", host):
        return host.count(".") == 3  # a bare IPv4 address; "1.500.000" is a number
    last = host.rsplit(".", 1)[-1]
    return host == "localhost" or last.isalpha() and len(last) >= 2 and not re.fullmatch(r"[0-9]+", host.split(".")[0] or "x")


def _without_yaml_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    return re.sub(r"\s#\s.*$", "", line)


def _without_html_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """The published part of a Markdown line (notes for editors in <!-- --> are not published)."""
    kept = []
    position = 0
    while position <= len(line):
        if in_comment:
            end = line.find("-->", position)
            if end < 0:
                break
            in_comment, position = False, end + 3
        else:
            start = line.find("<!--", position)
            kept.append(line[position:] if start < 0 else line[position:start])
            if start < 0:
                break
            in_comment, position = True, start + 4
    return "".join(kept), in_comment


# --- the final text of sheets and cards --------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("style", "script")
        self.chunks.append(" ")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("style", "script") and self.skipping > 0
        self.chunks.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    reader.close()
    return "".join(reader.chunks)


def check_final_text(sheets: list[tuple[str, str, Path, int]], site_url: str, log: ProblemLog) -> None:
    """(file, its final text or HTML, where it comes from, line): placeholders left and unreachable addresses.

    The site's own address (every sheet prints its short addresses) is judged once, as `site_url`.
    """
    own_host = (urlsplit(site_url).hostname or "").lower()
    for file, text, path, line in sheets:
        shown = visible_text(text) if "<" in text else text
        left = PLACEHOLDER_LEFT.search(shown)
        if left:
            start = max(0, left.start() - 30)
            log.error(path, line, f"{file} còn chỗ chưa thay số liệu (`…{shown[start:left.end() + 30].strip()}…`): "
                                  "viết `{{ policy.<khoá> }}` hoặc `{{ site.<tên> }}` cho đúng, hoặc bỏ phần này.")
        for match in HOST.finditer(shown):
            if match.group(1).lower().strip("[]") == own_host.strip("[]"):
                continue
            reason = unreachable_host(match.group(1))
            if reason and _looks_like_address(match):
                log.error(path, line, f"{file} in địa chỉ `{match.group().strip()}`, là {reason}: người đọc không mở được. "
                                      "Thay bằng địa chỉ thật hoặc bỏ địa chỉ này.")
                break


# --- the published address -------------------------------------------------------------------------


def check_address_unchanged(site_url: str, previous_manifest: Path | None, allowed: bool, where: tuple, log: ProblemLog) -> None:
    """A release keeps the address the previous site was published under: paper already printed leads there."""
    try:
        previous = json.loads(previous_manifest.read_text(encoding="utf-8")).get("site_url") if previous_manifest else None
    except (OSError, ValueError, AttributeError):
        previous = None
    if not isinstance(previous, str) or previous == site_url or allowed:
        return
    log.error(*where, f"Địa chỉ trang web đổi từ `{previous}` (trang đã xuất bản lần trước) thành `{site_url}`: mã QR đã in "
                      "dẫn tới địa chỉ cũ. Nếu thật sự chuyển trang web sang địa chỉ mới, chạy lại với `--new-site-url` "
                      "(và giữ địa chỉ cũ chuyển tiếp sang địa chỉ mới); nếu không, sửa lại `site_url:`.")
