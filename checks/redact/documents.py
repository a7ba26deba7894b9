"""Redaction of our own documents and messages (check results, cases, pasted output, error
lines) with the keyring's passwords, and the secrets snapshot that carries those passwords."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

from .scan import LeakScanner
from .text import MIN_KNOWN_LEN, Redactor

if TYPE_CHECKING:  # pragma: no cover
    from ..model import CheckResult

@dataclass(frozen=True)
class SecretsSnapshot:
    """The secrets the user stored or typed (test-user passwords), read once.

    A run reads it once (:meth:`checks.api.Services.known_secrets`) and every result, output and
    copy of that run uses it; nothing reads the keyring per result or per keystroke.
    """

    values: frozenset[str] = frozenset()

    @classmethod
    def read(cls) -> "SecretsSnapshot":
        """From ``checks.credentials.known_secrets()``; an unusable keyring gives an empty snapshot
        (the shape checks still run)."""
        from ..credentials import known_secrets

        try:
            return cls(frozenset(s for s in known_secrets() if isinstance(s, str) and s))
        except Exception:  # noqa: BLE001 - a broken keyring must not stop redaction; the scan still runs
            return cls()

    def redactor(self, redactor: Redactor | None = None) -> Redactor:
        """``redactor`` (or a new one) taught every value, so they are *replaced* wherever they
        appear (placeholder ``<redacted:stored-password:N>``) instead of only refusing the output."""
        redactor = redactor if redactor is not None else Redactor()
        for value in sorted(self.values):  # sorted: the same placeholders in every run
            if len(value) >= MIN_KNOWN_LEN:
                redactor.secret(value, "stored-password")  # its own kind: says what leaked, never collides
            else:  # too short to replace inside words: replaced (and scanned for) as a whole token
                redactor.short_secrets.add(value)
        return redactor

    def scanner(self, strict: bool = False) -> LeakScanner:
        return LeakScanner(self.values, strict=strict)


_CURRENT: tuple[Any, SecretsSnapshot, Any] | None = None


def current_secrets() -> SecretsSnapshot:
    """This process's snapshot, read again only when the credentials changed
    (``checks.credentials.generation()``, a stat): error lines and field messages are redacted on
    every keystroke without reading the keyring each time."""
    global _CURRENT
    from .. import credentials

    gen = credentials.generation()
    if _CURRENT is None or _CURRENT[0] != gen:
        # The generation holds the ids of the credentials' memory objects: keeping those objects
        # alive with it means a later object cannot reuse an id and pass for the same generation.
        _CURRENT = (gen, SecretsSnapshot.read(), (credentials._SEEN, credentials._MEMORY))
    return _CURRENT[1]


def default_known_secrets() -> set[str]:
    """Secret values the user stored or typed (the current :class:`SecretsSnapshot`'s values).

    Every caller feeds the scanner through this one function; an unusable keyring yields an
    empty set (the shape checks still run).
    """
    return set(current_secrets().values)


def keyring_redactor(redactor: Redactor | None = None, secrets: SecretsSnapshot | None = None) -> Redactor:
    """``redactor`` (or a new one) taught every stored password (of ``secrets``, else the current
    snapshot), so they are *replaced* wherever they appear instead of only refusing the output."""
    return (secrets if secrets is not None else current_secrets()).redactor(redactor)


def redact_document(doc: Any, redactor: Redactor | None = None) -> Any:
    """Every string of one of our own JSON-able documents (a check result, a report) through the
    text rules and the keyring's passwords. What the case store keeps and what a screen shows."""
    return keyring_redactor(redactor).redact_strings(doc)


def redact_pasted_text(text: str) -> str:
    """Server output pasted by an admin, as it may be kept on disk: secrets (``password = …``,
    a Password column, a stored test-user password) replaced, everything else as pasted."""
    return keyring_redactor().redact_text(text)


def safe_message(text: str) -> str:
    """A message for a person (an error line, a notification, a field's validation message) with
    secrets replaced: bad input is often the very URL or paste that holds a password
    (``https://admin:pw@host`` with a typo), and error lines end up in tickets and screenshots."""
    try:
        redactor = keyring_redactor()
        out = redactor.redact_text(text)
        scanner = LeakScanner(default_known_secrets())
        scanner.add(redactor.removed)
        if scanner.scan_text(out, "the message"):
            return "the input holds what looks like a secret, so the message is not shown; check the values given"
        return out
    except Exception:  # noqa: BLE001 - an error path must never raise
        return "the input could not be used (the message was withheld: it may hold a secret)"


def redact_result(result: "CheckResult", redactor: Redactor | None = None) -> "CheckResult":
    """A check result with every text (title, detail, evidence, fix, data, reason) through the
    text rules and the keyring's passwords; containers keep their types.

    The runner applies it to every result before anyone sees it (screen, CLI, case store), so a
    check that quotes a line holding a token or a stored password cannot pass it on.
    A ``redactor`` passed in must already know the keyring's passwords (:func:`keyring_redactor`):
    callers that redact many results read the keyring once, not once per result.
    """
    from dataclasses import replace

    r = redactor if redactor is not None else keyring_redactor()
    from ..artifacts import map_artifact_texts

    for f in result.findings:  # placeholders the check already used keep their meaning
        for text in (f.title, f.detail, *(e.content for e in f.evidence), json.dumps(dict(f.data), default=str)):
            r.note_placeholders(text)
    for a in result.artifacts:
        r.note_placeholders(json.dumps(a.to_dict(), default=str))
    return replace(result, findings=map_finding_texts(result.findings, r.redact_text),
                   reason=r.redact_text(result.reason) if result.reason else result.reason,
                   artifacts=tuple(map_artifact_texts(a, r.redact_text) for a in result.artifacts))


def map_finding_texts(findings: Iterable[Any], fn) -> tuple[Any, ...]:
    """``findings`` with every text (title, detail, evidence, fix, data) passed through ``fn``."""
    from dataclasses import replace

    done: dict[str, str] = {}  # a farm's findings repeat their fix steps node after node

    def s(v: Any) -> Any:
        if not isinstance(v, str) or not v:
            return v
        out = done.get(v)
        if out is None:  # placeholders are consistent, so one answer per distinct text is exact
            out = done[v] = fn(v)
        return out

    def tree(v: Any) -> Any:
        if isinstance(v, str):
            return s(v)
        if isinstance(v, Mapping):  # a frozen finding's data holds read-only mappings too
            return {k: tree(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)) and type(v) in (list, tuple):
            return type(v)(tree(x) for x in v)
        return v

    return tuple(replace(
        f, title=s(f.title), detail=s(f.detail),
        evidence=tuple(replace(e, label=s(e.label), content=s(e.content)) for e in f.evidence),
        remediation=(replace(f.remediation, summary=s(f.remediation.summary),
                             steps=tuple(s(x) for x in f.remediation.steps), command=s(f.remediation.command))
                     if f.remediation else None),
        data=tree(dict(f.data))) for f in findings)


def redact_case_doc(doc: Any) -> Any:
    """A case (or a draft field) as the store may keep it: every string through the text rules and
    the keyring's passwords. Placeholders already in the text keep their numbers, so a later save
    of an edited description never gives two different secrets the same placeholder."""
    redactor = keyring_redactor()
    for text in _strings(doc):
        redactor.note_placeholders(text)
    return redactor.redact_strings(doc)


def _strings(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _strings(v)


def scrub_known_secrets(obj: Any, secrets: Iterable[str] | None = None) -> Any:
    """``obj`` with every keyring password (or ``secrets``) replaced, nothing else touched.

    For text the user typed about the case (description, e-mails): it stays as typed, but a
    stored test-user password never reaches the case store (``<redacted:secret>`` instead).
    """
    values = sorted({s for s in (default_known_secrets() if secrets is None else secrets)
                     if len(s) >= MIN_KNOWN_LEN}, key=len, reverse=True)
    if not values:
        return obj

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            for secret in values:
                if secret in v:
                    v = v.replace(secret, "<redacted:secret>")
            return v
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [walk(x) for x in v]
        return v

    return walk(obj)


def safe_url(url: str) -> str:
    """The URL with any ``user:password@`` replaced, so credentials are never echoed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="<redacted>@" + parts.netloc.rpartition("@")[2]))
