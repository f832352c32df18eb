"""Text without diacritics, for search and for names that go into URLs.

Most people type "bao hiem tu nguyen" on a phone, and file names become
addresses; both need "Bảo hiểm tự nguyện" folded to plain Latin letters,
including the letters Unicode does not decompose (đ, ƀ) and the Bahnar
glottal apostrophe in all its typed forms.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile("['’‘ʼꞌ`]")
_LETTERS_WITHOUT_DECOMPOSITION = {"đ": "d", "Đ": "d", "Ð": "d", "ƀ": "b", "Ƀ": "b"}
_COMMON_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")  # Combining Diacritical Marks but the grapheme joiner
_NON_ASCII = re.compile("[^\x00-\x7f]")


def fold(text: str) -> str:
    """Lower-case text without diacritics: "Bảo hiểm tự nguyện" -> "bao hiem tu nguyen".

    Also drops the combining breve of ơ̆ ư̆ ê̆ ô̆, so a search typed without it still matches.
    """
    # Every search entry of the site goes through here: regular expressions and str.replace
    # rather than str.translate or a loop over characters, several times faster on this text.
    for letter, plain in _LETTERS_WITHOUT_DECOMPOSITION.items():
        text = text.replace(letter, plain)
    decomposed = unicodedata.normalize("NFD", text)
    # The marks Vietnamese, Bahnar and Jrai use go at once; what is left outside ASCII is looked up one by one.
    stripped = _NON_ASCII.sub(_unless_combining, _COMMON_MARKS.sub("", decomposed))
    return _APOSTROPHES.sub("", stripped).lower()



def _unless_combining(match: re.Match) -> str:
    return "" if unicodedata.combining(match[0]) else match[0]


def slug(text: str, fallback: str = "trang") -> str:
    """A name a URL can carry: "Hỏi đáp (mới)" -> "hoi-dap-moi"."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(text))) or fallback
