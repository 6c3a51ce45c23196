"""Tests for corpusanalysis.explore: the data behind each explorer view, its CSV export, and the
ipywidgets explorer driven programmatically (no browser)."""

from __future__ import annotations

import pandas as pd
import pytest
from seed_excerpts import CX, RC, THEMES, XZ, three_theme_corpus  # noqa: F401

import corpusanalysis as ca
from corpusanalysis.analysis.explore import (
    CONCORDANCE_COLUMNS,
    FREQUENCY_COLUMNS,
    ExploreView,
    explore_view,
    export_view,
    prepare_corpus,
    suggest_terms,
    term_associates,
    term_concordance,
    term_frequency,
)
from corpusanalysis.viz.explorer import Explorer, concordance_html, explore


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return ca.tokenize(three_theme_corpus())


@pytest.fixture(scope="module")
def themed(docs) -> pd.DataFrame:
    """The five seeds, tokenized, with dictionary themes."""
    return ca.assign_themes(docs)


def _count(corpus, token):
    return {i: list(t).count(token) for i, t in zip(corpus.index, corpus["tokens"])}


# ----------------------------------------------------------------------------- term_frequency
def test_term_frequency_by_theme_counts_and_rates(small):
    out = term_frequency(small, "科技创新")
    assert list(out.columns) == ["theme", *FREQUENCY_COLUMNS]
    counts = _count(small, "科技创新")
    assert counts == {"xz": 5, "cx": 2, "rc": 0}
    assert out["theme"].tolist() == ["创新型县", "容错纠错", "新质生产力"]  # sorted, zero groups kept
    assert out["count"].tolist() == [2, 0, 5]
    n = {i: len(t) for i, t in zip(small.index, small["tokens"])}
    assert out["n_tokens"].tolist() == [n["cx"], n["rc"], n["xz"]]
    assert out["rate"].tolist() == [round(2 / n["cx"] * 10_000, 2), 0.0, round(5 / n["xz"] * 10_000, 2)]
    assert out["n_docs_total"].tolist() == [1, 1, 1]
    assert out["n_docs"].tolist() == [1, 0, 1]
    assert out["term"].tolist() == ["科技创新"] * 3
    assert out.dtypes["count"] == "int64" and out.dtypes["rate"] == "float64"


def test_term_frequency_by_document_and_filters(small):
    by_doc = term_frequency(small, "新质生产力", by="doc_id")
    assert by_doc["doc_id"].tolist() == ["cx", "rc", "xz"]
    assert by_doc["count"].tolist() == [0, 0, 5]
    one = term_frequency(small, "新质生产力", by="doc_id", theme="新质生产力")
    assert one["doc_id"].tolist() == ["xz"] and one["count"].tolist() == [5]
    assert term_frequency(small, "新质生产力", doc_id="cx")["theme"].tolist() == ["创新型县"]
    assert term_frequency(small, "新质生产力", per=100)["rate"].iloc[-1] == round(5 / len(small.loc["xz", "tokens"])
                                                                              * 100, 2)


def test_term_frequency_counts_variants_as_the_canonical_term(small):
    # 創新型縣 (traditional) and 创新型县(市) (the text's form) are the token 创新型县
    out = term_frequency(small, "創新型縣", by="doc_id")
    assert out["term"].unique().tolist() == ["创新型县"]
    assert out.set_index("doc_id")["count"].to_dict() == {"cx": 1, "rc": 0, "xz": 0}


def test_term_frequency_on_the_seeds(themed):
    out = term_frequency(themed, "新质生产力")
    row = out.set_index("theme").loc["新质生产力"]
    assert (row["count"], row["n_tokens"], row["rate"]) == (38, 1493, 254.52)
    assert out.set_index("theme").loc["general", "n_docs_total"] == 2
    assert out["count"].sum() == sum(list(t).count("新质生产力") for t in themed["tokens"])


def test_term_frequency_on_units_groups_by_the_doc_id_column(small):
    units = ca.tokenize(ca.segment(small[["text", "theme"]], level="sentence"))
    out = term_frequency(units, "科技创新", by="doc_id")
    assert out.set_index("doc_id")["count"].to_dict() == {"cx": 2, "rc": 0, "xz": 5}
    assert out.set_index("doc_id").loc["xz", "n_docs_total"] == 1


