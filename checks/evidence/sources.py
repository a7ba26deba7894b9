"""Where evidence files come from: a folder, a file, a zip or a tar archive, gzip members — and the
text they hold, as UTF-8 bytes whatever the encoding on disk.

One implementation for every reader: the client-log scanner lists and opens its files here, the
HAR reader wraps its gzip and UTF-16 members here. What counts as a wanted member (a log name, a
HAR name) and the wording of "what to do" stay with the reader; the mechanics live here.
"""
from __future__ import annotations

import codecs
import functools
import gzip
import io
import os
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Callable, cast

from .textio import text_encoding, utf16_to_utf8

if TYPE_CHECKING:
    import tarfile

ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")
MAX_WALK_FILES = 20000
#: Bytes read to decide whether a member is text, and in which encoding.
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Member:
    """One file to read: its display name, size and a way to open it as a binary stream."""

    name: str
    size: int
    opener: Callable[[], IO[bytes]]


@dataclass
class Listing:
    """The wanted files under one path (``kind``: folder | file | zip | tar) and what was left out."""

    root: str
    kind: str
    members: list[Member] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    ignored: int = 0  # files in a folder/archive whose names the reader does not want


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def is_tar_name(name: str) -> bool:
    return name.lower().endswith(TAR_SUFFIXES)


def as_binary(stream: object) -> BinaryIO:
    """``stream`` typed as the ``BinaryIO`` the readers take. A gzip member, a zip member and the
    re-encoding readers here are binary streams (``read``, ``close``, ``with``) that typeshed does
    not class as ``IO[bytes]`` (they derive from ``io.BufferedIOBase``/``io.RawIOBase``): this is
    the one place that says they are."""
    return cast(BinaryIO, stream)


def file_opener(path: Path) -> Callable[[], BinaryIO]:
    """An opener for a file on disk, read as bytes."""
    return lambda: path.open("rb")


def gunzip_opener(opener: Callable[[], IO[bytes]]) -> Callable[[], IO[bytes]]:
    """An opener that decompresses what ``opener`` opens (gzip)."""
    return lambda: as_binary(gzip.GzipFile(fileobj=opener(), mode="rb"))


def utf16_opener(opener: Callable[[], IO[bytes]]) -> Callable[[], IO[bytes]]:
    """An opener that re-encodes what ``opener`` opens (UTF-16 with a BOM) to UTF-8 on the fly."""
    return lambda: utf16_to_utf8(as_binary(opener()))


def maybe_gunzip(name: str, opener: Callable[[], IO[bytes]]) -> Callable[[], IO[bytes]]:
    """``opener``, decompressing when ``name`` ends in .gz (a rotated log, a .har.gz)."""
    if name.lower().endswith(".gz"):
        return gunzip_opener(opener)
    return opener


