"""What the engine lends a run (``checks.api.Services``): the clock and the HTTP client factory are
injected, and every check of the run uses the injected ones — against real TLS servers on loopback."""
from __future__ import annotations

import datetime as dt
import ssl

import pytest
import trustme

from checks.api import CheckContext, Services
from checks.builtin.cluster_connectivity import ClusterConnectivityCheck
from checks.builtin.xsp_tls import XspTlsCheck
from checks.inventory import Cluster
from checks.probes import Prober, ProbeSettings
from checks.probes.http import HttpClients, probe_http
from checks.runner import run_one
from tests.tls_servers import HOST, XSI_ROUTES, TlsServer, leaf_spec, refusing_port

XSI = "/com.broadsoft.xsi-actions/v2.0/"
NOW = dt.datetime.now(dt.timezone.utc)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca, tmp_path) -> str:
    p = tmp_path / "trust.pem"
    ca.cert_pem.write_to_path(str(p))
    return str(p)


def _cluster(port: int) -> Cluster:
    return Cluster(name="t", xsi_actions=f"https://{HOST}:{port}{XSI}")


def _codes(result) -> set[str]:
    return {f.code for f in result.findings}


async def test_injected_clock_decides_expiry_and_result_time(ca, ca_file):
    leaf = ca.issue_cert(HOST, not_before=NOW - dt.timedelta(days=10), not_after=NOW + dt.timedelta(days=100))
    with TlsServer(leaf_spec(leaf, routes=XSI_ROUTES)) as srv:
        pins = {(HOST, srv.port): ("127.0.0.1",)}

        async def tls_at(when: dt.datetime):
            prober = Prober(ProbeSettings(timeout=2.0, cafile=ca_file), pins=pins)
            ctx = CheckContext(cluster=_cluster(srv.port), services=Services(prober=prober, clock=lambda: when))
            return await run_one(XspTlsCheck, ctx)

        today, later, past_end = (await tls_at(NOW), await tls_at(NOW + dt.timedelta(days=90)),
                                  await tls_at(NOW + dt.timedelta(days=101)))
    assert "tls.cert.expired" not in _codes(today) and "tls.cert.expires_soon" not in _codes(today), _codes(today)
    assert "tls.cert.expires_soon" in _codes(later), _codes(later)
    assert "tls.cert.expired" in _codes(past_end), _codes(past_end)
    # The result's time is the run's clock too (a replayed run is stamped as it was).
    assert past_end.started_at == (NOW + dt.timedelta(days=101)).isoformat(timespec="seconds")


async def test_injected_http_clients_set_the_runs_trust_store(ca, ca_file):
    """No prober injected: the run's prober takes the trust store of the injected HTTP clients, for
    the HTTP step and for the chain assessment alike."""
    other = trustme.CA()
    leaf = ca.issue_cert(HOST)
    with TlsServer(leaf_spec(leaf, routes=XSI_ROUTES)) as srv:
        resolve = [f"{HOST}:{srv.port}:127.0.0.1"]

        async def run_with(clients: HttpClients):
            ctx = CheckContext(cluster=_cluster(srv.port), options={"resolve": resolve, "probe_timeout": "2"},
                               services=Services(http=clients))
            return await run_one(ClusterConnectivityCheck, ctx), ctx.services

        trusted, services = await run_with(HttpClients(ca_file))
        assert services.prober is not None and services.prober.http is services.http
        assert services.prober.settings.cafile == ca_file
        other_file = ca_file + ".other"
        other.cert_pem.write_to_path(other_file)
        untrusted, _ = await run_with(HttpClients(other_file))
    assert trusted.status.value == "pass", (trusted.reason, _codes(trusted))
    assert untrusted.status.value != "pass"
    assert any(f.data.get("step") in ("tls", "http") for f in untrusted.findings if f.severity != "info"), \
        _codes(untrusted)


async def test_clients_ignore_proxies_from_the_environment(ca, ca_file, monkeypatch):
    """A proxy set in the environment would see the test user's Basic credentials: never used."""
    dead = f"http://127.0.0.1:{refusing_port()}"
    for var in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(var, dead)
    with TlsServer(leaf_spec(ca.issue_cert(HOST), routes=XSI_ROUTES)) as srv:
        res = await probe_http(f"https://{HOST}:{srv.port}{XSI}", "127.0.0.1", HttpClients(ca_file), timeout=2.0)
        async with HttpClients(ca_file).client(timeout=2.0) as client:
            assert client._trust_env is False  # the unpinned client too
    assert res.status == 401 and res.failure.kind == "http-status", res.to_dict()  # the server answered


def test_clients_refuse_an_unverified_context(ca_file):
    class Careless(HttpClients):
        def ssl_context(self) -> ssl.SSLContext:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx

    with pytest.raises(ValueError, match="verified TLS only"):
        Careless(ca_file).client(timeout=1.0, address="127.0.0.1")
    context = HttpClients(ca_file).ssl_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert HttpClients(ca_file).trust() == (ca_file, None)


def test_services_default_clock_is_utc_now():
    before = dt.datetime.now(dt.timezone.utc)
    got = Services().clock()
    assert got.tzinfo is not None and before <= got <= dt.datetime.now(dt.timezone.utc)
    ctx = CheckContext(services=Services(clock=lambda: NOW))
    assert ctx.clock() == NOW
