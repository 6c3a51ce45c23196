"""plot_dispersion (with term_positions, the table behind it) and plot_effects (issue 18)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import corpusanalysis as ca
from corpusanalysis.analysis.concordance import POSITION_COLUMNS
from corpusanalysis.analysis.effects import CURVE_COLUMNS
from corpusanalysis.viz.effects import MAX_EFFECT_PANELS


def test_term_positions_on_the_seeds_match_the_tokens(docs):
    table = ca.term_positions(docs, ["新质生产力", "创新型县"])
    assert tuple(table.columns) == POSITION_COLUMNS
    for doc_id, toks, text in zip(docs.index, docs["tokens"], docs["text"]):
        mine = table[(table["doc_id"] == doc_id) & (table["term"] == "新质生产力")]
        assert mine["position"].tolist() == [i for i, t in enumerate(toks) if t == "新质生产力"]
        assert (mine["n_tokens"] == len(toks)).all()
        assert all(text[s:s + 5] == "新质生产力" for s in mine["start"])  # offsets into the clean text
    assert table["relative"].between(0, 1).all()
    assert sorted(table.attrs["documents"]) == sorted(docs.index) and table.attrs["terms"] == ["新质生产力", "创新型县"]


def test_term_positions_of_units_count_along_the_whole_document(paragraphs):
    by_unit = ca.term_positions(paragraphs, "新质生产力")
    assert (by_unit["n_tokens"] == by_unit["doc_id"].map(paragraphs.groupby("doc_id")["n_tokens"].sum())).all()
    assert by_unit.groupby("doc_id")["position"].is_monotonic_increasing.all()
    with pytest.raises(ValueError, match=r"term_positions\(\) needs a tokenized corpus DataFrame"):
        ca.term_positions(paragraphs.drop(columns="tokens"), "创新")
    with pytest.raises(ValueError, match=r"terms= is empty"):
        ca.term_positions(paragraphs, [])


def test_plot_dispersion_draws_one_strip_per_document_and_one_tick_per_hit(docs, tmp_path):
    fig = ca.plot_dispersion(docs, ["新质生产力", "容错纠错"], path=tmp_path / "x.png")
    table = ca.term_positions(docs, ["新质生产力", "容错纠错"])
    assert [ax.get_title() for ax in fig.axes] == [
        f"新质生产力 (n={int((table['term'] == '新质生产力').sum())})", f"容错纠错 (n={int((table['term'] == '容错纠错').sum())})"]
    ticks = fig.axes[0].collections[0].get_offsets()
    assert len(ticks) == (table["term"] == "新质生产力").sum()
    assert len(fig.axes[0].get_yticks()) == len(docs)
    assert (tmp_path / "x.png").stat().st_size > 10_000
    with pytest.raises(ValueError, match=r"scale must be 'relative' or 'absolute'; got 'log'"):
        ca.plot_dispersion(docs, "创新", scale="log")


def test_plot_dispersion_pools_beyond_max_docs_documents_with_hits_first():
    corpus = pd.DataFrame({"tokens": [("创新",) if i % 10 == 0 else ("发展",) for i in range(100)]},
                          index=pd.Index([f"d{i:03d}" for i in range(100)], name="doc_id"))
    fig = ca.plot_dispersion(corpus, "创新", max_docs=20)
    assert len(fig.axes[0].get_yticks()) == 20
    assert len(fig.axes[0].collections[0].get_offsets()) == 10  # every hit is drawn
    assert "20 of 100 documents drawn" in fig._supxlabel.get_text()


def _curve(n_outcomes: int) -> pd.DataFrame:
    rows = []
    for j in range(n_outcomes):
        for v in np.linspace(2000, 2020, 5):
            rows.append((f"T{j + 1}", "year", v, 0.1 + j * 0.01, 0.05, 0.2, 40))
    out = pd.DataFrame(rows, columns=list(CURVE_COLUMNS))
    out.attrs = {"formula": "~ year", "outcomes": "topic", "n_boot": 100, "ci": 0.95, "held": {}, "dropped": []}
    return out


def test_plot_effects_panels_and_caption():
    fig = ca.plot_effects(_curve(3))
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["T1", "T2", "T3"]
    assert visible[0].get_ylabel() == "share of the document's tokens"
    assert "95% intervals: 100 document bootstrap replicates with topic shares drawn from the posterior" in \
        fig._supxlabel.get_text()
    many = ca.plot_effects(_curve(MAX_EFFECT_PANELS + 3))
    assert len([ax for ax in many.axes if ax.get_visible()]) == MAX_EFFECT_PANELS
    assert f"the first {MAX_EFFECT_PANELS} of {MAX_EFFECT_PANELS + 3} outcomes" in many._supxlabel.get_text()
    with pytest.raises(ValueError, match=r"plot_effects\(\) needs the table of effect_curve\(\); missing columns"):
        ca.plot_effects(pd.DataFrame({"outcome": ["a"]}))
