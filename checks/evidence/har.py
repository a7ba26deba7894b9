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

import base64
import binascii
import re
import json
import math
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Generator, Iterator

if TYPE_CHECKING:
    from haralyzer import HarEntry

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


def _har_entry(raw: dict[str, Any]) -> HarEntry:
    # haralyzer pulls in asyncio, ssl and dateutil (~7 MB): imported only when an entry is wrapped.
    from haralyzer import HarEntry

    return HarEntry(raw)


@dataclass(frozen=True)
class HarRecord:
    """One entry as read: its position in the file, the source it came from, the entry (``raw``)
    and haralyzer's wrapper of it (``entry``, made on first use)."""

    index: int
    source: str
    raw: dict[str, Any]

    @property
    def entry(self) -> HarEntry:
        return _har_entry(self.raw)


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
        seen = 0
        outline: list[bytes] = []
        try:
            with fh:
                for meta, raws in _fast_entries(src, fh, layout, used, outline):
                    seen += 1
                    if seen <= progress[0]:
                        continue  # delivered by the reader before, which stopped further on
                    summary = _summarise(meta, len(raws)) if summaries else None
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
        except (_NotPretty, ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, RecursionError):
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


def body_text(content: dict[str, Any] | None, limit: int | None = None) -> str | None:
    """A response ``content`` (or request ``postData``) as text, decoding base64 bodies.

    Returns None when there is no text (Chrome leaves it out for cached or large bodies).
    """
    if not isinstance(content, dict):
        return None
    if limit is not None and isinstance(content, LazyBody) and content.raw_size > 12 * limit + 2:
        # Certainly too long (no character takes more than 12 bytes of JSON, "\\ud83d\\ude00"):
        # not decoded just to learn that. Shorter raw text is decoded, so escapes count as ijson counts them.
        return None
    text = content.get("text")
    if not isinstance(text, str):
        b64 = content.get("_textBase64")
        if not isinstance(b64, str):
            return None
        text, encoded = b64, True
    else:
        encoded = str(content.get("encoding", "")).lower() == "base64"
    if limit is not None and len(text) > limit:
        return None
    if encoded:
        try:
            raw = base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return None  # an image or other binary body: nothing to read
    return text


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


def _normalise(item: Any) -> dict[str, Any] | None:
    """An entry with the shape every reader of it relies on, or None when it is not an entry.

    Hand-edited or tool-made HARs put a string where a list belongs (``"headers": "…"``), an object
    where a list belongs, a list where ``postData`` should be an object, or ``Infinity`` as a
    status. Such fields are coerced (an object of headers becomes name/value pairs; a string
    ``postData`` becomes its text) or dropped, so one odd field never stops the analysis — and
    the redacted copy still gets every value through the redaction rules.
    """
    if not _is_entry(item):
        return None
    for part in ("request", "response"):
        msg = item[part]
        for key, sep in (("headers", "\n"), ("cookies", ";"), ("queryString", "&")):
            if key in msg:
                msg[key] = _pairs(msg[key], sep)
        for key in ("postData", "content"):
            if key in msg and not isinstance(msg[key], dict):
                value = msg[key]
                if isinstance(value, str):
                    msg[key] = {"mimeType": "", "text": value}
                else:
                    del msg[key]
        body = msg.get("postData")
        if isinstance(body, dict) and "params" in body:
            body["params"] = _pairs(body["params"], "&")
        for key in ("url", "method", "httpVersion"):
            if key in msg and msg[key] is not None and not isinstance(msg[key], str):
                msg[key] = str(msg[key])  # what the analysis reads it as (a summary does the same)
    status = item["response"].get("status")
    if isinstance(status, float) and not math.isfinite(status):  # Infinity, NaN, 1e400: no status at all
        item["response"]["status"] = 0
    return item


