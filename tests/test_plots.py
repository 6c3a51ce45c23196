"""Tests for corpusanalysis.plots: CJK font, no global state, deterministic PNGs."""

from __future__ import annotations

import hashlib
import warnings

import matplotlib
import pytest
from matplotlib import font_manager

import corpusanalysis as ca


def test_cjk_font_comes_from_the_locked_package_and_resolves():
    path = ca.cjk_font_path()
    assert "site-packages/mplfonts" in path.as_posix()
    with ca.plot_style():
        found = font_manager.findfont(font_manager.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False)
    assert found == str(path)


def test_plot_style_does_not_leak_rcparams():
    before = dict(matplotlib.rcParams)
    with ca.plot_style():
        assert matplotlib.rcParams["font.family"][0] == "Noto Sans CJK SC"
        assert matplotlib.rcParams["axes.unicode_minus"] is False
    after = dict(matplotlib.rcParams)
    assert before == after


def test_chinese_labels_render_without_missing_glyphs(tmp_path):
    summary = ca.corpus_summary(ca.load_seeds())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        fig = ca.plot_document_lengths(summary, path=tmp_path / "lengths.png")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[-1].startswith("000 讲话 全市科技创新")  # longest document on top
    fonts = {t.get_fontfamily()[0] for t in fig.axes[0].get_yticklabels()}
    assert fonts == {"Noto Sans CJK SC"}


