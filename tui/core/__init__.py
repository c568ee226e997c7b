"""The TUI's one door into `ledger/`: thin adapters that turn core results into plain rows for screens.

Every function here is called from a worker thread (`@work(thread=True)`), never from the event loop, and
none of them touches a file except through the core's own write path. Screens import nothing from
`ledger/` themselves; what they need (money formatting, the error base class) is re-exported here.

The adapters live in submodules by screen; everything is re-exported here, so screens call `core.X`.
"""
from __future__ import annotations

from .common import *  # noqa: F401,F403
from .units import *  # noqa: F401,F403
from .forms import *  # noqa: F401,F403
from .reports import *  # noqa: F401,F403
from .collect import *  # noqa: F401,F403
from .imports import *  # noqa: F401,F403
from .syncing import *  # noqa: F401,F403
from .common import BooksStateError, ExternallyChangedError, InputError, LockHeldError, ValidationError, VcsError, WuyeError  # noqa: F401
