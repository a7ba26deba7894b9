"""Playbooks: symptom-first checklists as data (``checks/playbooks/*.toml``): the model.

A playbook walks an admin from what they see (a symptom, an error code) through the manual and
automated steps of a Cisco procedure to a verdict. The front-ends (TUI, CLI) render any playbook
from this model; they know the step *kinds*, never a particular playbook. Files are validated
into it by :mod:`.schema` and found by :mod:`.loader`; the format is in ``docs/playbooks.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

KINDS = ("ask", "do", "collect", "check", "verdict", "escalate")
EVIDENCE_KINDS = ("har", "logs", "csv", "paste", "cert-chain", "cluster")
APPLIES_TO = ("webex-for-broadworks", "webex-calling")
#: What an ``escalate`` step may list (filled from the case and its evidence).
TAC_ITEMS = ("org_id", "partner_org_id", "tracking_ids", "email", "client_version", "description", "har",
             "post_response", "logs", "time_window")


class PlaybookError(ValueError):
    """A playbook file that does not follow the schema: one line naming the file and the key."""


class LText(str):
    """Text in English (the ``str`` value) with optional translations (``{ en = …, pl = … }``
    in the file), so translations can be added to the data without code changes."""

    translations: Mapping[str, str]

    def __new__(cls, value: str, translations: Mapping[str, str] | None = None) -> "LText":
        obj = super().__new__(cls, value)
        obj.translations = dict(translations or {})
        return obj

    def in_lang(self, lang: str) -> str:
        return self.translations.get(lang) or str(self)


@dataclass(frozen=True)
class Choice:
    id: str
    label: LText
    next: str = ""


@dataclass(frozen=True)
class Outcome:
    when: str
    next: str


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    title: LText
    text: LText = LText("")
    help: LText = LText("")
    source: str = ""
    cites: tuple[str, ...] = ()
    doc: str = ""
    next: str = ""
    choices: tuple[Choice, ...] = ()
    place: LText = LText("")
    command: str = ""
    expect: LText = LText("")
    evidence: str = ""
    option: str = ""
    how: tuple[LText, ...] = ()
    optional: bool = False
    checks: tuple[str, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    fix: tuple[LText, ...] = ()
    tac: tuple[str, ...] = ()
    #: True for the shared "before you escalate" steps the loader appends.
    shared: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "title": str(self.title), "text": str(self.text),
                               "source": self.source}
        for name in ("help", "place", "command", "expect", "evidence", "option", "next", "doc"):
            if getattr(self, name):
                out[name] = str(getattr(self, name))
        if self.cites:
            out["cites"] = list(self.cites)
        if self.choices:
            out["choices"] = [{"id": c.id, "label": str(c.label), **({"next": c.next} if c.next else {})}
                              for c in self.choices]
        for name in ("how", "fix", "checks", "tac"):
            if getattr(self, name):
                out[name] = [str(x) for x in getattr(self, name)]
        if self.outcomes:
            out["outcomes"] = [{"when": o.when, "next": o.next} for o in self.outcomes]
        return out


@dataclass(frozen=True)
class Playbook:
    id: str
    title: LText
    summary: LText
    symptoms: tuple[LText, ...]
    codes: tuple[str, ...]
    applies_to: tuple[str, ...]
    steps: tuple[Step, ...]
    source: str
    cites: tuple[str, ...] = ()
    area: str = ""
    doc: str = ""
    start: str = ""
    #: What TAC needs for this symptom beyond the shared list (e.g. the HAR and the POST response).
    tac: tuple[str, ...] = ()
    origin: str = ""  # the file it came from, for messages
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({s.id: i for i, s in enumerate(self.steps)})

    def step(self, step_id: str) -> Step:
        return self.steps[self._index[step_id]]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._index

    @property
    def first(self) -> Step:
        return self.step(self.start) if self.start else self.steps[0]

    def following(self, step: Step) -> Step | None:
        """The step after ``step`` in file order (the default ``next``)."""
        i = self._index[step.id] + 1
        return self.steps[i] if i < len(self.steps) else None

    @property
    def escalation_start(self) -> Step | None:
        return next((s for s in self.steps if s.shared), None)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": str(self.title), "summary": str(self.summary),
                "symptoms": [str(s) for s in self.symptoms], "codes": list(self.codes),
                "applies_to": list(self.applies_to), "area": self.area, "source": self.source,
                "cites": list(self.cites), "steps": [s.to_dict() for s in self.steps]}
