"""What TAC needs, filled from the case: the checklist of an ``escalate`` step."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..case import Case

#: item → (label, case attribute or evidence kind, how to fill it when missing)
_ITEMS = {
    "org_id": ("Customer org ID", "org_id", "Control Hub → Account shows it; add it to the case"),
    "partner_org_id": ("Partner org ID", "partner_org_id", "Partner Hub → Account shows it; add it to the case"),
    "tracking_ids": ("Tracking ID (if the error or the interface shows one)", "tracking_ids",
                     "copy it from the error pop-up, or analyse the HAR: it names the tracking IDs"),
    "email": ("E-mail of the affected user (when one user has the problem)", "emails", "add it to the case"),
    "client_version": ("Client versions (when a client shows the problem)", "client_versions",
                       "Webex app → About; or analyse the client logs"),
    "description": ("Description of the problem", "description", "what fails, for whom, since when"),
    "time_window": ("When it happened", "time_window", "add 'Problem seen from/until' to the case"),
    "har": ("HAR capture reproducing the error", "evidence:har", "record one (the HAR step says how)"),
    "post_response": ("Response content of the failing POST", "evidence:har",
                      "comes with the HAR: the bundle quotes it from the analysis"),
    "logs": ("Client logs (or Send Logs: e-mail and time)", "evidence:logs", "collect the logs"),
}


@dataclass(frozen=True)
class TacItem:
    item: str
    label: str
    value: str  # "" when missing
    fill: str   # how to fill it when missing

    @property
    def present(self) -> bool:
        return bool(self.value)


def tac_items(items: Sequence[str], case: Case | None, evidence_kinds: Iterable[str] = ()) -> list[TacItem]:
    """Each requested item with the case's value (or the evidence file recorded), or how to get it."""
    kinds = set(evidence_kinds)
    out = []
    for item in items:
        label, attr, fill = _ITEMS[item]
        if attr.startswith("evidence:"):
            value = "attached" if attr.split(":", 1)[1] in kinds else ""
        elif case is None:
            value = ""
        elif attr == "time_window":
            w = case.time_window
            value = " → ".join(t.isoformat() for t in (w.start, w.end) if t) if (w.start or w.end) else ""
        else:
            raw = getattr(case, attr)
            value = ", ".join(raw) if isinstance(raw, tuple) else str(raw or "")
        out.append(TacItem(item, label, value, fill))
    return out
