"""Text as a commune announcer reads it aloud: numbers, amounts, dates and abbreviations in words.

A loudspeaker script must not leave the announcer to read "1.500.000 đ" or
"01/07/2025" on the spot: written out, "một triệu năm trăm nghìn đồng" and
"ngày mồng một tháng bảy năm hai nghìn không trăm hai mươi lăm" are read the
same in every commune, and the reading time can be counted.

The number rules are our own. num2words (0.5.14, lang="vi") reads small numbers
right but drops the empty hundreds that keep a number unambiguous when spoken:
1.000.500 as "một triệu năm trăm" (the same words as 1.500.000), 2025 as "hai
nghìn lẻ hai mươi lăm", 1.050.000 as "một triệu năm mươi nghìn", and 10,5 as
"mười phẩy năm mươi". Vietnamese reading rules, as applied here: each group of
three digits after the first is read whole ("không trăm", "lẻ"); "mươi" for
tens from twenty, "mười" for ten; a final 1 after "mươi" is "mốt", a final 5
after a ten is "lăm", a final 4 after "mươi" stays "bốn"; decimals are read
digit by digit after "phẩy".
"""

from __future__ import annotations

import re

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", "nghìn", "triệu", "tỷ")
# Abbreviations on BHXH material and how they are said. A communicator who hears them said otherwise in their
# commune changes them here (a code change reviewed like any other: the scripts of every commune follow).
ABBREVIATIONS = {
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "BHTN": "bảo hiểm thất nghiệp",
    "CCCD": "căn cước công dân",
    "VssID": "vê ét ét ai đi",
    "UBND": "Ủy ban nhân dân",
    "TNLĐ": "tai nạn lao động",
    "BNN": "bệnh nghề nghiệp",
}
MONTH_DAYS = {1: "mồng một", 2: "mồng hai", 3: "mồng ba", 4: "mồng bốn", 5: "mồng năm", 6: "mồng sáu", 7: "mồng bảy",
              8: "mồng tám", 9: "mồng chín", 10: "mồng mười"}


def _below_thousand(n: int, full: bool) -> str:
    """0-999; `full`: a group after the first, read with its empty hundreds ("không trăm lẻ năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["lẻ"] if words else []) + [DIGITS[units]]
        return " ".join(words)
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return " ".join(words)


def number(n: int) -> str:
    """A whole number in words: 1500000 -> "một triệu năm trăm nghìn"."""
    if n < 0:
        return "âm " + number(-n)
    if n == 0:
        return "không"
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    if len(groups) > len(GROUPS):  # beyond "tỷ": read the billions as a number of their own
        head = number(int("".join(f"{g:03d}" for g in reversed(groups[3:]))))
        return f"{head} tỷ {_groups(groups[:3], full=True)}".strip()
    return _groups(groups, full=False)


def _groups(groups: list[int], full: bool) -> str:
    """Groups of three digits, lowest first. Every group after the highest is read whole, an empty one
    between two others as "không nghìn": "một triệu không trăm năm mươi nghìn", "một triệu không nghìn năm trăm"."""
    words = []
    top = max(i for i, g in enumerate(groups) if g)
    lowest = min(i for i, g in enumerate(groups) if g)
    for index in range(top, -1, -1):
        value = groups[index]
        if value == 0:
            if lowest < index < top:
                words += ["không", GROUPS[index]]
            continue
        words.append(_below_thousand(value, full or index < top))
        if GROUPS[index]:
            words.append(GROUPS[index])
    return " ".join(words)


def decimal(text: str) -> str:
    """A number as written in Vietnamese, with `.` between thousands and `,` before decimals: "10,5" -> "mười phẩy năm"."""
    whole, _, fraction = text.replace(".", "").partition(",")
    spoken = number(int(whole))
    if fraction:
        spoken += " phẩy " + " ".join(DIGITS[int(d)] for d in fraction)
    return spoken


def day(d: int, m: int, y: int) -> str:
    day_words = MONTH_DAYS.get(d, number(d))
    month_words = "tư" if m == 4 else number(m)
    return f"ngày {day_words} tháng {month_words} năm {number(y)}"


def digits(text: str) -> str:
    """A phone number digit by digit, its groups kept: "1900 9068" -> "một chín không không, chín không sáu tám"."""
    return ", ".join(" ".join(DIGITS[int(c)] for c in group) for group in text.split())


_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_PATTERNS = [
    # A phone number: four digits, a space, four digits (1900 9068), or 0 and 9-10 digits in groups.
    (re.compile(r"(?<![\d.,])(1[89]00 \d{4}|0\d{2,3}(?: \d{3,4}){2})(?!\d|[.,]\d)"), lambda m: digits(m[1])),
    (re.compile(r"(?:ngày )?(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])"), lambda m: day(int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(rf"(?<![\d.,])({_NUMBER})\s?(?:đ|₫|đồng)(?!\w)"), lambda m: decimal(m[1]) + " đồng"),
    (re.compile(rf"(?<![\d.,])({_NUMBER})\s?%"), lambda m: decimal(m[1]) + " phần trăm"),
    (re.compile(rf"(?<![\d.,])({_NUMBER})\s?[–-]\s?({_NUMBER})(?!\d|[.,]\d)"), lambda m: f"{decimal(m[1])} đến {decimal(m[2])}"),
    (re.compile(r"\s?×\s?"), lambda m: " nhân "),
    (re.compile(rf"(?<![\d.,\w])({_NUMBER})(?![\d.,]*\d)"), lambda m: decimal(m[1])),
]
_ABBREVIATION = re.compile(r"\b(" + "|".join(map(re.escape, ABBREVIATIONS)) + r")\b")


def spoken(text: str) -> str:
    """`text` with every number, amount, percentage, date, phone number and known abbreviation in words."""
    for pattern, words in _PATTERNS:
        text = pattern.sub(words, text)
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m[1]], text)


def syllables(text: str) -> int:
    """Vietnamese is read syllable by syllable: the count a reading time is measured in."""
    return len(re.findall(r"[^\W\d_]+|\d+", text))
