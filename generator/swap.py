"""Putting a finished site in place of the published one, so that an interruption at any moment leaves a whole site.

A build writes the new site into a staging folder beside the published one
(`.site-new-…/site`, same file system). The switch is one system call where
Linux has it: `renameat2(RENAME_EXCHANGE)` swaps the two folders atomically,
so the published path always names a complete site, the old one or the new.
The old site is then in the staging folder and is removed.

Where the exchange is missing (another kernel, a file system without it) the
switch takes two renames, published -> `staging/old` then new -> published,
and there is a moment with no published site. Every build therefore starts
with `recover()`: a staging folder left by a dead build that still holds
`old` while the published path is missing gives it back. A build that fails
puts the old site back itself; nothing deletes a staging folder that holds
the only copy of the published site.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path

STAGING_PREFIX = "-new-"
STAGING_OWNER = "build.pid"
OLD = "old"  # inside a staging folder: the published site, moved out during a two-rename switch

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _libc_renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


_renameat2 = _libc_renameat2()


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step; False where the system cannot (then nothing changed)."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def swap_in(new_site: Path, site_dir: Path) -> None:
    """Make `new_site` (inside its staging folder) the published `site_dir`; the old site is removed afterwards."""
    if not site_dir.exists() and not site_dir.is_symlink():
        os.rename(new_site, site_dir)
        return
    if exchange(new_site, site_dir):
        shutil.rmtree(new_site, ignore_errors=True)  # now the old site
        return
    old = new_site.parent / OLD
    os.rename(site_dir, old)
    try:
        os.rename(new_site, site_dir)
    except BaseException:
        os.rename(old, site_dir)  # the old site goes back before anything else happens
        raise
    shutil.rmtree(old, ignore_errors=True)


def staging_folders(site_dir: Path) -> list[Path]:
    if not site_dir.parent.is_dir():
        return []
    return sorted(p for p in site_dir.parent.glob(f".{site_dir.name}{STAGING_PREFIX}*") if p.is_dir() and not p.is_symlink())


def recover(site_dir: Path) -> None:
    """Before a build: give back a site an interrupted switch moved out, then remove what dead builds left."""
    for leftover in staging_folders(site_dir):
        if _owner_alive(leftover):
            continue
        old = leftover / OLD
        if not site_dir.exists() and not site_dir.is_symlink() and old.is_dir():
            os.rename(old, site_dir)
        discard(leftover, site_dir)


def discard(staging: Path, site_dir: Path) -> None:
    """Remove a staging folder, unless it holds the only copy of the published site (then that is put back first)."""
    old = staging / OLD
    if old.is_dir() and not site_dir.exists() and not site_dir.is_symlink():
        os.rename(old, site_dir)
    shutil.rmtree(staging, ignore_errors=True)


def _owner_alive(staging: Path) -> bool:
    try:
        owner = int((staging / STAGING_OWNER).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return False
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
