"""Walking a playbook: the transcript of what was checked, and the rules that pick the next step.

Pure engine logic shared by the TUI and the CLI: a :class:`Walk` takes answers, evidence and
check results, records each in the :class:`Transcript` (which the case store saves on every
change) and moves to the next step. Front-ends only call it and render its state.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..model import CheckResult, Severity, Status
from .model import Playbook, Step

#: Marks a step can carry in the checklist.
TODO, DONE, SKIPPED, NOT_APPLICABLE, RUNNING = "todo", "done", "skipped", "n/a", "running"
PASSED, WARNED, FAILED, ERRORED = "pass", "warn", "failed", "error"
FIXED, NOT_FIXED = "fixed", "not fixed"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StepRecord:
    """What happened at one step: its mark, the answer given, a note, when, and what it used."""

    step_id: str
    state: str
    answer: str = ""
    note: str = ""
    at: str = ""
    evidence: tuple[Mapping[str, str], ...] = ()
    results: tuple[Mapping[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"step_id": self.step_id, "state": self.state, "answer": self.answer, "note": self.note,
                "at": self.at, "evidence": [dict(e) for e in self.evidence],
                "results": [dict(r) for r in self.results]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "StepRecord":
        return cls(step_id=str(d["step_id"]), state=str(d.get("state", TODO)), answer=str(d.get("answer", "")),
                   note=str(d.get("note", "")), at=str(d.get("at", "")),
                   evidence=tuple(dict(e) for e in d.get("evidence", ())),
                   results=tuple(dict(r) for r in d.get("results", ())))


@dataclass(frozen=True)
class Transcript:
    """One playbook worked on one case: the path taken and a record per step visited."""

    playbook_id: str
    current: str = ""
    path: tuple[str, ...] = ()
    records: Mapping[str, StepRecord] = field(default_factory=dict)
    outcome: str = ""  # "", "fixed" or "escalated"
    started_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)

    def to_dict(self) -> dict[str, Any]:
        return {"playbook_id": self.playbook_id, "current": self.current, "path": list(self.path),
                "outcome": self.outcome, "started_at": self.started_at, "updated_at": self.updated_at,
                "records": [r.to_dict() for r in self.records.values()]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Transcript":
        records = {r["step_id"]: StepRecord.from_dict(r) for r in d.get("records", ())}
        return cls(playbook_id=str(d["playbook_id"]), current=str(d.get("current", "")),
                   path=tuple(d.get("path", ())), records=records, outcome=str(d.get("outcome", "")),
                   started_at=str(d.get("started_at", "")), updated_at=str(d.get("updated_at", "")))


def result_summary(r: CheckResult) -> dict[str, Any]:
    """The part of a check result a transcript keeps (the full result is stored with the case)."""
    worst = max((f.severity for f in r.findings), default=None, key=lambda s: s.rank)
    return {"check_id": r.check_id, "status": r.status.value, "reason": r.reason,
            "worst": worst.value if worst else "", "codes": sorted({f.code for f in r.findings}),
            "started_at": r.started_at}


def outcome_matches(when: str, results: Sequence[CheckResult]) -> bool:
    """Whether a ``check`` step's outcome condition holds for the results of its checks."""
    codes = {f.code for r in results for f in r.findings}
    statuses = {r.status for r in results}
    if when == "otherwise":
        return True
    if when.startswith("code:"):
        return when[5:] in codes
    if when.startswith("nocode:"):
        return when[7:] not in codes
    if when.startswith("worst>="):
        floor = Severity(when[7:]).rank
        return any(f.severity.rank >= floor for r in results for f in r.findings)
    if when == "pass":  # every check ran and passed (a skip is not a pass: it could not decide)
        return bool(results) and statuses == {Status.PASS}
    return Status(when) in statuses


_DECIDING = (Status.PASS.value, Status.WARN.value, Status.FAIL.value)


def decided(results: Sequence[CheckResult]) -> bool:
    """Whether at least one check reached a verdict of its own (a skip or a crash decides nothing)."""
    return any(r.status.value in _DECIDING for r in results)


def _state_for(results: Sequence[CheckResult]) -> str:
    statuses = {r.status for r in results}
    for status, state in ((Status.ERROR, ERRORED), (Status.FAIL, FAILED), (Status.WARN, WARNED),
                          (Status.SKIP, SKIPPED)):
        if status in statuses:
            return state
    return PASSED if results else SKIPPED


