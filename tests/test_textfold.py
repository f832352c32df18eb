"""Search folding: fast paths that must say exactly what the plain definition says."""

import unicodedata

from generator.textfold import fold


def folded_by_definition(text: str) -> str:
    """Lower case, đ/ƀ as d/b, every combining mark and the Bahnar apostrophes dropped, one character at a time."""
    text = text.translate(str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ƀ": "b", "Ƀ": "b"}))
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'’‘ʼꞌ`").lower()


def test_fold_examples():
    assert fold("Bảo hiểm xã hội tự nguyện") == "bao hiem xa hoi tu nguyen"
    assert fold("Đắk Đoa — ’Bok ƀơ̆ ư̆") == "dak doa — bok bo u"


def test_fold_agrees_with_its_definition_on_every_character():
    for start in range(0x20, 0x30000, 4096):
        text = "".join(chr(c) for c in range(start, start + 4096) if not 0xD800 <= c < 0xE000)
        assert fold(text) == folded_by_definition(text), hex(start)
