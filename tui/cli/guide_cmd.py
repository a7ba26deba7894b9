"""``wxtriage guide …`` and ``wxtriage explain CODE``: the guided playbooks without the terminal UI."""
from __future__ import annotations

import argparse

from checks.playbooks import PlaybookError, checklist, explain, load_playbooks, rank
from checks.playbooks.render import playbook_markdown, record_summary
from checks.playbooks.walk import Walk

from .common import CliError, add_store_arg, emit_safe, open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("guide", help="symptom-first playbooks: list, find, show, status of a case")
    gsub = g.add_subparsers(dest="guide_command", metavar="ACTION")
    p = gsub.add_parser("list", help="every playbook")
    p.add_argument("--json", action="store_true", help="print JSON (id, title, symptoms, codes, steps)")
    p.set_defaults(func=cmd_list)
    p = gsub.add_parser("find", help="the playbooks for a symptom or an error code, best first")
    p.add_argument("text", nargs="+", help="what you see, e.g. 'status 400' or 10991")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_find)
    p = gsub.add_parser("show", help="one playbook's checklist")
    p.add_argument("id", help="playbook id (wxtriage guide list)")
    p.add_argument("--markdown", action="store_true", help="Markdown with [ ] boxes, for a ticket or an e-mail")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_show)
    p = gsub.add_parser("status", help="the playbooks worked on a case, step by step")
    p.add_argument("--case", required=True, metavar="ID", help="case id (a unique prefix is enough)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_store_arg(p)
    p.set_defaults(func=cmd_status)
    g.set_defaults(func=lambda args: (g.print_help(), 2)[1])

    e = sub.add_parser("explain", help="what an error code means, its cause, the fix, the playbook to follow")
    e.add_argument("code", help="an error code (10991, 1502, WXC-4410, 400) or a finding code (url.path.missing_v2)")
    e.add_argument("--json", action="store_true", help="print JSON")
    e.set_defaults(func=cmd_explain)


def _playbooks():
    try:
        return load_playbooks()
    except PlaybookError as exc:
        raise CliError(str(exc)) from None


def cmd_list(args: argparse.Namespace) -> int:
    books = _playbooks()
    if args.json:
        print_json({"playbooks": [b.to_dict() for b in books.all()], "load_failures": books.failures})
        return 0
    width = max((len(b.id) for b in books.all()), default=10)
    for b in books.all():
        print(f"{b.id:<{width}}  {b.title}")
    for f in books.failures:
        print(f"(error) {f}")
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    matches = [m for m in rank(_playbooks().all(), text) if m.score > 0]
    if args.json:
        print_json({"query": text, "matches": [{"id": m.playbook.id, "title": str(m.playbook.title),
                                                "score": m.score, "why": m.why} for m in matches]})
        return 0 if matches else 1
    if not matches:
        print(f"no playbook matches {text!r}; `wxtriage guide list` shows them all, "
              f"`wxtriage explain CODE` explains an error code")
        return 1
    width = max(len(m.playbook.id) for m in matches)
    for m in matches:
        print(f"{m.playbook.id:<{width}}  {m.playbook.title}  [{m.why}]")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    try:
        book = _playbooks().get(args.id)
    except PlaybookError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print_json(book.to_dict())
    else:
        # Markdown is also the readable text form: headings, numbered steps, [ ] boxes.
        print(playbook_markdown(book), end="")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    store = open_store(args)
    case = store.get(args.case)
    books = _playbooks()
    runs = [(books.playbooks.get(t.playbook_id), t) for t in store.transcripts(case.id)]
    if args.json:
        emit_safe(doc={"case_id": case.id, "playbooks": [
            {**t.to_dict(), "undecided": bool(book and Walk(book, t).undecided())} for book, t in runs]})
        return 0
    if not runs:
        print(f"case {case.id}: no playbook worked yet (open one from the console's home screen)")
        return 0
    lines = [f"case {case.id}"]
    for book, t in runs:
        if book is None:
            lines.append(f"\n{t.playbook_id}: (playbook no longer installed)")
            continue
        walk = Walk(book, t)
        outcome = {"fixed": "fixed", "escalated": "escalated"}.get(t.outcome, "in progress")
        if walk.undecided():
            outcome = "waiting: the checks of the current step could not decide; give the evidence they need"
        lines.append(f"\n{book.title} ({book.id}) — {outcome}")
        for step, mark in checklist(walk):
            rec = walk.record(step.id)
            detail = record_summary(step, rec.answer, rec.state, rec.results) if rec else ""
            here = "→" if step.id == t.current else " "
            lines.append(f" {here} [{mark:^8}] {step.title}" + (f" — {detail}" if detail and detail != mark else "")
                         + (f"  (note: {rec.note})" if rec and rec.note else ""))
    emit_safe("\n".join(lines))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    found = explain(args.code, _playbooks().all())
    if not found:
        raise CliError(f"unknown code {args.code!r}: wxtriage has no rule for it; "
                       "`wxtriage guide find WORDS` searches the playbooks by symptom")
    if args.json:
        print_json({"code": args.code, "explanations": [e.to_dict() for e in found]})
        return 0
    for e in found:
        print(f"{e.code}: {e.meaning}")
        if e.cause:
            print(f"  cause: {e.cause}")
        if e.fix:
            print(f"  fix: {e.fix}")
        for i, s in enumerate(e.steps, 1):
            print(f"    {i}. {s}")
        if e.finding:
            print(f"  reported as: {e.finding}")
        if e.playbooks:
            print("  playbook: " + ", ".join(f"wxtriage guide show {p}" for p in e.playbooks))
        print(f"  source: {e.source}")
    return 0
