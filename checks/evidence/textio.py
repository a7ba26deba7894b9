"""Text decoding and byte streams shared by the evidence readers.

One answer everywhere to "is this text, and in which encoding": Windows tools save UTF-16
(Notepad's "Unicode", PowerShell 5's ``>`` and ``Out-File``), sometimes without a BOM; Excel and
Windows terminals save cp1252. Client logs, pastes of BroadWorks CLI output, user exports and the
bundle's copies of inputs all decide with :func:`text_encoding` (HARs sniff their own JSON).
"""
from __future__ import annotations

import codecs
import io
from typing import Any, BinaryIO

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: How many bytes :func:`text_encoding` needs to decide.
SNIFF_BYTES = 8192


def text_encoding(head: bytes) -> str | None:
    """The encoding of text whose first bytes are ``head``, or None for binary data.

    ``utf-16`` (a BOM says which order), ``utf-16-le`` / ``utf-16-be`` (no BOM: mostly-ASCII text
    has a zero in every other byte), ``utf-8-sig``, ``utf-8`` — or ``cp1252`` when the bytes are
    not UTF-8. NUL bytes in any other layout, or mostly control bytes, mean binary.
    """
    if head.startswith(UTF16_BOMS):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in head:
        size = len(head) - len(head) % 2
        even, odd = head[0:size:2].count(0), head[1:size:2].count(0)
        if odd > size // 4 and even <= odd // 8:
            return "utf-16-le"
        if even > size // 4 and odd <= even // 8:
            return "utf-16-be"
        return None
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if head and controls / len(head) > 0.1:
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"  # Western Windows ("CSV (comma delimited)", terminals); decodes nearly anything


def decode_text(data: bytes, errors: str = "strict") -> str | None:
    """``data`` as text by :func:`text_encoding` (None for binary). With ``errors="strict"`` a
    damaged UTF-16 file raises UnicodeDecodeError; UTF-8 that breaks after the sniffed start is
    read as cp1252 (Latin-1 for its five undefined bytes), as Windows tools would have written it."""
    enc = text_encoding(data[:SNIFF_BYTES])
    if enc is None:
        return None
    if enc.startswith("utf-16"):
        return data.decode(enc, errors)
    for candidate in (enc, "cp1252"):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def utf16_to_utf8(raw: BinaryIO, encoding: str = "utf-16") -> BinaryIO:
    """Re-encode a UTF-16 stream (with a BOM, or in the byte order ``encoding`` names) to UTF-8 on
    the fly, a chunk at a time.

    Windows tools write UTF-16: Notepad's "Unicode", PowerShell 5's ``>`` and ``Out-File``. The
    readers scan bytes as UTF-8, so they read through this instead of refusing the file. A half
    character left at the end is a file cut off mid-way: it is dropped, so the reader reports the
    truncation as for any other file. ``read(0)`` returns ``b""`` (ijson calls it to learn the
    stream type); closing closes ``raw``.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    class _Reader(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:  # pragma: no cover - only used through read()
            data = self.read(len(b))
            b[: len(data)] = data
            return len(data)

        def read(self, n: int | None = -1) -> bytes:
            if n == 0:
                return b""
            while True:
                chunk = raw.read(-1 if n is None or n < 0 else n)
                if not chunk:
                    return b""
                text = decoder.decode(chunk)
                if text:
                    return text.encode("utf-8")

        def close(self) -> None:
            if not self.closed:
                raw.close()
            super().close()

    return _Reader()  # type: ignore[return-value]
