"""``python -m archive`` is ``sector-archive``."""

from archive.cli import main

main()
