"""One redaction engine for every kind of evidence, plus the leak scanner.

* :mod:`.names` — which names say a value is secret (parameters, JSON keys, headers, columns)
* :mod:`.text` — :class:`Redactor`: consistent placeholders for secrets in text and JSON
* :mod:`.scan` — :class:`LeakScanner`: what leaves the machine is checked; a hit refuses the write
* :mod:`.documents` — our own documents and messages, the keyring's passwords, :class:`SecretsSnapshot`
* :mod:`.prefilter` — which texts no rule can change (derived from the rules' words)

HAR structure (:class:`HarRedactor`) and the redacted HAR copy (:func:`redact_har_file`) live beside
the HAR reader (``checks/evidence/har_redact.py``, ``har_redact_file.py``); they are importable from
here too, loaded on first use.
"""
from __future__ import annotations

from typing import Any

from .documents import (SecretsSnapshot, current_secrets, default_known_secrets, keyring_redactor, map_finding_texts,
                        redact_case_doc, redact_document, redact_pasted_text, redact_result, safe_message, safe_url,
                        scrub_known_secrets)
from .names import (JSON_BODY_PLAIN_NAMES, MAX_NAME, NOT_SECRET_NAMES, NOT_SECRET_SUFFIXES, SECRET_EXACT_NAMES,
                    SECRET_HEADERS, SECRET_NAME_PARTS, credential_like, is_secret_name, looks_like_credential)
from .scan import Leak, LeakError, LeakScanner
from .text import (BEARER_RE, COOKIE_RE, DIGEST_RE, JWT_RE, KV_RE, MIN_KNOWN_LEN, URL_USERINFO_RE, Redactor)

__all__ = ["BEARER_RE", "COOKIE_RE", "DIGEST_RE", "HarRedactionResult", "HarRedactor", "JSON_BODY_PLAIN_NAMES",
           "JWT_RE", "KV_RE", "Leak", "LeakError", "LeakScanner", "MAX_NAME", "MIN_KNOWN_LEN", "NOT_SECRET_NAMES",
           "NOT_SECRET_SUFFIXES", "Redactor", "SECRET_EXACT_NAMES", "SECRET_HEADERS", "SECRET_NAME_PARTS",
           "SecretsSnapshot", "URL_USERINFO_RE", "credential_like", "current_secrets", "default_known_secrets", "is_secret_name",
           "keyring_redactor", "looks_like_credential", "map_finding_texts", "redact_case_doc", "redact_document",
           "redact_har_file", "redact_pasted_text", "redact_result", "safe_message", "safe_url",
           "scrub_known_secrets"]

#: Names that live beside the HAR reader: imported on first use (the HAR code imports this package).
_HAR_NAMES = {"HarRedactor": "har_redact", "redact_har_file": "har_redact_file",
              "HarRedactionResult": "har_redact_file"}


def __getattr__(name: str) -> Any:
    module = _HAR_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"checks.evidence.{module}"), name)
    globals()[name] = value
    return value
