"""Report tables, trends and the HTML page."""

from __future__ import annotations

import pandas as pd
import pytest

from corpusanalysis.analysis.trends import first_use, time_periods, trends
from corpusanalysis.features import doc_term_matrix
from corpusanalysis.pipeline.chunked import run_pipeline
from corpusanalysis.pipeline.report import write_report


def frame():
    return pd.DataFrame({"tokens": [("新质生产力", "创新", "创新", "创新"), ("容错纠错机制", "创新"), ("创新",) * 5],
                         "year": pd.array([2024, 2016, None], dtype="Int64")},
                        index=pd.Index(["a", "b", "c"], name="doc_id"))


def test_trends_counts_rates_and_undated():
    t = trends(doc_term_matrix(frame()), terms=["新质生产力", "容错纠错机制"])
    assert t.attrs["trends"] == {"column": "year", "per": 10_000, "undated": 1}
    row = t[(t["kind"] == "term") & (t["name"] == "新质生产力") & (t["period"] == 2024)].iloc[0]
    assert (row["count"], row["n_rows"], row["n_rows_total"], row["n_tokens"], row["rate"]) == (1, 1, 1, 4, 2500.0)
    theme = t[(t["kind"] == "theme") & (t["name"] == "容错纠错")].set_index("period")
    assert theme["count"].to_dict() == {2016: 1, 2024: 0}
    assert list(t.columns) == ["kind", "name", "theme", "period", "count", "n_rows", "n_rows_total", "n_tokens", "rate"]
    first = first_use(t).query("kind == 'term'").set_index("name")
    assert first.loc["新质生产力", "first"] == 2024 and first.loc["容错纠错机制", "first"] == 2016


def test_trends_needs_time_column():
    with pytest.raises(ValueError, match=r"no time column \(looked for \['year', 'date'\]\)"):
        trends(doc_term_matrix(frame().drop(columns="year")))


def test_time_periods_from_dates():
    rows = pd.DataFrame({"date": ["2024-03-05", "2023/1/2", "不详"]})
    assert time_periods(rows)[1].tolist() == [2024, 2023, pd.NA]
    assert time_periods(pd.DataFrame({"x": [1]})) == (None, None)


@pytest.mark.slow
def test_write_report_table_source_with_dates(tmp_path):
    # seeds/002_105d27af3b6cb7bc.txt and seeds/004_60d9a6d77e740d89.txt (excerpts)
    texts = ["加快形成新质生产力，培育壮大新兴产业，布局建设未来产业。" * 4,
             "要健全容错纠错机制，为担当者担当、为负责者负责，鼓励创新、宽容失败。" * 4]
    pd.DataFrame({"doc_id": ["x", "y"], "text": texts, "date": ["2024-03-05", "2017-03-05"]}).to_csv(
        tmp_path / "docs.csv", index=False)
    result = run_pipeline(tmp_path / "docs.csv")
    written = write_report(result, tmp_path / "r", title="测试")
    page = written["html"].read_text(encoding="utf-8")
    assert "<title>测试</title>" in page and "Trends over time" in page
    assert page.count("data:image/png;base64,") == len(written["figures"])
    assert set(written["figures"]) >= {"document-lengths", "theme-heatmap", "keyness-theme", "trends"}
    trend = pd.read_parquet(tmp_path / "r" / "tables" / "trends.parquet")
    assert sorted(trend["period"].unique()) == [2017, 2024]


def test_plot_trends_ticks_are_whole_years():
    from corpusanalysis.viz.corpus import plot_trends

    fig = plot_trends(trends(doc_term_matrix(frame().assign(year=pd.array([2024, 2022, 2023], dtype="Int64")))))
    ax = fig.axes[0]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks == [2022, 2023, 2024]
    assert [ax.xaxis.get_major_formatter()(t) for t in ticks] == ["2022", "2023", "2024"]
