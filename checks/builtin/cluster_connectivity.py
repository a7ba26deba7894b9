"""``cluster.connectivity``: DNS → TCP → TLS → HTTP for every interface on every node.

Runs every node probe concurrently (the total is about the slowest single probe) and names the
step that failed. Optionally authenticates a BroadWorks test user against Xsi-Actions, over
verified TLS only.
"""
from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from ..api import Check, CheckContext, CredentialsUnavailable, SkipCheck
from ..model import Evidence, Finding
from ..probes import Endpoint, EndpointProbe, NodeProbe, Prober, endpoints_for, parse_resolve, prober_for
from ..probes.findings import finding, node_evidence
from ..probes.matrix import connectivity_matrix
from ..probes.options import ASK_PASSWORD, PROBE_TIMEOUT, RESOLVE, TEST_USER
from ..redact import Redactor

_TCP_RULES = {"connect-refused": "tcp_refused", "connect-timeout": "tcp_timeout", "connect-unreachable": "tcp_unreachable"}


def _ms(v: float | None) -> str:
    return "–" if v is None else f"{v:.0f}"


def node_findings(ep_probe: EndpointProbe, np: NodeProbe, redactor: Redactor) -> list[Finding]:
    """Findings for one node of one interface: the first failing step, or how it answered."""
    ep = np.endpoint
    base: dict[str, Any] = dict(host=ep.host, port=ep.port, url=ep.url, path=ep.path or "", redactor=redactor,
                evidence=[node_evidence(np)])
    i, n = ep.interface, np.node
    if np.tcp is None or np.tcp.failure is not None:
        f = np.tcp.failure if np.tcp is not None else None
        assert f is not None, "a node probe always has its TCP step"
        return [finding("conn", _TCP_RULES.get(f.kind, "tcp_unreachable"), i, n, "tcp", kind=f.kind,
                        message=f.message, **base)]
    tls = np.tls
    if tls is not None and tls.client_auth == "required":
        return [finding("conn", "client_cert_required", i, n, "tls", how=tls.client_auth_how, **base)]
    if tls is None or tls.failure is not None:
        f = tls.failure if tls is not None else None
        assert f is not None, "TCP connected, so the TLS step ran"
        rule = "tls_timeout" if f.kind == "read-timeout" else "tls_handshake"
        return [finding("conn", rule, i, n, "tls", kind=f.kind, message=f.message, **base)]
    # A pinned node had no lookup: "0 ms" would read as a measured (and suspiciously fast) DNS.
    dns = "not looked up (pinned)" if ep_probe.dns.pinned else f"{_ms(ep_probe.dns.elapsed_ms)} ms"
    timings: dict[str, Any] = dict(dns=dns, tcp_ms=_ms(np.tcp.elapsed_ms), tls_ms=_ms(tls.elapsed_ms), source=np.node_source)
    h = np.http
    if h is None:  # CTI: no HTTP on this interface
        return [finding("conn", "node_ok", i, n, "tls", summary="reachable (TCP and TLS)", http_ms="–",
                        **timings, **base)]
    timings["http_ms"] = _ms(h.elapsed_ms)
    f = h.failure
    if f is not None and f.kind != "http-status":
        if f.kind == "tls-verify":
            return [finding("conn", "tls_verify", i, n, "tls", kind=f.kind, message=f.message, **base)]
        rule = {"read-timeout": "http_timeout", "connect-timeout": "http_timeout"}.get(f.kind, "http_protocol")
        return [finding("conn", rule, i, n, "http", kind=f.kind, message=f.message, **base)]
    s = h.status or 0
    out: list[Finding] = []
    common: dict[str, Any] = dict(status=s, reason=h.reason, **timings, **base)
    if s == 401:
        out.append(finding("conn", "http_401", i, n, "http", www_authenticate=h.www_authenticate or "(none)",
                           kind="http-status", **common))
    elif s == 404:
        out.append(finding("conn", "http_404", i, n, "http", kind="http-status", **common))
    elif s >= 500:
        out.append(finding("conn", "http_5xx", i, n, "http", kind="http-status", **common))
    elif s >= 400:
        out.append(finding("conn", "http_other", i, n, "http", kind="http-status", **common))
    else:
        out.append(finding("conn", "node_ok", i, n, "http", summary=f"reachable (HTTP {s})", **common))
    if h.offhost_redirect:
        out.append(finding("conn", "http_offhost", i, n, "http", location=h.offhost_redirect, **common))
    return out


def unused_pins(pins: dict[tuple[str, int], tuple[str, ...]], eps: list[Endpoint]) -> list[Finding]:
    """A --resolve pin no interface uses (often the port: a URL without one is on 443) is said, not ignored."""
    used = list(dict.fromkeys((ep.host, ep.port) for ep in eps))
    out = []
    for host, port in pins:
        if (host, port) in used:
            continue
        example = next(((h, p) for h, p in used if h == host), used[0])
        out.append(finding("conn", "resolve_unused", "", "", "input", pin=f"{host}:{port}",
                           endpoints=", ".join(f"{h}:{p}" for h, p in used), example=f"{example[0]}:{example[1]}"))
    return out


