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
    assert t.attrs["trends"] == {"column": "year", "freq": "year", "per": 10_000, "undated": 1, "undated_ids": ["c"],
                                 "family_sizes": {"创新型县": 20, "容错纠错": 27, "新质生产力": 41}}
    row = t[(t["kind"] == "term") & (t["name"] == "新质生产力") & (t["period"] == 2024)].iloc[0]
    assert (row["count"], row["n_rows"], row["n_rows_total"], row["n_tokens"], row["rate"]) == (1, 1, 1, 4, 2500.0)
    theme = t[(t["kind"] == "theme") & (t["name"] == "容错纠错")].set_index("period")
    assert theme["count"].to_dict() == {2016: 1, 2024: 0}
    assert list(t.columns) == ["kind", "name", "theme", "period", "count", "n_rows", "n_rows_total", "n_tokens", "rate"]
    first = first_use(t).query("kind == 'term'").set_index("name")
    assert first.loc["新质生产力", "first"] == 2024 and first.loc["容错纠错机制", "first"] == 2016
    # themes and terms are told apart: a theme counts every term of its family
    counted = first_use(t).set_index(["kind", "name"])["counted"]
    assert counted[("theme", "新质生产力")] == "any of its 41 dictionary terms"
    assert counted[("term", "新质生产力")] == "this term"


def speeches():
    """58 dated speeches of one year, as in a CSV with columns Date, Text: here six, in three months."""
    dates = ["2024-01-05", "2024-01-20", "2024-03-05", "2024-03-12", "2024年6月1日", "不详"]
    tokens = [("新质生产力", "创新"), ("创新",), ("新质生产力",) * 2, ("创新", "创新"), ("容错纠错机制",), ("创新",)]
    return pd.DataFrame({"tokens": tokens, "Date": dates}, index=pd.Index(list("abcdef"), name="doc_id"))


def test_daily_dates_of_one_year_give_monthly_trends():
    t = trends(doc_term_matrix(speeches()), terms=["新质生产力"])
    assert t.attrs["trends"]["column"] == "Date" and t.attrs["trends"]["freq"] == "month"
    assert t.attrs["trends"]["undated_ids"] == ["f"]
    term = t[t["kind"] == "term"].set_index("period")
    assert term["count"].to_dict() == {"2024-01": 1, "2024-03": 2, "2024-06": 0}
    assert term["n_rows_total"].to_dict() == {"2024-01": 2, "2024-03": 2, "2024-06": 1}
    quarters = trends(doc_term_matrix(speeches()), terms=["新质生产力"], freq="quarter")
    assert sorted(quarters["period"].unique()) == ["2024-Q1", "2024-Q2"]
    first = first_use(t).query("kind == 'term'").iloc[0]
    assert (first["first"], first["last"], first["peak"], first["periods_used"]) == ("2024-01", "2024-03",
                                                                                       "2024-03", 2)
    with pytest.raises(ValueError, match="freq='month' needs dates, but column 'year' holds only years"):
        trends(doc_term_matrix(frame()), freq="month")
    with pytest.raises(ValueError, match=r"freq must be 'auto' or one of \['year', 'quarter', 'month'\]"):
        trends(doc_term_matrix(frame()), freq="week")


def test_time_columns_are_found_by_name_in_any_case():
    from corpusanalysis.analysis.trends import find_time_column, period_groups

    assert find_time_column(["Text", "DATE"]) == "DATE"
    assert find_time_column(["标题", "发布日期"]) == "发布日期"
    assert find_time_column(["year", "date"]) == "year"
    assert find_time_column(["title"]) is None
    years = pd.DataFrame({"year": pd.array([1954, 1978, 1999, 2008, 2024, None], dtype="Int64")})
    assert period_groups(years)[1].tolist() == ["1950–1959", "1970–1979", "1990–1999", "2000–2009", "2020–2029",
                                                pd.NA]
    assert period_groups(years.iloc[3:5])[1].tolist() == ["2005–2009", "2020–2024"]  # 5-year bins: 5 groups
    assert period_groups(years.iloc[3:5], max_groups=20)[1].tolist() == ["2008", "2024"]
    assert period_groups(speeches())[1].tolist() == ["2024-Q1", "2024-Q1", "2024-Q1", "2024-Q1", "2024-Q2", pd.NA]