def test_save_figure_is_deterministic_and_strips_metadata(tmp_path):
    summary = ca.corpus_summary(ca.load_seeds())
    a = ca.plot_document_lengths(summary, path=tmp_path / "a.png")
    ca.plot_document_lengths(summary, path=tmp_path / "b.png")
    digest = [hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.png", "b.png")]
    assert digest[0] == digest[1]
    assert b"Software" not in (tmp_path / "a.png").read_bytes()
    assert b"matplotlib" not in (tmp_path / "a.png").read_bytes().lower()
    with pytest.raises(ValueError, match=r"writes PNG files; path='x.pdf' should end in '.png'"):
        ca.save_figure(a, "x.pdf")


def test_plot_document_lengths_checks_columns():
    with pytest.raises(ValueError, match=r"needs a 'label' column \(from corpus_summary\(\)\)"):
        ca.plot_document_lengths(ca.load_seeds())


def test_figure_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CORPUSANALYSIS_FIGURE_DIR", str(tmp_path))
    assert ca.figure_dir() == tmp_path
    monkeypatch.delenv("CORPUSANALYSIS_FIGURE_DIR")
    assert ca.figure_dir().as_posix() == "../figures"


def test_plot_cleaning_removals_from_summary():
    import pandas as pd

    from corpusanalysis import clean, cleaning_summary, load_seeds, plot_cleaning_removals

    summary = cleaning_summary(clean(load_seeds()))
    fig = plot_cleaning_removals(summary)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    # only steps that removed something are drawn, in pipeline order
    assert labels == ["mojibake", "pinyin", "furniture", "redaction", "linebreaks", "whitespace"]
    widths = {}
    for patch, label in zip(ax.patches, [lab for lab in labels for _ in range(len(summary))]):
        widths[label] = widths.get(label, 0) + patch.get_width()
    assert widths["pinyin"] == summary["removed_pinyin"].sum()
    with pytest.raises(ValueError, match="should be the table of cleaning_summary"):
        plot_cleaning_removals(pd.DataFrame({"x": [1]}))


def test_plot_theme_heatmap_cells_match_scores():
    import numpy as np
    import pandas as pd

    from corpusanalysis import clean, load_seeds, plot_theme_heatmap, theme_scores, tokenize

    scores = theme_scores(tokenize(clean(load_seeds())))
    fig = plot_theme_heatmap(scores)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["创新型县", "容错纠错", "新质生产力"]
    mesh = ax.collections[0]
    expected = scores.pivot(index="doc_id", columns="theme", values="rate").sort_index()
    assert np.allclose(np.asarray(mesh.get_array()).reshape(expected.shape), expected.to_numpy())
    texts = [t.get_text() for t in ax.texts]
    assert texts[2] == f"{expected.iloc[0, 2]:.0f}\n({int(scores.iloc[2]['n_hits'])})"
    with pytest.raises(ValueError, match="should be the table of theme_scores"):
        plot_theme_heatmap(pd.DataFrame({"a": [1]}))


def test_figures_show_inline_in_jupyter():
    """Pyplot-free figures are not known to IPython's inline backend: they carry their own PNG repr."""
    fig = ca.plot_document_lengths(ca.corpus_summary(ca.load_seeds()))
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in png[:2000] and b"matplotlib" not in png[:2000]


def test_plot_functions_draw_into_the_callers_axes(tmp_path):
    from matplotlib.figure import Figure

    summary = ca.corpus_summary(ca.load_seeds())
    fig = Figure(figsize=(12, 4))
    left, right = fig.subplots(ncols=2)  # made outside plot_style(): the plot gives its texts the CJK font
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" would be a warning
        out = ca.plot_document_lengths(summary, ax=right)
    assert out is fig
    assert right.get_xlabel() == "字符数 (characters)" and left.get_xlabel() == ""
    trend = ca.trends(ca.doc_term_matrix(ca.tokenize(ca.clean(ca.load_seeds())).assign(year=[2021, 2022, 2023,
                                                                                             2024, 2024])))
    two = Figure().subplots(ncols=2)
    assert ca.plot_trends(trend, ax=two) is two[0].figure
    with pytest.raises(ValueError, match=r"ax must be 2 matplotlib Axes \(1 × 2\) for this figure; got Axes"):
        ca.plot_trends(trend, ax=left)
    with pytest.raises(ValueError, match=r"ax must be one matplotlib Axes for this figure"):
        ca.plot_document_lengths(summary, ax="left")


# ----------------------------------------------------------------------------- from 1 to 5,000 documents
def _many(n: int):
    """A corpus summary, a cleaning summary and theme scores of ``n`` documents whose titles share their first
    16 characters (as 221 policy documents 国务院关于印发…的通知 do), ids like a CSV source's."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    ids = [f"all-{i:06d}" for i in range(n)]
    titles = [f"国务院关于印发新一代人工智能发展规划的通知（第{i}号）" for i in range(n)]
    summary = pd.DataFrame({"label": [t[:14] + "…" for t in titles], "n_chars": rng.integers(100, 60_000, n),
                            "genre": rng.choice(["讲话", "通知"], n)}, index=pd.Index(ids, name="doc_id"))
    removed = rng.integers(0, 500, n)
    cleaning = pd.DataFrame({"chars_raw": summary["n_chars"].to_numpy(), "chars_removed": removed,
                             "removed_furniture": removed}, index=summary.index)
    scores = pd.DataFrame({"doc_id": np.repeat(ids, 2), "theme": ["创新型县", "新质生产力"] * n,
                           "n_hits": rng.integers(0, 5, 2 * n), "n_tokens": np.repeat(rng.integers(50, 500, n), 2)})
    scores["rate"] = scores["n_hits"] / scores["n_tokens"] * 10_000
    return summary, cleaning, scores


@pytest.mark.parametrize("n", [1, 40, 41, 5_000])
def test_per_document_figures_scale_from_one_to_5000_documents(n):
    from corpusanalysis.viz.style import MAX_FIGURE_HEIGHT

    summary, cleaning, scores = _many(n)
    lengths = ca.plot_document_lengths(summary, hue="genre")
    removals = ca.plot_cleaning_removals(cleaning, labels=summary["label"])
    heatmap = ca.plot_theme_heatmap(scores, labels=summary["label"])
    for fig in (lengths, removals, heatmap):
        assert fig.get_figheight() <= MAX_FIGURE_HEIGHT
    bars = [t.get_text() for t in removals.axes[0].get_yticklabels()]
    rows = [t.get_text() for t in heatmap.axes[0].get_yticklabels()]
    if n <= 40:
        assert len(bars) == len(set(bars)) == n and len(rows) == len(set(rows)) == n
        assert [t.get_text() for t in lengths.axes[0].get_yticklabels()] != []  # one bar per document
        assert removals._supxlabel is None and heatmap._supxlabel is None  # nothing pooled, no caption
    else:
        assert len(bars) == len(set(bars)) == 40 and bars[-1] != bars[0]
        assert f"other {n - 39:,} documents (mean)" in bars
        assert f"other {n - 39:,} documents" in rows and len(rows) == len(set(rows)) == 40
        assert removals._supxlabel.get_text().startswith(f"The 39 of {n:,} documents with most characters removed")
        assert heatmap._supxlabel.get_text().startswith(f"The 39 of {n:,} documents with most theme hits")
        assert lengths.axes[0].get_ylabel() == "documents"  # a histogram, not 5,000 bars
        assert lengths._supxlabel.get_text().startswith(f"{n:,} documents: too many for one bar each")


def test_labels_never_collide():
    from corpusanalysis._labels import unique_labels

    summary, _, _ = _many(221)
    labels = unique_labels([f"国务院关于印发新一代人工智能发展规划的通知（第{i}号）" for i in range(221)],
                           short=summary["label"].tolist(), max_chars=20)
    assert len(set(labels)) == 221 and max(map(len, labels)) <= 20
    assert labels[7] == "国务院…人工智能发展规划的通知（第7号）"  # the shared start elided, the difference kept
    assert unique_labels(["all"] * 58)[:2] == ["all #1", "all #2"] and len(set(unique_labels(["all"] * 58))) == 58


def test_corpus_summary_labels_are_unique_for_documents_named_alike(tmp_path):
    for i, session in enumerate(["第十四届全国人民代表大会第三次会议", "第十四届全国人民代表大会第二次会议",
                                 "第十三届全国人民代表大会第三次会议"]):
        name = f"{session}关于政府工作报告的决议（全文）及附件说明材料汇编版本"  # no title: the id is the label
        (tmp_path / f"{name}.txt").write_text(f"批准这个报告。{i}", encoding="utf-8")
    labels = ca.corpus_summary(ca.load_corpus(tmp_path))["label"].tolist()
    assert len(set(labels)) == 3 and all(label.endswith("…") and len(label) == 40 for label in labels)


def test_theme_term_frequencies_pool_groups_past_eight():
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    groups = [f"doc{i:04d}" for i in range(300)]
    tokens = {g: int(rng.integers(100, 5000)) for g in groups}
    rows = [("新质生产力", 1, "高质量发展", g, int(rng.integers(0, 5)), tokens[g]) for g in groups]
    table = pd.DataFrame(rows, columns=["term_theme", "rank", "term", "group", "count", "n_tokens"])
    table["rate"] = table["count"] / table["n_tokens"] * 10_000
    fig = ca.plot_theme_term_frequencies(table)
    names = [t.get_text() for t in fig.legends[0].get_texts()]
    kept = sorted(tokens, key=lambda g: -tokens[g])[:7]
    assert names[-1] == "other 293 groups" and sorted(names[:-1]) == sorted(kept)
    assert "The 7 of 300 groups with most tokens" in fig.get_suptitle()
    other = table[~table["group"].isin(kept)]
    bars = [t.get_text() for t in fig.axes[0].texts]
    assert str(int(other["count"].sum())) in bars  # the pooled bar is labelled with the pooled raw count


@pytest.mark.parametrize("n", [1, 60, 300, 3_000])
def test_labels_are_unique_and_short_at_any_size(n):
    from corpusanalysis._labels import unique_labels

    # titles that share their start and end and differ in the middle, and ids that all read "all"
    titles = [f"国务院办公厅关于印发第{i}批国家级新区建设实施方案的通知" for i in range(n)]
    labels = unique_labels(titles, max_chars=20)
    assert len(set(labels)) == n and max(map(len, labels)) <= 20 + len(f" #{n}")
    same = unique_labels(["all"] * n)
    assert len(set(same)) == n


def test_trend_lines_break_at_missing_periods():
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"tokens": [("创新",) * 3, ("创新",), ("创新", "新质生产力")],
                          "year": [1960, 1964, 1965]}, index=pd.Index(list("abc"), name="doc_id"))
    fig = ca.plot_trends(ca.trends(ca.doc_term_matrix(frame), terms=["创新"]))
    line = next(ln for ln in fig.axes[1].get_lines() if ln.get_label().startswith("创新"))
    x = np.asarray(line.get_xdata(), dtype=float)
    assert np.isnan(x).sum() == 1 and x[0] == 1960 and np.isnan(x[1]) and list(x[2:]) == [1964, 1965]
    months = pd.DataFrame({"tokens": [("创新",), ("创新",), ("创新",)], "date": ["2024-01-05", "2024-02-01",
                                                                              "2024-06-30"]},
                          index=pd.Index(list("abc"), name="doc_id"))
    fig = ca.plot_trends(ca.trends(ca.doc_term_matrix(months), terms=["创新"]))
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]  # empty months on the axis
    x = np.asarray(next(iter(fig.axes[1].get_lines())).get_xdata(), dtype=float)
    assert list(x[:2]) == [0, 1] and np.isnan(x[2]) and x[3] == 5


def test_keyness_and_prevalence_figures_draw_at_most_twelve_groups():
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    ids = [f"doc{i:04d}" for i in range(300)]
    frame = pd.DataFrame({"tokens": [tuple(rng.choice(["创新", "新质生产力", "容错纠错", "干部", "县域"], size=40))
                                     for _ in ids], "genre": ids}, index=pd.Index(ids, name="doc_id"))
    key = ca.keyness(ca.doc_term_matrix(frame), by="genre", min_count=1)
    fig = ca.plot_keyness(key, n=3)
    assert len([a for a in fig.axes if a.get_visible() and a.axison]) == 12
    assert fig._supxlabel.get_text().startswith("The first 12 of 300 groups")
    prev = pd.DataFrame({"group": np.repeat(ids, 2), "topic": [1, 2] * 300, "label": ["T1 创新", "T2 干部"] * 300,
                         "share": 0.5, "ci_low": 0.4, "ci_high": 0.6, "n_units": np.repeat(np.arange(300), 2)})
    fig = ca.plot_topic_prevalence(prev)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(legend) == 12 and legend[0] == "doc0288 (n=288)"
    assert "The 12 of 300 groups with most units" in fig.get_suptitle()
