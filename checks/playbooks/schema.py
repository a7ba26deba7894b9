"""The playbook file schema: one TOML document checked key by key into the model
(:mod:`.model`), every mistake one line naming the file and the key (``docs/playbooks.md``)."""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from ..sources import SourceError, parse_cite, parse_source
from .model import (APPLIES_TO, EVIDENCE_KINDS, KINDS, TAC_ITEMS, Choice, LText, Outcome, Playbook, PlaybookError,
                    Step)

__all__ = ["APPLIES_TO", "EVIDENCE_KINDS", "KINDS", "TAC_ITEMS", "Choice", "LText", "Outcome", "Playbook",
           "PlaybookError", "Step", "parse_playbook", "parse_shared_steps"]

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_WHEN = re.compile(r"^(?:(?:code|nocode):[a-z0-9_.-]+|worst>=(?:info|warning|error|critical)"
                   r"|pass|warn|fail|skip|error|otherwise)$")

_TOP_KEYS = {"id", "title", "summary", "symptoms", "codes", "applies_to", "area", "source", "cites", "uncited",
             "doc", "steps", "start", "tac"}
_STEP_KEYS = {"id", "kind", "title", "text", "help", "source", "cites", "uncited", "doc", "next"}
_KIND_KEYS = {
    "ask": {"choices", "option"},
    "do": {"place", "command", "expect"},
    "collect": {"evidence", "option", "how", "optional", "place", "command", "expect"},
    "check": {"checks", "outcomes"},
    "verdict": {"fix", "command", "place"},
    "escalate": {"tac"},
}


def _fail(origin: str, where: str, message: str) -> PlaybookError:
    return PlaybookError(f"{origin}: {where}: {message}")


def _text(value: Any, origin: str, where: str) -> LText:
    if isinstance(value, str):
        return LText(value)
    if isinstance(value, dict) and isinstance(value.get("en"), str) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return LText(value["en"], {k: v for k, v in value.items() if k != "en"})
    raise _fail(origin, where, "expected text (a string, or a table of languages with at least `en`)")


