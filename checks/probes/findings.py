"""What the three network checks share when they turn probes into findings: the rule catalog
(``probe_rules.toml``), interface labels, evidence builders and node comparisons.

``cluster.connectivity``, ``xsp.tls`` and ``xsp.mtls`` all read the same probes (one
:class:`~checks.probes.Prober` per run), so they never disagree. Every finding carries ``data``
keys ``interface``, ``node`` and ``step`` so the front-ends can group results by interface, node
and step.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Mapping

from ..catalog import load_catalog
from ..findings import make_finding
from ..interfaces import by_name
from ..model import Evidence, Finding
from ..redact import Redactor, safe_url
from . import EndpointProbe, NodeProbe


def rules() -> Mapping[str, Any]:
    return load_catalog("probe_rules")


def label(interface: str) -> str:
    spec = by_name(interface)
    return spec.label if spec is not None else interface


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


def why_nothing_seen(probes: Iterable[EndpointProbe], limit: int = 2) -> str:
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


def node_evidence(np: NodeProbe) -> Evidence:
    """What each step of one node probe observed, as one text block."""
    lines = []
    if np.tcp is not None:
        tcp = np.tcp
        lines.append(f"TCP {np.node}:{tcp.port}: " + (f"connected in {tcp.elapsed_ms:.1f} ms" if tcp.failure is None
                                                       else f"{tcp.failure.kind}: {tcp.failure.message}"))
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


def differing_nodes(groups: Mapping[Any, list[str]]) -> tuple[list[str], str]:
    """Nodes outside the largest group (ties: the later groups), and a description of all groups."""
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    odd = [n for _k, nodes in ordered[1:] for n in nodes]
    return odd, "; ".join(f"{', '.join(nodes)}: {key}" for key, nodes in ordered)
