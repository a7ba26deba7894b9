"""``wxtriage case new|list|show|set|delete|archive|unarchive``: the case store from the command line."""
from __future__ import annotations

import argparse

from checks.case import Case
from checks.report import render_text

from .common import CliError, add_store_arg, emit_safe, open_store, print_json


def _add_fields(p: argparse.ArgumentParser, creating: bool) -> None:
    p.add_argument("--org-id", default="" if creating else None, help="customer org ID (UUID or Hydra ID)")
    p.add_argument("--partner-org-id", default="" if creating else None, help="partner org ID")
    p.add_argument("--tracking-id", dest="tracking_ids", action="append", default=[], metavar="ID",
                   help="tracking ID, e.g. ATLAS_<uuid>_30 (repeatable)")
    p.add_argument("--email", dest="emails", action="append", default=[], metavar="ADDR",
                   help="affected user's e-mail (repeatable)")
    p.add_argument("--client-version", dest="client_versions", action="append", default=[], metavar="VER",
                   help="Webex app version (repeatable)")
    p.add_argument("--release", default="" if creating else None, help="BroadWorks release, e.g. R24")
    p.add_argument("--description", default="" if creating else None, help="the problem in a few words")
    p.add_argument("--since", default="" if creating else None, metavar="ISO", help="start of the time window")
    p.add_argument("--until", default="" if creating else None, metavar="ISO", help="end of the time window")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("case", help="create, list, show, change, archive and delete cases")
    csub = p.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    new = csub.add_parser("new", help="open a new case; prints its ID last")
    _add_fields(new, creating=True)
    add_store_arg(new)
    new.set_defaults(func=cmd_new)
    upd = csub.add_parser("set", help="change fields of a case (lists given are appended)")
    upd.add_argument("case_id", metavar="ID")
    _add_fields(upd, creating=False)
    add_store_arg(upd)
    upd.set_defaults(func=cmd_set)
    ls = csub.add_parser("list", help="list cases, newest first")
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--limit", type=int, metavar="N",
                    help=f"at most N cases (text: {TEXT_LIST_LIMIT} unless given; --json: all unless given)")
    ls.add_argument("--all", action="store_true", help="every case, however many, archived ones too")
    ls.add_argument("--archived", action="store_true", help="only the archived cases")
    add_store_arg(ls)
    ls.set_defaults(func=cmd_list)
    delete = csub.add_parser("delete", help="delete a case with its results, evidence records, walks and its "
                                            "folder in the data folder (asks first; evidence files you gave "
                                            "stay where they are)")
    delete.add_argument("case_id", metavar="ID")
    delete.add_argument("--yes", action="store_true", help="do not ask (needed when not at a terminal)")
    add_store_arg(delete)
    delete.set_defaults(func=cmd_delete)
    archive = csub.add_parser("archive", help="archive a case: kept whole, hidden from the lists and the TUI's "
                                              "recent cases (asks first; `case unarchive ID` brings it back)")
    archive.add_argument("case_id", metavar="ID")
    archive.add_argument("--yes", action="store_true", help="do not ask (needed when not at a terminal)")
    add_store_arg(archive)
    archive.set_defaults(func=cmd_archive)
    unarchive = csub.add_parser("unarchive", help="bring an archived case back into the lists")
    unarchive.add_argument("case_id", metavar="ID")
    add_store_arg(unarchive)
    unarchive.set_defaults(func=cmd_unarchive)
    show = csub.add_parser("show", help="show a case and its latest results")
    show.add_argument("case_id", metavar="ID")
    show.add_argument("--json", action="store_true")
    add_store_arg(show)
    show.set_defaults(func=cmd_show)


def cmd_new(args: argparse.Namespace) -> int:
    case = Case.create(org_id=args.org_id, partner_org_id=args.partner_org_id, tracking_ids=args.tracking_ids,
                       emails=args.emails, client_versions=args.client_versions, release=args.release,
                       description=args.description, since=args.since, until=args.until)
    open_store(args).save(case)
    print(f"Created case {case.id}")
    return 0


def _confirmed(args: argparse.Namespace, doing: str, question: str) -> int | None:
    """None when the user agreed (or gave --yes), else the exit code: 2 when nobody can be asked
    (not a terminal), 1 when the answer was no."""
    import sys

    if args.yes:
        return None
    if not sys.stdin.isatty():
        print(f"wxtriage: error: {doing} needs confirmation: run it at a terminal or add --yes", file=sys.stderr)
        return 2
    try:
        answer = input(f"{question} [y/N] ").strip().lower()
    except EOFError:
        answer = ""
    if answer not in ("y", "yes"):
        print("Nothing changed.")
        return 1
    return None


def _what(case: Case) -> str:
    return f"case {case.id} ({case.org_id or 'no org ID'}; {(case.description.splitlines() or ['no description'])[0][:60]})"


