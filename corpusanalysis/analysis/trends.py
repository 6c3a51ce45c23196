"""Trends: rates of the mission themes and of their key terms over time, with raw counts.

When the documents have a year (``year``) or a date (``date``) column, :func:`trends` gives the
rates of the themes and of their key terms per year (hits per 10,000 tokens, with the raw
counts), and :func:`first_use` the first, last and peak year each is used.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._checks import renamed
from ..features import DocTermMatrix, check_dtm
from ..text.dictionary import DictionarySpec, PolicyDictionary, resolve_dictionary

__all__ = ["TIME_COLUMNS", "TREND_COLUMNS", "first_use", "time_periods", "trends"]


#: Columns recognised as time, in order of preference.
TIME_COLUMNS = ("year", "date")


#: Columns of :func:`trends`.
TREND_COLUMNS = ("kind", "name", "theme", "period", "count", "n_rows", "n_rows_total", "n_tokens", "rate")


# ----------------------------------------------------------------------------- trends
def time_periods(rows: pd.DataFrame, column: str | None = None) -> tuple[str | None, pd.Series | None]:
    """The time column of ``rows`` and its values as integer years (``<NA>`` where unknown).

    ``column=None`` picks the first of :data:`TIME_COLUMNS` present.  A ``date`` column (or any
    non-integer column) is parsed with :func:`pandas.to_datetime` and reduced to its year.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"date": ["2024-03-05", "2023年", None]})
    >>> time_periods(rows)[1].tolist()
    [2024, <NA>, <NA>]
    """
    if column is None:
        column = next((c for c in TIME_COLUMNS if c in rows.columns), None)
        if column is None:
            return None, None
    elif column not in rows.columns:
        raise ValueError(
            f"time column {column!r} is not a column of the documents; columns: {list(rows.columns)[:15]}."
        )
    values = rows[column]
    if pd.api.types.is_integer_dtype(values.dtype):
        years = values.astype("Int64")
    elif pd.api.types.is_float_dtype(values.dtype):
        years = values.round().astype("Int64")
    else:
        parsed = pd.to_datetime(values.astype("string"), errors="coerce", format="mixed")
        years = parsed.dt.year.astype("Int64")
    return column, years.rename("period")


def _theme_families(d: PolicyDictionary) -> dict[str, tuple[str, ...]]:
    return {theme: tuple(terms) for theme, terms in d.themes().items()}


@renamed(n_terms="n")
def trends(dtm: DocTermMatrix, *, column: str | None = None, dictionary: DictionarySpec = None,
           terms: str | Iterable[str] | None = None, n: int = 3, per: int = 10_000) -> pd.DataFrame:
    """Rates of the mission themes and of key terms per year, with raw counts.

    Parameters
    ----------
    dtm : DocTermMatrix
        Documents (``rows`` with a year or date column).
    column : str, optional
        The time column (default: ``year``, else ``date``).
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
        ``kind`` (``"theme"`` or ``"term"``), ``name``, ``theme`` (the theme of a term, ``""`` if
        none), ``period`` (year), ``count`` (hits), ``n_rows`` (documents of the year using it),
        ``n_rows_total`` (documents of the year), ``n_tokens`` (tokens of the year), ``rate``
        (``count / n_tokens × per``, 2 decimals).  Documents without a year are left out
        (``.attrs["trends"]["undated"]`` counts them).  Sorted by kind (themes first), name, period.

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
    name, years = time_periods(dtm.rows, column)
    if name is None or years is None:  # both or neither
        raise ValueError(f"trends(): the documents have no time column (looked for {list(TIME_COLUMNS)}); "
                         f"columns: {list(dtm.rows.columns)[:15]}. Add a year to the metadata or pass column=.")
    d = resolve_dictionary(dictionary, required=True, where="trends()")
    families = _theme_families(d)
    dated = years.notna().to_numpy()
    if not dated.any():
        raise ValueError(f"trends(): no document has a usable {name!r} value; cannot place any document in time.")
    m = dtm.matrix[np.flatnonzero(dated)].tocsc()
    periods = years[dated].astype(int).to_numpy()
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
    for col in ("period", "count", "n_rows", "n_rows_total", "n_tokens"):
        out[col] = out[col].astype("int64")
    out["rate"] = out["rate"].astype("float64")
    out["_k"] = out["kind"].map({"theme": 0, "term": 1})
    out = out.sort_values(["_k", "name", "period"], kind="stable").drop(columns="_k").reset_index(drop=True)
    out.attrs = {"trends": {"column": name, "per": per, "undated": int((~dated).sum())}}
    return out


def first_use(table: pd.DataFrame) -> pd.DataFrame:
    """For every theme and term of :func:`trends`: the first and last year used, peak year and total.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix
    >>> frame = pd.DataFrame({"tokens": [("新质生产力",) * 2, ("创新",)], "year": [2024, 2023]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> row = first_use(trends(doc_term_matrix(frame), terms=["新质生产力"])).iloc[-1]
    >>> row["kind"], row["name"], int(row["first"]), int(row["count"])
    ('term', '新质生产力', 2024, 2)
    """
    rows = []
    for (kind, name, theme), g in table.groupby(["kind", "name", "theme"], sort=False):
        used = g[g["count"] > 0]
        peak = g.sort_values(["rate", "period"], ascending=[False, True]).iloc[0] if len(used) else None
        rows.append({"kind": kind, "name": name, "theme": theme,
                     "first": int(used["period"].min()) if len(used) else pd.NA,
                     "last": int(used["period"].max()) if len(used) else pd.NA,
                     "peak": int(peak["period"]) if peak is not None else pd.NA,
                     "peak_rate": float(peak["rate"]) if peak is not None else 0.0,
                     "years_used": len(used), "count": int(g["count"].sum())})
    out = pd.DataFrame(rows, columns=["kind", "name", "theme", "first", "last", "peak", "peak_rate", "years_used",
                                      "count"])
    for col in ("first", "last", "peak"):
        out[col] = out[col].astype("Int64")
    return out
