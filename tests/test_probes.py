"""Probe layer and the three network checks against real TLS servers on 127.0.0.x."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import trustme
from OpenSSL import SSL

from checks.artifacts import MatrixCell, ProbeMatrix, artifacts_of, merge_matrices
from checks.api import CheckContext, Services
from checks.builtin.cluster_connectivity import ClusterConnectivityCheck
from checks.builtin.xsp_mtls import XspMtlsCheck
from checks.builtin.xsp_tls import XspTlsCheck
from checks.inventory import Cluster
from checks.model import Status
from checks.probes import Prober, ProbeSettings, ResolveError, address_class, parse_resolve
from checks.runner import run_one
from tests.helpers import wxtriage
from tests.tls_servers import (HOST, XSI_ROUTES, Route, SilentServer, TlsServer, free_port, leaf_spec,
                               refusing_port, self_signed)

NOW = dt.datetime.now(dt.timezone.utc)
XSI = "/com.broadsoft.xsi-actions/v2.0/"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def webex() -> trustme.CA:
    return trustme.CA(organization_name="Webex Test Client Root")


@pytest.fixture(scope="module")
def good(ca):
    return ca.issue_cert(HOST)


@pytest.fixture
def ca_file(ca, tmp_path):
    p = tmp_path / "trust.pem"
    ca.cert_pem.write_to_path(str(p))
    return str(p)


def prober(ca_file: str, pins: dict, timeout: float = 2.0, resolver=None) -> Prober:
    return Prober(ProbeSettings(timeout=timeout, cafile=ca_file), pins=pins, resolver=resolver)


async def run(check, cluster: Cluster, p: Prober, **options):
    ctx = CheckContext(cluster=cluster, options=options, services=Services(prober=p))
    return await run_one(check, ctx)


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def by_code(result, code: str):
    found = [f for f in result.findings if f.code == code]
    assert found, f"{code} not in {codes(result)} ({result.reason})"
    return found


def xsi_cluster(port: int, **kw) -> Cluster:
    return Cluster(name="t", xsi_actions=f"https://{HOST}:{port}{XSI}", **kw)


# ------------------------------------------------------------------------------- unit level
def test_address_classes():
    assert address_class("8.8.8.8") == "public"
    assert address_class("10.1.2.3") == "private"
    assert address_class("192.168.1.1") == "private"
    assert address_class("127.0.0.2") == "loopback"
    assert address_class("169.254.10.1") == "link-local"
    assert address_class("100.64.3.4") == "cgnat"
    assert address_class("fe80::1") == "link-local"
    assert address_class("203.0.113.10") == "documentation"
    assert address_class("2606:4700::1111") == "public"


def test_parse_resolve():
    assert parse_resolve(["XSP.example.com:443:127.0.0.2,[::1]"]) == {("xsp.example.com", 443): ("127.0.0.2", "::1")}
    # One line may hold several pins (the TUI): separated by spaces, or even by commas — a token
    # that is an address joins the pin before it, any other token starts a pin.
    want = {("h.example.com", 443): ("127.0.0.2", "127.0.0.3"), ("g.example.com", 8443): ("::1",)}
    for line in ("h.example.com:443:127.0.0.2,127.0.0.3 g.example.com:8443:[::1]",
                 "h.example.com:443:127.0.0.2, 127.0.0.3,g.example.com:8443:::1"):
        assert parse_resolve([line]) == want, line
    assert parse_resolve(["h.example.com:443:127.0.0.2", "h.example.com:443:127.0.0.3,127.0.0.2"]) == \
        {("h.example.com", 443): ("127.0.0.2", "127.0.0.3")}  # pins for one HOST:PORT add up
    for bad in ("xsp.example.com:443", "xsp.example.com:x:1.2.3.4", "xsp.example.com:443:not-an-ip",
                ":443:1.2.3.4", "h:70000:1.2.3.4", "127.0.0.3", "127.0.0.3 h:443:1.2.3.4"):
        with pytest.raises(ResolveError, match="--resolve"):
            parse_resolve([bad])
    # An address never continues a pin from another --resolve value (curl reads each on its own).
    with pytest.raises(ResolveError, match="127.0.0.3 is an address on its own"):
        parse_resolve(["h.example.com:443:127.0.0.2", "127.0.0.3"])


def test_failure_kinds_are_one_small_set():
    import errno
    import socket
    import ssl

    import httpx

    from checks.probes.failures import KINDS, Failure, classify

    cases = {
        socket.gaierror(socket.EAI_NONAME, "Name or service not known"): "dns",
        ConnectionRefusedError(errno.ECONNREFUSED, "refused"): "connect-refused",
        OSError(errno.EHOSTUNREACH, "No route to host"): "connect-unreachable",
        httpx.ReadTimeout("slow"): "read-timeout",
        httpx.RemoteProtocolError("bad"): "protocol",
        ssl.SSLError(1, "wrong version number"): "tls-handshake",
    }
    for exc, kind in cases.items():
        assert classify(exc, during="http").kind == kind
    wrapped = httpx.ConnectError("x")
    wrapped.__cause__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    assert classify(wrapped, during="http").kind == "tls-verify"
    assert classify(TimeoutError(), during="connect").kind == "connect-timeout"
    assert classify(TimeoutError(), during="tls").kind == "read-timeout"
    assert {classify(e).kind for e in cases} <= set(KINDS)
    for kind in ("timeout", "DNS", "", "tls"):  # near misses of the real kinds
        with pytest.raises(ValueError, match="failure kind"):
            Failure(kind, "made up")


# ------------------------------------------------------------------------------- connectivity
async def test_two_nodes_one_expired_is_named(ca, good, ca_file):
    expired = ca.issue_cert(HOST, not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=3))
    port = free_port(["127.0.0.2", "127.0.0.3"])
    pins = {(HOST, port): ("127.0.0.2", "127.0.0.3")}
    with TlsServer(leaf_spec(good, routes=XSI_ROUTES), "127.0.0.2", port), \
            TlsServer(leaf_spec(expired, routes=XSI_ROUTES), "127.0.0.3", port):
        p = prober(ca_file, pins)
        conn = await run(ClusterConnectivityCheck, xsi_cluster(port), p)
        tls = await run(XspTlsCheck, xsi_cluster(port), p)
    ok = by_code(conn, "conn.http.auth_required")[0]
    assert ok.data["node"] == "127.0.0.2" and ok.data["step"] == "http" and ok.data["interface"] == "xsi-actions"
    assert "Basic" in ok.detail
    bad = by_code(conn, "conn.tls.untrusted")[0]
    assert bad.data["node"] == "127.0.0.3" and bad.data["step"] == "tls"
    exp = by_code(tls, "tls.cert.expired")
    assert [f.data["node"] for f in exp] == ["127.0.0.3"]
    summary_old = [f for f in by_code(tls, "tls.summary") if f.data["node"] == "127.0.0.3"][0]
    assert "(expired 2 day(s) ago)" in summary_old.detail or "(expired 3 day(s) ago)" in summary_old.detail
    assert "tls.cert.untrusted" not in codes(tls)  # expired, not "does not chain to a public root"
    differ = by_code(tls, "tls.nodes.different_certificates")[0]
    assert differ.data["nodes"] == ["127.0.0.3"] and "127.0.0.3" in differ.remediation.summary
    summary = by_code(tls, "tls.summary")[0]
    assert summary.data["cipher"].startswith("TLS_")  # the IANA name, not the OpenSSL one
    assert tls.status is Status.FAIL and conn.status is Status.FAIL
    # The probe matrix the checks hand the front-ends: one row per node, each check its columns.
    rows = {(r.interface, r.node): r.cells for r in merge_matrices(artifacts_of([conn, tls], ProbeMatrix)).rows}
    good_row, bad_row = rows[("xsi-actions", "127.0.0.2")], rows[("xsi-actions", "127.0.0.3")]
    assert [good_row[s] for s in ("dns", "tcp", "tls", "http")] == [
        MatrixCell("ok"), MatrixCell("ok"), MatrixCell("ok"), MatrixCell("ok", "401")]
    assert good_row["cert"].kind == "ok" and bad_row["cert"] == MatrixCell("bad", "expired")
    assert bad_row["tls"] == MatrixCell("bad", "untrusted") and bad_row["http"] == MatrixCell("none", "–")


async def test_valid_interface_passes(good, ca_file):
    with TlsServer(leaf_spec(good, routes=XSI_ROUTES), "127.0.0.1") as srv:
        p = prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)})
        conn = await run(ClusterConnectivityCheck, xsi_cluster(srv.port), p)
        tls = await run(XspTlsCheck, xsi_cluster(srv.port), p)
        mtls = await run(XspMtlsCheck, xsi_cluster(srv.port), p)
    assert conn.status is Status.PASS and codes(conn) == ["conn.http.auth_required"]
    assert tls.status is Status.PASS and codes(tls) == ["tls.summary"]
    assert mtls.status is Status.PASS and codes(mtls) == ["mtls.mode.as_expected"]
    assert by_code(tls, "tls.summary")[0].data["versions"] == "TLS 1.2, TLS 1.3"


async def test_reachable_cti_node_reports_its_timings(good, ca_file):
    # CTI has no HTTP step: a node that completes TLS is "reachable"; a pinned node had no DNS
    # lookup, so its timing line says so instead of a misleading "DNS 0 ms".
    with TlsServer(leaf_spec(good), "127.0.0.1") as srv:
        p = prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)})
        conn = await run(ClusterConnectivityCheck, Cluster(name="t", cti=f"{HOST}:{srv.port}"), p)
    ok = by_code(conn, "conn.node.reachable")[0]
    assert ok.detail.startswith("DNS not looked up (pinned) · TCP ") and "(node from resolve)" in ok.detail
    assert conn.status is Status.PASS


async def test_refused_silent_404_and_5xx(good, ca_file):
    refused = refusing_port("127.0.0.4")
    routes = {"/com.broadsoft.xsi-events/v2.0/": Route(503, body="down")}
    with SilentServer("127.0.0.5") as silent, TlsServer(leaf_spec(good, routes=routes), "127.0.0.6") as srv:
        cluster = Cluster(name="t", xsi_actions=f"https://{HOST}:{refused}{XSI}",
                          dms=f"https://{HOST}:{silent.port}/dms/",
                          das=f"https://{HOST}:{srv.port}/wrong/path/",
                          xsi_events=f"https://{HOST}:{srv.port}/com.broadsoft.xsi-events/v2.0/")
        p = prober(ca_file, {(HOST, refused): ("127.0.0.4",), (HOST, silent.port): ("127.0.0.5",),
                             (HOST, srv.port): ("127.0.0.6",)}, timeout=0.5)
        conn = await run(ClusterConnectivityCheck, cluster, p)
    f = by_code(conn, "conn.tcp.refused")[0]
    assert (f.data["interface"], f.data["node"], f.data["step"], f.data["kind"]) == \
        ("xsi-actions", "127.0.0.4", "tcp", "connect-refused")
    f = by_code(conn, "conn.tls.timeout")[0]
    assert (f.data["interface"], f.data["step"], f.data["kind"]) == ("dms", "tls", "read-timeout")
    f = by_code(conn, "conn.http.not_found")[0]
    assert f.data["interface"] == "das" and "/v2.0/" in f.remediation.summary
    f = by_code(conn, "conn.http.server_error")[0]
    assert f.data["interface"] == "xsi-events" and f.data["status"] == 503


async def test_dropped_syn_is_a_tcp_timeout_blaming_a_firewall(ca_file):
    from tests.tls_servers import BlackholeServer

    with BlackholeServer("127.0.0.17") as hole:
        p = prober(ca_file, {(HOST, hole.port): ("127.0.0.17",)}, timeout=0.5)
        conn = await run(ClusterConnectivityCheck, xsi_cluster(hole.port), p)
    f = by_code(conn, "conn.tcp.timeout")[0]
    assert (f.data["node"], f.data["step"], f.data["kind"]) == ("127.0.0.17", "tcp", "connect-timeout")
    assert "firewall" in f.title and f"TCP {hole.port}" in f.remediation.summary


async def test_http_timeout_protocol_error_and_offhost_redirect(good, ca_file):
    routes = {"/slow/": Route(401, delay=1.5), "/garbled/": Route(200, {"Bad Header": "x"}),
              "/moved/": Route(302, {"Location": "https://elsewhere.example.net/x"})}
    with TlsServer(leaf_spec(good, routes=routes), "127.0.0.18") as srv:
        cluster = Cluster(name="t", xsi_actions=f"https://{HOST}:{srv.port}/slow/",
                          xsi_events=f"https://{HOST}:{srv.port}/garbled/", dms=f"https://{HOST}:{srv.port}/moved/")
        conn = await run(ClusterConnectivityCheck, cluster, prober(ca_file, {(HOST, srv.port): ("127.0.0.18",)}, 0.7))
    f = by_code(conn, "conn.http.timeout")[0]
    assert (f.data["interface"], f.data["step"], f.data["kind"]) == ("xsi-actions", "http", "read-timeout")
    f = by_code(conn, "conn.http.protocol_error")[0]
    assert (f.data["interface"], f.data["step"], f.data["kind"]) == ("xsi-events", "http", "protocol")
    f = by_code(conn, "conn.http.redirect_other_host")[0]
    assert f.data["interface"] == "dms" and f.data["location"] == "https://elsewhere.example.net/x"


async def test_dns_failures_and_private_answers_through_the_resolver(good, ca_file):
    import socket

    async def resolver(host, port):
        if host == "missing.example.com":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return ["127.0.0.1"]

    with TlsServer(leaf_spec(good, routes=XSI_ROUTES), "127.0.0.1") as srv:
        cluster = Cluster(name="t", xsi_actions=f"https://{HOST}:{srv.port}{XSI}",
                          xsi_events=f"https://missing.example.com:{srv.port}/com.broadsoft.xsi-events/v2.0/")
        conn = await run(ClusterConnectivityCheck, cluster, prober(ca_file, {}, resolver=resolver))
    f = by_code(conn, "conn.dns.failed")[0]
    assert f.data["interface"] == "xsi-events" and f.data["step"] == "dns" and f.data["kind"] == "dns"
    f = by_code(conn, "conn.dns.non_public_address")[0]
    assert "loopback" in f.title and "split-horizon" in f.detail
    assert by_code(conn, "conn.http.auth_required")[0].data["node"] == "127.0.0.1"


# ------------------------------------------------------------------------------- certificates
def _der_chain(leaf) -> list[bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    return [x509.load_pem_x509_certificate(b.bytes()).public_bytes(serialization.Encoding.DER)
            for b in leaf.cert_chain_pems[:1]]


@pytest.mark.parametrize("order", ["expired_first", "valid_first"])
def test_trust_is_judged_at_each_chains_own_time_whatever_the_order(ca, ca_file, order):
    """Nodes of a farm are judged one after another against one trust store: the verification
    time of one chain must not stick to the next (an expired node made a renewed one "not yet valid")."""
    from checks.probes.trust import assess_chain

    old = _der_chain(ca.issue_cert(HOST, not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=3)))
    renewed = _der_chain(ca.issue_cert(HOST, not_before=NOW - dt.timedelta(days=1), not_after=NOW + dt.timedelta(days=300)))
    chains = [old, renewed] if order == "expired_first" else [renewed, old]
    results = {id(c): assess_chain(c, HOST, NOW, ca_file, None) for c in chains}
    a_old, a_new = results[id(old)], results[id(renewed)]
    assert a_old.expired and a_old.trusted, a_old
    assert a_new.trusted and not a_new.not_yet_valid and not a_new.expired, a_new


@pytest.mark.parametrize("case", ["not_yet_valid", "wrong_host", "self_signed", "no_intermediate", "expiring"])
async def test_certificate_problems(case, ca, ca_file):
    want = {"not_yet_valid": "tls.cert.not_yet_valid", "wrong_host": "tls.cert.hostname_mismatch",
            "self_signed": "tls.cert.self_signed", "no_intermediate": "tls.cert.incomplete_chain",
            "expiring": "tls.cert.expires_soon"}[case]
    if case == "not_yet_valid":
        spec = leaf_spec(ca.issue_cert(HOST, not_before=NOW + dt.timedelta(days=5), not_after=NOW + dt.timedelta(days=400)))
    elif case == "wrong_host":
        spec = leaf_spec(ca.issue_cert("other.example.net"))
    elif case == "self_signed":
        cert, key = self_signed()
        from tests.tls_servers import ServerSpec
        spec = ServerSpec(chain_pems=[cert], key_pem=key)
    elif case == "no_intermediate":
        spec = leaf_spec(ca.create_child_ca().issue_cert(HOST), send_chain=False)
    else:
        spec = leaf_spec(ca.issue_cert(HOST, not_before=NOW - dt.timedelta(days=300), not_after=NOW + dt.timedelta(days=20)))
    spec.routes = XSI_ROUTES
    with TlsServer(spec) as srv:
        p = prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)})
        tls = await run(XspTlsCheck, xsi_cluster(srv.port), p)
        conn = await run(ClusterConnectivityCheck, xsi_cluster(srv.port), p)
    f = by_code(tls, want)[0]
    assert f.data["node"] == "127.0.0.1" and f.remediation.summary
    if case == "self_signed":
        assert "tls.cert.untrusted" not in codes(tls) and "publicly signed" in f.remediation.summary
    if case == "expiring":
        assert f.severity.value == "warning" and f.data["threshold"] == 30 and f.data["days"] in (19, 20)
        assert conn.status is Status.PASS
    else:
        assert "conn.tls.untrusted" in codes(conn)  # no HTTP over unverified TLS


async def test_chain_with_intermediate_is_complete(ca, ca_file):
    from checks.report import render_text

    leaf = ca.create_child_ca().issue_cert(HOST)
    with TlsServer(leaf_spec(leaf, routes=XSI_ROUTES)) as srv:
        tls = await run(XspTlsCheck, xsi_cluster(srv.port), prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)}))
    assert codes(tls) == ["tls.summary"], tls.findings
    # The text report shows the chain as sent whole: both certificates, full SHA-256 fingerprints.
    text = render_text([tls])
    chain = tls.findings[0].evidence[0].content
    assert "[1] subject:" in text and chain.count("SHA-256: ") == 2
    for line in chain.splitlines():
        assert line.strip() in text


async def test_tls13_only_fails_tls12_rule(good, ca_file):
    spec = leaf_spec(good, routes=XSI_ROUTES, min_version=SSL.TLS1_3_VERSION)
    with TlsServer(spec) as srv:
        tls = await run(XspTlsCheck, xsi_cluster(srv.port), prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)}))
    f = by_code(tls, "tls.version.no_tls12")[0]
    assert f.severity.value == "error" and "TLS 1.3" in f.detail


async def test_legacy_versions_warn(good, ca_file):
    spec = leaf_spec(good, routes=XSI_ROUTES, min_version=SSL.TLS1_VERSION)
    with TlsServer(spec) as srv:
        tls = await run(XspTlsCheck, xsi_cluster(srv.port), prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)}))
    if not any(f.data.get("versions", "").startswith("TLS 1.0") for f in tls.findings):
        pytest.skip("this OpenSSL build refuses TLS 1.0 even at security level 0")
    assert "TLS 1.0" in by_code(tls, "tls.version.legacy_enabled")[0].title


# ------------------------------------------------------------------------------- mTLS
async def test_cti_without_webex_ca_is_caught_with_advertised_names(ca, webex, good, ca_file, tmp_path):
    webex_file = tmp_path / "CombinedCertChain2023.txt"
    webex_file.write_bytes(webex.cert_pem.bytes())
    other = trustme.CA(organization_name="Some Other Client CA")
    required_without = leaf_spec(good, client_auth="required", ca_list=[other.cert_pem.bytes()])
    required_with = leaf_spec(good, client_auth="required", ca_list=[other.cert_pem.bytes(), webex.cert_pem.bytes()])
    port = free_port(["127.0.0.7", "127.0.0.8"])
    with TlsServer(required_without, "127.0.0.7", port), TlsServer(required_with, "127.0.0.8", port):
        cluster = Cluster(name="t", cti=f"{HOST}:{port}")
        p = prober(ca_file, {(HOST, port): ("127.0.0.7", "127.0.0.8")})
        mtls = await run(XspMtlsCheck, cluster, p, webex_ca=str(webex_file))
        conn = await run(ClusterConnectivityCheck, cluster, p)
    missing = by_code(mtls, "mtls.webex_ca.not_advertised")
    assert [f.data["node"] for f in missing] == ["127.0.0.7"]
    ev = "\n".join(e.content for e in missing[0].evidence)
    assert "Some Other Client CA" in ev and "Webex Test Client Root" in missing[0].title + missing[0].detail
    assert "updateTrust" in " ".join(missing[0].remediation.steps)
    assert by_code(mtls, "mtls.webex_ca.advertised")[0].data["node"] == "127.0.0.8"
    assert by_code(mtls, "mtls.nodes.differ")[0].data["nodes"]
    assert all(f.data["client_auth"] == "required" for f in by_code(mtls, "mtls.mode.as_expected"))
    assert {f.data["node"] for f in by_code(conn, "conn.tls.client_certificate_required")} == {"127.0.0.7", "127.0.0.8"}
    rows = {(r.interface, r.node): r.cells for r in merge_matrices(artifacts_of([conn, mtls], ProbeMatrix)).rows}
    assert rows[("cti", "127.0.0.7")]["mtls"] == MatrixCell("bad", "no Webex CA")
    assert rows[("cti", "127.0.0.8")]["mtls"].kind == "ok"
    assert rows[("cti", "127.0.0.8")]["http"] == MatrixCell("none", "needs client cert")


async def test_auth_service_modes(good, ca_file, webex):
    optional = leaf_spec(good, client_auth="optional", ca_list=[webex.cert_pem.bytes()], routes=XSI_ROUTES)
    required12 = leaf_spec(good, client_auth="required", ca_list=[webex.cert_pem.bytes()], routes=XSI_ROUTES,
                           max_version=SSL.TLS1_2_VERSION)
    with TlsServer(optional, "127.0.0.9") as opt, TlsServer(required12, "127.0.0.10") as req:
        url = lambda port: f"https://{HOST}:{port}/authService/v2.0/"  # noqa: E731
        pins = {(HOST, opt.port): ("127.0.0.9",), (HOST, req.port): ("127.0.0.10",)}
        p = prober(ca_file, pins)
        mtls_mode_optional = await run(XspMtlsCheck, Cluster(name="t", auth_service=url(opt.port), auth_mode="mtls"), p)
        ci_required = await run(XspMtlsCheck, Cluster(name="t", auth_service=url(req.port), auth_mode="ci-token"), p)
        ci_optional = await run(XspMtlsCheck, Cluster(name="t", auth_service=url(opt.port), auth_mode="ci-token"), p)
    f = by_code(mtls_mode_optional, "mtls.client_cert.optional")[0]
    assert f.severity.value == "error" and f.data["node"] == "127.0.0.9"
    assert "clientAuthReq true" in " ".join(f.remediation.steps)
    f = by_code(ci_required, "mtls.client_cert.required_unexpected")[0]
    assert "clientAuthReq false" in " ".join(f.remediation.steps) and f.data["client_auth"] == "required"
    assert ci_optional.status is Status.PASS


async def test_auth_service_mtls_without_ca_list_mentions_first_test(good, ca_file):
    spec = leaf_spec(good, client_auth="required", ca_list=[], routes=XSI_ROUTES)
    with TlsServer(spec) as srv:
        mtls = await run(XspMtlsCheck, Cluster(name="t", auth_service=f"https://{HOST}:{srv.port}/authService/v2.0/",
                                               auth_mode="mtls"), prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)}))
    f = by_code(mtls, "mtls.ca_list.empty")[0]
    assert "first cluster" in f.detail


async def test_cti_optional_is_a_warning_and_nothing_observed_is_a_skip(good, ca_file, webex):
    optional = leaf_spec(good, client_auth="optional", ca_list=[webex.cert_pem.bytes()])
    with TlsServer(optional, "127.0.0.15") as opt, SilentServer("127.0.0.16") as silent:
        p = prober(ca_file, {(HOST, opt.port): ("127.0.0.15",), (HOST, silent.port): ("127.0.0.16",)}, timeout=0.5)
        cti = await run(XspMtlsCheck, Cluster(name="t", cti=f"{HOST}:{opt.port}"), p)
        nothing = await run(XspMtlsCheck, Cluster(name="t", cti=f"{HOST}:{silent.port}"), p)
    f = by_code(cti, "mtls.client_cert.optional")[0]
    assert f.severity.value == "warning" and f.data["node"] == "127.0.0.15" and f.data["short"] == "optional"
    assert "mtls.mode.as_expected" not in codes(cti) and cti.status is Status.WARN
    # A silent port shows nothing about client certificates: no verdict, not a pass.
    assert nothing.status is Status.SKIP and "no TLS answer" in nothing.reason and "127.0.0.16" in nothing.reason
    assert nothing.artifacts == ()  # a skip hands over no matrix
    assert [(r.node, r.cells["mtls"]) for r in cti.artifacts[0].rows] == [("127.0.0.15", MatrixCell("warn", "optional"))]


# ------------------------------------------------------------------------------- authenticated probe
async def test_authenticated_probe_uses_keyring_and_never_leaks(good, ca_file, memory_keyring):
    from checks import credentials
    from checks.report import json_document, render_text

    routes = dict(XSI_ROUTES)
    routes[XSI + "user/bob@example.com/profile"] = Route(200, basic=("bob@example.com", "Corr3ct-Horse!"))
    with TlsServer(leaf_spec(good, routes=routes)) as srv:
        p = prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)})
        credentials.set_password("bob@example.com", "Corr3ct-Horse!")
        ok = await run(ClusterConnectivityCheck, xsi_cluster(srv.port), p, test_user="bob@example.com")
        credentials.set_password("bob@example.com", "wrong-pass-123")
        bad = await run(ClusterConnectivityCheck, xsi_cluster(srv.port),
                        prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)}), test_user="bob@example.com")
    assert by_code(ok, "conn.auth.ok")[0].data["node"] == "127.0.0.1"
    assert by_code(bad, "conn.auth.bad_credentials")[0].data["step"] == "auth"
    out = json.dumps(json_document([ok, bad])) + render_text([ok, bad])
    assert "Corr3ct-Horse!" not in out and "wrong-pass-123" not in out
    assert {"Corr3ct-Horse!", "wrong-pass-123"} <= credentials.known_secrets()


async def test_credentials_never_sent_over_unverified_tls(ca_file, memory_keyring):
    from checks import credentials

    cert, key = self_signed()
    from tests.tls_servers import ServerSpec
    with TlsServer(ServerSpec(chain_pems=[cert], key_pem=key, routes=XSI_ROUTES)) as srv:
        credentials.set_password("bob@example.com", "Corr3ct-Horse!")
        res = await run(ClusterConnectivityCheck, xsi_cluster(srv.port),
                        prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)}), test_user="bob@example.com")
        seen = list(srv.requests)
    assert "conn.auth.not_sent" in codes(res)
    assert not any("authorization" in r.lower() for r in seen)


async def test_missing_password_and_no_keyring(good, ca_file, monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    with TlsServer(leaf_spec(good, routes=XSI_ROUTES)) as srv:
        res = await run(ClusterConnectivityCheck, xsi_cluster(srv.port),
                        prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)}), test_user="nobody@example.com")
        assert "No password is stored" in by_code(res, "conn.auth.no_password")[0].detail
        keyring.set_keyring(FailKeyring())
        res = await run(ClusterConnectivityCheck, xsi_cluster(srv.port),
                        prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)}), test_user="nobody@example.com")
    f = by_code(res, "conn.auth.no_password")[0]
    assert "no usable keyring" in f.detail and "--ask-password" in f.detail


# ------------------------------------------------------------------------------- CLI
def test_cli_run_json_and_text(good, ca_file, tmp_path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    with TlsServer(leaf_spec(good, routes=XSI_ROUTES), "127.0.0.11") as srv:
        args = ["run", "--area", "connectivity", "--area", "mtls", "--xsi-actions", f"https://{HOST}:{srv.port}{XSI}",
                "--resolve", f"{HOST}:{srv.port}:127.0.0.11", "--probe-timeout", "3"]
        r = wxtriage(*args, "--json", home=tmp_path)
        t = wxtriage(*args, home=tmp_path)
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    checks = {c["id"]: c for c in doc["checks"]}
    assert {"cluster.connectivity", "xsp.tls", "xsp.mtls"} <= set(checks)
    for c in ("cluster.connectivity", "xsp.tls", "xsp.mtls"):
        assert checks[c]["status"] == "pass", checks[c]
        for f in checks[c]["findings"]:
            assert {"interface", "node", "step"} <= set(f["data"])
    assert t.code == 0 and "authentication required (HTTP 401)" in t.out
    # A pin for a port no interface uses is said, not silently ignored.
    r = wxtriage("run", "--check", "cluster.connectivity", "--xsi-actions", f"https://{HOST}:{srv.port}{XSI}",
                 "--resolve", f"{HOST}:{srv.port}:127.0.0.11", "--resolve", f"{HOST}:443:127.0.0.11", "--json",
                 home=tmp_path)
    found = [f for f in json.loads(r.out)["checks"][0]["findings"] if f["code"] == "conn.resolve.unused"]
    assert len(found) == 1 and found[0]["data"]["pin"] == f"{HOST}:443"
    assert f"--resolve {HOST}:{srv.port}:ADDRESS" in found[0]["remediation"]["summary"]


def test_cli_bad_inputs_are_one_line(tmp_path):
    bad_pem = tmp_path / "chain.txt"
    bad_pem.write_text("hello")
    for extra, needle in ((["--resolve", "xsp.example.com:443"], "--resolve xsp.example.com:443: expected HOST:PORT:ADDR"),
                          (["--resolve", "127.0.0.3"], "--resolve 127.0.0.3: 127.0.0.3 is an address on its own"),
                          (["--webex-ca", str(bad_pem)], "no PEM certificate"),
                          (["--probe-timeout", "soon"], "--probe-timeout soon")):
        r = wxtriage("run", "--check", "xsp.mtls", "--xsi-actions", f"https://{HOST}{XSI}", *extra, home=tmp_path)
        assert r.code == 2 and needle in r.err and "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1


async def test_inventory_nodes_are_probed_besides_dns_answers(good, ca, ca_file):
    expired = ca.issue_cert(HOST, not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=1))
    port = free_port(["127.0.0.1", "127.0.0.13"])

    async def resolver(host, p):
        return ["127.0.0.1"]

    with TlsServer(leaf_spec(good, routes=XSI_ROUTES), "127.0.0.1", port), \
            TlsServer(leaf_spec(expired, routes=XSI_ROUTES), "127.0.0.13", port):
        cluster = xsi_cluster(port, nodes=("127.0.0.13",))
        ctx = CheckContext(cluster=cluster, services=Services(prober=prober(ca_file, {}, resolver=resolver)))
        conn = await run_one(ClusterConnectivityCheck, ctx)
        tls = await run_one(XspTlsCheck, ctx)
    ok = by_code(conn, "conn.http.auth_required")[0]
    assert ok.data["node"] == "127.0.0.1" and ok.data["source"] == "dns"
    assert by_code(conn, "conn.tls.untrusted")[0].data["node"] == "127.0.0.13"
    assert [f.data["node"] for f in by_code(tls, "tls.cert.expired")] == ["127.0.0.13"]


async def test_probes_are_shared_between_checks(good, ca_file):
    """One prober per run: the three checks probe each node once between them."""
    from checks.runner import run_checks

    with TlsServer(leaf_spec(good, routes=XSI_ROUTES)) as srv:
        p = prober(ca_file, {(HOST, srv.port): ("127.0.0.1",)})
        results = await run_checks([ClusterConnectivityCheck, XspTlsCheck, XspMtlsCheck],
                                   CheckContext(cluster=xsi_cluster(srv.port), services=Services(prober=p)))
        gets = [r for r in srv.requests if r.startswith("GET ")]
    assert [r.status for r in results] == [Status.PASS] * 3
    assert len(gets) == 1  # a single verified HTTP GET for the one interface on the one node


async def test_dns_failure_is_reported_even_when_inventory_nodes_answer(good, ca_file):
    import socket

    async def resolver(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with TlsServer(leaf_spec(good, routes=XSI_ROUTES), "127.0.0.14") as srv:
        ctx = CheckContext(cluster=xsi_cluster(srv.port, nodes=("127.0.0.14",)),
                           services=Services(prober=prober(ca_file, {}, resolver=resolver)))
        conn = await run_one(ClusterConnectivityCheck, ctx)
    assert by_code(conn, "conn.dns.failed")[0].data["step"] == "dns"
    ok = by_code(conn, "conn.http.auth_required")[0]
    assert ok.data["node"] == "127.0.0.14" and ok.data["source"] == "inventory"


def test_probe_rule_wording_survives_redaction():
    """Every output is redacted: catalog wording must not look like a secret (``password: `cmd```
    once turned a remediation step into ``<redacted:secret:1>``)."""
    from checks.catalog import load_catalog
    from checks.redact import Redactor

    cat = load_catalog("probe_rules")
    assert len(cat["rules"]) > 40
    for name, rule in cat["rules"].items():
        texts = [rule.get(k, "") for k in ("title", "detail", "remediation")] + list(rule.get("steps", ()))
        for text in texts:
            filled = text.replace("{user}", "testuser@example.com")
            assert Redactor().redact_text(filled) == filled, (name, filled)


# --- Auth Service mode not declared (issue 16, point 9): report and ask, never assume ---------

@pytest.mark.parametrize("client_auth, observed", [("none", "not requested"), ("optional", "requested (optional)"),
                                                   ("required", "required")])
async def test_auth_service_mode_not_declared_reports_what_it_saw_and_asks(good, ca_file, webex, client_auth,
                                                                           observed):
    spec = leaf_spec(good, client_auth=client_auth, ca_list=[webex.cert_pem.bytes()] if client_auth != "none" else [],
                     routes=XSI_ROUTES)
    with TlsServer(spec, "127.0.0.21") as srv:
        cluster = Cluster(name="t", auth_service=f"https://{HOST}:{srv.port}/authService/v2.0/")
        assert cluster.auth_mode == ""   # nothing declared, nothing assumed
        r = await run(XspMtlsCheck, cluster, prober(ca_file, {(HOST, srv.port): ("127.0.0.21",)}))
    (f,) = r.findings
    assert f.code == "mtls.auth_mode.undeclared" and f.severity.value == "info"
    assert f.data["client_auth"] == client_auth and observed in f.title
    assert "mTLS or CI token validation" in f.remediation.summary and "?" in f.remediation.summary
    assert "auth_mode" in " ".join(f.remediation.steps) and "--auth-mode" in " ".join(f.remediation.steps)
    if client_auth != "none":
        assert "Webex Test Client Root" in f.detail   # the advertised CA names are reported too
    assert f.source.startswith("S4") and "inf" in f.source


@pytest.mark.parametrize("text", ['name = "a"\nauth_service = "https://x.example.com/authService/v2.0/"\n',
                                  'name = "a"\nauth_mode = ""\n'])
def test_inventory_without_auth_mode_declares_none(text):
    import tomllib

    from checks.inventory import Cluster as C

    assert C.from_mapping(tomllib.loads(text)).auth_mode == ""


def test_inventory_rejects_an_unknown_auth_mode_and_says_it_may_be_left_out():
    from checks.inventory import Cluster as C, InventoryError

    with pytest.raises(InventoryError, match="leave it out"):
        C.from_mapping({"name": "a", "auth_mode": "ci_token"})


def test_cli_without_auth_mode_declares_none():
    import argparse

    from tui.cli.common import resolve_cluster

    ns = argparse.Namespace(xsi_actions="", xsi_events="", auth_service="https://x.example.com/authService/v2.0/",
                            cti="", dms="", das="", cluster=None, inventory=None, auth_mode=None, nodes=[],
                            customers=None)
    cluster, _ = resolve_cluster(ns)
    assert cluster.auth_mode == ""