def _pairs(value: Any, sep: str) -> list[dict[str, Any]]:
    """A headers/cookies/queryString/params field as a list of name/value objects, whatever it was:
    a list (non-objects dropped), an object ``{name: value}``, or one string (``a=1&b=2``, a
    cookie line, header lines) split at ``sep``."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    if isinstance(value, dict):
        return [{"name": str(k), "value": v if isinstance(v, str) else json.dumps(v)} for k, v in value.items()]
    if isinstance(value, str) and value:
        out = []
        for part in value.split(sep):
            name, eq, val = part.partition(":" if sep == "\n" else "=")
            out.append({"name": name.strip(), "value": val.strip() if sep != "&" else val} if eq
                       else {"name": "", "value": part})
        return out
    return []


def _is_entry(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("request"), dict) and isinstance(item.get("response"), dict)


# --------------------------------------------------------------------------------------------
# Fast path for pretty-printed HARs (what browsers export)
# --------------------------------------------------------------------------------------------
# A JSON string cannot hold a raw newline, so in a pretty-printed file the line "<indent>}" at the
# entries' indent closes an entry, and a line '<indent>"text": "…"' at the bodies' indent holds a
# whole body. Entries are cut out with bytes.find, big bodies stay raw bytes until someone reads
# them, and the small rest of each entry is decoded (a msgspec summary, or json in full). Anything
# unexpected raises _NotPretty and the ijson reader continues from the same entry.

_LAZY_MARK = "\x00wx-lazy-"
_LAZY_JSON = b'"\\u0000wx-lazy-%d"'
_LAZY_JSON0 = _LAZY_JSON % 0
_LAZY_MIN = 256  # bodies shorter than this are parsed at once (cheaper than a lazy wrapper)
_ENTRIES_RE = re.compile(rb'\n( *)"entries": \[\n( *)\{\n')
_FAST_CHUNK = 1 << 20


class _NotPretty(Exception):
    pass


class _NoPrettyHead(_NotPretty):
    """No pretty-printed entries list at the start: the layout-independent reader is tried next."""


class LazyBody(dict):
    """A ``content``/``postData`` dict whose ``text`` is decoded from raw JSON on first access."""

    __slots__ = ("_raw",)

    def __init__(self, d: dict[str, Any], raw: Any):
        super().__init__(d)
        self._raw: Any = raw  # bytes, or a _Span of a memory-mapped file

    @property
    def raw_size(self) -> int:
        return len(self._raw) if self._raw is not None else len(dict.get(self, "text") or "")

    def raw_json(self) -> str | None:
        """The text's JSON (a string literal, quotes included) as in the file while it is not
        decoded yet; None once decoded or when it is not UTF-8 (decoding then says what is wrong)."""
        if self._raw is None:
            return None
        raw = self._raw.read() if isinstance(self._raw, _Span) else self._raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def _load(self) -> None:
        if self._raw is not None:
            raw, self._raw = self._raw, None
            try:
                text = json.loads(raw.read() if isinstance(raw, _Span) else raw)
            except (ValueError, RecursionError) as exc:  # a raw control character, a bad escape …
                raise HarError(f"invalid JSON in a body: {_first_line(exc)}; export the HAR again") from None
            dict.__setitem__(self, "text", text if isinstance(text, str) else json.dumps(text))

    def __getitem__(self, key: str) -> Any:
        if key == "text":
            self._load()
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        if key == "text":
            self._load()
        return dict.get(self, key, default)

    def items(self):  # type: ignore[override]
        self._load()
        return dict.items(self)

    def values(self):  # type: ignore[override]
        self._load()
        return dict.values(self)

    def copy(self) -> dict[str, Any]:  # type: ignore[override]
        self._load()
        return dict(self)


def _fast_entries(src: HarSource, fh: IO[bytes], layout: str = "pretty", used: list[str] | None = None,
                  outline: list[bytes] | None = None) -> Iterator[tuple[bytes, list[Any]]]:
    """Memory-map plain files (no copy of the bodies at all); stream compressed ones.

    ``layout="pretty"`` tries the pretty-printed reader and, when the file does not start like
    one, the any-layout reader; ``"any"`` goes to the latter at once. ``used`` gets the reader's name,
    ``outline`` the file with its entries list emptied once it was read in full.
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
            yield from _pretty_entries(_CountingReader(fh) if mm is None else None, mm, outline)
            return
        except _NoPrettyHead:  # minified, or laid out some other way: nothing was yielded yet
            if mm is None:
                fh = src.open()  # the pretty reader consumed the head: start over
    used[:] = ["any"]
    with fh:
        yield from _compact_entries(_CountingReader(fh) if mm is None else None, mm, outline)


