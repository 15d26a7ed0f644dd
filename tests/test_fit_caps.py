"""A check_fit card with thousands of implications shows the first rows and stays small."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from causal_magic.cards.caps import MAX_CARD_BYTES, MAX_ROWS
from causal_magic.fit import check_fit


def test_a_fit_card_with_1770_rows_shows_contradicted_rows_first_and_stays_small():
    rng = np.random.default_rng(0)
    names = [f"V{i:02d}" for i in range(60)]
    df = pd.DataFrame(rng.integers(0, 2, (300, 60)), columns=names)
    df["V59"] = df["V58"] ^ (rng.random(300) < 0.05)  # one claim the data contradict
    G = nx.DiGraph()
    G.add_nodes_from(names)  # no edges: every pair is claimed independent
    fit = check_fit(G, df)
    assert len(fit.table) == 60 * 59 // 2  # the whole table stays on the result
    html = fit._repr_html_()
    assert len(html.encode()) < MAX_CARD_BYTES
    assert len(repr(fit).encode()) < MAX_CARD_BYTES
    assert html.count('<td class="cm-claim">') == MAX_ROWS
    assert f"… and {len(fit.table) - MAX_ROWS:,} more rows (all in result.table)" in html
    # the contradicted claim is among the rows shown, though it is the table's last
    assert fit.table["rejected"].tolist()[-1]
    assert "V58" in html.split('class="cm-rejected"')[1][:400]
