"""The case: who is affected, which org, which tracking IDs — validated as typed.

Field values are normalised in :mod:`checks.case_values` and entered as text through
:mod:`checks.case_form`; both are re-exported here, the import path front-ends and plugins use.
"""
from __future__ import annotations

import datetime as _dt
import uuid
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

from .case_form import CASE_FIELDS, CaseField, field_text, parse_field, with_fields
from .case_values import (HYDRA_ORG_PREFIX, ORG_ID_EXAMPLE, CaseFieldError, TimeWindow, clean_text, decode_hydra_id,
                          email_key, normalize_email, normalize_org_id, normalize_release, normalize_tracking_id,
                          org_key, parse_time, same_version)

__all__ = ["CASE_FIELDS", "EDITABLE_FIELDS", "HYDRA_ORG_PREFIX", "MAX_COPIED_TRACKING_IDS", "ORG_ID_EXAMPLE", "Case",
           "CaseFacts", "CaseField", "CaseFieldError", "TimeWindow", "clean_text", "decode_hydra_id", "email_key",
           "field_text", "missing_for_tac", "new_case_id", "normalize_email", "normalize_org_id", "normalize_release",
           "normalize_tracking_id", "org_key", "parse_field", "parse_time", "rebase", "same_version", "with_fields"]


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
