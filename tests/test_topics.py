"""Tests for corpusanalysis.topics: reproducible LDA, tidy outputs, k selection, prevalence, pyLDAvis."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import corpusanalysis as ca
from corpusanalysis.analysis import topics as tp
from corpusanalysis.analysis.topic_selection import SELECT_K_COLUMNS, choose_k, select_k
from corpusanalysis.analysis.topics import (
    PREVALENCE_COLUMNS,
    TOMOTOPY_ITERATIONS,
    TOPIC_TERMS_COLUMNS,
    TopicModel,
    align_topics,
    doc_topics,
    topic_coherence,
    topic_prevalence,
    topic_terms,
)
from corpusanalysis.features import doc_term_matrix

# Real paragraphs of the seed speeches (copied from the clean text, file in the comment).
EXCERPTS = {
    # seeds/001_5f9d985e37db4bf6.txt
    "001a": "创新思维方式是实施技术创新工程的前提。因此，全市科技部门要争当创新思维方式的先锋。",
    "001b": "凝炼科技项目是实施技术创新工程的“抓手”。因此，全市科技部门要争当凝炼科技项目的先锋。",
    # seeds/002_105d27af3b6cb7bc.txt
    "002a": "(一)聚焦科技创新策源功能，加强原创性、颠覆性技术攻关。充分发挥前沿技术的“增量器”“放大器”作用，"
            "以高水平科技自立自强为新质生产力发展提供强大支撑。",
    # seeds/003_6ca6cb6ed127d059.txt
    "003a": "问：近年来，江门市高新技术企业发展迅猛，请问江门市目前高新技术企业培育情况如何？下一步对高新技术企业的培育重点是什么？",
    "003b": "答：近年来，江门市扎实推进高企培育工作，高企发展呈现出由少到多、由弱到强的良好局面。",
    # seeds/004_60d9a6d77e740d89.txt
    "004a": "这些问题，既有共性因素，也有我们自身工作不到位的原因，是影响和制约我市创新创业水平提升的关键所在。"
            "我们必须拿出壮士断腕的勇气，敢于动真碰硬，一个一个加以破解。",
    "004b": "做好下一阶段的创新创业工作，必须坚持系统观念，聚焦核心环节，实施靶向治疗。要紧紧围绕“企业主体、成果转化、"
            "产业集群、生态营造”这四个关键点，集中发力，务求实效。",
}


@pytest.fixture(scope="module")
def excerpts() -> pd.DataFrame:
    frame = pd.DataFrame({"text": list(EXCERPTS.values()), "speech": [k[:3] for k in EXCERPTS]},
                         index=pd.Index(list(EXCERPTS), name="doc_id"))
    return ca.tokenize(frame)


@pytest.fixture(scope="module")
def units(paragraphs) -> pd.DataFrame:
    return paragraphs.assign(speech=paragraphs["doc_id"].str[:3])


@pytest.fixture(scope="module")
def model(units) -> TopicModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # four heading units without vocabulary terms
        return TopicModel(3).fit(units)


def _digest(m: TopicModel) -> str:
    h = hashlib.sha256()
    for arr in (m.doc_topic_.to_numpy(), m.topic_term_.to_numpy(), m.topic_share_.to_numpy()):
        h.update(np.ascontiguousarray(arr).tobytes())
    h.update("|".join(m.labels_).encode())
    return h.hexdigest()


# ----------------------------------------------------------------------------- reproducibility
def test_same_seed_gives_identical_arrays_in_process(units, model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        again = TopicModel(3).fit(units)
    assert np.array_equal(again.doc_topic_.to_numpy(), model.doc_topic_.to_numpy(), equal_nan=True)
    assert np.array_equal(again.topic_term_.to_numpy(), model.topic_term_.to_numpy())
    assert again.labels_ == model.labels_
    assert np.array_equal(again.model_.get_topics(), model.model_.get_topics())


@pytest.mark.slow
def test_same_seed_gives_identical_arrays_in_a_fresh_process(model, root):
    code = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "import corpusanalysis as ca, tests.test_topics as t\n"
        "units = ca.tokenize(ca.segment(ca.clean(ca.load_seeds()), level='paragraph'))\n"
        "print(t._digest(ca.TopicModel(3).fit(units)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONHASHSEED": "123"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == _digest(model)


def test_another_seed_gives_other_topics_that_align(units, model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        other = TopicModel(3, random_state=1).fit(units)
    assert not np.array_equal(other.topic_term_.to_numpy(), model.topic_term_.to_numpy())
    aligned = align_topics(model, other)
    assert list(aligned.columns) == ["topic_a", "label_a", "topic_b", "label_b", "similarity", "term_overlap"]
    assert sorted(aligned["topic_b"]) == [1, 2, 3]
    assert aligned["similarity"].between(0, 1).all()
    self_aligned = align_topics(model, model)
    assert self_aligned["topic_b"].tolist() == [1, 2, 3]
    assert np.allclose(self_aligned["similarity"], 1.0) and (self_aligned["term_overlap"] == 1.0).all()


# ----------------------------------------------------------------------------- the fitted model
def test_fitted_attributes_and_topic_order(model, units):
    k = 3
    assert model.doc_topic_.shape == (len(units), k)
    assert model.doc_topic_.index.name == "unit_id"
    assert model.doc_topic_.columns.tolist() == [1, 2, 3]
    assert model.topic_term_.index.tolist() == [1, 2, 3]
    assert list(model.vocabulary_) == sorted(model.vocabulary_)
    assert model.topic_term_.columns.tolist() == list(model.vocabulary_)
    assert np.allclose(model.topic_term_.sum(axis=1), 1.0)
    filled = model.doc_topic_.dropna()
    assert np.allclose(filled.sum(axis=1), 1.0)
    # the empty rows are the headings whose tokens are all pruned (min_df=2) or absent
    assert model.empty_rows_ == tuple(model.doc_topic_.index[model.doc_topic_.isna().any(axis=1)])
    assert (model.rows_.loc[list(model.empty_rows_), "n_terms"] == 0).all()
    # topics numbered by decreasing share of tokens; labels carry the id
    assert model.topic_share_.is_monotonic_decreasing
    assert np.isclose(model.topic_share_.sum(), 1.0)
    assert [lab.split(" ")[0] for lab in model.labels_] == ["T1", "T2", "T3"]
    # the gensim model is permuted into the same order
    assert np.allclose(model.model_.get_topics(), model.topic_term_.to_numpy(), rtol=0, atol=1e-15)  # same numbers up to rounding
    # issue 18: function words (年, 要, 加快 …) are left out of the labels, never out of the model
    assert model.labels_ == ("T1 发展·科技·新质生产力", "T2 企业·亿元·研发投入", "T3 高新技术企业·建设·科技")
    assert {"年", "要", "加快"} <= set(model.vocabulary_)


def test_label_exclude_none_labels_with_the_top_relevance_terms(units):
    plain = TopicModel(3, random_state=0, label_exclude=None).fit(units)
    assert plain.labels_ == ("T1 发展·科技·新质生产力", "T2 企业·年·要", "T3 高新技术企业·建设·科技")
    own = TopicModel(3, random_state=0, label_exclude=["企业", "发展"]).fit(units)
    assert own.labels_[0].startswith("T1 科技") and "企业" not in own.labels_[1]
    assert own.topic_term_.equals(plain.topic_term_)  # labels only: the model is the same


def test_label_exclude_bad_list_is_refused_before_fitting(units):
    with pytest.raises(ValueError, match="stopwords"):
        TopicModel(3, label_exclude="no/such/function_words.txt").fit(units)


def test_transform_of_training_rows_equals_doc_topic(model, units):
    assert model.transform(units).equals(model.doc_topic_)
    assert model.transform(units.iloc[[5, 3]]).equals(model.doc_topic_.iloc[[5, 3]])


def test_documents_are_split_into_the_same_paragraph_units(units, model, docs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from_docs = TopicModel(3).fit(docs)
    assert from_docs.unit_ == "paragraph"
    assert from_docs.doc_topic_.index.equals(model.doc_topic_.index)
    assert [tuple(t) for t in from_docs._data.texts] == [tuple(t) for t in units["tokens"]]
    assert np.array_equal(from_docs.topic_term_.to_numpy(), model.topic_term_.to_numpy())


def test_doc_term_matrix_input_gives_the_same_topics(units, model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from_dtm = TopicModel(3).fit(doc_term_matrix(units))
    assert from_dtm.vocabulary_ == model.vocabulary_
    assert np.array_equal(from_dtm.topic_term_.to_numpy(), model.topic_term_.to_numpy())
    note = topic_coherence(from_dtm, measures="c_npmi")["note"].iloc[0]
    assert note == "c_v/c_npmi windows slide over texts rebuilt from counts (word order lost)"
    with pytest.raises(ValueError, match=r"unit='document' but the DocTermMatrix has paragraph rows"):
        TopicModel(3, unit="document").fit(doc_term_matrix(units))


def test_units_joined_into_documents(units, seeds):
    m = TopicModel(2, unit="document", min_df=1).fit(units)
    assert m.doc_topic_.index.name == "doc_id"
    assert m.doc_topic_.index.tolist() == sorted(units["doc_id"].unique())
    assert m.rows_["n_tokens"].tolist() == units.groupby("doc_id")["n_tokens"].sum().tolist()
    assert m.rows_["genre"].tolist() == seeds["genre"].tolist()


def test_get_set_params_and_repr():
    m = TopicModel(4, passes=5)
    assert m.get_params()["n_topics"] == 4 and m.get_params()["passes"] == 5
    assert repr(m) == "TopicModel(n_topics=4, passes=5)"
    assert m.set_params(n_topics=6) is m and m.n_topics == 6
    with pytest.raises(ValueError, match=r"Invalid parameter 'k' for TopicModel"):
        m.set_params(k=3)


# ----------------------------------------------------------------------------- errors
def test_fit_errors_name_the_argument(excerpts):
    with pytest.raises(ValueError, match=r"n_topics must be an int >= 2 \(the number of topics k\); got 1"):
        TopicModel(1, unit="document").fit(excerpts)
    with pytest.raises(ValueError, match=r"n_topics must be an int >= 2 .*; got '3'"):
        TopicModel("3", unit="document").fit(excerpts)
    with pytest.raises(ValueError, match=r"n_topics=9: k=9 exceeds the 7 rows with terms: more topics than documents"):
        TopicModel(9, unit="document", min_df=1).fit(excerpts)
    with pytest.raises(ValueError, match=r"n_topics=6: k=6 exceeds the vocabulary of 4 terms \(lower min_df, or choose k <= 4\)"):
        TopicModel(6, unit="document", min_df=3).fit(excerpts)
    with pytest.raises(ValueError, match=r"the vocabulary is empty after min_df=8 and max_df=1.0: no term occurs in "
                                         r"at least 8 and at most 7 of the 7 rows"):
        TopicModel(2, unit="document", min_df=8).fit(excerpts)
    with pytest.raises(ValueError, match=r"random_state must be an int seed in \[0, 2\*\*32\); got None"):
        TopicModel(2, unit="document", random_state=None).fit(excerpts)
    with pytest.raises(ValueError, match=r"unit must be one of \['paragraph', 'sentence', 'document'\] or None"):
        TopicModel(2, unit="chapter").fit(excerpts)
    with pytest.raises(ValueError, match=r"TopicModel.fit\(\): the frame has no 'tokens' column"):
        TopicModel(2, unit="document").fit(excerpts.drop(columns="tokens"))
    with pytest.raises(TypeError, match=r"expects a tokenized DataFrame \(from tokenize\(\)\) or a DocTermMatrix; got list"):
        TopicModel(2).fit([["创新"]])
    with pytest.raises(ValueError, match=r"min_df as a float is a share of rows and must lie in \[0, 1\]; got 1.5"):
        TopicModel(2, unit="document", min_df=1.5).fit(excerpts)


def test_unit_conversions_that_cannot_be_done(units, excerpts):
    with pytest.raises(ValueError, match=r"unit='sentence' but the frame holds paragraph units, which cannot be turned "
                                         r"into sentences"):
        TopicModel(2, unit="sentence").fit(units)
    with pytest.raises(ValueError, match=r"unit='paragraph' splits documents into paragraphs, which needs the "
                                         r"'token_spans' column"):
        TopicModel(2).fit(excerpts.drop(columns="token_spans"))


def test_not_fitted_errors():
    m = TopicModel(3)
    for call in (lambda: topic_terms(m), lambda: doc_topics(m), lambda: topic_prevalence(m, "theme"),
                 lambda: m.transform(pd.DataFrame()), lambda: topic_coherence(m), lambda: m.perplexity()):
        with pytest.raises(ValueError, match=r"this TopicModel instance is not fitted yet; call fit\(\)"):
            call()
    with pytest.raises(TypeError, match=r"topic_terms\(\) expects a fitted TopicModel; got str"):
        topic_terms("model")


def test_empty_rows_warn(excerpts):
    frame = pd.concat([excerpts, pd.DataFrame({"text": ["。"], "tokens": [()], "speech": ["x"]},
                                              index=pd.Index(["empty"], name="doc_id"))])
    with pytest.warns(UserWarning, match=r"TopicModel.fit\(\): 1 of 8 rows have no term of the vocabulary "
                                         r"\(e.g. \['empty'\]\); they are left out of fitting, get NaN topic shares"):
        m = TopicModel(2, unit="document", min_df=1).fit(frame)
    assert m.doc_topic_.loc["empty"].isna().all()
    assert "empty" not in doc_topics(m)["doc_id"].tolist()


# ----------------------------------------------------------------------------- tidy tables
def test_topic_terms_table(model, units):
    terms = topic_terms(model, n=5)
    assert tuple(terms.columns) == TOPIC_TERMS_COLUMNS
    assert len(terms) == 15
    assert terms["rank"].tolist() == [1, 2, 3, 4, 5] * 3
    assert (terms.groupby("topic")["relevance"].apply(lambda s: s.is_monotonic_decreasing)).all()
    # counts are the raw corpus counts; relevance follows Sievert & Shirley
    counts = doc_term_matrix(units, min_df=2).term_frequencies().set_index("term")["count"]
    assert terms["count"].tolist() == counts.loc[terms["term"]].tolist()
    row = terms.iloc[0]
    p_w = counts[row["term"]] / counts.sum()
    assert np.isclose(row["relevance"], 0.6 * np.log(row["prob"]) + 0.4 * np.log(row["prob"] / p_w))
    assert row["prob"] == model.topic_term_.loc[1, row["term"]]
    # labels are the top-3 relevance terms
    assert model.labels_[0] == "T1 " + "·".join(terms[terms["topic"] == 1]["term"].head(3))
    by_prob = topic_terms(model, n=5, sort="prob")
    assert (by_prob.groupby("topic")["prob"].apply(lambda s: s.is_monotonic_decreasing)).all()
    assert topic_terms(model, n=5, relevance_lambda=1.0)["term"].tolist() == by_prob["term"].tolist()
    with pytest.raises(ValueError, match=r"sort must be 'relevance' or 'prob'; got sort='lift'"):
        topic_terms(model, sort="lift")
    with pytest.raises(ValueError, match=r"relevance_lambda must be a float in \[0, 1\]; got 2"):
        topic_terms(model, relevance_lambda=2)


def test_doc_topics_table(model):
    table = doc_topics(model)
    assert list(table.columns) == ["unit_id", "doc_id", "topic", "label", "share", "rank", "n_terms"]
    n_rows = len(model.doc_topic_) - len(model.empty_rows_)
    assert len(table) == 3 * n_rows
    assert np.allclose(table.groupby("unit_id", sort=False)["share"].sum(), 1.0)
    top = doc_topics(model, n=1)
    assert len(top) == n_rows
    expected = model.doc_topic_.dropna().idxmax(axis=1)
    assert top["topic"].tolist() == expected.tolist()
    assert (doc_topics(model, min_share=0.5)["share"] >= 0.5).all()


# ----------------------------------------------------------------------------- coherence and k
def test_coherence_uses_one_process_and_matches_gensim(model, monkeypatch):
    from gensim.models import CoherenceModel

    seen = []
    original = CoherenceModel.__init__

    def spy(self, *args, **kwargs):
        seen.append(kwargs.get("processes"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(CoherenceModel, "__init__", spy)
    table = topic_coherence(model)
    assert seen == [1, 1, 1]
    assert list(table.columns) == ["topic", "label", "share", "c_v", "c_npmi", "u_mass", "note"]
    assert table[["c_v", "c_npmi", "u_mass"]].notna().all().all() and (table["note"] == "").all()
    # the same numbers as gensim's CoherenceModel on the model's top-10 terms and the unit texts
    monkeypatch.setattr(CoherenceModel, "__init__", original)
    top = [topic_terms(model, n=10, sort="prob").query("topic == @t")["term"].tolist() for t in (1, 2, 3)]
    cm = CoherenceModel(topics=top, texts=model._data.texts, dictionary=model._dictionary, coherence="c_npmi",
                        topn=10, processes=1)
    assert np.allclose(table["c_npmi"], cm.get_coherence_per_topic())


@pytest.fixture(scope="module")
def k_table(units):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return select_k(units, [3, 5], random_state=(0, 1))


@pytest.mark.slow
def test_select_k_table_on_the_seeds_has_no_nan(k_table, model):
    assert tuple(k_table.columns) == SELECT_K_COLUMNS
    assert k_table[["k", "seed"]].to_numpy().tolist() == [[3, 0], [3, 1], [5, 0], [5, 1]]
    numeric = k_table.drop(columns="note")
    assert numeric.notna().all().all()
    assert (k_table["note"] == "").all()
    assert k_table["stability"].between(0, 1).all() and k_table["diversity"].between(0, 1).all()
    # the (k=3, seed=0) row describes TopicModel(3, random_state=0)
    row = k_table.iloc[0]
    coh = topic_coherence(model)
    assert np.isclose(row["c_npmi"], coh["c_npmi"].mean()) and np.isclose(row["c_v"], coh["c_v"].mean())
    assert np.isclose(row["perplexity"], model.perplexity())
    # stability is symmetric between the two seeds
    assert k_table.loc[0, "stability"] == k_table.loc[1, "stability"]


def test_select_k_records_what_cannot_be_computed(excerpts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        table = select_k(excerpts, [2, 9], random_state=(0,), unit="document", min_df=1, null=False, measures="c_npmi")
    assert table.loc[0, "note"] == ("stability needs at least two seeds; no shuffled-corpus baseline (null=False)")
    assert np.isnan(table.loc[0, "stability"]) and np.isfinite(table.loc[0, "c_npmi"])
    assert table.loc[1, "note"].startswith("k=9 exceeds the 7 rows with terms")
    assert table.loc[1, ["c_npmi", "perplexity", "stability"]].isna().all()
    assert table[["c_v", "u_mass"]].isna().all().all()  # measures not asked for


def test_select_k_empty_topic_is_noted_not_averaged():
    docs = pd.DataFrame({"tokens": [("创新", "科技", "创新"), ("容错纠错", "干部", "干部"), ("科技", "创新"),
                                    ("干部", "容错纠错"), ("县域", "科技")]},
                        index=pd.Index(list("abcde"), name="doc_id"))
    table = select_k(docs, [3], random_state=(0, 1), unit="document", min_df=1, measures="u_mass")
    assert table["n_empty_topics"].tolist() == [1, 1]
    assert "T3 is empty" in table.loc[0, "note"] and "coherence is the mean over 2 of 3 topics" in table.loc[0, "note"]
    assert table["u_mass"].notna().all()


def test_select_k_argument_errors(excerpts):
    with pytest.raises(ValueError, match=r"ks must hold ints >= 2 \(numbers of topics\); got 1"):
        select_k(excerpts, [1, 3], unit="document")
    with pytest.raises(ValueError, match=r"random_state must be distinct int seeds"):
        select_k(excerpts, [2], random_state=(0, 0), unit="document")
    with pytest.raises(ValueError, match=r"coherence measures must be among \['c_v', 'c_npmi', 'u_mass'\]; got \['c_uci'\]"):
        select_k(excerpts, [2], unit="document", measures="c_uci")


def test_choose_k_rule():
    table = pd.DataFrame({"k": [3, 3, 4, 4, 5, 5, 6, 6], "seed": [0, 1] * 4,
                          "c_npmi": [0.10, 0.12, 0.1104, 0.1104, 0.20, 0.22, 0.30, 0.30],
                          "stability": [0.9, 0.9, 0.8, 0.8, 0.6, 0.6, 0.75, 0.75],
                          "stability_null": [0.5] * 6 + [0.8, 0.8]})
    k, reason = choose_k(table)
    # 5 is unstable, 6 is no more stable than the shuffled baseline; 3 and 4 tie at 3 decimals → 3
    assert k == 3
    assert reason == ("k=3: highest mean c_npmi (0.110 over 2 seeds) (tied with k = 4 at 3 decimals; the smaller k "
                      "wins) among the k whose topics are stable across seeds (mean 1 − JSD ≥ 0.7 and above the "
                      "shuffled-corpus baseline): eligible k = 3, 4 (not eligible: 5, 6); its stability 0.900 "
                      "(baseline 0.500).")
    assert choose_k(table, decimals=4)[0] == 4
    assert choose_k(table.drop(columns="stability_null"))[0] == 6
    k, reason = choose_k(table, min_stability=0.95)
    assert k == 3 and reason.startswith("k=3: no k has stable topics (mean 1 − JSD ≥ 0.95 and above the shuffled")
    with pytest.raises(ValueError, match=r"choose_k\(\): table lacks column\(s\) \['stability'\]"):
        choose_k(table.drop(columns="stability"))
    with pytest.raises(ValueError, match=r"metric must be one of"):
        choose_k(table, metric="perplexity")


@pytest.mark.slow  # fits select_k on the seeds
def test_choose_k_on_the_seeds(k_table):
    k, reason = choose_k(k_table)
    assert k == 3
    assert reason.startswith("k=3: highest mean c_npmi")


# ----------------------------------------------------------------------------- prevalence
def test_topic_prevalence_by_metadata_column(model):
    # issue 18: each speech is one document: its paragraphs are not independent draws, so no interval
    docs = topic_prevalence(model, "speech", n_boot=300)
    assert tuple(docs.columns) == PREVALENCE_COLUMNS
    assert docs["ci_low"].isna().all() and docs["ci_high"].isna().all()
    assert (docs["level"] == "document").all() and (docs["n_docs"] == 1).all()
    assert docs["note"].iloc[0] == "one document (20 paragraph rows, not independent draws): no interval"
    assert docs.attrs["level"] == "document" and docs.attrs["cluster"] == "doc_id"
    # the row-level interval on request (cluster=None), as before
    prev = topic_prevalence(model, "speech", n_boot=300, cluster=None)
    assert docs["share"].equals(prev["share"])
    assert (prev["level"] == "paragraph").all() and (prev["n_docs"] == prev["n_units"]).all()
    assert prev["group"].unique().tolist() == ["000", "001", "002", "003", "004"]
    assert np.allclose(prev.groupby("group")["share"].sum(), 1.0)
    assert (prev["ci_low"] <= prev["share"] + 1e-12).all() and (prev["share"] <= prev["ci_high"] + 1e-12).all()
    filled = model.rows_[model.rows_["n_terms"] > 0]
    assert prev.drop_duplicates("group")["n_units"].tolist() == filled.groupby("speech").size().tolist()
    assert prev.drop_duplicates("group")["n_tokens"].tolist() == filled.groupby("speech")["n_terms"].sum().tolist()
    assert prev.attrs == {"by": "speech", "ci": 0.95, "n_boot": 300, "weight": "tokens", "level": "paragraph",
                          "cluster": None}
    again = topic_prevalence(model, "speech", n_boot=300, cluster=None)
    assert again.equals(prev)
    other = topic_prevalence(model, "speech", n_boot=300, random_state=1, cluster=None)
    assert other["share"].equals(prev["share"]) and not other["ci_low"].equals(prev["ci_low"])


def test_topic_prevalence_weights_and_series_groups(model, units):
    themes = pd.Series(np.where(units["doc_id"].str.startswith("002"), "新质生产力", "general"), index=units.index)
    prev = topic_prevalence(model, themes, weight="units", n_boot=50)
    theta = model.doc_topic_.dropna()
    mean = theta[themes.reindex(theta.index) == "新质生产力"].mean()
    assert np.allclose(prev[prev["group"] == "新质生产力"]["share"], mean.to_numpy())
    # token weighting: expected token assignments (prior removed), summed over the group
    tok = topic_prevalence(model, themes, n_boot=50)
    assert not np.allclose(tok["share"], prev["share"])
    # "general" spans four speeches: an interval from resampling them; 新质生产力 is one speech: none
    general, one = tok[tok["group"] == "general"], tok[tok["group"] == "新质生产力"]
    assert (general["n_docs"] == 4).all() and general["ci_low"].notna().all()
    assert (general["note"] == "4 documents: a rough interval").all()
    assert one["ci_low"].isna().all() and (one["n_docs"] == 1).all()
    # clustering widens the interval against resampling the paragraphs one by one
    rows = topic_prevalence(model, themes, n_boot=400, cluster=None)
    wide = topic_prevalence(model, themes, n_boot=400)
    width = lambda t: (t["ci_high"] - t["ci_low"])[t["group"] == "general"].to_numpy()  # noqa: E731
    assert (width(wide) > width(rows)).all()


def test_topic_prevalence_errors_and_single_unit_groups(model, units):
    with pytest.raises(ValueError, match=r"by='theme' is not a column of the rows the model was fitted on; "
                                         r"available: \['doc_id', 'para_id'"):
        topic_prevalence(model, "theme")
    with pytest.raises(ValueError, match=r"the by= Series has no value for 127 row id\(s\) of the model"):
        topic_prevalence(model, pd.Series(["a"], index=["x"]))
    partial = pd.Series("g", index=units.index)
    partial.iloc[2] = None
    with pytest.raises(ValueError, match=r"1 row\(s\) have no 'group' value"):
        topic_prevalence(model, partial)
    with pytest.raises(ValueError, match=r"ci must be a confidence level in \(0, 1\), e.g. 0.95; got 95"):
        topic_prevalence(model, "speech", ci=95)
    single = pd.Series("rest", index=units.index)
    single.iloc[5] = "one"
    prev = topic_prevalence(model, single, n_boot=20)
    one = prev[prev["group"] == "one"]
    assert one["ci_low"].isna().all() and (one["note"] == "one document: no interval").all()
    with pytest.raises(ValueError, match=r"cluster='speaker' is not a column of the rows the model was fitted on; "
                                         r"use 'auto' \(documents\), None"):
        topic_prevalence(model, "speech", cluster="speaker")


def test_cluster_bootstrap_covers_the_truth_where_the_row_bootstrap_does_not():
    # simulated corpus: 60 documents of 12 paragraphs; each document has its own topic share (between-document
    # spread), its paragraphs scatter around it.  The population share is 0.3.  (With 30 documents the
    # percentile bootstrap covers ≈ 91 %: few clusters undercover, as known.)
    rng = np.random.default_rng(18)
    covered = {"document": 0, "row": 0}
    trials = 300
    for _ in range(trials):
        doc_share = rng.beta(3, 7, size=60)                        # mean 0.3
        para = np.clip(np.repeat(doc_share, 12) + rng.normal(0, 0.05, 720), 0, 1)
        tokens = rng.integers(20, 60, size=720).astype(float)
        num = (para * tokens)[:, None]
        clusters = np.repeat(np.arange(60), 12)
        for name, cl in (("document", clusters), ("row", None)):
            low, high = tp.cluster_bootstrap(num, tokens, cl, n_boot=300, ci=0.95, rng=rng)
            covered[name] += int(low[0] <= 0.3 <= high[0])
    assert 0.92 <= covered["document"] / trials <= 0.98   # ≈ 95 % (measured 0.933)
    assert covered["row"] / trials < 0.6                   # paragraphs as independent draws: far too narrow


# ----------------------------------------------------------------------------- pyLDAvis
def test_export_ldavis_keeps_topic_ids(model, tmp_path):
    pytest.importorskip("pyLDAvis")
    path = tp.export_ldavis(model, tmp_path / "topics.html")
    text = path.read_text(encoding="utf-8")
    assert '"topic.order": [1, 2, 3]' in text
    assert "<td>Topic 1</td><td>T1 发展·科技·新质生产力</td>" in text
    assert "d3js.org v5" in text and 'src="https://' not in text  # D3 and LDAvis inlined: works offline
    again = tp.export_ldavis(model, tmp_path / "again.html")
    assert again.read_bytes() == path.read_bytes()
    with pytest.raises(ValueError, match=r"writes an HTML page; path='x.png' should end in '.html'"):
        tp.export_ldavis(model, "x.png")


def test_export_ldavis_without_pyldavis_says_what_to_install(model, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyLDAvis", None)
    with pytest.raises(ImportError, match=r"export_ldavis\(\) needs pyLDAvis \(pip install 'pyLDAvis>=3.4.1'\)"):
        tp.export_ldavis(model, tmp_path / "topics.html")


# ----------------------------------------------------------------------------- backends
@pytest.fixture(scope="module")
def tomotopy_model(units) -> TopicModel:
    pytest.importorskip("tomotopy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return TopicModel(3, backend="tomotopy").fit(units)


def test_tomotopy_is_reproducible_with_one_worker(units, tomotopy_model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        again = TopicModel(3, backend="tomotopy").fit(units)
        other = TopicModel(3, backend="tomotopy", random_state=1).fit(units)
    assert _digest(again) == _digest(tomotopy_model)
    assert _digest(other) != _digest(tomotopy_model)
    assert tomotopy_model.backend_ == "tomotopy" and sorted(tomotopy_model.model_topics_) == [0, 1, 2]


def test_backends_give_results_of_the_same_form(units, model, tomotopy_model):
    for m in (model, tomotopy_model):
        assert m.doc_topic_.index.equals(model.doc_topic_.index)
        assert m.topic_term_.columns.equals(model.topic_term_.columns)  # one vocabulary, same pruning
        assert np.allclose(m.doc_topic_.dropna().sum(axis=1), 1) and np.allclose(m.topic_term_.sum(axis=1), 1)
        # topics numbered by decreasing share, labels from relevance
        assert (np.diff(m.topic_share_.to_numpy()) <= 1e-12).all() and len(m.labels_) == 3
    same_columns = [
        (topic_terms(model), topic_terms(tomotopy_model)), (doc_topics(model), doc_topics(tomotopy_model)),
        (topic_coherence(model), topic_coherence(tomotopy_model)),
        (topic_prevalence(model, "speech", n_boot=50), topic_prevalence(tomotopy_model, "speech", n_boot=50)),
        (align_topics(model, tomotopy_model), align_topics(tomotopy_model, model)),
    ]
    for a, b in same_columns:
        assert list(a.columns) == list(b.columns) and a.dtypes.equals(b.dtypes) and len(a) == len(b)
    # reference: tomotopy itself with the same rows, priors and seed; topic_term_ and doc_topic_ are the
    # average of the last five Gibbs samples (one sweep apart), reordered by model_topics_
    import tomotopy as tp

    fitted = tomotopy_model.model_
    ref = tp.LDAModel(k=3, alpha=list(fitted.alpha), eta=fitted.eta, seed=0, min_cf=0, min_df=0, rm_top=0)
    ref.optim_interval, ref.burn_in = 0, 0
    for doc in fitted.docs:
        ref.add_doc([fitted.used_vocabs[w] for w in doc.words])
    ref.train(TOMOTOPY_ITERATIONS - 4, workers=1)
    phi, theta = np.zeros((3, len(ref.used_vocabs))), np.zeros((len(ref.docs), 3))
    for sample in range(5):
        if sample:
            ref.train(1, workers=1)
        phi += [np.asarray(ref.get_topic_word_dist(t)) for t in range(3)]
        theta += [np.bincount(np.asarray(doc.topics, dtype=np.int64), minlength=3) for doc in ref.docs]
    order = list(tomotopy_model.model_topics_)
    phi = phi[order] / phi[order].sum(axis=1, keepdims=True)
    assert np.allclose(tomotopy_model.topic_term_[list(ref.used_vocabs)].to_numpy(), phi, atol=1e-6)
    theta = theta[:, order] / 5 + np.asarray(fitted.alpha)[order]
    assert np.allclose(tomotopy_model.doc_topic_.dropna().to_numpy(), theta / theta.sum(axis=1, keepdims=True))


def test_tomotopy_transform_is_seeded_and_row_independent(units, tomotopy_model):
    rows = units.iloc[:12]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        first = tomotopy_model.transform(units)
        again = tomotopy_model.transform(rows)
    pd.testing.assert_frame_equal(first.iloc[:12], again)
    fitted = tomotopy_model.doc_topic_.dropna()
    # a fresh sample of the training rows: close to doc_topic_ (same dominant topic for most rows), not equal
    agree = (first.loc[fitted.index].idxmax(axis=1) == fitted.idxmax(axis=1)).mean()
    assert agree > 0.8


def test_tomotopy_model_pickles(tomotopy_model):
    import pickle

    back = pickle.loads(pickle.dumps(tomotopy_model))
    assert _digest(back) == _digest(tomotopy_model)
    assert np.allclose(back.model_.get_topic_word_dist(0), tomotopy_model.model_.get_topic_word_dist(0))


def test_tomotopy_perplexity_and_export(tomotopy_model, tmp_path):
    assert tomotopy_model.perplexity() == pytest.approx(float(np.exp(-tomotopy_model.model_.ll_per_word)))
    pytest.importorskip("pyLDAvis")
    text = tp.export_ldavis(tomotopy_model, tmp_path / "t.html").read_text(encoding="utf-8")
    assert '"topic.order": [1, 2, 3]' in text and f"<td>Topic 1</td><td>{tomotopy_model.labels_[0]}</td>" in text


def test_tomotopy_recovers_separable_topics():
    pytest.importorskip("tomotopy")
    docs = pd.DataFrame({"tokens": [
        ("新质生产力", "产业", "科技创新", "产业"), ("新质生产力", "科技创新", "产业"),
        ("容错纠错", "干部", "担当", "干部"), ("干部", "容错纠错", "担当"),
        ("创新型县", "县域", "科技", "县域"), ("县域", "创新型县", "科技")] * 5},
        index=pd.Index([f"d{i:02d}" for i in range(30)], name="doc_id"))
    m = TopicModel(3, unit="document", backend="tomotopy").fit(docs)
    groups = m.doc_topic_.idxmax(axis=1).to_numpy().reshape(5, 6)
    assert (groups == groups[0]).all() and len(set(groups[0][::2])) == 3
    assert (groups[0][0::2] == groups[0][1::2]).all()


def test_backend_errors_name_the_argument(excerpts):
    with pytest.raises(ValueError, match=r"backend must be one of \['gensim', 'tomotopy'\]; got 'mallet'"):
        TopicModel(2, backend="mallet").fit(excerpts)
    with pytest.raises(ValueError, match=r"passes= is a setting of backend='gensim'.*Got passes=5"):
        TopicModel(2, backend="tomotopy", passes=5).fit(excerpts)
    with pytest.raises(ValueError, match=r"backend='gensim' fits in one process.*got workers=2"):
        TopicModel(2, workers=2).fit(excerpts)
    with pytest.raises(ValueError, match=r"one symmetric topic-term prior; eta must be None.*got 'auto'"):
        TopicModel(2, backend="tomotopy", eta="auto").fit(excerpts)
    with pytest.raises(ValueError, match=r"alpha has 3 values; one per topic \(2\) is needed"):
        TopicModel(2, backend="tomotopy", alpha=[0.1, 0.2, 0.3]).fit(excerpts)


def test_tomotopy_priors_follow_gensim():
    from corpusanalysis.analysis._lda import tomotopy_priors

    assert tomotopy_priors(4, "symmetric", None, "x") == (0.25, 0.25, False)
    asym, _, _ = tomotopy_priors(4, "asymmetric", 0.1, "x")
    prior = 1.0 / (np.arange(4) + 2.0)
    assert np.allclose(asym, prior / prior.sum())
    assert tomotopy_priors(4, "auto", "symmetric", "x") == (0.25, 0.25, True)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["gensim", "tomotopy"])
def test_select_k_in_worker_processes_equals_one_process(units, backend):
    pytest.importorskip("tomotopy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        one = select_k(units, [2, 3], random_state=(0, 1), backend=backend, measures="u_mass")
        two = select_k(units, [2, 3], random_state=(0, 1), backend=backend, measures="u_mass", workers=2)
    pd.testing.assert_frame_equal(one, two)
    assert tuple(one.columns) == SELECT_K_COLUMNS and one[["stability", "stability_null"]].notna().all().all()


def test_select_k_tomotopy_row_describes_the_model(units):
    pytest.importorskip("tomotopy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        table = select_k(units, 3, random_state=(0, 1), backend="tomotopy", measures=("c_npmi", "u_mass"))
        m = TopicModel(3, backend="tomotopy").fit(units)
    coh = topic_coherence(m, measures=("c_npmi", "u_mass"))
    row = table.iloc[0]
    assert np.isclose(row["c_npmi"], coh["c_npmi"].mean()) and np.isclose(row["perplexity"], m.perplexity())


@pytest.mark.parametrize("backend", ["gensim", "tomotopy"])
def test_progress_bar_shows_and_changes_nothing(units, backend, capsys):
    pytest.importorskip("tomotopy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        quiet = TopicModel(3, backend=backend, iterations=20).fit(units)
        shown = TopicModel(3, backend=backend, iterations=20, progress=True).fit(units)
    err = capsys.readouterr().err
    assert f"LDA k=3 ({backend})" in err
    pd.testing.assert_frame_equal(quiet.topic_term_, shown.topic_term_)
    pd.testing.assert_frame_equal(quiet.doc_topic_, shown.doc_topic_)
    assert "progress=True" in repr(shown) and "progress" not in repr(quiet)
    pickle.loads(pickle.dumps(shown))  # the bar is not kept in the model


def test_shuffled_twin_words_are_the_shuffled_bag_of_words(units):
    # issue 15: the tomotopy twin of select_k gets its word lists by array operations; they must be the rows of
    # the shuffled bag of words (same deal, each row's tokens in vocabulary order), so the twin fit is unchanged
    from corpusanalysis.analysis import _lda
    from corpusanalysis.analysis.topic_selection import _shuffled, _shuffled_words

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        data = _lda.prepare(units, unit="paragraph", min_df=1, max_df=1.0, where="test")
    for seed in (0, 7):
        vocab = data.vocabulary
        expected = [[vocab[j] for j, c in row for _ in range(c)] for row in _shuffled(data, seed)]
        assert _shuffled_words(data, seed) == expected
    rows = _shuffled_words(data, 0)
    assert sum(map(len, rows)) == int(data.counts.sum()) and rows != _shuffled_words(data, 1)


@pytest.mark.parametrize("window", [1, 2, 10, 110])
def test_sliding_window_counts_are_gensims(window):
    # issue 15: c_v and c_npmi counts made with array operations must be gensim's own, window by window,
    # including gensim's way of sliding (a repeated word that left is unset) and texts shorter than the window
    import random

    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel
    from gensim.topic_coherence.probability_estimation import unique_ids_from_segments
    from gensim.topic_coherence.text_analysis import WordOccurrenceAccumulator

    from corpusanalysis.analysis._lda import sliding_window_accumulator

    rng = random.Random(window)
    vocab = [f"w{i}" for i in range(30)]
    texts = [[rng.choice(vocab[:rng.randint(3, 30)]) for _ in range(rng.choice([0, 1, 2, 5, 9, 10, 11, 40, 120]))]
             for _ in range(300)]
    dictionary = Dictionary(texts)
    topics = [rng.sample(vocab[:25], 6) for _ in range(8)]
    cm = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence="c_npmi", topn=6,
                        window_size=window)
    segmented = cm.segment_topics()
    ref = WordOccurrenceAccumulator(unique_ids_from_segments(segmented), dictionary).accumulate(texts, window)
    for chunk in (1_000_000, 50):  # one block, and many (texts never split)
        ours = sliding_window_accumulator(texts, segmented, dictionary, window, chunk_tokens=chunk)
        assert ours.num_docs == ref.num_docs
        assert np.array_equal(ours._occurrences, ref._occurrences)
        assert (abs(ours._co_occurrences.astype(np.int64) - ref._co_occurrences.tocsr().astype(np.int64))).nnz == 0


def test_topic_coherence_equals_gensim_coherence_model(model):
    from gensim.models import CoherenceModel

    from corpusanalysis.analysis import _lda

    data, dictionary = model._data, model._dictionary
    topics = model._top_term_lists(10)
    ours = _lda.coherence(topics, data, dictionary, ["c_v", "c_npmi", "u_mass"])
    for measure in ("c_v", "c_npmi", "u_mass"):
        cm = CoherenceModel(topics=topics, texts=data.texts, corpus=data.bow(), dictionary=dictionary,
                            coherence=measure, topn=10, processes=1)
        expected = np.asarray(cm.get_coherence_per_topic(), dtype=np.float64)
        np.testing.assert_array_equal(ours[measure], np.where(np.isfinite(expected), expected, np.nan))


def test_top_indices_are_a_full_lexsort_of_each_row():
    # issue 15: only the candidates at or above a row's n-th value are sorted; the order must be a full lexsort's,
    # with ties by term, NaN and -inf rows, and `last` terms after every other term
    from corpusanalysis.analysis import _lda

    rng = np.random.default_rng(3)
    vocab = np.array(["创新", "科技", "新质生产力", "县域", "容错纠错", "a", "b", "人才", "改革", "项目"], dtype=object)
    rank = np.argsort(np.argsort(vocab, kind="stable"), kind="stable")
    values = rng.integers(0, 4, size=(40, len(vocab))).astype(float)  # many ties
    values[0, :] = np.nan
    values[1, :7] = np.nan
    values[2, 3:] = -np.inf
    last = np.zeros(len(vocab), dtype=bool)
    last[[1, 4, 7]] = True
    for n in (1, 3, 7, 10, 25):
        expected = np.stack([np.lexsort((rank, -row))[:min(n, len(vocab))] for row in values])
        np.testing.assert_array_equal(_lda.top_indices(values, vocab, n), expected)
        np.testing.assert_array_equal(_lda.top_indices(values, vocab, n, rank=_lda.term_rank(vocab)), expected)
        expected_last = np.stack([np.lexsort((rank, -row, last))[:min(n, len(vocab))] for row in values])
        np.testing.assert_array_equal(_lda.top_indices(values, vocab, n, last=last), expected_last)


def test_js_matrix_equals_scipy_and_is_exactly_symmetric():
    # issue 15: JSD from entropies (one log per term) instead of two rel_entr terms: same values within 1e-14,
    # and js_matrix(b, a) is exactly the transpose, so select_k matches each pair of seeds from one matrix
    from scipy.spatial.distance import jensenshannon

    from corpusanalysis.analysis import _lda

    rng = np.random.default_rng(5)
    a = rng.dirichlet(np.full(500, 0.05), size=6)
    b = rng.dirichlet(np.full(500, 0.05), size=4)
    a[2, :250] = 0.0
    a[2] /= a[2].sum()
    b[1] = a[3]  # one identical topic: JSD 0
    ours = _lda.js_matrix(a, b)
    expected = np.array([[jensenshannon(p, q, base=2) ** 2 for q in b] for p in a])
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-14)
    assert ours[3, 1] == 0.0
    np.testing.assert_array_equal(_lda.js_matrix(b, a), ours.T)
    rows, cols, sim = _lda.match(a[:4], b)
    r2, c2, s2 = _lda.match(a[:4], b, cost=_lda.js_matrix(a[:4], b))
    np.testing.assert_array_equal(rows, r2), np.testing.assert_array_equal(cols, c2)
    np.testing.assert_array_equal(sim, s2)
    assert sim[list(rows).index(3)] == 1.0 and cols[list(rows).index(3)] == 1
