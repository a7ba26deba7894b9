"""Loopback XSP look-alikes for the probes screenshot (needs the ``test`` extra: trustme).

Two nodes answer like an Xsi interface (401 with a Basic challenge): one with a valid
certificate, one whose certificate has expired — the classic "intermittent failure" farm.
Nothing listens on the CTI port, so that step shows a refusal. All on 127.0.0.x.
"""
from __future__ import annotations

import datetime as _dt
import http.server
import socket
import ssl
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

HOST = "xsp.demo-sp.example.com"


class _Xsi(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="BroadWorks"')
        self.send_header("Server", "demo-xsp")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:  # keep the screenshot run quiet
        pass


def _free_port(addresses: list[str]) -> int:
    for port in range(18443, 18600):
        try:
            for a in addresses:
                with socket.socket() as s:
                    # As the server will: a port left in TIME_WAIT by the last run is still usable,
                    # so the screenshots show the same port every time.
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind((a, port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port on loopback")


@contextmanager
def demo_farm(workdir: Path) -> Iterator[dict[str, str]]:
    """Start the farm; yields ``resolve`` (a --resolve value), ``url``, ``cti`` and ``cafile``."""
    import trustme

    ca = trustme.CA(organization_name="Demo Public Root")
    now = _dt.datetime.now(_dt.timezone.utc)
    good = ca.issue_cert(HOST)
    expired = ca.issue_cert(HOST, not_before=now - _dt.timedelta(days=400), not_after=now - _dt.timedelta(days=3))
    cafile = workdir / "demo-ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    nodes = ["127.0.0.1", "127.0.0.2"]
    port = _free_port(nodes)
    with ExitStack() as stack:
        for address, leaf in zip(nodes, (good, expired)):
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            leaf.configure_cert(ctx)
            server = http.server.ThreadingHTTPServer((address, port), _Xsi)
            server.socket = ctx.wrap_socket(server.socket, server_side=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
        yield {"resolve": f"{HOST}:{port}:{','.join(nodes)}",
               "url": f"https://{HOST}:{port}/com.broadsoft.xsi-actions/v2.0/",
               "cti": f"{HOST}:{port + 1}", "cafile": str(cafile)}
