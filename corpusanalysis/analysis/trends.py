"""Trends: rates of the mission themes and of their key terms over time, with raw counts.

When the documents have a year (``year``) or a date (``date``) column, :func:`trends` gives the
rates of the themes and of their key terms per year (hits per 10,000 tokens, with the raw
counts), and :func:`first_use` the first, last and peak year each is used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._checks import renamed
from ..features import DocTermMatrix, check_dtm
from ..text.dictionary import DictionarySpec, PolicyDictionary, resolve_dictionary

__all__ = ["FREQS", "TIME_COLUMNS", "TREND_COLUMNS", "add_periods", "find_time_column", "first_use", "period_groups",
           "period_labels", "time_periods", "trends"]


#: Columns recognised as time, in order of preference (matched ignoring case and surrounding spaces).
TIME_COLUMNS = ("year", "date", "年份", "年度", "日期", "发布日期", "发文日期", "成文日期", "发布时间", "publish_date",
                "pub_date", "published", "datetime", "time", "时间")

#: Period lengths of :func:`period_labels` and :func:`trends`.
FREQS = ("year", "quarter", "month")


#: Columns of :func:`trends`.
TREND_COLUMNS = ("kind", "name", "theme", "period", "count", "n_rows", "n_rows_total", "n_tokens", "rate")


# ----------------------------------------------------------------------------- time columns and periods
def find_time_column(columns: Iterable[object]) -> str | None:
    """The first column named like a time column (:data:`TIME_COLUMNS`, any case), or None.

    Examples
    --------
    >>> find_time_column(["Text", "Date"]), find_time_column(["标题", "发布日期"]), find_time_column(["x"])
    ('Date', '发布日期', None)
    """
    names = {str(c).strip().lower(): c for c in reversed(list(columns)) if isinstance(c, str)}
    for wanted in TIME_COLUMNS:
        if wanted in names:
            return str(names[wanted])
    return None


_CN_DATE = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?")
_CN_MONTH = re.compile(r"^\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*月?\s*$")
_YEAR_ONLY = re.compile(r"^\s*(\d{4})\s*年?(?:度)?\s*$")


def _parse_times(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``(years, dates)`` of a time column: years as Int64 (``<NA>`` unknown) and full dates (``NaT`` where only
    the year, or nothing, is known).  Integer columns and values like ``2023`` / ``2023年`` are years only."""
    if pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_float_dtype(values.dtype):
        years = values.round().astype("Int64") if pd.api.types.is_float_dtype(values.dtype) else values.astype("Int64")
        return years, pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = pd.to_datetime(values).dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        return dates.dt.year.astype("Int64"), dates.astype("datetime64[ns]")
    text = values.astype("string")
    years = pd.Series(pd.NA, index=values.index, dtype="Int64")
    only_year = text.str.extract(_YEAR_ONLY, expand=False)
    years = years.mask(only_year.notna(), pd.to_numeric(only_year, errors="coerce").astype("Int64"))
    month = text.str.extract(_CN_MONTH)
    normal = text.str.replace(_CN_DATE, lambda m: f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}",
                              regex=True)
    normal = normal.mask(month[0].notna(), month[0] + "-" + month[1].str.zfill(2) + "-01")
    normal = normal.mask(only_year.notna(), pd.NA)
    dates = pd.to_datetime(normal, errors="coerce", format="mixed")
    years = years.fillna(dates.dt.year.astype("Int64"))
    return years, dates.astype("datetime64[ns]")


def time_periods(rows: pd.DataFrame, column: str | None = None) -> tuple[str | None, pd.Series | None]:
    """The time column of ``rows`` and its values as integer years (``<NA>`` where unknown).

    ``column=None`` picks the first column named like :data:`TIME_COLUMNS` (any case).  Text values
    are read as dates (``2024-03-05``, ``2024/3/5``, ``2024年3月5日``) or years (``2024``, ``2024年``).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"Date": ["2024-03-05", "2023年", "2022年3月5日", None]})
    >>> time_periods(rows)[1].tolist()
    [2024, 2023, 2022, <NA>]
    """
    column, years, _, _ = _time_values(rows, column)
    return column, years


