"""Real TLS/HTTP peers on loopback for probe tests (pyOpenSSL servers in threads).

pyOpenSSL is used on the server side because Python's ``ssl`` cannot choose the CA names
advertised in the CertificateRequest. Every server binds 127.0.0.x; nothing leaves the machine.
"""
from __future__ import annotations

import datetime as _dt
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Iterable

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from OpenSSL import SSL

HOST = "xsp.example.com"


@dataclass
class Route:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    delay: float = 0.0
    basic: tuple[str, str] | None = None  # (user, password): 200 with them, 401 without


@dataclass
class ServerSpec:
    """What one node serves: its certificate chain (PEM, leaf first), versions and client-auth mode."""

    chain_pems: list[bytes]
    key_pem: bytes
    min_version: int = SSL.TLS1_2_VERSION
    max_version: int = 0  # 0: OpenSSL's highest
    client_auth: str = "none"  # none | optional | required (TLS-level, fail if no peer cert)
    ca_list: list[bytes] = field(default_factory=list)  # PEM certs whose subjects are advertised
    routes: dict[str, Route] = field(default_factory=dict)  # path prefix → answer (longest wins)
    handshake_delay: float = 0.0


def leaf_spec(leaf: trustme.LeafCert, *, send_chain: bool = True, **kw) -> ServerSpec:
    pems = [b.bytes() for b in leaf.cert_chain_pems]
    return ServerSpec(chain_pems=pems if send_chain else pems[:1], key_pem=leaf.private_key_pem.bytes(), **kw)


