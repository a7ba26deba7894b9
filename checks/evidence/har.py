"""Streaming HAR reader: ``log.entries`` one at a time, each offered as haralyzer's ``HarEntry``.

haralyzer's ``HarParser`` loads the whole file with ``json.load``; on a 1 GB capture that is
gigabytes of Python objects. Here ijson walks ``log.entries`` and only one entry is alive at a
time, so memory stays flat while the entry API stays haralyzer's.

Accepted: ``.har``, gzip (``.har.gz``, detected by magic bytes), ``.zip`` archives holding one or
more HARs (also by magic bytes), UTF-8 with or without BOM, and UTF-16 with a BOM (re-encoded to
UTF-8 while read; Windows tools save it). Every bad input becomes a
:class:`HarError` whose message is one line naming the file and the reason/position; a HAR cut
off mid-file yields the entries read before the break and sets :attr:`HarReader.truncated`.
"""
from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Generator, Iterator

if TYPE_CHECKING:
    from haralyzer import HarEntry

from .har_fast import FAST_CHUNK, _fast_entries
from .har_records import (HarRecord, LazyBody, LazyHarRecord, _meta_of_outline, _normalise, _NotPretty,
                          _parse_pretty_entry, _summarise, _summary_decoder, body_text)
from .har_sources import CHUNK, HarError, HarSource, _CountingReader, _first_line, har_sources, validate_har

# The reader's parts live in har_sources, har_records and har_fast; these names stay importable
# from here (tests patch _fast_entries and _summarise here: the reader looks them up here).
__all__ = ["CHUNK", "HarError", "HarReader", "HarRecord", "HarSource", "LazyBody", "LazyHarRecord", "body_text",
           "har_sources", "read_log_meta", "validate_har"]


