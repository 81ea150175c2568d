"""The HTTP protocol ``enlace serve`` gives uvicorn: uvicorn's own, with TCP_NODELAY on every connection.

Why (issue 17, measured with ``bench/keepalive/run.py``): with ``--workers 2`` every request on a
reused keep-alive connection took ~45 ms more. With several workers uvicorn binds the listening
socket itself as ``socket.socket(AF_INET)`` — protocol number 0 — and asyncio only sets
TCP_NODELAY on accepted sockets whose protocol is ``IPPROTO_TCP`` (``asyncio.base_events._set_nodelay``).
So Nagle's algorithm stayed on: the response's headers and body go out as two small writes, the
second waits for the ACK of the first, and the client delays that ACK (40 ms on Linux). With one
worker asyncio binds the socket through getaddrinfo (protocol 6) and sets the option. Setting it
on each connection makes both modes equal.
"""

from __future__ import annotations

import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol


def set_nodelay(transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # the client already went away
            pass


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's HTTP protocol (httptools when installed, else h11) with TCP_NODELAY set on connect."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
