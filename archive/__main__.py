"""``python -m archive`` is ``sector-archive``."""

from archive.cli import main

if __name__ == "__main__":  # worker processes are spawned and re-import the main module
    main()
