"""Cross-evidence consistency: the facts the evidence shows (org ID, user e-mail, client version)
against the case they were added to, and the facts the case could take from its evidence.

A HAR of another org or logs of another user usually mean the wrong capture or the wrong case; a
check whose input disagrees with the case says so with a warning finding (the rules and their
sources are in the checks' catalogs). A side that holds no value for a fact has nothing to
disagree with: no finding, never a claim that the facts agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from .case import Case, CaseFieldError, normalize_email, normalize_org_id
from .findings import make_finding
from .model import Evidence, Finding

#: The facts compared, as (case_facts key, case field, words).
FACTS = (("org_ids", "org_id", "org ID"), ("emails", "emails", "user"),
         ("client_versions", "client_versions", "client version"))

MAX_COPIED_TRACKING_IDS = 10


def _org(value: str) -> str:
    try:
        return normalize_org_id(value)
    except CaseFieldError:
        return value.strip().lower()


def _email(value: str) -> str:
    try:
        return normalize_email(value).lower()
    except CaseFieldError:
        return value.strip().lower()


def _same_version(a: str, b: str) -> bool:
    """``45.10`` and ``45.10.0.33456`` are the same version written to a different depth."""
    pa, pb = a.strip().lstrip("vV").split("."), b.strip().lstrip("vV").split(".")
    n = min(len(pa), len(pb))
    return n > 0 and pa[:n] == pb[:n]


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
@dataclass
class FoundFacts:
    """Facts one piece of evidence found, in the case's vocabulary (already normalised)."""

    source: str  # "the logs", "the HAR"
    emails: list[str] = field(default_factory=list)
    client_versions: list[str] = field(default_factory=list)
    tracking_ids: list[str] = field(default_factory=list)
    org_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"emails": self.emails, "client_versions": self.client_versions,
                "tracking_ids": self.tracking_ids, "org_ids": self.org_ids}


def found_facts(results: Iterable[Any]) -> list[FoundFacts]:
    """The facts the latest evidence results found: the client logs' summary, the HAR's extract."""
    out: list[FoundFacts] = []
    for r in results:
        for f in r.findings:
            if r.check_id == "client.logs" and f.code == "logs.summary":
                cf = f.data.get("case_facts", {})
                out.append(FoundFacts("the logs", *(list(cf.get(k, [])) for k in
                                                    ("emails", "client_versions", "tracking_ids", "org_ids"))))
            elif r.check_id == "har.analyze" and f.code == "har.extracted":
                out.append(FoundFacts("the HAR", emails=list(f.data.get("emails", [])),
                                      tracking_ids=list(f.data.get("tracking_ids", [])),
                                      org_ids=list(f.data.get("org_ids", []))))
    return out


def case_with_facts(case: Case, facts: Mapping[str, Sequence[str]], source: str = "") -> tuple[Case, list[str]]:
    """``case`` with ``facts`` added (lists appended, the org ID only when the case has none and
    the evidence shows exactly one) and what changed, in words (``source`` names the evidence)."""
    changes: list[str] = []
    updates: dict[str, Any] = {}
    where = f" (from {source})" if source else ""
    emails = [e for e in facts.get("emails", []) if _email(e) not in {_email(c) for c in case.emails}]
    versions = [v for v in facts.get("client_versions", [])
                if not any(_same_version(v, c) for c in case.client_versions)]
    tracking = [t for t in facts.get("tracking_ids", []) if t not in case.tracking_ids][:MAX_COPIED_TRACKING_IDS]
    org_ids = list(dict.fromkeys(_org(o) for o in facts.get("org_ids", [])))
    if emails:
        updates["emails"] = case.emails + tuple(emails)
        changes.append(f"e-mail {', '.join(emails)}{where}")
    if versions:
        updates["client_versions"] = case.client_versions + tuple(versions)
        changes.append(f"client version {', '.join(versions)}{where}")
    if tracking:
        updates["tracking_ids"] = case.tracking_ids + tuple(tracking)
        changes.append(f"{len(tracking)} tracking ID(s){where}")
    if not case.org_id and len(org_ids) == 1:
        updates["org_id"] = org_ids[0]
        changes.append(f"org ID {org_ids[0]}{where}")
    return (case.updated(**updates) if updates else case), changes


def suggested_updates(case: Case, results: Iterable[Any]) -> tuple[Case, list[str]]:
    """What the case would gain from every fact its evidence found (logs, HAR): the updated case
    and the changes in words (empty: nothing to offer). One org ID is taken only when the
    evidence agrees on one."""
    found = found_facts(results)
    orgs = list(dict.fromkeys(_org(o) for ff in found for o in ff.org_ids))
    updated, changes = case, []
    for ff in found:
        facts = ff.as_dict() | {"org_ids": ff.org_ids if len(orgs) == 1 else []}
        updated, more = case_with_facts(updated, facts, ff.source)
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
