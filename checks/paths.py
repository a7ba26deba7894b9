"""Where wxtriage keeps its files. ``WXTRIAGE_HOME`` overrides both (tests, portable use)."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def config_dir() -> Path:
    home = os.environ.get("WXTRIAGE_HOME")
    return Path(home) / "config" if home else Path(platformdirs.user_config_dir("wxtriage"))


def data_dir() -> Path:
    home = os.environ.get("WXTRIAGE_HOME")
    return Path(home) / "data" if home else Path(platformdirs.user_data_dir("wxtriage"))


def special_file(path: Path | str) -> str | None:
    """What ``path`` is when it is neither a regular file nor a folder (reading a FIFO, a socket
    or a device would block forever or never end), else None. Never blocks, never raises."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or unreadable: the caller's own message says so
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def refuse_special(path: Path | str) -> str | None:
    """The one-line reason to refuse ``path`` as input (see :func:`special_file`), or None."""
    what = special_file(path)
    return f"{path}: is {what}, not a file; save the data to a regular file and give that" if what else None
