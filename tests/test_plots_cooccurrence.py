"""Tests for corpusanalysis.viz.network: plot_network, plot_ego_networks, plot_association_heatmap."""

from __future__ import annotations

import hashlib
import itertools
import warnings
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import corpusanalysis as ca
import corpusanalysis.viz.network as P
from corpusanalysis.analysis.cooccurrence import associates, cooccurrence, cooccurrence_network

ROOT = Path(__file__).resolve().parents[1]


KEY = ["新质生产力", "创新型县", "容错纠错"]


@pytest.fixture(scope="module")
def seeds():
    docs = ca.tokenize(ca.clean(ca.load_seeds()))
    return docs


@pytest.fixture(scope="module")
def cooc(seeds):
    return cooccurrence(seeds, window="sentence")


def _label_boxes(fig):
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    out = []
    for ax in fig.axes:
        for t in ax.texts:
            if t.get_text():
                out.append((t.get_text(), t.get_window_extent(renderer)))
    return out


def test_plot_network_labels_render_and_do_not_overlap(cooc):
    G = cooccurrence_network(cooc, n=60, min_frequency=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would be a warning
        fig = P.plot_network({"五篇讲话": G})
    ax = fig.axes[0]
    assert ax.get_title() == f"五篇讲话 ({G.number_of_nodes()} terms, {G.number_of_edges()} edges)"
    boxes = _label_boxes(fig)
    labels = [name for name, _ in boxes]
    assert "新质生产力" in labels and "科技创新" in labels
    assert len(labels) == len(set(labels)) >= 20
    assert {t.get_fontfamily()[0] for t in ax.texts} == {"Noto Sans CJK SC"}
    overlaps = [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2)
                if ba.overlaps(bb) and ba.intersection(ba, bb).width * ba.intersection(ba, bb).height
                > 0.15 * min(ba.width * ba.height, bb.width * bb.height)]
    assert overlaps == []


def test_plot_network_panels_per_group_and_errors(seeds):
    units = ca.tokenize(ca.segment(seeds[["text"]].assign(theme=["创新型县", "general", "新质生产力", "general",
                                                                  "容错纠错"])))
    grouped = cooccurrence(units, window="sentence", by="theme")
    nets = {g: cooccurrence_network(grouped, group=g, n=30, min_frequency=3) for g in KEY}
    fig = P.plot_network(nets)
    assert [ax.get_title().split(" (")[0] for ax in fig.axes] == KEY
    with pytest.raises(ValueError, match=r"expects a networkx Graph \(cooccurrence_network\(\)\) or a dict"):
        P.plot_network(grouped)


def test_plot_network_is_deterministic(cooc, tmp_path):
    G = cooccurrence_network(cooc, n=40)
    P.plot_network(G, path=tmp_path / "a.png")
    P.plot_network(cooccurrence_network(cooc, n=40), path=tmp_path / "b.png")
    digest = [hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.png", "b.png")]
    assert digest[0] == digest[1]


def test_plot_ego_networks_three_key_terms(cooc):
    assoc = associates(cooc, KEY, n=12, alpha=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = P.plot_ego_networks(assoc, terms=KEY, cooc=cooc)
    assert [ax.get_title() for ax in fig.axes] == KEY
    texts = [t.get_text() for t in fig.axes[0].texts]
    top = assoc[(assoc["term"] == "新质生产力") & (assoc["rank"] == 1)].iloc[0]
    assert f"{top['associate']} ({top['n_ab']})" in texts
    assert "新质生产力" in texts
    before = dict(matplotlib.rcParams)
    P.plot_ego_networks(assoc, terms=KEY[:1])
    assert dict(matplotlib.rcParams) == before


def test_plot_ego_networks_errors(cooc, seeds):
    with pytest.raises(ValueError, match=r"needs a 'term' column \(the table of associates\(\)\)"):
        P.plot_ego_networks(cooc)
    assoc = associates(cooc, "新质生产力", alpha=None)
    with pytest.raises(ValueError, match=r"no associates for \['容错纠错'\] in the table"):
        P.plot_ego_networks(assoc, terms=["新质生产力", "容错纠错"])


def test_plot_association_heatmap_cells_and_blocks(seeds):
    table = cooccurrence(seeds, window="paragraph", min_count=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = P.plot_association_heatmap(table, {"新质生产力": ["新质生产力", "未来产业"],
                                                 "容错纠错": ["容错纠错", "容错机制"]})
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    n = dict(zip(table["term_a"], table["n_a"])) | dict(zip(table["term_b"], table["n_b"]))
    assert ticks == [f"{t} ({n[t]})" for t in ["新质生产力", "未来产业", "容错纠错", "容错机制"]]
    pair = table[(table["term_a"] == "新质生产力") & (table["term_b"] == "未来产业")]
    cells = [t.get_text() for t in ax.texts]
    assert str(int(pair["n_ab"].iloc[0])) in cells
    assert len(ax.lines) == 2  # one horizontal and one vertical block separator
    default = P.plot_association_heatmap(table, n=3)
    assert len(default.axes[0].get_xticklabels()) == 9


def test_plot_association_heatmap_errors(seeds):
    grouped = cooccurrence(seeds.assign(theme=["a", "a", "b", "b", "b"]), window="sentence", by="theme")
    with pytest.raises(ValueError, match=r"the table has groups \['a', 'b'\]; pass group="):
        P.plot_association_heatmap(grouped)
    with pytest.raises(ValueError, match=r"needs a 'npmi' column"):
        P.plot_association_heatmap(pd.DataFrame({"term_a": [], "term_b": [], "n_ab": [], "n_a": [], "n_b": []}))


@pytest.mark.slow
def test_network_figure_does_not_depend_on_the_hash_seed(tmp_path):
    """Layouts must not follow set iteration order (G.subgraph iterates a set): same bytes for any seed."""
    import subprocess
    import sys

    code = (
        "import corpusanalysis as ca, sys\n"
        "c = ca.assign_themes(ca.tokenize(ca.segment(ca.clean(ca.load_seeds()), level='sentence')))\n"
        "co = ca.cooccurrence(c, window='sentence', by='theme', min_count=2)\n"
        "ca.plot_network(ca.cooccurrence_network(co, group='新质生产力'), path=sys.argv[1])\n"
    )
    outputs = []
    for seed in ("1", "2"):
        path = tmp_path / f"net-{seed}.png"
        env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=env, capture_output=True)
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]
