"""Report: the standard tables, figures, co-occurrence network and one HTML page for any corpus.

:func:`write_report` takes the output of :func:`corpusanalysis.stream.run_pipeline` (documents
with tokens and themes, the document-term matrix, the cleaning summary) and writes into a folder::

    report.html            one self-contained page (figures embedded as base64 PNG)
    tables/*.csv|parquet   documents, cleaning, theme scores, term frequencies, keyness by theme,
                           theme term rates, co-occurrence, trends (each as CSV and Parquet)
    figures/*.png          the standard figures
    network/cooccurrence.gexf (+ -nodes.csv, -edges.csv)

When the documents have a year (``year``) or a date (``date``) column, :func:`trends` adds the
rates of the mission themes and of their key terms per year (hits per 10,000 tokens, with the
raw counts), a line figure, and the first year each term is used.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
from pathlib import Path

import numpy as np
import pandas as pd

from .cooccurrence import cooccurrence, cooccurrence_network, export_network
from .dictionary import PolicyDictionary, load_dictionary
from .features import DocTermMatrix, _check_dtm
from .keyness import keyness
from .plots import (
    _finish,
    new_figure,
    plot_cleaning_removals,
    plot_document_lengths,
    plot_keyness,
    plot_network,
    plot_style,
    plot_theme_heatmap,
    plot_theme_term_frequencies,
    save_figure,
)
from .themes import theme_term_rates

__all__ = ["TIME_COLUMNS", "TREND_COLUMNS", "time_periods", "trends", "first_use", "plot_trends", "write_report"]

#: Columns recognised as time, in order of preference.
TIME_COLUMNS = ("year", "date")
#: Columns of :func:`trends`.
TREND_COLUMNS = ("kind", "name", "theme", "period", "count", "n_docs", "n_docs_period", "n_tokens", "rate")
#: Documents drawn at most in the per-document figures (the longest, or those with most theme hits).
MAX_DOC_ROWS = 40
#: Tokens used for the co-occurrence network on large corpora (the first documents in id order).
MAX_COOC_TOKENS = 3_000_000


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
        raise ValueError(f"time column {column!r} is not a column of the documents; columns: {list(rows.columns)[:15]}.")
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


def trends(dtm: DocTermMatrix, *, column: str | None = None, dictionary=None, terms=None, n_terms: int = 3,
           per: int = 10_000) -> pd.DataFrame:
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
        ``n_terms`` most frequent other terms.
    n_terms : int, default 3
    per : int, default 10000

    Returns
    -------
    pandas.DataFrame
        ``kind`` (``"theme"`` or ``"term"``), ``name``, ``theme`` (the theme of a term, ``""`` if
        none), ``period`` (year), ``count`` (hits), ``n_docs`` (documents of the year using it),
        ``n_docs_period`` (documents of the year), ``n_tokens`` (tokens of the year), ``rate``
        (``count / n_tokens × per``, 2 decimals).  Documents without a year are left out
        (``.attrs["trends"]["undated"]`` counts them).  Sorted by kind (themes first), name, period.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.features import doc_term_matrix
    >>> frame = pd.DataFrame({"tokens": [("创新",) * 9 + ("新质生产力",), ("创新",) * 10], "year": [2024, 2023]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> t = trends(doc_term_matrix(frame), terms=["新质生产力"])
    >>> t[t["kind"] == "term"][["name", "period", "count", "n_tokens", "rate"]]
        name  period  count  n_tokens    rate
    6  新质生产力    2023      0        10     0.0
    7  新质生产力    2024      1        10  1000.0
    """
    _check_dtm(dtm, "trends()")
    name, years = time_periods(dtm.rows, column)
    if name is None:
        raise ValueError(f"trends(): the documents have no time column (looked for {list(TIME_COLUMNS)}); "
                         f"columns: {list(dtm.rows.columns)[:15]}. Add a year to the metadata or pass column=.")
    d = dictionary if isinstance(dictionary, PolicyDictionary) else load_dictionary(dictionary)
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

    def column_stats(cols):
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
            chosen += [(t, theme) for t in named + others[:n_terms]]
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
    out = pd.DataFrame(records, columns=["kind", "name", "theme", "period", "count", "n_docs"])
    idx = out["period"].map(code).to_numpy()
    out["n_docs_period"] = n_docs_period[idx]
    out["n_tokens"] = tokens[idx]
    out["rate"] = np.where(out["n_tokens"] > 0, (out["count"] / out["n_tokens"].where(out["n_tokens"] > 0) * per)
                           .round(2), 0.0)
    for col in ("kind", "name", "theme"):
        out[col] = out[col].astype("string")
    for col in ("period", "count", "n_docs", "n_docs_period", "n_tokens"):
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
    >>> from corpusanalysis.features import doc_term_matrix
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
                     "years_used": int(len(used)), "count": int(g["count"].sum())})
    out = pd.DataFrame(rows, columns=["kind", "name", "theme", "first", "last", "peak", "peak_rate", "years_used",
                                      "count"])
    for col in ("first", "last", "peak"):
        out[col] = out[col].astype("Int64")
    return out


