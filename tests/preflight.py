"""A print shop's preflight, as a small PDF reader: the boxes of each page, its output intent, and every
colour it paints with (content-stream operators, colour spaces, images), read from the file's objects.

Enough for the PDFs WeasyPrint writes (plain and compressed objects, object streams, Flate streams);
not a general PDF parser.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

_OBJECT = re.compile(rb"(?<![0-9])(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream\s*$", re.S)
_NUMBER = rb"-?[\d.]+"
_BOX = {name: re.compile(rb"/" + name.encode() + rb"\s*\[\s*((?:" + _NUMBER + rb"\s*){4})\]") for name in
        ("MediaBox", "BleedBox", "TrimBox", "ArtBox")}
# Operators that paint in RGB or grey, and those that choose a colour space for what follows.
_RGB_OR_GREY = re.compile(rb"(?:" + _NUMBER + rb"\s+){3}(?:rg|RG)(?![\w])|(?<![\w.\-])" + _NUMBER + rb"\s+(?:g|G)(?![\w])")
_SET_SPACE = re.compile(rb"/([\w.\-]+)\s+(?:cs|CS)(?![\w])")
_NON_CMYK_SPACE = re.compile(rb"/(?:DeviceRGB|CalRGB|DeviceGray|CalGray)\b")


@dataclass
class PdfObject:
    number: int
    dictionary: bytes
    stream: bytes | None = None  # decompressed


@dataclass
class Page:
    boxes: dict[str, tuple[float, ...]]
    contents: list[bytes] = field(default_factory=list)  # its content streams and the forms it draws


def objects(data: bytes) -> dict[int, PdfObject]:
    found: dict[int, PdfObject] = {}
    for match in _OBJECT.finditer(data):
        number, body = int(match.group(1)), match.group(2)
        stream = _STREAM.match(body)
        if stream is None:
            found[number] = PdfObject(number, body)
            continue
        dictionary, raw = stream.group(1), stream.group(2)
        if b"/FlateDecode" in dictionary:
            try:
                raw = zlib.decompress(raw)
            except zlib.error:
                pass
        found[number] = PdfObject(number, dictionary, raw)
    for holder in list(found.values()):  # objects packed in object streams
        if holder.stream is not None and b"/ObjStm" in holder.dictionary:
            first = int(re.search(rb"/First\s+(\d+)", holder.dictionary).group(1))
            header = [int(n) for n in holder.stream[:first].split()]
            pairs = list(zip(header[::2], header[1::2]))
            for index, (number, offset) in enumerate(pairs):
                end = first + pairs[index + 1][1] if index + 1 < len(pairs) else len(holder.stream)
                found[number] = PdfObject(number, holder.stream[first + offset:end])
    return found


def _references(dictionary: bytes, key: bytes) -> list[int]:
    match = re.search(rb"/" + key + rb"\s*(\[[^\]]*\]|\d+ 0 R)", dictionary)
    return [int(n) for n in re.findall(rb"(\d+) 0 R", match.group(1))] if match else []


def pages(data: bytes) -> list[Page]:
    found = objects(data)
    forms = [o.stream for o in found.values() if o.stream is not None and b"/Form" in o.dictionary]
    result = []
    for entry in found.values():
        if re.search(rb"/Type\s*/Page(?![s\w])", entry.dictionary):
            boxes = {name: tuple(float(v) for v in m.group(1).split()) for name, pattern in _BOX.items()
                     if (m := pattern.search(entry.dictionary))}
            contents = [found[n].stream for n in _references(entry.dictionary, b"Contents") if found[n].stream is not None]
            result.append(Page(boxes, contents + forms))
    return result


@dataclass(frozen=True)
class OutputIntent:
    subtype: str  # /GTS_PDFX for a print-shop PDF
    components: int  # 4: a CMYK profile
    profile: bytes


def output_intents(data: bytes) -> list[OutputIntent]:
    found = objects(data)
    intents = []
    for entry in found.values():
        if b"/OutputIntent" in entry.dictionary and b"/DestOutputProfile" in entry.dictionary:
            profile = found[_references(entry.dictionary, b"DestOutputProfile")[0]]
            subtype = re.search(rb"/S\s*/(\w+)", entry.dictionary).group(1).decode()
            components = int(re.search(rb"/N\s+(\d+)", profile.dictionary).group(1))
            intents.append(OutputIntent(subtype, components, profile.stream or b""))
    return intents


def non_cmyk_colours(data: bytes) -> list[str]:
    """Everything that paints outside DeviceCMYK: RGB or grey operators, colour spaces, images; empty when clean."""
    problems = []
    found = objects(data)
    for entry in found.values():
        if entry.stream is not None and b"/Image" in entry.dictionary:
            if b"/SMask" not in entry.dictionary and not re.search(rb"/ColorSpace\s*/DeviceCMYK", entry.dictionary):
                problems.append(f"image {entry.number}: {entry.dictionary[:120]!r}")
        elif _NON_CMYK_SPACE.search(entry.dictionary):
            problems.append(f"object {entry.number} names {_NON_CMYK_SPACE.search(entry.dictionary).group(0)!r}")
        for profile in re.findall(rb"/ICCBased\s+(\d+) 0 R", entry.dictionary):
            components = re.search(rb"/N\s+(\d+)", found[int(profile)].dictionary)
            if components is None or components.group(1) != b"4":
                problems.append(f"object {entry.number}: an ICC colour space that is not CMYK")
    for page in pages(data):
        for content in page.contents:
            if found_rgb := _RGB_OR_GREY.findall(content):
                problems.append(f"RGB or grey paint: {found_rgb[:3]}")
            for space in set(_SET_SPACE.findall(content)) - {b"DeviceCMYK", b"Pattern"}:
                problems.append(f"colour space /{space.decode()}")
    return problems
