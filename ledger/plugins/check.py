"""Books created before the ledger/ subpackages name this plugin; it is ledger.books.plugin now."""
from ledger.books.plugin import *  # noqa: F401,F403
from ledger.books.plugin import __plugins__  # noqa: F401
