"""TLS step, with pyOpenSSL over asyncio streams (memory BIOs, so no threads).

Python's ``ssl`` cannot read the CA names a server advertises in its CertificateRequest;
pyOpenSSL's ``Connection.get_client_ca_list()`` can. The handshake here is *unverified* on
purpose: it only reads what the server sends (chain, versions, cipher, client-CA list). Trust is
judged separately (:func:`assess_chain`) and no credentials ever travel over this connection.
"""
from __future__ import annotations

import asyncio
import datetime as _dt
import functools
import hashlib
import ipaddress
import os
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

from ..catalog import load_catalog
from .failures import READ_TIMEOUT, TLS_HANDSHAKE, Failure, alert_text, classify
from .tcp import Streams, connect

VERSIONS = ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
VERSION_LABELS = {"TLSv1": "TLS 1.0", "TLSv1.1": "TLS 1.1", "TLSv1.2": "TLS 1.2", "TLSv1.3": "TLS 1.3"}

# OpenSSL verify error codes we explain (X509_V_ERR_*).
V_SELF_SIGNED_LEAF = 18
V_SELF_SIGNED_IN_CHAIN = 19
V_NO_LOCAL_ISSUER = 20
V_NO_ISSUER = 2
V_LEAF_NOT_SIGNED = 21


# ----------------------------------------------------------------------------- certificates
@dataclass(frozen=True)
class CertInfo:
    subject: str
    issuer: str
    sans: tuple[str, ...]
    not_before: str  # ISO-8601 UTC
    not_after: str
    key: str  # "RSA 2048", "EC secp256r1 256"
    signature_algorithm: str
    serial: str
    sha256: str
    is_ca: bool
    self_issued: bool

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    def describe(self) -> str:
        return "\n".join([
            f"subject: {self.subject}", f"issuer: {self.issuer}",
            f"SANs: {', '.join(self.sans) or '(none)'}",
            f"valid: {self.not_before} → {self.not_after}",
            f"key: {self.key}; signature: {self.signature_algorithm}",
            f"serial: {self.serial}", f"SHA-256: {self.sha256}"])


def _utc(d: _dt.datetime) -> _dt.datetime:
    return d if d.tzinfo else d.replace(tzinfo=_dt.timezone.utc)


@functools.lru_cache(maxsize=512)
def cert_info_der(der: bytes) -> CertInfo:
    """Describe a DER certificate, parsed once: the nodes of a farm mostly send the same chain."""
    from cryptography import x509

    return cert_info(x509.load_der_x509_certificate(der))


