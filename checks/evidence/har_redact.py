"""Structural redaction of HAR entries: headers, cookies, parameters, bodies (JSON at any depth,
forms, HTML, base64), with the text rules (:mod:`.har_redact_text`) on every string."""
from __future__ import annotations

import base64
import binascii
import functools
import json
from typing import Any

from ..redact.names import _SECRET_HEADER_NAMES, _is_secret_key, _secret_header, _secret_pair, is_secret_name
from ..redact.text import Redactor
from .har_redact_text import FORM_PAIR_RE, HarTextRules, is_script

_URL_KEY, _SECRET_KEY, _LIST_KEY, _PLAIN_KEY = range(4)


@functools.lru_cache(maxsize=4096)
def _key_kind(key: str) -> int:
    """How :meth:`HarRedactor._walk` treats a key's value (cached: a HAR repeats the same keys)."""
    if key in ("url", "redirectURL"):
        return _URL_KEY
    if _is_secret_key(key) and key != "cookies":
        return _SECRET_KEY
    if key in ("queryString", "params", "postData"):
        return _LIST_KEY
    return _PLAIN_KEY


#: Stands for a body kept as captured in the line :meth:`HarRedactor.entry_line` builds.
_KEPT_MARK = "\x00wx-kept-"


#: Lists of name/value pairs in a HAR.
_PAIR_PARENTS = frozenset({"headers", "cookies", "queryString", "params"})
#: Values copied as they are by the walk (no text in them).
_SCALARS = frozenset({int, float, bool, type(None)})
#: Strings up to this length are remembered with their redacted form, up to _MEMO_MAX of them.
_MEMO_LEN = 512
_MEMO_MAX = 20_000


