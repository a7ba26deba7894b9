"""The fast HAR readers: entries cut out of a memory map (or a stream) without a JSON parser walking
every byte — by indentation for pretty-printed HARs, with msgspec for any layout. Anything
unexpected raises :class:`_NotPretty` and the ijson reader continues from the same entry."""
from __future__ import annotations

import re
from typing import IO, Any, Iterator

from .har_records import _LAZY_JSON, _LAZY_JSON0, _LAZY_MIN, _NoPrettyHead, _NotPretty, _Span
from .har_sources import _BOM, HarSource, _CountingReader

# --------------------------------------------------------------------------------------------
# Fast path for pretty-printed HARs (what browsers export)
# --------------------------------------------------------------------------------------------
# A JSON string cannot hold a raw newline, so in a pretty-printed file the line "<indent>}" at the
# entries' indent closes an entry, and a line '<indent>"text": "…"' at the bodies' indent holds a
# whole body. Entries are cut out with bytes.find, big bodies stay raw bytes until someone reads
# them, and the small rest of each entry is decoded (a msgspec summary, or json in full). Anything
# unexpected raises _NotPretty and the ijson reader continues from the same entry.

_ENTRIES_RE = re.compile(rb'\n( *)"entries": \[\n( *)\{\n')
#: Default read size of the fast readers on a compressed stream (a memory map needs none); the
#: reader takes it as its ``chunk_size`` parameter.
FAST_CHUNK = 1 << 20
#: How far into the file the entries list is looked for (a HAR's head is pages and creator).
_HEAD_LIMIT = 8 << 20


def _fast_entries(src: HarSource, fh: IO[bytes], layout: str = "pretty", used: list[str] | None = None,
                  outline: list[bytes] | None = None, chunk: int = FAST_CHUNK) -> Iterator[tuple[bytes, list[Any]]]:
    """Memory-map plain files (no copy of the bodies at all); stream compressed ones.

    ``layout="pretty"`` tries the pretty-printed reader and, when the file does not start like
    one, the any-layout reader; ``"any"`` goes to the latter at once. ``used`` gets the reader's name,
    ``outline`` the file with its entries list emptied once it was read in full; ``chunk`` is
    the read size of a stream.
    """
    used = used if used is not None else []
    mm = None
    if src.plain is not None:
        import mmap

        try:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # empty file, or a file system without mmap
            mm = None
        else:
            if hasattr(mm, "madvise"):
                mm.madvise(mmap.MADV_SEQUENTIAL)
    # mm stays open while lazy bodies still refer to it; the GC closes it
    if layout == "pretty":
        try:
            used[:] = ["pretty"]
            yield from _pretty_entries(_CountingReader(fh) if mm is None else None, mm, outline, chunk)
            return
        except _NoPrettyHead:  # minified, or laid out some other way: nothing was yielded yet
            if mm is None:
                fh = src.open()  # the pretty reader consumed the head: start over
    used[:] = ["any"]
    with fh:
        yield from _compact_entries(_CountingReader(fh) if mm is None else None, mm, outline, chunk)

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