class _Span:
    """A body's raw JSON inside a memory-mapped file, read only when the body is needed."""

    __slots__ = ("mm", "start", "end")

    def __init__(self, mm: Any, start: int, end: int):
        self.mm, self.start, self.end = mm, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def read(self) -> bytes:
        return self.mm[self.start:self.end]


#: With a memory map, pages already scanned are dropped from this process every so many bytes, so
#: the resident size stays small although the whole file is mapped (the page cache keeps them).
_RELEASE_EVERY = 2 << 20


def _pretty_entries(reader: _CountingReader | None, mapped: Any = None,
                    outline: list[bytes] | None = None) -> Iterator[tuple[bytes, list[Any]]]:
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
        data = reader.read(_FAST_CHUNK)  # type: ignore[union-attr]
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
        k = buf.find(b'"entries"', 0, 8 * _FAST_CHUNK)
        m = _ENTRIES_RE.search(buf, max(0, k - 256), k + 512) if k >= 0 else None
        if m:
            break
        if k >= 0 and len(buf) > k + 512:
            raise _NoPrettyHead("the entries list is not pretty-printed")
        if len(buf) > 8 * _FAST_CHUNK or not fill():
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
            doc = head + b"]" + bytes(buf[buf.find(b"]", end) + 1:])
            _check_outline(doc)
            if outline is not None:
                outline.append(doc)
            return
        start = end + 2 + inner  # at the next entry's "{"
        if mapped is not None:
            if start - released > _RELEASE_EVERY and hasattr(mapped, "madvise"):
                import mmap

                cut = start - start % mmap.PAGESIZE
                mapped.madvise(mmap.MADV_DONTNEED, 0, cut)
                released = cut
        elif start > _FAST_CHUNK:  # drop what was consumed so the buffer stays small
            del buf[:start]
            next_body = next_body - start if next_body >= start else -2
            start = 0


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
# (plus the blanks after it) ends. The same trick finds where a body string ends. Bodies are then
# cut out exactly as on the pretty-printed path, so everything after the cut is shared. The text
# around the entries list is checked at the end as one small JSON document (the entries replaced
# by []), so a damaged head or tail hands over to ijson like anything else unexpected.

_ENTRIES_KEY_RE = re.compile(rb'"entries"\s*:\s*\[')
_TEXT_KEY_RE = re.compile(rb'"text"\s*:\s*"')
_TRAILING = "JSON is malformed: trailing characters (byte "
_TRUNCATED = "Input data was truncated"
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
        except Exception as exc:  # noqa: BLE001 - msgspec.DecodeError; its message says why
            msg = str(exc)
            if msg.startswith(_TRAILING) and msg.endswith(")"):
                return start + int(msg[len(_TRAILING):-1]) - 1  # msgspec counts from 1
            if msg == _TRUNCATED:
                return -1
            raise _NotPretty(msg) from None
        del raw  # holds the view: drop it before the view is released
    return stop


def _check_value(buf: Any, start: int, stop: int) -> None:
    """Raise :class:`_NotPretty` unless ``buf[start:stop]`` is exactly one valid JSON value."""
    if _value_end(buf, start, stop) != stop:
        raise _NotPretty("not one JSON value")


