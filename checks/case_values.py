"""Case field values: each one normalised to its canonical form or refused.

Every ``normalize_*`` function returns the canonical form or raises :class:`CaseFieldError`
with a message that shows what a valid value looks like; the ``*_key`` functions compare values
that may not be valid (facts read from evidence).
"""
from __future__ import annotations

import base64
import binascii
import datetime as _dt
import re
import uuid
from dataclasses import dataclass
from typing import Any, Mapping


_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_UUID_IN_TEXT = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
HYDRA_ORG_PREFIX = "ciscospark://us/ORGANIZATION/"
ORG_ID_EXAMPLE = ("a UUID such as 1eb65fdf-9643-417f-9974-ad72cae0e10f (32 hex digits, hyphens optional), "
                  "or a Hydra ID starting Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_RELEASE = re.compile(r"^r?(\d{2})(sp\d+)?(?:\.0)?$", re.IGNORECASE)
_TRACKING = re.compile(r"^(?:[A-Za-z][A-Za-z0-9-]*_)?" + _UUID_IN_TEXT.pattern + r"(?:_\d+)?$")


class CaseFieldError(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field_name = field_name


def _canonical_uuid(text: str) -> str | None:
    compact = text.replace("-", "").lower()
    if not _HEX32.match(compact):
        return None
    return str(uuid.UUID(compact))


def decode_hydra_id(text: str) -> str | None:
    """Decode a Hydra ID (base64 of ``ciscospark://us/<TYPE>/<uuid>``) to ``<TYPE>/<uuid>``."""
    padded = text + "=" * (-len(text) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
        decoded = raw.decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not decoded.startswith("ciscospark://"):
        return None
    return decoded


def normalize_org_id(value: str, field_name: str = "org_id") -> str:
    """Return the lowercase hyphenated UUID for a UUID (any case, hyphens optional) or Hydra org ID."""
    text = value.strip()
    if not text:
        raise CaseFieldError(field_name, f"empty org ID; expected {ORG_ID_EXAMPLE}")
    canonical = _canonical_uuid(text)
    if canonical:
        return canonical
    decoded = decode_hydra_id(text)
    if decoded:
        if decoded.upper().startswith(HYDRA_ORG_PREFIX.upper()):
            canonical = _canonical_uuid(decoded[len(HYDRA_ORG_PREFIX):])
            if canonical:
                return canonical
        kind = decoded.split("/")[3] if decoded.count("/") >= 3 else "unknown"
        raise CaseFieldError(field_name, f"{text[:24]}… is a Hydra ID of type {kind}, not ORGANIZATION; "
                                         f"expected {ORG_ID_EXAMPLE}")
    raise CaseFieldError(field_name, f"{text[:40]!r} is not an org ID; expected {ORG_ID_EXAMPLE}")


def normalize_tracking_id(value: str) -> str:
    """Accept a bare UUID or a prefixed form such as ``ATLAS_<uuid>_30``; keep the prefix."""
    text = value.strip()
    if _TRACKING.match(text):
        return text
    raise CaseFieldError("tracking_ids", f"{text[:60]!r} is not a tracking ID; expected a UUID, "
                                         "optionally with a prefix and suffix such as "
                                         "ATLAS_8666bff8-a5f2-4a6c-a31d-c7dccea7315c_30")


def normalize_email(value: str) -> str:
    text = value.strip()
    if len(text) <= 254 and _EMAIL.match(text):
        local, _, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}"
    raise CaseFieldError("emails", f"{text[:60]!r} is not an e-mail address; expected name@example.com")


def normalize_release(value: str) -> str:
    """``r23``, ``23``, ``R23`` → ``R23``; ``R21SP1`` kept with its service pack."""
    text = value.strip().replace(" ", "")
    m = _RELEASE.match(text)
    if not m:
        raise CaseFieldError("release", f"{value!r} is not a BroadWorks release; expected R22, R23, R24 …")
    return f"R{m.group(1)}" + (m.group(2).upper() if m.group(2) else "")


def parse_time(value: str, field_name: str = "time window") -> _dt.datetime:
    """ISO-8601 date or date-time; naive values are taken as UTC."""
    text = value.strip().replace(" ", "T", 1) if value.strip().count(" ") == 1 else value.strip()
    try:
        t = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CaseFieldError(field_name, f"{value!r} is not a time; expected ISO-8601 such as "
                                         "2026-11-20T14:05 or 2026-11-20T14:05:00+01:00") from None
    return t if t.tzinfo else t.replace(tzinfo=_dt.timezone.utc)


@dataclass(frozen=True)
class TimeWindow:
    start: _dt.datetime | None = None
    end: _dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise CaseFieldError("time_window", "the time window ends before it starts")

    def contains(self, t: _dt.datetime) -> bool:
        if t.tzinfo is None:
            t = t.replace(tzinfo=_dt.timezone.utc)
        return (self.start is None or t >= self.start) and (self.end is None or t <= self.end)

    def to_dict(self) -> dict[str, str | None]:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> "TimeWindow":
        d = d or {}
        return cls(start=parse_time(d["start"]) if d.get("start") else None,
                   end=parse_time(d["end"]) if d.get("end") else None)


def clean_text(value: str) -> str:
    """Free text as it can be stored: bytes that were not UTF-8 (a terminal in another encoding
    hands them to Python as lone surrogates) become U+FFFD instead of failing the save."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        try:
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")


def org_key(value: str) -> str:
    try:
        return normalize_org_id(value)
    except CaseFieldError:
        return value.strip().lower()


def email_key(value: str) -> str:
    try:
        return normalize_email(value).lower()
    except CaseFieldError:
        return value.strip().lower()


def same_version(a: str, b: str) -> bool:
    """``45.10`` and ``45.10.0.33456`` are the same version written to a different depth."""
    pa, pb = a.strip().lstrip("vV").split("."), b.strip().lstrip("vV").split(".")
    n = min(len(pa), len(pb))
    return n > 0 and pa[:n] == pb[:n]

