"""The fast HAR readers: entries cut out of a memory map (or a stream) without a JSON parser walking
every byte — by indentation for pretty-printed HARs (here), with msgspec for any layout
(:mod:`.har_compact`; what both share is in :mod:`.har_cut`). Anything unexpected raises
:class:`_NotPretty` and the ijson reader continues from the same entry."""
from __future__ import annotations

import re
from typing import IO, Any, Iterator

from .har_compact import _compact_entries
from .har_cut import _HEAD_LIMIT, _RELEASE_EVERY, FAST_CHUNK, _check_outline, _check_value, _consumed, _cut_pretty_entry
from .har_records import _LAZY_MIN, _NoPrettyHead, _NotPretty
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


def _fast_entries(src: HarSource, fh: IO[bytes], layout: str = "pretty", used: list[str] | None = None,
                  outline: list[bytes] | None = None, chunk: int = FAST_CHUNK,
                  decode: Any = None) -> Iterator[tuple[bytes, list[Any], Any]]:
    """Memory-map plain files (no copy of the bodies at all); stream compressed ones.

    ``layout="pretty"`` tries the pretty-printed reader and, when the file does not start like
    one, the any-layout reader; ``"any"`` goes to the latter at once. ``used`` gets the reader's name,
    ``outline`` the file with its entries list emptied once it was read in full; ``chunk`` is
    the read size of a stream. Each entry is ``(meta, raws, decoded)``: ``decoded`` is
    ``decode(meta)`` when a reader had to decode it anyway (else None; ``decode`` must succeed
    only on one valid JSON value).
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
            for meta, raws in _pretty_entries(_CountingReader(fh) if mm is None else None, mm, outline, chunk):
                yield meta, raws, None
            return
        except _NoPrettyHead:  # minified, or laid out some other way: nothing was yielded yet
            if mm is None:
                fh = src.open()  # the pretty reader consumed the head: start over
    used[:] = ["any"]
    with fh:
        yield from _compact_entries(_CountingReader(fh) if mm is None else None, mm, outline, chunk, decode)


def _pretty_entries(reader: _CountingReader | None, mapped: Any = None, outline: list[bytes] | None = None,
                    chunk: int = FAST_CHUNK) -> Iterator[tuple[bytes, list[Any]]]:
    """Each entry as ``(meta, raws)``: its JSON with every long body replaced by a lazy marker
    (``meta``), and those bodies' raw JSON (``raws``, in marker order). Nothing is decoded here."""
    buf: Any = mapped if mapped is not None else bytearray()
    eof = mapped is not None
    released = 0

    def fill() -> bool:
        nonlocal eof
        if eof:
            return False
        data = reader.read(chunk)  # type: ignore[union-attr]
        if not data:
            eof = True
            return False
        buf.extend(data)
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
    # One search finds whichever comes first: the entry's end ("}," and the next "{" at the
    # entries' indent), the list's end ("}" and "]"), or a body line. It crosses every byte outside
    # the bodies once; a body is only crossed by the newline search that ends it (memchr) and by
    # msgspec validating it.
    marks = re.compile(re.escape(b"\n" + indent) + rb"(?:\},\n" + re.escape(indent) + rb"\{|\}\n"
                       + re.escape(outdent) + rb"\]|" + re.escape(b" " * (3 * step)) + rb'"text": ")')
    search, find = marks.search, buf.find
    lk, lc = 1 + inner + 3 * step + len(b'"text": "'), 2 + inner
    start = m.end() - 2  # at the entry's "{"
    final = False
    while True:
        pos = start
        bodies: list[tuple[int, int]] = []
        while True:
            hit = search(buf, pos)
            if hit is not None:
                idx = hit.start()
                if buf[idx + lc - 1] == 125:  # "}": the entry ends, and the list too unless a "," follows
                    final = buf[idx + lc] != 44
                    break
                eol = find(b"\n", idx + lk)
                if eol >= 0:
                    v0 = idx + lk - 1  # at the opening quote
                    v1 = eol - 1 if buf[eol - 1] == 44 else eol  # 44: ","
                    if v1 - v0 >= _LAZY_MIN:
                        _check_value(buf, v0, v1)  # a damaged body hands over here, as ijson would fail
                        bodies.append((v0, v1))
                    pos = eol
                    continue
            # The entry (or its body) goes on past what was read: search again from the same place.
            if not fill():
                raise _NotPretty("file ends inside an entry")
        end = idx + lc
        yield _cut_pretty_entry(buf, start, end, bodies, mapped)
        if final:
            while fill():  # the rest must close the document (as ijson would check)
                pass
            _check_outline(head + b"]" + bytes(buf[buf.find(b"]", end) + 1:]), outline)
            return
        start = end + 2 + inner  # at the next entry's "{"
        if mapped is None or start - released > _RELEASE_EVERY:  # (else _consumed has nothing to do)
            dropped, released = _consumed(buf, mapped, start, released, chunk)
            start -= dropped
