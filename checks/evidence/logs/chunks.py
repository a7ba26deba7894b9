"""Reading a log in chunks that end where an entry starts, so multi-line entries stay whole."""
from __future__ import annotations

from typing import BinaryIO, Iterator

from .model import TS_START_RE

CHUNK_SIZE = 4 << 20
MAX_CARRY = 1 << 16  # an entry up to this size always stays in one chunk

def _last_entry_start(buf: bytes, limit: int = 4096) -> int:
    """Index of the last line that starts with a timestamp (after a newline), 0 if none is found."""
    pos = len(buf)
    for _ in range(limit):
        nl = buf.rfind(b"\n", 0, pos)
        if nl < 0:
            return 0
        if TS_START_RE.match(buf, nl + 1):
            return nl + 1
        pos = nl
    return 0


def iter_chunks(fh: BinaryIO, size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Chunks of ``fh`` that end where an entry starts, so multi-line entries stay whole.

    One read of look-ahead: the last chunk of a file is never split, so a small file is one chunk.
    """
    carry = b""
    data = fh.read(size)
    while data:
        nxt = fh.read(size)
        buf = carry + data if carry else data
        if not nxt:
            yield buf
            return
        cut = _last_entry_start(buf)
        if cut <= 0 and len(buf) < max(4 * size, MAX_CARRY):
            carry, data = buf, nxt  # one entry so far: read on so it stays whole
            continue
        if cut <= 0:
            cut = buf.rfind(b"\n") + 1  # an enormous entry (or no timestamps): keep lines whole
        if cut <= 0:
            cut = len(buf)  # an enormous line: give up keeping it whole
        yield buf[:cut]
        carry, data = buf[cut:], nxt