def cmd_delete(args: argparse.Namespace) -> int:
    store = open_store(args)
    case = store.get(args.case_id)
    what = _what(case)
    refused = _confirmed(args, f"deleting {what}", f"Delete {what} with its results and its folder?")
    if refused is not None:
        return refused
    store.delete(case.id)
    print(f"Deleted {what}")
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    store = open_store(args)
    case = store.get(args.case_id)
    what = _what(case)
    if store.is_archived(case.id):
        print(f"Already archived: {what}")
        return 0
    refused = _confirmed(args, f"archiving {what}", f"Archive {what}? It leaves the lists; nothing is deleted.")
    if refused is not None:
        return refused
    store.archive(case.id)
    print(f"Archived {what} (`wxtriage case list --archived` shows it, `wxtriage case unarchive {case.id}` "
          "brings it back)")
    return 0


def cmd_unarchive(args: argparse.Namespace) -> int:
    store = open_store(args)
    case = store.archive(args.case_id, archived=False)
    print(f"Unarchived {_what(case)}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    store = open_store(args)

    def merge(old: Case) -> Case:  # runs inside the store's transaction, on the case as stored now
        tw = old.time_window.to_dict()
        merged = Case.create(
            id=old.id,
            org_id=old.org_id if args.org_id is None else args.org_id,
            partner_org_id=old.partner_org_id if args.partner_org_id is None else args.partner_org_id,
            tracking_ids=[*old.tracking_ids, *args.tracking_ids], emails=[*old.emails, *args.emails],
            client_versions=[*old.client_versions, *args.client_versions],
            release=old.release if args.release is None else args.release,
            description=old.description if args.description is None else args.description,
            since=(tw["start"] or "") if args.since is None else args.since,
            until=(tw["end"] or "") if args.until is None else args.until)
        return old.updated(**{k: getattr(merged, k) for k in (
            "org_id", "partner_org_id", "tracking_ids", "emails", "client_versions", "release", "description",
            "time_window")})

    case = store.update(args.case_id, merge)
    print(f"Updated case {case.id}")
    return 0

#: Cases ``case list`` prints without --limit/--all: the recent ones a person reads.
TEXT_LIST_LIMIT = 100


def cmd_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise CliError(f"--limit {args.limit}: give a number of 1 or more (or --all)")
    limit = None if args.all else args.limit if args.limit is not None else (None if args.json else TEXT_LIST_LIMIT)
    store = open_store(args)
    archived = True if args.archived else None if args.all else False
    # One more than shown tells whether older cases were left out, without counting them all.
    cases = store.list(limit=None if limit is None else limit + 1, archived=archived)
    more = limit is not None and len(cases) > limit
    cases = cases[:limit] if limit is not None else cases
    marked = set(c.id for c in store.list(archived=True)) if archived is not False else set()
    hidden = store.count(archived=True) if archived is False else 0
    if args.json:
        emit_safe(doc={"cases": [c.to_dict() | {"archived": c.id in marked} for c in cases], "truncated": more,
                       "archived_not_shown": hidden}, where="the case list")
        return 0
    if not cases:
        print("No archived cases." if args.archived else
              "No cases yet. Open one with: wxtriage case new --org-id <org ID>"
              + (f" ({hidden} archived: --archived shows them)" if hidden else ""))
        return 0
    lines = []
    for c in cases:
        desc = c.description.splitlines()[0][:50] if c.description else ""
        tag = "  [archived]" if c.id in marked and not args.archived else ""
        lines.append(f"{c.id}  {c.updated_at[:16]}  {c.org_id or '(no org ID)':<36}  {desc}{tag}")
    if more:
        lines.append(f"… {store.count(archived) - len(cases)} older cases not shown (--limit N or --all)")
    if hidden:
        lines.append(f"({hidden} archived case(s) not shown: --archived or --all)")
    emit_safe("\n".join(lines), where="the case list")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_store(args)
    case = store.get(args.case_id)
    results = store.latest_results(case.id)
    if args.json:
        emit_safe(doc={"case": case.to_dict(), "checks": [r.to_dict() for r in results]}, where="the case")
        return 0
    lines = [f"{label + ':':<20}{value or '—'}" for label, value in (
        ("Case", case.id), ("Customer org ID", case.org_id), ("Partner org ID", case.partner_org_id),
        ("Tracking IDs", ", ".join(case.tracking_ids)), ("Affected users", ", ".join(case.emails)),
        ("Client versions", ", ".join(case.client_versions)), ("BroadWorks release", case.release),
        ("Description", case.description), ("Created", case.created_at), ("Updated", case.updated_at))]
    if results:
        lines += ["", render_text(results)]
    emit_safe("\n".join(lines), where="the case")
    return 0
