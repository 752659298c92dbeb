"""``sector-archive serve``: publish the archive read-only in Datasette.

The port is bound before anything is announced, so a busy port is one ``error:`` line and exit 2,
never "Serving …" followed by a crash. SIGTERM (or Ctrl-C) interrupts every running query and
ends the server at once (``publishing.limits``).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from types import FrameType

import click
import uvicorn

from archive.cli import CommandError, cli, db_option
from publishing import limits
from publishing.app import DB_NAME, build_datasette

SHUTDOWN_GRACE = 1  # seconds open connections get to finish once a stop is asked for


class ArchiveServer(uvicorn.Server):
    """uvicorn, whose stop signal first interrupts every query SQLite is running."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        limits.interrupt_all()
        super().handle_exit(sig, frame)


@cli.command("serve")
@db_option("Archive database to publish.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--immutable", is_flag=True,
              help="Treat the file as a snapshot that never changes (faster; never use it on a "
                   "database a crawl may be writing).")
@click.option("--public", is_flag=True,
              help="Publish on a public network: no arbitrary SQL, no debug pages; browsing, "
                   "canned queries and search only.")
@click.option("--time-limit", default=limits.DEFAULT_TIME_LIMIT, show_default=True,
              type=click.FloatRange(0.1, 600), help="Seconds any one request may take.")
def serve(db_path: str, host: str, port: int, immutable: bool, public: bool, time_limit: float) -> None:
    """Browse, search and query the archive in Datasette (read-only), as database 'archive'."""
    ds = build_datasette(db_path, immutable=immutable, public=public, time_limit=time_limit)
    sock = listen(host, port)
    asyncio.run(ds.invoke_startup())
    bound = sock.getsockname()[1]
    mode = "public: no SQL, no debug pages" if public else "local, with SQL"
    click.echo(f"Serving {db_path} as '{DB_NAME}' (read-only, {mode}; {time_limit:g} s per request) "
               f"at http://{host}:{bound}/", err=True)
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on", timeout_graceful_shutdown=SHUTDOWN_GRACE)
    try:
        ArchiveServer(config).run(sockets=[sock])
    except KeyboardInterrupt:
        _exit_now(130)
    _exit_now(0)


def _exit_now(code: int) -> None:
    """Exit without joining SQL threads: one abandoned inside a call SQLite cannot interrupt
    (``snippet()`` over a huge body) would otherwise hold the process for minutes."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``, or a CommandError naming them."""
    sock = None
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a just-stopped server's port is free
        sock.bind(address)
        sock.listen(128)  # visitors queue from now on, even before uvicorn starts accepting
    except (OSError, UnicodeError) as exc:
        if sock is not None:
            sock.close()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CommandError(f"cannot listen on {host}:{port}: {reason}") from None
    return sock
