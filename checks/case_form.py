"""The case as a form: how each field is typed as text, parsed and shown (the TUI's case screen
and other front-ends render these; the rules stay here)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from .case_values import TimeWindow, normalize_email, normalize_org_id, normalize_release, normalize_tracking_id, \
    parse_time

if TYPE_CHECKING:  # pragma: no cover - annotations only: case.py re-exports this module's names
    from .case import Case


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

