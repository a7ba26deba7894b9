"""Finding the playbook for what an admin sees, and explaining an error code.

One ranking serves the TUI's home search and ``wxtriage guide find``: words and error codes are
matched against each playbook's title, symptoms and codes, and against the error codes of the
finding catalogs (``codes = [...]`` on a rule) whose findings the playbook's checks branch on.
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .model import Playbook

_TOKEN = re.compile(r"[a-z]+-\d+|[a-z0-9]+(?:\.[0-9]+)*")
#: Words that say nothing about the problem ("the", "when I …").
_STOP = frozenset("a an and are as at be but by can for from has have i in is it my of on or our the "
                  "to was we when with what where who why how does do not no".split())


def tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP]


def _stem(word: str) -> str:
    """A crude stem so "disconnected" finds "disconnect" and "licences" finds "licence"."""
    for suffix in ("ions", "ion", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _family(finding_code: str) -> str:
    return finding_code.split(".", 1)[0]


def _is_code(token: str) -> bool:
    return any(ch.isdigit() for ch in token)


@dataclass(frozen=True)
class CatalogCode:
    """An error code (``10991``, ``WXC-4410``, ``1502``) as a finding catalog explains it."""

    code: str
    finding: str  # the finding code that reports it
    rule: Mapping[str, Any]
    catalog: str


def _tables(node: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _tables(v)
    elif isinstance(node, list):
        for v in node:
            yield from _tables(v)


@functools.cache
def catalog_rules() -> tuple[tuple[str, Mapping[str, Any]], ...]:
    """Every table of every finding catalog that carries a finding ``code`` (catalog, rule)."""
    out = []
    folder = resources.files("checks.catalog")
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".toml"):
            doc = tomllib.loads(f.read_text(encoding="utf-8"))
            out += [(f.name.removesuffix(".toml"), t) for t in _tables(doc)
                    if isinstance(t.get("code"), str) and isinstance(t.get("title"), str)]
    return tuple(out)


@functools.cache
def catalog_codes() -> dict[str, tuple[CatalogCode, ...]]:
    """Error code (lower case) → the catalog rules that explain it."""
    out: dict[str, list[CatalogCode]] = {}
    for catalog, rule in catalog_rules():
        for code in rule.get("codes", ()):
            out.setdefault(str(code).lower(), []).append(CatalogCode(str(code), rule["code"], rule, catalog))
    return {k: tuple(v) for k, v in out.items()}


def finding_codes(playbook: Playbook) -> set[str]:
    """The finding codes a playbook's check steps branch on."""
    return {o.when.split(":", 1)[1] for s in playbook.steps for o in s.outcomes if o.when.startswith(("code:",))}


@dataclass(frozen=True)
class Match:
    playbook: Playbook
    score: int
    why: str  # what matched, for the list ("code 10991", "symptom: …")


def rank(playbooks: Iterable[Playbook], text: str) -> list[Match]:
    """Playbooks matching ``text`` (words or error codes), best first; empty text lists them all."""
    books = list(playbooks)
    query = tokens(text)
    if not query:
        return [Match(b, 0, "") for b in books]
    codes = catalog_codes()
    phrase = " ".join(query)
    matches = []
    for b in books:
        score, why = 0, ""
        own_codes = {c.lower() for c in b.codes}
        via_findings = finding_codes(b)
        families = {_family(c) for c in via_findings}
        title_words = {_stem(w) for w in tokens(b.title)}
        symptom_words = {_stem(w) for s in b.symptoms for w in tokens(s)}
        summary_words = {_stem(w) for w in tokens(b.summary)}
        for tok in query:
            if _is_code(tok):
                if tok in own_codes:
                    score, why = score + 100, why or f"code {tok.upper()}"
                elif any(c.finding in via_findings for c in codes.get(tok, ())):
                    score, why = score + 60, why or f"code {tok.upper()} (in its checks)"
                elif any(_family(c.finding) in families for c in codes.get(tok, ())):
                    # A code of the same finding family as those the playbook branches on (har.…):
                    # its check reports it, and the playbook's catch-all verdict explains it.
                    score, why = score + 40, why or f"code {tok.upper()} (its checks report it)"
                elif tok in title_words or tok in symptom_words:
                    score += 20
                continue
            stem = _stem(tok)
            if stem in title_words:
                score += 10
            elif stem in symptom_words:
                score, why = score + 8, why or "symptom"
            elif len(stem) >= 4 and any(w.startswith(stem) for w in title_words | symptom_words):
                score += 5
            elif stem in summary_words:
                score += 2
        if len(query) > 1 and any(phrase in " ".join(tokens(s)) for s in (b.title, *b.symptoms)):
            score, why = score + 30, why or "symptom"
        if score:
            matches.append(Match(b, score, why or "title"))
    return sorted(matches, key=lambda m: (-m.score, str(m.playbook.title)))


# Explaining a code ----------------------------------------------------------------------------
_GENERIC = {"email": "the user's e-mail", "email_or_user": "the user", "method": "POST", "endpoint": "the request",
            "status": "…", "codes": "the code", "code": "the code", "description": "the error text",
            "tracking_id": "the tracking ID", "label": "interface URL"}


class _Generic(dict):
    def __missing__(self, key: str) -> str:
        return _GENERIC.get(key, "…")


def _render(text: str) -> str:
    return text.format_map(_Generic())


@dataclass(frozen=True)
class Explanation:
    code: str
    meaning: str  # the rule's title, with generic words for its placeholders
    cause: str
    fix: str
    steps: tuple[str, ...]
    source: str
    finding: str
    playbooks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "meaning": self.meaning, "cause": self.cause, "fix": self.fix,
                "steps": list(self.steps), "source": self.source, "finding": self.finding,
                "playbooks": list(self.playbooks)}


def explain(code: str, playbooks: Sequence[Playbook]) -> list[Explanation]:
    """What an error code (``10991``) or a finding code (``url.path.missing_v2``) means, its cause,
    the fix and the playbooks to follow. Empty when wxtriage does not know the code."""
    key = code.strip().lower()
    rules: list[Mapping[str, Any]] = [c.rule for c in catalog_codes().get(key, ())]
    if not rules:
        rules = [rule for _, rule in catalog_rules() if rule["code"].lower() == key]
    out = []
    for rule in rules:
        books = tuple(b.id for b in playbooks if rule["code"] in finding_codes(b)
                      or key in {c.lower() for c in b.codes})
        out.append(Explanation(code=code.strip(), meaning=_render(rule["title"]), cause=_render(rule.get("detail", "")),
                               fix=_render(rule.get("remediation", "")),
                               steps=tuple(_render(s) for s in rule.get("steps", ())),
                               source=str(rule.get("source", "")), finding=rule["code"], playbooks=books))
    if not out:  # a code only a playbook names (e.g. "400" in Control Hub's pop-up)
        books = tuple(b.id for b in playbooks if key in {c.lower() for c in b.codes})
        out = [Explanation(code=code.strip(), meaning=str(playbooks_by_id(playbooks)[b].title), cause="", fix="",
                           steps=(), source=playbooks_by_id(playbooks)[b].source, finding="", playbooks=(b,))
               for b in books]
    return out


def playbooks_by_id(playbooks: Sequence[Playbook]) -> dict[str, Playbook]:
    return {b.id: b for b in playbooks}
