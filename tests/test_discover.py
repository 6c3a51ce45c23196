"""Tests for corpusanalysis.discover (new-term discovery by PMI and branching entropy).

Expected statistics are computed by hand in each test with math.log2 from the counts written
next to them, on hand-built corpora and on a real excerpt of seeds/002_105d27af3b6cb7bc.txt.
"""

from __future__ import annotations

import math
import re

import jieba
import pandas as pd
import pytest

from corpusanalysis.analysis.discover import DISCOVER_COLUMNS, PMI_CAP, discover_terms
from corpusanalysis.text.dictionary import PolicyDictionary, load_dictionary

LOG3 = math.log2(3)


def corpus_of(texts, tokens=None) -> pd.DataFrame:
    data = {"text": list(texts)}
    if tokens is not None:
        data["tokens"] = [tuple(t) for t in tokens]
    return pd.DataFrame(data, index=pd.Index([f"d{i}" for i in range(len(data["text"]))], name="doc_id"))


def entropy(*counts: int) -> float:
    total = sum(counts)
    return -sum(c / total * math.log2(c / total) for c in counts)


# A hand-built corpus: the stopword 的 was dropped from the tokens of d2, and the tokens
# 配置/要素 of d1 are adjacent in `tokens` but separated by "，" in the text.
HAND = corpus_of(
    ["我们推动要素配置改革。", "优化要素配置，要素流动", "要素配置的效率"],
    [
        ("我们", "推动", "要素", "配置", "改革"),
        ("优化", "要素", "配置", "要素", "流动"),
        ("要素", "配置", "效率"),
    ],
)
HAND_N = 13  # tokens in HAND; 要素 4 times, 配置 3 times, "要素配置" 3 times in the text

ALL = {"min_count": 1, "min_pmi": -math.inf, "min_entropy": 0.0, "n": None, "dictionary": []}


# ----------------------------------------------------------------------------- exact values


def test_hand_corpus_exact_values():
    out = discover_terms(HAND, dictionary=[])
    assert list(out.columns) == list(DISCOVER_COLUMNS)
    assert out["candidate"].tolist() == ["要素配置"]
    row = out.iloc[0]
    pmi = math.log2((3 / HAND_N) / ((4 / HAND_N) * (3 / HAND_N)))
    assert row["n_parts"] == 2
    assert row["count"] == 3
    assert row["n_rows"] == 3
    assert row["pmi"] == pytest.approx(pmi, abs=1e-12)
    # left: 动, 化, start of text; right: 改, "，", 的 -> three distinct symbols each
    assert row["left_entropy"] == pytest.approx(LOG3, abs=1e-12)
    assert row["right_entropy"] == pytest.approx(LOG3, abs=1e-12)
    assert row["boundary_entropy"] == pytest.approx(LOG3, abs=1e-12)
    assert row["score"] == pytest.approx(math.log2(1 + 3) * pmi * LOG3, abs=1e-12)
    assert row["contains_term"] == ""
    assert row["examples"] == ("我们推动【要素配置】改革。", "优化【要素配置】，要素流动")
    assert out.index.tolist() == [0]


def test_dtypes():
    out = discover_terms(HAND, dictionary=[])
    assert [str(out[c].dtype) for c in ("n_parts", "count", "n_rows")] == ["int64"] * 3
    assert all(out[c].dtype == "float64" for c in ("pmi", "left_entropy", "right_entropy", "boundary_entropy", "score"))
    assert isinstance(out.loc[0, "examples"], tuple)


def test_adjacent_tokens_not_adjacent_in_text_are_not_candidates():
    out = discover_terms(HAND, **ALL)
    cands = set(out["candidate"])
    assert "配置效率" not in cands  # 的 was dropped between them
    assert "配置要素" not in cands  # "，" between them
    assert {"要素配置", "推动要素", "要素配置改革"} <= cands


