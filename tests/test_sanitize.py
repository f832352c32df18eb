"""The allowlist sanitizer: keeps what the project's Markdown and templates make, removes script and foreign resources."""

import markdown
import pytest
from bs4 import BeautifulSoup

from conftest import settled
from generator.render.sanitize import clean, removed

# Each payload sets window.pwned<N> (or opens a dialog) if it runs.
SCRIPT_PAYLOADS = {
    "event handler on the line after its tag": '<img src="x.png"\nonerror="pwned1=1" alt="a">',
    "attr_list style autofocus handler": '<p onfocus="pwned2=1" autofocus tabindex="0">x</p>',
    "iframe srcdoc with entities": '<iframe srcdoc="&lt;script&gt;parent.pwned3=1&lt;/script&gt;"></iframe>',
    "SVG onload without a space": "<svg/onload=pwned4=1>",
    "script element": "<script>pwned5=1</script>",
    "javascript link with an entity": '<a href="&#106;avascript:pwned6=1">click6</a>',
    "javascript link with a tab": '<a href="java&#x09;script:pwned7=1">click7</a>',
    "javascript link with leading spaces": '<a href="  javascript:pwned8=1">click8</a>',
    "data URL in an iframe": '<iframe src="data:text/html;base64,PHNjcmlwdD5wd25lZDk9MTwvc2NyaXB0Pg=="></iframe>',
    "data URL in an object": '<object data="data:text/html;base64,PHNjcmlwdD5wd25lZDEwPTE8L3NjcmlwdD4="></object>',
    "data URL in an embed": '<embed src="data:text/html;base64,PHNjcmlwdD5wd25lZDExPTE8L3NjcmlwdD4=">',
    "noscript mutation": '<noscript><p title="</noscript><svg/onload=pwned12=1>"></p></noscript>',
    "form action": '<form action="javascript:pwned13=1"><button>click13</button></form>',
    "details ontoggle": "<details open ontoggle=pwned14=1><summary>x</summary></details>",
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:pwned15=1">',
    "style element loading a sheet": "<style>@import url(http://127.0.0.1:9/x.css);</style>",
    "math link": '<math><mtext><a href="javascript:pwned16=1">click16</a></mtext></math>',
    "base href": '<base href="javascript:pwned17=1//"><a href="x">click17</a>',
}


def features(html: str) -> list[tuple]:
    """Tags and attributes in document order, classes as sets, styles as declarations: what a reader's browser gets."""
    def value(name, value):
        if name == "class":
            return frozenset(value)
        if name == "style":
            return frozenset(tuple(part.strip() for part in d.split(":")) for d in value.split(";") if d.strip())
        return value

    return [(tag.name, {name: value(name, v) for name, v in tag.attrs.items()})
            for tag in BeautifulSoup(html, "html.parser").find_all(True)]


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS.values(), ids=SCRIPT_PAYLOADS.keys())
def test_script_is_removed_and_reported(payload):
    cleaned = BeautifulSoup(clean(payload), "html.parser")
    for tag in cleaned.find_all(True):
        assert tag.name not in ("script", "iframe", "object", "embed", "style", "meta", "base", "form", "noscript", "math")
        for name, value in tag.attrs.items():
            assert not name.startswith("on")
            assert "script:" not in "".join(str(value).split()).lower()
    assert removed(payload), payload


@pytest.mark.browser
def test_cleaned_payloads_run_nothing_in_chromium(browser):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_content("<!doctype html><body>" + "\n".join(clean(p) for p in SCRIPT_PAYLOADS.values()) + "</body>")
    for number in (6, 7, 8, 13, 16, 17):
        page.get_by_text(f"click{number}").first.click(timeout=2000) if page.get_by_text(f"click{number}").count() else None
    settled(page)
    fired = [name for frame in page.frames
             for name in frame.evaluate("Object.keys(window).filter(k => /^pwned/.test(k))")]
    assert fired == [] and dialogs == []
    page.close()


@pytest.mark.browser
def test_the_payloads_do_run_when_not_cleaned(browser):
    """The markers above are real: uncleaned, the same payloads run."""
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.set_content("<!doctype html><body>" + "\n".join(list(SCRIPT_PAYLOADS.values())[:4]) + "</body>")
    settled(page)  # the wait the test above relies on: long enough for these to run
    fired = {name for frame in page.frames for name in frame.evaluate("Object.keys(window).filter(k => /^pwned/.test(k))")}
    assert {"pwned1", "pwned2", "pwned4"} <= fired
    page.close()


