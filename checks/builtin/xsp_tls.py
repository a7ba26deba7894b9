"""``xsp.tls``: certificate and protocol findings per interface and node, and node differences.

The chain is judged as sent (trust, self-signed, incomplete, host name, validity) against the
system trust store; the handshake that read it was unverified and carried no credentials.
"""
from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from typing import Any

from ..api import Check, CheckContext, SkipCheck
from ..model import Evidence, Finding
from ..probes import EndpointProbe, NodeProbe, endpoints_for, prober_for
from ..probes.findings import differing_nodes, finding, rules, why_nothing_seen
from ..probes.matrix import tls_matrix
from ..probes.options import PROBE_TIMEOUT, RESOLVE
from ..probes.tls import TlsResult
from ..probes.tls_versions import VERSION_LABELS
from ..probes.trust import assess_chain


def _certificate_evidence(tls: TlsResult) -> Evidence:
    blocks = [f"[{i}] " + c.describe().replace("\n", "\n    ") for i, c in enumerate(tls.chain)]
    return Evidence(f"certificate chain as sent by {tls.address} ({len(tls.chain)} certificate(s))",
                    "\n".join(blocks), "certificate", source=f"TLS handshake with SNI {tls.sni}")


def _pem_evidence(tls: TlsResult) -> Evidence:
    """The chain as sent, in PEM (public certificates): the TAC bundle carries it as a .pem file."""
    # Imported when used: `wxtriage run` imports every check for its flags (~40 ms at each start).
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    pem = "".join(x509.load_der_x509_certificate(d).public_bytes(Encoding.PEM).decode("ascii") for d in tls.chain_der)
    return Evidence(f"certificate chain of {tls.address} in PEM", pem, "certificate-pem",
                    source=f"TLS handshake with SNI {tls.sni}")


def _versions_text(versions: dict[str, bool | None]) -> str:
    shown = [VERSION_LABELS[v] + ("" if ok else "?") for v, ok in versions.items() if ok or ok is None]
    return ", ".join(shown) or "none"


def tls_findings(np: NodeProbe, now: _dt.datetime, trust: tuple[str | None, str | None],
                 interfaces: list[str]) -> list[Finding]:
    tls, ep = np.tls, np.endpoint
    assert tls is not None  # the caller passes nodes that sent a certificate
    i, n = ep.interface, np.node
    leaf = tls.chain[0]
    a = assess_chain(tls.chain_der, ep.host, now, *trust)
    thresholds = rules()["thresholds"]
    ev = [_certificate_evidence(tls)]
    base: dict[str, Any] = dict(host=ep.host, port=ep.port, cert_subject=leaf.subject, issuer=leaf.issuer, not_after=leaf.not_after,
                not_before=leaf.not_before, days=a.days_left, sha256=leaf.sha256, interfaces=interfaces,
                evidence=ev)
    validity = (f"expired {-a.days_left} day(s) ago" if a.expired else f"not valid before {leaf.not_before}"
                if a.not_yet_valid else f"expires in {a.days_left} days")
    out = [finding("tls", "summary", i, n, "tls", version=tls.version or "?", cipher=tls.cipher_iana or tls.cipher or "?",
                   cipher_openssl=tls.cipher or "?", versions=_versions_text(tls.versions), validity=validity,
                   **(base | {"evidence": ev + [_pem_evidence(tls)]}))]
    v = tls.versions
    if v.get("TLSv1.2") is False:
        out.append(finding("tls", "no_tls12", i, n, "tls", versions=_versions_text(v), **base))
    legacy = [lbl for key, lbl in (("TLSv1", "TLS 1.0"), ("TLSv1.1", "TLS 1.1")) if v.get(key)]
    if legacy:
        out.append(finding("tls", "legacy", i, n, "tls", legacy=" and ".join(legacy), **base))
    if not a.hostname_match:
        out.append(finding("tls", "hostname", i, n, "tls", sans=", ".join(leaf.sans) or "(none)", **base))
    if a.self_signed:
        out.append(finding("tls", "self_signed", i, n, "tls", **base))
    elif a.incomplete_chain:
        out.append(finding("tls", "incomplete", i, n, "tls", **base))
    elif not a.trusted:
        out.append(finding("tls", "untrusted", i, n, "tls", reason=a.verify_error or "unknown error", **base))
    if a.expired:
        out.append(finding("tls", "expired", i, n, "tls", **base))
    elif a.not_yet_valid:
        out.append(finding("tls", "not_yet_valid", i, n, "tls", **base))
    elif a.days_left <= thresholds["expiry_warning_days"]:
        limit = thresholds["expiry_urgent_days"] if a.days_left <= thresholds["expiry_urgent_days"] \
            else thresholds["expiry_warning_days"]
        out.append(finding("tls", "expiring", i, n, "tls", threshold=limit, **base))
    return out


class XspTlsCheck(Check):
    id = "xsp.tls"
    title = "XSP certificates and TLS versions (per node)"
    area = "mtls"
    description = ("For every interface and node: accepted TLS versions (1.2 must work), the negotiated cipher "
                   "by IANA name, the chain as sent, host name, self-signed, public root, incomplete chain, "
                   "expiry — and nodes of one farm that present different certificates.")
    needs = ("cluster",)
    timeout_s = 90.0
    options = (RESOLVE, PROBE_TIMEOUT)

    async def run(self, ctx: CheckContext) -> list[Finding]:
        assert ctx.cluster is not None
        prober = prober_for(ctx)
        eps, _skipped = endpoints_for(ctx.cluster)
        if not eps:
            raise SkipCheck("no interface can be probed (every value is empty or not https); run xsp.urls")
        probes = await prober.probe_all(eps)
        # Interfaces sharing host:port share a certificate: judge it once, name them all.
        by_port: dict[tuple[str, int], list[EndpointProbe]] = defaultdict(list)
        for p in probes:
            by_port[(p.endpoint.host, p.endpoint.port)].append(p)
        now = ctx.clock()
        trust = prober.settings.trust()
        out: list[Finding] = []
        seen_any = False
        for group in by_port.values():
            names = [p.endpoint.interface for p in group]
            first = group[0]
            certs: dict[str, list[str]] = defaultdict(list)
            for np in first.nodes:
                if np.tls is None or not np.tls.got_certificate:
                    continue
                seen_any = True
                out += tls_findings(np, now, trust, names)
                leaf = np.tls.chain[0]
                certs[f"{leaf.subject} (SHA-256 {leaf.sha256[:16]}…, expires {leaf.not_after[:10]})"].append(np.node)
            if len(certs) > 1:
                odd, desc = differing_nodes(certs)
                out.append(finding("tls", "nodes_differ", first.endpoint.interface, ", ".join(odd), "tls",
                                   groups=desc, odd=", ".join(odd), nodes=odd, interfaces=names,
                                   host=first.endpoint.host, port=first.endpoint.port))
        if not seen_any:
            why = why_nothing_seen(probes)
            raise SkipCheck("no node sent a certificate" + (f" ({why})" if why else "") + "; see cluster.connectivity")
        ctx.add_artifact(tls_matrix(out))
        return out