def test_pmi_of_three_tokens_is_the_minimum_over_binary_splits():
    out = discover_terms(HAND, **ALL).set_index("candidate")
    row = out.loc["要素配置改革"]
    # 要素|配置改革: 1 occurrence, c(要素)=4, text count of 配置改革 = 1
    # 要素配置|改革: 1 occurrence, text count of 要素配置 = 3, c(改革) = 1
    split1 = math.log2((1 / HAND_N) / ((4 / HAND_N) * (1 / HAND_N)))
    split2 = math.log2((1 / HAND_N) / ((3 / HAND_N) * (1 / HAND_N)))
    assert row["n_parts"] == 3
    assert row["pmi"] == pytest.approx(min(split1, split2), abs=1e-12)
    assert row["pmi"] == pytest.approx(math.log2(13 / 4), abs=1e-12)
    # a single occurrence has one neighbour on each side: entropy 0
    assert (row["left_entropy"], row["right_entropy"]) == (0.0, 0.0)


def test_branching_entropy_boundaries_are_distinct_symbols():
    # left neighbours: 化, 化, 动, “  -> {化: 2, 动: 1} plus one boundary
    # right neighbours: "，", "。", □, 〓 -> four boundaries, each its own symbol
    corpus = corpus_of(
        ["化善作善成，化善作善成。", "动善作善成□“善作善成〓"],
        [("化", "善作", "善成", "化", "善作", "善成"), ("动", "善作", "善成", "善作", "善成")],
    )
    out = discover_terms(corpus, dictionary=[], min_count=4, examples=3)
    assert out["candidate"].tolist() == ["善作善成"]
    row = out.iloc[0]
    assert (row["count"], row["n_rows"]) == (4, 2)
    assert row["left_entropy"] == pytest.approx(entropy(2, 1, 1), abs=1e-12)
    assert row["left_entropy"] == pytest.approx(1.5, abs=1e-12)
    assert row["right_entropy"] == pytest.approx(2.0, abs=1e-12)
    assert row["boundary_entropy"] == pytest.approx(1.5, abs=1e-12)
    assert row["pmi"] == pytest.approx(math.log2((4 / 11) / ((4 / 11) * (4 / 11))), abs=1e-12)
    # examples: one per document first, then the rest, shown in document order
    assert row["examples"] == ("化【善作善成】，化善作善成。", "化善作善成，化【善作善成】。", "动【善作善成】□“善作善成〓")


def test_a_fragment_always_in_the_same_context_has_zero_entropy():
    corpus = corpus_of(["甲善作善成乙甲善作善成乙甲善作善成乙"], [("甲", "善作", "善成", "乙") * 3])
    assert discover_terms(corpus, dictionary=[]).empty
    out = discover_terms(corpus, dictionary=[], min_entropy=0.0)
    row = out.set_index("candidate").loc["善作善成"]
    assert (row["count"], row["left_entropy"], row["right_entropy"]) == (3, 0.0, 0.0)


def test_placeholders_are_never_part_of_a_candidate():
    corpus = corpus_of(
        ["要素□配置，要素〓配置。要素□配置", "要素□配置"],
        [("要素", "□", "配置", "要素", "配置", "要素", "□", "配置"), ("要素", "配置")],
    )
    out = discover_terms(corpus, **ALL)
    assert out.empty
    assert list(out.columns) == list(DISCOVER_COLUMNS)


def test_score_ties_sort_by_candidate_and_n_caps():
    corpus = corpus_of(["甲乙，丙丁，甲乙。丙丁。甲乙、丙丁、"], [("甲", "乙", "丙", "丁") * 3])
    out = discover_terms(corpus, dictionary=[])
    assert out["candidate"].tolist() == ["丙丁", "甲乙"]  # U+4E19 < U+7532
    assert out["pmi"].tolist() == pytest.approx([math.log2((3 / 12) / ((3 / 12) ** 2))] * 2, abs=1e-12)
    assert out["score"].iloc[0] == out["score"].iloc[1]
    assert discover_terms(corpus, dictionary=[], n=1)["candidate"].tolist() == ["丙丁"]