def test_term_frequency_errors(small, cleaned):
    with pytest.raises(ValueError, match=r"no 'tokens' column .* run tokenize\(\) first"):
        term_frequency(cleaned, "新质生产力")
    with pytest.raises(ValueError, match=r"theme='新质' is not a theme of the corpus; choose from"):
        term_frequency(small, "新质生产力", theme="新质")
    with pytest.raises(ValueError, match=r"doc_id='zz' is not a document of the corpus"):
        term_frequency(small, "新质生产力", doc_id="zz")
    with pytest.raises(ValueError, match=r"by='year' is not 'theme', 'doc_id' or a column"):
        term_frequency(small, "新质生产力", by="year")
    with pytest.raises(ValueError, match=r"per must be a positive int"):
        term_frequency(small, "新质生产力", per=0)
    with pytest.raises(TypeError, match=r"term must be a non-empty str"):
        term_frequency(small, "  ")
    with pytest.raises(ValueError, match=r"no 'theme' column; run assign_themes\(\) first"):
        term_frequency(small.drop(columns="theme"), "新质生产力")


def test_data_functions_do_not_mutate_the_input(small):
    before = small.copy()
    term_frequency(small, "科技创新")
    term_concordance(small, "科技创新")
    term_associates(small, "科技创新")
    explore_view(small, "科技创新")
    pd.testing.assert_frame_equal(small, before)


# ----------------------------------------------------------------------------- term_concordance
def test_term_concordance_wraps_kwic_with_themes(small):
    out = term_concordance(small, "新质生产力", context_chars=6)
    assert list(out.columns) == list(CONCORDANCE_COLUMNS)
    ref = ca.kwic(small, "新质生产力", context_chars=6)
    assert out["left"].tolist() == ref["left"].tolist()
    assert out["start"].tolist() == ref["start"].tolist()
    assert len(out) == 5 and set(out["theme"]) == {"新质生产力"}
    for rec in out.itertuples():
        assert small.loc[rec.doc_id, "text"][rec.start:rec.end] == rec.match
    assert out.loc[0, ["left", "match", "right"]].tolist() == ["深刻把握发展", "新质生产力", "的关键特征习"]


def test_term_concordance_filters_and_empty_results(small):
    both = term_concordance(small, "科技创新")
    assert both["doc_id"].tolist() == ["xz"] * 5 + ["cx"] * 2
    assert term_concordance(small, "科技创新", theme="创新型县")["doc_id"].tolist() == ["cx", "cx"]
    assert term_concordance(small, "科技创新", doc_id="xz")["theme"].unique().tolist() == ["新质生产力"]
    none = term_concordance(small, "科技创新", theme="容错纠错")
    assert none.empty and list(none.columns) == list(CONCORDANCE_COLUMNS)
    assert term_concordance(small, "不存在的词").empty
    # a variant finds the surface form of the text
    assert term_concordance(small, "創新型縣")["match"].tolist() == ["创新型县(市)"]
    with pytest.raises(ValueError, match=r"doc_id='zz' is not a document"):
        term_concordance(small, "科技创新", doc_id="zz")


def test_term_concordance_of_units_reports_the_document(small):
    units = ca.tokenize(ca.segment(small[["text", "theme"]], level="sentence"))
    out = term_concordance(units, "容错纠错")
    assert out["doc_id"].tolist() == ["rc", "rc"]
    assert out["theme"].tolist() == ["容错纠错", "容错纠错"]


def test_concordance_html_highlights_and_escapes():
    lines = pd.DataFrame({"doc_id": ["a", "b"], "theme": ["创新型县", pd.NA], "left": ["<b>建设", "x"],
                          "match": ["创新型县", "创新型县"], "right": ["&市", "y"]})
    page = concordance_html(lines)
    assert page.count("<mark>创新型县</mark>") == 2
    assert "&lt;b&gt;建设" in page and "&amp;市" in page and "<b>建设" not in page
    assert "1 more line" in concordance_html(lines, max_lines=1)
    assert "No occurrence" in concordance_html(lines.iloc[:0])
    with pytest.raises(ValueError, match=r"expects the table of term_concordance"):
        concordance_html(pd.DataFrame({"x": [1]}))


