"""The three languages of the site and their interface-string catalogues.

The generator owns the language layer (mkdocs-static-i18n rejects the ISO
639-3 codes `bdq` and `jra`): each language is a folder under `content/`, a
URL prefix, an HTML `lang` code and a catalogue of interface strings under
`generator/i18n/`. Strings a catalogue lacks fall back to Vietnamese.
"""

from __future__ import annotations

import difflib
import string
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal, Mapping

from pydantic import Field, field_validator

from ..assets import CATALOGUE_DIR
from . import yamlfile
from ..problems import ContentError, ProblemLog
from .schema import Model, validate

DEFAULT_LANGUAGE = "vi"
LANGUAGE_ORDER = ("vi", "bahnar", "jrai")


@dataclass(frozen=True)
class Language:
    code: str  # folder under content/ and URL prefix ("" for the default)
    html_lang: str  # BCP 47 / ISO 639 code for <html lang>
    name: str  # the language's own name, shown in the switcher
    name_vi: str  # its name inside a Vietnamese sentence ("tiếng Bahnar")
    strings: Mapping[str, str] = field(compare=False)  # complete: own strings over Vietnamese ones
    review_status: str

    @property
    def is_default(self) -> bool:
        return self.code == DEFAULT_LANGUAGE

    @property
    def url_prefix(self) -> str:
        return "" if self.is_default else f"{self.code}/"

    def t(self, key: str, **values) -> str:
        return self.strings[key].format(**values)


def default_language(languages: tuple[Language, ...]) -> Language:
    return next(l for l in languages if l.is_default)


class ReviewEntry(Model):
    status: Literal["source", "needs-review", "reviewed"] = Field(
        description="`needs-review` (chưa có người bản ngữ kiểm tra) hoặc `reviewed` (đã kiểm tra).")
    reviewer: str | None = Field(None, description="Họ tên người bản ngữ đã kiểm tra các câu giao diện.")


class CatalogueFile(Model):
    code: str = Field(description="Tên thư mục ngôn ngữ trong content/ (vi, bahnar, jrai).")
    html_lang: str = Field(description="Mã ngôn ngữ theo ISO 639 (vi, bdq, jra).")
    name: str = Field(description="Tên ngôn ngữ bằng chính ngôn ngữ đó.")
    name_vi: str = Field(description="Tên ngôn ngữ trong câu tiếng Việt, ví dụ `tiếng Bahnar`.")
    review: ReviewEntry
    strings: dict[str, str] = Field(default_factory=dict, description="Các câu giao diện, mỗi dòng `khoá: câu`.")

    @field_validator("strings")
    @classmethod
    def _plain_text(cls, value: dict[str, str]) -> dict[str, str]:
        # The theme prints interface strings as they are, in text and in attributes: plain text only.
        for key, text in value.items():
            if any(c in text for c in '<>"'):
                raise ValueError(f"Câu `{key}` là chữ thường, không dùng dấu <, > hay \". Hãy xoá các dấu này (dùng “ ” thay cho \").")
            if len(text) > 600:
                raise ValueError(f"Câu `{key}` dài quá 600 ký tự: hãy viết ngắn lại.")
        return value


def load_languages(catalogue_dir: Path = CATALOGUE_DIR) -> tuple[Language, ...]:
    """Every language's catalogue, checked: known keys only, the same {placeholders} as Vietnamese."""
    log = ProblemLog(catalogue_dir.parent.parent)  # named as in the project: generator/i18n/bahnar.yml
    catalogues = {code: _read_catalogue(catalogue_dir / f"{code}.yml", log) for code in LANGUAGE_ORDER}
    if log.errors:
        raise ContentError(log.errors)
    fallback = catalogues[DEFAULT_LANGUAGE].strings
    languages = []
    for code in LANGUAGE_ORDER:
        catalogue, path = catalogues[code], catalogue_dir / f"{code}.yml"
        for key, text in catalogue.strings.items():
            line = catalogue.lines.get(key, 1)
            placeholders = _placeholders(text)
            if placeholders is None:
                log.error(path, line, f"Câu `{key}` có dấu {{ hoặc }} lẻ. Chỗ trống viết `{{tên}}`; "
                                      "muốn in chính dấu ngoặc thì viết hai lần: `{{{{` hoặc `}}}}`.")
            elif key not in fallback:
                # A key only a translation has would never be used: a typo in the catalogue.
                close = difflib.get_close_matches(key, list(fallback), n=1)
                log.error(path, line, f"Khoá `{key}` không có trong vi.yml." + (f" Có phải `{close[0]}`?" if close else ""))
            elif placeholders != _placeholders(fallback[key]):
                expected = ", ".join(sorted(_placeholders(fallback[key]) or ())) or "không có"
                log.error(path, line, f"Câu `{key}` phải dùng đúng các chỗ trống {{...}} của bản tiếng Việt ({expected}).")
        languages.append(Language(
            code=catalogue.data.code, html_lang=catalogue.data.html_lang, name=catalogue.data.name,
            name_vi=catalogue.data.name_vi, strings=MappingProxyType({**fallback, **catalogue.strings}),
            review_status=catalogue.data.review.status,
        ))
    if log.errors:
        raise ContentError(log.errors)
    return tuple(languages)


@dataclass(frozen=True)
class _Catalogue:
    data: CatalogueFile
    strings: dict[str, str]
    lines: dict[str, int]


def _read_catalogue(path: Path, log: ProblemLog) -> _Catalogue | None:
    try:
        raw = yamlfile.load(path)
    except (OSError, UnicodeDecodeError):
        log.error(path, 1, "Không đọc được tệp câu giao diện (thiếu tệp hoặc không ở bảng mã UTF-8).")
        return None
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"YAML không hợp lệ: {error.detail}.")
        return None
    data = validate(CatalogueFile, raw, path, log)
    if data is None:
        return None
    strings_node = raw.get("strings") or yamlfile.LineDict()
    return _Catalogue(data, dict(data.strings), {k: strings_node.line_of(k) for k in data.strings})


def _placeholders(text: str) -> set[str] | None:
    """The {names} a string fills in; None if its braces do not pair up."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return None