def _pretty_entries(reader: _CountingReader | None, mapped: Any = None, outline: list[bytes] | None = None,
                    chunk: int = FAST_CHUNK) -> Iterator[tuple[bytes, list[Any]]]:
    """Each entry as ``(meta, raws)``: its JSON with every long body replaced by a lazy marker
    (``meta``), and those bodies' raw JSON (``raws``, in marker order). Nothing is decoded here."""
    buf: Any = mapped if mapped is not None else bytearray()
    eof = mapped is not None
    released = 0

    next_body = -2  # see below

    def fill() -> bool:
        nonlocal eof, next_body
        if eof:
            return False
        data = reader.read(chunk)  # type: ignore[union-attr]
        if not data:
            eof = True
            return False
        buf.extend(data)
        if next_body == -1:  # "no body ahead" held only for the data read so far
            next_body = -2
        return True

    while True:  # the head, up to the first entry
        # Only where the first "entries" key is: scanning megabytes of a minified file for a
        # pretty-printed list would fault its pages in for nothing.
        k = buf.find(b'"entries"', 0, _HEAD_LIMIT)
        m = _ENTRIES_RE.search(buf, max(0, k - 256), k + 512) if k >= 0 else None
        if m:
            break
        if k >= 0 and len(buf) > k + 512:
            raise _NoPrettyHead("the entries list is not pretty-printed")
        if len(buf) > _HEAD_LIMIT or not fill():
            raise _NoPrettyHead("no pretty-printed entries list")
    outer, inner = len(m.group(1)), len(m.group(2))
    lead = len(_BOM) if mapped is not None and buf[:3] == _BOM else 0  # the stream reader drops it itself
    head = bytes(buf[lead:m.start(2) - 1])  # up to the "[" of the entries
    _check_outline(head + b"]}}")  # log.entries, not a list of the same name elsewhere
    step = inner - outer
    if step <= 0:
        raise _NoPrettyHead("odd indentation")
    indent, outdent = b" " * inner, b" " * outer
    # An entry ends at "}" on its own line at the entries' indent, followed by the next entry's
    # "{" or by the end of the list. A JSON string cannot hold a raw newline, so these lines are
    # structure; a cut that is still wrong (a file indented inconsistently) is not valid JSON on
    # its own, and decoding it fails, so ijson takes over.
    sep = b"\n" + indent + b"},\n" + indent + b"{"
    last = b"\n" + indent + b"}\n" + outdent + b"]"
    body_key = b"\n" + b" " * (inner + 3 * step) + b'"text": "'
    start = m.end() - 2  # at the entry's "{"
    # Where the next body line starts (or -1: none in the data read so far). Found once and kept
    # across entries, so every byte is searched once for it; a body itself is only crossed by
    # the newline search that ends it (memchr), never by the search for the entry's end.
    find = buf.find
    lk, lc = len(body_key), 2 + inner
    final = False
    while True:
        pos = start
        bodies: list[tuple[int, int]] = []
        while True:
            if next_body < pos and next_body != -1:
                next_body = find(body_key, pos)
            if next_body >= 0:
                idx = find(sep, pos, next_body)
                if idx >= 0:
                    break
                eol = find(b"\n", next_body + lk)
                if eol >= 0:
                    v0 = next_body + lk - 1  # at the opening quote
                    v1 = eol - 1 if buf[eol - 1] == 44 else eol  # 44: ","
                    if v1 - v0 >= _LAZY_MIN:
                        _check_value(buf, v0, v1)  # a damaged body hands over here, as ijson would fail
                        bodies.append((v0, v1))
                    pos = eol
                    continue
            else:
                idx = find(sep, pos)
                if idx >= 0:
                    break
                idx = find(last, pos)
                if idx >= 0:
                    final = True
                    break
            # The entry (or its body) goes on past what was read.
            if not fill():
                raise _NotPretty("file ends inside an entry")
            pos = start
            bodies = []
        end = idx + lc
        yield _cut_pretty_entry(buf, start, end, bodies, mapped)
        if final:
            while fill():  # the rest must close the document (as ijson would check)
                pass
            _check_outline(head + b"]" + bytes(buf[buf.find(b"]", end) + 1:]), outline)
            return
        start = end + 2 + inner  # at the next entry's "{"
        dropped, released = _consumed(buf, mapped, start, released, chunk)
        if dropped:
            next_body = next_body - dropped if next_body >= dropped else -2
            start -= dropped


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


# --------------------------------------------------------------------------------------------
# Fast path for any layout (minified HARs, as tools, proxies and sanitizers re-save them)
# --------------------------------------------------------------------------------------------
# Without line structure, an entry's end is found by msgspec: it validates one JSON value at C
# speed and, when more follows, fails with "trailing characters (byte N)" — N is where the value
# (plus the blanks after it) ends. The same trick finds where a body string ends; the entry is then
# validated with its bodies replaced by short markers, so a body's bytes are crossed by msgspec
# once (not once for the entry and again for the body). Bodies are then
# cut out exactly as on the pretty-printed path, so everything after the cut is shared. The text
# around the entries list is checked at the end as one small JSON document (the entries replaced
# by []), so a damaged head or tail hands over to ijson like anything else unexpected.

_ENTRIES_KEY_RE = re.compile(rb'"entries"\s*:\s*\[')
_TEXT_KEY_RE = re.compile(rb'"text"\s*:\s*"')
_TRAILING = "JSON is malformed: trailing characters (byte "
_TRUNCATED = "Input data was truncated"
#: How far past an entry's start (or its last body) the next text key is looked for at first; a
#: file without bodies is not scanned to its end for one (a memory map would fault it all in).
_LOOK_AHEAD = 1 << 20
_SCAN: Any = None