class ClusterConnectivityCheck(Check):
    id = "cluster.connectivity"
    title = "Cluster connectivity (DNS, TCP, TLS, HTTP per node)"
    area = "connectivity"
    description = ("Probes every interface of the cluster on every XSP node, concurrently: DNS answers "
                   "(public or not), TCP, TLS and an HTTP GET over verified TLS; names the failing step. "
                   "With --test-user, also authenticates a BroadWorks test user against Xsi-Actions.")
    needs = ("cluster",)
    timeout_s = 90.0
    options = (RESOLVE, PROBE_TIMEOUT, TEST_USER, ASK_PASSWORD)

    async def run(self, ctx: CheckContext) -> list[Finding]:
        assert ctx.cluster is not None  # guaranteed by needs
        prober = prober_for(ctx)
        eps, skipped = endpoints_for(ctx.cluster)
        if not eps:
            raise SkipCheck("no interface can be probed (every value is empty or not https); run xsp.urls")
        redactor = Redactor()
        out: list[Finding] = [finding("conn", "not_probed", name, "", "dns", reason=why)
                              for name, why in skipped.items()]
        out += unused_pins(parse_resolve(ctx.option("resolve", [])), eps)
        ctx.progress(f"probing {len(eps)} interface(s)")
        probes = await prober.probe_all(eps)
        for ep_probe in probes:
            ep, dns = ep_probe.endpoint, ep_probe.dns
            if dns.failure is not None:
                # Reported even when inventory nodes can still be probed: Webex only has the name.
                out.append(finding("conn", "dns_failed", ep.interface, "", "dns", host=ep.host, port=ep.port,
                                   kind=dns.failure.kind, message=dns.failure.message))
            if not dns.pinned and dns.non_public:
                shown = ", ".join(f"{a} ({c})" for a, c in dns.non_public.items())
                out.append(finding("conn", "dns_non_public", ep.interface, "", "dns", host=ep.host, port=ep.port,
                                   addresses=shown, evidence=[Evidence(f"DNS {ep.host}", "\n".join(
                                       f"{a}  {c}" for a, c in dns.classes.items()), source="system resolver")]))
            for np in ep_probe.nodes:
                out += node_findings(ep_probe, np, redactor)
        user = ctx.option("test_user")
        if user:
            out += await self._authenticated(ctx, prober, probes, user)
        ctx.add_artifact(connectivity_matrix(out))
        return out

    async def _authenticated(self, ctx: CheckContext, prober: Prober, probes: list[EndpointProbe],
                             user: str) -> list[Finding]:
        xsi = next((p for p in probes if p.endpoint.interface == "xsi-actions"), None)
        if xsi is None:
            return [finding("conn", "auth_skipped", "xsi-actions", "", "auth", user=user,
                            reason="The cluster has no usable Xsi-Actions URL to test the user against.")]
        store = ctx.services.credentials
        # The TUI injects its own dialog; --ask-password asks on the terminal.
        prompt = ctx.services.password_prompt or (store.terminal_prompt if ctx.option("ask_password") else None)
        try:
            if prompt is not None:
                password = await asyncio.to_thread(store.get_password, user, prompt)
            else:
                password = store.get_password(user)
        except CredentialsUnavailable as exc:
            return [finding("conn", "auth_no_password", "xsi-actions", "", "auth", user=user, reason=str(exc))]
        except ValueError as exc:
            return [finding("conn", "auth_no_password", "xsi-actions", "", "auth", user=user, reason=str(exc))]
        if not password:
            return [finding("conn", "auth_no_password", "xsi-actions", "", "auth", user=user,
                            reason=f"No password is stored for {user} in the keyring (service \"wxtriage\").")]
        redactor = Redactor(known_secrets={password})
        url = xsi.endpoint.url.rstrip("/") + f"/user/{quote(user, safe='@.+-_')}/profile"
        path = url.split(xsi.endpoint.host, 1)[-1].split("/", 1)[-1]
        out: list[Finding] = []
        for np in xsi.nodes:
            if np.http is None or np.http.failure is not None and np.http.failure.kind != "http-status":
                why = (np.http.failure.message if np.http is not None and np.http.failure is not None
                       else "TLS to this node was not verified")
                out.append(finding("conn", "auth_skipped", "xsi-actions", np.node, "auth", user=user,
                                   reason=f"Not sent to {np.node}: {why}.", redactor=redactor))
                continue
            res = await prober.authenticated(url, np.node, user, password)
            ev = [Evidence(f"Xsi-Actions via {np.node}", f"GET /{path}: "
                           + (f"{res.status} {res.reason}" if res.status is not None
                              else res.failure.message if res.failure is not None else "no answer"),
                           "http-exchange", "authenticated probe (credentials not shown)")]
            vals: dict[str, Any] = dict(user=user, path="/" + path, redactor=redactor, evidence=ev)
            if res.status == 200:
                out.append(finding("conn", "auth_ok", "xsi-actions", np.node, "auth", **vals))
            elif res.status == 401:
                out.append(finding("conn", "auth_bad", "xsi-actions", np.node, "auth", **vals))
            elif res.status is not None:
                out.append(finding("conn", "auth_status", "xsi-actions", np.node, "auth", status=res.status,
                                   reason=res.reason, **vals))
            else:
                out.append(finding("conn", "auth_failed", "xsi-actions", np.node, "auth",
                                   message=res.failure.message if res.failure else "no answer", **vals))
        return out
