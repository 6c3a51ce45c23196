"""Tests for corpusanalysis.cooccurrence: counts against brute force and NLTK, measures against
hand-computed contingency tables and scipy, associates, networks (GEXF/GraphML round trips), KWIC."""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from seed_excerpts import CX, RC, THEMES, XZ, three_theme_corpus  # noqa: F401

import corpusanalysis as ca
from corpusanalysis.analysis.concordance import kwic
from corpusanalysis.analysis.cooccurrence import (
    COOCCURRENCE_COLUMNS,
    associates,
    cooccurrence,
    cooccurrence_network,
    export_network,
)


@pytest.fixture(scope="module")
def docs() -> pd.DataFrame:
    return ca.tokenize(three_theme_corpus())


@pytest.fixture(scope="module")
def sentences(docs) -> pd.DataFrame:
    return ca.tokenize(ca.segment(docs[["text", "theme"]], level="sentence"))


@pytest.fixture(scope="module")
def paragraphs(docs) -> pd.DataFrame:
    return ca.tokenize(ca.segment(docs[["text", "theme"]], level="paragraph"))


# ----------------------------------------------------------------------------- brute-force reference
def _windows(row, w):
    """Window contexts as documented: positions k..k+w-1 inside a row; a shorter row is one window."""
    row = list(row)
    if not row:
        return []
    if len(row) <= w:
        return [row]
    return [row[k:k + w] for k in range(len(row) - w + 1)]


def _brute(contexts):
    """n_contexts, n_a and n_ab (unordered, a < b) of binary incidence, by nested loops."""
    n_a, n_ab, n = Counter(), Counter(), 0
    for ctx in contexts:
        types = sorted(set(ctx))
        if not types:
            continue
        n += 1
        for a in types:
            n_a[a] += 1
        for i in range(len(types)):
            for j in range(i + 1, len(types)):
                n_ab[(types[i], types[j])] += 1
    return n, n_a, n_ab


def _as_dict(table):
    return {(a, b): (nab, na, nb, nc) for a, b, nab, na, nb, nc in
            zip(table["term_a"], table["term_b"], table["n_ab"], table["n_a"], table["n_b"], table["n_contexts"])}


def _brute_dict(contexts):
    n, n_a, n_ab = _brute(contexts)
    return {(a, b): (k, n_a[a], n_a[b], n) for (a, b), k in n_ab.items()}


def _by_hand(n_ab, n_a, n_b, n):
    """Every measure from the 2x2 table, in plain Python."""
    cells = [n_ab, n_a - n_ab, n_b - n_ab, n - n_a - n_b + n_ab]
    expected = [n_a * n_b / n, n_a * (n - n_b) / n, (n - n_a) * n_b / n, (n - n_a) * (n - n_b) / n]
    g2 = 2 * sum(o * math.log(o / e) for o, e in zip(cells, expected) if o > 0)
    pmi = math.log2(n_ab * n / (n_a * n_b))
    npmi = 1.0 if n_ab == n else pmi / -math.log2(n_ab / n)
    return {"expected": expected[0], "pmi": pmi, "npmi": npmi, "g2": g2, "p": stats.chi2.sf(g2, 1),
            "dice": 2 * n_ab / (n_a + n_b), "jaccard": n_ab / (n_a + n_b - n_ab)}


ROWS = [  # repeats inside a window, rows shorter than the window, an empty row
    ["新质生产力", "科技创新", "新质生产力", "未来产业", "要素", "科技创新", "要素", "新质生产力"],
    ["容错纠错", "干部", "担当"],
    [],
    ["宽容失败"],
    ["容错纠错", "容错纠错", "干部", "鼓励探索", "宽容失败", "干部", "担当", "容错纠错", "鼓励探索"],
]


# ----------------------------------------------------------------------------- counts
@pytest.mark.parametrize("w", [2, 3, 5, 7, 50])
def test_window_counts_equal_brute_force_on_synthetic_rows(w):
    table = cooccurrence(ROWS, window=w, min_count=1)
    assert _as_dict(table) == _brute_dict([win for row in ROWS for win in _windows(row, w)])


