"""The fast HAR reader for any layout (minified HARs, as tools, proxies and sanitizers re-save them)."""
from __future__ import annotations

import re
from typing import Any, Iterator

from .har_cut import (_HEAD_LIMIT, _RELEASE_EVERY, FAST_CHUNK, _check_outline, _consumed, _cut_pretty_entry,
                      _raw_decoder, _value_end)
from .har_records import _LAZY_JSON0, _LAZY_MIN, _NotPretty
from .har_sources import _BOM, _CountingReader

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
#: How far past an entry's start (or its last body) the next text key is looked for at first; a
#: file without bodies is not scanned to its end for one (a memory map would fault it all in).
_LOOK_AHEAD = 1 << 20
#: How far past a body the end of its entry is guessed (the fields after the response body are few).
_AFTER_LAST_BODY = 16 << 10


def _entry_end(buf: Any, start: int, stop: int, bodies: list[tuple[int, int]], more: bool = False) -> int:
    """:func:`_value_end` of ``buf[start:stop]`` with each body span in ``bodies`` replaced by a
    short string (they were validated on their own), as a position in ``buf``."""
    if not bodies:
        return _value_end(buf, start, stop, more)
    pieces: list[Any] = []
    pos = start
    for v0, v1 in bodies:
        pieces += (buf[pos:v0], _LAZY_JSON0)
        pos = v1
    pieces.append(buf[pos:stop])
    doc = b"".join(pieces)
    e = _value_end(doc, 0, len(doc), more)
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


def _first_close(buf: Any, start: int, stop: int) -> int:
    """Just past the first "}" in ``buf[start:stop]`` followed at once by "," and "{", or by "]";
    -1 when there is none."""
    a = buf.find(b"},{", start, stop)
    b = buf.find(b"}]", start, a if a >= 0 else stop)
    first = b if b >= 0 else a
    return first + 1 if first >= 0 else -1


def _compact_entries(reader: _CountingReader | None, mapped: Any = None, outline: list[bytes] | None = None,
                     chunk: int = FAST_CHUNK, decode: Any = None) -> Iterator[tuple[bytes, list[Any], Any]]:
    """:func:`_pretty_entries` for any layout: ``(meta, raws, decoded)`` per entry. ``decoded`` is
    ``decode(meta)`` when the entry's end was confirmed that way (see below), else None."""
    check = decode if decode is not None else _raw_decoder()
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
            cut = None
            decoded = None
            while end == -2:
                limit = min(len(buf), cur + horizon)
                ts, v0 = text_key(cur, limit)
                if ts >= 0:  # a string value under a "text" key: where it ends (and that it is valid)
                    v1 = body_at.get(v0, -1)
                    if v1 < 0:
                        after = _value_end(buf, v0, len(buf), not eof)
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
                if bodies and bodies[-1][1] == cur:
                    # Right after a body the entry usually ends at the first "},{" or "}]": decoding
                    # exactly up to there succeeds only if that is the end (a JSON object cannot be a
                    # prefix of a longer one), and spares the exception that says where it ends.
                    g = _first_close(buf, cur, min(stop, cur + _AFTER_LAST_BODY))
                    if g > 0:
                        cut = _cut_pretty_entry(buf, pos, g, bodies, mapped)
                        try:
                            decoded = check(cut[0])
                        except Exception:  # noqa: BLE001 - any doubt: msgspec says where the entry ends
                            pass
                        else:
                            end = g
                            continue
                e = _entry_end(buf, pos, stop, bodies, not eof and stop == len(buf))
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
        if decoded is None:
            cut = _cut_pretty_entry(buf, pos, end, bodies, mapped)
        yield cut[0], cut[1], decoded if decode is not None else None  # type: ignore[index]
        if len(body_at) > 64:
            body_at = {k: v for k, v in body_at.items() if k > end}
        if mapped is not None and end - released < _RELEASE_EVERY:  # (what _consumed would say)
            pos = end + 1
            continue
        dropped, released = _consumed(buf, mapped, end + 1, released, chunk)
        pos = end + 1 - dropped
        if dropped:
            kfrom = -1
            body_at = {}
    # The rest of the file must close the document, and the whole must be one HAR object.
    while fill(len(buf) + chunk):
        pass
    _check_outline(head + b"]" + bytes(buf[pos:]), outline)
