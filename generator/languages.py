"""The three languages of the site and their interface-string catalogues.

The generator owns the language layer (mkdocs-static-i18n rejects the ISO
639-3 codes `bdq` and `jra`): each language is a folder under `content/`, a
URL prefix, an HTML `lang` code and a catalogue of interface strings under
`generator/i18n/`. Strings a catalogue lacks fall back to Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from . import yamlfile

CATALOGUE_DIR = Path(__file__).parent / "i18n"
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


def load_languages(catalogue_dir: Path = CATALOGUE_DIR) -> tuple[Language, ...]:
    catalogues = {code: yamlfile.load(catalogue_dir / f"{code}.yml") for code in LANGUAGE_ORDER}
    fallback = dict(catalogues[DEFAULT_LANGUAGE]["strings"])
    languages = []
    for code in LANGUAGE_ORDER:
        data = catalogues[code]
        unknown = set(data["strings"] or {}) - set(fallback)
        if unknown:
            # A key only a translation has would never be used: a typo in the catalogue.
            raise ValueError(f"{catalogue_dir / (code + '.yml')}: unknown string keys {sorted(unknown)}")
        strings = {**fallback, **(data["strings"] or {})}
        languages.append(
            Language(
                code=data["code"],
                html_lang=data["html_lang"],
                name=data["name"],
                name_vi=data["name_vi"],
                strings=MappingProxyType(strings),
                review_status=data["review"]["status"],
            )
        )
    return tuple(languages)
