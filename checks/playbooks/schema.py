"""Playbooks: symptom-first checklists as data (``checks/playbooks/*.toml``), validated on load.

A playbook walks an admin from what they see (a symptom, an error code) through the manual and
automated steps of a Cisco procedure to a verdict. The front-ends (TUI, CLI) render any playbook
from this model; they know the step *kinds*, never a particular playbook.
The file format is documented in ``docs/playbooks.md``.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..sources import SourceError, parse_cite, parse_source

#: Entry-point group through which a plugin distribution ships playbooks: the entry point names a
#: package (or module) whose folder holds ``*.toml`` playbook files.
GROUP = "wxtriage.playbooks"
KINDS = ("ask", "do", "collect", "check", "verdict", "escalate")
EVIDENCE_KINDS = ("har", "logs", "csv", "paste", "cert-chain", "cluster")
APPLIES_TO = ("webex-for-broadworks", "webex-calling")
SEVERITIES = ("info", "warning", "error", "critical")
#: What an ``escalate`` step may list (filled from the case and its evidence).
TAC_ITEMS = ("org_id", "partner_org_id", "tracking_ids", "email", "client_version", "description", "har",
             "post_response", "logs", "time_window")
#: Fragments (file names starting with ``_``) hold steps shared by every playbook.
ESCALATE_FRAGMENT = "_before_escalate"

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
_TEXT_KEYS = {"title", "text", "help", "expect", "summary", "label", "place"}


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


# Loading -----------------------------------------------------------------------------------
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


def _read_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlaybookError(f"{origin}: not valid TOML: {exc}") from None


def _shared_steps(folder: Any, origin: str) -> list[Step]:
    doc = _read_toml(folder.joinpath(f"{ESCALATE_FRAGMENT}.toml").read_text(encoding="utf-8"), origin)
    _unknown(doc, {"steps"}, origin, "top level")
    return [_step(s, origin, i, shared=True) for i, s in enumerate(doc.get("steps", []))]


def _files(folder: Any) -> list[Any]:
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml") and not f.name.startswith("_")),
                  key=lambda f: f.name)


def load_folder(folder: Any, shared: Iterable[Step] | None = None, label: str = "") -> list[Playbook]:
    """Every playbook of a folder (a :class:`pathlib.Path` or an importlib resource folder)."""
    if shared is None:
        shared = _shared_steps(resources.files(__package__), "checks/playbooks/_before_escalate.toml")
    shared = list(shared)
    out = []
    for f in _files(folder):
        origin = f"{label or folder}/{f.name}"
        out.append(parse_playbook(_read_toml(f.read_text(encoding="utf-8"), origin), origin, shared))
    return out


@dataclass
class PlaybookSet:
    """The loaded playbooks (built-in and from plugins) and the plugins that failed to load."""

    playbooks: dict[str, Playbook] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def all(self) -> list[Playbook]:
        return list(self.playbooks.values())

    def get(self, playbook_id: str) -> Playbook:
        try:
            return self.playbooks[playbook_id]
        except KeyError:
            raise PlaybookError(f"no playbook {playbook_id!r}; known: {', '.join(self.playbooks)}") from None

    def add(self, books: Iterable[Playbook]) -> None:
        for b in books:
            if b.id in self.playbooks:
                self.failures.append(f"{b.origin}: id {b.id!r} is already used by {self.playbooks[b.id].origin}")
                continue
            self.playbooks[b.id] = b


def load_playbooks(extra_folders: Iterable[Path] = (), eps: Iterable[EntryPoint] | None = None) -> PlaybookSet:
    """The built-in playbooks (a malformed one raises :class:`PlaybookError`: that is our bug, and
    a test catches it) plus those of plugins (a malformed plugin playbook is reported in
    ``failures`` and left out, like a plugin check that fails to import)."""
    here = resources.files(__package__)
    shared = _shared_steps(here, "checks/playbooks/_before_escalate.toml")
    result = PlaybookSet()
    result.add(load_folder(here, shared, label="checks/playbooks"))
    for ep in (entry_points(group=GROUP) if eps is None else eps):
        try:
            result.add(load_folder(resources.files(ep.module), shared, label=ep.value))
        except (PlaybookError, ImportError, OSError, TypeError) as exc:
            result.failures.append(f"playbook plugin {ep.name}: {exc}")
    for folder in extra_folders:
        try:
            result.add(load_folder(Path(folder), shared))
        except (PlaybookError, OSError) as exc:
            result.failures.append(str(exc))
    return result
