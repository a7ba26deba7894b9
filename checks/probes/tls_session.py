"""One pyOpenSSL client connection driven over an asyncio stream through memory BIOs (no
threads). The contexts do not verify: they read what a server shows; trust is judged in
:mod:`.trust` and no credentials ever travel over these connections."""
from __future__ import annotations

import asyncio
import functools
from typing import Any

from .dns import is_ip


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
        if sni and not is_ip(sni):
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
