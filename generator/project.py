"""The project on disk: where its files are, and its sources read and validated.

Apart from the build, which imports every stage (Markdown, the sanitizer, Pillow, qrcode...), so
that commands that only read the sources (`outreach status`, `outreach stats`) load what reading
needs and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .problems import ProblemLog
from .sources.activities import ACTIVITY_FOLDER
from .sources.campaigns import Campaign, load_campaigns
from .sources.communes import Commune, load_communes
from .sources.content import SiteConfig, SourcePage, load_pages, load_site_config
from .sources.languages import Language, load_languages


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def site_file(self) -> Path:
        return self.content_dir / "site.yml"

    @property
    def config_file(self) -> Path:
        """MkDocs' settings: read by the publisher only."""
        return self.root / "mkdocs.yml"

    @property
    def qr_lockfile(self) -> Path:
        return self.content_dir / "qr-lock.yml"

    @property
    def communes_file(self) -> Path:
        return self.content_dir / "communes.yml"

    @property
    def campaigns_file(self) -> Path:
        return self.content_dir / "campaigns.yml"

    @property
    def activities_dir(self) -> Path:
        """The communes' activity records (`<year>.csv`) and the print register: records, not build inputs."""
        return self.content_dir / ACTIVITY_FOLDER

    @property
    def cache_dir(self) -> Path:
        return self.root / ".outreach-cache"



def read_sources(project: Project, log: ProblemLog) -> tuple[tuple[Language, ...], SiteConfig, list[SourcePage]]:
    """The pages as written, validated one by one (enough for the translation status)."""
    languages = load_languages()
    site = load_site_config(project.site_file, log)
    log.raise_if_errors()
    return languages, site, load_pages(project.content_dir, languages, site, log)


def read_editions(project: Project, site: SiteConfig, log: ProblemLog) -> tuple[list[Commune], list[Campaign]]:
    """communes.yml and campaigns.yml, whose codes share one namespace (the tags of short codes)."""
    communes = load_communes(project.communes_file, log)
    return communes, load_campaigns(project.campaigns_file, site, log, {c.code: (c.path, c.line) for c in communes})
