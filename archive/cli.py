"""``sector-archive``: crawl, publish, export and inspect the archive.

Each subcommand lives in the module that owns its work and registers itself on ``cli``. Modules
are imported only when their command runs, so a nightly crawl never loads Datasette or pyarrow.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

COMMAND_MODULES = {
    "crawl": "archive.crawl_command",
    "reprocess": "archive.reprocess_command",
    "status": "archive.status_command",
    "serve": "archive.serve_command",
    "export": "archive.export_command",
    "docs": "archive.docs_command",
    "redact": "archive.redact_command",
}


EXIT_COULD_NOT_RUN = 2
DEFAULT_DB = "archive.db"
F = TypeVar("F", bound=Callable[..., Any])


def db_option(help_text: str = "Archive database.") -> Callable[[F], F]:
    """The ``--db PATH`` every command takes, declared once so its name and default never drift."""
    return click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, help=help_text)


class CommandError(click.ClickException):
    """The one way a command refuses to run: ``error: …`` naming the input on stderr, exit 2."""

    exit_code = EXIT_COULD_NOT_RUN

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module on first use, and turns a database that
    cannot be used (``ArchiveError``, raised by the database layer) into a ``CommandError``."""

    def invoke(self, ctx: click.Context) -> Any:
        from archivedb.database import ArchiveError

        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            raise CommandError(str(exc)) from None

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """Click's own usage errors (unknown option, bad choice) become the same one line as every
        other refusal, ``error: …`` and exit 2, instead of a usage block and ``Error:``."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = f" (see {exc.ctx.command_path} --help)" if exc.ctx else ""
            click.echo(f"error: {exc.format_message()}{where}", err=True)
            sys.exit(EXIT_COULD_NOT_RUN)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

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
    _import_sqlite_utils_alone()
    cli()


def _import_sqlite_utils_alone() -> None:
    """Import sqlite-utils without pandas and numpy. It imports both whenever they are installed
    (pandas comes with the dev dependencies, for the data-package tests), only to accept their
    values on insert, which the archive never passes: that cost every command 65 MiB of memory
    and 0.2-0.3 s of CPU (bench: a crawl's whole process tree). They stay importable afterwards."""
    import sys

    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # ``import`` raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]
