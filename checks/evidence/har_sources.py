"""Where HAR text comes from: plain files, gzip, zip archives holding several HARs, UTF-8 with or
without BOM and UTF-16 with a BOM; the error type every HAR reader raises."""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable

from ..api import InputError
from ..paths import refuse_special
from .sources import gunzip_opener as _gunzip_opener, utf16_opener as _utf16_opener
from .textio import UTF16_BOMS

#: Read size for ijson; also the precision of "near byte N" in error messages for big files.
CHUNK = 64 * 1024
_BOM = b"\xef\xbb\xbf"


class HarError(InputError):
    """A file that cannot be read as a HAR. ``str()`` is one line: file, reason, position."""


def validate_har(path: str) -> None:
    """Cheap up-front check for the ``har`` option (the CLI runs it before any check): the file
    exists, is a HAR/gzip/zip, and its JSON starts as an object. Deeper damage (truncation, bad
    JSON further in) is reported by the reader while analysing."""
    sources = har_sources(path)
    src = sources[0]
    with src.open() as fh:
        head = fh.read(4096)
    body = head[len(_BOM):] if head.startswith(_BOM) else head
    body = body.lstrip()
    if body.startswith(b"["):
        raise HarError(f"{src.name}: JSON but not a HAR: the top level is an array, not an object with a 'log' key")
    if not body.startswith(b"{"):
        raise HarError(f"{src.name}: not a HAR: the file does not start with '{{' (a HAR is a JSON object)")


@dataclass(frozen=True)
class HarSource:
    """One HAR inside what the user gave: the file itself, or a member of a zip."""

    name: str  # what messages show: "capture.har" or "bundle.zip:capture.har"
    open: Callable[[], IO[bytes]]
    plain: Path | None = None  # the file itself when it is an uncompressed HAR (can be memory-mapped)
    utf16: bool = False  # re-encoded to UTF-8 while read: positions count characters, not file bytes

    def at(self, pos: int) -> str:
        """A position for messages, in the unit the user can find in the file."""
        return f"character {pos}" if self.utf16 else f"byte {pos}"

class _CountingReader:
    """Counts bytes handed to the parser (for error positions) and drops a UTF-8 BOM.

    Only ``read`` is offered, so ijson cannot bypass it with ``readinto``.
    """

    def __init__(self, fh: IO[bytes]):
        self.fh = fh
        self.pos = 0
        self._first = True

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        if self._first and data:  # ijson first calls read(0) to learn bytes vs str
            self._first = False
            if data.startswith(_BOM):
                data = data[len(_BOM):]
                self.pos += len(_BOM)
        self.pos += len(data)
        return data


def _sniff(head: bytes, name: str) -> str:
    """'gzip', 'zip' or 'json' from the first bytes; raise for what cannot be a HAR."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if not head:
        raise HarError(f"{name}: the file is empty; export the HAR again from the browser's network tab")
    if head.startswith(UTF16_BOMS):
        return "utf16"  # saved by Notepad ("Unicode") or PowerShell 5 (`>`, Out-File): re-encoded while read
    body = head[len(_BOM):] if head.startswith(_BOM) else head
    if b"\x00" in body[:4096]:
        raise HarError(f"{name}: binary data, not a HAR (a HAR is JSON text starting with '{{')")
    return "json"


def har_sources(path: Path | str) -> list[HarSource]:
    """The HARs held by ``path`` (one for a .har/.har.gz, one per HAR member for a .zip)."""
    p = Path(path)
    name = p.name
    special = refuse_special(p)
    if special:
        raise HarError(special)
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError:
        raise HarError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise HarError(f"{p}: is a folder; give the .har file") from None
    except OSError as exc:
        raise HarError(f"{p}: cannot read: {exc.strerror or exc}") from None
    kind = _sniff(head, name)
    if kind == "json":
        return [HarSource(name, lambda: p.open("rb"), p)]
    if kind == "utf16":
        return [HarSource(name, _utf16_opener(lambda: p.open("rb")), utf16=True)]
    if kind == "gzip":
        opener = _gunzip_opener(lambda: p.open("rb"))
        try:
            with opener() as fh:
                inner = fh.read(4096)
        except (OSError, EOFError, zlib.error) as exc:
            raise HarError(f"{name}: damaged gzip file ({exc})") from None
        inner_kind = _sniff(inner, name)
        if inner_kind not in ("json", "utf16"):
            raise HarError(f"{name}: the gzip file does not hold a HAR")
        utf16 = inner_kind == "utf16"
        return [HarSource(name, _utf16_opener(opener) if utf16 else opener, utf16=utf16)]
    return _zip_sources(p)


def _zip_sources(p: Path) -> list[HarSource]:
    try:
        with zipfile.ZipFile(p) as zf:
            members = [i.filename for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise HarError(f"{p.name}: damaged zip file ({exc})") from None
    hars = [m for m in members if m.lower().endswith((".har", ".har.gz"))]
    if not hars:
        shown = ", ".join(members[:5]) + (" …" if len(members) > 5 else "") or "(empty)"
        raise HarError(f"{p.name}: the zip holds no .har file (members: {shown})")

    def member_source(member: str) -> HarSource:
        def open_member() -> IO[bytes]:
            zf = zipfile.ZipFile(p)
            fh = zf.open(member)
            fh._wx_zip = zf  # type: ignore[attr-defined]  # keep the archive open as long as the member
            return fh
        opener = _gunzip_opener(open_member) if member.lower().endswith(".gz") else open_member
        try:
            with opener() as fh:
                head = fh.read(2)
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise HarError(f"{p.name}:{member}: damaged compressed data ({_first_line(exc)})") from None
        if head.startswith(UTF16_BOMS):
            return HarSource(f"{p.name}:{member}", _utf16_opener(opener), utf16=True)
        return HarSource(f"{p.name}:{member}", opener)

    return [member_source(m) for m in hars]


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".")
