"""``sector-archive serve``: publish the archive read-only in Datasette."""

from __future__ import annotations

import asyncio

import click
import uvicorn

from archive.cli import cli
from archive.publish import DB_NAME, build_datasette


@cli.command("serve")
@click.option("--db", "db_path", default="archive.db", show_default=True,
              type=click.Path(dir_okay=False), help="Archive database to publish.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--immutable", is_flag=True,
              help="Treat the file as a snapshot that never changes (faster; never use it on a "
                   "database a crawl may be writing).")
def serve(db_path: str, host: str, port: int, immutable: bool) -> None:
    """Browse, search and query the archive in Datasette (read-only), as database 'archive'."""
    ds = build_datasette(db_path, immutable=immutable)  # an unusable archive: ArchiveError, exit 2
    asyncio.run(ds.invoke_startup())
    click.echo(f"Serving {db_path} as '{DB_NAME}' (read-only) at http://{host}:{port}/", err=True)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
