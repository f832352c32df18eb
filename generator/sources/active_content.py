"""Files in content/ that could run in a reader's browser, refused before anything publishes them.

The site's own origin holds the service worker: a script that runs there once
can answer for every page afterwards. So content/ publishes only what cannot
run: Markdown (rendered and sanitized), raster images, PDFs, and SVG drawings
limited to shapes, text and gradients. An SVG with a script, an event
handler, a `foreignObject`, a stylesheet or any reference outside itself is
refused at its line; HTML, JavaScript, XML and every other type are refused
by name. An image whose bytes are not what its name says (an HTML page called
`.png`) is refused too: a browser that sniffs it would run it.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from pathlib import Path

# What a drawing is made of. No script, style, foreignObject, image, use of another file, animation
# (`<set>` and `<animate>` can write an `href`), nor links.
SVG_ELEMENTS = frozenset({
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title", "desc",
    "defs", "lineargradient", "radialgradient", "stop", "clippath", "mask", "symbol", "use", "pattern", "marker",
    "metadata",
})
SVG_ATTRIBUTES = frozenset({
    "id", "class", "d", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "points",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "transform", "viewbox", "preserveaspectratio",
    "xmlns", "xmlns:xlink", "version", "offset", "stop-color", "stop-opacity", "gradientunits", "gradienttransform",
    "spreadmethod", "fx", "fy", "clip-path", "clip-rule", "mask", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "dx", "dy", "href", "xlink:href", "patternunits", "patterntransform",
    "markerwidth", "markerheight", "refx", "refy", "orient", "marker-start", "marker-mid", "marker-end", "lang",
    "xml:lang", "xml:space", "role", "aria-label", "aria-hidden", "focusable", "clippathunits", "maskunits",
    "letter-spacing", "visibility", "display", "color",
})
# In an attribute value: only a reference to something inside the same drawing (`url(#a)`, `#a`).
OUTSIDE_REFERENCE = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|\\|&|javascript:|data:", re.I)
HREF = re.compile(r"^#[A-Za-z][\w.-]*$")

MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF-",),
}
MAX_SVG_BYTES = 500_000


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


def svg_problem(data: bytes) -> tuple[int, str] | None:
    """(line, Vietnamese reason) if the SVG drawing holds anything but shapes and text, else None."""
    if len(data) > MAX_SVG_BYTES:
        return 1, f"ảnh SVG quá lớn ({len(data) // 1000} KB, tối đa {MAX_SVG_BYTES // 1000} KB)"
    parser = xml.parsers.expat.ParserCreate()
    seen_root = []

    def refuse(message: str):
        raise _Refused(parser.CurrentLineNumber, message)

    def start(name: str, attributes: dict) -> None:
        local = name.rsplit(":", 1)[-1].lower() if not name.startswith("svg:") else name[4:].lower()
        if not seen_root and local != "svg":
            refuse("tệp .svg phải bắt đầu bằng thẻ <svg>")
        seen_root.append(local)
        if local not in SVG_ELEMENTS:
            refuse(f"ảnh SVG có thẻ <{name}> (chỉ được có hình vẽ và chữ: không script, style, foreignObject, "
                   "ảnh hay liên kết tới nơi khác)")
        for attribute, value in attributes.items():
            lowered = attribute.lower()
            if lowered.startswith("on"):
                refuse(f"ảnh SVG có thuộc tính `{attribute}` (lệnh chạy khi mở ảnh)")
            if lowered not in SVG_ATTRIBUTES:
                refuse(f"ảnh SVG có thuộc tính `{attribute}` không được dùng")
            if lowered in ("href", "xlink:href") and not HREF.match(value.strip()):
                refuse(f"ảnh SVG trỏ tới `{value[:60]}` ngoài ảnh (chỉ được trỏ tới phần trong ảnh, dạng `#ten`)")
            if OUTSIDE_REFERENCE.search(value):
                refuse(f"ảnh SVG có giá trị `{value[:60]}` trỏ ra ngoài ảnh")

    def refuse_declaration(*_args) -> None:
        refuse("ảnh SVG có khai báo DOCTYPE hay ENTITY (có thể đọc tệp khác hoặc làm treo máy)")

    def refuse_instruction(target: str, _data: str) -> None:
        refuse(f"ảnh SVG có chỉ thị `<?{target}`")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse_declaration
    parser.EntityDeclHandler = refuse_declaration
    parser.ExternalEntityRefHandler = lambda *_args: refuse_declaration()
    parser.ProcessingInstructionHandler = refuse_instruction
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        return refused.line, refused.message
    except xml.parsers.expat.ExpatError as error:
        return error.lineno, "ảnh SVG không phải XML hợp lệ"
    if not seen_root:
        return 1, "tệp .svg không có thẻ <svg>"
    return None


def asset_problem(path: Path) -> tuple[int, str] | None:
    """(line, Vietnamese message with the fix) if the image or document at `path` could run or is not what it says."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix == ".svg":
        problem = svg_problem(data)
        if problem:
            line, reason = problem
            return line, (f"Không đăng được: {reason}. Hãy xuất lại ảnh từ phần mềm vẽ dưới dạng SVG thuần "
                          "(chỉ hình và chữ), hoặc dùng ảnh PNG.")
        return None
    if suffix == ".webp" and data[8:12] != b"WEBP" or not data.startswith(MAGIC.get(suffix, (b"",))):
        return 1, (f"Tệp `{path.name}` không phải tệp {suffix[1:].upper()} thật (nội dung không khớp đuôi tệp). "
                   "Hãy xuất lại tệp đúng định dạng rồi chép vào đây.")
    return None


def refused_type(path: Path) -> str:
    """The message for a file content/ never publishes (HTML, scripts, XML, anything but pages and pictures)."""
    return (f"Tệp `{path.name}` không được đăng: trang web chỉ đăng bài viết .md, ảnh (png, jpg, gif, webp, svg) và tài liệu pdf. "
            "Trang HTML, mã JavaScript, XML và các loại tệp khác có thể chạy trên máy người đọc: hãy xoá tệp này "
            "hoặc chuyển nội dung vào một trang .md.")
