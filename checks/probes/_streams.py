"""A lean asyncio network backend for httpcore, pinned to one address.

httpcore's default backend goes through anyio, whose cancel scopes, task groups and checkpoints
cost more CPU per probe than the HTTP exchange itself when dozens of nodes are probed at once.
This backend drives asyncio streams and ``ssl.SSLObject`` directly but raises exactly what the
anyio backend raises (the same httpcore exceptions wrapping the same anyio/ssl/OSError causes), so
:func:`checks.probes.failures.classify` sees the same chains and names the same failures.
"""
from __future__ import annotations

import asyncio
import ssl
from typing import Any, Iterable

import anyio
import httpcore
from httpcore._exceptions import map_exceptions  # the mapping httpcore's own backends use
from httpcore._utils import is_socket_readable

_READ_MAP = {TimeoutError: httpcore.ReadTimeout, anyio.BrokenResourceError: httpcore.ReadError,
             anyio.ClosedResourceError: httpcore.ReadError, anyio.EndOfStream: httpcore.ReadError}
_WRITE_MAP = {TimeoutError: httpcore.WriteTimeout, anyio.BrokenResourceError: httpcore.WriteError,
              anyio.ClosedResourceError: httpcore.WriteError}
_TLS_MAP = {TimeoutError: httpcore.ConnectTimeout, anyio.BrokenResourceError: httpcore.ConnectError,
            anyio.EndOfStream: httpcore.ConnectError, ssl.SSLError: httpcore.ConnectError}
_CONNECT_MAP = {TimeoutError: httpcore.ConnectTimeout, OSError: httpcore.ConnectError,
                anyio.BrokenResourceError: httpcore.ConnectError}


def _server_hostname(host: str | None) -> Any:
    if host is None:
        return None
    try:  # what anyio passes to wrap_bio (IDNA 2008), for the rare non-ASCII name
        return host.encode("ascii")
    except UnicodeEncodeError:
        import idna

        return idna.encode(host, uts46=True)


class _Stream(httpcore.AsyncNetworkStream):
    """TCP (and, after :meth:`start_tls`, TLS through memory BIOs) over one asyncio connection.

    Mirrors anyio's ``SocketStream`` + ``TLSStream(standard_compatible=False)`` semantics.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 tls: tuple[ssl.SSLObject, ssl.MemoryBIO, ssl.MemoryBIO] | None = None):
        self._reader, self._writer = reader, writer
        self._ssl, self._in, self._out = tls or (None, None, None)
        self._broken = False
        self._closed = False  # closed by us (a peer's reset shows as BrokenResourceError, as in anyio)

    # -- the TCP layer (anyio SocketStream)
    async def _recv(self, max_bytes: int = 65536) -> bytes:
        if self._closed:
            raise anyio.ClosedResourceError
        try:
            data = await self._reader.read(max_bytes)
        except OSError as exc:
            raise anyio.BrokenResourceError from exc
        if not data:
            raise anyio.EndOfStream
        return data

    async def _send(self, data: bytes) -> None:
        if self._closed:
            raise anyio.ClosedResourceError
        try:
            self._writer.write(data)
            await self._writer.drain()
        except OSError as exc:
            raise anyio.BrokenResourceError from exc

    # -- the TLS layer (anyio TLSStream, standard_compatible=False)
    async def _flush(self) -> None:
        if self._out.pending:
            data = self._out.read()
            try:
                await self._send(data)
            except BaseException:
                self._broken = True  # a lost record breaks the stream for good
                raise

    async def _tls(self, func: Any, *args: Any) -> Any:
        if self._broken:
            raise anyio.BrokenResourceError
        while True:
            try:
                result = func(*args)
            except ssl.SSLWantReadError:
                try:
                    await self._flush()
                    data = await self._recv()
                except anyio.EndOfStream:
                    self._in.write_eof()
                else:
                    self._in.write(data)
            except ssl.SSLWantWriteError:
                await self._flush()
            except ssl.SSLSyscallError as exc:
                self._in.write_eof()
                self._out.write_eof()
                raise anyio.BrokenResourceError from exc
            except ssl.SSLError as exc:
                self._in.write_eof()
                self._out.write_eof()
                if isinstance(exc, ssl.SSLEOFError) or (exc.strerror and "UNEXPECTED_EOF_WHILE_READING" in exc.strerror):
                    raise anyio.EndOfStream from None
                raise
            else:
                await self._flush()
                return result

    # -- httpcore's interface (httpcore AnyIOStream)
    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with map_exceptions(_READ_MAP):
            async with asyncio.timeout(timeout):
                try:
                    if self._ssl is None:
                        return await self._recv(max_bytes)
                    data = await self._tls(self._ssl.read, max_bytes)
                    if not data:
                        raise anyio.EndOfStream
                    return data
                except anyio.EndOfStream:
                    return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with map_exceptions(_WRITE_MAP):
            async with asyncio.timeout(timeout):
                if self._ssl is None:
                    await self._send(buffer)
                else:
                    await self._tls(self._ssl.write, buffer)

    async def aclose(self) -> None:
        self._closed = True
        if not self._writer.is_closing():
            try:
                if self._writer.can_write_eof():
                    self._writer.write_eof()
            except OSError:
                pass
            self._writer.close()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        with map_exceptions(_TLS_MAP):
            try:
                async with asyncio.timeout(timeout):
                    bio_in, bio_out = ssl.MemoryBIO(), ssl.MemoryBIO()
                    obj = ssl_context.wrap_bio(bio_in, bio_out, server_side=False,
                                               server_hostname=_server_hostname(server_hostname))
                    stream = _Stream(self._reader, self._writer, (obj, bio_in, bio_out))
                    await stream._tls(obj.do_handshake)
            except Exception as exc:
                await self.aclose()
                raise exc
        return stream

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._ssl
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info == "socket":
            return self._writer.get_extra_info("socket")
        if info == "is_readable":
            return is_socket_readable(self._writer.get_extra_info("socket"))
        return None


class PinnedAsyncioBackend(httpcore.AsyncNetworkBackend):
    """Every TCP connection goes to ``address`` whatever the URL's host (curl's ``--resolve``)."""

    def __init__(self, address: str):
        self.address = address

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        with map_exceptions(_CONNECT_MAP):
            async with asyncio.timeout(timeout):
                try:
                    reader, writer = await asyncio.open_connection(
                        self.address, port, local_addr=(local_address, 0) if local_address else None)
                except OSError as exc:  # anyio's wording and chaining, for one address
                    raise OSError("All connection attempts failed") from exc
            for option in socket_options or ():
                writer.get_extra_info("socket").setsockopt(*option)
        return _Stream(reader, writer)

    async def connect_unix_socket(self, *a: Any, **kw: Any) -> httpcore.AsyncNetworkStream:  # pragma: no cover
        raise OSError("unix sockets are not probed")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
