"""What both fast HAR readers share: the read size, handing consumed bytes back, cutting an entry's
bodies out (lazy markers), msgspec telling where a JSON value ends, and the check of the text
around the entries list."""
from __future__ import annotations

import re
from typing import Any

from .har_records import _LAZY_JSON, _LAZY_JSON0, _NotPretty, _Span

#: Default read size of the fast readers on a compressed stream (a memory map needs none); the
#: reader takes it as its ``chunk_size`` parameter.
FAST_CHUNK = 1 << 20
#: How far into the file the entries list is looked for (a HAR's head is pages and creator).
_HEAD_LIMIT = 8 << 20

#: With a memory map, pages already scanned are dropped from this process every so many bytes, so
#: the resident size stays small although the whole file is mapped (the page cache keeps them).
_RELEASE_EVERY = 2 << 20


def _consumed(buf: Any, mapped: Any, upto: int, released: int, chunk: int) -> tuple[int, int]:
    """Everything before ``upto`` was handed out. A memory map gives its pages back to the page
    cache every :data:`_RELEASE_EVERY` bytes; a stream buffer drops them once past a chunk.
    Returns how many bytes were dropped from the front of ``buf`` (offsets shift by that) and the
    new release mark."""
    if mapped is not None:
        if upto - released > _RELEASE_EVERY and hasattr(mapped, "madvise"):
            import mmap

            released = upto - upto % mmap.PAGESIZE
            mapped.madvise(mmap.MADV_DONTNEED, 0, released)
        return 0, released
    if upto > chunk:  # drop what was consumed so the buffer stays small
        del buf[:upto]
        return upto, released
    return 0, released


def _cut_pretty_entry(buf: Any, start: int, end: int, bodies: list[tuple[int, int]],
                      mapped: Any) -> tuple[bytes, list[Any]]:
    if not bodies:
        return bytes(buf[start:end]), []
    if len(bodies) == 1:  # the usual case: one response body
        v0, v1 = bodies[0]
        if mapped is not None:
            return buf[start:v0] + _LAZY_JSON0 + buf[v1:end], [_Span(mapped, v0, v1)]
        return bytes(buf[start:v0] + _LAZY_JSON0 + buf[v1:end]), [bytes(buf[v0:v1])]
    pieces: list[bytes] = []
    raws: list[Any] = []
    pos = start
    for v0, v1 in bodies:
        pieces.append(buf[pos:v0])
        pieces.append(_LAZY_JSON % len(raws))
        # A memory map stays valid: remember where the body is. A stream buffer is reused: copy it.
        raws.append(_Span(mapped, v0, v1) if mapped is not None else bytes(buf[v0:v1]))
        pos = v1
    pieces.append(buf[pos:end])
    return b"".join(pieces), raws


_TRAILING = "JSON is malformed: trailing characters (byte "
_TRUNCATED = "Input data was truncated"
_ERROR_AT = re.compile(r"\(byte (\d+)\)$")
#: A value cut by the end of the bytes read is judged invalid at most this far before that end
#: (the longest token msgspec reads before judging it: a \uXXXX\uXXXX surrogate pair).
_CUT_MARGIN = 16
_SCAN: Any = None


def _value_end(buf: Any, start: int, stop: int, more: bool = False) -> int:
    """Where the JSON value starting at ``buf[start]`` (leading blanks allowed) ends, as the index
    of the first non-blank byte after it; ``stop`` when the value (and blanks) fill the rest; -1
    when ``buf[start:stop]`` holds only part of a value. Raises :class:`_NotPretty` for invalid JSON.

    ``more``: the bytes read so far end at ``stop`` and more follow. A value cut there mid-number,
    mid-literal or mid-escape looks invalid to msgspec ("invalid number"): an error in the last few
    bytes then means -1 (read more), not damage."""
    scan = _SCAN if _SCAN is not None else _raw_decoder()
    with memoryview(buf) as mv, mv[start:stop] as view:
        try:
            raw = scan(view)
        except RecursionError:
            raise  # nested too deep: the reader refuses the file rather than fall back to ijson
        except Exception as exc:  # noqa: BLE001 - msgspec.DecodeError; its message says why
            msg = str(exc)
            if msg.startswith(_TRAILING) and msg.endswith(")"):
                return start + int(msg[len(_TRAILING):-1]) - 1  # msgspec counts from 1
            if msg == _TRUNCATED:
                return -1
            at = _ERROR_AT.search(msg)
            if more and at is not None and int(at.group(1)) >= stop - start - _CUT_MARGIN:
                return -1
            raise _NotPretty(msg) from None
        del raw  # holds the view: drop it before the view is released
    return stop


def _raw_decoder() -> Any:
    """msgspec's validating decoder that builds nothing (``Raw``)."""
    global _SCAN
    if _SCAN is None:
        import msgspec

        _SCAN = msgspec.json.Decoder(msgspec.Raw).decode
    return _SCAN


def _check_value(buf: Any, start: int, stop: int) -> None:
    """Raise :class:`_NotPretty` unless ``buf[start:stop]`` is exactly one valid JSON value."""
    if _value_end(buf, start, stop) != stop:
        raise _NotPretty("not one JSON value")


def _check_outline(doc: bytes, outline: list[bytes] | None = None) -> None:
    """``doc`` (the file with its entries list emptied) is one JSON object whose ``log`` holds
    the ``entries`` list just read — and no second ``log`` or ``entries`` that ijson would read too.
    Once checked, it goes to ``outline`` (the reader takes the ``log`` fields from it)."""
    import msgspec

    if doc.count(b'"log"') != 1 or doc.count(b'"entries"') != 1:
        raise _NotPretty("several log or entries keys")
    try:
        top = msgspec.json.decode(doc, type=dict[str, msgspec.Raw])
        log = msgspec.json.decode(top["log"], type=dict[str, msgspec.Raw])
        ok = bytes(log["entries"]) == b"[]"
    except (msgspec.DecodeError, msgspec.ValidationError, KeyError):
        ok = False
    if not ok:
        raise _NotPretty("not a HAR outline around the entries")
    if outline is not None:
        outline.append(doc)