def plot_trends(table: pd.DataFrame, *, path=None):
    """Lines of the themes' and key terms' rates per year (two panels), from :func:`trends`.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.features import doc_term_matrix
    >>> frame = pd.DataFrame({"tokens": [("新质生产力", "创新"), ("创新",)], "year": [2024, 2023]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> fig = plot_trends(trends(doc_term_matrix(frame)))
    >>> [ax.get_title() for ax in fig.axes][:2]
    ['主题 Themes', '关键术语 Key terms']
    """
    missing = [c for c in ("kind", "name", "period", "rate", "count") if c not in table.columns]
    if missing:
        raise ValueError(f"plot_trends() needs the table of trends(); missing columns {missing}.")
    with plot_style():
        import seaborn as sns
        from matplotlib.ticker import FormatStrFormatter, MaxNLocator

        fig, axes = new_figure(figsize=(10.0, 4.2), ncols=2, sharex=True)
        for ax, kind, title in zip(axes, ("theme", "term"), ("主题 Themes", "关键术语 Key terms")):
            rows = table[table["kind"] == kind]
            names = list(dict.fromkeys(rows["name"].astype(str)))
            palette = dict(zip(names, sns.color_palette("tab10", n_colors=max(len(names), 1))))
            for name in names:
                g = rows[rows["name"] == name]
                ax.plot(g["period"], g["rate"], marker="o", ms=3, lw=1.3, color=palette[name],
                        label=f"{name} (n={int(g['count'].sum()):,})")
            ax.set_title(title)
            # years are whole numbers: no 2022.25 ticks
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
            ax.set_xlabel("year")
            ax.set_ylabel("per 10,000 tokens")
            if names:
                ax.legend(fontsize=7, loc="upper left")
        fig.suptitle("随时间变化 Trends: hits per 10,000 tokens by year (n = total hits)", fontsize=10)
        return _finish(fig, path)


# ----------------------------------------------------------------------------- writing
def _write_table(frame: pd.DataFrame, folder: Path, name: str, written: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame = frame.copy()
    frame.attrs = {}
    csv = folder / f"{name}.csv"
    frame.to_csv(csv, index=not isinstance(frame.index, pd.RangeIndex), encoding="utf-8-sig")
    parquet = folder / f"{name}.parquet"
    for col in frame.columns:  # tuples (tokens) and mixed objects do not belong in a table
        if frame[col].dtype == object:
            frame[col] = frame[col].map(lambda v: "|".join(map(str, v)) if isinstance(v, (tuple, list)) else v)
    frame.to_parquet(parquet)
    written[name] = (csv, parquet)


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(path.stem)}">'


def _table_html(frame: pd.DataFrame, n: int = 15) -> str:
    shown = frame.head(n)
    return shown.to_html(classes="t", border=0, na_rep="", float_format=lambda x: f"{x:,.2f}", escape=True)