def _compact_entries(reader: _CountingReader | None, mapped: Any = None,
                     outline: list[bytes] | None = None) -> Iterator[tuple[bytes, list[Any]]]:
    """:func:`_pretty_entries` for any layout: ``(meta, raws)`` per entry."""
    buf: Any = mapped if mapped is not None else bytearray()
    eof = mapped is not None
    released = 0

    def fill(want: int) -> bool:
        """Read until ``buf`` holds ``want`` bytes (or the file ends); False when nothing came."""
        nonlocal eof
        grew = False
        while not eof and len(buf) < want:
            data = reader.read(max(_FAST_CHUNK, want - len(buf)))  # type: ignore[union-attr]
            if not data:
                eof = True
                break
            buf.extend(data)
            grew = True
        return grew

    fill(_FAST_CHUNK)
    lead = len(_BOM) if mapped is not None and buf[:3] == _BOM else 0  # the stream reader drops it itself
    while True:
        m = _ENTRIES_KEY_RE.search(buf, lead, 8 * _FAST_CHUNK)
        if m and m.end() < len(buf):
            break
        if len(buf) > 8 * _FAST_CHUNK or not fill(len(buf) + _FAST_CHUNK):
            raise _NotPretty("no entries list near the start")
    head = bytes(buf[lead:m.end()])
    _check_outline(head + b"]}}")  # log.entries, not a list of the same name elsewhere
    pos = m.end()
    while True:  # an empty list ends here; anything else is for msgspec to judge
        while pos < len(buf) and buf[pos] in b" \t\r\n":
            pos += 1
        if pos < len(buf) or not fill(len(buf) + _FAST_CHUNK):
            break
    final = pos < len(buf) and buf[pos] == 93  # 93: "]"
    if final:
        pos += 1
    while not final:
        # One entry: [pos, end), end at the "," or "]" after it.
        want = len(buf)
        while True:
            end = _value_end(buf, pos, len(buf))
            if 0 <= end < len(buf):  # else: the entry, or the "," or "]" after it, is still to be read
                break
            want = 2 * want - pos  # read at least as much again: each byte is rescanned a few times at most
            if not fill(want):
                raise _NotPretty("file ends inside an entry")
        sep = buf[end]
        if sep not in (44, 93):  # "," or "]"
            raise _NotPretty("no comma between entries")
        final = sep == 93
        bodies: list[tuple[int, int]] = []
        for t in _TEXT_KEY_RE.finditer(buf, pos, end):
            v0 = t.end() - 1  # at the opening quote of the value
            if bodies and t.start() < bodies[-1][1]:
                continue  # inside the previous body
            k = t.start()
            while k > pos and buf[k - 1] == 92:  # "\\": an escaped quote is part of a longer key
                k -= 1
            if (t.start() - k) % 2:
                continue
            after = _value_end(buf, v0, end)  # the entry is valid JSON: the string ends in it
            v1 = buf.rfind(b'"', v0 + 1, after) + 1  # the closing quote (blanks may follow)
            if v1 - v0 >= _LAZY_MIN:
                bodies.append((v0, v1))
        yield _cut_pretty_entry(buf, pos, end, bodies, mapped)
        pos = end + 1
        if mapped is not None:
            if pos - released > _RELEASE_EVERY and hasattr(mapped, "madvise"):
                import mmap

                cut = pos - pos % mmap.PAGESIZE
                mapped.madvise(mmap.MADV_DONTNEED, 0, cut)
                released = cut
        elif pos > _FAST_CHUNK:  # drop what was consumed so the buffer stays small
            del buf[:pos]
            pos = 0
    # The rest of the file must close the document, and the whole must be one HAR object.
    while fill(len(buf) + _FAST_CHUNK):
        pass
    doc = head + b"]" + bytes(buf[pos:])
    _check_outline(doc)
    if outline is not None:
        outline.append(doc)


def _check_outline(doc: bytes) -> None:
    """``doc`` (the file with its entries list emptied) is one JSON object whose ``log`` holds
    the ``entries`` list just read — and no second ``log`` or ``entries`` that ijson would read too."""
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


def _meta_of_outline(doc: bytes) -> dict[str, Any]:
    """The ``log`` fields other than entries, from a checked outline (as :func:`read_log_meta` reads them)."""
    log = json.loads(doc)["log"]
    return {k: v for k, v in log.items() if k != "entries"}


