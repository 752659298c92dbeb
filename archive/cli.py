"""``sector-archive``: crawl, publish, export and inspect the archive.

Each subcommand lives in the module that owns its work and registers itself on ``cli``. Modules
are imported only when their command runs, so a nightly crawl never loads Datasette or pyarrow.
"""

from __future__ import annotations

import importlib

import click

COMMAND_MODULES = {
    "crawl": "archive.crawl_command",
    "reprocess": "archive.reprocess_command",
    "status": "archive.status_command",
    "serve": "archive.serve_command",
    "export": "archive.export_command",
    "docs": "archive.docs_command",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(COMMAND_MODULES[cmd_name])
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup)
@click.version_option(package_name="sector-archive")
def cli() -> None:
    """Scrape and archive the news sites of England's drug and alcohol treatment sector."""


def main() -> None:
    cli()
