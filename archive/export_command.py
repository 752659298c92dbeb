"""``sector-archive export``: a table, view or SQL query to CSV, JSON lines or Parquet; every public
table and view as a Frictionless data package (``--all``); the raw captures as WARC (``--warc``).

For analysts who want files rather than a browser. Columns keep the database's order; rows of a
table come out in primary-key order (a view in its declared order), so two exports of the same
data are identical. Types are exact (``archivedb/export_source.py``); the output appears only when
complete (``archive/output_file.py``). Bad input is one ``error:`` line and exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from archive.cli import CommandError, cli, db_option
from archive.export_writers import EXTENSIONS, FORMATS, write
from archive.output_file import OutputError, atomic_file, check_output
from archivedb.database import ArchiveError, check_archive
from archivedb.export_source import ExportError, Source, query_source, snapshot, table_source
from publishing.metadata import DB_NAME, project_metadata

__all__ = ["ExportError", "export", "column_descriptions"]


def export(db_path: str | Path, out: BinaryIO, fmt: str, *, table: str | None = None,
           sql: str | None = None, notes: list[str] | None = None, pseudonym_key: bytes | None = None) -> int:
    """Write ``table`` (a table or view) or the result of ``sql`` to ``out``; return rows written.
    Columns whose values forced a wider type than declared are described in ``notes``. With
    ``pseudonym_key``, commenters' names are pseudonymised (``archive/pseudonyms.py``)."""
    from archive.pseudonyms import pseudonymise

    if (table is None) == (sql is None):
        raise ExportError("give exactly one of a table/view name or --sql")
    with snapshot(check_archive(db_path)) as conn:
        source = table_source(conn, table, column_descriptions(table)) if table else query_source(conn, sql or "")
        if pseudonym_key is not None:
            pseudonymise(conn, source, pseudonym_key)
        if notes is not None:
            notes += widened_notes(source)
        return write(source, out, fmt)


def column_descriptions(name: str) -> dict[str, str]:
    """The data dictionary's description of each column of a table or view (Datasette metadata)."""
    tables = project_metadata()["databases"][DB_NAME].get("tables", {})
    return dict((tables.get(name) or {}).get("columns") or {})


def widened_notes(source: Source) -> list[str]:
    return [f"{source.name}.{c.name} exported as {c.arrow}: {c.widened}" for c in source.columns if c.widened]


def format_for(output: str, fmt: str | None) -> str:
    """The format asked for, else the one the file's extension names (stdout: CSV)."""
    if fmt:
        return fmt
    if output == "-":
        return "csv"
    suffix = Path(output).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ExportError(f"cannot tell the format of {output} from its extension: name a "
                          f"{', '.join(EXTENSIONS)} file, or give -f {'|'.join(FORMATS)}")
    return EXTENSIONS[suffix]


@cli.command("export")
@click.argument("source", required=False)
@click.option("--sql", help="A SELECT query to export instead of a table or view.")
@db_option("Archive database to read.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS),
              help="Output format (default: from the output file's extension; csv on stdout).")
@click.option("-o", "--output", default="-", show_default=True, help="File to write; - for stdout.")
@click.option("--all", "all_dir", metavar="DIR",
              help="Write every public table and view as Parquet and CSV plus a datapackage.json into DIR.")
@click.option("--warc", "warc_file", metavar="FILE",
              help="Write the raw captures as WARC response records (FILE.warc.gz).")
@click.option("--pseudonymise", is_flag=True,
              help="Replace commenters' names with stable per-site pseudonyms (a keyed hash) and leave "
                   "their links empty: for researchers (see README).")
@click.option("--pseudonym-key-file", metavar="PATH",
              help="The secret key for --pseudonymise, kept outside the archive (default: the file "
                   "ARCHIVE_PSEUDONYM_KEY_FILE names).")
def export_command(source: str | None, sql: str | None, db_path: str, fmt: str | None, output: str,
                   all_dir: str | None, warc_file: str | None, pseudonymise: bool,
                   pseudonym_key_file: str | None) -> None:
    """Export a table or view (SOURCE) or an SQL query to CSV, JSON lines or Parquet; or every
    public table as a data package (--all DIR); or the raw captures as WARC (--warc FILE).
    With --pseudonymise, commenters' names become per-site pseudonyms."""
    modes = [m for m in (source and "SOURCE", sql is not None and "--sql", all_dir and "--all",
                         warc_file and "--warc") if m]
    if len(modes) != 1:
        raise CommandError("give exactly one of SOURCE, --sql, --all DIR or --warc FILE")
    key = _pseudonym_key(pseudonymise, pseudonym_key_file, db_path, warc_file)
    try:
        if all_dir:
            _export_all(db_path, all_dir, key)
        elif warc_file:
            _export_warc(db_path, warc_file)
        else:
            _export_one(db_path, source, sql, fmt, output, key)
    except (ArchiveError, ExportError, OutputError) as e:
        raise CommandError(str(e)) from None


def _pseudonym_key(pseudonymise: bool, key_file: str | None, db_path: str, warc_file: str | None) -> bytes | None:
    """The key when pseudonymising, read before anything is written; else None."""
    from archive.pseudonyms import PseudonymKeyError, load_key, refusal

    if not pseudonymise:
        if key_file:
            raise CommandError("--pseudonym-key-file needs --pseudonymise")
        return None
    if warc_file:
        raise CommandError(refusal("captures") or "")
    try:
        return load_key(key_file, db_path)
    except PseudonymKeyError as e:
        raise CommandError(str(e)) from None


def _export_one(db_path: str, source: str | None, sql: str | None, fmt: str | None, output: str,
                key: bytes | None = None) -> None:
    notes: list[str] = []
    if output == "-":
        fmt = format_for(output, fmt)
        count = export(db_path, sys.stdout.buffer, fmt, table=source, sql=sql, notes=notes, pseudonym_key=key)
        sys.stdout.buffer.flush()
    else:
        check_archive(db_path)  # before anything else, so a typo in --db names itself
        target = check_output(output, db_path)
        fmt = format_for(output, fmt)
        with atomic_file(target) as out:
            count = export(db_path, out, fmt, table=source, sql=sql, notes=notes, pseudonym_key=key)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"Exported {count} rows as {fmt}{' (pseudonymised)' if key else ''} to "
               f"{'stdout' if output == '-' else output}", err=True)


def _export_all(db_path: str, directory: str, key: bytes | None = None) -> None:
    from archive.datapackage import write_data_package

    check_archive(db_path)
    target = check_output(directory, db_path, directory=True)
    counts, notes = write_data_package(db_path, target, pseudonym_key=key)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"Exported {len(counts)} tables and views ({sum(counts.values())} rows) as Parquet and CSV, "
               f"with datapackage.json{', commenters pseudonymised' if key else ''}, to {directory}", err=True)


def _export_warc(db_path: str, output: str) -> None:
    from archive.warc_export import write_warc

    check_archive(db_path)
    target = check_output(output, db_path)
    with atomic_file(target) as out:
        count = write_warc(db_path, out, target.name)
    click.echo(f"Exported {count} captures as WARC to {output}", err=True)