def test_hidden_script_url_and_handler_are_described_in_vietnamese():
    said = removed('<a href="&#106;avascript:x()">a</a><img src="p.png" alt="p" onerror="x()"><iframe></iframe>')
    assert any("javascript:x()" in s and "http, https, mailto, tel" in s for s in said)
    assert any("onerror=" in s and "chạy mã" in s for s in said)
    assert any("<iframe>" in s for s in said)


PROJECT_MARKDOWN = """\
# Mức đóng

!!! warning "Lưu ý"
    Đóng đúng hạn.

??? question "Ai được hỗ trợ?"
    Hộ nghèo.

| Nhóm | Mức |
|:-----|----:|
| Nghèo | 30% |

Thời gian
:   Hằng tháng.

[Đăng ký](https://dichvucong.baohiemxahoi.gov.vn){ .md-button }
[Gọi](tel:19009068) · [Thư](mailto:bhxh@example.org) · [Trang khác](../sinh-vien/)

![Sơ đồ các bước](so-do.png){ width="300" height="200" loading="lazy" }

<div lang="vi" markdown="1">

Đoạn tiếng Việt trong trang Bahnar, *in nghiêng*, **đậm**, `mã`.

</div>

1. Bước một
2. Bước hai
"""


def test_project_markdown_passes_unchanged():
    html = markdown.markdown(PROJECT_MARKDOWN, extensions=[
        "admonition", "attr_list", "md_in_html", "tables", "def_list", "pymdownx.details", "toc", "sane_lists"])
    assert removed(html) == []
    assert features(clean(html)) == features(html)


def test_sample_site_pages_pass_unchanged(built_site):
    """Every citizen's page of the sample site, as the templates and Markdown make it.

    Left out, as the generator's own: the calculator, the skip link's target, the question box, the
    figures' last day (the offline page reads it: content may not fake it) and the frame of an
    overview's next step.
    """
    checked = 0
    for path in built_site.site_dir.rglob("*.html"):
        article = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article.md-content__inner")
        if article is None:
            continue
        for generated in article.select("form[data-outreach-calculator], script, nav.outreach-audiences, "
                                        "#outreach-main, section[data-outreach-quick-ask], p[data-outreach-valid-until]"):
            generated.decompose()
        for wrapper in article.select("section.outreach-next-step"):  # the generator's frame around written text
            wrapper.unwrap()
        html = article.decode_contents()
        assert removed(html) == [], path
        assert features(clean(html)) == features(html), path
        checked += 1
    assert checked > 50


@pytest.mark.parametrize("html, kept", [
    ('<h2 id="muc-dong">x</h2>', 'id="muc-dong"'),
    ('<img src="anh/so-do.png" alt="Sơ đồ">', 'src="anh/so-do.png"'),
    ('<a href="https://vbpl.vn/">x</a>', 'href="https://vbpl.vn/"'),
])
def test_ordinary_content_is_kept(html, kept):
    assert kept in clean(html) and removed(html) == []


@pytest.mark.parametrize("html, gone, said", [
    ('<div id="calc-data">{}</div>', "calc-data", "id `calc-data`"),  # would feed the calculator its figures
    ('<span id="end-inside"></span>', "end-inside", "id `end-inside`"),  # would fake a leaflet's end marker
    ('<img src="http://127.0.0.1:9/pixel.png" alt="x">', "127.0.0.1", "thư mục content/"),
    ('<img src="//tracker.example/p.png" alt="x">', "tracker", "thư mục content/"),
    ('<table><tr><td style="text-align: right; background: url(http://x/)">1</td></tr></table>', "url(", "background"),
    ('<a href="file:///etc/passwd" rel="attachment">x</a>', "passwd", "file:///etc/passwd"),
    ('<p class="md-sidebar">x</p>', "md-sidebar", "lớp `md-sidebar`"),
])
def test_foreign_resources_and_reserved_names_are_removed_and_reported(html, gone, said):
    assert gone not in clean(html)
    assert any(said in description for description in removed(html)), removed(html)


def test_cleaning_is_stable():
    html = "".join(SCRIPT_PAYLOADS.values()) + markdown.markdown(PROJECT_MARKDOWN, extensions=["admonition", "tables"])
    once = clean(html)
    assert clean(once) == once
    assert removed(once) == []
