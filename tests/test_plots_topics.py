"""Tests for the topic-model plots: plot_k_selection, plot_topics, plot_topic_prevalence."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import corpusanalysis as ca
from corpusanalysis.analysis.topics import TopicModel, topic_prevalence, topic_terms
from corpusanalysis.viz.topics import plot_k_selection, plot_topic_prevalence, plot_topics


@pytest.fixture(scope="module")
def model(paragraphs) -> TopicModel:
    units = ca.assign_themes(paragraphs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return TopicModel(3).fit(units)


# A select_k() table as the seeds give it (k = 3, 4; two seeds), copied to keep the test fast.
K_TABLE = pd.DataFrame({
    "k": [3, 3, 4, 4], "seed": [0, 1, 0, 1],
    "c_v": [0.563302, 0.525575, 0.506882, 0.488763], "c_npmi": [-0.051571, 0.036919, -0.070021, 0.030360],
    "u_mass": [-1.183357, -1.259657, -1.697035, -1.302992], "perplexity": [82.48, 80.91, 85.33, 84.00],
    "diversity": [0.706667, 0.706667, 0.65, 0.64], "stability": [0.866, 0.866, 0.827, 0.827],
    "stability_null": [0.859753, 0.839560, 0.822478, 0.803848], "term_overlap": [0.68, 0.68, 0.55, 0.55],
    "n_empty_topics": [0, 0, 0, 0], "note": ["", "", "", ""],
})


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow  # fits select_k on the seeds
def test_plot_k_selection_panels_and_lines(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # missing CJK glyphs would warn
        fig = plot_k_selection(K_TABLE, chosen=3, path=tmp_path / "a.png")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["c_npmi 一致性 (higher = better)", "c_v 一致性 (higher = better)",
                      "u_mass 一致性 (higher = better)", "稳定性 stability across seeds (1 − JSD)",
                      "多样性 topic diversity (top 25)", "困惑度 perplexity (in-sample)"]
    npmi = fig.axes[0]
    mean_line = npmi.get_lines()[0]
    assert mean_line.get_xdata().tolist() == [3, 4]
    assert np.allclose(mean_line.get_ydata(), K_TABLE.groupby("k")["c_npmi"].mean())
    assert len(npmi.collections[0].get_offsets()) == 4  # one dot per (k, seed)
    legend = [t.get_text() for t in fig.axes[3].get_legend().get_texts()]
    assert legend == ["one seed", "mean over seeds", "shuffled-corpus baseline", "threshold 0.7"]
    assert fig._suptitle.get_text().endswith("chosen k = 3")
    plot_k_selection(K_TABLE, chosen=3, path=tmp_path / "b.png")
    assert _sha(tmp_path / "a.png") == _sha(tmp_path / "b.png")


def test_plot_k_selection_marks_uncomputed_panels():
    fig = plot_k_selection(K_TABLE.drop(columns=["c_v"]).assign(u_mass=np.nan))
    texts = [t.get_text() for ax in fig.axes[1:3] for t in ax.texts]
    assert texts == ["not computed", "not computed"]
    with pytest.raises(ValueError, match=r"table should be the table of select_k\(\) with columns k and seed"):
        plot_k_selection(pd.DataFrame({"x": [1]}))


def test_plot_topics_draws_the_table(model, tmp_path):
    terms = topic_terms(model, n=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_topics(terms, path=tmp_path / "a.png")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in axes] == list(model.labels_)
    first = axes[0]
    ticks = sorted(zip(first.get_yticks(), [t.get_text() for t in first.get_yticklabels()]), reverse=True)
    assert [text for _, text in ticks] == terms[terms["topic"] == 1]["term"].tolist()  # rank 1 on top
    widths = [p.get_width() for p in first.patches]
    assert np.allclose(widths, terms[terms["topic"] == 1]["prob"])
    assert [t.get_text() for t in first.texts] == [f"{c:,}" for c in terms[terms["topic"] == 1]["count"]]
    assert "ranked by relevance (λ = 0.6)" in fig._suptitle.get_text()
    plot_topics(terms, path=tmp_path / "b.png")
    assert _sha(tmp_path / "a.png") == _sha(tmp_path / "b.png")
    with pytest.raises(ValueError, match=r"terms should be the table of topic_terms\(\)"):
        plot_topics(terms, value="lift")


def test_plot_topic_prevalence_points_and_intervals(model, tmp_path):
    prev = topic_prevalence(model, "theme", n_boot=200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_topic_prevalence(prev, path=tmp_path / "a.png")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(model.labels_)[::-1]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["创新型县 (n=1 docs, 4 units)", "容错纠错 (n=1 docs, 7 units)", "新质生产力 (n=1 docs, 26 units)",
                      "general (n=5 docs, 90 units)"]  # general last
    # each theme comes from one speech: no interval, and the caption says why (issue 18)
    assert "No interval for 创新型县, 容错纠错, 新质生产力: one document" in ax.get_title().replace("\n", " ")
    # the first group's dots sit at its shares, topic 1 on top
    xs = ax.lines[0].get_xdata()
    assert np.allclose(xs, prev[prev["group"] == "创新型县"]["share"])
    assert ax.get_xlabel() == "主题占比 share of the group's tokens (95% bootstrap CI, documents resampled)"
    plot_topic_prevalence(prev, path=tmp_path / "b.png")
    assert _sha(tmp_path / "a.png") == _sha(tmp_path / "b.png")
    with pytest.raises(ValueError, match=r"prevalence should be the table of topic_prevalence\(\)"):
        plot_topic_prevalence(prev.drop(columns="ci_low"))


def test_plot_topic_prevalence_single_unit_group_and_unit_weights(model):
    groups = pd.Series("rest", index=model.doc_topic_.index)
    groups.iloc[5] = "one"
    prev = topic_prevalence(model, groups, weight="units", n_boot=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no negative or NaN error-bar complaints
        fig = plot_topic_prevalence(prev)
    assert fig.axes[0].get_xlabel() == ("主题占比 mean share of the group's units (95% bootstrap CI, documents "
                                        "resampled)")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["one (n=1 docs, 1 units)", "rest (n=5 docs, 126 units)"]
    rows = plot_topic_prevalence(topic_prevalence(model, groups, weight="units", n_boot=50, cluster=None))
    assert rows.axes[0].get_xlabel() == "主题占比 mean share of the group's units (95% bootstrap CI, paragraphs resampled)"
    assert [t.get_text() for t in rows.legends[0].get_texts()] == ["one (n=1)", "rest (n=126)"]