def _time_values(rows: pd.DataFrame, column: str | None) -> tuple[str | None, pd.Series | None, pd.Series | None,
                                                                  bool]:
    if column is None:
        column = find_time_column(rows.columns)
        if column is None:
            return None, None, None, False
    elif column not in rows.columns:
        raise ValueError(
            f"time column {column!r} is not a column of the documents; columns: {list(rows.columns)[:15]}."
        )
    years, dates = _parse_times(rows[column])
    return column, years.rename("period"), dates, bool(dates.notna().any())


def period_labels(rows: pd.DataFrame, column: str | None = None, *, freq: str = "auto"
                  ) -> tuple[str | None, pd.Series | None, str]:
    """The time column of ``rows``, each row's period and the period length used.

    Parameters
    ----------
    rows : pandas.DataFrame
    column : str, optional
        Default: the first column named like :data:`TIME_COLUMNS` (any case).
    freq : {"auto", "year", "quarter", "month"}, default "auto"
        ``"auto"``: years when the column holds only years or the rows' years span four or more
        calendar years; otherwise months when the dates span at most 24 months, else quarters
        (daily dates of one year give monthly periods, not one year).

    Returns
    -------
    (str or None, pandas.Series or None, str)
        The column (None: no time column), the periods (years as ``Int64``; quarters ``"2024-Q1"``
        and months ``"2024-03"`` as strings; ``<NA>`` where the row's time is unknown at that
        length) and the length used.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"Date": ["2024-03-05", "2024-03-12", "2024-05-20", "不详"]})
    >>> column, periods, freq = period_labels(rows)
    >>> column, freq, periods.tolist()
    ('Date', 'month', ['2024-03', '2024-03', '2024-05', <NA>])
    >>> period_labels(rows, freq="quarter")[1].tolist()
    ['2024-Q1', '2024-Q1', '2024-Q2', <NA>]
    """
    if freq not in ("auto", *FREQS):
        raise ValueError(f"freq must be 'auto' or one of {list(FREQS)}; got freq={freq!r}.")
    column, years, dates, has_dates = _time_values(rows, column)
    if column is None or years is None or dates is None:
        return None, None, freq if freq != "auto" else "year"
    if freq == "auto":
        dated = dates.dropna()
        known = years.dropna()
        months = (dated.max().year * 12 + dated.max().month) - (dated.min().year * 12 + dated.min().month) + 1 \
            if len(dated) else 0
        if not has_dates or int(known.max()) - int(known.min()) >= 3:
            freq = "year"
        elif months <= 24:
            freq = "month"
        else:
            freq = "quarter"
    if freq == "year":
        return column, years, freq
    if not has_dates:
        raise ValueError(f"freq={freq!r} needs dates, but column {column!r} holds only years; use freq='year'.")
    periods = dates.dt.to_period("M" if freq == "month" else "Q")
    labels = [pd.NA if pd.isna(p) else (str(p) if freq == "month" else f"{p.year}-Q{p.quarter}") for p in periods]
    return column, pd.Series(pd.array(labels, dtype="string"), index=rows.index, name="period"), freq