@pytest.mark.parametrize("w", [2, 5, 9])
def test_window_counts_equal_brute_force_on_seed_tokens(docs, w):
    rows = docs["tokens"].tolist()
    table = cooccurrence(docs, window=w, min_count=1)
    assert _as_dict(table) == _brute_dict([win for row in rows for win in _windows(row, w)])
    n_windows = sum(max(len(r) - w + 1, 1) for r in rows if r)
    assert set(table["n_contexts"]) == {n_windows}


@pytest.mark.parametrize("w", [2, 3, 4, 6, 9])
def test_banded_window_counts_equal_the_window_incidence_product(docs, w):
    # the production path for windows (banded) against X.T @ X over the materialized window rows
    from corpusanalysis.analysis.cooccurrence import _encode, _incidence, _pairs, _window_pairs

    frame = pd.concat([docs, docs.assign(tokens=docs["tokens"].map(lambda t: t[::-1]))])  # more repeats
    encoded = _encode(frame)
    lengths, codes, vocab = encoded
    i, j, n_ab, n_a, n = _window_pairs(codes, lengths, w, len(vocab))
    X, _, _ = _incidence(frame, w, np.zeros(len(frame), dtype=np.int64), "test", True, encoded=encoded)
    i2, j2, n_ab2, n_a2 = _pairs(X)
    assert n == X.shape[0]
    np.testing.assert_array_equal(n_a, n_a2)
    assert sorted(zip(i.tolist(), j.tolist(), n_ab.tolist())) == sorted(zip(i2.tolist(), j2.tolist(), n_ab2.tolist()))


def test_blocked_product_and_chunked_g2_give_the_same_table(docs, monkeypatch):
    import importlib

    co = importlib.import_module("corpusanalysis.analysis.cooccurrence")

    whole = cooccurrence(docs, window="sentence", min_count=1)
    monkeypatch.setattr(co, "_BLOCK_WORK", 50)  # many blocks of X.T @ X
    monkeypatch.setattr(co, "_CHUNK", 7)  # many chunks of the G² of the family
    pd.testing.assert_frame_equal(cooccurrence(docs, window="sentence", min_count=1), whole, check_exact=True)


def test_named_contexts_equal_brute_force_over_segment_units(docs, sentences, paragraphs):
    # independent reference: tokenize each sentence / paragraph of segment() on its own
    assert _as_dict(cooccurrence(docs, window="sentence", min_count=1)) == _brute_dict(sentences["tokens"])
    assert _as_dict(cooccurrence(docs, window="paragraph", min_count=1)) == _brute_dict(paragraphs["tokens"])
    assert _as_dict(cooccurrence(docs, window="document", min_count=1)) == _brute_dict(docs["tokens"])


def test_every_input_form_gives_the_same_contexts(docs, sentences, paragraphs):
    for window, frames in {"sentence": (docs, sentences, paragraphs), "paragraph": (docs, sentences, paragraphs),
                           "document": (docs, sentences, paragraphs)}.items():
        tables = [cooccurrence(f, window=window, min_count=1) for f in frames]
        for t in tables[1:]:
            pd.testing.assert_frame_equal(t, tables[0], check_exact=True)
    # the seed excerpts: 5 + 2 + 6 sentences, 2 + 1 + 1 paragraphs
    assert cooccurrence(sentences, window="sentence", min_count=1)["n_contexts"].iloc[0] == 13
    assert cooccurrence(docs, window="paragraph", min_count=1)["n_contexts"].iloc[0] == 4


def test_known_pairs_of_the_seed_excerpts(docs):
    table = cooccurrence(docs, window="sentence", min_count=1).set_index(["term_a", "term_b"])
    assert table.loc[("新质生产力", "科技创新"), ["n_ab", "n_a", "n_b", "n_contexts"]].tolist() == [4, 4, 5, 13]
    assert table.loc[("容错纠错", "案例"), ["n_ab", "n_a", "n_b"]].tolist() == [2, 2, 4]
    assert table.loc[("创新型县", "建设"), ["n_ab", "n_a", "n_b"]].tolist() == [1, 1, 1]  # 建设 twice, one sentence