@dataclass
class HarReader:
    """Stream the entries of every HAR in ``path``.

    Iterate :meth:`records` once; afterwards :attr:`truncated`, :attr:`warnings`,
    :attr:`count` and :attr:`skipped` describe what was read.
    """

    path: Path | str
    sources: list[HarSource] = field(init=False)
    truncated: list[str] = field(default_factory=list, init=False)
    warnings: list[str] = field(default_factory=list, init=False)
    count: int = field(default=0, init=False)
    skipped: int = field(default=0, init=False)
    #: Read big bodies lazily (decoded on first access) when the file is pretty-printed; see
    #: :func:`_pretty_entries`. The analysis turns this on; redaction reads everything.
    lazy_bodies: bool = False
    #: Entries delivered by the pretty-printed fast path (the rest came from ijson).
    fast_count: int = field(default=0, init=False)
    #: With ``lazy_bodies``: hand out :class:`LazyHarRecord` (a small typed summary of the entry;
    #: the full entry is decoded only when asked for) wherever the summary decodes cleanly.
    summaries: bool = False
    #: Read size of the fast readers on a compressed stream (a plain file is memory-mapped).
    chunk_size: int = FAST_CHUNK
    _meta: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.sources = har_sources(self.path)

    def records(self, only: HarSource | None = None) -> Iterator[HarRecord | LazyHarRecord]:
        """Every entry of every HAR in the file, or of the HAR ``only`` (one of :attr:`sources`)."""
        for src in self.sources if only is None else [only]:
            progress = [0, 0]  # entries the fast readers consumed (delivered or skipped), delivered
            finished = False
            if self.lazy_bodies:
                # The pretty-printed reader first (when the file looks like one); when it stops
                # early, the any-layout reader from the start, skipping what was delivered.
                for layout in ("pretty", "any"):
                    used: list[str] = []
                    finished = yield from self._fast(src, layout, used, progress)
                    if finished or used != ["pretty"]:
                        break
            if not finished:  # any surprise: ijson takes over from where the fast readers stopped
                yield from self._read(src, skip=progress[0])

    def _fast(self, src: HarSource, layout: str, used: list[str],
              progress: list[int]) -> Generator[HarRecord | LazyHarRecord, None, bool]:
        """Records from a fast reader; returns True when the whole source was read."""
        try:
            fh = src.open()
        except (OSError, zipfile.BadZipFile) as exc:
            raise HarError(f"{src.name}: cannot open: {exc}") from None
        summaries = self.summaries
        # The any-layout reader decodes a summary where that also confirms where an entry ends.
        decode = _summary_decoder() if summaries else None
        seen = 0
        outline: list[bytes] = []
        try:
            with fh:
                for meta, raws, decoded in _fast_entries(src, fh, layout, used, outline, self.chunk_size, decode):
                    seen += 1
                    if seen <= progress[0]:
                        continue  # delivered by the reader before, which stopped further on
                    summary = _summarise(meta, len(raws), decoded) if summaries else None
                    if summary is not None:
                        yield LazyHarRecord(self.count, src.name, summary, meta, raws)
                    else:
                        item = _normalise(_parse_pretty_entry(meta, raws))
                        if item is None:
                            self.skipped += 1
                            progress[0] += 1
                            continue
                        yield HarRecord(self.count, src.name, item)
                    self.count += 1
                    self.fast_count += 1
                    progress[0] += 1
                    progress[1] += 1
        except RecursionError:
            # No browser nests a HAR this deep, and ijson (the fallback) keeps a path string per
            # level: 50,000 levels cost it gigabytes. Refuse the file instead of falling back.
            raise HarError(f"{src.name}: JSON nested deeper than any browser writes a HAR (damaged or "
                           f"hand-made); export the capture again from the browser") from None
        except (_NotPretty, ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error):
            return False
        if outline:
            self._meta[src.name] = _meta_of_outline(outline[-1])
        self._finish(src, progress[1])
        return True

    def log_meta(self, src: HarSource) -> dict[str, Any]:
        """``log`` fields other than entries of ``src``: from the outline the fast readers checked
        when they read it in full (no extra pass), else from one event-level pass of its own."""
        meta = self._meta.get(src.name)
        if meta is None:
            meta = self._meta[src.name] = read_log_meta(src)
        return meta

    def entries(self) -> Iterator[HarEntry]:
        """haralyzer ``HarEntry`` objects, one at a time."""
        for rec in self.records():
            yield rec.entry

    def _read(self, src: HarSource, skip: int = 0) -> Iterator[HarRecord]:
        import ijson  # heavy-ish C extension: only when a HAR is actually read

        n = 0
        seen = 0
        try:
            fh = src.open()
        except (OSError, zipfile.BadZipFile) as exc:
            raise HarError(f"{src.name}: cannot open: {exc}") from None
        with fh:
            reader = _CountingReader(fh)
            try:
                for item in ijson.items(reader, "log.entries.item", use_float=True, buf_size=CHUNK):
                    seen += 1
                    if seen <= skip:  # already delivered by the fast path
                        n += 1
                        continue
                    item = _normalise(item)
                    if item is None:
                        self.skipped += 1
                        continue
                    yield HarRecord(self.count, src.name, item)
                    self.count += 1
                    n += 1
            except ijson.IncompleteJSONError as exc:
                msg = _first_line(exc)
                if "premature EOF" in msg:
                    if n == 0:
                        raise HarError(f"{src.name}: the file ends early (truncated at {src.at(reader.pos)}) "
                                       "before any complete entry; export the HAR again") from None
                    self.truncated.append(src.name)
                    self.warnings.append(f"{src.name}: incomplete HAR: the file ends at {src.at(reader.pos)} in the "
                                         f"middle of the data; {n} entries before the break were read")
                    return
                if n == 0 and reader.pos <= CHUNK:
                    raise HarError(f"{src.name}: not a HAR: {_json_position(fh, src, msg)}") from None
                raise HarError(f"{src.name}: invalid JSON near {src.at(reader.pos)} after entry {n}: {msg}") from None
            except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
                # gzip/zip streams fail here when their compressed data is cut or damaged.
                if n:
                    self.truncated.append(src.name)
                    self.warnings.append(f"{src.name}: incomplete HAR: the compressed data is damaged after "
                                         f"{n} entries ({_first_line(exc)}); those entries were read")
                    return
                raise HarError(f"{src.name}: damaged compressed data ({_first_line(exc)})") from None
            except UnicodeDecodeError as exc:
                raise HarError(f"{src.name}: not UTF-8 text near byte {reader.pos} ({exc.reason})") from None
        self._finish(src, n)

    def _finish(self, src: HarSource, delivered: int) -> None:
        """After a source was read in full (either way): no entries is an error; skips are a warning."""
        if delivered == 0:
            _explain_empty(src)
        if self.skipped:
            self.warnings.append(f"{src.name}: {self.skipped} entries without a request/response object were skipped")


