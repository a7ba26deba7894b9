"""Playbooks and transcripts as text: a Markdown checklist for a ticket, and "what was checked"."""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from ..catalog import describe_source
from .model import Playbook, Step
from .walk import Transcript, transcript_lines

KIND_LABELS = {"ask": "Question", "do": "Do", "collect": "Collect", "check": "Check", "verdict": "Verdict",
               "escalate": "Escalate"}


def step_markdown(step: Step, box: str = "- [ ]") -> list[str]:
    """One step as a Markdown checkbox item with its details indented under it."""
    lines = [f"{box} **{KIND_LABELS[step.kind]}: {step.title}**"]
    body: list[str] = []
    if step.text:
        body.append(str(step.text))
    if step.place:
        body.append(f"Where: {step.place}")
    if step.command:
        body.append(f"Command: `{step.command}`")
    if step.choices and step.kind == "ask":
        body.append("Answers: " + " / ".join(str(c.label) for c in step.choices))
    body += [f"{i}. {h}" for i, h in enumerate(step.how, 1)]
    if step.checks:
        body.append("Runs: " + ", ".join(f"`{c}`" for c in step.checks) + f" (`wxtriage run --check {step.checks[0]}`)")
    body += [f"{i}. {f}" for i, f in enumerate(step.fix, 1)]
    if step.expect:
        body.append(f"Expect: {step.expect}")
    body.append(f"Source: {describe_source(step.source)}" + (f" (lines {', '.join(step.cites)})" if step.cites else ""))
    return lines + [f"  {b}" for b in body]


def playbook_markdown(playbook: Playbook) -> str:
    """The whole checklist, to paste into a ticket or an e-mail."""
    out = [f"# {playbook.title}", "", str(playbook.summary), "",
           f"Applies to: {', '.join(playbook.applies_to)}" + (f" · error codes: {', '.join(playbook.codes)}"
                                                               if playbook.codes else ""), ""]
    main = [s for s in playbook.steps if s.kind != "verdict" and not s.shared]
    verdicts = [s for s in playbook.steps if s.kind == "verdict"]
    shared = [s for s in playbook.steps if s.shared]
    out.append("## Steps")
    for s in main:
        out += step_markdown(s)
    out += ["", "## Possible verdicts"]
    for s in verdicts:
        out += step_markdown(s)
    out += ["", "## Before you escalate"]
    for s in shared:
        out += step_markdown(s)
    return "\n".join(out) + "\n"


def record_summary(step: Step, rec_answer: str, rec_state: str, results: Iterable[Mapping[str, Any]]) -> str:
    """What happened at a step, in a few words (answer, evidence, or check results)."""
    if step.kind == "ask":
        label = next((str(c.label) for c in step.choices if c.id == rec_answer), rec_answer or rec_state)
        return f"answered: {label}"
    if step.kind == "check":
        parts = [f"{r['check_id']}: {r['status']}" + (f" ({', '.join(r['codes'][:4])})" if r.get("codes") else "")
                 for r in results]
        return "; ".join(parts) or rec_state
    if step.kind == "collect" and rec_answer:
        return f"given: {rec_answer}"
    return rec_state


def transcripts_markdown(pairs: Sequence[tuple[Playbook, Transcript]]) -> list[str]:
    """The "What was checked" section of the TAC report: per playbook, each step visited with its
    answer or result and when."""
    if not pairs:
        return []
    out = ["## What was checked", ""]
    for book, t in pairs:
        outcome = {"fixed": "fixed", "escalated": "escalated to TAC"}.get(t.outcome, "in progress")
        out += [f"### {book.title}", "", f"Playbook `{book.id}` · started {t.started_at} · {outcome}", "",
                "| step | answer or result | note | when |", "|---|---|---|---|"]
        for step, rec in transcript_lines(book, t):
            summary = record_summary(step, rec.answer, rec.state, rec.results)
            out.append(f"| {_cell(str(step.title))} | {_cell(summary)} | {_cell(rec.note)} | {rec.at} |")
        out.append("")
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