def test_trends_needs_time_column():
    with pytest.raises(ValueError, match=r"no time column \(looked for \['year', 'date'\] … in any case\)"):
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
    assert sorted(trend["period"].unique()) == [2017, 2024]  # 2017 and 2024: years, not months


def test_plot_trends_ticks_are_whole_years():
    from corpusanalysis.viz.corpus import plot_trends

    fig = plot_trends(trends(doc_term_matrix(frame().assign(year=pd.array([2024, 2022, 2023], dtype="Int64")))))
    ax = fig.axes[0]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks == [2022, 2023, 2024]
    assert [ax.xaxis.get_major_formatter()(t) for t in ticks] == ["2022", "2023", "2024"]


@pytest.mark.slow
def test_report_of_dated_speeches_by_month_and_by_group(tmp_path):
    # the layout of a CSV of dated speeches (columns Date, Text, genre); texts are excerpts of seeds/002 and 004
    texts = ["加快形成新质生产力，培育壮大新兴产业，布局建设未来产业。" * 4,
             "要健全容错纠错机制，为担当者担当、为负责者负责，鼓励创新、宽容失败。" * 4]
    frame = pd.DataFrame({"Date": ["2024-01-05", "2024-01-20", "2024-03-05", "2024-03-12", "2024-06-01", ""],
                          "Text": [texts[0], texts[1], texts[0], texts[1], texts[0], texts[1]],
                          "genre": ["讲话", "党课", "讲话", "党课", "讲话", "党课"]})
    frame.to_csv(tmp_path / "speeches.csv", index=False)
    with pytest.warns(UserWarning, match="the documents were read from column 'Text'"):
        result = run_pipeline(tmp_path / "speeches.csv")
    written = write_report(result, tmp_path / "r", groups="genre")
    page = written["html"].read_text(encoding="utf-8")
    trend = pd.read_parquet(tmp_path / "r" / "tables" / "trends.parquet")
    assert sorted(trend["period"].unique()) == ["2024-01", "2024-03", "2024-06"]
    documents = pd.read_csv(tmp_path / "r" / "tables" / "documents.csv")
    assert documents["Date"].fillna("").tolist()[:2] == ["2024-01-05", "2024-01-20"]  # the time column is shown
    assert "By <code>Date</code>: 3 months from 2024-01 to 2024-06." in page
    assert "1 document(s) without a usable Date are left out of the trends</b> (not mixed in): speeches-000005" in page
    assert "Themes: first and peak use (a theme counts any term of its dictionary family)" in page
    import re

    assert re.search(r"windows\): \d+ function words \(要, 将, 年, 工作", page)
    groups = pd.read_parquet(tmp_path / "r" / "tables" / "groups.parquet")
    assert groups.to_dict("index") == {"党课": {"documents": 3, "tokens": groups.loc["党课", "tokens"]},
                                       "讲话": {"documents": 3, "tokens": groups.loc["讲话", "tokens"]}}
    key = pd.read_parquet(tmp_path / "r" / "tables" / "keyness_groups.parquet")
    assert set(key["group"]) == {"党课", "讲话"}
    assert {"keyness-groups", "theme-term-frequencies-groups", "trends"} <= set(written["figures"])
    # a time column as groups is binned into periods
    by_date = write_report(result, tmp_path / "r2", groups="Date")
    sizes = pd.read_parquet(tmp_path / "r2" / "tables" / "groups.parquet")
    assert sizes["documents"].to_dict() == {"2024-Q1": 4, "2024-Q2": 1}
    assert "1 document(s) without a value are left out of the groups" in by_date["html"].read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"groups='issuer' is not a column of the documents; their columns are "
                                         r"\[.*'genre'"):
        write_report(result, tmp_path / "r3", groups="issuer")


def test_add_periods_bins_years_and_keeps_undated():
    from corpusanalysis import add_periods

    out = add_periods(frame())
    # 2016 and 2024: nine single years would be more than 8 groups, two-year spans give five
    assert out["period"].tolist()[:2] == ["2024–2025", "2016–2017"] and out["period"].isna().tolist() == [False,
                                                                                                       False, True]
    assert "period" not in frame().columns  # the caller's frame is untouched
    with pytest.raises(ValueError, match="already has a 'period' column"):
        add_periods(out)
    with pytest.raises(ValueError, match=r"add_periods\(\): no time column"):
        add_periods(frame().drop(columns="year"))
