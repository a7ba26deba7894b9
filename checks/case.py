"""The case: who is affected, which org, which tracking IDs — validated as typed.

Every ``normalize_*`` function returns the canonical form or raises :class:`CaseFieldError`
with a message that shows what a valid value looks like.
"""
from __future__ import annotations

import base64
import binascii
import datetime as _dt
import re
import uuid
from dataclasses import dataclass, field, fields, replace
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


def new_case_id() -> str:
    return uuid.uuid4().hex[:12]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Case:
    """A troubleshooting case. Construct with :meth:`create` to validate every field."""

    id: str = field(default_factory=new_case_id)
    org_id: str = ""
    partner_org_id: str = ""
    tracking_ids: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    client_versions: tuple[str, ...] = ()
    release: str = ""
    description: str = ""
    time_window: TimeWindow = field(default_factory=TimeWindow)
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)

    @classmethod
    def create(cls, *, org_id: str = "", partner_org_id: str = "", tracking_ids=(), emails=(),
               client_versions=(), release: str = "", description: str = "",
               since: str = "", until: str = "", id: str | None = None) -> "Case":
        kwargs: dict[str, Any] = dict(
            org_id=normalize_org_id(org_id, "org_id") if org_id.strip() else "",
            partner_org_id=normalize_org_id(partner_org_id, "partner_org_id") if partner_org_id.strip() else "",
            tracking_ids=tuple(dict.fromkeys(normalize_tracking_id(t) for t in tracking_ids if t.strip())),
            emails=tuple(dict.fromkeys(normalize_email(e) for e in emails if e.strip())),
            client_versions=tuple(clean_text(v).strip() for v in client_versions if v.strip()),
            release=normalize_release(release) if release.strip() else "",
            description=clean_text(description).strip(),
            time_window=TimeWindow(parse_time(since, "since") if since.strip() else None,
                                   parse_time(until, "until") if until.strip() else None),
        )
        if id:
            kwargs["id"] = id
        return cls(**kwargs)

    def updated(self, **changes: Any) -> "Case":
        return replace(self, updated_at=_now(), **changes)

    @property
    def blank(self) -> bool:
        """Nothing typed into any field (a case opened and left, e.g. by a quick look around)."""
        return not any([self.org_id, self.partner_org_id, self.tracking_ids, self.emails, self.client_versions,
                        self.release, self.description, self.time_window.start, self.time_window.end])

    def with_facts(self, facts: "CaseFacts", set_window: bool = False) -> tuple["Case", list[str]]:
        """The case with ``facts`` added, and what changed in words (empty: nothing new).

        Nothing is overwritten: e-mails, versions and tracking IDs the case lacks are appended (at
        most :data:`MAX_COPIED_TRACKING_IDS` new tracking IDs), the org ID fills an empty one. The
        time window changes only with ``set_window`` (the caller asks first: checks that read logs
        look only inside the case's window) and only where the case's window is open."""
        changes: list[str] = []
        updates: dict[str, Any] = {}
        where = f" (from {facts.source})" if facts.source else ""
        known = {email_key(c) for c in self.emails}
        emails = [e for e in dict.fromkeys(facts.emails) if email_key(e) not in known]
        versions = [v for v in dict.fromkeys(facts.client_versions)
                    if not any(same_version(v, c) for c in self.client_versions)]
        tracking = [t for t in dict.fromkeys(facts.tracking_ids) if t not in self.tracking_ids][:MAX_COPIED_TRACKING_IDS]
        if emails:
            updates["emails"] = self.emails + tuple(emails)
            changes.append(f"e-mail {', '.join(emails)}{where}")
        if versions:
            updates["client_versions"] = self.client_versions + tuple(versions)
            changes.append(f"client version {', '.join(versions)}{where}")
        if tracking:
            updates["tracking_ids"] = self.tracking_ids + tuple(tracking)
            changes.append(f"{len(tracking)} tracking ID(s){where}")
        if not self.org_id and facts.org_id:
            updates["org_id"] = org_key(facts.org_id)
            changes.append(f"org ID {updates['org_id']}{where}")
        if set_window:
            tw, offered = self.time_window, facts.window
            start, end = tw.start or offered.start, tw.end or offered.end
            if start and end and end < start:
                start, end = tw.start, tw.end
            if (start, end) != (tw.start, tw.end):
                updates["time_window"] = TimeWindow(start, end)
                changes.append(f"time window {start.isoformat() if start else '…'} – "
                               f"{end.isoformat() if end else '…'}{where}")
        return (self.updated(**updates) if updates else self), changes

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.to_dict() if isinstance(v, TimeWindow) else list(v) if isinstance(v, tuple) else v
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Case":
        kw: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in d:
                continue
            v = d[f.name]
            if f.name == "time_window":
                v = TimeWindow.from_dict(v)
            elif isinstance(v, list):
                v = tuple(v)
            kw[f.name] = v
        return cls(**kw)


#: At most this many new tracking IDs are copied from one piece of evidence (a log retrying all
#: day names hundreds; the first few are the ones TAC can still look up).
MAX_COPIED_TRACKING_IDS = 10


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


