"""MkDocs hooks for the publisher (loaded through the `hooks` setting).

Each language is its own MkDocs build, and each build would compile Material's
forty-odd templates again. One bytecode cache per process lets every build
after the first reuse the compiled templates.
"""

from __future__ import annotations

import jinja2


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    def __init__(self):
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_CACHE = _MemoryBytecodeCache()


def on_env(env: jinja2.Environment, config, files) -> jinja2.Environment:
    env.bytecode_cache = _CACHE
    return env