def _value_end(buf: Any, start: int, stop: int) -> int:
    """Where the JSON value starting at ``buf[start]`` (leading blanks allowed) ends, as the index
    of the first non-blank byte after it; ``stop`` when the value (and blanks) fill the rest; -1
    when ``buf[start:stop]`` holds only part of a value. Raises :class:`_NotPretty` for invalid JSON."""
    global _SCAN
    if _SCAN is None:
        import msgspec

        _SCAN = msgspec.json.Decoder(msgspec.Raw).decode
    with memoryview(buf) as mv, mv[start:stop] as view:
        try:
            raw = _SCAN(view)
        except RecursionError:
            raise  # nested too deep: the reader refuses the file rather than fall back to ijson
        except Exception as exc:  # noqa: BLE001 - msgspec.DecodeError; its message says why
            msg = str(exc)
            if msg.startswith(_TRAILING) and msg.endswith(")"):
                return start + int(msg[len(_TRAILING):-1]) - 1  # msgspec counts from 1
            if msg == _TRUNCATED:
                return -1
            raise _NotPretty(msg) from None
        del raw  # holds the view: drop it before the view is released
    return stop


def _entry_end(buf: Any, start: int, stop: int, bodies: list[tuple[int, int]]) -> int:
    """:func:`_value_end` of ``buf[start:stop]`` with each body span in ``bodies`` replaced by a
    short string (they were validated on their own), as a position in ``buf``."""
    if not bodies:
        return _value_end(buf, start, stop)
    pieces: list[Any] = []
    pos = start
    for v0, v1 in bodies:
        pieces += (buf[pos:v0], _LAZY_JSON0)
        pos = v1
    pieces.append(buf[pos:stop])
    doc = b"".join(pieces)
    e = _value_end(doc, 0, len(doc))
    if e < 0:
        return e
    # Back to a position in buf: walk the pieces kept as they were (a value never ends in a marker).
    pos, off = start, 0
    for v0, v1 in bodies:
        if e <= off + v0 - pos:
            return pos + e - off
        off += v0 - pos + len(_LAZY_JSON0)
        if e < off:
            raise _NotPretty("a body ends the entry")
        pos = v1
    return pos + e - off


def _check_value(buf: Any, start: int, stop: int) -> None:
    """Raise :class:`_NotPretty` unless ``buf[start:stop]`` is exactly one valid JSON value."""
    if _value_end(buf, start, stop) != stop:
        raise _NotPretty("not one JSON value")


