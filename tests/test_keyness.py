"""Tests for corpusanalysis.keyness, against scipy.stats on the same 2×2 tables.

Fixtures are the real seeds (seeds/*.txt): load_seeds → clean → tokenize → assign_themes, at
document and at paragraph level, built once per module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from corpusanalysis.analysis.keyness import KEYNESS_COLUMNS, keyness
from corpusanalysis.analysis.themes import assign_themes
from corpusanalysis.features import doc_term_matrix

D002 = "002_105d27af3b6cb7bc"
THEMES = ["创新型县", "容错纠错", "新质生产力"]


@pytest.fixture(scope="module")
def ddocs(docs):
    return doc_term_matrix(assign_themes(docs))


@pytest.fixture(scope="module")
def dunits(paragraphs):
    return doc_term_matrix(assign_themes(paragraphs))


def _tables(table, info):
    n_t, n_r = info["tokens_target"], info["tokens_reference"]
    for a, b in zip(table["count_target"], table["count_reference"]):
        yield np.array([[a, b], [n_t - a, n_r - b]])


def _info(table, key="target"):
    return table.attrs["keyness"]["comparisons"][key]


# ----------------------------------------------------------------------------- reference values
@pytest.mark.parametrize("measure, kwargs", [
    ("g2", {"correction": False, "lambda_": "log-likelihood"}),
    ("chi2", {"correction": False}),
    ("chi2_yates", {"correction": True}),
])
def test_statistics_equal_scipy_chi2_contingency(dunits, measure, kwargs):
    table = keyness(dunits, ("theme", "新质生产力"), measure=measure, min_count=1, correction=None)
    info = _info(table)
    assert info == {"n_rows_target": 26, "n_rows_reference": 105, "tokens_target": 1485,
                    "tokens_reference": 4600, "n_tested": 2077}
    assert len(table) == 2077  # many terms: every term of the vocabulary
    for (stat, p), tab in zip(table[["stat", "p"]].itertuples(index=False), _tables(table, info)):
        ref = stats.chi2_contingency(tab, **kwargs)
        assert abs(stat) == pytest.approx(ref.statistic, rel=1e-9, abs=1e-9)
        assert p == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-12)


def test_g2_exact_reference_values_documents(ddocs):
    table = keyness(ddocs, ("theme", "新质生产力"))
    top = table.iloc[0]
    assert top["term"] == "新质生产力"
    assert (top["count_target"], top["count_reference"], top["n_rows_target"], top["n_rows_reference"]) == (38, 0, 1, 0)
    assert top["stat"] == pytest.approx(107.520671, abs=1e-6)
    assert top["freq_target"] == pytest.approx(38 / 1493 * 10_000)
    assert top["log_ratio"] == pytest.approx(np.log2((38 / 1493) / (0.5 / 4592)), rel=1e-12)
    assert table["term"].head(3).tolist() == ["新质生产力", "要素", "前沿技术"]
    assert list(table.columns) == list(KEYNESS_COLUMNS)
    assert _info(table)["n_tested"] == len(table) == 283


def test_sign_convention_and_frequencies(dunits):
    table = keyness(dunits, ("theme", "容错纠错"), min_count=1)
    info = _info(table)
    more = table["freq_target"] > table["freq_reference"]
    less = table["freq_target"] < table["freq_reference"]
    assert (table.loc[more, "stat"] > 0).all() and (table.loc[less, "stat"] < 0).all()
    agree = np.sign(table["stat"]) == np.sign(table["log_ratio"])
    assert (agree | (table["log_ratio"] == 0)).all()
    # a term absent from the 356-token target, once in the 5,730-token reference: Hardie's +3.0 is
    # a smoothing artefact, so its size is reported as 0
    flipped = table[(table["count_target"] == 0) & (table["count_reference"] == 1)]
    assert len(flipped) > 0 and (flipped["log_ratio"] == 0).all() and (flipped["stat"] < 0).all()
    np.testing.assert_allclose(table["freq_target"], table["count_target"] / info["tokens_target"] * 1e4, rtol=1e-15)
    np.testing.assert_allclose(table["freq_reference"], table["count_reference"] / info["tokens_reference"] * 1e4,
                               rtol=1e-15)


def test_pmi_and_log_ratio_by_hand(dunits):
    pmi = keyness(dunits, ("theme", "创新型县"), measure="pmi", min_count=1)
    info = _info(pmi)
    n_t, n_r = info["tokens_target"], info["tokens_reference"]
    n = n_t + n_r
    for row in pmi.itertuples():
        a, b = row.count_target, row.count_reference
        expected = np.log2(a * n / ((a + b) * n_t)) if a else -np.inf
        assert row.stat == pytest.approx(expected, rel=1e-12) if a else row.stat == -np.inf
        a2, b2 = (a or 0.5), (b or 0.5)
        hardie = np.log2((a2 / n_t) / (b2 / n_r))
        direction = np.sign(a / n_t - b / n_r)
        expected = hardie if np.sign(hardie) == direction else 0.0  # smoothing must not flip the sign
        assert row.log_ratio == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # effect-size measures carry the G² test's p-value
    g2 = keyness(dunits, ("theme", "创新型县"), measure="g2", min_count=1).set_index("term")
    np.testing.assert_array_equal(pmi.set_index("term").loc[g2.index, "p"].to_numpy(), g2["p"].to_numpy())
    lr = keyness(dunits, ("theme", "创新型县"), measure="log_ratio", min_count=1)
    np.testing.assert_array_equal(lr["stat"].to_numpy(), lr["log_ratio"].to_numpy())
    assert (pmi["stat"] == -np.inf).sum() == (pmi["count_target"] == 0).sum() > 0


def test_corrections(dunits):
    none = keyness(dunits, ("theme", "新质生产力"), correction=None)
    bh = keyness(dunits, ("theme", "新质生产力"), correction="fdr_bh")
    bonf = keyness(dunits, ("theme", "新质生产力"), correction="bonferroni")
    p = none["p"].to_numpy()
    np.testing.assert_array_equal(none["p_adj"].to_numpy(), p)
    np.testing.assert_allclose(bh["p_adj"].to_numpy(), stats.false_discovery_control(p, method="bh"), rtol=1e-12)
    # hand Benjamini–Hochberg: p_(i) * m / i, made monotone from the largest p down
    m = p.size
    order = np.argsort(p)
    adj = np.minimum.accumulate((p[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    hand = np.empty(m)
    hand[order] = np.minimum(adj, 1)
    np.testing.assert_allclose(bh["p_adj"].to_numpy(), hand, rtol=1e-12)
    np.testing.assert_allclose(bonf["p_adj"].to_numpy(), np.minimum(p * m, 1), rtol=1e-15)
    assert m == _info(none)["n_tested"] == 283


# ----------------------------------------------------------------------------- selections and groups
def test_target_forms_agree(dunits):
    mask = (dunits.rows["theme"] == "容错纠错").to_numpy()
    ids = [r for r, keep in zip(dunits.row_ids, mask) if keep]
    by_pair = keyness(dunits, ("theme", "容错纠错"))
    by_mask = keyness(dunits, mask)
    by_series = keyness(dunits, dunits.rows["theme"] == "容错纠错")
    by_ids = keyness(dunits, ids)
    for other in (by_mask, by_series, by_ids):
        pd.testing.assert_frame_equal(by_pair, other)


def test_explicit_reference(dunits):
    table = keyness(dunits, ("theme", "新质生产力"), ("theme", "general"), min_count=1)
    info = _info(table)
    assert info["n_rows_reference"] == 94
    assert info["tokens_reference"] == int(dunits.n_tokens[(dunits.rows["theme"] == "general").to_numpy()].sum())
    row = table.set_index("term").loc["新质生产力"]
    ref = stats.chi2_contingency([[row["count_target"], row["count_reference"]],
                                  [info["tokens_target"] - row["count_target"],
                                   info["tokens_reference"] - row["count_reference"]]],
                                 correction=False, lambda_="log-likelihood")
    assert row["stat"] == pytest.approx(ref.statistic, rel=1e-9)


def test_one_vs_rest_for_every_theme_in_one_call(dunits):
    table = keyness(dunits, by="theme")
    assert list(table.columns) == ["group", *KEYNESS_COLUMNS]
    assert table["group"].unique().tolist() == ["general", *THEMES]
    for theme in THEMES:
        alone = keyness(dunits, ("theme", theme))
        part = table[table["group"] == theme].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone, check_like=False, check_dtype=True)
    assert table.attrs["keyness"]["comparisons"]["容错纠错"]["n_rows_target"] == 7
    # each group sorted by stat descending, then term
    for _, part in table.groupby("group", sort=False):
        keys = list(zip(-part["stat"], part["term"]))
        assert keys == sorted(keys)


def test_ties_sorted_by_term():
    frame = pd.DataFrame({"tokens": [("乙",) * 5 + ("甲",) * 5 + ("丙",) * 10, ("丙",) * 20], "g": ["x", "y"]},
                         index=pd.Index(["a", "b"], name="doc_id"))
    table = keyness(doc_term_matrix(frame), ("g", "x"), min_count=1)
    assert table["term"].tolist() == ["乙", "甲", "丙"]  # 乙 and 甲 tie: code-point order
    assert table["stat"].iloc[0] == table["stat"].iloc[1]


def test_dispersion_guard(dunits):
    table = keyness(dunits, ("theme", "新质生产力"))
    row = table.set_index("term").loc["新质生产力"]
    assert (row["n_rows_target"], row["share_rows_target"]) == (16, pytest.approx(16 / 26))
    mask = (dunits.rows["theme"] == "新质生产力").to_numpy()
    j = dunits.vocabulary.index("新质生产力")
    assert (dunits.matrix[np.flatnonzero(mask)][:, j].toarray() > 0).sum() == 16
    guarded = keyness(dunits, ("theme", "新质生产力"), min_rows=3)
    hidden = table[(table["stat"] > 0) & (table["n_rows_target"] < 3)]
    assert len(hidden) > 0
    assert set(guarded["term"]) == set(table["term"]) - set(hidden["term"])
    # the guard hides rows; it does not change the correction
    kept = table.set_index("term").loc[guarded["term"], "p_adj"].to_numpy()
    np.testing.assert_array_equal(guarded["p_adj"].to_numpy(), kept)
    assert (guarded.loc[guarded["stat"] < 0, "n_rows_target"] < 3).any()  # negative keywords stay


def test_terms_filter(dunits):
    table = keyness(dunits, ("theme", "容错纠错"), terms=["健全", "要"])
    assert sorted(table["term"]) == ["健全", "要"]
    full = keyness(dunits, ("theme", "容错纠错")).set_index("term")
    assert table.set_index("term").loc["要", "p_adj"] == full.loc["要", "p_adj"]
    with pytest.raises(ValueError, match=r"unknown term\(s\) \['不存在的词'\] in terms="):
        keyness(dunits, ("theme", "容错纠错"), terms=["要", "不存在的词"])
    with pytest.raises(ValueError, match=r"term\(s\) \['三个区分开来'\] in terms= were not tested: fewer than "
                                         r"min_count=5 occurrences"):
        keyness(dunits, ("theme", "容错纠错"), terms=["三个区分开来"])
    with pytest.raises(ValueError, match=r"term\(s\) \['健全'\] in terms= are hidden by the dispersion guard "
                                         r"min_rows=5"):
        keyness(dunits, ("theme", "容错纠错"), terms=["健全"], min_rows=5)


# ----------------------------------------------------------------------------- errors
def test_errors_name_the_problem(dunits, ddocs):
    with pytest.raises(ValueError, match=r"the target group is empty: no row has theme == '不存在'"):
        keyness(dunits, ("theme", "不存在"))
    with pytest.raises(ValueError, match=r"the target group is empty \(0 rows selected\)"):
        keyness(dunits, np.zeros(dunits.shape[0], dtype=bool))
    with pytest.raises(ValueError, match=r"the target group is empty: pass target="):
        keyness(dunits)
    with pytest.raises(ValueError, match=r"the reference group is empty \(0 rows\)"):
        keyness(dunits, np.ones(dunits.shape[0], dtype=bool))
    with pytest.raises(ValueError, match=r"target and reference share 26 row\(s\)"):
        keyness(dunits, ("theme", "新质生产力"), ("doc_id", D002))
    with pytest.raises(ValueError, match=r"the document-term matrix has no rows"):
        keyness(ddocs.select_rows([]), ("theme", "新质生产力"))
    with pytest.raises(ValueError, match=r"measure must be one of \['g2', 'chi2', 'chi2_yates', 'pmi', 'log_ratio'\]"):
        keyness(dunits, ("theme", "新质生产力"), measure="lr")
    with pytest.raises(ValueError, match=r"correction must be one of"):
        keyness(dunits, ("theme", "新质生产力"), correction="holm")
    with pytest.raises(ValueError, match=r"pass either by= .* or target=/reference=, not both"):
        keyness(dunits, ("theme", "新质生产力"), by="theme")
    with pytest.raises(ValueError, match=r"by='nope' is not a column"):
        keyness(dunits, by="nope")
    with pytest.raises(KeyError, match=r"unknown row id\(s\) \['x'\]"):
        keyness(dunits, ["x"])
    with pytest.raises(TypeError, match=r"keyness\(\) expects a DocTermMatrix"):
        keyness(pd.DataFrame(), ("theme", "新质生产力"))
    with pytest.raises(ValueError, match=r"min_count must be a positive int; got 0"):
        keyness(dunits, ("theme", "新质生产力"), min_count=0)
    no_tokens = doc_term_matrix(pd.DataFrame({"tokens": [("创新",), ()], "g": ["x", "y"]},
                                             index=pd.Index(["a", "b"], name="doc_id")))
    with pytest.raises(ValueError, match=r"the target group has rows but no tokens"):
        keyness(no_tokens, ("g", "y"))


# --- document level: dispersion and leave-one-document-out (issue 18) --------------------------------------
def _units_frame():
    # target: documents A (two paragraphs) and B; reference: C.  新质生产力 sits mostly in A.
    rows = [("A", ("新质生产力",) * 8 + ("发展",) * 12), ("A", ("新质生产力",) * 4 + ("发展",) * 6),
            ("B", ("新质生产力",) * 1 + ("发展",) * 19 + ("改革",) * 10), ("C", ("新质生产力",) * 2 + ("发展",) * 98)]
    return pd.DataFrame({"doc_id": [d for d, _ in rows], "tokens": [t for _, t in rows],
                         "group": ["t", "t", "t", "r"]},
                        index=pd.Index(["A/p1", "A/p2", "B/p1", "C/p1"], name="unit_id"))


def test_keyness_document_dispersion_and_leave_one_out_by_hand():
    m = doc_term_matrix(_units_frame())
    table = keyness(m, ("group", "t"), correction=None, min_count=1).set_index("term")
    assert list(table.reset_index().columns) == list(KEYNESS_COLUMNS)
    row = table.loc["新质生产力"]
    assert (row["count_target"], row["n_rows_target"], row["n_docs_target"]) == (13, 3, 2)
    assert row["top_doc"] == "A" and row["top_doc_share"] == pytest.approx(12 / 13)
    # Gries' DP: A holds 30 of the target's 60 tokens and 12 of the 13 uses, B 30 and 1
    assert row["dp_target"] == pytest.approx(0.5 * (abs(12 / 13 - 0.5) + abs(1 / 13 - 0.5)))
    # without A: 1 of 30 target tokens against 2 of 100 reference tokens, as scipy computes it
    g2, p, _, _ = stats.chi2_contingency([[1, 2], [29, 98]], correction=False, lambda_="log-likelihood")
    assert row["stat_without_top"] == pytest.approx(g2, rel=1e-12) and row["stat_without_top"] > 0
    assert row["p_adj_without_top"] == pytest.approx(p, rel=1e-12)
    # a term the target never uses has no top document
    assert pd.isna(keyness(m, ("group", "r"), correction=None, min_count=1).set_index("term").loc["改革", "top_doc"])


def test_keyness_rows_that_are_documents_are_their_own_documents(ddocs):
    table = keyness(ddocs, ddocs.row_ids[:2], correction=None)
    assert (table["n_docs_target"] == table["n_rows_target"]).all()
    used = table[table["count_target"] > 0]
    assert used["top_doc"].isin(ddocs.row_ids[:2]).all() and used["dp_target"].between(0, 1).all()


def test_keyness_of_a_one_document_target_says_it_cannot_leave_one_out(dunits):
    # the seeds' themes: every theme's paragraphs come from one speech, so no term can be checked without it
    themed = keyness(dunits, by="theme")
    one_doc = themed[themed["group"] == "创新型县"]
    assert (one_doc["n_docs_target"] <= 1).all()
    assert one_doc["stat_without_top"].isna().all() and one_doc["p_adj_without_top"].isna().all()


def test_keyness_by_leaves_out_a_group_without_tokens_with_a_warning():
    # a period holding only empty documents stopped the report (found by the issue 16 review)
    frame = pd.DataFrame({"tokens": [("新质生产力",) * 6 + ("发展",) * 4, (), ("发展",) * 8 + ("创新",) * 2],
                          "year": ["2020", "2021", "2022"]}, index=pd.Index(["a", "b", "c"], name="doc_id"))
    with pytest.warns(UserWarning, match=r"keyness\(\): 1 group\(s\) of 'year' have rows but no tokens and are left "
                                         r"out of the comparisons \(still in every reference\): \['2021'\]"):
        table = keyness(doc_term_matrix(frame), by="year", min_count=1)
    assert sorted(table["group"].unique()) == ["2020", "2022"]
    assert table.attrs["keyness"]["skipped"] == ["2021"]