_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
img{max-width:100%;height:auto;border:1px solid #eee}
table.t{border-collapse:collapse;font-size:.82em;margin:.5em 0}table.t td,table.t th{padding:2px 8px;
border-bottom:1px solid #eee;text-align:right}table.t th{background:#f6f6f6}
.note{color:#555;font-size:.9em}.warn{color:#8a4b00}code{background:#f4f4f4;padding:0 3px}
"""


def write_report(result, out, *, dictionary=None, title: str | None = None, source: str | None = None,
                 time_column: str | None = None, cooc_window: int = 5, max_cooc_tokens: int = MAX_COOC_TOKENS,
                 token_parts=None, progress: bool = False) -> dict:
    """Write the tables, figures, network and HTML page of a corpus into ``out``.

    Parameters
    ----------
    result : corpusanalysis.stream.PipelineResult
        From :func:`~corpusanalysis.stream.run_pipeline` (documents, counts, cleaning summary).
    out : str or path
        Folder (created).
    dictionary : optional
        The dictionary used to tokenize (default: the bundled one).
    title, source : str, optional
        Page title and the source shown on the page.
    time_column : str, optional
        Time column for the trends (default: ``year``, else ``date``; none: no trends).
    cooc_window : int, default 5
        Sliding window of the co-occurrence counts.
    max_cooc_tokens : int
        The co-occurrence network uses the documents (in id order) up to this many tokens.
    token_parts : list of path, optional
        The spilled token files of the pipeline (when ``result.docs`` has no ``tokens``).
    progress : bool, default False

    Returns
    -------
    dict
        ``{"html": path, "tables": {name: (csv, parquet)}, "figures": {name: png}, "network": {...},
        "notes": [str]}``.
    """
    from tqdm.auto import tqdm

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables_dir, fig_dir = out / "tables", out / "figures"
    d = dictionary if isinstance(dictionary, PolicyDictionary) else load_dictionary(dictionary)
    docs, dtm = result.docs, result.dtm
    tables: dict = {}
    figures: dict = {}
    notes: list[str] = []
    sections: list[tuple[str, str]] = []
    steps = ["documents", "cleaning", "themes", "keyness", "theme terms", "co-occurrence", "trends", "html"]
    bar = tqdm(total=len(steps), desc="report", unit="step", disable=not progress, leave=False)

    def step(name):
        bar.set_postfix_str(name)

    def figure(name, make):
        try:
            fig = make()
        except ValueError as exc:  # e.g. nothing to draw on a tiny corpus: say so on the page
            notes.append(f"figure {name}: not drawn ({exc})")
            return ""
        path = save_figure(fig, fig_dir / f"{name}.png")
        figures[name] = path
        return _img(path)

    # documents
    step("documents")
    summary = result.summary.copy()
    doc_table = summary.join(docs[[c for c in ("theme", "theme_rule") if c in docs.columns]], how="left")
    _write_table(doc_table, tables_dir, "documents", tables)
    big = len(summary) > MAX_DOC_ROWS
    shown = summary.sort_values(["n_chars", "label"], ascending=[False, True]).head(MAX_DOC_ROWS) if big else summary
    hue = "genre" if "genre" in shown.columns and shown["genre"].notna().any() else "encoding"
    img = figure("document-lengths", lambda: plot_document_lengths(shown, hue=hue))
    n_tokens = int(dtm.n_tokens.sum())
    intro = (f"<p>{len(summary):,} documents, {int(summary['n_chars'].sum()):,} characters, {n_tokens:,} tokens, "
             f"{dtm.shape[1]:,} distinct terms.</p>")
    if big:
        intro += f'<p class="note">The figure shows the {MAX_DOC_ROWS} longest documents; all are in tables/documents.csv.</p>'
    sections.append(("Documents 文档", intro + img + _table_html(doc_table)))
    bar.update()

    # cleaning
    step("cleaning")
    if result.cleaning is not None:
        cleaning = result.cleaning
        _write_table(cleaning, tables_dir, "cleaning_summary", tables)
        top = cleaning.sort_values("chars_removed", ascending=False).head(MAX_DOC_ROWS).index
        img = figure("cleaning-removals", lambda: plot_cleaning_removals(cleaning.loc[sorted(top)],
                                                                        labels=summary["label"])) \
            if int(cleaning["chars_removed"].sum()) > 0 else ""
        removed = int(cleaning["chars_removed"].sum())
        text = (f"<p>Cleaning removed {removed:,} of {int(cleaning['chars_raw'].sum()):,} characters "
                "(page furniture, redaction marks, pinyin glosses, line breaks …); every change is in the audit "
                "trail of <code>corpusanalysis clean</code>.</p>")
        sections.append(("Cleaning 清洗", text + img))
    bar.update()

    # themes
    step("themes")
    if result.theme_scores is not None:
        scores = result.theme_scores
        _write_table(scores, tables_dir, "theme_scores", tables)
        hits = scores.groupby(scores.columns[0])["n_hits"].sum()
        keep_ids = sorted(hits.sort_values(ascending=False, kind="stable").head(MAX_DOC_ROWS).index)
        sub = scores[scores[scores.columns[0]].isin(keep_ids)]
        img = figure("theme-heatmap", lambda: plot_theme_heatmap(sub, labels=summary["label"]))
        counts = docs["theme"].value_counts().sort_index() if "theme" in docs.columns else pd.Series(dtype=int)
        text = "<p>Documents per theme (dictionary rules, see <code>theme_rule</code>): " + ", ".join(
            f"{html.escape(str(k))} {int(v)}" for k, v in counts.items()) + ".</p>"
        sections.append(("Themes 主题", text + img))
    bar.update()

    # term frequencies + keyness
    step("keyness")
    freqs = dtm.term_frequencies()
    _write_table(freqs, tables_dir, "term_frequencies", tables)
    body = "<h3>Most frequent terms</h3>" + _table_html(freqs, 20)
    groups = dtm.rows["theme"].dropna().astype(str).unique() if "theme" in dtm.rows.columns else []
    if len(groups) >= 2:
        key = keyness(dtm, groups="theme", min_count=min(5, max(1, n_tokens // 1000 or 1)))
        _write_table(key, tables_dir, "keyness_theme", tables)
        body += figure("keyness-theme", lambda: plot_keyness(key, n=10))
    else:
        notes.append(f"keyness: needs at least two theme groups; the documents have {sorted(groups)}.")
        body += '<p class="note">Keyness by theme needs at least two groups of documents.</p>'
    sections.append(("Terms and keyness 词频与关键词", body))
    bar.update()

    step("theme terms")
    if "theme" in dtm.rows.columns:
        try:
            rates = theme_term_rates(dtm, by="theme", dictionary=d)
            _write_table(rates, tables_dir, "theme_term_rates", tables)
            sections.append(("Theme terms 主题术语",
                             figure("theme-term-frequencies", lambda: plot_theme_term_frequencies(rates))))
        except ValueError as exc:
            notes.append(f"theme term rates: {exc}")
    bar.update()

    # co-occurrence network
    step("co-occurrence")
    network = {}
    token_lists = _token_sample(docs, token_parts, max_cooc_tokens)
    try:
        cooc = cooccurrence(token_lists, window=cooc_window, min_count=2, measures=("npmi", "g2"))
        _write_table(cooc.head(50_000), tables_dir, "cooccurrence", tables)
        minimum = 5 if sum(len(t) for t in token_lists) > 50_000 else 2
        G = cooccurrence_network(cooc, top=80, min_frequency=minimum, alpha=0.05, dictionary=d)
        network = export_network(G, out / "network" / "cooccurrence", formats=("gexf", "csv"))
        img = figure("cooccurrence-network", lambda: plot_network(G, label_top=50))
        text = (f"<p>Window of {cooc_window} tokens; the {G.number_of_edges()} strongest significant pairs "
                f"(G², BH-adjusted p &lt; 0.05). Open <code>network/cooccurrence.gexf</code> in Gephi.</p>")
        if sum(len(t) for t in token_lists) < n_tokens:
            text += (f'<p class="note">Counted on the first {len(token_lists):,} documents '
                     f"({sum(len(t) for t in token_lists):,} tokens).</p>")
        sections.append(("Co-occurrence network 共现网络", text + img))
    except ValueError as exc:
        notes.append(f"co-occurrence network: not built ({exc})")
    bar.update()

    # trends
    step("trends")
    column, years = time_periods(dtm.rows, time_column)
    if column is not None and years.notna().sum() >= 2 and years.dropna().nunique() >= 2:
        trend = trends(dtm, column=column, dictionary=d)
        firsts = first_use(trend)
        _write_table(trend, tables_dir, "trends", tables)
        _write_table(firsts, tables_dir, "first_use", tables)
        img = figure("trends", lambda: plot_trends(trend))
        undated = trend.attrs["trends"]["undated"]
        text = (f"<p>By <code>{html.escape(column)}</code>: {int(years.dropna().nunique())} years from "
                f"{int(years.min())} to {int(years.max())}"
                + (f"; {undated} document(s) without a year are left out" if undated else "") + ".</p>")
        sections.append(("Trends over time 时间趋势", text + img + "<h3>First and peak use</h3>"
                         + _table_html(firsts, 40)))
    elif column is not None:
        notes.append(f"trends: the {column!r} column has fewer than two distinct years; no trend drawn.")
    bar.update()

    # page
    step("html")
    page = out / "report.html"
    page.write_text(_page(title or "corpusanalysis report", source, sections, notes, result, tables), encoding="utf-8")
    bar.update()
    bar.close()
    return {"html": page, "tables": tables, "figures": figures, "network": network, "notes": notes}


def _token_sample(docs: pd.DataFrame, parts, limit: int) -> list:
    lists, total = [], 0
    if "tokens" in docs.columns:
        source = [docs["tokens"].tolist()]
    else:
        from .stream import iter_parts

        source = (frame["tokens"].tolist() for frame in iter_parts(parts or []))
    for chunk in source:
        for toks in chunk:
            if total >= limit:
                return lists
            lists.append(tuple(toks))
            total += len(toks)
    return lists


def _page(title, source, sections, notes, result, tables) -> str:
    from . import __version__

    parts = [f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>"]
    meta = f"corpusanalysis {__version__}"
    if source:
        meta = f"source <code>{html.escape(str(source))}</code> · " + meta
    parts.append(f'<p class="note">{meta} · {_dt.date.today().isoformat()}</p>')
    for heading, body in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>{body}")
    if result.warnings or notes:
        parts.append("<h2>Warnings and notes</h2><ul>")
        parts += [f'<li class="warn">{html.escape(w)}</li>' for w in result.warnings]
        parts += [f"<li>{html.escape(n)}</li>" for n in notes]
        parts.append("</ul>")
    parts.append("<h2>Files</h2><ul>")
    parts += [f"<li><code>tables/{name}.csv</code> / <code>.parquet</code></li>" for name in tables]
    parts.append("</ul></body></html>")
    return "\n".join(parts)
