"""nginx (Debian package ``nginx-light`` or ``nginx``) as a real mTLS peer.

nginx runs in the foreground (``daemon off; master_process off``) on a high port of 127.0.0.12
with a temporary prefix, config and certificates; it is stopped by its process id.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import trustme

from checks.api import CheckContext, Services
from checks.builtin.cluster_connectivity import ClusterConnectivityCheck
from checks.builtin.xsp_mtls import XspMtlsCheck
from checks.builtin.xsp_tls import XspTlsCheck
from checks.inventory import Cluster
from checks.probes import Prober, ProbeSettings
from checks.runner import run_one
from tests.tls_servers import HOST, free_port

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install -y nginx-light)")

ADDR = "127.0.0.12"

CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  ssl_certificate {d}/server.pem;
  ssl_certificate_key {d}/server.key;
  # Auth Service in mTLS mode, configured right: Webex CA trusted, client certificate required.
  server {{
    listen {addr}:{p1} ssl;
    server_name {host};
    ssl_client_certificate {d}/webex.pem;
    ssl_verify_client on;
    location /authService/ {{ add_header WWW-Authenticate 'Basic realm="BroadWorks"' always; return 401; }}
  }}
  # The same, misconfigured: client certificate only optional, and another CA trusted.
  server {{
    listen {addr}:{p2} ssl;
    server_name {host};
    ssl_client_certificate {d}/other.pem;
    ssl_verify_client optional;
    location /authService/ {{ add_header WWW-Authenticate 'Basic realm="BroadWorks"' always; return 401; }}
  }}
}}
"""


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    d = tmp_path_factory.mktemp("nginx")
    ca, webex, other = trustme.CA(), trustme.CA(organization_name="Webex Test Client Root"), \
        trustme.CA(organization_name="Another Client CA")
    leaf = ca.issue_cert(HOST)
    leaf.private_key_pem.write_to_path(str(d / "server.key"))
    (d / "server.pem").write_bytes(b"".join(b.bytes() for b in leaf.cert_chain_pems))
    webex.cert_pem.write_to_path(str(d / "webex.pem"))
    other.cert_pem.write_to_path(str(d / "other.pem"))
    ca.cert_pem.write_to_path(str(d / "trust.pem"))
    p1 = free_port([ADDR])
    p2 = free_port([ADDR])
    (d / "nginx.conf").write_text(CONF.format(d=d, addr=ADDR, p1=p1, p2=p2, host=HOST))
    proc = subprocess.Popen([NGINX, "-p", str(d), "-c", str(d / "nginx.conf"), "-e", str(d / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection((ADDR, p2), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                err = (proc.stderr.read() or b"").decode(errors="replace")
                pytest.skip(f"nginx did not start: {err.strip()[:300]}")
            time.sleep(0.05)
    yield dict(dir=d, p1=p1, p2=p2, trust=str(d / "trust.pem"), webex=str(d / "webex.pem"))
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


def _prober(n) -> Prober:
    return Prober(ProbeSettings(timeout=3, cafile=n["trust"]),
                  pins={(HOST, n["p1"]): (ADDR,), (HOST, n["p2"]): (ADDR,)})


async def test_nginx_mtls_required_and_webex_ca_advertised(nginx):
    cluster = Cluster(name="t", auth_service=f"https://{HOST}:{nginx['p1']}/authService/v2.0/", auth_mode="mtls")
    ctx = CheckContext(cluster=cluster, options={"webex_ca": nginx["webex"]}, services=Services(prober=_prober(nginx)))
    mtls = await run_one(XspMtlsCheck, ctx)
    conn = await run_one(ClusterConnectivityCheck, ctx)
    tls = await run_one(XspTlsCheck, ctx)
    codes = [f.code for f in mtls.findings]
    assert "mtls.webex_ca.advertised" in codes and "mtls.mode.as_expected" in codes, mtls.findings
    req = [f for f in conn.findings if f.code == "conn.tls.client_certificate_required"]
    assert req and "HTTP 400" in req[0].data["how"]  # nginx answers 400 instead of failing the handshake
    assert [f.code for f in tls.findings] == ["tls.summary"]


async def test_nginx_optional_with_other_ca_is_caught(nginx):
    cluster = Cluster(name="t", auth_service=f"https://{HOST}:{nginx['p2']}/authService/v2.0/", auth_mode="mtls")
    ctx = CheckContext(cluster=cluster, options={"webex_ca": nginx["webex"]}, services=Services(prober=_prober(nginx)))
    mtls = await run_one(XspMtlsCheck, ctx)
    codes = {f.code: f for f in mtls.findings}
    assert "mtls.client_cert.optional" in codes
    missing = codes["mtls.webex_ca.not_advertised"]
    assert "Another Client CA" in "\n".join(e.content for e in missing.evidence)
    assert "first cluster" in missing.detail  # the expected first-test failure (S4 §3)
