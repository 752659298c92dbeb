"""``sector-archive``: crawl, publish, export and inspect the archive.

Each subcommand lives in the module that owns its work; this file only assembles them.
"""

from __future__ import annotations

import click


@click.group()
@click.version_option(package_name="sector-archive")
def cli() -> None:
    """Scrape and archive the news sites of England's drug and alcohol treatment sector."""


def _register() -> None:
    from archive import commands  # noqa: F401  (each module adds its command to ``cli``)


def main() -> None:
    _register()
    cli()