def _parse_pretty_entry(meta: bytes, raws: list[Any]) -> dict[str, Any]:
    entry = json.loads(meta)
    if not raws:
        return entry
    placed = 0
    for part, key in (("response", "content"), ("request", "postData")):
        msg = entry.get(part) if isinstance(entry, dict) else None
        slot = msg.get(key) if isinstance(msg, dict) else None
        text = slot.get("text") if isinstance(slot, dict) else None
        if isinstance(text, str) and text.startswith(_LAZY_MARK) and isinstance(msg, dict) and isinstance(slot, dict):
            msg[key] = LazyBody(slot, raws[int(text[len(_LAZY_MARK):])])
            placed += 1
    if placed != len(raws):  # a long "text" elsewhere (a WebSocket message …): read it all at once
        return json.loads(_unsplit(meta, raws))
    return entry


def _unsplit(meta: bytes, raws: list[Any]) -> bytes:
    """The entry's JSON as it was in the file: every lazy marker replaced by its body again."""
    if meta.count(_LAZY_JSON0[:-2]) != len(raws):  # the marker's text also occurs in the entry itself
        raise _NotPretty("lazy marker inside the entry")
    for i, raw in enumerate(raws):
        meta = meta.replace(_LAZY_JSON % i, raw.read() if isinstance(raw, _Span) else raw, 1)
    return meta


# --------------------------------------------------------------------------------------------
# Entry summaries: what every entry must be read for, without decoding the rest
# --------------------------------------------------------------------------------------------
# The analysis reads every entry's time, method, URL, status, headers, cookies and parameters, but
# looks at the rest (bodies, timings, initiator stacks …) only for the few entries that failed.
# msgspec decodes just those fields into small structs and skips the rest at C speed while still
# checking that the whole entry is valid JSON. Anything it does not accept exactly as json would
# (NaN, lone surrogates, a header that is not an object …) goes the full json way instead.

_DECODER: Any = None


def _summarise(meta: bytes, bodies: int) -> Any:
    """The entry's summary, or None when only the full json decoding gives the exact answer
    (msgspec refuses the input, request/response are missing, or a body marker is misplaced)."""
    global _DECODER
    if _DECODER is None:
        decoder: Any
        try:
            from .har_summary import DECODER as decoder
        except ImportError:  # msgspec missing: every entry is decoded in full (slower, same results)
            decoder = False
        _DECODER = decoder
    if _DECODER is False:
        return None
    if not meta.isascii():  # msgspec does not check UTF-8 in the strings it skips; json does
        try:
            meta.decode("utf-8", "surrogatepass")  # what json.loads does with bytes
        except UnicodeDecodeError:
            return None
    try:
        s = _DECODER.decode(meta)
    except Exception:  # noqa: BLE001 - msgspec.DecodeError/ValidationError: json decides
        return None
    req, resp = s.request, s.response
    if req is None or resp is None:
        return None
    if bodies:
        placed = 0
        for slot in (resp.content, req.postData):
            if slot is not None and isinstance(slot.text, str) and slot.text.startswith(_LAZY_MARK):
                placed += 1
        if placed != bodies:
            return None
    return s


class LazyHarRecord:
    """A :class:`HarRecord` whose entry is decoded on first use; :attr:`summary` is available at once.

    The summary has ``startedDateTime`` and ``request``/``response`` with ``method``, ``url``,
    ``status``, ``headers``, ``cookies``, ``queryString``, ``postData.params`` (pairs with
    ``name``/``value``) — attribute access, the JSON values as decoded, defaults when absent.
    """

    __slots__ = ("index", "source", "summary", "_meta", "_raws", "_raw")

    def __init__(self, index: int, source: str, summary: Any, meta: bytes, raws: list[Any]):
        self.index, self.source, self.summary = index, source, summary
        self._meta, self._raws = meta, raws
        self._raw: dict[str, Any] | None = None

    @property
    def raw(self) -> dict[str, Any]:
        if self._raw is None:
            try:
                item = _normalise(_parse_pretty_entry(self._meta, self._raws))
            except (ValueError, _NotPretty, RecursionError) as exc:  # msgspec accepted it: json should too
                raise HarError(f"{self.source}: invalid JSON in entry {self.index + 1}: {_first_line(exc)}") from None
            if item is None:
                raise HarError(f"{self.source}: entry {self.index + 1} has no request/response object")
            self._raw = item
            self._meta = b""
        return self._raw

    @property
    def entry(self) -> HarEntry:
        return _har_entry(self.raw)
