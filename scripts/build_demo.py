"""Write demo.ipynb from the cells below, execute it, and save it with small outputs.

Run by hand after editing a cell: ``.venv/bin/python scripts/build_demo.py``.
Keeping the notebook's source here makes its diffs readable and reviewable;
``make demo`` and the tests use the .ipynb itself.  The saved notebook keeps
every output but not the widgets' state: each widget's state carries the whole
JS bundle, and the static SVG beside each widget already shows the drawing.
"""

from pathlib import Path

import nbformat as nbf
from nbclient import NotebookClient

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell

cells = [
    md(
        "# causal_magic: Gear, Talent and Sound\n\n"
        "Does fancy gear make you sound better? This notebook retells the *code-first* "
        "causal-inference story of Gear Acquisition Syndrome (GAS) with two magics: `%%dag` "
        "draws a causal graph and keeps it as a `networkx.DiGraph`; `%do` asks it "
        "*P(Sound = Great | do(Gear = Fancy))* and answers from data, showing its arithmetic."
    ),
    code("%load_ext causal_magic\nimport pandas as pd\nimport causal_magic as cm"),
    md(
        "## Two pictures of the world\n\n"
        "The GAS picture: gear causes sound, nothing else. Roles go in brackets "
        "(`treatment`, `outcome`, `confounder`, ...), edges are arrows."
    ),
    code("%%dag GAS\nGear [treatment]\nSound [outcome]\nGear -> Sound"),
    md(
        "The *Reality* picture: talent drives both the gear people buy and how they sound. "
        "`Talent -> Gear, Sound` is one line for two edges."
    ),
    code(
        "%%dag Reality\nTalent [confounder]\nGear [treatment]\nSound [outcome]\n"
        "Talent -> Gear, Sound\nGear -> Sound"
    ),
    md("Side by side, as in the blog post:"),
    code('%dag GAS Reality --title "Gear Acquisition Syndrome" --title Reality'),
    md("Both are plain NetworkX graphs, so the whole NetworkX toolbox works on them:"),
    code("list(Reality.edges), dict(Reality.nodes(data='role'))"),
    md("## The data: 16 players"),
    code('players = pd.read_csv("examples/player_data.csv")\nplayers'),
    md(
        "## Naive versus causal\n\n"
        "Under the GAS picture there is nothing to adjust for, so the interventional "
        "probability equals the plain conditional one: 5 of the 8 fancy-gear players sound "
        "great."
    ),
    code("%do P(Sound=Great | do(Gear=Fancy)) --data players --dag GAS"),
    md(
        "Under *Reality*, `Gear <- Talent -> Sound` is a back-door path. `%do` finds the "
        "adjustment set `{Talent}` from the graph and applies the back-door formula "
        "Σ<sub>t</sub> P(Great | Fancy, t) · P(t):"
    ),
    code("%do P(Sound=Great | do(Gear=Fancy)) --data players --dag Reality"),
    md(
        "The result is an object too: `r.value`, `r.naive`, `r.table` (one row per stratum "
        "of Talent) ..."
    ),
    code(
        "r = %do P(Sound=Great | do(Gear=Fancy)) --data players --dag Reality\n"
        'print(f"naive {r.naive:.3f}, adjusted {r.value:.3f}")\nr.table'
    ),
    md(
        "## What if Talent is not measured?\n\n"
        "Drop the Talent column and ask again. No adjustment set exists among the measured "
        "variables, and there is no front-door path either, so `%do` gives no number: it names "
        "the path it cannot block. But the data still fence the effect in. The 8 fancy-gear "
        "players keep their sound under *do(Gear = Fancy)*; the 8 others could sound great or "
        "bad. So whatever Talent does, P(Sound = Great | do(Gear = Fancy)) lies between "
        "5/16 (none of the others would) and 5/16 + 8/16 = 13/16 (all would): the *natural "
        "bounds* (Robins 1989, Manski 1990). The card draws the interval with the naive 0.625 "
        "marked, and says what would narrow it."
    ),
    code("players_seen = players.drop(columns=['Talent'])"),
    code("%do P(Sound=Great | do(Gear=Fancy)) --data players_seen --dag Reality"),
    md(
        "The result carries the interval and no value; `cm.bounds` is the same as a function. "
        "The true (Talent-adjusted) 0.357 lies inside, and so does the naive 0.625: these 16 "
        "rows cannot tell them apart without Talent."
    ),
    code(
        "r_seen = cm.bounds('P(Sound=Great | do(Gear=Fancy))', players_seen, dag=Reality)\n"
        "r_seen.bounds, r_seen.value"
    ),
    code("cm.identify_effect(Reality, observed=players_seen.columns).reason"),
    md(
        "### Talent measured: an estimate, and how strong a hidden confounder would have to be\n\n"
        "With Talent measured the effect is identified: fancy gear makes a great sound 2.5 "
        "times as likely (0.357 against 0.143). Is that robust to a confounder *beyond* "
        "Talent? `--sensitivity` adds the E-value (VanderWeele & Ding 2017): how strongly an "
        "unmeasured confounder would have to be associated with both Gear and Sound to "
        "explain the ratio away."
    ),
    code(
        "%do P(Sound=Great | do(Gear=Fancy)) / P(Sound=Great | do(Gear=Cheap)) "
        "--data players --dag Reality --sensitivity"
    ),
    md(
        "## Why does my recording sound bad?\n\n"
        "The post's third graph: a chain from talent to sound through the studio. Names with "
        'a line break are quoted, as in DAGitty: `"Signal\\nProc"`.'
    ),
    code(
        '%%dag Studio --title "Why does my recording sound like ass?"\n'
        "Talent -> Performance -> Recording\n"
        "Gear -> Recording\n"
        'Recording -> "Signal\\nProc" -> Sound\n'
        "Performance [confounder]; Recording [confounder]\n"
        '"Signal\\nProc" [treatment]; Sound [outcome]'
    ),
    md(
        "Every path from *Signal Proc* to *Sound* is causal, so the **empty set** is a valid "
        "adjustment set: `frozenset()`, which is not the same as `None` (*no valid set "
        "exists*)."
    ),
    code(
        "cm.minimal_adjustment_set(Studio), "
        "cm.minimal_adjustment_set(Reality, observed=['Gear', 'Sound'])"
    ),
    md(
        "## Teaching: why a path is open or blocked\n\n"
        "`%dag G --explain A B --given C` is the d-separation explorer: every path between "
        "two nodes, open or blocked given the set, and why in words (the drawing's *Explore* "
        "button does the same with clicks: two nodes, then the nodes to condition on). "
        "Under *Reality*, conditioning on Talent blocks the back-door path "
        "`Gear <- Talent -> Sound`, because Talent is a fork on it; the causal path stays open:"
    ),
    code("%dag Reality --explain Gear Sound --given Talent"),
    md(
        "Conditioning can also *open* a path. In the studio graph, Recording is a collider on "
        "`Talent -> Performance -> Recording <- Gear`: Talent and Gear are independent, "
        "until we condition on the final Sound, a descendant of the collider:"
    ),
    code(
        "print(cm.explain_paths(Studio, 'Talent', 'Gear'))\n"
        "print()\n"
        "print(cm.explain_paths(Studio, 'Talent', 'Gear', given=['Sound']))"
    ),
    md(
        "## Edit in the drawing, see it in Python\n\n"
        "Drag a node, shift-drag from one node to another to add an edge, or select a node and "
        "press `e` (treatment), `o` (outcome), `a` (adjusted), `u` (latent), `c`, `m`, `s`, "
        "`n` (no role), `Delete`, `F2` (rename); `Ctrl+Z` undoes. The graph object changes at "
        "once:"
    ),
    code("dict(Reality.nodes(data=True))"),
    md(
        "And the other way round: change a graph in Python and every drawing of it follows "
        "after the cell runs. Here is a fresh graph to play with:"
    ),
    code("%%dag Practice\nPractice -> Talent -> Sound"),
    md(
        "Add an edge from Python: the drawing above redraws, and its badge says the graph no "
        "longer matches its cell, offering the edited graph as `%%dag` text to paste back. "
        "`cm.parse_dag` is the same language as a plain function:"
    ),
    code(
        'Practice.add_edges_from(cm.parse_dag("Practice -> Gear -> Sound").edges)\n'
        "print(cm.to_dsl(Practice))"
    ),
    md(
        "## How sure are we?\n\n"
        "Sixteen players is not much. `--ci` resamples the count table (a Bayesian bootstrap "
        "of the cells, seeded), so 1,000 resamples cost little more than one estimate. With 16 "
        "rows some resamples lose the lone low-talent player with fancy gear; the card says "
        "how many."
    ),
    code("%do P(Sound=Great | do(Gear=Fancy)) --data players --dag Reality --ci 0.95 --seed 0"),
    md(
        "## A larger example with a known answer\n\n"
        "Simulated from a structural model with three confounders, so the true "
        "P(Y=1 | do(X=1)) can be computed exactly and compared."
    ),
    code(
        "import numpy as np\n\n"
        "rng = np.random.default_rng(7)\n"
        "n = 200_000\n"
        "age = rng.integers(0, 3, n)           # 3 levels\n"
        "income = rng.integers(0, 2, n)        # 2 levels\n"
        "region = rng.integers(0, 4, n)        # 4 levels\n"
        "p_x = 0.15 + 0.2 * age + 0.2 * income + 0.03 * region\n"
        "x = rng.random(n) < p_x\n"
        "def p_y(x, age, income, region):\n"
        "    return 0.05 + 0.15 * x + 0.12 * age + 0.15 * income + 0.04 * region\n"
        "y = rng.random(n) < p_y(x, age, income, region)\n"
        "sim = pd.DataFrame({'Age': age, 'Income': income, 'Region': region,\n"
        "                    'X': x.astype(int), 'Y': y.astype(int)})\n"
        "# the truth: average p_y(1, ...) over the confounders' own (independent, uniform) law\n"
        "truth = np.mean([p_y(1, a, i, r) for a in range(3) for i in range(2) for r in range(4)])\n"
        "float(truth)"
    ),
    code("%%dag Sim\nX [treatment]; Y [outcome]\nAge, Income, Region -> X, Y\nX -> Y"),
    code(
        "big = %do P(Y=1 | do(X=1)) --data sim --dag Sim --ci 0.95 --seed 1\n"
        'print(f"truth {truth:.4f}, estimate {big.value:.4f}, naive {big.naive:.4f}")\n'
        "big"
    ),
    code("%do P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)) --data sim --dag Sim"),
    md(
        "## Take the graph elsewhere\n\n"
        "DAGitty text (paste into dagitty.net), our own compact text, or Graphviz DOT for DoWhy:"
    ),
    code("%dag Reality --dagitty"),
    code("%dag Reality --dot"),
]

nb = nbf.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
root = Path(__file__).resolve().parents[1]
NotebookClient(nb, timeout=300, resources={"metadata": {"path": str(root)}}).execute()
nb.metadata.pop("widgets", None)
nb.metadata["language_info"] = {"name": "python"}
root.joinpath("demo.ipynb").write_text(nbf.writes(nb))