def cert_info(cert: Any) -> CertInfo:
    """Describe a ``cryptography`` certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = tuple([f"DNS:{n}" for n in ext.get_values_for_type(x509.DNSName)]
                     + [f"IP:{a}" for a in ext.get_values_for_type(x509.IPAddress)])
    except x509.ExtensionNotFound:
        sans = ()
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    pk = cert.public_key()
    if isinstance(pk, rsa.RSAPublicKey):
        key = f"RSA {pk.key_size}"
    elif isinstance(pk, ec.EllipticCurvePublicKey):
        key = f"EC {pk.curve.name} {pk.key_size}"
    elif isinstance(pk, ed25519.Ed25519PublicKey):
        key = "Ed25519"
    elif isinstance(pk, ed448.Ed448PublicKey):
        key = "Ed448"
    elif isinstance(pk, dsa.DSAPublicKey):
        key = f"DSA {pk.key_size}"
    else:
        key = type(pk).__name__
    der = cert.public_bytes(serialization.Encoding.DER)
    return CertInfo(
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(), sans=sans,
        not_before=_utc(cert.not_valid_before_utc).isoformat(), not_after=_utc(cert.not_valid_after_utc).isoformat(),
        key=key, signature_algorithm=getattr(cert.signature_algorithm_oid, "_name", cert.signature_algorithm_oid.dotted_string),
        serial=format(cert.serial_number, "X"), sha256=hashlib.sha256(der).hexdigest().upper(),
        is_ca=is_ca, self_issued=cert.subject == cert.issuer)


def hostname_matches(host: str, sans: tuple[str, ...]) -> bool:
    """RFC 6125 matching against SANs: a wildcard covers exactly one left-most label."""
    host = host.rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
        return any(s.startswith("IP:") and ipaddress.ip_address(s[3:]) == ip for s in sans)
    except ValueError:
        pass
    for s in sans:
        if not s.startswith("DNS:"):
            continue
        pat = s[4:].rstrip(".").lower()
        if pat == host:
            return True
        if pat.startswith("*.") and "." in host:
            first, rest = host.split(".", 1)
            if first and rest == pat[2:] and rest.count(".") >= 1:
                return True
    return False


def default_trust_locations() -> tuple[str | None, str | None]:
    """The system trust store (cafile, capath); ``SSL_CERT_FILE``/``SSL_CERT_DIR`` override it."""
    p = ssl.get_default_verify_paths()
    cafile = os.environ.get(p.openssl_cafile_env) or p.cafile or (p.openssl_cafile if os.path.exists(p.openssl_cafile) else None)
    capath = os.environ.get(p.openssl_capath_env) or p.capath or (p.openssl_capath if os.path.isdir(p.openssl_capath) else None)
    return cafile, capath


@dataclass(frozen=True)
class TrustAssessment:
    trusted: bool  # chains to a root in the trust store (judged at a time inside the leaf's validity)
    self_signed: bool
    incomplete_chain: bool  # only the leaf was sent and its issuer is not a trust anchor
    hostname_match: bool
    verify_error: str = ""
    verify_code: int = 0
    not_yet_valid: bool = False
    expired: bool = False
    days_left: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def assess_chain(chain_der: list[bytes], host: str, now: _dt.datetime,
                 cafile: str | None, capath: str | None) -> TrustAssessment:
    """Judge the chain as sent: trust, self-signed, incomplete, hostname, validity — separately.

    Trust is checked at a moment inside the leaf's validity so that an expired certificate shows
    up as *expired*, not as *untrusted*. Nodes of a farm usually send the same chain: it is judged
    once per run (same chain, host, clock and unchanged trust files).
    """
    return _assess(tuple(chain_der), host, _utc(now), cafile, capath, _stamp(cafile), _stamp(capath))


def _stamp(path: str | None) -> tuple[int, int] | None:
    """What tells a changed trust file or folder apart (a new store is loaded then)."""
    try:
        st = os.stat(path) if path else None
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size) if st else None


@functools.lru_cache(maxsize=8)
def _trust_store(cafile: str | None, capath: str | None, stamps: tuple, at: _dt.datetime) -> Any:
    """The trust store with its verification time, loaded once per (trust files, time).

    The time is part of the key because OpenSSL keeps the *first* time set on a store
    (``X509_STORE_set1_param`` does not overwrite a check time already in use): re-setting it on
    a shared store judged every later chain at the first chain's time. The nodes of a farm mostly
    share one chain and the run's clock, so this is still one load per run in the usual case.
    """
    from OpenSSL import crypto

    store = crypto.X509Store()
    if cafile or capath:
        store.load_locations(cafile, capath)
    store.set_time(at.replace(tzinfo=None))
    return store


@functools.lru_cache(maxsize=256)
def _assess(chain_der: tuple[bytes, ...], host: str, now: _dt.datetime, cafile: str | None, capath: str | None,
            cafile_stamp: tuple | None, capath_stamp: tuple | None) -> TrustAssessment:
    from cryptography import x509
    from OpenSSL import crypto

    certs = [x509.load_der_x509_certificate(d) for d in chain_der]
    leaf = certs[0]
    info = cert_info_der(chain_der[0])
    nb, na = _utc(leaf.not_valid_before_utc), _utc(leaf.not_valid_after_utc)
    at = min(max(now, nb + _dt.timedelta(seconds=1)), na - _dt.timedelta(seconds=1))
    code, err = 0, ""
    store = _trust_store(cafile, capath, (cafile_stamp, capath_stamp), at)
    ctx = crypto.X509StoreContext(store, crypto.X509.from_cryptography(leaf),
                                  [crypto.X509.from_cryptography(c) for c in certs[1:]])
    try:
        ctx.verify_certificate()
    except crypto.X509StoreContextError as exc:
        code = exc.errors[0] if exc.errors else -1
        err = str(exc.errors[2]) if len(exc.errors) > 2 else str(exc)
    self_signed = code == V_SELF_SIGNED_LEAF or (info.self_issued and len(certs) == 1 and code != 0 and code != V_NO_LOCAL_ISSUER)
    incomplete = code == V_NO_LOCAL_ISSUER and len(certs) == 1 and not info.self_issued
    days_left = int((na - now).total_seconds() / 86400)  # whole days, towards zero: expired 3.5 days ago → -3
    return TrustAssessment(trusted=code == 0, self_signed=self_signed, incomplete_chain=incomplete,
                           hostname_match=hostname_matches(host, info.sans), verify_error=err, verify_code=code,
                           not_yet_valid=now < nb, expired=now > na, days_left=days_left)


# ----------------------------------------------------------------------------- the handshake
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


def name_to_text(name: Any) -> str:
    """RFC 4514-style text of a pyOpenSSL X509Name (most specific attribute first)."""
    parts = []
    for k, v in reversed(name.get_components()):
        val = v.decode("utf-8", "replace")
        for ch in ("\\", ",", "+", '"', "<", ">", ";", "="):
            val = val.replace(ch, "\\" + ch)
        parts.append(f"{k.decode()}={val}")
    return ",".join(parts)


def iana_cipher_name(openssl_name: str) -> str:
    if openssl_name.startswith("TLS_"):  # TLS 1.3 suites already carry their IANA names
        return openssl_name
    return load_catalog("tls_ciphers")["iana"].get(openssl_name, "")


def _info(conn: Any, where: int, ret: int) -> None:
    """Record handshake states (how we learn that a CertificateRequest arrived)."""
    try:
        conn.get_app_data().states.append(conn.get_state_string())
    except Exception:  # noqa: BLE001 - diagnostics only
        pass


@functools.cache
def _client_context(versions: tuple[str, str] | None) -> Any:
    """One unverifying client context per version range, shared by all probes (contexts are costly)."""
    from OpenSSL import SSL

    ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
    ctx.set_verify(SSL.VERIFY_NONE)  # reading, not trusting: trust is judged by assess_chain
    if versions is not None:
        codes = {"TLSv1": SSL.TLS1_VERSION, "TLSv1.1": SSL.TLS1_1_VERSION, "TLSv1.2": SSL.TLS1_2_VERSION,
                 "TLSv1.3": SSL.TLS1_3_VERSION}
        ctx.set_min_proto_version(codes[versions[0]])
        ctx.set_max_proto_version(codes[versions[1]])
    ctx.set_cipher_list(b"ALL:@SECLEVEL=0")  # observe legacy servers instead of refusing them
    ctx.set_info_callback(_info)
    return ctx


class _Session:
    """One pyOpenSSL client connection driven over an asyncio stream through memory BIOs."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, sni: str,
                 versions: tuple[str, str] | None = None):
        from OpenSSL import SSL

        self.SSL = SSL
        self.states: list[bytes] = []
        self.conn = SSL.Connection(_client_context(versions), None)
        self.conn.set_app_data(self)  # the shared context's info callback finds us through it
        if sni and not _is_ip(sni):
            self.conn.set_tlsext_host_name(sni.encode("idna"))
        self.conn.set_connect_state()
        self.reader, self.writer = reader, writer


    @property
    def saw_cert_request(self) -> bool:
        return any(b"certificate request" in s for s in self.states)

    @property
    def saw_server_hello(self) -> bool:
        return any(b"server hello" in s for s in self.states)

    async def _flush(self) -> None:
        while True:
            try:
                data = self.conn.bio_read(65536)
            except self.SSL.WantReadError:
                break
            if not data:
                break
            self.writer.write(data)
        await self.writer.drain()

    async def _feed(self) -> bool:
        data = await self.reader.read(65536)
        if not data:
            self.conn.bio_shutdown()
            return False
        self.conn.bio_write(data)
        return True

    async def handshake(self, stop_at_server_hello: bool = False) -> None:
        """Run the handshake; failures raise (``SSL.Error``, or ConnectionResetError on EOF).

        With ``stop_at_server_hello`` the server's records are fed to OpenSSL one at a time and
        the exchange stops once the ServerHello is read: it names the version, and the
        certificate, key exchange and Finished that follow cost CPU on both sides for nothing more.
        """
        pending = b""
        while True:
            try:
                self.conn.do_handshake()
                await self._flush()
                return
            except self.SSL.WantReadError:
                if stop_at_server_hello and self.saw_server_hello:
                    return
                await self._flush()
                if stop_at_server_hello:
                    pending = await self._feed_one_record(pending)
                elif not await self._feed():
                    raise ConnectionResetError("connection closed by the server during the TLS handshake")
            except self.SSL.Error:
                await self._flush_quietly()
                raise

    async def until_server_hello(self) -> None:
        await self.handshake(stop_at_server_hello=True)

    async def _feed_one_record(self, pending: bytes) -> bytes:
        """Give OpenSSL the next whole TLS record; return what was read beyond it."""
        while True:
            record, pending = _split_record(pending)
            if record:
                self.conn.bio_write(record)
                return pending
            data = await self.reader.read(65536)
            if not data:
                if pending:  # a truncated record: OpenSSL sees it as before, then the EOF
                    self.conn.bio_write(pending)
                self.conn.bio_shutdown()
                raise ConnectionResetError("connection closed by the server during the TLS handshake")
            pending += data

    async def _flush_quietly(self) -> None:
        try:
            await self._flush()
        except Exception:  # noqa: BLE001 - the peer may be gone already
            pass

    async def send(self, data: bytes) -> None:
        self.conn.sendall(data)
        await self._flush()

    async def recv_until_close(self, limit: int = 16384) -> bytes:
        """Application data until the peer closes, ``limit`` bytes, or an alert (raised)."""
        out = b""
        while len(out) < limit:
            try:
                chunk = self.conn.recv(65536)
                if not chunk:
                    break
                out += chunk
                continue
            except self.SSL.WantReadError:
                pass
            except self.SSL.ZeroReturnError:
                break
            except self.SSL.SysCallError:
                break
            if not await self._feed():
                # Drain what the closed stream left in the BIO, then stop.
                try:
                    out += self.conn.recv(65536)
                except (self.SSL.Error, self.SSL.ZeroReturnError):
                    pass
                break
        return out

    def close(self) -> None:
        try:
            self.writer.close()
        except Exception:  # noqa: BLE001
            pass