def test_sort_order_and_columns(docs):
    table = cooccurrence(docs, window=5)
    assert list(table.columns) == list(COOCCURRENCE_COLUMNS)
    assert (table["term_a"] < table["term_b"]).all()
    key = list(zip(-table["n_ab"], table["term_a"], table["term_b"]))
    assert key == sorted(key)
    assert table["n_ab"].min() == 2
    assert str(table["term_a"].dtype) == "string" and table["n_ab"].dtype == "int64"
    assert table.attrs["cooccurrence"]["window"] == 5


def test_measures_subset_keeps_counts(docs):
    full = cooccurrence(docs, window="sentence")
    small = cooccurrence(docs, window="sentence", measures=("dice",))
    assert list(small.columns) == ["term_a", "term_b", "n_ab", "n_a", "n_b", "n_contexts", "expected", "dice"]
    pd.testing.assert_frame_equal(small, full[small.columns])


def test_input_is_not_mutated_and_output_deterministic(docs):
    before = docs.copy()
    a = cooccurrence(docs, window=5, by="theme")
    b = cooccurrence(docs, window=5, by="theme")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(docs, before)


# ----------------------------------------------------------------------------- measures
def test_measures_equal_hand_computed_contingency_and_scipy(docs):
    table = cooccurrence(docs, window="sentence", min_count=1)
    assert len(table) > 500
    for row in table.itertuples(index=False):
        ref = _by_hand(row.n_ab, row.n_a, row.n_b, row.n_contexts)
        for name, value in ref.items():
            assert getattr(row, name) == pytest.approx(value, rel=1e-9, abs=1e-12), name
        observed = np.array([[row.n_ab, row.n_a - row.n_ab],
                             [row.n_b - row.n_ab, row.n_contexts - row.n_a - row.n_b + row.n_ab]])
        g2, p, dof, _ = stats.chi2_contingency(observed, correction=False, lambda_="log-likelihood")
        assert dof == 1
        assert row.g2 == pytest.approx(g2, rel=1e-9, abs=1e-9)
        assert row.p == pytest.approx(p, rel=1e-9)


def test_p_adj_is_benjamini_hochberg_over_all_cooccurring_pairs(docs):
    full = cooccurrence(docs, window="sentence", min_count=1)
    np.testing.assert_allclose(full["p_adj"], stats.false_discovery_control(full["p"], method="bh"), rtol=1e-12)
    shown = cooccurrence(docs, window="sentence", min_count=2)
    merged = shown.merge(full, on=["term_a", "term_b"], suffixes=("", "_full"))
    assert len(merged) == len(shown) < len(full)
    np.testing.assert_array_equal(merged["p_adj"], merged["p_adj_full"])  # the family is every pair, not the shown


def test_npmi_is_one_when_a_pair_fills_every_context():
    table = cooccurrence([["新质生产力", "科技创新"]] * 3, window="document", min_count=1)
    assert table.loc[0, ["pmi", "npmi", "dice", "jaccard", "g2", "p"]].tolist() == [0.0, 1.0, 1.0, 1.0, 0.0, 1.0]


# ----------------------------------------------------------------------------- NLTK, an independent implementation
def _nltk_type_set_counts(contexts):
    """n_ab and n_a counted by NLTK's finder over contexts given as sorted type sets."""
    from nltk.collocations import BigramCollocationFinder

    docs = [sorted(set(c)) for c in contexts if c]
    width = max(len(d) for d in docs) + 1
    words = list(BigramCollocationFinder._build_new_documents(docs, width, pad_right=True))
    finder = BigramCollocationFinder.from_words(words, window_size=width)
    n_ab = {k: v for k, v in finder.ngram_fd.items() if None not in k}
    return len(docs), dict(finder.word_fd), n_ab


def test_nltk_bigram_counts_equal_window_2(docs):
    pytest.importorskip("nltk")
    from nltk.collocations import BigramCollocationFinder

    rows = docs["tokens"].tolist()
    words = list(BigramCollocationFinder._build_new_documents(rows, 2, pad_right=True))  # rows never joined
    finder = BigramCollocationFinder.from_words(words, window_size=2)
    expected = Counter()
    for (x, y), k in finder.ngram_fd.items():
        if x is not None and y is not None and x != y:
            expected[tuple(sorted((x, y)))] += k
    table = cooccurrence(docs, window=2, min_count=1)
    assert dict(zip(zip(table["term_a"], table["term_b"]), table["n_ab"])) == dict(expected)


