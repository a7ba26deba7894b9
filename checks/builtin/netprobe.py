"""What the three network checks share: their options, the rule catalog, evidence builders.

``cluster.connectivity``, ``xsp.tls`` and ``xsp.mtls`` all read the same probes (one
:class:`~checks.probes.Prober` per run, from ``ctx.services``), so they never disagree.
Every finding carries ``data`` keys ``interface``, ``node`` and ``step`` so the TUI can group
results by interface, node and step.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable

from ..api import CheckOption, InputError
from ..catalog import load_catalog
from ..findings import make_finding
from ..model import Evidence, Finding
from ..redact import Redactor
from ..probes import split_resolve, validate_resolve
from ..redact import safe_url


def _as_input_error(option: str, check: Callable[[str], None]) -> Callable[[str], None]:
    """Wrap a reason-only validator so bad input reads ``--option VALUE: reason`` (exit 2)."""
    def validate(value: str) -> None:
        try:
            check(value)
        except ValueError as exc:
            raise InputError(f"--{option} {value}: {exc}") from None
    return validate


def _check_timeout(value: str) -> None:
    try:
        v = float(value)
    except ValueError:
        raise ValueError("must be a number of seconds, e.g. 5") from None
    if not 0 < v <= 120:
        raise ValueError("must be more than 0 and at most 120 seconds")


def _check_webex_ca(value: str) -> None:
    from .xsp_mtls import load_webex_cas

    load_webex_cas(value)


RESOLVE = CheckOption("resolve", "pin HOST:PORT to one or more addresses, like curl's --resolve; each address "
                      "is probed as a node (repeatable)", multiple=True, metavar="HOST:PORT:ADDR[,ADDR…]",
                      validate=_as_input_error("resolve", validate_resolve),
                      # The addresses of one pin are comma-separated, so pins typed on one line are
                      # separated by spaces (split_resolve also reads comma-joined pins unambiguously).
                      split=split_resolve, list_hint="pins separated by spaces",
                      label="Pinned addresses (HOST:PORT:ADDRESS)")
PROBE_TIMEOUT = CheckOption("probe-timeout", "seconds allowed for each network step (default 5)",
                            metavar="SECONDS", validate=_as_input_error("probe-timeout", _check_timeout),
                            label="Seconds allowed per network step")
WEBEX_CA = CheckOption("webex-ca", "Webex CA chain downloaded from Partner Hub (PEM, e.g. CombinedCertChain2023.txt)",
                       kind="path", metavar="FILE", validate=_as_input_error("webex-ca", _check_webex_ca),
                       label="Webex CA file (from Partner Hub)")
TEST_USER = CheckOption("test-user", "BroadWorks test user ID for an authenticated Xsi-Actions probe (password from "
                        "`wxtriage credentials set`, or --ask-password)", metavar="USERID", label="BroadWorks test user")
ASK_PASSWORD = CheckOption("ask-password", "prompt for the test user's password and keep it in memory only "
                           "(for machines without a keyring)", kind="flag", requires="test-user",
                           label="Ask for the test user's password (kept in memory only)")


def rules() -> dict[str, Any]:
    return load_catalog("probe_rules")


def label(interface: str) -> str:
    return rules()["labels"].get(interface, interface)


def finding(section: str, name: str, interface: str, node: str, step: str, evidence: Iterable[Evidence] = (),
            severity: str | None = None, redactor: Redactor | None = None, **values: Any) -> Finding:
    """A catalog finding with the grouping keys the TUI uses (``interface``, ``node``, ``step``)."""
    r = redactor or Redactor()
    ev = tuple(Evidence(e.label, r.redact_text(e.content), e.kind, e.source) for e in evidence)
    if "url" in values:
        values["url"] = safe_url(str(values["url"]))
    f = make_finding(rules()["rules"][f"{section}_{name}"], interface, severity, ev,
                     label=label(interface), node=node, step=step, **values)
    # rstrip: an optional trailing sentence ({first_test}) may be empty.
    return dataclasses.replace(f, detail=f.detail.rstrip(), data={"interface": interface, **f.data})


def why_nothing_seen(probes: Iterable[Any], limit: int = 2) -> str:
    """Why no node got far enough, in a few words, for a skip reason (the run may not include
    cluster.connectivity, which would explain it in full)."""
    seen: list[str] = []
    for p in probes:
        if not p.nodes and p.dns.failure is not None:
            seen.append(f"{p.endpoint.host}: {p.dns.failure.message}")
        for np in p.nodes:
            f = np.tcp.failure if np.tcp is not None and np.tcp.failure else (
                np.tls.failure if np.tls is not None else None)
            if f is not None:
                seen.append(f"{np.node}:{p.endpoint.port}: {f.message}")
    seen = list(dict.fromkeys(seen))
    return "; ".join(seen[:limit]) + ("; …" if len(seen) > limit else "")


def node_evidence(np: Any) -> Evidence:
    """What each step of one node probe observed, as one text block."""
    lines = []
    if np.tcp is not None:
        t = np.tcp
        lines.append(f"TCP {np.node}:{t.port}: " + (f"connected in {t.elapsed_ms:.1f} ms" if t.ok
                                                     else f"{t.failure.kind}: {t.failure.message}"))
    if np.tls is not None:
        t = np.tls
        if t.failure is None:
            lines.append(f"TLS: {t.version} {t.cipher_iana or t.cipher} in {t.elapsed_ms:.1f} ms")
        else:
            lines.append(f"TLS: {t.failure.kind}: {t.failure.message}")
        if t.cert_requested:
            lines.append(f"TLS: client certificate requested ({t.client_auth}"
                         + (f": {t.client_auth_how}" if t.client_auth_how else "") + ")")
    if np.http is not None:
        h = np.http
        if h.status is not None:
            lines.append(f"HTTP GET {safe_url(h.url)}: {h.status} {h.reason} in {h.elapsed_ms:.1f} ms")
            if h.server:
                lines.append(f"  Server: {h.server}")
            if h.www_authenticate:
                lines.append(f"  WWW-Authenticate: {h.www_authenticate}")
            if h.location:
                lines.append(f"  Location: {h.location}")
        if h.failure is not None and h.failure.kind != "http-status":
            lines.append(f"HTTP: {h.failure.kind}: {h.failure.message}")
    return Evidence(f"{label(np.endpoint.interface)} via {np.node}", "\n".join(lines),
                    "http-exchange" if np.http is not None else "text", source=f"probe from this machine ({np.node_source})")