class Walk:
    """A playbook being worked through. Every method that changes something returns the new
    transcript and calls ``on_change`` with it (the front-end saves it in the case store)."""

    def __init__(self, playbook: Playbook, transcript: Transcript | None = None,
                 on_change: Callable[[Transcript], None] | None = None) -> None:
        self.playbook = playbook
        self.on_change = on_change or (lambda t: None)
        t = transcript or Transcript(playbook.id)
        if not t.current or not playbook.has_step(t.current):
            t = replace(t, current=playbook.first.id, path=t.path or (playbook.first.id,))
        self.transcript = t

    # State ---------------------------------------------------------------------------------
    @property
    def current(self) -> Step | None:
        return self.playbook.step(self.transcript.current) if self.transcript.current else None

    @property
    def finished(self) -> bool:
        return self.transcript.current == ""

    def record(self, step_id: str) -> StepRecord | None:
        return self.transcript.records.get(step_id)

    def mark(self, step: Step) -> str:
        """The checklist mark of ``step``: its record's state, else todo — or n/a for a step the
        path went past (another branch was taken) or that a finished walk never reached."""
        rec = self.transcript.records.get(step.id)
        if rec is not None:
            return rec.state
        if step.id == self.transcript.current:
            return TODO
        if self.finished or self._passed_over(step):
            return NOT_APPLICABLE
        return TODO

    def _passed_over(self, step: Step) -> bool:
        order = {s.id: i for i, s in enumerate(self.playbook.steps)}
        here = order.get(self.transcript.current, -1)
        return order[step.id] < here and not step.shared

    def collected(self) -> dict[str, Any]:
        """Option values (by ``dest``) gathered by the collect steps so far, for check steps."""
        values: dict[str, Any] = {}
        for sid in self.transcript.path:
            step = self.playbook.step(sid)
            rec = self.transcript.records.get(sid)
            if rec is None or not step.option:
                continue
            if step.kind == "collect" and rec.evidence:
                values[step.option.replace("-", "_")] = rec.evidence[-1]["path"]
            elif step.kind == "ask" and rec.answer:  # a named choice that is an option's value
                values[step.option.replace("-", "_")] = rec.answer
        return values

    # Moves ---------------------------------------------------------------------------------
    def _save(self, rec: StepRecord, next_id: str | None, outcome: str | None = None,
              stay: bool = False) -> Transcript:
        t = self.transcript
        records = dict(t.records)
        old = records.get(rec.step_id)
        if old is not None and not rec.note:
            rec = replace(rec, note=old.note)
        records[rec.step_id] = replace(rec, at=_now())
        path = t.path
        if stay:
            next_id = t.current
        elif next_id:
            path = path + (next_id,)
        self.transcript = replace(t, records=records, current=next_id or "", path=path, updated_at=_now(),
                                  outcome=t.outcome if outcome is None else outcome)
        self.on_change(self.transcript)
        return self.transcript

    def _default_next(self, step: Step) -> str:
        if step.next:
            return step.next
        nxt = self.playbook.following(step)
        # A verdict reached by the default order only when the walk was meant to go there: the
        # step before the verdicts is the one that picks among them.
        return nxt.id if nxt else ""

    def answer(self, choice_id: str, note: str = "") -> Transcript:
        """Answer the current ``ask`` step (or confirm a ``do`` / ``escalate`` step with ``done``)."""
        step = self._require()
        if step.kind == "ask":
            choice = next((c for c in step.choices if c.id == choice_id), None)
            if choice is None:
                raise ValueError(f"{choice_id!r} is not an answer to {step.id!r}; "
                                 f"choose {', '.join(c.id for c in step.choices)}")
            nxt = choice.next or self._default_next(step)
            return self._save(StepRecord(step.id, choice.id, answer=choice.id, note=note), nxt)
        if step.kind == "verdict":
            return self.conclude(fixed=choice_id in ("yes", "fixed"), note=note)
        if step.kind in ("do", "escalate", "collect") and choice_id in ("done", "yes"):
            nxt = "" if step.kind == "escalate" else self._default_next(step)
            return self._save(StepRecord(step.id, DONE, answer="done", note=note), nxt,
                              outcome="escalated" if step.kind == "escalate" else None)
        raise ValueError(f"step {step.id!r} ({step.kind}) does not take the answer {choice_id!r}")

    def skip(self, note: str = "") -> Transcript:
        step = self._require()
        nxt = "" if step.kind == "escalate" else self._default_next(step)
        if step.kind == "verdict":
            nxt = self._escalation_id()
        elif step.kind == "check":
            nxt = self._undecided_next(step)
        return self._save(StepRecord(step.id, SKIPPED, note=note), nxt)

    def _undecided_next(self, step: Step) -> str:
        """Where a check step goes when nothing was decided (the admin skipped it): its ``skip``
        outcome, else its ``otherwise`` branch when that leads on to more checking rather than to a
        verdict, else the before-you-escalate steps. Never to a verdict that claims something."""
        explicit = next((o.next for o in step.outcomes if o.when == "skip"), "")
        if explicit:
            return explicit
        otherwise = next((o.next for o in step.outcomes if o.when == "otherwise"), "")
        if otherwise and self.playbook.step(otherwise).kind != "verdict":
            return otherwise
        return self._escalation_id()

    def provide(self, kind: str, path: str, note: str = "") -> Transcript:
        """Record the evidence of the current ``collect`` step (a file the check steps then use)."""
        step = self._require()
        if step.kind != "collect":
            raise ValueError(f"step {step.id!r} does not collect evidence")
        rec = self.transcript.records.get(step.id)
        evidence = (rec.evidence if rec else ()) + ({"kind": kind, "path": path},)
        return self._save(StepRecord(step.id, DONE, answer=path, note=note, evidence=evidence),
                          self._default_next(step))

    def record_results(self, results: Sequence[CheckResult], note: str = "") -> Transcript:
        """Record the results of the current ``check`` step and follow the first matching outcome."""
        step = self._require()
        if step.kind != "check":
            raise ValueError(f"step {step.id!r} runs no checks")
        record = StepRecord(step.id, _state_for(results), note=note,
                            results=tuple(result_summary(r) for r in results))
        if not decided(results):
            # Every check skipped or crashed: `otherwise` would turn "could not tell" into a verdict.
            # `nocode:` is as blind. Only an outcome written for this case moves on; else the step
            # waits for evidence.
            nxt = next((o.next for o in step.outcomes if o.when != "otherwise" and not o.when.startswith("nocode:")
                        and outcome_matches(o.when, results)), "")
            return self._save(record, nxt, stay=not nxt)
        nxt = next((o.next for o in step.outcomes if outcome_matches(o.when, results)), "") \
            or self._default_next(step)
        return self._save(record, nxt)

    def undecided(self) -> bool:
        """Whether the current step is a check step whose last run could not decide anything."""
        step = self.current
        rec = self.record(step.id) if step is not None else None
        return bool(step is not None and step.kind == "check" and rec is not None and rec.results
                    and not any(r.get("status") in _DECIDING for r in rec.results))

    def conclude(self, fixed: bool, note: str = "") -> Transcript:
        """At a verdict: fixed ends the walk; not fixed goes on to the before-you-escalate steps."""
        step = self._require()
        if fixed:
            return self._save(StepRecord(step.id, FIXED, answer="fixed", note=note), "", outcome="fixed")
        return self._save(StepRecord(step.id, NOT_FIXED, answer="not-fixed", note=note), self._escalation_id())

    def _escalation_id(self) -> str:
        first = self.playbook.escalation_start
        return first.id if first else ""

    def set_note(self, step_id: str, note: str) -> Transcript:
        rec = self.transcript.records.get(step_id) or StepRecord(step_id, TODO)
        records = dict(self.transcript.records)
        records[step_id] = replace(rec, note=note, at=rec.at or _now())
        self.transcript = replace(self.transcript, records=records, updated_at=_now())
        self.on_change(self.transcript)
        return self.transcript

    def back(self) -> Transcript:
        """Return to the previous step of the path (its record stays until it is answered again)."""
        path = self.transcript.path
        if len(path) < 2 and not self.finished:
            return self.transcript
        if self.finished:
            target, path = path[-1], path
        else:
            target, path = path[-2], path[:-1]
        self.transcript = replace(self.transcript, current=target, path=path, outcome="", updated_at=_now())
        self.on_change(self.transcript)
        return self.transcript

    def restart(self) -> Transcript:
        self.transcript = Transcript(self.playbook.id, current=self.playbook.first.id,
                                     path=(self.playbook.first.id,))
        self.on_change(self.transcript)
        return self.transcript

    def _require(self) -> Step:
        step = self.current
        if step is None:
            raise ValueError("this playbook is finished; go back or restart it")
        return step


def checklist(walk: Walk) -> list[tuple[Step, str]]:
    """Every step in file order with its mark (what the TUI's checklist and the CLI show)."""
    return [(s, walk.mark(s)) for s in walk.playbook.steps]


def transcript_lines(playbook: Playbook, transcript: Transcript) -> Iterable[tuple[Step, StepRecord]]:
    """The steps actually visited, in the order they were visited, with their records."""
    seen: set[str] = set()
    for sid in transcript.path:
        if sid in seen or not playbook.has_step(sid):
            continue
        seen.add(sid)
        rec = transcript.records.get(sid)
        if rec is not None:
            yield playbook.step(sid), rec
