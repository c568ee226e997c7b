"""beancount's loader, step for step, less the one step that cannot change books without pad entries,
and without Python's cycle collector while it runs.

`load` is `beancount.loader._load` (parse, sort, book, plugins, validate, input hash) with two
differences, neither of which changes what it returns:
- when no `pad` directive was parsed, the `beancount.ops.pad` plugin is left out. With no pad it returns
  the entries it was given and no error, but first groups every posting by account: a tenth of a full
  load of our books (5,000 units x 24 months: 5.3 of 48 s). Books with a pad get every plugin.
- the cycle collector is paused: the load allocates millions of objects that all survive, and each
  collection walks them again for cycles that are not there (5,000 x 24: 37-41 s with it, 27-29 s
  without; the same peak memory, 1.50 GB, so the load leaves no cyclic garbage to speak of).
"""
from __future__ import annotations

import contextlib
import gc
import itertools
import sys

from beancount import loader
from beancount.core import data
from beancount.ops import validation
from beancount.parser import booking

PAD_PLUGIN = "beancount.ops.pad"


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off inside, back as it was after. Around the whole of a caller that keeps
    the loaded entries while it works on (`wuye check`): switched on while they live, its first
    collections would walk all of them (18 s of a check of 5,000 x 120), for no cycle."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load(sources: list[tuple[str, bool]]):
    """(entries, errors, options_map) of these sources, as `loader._load(sources, None, None, None)`."""
    with collector_paused():
        return _load(sources)


def _load(sources: list[tuple[str, bool]]):
    entries, parse_errors, options_map = loader._parse_recursive(sources, None, None)
    entries.sort(key=data.entry_sortkey)
    entries, balance_errors = booking.book(entries, options_map)
    parse_errors.extend(balance_errors)
    mode, listed = options_map["plugin_processing_mode"], options_map["plugin"]
    if mode == "default":
        plugins = list(itertools.chain(loader.PLUGINS_PRE, listed, loader.PLUGINS_AUTO, loader.PLUGINS_POST))
        if not any(isinstance(e, data.Pad) for e in entries):
            plugins = [p for p in plugins if p[0] != PAD_PLUGIN]
        # the same plugins in the same order, named one by one ("raw"), then the options as they were
        options_map["plugin_processing_mode"], options_map["plugin"] = "raw", plugins
    saved_path = list(sys.path)
    try:
        if "pythonpath" in options_map:
            sys.path[0:0] = options_map["pythonpath"]
        entries, errors = loader.run_transformations(entries, parse_errors, options_map, None)
    finally:
        sys.path[:] = saved_path
        options_map["plugin_processing_mode"], options_map["plugin"] = mode, listed
    errors.extend(validation.validate(entries, options_map, None, None))
    options_map["input_hash"] = loader.compute_input_hash(options_map["include"])
    return entries, errors, options_map