def test_nltk_window_counts_token_pairs_not_windows(docs):
    pytest.importorskip("nltk")
    from nltk.collocations import BigramCollocationFinder

    # Same candidate pairs for any width, but NLTK counts ordered token pairs up to w-1 apart
    # (Church & Hanks), we count windows containing both types: A B A with w=3 is one window.
    rows = docs["tokens"].tolist()
    words = list(BigramCollocationFinder._build_new_documents(rows, 5, pad_right=True))
    finder = BigramCollocationFinder.from_words(words, window_size=5)
    pairs = {tuple(sorted(k)) for k in finder.ngram_fd if None not in k and k[0] != k[1]}
    table = cooccurrence(docs, window=5, min_count=1)
    assert set(zip(table["term_a"], table["term_b"])) == pairs
    small = BigramCollocationFinder.from_words(["新质生产力", "要素", "新质生产力"], window_size=3)
    assert small.ngram_fd[("新质生产力", "要素")] + small.ngram_fd[("要素", "新质生产力")] == 2
    assert cooccurrence([["新质生产力", "要素", "新质生产力"]], window=3, min_count=1)["n_ab"].tolist() == [1]


@pytest.mark.parametrize("window", [5, "sentence", "paragraph", "document"])
def test_nltk_finder_reproduces_counts_over_context_type_sets(docs, sentences, paragraphs, window):
    pytest.importorskip("nltk")
    from nltk.util import ngrams

    if window == 5:  # windows generated by nltk.util.ngrams, a row shorter than 5 is one window
        contexts = [list(g) for r in docs["tokens"] for g in (ngrams(r, 5) if len(r) >= 5 else [r])]
    else:
        contexts = {"sentence": sentences, "paragraph": paragraphs, "document": docs}[window]["tokens"].tolist()
    n, n_a, n_ab = _nltk_type_set_counts(contexts)
    table = cooccurrence(docs, window=window, min_count=1)
    assert _as_dict(table) == {(a, b): (k, n_a[a], n_a[b], n) for (a, b), k in n_ab.items()}


def test_measures_equal_nltk_association_measures(docs):
    pytest.importorskip("nltk")
    from nltk.metrics import BigramAssocMeasures as M

    table = cooccurrence(docs, window=5, min_count=1)
    for row in table.itertuples(index=False):
        marginals = (row.n_ab, (row.n_a, row.n_b), row.n_contexts)
        assert row.pmi == pytest.approx(M.pmi(*marginals), rel=1e-9, abs=1e-12)
        assert row.g2 == pytest.approx(M.likelihood_ratio(*marginals), rel=1e-9, abs=1e-9)
        assert row.dice == pytest.approx(M.dice(*marginals), rel=1e-12)
        assert row.jaccard == pytest.approx(M.jaccard(*marginals), rel=1e-12)


# ----------------------------------------------------------------------------- groups, terms
def test_by_group_equals_each_group_alone(docs, sentences):
    grouped = cooccurrence(sentences, window="sentence", by="theme", min_count=1)
    assert list(grouped.columns) == ["group", *COOCCURRENCE_COLUMNS]
    assert sorted(grouped["group"].unique()) == sorted(THEMES.values())
    for theme in THEMES.values():
        alone = cooccurrence(sentences[sentences["theme"] == theme], window="sentence", min_count=1)
        part = grouped[grouped["group"] == theme].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone, check_exact=True)
    assert grouped.attrs["cooccurrence"]["n_contexts"] == {"创新型县": 2, "容错纠错": 6, "新质生产力": 5}


def test_by_assign_themes_labels_when_available(docs):
    themes = pytest.importorskip("corpusanalysis.analysis.themes")
    labelled = themes.assign_themes(docs.drop(columns="theme"), min_hits=2, min_terms=2, min_rate=0)
    table = cooccurrence(labelled, window="sentence", by="theme", min_count=1)
    assert set(table["group"]) <= {"新质生产力", "创新型县", "容错纠错", "general"}
    with pytest.warns(UserWarning, match=r"group '.*' \(\d+ contexts\) has no pair with n_ab >= 3"):
        cooccurrence(docs, window="sentence", by="theme", min_count=3, terms="新质生产力")


