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


def case_dir(case_id: str) -> Path:
    """The case's own folder in the data folder: redacted copies and other files made for it."""
    return data_dir() / "cases" / case_id


def typed_path(text: str) -> Path:
    """A path as people paste it into a terminal, made plain: surrounding quotes ('…' or "…"),
    spaces escaped with a backslash (what drag-and-drop into a macOS or Linux terminal gives),
    ``file://`` URIs (percent-encoded, with or without a host), and ``~`` for the home folder.

    Windows paths keep their backslashes: a backslash is read as an escape only before a space or
    a character a shell escapes, never before a letter."""
    import re
    from urllib.parse import unquote, urlparse

    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        t = t[1:-1]
    if t.lower().startswith("file:"):
        u = urlparse(t)
        path = unquote(u.path)
        if re.match(r"^/[A-Za-z]:[/\\]", path):  # file:///C:/Users/… on Windows
            path = path[1:]
        elif u.netloc and u.netloc not in ("", "localhost"):
            path = f"//{u.netloc}{path}"  # a UNC share
        t = path
    else:
        t = re.sub(r"\\([ ()\[\]{}'\"&;!$#*?<>|`,=])", r"\1", t)
    return Path(t).expanduser()


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