def self_signed(host: str = HOST, days: int = 365) -> tuple[bytes, bytes]:
    """A self-signed certificate like the one an XSP generates when an interface is first secured."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = _dt.datetime.now(_dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - _dt.timedelta(days=1))
            .not_valid_after(now + _dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


def free_port(addresses: Iterable[str]) -> int:
    """A port free on every given loopback address (several nodes share one port)."""
    addresses = list(addresses)
    for _ in range(50):
        with socket.socket() as s:
            s.bind((addresses[0], 0))
            port = s.getsockname()[1]
        ok = True
        for a in addresses[1:]:
            with socket.socket() as t:
                try:
                    t.bind((a, port))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise RuntimeError("no common free port")


class TlsServer:
    """A threaded pyOpenSSL HTTPS server on ``address:port``."""

    def __init__(self, spec: ServerSpec, address: str = "127.0.0.1", port: int = 0):
        self.spec = spec
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        self.sock.listen(128)
        self.address, self.port = self.sock.getsockname()[:2]
        self.ctx = self._context(spec)
        self._stop = threading.Event()
        self.accepted = 0  # connections accepted (how many handshakes the prober started)
        self.errors: list[BaseException] = []
        self.requests: list[str] = []  # request heads seen (to prove what was sent)
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @staticmethod
    def _context(spec: ServerSpec) -> SSL.Context:
        ctx = SSL.Context(SSL.TLS_SERVER_METHOD)
        ctx.set_min_proto_version(spec.min_version)
        if spec.max_version:
            ctx.set_max_proto_version(spec.max_version)
        if spec.min_version < SSL.TLS1_2_VERSION:
            ctx.set_cipher_list(b"ALL:@SECLEVEL=0")
        ctx.use_privatekey(serialization.load_pem_private_key(spec.key_pem, None))
        ctx.use_certificate(x509.load_pem_x509_certificate(spec.chain_pems[0]))
        for pem in spec.chain_pems[1:]:
            ctx.add_extra_chain_cert(x509.load_pem_x509_certificate(pem))
        if spec.client_auth != "none":
            mode = SSL.VERIFY_PEER | (SSL.VERIFY_FAIL_IF_NO_PEER_CERT if spec.client_auth == "required" else 0)
            ctx.set_verify(mode, lambda *a: True)
            for pem in spec.ca_list:
                ctx.add_client_ca(x509.load_pem_x509_certificate(pem))
        return ctx

    def __enter__(self) -> "TlsServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        try:
            socket.create_connection((self.address, self.port), timeout=0.5).close()
        except OSError:
            pass
        self.sock.close()
        self.thread.join(2)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            if self._stop.is_set():
                raw.close()
                return
            threading.Thread(target=self._handle, args=(raw,), daemon=True).start()

    def _handle(self, raw: socket.socket) -> None:
        raw.setblocking(True)  # pyOpenSSL needs blocking sockets (a timeout makes them non-blocking)
        try:
            if self.spec.handshake_delay:
                time.sleep(self.spec.handshake_delay)
            conn = SSL.Connection(self.ctx, raw)
            conn.set_accept_state()
            conn.do_handshake()
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            self.requests.append(head)
            path = head.split(" ")[1] if " " in head else "/"
            route = self._route(path)
            if route.basic is not None:
                import base64
                want = "Basic " + base64.b64encode(":".join(route.basic).encode()).decode()
                got = [l.split(":", 1)[1].strip() for l in head.split("\r\n")[1:]
                       if l.lower().startswith("authorization:")]
                route = Route(200, body="<profile/>") if got == [want] else Route(
                    401, {"WWW-Authenticate": 'Basic realm="BroadWorks"'}, "unauthorized")
            if route.delay:
                time.sleep(route.delay)
            body = route.body.encode()
            headers = {"Server": "wxtriage-test", "Content-Length": str(len(body)), "Connection": "close",
                       **route.headers}
            reason = {200: "OK", 302: "Found", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error",
                      503: "Service Unavailable"}.get(route.status, "Status")
            out = f"HTTP/1.1 {route.status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            conn.sendall(out.encode("latin-1") + b"\r\n" + body)
            conn.shutdown()
        except (SSL.Error, OSError) as exc:
            self.errors.append(exc)
        finally:
            raw.close()

    def _route(self, path: str) -> Route:
        best = None
        for prefix, r in self.spec.routes.items():
            if path.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, r)
        return best[1] if best else Route(404, body="not found")


class SilentServer:
    """Accepts TCP connections and never says anything (a TLS handshake then times out)."""

    def __init__(self, address: str = "127.0.0.1"):
        self.sock = socket.socket()
        self.sock.bind((address, 0))
        self.sock.listen(16)
        self.address, self.port = self.sock.getsockname()[:2]

    def __enter__(self) -> "SilentServer":
        return self

    def __exit__(self, *exc) -> None:
        self.sock.close()


class BlackholeServer:
    """A port whose SYNs go unanswered, like a firewall that drops packets: a listener with a full
    accept queue (backlog 0, filled by connections nobody accepts) — Linux then drops new SYNs."""

    def __init__(self, address: str = "127.0.0.1", fill: int = 3):
        self.sock = socket.socket()
        self.sock.bind((address, 0))
        self.sock.listen(0)
        self.address, self.port = self.sock.getsockname()[:2]
        self._held = []
        for _ in range(fill):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect((self.address, self.port))
            except BlockingIOError:
                pass
            self._held.append(c)
        time.sleep(0.2)  # let the handshakes of the fillers complete

    def __enter__(self) -> "BlackholeServer":
        return self

    def __exit__(self, *exc) -> None:
        for c in self._held:
            c.close()
        self.sock.close()


def refusing_port(address: str = "127.0.0.1") -> int:
    """A port on which nothing listens (connect is refused)."""
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


XSI_ROUTES = {
    "/com.broadsoft.xsi-actions/v2.0/": Route(401, {"WWW-Authenticate": 'Basic realm="BroadWorks"'}, "unauthorized"),
    "/com.broadsoft.xsi-events/v2.0/": Route(401, {"WWW-Authenticate": 'Basic realm="BroadWorks"'}, "unauthorized"),
    "/authService/v2.0/": Route(401, {"WWW-Authenticate": 'Basic realm="BroadWorks"'}, "unauthorized"),
}
