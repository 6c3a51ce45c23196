"""Tests for corpusanalysis.features: document-term matrices, TF-IDF, top terms.

Fixtures are the real seeds (seeds/*.txt): load_seeds → clean → tokenize, at document and at
paragraph level, built once per module.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

import corpusanalysis as ca
from corpusanalysis.features import DocTermMatrix, WeightedMatrix, doc_term_matrix, tfidf, top_terms

D002 = "002_105d27af3b6cb7bc"  # 党课:坚持科技创新引领发展加快形成新质生产力


@pytest.fixture(scope="module")
def units(paragraphs):
    return paragraphs


@pytest.fixture(scope="module")
def dtm(docs):
    return doc_term_matrix(docs)


def _identity(x):
    return x


# ----------------------------------------------------------------------------- doc_term_matrix
def test_counts_equal_an_independent_counter(docs, dtm):
    assert dtm.shape == (5, 2077)
    assert dtm.matrix.format == "csr" and dtm.matrix.dtype == np.int64
    assert list(dtm.vocabulary) == sorted(dtm.vocabulary)
    assert dtm.row_ids == tuple(docs.index)
    dense = dtm.matrix.toarray()
    col = {t: i for i, t in enumerate(dtm.vocabulary)}
    for r, toks in enumerate(docs["tokens"]):
        counter = Counter(toks)
        assert {dtm.vocabulary[j]: int(v) for j, v in enumerate(dense[r]) if v} == dict(counter)
    assert dense[dtm.row_ids.index(D002), col["新质生产力"]] == 38
    assert dtm.n_tokens.tolist() == [1130, 1041, 1493, 960, 1461]
    assert dtm.n_tokens.tolist() == docs["n_tokens"].tolist()


def test_pruning_matches_countvectorizer(docs):
    for kwargs, n_terms in (({"min_df": 2}, 573), ({"max_df": 0.5}, 1800), ({"min_df": 2, "max_df": 4}, 521)):
        ours = doc_term_matrix(docs, **kwargs)
        ref = CountVectorizer(analyzer=_identity, lowercase=False, **kwargs).fit(docs["tokens"].tolist())
        assert list(ours.vocabulary) == ref.get_feature_names_out().tolist()
        assert ours.shape == (5, n_terms)
        # token totals are not changed by pruning: rates stay per running token
        assert ours.n_tokens.tolist() == [1130, 1041, 1493, 960, 1461]
    m3 = doc_term_matrix(docs, min_count=3)
    assert m3.shape == (5, 520)
    assert int(np.asarray(m3.matrix.sum(axis=0)).min()) == 3


def test_fixed_vocabulary_keeps_zero_columns(docs):
    m = doc_term_matrix(docs, vocabulary=["新质生产力", "容错纠错", "从未出现的词"])
    assert m.vocabulary == ("从未出现的词", "容错纠错", "新质生产力")
    assert m.matrix.toarray()[:, 0].tolist() == [0, 0, 0, 0, 0]
    assert m.matrix.toarray()[:, 2].tolist() == [0, 0, 38, 0, 0]
    with pytest.raises(ValueError, match=r"vocabulary= fixes the terms, so min_df, max_df and min_count cannot"):
        doc_term_matrix(docs, vocabulary=["创新"], min_df=2)


def test_rows_carry_metadata_not_text(dtm, units):
    assert dtm.unit == "document" and dtm.id_name == "doc_id"
    assert dtm.rows.index.name == "doc_id"
    for col in ("raw", "text", "tokens", "token_spans"):
        assert col not in dtm.rows.columns
    assert dtm.rows.loc[D002, "genre"] == "党课"
    mu = doc_term_matrix(units)
    assert mu.unit == "paragraph" and mu.id_name == "unit_id"
    assert mu.shape[0] == len(units) == 131
    assert {"doc_id", "section", "genre", "n_tokens"} <= set(mu.rows.columns)
    assert mu.n_tokens.sum() == units["n_tokens"].sum()
    sent = doc_term_matrix(ca.tokenize(ca.segment(ca.clean(ca.load_seeds().iloc[:1]), level="sentence")))
    assert sent.unit == "sentence"


def test_matrix_is_immutable_and_input_untouched(docs):
    before = docs.copy()
    m = doc_term_matrix(docs)
    pd.testing.assert_frame_equal(docs, before)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.unit = "paragraph"
    with pytest.raises(ValueError, match="read-only"):
        m.matrix.data[0] = 99


def test_select_rows_and_to_frame(dtm):
    by_mask = dtm.select_rows(dtm.rows["genre"] == "讲话")
    assert by_mask.row_ids == ("000_bf3418ef050fb5d6", "001_5f9d985e37db4bf6", "004_60d9a6d77e740d89")
    assert by_mask.vocabulary == dtm.vocabulary
    by_ids = dtm.select_rows(["004_60d9a6d77e740d89", "000_bf3418ef050fb5d6"])
    assert by_ids.row_ids == ("000_bf3418ef050fb5d6", "004_60d9a6d77e740d89")  # matrix order is kept
    assert dtm.select_rows(np.array([False, False, True, False, False])).n_tokens.tolist() == [1493]
    with pytest.raises(KeyError, match=r"unknown row id\(s\) \['999'\]"):
        dtm.select_rows(["999"])
    with pytest.raises(ValueError, match=r"one value per row \(5\); got shape \(2,\)"):
        dtm.select_rows(np.array([True, False]))
    long = dtm.to_frame()
    assert list(long.columns) == ["doc_id", "term", "count"]
    assert long["count"].sum() == 6085 == dtm.matrix.sum()
    row = long[(long["doc_id"] == D002) & (long["term"] == "新质生产力")]
    assert row["count"].tolist() == [38]
    blocks = list(dtm.iter_frames(rows=2))
    assert [b["doc_id"].nunique() for b in blocks] == [2, 2, 1]
    pd.testing.assert_frame_equal(pd.concat(blocks), long)
    with pytest.raises(ValueError, match="rows must be a positive int; got 0"):
        next(dtm.iter_frames(rows=0))


def test_term_frequencies(dtm):
    tf = dtm.term_frequencies()
    assert list(tf.columns) == ["term", "count", "n_rows"]
    assert tf.head(4).values.tolist() == [["发展", 85, 5], ["企业", 78, 5], ["科技", 78, 5], ["要", 78, 4]]


def test_group_sums_equal_counter_of_concatenated_units(units):
    mu = doc_term_matrix(units)
    g = mu.group_sums("doc_id")
    assert g.unit == "group" and g.id_name == "doc_id"
    assert g.row_ids == tuple(sorted(units["doc_id"].unique()))
    for r, doc in enumerate(g.row_ids):
        toks = [t for ts in units.loc[units["doc_id"] == doc, "tokens"] for t in ts]
        got = {g.vocabulary[j]: int(v) for j, v in enumerate(g.matrix[r].toarray().ravel()) if v}
        assert got == dict(Counter(toks))
        assert int(g.n_tokens[r]) == len(toks)
    assert g.rows["n_rows"].sum() == 131
    with pytest.raises(ValueError, match=r"by='nope' is not a column of the matrix's rows"):
        mu.group_sums("nope")
    with pytest.raises(ValueError, match=r"2 row\(s\) have no 'place' value"):
        doc_term_matrix(ca.tokenize(ca.clean(ca.load_seeds()))).select_rows(
            ["000_bf3418ef050fb5d6", "001_5f9d985e37db4bf6", "002_105d27af3b6cb7bc"]).group_sums("place")


def test_doc_term_matrix_errors(docs):
    with pytest.raises(ValueError, match=r"the frame has no rows; a document-term matrix needs at least one"):
        doc_term_matrix(docs.iloc[:0])
    with pytest.raises(ValueError, match=r"has no 'tokens' column .* run tokenize\(\) first"):
        doc_term_matrix(docs.drop(columns="tokens"))
    bad = docs.assign(tokens=docs["text"])
    with pytest.raises(TypeError, match=r"tokens\['000_bf3418ef050fb5d6'\] should be a tuple of str tokens; got str"):
        doc_term_matrix(bad)
    ints = pd.DataFrame({"tokens": [("创新",), ("创新", 2024)]}, index=pd.Index(["a", "b"], name="doc_id"))
    with pytest.raises(TypeError, match=r"tokens\['b'\] should be a tuple of str tokens; got tuple"):
        doc_term_matrix(ints)
    with pytest.raises(ValueError, match=r"doc_term_matrix\(\): the vocabulary is empty after min_df=6 and max_df=1.0: "
                                         r"no term occurs in at least 6 and at most 5 of the 5 rows"):
        doc_term_matrix(docs, min_df=6)
    with pytest.raises(ValueError, match=r"index must be unique row ids"):
        doc_term_matrix(pd.concat([docs.iloc[:1], docs.iloc[:1]]))
    with pytest.raises(ValueError, match=r"max_df as a float is a share of rows and must lie in \[0, 1\]; got 1.5"):
        doc_term_matrix(docs, max_df=1.5)
    with pytest.raises(TypeError, match=r"expects a tokenized DataFrame"):
        doc_term_matrix(["新质生产力"])


# ----------------------------------------------------------------------------- tfidf
@pytest.mark.parametrize("opts", [
    {},
    {"norm": None},
    {"norm": "l1", "smooth_idf": False},
    {"sublinear_tf": True},
    {"use_idf": False},
])
def test_tfidf_equals_tfidfvectorizer(docs, units, opts):
    for frame in (docs, units):
        ours = tfidf(doc_term_matrix(frame), **opts)
        ref = TfidfVectorizer(analyzer=_identity, lowercase=False, **opts)
        expected = ref.fit_transform(frame["tokens"].tolist())
        assert list(ours.vocabulary) == ref.get_feature_names_out().tolist()
        assert ours.matrix.dtype == np.float64 and ours.shape == expected.shape
        assert abs(ours.matrix - expected).max() < 1e-9
        if opts.get("use_idf", True):
            np.testing.assert_allclose(ours.idf, ref.idf_, rtol=0, atol=1e-12)


def test_weighted_matrix_keeps_counts(dtm):
    w = tfidf(dtm)
    assert isinstance(w, WeightedMatrix) and w.counts is dtm
    assert w.vocabulary == dtm.vocabulary and w.row_ids == dtm.row_ids and w.unit == "document"
    assert dict(w.weighting)["norm"] == "l2"
    assert sp.isspmatrix_csr(w.matrix) or w.matrix.format == "csr"
    with pytest.raises(ValueError, match=r"norm must be 'l2', 'l1' or None; got 'l3'"):
        tfidf(dtm, norm="l3")
    with pytest.raises(TypeError, match=r"expects a DocTermMatrix from doc_term_matrix\(\); got DataFrame"):
        tfidf(pd.DataFrame())
    empty = dtm.select_rows(np.zeros(5, dtype=bool))
    with pytest.raises(ValueError, match=r"the document-term matrix has no rows"):
        tfidf(empty)


# ----------------------------------------------------------------------------- top_terms
def test_top_terms_per_document(dtm):
    w = tfidf(dtm)
    top = top_terms(w, n=3)
    assert list(top.columns) == ["doc_id", "rank", "term", "weight", "count"]
    assert len(top) == 15
    t002 = top[top["doc_id"] == D002]
    assert t002["term"].tolist() == ["新质生产力", "发展", "科技创新"]
    assert t002["count"].tolist() == [38, 35, 25]
    assert t002["weight"].iloc[0] == pytest.approx(0.567519, abs=1e-6)
    # weights are the matrix's, counts the raw counts beside them
    r, c = dtm.row_ids.index(D002), dtm.vocabulary.index("新质生产力")
    assert t002["weight"].iloc[0] == w.matrix[r, c]
    # sorted by id, then weight descending
    assert top["doc_id"].tolist() == sorted(top["doc_id"].tolist())
    for _, part in top.groupby("doc_id"):
        assert part["weight"].is_monotonic_decreasing


def test_top_terms_ties_are_broken_by_term():
    frame = pd.DataFrame({"tokens": [("乙", "甲", "丙", "丁"), ("戊",)]}, index=pd.Index(["a", "b"], name="doc_id"))
    top = top_terms(tfidf(doc_term_matrix(frame)), n=3)
    assert top[top["doc_id"] == "a"]["term"].tolist() == sorted(["乙", "甲", "丙", "丁"])[:3]
    assert top["rank"].tolist() == [1, 2, 3, 1]


def test_top_terms_by_group_is_the_mean_weight(units):
    themed = ca.tokenize(ca.segment(ca.clean(ca.load_seeds()), level="paragraph"))
    themed = themed.assign(half=np.where(np.arange(len(themed)) % 2 == 0, "even", "odd"))
    m = doc_term_matrix(themed)
    w = tfidf(m)
    top = top_terms(w, by="half", n=4)
    assert list(top.columns) == ["half", "rank", "term", "weight", "count", "n_rows"]
    even = np.flatnonzero(m.rows["half"].to_numpy() == "even")
    dense = w.matrix.toarray()[even]
    counts = m.matrix.toarray()[even]
    first = top[top["half"] == "even"].iloc[0]
    j = m.vocabulary.index(first["term"])
    assert first["weight"] == pytest.approx(dense[:, j].mean(), abs=1e-15)
    assert first["count"] == counts[:, j].sum()
    assert first["n_rows"] == len(even) == 66
    assert dense.mean(axis=0).max() == pytest.approx(first["weight"], abs=1e-15)
    with pytest.raises(ValueError, match=r"by='theme' is not a column"):
        top_terms(w, by="theme")
    with pytest.raises(ValueError, match=r"n must be a positive int"):
        top_terms(w, n=0)
    with pytest.raises(TypeError, match=r"expects the WeightedMatrix of tfidf\(\)"):
        top_terms(themed)


def test_top_terms_of_counts(dtm):
    top = top_terms(dtm, n=1)
    assert top.set_index("doc_id").loc[D002, "term"] == "新质生产力"
    assert (top["weight"] == top["count"]).all()


def test_repr(dtm):
    assert repr(dtm) == "DocTermMatrix(5 document rows × 2077 terms, 6,085 counts, 6,085 tokens)"
    assert repr(tfidf(dtm)).startswith("WeightedMatrix(5 document rows × 2077 terms; scheme='tfidf', norm='l2'")
    assert isinstance(dtm, DocTermMatrix)


def test_prune_is_scikit_learns_min_df_max_df(docs):
    from sklearn.feature_extraction.text import CountVectorizer

    full = doc_term_matrix(docs)
    for min_df, max_df in ((2, 1.0), (1, 0.5), (0.4, 4), (3, 3)):
        ref = CountVectorizer(analyzer=lambda t: t, lowercase=False, min_df=min_df, max_df=max_df).fit(docs["tokens"])
        pruned = full.prune(min_df=min_df, max_df=max_df)
        assert list(pruned.vocabulary) == ref.get_feature_names_out().tolist()
        assert (pruned.n_tokens == full.n_tokens).all()  # rates stay per all tokens
    assert full.prune(min_count=20).vocabulary == tuple(
        t for t, c in zip(full.vocabulary, full.matrix.sum(axis=0).A1) if c >= 20)


def test_topic_models_prune_with_the_same_rule(docs):
    import corpusanalysis as ca

    model = ca.TopicModel(2, unit="document", min_df=2, max_df=4, random_state=0).fit(docs)
    assert model.vocabulary_ == doc_term_matrix(docs).prune(min_df=2, max_df=4).vocabulary


def test_top_terms_leave_function_words_out_of_the_ranking_not_the_counts(dtm):
    # issue 18: TF-IDF rows of the work reports were led by 要/年/家/工作
    frame = pd.DataFrame({"tokens": [("要", "要", "要", "年", "容错纠错"), ("工作", "工作", "新质生产力")]},
                         index=pd.Index(["a", "b"], name="doc_id"))
    m = doc_term_matrix(frame)
    assert top_terms(m, n=2)["term"].tolist() == ["容错纠错", "新质生产力"]
    plain = top_terms(m, n=2, exclude=None)
    assert plain["term"].tolist() == ["要", "容错纠错", "工作", "新质生产力"]  # ties by term
    assert plain["count"].tolist() == [3, 1, 2, 1]
    assert top_terms(m, n=1, exclude=["容错纠错", "工作"])["term"].tolist() == ["要", "新质生产力"]
    # on the seeds: the default top 10 of every speech holds no function word; without the list some rows do
    function = ca.load_stopwords("function")
    w = tfidf(dtm)
    assert not set(top_terms(w, n=10)["term"]) & function
    assert set(top_terms(w, n=10, exclude=None)["term"]) & function
    assert "要" in dtm.vocabulary  # still counted