def _strings(value: Any, origin: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(origin, where, "expected a list of strings")
    return tuple(value)


def _texts(value: Any, origin: str, where: str) -> tuple[LText, ...]:
    if not isinstance(value, list):
        raise _fail(origin, where, "expected a list")
    return tuple(_text(v, origin, f"{where}[{i}]") for i, v in enumerate(value))


def _source(value: Any, origin: str, where: str) -> str:
    """The same source tags as the catalogs (``checks.sources``: S0..S4, pub:<document>, inf)."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(origin, where, "every playbook and step needs a `source` (S0..S4, pub:<document> or inf)")
    try:
        parse_source(value)
    except SourceError as exc:
        raise _fail(origin, where, str(exc)) from None
    return value.strip()


def _cites(value: Any, origin: str, where: str) -> tuple[str, ...]:
    cites = _strings(value, origin, where)
    for c in cites:
        try:
            parse_cite(c)
        except SourceError:
            raise _fail(origin, where, f"citation {c!r} is not <seed>:<first>-<last>, e.g. 004:701-719") from None
    return cites


def _unknown(table: Mapping[str, Any], allowed: set[str], origin: str, where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise _fail(origin, where, f"unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _step(raw: Any, origin: str, i: int, shared: bool) -> Step:
    where = f"steps[{i}]"
    if not isinstance(raw, dict):
        raise _fail(origin, where, "expected a table ([[steps]])")
    sid = raw.get("id")
    if not isinstance(sid, str) or not _ID.match(sid):
        raise _fail(origin, f"{where}.id", "expected an id of lowercase letters, digits and hyphens")
    where = f"steps[{i}] ({sid})"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _fail(origin, f"{where}.kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
    _unknown(raw, _STEP_KEYS | _KIND_KEYS[kind], origin, where)
    if "title" not in raw:
        raise _fail(origin, f"{where}.title", "missing: every step needs a one-line title")
    kw: dict[str, Any] = {"id": sid, "kind": kind, "shared": shared,
                          "source": _source(raw.get("source"), origin, f"{where}.source")}
    for key in ("title", "text", "help", "place", "expect"):
        if key in raw:
            kw[key] = _text(raw[key], origin, f"{where}.{key}")
    for key in ("command", "doc", "next", "option"):
        if key in raw:
            if not isinstance(raw[key], str):
                raise _fail(origin, f"{where}.{key}", "expected a string")
            kw[key] = raw[key]
    if "cites" in raw:
        kw["cites"] = _cites(raw["cites"], origin, f"{where}.cites")
    if "optional" in raw:
        if not isinstance(raw["optional"], bool):
            raise _fail(origin, f"{where}.optional", "expected true or false")
        kw["optional"] = raw["optional"]
    for key in ("how", "fix"):
        if key in raw:
            kw[key] = _texts(raw[key], origin, f"{where}.{key}")
    if kind == "ask":
        kw["choices"] = _choices(raw.get("choices"), origin, f"{where}.choices")
    elif kind == "collect":
        if raw.get("evidence") not in EVIDENCE_KINDS:
            raise _fail(origin, f"{where}.evidence", f"expected one of {', '.join(EVIDENCE_KINDS)}")
        kw["evidence"] = raw["evidence"]
        if not raw.get("how"):
            raise _fail(origin, f"{where}.how", "a collect step says how to get the evidence (a list of steps)")
    elif kind == "check":
        kw["checks"] = _strings(raw.get("checks"), origin, f"{where}.checks")
        if not kw["checks"]:
            raise _fail(origin, f"{where}.checks", "name at least one check id")
        kw["outcomes"] = _outcomes(raw.get("outcomes", []), origin, f"{where}.outcomes")
    elif kind == "verdict" and not raw.get("fix"):
        raise _fail(origin, f"{where}.fix", "a verdict gives its fix (a list of steps)")
    elif kind == "escalate":
        kw["tac"] = _tac(raw.get("tac"), origin, f"{where}.tac")
    return Step(**kw)


def _tac(value: Any, origin: str, where: str) -> tuple[str, ...]:
    items = _strings(value, origin, where)
    bad = [t for t in items if t not in TAC_ITEMS]
    if bad:
        raise _fail(origin, where, f"unknown item {bad[0]!r}; known: {', '.join(TAC_ITEMS)}")
    return items


def _choices(value: Any, origin: str, where: str) -> tuple[Choice, ...]:
    if value is None:  # the usual question: yes / no / not sure, all going on
        return (Choice("yes", LText("Yes")), Choice("no", LText("No")), Choice("not-sure", LText("Not sure")))
    if not isinstance(value, list) or not value:
        raise _fail(origin, where, "expected a list of { id, label, next } tables")
    out = []
    for i, c in enumerate(value):
        if not isinstance(c, dict) or not isinstance(c.get("id"), str) or not _ID.match(c["id"]):
            raise _fail(origin, f"{where}[{i}]", "expected a table with an `id` of lowercase letters and hyphens")
        _unknown(c, {"id", "label", "next"}, origin, f"{where}[{i}]")
        out.append(Choice(c["id"], _text(c.get("label", c["id"]), origin, f"{where}[{i}].label"),
                          str(c.get("next", ""))))
    return tuple(out)


def _outcomes(value: Any, origin: str, where: str) -> tuple[Outcome, ...]:
    if not isinstance(value, list):
        raise _fail(origin, where, "expected a list of { when, next } tables")
    out = []
    for i, o in enumerate(value):
        if not isinstance(o, dict):
            raise _fail(origin, f"{where}[{i}]", "expected a table { when, next }")
        _unknown(o, {"when", "next"}, origin, f"{where}[{i}]")
        if not isinstance(o.get("when"), str) or not _WHEN.match(o["when"]):
            raise _fail(origin, f"{where}[{i}].when", "expected code:<finding code>, nocode:<code>, "
                        "worst>=<severity>, pass, warn, fail, skip, error or otherwise")
        if not isinstance(o.get("next"), str):
            raise _fail(origin, f"{where}[{i}].next", "expected a step id")
        out.append(Outcome(o["when"], o["next"]))
    return tuple(out)


def parse_playbook(doc: Mapping[str, Any], origin: str, shared_steps: Iterable[Step] = ()) -> Playbook:
    """Validate one playbook document; raises :class:`PlaybookError` naming ``origin`` and the key."""
    _unknown(doc, _TOP_KEYS, origin, "top level")
    pid = doc.get("id")
    if not isinstance(pid, str) or not _ID.match(pid):
        raise _fail(origin, "id", "expected an id of lowercase letters, digits and hyphens")
    for key in ("title", "symptoms", "steps"):
        if key not in doc:
            raise _fail(origin, key, "missing")
    applies = _strings(doc.get("applies_to", []), origin, "applies_to")
    bad = [a for a in applies if a not in APPLIES_TO]
    if bad or not applies:
        raise _fail(origin, "applies_to", f"expected some of {', '.join(APPLIES_TO)}")
    raw_steps = doc["steps"]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise _fail(origin, "steps", "expected at least one [[steps]] table")
    steps = [_step(s, origin, i, shared=False) for i, s in enumerate(raw_steps)]
    steps += list(shared_steps)
    ids = [s.id for s in steps]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup:
        raise _fail(origin, "steps", f"step id {dup!r} is used twice")
    known = set(ids)
    for i, s in enumerate(steps):
        targets = [s.next] + [c.next for c in s.choices] + [o.next for o in s.outcomes]
        missing = [t for t in targets if t and t not in known]
        if missing:
            raise _fail(origin, f"steps[{i}] ({s.id}).next", f"no step {missing[0]!r} in this playbook")
    if not any(s.kind == "verdict" for s in steps):
        raise _fail(origin, "steps", "a playbook reaches at least one verdict step")
    start = str(doc.get("start", ""))
    if start and start not in known:
        raise _fail(origin, "start", f"no step {start!r}")
    return Playbook(
        id=pid, title=_text(doc["title"], origin, "title"), summary=_text(doc.get("summary", ""), origin, "summary"),
        symptoms=_texts(doc["symptoms"], origin, "symptoms"),
        codes=tuple(str(c) for c in _strings(doc.get("codes", []), origin, "codes")),
        applies_to=applies, steps=tuple(steps), source=_source(doc.get("source"), origin, "source"),
        cites=_cites(doc.get("cites", []), origin, "cites"), area=str(doc.get("area", "")),
        doc=str(doc.get("doc", "")), start=start, tac=_tac(doc.get("tac", []), origin, "tac"), origin=origin)


def parse_shared_steps(doc: Mapping[str, Any], origin: str) -> list[Step]:
    """The steps of a fragment file (``_before_escalate.toml``), each marked ``shared``."""
    _unknown(doc, {"steps"}, origin, "top level")
    return [_step(s, origin, i, shared=True) for i, s in enumerate(doc.get("steps", []))]
