"""Commune editions share the type fitted once per audience, format and language: same output, one layout each."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest
from conftest import write_project

from generator.build import BuildOptions, compose
from generator.editions import EditionChoice
from generator.paper import leaflet_render
from generator.paper.leaflet_render import fitting_starts, render_leaflet

AS_OF = dt.date(2026, 11, 25)
SITE_URL = "https://example.org/tt/"
HOME = "---\ntitle: Trang chủ\n---\n\nXin chào.\n"
OVERVIEW = ("---\ntitle: Tự nguyện\n---\n\nMở đầu.\n\n<!-- flyer -->\nĐóng {{ policy.voluntary.rate }} thu nhập tự chọn.\n"
            "Đăng ký ở đại lý thu của xã hoặc ở bưu điện xã, mang theo căn cước công dân.\n<!-- /flyer -->\n\n"
            "<!-- flyer: action -->\nĐến đại lý thu ở xã.\n<!-- /flyer -->\n")


def commune(code: str, name: str, office: str = "", address: str = "", hours: str = "Thứ Hai – Thứ Sáu, 7:00–11:30",
            contact: str = "") -> str:
    return (f"  - code: {code}\n    name: {name}\n    kind: xã\n    office:\n      name: {office or f'Bưu điện xã {name}'}\n"
            f"      address: {address or f'Số 5 đường Trần Phú, xã {name}'}\n      hours: \"{hours}\"\n"
            f"      phone: \"0269 3824 111\"\n{contact}")


# Two communes whose blocks take the same room, and one whose block says as much as communes.yml allows.
LONG = commune("dai", "Dài", office="Điểm phục vụ BHXH của UBND xã Dài kiêm đại lý thu BHXH, BHYT ở bưu điện văn hoá xã",
               address="Thôn Làng Mới, gần chợ trung tâm và trạm y tế xã, đối diện trường tiểu học, đường liên xã đi về "
                       "phía thị trấn, xã Dài, tỉnh Gia Lai",
               hours="Thứ Hai – Thứ Sáu, 7:00–11:30 và 13:30–17:00; Thứ Bảy 7:30–11:00; nghỉ ngày lễ, ngày Tết",
               contact="    contact:\n      name: Rơ Châm Hơ Linh Nguyễn Thị Minh Khai\n"
                       "      role: Cộng tác viên BHXH kiêm cán bộ văn hoá – xã hội, phụ trách các thôn vùng sâu\n"
                       "      phone: \"0912 345 678\"\n")
COMMUNES = "communes:\n" + commune("iaba", "Ia Ba") + commune("iabo", "Ia Bơ") + LONG


@pytest.fixture(scope="module")
def flyers(tmp_path_factory):
    project = write_project(tmp_path_factory.mktemp("editions") / "project",
                            {"vi/index.md": HOME, "vi/tu-nguyen/index.md": OVERVIEW, "communes.yml": COMMUNES})
    leaflets = compose(project, BuildOptions(AS_OF, SITE_URL, editions=EditionChoice(("all",), (), ("vi",)))).leaflets
    return {leaflet.edition.tag: leaflet for leaflet in leaflets
            if leaflet.edition is not None and leaflet.format.name == "a5-flyer"}


def text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_the_editions_of_a_sheet_start_from_its_fullest_edition(flyers):
    order = list(flyers.values())
    starts = fitting_starts(order)
    fullest = order.index(flyers["dai"])
    assert starts[fullest] is None
    assert [starts[i] for i, leaflet in enumerate(order) if leaflet is not flyers["dai"]] == [fullest] * (len(order) - 1)


def test_an_edition_reusing_fitted_sizes_prints_as_if_fitted_from_scratch(flyers, monkeypatch):
    sibling = render_leaflet(flyers["iaba"])
    from_scratch = render_leaflet(flyers["iabo"])
    assert sibling.fitted == from_scratch.fitted  # blocks of the same size: the same type

    layouts = []
    typeset = leaflet_render.Typesetter.layout
    monkeypatch.setattr(leaflet_render.Typesetter, "layout", lambda self, css="": layouts.append(css) or typeset(self, css))
    reused = render_leaflet(flyers["iabo"], sibling.fitted)
    assert len(layouts) == 1  # one verifying layout, which is the one printed
    assert reused.variants[0].pdf == from_scratch.variants[0].pdf
    assert "Bưu điện xã Ia Bơ" in text(reused.variants[0].pdf)
    assert reused.type_pt == from_scratch.type_pt


def test_an_edition_whose_block_overflows_at_reused_sizes_is_fitted_on_its_own(flyers):
    roomy = render_leaflet(flyers["iaba"]).fitted
    # Another edition's sizes: the long office hours do not fit the back at them.
    overflowing = leaflet_render._attempt(leaflet_render.Typesetter(flyers["dai"].documents[0][1], flyers["dai"].roots),
                                          flyers["dai"], dict(roomy.sizes))
    assert overflowing.overflows, "the test needs a block that overflows at the other edition's sizes"

    reused = render_leaflet(flyers["dai"], roomy)
    from_scratch = render_leaflet(flyers["dai"])
    assert reused.variants and not reused.overflows  # it still prints
    assert reused.variants[0].pdf == from_scratch.variants[0].pdf
    assert dict(reused.fitted.sizes) != dict(roomy.sizes)
    assert "vùng sâu" in text(reused.variants[0].pdf)
