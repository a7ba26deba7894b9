"""What a failure looks like inside a HAR entry: error codes and descriptions in JSON bodies at
any depth (Control Hub answers a bulk onboarding with HTTP 200 and the per-user failures inside),
org IDs, tracking IDs and e-mails in URLs and text, and the ``har_errors`` catalog rule that
explains a failure."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..case import CaseFieldError, normalize_email, normalize_org_id
from ..linre import compile_linear

BODY_LIMIT = 4 * 1024 * 1024
#: How much of a response body a finding shows as evidence.
EVIDENCE_BODY_CHARS = 4000
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_CODE_KEYS = ("errorCode", "error_code", "errorcode")
_LOOSE_CODE_KEYS = ("code", "errorKey")  # only trusted in non-2xx bodies ("code": 200 is not an error)
_DESC_KEYS = ("description", "message", "errorMessage", "error_description", "reason", "detail", "error")
_ERROR_IN_TEXT = re.compile(r"\[Error\s+(\d{3,6})\]|\b(WXC-\d{4})\b", re.IGNORECASE)
_HTTP_IN_TEXT = re.compile(r"HTTP/\d(?:\.\d)?\s+(\d{3})")
_TRACKING_IN_TEXT = re.compile(r"tracking[\s_-]*id\s*[=:]\s*['\"]?([A-Za-z0-9_.:-]{20,120})", re.IGNORECASE)
# RE2 (linear): with re, a long run of address characters without an "@" took quadratic time.
_EMAIL_IN_TEXT = compile_linear(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_HYDRA_ORG = r"Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi[A-Za-z0-9_=-]+"
_UUID = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
_ORG_IN_PATH = re.compile(rf"/(?:customers|organizations|organization|orgs)/({_UUID}|{_HYDRA_ORG})", re.IGNORECASE)
_ERRORISH = re.compile(r'error|"status"\s*:\s*"?[45]\d\d|"status"\s*:\s*"(?:error|failed)', re.IGNORECASE)
_ORG_FIELD = re.compile(rf"\"orgId\"\s*:\s*\"({_UUID}|{_HYDRA_ORG})\"", re.IGNORECASE)


@dataclass
class ApiFailure:
    """One failure found in one entry (an HTTP error, or an error inside a 2xx body)."""

    index: int
    source: str
    method: str
    url: str  # redacted
    path: str
    http_status: int
    started: str
    inner_status: int | None = None
    codes: tuple[str, ...] = ()
    description: str = ""  # redacted
    email: str = ""
    tracking_ids: tuple[str, ...] = ()
    request_line: str = ""
    request_body: str = ""  # redacted excerpt
    response_body: str = ""  # redacted excerpt
    rule: Mapping[str, Any] | None = None
    noise: Mapping[str, Any] | None = None
    relevance: int = 0

    @property
    def hidden(self) -> bool:
        """Failed although the HTTP status says success."""
        return 200 <= self.http_status < 300

    #: Noise for an admin error: routine lookups and telemetry, read calls nobody explains
    #: (set by the analyser from the catalog's ``[relevance]`` table).
    is_context: bool = False
# A path segment that names one object (a numeric or UUID ID, a long hex or base64 ID with a digit,
# an e-mail address) rather than a kind of object: "/Users/3f2a…" and "/Users/91c0…" are one endpoint.
_ID_SEGMENT = re.compile(r"\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[^/]*\d)[0-9a-f]{12,}"
                         r"|(?=[^/]*\d)[A-Za-z0-9+_=%-]{20,}|[^/@]+@[^/]+", re.IGNORECASE)


def endpoint_shape(path: str) -> str:
    """``path`` with the segments that name one object as ``{id}`` (how failures of a bulk change,
    one call per user, are recognised as the same failure)."""
    return "/".join("{id}" if seg and _ID_SEGMENT.fullmatch(seg) else seg for seg in path.split("/"))


def _compile(catalog: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    def rx(pattern: str | None) -> re.Pattern[str] | None:
        return re.compile(pattern, re.IGNORECASE) if pattern else None

    errors = [dict(e, _text=rx(e.get("text")), _endpoint=rx(e.get("endpoint")),
                   _codes={str(c).upper() for c in e.get("codes", ())})
              # The rules with match conditions explain failed calls, tried in file order.
              for e in catalog["rules"].values() if {"codes", "text", "endpoint"} & e.keys()]
    endpoints = [dict(e, _rx=rx(e["pattern"])) for e in catalog.get("endpoints", ())]
    noise = [dict(e, _rx=rx(e["pattern"])) for e in catalog.get("noise", ())]
    return errors, endpoints, noise


def match_rule(failure: ApiFailure, rules: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The first catalog entry whose codes, text and endpoint conditions all hold."""
    codes = {c.upper() for c in failure.codes}
    for rule in rules:
        if rule["_codes"] and not (rule["_codes"] & codes):
            continue
        if rule["_text"] is not None and not rule["_text"].search(failure.description):
            continue
        if rule["_endpoint"] is not None and not rule["_endpoint"].search(failure.path):
            continue
        return rule
    return None