# ----------------------------------------------------------------------------- term_associates
def test_term_associates_from_corpus_equals_from_table(small):
    from_corpus = term_associates(small, "新质生产力", n=5)
    cooc = ca.cooccurrence(small, window="sentence", min_count=2)
    ref = ca.associates(cooc, "新质生产力", n=5, alpha=None)
    assert from_corpus["associate"].tolist() == ref["associate"].tolist()
    assert from_corpus["n_ab"].tolist() == ref["n_ab"].tolist()
    assert from_corpus.columns[:4].tolist() == ["term", "rank", "associate", "n_ab"]
    pd.testing.assert_frame_equal(from_corpus, term_associates(cooc, "新质生产力", n=5))
    assert from_corpus["rank"].tolist() == list(range(1, len(from_corpus) + 1))
    assert from_corpus["associate"].tolist() == ["科技创新", "核心", "要素", "生产力", "技术"]


def test_term_associates_selection_and_empty(small):
    # restricted to the 容错纠错 speech, 新质生产力 does not occur: an empty table that says why
    out = term_associates(small, "新质生产力", theme="容错纠错")
    assert out.empty and out.columns[:3].tolist() == ["term", "rank", "associate"]
    assert "shares no context" in out.attrs["term_associates"]["note"]
    only_xz = term_associates(small, "科技创新", doc_id="xz", n=3)
    cooc = ca.cooccurrence(small.loc[["xz"]], window="sentence", min_count=2)
    assert only_xz["associate"].tolist() == ca.associates(cooc, "科技创新", n=3, alpha=None)["associate"].tolist()


def test_term_associates_errors(small):
    cooc = ca.cooccurrence(small, window="sentence")
    with pytest.raises(ValueError, match=r"a co-occurrence table is already counted"):
        term_associates(cooc, "新质生产力", theme="新质生产力")
    grouped = ca.cooccurrence(ca.tokenize(ca.segment(small[["text", "theme"]])), window="sentence", by="theme",
                              min_count=1)
    with pytest.raises(ValueError, match=r"the co-occurrence table has 3 groups"):
        term_associates(grouped, "新质生产力")
    with pytest.raises(TypeError, match=r"expects a tokenized corpus or a table of cooccurrence"):
        term_associates(["新质生产力"], "新质生产力")


# ----------------------------------------------------------------------------- suggest_terms
def test_suggest_terms_exact_prefix_infix():
    out = suggest_terms("容错纠错", n=50)
    assert list(out.columns) == ["term", "form", "category", "themes", "match"]
    assert out.loc[0, ["term", "match"]].tolist() == ["容错纠错", "exact"]
    kinds = out["match"].tolist()
    assert kinds == sorted(kinds, key=["exact", "prefix", "infix"].index)
    assert "容错纠错机制" in out.loc[out["match"] == "prefix", "term"].tolist()
    assert out["term"].is_unique
    assert "infix" not in kinds  # no dictionary form has 容错纠错 inside but not at its start
    infix = suggest_terms("创新型", n=500)
    assert infix.loc[infix["match"] == "infix", "term"].tolist() == ["国家创新型城市"]
    assert infix["match"].tolist()[:4] == ["prefix"] * 4


def test_suggest_terms_variants_latin_and_corpus_order(small):
    assert suggest_terms("創新型縣", n=1)[["term", "form", "match"]].values.tolist() == [["创新型县", "創新型縣", "exact"]]
    assert suggest_terms("ai", n=1)[["term", "form"]].values.tolist() == [["人工智能", "AI"]]
    plain = suggest_terms("科技", n=3)["term"].tolist()
    ranked = suggest_terms("科技", n=3, corpus=small)["term"].tolist()
    assert ranked[0] == "科技创新" and plain != ranked  # the frequent term of the corpus first
    assert suggest_terms("", n=3).empty and suggest_terms("zzzz").empty
    with pytest.raises(ValueError, match=r"n must be a positive int"):
        suggest_terms("科技", n=0)
    with pytest.raises(TypeError, match=r"prefix must be a str"):
        suggest_terms(None)


