"""manifest.json: one declared model, written by the build and read back by the next build and the team tools."""

import json

import pytest

from generator.sources.published import MANIFEST_NAME, MANIFEST_VERSION, ManifestUnreadable, previous_manifest, read_manifest
from generator.team.stats import StatsInputError, code_book_from_manifest


def test_the_written_manifest_reads_back_as_the_build_made_it(built_site):
    path = built_site.site_dir / MANIFEST_NAME
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == MANIFEST_VERSION
    assert read_manifest(path) == built_site.manifest
    assert built_site.manifest.qr and built_site.manifest.leaflets and built_site.manifest.pages


def test_a_manifest_written_before_versions_reads_as_the_first(built_site, tmp_path):
    data = json.loads((built_site.site_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    del data["version"]
    older = tmp_path / MANIFEST_NAME
    older.write_text(json.dumps(data), encoding="utf-8")
    assert read_manifest(older).qr == built_site.manifest.qr


@pytest.mark.parametrize("damage", [
    lambda data: data.pop("qr"),
    lambda data: data["qr"][0].update(page=7),
    lambda data: data.update(version=MANIFEST_VERSION + 1),
    lambda data: data["tagged_codes"].append({"code": "x"}),
], ids=["field missing", "wrong type", "newer version", "half an entry"])
def test_a_damaged_manifest_is_no_previous_site_and_stats_say_so(built_site, tmp_path, damage):
    data = json.loads((built_site.site_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    damage(data)
    path = tmp_path / MANIFEST_NAME
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ManifestUnreadable):
        read_manifest(path)
    assert previous_manifest(path) is None
    with pytest.raises(StatsInputError, match="không phải manifest.json do `outreach build` tạo ra"):
        code_book_from_manifest(path)


def test_no_manifest_is_no_previous_site(tmp_path):
    assert previous_manifest(tmp_path / MANIFEST_NAME) is None
    assert previous_manifest(None) is None
    with pytest.raises(StatsInputError, match="Không đọc được"):
        code_book_from_manifest(tmp_path / MANIFEST_NAME)