def test_terms_keeps_pairs_of_the_terms_with_unchanged_statistics(docs):
    full = cooccurrence(docs, window="sentence", min_count=1)
    some = cooccurrence(docs, window="sentence", min_count=1, terms=["容错纠错", "新质生产力"])
    assert ((some["term_a"].isin(["容错纠错", "新质生产力"])) | (some["term_b"].isin(["容错纠错", "新质生产力"]))).all()
    expected = full[full["term_a"].isin(["容错纠错", "新质生产力"]) | full["term_b"].isin(["容错纠错", "新质生产力"])]
    pd.testing.assert_frame_equal(some, expected.reset_index(drop=True))


# ----------------------------------------------------------------------------- errors
def test_errors_name_the_argument(docs):
    with pytest.raises(ValueError, match=r"window must be an int >= 2 .* or one of \['sentence', 'paragraph', "
                                         r"'document'\]; got window='sentences'"):
        cooccurrence(docs, window="sentences")
    with pytest.raises(ValueError, match=r"window=1: a sliding window needs at least 2 tokens"):
        cooccurrence(docs, window=1)
    with pytest.raises(ValueError, match=r"unknown measure\(s\) \['mi'\]"):
        cooccurrence(docs, measures=("pmi", "mi"))
    with pytest.raises(ValueError, match=r"has no 'tokens' column .*run tokenize\(\) first"):
        cooccurrence(docs[["text"]])
    with pytest.raises(ValueError, match=r"by='genre' is not a column"):
        cooccurrence(docs, by="genre")
    with pytest.raises(ValueError, match=r"by='theme' has 1 missing value"):
        cooccurrence(docs.assign(theme=pd.array(["a", None, "b"], dtype="string")), by="theme")
    with pytest.raises(ValueError, match=r"window='sentence' needs sentence boundaries, which plain token sequences"):
        cooccurrence(ROWS, window="sentence")
    with pytest.raises(ValueError, match=r"window='sentence' needs the \['text', 'token_spans'\] column"):
        cooccurrence(docs[["tokens"]], window="sentence")
    with pytest.raises(ValueError, match=r"no pair of terms co-occurs in at least min_count=99 context"):
        cooccurrence(docs, min_count=99)
    with pytest.raises(ValueError, match=r"min_count must be a positive int"):
        cooccurrence(docs, min_count=0)
    with pytest.raises(ValueError, match=r"none of terms=\['创新型县\(市\)'\] occurs among the tokens"):
        cooccurrence(docs, terms="创新型县(市)")
    with pytest.raises(TypeError, match=r"row 0 is a str"):
        cooccurrence(["新质生产力 科技创新"])


# ----------------------------------------------------------------------------- associates
def test_associates_per_group_marks_shared_and_specific():
    frame = pd.DataFrame({
        "tokens": [["容错纠错", "干部", "担当"]] * 3 + [["科技创新", "企业"]] * 3
        + [["容错纠错", "干部", "宽容失败"]] * 3 + [["科技创新", "企业"]] * 3 + [["容错纠错", "企业"]],
        "theme": ["讲话A"] * 6 + ["讲话B"] * 7})
    table = cooccurrence(frame, window="document", by="theme", min_count=1)
    out = associates(table, "容错纠错")
    assert out[["group", "rank", "associate", "n_groups", "shared"]].values.tolist() == [
        ["讲话A", 1, "干部", 2, True], ["讲话A", 2, "担当", 1, False],
        ["讲话B", 1, "宽容失败", 1, False], ["讲话B", 2, "干部", 2, True]]
    assert "企业" not in set(out["associate"])  # repelled in 讲话B (n_ab 1 < expected 2.3)
    assert list(out.columns[:7]) == ["group", "term", "rank", "associate", "n_ab", "n_term", "n_associate"]


def test_associates_of_the_seed_key_terms(docs):
    table = cooccurrence(docs, window="sentence", min_count=1)
    out = associates(table, ["新质生产力", "容错纠错"], n=3, alpha=None)
    top = out.groupby("term")["associate"].first().to_dict()
    assert top == {"容错纠错": "要", "新质生产力": "科技创新"}  # modal 要 is kept: it is the rhetoric
    row = out[(out["term"] == "容错纠错") & (out["associate"] == "案例")].iloc[0]
    assert (row["rank"], row["n_ab"], row["n_term"], row["n_associate"], row["n_contexts"]) == (2, 2, 2, 4, 13)
    assert out["shared"].isna().all()  # one group: nothing to compare
    assert out.groupby("term")["rank"].max().tolist() == [3, 3]