# ----------------------------------------------------------------------------- explore_view / export_view
def test_explore_view_and_export(small, tmp_path):
    view = explore_view(small, "新质生产力", theme="新质生产力", context_chars=5)
    assert isinstance(view, ExploreView)
    assert view.summary().startswith("新质生产力: 5 occurrence(s) in 1 of 1 document(s)")
    assert view.summary().endswith("(theme 新质生产力)")
    paths = export_view(view, tmp_path / "out")
    assert sorted(paths) == ["associates", "concordance", "frequency_document", "frequency_theme"]
    for name, path in paths.items():
        assert path.name == f"explore_新质生产力_新质生产力_{name}.csv"
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
        back = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert back.columns.tolist() == view.tables()[name].columns.tolist()
        assert len(back) == len(view.tables()[name])
    back = pd.read_csv(paths["concordance"], encoding="utf-8-sig")
    assert back["match"].tolist() == ["新质生产力"] * 5
    assert back["left"].tolist() == view.concordance["left"].tolist()


def test_export_view_empty_tables_and_file_names(small, tmp_path):
    view = explore_view(small, "科技创新", theme="容错纠错", doc_id="rc")
    paths = export_view(view, tmp_path, prefix="x")
    assert paths["concordance"].name == "x_concordance.csv"
    assert paths["concordance"].read_text(encoding="utf-8-sig").splitlines() == [",".join(CONCORDANCE_COLUMNS)]
    odd = ExploreView("a/b:c", None, None, *view.tables().values())
    assert export_view(odd, tmp_path)["associates"].name == "explore_a_b_c_associates.csv"
    with pytest.raises(TypeError, match=r"expects the ExploreView"):
        export_view(view.tables(), tmp_path)


def test_prepare_corpus_runs_only_missing_steps(seeds, cleaned):
    raw = seeds.iloc[[2]]
    ready = prepare_corpus(raw)
    assert {"text", "tokens", "theme"} <= set(ready.columns)
    assert ready["theme"].tolist() == ["新质生产力"]
    assert "tokens" not in raw.columns  # input untouched
    labelled = cleaned.iloc[[0]].assign(theme="general")
    assert prepare_corpus(labelled)["theme"].tolist() == ["general"]  # an existing theme is kept
    with pytest.raises(ValueError, match=r"neither 'raw', 'text' nor 'tokens'"):
        prepare_corpus(pd.DataFrame({"x": [1]}))


# ----------------------------------------------------------------------------- the widget
@pytest.mark.slow
def test_explorer_builds_on_a_cleaned_corpus_and_follows_the_term_box(cleaned, tmp_path):
    import ipywidgets as w

    ex = explore(cleaned, term="新质生产力", export_dir=tmp_path)
    assert isinstance(ex, Explorer) and isinstance(ex, w.VBox)
    assert isinstance(ex.term_box, w.Combobox)
    assert "新质生产力" in ex.term_box.options and "容错纠错" in ex.term_box.options
    assert ex.term_box.options[0] == "科技创新"  # the most frequent dictionary term first
    assert ex.summary.value == "<b>新质生产力: 38 occurrence(s) in 1 of 5 document(s), 62.45 per 10,000 tokens " \
                               "(whole corpus)</b>"
    assert ex.kwic.value.count("<mark>") == 38
    assert "254.52" in ex.frequency.value and "002_105d27af3b6cb7bc" in ex.frequency.value
    assert "要素" in ex.associates.value
    before = (ex.kwic.value, ex.frequency.value, ex.associates.value)

    ex.term_box.value = "創新型縣"  # a traditional variant: the views switch to 创新型县
    assert ex.view.term == "创新型县"
    assert ex.kwic.value.count("<mark>") == 7 and "<mark>创新型县(市)</mark>" in ex.kwic.value
    assert (ex.kwic.value, ex.frequency.value, ex.associates.value) != before
    assert ex.summary.value.startswith("<b>创新型县: 7 occurrence(s) in 1 of 5 document(s)")


