"""Tests for corpusanalysis.themes: theme labels with their rules, theme-term rates.

Fixtures are the real seeds (seeds/*.txt): load_seeds → clean → tokenize, as documents and as
paragraphs/sentences from segment(), built once per module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import corpusanalysis as ca
from corpusanalysis.analysis.themes import assign_themes, theme_term_rates
from corpusanalysis.features import doc_term_matrix

D000 = "000_bf3418ef050fb5d6"  # 全市科技创新驱动发展推进会议讲话 (创新型县(市), 县域)
D001 = "001_5f9d985e37db4bf6"  # 务虚会
D002 = "002_105d27af3b6cb7bc"  # 党课 on 新质生产力
D003 = "003_6ca6cb6ed127d059"  # Jiangmen press conference
D004 = "004_60d9a6d77e740d89"  # 创新创业 speech with a section on 容错纠错
THEMES = ["创新型县", "容错纠错", "新质生产力"]


@pytest.fixture(scope="module")
def sentences(cleaned):
    return ca.tokenize(ca.segment(cleaned, level="sentence"))


# ----------------------------------------------------------------------------- documents
def test_seed_documents_get_the_expected_themes(docs):
    out = assign_themes(docs)
    assert out["theme"].to_dict() == {D000: "创新型县", D001: "general", D002: "新质生产力", D003: "general",
                                      D004: "容错纠错"}
    assert out["theme_source"].tolist() == ["document", "none", "document", "none", "document"]
    assert out.loc[D002, "theme_rule"] == (
        "dictionary: 新质生产力 100 hits ≥ 5, 28 terms ≥ 3, 669.8 per 10,000 tokens ≥ 50, 98% of theme hits ≥ 50%")
    assert out.loc[D000, "theme_rule"] == (
        "dictionary: 创新型县 14 hits ≥ 5, 7 terms ≥ 3, 123.9 per 10,000 tokens ≥ 50, 78% of theme hits ≥ 50%")
    assert out.loc[D003, "theme_rule"] == (
        "dictionary: no theme passes (best 创新型县: 4 hits < 5, 2 terms < 3, 41.7 per 10,000 tokens < 50, "
        "57% of theme hits ≥ 50%)")
    assert out.loc[D001, "theme_rule"].startswith("dictionary: no theme passes (best 创新型县: 1 hit < 5, 1 term < 3")


def test_counts_are_those_of_theme_scores(docs, paragraphs):
    for frame in (docs, paragraphs):
        out = assign_themes(frame)
        scores = ca.theme_scores(frame)
        id_name = scores.columns[0]
        for theme in THEMES:
            s = scores[scores["theme"] == theme].set_index(id_name)
            assert out[f"hits_{theme}"].tolist() == s.loc[out.index, "n_hits"].tolist()
            assert out[f"terms_{theme}"].tolist() == s.loc[out.index, "n_terms"].tolist()
            np.testing.assert_allclose(out[f"rate_{theme}"], s.loc[out.index, "rate"], atol=1e-9)


def test_thresholds_are_arguments(docs):
    strict = assign_themes(docs, min_rate=150)
    assert strict.loc[D000, "theme"] == "general"  # 123.9 per 10k < 150
    assert "123.9 per 10,000 tokens < 150" in strict.loc[D000, "theme_rule"]
    loose = assign_themes(docs, min_hits=4, min_terms=2, min_rate=40)
    assert loose.loc[D003, "theme"] == "创新型县"
    assert loose.attrs["assign_themes"]["min_rate"] == 40.0


def test_input_is_not_mutated(docs):
    before = docs.copy()
    out = assign_themes(docs)
    pd.testing.assert_frame_equal(docs, before)
    assert "theme" not in docs.columns and "theme" in out.columns
    assert out.attrs["tokenize"] == docs.attrs["tokenize"]


# ----------------------------------------------------------------------------- metadata
def test_metadata_column_wins_and_missing_values_fall_back(docs):
    frame = docs.assign(label=pd.array(["容错纠错", None, None, "general", None], dtype="string"))
    out = assign_themes(frame, column="label")
    assert out["theme"].tolist() == ["容错纠错", "general", "新质生产力", "general", "容错纠错"]
    assert out.loc[D000, "theme_rule"] == "metadata column 'label'"
    assert out.loc[D000, "theme_source"] == "metadata"
    assert out.loc[D002, "theme_rule"].startswith("metadata column 'label' is missing; dictionary: 新质生产力 100 hits")
    again = assign_themes(out, column="theme")  # labels carried on: re-labelling keeps them
    assert again["theme"].tolist() == out["theme"].tolist()
    assert (again["theme_rule"] == "metadata column 'theme'").all()


def test_metadata_errors(docs):
    with pytest.raises(ValueError, match=r"column 'genre' has label\(s\) \['党课', '新闻发布会', '讲话'\] that are "
                                         r"neither a dictionary theme"):
        assign_themes(docs, column="genre")
    with pytest.raises(ValueError, match=r"already has a 'theme' column .* pass column='theme'"):
        assign_themes(assign_themes(docs))
    with pytest.raises(ValueError, match=r"column='nope' is not a column of the frame"):
        assign_themes(docs, column="nope")
    with pytest.raises(ValueError, match=r"no 'tokens' column .* run tokenize\(\) first"):
        assign_themes(docs.drop(columns="tokens"))
    with pytest.raises(ValueError, match=r"min_share must be a share in \[0, 1\]; got 2"):
        assign_themes(docs, min_share=2)
    with pytest.raises(ValueError, match=r"level must be 'document', 'unit' or None"):
        assign_themes(docs, level="paragraph")


# ----------------------------------------------------------------------------- units
def test_paragraphs_are_labelled_at_unit_level(paragraphs):
    out = assign_themes(paragraphs)
    assert out.attrs["assign_themes"]["level"] == "unit"
    labelled = out[out["theme"] != "general"]
    by_doc = labelled.groupby("doc_id")["theme"].agg(lambda s: sorted(set(s))).to_dict()
    assert by_doc == {D000: ["创新型县"], D002: ["新质生产力"], D004: ["容错纠错"]}
    assert labelled[labelled["doc_id"] == D000].index.tolist() == [
        f"{D000}/p0002", f"{D000}/p0006", f"{D000}/p0008", f"{D000}/p0011"]
    assert out.loc[f"{D000}/p0011", "theme_rule"] == (
        "unit text: 创新型县 3 hits ≥ 2, 2 terms ≥ 2, 100% of theme hits (创新型县、县域创新)")
    # 004's 容错纠错 section: units with their own words, and one labelled by its heading path
    assert out.loc[f"{D004}/p0030", "theme_source"] == "unit"
    assert out.loc[f"{D004}/p0032", "theme_source"] == "heading"
    assert out.loc[f"{D004}/p0032", "theme_rule"] == (
        "heading path: 容错纠错 2 hits ≥ 2, 2 terms ≥ 2, 100% of theme hits (容错机制、鼓励创新宽容失败)")
    assert (out["theme_source"].value_counts().to_dict()
            == {"none": 94, "unit": 28, "heading": 9})


def test_a_repeated_slogan_is_not_a_theme(paragraphs):
    # 003 p0018 says 高质量发展 twice (tagged 新质生产力): one term, not the theme's name
    out = assign_themes(paragraphs)
    assert out.loc[f"{D003}/p0018", "hits_新质生产力"] == 2
    assert out.loc[f"{D003}/p0018", "theme"] == "general"
    loose = assign_themes(paragraphs, unit_min_terms=1)
    assert loose.loc[f"{D003}/p0018", "theme"] == "新质生产力"


def test_sentences_and_heading_paths(sentences):
    out = assign_themes(sentences)
    s004 = out[out["doc_id"] == D004]
    assert s004.loc[s004["theme"] == "容错纠错", "theme_source"].value_counts().to_dict() == {"heading": 13, "unit": 9}
    # a sentence naming the theme twice needs no second term
    assert out.loc[f"{D000}/p0002/s002", "theme_rule"] == (
        "unit text: 创新型县 2 hits ≥ 2, names 创新型县, 100% of theme hits (创新型县)")
    no_headings = assign_themes(sentences, headings=False)
    assert (no_headings["theme_source"] != "heading").all()
    assert (no_headings["theme"] != "general").sum() == 39  # = unit-text labels only


def test_inherit_gives_units_their_document_label(paragraphs):
    out = assign_themes(paragraphs, inherit=True)
    p002 = out[out["doc_id"] == D002]
    assert (p002["theme"] == "新质生产力").all()
    inherited = out[out["theme_source"] == "inherited"]
    assert sorted(inherited["doc_id"].unique()) == [D000, D002, D004]
    assert inherited.iloc[0]["theme_rule"].startswith(f"document {D000}: dictionary: 创新型县 14 hits ≥ 5")
    assert (out.loc[out["doc_id"] == D003, "theme"] == "general").all()


# ----------------------------------------------------------------------------- theme_term_rates
def test_theme_term_rates(docs):
    dtm = doc_term_matrix(assign_themes(docs))
    table = theme_term_rates(dtm, n=3)
    assert list(table.columns) == ["term_theme", "rank", "term", "group", "count", "n_tokens", "rate"]
    assert table["group"].unique().tolist() == ["创新型县", "容错纠错", "新质生产力", "general"]
    top = table[table["rank"] == 1][["term_theme", "term"]].drop_duplicates().values.tolist()
    assert top == [["创新型县", "创新型县"], ["容错纠错", "先行先试"], ["新质生产力", "新质生产力"]]
    np.testing.assert_allclose(table["rate"], (table["count"] / table["n_tokens"] * 1e4).round(2))
    row = table[(table["term"] == "创新型县") & (table["group"] == "创新型县")].iloc[0]
    assert (row["count"], row["n_tokens"], row["rate"]) == (7, 1130, 61.95)
    # counts per group add up to the corpus count of the term
    totals = dtm.term_frequencies().set_index("term")["count"]
    for term, part in table.groupby("term"):
        assert part.drop_duplicates("group")["count"].sum() == totals[term]
    per_doc = theme_term_rates(dtm, by=None, n=1)
    assert per_doc["group"].unique().tolist() == list(dtm.row_ids)
    with pytest.raises(ValueError, match=r"by='nope' is not a column"):
        theme_term_rates(dtm, by="nope")
