"""Import every module that adds a subcommand to the ``sector-archive`` group."""

from archive import crawl_command  # noqa: F401