def test_score_caps_pmi():
    # 3 occurrences among 4006 tokens: PMI = log2(3 * 4006 / (3 * 3)) = 10.38 bits > PMI_CAP
    noise = tuple(f"词{i:04d}" for i in range(4000))
    text = "，".join(["要素配置"] * 3 + list(noise))
    corpus = corpus_of([text], [("要素", "配置") * 3 + noise])
    row = discover_terms(corpus, dictionary=[]).iloc[0]
    assert row["pmi"] == pytest.approx(math.log2(3 * 4006 / (3 * 3)), abs=1e-12)
    assert row["pmi"] > PMI_CAP
    assert row["score"] == pytest.approx(math.log2(4) * PMI_CAP * row["boundary_entropy"], abs=1e-12)


def test_examples_context_width_ellipsis_and_line_breaks():
    text = "一二三四五六七八九十甲乙丙要素配置丁戊己庚辛壬癸子丑寅卯\n第二段要素配置\n要素配置，第三段"
    corpus = corpus_of([text], [("要素", "配置")])
    out = discover_terms(corpus, dictionary=[], examples=3)
    assert out.loc[0, "examples"] == (
        "…四五六七八九十甲乙丙【要素配置】丁戊己庚辛壬癸子丑寅…",
        "第二段【要素配置】",
        "【要素配置】，第三段",
    )
    assert discover_terms(corpus, dictionary=[], examples=0).loc[0, "examples"] == ()


def test_chars_mode_exact_values():
    # Han characters: 10 + 10 + 7 = 27; 要 4, 素 4, 配 3, 置 3 times; no tokens column needed
    corpus = HAND.drop(columns="tokens")
    out = discover_terms(corpus, dictionary=[], source="chars")
    assert out["candidate"].tolist() == ["要素配置"]
    row = out.iloc[0]
    n_han = 27
    splits = [
        math.log2((3 / n_han) / ((4 / n_han) * (3 / n_han))),  # 要|素配置
        math.log2((3 / n_han) / ((4 / n_han) * (3 / n_han))),  # 要素|配置
        math.log2((3 / n_han) / ((3 / n_han) * (3 / n_han))),  # 要素配|置
    ]
    assert (row["n_parts"], row["count"], row["n_rows"]) == (4, 3, 3)
    assert row["pmi"] == pytest.approx(min(splits), abs=1e-12)
    assert row["boundary_entropy"] == pytest.approx(LOG3, abs=1e-12)
    # 要素: left 动, 化, "，", start (log2 4 = 2); right 配, 配, 流, 配
    row = discover_terms(corpus, dictionary=[], source="chars", min_entropy=0.8).set_index("candidate").loc["要素"]
    assert row["count"] == 4
    assert row["pmi"] == pytest.approx(math.log2((4 / n_han) / ((4 / n_han) * (4 / n_han))), abs=1e-12)
    assert row["left_entropy"] == pytest.approx(2.0, abs=1e-12)
    assert row["right_entropy"] == pytest.approx(entropy(3, 1), abs=1e-12)


def test_chars_mode_respects_max_n():
    corpus = HAND.drop(columns="tokens")
    out = discover_terms(corpus, **ALL, source="chars", max_n=2)
    assert out["candidate"].str.len().max() == 4
    assert out["candidate"].str.len().min() == 2
    assert not out["candidate"].str.contains("[，。]").any()


def test_token_lists_are_accepted():
    as_lists = HAND.assign(tokens=[list(t) for t in HAND["tokens"]])
    pd.testing.assert_frame_equal(discover_terms(as_lists, dictionary=[]), discover_terms(HAND, dictionary=[]))


