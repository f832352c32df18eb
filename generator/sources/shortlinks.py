"""Permanent short links for QR codes on paper, and the lockfile that keeps them.

A printed leaflet lives for years, so a code, once issued, must keep opening
the page it was printed for. `content/qr-lock.yml` records every code ever
issued, in one namespace for all languages (`tn` opens the Vietnamese guide
for voluntary BHXH, `tnb` its Bahnar page, `tnj` the Jrai one):

    codes:
      tn: vi/tu-nguyen/index.md
    moves:
      tn: vi/tu-nguyen/tong-quan.md
      tns:                               # to another audience or language: say why
        to: vi/sinh-vien/index.md
        reason: Trang dành cho học sinh gộp vào trang sinh viên

`codes:` only grows: the build appends new codes after a successful build. A
code's page changes only through `moves:`, the declared way. The build also
compares the lockfile with its last committed version (when the project is a
git repository) and with the previous site's manifest, so a code that
disappeared, or was re-pointed by editing `codes:`, is refused before
anything is published. A move that sends a printed code to another audience
or another language changes what a reader holding the paper finds, so it needs
a `reason:`; the build reports every move (see `manifest.moves_in`).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlfile
from .content import PageKey, SourcePage
from .languages import DEFAULT_LANGUAGE, Language
from .published import previous_manifest
from ..problems import ProblemLog

LOCKFILE_HEADER = """\
# Mã QR đã cấp (do `outreach build` ghi thêm). KHÔNG xoá hay sửa dòng nào trong `codes:`:
# giấy đã in vẫn dùng các mã này. Mỗi dòng `mã: ngôn-ngữ/đường/dẫn.md`.
# Khi chuyển trang sang chỗ mới, thêm một dòng trong `moves:`: `mã: ngôn-ngữ/đường/dẫn-mới.md`.
"""
CODE_PATTERN = re.compile(r"^[a-z0-9]{1,12}$")
TARGET_PATTERN = re.compile(r"^([a-z]+)/((?:[a-z0-9]+(?:-[a-z0-9]+)*/)?[a-z0-9]+(?:-[a-z0-9]+)*\.md)$")
LANGUAGE_SUFFIX = {"bahnar": "b", "jrai": "j"}  # appended to a page's code for its translations


@dataclass(frozen=True)
class ShortLink:
    code: str
    lang: str
    key: PageKey  # the page it opens (in `lang`)


@dataclass(frozen=True)
class Lock:
    codes: dict[str, str]  # code -> "lang/rel" as first issued
    moves: dict[str, str]  # code -> "lang/rel" it opens now
    lines: dict[str, int]  # code -> line in the lockfile, for messages
    codes_line: int = 1  # the `codes:` line: where a deleted code is to be written back
    reasons: dict[str, str] = field(default_factory=dict)  # code -> why it moved (a move across audiences or languages)
    move_lines: dict[str, int] = field(default_factory=dict)  # code -> line of its move

    def target(self, code: str) -> str:
        return self.moves.get(code, self.codes[code])

    def page(self, code: str) -> tuple[str, PageKey]:
        """The language and the page that `code` opens now."""
        lang, rel = self.target(code).split("/", 1)
        return lang, PageKey.from_rel(rel)


def read_lock(path: Path, languages: tuple[Language, ...], log: ProblemLog, text: str | None = None,
              where: str | None = None) -> Lock | None:
    """The lockfile (or `text`, an older version of it); None after logging its mistakes."""
    if text is None:
        if path.is_symlink():
            log.error(path, 1, "Tệp này là liên kết (symlink) tới chỗ khác: hãy chép tệp thật vào đây.")
            return None
        if not path.exists():
            return Lock({}, {}, {})
        text = path.read_text(encoding="utf-8")
    label = where or path
    try:
        data = yamlfile.parse(text, plain=True)
    except yamlfile.YamlError as error:
        log.error(label, error.line, f"YAML không hợp lệ: {error.detail}. Mỗi dòng phải là `mã: ngôn-ngữ/đường/dẫn.md`.")
        return None
    data = data or yamlfile.LineDict()
    if not isinstance(data, yamlfile.LineDict):
        log.error(label, 1, "Tệp phải gồm mục `codes:` (và có thể `moves:`), mỗi dòng `mã: ngôn-ngữ/đường/dẫn.md`.")
        return None
    if "codes" not in data and "moves" not in data:
        data = _legacy(data)
    unknown = [k for k in data if k not in ("codes", "moves")]
    if unknown:
        log.error(label, data.line_of(unknown[0]), f"Mục `{unknown[0]}` không dùng được ở đây: chỉ có `codes:` và `moves:`.")
        return None
    codes = _entries(data.get("codes"), label, languages, log)
    reasons: dict[str, str] = {}
    moves = _entries(data.get("moves"), label, languages, log, reasons)
    if codes is None or moves is None:
        return None
    lines = {code: line for code, (_, line) in codes.items()}
    for code, (_, line) in moves.items():
        if code not in codes:
            log.error(label, line, f"`moves:` chuyển mã `{code}`, nhưng mã này chưa từng được cấp trong `codes:`. Kiểm tra lại tên mã.")
            return None
    return Lock({c: t for c, (t, _) in codes.items()}, {c: t for c, (t, _) in moves.items()}, lines, data.line_of("codes"),
                reasons, {c: line for c, (_, line) in moves.items()})


def _legacy(data: yamlfile.LineDict) -> yamlfile.LineDict:
    """The first lockfile format, `code: rel` for a Vietnamese page: read as `codes:`."""
    codes = yamlfile.LineDict({code: f"{DEFAULT_LANGUAGE}/{rel}" if isinstance(rel, str) else rel for code, rel in data.items()})
    codes.line, codes.key_lines = data.line, dict(data.key_lines)
    wrapped = yamlfile.LineDict(codes=codes)
    wrapped.line, wrapped.key_lines = data.line, {"codes": data.line}
    return wrapped


def _entries(node, label, languages, log, reasons: dict[str, str] | None = None) -> dict[str, tuple[str, int]] | None:
    """`code: lang/path.md` lines; with `reasons` (the moves), also `code: {to: lang/path.md, reason: …}`."""
    if node is None or node == "":
        return {}
    if not isinstance(node, yamlfile.LineDict):
        log.error(label, getattr(node, "line", 1), "Mỗi dòng phải là `mã: ngôn-ngữ/đường/dẫn.md`.")
        return None
    codes = {l.code for l in languages}
    entries, ok = {}, True
    for code, target in node.items():
        line = node.line_of(code)
        if reasons is not None and isinstance(target, yamlfile.LineDict):
            reason = target.get("reason")
            unknown = [k for k in target if k not in ("to", "reason")]
            if unknown or not isinstance(reason, str) or not reason.strip() or len(reason) > 200:
                log.error(label, line, f"Dòng `{code}:` trong `moves:` viết dạng `{code}: ngôn-ngữ/đường/dẫn.md`, hoặc hai dòng thụt vào "
                                       "`to: ngôn-ngữ/đường/dẫn.md` và `reason: lý do chuyển` (tối đa 200 ký tự).")
                ok = False
                continue
            reasons[str(code)] = reason.strip()
            target = target.get("to")
        match = TARGET_PATTERN.match(target) if isinstance(target, str) else None
        if not CODE_PATTERN.match(str(code)):
            log.error(label, line, f"Mã `{code}` không hợp lệ: dùng 1–12 chữ thường không dấu hoặc số.")
            ok = False
        elif match is None or match.group(1) not in codes:
            log.error(label, line, f"Dòng `{code}:` phải trỏ tới một trang dạng `vi/tu-nguyen/index.md` "
                                   f"(ngôn ngữ: {', '.join(sorted(codes))}).")
            ok = False
        else:
            entries[code] = (target, line)
    return entries if ok else None


def assign_short_links(lock: Lock, lock_path: Path, sources: list[SourcePage], languages: tuple[Language, ...],
                       log: ProblemLog) -> tuple[list[ShortLink], Lock]:
    """Codes for every locked code, every page asking for one (`qr:`) and every audience overview, in every language.

    Returns the links and the lockfile as it must be after this build (old entries untouched).
    """
    pages = {(p.lang, p.key) for p in sources}
    originals = {p.key: p for p in sources if p.lang == DEFAULT_LANGUAGE}
    orphans: dict[str, list[str]] = {}  # a missing page -> the codes that open it, in any language
    for code in lock.codes:
        key = lock.page(code)[1]
        if (DEFAULT_LANGUAGE, key) not in pages:
            orphans.setdefault(key.rel, []).append(code)
    for rel, orphaned in orphans.items():
        listed = ", ".join(f"`{code}`" for code in orphaned)
        log.error(lock_path, lock.lines[orphaned[0]],
                  f"Mã QR {listed} đã cấp (có thể đã in trên giấy) mở trang `content/{DEFAULT_LANGUAGE}/{rel}`, nhưng trang này không còn. "
                  f"Khôi phục trang, hoặc khai báo trang mới của từng mã trong mục `moves:` của content/qr-lock.yml "
                  f"(ví dụ `{orphaned[0]}: {lock.page(orphaned[0])[0]}/<đường dẫn mới>.md`).")
    codes = dict(lock.codes)
    code_of = {target: code for code, target in reversed(list(codes.items()))}
    code_of.update({target: code for code, target in lock.moves.items()})
    for key, page in originals.items():
        wanted = page.requested_qr
        if wanted is not None and not CODE_PATTERN.match(wanted):
            log.error(page.path, page.qr_line, f"Mã QR `{wanted}` không hợp lệ: dùng 1–12 chữ thường không dấu hoặc số.")
            continue
        if wanted is None and not key.is_overview:
            continue
        stem = wanted or _initials(key)
        for language in languages:
            target = f"{language.code}/{key.rel}"
            if target in code_of:
                continue
            suffix = "" if language.is_default else LANGUAGE_SUFFIX.get(language.code, language.code[0])
            if wanted is not None and language.is_default and wanted in codes:
                log.error(page.path, page.qr_line, f"Mã QR `{wanted}` đã cấp cho `content/{codes[wanted]}`. Chọn mã khác.")
                break
            code = _free_code(stem + suffix, codes)
            codes[code] = target
            code_of[target] = code
    issued = Lock(codes, dict(lock.moves), lock.lines, lock.codes_line)
    links = []
    for code in codes:
        lang, key = issued.page(code)
        if (DEFAULT_LANGUAGE, key) in pages:
            links.append(ShortLink(code, lang, key))
    return sorted(links, key=lambda link: link.code), issued


def _initials(key: PageKey) -> str:
    slug = key.audience if key.is_overview else key.rel.removesuffix(".md").replace("/", "-")
    return "".join(word[0] for word in slug.split("-") if word)[:6] or "p"


def _free_code(stem: str, taken: dict[str, str]) -> str:
    code, n = stem, 1
    while code in taken:
        n += 1
        code = f"{stem}{n}"
    return code


def check_history(lock: Lock, lock_path: Path, root: Path, previous_manifest: Path | None,
                  languages: tuple[Language, ...], log: ProblemLog) -> None:
    """Refuse a code that disappeared, or opens another page, without a declared move.

    Compared with the last committed lockfile and with the codes the previous site published.
    """
    committed = _committed_lock(lock_path, root, languages)
    reported = set()  # one mistake, one line: a code git and the published site both remember is reported once
    for code, target in (committed.codes.items() if committed else ()):
        if _compare(code, target, lock.codes.get(code), lock, lock_path, "bản đã commit trong git", log):
            reported.add(code)
    for code, target in _published_codes(previous_manifest).items():
        now = lock.target(code) if code in lock.codes else None
        if code not in lock.moves and code not in reported:
            _compare(code, target, now, lock, lock_path, "trang web đã xuất bản lần trước", log)


def _compare(code: str, earlier: str, now: str | None, lock: Lock, lock_path: Path, where: str, log: ProblemLog) -> bool:
    """Whether the code was deleted or re-pointed since `where` (then logged)."""
    if now is None:
        log.error(lock_path, lock.codes_line, f"Mã QR `{code}` (mở `{earlier}`) có trong {where} nhưng đã bị xoá khỏi content/qr-lock.yml. "
                                              f"Giấy đã in vẫn dùng mã này: thêm lại dòng `{code}: {earlier}` vào `codes:`.")
    elif now != earlier:
        log.error(lock_path, lock.lines.get(code, 1),
                  f"Mã QR `{code}` trong {where} mở `{earlier}`, nay lại mở `{now}`. Không sửa dòng trong `codes:`: "
                  f"trả lại `{code}: {earlier}`, rồi khai báo việc chuyển trang bằng dòng `{code}: {now}` trong `moves:`.")
    return now != earlier


def _published_codes(manifest: Path | None) -> dict[str, str]:
    """code -> page, as the previous build published them (nothing if there is no readable manifest)."""
    published = previous_manifest(manifest)  # a damaged manifest is rebuilt: nothing to compare with
    return {entry.code: entry.page for entry in published.qr} if published else {}


def _committed_lock(lock_path: Path, root: Path, languages) -> Lock | None:
    try:
        rel = lock_path.resolve().relative_to(root.resolve()).as_posix()
        shown = subprocess.run(["git", "-C", str(root), "show", f"HEAD:{rel}"], capture_output=True, text=True, timeout=10)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
    if shown.returncode != 0:
        return None  # not a repository, or the lockfile was never committed
    return read_lock(lock_path, languages, ProblemLog(root), text=shown.stdout, where="content/qr-lock.yml (bản đã commit)")


def lock_text(lock: Lock) -> str:
    body = "codes:\n" + "".join(f"  {code}: {target}\n" for code, target in lock.codes.items())
    if lock.moves:
        body += "moves:\n" + "".join(
            f"  {code}:\n    to: {target}\n    reason: {json.dumps(lock.reasons[code], ensure_ascii=False)}\n" if code in lock.reasons
            else f"  {code}: {target}\n" for code, target in lock.moves.items())
    return LOCKFILE_HEADER + body


def _place(target: str) -> tuple[str, str | None]:
    """(language, audience) of a lockfile target: "vi/tu-nguyen/index.md" -> ("vi", "tu-nguyen")."""
    lang, rel = target.split("/", 1)
    return lang, PageKey.from_rel(rel).audience


def check_moves(lock: Lock, lock_path: Path, log: ProblemLog) -> None:
    """A printed code sent to another audience or language opens a page its reader never expected: only with a reason."""
    for code, target in lock.moves.items():
        (lang, audience), (was_lang, was_audience) = _place(target), _place(lock.codes[code])
        if code in lock.reasons or (lang, audience) == (was_lang, was_audience):
            continue
        change = "ngôn ngữ khác" if lang != was_lang else "nhóm đối tượng khác"
        log.error(lock_path, lock.move_lines.get(code, lock.codes_line),
                  f"Mã QR `{code}` đã cấp cho `{lock.codes[code]}` nay chuyển sang `{target}`, một trang cho {change}: người cầm tờ in "
                  f"sẽ mở trang khác hẳn điều họ đã đọc. Nếu đúng ý, viết lý do: `{code}:` rồi hai dòng thụt vào `to: {target}` và "
                  "`reason: …`; nếu không, sửa lại dòng này.")


def write_lock(lock_path: Path, lock: Lock) -> None:
    text = lock_text(lock)
    if not lock_path.exists() or lock_path.read_text(encoding="utf-8") != text:
        lock_path.write_text(text, encoding="utf-8")