def archive_reason(exc: BaseException) -> str:
    """An archive library's message on one line (tarfile lists every method it tried, one a line)."""
    parts = [ln.strip(" -") for ln in str(exc).splitlines() if ln.strip(" -")]
    return " ".join(parts) if parts else type(exc).__name__


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def read_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged archive or compressed member can raise."""
    import tarfile  # here, not at the top: a HAR reader never opens a tar

    return (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zlib_error())


def list_folder(path: Path, wanted: Callable[[str], bool], max_files: int = MAX_WALK_FILES) -> Listing:
    """Wanted files under ``path`` (sorted, symlinks not followed); archives inside are skipped with
    a note, since each archive is its own source."""
    src = Listing(str(path), "folder")
    seen = 0
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for fn in sorted(filenames):
            seen += 1
            if seen > max_files:
                src.skipped.append((str(Path(dirpath).relative_to(path)), f"more than {max_files} files; stopped"))
                return src
            full = Path(dirpath) / fn
            rel = full.relative_to(path).as_posix()
            if full.is_symlink() or not full.is_file():
                continue
            if is_archive(fn):
                src.skipped.append((rel, "archive inside the folder: point wxtriage at it separately"))
                continue
            if not wanted(fn):
                src.ignored += 1
                continue
            try:
                size = full.stat().st_size
            except OSError as exc:
                src.skipped.append((rel, f"cannot read: {exc.strerror}"))
                continue
            src.members.append(Member(rel, size, maybe_gunzip(fn, file_opener(full))))
    return src


def list_zip(path: Path, stack: ExitStack, wanted: Callable[[str], bool],
             error: type[Exception] = ValueError) -> Listing:
    """Wanted members of a zip (kept open until ``stack`` closes); ``error`` says it is unreadable."""
    try:
        zf = stack.enter_context(zipfile.ZipFile(path))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise error(f"{path} is not a readable zip file ({archive_reason(exc)}); re-create it or unpack it "
                    "and give the folder") from None
    src = Listing(str(path), "zip")
    for info in zf.infolist():
        if info.is_dir():
            continue
        name = info.filename
        if info.flag_bits & 0x1:
            src.skipped.append((name, "encrypted in the zip; unpack it and give the folder"))
        elif is_archive(name):
            src.skipped.append((name, "archive inside the archive: unpack it first"))
        elif not wanted(name):
            src.ignored += 1
        else:
            src.members.append(Member(name, info.file_size, maybe_gunzip(name, functools.partial(zf.open, info))))
    return src


def list_tar(path: Path, stack: ExitStack, wanted: Callable[[str], bool],
             error: type[Exception] = ValueError) -> Listing:
    """Wanted regular files of a tar archive (any compression tarfile knows), open until ``stack`` closes."""
    import tarfile

    try:
        tf = stack.enter_context(tarfile.open(path, "r:*"))
        infos = tf.getmembers()
    except (tarfile.TarError, OSError, EOFError, zlib_error()) as exc:
        raise error(f"{path} is not a readable tar archive ({archive_reason(exc)}); re-create it or unpack it "
                    "and give the folder") from None
    src = Listing(str(path), "tar")
    for info in infos:
        if not info.isfile():
            continue
        name = info.name
        if is_archive(name):
            src.skipped.append((name, "archive inside the archive: unpack it first"))
        elif not wanted(name):
            src.ignored += 1
        else:
            def opener(info: tarfile.TarInfo = info) -> IO[bytes]:
                fh = tf.extractfile(info)
                assert fh is not None  # regular files always have a stream
                return fh
            src.members.append(Member(name, info.size, maybe_gunzip(name, opener)))
    return src


def binary_reason(head: bytes) -> str | None:
    """``None`` for text (UTF-16 too, with or without a BOM), else why the bytes look binary."""
    if text_encoding(head) is not None:
        return None
    return "binary (contains NUL bytes)" if b"\x00" in head else "binary (mostly control bytes)"


@dataclass
class TextStream:
    """A member opened as UTF-8 bytes. ``status``: text | empty | binary (then ``stream`` is None);
    ``note`` says what was done ("UTF-16 text") or why it is not read."""

    stream: BinaryIO | None
    status: str = "text"
    note: str = ""


def text_stream(raw: IO[bytes]) -> TextStream:
    """``raw`` as UTF-8 bytes: a UTF-8 BOM dropped, UTF-16 (BOM or not) re-encoded while read;
    empty and binary streams are refused with a note. The caller still closes ``raw``."""
    head = raw.read(SNIFF_BYTES)
    if not head:
        return TextStream(None, "empty", "0 bytes")
    why = binary_reason(head)
    if why:
        return TextStream(None, "binary", f"{why}: skipped")
    enc = text_encoding(head)
    if enc is not None and enc.startswith("utf-16"):
        return TextStream(utf16_to_utf8(as_binary(Prepend(head, raw)), enc), "text", "UTF-16 text")
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    return TextStream(as_binary(Prepend(head, raw)))


class Prepend(io.RawIOBase):
    """A stream that first returns ``head`` (already read for sniffing), then the rest of ``raw``."""

    def __init__(self, head: bytes, raw: IO[bytes]):
        self.head = head
        self.raw = raw

    def readable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        if self.head:
            if n is None or n < 0:
                out, self.head = self.head + self.raw.read(), b""
                return out
            out, self.head = self.head[:n], self.head[n:]
            if len(out) < n:
                out += self.raw.read(n - len(out))
            return out
        return self.raw.read(-1 if n is None else n)

    def readinto(self, b: Any) -> int:  # pragma: no cover - read() is what the scanner calls
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)
