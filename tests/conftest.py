"""Shared fixtures: a real IPython shell with the extension loaded, and the seed data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_CSV = ROOT / "examples" / "player_data.csv"

_REALITY = """\
Talent [confounder]
Gear [treatment]
Sound [outcome]
Talent -> Gear, Sound
Gear -> Sound
"""


@pytest.fixture
def reality() -> str:
    """The seed's "Reality" graph as %%dag text."""
    return _REALITY


@pytest.fixture
def players() -> pd.DataFrame:
    """The seed blog post's 16 players (Talent, Gear, Sound)."""
    return pd.read_csv(SEED_CSV)


@pytest.fixture
def ip():
    """A real IPython shell with causal_magic loaded and a clean namespace."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    before = set(shell.user_ns)
    shell.run_line_magic("load_ext", "causal_magic")
    yield shell
    shell.run_line_magic("unload_ext", "causal_magic")
    for name in set(shell.user_ns) - before:
        del shell.user_ns[name]


@pytest.fixture
def published(monkeypatch):
    """What display() / update_display() publish (the static copies and their updates)."""
    import IPython.display

    out: list[tuple[str, dict, dict]] = []
    monkeypatch.setattr(
        IPython.display, "display", lambda data, **kw: out.append(("display", data, kw))
    )
    monkeypatch.setattr(
        IPython.display, "update_display", lambda data, **kw: out.append(("update", data, kw))
    )
    return out
