"""The read model made unreachable for the worker, and brought back.

PostgreSQL: the worker reaches the database through a small TCP proxy in the test; `cut` drops every
connection and refuses new ones, `restore` lets them through again. SQLite: a second connection holds the
database's write lock (BEGIN EXCLUSIVE), so every write waits out its busy timeout and fails with
"database is locked" until `restore` lets go.
"""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import make_url


class TcpProxy:
    """Pipes connections to host:port while open; when cut, drops them all and refuses new ones; when
    resetting, answers the client's next request on each connection with a reset (RST), as a server
    that dies mid-call."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._open = True
        self._resetting = False
        self._links: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.refused = 0  # connections attempted while cut: the worker kept trying
        self.port = 0  # where it listens, once started

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def close(self) -> None:
        await self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def cut(self) -> None:
        self._open = False
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def restore(self) -> None:
        self._open, self._resetting = True, False

    def reset_requests(self) -> None:
        self._resetting = True

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self._open:
            self.refused += 1
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._links |= {writer, upstream_writer}
        await asyncio.gather(
            self._pipe(reader, upstream_writer, writer, from_client=True),
            self._pipe(upstream_reader, writer, upstream_writer),
        )

    async def _pipe(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        source_writer: asyncio.StreamWriter,
        *,
        from_client: bool = False,
    ) -> None:
        try:
            while chunk := await source.read(65536):
                if from_client and self._resetting:
                    _reset_on_close(source_writer)
                    break
                sink.write(chunk)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            for end in (sink, source_writer):
                end.transport.abort()
                self._links.discard(end)


def _reset_on_close(writer: asyncio.StreamWriter) -> None:
    """Close with a reset instead of a clean end (SO_LINGER on, zero seconds)."""
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class PostgresCut:
    """The worker's DATABASE_URL points at the proxy; the API and the test reach PostgreSQL directly."""

    def __init__(self, proxy: TcpProxy, worker_url: str) -> None:
        self._proxy = proxy
        self.worker_url = worker_url

    @property
    def refused(self) -> int:
        return self._proxy.refused

    async def cut(self) -> None:
        await self._proxy.cut()

    async def restore(self) -> None:
        await self._proxy.restore()


class SqliteLock:
    """The worker, the API and the test share the file; only writes stop (WAL readers go on)."""

    def __init__(self, database_url: str) -> None:
        self.worker_url = database_url
        self._path = str(make_url(database_url).database)
        self._holder: sqlite3.Connection | None = None

    async def cut(self) -> None:
        def hold() -> sqlite3.Connection:
            holder = sqlite3.connect(self._path, timeout=30, isolation_level=None, check_same_thread=False)
            holder.execute("BEGIN EXCLUSIVE")
            return holder

        self._holder = await asyncio.to_thread(hold)

    async def restore(self) -> None:
        if self._holder is not None:
            holder, self._holder = self._holder, None
            await asyncio.to_thread(holder.close)  # closing rolls the empty transaction back


@asynccontextmanager
async def outage_for(database_url: str) -> AsyncIterator[PostgresCut | SqliteLock]:
    """An outage of this read model, always restored at the end."""
    if database_url.startswith("sqlite"):
        lock = SqliteLock(database_url)
        try:
            yield lock
        finally:
            await lock.restore()
        return
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    port = await proxy.start()
    try:
        yield PostgresCut(proxy, url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False))
    finally:
        await proxy.close()