def test_empty_result_has_fixed_columns():
    out = discover_terms(HAND, dictionary=[], min_count=100)
    assert out.empty
    assert list(out.columns) == list(DISCOVER_COLUMNS)
    assert str(out["count"].dtype) == "int64"
    empty = discover_terms(HAND.iloc[:0], dictionary=[])
    assert empty.empty and list(empty.columns) == list(DISCOVER_COLUMNS)


def test_attrs_record_the_filters():
    stats = discover_terms(HAND, dictionary=["要素配置"], min_count=1).attrs["discover_terms"]
    assert stats["source"] == "tokens"
    assert stats["dictionary_form"] == 1
    assert stats["candidates"] == stats["too_rare"] + stats["dictionary_form"] + stats["low_pmi"] + stats[
        "low_entropy"
    ] + len(discover_terms(HAND, dictionary=["要素配置"], min_count=1, n=None))


# ----------------------------------------------------------------------------- dictionary


def test_exact_dictionary_forms_are_excluded_and_containing_candidates_flagged():
    assert discover_terms(HAND, dictionary=["要素配置"]).empty
    out = discover_terms(HAND, dictionary=["要素"])
    assert out["candidate"].tolist() == ["要素配置"]
    assert out.loc[0, "contains_term"] == "要素"


SMALL_DICT = PolicyDictionary.from_dict(
    {
        "name": "测试",
        "version": "0.1.0",
        "categories": {"x": {"label": "测试", "description": ""}},
        "terms": [
            {"term": "要素市场化配置", "category": "x", "variants": ["要素配置"]},
            {"term": "配置改革", "category": "x"},
        ],
    }
)


def test_policy_dictionary_variants_excluded_canonical_term_reported():
    out = discover_terms(HAND, dictionary=SMALL_DICT, **{k: v for k, v in ALL.items() if k != "dictionary"})
    by_cand = out.set_index("candidate")["contains_term"]
    assert "要素配置" not in by_cand.index  # a variant
    assert "配置改革" not in by_cand.index  # a canonical term
    # longest form inside wins (要素配置 and 配置改革 both have 4 characters: the leftmost)
    assert by_cand["要素配置改革"] == "要素市场化配置"
    assert by_cand["推动要素配置"] == "要素市场化配置"
    assert by_cand["推动要素"] == ""
    # the forms table of a PolicyDictionary works as well
    pd.testing.assert_frame_equal(
        discover_terms(HAND, dictionary=SMALL_DICT.forms(), min_count=1), discover_terms(HAND, dictionary=SMALL_DICT, min_count=1)
    )


# ----------------------------------------------------------------------------- seed excerpt

# seeds/002_105d27af3b6cb7bc.txt, cleaned text (clean_text): the opening of the lecture and two
# paragraphs on 要素配置, one document each.
SEED_002 = {
    "open": (
        "同志们：习近平总书记亲临我省视察指导工作，对我省工作提出“四个善作善成”重要要求。全市科技系统要认真"
        "贯彻落实习近平总书记关于“我省作为全国先进制造研发基地，要发挥科教资源丰富等优势，在发展新质生产力上"
        "勇争先、善作为”的重要讲话精神，深刻把握发展新质生产力核心要素的本质内涵和关键特征，深刻认识基础条件，"
        "找准抓实着力点，积极培育发展新质生产力的新动能，谱写“科技之为”新篇章。"
    ),
    "base": (
        "(四)科技创新要素配置高效，为发展新质生产力奠定要素基础。新质生产力是生产要素创新性配置的生产力，"
        "科技创新要素配置是关键。近年来，□持续做优做强成果转化、科技服务和科技金融，提升新质生产力要素配置水平。"
    ),
    "task": (
        "(四)聚焦科技创新要素配置，提升配置效率。强化顶层设计、系统推动，大幅提高科技资源配置效率，激发知识、"
        "技术、人才、资本等创新要素活力，让各类优质创新要素向发展新质生产力顺畅流动。发力要素配置，率先在人才和"
        "金融要素配置上下功夫。一是推动天开园提质增效赋能。升级“海河英才”行动计划。"
    ),
}
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]+")