def test_associates_errors(docs):
    table = cooccurrence(docs, window="sentence")
    with pytest.raises(ValueError, match=r"term '创新型县\(市\)' is not in the co-occurrence table .*dictionary term "
                                         r"'创新型县'"):
        associates(table, "创新型县(市)")
    with pytest.raises(ValueError, match=r"alpha=0.05 needs the p_adj column"):
        associates(cooccurrence(docs, window="sentence", measures=("dice",)), "新质生产力")
    with pytest.raises(ValueError, match=r"no associate of \['新质生产力'\] passes the filters"):
        associates(table, "新质生产力", min_g2=1e6)
    with pytest.raises(ValueError, match=r"sort='mi' is not a measure column"):
        associates(table, "新质生产力", sort="mi")


# ----------------------------------------------------------------------------- networks
@pytest.fixture(scope="module")
def network_table(docs):
    return cooccurrence(docs, window="sentence", min_count=1)


def test_network_attributes_and_deterministic_communities(network_table):
    G = cooccurrence_network(network_table, n=40, alpha=None)
    assert G.number_of_edges() == 40
    assert list(G.nodes) == sorted(G.nodes)
    node = G.nodes["新质生产力"]
    assert (node["label"], node["frequency"], node["theme"]) == ("新质生产力", 4, "新质生产力")  # 4 sentences
    assert set(node) == {"label", "frequency", "theme", "community", "community_name"}
    u, v, e = next(iter(G.edges(data=True)))
    assert set(e) == {"weight", "n_ab", "n_a", "n_b", "n_contexts", "expected", "pmi", "npmi", "g2", "p", "p_adj",
                      "dice", "jaccard"}
    assert e["weight"] == e["g2"]
    again = cooccurrence_network(network_table, n=40, alpha=None)
    assert nx.get_node_attributes(G, "community") == nx.get_node_attributes(again, "community")
    sizes = Counter(nx.get_node_attributes(G, "community").values())
    assert [sizes[k] for k in sorted(sizes)] == sorted(sizes.values(), reverse=True)


def test_network_leaves_function_words_out_and_names_communities_by_content(network_table):
    from corpusanalysis import load_stopwords

    function = load_stopwords("function")
    assert {"要", "将", "年", "家", "工作"} <= function and "创新" not in function
    kept = cooccurrence_network(network_table, n=40, alpha=None, exclude=None)
    G = cooccurrence_network(network_table, n=40, alpha=None)
    assert function & set(kept.nodes), "the seeds' network has function words when nothing is excluded"
    assert not function & set(G.nodes)
    attracted = network_table[network_table["n_ab"] > network_table["expected"]]
    in_pairs = set(attracted["term_a"]) | set(attracted["term_b"])
    assert G.graph["excluded"] == len(function & in_pairs) > 0
    # each community is named by its member with the highest weighted degree inside the community
    for k in set(nx.get_node_attributes(G, "community").values()):
        members = [v for v in G if G.nodes[v]["community"] == k]
        strength = dict(G.subgraph(members).degree(weight="weight"))
        best = max(strength.values())
        names = {G.nodes[v]["community_name"] for v in members}
        assert len(names) == 1 and strength[names.pop()] == best
    # the table is unchanged: function words are still counted
    assert "要" in set(network_table["term_a"]) | set(network_table["term_b"])


def test_ego_network_centres_on_terms(network_table):
    G = cooccurrence_network(network_table, terms="容错纠错", n=5, alpha=None)
    assert "容错纠错" in G
    assert G.degree("容错纠错") == 5
    assert all(G.has_edge("容错纠错", v) for v in G.neighbors("容错纠错"))


