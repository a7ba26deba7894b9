"""The cheaper probe paths must observe exactly what the plain ones did.

* the HTTP step maps each peer shape (refused, silent, reset, plain HTTP, redirect …) to its
  failure kind;
* version probes that stop at the ServerHello still name the version, and really stop there;
* a TLS record splitter that hands anything odd to OpenSSL untouched.
"""
from __future__ import annotations

import asyncio
import socket
import struct
import threading

import pytest
import trustme
from OpenSSL import SSL

from checks.probes.http import HttpClients, probe_http
from checks.probes.tcp import connect
from checks.probes.tls_session import _Session, _split_record
from checks.probes.tls_versions import probe_versions_supported
from tests.tls_servers import HOST, XSI_ROUTES, Route, ServerSpec, SilentServer, TlsServer, leaf_spec, \
    refusing_port, self_signed

XSI = "/com.broadsoft.xsi-actions/v2.0/"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


class RawServer:
    """A TCP peer with one behaviour: close at once, reset, or answer plain text to the ClientHello."""

    def __init__(self, mode: str, tls=None):
        self.mode, self.tls = mode, tls  # tls: a server SSLContext to handshake with before acting
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                if self.tls is not None:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                conn.recv(4096)  # ClientHello or request, read whole so that closing sends a FIN, not a reset
                if self.mode == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                elif self.mode == "plain":
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:  # the client gave up first (ssl errors are OSErrors too)
                pass
            finally:
                conn.close()


async def _probe(url: str, address: str, ctx, timeout: float) -> dict:
    res = await probe_http(url, address, ctx, timeout=timeout)
    return {k: v for k, v in res.to_dict().items() if k != "elapsed_ms"}


@pytest.mark.parametrize("case", ["ok_401", "redirect", "self_signed", "slow_answer", "refused", "silent",
                                  "closed", "reset", "plain_http", "closed_after_request", "reset_after_request"])
async def test_http_failure_kind_per_peer_shape(case, ca, tmp_path):
    trust = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(trust))
    ctx = HttpClients(str(trust))
    good = leaf_spec(ca.issue_cert(HOST), routes=XSI_ROUTES)
    timeout = 2.0
    if case in ("ok_401", "redirect", "slow_answer", "self_signed"):
        if case == "redirect":
            good.routes = {XSI: Route(302, {"Location": XSI + "next/"}), XSI + "next/": Route(401, body="x" * 50)}
        elif case == "slow_answer":
            good.routes = {XSI: Route(200, delay=1.0)}
            timeout = 0.3
        spec = good
        if case == "self_signed":
            cert, key = self_signed()
            spec = ServerSpec(chain_pems=[cert], key_pem=key, routes=XSI_ROUTES)
        with TlsServer(spec) as srv:
            new = await _probe(f"https://{HOST}:{srv.port}{XSI}", "127.0.0.1", ctx, timeout)
    elif case == "refused":
        new = await _probe(f"https://{HOST}:{refusing_port()}{XSI}", "127.0.0.1", ctx, timeout)
    elif case == "silent":
        with SilentServer() as srv:
            new = await _probe(f"https://{HOST}:{srv.port}{XSI}", "127.0.0.1", ctx, 0.3)
    elif case.endswith("_after_request"):
        import ssl

        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(HOST).configure_cert(server_ctx)
        with RawServer(case.split("_")[0].replace("closed", "close"), tls=server_ctx) as srv:
            new = await _probe(f"https://{HOST}:{srv.port}{XSI}", "127.0.0.1", ctx, timeout)
    else:
        with RawServer({"closed": "close", "reset": "reset", "plain_http": "plain"}[case]) as srv:
            new = await _probe(f"https://{HOST}:{srv.port}{XSI}", "127.0.0.1", ctx, timeout)
    expected = {"ok_401": None, "redirect": None, "self_signed": "tls-verify", "slow_answer": "read-timeout",
                "refused": "connect-refused", "silent": "read-timeout", "closed": "tls-handshake", "reset": "protocol",
                "plain_http": "tls-handshake", "closed_after_request": "protocol",
                "reset_after_request": "protocol"}[case]
    if expected is not None:
        assert new["failure"]["kind"] == expected
    if case == "redirect":
        assert new["redirects"] and new["status"] == 401


async def test_version_probe_stops_at_the_server_hello(ca):
    spec = leaf_spec(ca.issue_cert(HOST), routes=XSI_ROUTES, max_version=SSL.TLS1_2_VERSION)
    with TlsServer(spec) as srv:
        streams, _tcp = await connect("127.0.0.1", srv.port, 2.0)
        s = _Session(*streams, HOST, ("TLSv1.2", "TLSv1.2"))
        try:
            await asyncio.wait_for(s.until_server_hello(), 2.0)
            assert s.conn.get_protocol_version_name() == "TLSv1.2"
        finally:
            s.close()
        # The certificate record was never handed to OpenSSL: nothing past the ServerHello was read.
        assert s.saw_server_hello and not any(b"certificate" in st for st in s.states), s.states
        versions = await probe_versions_supported("127.0.0.1", srv.port, HOST, 2.0, "")
    assert versions["TLSv1.2"] is True and versions["TLSv1.1"] is False and versions["TLSv1"] is False


def test_split_record():
    hello = b"\x16\x03\x03\x00\x04abcd"
    cert = b"\x16\x03\x03\x00\x02xy"
    assert _split_record(hello + cert) == (hello, cert)
    assert _split_record(hello[:7]) == (b"", hello[:7])  # incomplete: wait for more
    assert _split_record(b"\x16\x03") == (b"", b"\x16\x03")
    assert _split_record(b"HTTP/1.1 400 Bad Request\r\n") == (b"HTTP/1.1 400 Bad Request\r\n", b"")  # not TLS
    huge = b"\x16\x03\x03\xff\xff" + b"x" * 10
    assert _split_record(huge) == (huge, b"")


def test_cached_trust_judgement_sees_a_changed_trust_file(ca, tmp_path):
    """The chain is judged once per run, but a trust file that changes is loaded again."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from checks.probes.trust import assess_chain

    chain = [x509.load_pem_x509_certificate(p.bytes()).public_bytes(serialization.Encoding.DER)
             for p in ca.issue_cert(HOST).cert_chain_pems]
    now = dt.datetime.now(dt.timezone.utc)
    trust = tmp_path / "trust.pem"
    trust.write_bytes(trustme.CA().cert_pem.bytes())
    first = assess_chain(chain, HOST, now, str(trust), None)
    assert not first.trusted and first.incomplete_chain
    assert assess_chain(chain, HOST, now, str(trust), None) is first  # judged once
    trust.write_bytes(trust.read_bytes() + ca.cert_pem.bytes())
    assert assess_chain(chain, HOST, now, str(trust), None).trusted
