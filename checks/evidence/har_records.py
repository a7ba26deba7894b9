"""What the HAR readers hand out: an entry (:class:`HarRecord`), an entry decoded on first use
(:class:`LazyHarRecord`, with its msgspec summary at once), a body decoded on first read
(:class:`LazyBody`), and the entry shape every reader of them relies on (:func:`_normalise`)."""
from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from haralyzer import HarEntry

from .har_sources import HarError, _first_line

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

# Markers of bodies left raw by the fast readers (checks/evidence/har_fast.py).
_LAZY_MARK = "\x00wx-lazy-"
_LAZY_JSON = b'"\\u0000wx-lazy-%d"'
_LAZY_JSON0 = _LAZY_JSON % 0
_LAZY_MIN = 256  # bodies shorter than this are parsed at once (cheaper than a lazy wrapper)


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

class _Span:
    """A body's raw JSON inside a memory-mapped file, read only when the body is needed."""

    __slots__ = ("mm", "start", "end")

    def __init__(self, mm: Any, start: int, end: int):
        self.mm, self.start, self.end = mm, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def read(self) -> bytes:
        return self.mm[self.start:self.end]

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


def _summary_decoder() -> Any:
    """The summary decoder's ``decode`` (None without msgspec)."""
    global _DECODER
    if _DECODER is None:
        decoder: Any
        try:
            from .har_summary import DECODER as decoder
        except ImportError:  # msgspec missing: every entry is decoded in full (slower, same results)
            decoder = False
        _DECODER = decoder
    return _DECODER.decode if _DECODER is not False else None


def _summarise(meta: bytes, bodies: int, decoded: Any = None) -> Any:
    """The entry's summary, or None when only the full json decoding gives the exact answer
    (msgspec refuses the input, request/response are missing, or a body marker is misplaced).
    ``decoded``: the summary decoder's result for ``meta`` when a reader already has it."""
    decode = _summary_decoder()
    if decode is None:
        return None
    if not meta.isascii():  # msgspec does not check UTF-8 in the strings it skips; json does
        try:
            meta.decode("utf-8", "surrogatepass")  # what json.loads does with bytes
        except UnicodeDecodeError:
            return None
    try:
        s = decoded if decoded is not None else decode(meta)
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
