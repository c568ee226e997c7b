"""Fixtures for the scale tests: the payments helpers (books in tmp, the CLI in-process, today pinned)."""
from tests.payments.conftest import _payments_env, books_factory  # noqa: F401