@dataclass(frozen=True)
class CaseFacts:
    """What one piece of evidence (the logs, a HAR) found, in the case's vocabulary (normalised):
    what :meth:`Case.with_facts` copies in and what the cross-evidence checks compare.

    ``org_id`` is the org the evidence names as *the* org (a HAR's most relevant, the logs' only
    one), empty when it cannot choose; ``org_ids`` are every org it shows. ``window`` is the span
    the evidence covers (a HAR's first to last entry), offered as the case's time window.
    """

    source: str = ""  # "the logs", "the HAR"
    org_id: str = ""
    org_ids: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    client_versions: tuple[str, ...] = ()
    tracking_ids: tuple[str, ...] = ()
    window: TimeWindow = field(default_factory=TimeWindow)

    def as_dict(self) -> dict[str, list[str]]:
        """The compared facts by name (see :func:`checks.consistency.mismatches`)."""
        return {"emails": list(self.emails), "client_versions": list(self.client_versions),
                "tracking_ids": list(self.tracking_ids), "org_ids": list(self.org_ids)}

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "org_id": self.org_id, **self.as_dict(), "window": self.window.to_dict()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "CaseFacts":
        return cls(source=str(d.get("source", "")), org_id=str(d.get("org_id", "")),
                   org_ids=tuple(d.get("org_ids") or ()), emails=tuple(d.get("emails") or ()),
                   client_versions=tuple(d.get("client_versions") or ()),
                   tracking_ids=tuple(d.get("tracking_ids") or ()), window=TimeWindow.from_dict(d.get("window")))

    @property
    def empty(self) -> bool:
        return not (self.org_id or self.emails or self.client_versions or self.tracking_ids)


@dataclass(frozen=True)
class CaseField:
    """How a case field is entered as text (the TUI form and other front-ends use this)."""

    name: str
    label: str
    placeholder: str
    many: bool = False  # several values separated by commas or spaces


CASE_FIELDS: tuple[CaseField, ...] = (
    CaseField("org_id", "Customer org ID", "UUID or Hydra ID (Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8…)"),
    CaseField("partner_org_id", "Partner org ID", "UUID or Hydra ID"),
    CaseField("tracking_ids", "Tracking IDs", "ATLAS_<uuid>_30, … (from the error pop-up or HAR)", many=True),
    CaseField("emails", "Affected users", "user@example.com, …", many=True),
    CaseField("client_versions", "Client versions", "Webex app versions, e.g. 44.10.0.31234", many=True),
    CaseField("release", "BroadWorks release", "R22, R23, R24 …"),
    CaseField("since", "Problem seen from", "2026-11-20T14:05 (UTC unless an offset is given)"),
    CaseField("until", "Problem seen until", "2026-11-20T15:00"),
    CaseField("description", "Description", "What fails, for whom, since when"),
)

_SPLIT = re.compile(r"[,;\s]+")


def parse_field(name: str, raw: str) -> Any:
    """Validate one field typed as text; return the value to store or raise CaseFieldError."""
    text = raw.strip()
    if name in ("org_id", "partner_org_id"):
        return normalize_org_id(text, name) if text else ""
    if name == "tracking_ids":
        return tuple(dict.fromkeys(normalize_tracking_id(t) for t in _SPLIT.split(text) if t))
    if name == "emails":
        return tuple(dict.fromkeys(normalize_email(e) for e in _SPLIT.split(text) if e))
    if name == "client_versions":
        return tuple(v for v in (p.strip() for p in text.split(",")) if v)
    if name == "release":
        return normalize_release(text) if text else ""
    if name in ("since", "until"):
        return parse_time(text, name) if text else None
    if name == "description":
        return raw.strip()
    raise KeyError(name)


def field_text(case: Case, name: str) -> str:
    """A field's current value as the text a form shows."""
    if name == "since":
        return case.time_window.start.isoformat() if case.time_window.start else ""
    if name == "until":
        return case.time_window.end.isoformat() if case.time_window.end else ""
    value = getattr(case, name)
    return ", ".join(value) if isinstance(value, tuple) else str(value or "")


def with_fields(case: Case, values: Mapping[str, Any]) -> Case:
    """A copy of ``case`` with parsed field values applied (``since``/``until`` form the window)."""
    changes = {k: v for k, v in values.items() if k not in ("since", "until")}
    if "since" in values or "until" in values:
        changes["time_window"] = TimeWindow(values.get("since", case.time_window.start),
                                            values.get("until", case.time_window.end))
    return case.updated(**changes)


#: The fields a person or an import changes (the rest is identity and bookkeeping).
EDITABLE_FIELDS = ("org_id", "partner_org_id", "tracking_ids", "emails", "client_versions", "release",
                   "description", "time_window")


def rebase(base: Case, edited: Case, current: Case) -> Case:
    """``edited`` (made from ``base``) replayed onto ``current`` (the case as stored now): fields
    changed since ``base`` take the edited value, lists keep what someone else added meanwhile.
    So a screen that held the case for a while never overwrites another writer's change."""
    changes: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        old, new = getattr(base, name), getattr(edited, name)
        if old == new:
            continue
        if isinstance(new, tuple):
            removed = set(old) - set(new)
            changes[name] = tuple(dict.fromkeys([*(v for v in getattr(current, name) if v not in removed),
                                                 *(v for v in new if v not in old)]))
        else:
            changes[name] = new
    return current.updated(**changes) if changes else current


def missing_for_tac(case: Case) -> list[str]:
    """What TAC asks for in every case (catalog ``tac_info``) that ``case`` does not hold yet,
    each as a note saying how to add it. Empty when the case is complete enough for TAC."""
    from .catalog import load_catalog  # the catalog package imports nothing from here

    return [f"{m['note']} Add it with `wxtriage case set {case.id} {m['flag']} …` or on the case screen."
            for m in load_catalog("tac_info")["missing"] if not getattr(case, m["field"])]
