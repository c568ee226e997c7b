"""Ledger tests run as on a bare CI machine: HOME is an empty folder (no ~/.gitconfig) and the system
git config is ignored, so nothing of the developer's own git setup leaks into the books we build."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _bare_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    return home