@pytest.fixture(scope="module")
def seed_corpus() -> pd.DataFrame:
    tokenizer = jieba.Tokenizer()  # a private instance: never the global jieba.dt
    tokens = [tuple(w for w in tokenizer.lcut(t) if _WORD.fullmatch(w) and not w.isdigit()) for t in SEED_002.values()]
    return pd.DataFrame(
        {"text": list(SEED_002.values()), "tokens": tokens}, index=pd.Index(list(SEED_002), name="doc_id")
    )


def test_seed_repeated_term_surfaces(seed_corpus):
    out = discover_terms(seed_corpus, dictionary=["新质生产力", "科技创新"])
    assert "新质生产力" not in set(out["candidate"])
    row = out.set_index("candidate").loc["要素配置"]
    # six occurrences in two documents; text statistics do not depend on the tokenizer
    assert (row["n_parts"], row["count"], row["n_rows"]) == (2, 6, 2)
    # left: 新 (科技创新要素配置) x3, 力 (生产力/发力) x2, 融 x1; right: 高, 是, 水, 上 and two "，"
    assert row["left_entropy"] == pytest.approx(entropy(3, 2, 1), abs=1e-12)
    assert row["right_entropy"] == pytest.approx(math.log2(6), abs=1e-12)
    assert row["contains_term"] == ""
    assert row["examples"] == ("(四)科技创新【要素配置】高效，为发展新质生产…", "(四)聚焦科技创新【要素配置】，提升配置效率。强化…")
    flagged = out.set_index("candidate").loc["发展新质生产力"]
    assert (flagged["count"], flagged["n_rows"], flagged["contains_term"]) == (5, 3, "新质生产力")


def test_seed_bundled_dictionary_forms_never_proposed(seed_corpus):
    known = load_dictionary()
    everything = discover_terms(seed_corpus, dictionary=None, min_count=1, min_pmi=-math.inf, min_entropy=0.0, n=None)
    assert not any(c in known for c in everything["candidate"])
    unfiltered = set(discover_terms(seed_corpus, **ALL)["candidate"])
    for slogan in ("四个善作善成", "天开园", "海河英才"):
        assert slogan in unfiltered  # a token n-gram of the seed text ...
        assert (slogan in set(everything["candidate"])) == (known.lookup(slogan) is None)  # ... unless known


def test_seed_deterministic_and_input_not_mutated(seed_corpus):
    before = seed_corpus.copy(deep=True)
    first = discover_terms(seed_corpus, min_count=2)
    second = discover_terms(seed_corpus, min_count=2)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(seed_corpus, before)
    assert list(seed_corpus.columns) == ["text", "tokens"]
    ordered = first.sort_values(["score", "candidate"], ascending=[False, True], kind="stable")
    assert first["candidate"].tolist() == ordered["candidate"].tolist()


# ----------------------------------------------------------------------------- errors


def test_missing_tokens_column():
    with pytest.raises(ValueError, match=r"no 'tokens' column.*Run tokenize\(\) first"):
        discover_terms(HAND.drop(columns="tokens"))


def test_missing_text_column():
    with pytest.raises(ValueError, match=r"no 'text' column.*Run clean\(\) first"):
        discover_terms(HAND.drop(columns="text"))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3", None])
def test_bad_min_count(bad):
    with pytest.raises(ValueError, match=r"min_count must be an integer >= 1, got"):
        discover_terms(HAND, min_count=bad)


@pytest.mark.parametrize("bad", [1, 0, 3.0])
def test_bad_max_n(bad):
    with pytest.raises(ValueError, match=r"max_n must be an integer >= 2, got"):
        discover_terms(HAND, max_n=bad)


def test_unknown_source():
    with pytest.raises(ValueError, match=r"source must be one of 'tokens', 'chars', got str 'words'"):
        discover_terms(HAND, source="words")