@pytest.mark.slow
def test_explorer_filters_are_linked(themed, tmp_path):
    ex = explore(themed, term="科技创新", export_dir=tmp_path)
    all_docs = [v for _, v in ex.doc_filter.options]
    assert all_docs[0] == "" and len(all_docs) == 6 and ex.theme_filter.value == ""
    total = ex.kwic.value.count("<mark>")
    ex.theme_filter.value = "general"
    docs = [v for _, v in ex.doc_filter.options]
    assert docs == ["", "001_5f9d985e37db4bf6", "003_6ca6cb6ed127d059"]
    general = ex.kwic.value.count("<mark>")
    assert 0 < general < total
    assert ex.view.theme == "general" and len(ex.view.frequency_document) == 2
    ex.doc_filter.value = "003_6ca6cb6ed127d059"
    assert ex.view.doc_id == "003_6ca6cb6ed127d059"
    assert ex.kwic.value.count("<mark>") == sum(list(t).count("科技创新") for t in themed.loc[
        ["003_6ca6cb6ed127d059"], "tokens"])
    ex.theme_filter.value = "容错纠错"  # the document is not in that theme: the filter resets
    assert ex.doc_filter.options[0] == ("all documents", "")
    assert ex.doc_filter.value == "" and ex.view.doc_id is None
    assert set(ex.view.concordance["doc_id"]) == {"004_60d9a6d77e740d89"}
    ex.theme_filter.value = ""  # back to all themes
    assert ex.view.theme is None and len(ex.doc_filter.options) == 6
    assert ex.kwic.value.count("<mark>") == total


@pytest.mark.slow
def test_explorer_unknown_term_suggests_and_keeps_the_view(themed, tmp_path):
    ex = explore(themed, term="新质生产力", export_dir=tmp_path)
    ex.set_term("容错纠")
    assert "is neither a dictionary term nor a token" in ex.summary.value
    assert "容错纠错" in ex.summary.value
    assert ex.view.term == "新质生产力"  # the last real view stays (and is what Export writes)
    ex.set_term("")
    assert ex.summary.value == "Type a term."


@pytest.mark.slow
def test_explorer_export_button_writes_the_current_view(themed, tmp_path):
    ex = explore(themed, term="容错纠错", export_dir=tmp_path / "exports")
    ex.theme_filter.value = "容错纠错"
    ex.export_button.click()
    names = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert names == [f"explore_容错纠错_容错纠错_{t}.csv" for t in
                     ("associates", "concordance", "frequency_document", "frequency_theme")]
    assert "Wrote 4 file(s)" in ex.export_status.value
    conc = pd.read_csv(ex.exported["concordance"], encoding="utf-8-sig")
    assert conc["match"].tolist() == ex.view.concordance["match"].tolist()
    assert len(conc) == 2
    assert repr(ex) == "Explorer(documents=5, term='容错纠错', theme='容错纠错', doc_id=None)"


def test_export_view_neutralises_formula_leading_cells(tmp_path):
    # issue 16: the explorer's export wrote concordance contexts (and ids) beginning with = + - @ as they are
    # seeds/002_105d27af3b6cb7bc.txt (words), with what a hostile page could put around them
    texts = ['=HYPERLINK("http://x","点击")加快形成新质生产力。', "+加快形成新质生产力-培育壮大新兴产业",
             "-培育新质生产力@SUM(1+1)", "@因地制宜形成新质生产力=1+1"]
    corpus = ca.tokenize(pd.DataFrame({"text": texts, "theme": ["新质生产力"] * 4},
                                      index=pd.Index(["=a", "+b", "-c", "@d"], name="doc_id")))
    view = explore_view(corpus, "新质生产力", context_chars=40)
    assert view.concordance["left"].str[:1].tolist() == ["=", "+", "-", "@"]  # the view keeps the values
    paths = export_view(view, tmp_path)
    back = pd.read_csv(paths["concordance"], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["doc_id"].tolist() == ["'=a", "'+b", "'-c", "'@d"]
    assert back["left"].tolist() == ["'" + v for v in view.concordance["left"]]
    assert back["right"].tolist() == ["。", "'-培育壮大新兴产业", "'@SUM(1+1)", "'=1+1"]
    assert back["start"].tolist() == [str(v) for v in view.concordance["start"]]  # numbers are left as they are
    by_doc = pd.read_csv(paths["frequency_document"], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert sorted(by_doc["doc_id"]) == ["'+b", "'-c", "'=a", "'@d"]