class HarRedactor(HarTextRules):
    """Structural redaction of HAR entries with a shared :class:`Redactor` (consistent placeholders).

    Headers, cookies arrays, query and post parameters, JSON bodies at any depth, JWTs anywhere and
    ``user:pass@`` in URLs. What TAC needs stays: URLs (minus secrets), statuses, tracking IDs,
    error bodies. One entry at a time, so a whole file is redacted with flat memory.
    """

    def __init__(self, redactor: Redactor | None = None):
        super().__init__(redactor)
        self._collected: set[tuple[str, Any]] = set()
        self._kept: list[str] | None = None  # bodies kept as captured, while entry_line() runs
        # Redacted forms of the short strings every entry repeats (header names and values, MIME
        # types, versions); exact while the redactor knows the same secrets (see _remembered).
        self._memo: dict[Any, Any] = {}
        self._memo_size = -1

    # -- secrets only (cheap: used by the analysis to feed the scanner without rewriting bodies)
    def collect(self, entry: dict[str, Any]) -> None:
        """Remember the secret values of an entry's headers, cookies and parameters."""
        for part in ("request", "response"):
            msg = entry.get(part)
            if not isinstance(msg, dict):
                continue
            for h in _list(msg.get("headers")):
                if isinstance(h, dict) and isinstance(h.get("value"), str) and _secret_header(str(h.get("name", ""))):
                    key = (str(h.get("name", "")), h["value"])
                    if key in self._collected:  # the same Authorization/Cookie repeats on every call
                        continue
                    if len(self._collected) > 4096:
                        self._collected.clear()
                    self._collected.add(key)  # type: ignore[arg-type]
                    self._header_value(*key)
            for c in _list(msg.get("cookies")):
                if isinstance(c, dict) and isinstance(c.get("value"), str):
                    self.redactor.secret(c["value"], "cookie")
            for q in _list(msg.get("queryString")):
                if isinstance(q, dict) and is_secret_name(str(q.get("name", ""))) and isinstance(q.get("value"), str):
                    self.redactor.secret(q["value"], "param")
            post = msg.get("postData")
            if isinstance(post, dict):
                for prm in _list(post.get("params")):
                    if isinstance(prm, dict) and is_secret_name(str(prm.get("name", ""))) and isinstance(
                            prm.get("value"), str):
                        self.redactor.secret(prm["value"], "param")

    def collect_summary(self, summary: Any) -> None:
        """:meth:`collect` for an entry summary (:class:`~checks.evidence.har.LazyHarRecord`):
        the same values remembered in the same order, read from attributes instead of dicts."""
        names = _SECRET_HEADER_NAMES
        remember, remembered = self.redactor.secret, self.redactor._map
        for msg in (summary.request, summary.response):
            if msg is None:
                continue
            for h in msg.headers or ():
                name = h.name
                if name.__class__ is not str:
                    name = str(name)
                secret = names.get(name)
                if secret is None:
                    if len(names) > 4096:  # bounded like _secret_header's own cache
                        names.clear()
                    secret = names[name] = _secret_header(name)
                if secret:  # the value only of the few secret-named headers
                    value = h.value
                    if value.__class__ is not str:  # msgspec gives exact str, never a subclass
                        continue
                    key = (name, value)
                    if key in self._collected:
                        continue
                    if len(self._collected) > 4096:
                        self._collected.clear()
                    self._collected.add(key)  # type: ignore[arg-type]
                    self._header_value(*key)
            for c in msg.cookies or ():
                value = c.value
                # secret() returns at once for an empty or already remembered value: skip the call
                # (the same session cookie is on every entry).
                if value.__class__ is str and value and value not in remembered:
                    remember(value, "cookie")
            for q in msg.queryString or ():
                if is_secret_name(str(q.name)) and isinstance(q.value, str):
                    remember(q.value, "param")
            post = msg.postData
            if post is not None:
                for prm in post.params or ():
                    if is_secret_name(str(prm.name)) and isinstance(prm.value, str):
                        remember(prm.value, "param")

    # -- full structural redaction
    def entry_line(self, entry: dict[str, Any]) -> str:
        """:meth:`redact_entry` as one JSON line. A big body that no rule changes is not even decoded
        (the fast readers hand it over as raw JSON): its JSON goes into the line as captured."""
        self._kept = []
        try:
            line = json.dumps(self.redact_entry(entry), ensure_ascii=False)
            for i, raw in enumerate(self._kept):
                mark = json.dumps(f"{_KEPT_MARK}{i}")
                if line.count(mark) != 1:  # the capture itself holds the mark's text: decode it all
                    self._kept = None
                    return json.dumps(self.redact_entry(entry), ensure_ascii=False)
                line = line.replace(mark, raw, 1)
            return line
        finally:
            self._kept = None

    def _quiet_raw(self, obj: dict[str, Any]) -> str | None:
        """The raw JSON of a body's text not decoded yet, when no rule can change it; else None."""
        raw = getattr(obj, "raw_json", None)
        if raw is None:
            return None
        mime = str(dict.get(obj, "mimeType", ""))
        if "_textBase64" in obj or str(dict.get(obj, "encoding", "")).lower() == "base64" or \
                "x-www-form-urlencoded" in mime.lower():
            return None
        text = raw()
        if text is None or not self.quiet(text, raw=True):
            return None  # it needs the rules, or it is not valid as it is (json would refuse it)
        return text

    def redact_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        """A redacted copy of one HAR entry (still a valid HAR entry)."""
        self.collect(entry)  # learn header/cookie secrets first so bodies of the same entry are covered
        return self._walk(entry, "")

    def redact_meta(self, value: Any) -> Any:
        """``log`` fields other than entries (pages, creator, comment)."""
        return self._walk(value, "")

    def _remembered(self) -> dict[Any, Any]:
        """The memo, emptied whenever the redactor learnt a secret (an answer may change then)."""
        r = self.redactor
        size = len(r._map) + len(r.known_secrets) + len(r.short_secrets)
        if size != self._memo_size or len(self._memo) > _MEMO_MAX:
            self._memo.clear()
            self._memo_size = size
        return self._memo

    def _string(self, text: str) -> str:
        if len(text) > _MEMO_LEN:
            return self._json_text(text) or (self.url(text) if "://" in text else self.text(text))
        r = self.redactor
        memo = self._memo if len(r._map) + len(r.known_secrets) + len(r.short_secrets) == self._memo_size \
            else self._remembered()
        out = memo.get(text)
        if out is None:
            # WebSocket frames, comments, page titles, initiator URLs: a JSON document gets the body
            # rules (secret keys at any depth); anything else the text rules.
            out = self._json_text(text) or (self.url(text) if "://" in text else self.text(text))
            self._remembered()[text] = out  # after the call: what it learnt is part of the answer
        return out

    def _walk(self, obj: Any, parent: str) -> Any:
        if obj.__class__ in _SCALARS:
            return obj
        if isinstance(obj, dict):
            if parent in ("content", "postData") or ("mimeType" in obj and "text" in obj):
                return self._body(obj)
            if "name" in obj and "value" in obj and parent in _PAIR_PARENTS:
                return self._pair(obj, parent)
            if _secret_pair(obj):  # {"name": "password", "value": …} anywhere else in the capture
                return {k: (self._secret_value(v) if k == "value" else self._walk(v, str(k))) for k, v in obj.items()}
            return self._fields(obj)
        if isinstance(obj, list):
            if parent in _PAIR_PARENTS:  # headers, cookies …
                return self._pairs(obj, parent)
            return [self._walk(v, parent) for v in obj]
        if isinstance(obj, str):
            return self._string(obj)
        return obj

    def _fields(self, obj: dict[str, Any]) -> dict[str, Any]:
        """A dict that is neither a body nor a pair (an entry, its request and response, timings),
        key by key; strings the memo knows are copied without a call (the walk's hot path)."""
        r = self.redactor
        memo = self._memo
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if v.__class__ in _SCALARS:
                out[k] = v
                continue
            key = k if k.__class__ is str else str(k)
            kind = _key_kind(key)
            if kind == _URL_KEY and isinstance(v, str):
                out[k] = self.url(v)
            elif kind == _SECRET_KEY and isinstance(v, (str, list, dict)):
                out[k] = self._secret_value(v)
            elif kind == _LIST_KEY and isinstance(v, str):
                out[k] = self.text(FORM_PAIR_RE.sub(self._url_param, v))  # a list given as a string
            elif v.__class__ is str:
                # _string's memo, read inline while it is exact (the redactor learnt nothing since)
                if len(v) <= _MEMO_LEN and len(r._map) + len(r.known_secrets) + len(r.short_secrets) == \
                        self._memo_size:
                    done = memo.get(v)
                    if done is not None:
                        out[k] = done
                        continue
                out[k] = self._string(v)
            else:
                out[k] = self._walk(v, key)
        return out

    def _pairs(self, items: list[Any], parent: str) -> list[Any]:
        """Headers, cookies, query and post parameters: a pair whose value the memo knows is copied
        with it, without a call; any other to _pair (a pair) or _walk (anything else)."""
        memo = self._remembered()
        out: list[Any] = []
        for v in items:
            if v.__class__ is dict and "name" in v and "value" in v and not ("mimeType" in v and "text" in v):
                value = v["value"]
                if value.__class__ is str and len(value) <= _MEMO_LEN:
                    name = v["name"]
                    done = memo.get((parent, name if name.__class__ is str else str(name), value))
                    if done is not None:
                        pair = dict(v)
                        pair["value"] = done
                        out.append(pair)
                        continue
                out.append(self._pair(v, parent))
            else:
                out.append(self._walk(v, parent))
            memo = self._remembered()  # it may have learnt a secret: the memo is emptied then
        return out

    def _json_text(self, text: str) -> str | None:
        """``text`` redacted as JSON when it is a JSON object or array, else None."""
        if text.lstrip()[:1] not in ("{", "["):
            return None
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return None
        try:
            return json.dumps(self._json(doc), ensure_ascii=False, separators=(",", ":"))
        except RecursionError:  # nested too deep to walk: keep nothing of it rather than leak
            return self.redactor.secret(text, "deep-json")

    def _secret_value(self, v: Any) -> Any:
        if isinstance(v, str):
            return self.redactor.secret(v) if v else v
        if isinstance(v, list):
            return [self._secret_value(x) for x in v]
        if isinstance(v, dict):
            return {k: self._secret_value(x) for k, x in v.items()}
        return v

    def _pair(self, obj: dict[str, Any], parent: str) -> dict[str, Any]:
        out = dict(obj)
        name, value = str(obj.get("name", "")), obj.get("value")
        if isinstance(value, str):
            key = (parent, name, value)
            done = self._remembered().get(key) if len(value) <= _MEMO_LEN else None
            if done is not None:
                out["value"] = done
            elif parent == "cookies":
                out["value"] = self.redactor.secret(value, "cookie") if value else value
            elif parent == "headers":
                out["value"] = self._header_value(name, value)
            elif is_secret_name(name):
                out["value"] = self.redactor.secret(value, "param") if value else value
            else:
                out["value"] = self.url(value) if "://" in value else self.text(value)
            if done is None and len(value) <= _MEMO_LEN:
                self._remembered()[key] = out["value"]
        return out

    def _body(self, obj: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        kept = self._kept
        raw = self._quiet_raw(obj) if kept is not None else None
        if kept is not None and raw is not None:  # kept as captured: its JSON spliced into the line by entry_line()
            out.update(dict.items(obj))
            out["text"] = f"{_KEPT_MARK}{len(kept)}"
            kept.append(raw)
            for k, v in dict.items(obj):
                if k != "text":
                    out[k] = self._walk(v, k)
            return out
        for k, v in obj.items():
            if k == "params" and isinstance(v, list):
                out[k] = [self._pair(p, "params") if isinstance(p, dict) else p for p in v]
            elif k in ("text", "_textBase64") and isinstance(v, str):
                encoded = k == "_textBase64" or str(obj.get("encoding", "")).lower() == "base64"
                out[k] = self._body_text(v, str(obj.get("mimeType", "")), encoded)
            else:
                out[k] = self._walk(v, k)
        return out

    def _body_text(self, text: str, mime: str, encoded: bool) -> str:
        if encoded:
            try:
                decoded = base64.b64decode(text, validate=False).decode("utf-8")
            except (binascii.Error, ValueError, UnicodeDecodeError):
                return text  # binary (an image, a font): no text secrets to find
            redacted = self._plain_body(decoded, mime)
            return text if redacted == decoded else base64.b64encode(redacted.encode("utf-8")).decode("ascii")
        return self._plain_body(text, mime)

    def _plain_body(self, text: str, mime: str) -> str:
        if "x-www-form-urlencoded" not in mime.lower() and self.quiet(text):
            return text
        stripped = text.lstrip()
        if stripped[:1] in ("{", "[") and ("json" in mime.lower() or not mime or "text" in mime.lower()):
            try:
                doc = json.loads(text)
            except ValueError:
                pass
            except RecursionError:
                return self.redactor.secret(text, "deep-json")  # cannot be walked: nothing of it is kept
            else:
                try:
                    return json.dumps(self._json(doc), ensure_ascii=False, separators=(",", ":"))
                except RecursionError:
                    return self.redactor.secret(text, "deep-json")
        if "x-www-form-urlencoded" in mime.lower():
            # Secret-named pairs by name, then the text rules: a JWT or a value already removed
            # elsewhere (an OAuth state echoed as RelayState) can sit under any name.
            return self.text(FORM_PAIR_RE.sub(self._url_param, text))
        return self.text(text, shapes=not is_script(mime))

    def _json(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            if _secret_pair(obj):
                return {k: (self._secret_value(v) if k == "value" else self._json(v)) for k, v in obj.items()}
            return {k: (self._secret_value(v) if _is_secret_key(str(k)) else self._json(v)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._json(v) for v in obj]
        if isinstance(obj, str):
            return self.url(obj) if "://" in obj else self.text(obj)
        return obj


def _list(value: Any) -> list[Any]:
    """A field that should be a list, or an empty list when a damaged HAR holds something else."""
    return value if isinstance(value, list) else []

