"""Cross-evidence consistency: the facts the evidence shows (org ID, user e-mail, client version)
against the case they were added to, and the facts the case could take from its evidence.

A HAR of another org or logs of another user usually mean the wrong capture or the wrong case; a
check whose input disagrees with the case says so with a warning finding (the rules and their
sources are in the checks' catalogs). A side that holds no value for a fact has nothing to
disagree with: no finding, never a claim that the facts agree.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

from .artifacts import HarSummary, LogSummary
from .case import Case, CaseFacts, email_key as _email, org_key as _org, same_version as _same_version
from .findings import make_finding
from .model import Evidence, Finding

#: The facts compared, as (CaseFacts field, case field, words).
FACTS = (("org_ids", "org_id", "org ID"), ("emails", "emails", "user"),
         ("client_versions", "client_versions", "client version"))


def mismatches(case: Case | None, facts: Mapping[str, Sequence[str]],
               compare: Iterable[str] = ("org_ids", "emails", "client_versions"),
               source: str = "the evidence") -> list[tuple[str, str]]:
    """(what, in words) for each fact in ``compare`` where the evidence and the case both hold
    values and none of them agree. Org IDs compare in any form (case, hyphens, Hydra ID); the
    case's partner org counts as a match (a Partner Hub capture shows the partner org)."""
    if case is None:
        return []
    out: list[tuple[str, str]] = []
    wanted = set(compare)
    for key, _, words in FACTS:
        found = [v for v in facts.get(key, ()) if v]
        if key not in wanted or not found:
            continue
        if key == "org_ids":
            if not case.org_id:
                continue
            ours = {_org(case.org_id)} | ({_org(case.partner_org_id)} if case.partner_org_id else set())
            if not ({_org(o) for o in found} & ours):
                partner = f" (partner org {case.partner_org_id})" if case.partner_org_id else ""
                out.append((words, f"{source} show org {', '.join(found)}, the case has {case.org_id}{partner}"))
        elif key == "emails":
            if case.emails and not ({_email(e) for e in found} & {_email(e) for e in case.emails}):
                out.append((words, f"{source} show user {', '.join(found)}, not among the case's users "
                                   f"({', '.join(case.emails)})"))
        elif case.client_versions and not any(_same_version(v, c) for v in found for c in case.client_versions):
            out.append((words, f"{source} show version {', '.join(found)}, the case has "
                               f"{', '.join(case.client_versions)}"))
    return out


def mismatch_finding(rule: Mapping[str, Any], case: Case | None, facts: Mapping[str, Sequence[str]],
                     compare: Iterable[str] = ("org_ids", "emails", "client_versions"),
                     source: str = "the evidence") -> Finding | None:
    """The catalog ``rule``'s warning when ``facts`` disagree with ``case`` (see :func:`mismatches`)."""
    parts = mismatches(case, facts, compare, source)
    if not parts:
        return None
    details = "; ".join(d for _, d in parts)
    return make_finding(dict(rule), what=", ".join(w for w, _ in parts), details=details[:1].upper() + details[1:],
                        evidence=[Evidence(w, d, "text") for w, d in parts], fields=[w for w, _ in parts],
                        case_id=case.id if case else None)


def with_finding(findings: Sequence[Finding], extra: Finding | None, before: str = "") -> list[Finding]:
    """``findings`` with ``extra`` placed before the first finding coded ``before`` (a summary or
    an extract that stays last), else at the end."""
    out = list(findings)
    if extra is None:
        return out
    at = next((i for i, f in enumerate(out) if f.code == before), len(out)) if before else len(out)
    out.insert(at, extra)
    return out


# Facts the evidence found -------------------------------------------------------------------------
def found_facts(results: Iterable[Any]) -> list[CaseFacts]:
    """The facts the latest evidence results found (their artifacts: the client logs' summary,
    the HAR's). Results stored before artifacts existed carry them in their summary finding."""
    out: list[CaseFacts] = []
    for r in results:
        arts = [a.case_facts for a in getattr(r, "artifacts", ()) if isinstance(a, (LogSummary, HarSummary))]
        out += arts or _stored_facts(r)
    return out


def _stored_facts(r: Any) -> list[CaseFacts]:
    """Facts of a result stored by an older wxtriage (in ``Finding.data``; read, never written)."""
    out: list[CaseFacts] = []
    for f in r.findings:
        if r.check_id == "client.logs" and f.code == "logs.summary" and "case_facts" in f.data:
            cf = f.data["case_facts"]
            orgs = list(cf.get("org_ids", []))
            out.append(CaseFacts("the logs", org_id=orgs[0] if len(orgs) == 1 else "", org_ids=tuple(orgs),
                                 emails=tuple(cf.get("emails", [])),
                                 client_versions=tuple(cf.get("client_versions", [])),
                                 tracking_ids=tuple(cf.get("tracking_ids", []))))
        elif r.check_id == "har.analyze" and f.code == "har.extracted":
            orgs = list(f.data.get("org_ids", []))
            out.append(CaseFacts("the HAR", org_id=orgs[0] if orgs else "", org_ids=tuple(orgs),
                                 emails=tuple(f.data.get("emails", [])),
                                 tracking_ids=tuple(f.data.get("tracking_ids", []))))
    return out


def suggested_updates(case: Case, results: Iterable[Any]) -> tuple[Case, list[str]]:
    """What the case would gain from every fact its evidence found (logs, HAR): the updated case
    and the changes in words (empty: nothing to offer). One org ID is taken only when the
    evidence agrees on one."""
    found = found_facts(results)
    orgs = list(dict.fromkeys(_org(o) for ff in found for o in ff.org_ids))
    updated, changes = case, []
    for ff in found:
        # An org only when all the evidence shows the same one (and this piece shows it).
        org = orgs[0] if len(orgs) == 1 and ff.org_ids else ""
        updated, more = updated.with_facts(replace(ff, org_id=org))
        changes += more
    return updated, changes


@dataclass(frozen=True)
class Gap:
    """A field TAC asks for that the case lacks, and what fills it."""

    field: str
    note: str  # the catalog's note (what TAC asks for and why)
    found: str = ""  # what accepting the evidence's facts adds, with where ("45.10.0.33456 from the logs")
    seen: str = ""  # values the evidence shows but cannot choose between (several org IDs)
    evidence: str = ""  # the evidence that would hold it (catalog ``found_in``)


def gaps_for_tac(case: Case, results: Iterable[Any] = ()) -> list[Gap]:
    """What TAC asks for (catalog ``tac_info``) that ``case`` lacks, each with what accepting the
    evidence's facts would add (:func:`suggested_updates`), the values seen when the evidence
    cannot choose, or the evidence that would give it."""
    from .catalog import load_catalog

    results = list(results)
    found = found_facts(results)
    updated, _ = suggested_updates(case, results)
    out: list[Gap] = []
    for m in load_catalog("tac_info")["missing"]:
        name = m["field"]
        if getattr(case, name):
            continue
        key = {"org_id": "org_ids"}.get(name, name)
        where: dict[str, list[str]] = {}
        for ff in found:
            for v in ff.as_dict().get(key, []):
                where.setdefault(_org(v) if key == "org_ids" else v, []).append(ff.source)

        def text(values: Iterable[str]) -> str:
            return ", ".join(f"{v} from {' and '.join(where[v])}" for v in values)
        new = getattr(updated, name)
        if new:
            values = [new] if isinstance(new, str) else list(new)
            out.append(Gap(name, m["note"], found=text([v for v in values if v in where]) or ", ".join(values)))
        else:
            out.append(Gap(name, m["note"], seen=text(list(where)), evidence=m.get("found_in", "")))
    return out
