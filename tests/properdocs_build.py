"""The sample site built as `built_site` builds it, with ProperDocs standing in for MkDocs.

ProperDocs (a maintained MkDocs 1.x fork) answers every `import mkdocs...` with its own
module of the same name once `properdocs.replacement` is imported: here, before anything
imports MkDocs, in this process and so in the shard workers it forks. Run in
.venv-properdocs/ (scripts/test.sh makes it) by tests/test_properdocs.py:

    .venv-properdocs/bin/python tests/properdocs_build.py SITE_DIR CACHE_DIR AS_OF SITE_URL

The pages' generator tag then names ProperDocs: the test reads it to see who rendered them.
"""

import datetime as dt
import sys
from pathlib import Path

import properdocs.replacement  # noqa: F401  (first: every mkdocs.* import from here on is ProperDocs')

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.build import BuildOptions, Project, build  # noqa: E402
from generator.cache import ArtifactCache  # noqa: E402


def main() -> None:
    site_dir, cache_dir, as_of, site_url = sys.argv[1:5]
    options = BuildOptions(dt.date.fromisoformat(as_of), site_url, print_shop=True)
    build(Project(REPO), Path(site_dir), options, cache=ArtifactCache(Path(cache_dir)))


if __name__ == "__main__":
    main()
