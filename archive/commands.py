"""Import every module that adds a subcommand to the ``sector-archive`` group."""

from archive import crawl_command  # noqa: F401
from archive import serve_command  # noqa: F401
from archive import export_command  # noqa: F401
from archive import docs_command  # noqa: F401
from archive import reprocess_command  # noqa: F401
from archive import status_command  # noqa: F401
