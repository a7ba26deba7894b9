"""Byte streams shared by the evidence readers."""
from __future__ import annotations

import codecs
import io
from typing import Any, BinaryIO

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def utf16_to_utf8(raw: BinaryIO) -> BinaryIO:
    """Re-encode a UTF-16 stream (with a BOM) to UTF-8 on the fly, a chunk at a time.

    Windows tools write UTF-16: Notepad's "Unicode", PowerShell 5's ``>`` and ``Out-File``. The
    readers scan bytes as UTF-8, so they read through this instead of refusing the file. A half
    character left at the end is a file cut off mid-way: it is dropped, so the reader reports the
    truncation as for any other file. ``read(0)`` returns ``b""`` (ijson calls it to learn the
    stream type); closing closes ``raw``.
    """
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")

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