def test_network_errors(network_table, docs):
    grouped = cooccurrence(docs, window="sentence", by="theme", min_count=1)
    with pytest.raises(ValueError, match=r"the table has groups \['创新型县', '容错纠错', '新质生产力'\]; pass group="):
        cooccurrence_network(grouped)
    with pytest.raises(ValueError, match=r"group='general' is not in the table"):
        cooccurrence_network(grouped, group="general")
    with pytest.raises(ValueError, match=r"weight='mi' is not a measure column"):
        cooccurrence_network(network_table, weight="mi")
    with pytest.raises(ValueError, match=r"no edge passes the filters"):
        cooccurrence_network(network_table, min_g2=1e6)
    with pytest.raises(ValueError, match=r"term '科创' is not in the co-occurrence table"):
        cooccurrence_network(network_table, terms=["科创"])


def test_export_round_trips_keep_attributes(network_table, tmp_path):
    G = cooccurrence_network(network_table, n=30, alpha=None)
    paths = export_network(G, tmp_path / "sub" / "net")
    assert {k: p.name for k, p in paths.items()} == {"gexf": "net.gexf", "graphml": "net.graphml",
                                                    "edges_csv": "net-edges.csv", "nodes_csv": "net-nodes.csv"}
    for reader in (nx.read_gexf, nx.read_graphml):
        H = reader(paths["gexf" if reader is nx.read_gexf else "graphml"])
        assert sorted(H.nodes) == sorted(G.nodes)
        for v, data in G.nodes(data=True):
            for key in ("frequency", "theme", "community"):
                assert H.nodes[v][key] == data[key], (reader.__name__, v, key)
        assert H.number_of_edges() == G.number_of_edges()
        for u, v, data in G.edges(data=True):
            for key in ("n_ab", "g2", "npmi", "p_adj", "weight"):
                assert H.edges[u, v][key] == pytest.approx(data[key], rel=1e-12), (reader.__name__, key)
    edges = pd.read_csv(paths["edges_csv"], encoding="utf-8-sig")
    nodes = pd.read_csv(paths["nodes_csv"], encoding="utf-8-sig", keep_default_na=False)
    assert len(edges) == G.number_of_edges() and list(edges.columns[:3]) == ["source", "target", "weight"]
    assert list(nodes.columns) == ["id", "label", "frequency", "theme", "community", "community_name"]
    assert paths["edges_csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(ValueError, match=r"formats=\('pdf',\) must be a non-empty selection"):
        export_network(G, tmp_path / "x", formats=("pdf",))


# ----------------------------------------------------------------------------- kwic
def test_kwic_offsets_point_into_the_clean_text(docs):
    for pattern in ("新质生产力", "科技创新", "容错纠错", "创新型县"):
        out = kwic(docs, pattern)
        assert len(out) > 0
        for row in out.itertuples(index=False):
            assert docs.loc[row.doc_id, "text"][row.start:row.end] == row.match
            assert docs.loc[row.doc_id, "text"][row.start - len(row.left):row.start] == row.left


def test_kwic_by_token_uses_the_dictionary_and_whole_tokens(docs):
    out = kwic(docs, "创新型县", context_chars=3)
    assert out[["doc_id", "left", "match", "right", "start", "end"]].values.tolist() == [
        ["cx", "位，以", "创新型县(市)", "建设为", 84, 91]]
    assert kwic(docs, "創新型縣(市)")["match"].tolist() == ["创新型县(市)"]  # any form of the term
    n_text = sum(t.count("创新") for t in docs["text"])
    assert len(kwic(docs, "创新", by_token=False)) == n_text == 13
    with pytest.raises(ValueError, match=r"pattern '创新' matched no token"):  # only inside 创新型县, 科技创新 …
        kwic(docs, "创新")
    assert len(kwic(docs, "科技创新")) == 7


def test_kwic_regex_on_tokens_and_on_text(docs):
    tokens = kwic(docs, r"容错.*", regex=True)
    assert tokens["match"].tolist() == ["容错纠错", "容错", "容错纠错"]  # 容错 is a token in 符合容错条件
    text = kwic(docs, r"容错\w{2}", regex=True, by_token=False)
    assert text["match"].tolist() == ["容错纠错", "容错条件", "容错纠错"]
    with pytest.raises(ValueError, match=r"pattern '\(' is not a valid regular expression"):
        kwic(docs, "(", regex=True)


def test_kwic_on_units_gives_document_offsets_and_stays_in_the_paragraph(docs, sentences):
    out = kwic(sentences, ["新质生产力", "核心要素"], context_chars=30)
    assert list(out.columns) == ["unit_id", "pattern", "left", "match", "right", "start", "end", "doc_id",
                                 "doc_start", "doc_end"]
    for row in out.itertuples(index=False):
        assert docs.loc[row.doc_id, "text"][row.doc_start:row.doc_end] == row.match
        assert sentences.loc[row.unit_id, "text"][row.start:row.end] == row.match
    doc_level = kwic(docs, "高科技性", by_token=False, context_chars=30)
    assert doc_level["left"].tolist() == ["(一)"]  # cut at the line break before the heading


def test_kwic_errors(docs):
    with pytest.raises(ValueError, match=r"by_token=True needs the tokens and token_spans columns; run tokenize\(\)"):
        kwic(docs[["text"]], "新质生产力")
    with pytest.raises(ValueError, match=r"pattern '的' matched no token in 3 row\(s\); stopwords"):
        kwic(docs, "的")
    with pytest.raises(ValueError, match=r"context_chars must be an int >= 0"):
        kwic(docs, "新质生产力", context_chars=-1)


def test_empty_results_are_a_typed_error(docs):
    from corpusanalysis.errors import EmptyResultError

    with pytest.raises(EmptyResultError, match=r"no pair of terms co-occurs in at least min_count=1000"):
        cooccurrence(docs, window=5, min_count=1000)
    with pytest.raises(EmptyResultError, match=r"pattern '不存在的词' matched no token"):
        kwic(docs, "不存在的词")
    table = cooccurrence(docs, window=5)
    with pytest.raises(EmptyResultError, match=r"no associate of \['新质生产力'\] passes the filters"):
        associates(table, "新质生产力", min_g2=1e9)
    with pytest.raises(EmptyResultError, match=r"no edge passes the filters"):
        cooccurrence_network(table, min_g2=1e9)
    assert issubclass(EmptyResultError, ValueError)  # except ValueError keeps working


def test_cooccurrence_progress_bar_changes_nothing(docs, capsys):
    quiet = cooccurrence(docs, window="sentence", min_count=1)
    shown = cooccurrence(docs, window="sentence", min_count=1, progress=True)
    assert "cooccurrence" in capsys.readouterr().err
    pd.testing.assert_frame_equal(quiet, shown)


# ----------------------------------------------------------------------------- split audit (issue 18)
def test_split_audit_lists_key_terms_cut_out_of_a_longer_word():
    import corpusanalysis as ca

    corpus = pd.DataFrame({"text": ["坚持创新发展理念，展开创新活动，贯彻新发展理念，推动创新"]},
                          index=pd.Index(["a"], name="doc_id"))
    audit = ca.split_audit(ca.tokenize(corpus))
    assert tuple(audit.columns) == ca.analysis.concordance.SPLIT_AUDIT_COLUMNS
    rows = {(r.term, r.left, r.right): r for r in audit.itertuples()}
    # 创新发展理念: the dictionary term 新发展理念 takes 新 from 创新 (a real false split)
    assert rows[("新发展理念", "创", "，")].boundary_word == "创新"
    assert rows[("新发展理念", "创", "，")].example == "坚持创【新发展理念】，展开创新活动，"
    # 展开创新: a candidate that reads fine (展开 / 创新): the audit is for review, not a verdict
    assert rows[("创新", "开", "活")].count == 1 and rows[("创新", "开", "活")].n_term == 2
    assert ("新发展理念", "彻", "，") not in rows  # 贯彻新发展理念: no word across the boundary
    with pytest.raises(ValueError, match=r"split_audit\(\) needs a tokenized corpus .* no 'tokens' column"):
        ca.split_audit(corpus)


def test_split_audit_on_the_work_reports_has_no_kaichuang_false_hits():
    import corpusanalysis as ca

    reports = ca.load_gov_reports()
    recent = ca.tokenize(ca.clean(reports[reports["year"].isin([2004, 2009, 2013, 2017, 2023])]))
    audit = ca.split_audit(recent, "创新")
    assert not ((audit["left"] == "开") & (audit["boundary_word"] == "开创")).any()
    text = "\n".join(recent["text"])
    assert "开创新局面" in text  # the phrase is there; it is no longer counted as 创新