def _compact_entries(reader: _CountingReader | None, mapped: Any = None, outline: list[bytes] | None = None,
                     chunk: int = FAST_CHUNK) -> Iterator[tuple[bytes, list[Any]]]:
    """:func:`_pretty_entries` for any layout: ``(meta, raws)`` per entry."""
    buf: Any = mapped if mapped is not None else bytearray()
    eof = mapped is not None
    released = 0

    def fill(want: int) -> bool:
        """Read until ``buf`` holds ``want`` bytes (or the file ends); False when nothing came."""
        nonlocal eof
        grew = False
        while not eof and len(buf) < want:
            data = reader.read(max(chunk, want - len(buf)))  # type: ignore[union-attr]
            if not data:
                eof = True
                break
            buf.extend(data)
            grew = True
        return grew

    fill(chunk)
    lead = len(_BOM) if mapped is not None and buf[:3] == _BOM else 0  # the stream reader drops it itself
    while True:
        m = _ENTRIES_KEY_RE.search(buf, lead, _HEAD_LIMIT)
        if m and m.end() < len(buf):
            break
        if len(buf) > _HEAD_LIMIT or not fill(len(buf) + chunk):
            raise _NotPretty("no entries list near the start")
    head = bytes(buf[lead:m.end()])
    _check_outline(head + b"]}}")  # log.entries, not a list of the same name elsewhere
    pos = m.end()
    while True:  # an empty list ends here; anything else is for msgspec to judge
        while pos < len(buf) and buf[pos] in b" \t\r\n":
            pos += 1
        if pos < len(buf) or not fill(len(buf) + chunk):
            break
    final = pos < len(buf) and buf[pos] == 93  # 93: "]"
    if final:
        pos += 1
    # Each byte is validated by msgspec once: a long body on its own (which also says where the
    # string ends), the rest of the entry with the bodies replaced by markers (which says where the
    # entry ends). Text keys are looked for only outside bodies, up to the next one ahead; the
    # entry is decoded up to that key, so when it ends before it, the key (and the body just
    # validated) belong to a later entry and are remembered for it.
    kfrom = kto = kts = kv0 = -1  # the key search done last: [kfrom, kto) has its first key at kts (-1: none)
    body_at: dict[int, int] = {}  # bodies validated ahead of their entry: start -> end

    def text_key(frm: int, to: int) -> tuple[int, int]:
        """The first ``"text": "`` key that starts at or after ``frm`` and ends before ``to``
        (where it starts, where its string value starts), or (-1, -1)."""
        nonlocal kfrom, kto, kts, kv0
        if 0 <= kfrom <= frm and (kts >= frm or (kts < 0 and kto >= to)):
            return (kts, kv0) if 0 <= kts and kv0 < to else (-1, -1)
        kfrom, kto, kts, kv0 = frm, to, -1, -1
        m = _TEXT_KEY_RE.search(buf, frm, to)
        while m:
            k = m.start()
            while k > frm and buf[k - 1] == 92:  # "\\": an escaped quote is part of a longer key
                k -= 1
            if not (m.start() - k) % 2:
                kts, kv0 = m.start(), m.end() - 1
                break
            m = _TEXT_KEY_RE.search(buf, m.start() + 1, to)
        return (kts, kv0) if kts >= 0 else (-1, -1)

    while not final:
        # One entry: [pos, end), end at the "," or "]" after it.
        horizon = _LOOK_AHEAD  # how far past the last body a text key (or the entry's end) is looked for
        while True:  # until the entry is cut; after reading more, from its start again
            bodies: list[tuple[int, int]] = []
            cur = pos
            end = -2
            while end == -2:
                limit = min(len(buf), cur + horizon)
                ts, v0 = text_key(cur, limit)
                if ts >= 0:  # a string value under a "text" key: where it ends (and that it is valid)
                    v1 = body_at.get(v0, -1)
                    if v1 < 0:
                        after = _value_end(buf, v0, len(buf))
                        if after < 0:  # the string goes on past what was read: is it this entry's?
                            e = _entry_end(buf, pos, ts, bodies)
                            if 0 <= e <= ts:
                                end = e
                                continue
                            break
                        v1 = body_at[v0] = buf.rfind(b'"', v0 + 1, after) + 1  # the closing quote
                    if v1 - v0 >= _LAZY_MIN:
                        bodies.append((v0, v1))
                    cur = v1
                    limit = min(len(buf), cur + horizon)
                    ts, _ = text_key(cur, limit)
                stop = ts if ts >= 0 else limit
                e = _entry_end(buf, pos, stop, bodies)
                if 0 <= e < stop or (e == stop and ts >= 0):
                    end = e  # (a key right after the entry is a missing comma: refused below)
                    if bodies and bodies[-1][0] > end:  # the key was a later entry's
                        bodies = [b for b in bodies if b[0] < end]
                elif ts >= 0:
                    continue  # the entry goes on past the next key: its body is the entry's too
                elif stop < len(buf):
                    horizon *= 2
                else:
                    break  # the entry (or the "," or "]" after it) goes on past what was read
            if end >= 0:
                break
            if not fill(max(2 * len(buf) - pos, len(buf) + 1)):
                raise _NotPretty("file ends inside an entry")
        sep = buf[end]
        if sep not in (44, 93):  # "," or "]"
            raise _NotPretty("no comma between entries")
        final = sep == 93
        yield _cut_pretty_entry(buf, pos, end, bodies, mapped)
        if len(body_at) > 64:
            body_at = {k: v for k, v in body_at.items() if k > end}
        dropped, released = _consumed(buf, mapped, end + 1, released, chunk)
        pos = end + 1 - dropped
        if dropped:
            kfrom = -1
            body_at = {}
    # The rest of the file must close the document, and the whole must be one HAR object.
    while fill(len(buf) + chunk):
        pass
    _check_outline(head + b"]" + bytes(buf[pos:]), outline)


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
