"""The one place that writes files into the site.

Stages compute what they make as `{site-relative path: bytes}` and return it;
the build gathers those maps and `write_files` writes them into the staging
folder. A path claimed twice is a bug in the generator (two stages making
the same file), so it stops the build instead of one file silently winning.
Only MkDocs writes its own pages, inside the publisher.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Mapping


def gather(*groups: Mapping[str, bytes]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for group in groups:
        for rel, data in group.items():
            if rel in files:
                raise RuntimeError(f"two stages of the build make {rel}")
            files[rel] = data
    return files


def write_files(files: Mapping[str, bytes], site_dir: Path) -> None:
    for rel, data in files.items():
        path = PurePosixPath(rel)
        if path.is_absolute() or ".." in path.parts:
            raise RuntimeError(f"refusing to write outside the site: {rel}")
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
