"""Tests for the keyness, TF-IDF and theme-term plots of corpusanalysis.plots: the figure shows its table.

Fixtures are the real seeds (seeds/*.txt): load_seeds → clean → segment → tokenize → assign_themes.
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd
import pytest

import corpusanalysis as ca
from corpusanalysis.analysis.keyness import keyness
from corpusanalysis.analysis.themes import assign_themes, theme_term_rates
from corpusanalysis.features import doc_term_matrix, tfidf, top_terms
from corpusanalysis.viz.terms import plot_keyness, plot_tfidf_heatmap, plot_theme_term_frequencies

ORDER = ["新质生产力", "创新型县", "容错纠错"]


def _top_down(ax):
    """Y tick labels from the top of the axes to the bottom."""
    return [t.get_text() for t in sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])]


@pytest.fixture(scope="module")
def ddocs(docs):
    return doc_term_matrix(assign_themes(docs))


@pytest.fixture(scope="module")
def dunits(paragraphs):
    return doc_term_matrix(assign_themes(paragraphs))


# ----------------------------------------------------------------------------- plot_keyness
def test_plot_keyness_draws_its_table(dunits, tmp_path):
    table = keyness(dunits, by="theme")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph would warn
        fig = plot_keyness(table, n=8, groups=ORDER, path=tmp_path / "k.png")
    assert (tmp_path / "k.png").stat().st_size > 10_000
    assert [ax.get_title() for ax in fig.axes] == [
        "新质生产力\n26 rows, 1,485 tokens", "创新型县\n4 rows, 469 tokens", "容错纠错\n7 rows, 356 tokens"]
    for ax, group in zip(fig.axes, ORDER):
        shown = table[(table["group"] == group) & (table["stat"] > 0)].head(8)
        bars = sorted(ax.patches, key=lambda p: -p.get_y())  # top to bottom
        assert [round(b.get_width(), 12) for b in bars] == [round(v, 12) for v in shown["log_ratio"]]
        assert _top_down(ax) == shown["term"].tolist()
        significant = (shown["p_adj"] < 0.05).tolist()
        assert [b.get_hatch() is None for b in bars] == significant
        texts = [t.get_text() for t in ax.texts if "/" in t.get_text()]
        assert texts == [f"{a}/{b}{' *' if s else ''}" for a, b, s in
                         zip(shown["count_target"], shown["count_reference"], significant)]
    # the 党课's top term, drawn first with its raw counts
    assert _top_down(fig.axes[0])[0] == "新质生产力"
    assert {t.get_fontfamily()[0] for t in fig.axes[0].get_yticklabels()} == {"Noto Sans CJK SC"}


def test_plot_keyness_single_comparison_and_determinism(ddocs, tmp_path):
    table = keyness(ddocs, ("theme", "容错纠错"))
    plot_keyness(table, n=5, path=tmp_path / "a.png")
    fig = plot_keyness(table, n=5, path=tmp_path / "b.png")
    assert len(fig.axes) == 1 and fig.axes[0].get_title() == "1 row, 1,461 tokens"
    digests = {hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.png", "b.png")}
    assert len(digests) == 1


def test_plot_keyness_errors(dunits):
    table = keyness(dunits, by="theme")
    with pytest.raises(ValueError, match=r"needs the table of keyness\(\) with columns .* missing \['log_ratio'\]"):
        plot_keyness(table.drop(columns="log_ratio"))
    with pytest.raises(ValueError, match=r"group\(s\) \['党课'\] are not in the table; groups present"):
        plot_keyness(table, groups=["党课"])
    with pytest.raises(ValueError, match=r"n must be a positive int"):
        plot_keyness(table, n=0)


# ----------------------------------------------------------------------------- plot_tfidf_heatmap
def test_plot_tfidf_heatmap_cells_are_the_weights(ddocs, tmp_path):
    w = tfidf(ddocs)
    labels = ca.corpus_summary(ca.load_seeds())["label"]
    fig = plot_tfidf_heatmap(w, n=4, labels=labels, path=tmp_path / "h.png")
    ax = fig.axes[0]
    top = top_terms(w, n=4)
    terms = list(dict.fromkeys(top["term"]))
    assert ax.yaxis_inverted()  # a heatmap's first row is at the top
    assert [t.get_text() for t in ax.get_yticklabels()] == terms
    assert [t.get_text() for t in ax.get_xticklabels()] == [labels[r] for r in sorted(w.row_ids)]
    values = ax.collections[0].get_array().reshape(len(terms), len(w.row_ids))
    col = [w.vocabulary.index(t) for t in terms]
    expected = w.matrix[[w.row_ids.index(r) for r in sorted(w.row_ids)]][:, col].toarray().T
    np.testing.assert_allclose(values, expected, rtol=0, atol=1e-15)
    cells = [t.get_text() for t in ax.texts]
    counts = ddocs.matrix[:, col].toarray().T
    assert cells == [str(c) if c else "" for c in counts.ravel()]
    assert "新质生产力" in terms


def test_plot_tfidf_heatmap_errors(dunits):
    # 131 units: the 30 with most tokens are drawn, and the caption says so
    fig = plot_tfidf_heatmap(tfidf(dunits))
    drawn = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    sizes = dunits.matrix.sum(axis=1).A.ravel()
    biggest = sorted(range(len(sizes)), key=lambda i: (-sizes[i], dunits.row_ids[i]))[:30]
    assert sorted(drawn) == sorted(dunits.row_ids[i] for i in biggest)
    assert fig._supxlabel.get_text().startswith("The 30 of 131 rows with most tokens")
    fig = plot_tfidf_heatmap(tfidf(dunits.group_sums("theme")), n=3)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["general", "创新型县", "容错纠错", "新质生产力"]
    with pytest.raises(TypeError, match=r"expects the WeightedMatrix of tfidf\(\); got DocTermMatrix"):
        plot_tfidf_heatmap(dunits)


# ----------------------------------------------------------------------------- plot_theme_term_frequencies
def test_plot_theme_term_frequencies_bars_are_the_rates(ddocs, tmp_path):
    table = theme_term_rates(ddocs, n=4)
    fig = plot_theme_term_frequencies(table, path=tmp_path / "t.png")
    families = ["创新型县", "容错纠错", "新质生产力"]
    assert [ax.get_title() for ax in fig.axes] == [f"{f} terms" for f in families]
    groups = ["创新型县", "容错纠错", "新质生产力", "general"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == groups
    for ax, fam in zip(fig.axes, families):
        part = table[table["term_theme"] == fam]
        terms = part.sort_values("rank")["term"].drop_duplicates().tolist()
        assert _top_down(ax) == terms
        # bars are drawn group by group, terms in rank order within a group
        expected = [float(part[(part["group"] == g) & (part["term"] == t)]["rate"].iloc[0])
                    for g in groups for t in terms]
        assert [p.get_width() for p in ax.patches] == expected
        counts = [int(part[(part["group"] == g) & (part["term"] == t)]["count"].iloc[0])
                  for g in groups for t in terms]
        assert [t.get_text() for t in ax.texts] == [str(c) if c else "" for c in counts]


def test_plot_theme_term_frequencies_errors(ddocs):
    with pytest.raises(ValueError, match=r"needs the table of theme_term_rates\(\) .* missing \['rate'\]"):
        plot_theme_term_frequencies(theme_term_rates(ddocs).drop(columns="rate"))
    with pytest.raises(ValueError, match=r"the table is empty"):
        plot_theme_term_frequencies(theme_term_rates(ddocs).iloc[:0])
    with pytest.raises(ValueError, match=r"needs the table of theme_term_rates\(\)"):
        plot_theme_term_frequencies(pd.DataFrame({"term": ["创新"]}))