def _split_record(data: bytes) -> tuple[bytes, bytes]:
    """(first complete TLS record, rest); (b"", data) while the record is incomplete.

    Anything that does not look like a TLS record is handed over whole, so OpenSSL reports it
    exactly as it would have.
    """
    if len(data) < 5:
        return b"", data
    if data[0] not in (20, 21, 22, 23) or data[1] != 3:
        return data, b""
    end = 5 + int.from_bytes(data[3:5], "big")
    if end > 5 + 18432:  # longer than any legal record: let OpenSSL say so
        return data, b""
    return (data[:end], data[end:]) if len(data) >= end else (b"", data)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
        return True
    except ValueError:
        return False


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


async def probe_versions_supported(address: str, port: int, sni: str, timeout: float,
                                   negotiated: str) -> dict[str, bool | None]:
    """Which protocol versions the server accepts (``None``: could not tell).

    The first handshake already offered everything, so versions above the negotiated one are
    refused. TLS 1.0 and 1.1 are asked together first (one connection in the usual case where
    both are off); only if one of them is accepted is TLS 1.0 asked on its own.
    """
    out: dict[str, bool | None] = {}
    for v in VERSIONS:
        if negotiated and v == negotiated:
            out[v] = True
        elif negotiated in VERSIONS and VERSIONS.index(v) > VERSIONS.index(negotiated):
            out[v] = False  # the client offered it in the first handshake and the server chose lower
    jobs = {}
    if "TLSv1.2" not in out:
        jobs["TLSv1.2"] = _accepts(address, port, sni, ("TLSv1.2", "TLSv1.2"), timeout)
    if "TLSv1.1" not in out or "TLSv1" not in out:
        jobs["legacy"] = _accepts(address, port, sni, ("TLSv1", "TLSv1.1"), timeout)
    got = dict(zip(jobs, await asyncio.gather(*jobs.values())))
    if "TLSv1.2" in got:
        r = got["TLSv1.2"]
        out["TLSv1.2"] = None if r is None else r == "TLSv1.2"
    if "legacy" in got:
        legacy = got["legacy"]
        if legacy is None:
            out.setdefault("TLSv1.1", None)
            out.setdefault("TLSv1", None)
        elif legacy is False:
            out.setdefault("TLSv1.1", False)
            out.setdefault("TLSv1", False)
        elif legacy == "TLSv1":
            out.setdefault("TLSv1.1", False)
            out.setdefault("TLSv1", True)
        else:  # TLS 1.1 chosen: is 1.0 on as well?
            out.setdefault("TLSv1.1", True)
            only10 = await _accepts(address, port, sni, ("TLSv1", "TLSv1"), timeout)
            out.setdefault("TLSv1", None if only10 is None else only10 == "TLSv1")
    return {v: out.get(v) for v in VERSIONS}


async def _accepts(address: str, port: int, sni: str, versions: tuple[str, str],
                   timeout: float) -> str | bool | None:
    """The version the server picks within ``versions`` (min, max); False: refused; None: unknown."""
    streams, tcp = await connect(address, port, timeout)
    if streams is None:
        return None
    s = _Session(*streams, sni, versions)
    try:
        async with asyncio.timeout(timeout):
            await s.until_server_hello()
        return s.conn.get_protocol_version_name()
    except TimeoutError:
        return None
    except Exception:  # noqa: BLE001
        # A ServerHello means a version was accepted (a later client-cert alert does not matter).
        if s.saw_server_hello:
            v = s.conn.get_protocol_version_name()
            return v if v in VERSIONS else False
        return False
    finally:
        s.close()