def _json_position(fh: IO[bytes], src: HarSource, fallback: str) -> str:
    """For small inputs, the exact line/column json reports (ijson gives no offset)."""
    try:
        with src.open() as again:
            data = again.read(CHUNK + 1)
        text = data.decode("utf-8-sig", errors="replace")
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    except Exception:  # noqa: BLE001 - the fallback message is still accurate
        pass
    return f"invalid JSON ({fallback})"


def _explain_empty(src: HarSource) -> None:
    """No entries came out: say whether this is JSON that is not a HAR or a HAR without entries."""
    import ijson

    with src.open() as fh:
        reader = _CountingReader(fh)
        top_keys: list[str] = []
        log_keys: list[str] = []
        entries_kind = None
        try:
            for prefix, event, value in ijson.parse(reader, buf_size=CHUNK):
                if prefix == "" and event in ("start_array", "string", "number", "boolean", "null"):
                    kind = "an array" if event == "start_array" else f"a single {event}"
                    raise HarError(f"{src.name}: JSON but not a HAR: the top level is {kind}, "
                                   "not an object with a 'log' key")
                if prefix == "" and event == "map_key":
                    top_keys.append(value)
                elif prefix == "log" and event == "map_key":
                    log_keys.append(value)
                elif prefix == "log.entries" and event in ("start_array", "start_map", "string", "number"):
                    entries_kind = event
                    if event != "start_array":
                        break
                if len(top_keys) > 50:
                    break
        except ijson.JSONError:
            pass
    if "log" not in top_keys:
        shown = ", ".join(top_keys[:8]) or "none"
        raise HarError(f"{src.name}: JSON but not a HAR: no 'log' object (top-level keys: {shown})")
    if entries_kind is None:
        raise HarError(f"{src.name}: not a HAR: 'log' has no 'entries' list (keys: {', '.join(log_keys) or 'none'})")
    if entries_kind != "start_array":
        raise HarError(f"{src.name}: not a HAR: 'log.entries' is not a list")
    raise HarError(f"{src.name}: the HAR has no usable entries; record again with the network tab open "
                   "while reproducing the problem")

def read_log_meta(src: HarSource) -> dict[str, Any]:
    """Every ``log`` field except ``entries`` (version, creator, browser, pages, comment …).

    One event-level pass; values under ``log.entries`` are skipped, so memory stays flat. A
    truncated file gives the fields read before the break.
    """
    import ijson

    meta: dict[str, Any] = {}
    key: str | None = None
    builder: Any = None
    depth = 0
    with src.open() as fh:
        try:
            for prefix, event, value in ijson.parse(_CountingReader(fh), buf_size=CHUNK, use_float=True):
                if builder is not None:
                    builder.event(event, value)
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                    if depth == 0:
                        meta[key] = builder.value  # type: ignore[index]
                        builder = None
                elif prefix == "log" and event == "map_key":
                    key = value
                    if value != "entries":
                        builder = ijson.ObjectBuilder()
                        depth = 0
        except ijson.JSONError:
            pass  # the entries pass reports the damage
    return meta