def test_other_bad_arguments():
    with pytest.raises(TypeError, match=r"corpus must be a pandas DataFrame"):
        discover_terms(["要素配置"])
    with pytest.raises(ValueError, match=r"min_pmi must be a real number"):
        discover_terms(HAND, min_pmi="high")
    with pytest.raises(ValueError, match=r"min_entropy must be a real number"):
        discover_terms(HAND, min_entropy=float("nan"))
    with pytest.raises(ValueError, match=r"n must be an integer >= 1.*n=None"):
        discover_terms(HAND, n=0)
    with pytest.raises(ValueError, match=r"examples must be an integer >= 0"):
        discover_terms(HAND, examples=-1)
    with pytest.raises(TypeError, match=r"Wrap a single term in a list"):
        discover_terms(HAND, dictionary="要素配置")
    with pytest.raises(TypeError, match=r"dictionary must contain only non-empty strings"):
        discover_terms(HAND, dictionary=["要素", 3])


def test_malformed_columns_name_the_document():
    with pytest.raises(ValueError, match=r"tuple of str.*document 'd1'"):
        discover_terms(HAND.assign(tokens=[("要素",), "要素 配置", ("配置",)]))
    with pytest.raises(ValueError, match=r"document 'd0' contains int 3"):
        discover_terms(HAND.assign(tokens=[("要素", 3), (), ()]))
    with pytest.raises(ValueError, match=r"corpus\['text'\] must hold a str.*document 'd2'"):
        discover_terms(HAND.assign(text=["要素", "配置", None]))


def test_mapping_dictionary_reads_form_to_term():
    out = discover_terms(HAND, dictionary={"配置改革": "配置制度改革"}, min_count=1, min_entropy=0.0)
    by_cand = out.set_index("candidate")["contains_term"]
    assert "配置改革" not in by_cand.index
    assert by_cand["要素配置改革"] == "配置制度改革"


def test_token_spans_give_the_surface_form_of_canonicalized_tokens():
    # like tokenize(): the variant 成果转化 became the canonical 科技成果转化, spans keep the surface
    text = "加速成果转化，加速成果转化。加速成果转化"
    tokens = ("加速", "科技成果转化") * 3
    spans = ((0, 2), (2, 6), (7, 9), (9, 13), (14, 16), (16, 20))
    corpus = corpus_of([text], [tokens]).assign(token_spans=[spans])
    out = discover_terms(corpus, dictionary=[])
    assert out["candidate"].tolist() == ["加速成果转化"]
    assert (out.loc[0, "count"], out.loc[0, "n_parts"]) == (3, 2)
    # without spans the canonical tokens never occur together in the text
    assert discover_terms(corpus.drop(columns="token_spans"), dictionary=[]).empty
    bad = corpus.assign(token_spans=[spans[:-1]])
    with pytest.raises(ValueError, match=r"token_spans'\] of document 'd0' has 5 spans for 6 tokens.*re-run tokenize"):
        discover_terms(bad)
    with pytest.raises(ValueError, match=r"holds tuple \(16, 99\), not a \(start, end\) pair"):
        discover_terms(corpus.assign(token_spans=[(*spans[:-1], (16, 99))]))


def test_with_the_project_tokenizer():
    tokenize = pytest.importorskip("corpusanalysis.text.tokenize").tokenize
    known = PolicyDictionary.from_dict(
        {
            "name": "测试",
            "version": "0.1.0",
            "categories": {"x": {"label": "测试", "description": ""}},
            "terms": [{"term": "新质生产力", "category": "x"}],
        }
    )
    seed = pd.DataFrame({"text": list(SEED_002.values())}, index=pd.Index(list(SEED_002), name="doc_id"))
    out = discover_terms(tokenize(seed, dictionary=known), dictionary=known).set_index("candidate")
    assert "新质生产力" not in out.index
    assert out.loc["要素配置", "count"] == 6
    assert (out.loc["发展新质生产力", "count"], out.loc["发展新质生产力", "contains_term"]) == (5, "新质生产力")
