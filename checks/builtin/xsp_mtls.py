"""``xsp.mtls``: per interface, the expected client-certificate mode against the observed one.

CTI must request client certificates and advertise the Webex CAs; an Auth Service in CI-token
mode must not require them; in mTLS mode it must require them and trust the Webex chain. The
expectations live in ``catalog/probe_rules.toml`` (``[expect.*]``).
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Mapping

from ..api import Check, CheckContext, SkipCheck
from ..interfaces import by_name
from ..inventory import AUTH_MODES
from ..model import Evidence, Finding
from ..probes import NodeProbe, endpoints_for, prober_for
from ..probes.findings import differing_nodes, finding, rules, why_nothing_seen
from ..probes.matrix import mtls_matrix
from ..probes.options import PROBE_TIMEOUT, RESOLVE, WEBEX_CA
from ..probes.webex_ca import load_webex_cas

if TYPE_CHECKING:  # pragma: no cover
    from cryptography import x509

__all__ = ["XspMtlsCheck", "expectation", "load_webex_cas", "mtls_findings"]


def expectation(interface: str, auth_mode: str) -> Mapping[str, Any]:
    """What the interface should do; for the Auth Service it depends on the declared mode, and
    without one (``auth_mode`` empty) the expectation is ``undeclared``: report and ask."""
    exp = rules()["expect"]
    spec = by_name(interface)
    if spec is None or spec.tls == "tls":
        return exp["default"]
    if spec.tls == "mtls":
        return exp[interface]
    # "auth-mode": [expect.<interface>-<mode>] for a declared mode, else [expect.<interface>-undeclared]
    return exp.get(f"{interface}-{auth_mode}" if auth_mode in AUTH_MODES else "", exp[f"{interface}-undeclared"])


def _observed_text(client_auth: str) -> str:
    return {"none": "not requested", "optional": "requested (optional)", "required": "required"}.get(client_auth, client_auth)


def mtls_findings(np: NodeProbe, exp: Mapping[str, Any], auth_mode: str,
                  webex: "list[x509.Certificate] | None") -> list[Finding]:
    tls, ep = np.tls, np.endpoint
    assert tls is not None  # the caller passes nodes that got through a handshake
    i, n = ep.interface, np.node
    first_test = rules()["texts"]["mtls_first_test"]["text"] if i == "auth-service" and auth_mode == "mtls" else ""
    advertised = tls.client_ca_names
    ev = [Evidence(f"client CA names advertised by {n}", "\n".join(advertised) or "(none)", "text",
                   source="CertificateRequest in the TLS handshake")] if tls.cert_requested else []
    base = dict(host=ep.host, port=ep.port, why=exp["why"], expected=exp["mode"], observed=_observed_text(tls.client_auth),
                client_auth=tls.client_auth, how=tls.client_auth_how or "", advertised=advertised,
                advertised_text="; ".join(advertised) or "none", first_test=first_test, evidence=ev)
    out: list[Finding] = []
    mode = tls.client_auth
    if exp["mode"] == "undeclared":
        # No mode declared: say what the node does, what each mode needs, and ask.
        out.append(finding("mtls", "auth_mode_undeclared", i, n, "tls", **base))
        return out
    if exp["mode"] == "required":
        if mode == "none":
            out.append(finding("mtls", "not_requested", i, n, "tls", **base))
        elif mode == "optional":
            out.append(finding("mtls", "optional_cti" if i == "cti" else "optional", i, n, "tls", **base))
        else:
            out.append(finding("mtls", "as_expected", i, n, "tls", **base))
    elif mode == "required":
        rule = "required_unexpected" if i == "auth-service" else "required_unexpected_other"
        out.append(finding("mtls", rule, i, n, "tls", **base))
    else:
        out.append(finding("mtls", "as_expected", i, n, "tls", **base))
    if exp.get("webex_ca") and tls.cert_requested:
        if not advertised:
            out.append(finding("mtls", "ca_list_empty", i, n, "tls", **base))
        elif webex:
            der = set(tls.client_ca_der)
            missing = [c for c in webex if c.subject.public_bytes() not in der]
            if missing:
                names = "; ".join(c.subject.rfc4514_string() for c in missing)
                wanted = Evidence("Webex CA(s) not advertised", "\n".join(c.subject.rfc4514_string() for c in missing),
                                  "text", source="--webex-ca file")
                out.append(finding("mtls", "webex_ca_missing", i, n, "tls", missing=names,
                                   missing_names=[c.subject.rfc4514_string() for c in missing],
                                   **{**base, "evidence": ev + [wanted]}))
            else:
                out.append(finding("mtls", "webex_ca_ok", i, n, "tls", count=len(advertised), **base))
    return out


class XspMtlsCheck(Check):
    id = "xsp.mtls"
    title = "XSP client-certificate (mTLS) configuration"
    area = "mtls"
    description = ("Per interface and node: whether the server requests or requires a client certificate, "
                   "against what Webex expects (CTI and Auth Service in mTLS mode: required, with the Webex CAs "
                   "advertised; Auth Service with CI token validation: not required). With --webex-ca, checks "
                   "every Webex CA is among the advertised CA names.")
    needs = ("cluster",)
    timeout_s = 90.0
    options = (RESOLVE, PROBE_TIMEOUT, WEBEX_CA)

    async def run(self, ctx: CheckContext) -> list[Finding]:
        assert ctx.cluster is not None
        out: list[Finding] = []
        webex = None
        ca_file = ctx.option("webex_ca")
        if ca_file:
            try:
                webex = load_webex_cas(ca_file)
            except ValueError as exc:
                out.append(finding("mtls", "bad_webex_ca", "", "", "input", file=str(ca_file), reason=str(exc)))
        prober = prober_for(ctx)
        eps, _skipped = endpoints_for(ctx.cluster)
        if not eps:
            raise SkipCheck("no interface can be probed (every value is empty or not https); run xsp.urls")
        probes = await prober.probe_all(eps)
        mode = ctx.cluster.auth_mode
        seen_any = False
        for p in probes:
            exp = expectation(p.endpoint.interface, mode)
            behaviours: dict[str, list[str]] = defaultdict(list)
            advertised_all: list[str] = []
            for np in p.nodes:
                tls = np.tls
                if tls is None or (not tls.handshake_ok and not tls.got_certificate):
                    if np.tcp is not None and np.tcp.ok and tls is not None and tls.failure is not None:
                        out.append(finding("mtls", "unknown", p.endpoint.interface, np.node, "tls",
                                           message=tls.failure.message))
                    continue
                seen_any = True
                out += mtls_findings(np, exp, mode, webex)
                behaviours[f"{_observed_text(tls.client_auth)}, CA names [{'; '.join(tls.client_ca_names)}]"].append(np.node)
                advertised_all += [a for a in tls.client_ca_names if a not in advertised_all]
            if len(behaviours) > 1:
                odd, desc = differing_nodes(behaviours)
                out.append(finding("mtls", "nodes_differ", p.endpoint.interface, ", ".join(odd), "tls",
                                   groups=desc, nodes=odd, host=p.endpoint.host, port=p.endpoint.port))
            if exp.get("webex_ca") and webex is None and not ca_file and behaviours:
                out.append(finding("mtls", "no_webex_ca", p.endpoint.interface, "", "tls",
                                   advertised="; ".join(advertised_all) or "(no CA names)"))
        if not seen_any:
            # Nothing observed is no verdict: skip, unless there is something else to say (a bad --webex-ca).
            if any(f.code != "mtls.mode.unknown" for f in out):
                ctx.add_artifact(mtls_matrix(out))
                return out
            why = why_nothing_seen(probes)
            raise SkipCheck("no node completed enough of a TLS handshake" + (f" ({why})" if why else "")
                            + "; see cluster.connectivity")
        ctx.add_artifact(mtls_matrix(out))
        return out