def period_groups(rows: pd.DataFrame, column: str | None = None, *, max_groups: int = 8) -> tuple[str | None,
                                                                                                   pd.Series | None]:
    """Periods coarse enough to compare as groups (keyness, theme rates): at most ``max_groups``.

    Years are binned into spans of 1, 2, 5, 10, 20 or 50 years aligned on multiples of the span
    (``"2020–2024"``); dates of a shorter span into quarters or months when they give at most
    ``max_groups`` groups.  Rows without a time are ``<NA>`` (left out of the groups).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"year": [1954, 1978, 1999, 2008, 2024, None]})
    >>> period_groups(rows)[1].tolist()
    ['1950–1959', '1970–1979', '1990–1999', '2000–2009', '2020–2029', <NA>]
    """
    column, years, dates, has_dates = _time_values(rows, column)
    if column is None or years is None or dates is None:
        return None, None
    dated = years.dropna()
    if len(dated) and dated.nunique() == 1 and has_dates:
        for freq in ("quarter", "month"):
            _, labels, _ = period_labels(rows, column, freq=freq)
            if labels is not None and 2 <= labels.dropna().nunique() <= max_groups:
                return column, labels
        return column, years.astype("string")
    lo, hi = (int(dated.min()), int(dated.max())) if len(dated) else (0, 0)
    for span in (1, 2, 5, 10, 20, 50, 100):
        if hi // span - lo // span + 1 <= max_groups:
            break
    if span == 1:
        return column, years.astype("string")
    start = (years // span) * span
    labels = start.astype("string") + "–" + (start + span - 1).astype("string")
    return column, labels.rename("period")


def add_periods(corpus: pd.DataFrame, column: str | None = None, *, max_groups: int = 8,
                name: str = "period") -> pd.DataFrame:
    """A copy of ``corpus`` with a ``period`` column: its time column binned into at most ``max_groups`` periods.

    For keyness, theme rates or topic prevalence by era (``by="period"``): years become spans of 1, 2,
    5, 10, 20 or 50 years (``"1950–1959"``), dates within one year quarters or months (see
    :func:`period_groups`).  Rows without a time get ``<NA>`` and are in no period.

    Parameters
    ----------
    corpus : pandas.DataFrame
        Any frame with a time column (documents, tokens, units).
    column : str, optional
        Default: the first column named like :data:`TIME_COLUMNS` (any case).
    max_groups : int, default 8
    name : str, default "period"
        Name of the new column (refused if the frame has it already).

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({"year": [1954, 1978, 2024]}, index=pd.Index(list("abc"), name="doc_id"))
    >>> add_periods(docs)["period"].tolist()
    ['1950–1959', '1970–1979', '2020–2029']
    """
    if not isinstance(corpus, pd.DataFrame):
        raise TypeError(f"add_periods() expects a DataFrame; got {type(corpus).__name__}.")
    if name in corpus.columns:
        raise ValueError(f"add_periods(): the frame already has a {name!r} column; pass name= for another one.")
    found, labels = period_groups(corpus, column, max_groups=max_groups)
    if found is None or labels is None:
        raise ValueError(f"add_periods(): no time column (looked for {list(TIME_COLUMNS[:2])} … in any case); "
                         f"columns: {list(corpus.columns)[:15]}. Pass column=.")
    out = corpus.copy()
    out[name] = pd.array(labels.to_numpy(dtype=object), dtype="string")
    return out


def _theme_families(d: PolicyDictionary) -> dict[str, tuple[str, ...]]:
    return {theme: tuple(terms) for theme, terms in d.themes().items()}


@renamed(n_terms="n")
def trends(dtm: DocTermMatrix, *, column: str | None = None, freq: str = "auto", dictionary: DictionarySpec = None,
           terms: str | Iterable[str] | None = None, n: int = 3, per: int = 10_000) -> pd.DataFrame:
    """Rates of the mission themes and of key terms per period (year, quarter or month), with raw counts.

    Parameters
    ----------
    dtm : DocTermMatrix
        Documents (``rows`` with a year or date column).
    column : str, optional
        The time column (default: the first column named like :data:`TIME_COLUMNS`, any case:
        ``year``, ``date``, ``Date``, ``日期``, ``发布日期`` …).
    freq : {"auto", "year", "quarter", "month"}, default "auto"
        Period length (see :func:`period_labels`: years for year columns and multi-year dates,
        months or quarters for dates within a few years).
    dictionary : optional
        Where the themes come from (default: the bundled dictionary).
    terms : list of str, optional
        Terms to follow; default: for every theme the term that names it (if used) and its
        ``n`` most frequent other terms.
    n : int, default 3
    per : int, default 10000

    Returns
    -------
    pandas.DataFrame
        ``kind`` (``"theme"``: hits of any term of the theme's dictionary family; ``"term"``: hits of
        that one term), ``name``, ``theme`` (the theme of a term, ``""`` if none), ``period`` (the
        year as int, or ``"2024-Q1"`` / ``"2024-03"``), ``count`` (hits), ``n_rows`` (documents of
        the period using it), ``n_rows_total`` (documents of the period), ``n_tokens`` (tokens of
        the period), ``rate`` (``count / n_tokens × per``, 2 decimals).  Documents without a time
        at that length are left out (``.attrs["trends"]["undated"]`` counts them,
        ``["undated_ids"]`` lists them).  Sorted by kind (themes first), name, period.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix
    >>> frame = pd.DataFrame({"tokens": [("创新",) * 9 + ("新质生产力",), ("创新",) * 10], "year": [2024, 2023]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> t = trends(doc_term_matrix(frame), terms=["新质生产力"])
    >>> t[t["kind"] == "term"][["name", "period", "count", "n_tokens", "rate"]]
        name  period  count  n_tokens    rate
    6  新质生产力    2023      0        10     0.0
    7  新质生产力    2024      1        10  1000.0
    """
    check_dtm(dtm, "trends()")
    name, years, freq = period_labels(dtm.rows, column, freq=freq)
    if name is None or years is None:  # both or neither
        raise ValueError(f"trends(): the documents have no time column (looked for {list(TIME_COLUMNS[:2])} … "
                         f"in any case); columns: {list(dtm.rows.columns)[:15]}. Add a year or date to the metadata "
                         "or pass column=.")
    d = resolve_dictionary(dictionary, required=True, where="trends()")
    families = _theme_families(d)
    dated = years.notna().to_numpy()
    if not dated.any():
        raise ValueError(f"trends(): no document has a usable {name!r} value; cannot place any document in time.")
    m = dtm.matrix[np.flatnonzero(dated)].tocsc()
    periods = (years[dated].astype(int) if freq == "year" else years[dated].astype(str)).to_numpy()
    order = sorted(set(periods.tolist()))
    code = {p: i for i, p in enumerate(order)}
    codes = np.array([code[p] for p in periods])
    tokens = np.bincount(codes, weights=dtm.n_tokens[dated], minlength=len(order)).astype(np.int64)
    n_docs_period = np.bincount(codes, minlength=len(order)).astype(np.int64)
    position = {t: i for i, t in enumerate(dtm.vocabulary)}
    totals = np.asarray(m.sum(axis=0)).ravel()

    def column_stats(cols: list[int]) -> tuple[np.ndarray, np.ndarray]:
        cols = [c for c in cols]
        counts = np.zeros(len(order), dtype=np.int64)
        users = np.zeros(len(order), dtype=np.int64)
        if cols:
            sub = m[:, cols].tocsr()
            per_doc = np.asarray(sub.sum(axis=1)).ravel()
            counts = np.bincount(codes, weights=per_doc, minlength=len(order)).astype(np.int64)
            users = np.bincount(codes, weights=(per_doc > 0).astype(int), minlength=len(order)).astype(np.int64)
        return counts, users

    if terms is None:
        chosen: list[tuple[str, str]] = []
        for theme, family in families.items():
            used = [t for t in family if t in position and totals[position[t]] > 0]
            named = [t for t in used if t == theme]
            others = sorted((t for t in used if t != theme), key=lambda t: (-int(totals[position[t]]), t))
            chosen += [(t, theme) for t in named + others[:n]]
    else:
        terms = [terms] if isinstance(terms, str) else list(terms)
        term_theme = {t: th for th, fam in families.items() for t in fam}
        chosen = [(t, term_theme.get(t, "")) for t in terms]
    records = []
    family_sizes = {theme: len(family) for theme, family in families.items()}
    for theme, family in sorted(families.items()):
        counts, users = column_stats([position[t] for t in family if t in position])
        records += [("theme", theme, theme, p, c, u) for p, c, u in zip(order, counts, users)]
    for term, theme in sorted(set(chosen)):
        counts, users = column_stats([position[term]] if term in position else [])
        records += [("term", term, theme, p, c, u) for p, c, u in zip(order, counts, users)]
    out = pd.DataFrame(records, columns=["kind", "name", "theme", "period", "count", "n_rows"])
    idx = out["period"].map(code).to_numpy()
    out["n_rows_total"] = n_docs_period[idx]
    out["n_tokens"] = tokens[idx]
    out["rate"] = np.where(out["n_tokens"] > 0, (out["count"] / out["n_tokens"].where(out["n_tokens"] > 0) * per)
                           .round(2), 0.0)
    for col in ("kind", "name", "theme"):
        out[col] = out[col].astype("string")
    out["period"] = out["period"].astype("int64" if freq == "year" else "string")
    for col in ("count", "n_rows", "n_rows_total", "n_tokens"):
        out[col] = out[col].astype("int64")
    out["rate"] = out["rate"].astype("float64")
    out["_k"] = out["kind"].map({"theme": 0, "term": 1})
    out = out.sort_values(["_k", "name", "period"], kind="stable").drop(columns="_k").reset_index(drop=True)
    out.attrs = {"trends": {"column": name, "freq": freq, "per": per, "undated": int((~dated).sum()),
                            "undated_ids": [str(i) for i in np.asarray(dtm.row_ids, dtype=object)[~dated]],
                            "family_sizes": family_sizes}}
    return out


def first_use(table: pd.DataFrame) -> pd.DataFrame:
    """For every theme and term of :func:`trends`: the first and last period used, peak period and total.

    Returns
    -------
    pandas.DataFrame
        ``kind``, ``name``, ``theme``, ``counted`` (what the row counts: ``"any of its N dictionary
        terms"`` for a theme, ``"this term"`` for a term: a theme is used as soon as any term of its
        family is, so its first use can be long before the term that names it), ``first``, ``last``,
        ``peak`` (periods: years or labels), ``peak_rate``, ``periods_used``, ``count``.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix
    >>> frame = pd.DataFrame({"tokens": [("新质生产力",) * 2, ("创新",)], "year": [2024, 2023]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> row = first_use(trends(doc_term_matrix(frame), terms=["新质生产力"])).iloc[-1]
    >>> row["kind"], row["name"], row["counted"], int(row["first"]), int(row["count"])
    ('term', '新质生产力', 'this term', 2024, 2)
    """
    years = pd.api.types.is_integer_dtype(table["period"].dtype)
    n_family = table.attrs.get("trends", {}).get("family_sizes", {})
    rows = []
    for (kind, name, theme), g in table.groupby(["kind", "name", "theme"], sort=False):
        used = g[g["count"] > 0]
        peak = g.sort_values(["rate", "period"], ascending=[False, True]).iloc[0] if len(used) else None
        if kind == "theme":
            n = n_family.get(name)
            counted = f"any of its {n} dictionary terms" if n else "any term of its dictionary family"
        else:
            counted = "this term"
        rows.append({"kind": kind, "name": name, "theme": theme, "counted": counted,
                     "first": used["period"].min() if len(used) else pd.NA,
                     "last": used["period"].max() if len(used) else pd.NA,
                     "peak": peak["period"] if peak is not None else pd.NA,
                     "peak_rate": float(peak["rate"]) if peak is not None else 0.0,
                     "periods_used": len(used), "count": int(g["count"].sum())})
    out = pd.DataFrame(rows, columns=["kind", "name", "theme", "counted", "first", "last", "peak", "peak_rate",
                                      "periods_used", "count"])
    for col in ("first", "last", "peak"):
        out[col] = out[col].astype("Int64" if years else "string")
    out["counted"] = out["counted"].astype("string")
    return out