def _path_of(url: str) -> str:
    """The path of a URL (urlsplit is a noticeable cost when called for every entry)."""
    i = url.find("://")
    j = url.find("/", i + 3) if i >= 0 else 0
    if j < 0:
        return "/"
    end = len(url)
    for sep in ("?", "#"):
        k = url.find(sep, j)
        if 0 <= k < end:
            end = k
    return url[j:end]


def _has_auth(req: Mapping[str, Any]) -> bool:
    for h in req.get("headers") or ():
        if isinstance(h, dict) and str(h.get("name", "")).lower() in ("authorization", "cookie") and h.get("value"):
            return True
    return bool(req.get("cookies"))


def _has_auth_summary(req: Any) -> bool:
    """:func:`_has_auth` for an entry summary's request."""
    for h in req.headers or ():
        if str(h.name).lower() in ("authorization", "cookie") and h.value:
            return True
    return bool(req.cookies)


def _json_or_none(text: str | None, mime: str) -> Any:
    if not text:
        return None
    s = text.lstrip()
    if not s or s[0] not in "[{":
        return None
    try:
        return json.loads(s)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to be a real body
        return None


def _first_line(text: str) -> str:
    return _shorten(text.strip().splitlines()[0] if text.strip() else "", 200)


def _shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _codes_in_text(text: str) -> list[str]:
    return [(m.group(1) or m.group(2)).upper() for m in _ERROR_IN_TEXT.finditer(text)]


def _valid_email(value: Any) -> str:
    if not isinstance(value, str) or "@" not in value:
        return ""
    try:
        return normalize_email(value)
    except CaseFieldError:
        return ""


def _orgs_in(url: str) -> list[str]:
    out = []
    for m in _ORG_IN_PATH.finditer(url):
        try:
            out.append(normalize_org_id(m.group(1)))
        except CaseFieldError:
            pass
    return out


def _status_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        if value.lower() in ("error", "failed", "failure"):
            return 400
    return None


def _errors_in(doc: Any, loose: bool) -> list[dict[str, Any]]:
    """Error records inside a decoded JSON body.

    Walks objects for error codes (``errorCode``; plain ``code`` only when the HTTP status already
    failed) and per-item failures (an object with ``status`` ≥ 400 — Control Hub's onboarding
    results), carrying the nearest ``email`` down to the errors of that item.
    """
    out: list[dict[str, Any]] = []

    def walk(obj: Any, email: str, inner: int | None, depth: int) -> int:
        if depth > 12:
            return 0
        found = 0
        if isinstance(obj, list):
            for x in obj[:1000]:
                found += walk(x, email, inner, depth + 1)
            return found
        if not isinstance(obj, dict):
            return 0
        own_email = next((obj[k] for k in ("email", "userEmail", "emailAddress", "userName")
                          if isinstance(obj.get(k), str) and "@" in obj[k]), email)
        status = _status_of(obj.get("status"))
        own_inner = status if status is not None and status >= 400 else inner
        code = next((obj[k] for k in _CODE_KEYS if obj.get(k) not in (None, "")), None)
        if code is None and loose:
            code = next((obj[k] for k in _LOOSE_CODE_KEYS if isinstance(obj.get(k), (str, int))
                         and not isinstance(obj.get(k), bool)), None)
        desc = next((obj[k] for k in _DESC_KEYS if isinstance(obj.get(k), str) and obj[k]), "")
        tracking = next((obj[k] for k in ("trackingId", "trackingID", "tracking_id") if isinstance(obj.get(k), str)), "")
        for k, v in obj.items():
            if isinstance(v, (dict, list)):
                found += walk(v, own_email, own_inner, depth + 1)
        if found:
            return found
        if code is not None or (loose and desc and depth <= 1) or (status is not None and status >= 400):
            if code is not None and str(code).isdigit() and 200 <= int(code) < 300:
                return 0
            out.append(dict(codes=(str(code).upper(),) if code is not None else (), description=desc,
                            email=own_email, inner=own_inner, tracking=tracking))
            return 1
        return 0

    walk(doc, "", None, 0)
    return out
