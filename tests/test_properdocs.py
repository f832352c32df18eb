"""The day Material or MkDocs 1.x stops: the sample site built with ProperDocs, a maintained
MkDocs 1.x fork, in place of MkDocs, gives the same site.

ProperDocs lives in its own virtual environment, `.venv-properdocs/` (scripts/test.sh makes
it from requirements.lock plus ProperDocs); without it the test is skipped and says so.
Leaflets and cards come from the cache the MkDocs build filled: the website is what differs.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import AS_OF, REPO, SITE_URL

PROPERDOCS_PYTHON = REPO / ".venv-properdocs" / "bin" / "python"
# Material writes the generator's name and version into every page's <head>.
GENERATOR_META = re.compile(rb'<meta name="generator" content="[^"]*">')


def files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def page_text(html: bytes) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.mark.skipif(not PROPERDOCS_PYTHON.exists(), reason="no .venv-properdocs/ (scripts/test.sh makes it with ProperDocs)")
def test_properdocs_builds_the_same_site_as_mkdocs(built_site, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(built_site.cache.root, cache)
    site = tmp_path / "site"
    run = subprocess.run([str(PROPERDOCS_PYTHON), str(REPO / "tests" / "properdocs_build.py"), str(site), str(cache),
                          AS_OF.isoformat(), SITE_URL], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    ours, theirs = files(built_site.site_dir), files(site)
    assert ours.keys() == theirs.keys()
    pages = [name for name in ours if name.endswith(".html")]
    assert len(pages) > 80
    # ProperDocs rendered them (in the shard workers too): each page MkDocs would sign, it signs.
    signed = {name: GENERATOR_META.search(theirs[name]) for name in pages if GENERATOR_META.search(ours[name])}
    assert len(signed) > 80 and all(tag and b"properdocs" in tag.group().lower() for tag in signed.values()), signed
    for name in pages:
        assert page_text(theirs[name]) == page_text(ours[name]), name
        # Beyond the text, the same markup but for the generator's name.
        assert GENERATOR_META.sub(b"", theirs[name]) == GENERATOR_META.sub(b"", ours[name]), name
    others = [name for name in ours if not name.endswith(".html") and ours[name] != theirs[name]]
    assert others == []
