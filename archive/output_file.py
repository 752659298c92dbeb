"""Write an output file or directory so that no failure ever loses one.

The output goes to a temporary file (or directory) beside the target and is renamed over it only
once complete: a failed export leaves no file and never touches an existing one. An output that
is the archive itself (or its WAL, journal or lock file) or a directory is refused before anything
is opened. A target that is not a regular file (``/dev/null``, a pipe) is written in place, as
there is nothing to rename over.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

ARCHIVE_SIDECARS = ("", "-wal", "-shm", "-journal", ".lock")


class OutputError(Exception):
    """The output cannot be written; the message is one line naming it."""


def check_output(output: str, archive: str | Path, *, directory: bool = False) -> Path:
    """Refuse an output that would overwrite the archive, or a file path naming a directory."""
    target = Path(output)
    if not directory and (output.endswith(os.sep) or target.is_dir()):
        raise OutputError(f"output {output} is a directory: name a file")
    if directory and target.exists() and not target.is_dir():
        raise OutputError(f"output {output} is not a directory")
    if directory and target.is_dir() and any(target.iterdir()):
        raise OutputError(f"output directory {output} is not empty")
    if not target.absolute().parent.is_dir():
        raise OutputError(f"output directory {target.absolute().parent} does not exist")
    archive_path = Path(archive).resolve()
    protected = [Path(str(archive_path) + suffix) for suffix in ARCHIVE_SIDECARS]
    if target.resolve() in protected or (target.exists() and Path(archive).exists()
                                         and os.path.samefile(target, archive)):
        raise OutputError(f"output {output} is the archive database (or one of its files): choose another name")
    return target


@contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """A file to write in place of ``target``; renamed over it only when the block succeeds."""
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        with _writing(target), open(target, "wb") as out:
            yield out
        return
    with _writing(target):
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.absolute().parent)
        try:
            with os.fdopen(fd, "wb") as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, _mode_for(target))
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """A directory to fill in place of ``target`` (absent or empty); renamed when complete."""
    with _writing(target):
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.absolute().parent))
        try:
            yield temp
            os.chmod(temp, _mode_for(target, directory=True))
            os.replace(temp, target)  # rename(2) replaces an empty directory
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    try:
        yield
    except OSError as e:
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from None


def _mode_for(target: Path, *, directory: bool = False) -> int:
    """Keep an existing target's permissions; a new one gets the usual umask-based mode."""
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask
