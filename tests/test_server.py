"""The province's server, for real: Debian's nginx with the configuration the build writes.

nginx runs in the foreground on 127.0.0.1 with a prefix, temporary folders and
logs of its own; the site sits under its base path in a root of the test's, as
the README tells the province to install it. The one change to the build's
file is where the access log goes (the test cannot write /var/log/nginx).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import AS_OF, BASE_PATH, REPO, SITE_URL, settled, wait_in_page
from generator.build import BuildOptions, Project, build
from generator.cache import ArtifactCache
from generator.web import server as nginx_config

NGINX = "/usr/sbin/nginx"
ANDROID = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.1 Mobile/15E148 Safari/604.1")
INJECTED = "injected/index.html"  # a page whose markup let an inline script through


class Nginx:
    def __init__(self, url: str, access_log: Path):
        self.url = url  # the site's root: http://127.0.0.1:PORT/tt/
        self.access_log = access_log
        self.port = int(url.split(":")[2].split("/")[0])

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """GET a path under the site's base path, redirects not followed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", BASE_PATH + path, headers={"User-Agent": ANDROID, **(headers or {})})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def nginx_serving(site_dir: Path, work: Path, extra: dict[str, bytes] | None = None) -> Iterator[Nginx]:
    """`site_dir` under BASE_PATH of a server root, with its `_server/nginx.conf` included in the server block.

    The site is linked into the root entry by entry, so `extra` files (site path -> bytes)
    can sit beside it without touching the shared build.
    """
    assert Path(NGINX).exists(), "Debian's nginx is required: apt-get install nginx (scripts/test.sh does)"
    root = work / "www"
    served = root / BASE_PATH.strip("/")
    served.mkdir(parents=True)
    for entry in site_dir.iterdir():
        (served / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    for rel, data in (extra or {}).items():
        (served / rel).parent.mkdir(parents=True, exist_ok=True)
        (served / rel).write_bytes(data)
    access_log = work / "access.log"
    config = (site_dir / nginx_config.NGINX_CONF).read_text(encoding="utf-8")
    assert f'access_log "{nginx_config.ACCESS_LOG}" combined;' in config
    included = work / "site-nginx.conf"
    included.write_text(config.replace(nginx_config.ACCESS_LOG, str(access_log)), encoding="utf-8")
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / "temp" / temp).mkdir(parents=True)
    port = _free_port()
    main = work / "nginx.conf"
    main.write_text(f"""
daemon off;
master_process off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {work}/temp/body;
    proxy_temp_path {work}/temp/proxy;
    fastcgi_temp_path {work}/temp/fastcgi;
    uwsgi_temp_path {work}/temp/uwsgi;
    scgi_temp_path {work}/temp/scgi;
    access_log off;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        include {included};
    }}
}}
""", encoding="utf-8")
    checked = subprocess.run([NGINX, "-t", "-p", str(work), "-c", str(main), "-e", str(work / "error.log")],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([NGINX, "-p", str(work), "-c", str(main), "-e", str(work / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # nginx says nothing when it is ready: it is once it accepts a connection (or it has exited).
        while not _listening(port):
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.01)
        yield Nginx(f"http://127.0.0.1:{port}{BASE_PATH}", access_log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def injected_page(site_dir: Path) -> bytes:
    """A real page of the site with a script the sanitizer would never let through, as if it had."""
    html = (site_dir / "tu-nguyen" / "hoi-dap" / "index.html").read_text(encoding="utf-8")
    html = html.replace("</article>", '<script>window.injected = "inline"</script>'
                                      '<img src="x" onerror="window.injected = \'handler\'"></article>', 1)
    assert "window.injected" in html
    return html.encode("utf-8")


@pytest.fixture(scope="module")
def nginx(built_site, tmp_path_factory):
    with nginx_serving(built_site.site_dir, tmp_path_factory.mktemp("nginx"),
                       {INJECTED: injected_page(built_site.site_dir)}) as served:
        yield served


# --- headers per kind of file -------------------------------------------------


def test_each_kind_of_file_has_its_cache_control_and_every_one_the_security_headers(built_site, nginx):
    site_dir = built_site.site_dir
    bundle = next(site_dir.glob("assets/javascripts/bundle.*.min.js")).relative_to(site_dir).as_posix()
    stylesheet = next(site_dir.glob("assets/stylesheets/main.*.min.css")).relative_to(site_dir).as_posix()
    pdf = next(site_dir.glob("leaflets/vi/*.pdf")).relative_to(site_dir).as_posix()
    card = next(i["file"] for i in built_site.manifest.as_json()["images"] if i["kind"] == "cards")
    expected = {
        "tu-nguyen/": nginx_config.HTML, "bahnar/tu-nguyen/hoi-dap/": nginx_config.HTML, "404.html": nginx_config.HTML,
        "sw.js": nginx_config.WORKER,
        bundle: nginx_config.HASHED, stylesheet: nginx_config.HASHED,
        pdf: nginx_config.REVALIDATED, card: nginx_config.REVALIDATED, "assets/outreach.css": nginx_config.REVALIDATED,
    }
    for path, kind in expected.items():
        status, headers, body = nginx.get(path)
        assert status == 200 and body == (site_dir / (path + "index.html" if path.endswith("/") else path)).read_bytes(), path
        assert headers["cache-control"] == kind.cache_control, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'"), path
    assert nginx.get("tu-nguyen/")[1]["content-type"] == "text/html; charset=utf-8"
    assert nginx.get("bahnar/site.webmanifest")[1]["content-type"] == "application/manifest+json"
    # Short codes and missing pages carry the same headers.
    for path in ("q/tn/", "khong-co/"):
        assert "script-src 'self'" in nginx.get(path)[1]["content-security-policy"], path


def test_text_is_sent_compressed_and_the_configuration_itself_is_not_served(built_site, nginx):
    site_dir = built_site.site_dir
    bundle = next(site_dir.glob("assets/javascripts/bundle.*.min.js")).relative_to(site_dir).as_posix()
    for path, file in (("tu-nguyen/", "tu-nguyen/index.html"), ("assets/outreach.css", None), (bundle, None)):
        status, headers, body = nginx.get(path, {"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("content-encoding") == "gzip", path
        assert gzip.decompress(body) == (site_dir / (file or path)).read_bytes(), path
    assert nginx.get(nginx_config.NGINX_CONF)[0] == 404


# --- short codes and missing pages ---------------------------------------------


def test_a_short_code_and_a_tagged_commune_code_answer_302_to_their_guide(built_site, nginx):
    commune_code = next(t for t in built_site.manifest.as_json()["tagged_codes"] if t.get("commune"))
    for entry in [*built_site.manifest.as_json()["qr"][:3], commune_code]:
        short_path = entry["url"][len(SITE_URL):]
        for path in (short_path, short_path.rstrip("/")):
            status, headers, _ = nginx.get(path)
            assert status == 302, path
            assert headers["location"] == BASE_PATH + entry["target"], path
        assert nginx.get(entry["target"])[0] == 200


def test_a_missing_page_shows_its_languages_404_page(built_site, nginx):
    for prefix, lang in (("bahnar/", "bdq"), ("jrai/", "jra"), ("", "vi")):
        status, _, body = nginx.get(prefix + "khong-co-trang-nay/")
        assert status == 404, prefix
        assert body == (built_site.site_dir / prefix / "404.html").read_bytes(), prefix
        assert f'<html lang="{lang}"'.encode() in body, prefix


def test_a_scan_in_nginxs_own_access_log_is_counted_by_outreach_stats(built_site, nginx):
    def counted() -> dict:
        done = subprocess.run([sys.executable, "-m", "generator", "stats", str(nginx.access_log), "--format", "json",
                               "--manifest", str(built_site.site_dir / "manifest.json")], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    entry = next(t for t in built_site.manifest.as_json()["tagged_codes"] if t.get("commune"))
    before = counted()  # the log is the module's: other tests' requests are in it
    # Another phone than the other tests' (the same phone again within 30 minutes is a repeat, not a scan).
    assert nginx.get(entry["url"][len(SITE_URL):], {"User-Agent": IPHONE})[0] == 302
    after = counted()
    assert after["codes"] == {**before["codes"], entry["code"]: before["codes"].get(entry["code"], 0) + 1}
    assert after["communes"] == {**before["communes"], entry["commune"]: before["communes"].get(entry["commune"], 0) + 1}
    assert after["not_counted"]["malformed_lines"] == 0


# --- in the browser --------------------------------------------------------------

VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.violations.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.mark.browser
def test_the_content_security_policy_blocks_an_injected_script_and_lets_the_sites_own_run(nginx, browser):
    page = browser.new_page()
    page.add_init_script(VIOLATIONS)
    page.goto(nginx.url + INJECTED.removesuffix("index.html"), wait_until="load")
    settled(page)
    assert page.evaluate("window.injected") is None
    assert len(page.evaluate("window.violations")) == 2  # the inline script and the event handler
    # The page's own inline scripts ran (the first marks the page as scripted).
    assert page.evaluate("document.documentElement.classList.contains('js')")
    for path in ("tu-nguyen/", "bahnar/tu-nguyen/tinh-tien-dong/", "khong-co/"):
        page.goto(nginx.url + path, wait_until="load")
        page.mouse.wheel(0, 40)  # the first gesture: Material's scripts load
        wait_in_page(page, "() => typeof window.document$ !== 'undefined'")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.violations") == [], path
    page.close()


# --- a redeploy, seen through the server by a returning reader -------------------

FLOOR = "li[data-key='voluntary.floor']"


def project_copy(root: Path) -> Project:
    """The sample project in a folder of the test's own, to change a figure in."""
    root.mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return Project(root)


def change_poverty_line(project: Project, old: int, new: int) -> None:
    """A new value of the rural poverty line, in force since 2022: the floor of voluntary contributions follows it."""
    policy = project.content_dir / "policy.yml"
    head, figure = policy.read_text(encoding="utf-8").split("  rural_poverty_line:", 1)
    assert f"value: {old}\n" in figure
    policy.write_text(head + "  rural_poverty_line:" + figure.replace(f"value: {old}\n", f"value: {new}\n", 1), encoding="utf-8")


def stores(page, *urls: str) -> list[str]:
    """Wait until the page's service worker controls it and has stored `urls`; the names of its stores."""
    wait_in_page(page, """async (urls) => navigator.serviceWorker.controller !== null
        && (await Promise.all(urls.map((url) => caches.match(url)))).every(Boolean)""", list(urls))
    return page.evaluate("caches.keys()")


@pytest.mark.browser
def test_a_redeploy_with_a_changed_figure_reaches_a_returning_reader_and_never_silently_offline(browser, tmp_path):
    project = project_copy(tmp_path / "project")
    site_dir = tmp_path / "site"
    cache = ArtifactCache(tmp_path / "cache")

    def deploy():
        build(project, site_dir, BuildOptions(AS_OF, SITE_URL), cache=cache, print_materials=False)

    deploy()
    context = browser.new_context()
    page = context.new_page()
    with nginx_serving(site_dir, tmp_path / "nginx") as nginx:
        qa, rates, calculator = (nginx.url + path for path in
                                 ("tu-nguyen/hoi-dap/", "tu-nguyen/muc-dong-va-ho-tro/", "tu-nguyen/tinh-tien-dong/"))
        page.goto(qa, wait_until="load")
        first_store = stores(page, qa, calculator)
        page.goto(rates, wait_until="load")
        stores(page, rates)
        assert "1.500.000 đ" in page.locator(FLOOR).text_content()

        change_poverty_line(project, 1_500_000, 1_600_000)
        deploy()
        new_store = "bhxh-" + json.loads(re.search(r"^const SETTINGS = (.*);$", (site_dir / "sw.js").read_text(encoding="utf-8"),
                                                   re.M).group(1))["version"]
        assert [new_store] != first_store  # the store is named by the site's content
        # The first ordinary visit after the redeploy shows the new figure.
        page.goto(qa, wait_until="load")
        assert "1.600.000 đ" in page.locator(FLOOR).text_content()
        assert page.locator("[data-outreach-stored]").is_hidden()
        # The new worker fetches the pages of the old store again, then drops it.
        wait_in_page(page, "async (name) => JSON.stringify(await caches.keys()) === JSON.stringify([name])", new_store)

    # nginx is gone: no coverage. A page not opened since the redeploy is the new one, marked as a stored copy.
    page.goto(rates, wait_until="load")
    assert "1.600.000 đ" in page.locator(FLOOR).text_content()
    notice = page.locator("[data-outreach-stored]")
    assert notice.is_visible()
    stored_at = page.evaluate("caches.match(location.href).then((r) => r.headers.get('X-Outreach-Stored'))")
    day = dt.datetime.fromisoformat(stored_at.replace("Z", "+00:00")).astimezone()  # the browser's zone is the machine's
    assert notice.locator("p").first.inner_text() == f"Bản lưu ngày {day:%d/%m/%Y} — có thể đã cũ. Gọi 1900 9068"
    assert notice.locator("a[href='tel:19009068']").count() == 1
    page.goto(calculator, wait_until="load")
    assert "1.600.000\u00a0đ" in page.locator("#calc-range").inner_text()
    # Pages never opened: the offline page of their language, with the hotline, not the browser's error.
    for path, lang in (("sinh-vien/", "vi"), ("bahnar/sinh-vien/", "bdq")):
        page.goto(nginx.url + path, wait_until="load")
        assert page.locator("article h1").inner_text() == "Chưa có mạng", path
        assert page.locator("html").get_attribute("lang") == lang, path
        assert page.locator("article a[href='tel:19009068']").count() == 1, path
    # Read after the figures' last day (31/12/2026: the poverty line changes on 01/01/2027).
    page.clock.set_fixed_time(dt.datetime(2027, 1, 2, 9, 0))
    page.goto(calculator, wait_until="load")
    expired = page.locator("[data-outreach-expired]")
    assert expired.is_visible() and "31/12/2026" in expired.inner_text()
    page.fill("#calc-income", "2000000")
    page.click(".outreach-calculator button[type=submit]")
    assert "31/12/2026" in page.locator("#calc-result").inner_text()
    assert page.locator("#calc-result [data-amount]").count() == 0
    context.close()
