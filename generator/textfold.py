"""Text without diacritics, for search and for names that go into URLs.

Most people type "bao hiem tu nguyen" on a phone, and file names become
addresses; both need "Bảo hiểm tự nguyện" folded to plain Latin letters,
including the letters Unicode does not decompose (đ, ƀ) and the Bahnar
glottal apostrophe in all its typed forms.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼꞌ`"), None)
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ƀ": "b", "Ƀ": "b"})


def fold(text: str) -> str:
    """Lower-case text without diacritics: "Bảo hiểm tự nguyện" -> "bao hiem tu nguyen".

    Also drops the combining breve of ơ̆ ư̆ ê̆ ô̆, so a search typed without it still matches.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS_WITHOUT_DECOMPOSITION))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_APOSTROPHES).lower()


def slug(text: str, fallback: str = "trang") -> str:
    """A name a URL can carry: "Hỏi đáp (mới)" -> "hoi-dap-moi"."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(text))) or fallback
