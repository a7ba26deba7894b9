"""TLS step, with pyOpenSSL over asyncio streams (memory BIOs, so no threads).

Python's ``ssl`` cannot read the CA names a server advertises in its CertificateRequest;
pyOpenSSL's ``Connection.get_client_ca_list()`` can. The handshake here is *unverified* on
purpose: it only reads what the server sends (chain, versions, cipher, client-CA list). Trust is
judged separately (:func:`.trust.assess_chain`) and no credentials ever travel over this connection.

Here: the handshake's result and whether a client certificate is required. The connection itself
is :mod:`.tls_session`, certificates :mod:`.certs`, the version scan :mod:`.tls_versions`.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from ..catalog import load_catalog
from .certs import CertInfo, cert_info_der, name_to_text
from .failures import READ_TIMEOUT, TLS_HANDSHAKE, Failure, alert_text, classify
from .tcp import Streams, connect
from .tls_session import _Session
from .tls_versions import probe_versions_supported


@dataclass
class TlsResult:
    address: str
    port: int
    sni: str
    failure: Failure | None = None
    elapsed_ms: float = 0.0
    version: str = ""
    cipher: str = ""  # OpenSSL name
    cipher_iana: str = ""
    chain_der: list[bytes] = field(default_factory=list)
    chain: list[CertInfo] = field(default_factory=list)
    cert_requested: bool = False
    client_ca_names: list[str] = field(default_factory=list)
    client_ca_der: list[bytes] = field(default_factory=list)
    client_auth: str = "none"  # none | optional | required | unknown
    client_auth_how: str = ""  # how "required" showed: handshake alert, post-handshake alert, HTTP 400 …
    versions: dict[str, bool | None] = field(default_factory=dict)

    @property
    def handshake_ok(self) -> bool:
        return self.failure is None

    @property
    def got_certificate(self) -> bool:
        return bool(self.chain_der)

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "port": self.port, "sni": self.sni,
                "failure": self.failure.to_dict() if self.failure else None,
                "elapsed_ms": round(self.elapsed_ms, 1), "version": self.version, "cipher": self.cipher,
                "cipher_iana": self.cipher_iana, "chain": [c.to_dict() for c in self.chain],
                "cert_requested": self.cert_requested, "client_ca_names": list(self.client_ca_names),
                "client_auth": self.client_auth, "client_auth_how": self.client_auth_how,
                "versions": dict(self.versions)}

def iana_cipher_name(openssl_name: str) -> str:
    if openssl_name.startswith("TLS_"):  # TLS 1.3 suites already carry their IANA names
        return openssl_name
    return load_catalog("tls_ciphers")["iana"].get(openssl_name, "")

def _required_alert(exc: BaseException) -> bool:
    t = alert_text(exc)
    return any(w in t for w in ("certificate required", "handshake failure", "bad certificate",
                                "peer did not return a certificate", "certificate unknown"))

async def probe_tls(address: str, port: int, sni: str, *, timeout: float = 5.0,
                    http_path: str | None = None, probe_versions: bool = True,
                    streams: Streams | None = None) -> TlsResult:
    """Handshake once to read everything the server shows, then (optionally) probe protocol versions.

    ``streams``: an open TCP connection to use (the TCP step's); else one is opened.
    ``http_path`` (HTTP interfaces only): when the server asks for a client certificate, send one
    unauthenticated ``GET`` without a certificate to learn whether it is *required* (alert or
    HTTP 400 "no required SSL certificate") or merely *optional*.
    """
    res = TlsResult(address, port, sni)
    if streams is None:
        streams, tcp = await connect(address, port, timeout)
        if streams is None:
            res.failure = tcp.failure
            return res
    reader, writer = streams
    t0 = time.perf_counter()
    s = _Session(reader, writer, sni)
    try:
        try:
            async with asyncio.timeout(timeout):
                await s.handshake()
        finally:
            res.elapsed_ms = (time.perf_counter() - t0) * 1000
            _read_details(s, res)
        res.version = s.conn.get_protocol_version_name()
        res.cipher = s.conn.get_cipher_name() or ""
        res.cipher_iana = iana_cipher_name(res.cipher)
        if res.cert_requested:
            await _client_auth_after_handshake(s, res, sni, http_path, timeout)
    except TimeoutError:
        res.failure = Failure(READ_TIMEOUT, f"the server accepted TCP but sent no TLS answer within {timeout:g} s "
                                            "(not a TLS port, or overloaded)")
    except Exception as exc:  # noqa: BLE001
        f = classify(exc, during="tls")
        if res.cert_requested and _required_alert(exc):
            res.client_auth, res.client_auth_how = "required", f"handshake refused without a client certificate ({f.message})"
        res.failure = f if f.kind in (TLS_HANDSHAKE, READ_TIMEOUT) else Failure(TLS_HANDSHAKE, f.message)
        if res.client_auth == "required" and res.got_certificate:
            # The server did show its certificate and CA list: the handshake "failure" is the
            # client-certificate requirement itself, not a broken TLS stack.
            res.failure = None
            res.version = res.version or s.conn.get_protocol_version_name()
            res.cipher = res.cipher or (s.conn.get_cipher_name() or "")
            res.cipher_iana = iana_cipher_name(res.cipher)
    finally:
        s.close()
    if probe_versions and (res.failure is None or res.got_certificate):
        res.versions = await probe_versions_supported(address, port, sni, timeout, res.version)
    return res

def _read_details(s: _Session, res: TlsResult) -> None:
    from OpenSSL import crypto

    # DER straight from OpenSSL; each distinct certificate is parsed by ``cryptography`` once.
    chain = s.conn.get_peer_cert_chain() or []
    res.chain_der = [crypto.dump_certificate(crypto.FILETYPE_ASN1, c) for c in chain]
    res.chain = [cert_info_der(d) for d in res.chain_der]
    res.cert_requested = s.saw_cert_request
    if res.cert_requested:
        res.client_auth = "optional"
        names = s.conn.get_client_ca_list() or []
        res.client_ca_der = [n.der() for n in names]
        res.client_ca_names = [_name_text(d, n) for d, n in zip(res.client_ca_der, names)]

_NAME_TEXT: dict[bytes, str] = {}


def _name_text(der: bytes, name: Any) -> str:
    """:func:`name_to_text`, remembered per DER name (every node of a farm advertises the same CAs)."""
    text = _NAME_TEXT.get(der)
    if text is None:
        if len(_NAME_TEXT) > 1024:
            _NAME_TEXT.clear()
        text = _NAME_TEXT[der] = name_to_text(name)
    return text

async def _client_auth_after_handshake(s: _Session, res: TlsResult, host: str, http_path: str | None,
                                       timeout: float) -> None:
    """The server asked for a certificate and the handshake finished without one: required or optional?

    With TLS 1.3 a server that requires a certificate sends its alert after the handshake; nginx
    with ``ssl_verify_client on`` answers HTTP 400 instead. Only an unauthenticated request is sent.
    """
    try:
        # An HTTP answer comes quickly; a non-HTTP port (CTI) only speaks up to refuse us.
        async with asyncio.timeout(min(timeout, 3.0 if http_path is not None else 1.0)):
            if http_path is not None:
                await s.send(f"GET {http_path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: wxtriage\r\n"
                             "Connection: close\r\n\r\n".encode("ascii", "replace"))
            body = await s.recv_until_close()
    except TimeoutError:
        return  # nothing came back: the server did not refuse us — optional (as far as TLS shows)
    except (ConnectionResetError, BrokenPipeError):
        body = b""
    except Exception as exc:  # noqa: BLE001 - an alert here is the answer we are looking for
        if _required_alert(exc) or "alert" in alert_text(exc):
            res.client_auth, res.client_auth_how = "required", f"alert after the handshake ({alert_text(exc)})"
        return
    if not body and http_path is not None:
        # Dropped right after a certificate-less handshake instead of answering the request: the
        # usual TLS 1.3 shape of "certificate required" when the alert is lost to a TCP reset.
        res.client_auth = "required"
        res.client_auth_how = "the server closed the connection after the handshake without answering"
        return
    head = body[:200].decode("latin-1", "replace")
    text = body.decode("latin-1", "replace").lower()
    if head.startswith("HTTP/") and " 400" in head.split("\r\n", 1)[0] and "ssl certificate" in text:
        res.client_auth, res.client_auth_how = "required", "HTTP 400 “No required SSL certificate was sent”"
    elif head.startswith("HTTP/") and head.split()[1:2] in (["495"], ["496"]):
        res.client_auth, res.client_auth_how = "required", f"HTTP {head.split()[1]} (client certificate required)"
