"""Fleet scan (`run --all-clusters`): every cluster of the inventory against real TLS peers on
loopback — a healthy farm, one with a self-signed certificate, one that refuses connections, one
that is slow — with the probe bounds shared by the whole scan."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import trustme

from checks.builtin.cluster_connectivity import ClusterConnectivityCheck
from checks.fleet import ProbeLimits, run_fleet, summarize
from checks.inventory import Cluster, Inventory
from checks.model import CheckResult, Finding, Severity, Status
from tests.helpers import wxtriage
from tests.tls_servers import XSI_ROUTES, Route, ServerSpec, TlsServer, free_port, leaf_spec, self_signed

XSI = "/com.broadsoft.xsi-actions/v2.0/"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _inventory(path: Path, clusters: list[tuple[str, str, int]]) -> Path:
    text = "".join(f'[[cluster]]\nname = "{name}"\nxsi_actions = "https://{host}:{port}{XSI}"\n\n'
                   for name, host, port in clusters)
    path.write_text(text, encoding="utf-8")
    return path


def _pins(clusters: list[tuple[str, str, int]], address: str = "127.0.0.1") -> list[str]:
    return [a for _, host, port in clusters for a in ("--resolve", f"{host}:{port}:{address}")]


def test_the_fleet_summary_names_each_clusters_worst_status_step_and_node(ca, ca_file, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    closed = free_port(["127.0.0.1"])  # nothing listens there: a farm behind a closed firewall
    cert, key = self_signed("xsp-bravo.example.com")
    with TlsServer(leaf_spec(ca.issue_cert("xsp-alpha.example.com"), routes=XSI_ROUTES)) as alpha, \
            TlsServer(ServerSpec(chain_pems=[cert], key_pem=key, routes=XSI_ROUTES)) as bravo:
        clusters = [("alpha", "xsp-alpha.example.com", alpha.port), ("bravo", "xsp-bravo.example.com", bravo.port),
                    ("charlie", "xsp-charlie.example.com", closed)]
        inv = _inventory(tmp_path / "inv.toml", clusters)
        args = ["run", "--all-clusters", "--inventory", str(inv), "--check", "cluster.connectivity",
                "--probe-timeout", "3", *_pins(clusters)]
        text = wxtriage(*args, home=tmp_path)
        js = wxtriage(*args, "--json", home=tmp_path)
    assert text.code == 1 and js.code == 1, text.err
    lines = text.out.splitlines()
    table = {line.split()[1]: line for line in lines[1:4]}
    assert "pass" in table["alpha"]
    assert "fail" in table["bravo"] and "node 127.0.0.1" in table["bravo"] and "step tls" in table["bravo"]
    assert "fail" in table["charlie"] and "step tcp" in table["charlie"]
    assert "1 of 3 clusters pass" in text.out
    assert "== bravo ==" in text.out and "== charlie ==" in text.out and "== alpha ==" not in text.out
    doc = json.loads(js.out)
    by_name = {c["cluster"]: c for c in doc["clusters"]}
    assert [c["cluster"] for c in doc["clusters"]] == ["alpha", "bravo", "charlie"]  # inventory order
    assert by_name["alpha"]["summary"]["status"] == "pass"
    assert by_name["charlie"]["summary"]["code"].startswith("conn.tcp.")
    assert by_name["bravo"]["summary"]["step"] == "tls" and by_name["bravo"]["checks"][0]["findings"]


def test_the_default_fleet_checks_are_the_cluster_checks(ca, ca_file, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    with TlsServer(leaf_spec(ca.issue_cert("xsp-one.example.com"), routes=XSI_ROUTES)) as one:
        clusters = [("one", "xsp-one.example.com", one.port)]
        inv = _inventory(tmp_path / "inv.toml", clusters)
        r = wxtriage("run", "--all-clusters", "--inventory", str(inv), "--json", "--probe-timeout", "3",
                     *_pins(clusters), home=tmp_path)
    ids = {c["id"] for c in json.loads(r.out)["clusters"][0]["checks"]}
    assert {"cluster.connectivity", "xsp.tls", "xsp.urls"} <= ids
    assert not ids & {"har.analyze", "client.logs"}  # evidence checks have nothing to read in a scan


@pytest.mark.parametrize("extra, needle", [
    (["--cluster", "alpha"], "leave out --cluster"),
    (["--xsi-actions", "https://x.example.com/com.broadsoft.xsi-actions/v2.0/"], "leave out --xsi-actions"),
    (["--parallel-probes", "0"], "--parallel-probes"),
    (["--per-host", "many"], "--per-host"),
    (["--resolve", "xsp-alpha.example.com:8443:127.0.0.1"], "matches no interface of any cluster"),
])
def test_fleet_bad_input_is_one_line(tmp_path: Path, extra, needle):
    inv = _inventory(tmp_path / "inv.toml", [("alpha", "xsp-alpha.example.com", 443)])
    r = wxtriage("run", "--all-clusters", "--inventory", str(inv), *extra, home=tmp_path)
    assert r.code == 2 and needle in r.err and "Traceback" not in r.err


def test_an_inventory_without_clusters_is_refused(tmp_path: Path):
    inv = tmp_path / "empty.toml"
    inv.write_text("# nothing yet\n", encoding="utf-8")
    r = wxtriage("run", "--all-clusters", "--inventory", str(inv), home=tmp_path)
    assert r.code == 2 and "no [[cluster]]" in r.err and len(r.err.strip().splitlines()) == 1


async def test_the_scan_stays_within_its_probe_bounds(ca, ca_file):
    """Twelve clusters on one node address: the per-host bound holds (politeness), the overall bound
    holds, and every cluster still finishes with its own answer."""
    from checks.probes import ProbeSettings  # noqa: F401  (the settings the CLI would build)

    slow = {"/": Route(401, headers={"WWW-Authenticate": 'Basic realm="BroadWorks"'}, delay=0.2)}
    port = free_port(["127.0.0.1"])
    with TlsServer(leaf_spec(ca.issue_cert(*[f"xsp{i}.example.com" for i in range(12)]), routes=slow),
                   "127.0.0.1", port):
        clusters = tuple(Cluster(name=f"farm-{i:02d}", xsi_actions=f"https://xsp{i}.example.com:{port}{XSI}")
                         for i in range(12))
        resolve = [f"xsp{i}.example.com:{port}:127.0.0.1" for i in range(12)]
        limits = ProbeLimits(parallel=3, per_host=2)
        import os
        os.environ["SSL_CERT_FILE"] = ca_file
        try:
            runs = await run_fleet([ClusterConnectivityCheck], Inventory(clusters=clusters),
                                   {"resolve": resolve, "probe_timeout": "5"}, limits=limits)
        finally:
            del os.environ["SSL_CERT_FILE"]
    assert [r.cluster for r in runs] == [c.name for c in clusters]
    assert all(r.summary.status is Status.PASS for r in runs), [r.summary for r in runs]
    assert limits.peak_per_host["127.0.0.1"] == 2 and limits.peak <= 2


def _result(status: Status, *findings: Finding, reason: str = "") -> CheckResult:
    return CheckResult(check_id="c", title="C", area="connectivity", status=status, findings=findings,
                       reason=reason, started_at="2026-12-01T00:00:00+00:00")


def _finding(code: str, severity: Severity, **data) -> Finding:
    return Finding(code=code, severity=severity, title=code, data=data)


def test_summary_picks_the_worst_finding_and_says_why_when_nothing_ran():
    s = summarize("x", [_result(Status.WARN, _finding("w", Severity.WARNING, node="n1")),
                        _result(Status.FAIL, _finding("e", Severity.ERROR, interface="xsi-actions", node="n2",
                                                      step="tls"), _finding("i", Severity.INFO))])
    assert (s.status, s.code, s.node, s.step, s.problems) == (Status.FAIL, "e", "n2", "tls", 2)
    crashed = summarize("y", [_result(Status.PASS), _result(Status.ERROR, reason="timed out after 30 s")])
    assert crashed.status is Status.ERROR and "timed out" in crashed.title
    skipped = summarize("z", [_result(Status.SKIP, reason="needs a cluster URL")])
    assert skipped.status is Status.SKIP and skipped.title == "needs a cluster URL"
    assert summarize("p", [_result(Status.PASS, _finding("ok", Severity.INFO))]).title == ""


def test_probe_limits_refuse_zero():
    async def make():
        return ProbeLimits(parallel=0)

    with pytest.raises(ValueError):
        asyncio.run(make())


async def test_tls_versions_are_asked_once_per_listener_not_once_per_interface(ca, ca_file):
    """XSP interfaces usually share one host and port: the version probes (extra handshakes) run
    once for the listener, which is what keeps a fleet scan's CPU per probe low."""
    from checks.api import CheckContext, Services
    from checks.builtin.xsp_tls import XspTlsCheck
    from checks.probes import Prober, ProbeSettings
    from checks.runner import run_checks

    host = "xsp-shared.example.com"
    paths = ("/com.broadsoft.xsi-actions/v2.0/", "/com.broadsoft.xsi-events/v2.0/", "/authService/v2.0/", "/dms/v2.0/")
    counts = []
    for interfaces in (1, 4):
        with TlsServer(leaf_spec(ca.issue_cert(host), routes=XSI_ROUTES)) as srv:
            urls = dict(zip(("xsi_actions", "xsi_events", "auth_service", "dms"),
                            (f"https://{host}:{srv.port}{p}" for p in paths[:interfaces])))
            prober = Prober(ProbeSettings(timeout=5, cafile=ca_file), pins={(host, srv.port): ("127.0.0.1",)})
            results = await run_checks([ClusterConnectivityCheck, XspTlsCheck],
                                       CheckContext(cluster=Cluster(name="c", **urls), services=Services(prober=prober)))
            assert all(r.status is not Status.ERROR for r in results)
            counts.append(srv.accepted)
    one, four = counts
    assert four < 4 * one, counts


def test_the_parallel_bound_fits_the_open_files_limit():
    import resource

    from checks.fleet import affordable_parallel

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
        got = affordable_parallel(10_000_000)  # far more than any hard limit allows
        now, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        assert 1 <= got <= (now - 128) // 3 and now >= 256  # raised toward the hard limit, then capped
        assert affordable_parallel(2) == 2
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
