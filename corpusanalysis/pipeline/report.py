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
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .._csv import write_csv
from .._version import __version__
from ..analysis.cooccurrence import cooccurrence, cooccurrence_network, export_network
from ..analysis.keyness import keyness
from ..analysis.themes import theme_term_rates
from ..analysis.trends import find_time_column, first_use, period_groups, period_labels, trends
from ..text.dictionary import DictionarySpec, resolve_dictionary
from ..text.tokenize import load_stopwords
from ..viz.corpus import plot_cleaning_removals, plot_document_lengths, plot_trends
from ..viz.network import plot_network
from ..viz.style import save_figure
from ..viz.terms import plot_keyness, plot_theme_heatmap, plot_theme_term_frequencies
from .chunked import PipelineResult, iter_parts

__all__ = ["MAX_COOC_TOKENS", "MAX_DOC_ROWS", "MAX_GROUPS", "write_report"]


#: Documents drawn one by one at most in the per-document figures (past that they aggregate; see
#: :data:`corpusanalysis.viz.style.MAX_FIGURE_ROWS`).
MAX_DOC_ROWS = 40


#: Candidate nodes of the report's network: this many most frequent content words.
NETWORK_TERMS = 150


#: Tokens used for the co-occurrence network on large corpora (the first documents in id order).
MAX_COOC_TOKENS = 3_000_000


# ----------------------------------------------------------------------------- writing
def _write_table(frame: pd.DataFrame, folder: Path, name: str, written: dict[str, tuple[Path, Path]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame = frame.copy()
    frame.attrs = {}
    csv = folder / f"{name}.csv"
    write_csv(frame, csv, index=not isinstance(frame.index, pd.RangeIndex))  # formula-leading cells neutralised
    parquet = folder / f"{name}.parquet"
    for col in frame.columns:  # tuples (tokens) and mixed objects do not belong in a table
        if frame[col].dtype == object:
            frame[col] = frame[col].map(lambda v: "|".join(map(str, v)) if isinstance(v, (tuple, list)) else v)
    frame.to_parquet(parquet)
    written[name] = (csv, parquet)


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(path.stem)}">'


def _table_html(frame: pd.DataFrame, n: int = 15, *, name: str | None = None) -> str:
    """The first ``n`` rows as HTML, with a caption saying how many rows there are and where the rest is."""
    shown = frame.head(n)
    table = shown.to_html(classes="t", border=0, na_rep="", float_format=lambda x: f"{x:,.2f}", escape=True)
    if len(frame) > n:
        where = f" (all in <code>tables/{html.escape(name)}.csv</code>)" if name else ""
        return f'{table}<p class="note">First {n} of {len(frame):,} rows{where}.</p>'
    return table


_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
img{max-width:100%;height:auto;border:1px solid #eee}
table.t{border-collapse:collapse;font-size:.82em;margin:.5em 0}table.t td,table.t th{padding:2px 8px;
border-bottom:1px solid #eee;text-align:right}table.t th{background:#f6f6f6}
.note{color:#555;font-size:.9em}.warn{color:#8a4b00}code{background:#f4f4f4;padding:0 3px}
"""


def write_report(result: PipelineResult, out: str | os.PathLike[str], *, dictionary: DictionarySpec = None,
                 title: str | None = None, source: str | None = None, time_column: str | None = None,
                 freq: str = "auto", groups: str | None = None, cooc_window: int = 5,
                 max_cooc_tokens: int = MAX_COOC_TOKENS,
                 token_parts: Iterable[str | os.PathLike[str]] | None = None, progress: bool = False) -> dict[str, Any]:
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
        Time column for the trends (default: the first column named like a time column, any case:
        ``year``, ``date``, ``Date``, ``日期``, ``发布日期`` …; none: no trends).
    freq : {"auto", "year", "quarter", "month"}, default "auto"
        Period length of the trends (see :func:`~corpusanalysis.analysis.trends.period_labels`).
    groups : str, optional
        A metadata column to compare by (``genre``, ``issuer``, ``folder``, a year or date column …):
        keyness of each group against the rest and the themes' term rates per group.  A year or date
        column is binned into at most 8 periods; a column of more than 8 values keeps its 7 largest
        groups (by documents) and pools the rest as "other".
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
    d = resolve_dictionary(dictionary, required=True, where="write_report()")
    docs, dtm = result.docs, result.dtm
    if groups is not None and groups not in dtm.rows.columns:  # before any work
        raise ValueError(f"groups={groups!r} is not a column of the documents; their columns are "
                         f"{[c for c in dtm.rows.columns if c != 'n_tokens']}.")
    tables: dict[str, tuple[Path, Path]] = {}
    figures: dict[str, Path] = {}
    notes: list[str] = []
    sections: list[tuple[str, str]] = []
    steps = ["documents", "cleaning", "themes", "keyness", "theme terms", "co-occurrence", "trends", "groups", "html"]
    bar = tqdm(total=len(steps), desc="report", unit="step", disable=not progress, leave=False)

    def step(name: str) -> None:
        bar.set_postfix_str(name)

    def figure(name: str, make: Callable[[], Figure]) -> str:
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
    tcol = time_column if time_column in docs.columns else find_time_column(docs.columns)
    extra = [c for c in (tcol, "folder", "theme", "theme_rule") if c and c in docs.columns and c not in summary.columns]
    doc_table = summary.join(docs[extra], how="left")
    _write_table(doc_table, tables_dir, "documents", tables)
    hue = "genre" if "genre" in summary.columns and summary["genre"].notna().any() else (
        "folder" if "folder" in docs.columns else "encoding")
    shown = summary.join(docs[["folder"]]) if hue == "folder" and "folder" not in summary.columns else summary
    img = figure("document-lengths", lambda: plot_document_lengths(shown, hue=hue, max_rows=MAX_DOC_ROWS))
    n_tokens = int(dtm.n_tokens.sum())
    intro = (f"<p>{len(summary):,} documents, {int(summary['n_chars'].sum()):,} characters, {n_tokens:,} tokens, "
             f"{dtm.shape[1]:,} distinct terms.</p>")
    sections.append(("Documents 文档", intro + img + _table_html(doc_table, name="documents")))
    bar.update()

    # cleaning
    step("cleaning")
    if result.cleaning is not None:
        cleaning = result.cleaning
        _write_table(cleaning, tables_dir, "cleaning_summary", tables)
        img = figure("cleaning-removals", lambda: plot_cleaning_removals(cleaning, labels=summary["label"],
                                                                        max_rows=MAX_DOC_ROWS)) \
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
        img = figure("theme-heatmap", lambda: plot_theme_heatmap(scores, labels=summary["label"],
                                                                max_rows=MAX_DOC_ROWS))
        counts = docs["theme"].value_counts().sort_index() if "theme" in docs.columns else pd.Series(dtype=int)
        text = "<p>Documents per theme (dictionary rules, see <code>theme_rule</code>): " + ", ".join(
            f"{html.escape(str(k))} {int(v)}" for k, v in counts.items()) + ".</p>"
        sections.append(("Themes 主题", text + img))
    bar.update()

    # term frequencies + keyness
    step("keyness")
    freqs = dtm.term_frequencies()
    _write_table(freqs, tables_dir, "term_frequencies", tables)
    body = "<h3>Most frequent terms</h3>" + _table_html(freqs, 20, name="term_frequencies")
    themes_found = dtm.rows["theme"].dropna().astype(str).unique() if "theme" in dtm.rows.columns else []
    if len(themes_found) >= 2:
        key = keyness(dtm, by="theme", min_count=min(5, max(1, n_tokens // 1000 or 1)))
        _write_table(key, tables_dir, "keyness_theme", tables)
        body += figure("keyness-theme", lambda: plot_keyness(key, n=10))
        sizes = dtm.rows["theme"].value_counts()
        if sizes.min() < 3 or sizes.max() > 20 * sizes.min():
            listed = ", ".join(f"{html.escape(str(k))}: {v}" for k, v in sizes.sort_index().items())
            body += (f'<p class="note">The theme groups are very unequal ({listed} '
                     "documents): a group of one or two documents tells about those documents, not a theme. Compare "
                     "by a metadata column with <code>--groups COLUMN</code> (by default the report compares the "
                     "periods of a time column, below).</p>")
    else:
        notes.append(f"keyness: needs at least two theme groups; the documents have {sorted(themes_found)}.")
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
    network: dict[str, Path] = {}
    token_lists = _token_sample(docs, token_parts, max_cooc_tokens)
    try:
        cooc = cooccurrence(token_lists, window=cooc_window, min_count=2, measures=("npmi", "g2"))
        _write_table(cooc.head(50_000), tables_dir, "cooccurrence", tables)
        minimum = 5 if sum(len(t) for t in token_lists) > 50_000 else 2
        # as KH Coder does: the network links frequent words, so its candidates are the NETWORK_TERMS most
        # frequent content words (on a large corpus the strongest G² otherwise joins fixed pairs: 香港–澳门)
        function = load_stopwords("function")
        node_freq = pd.concat([cooc[["term_a", "n_a"]].set_axis(["term", "n"], axis=1),
                          cooc[["term_b", "n_b"]].set_axis(["term", "n"], axis=1)]).drop_duplicates("term")
        content = node_freq[~node_freq["term"].astype(str).isin(function)]["n"].sort_values(ascending=False)
        if len(content) > NETWORK_TERMS:
            minimum = max(minimum, int(content.iloc[NETWORK_TERMS - 1]))
        G = cooccurrence_network(cooc, n=60, min_frequency=minimum, alpha=0.05, dictionary=d)
        network = export_network(G, out / "network" / "cooccurrence", formats=("gexf", "csv"))
        img = figure("cooccurrence-network", lambda: plot_network(G))
        text = (f"<p>Window of {cooc_window} tokens; the {G.number_of_edges()} strongest significant pairs "
                f"(G², BH-adjusted p &lt; 0.05) between frequent content words (each in at least {minimum:,} "
                f"windows): {G.graph['excluded']} function words (要, 将, "
                "年, 工作 … see <code>load_stopwords(\"function\")</code>) are not nodes, though they are counted in "
                "<code>tables/cooccurrence.csv</code>. Open <code>network/cooccurrence.gexf</code> in Gephi.</p>")
        members: dict[str, list[str]] = {}
        for v in sorted(G.nodes, key=lambda v: (-G.nodes[v]["frequency"], v)):
            members.setdefault(G.nodes[v]["community_name"], []).append(v)
        text += ("<p>Communities, named by their most central term (highest weighted degree inside the "
                 "community): " + "; ".join(f"<b>{html.escape(name)}</b>: {html.escape('、'.join(terms))}"
                                            for name, terms in sorted(members.items(),
                                                                      key=lambda kv: (-len(kv[1]), kv[0])))
                 + ".</p>")
        if sum(len(t) for t in token_lists) < n_tokens:
            text += (f'<p class="note">Counted on the first {len(token_lists):,} documents '
                     f"({sum(len(t) for t in token_lists):,} tokens).</p>")
        sections.append(("Co-occurrence network 共现网络", text + img))
    except ValueError as exc:
        notes.append(f"co-occurrence network: not built ({exc})")
    bar.update()

    # trends
    step("trends")
    column, periods, used_freq = period_labels(dtm.rows, time_column, freq=freq)
    if column is not None and periods is not None and periods.dropna().nunique() >= 2:
        trend = trends(dtm, column=column, freq=used_freq, dictionary=d)
        firsts = first_use(trend)
        _write_table(trend, tables_dir, "trends", tables)
        _write_table(firsts, tables_dir, "first_use", tables)
        img = figure("trends", lambda: plot_trends(trend))
        info = trend.attrs["trends"]
        undated = info["undated_ids"]
        unit = {"year": "years", "quarter": "quarters", "month": "months"}[used_freq]
        text = (f"<p>By <code>{html.escape(column)}</code>: {int(periods.dropna().nunique())} {unit} from "
                f"{periods.dropna().min()} to {periods.dropna().max()}.")
        if undated:
            shown_ids = ", ".join(html.escape(i) for i in undated[:10]) + (" …" if len(undated) > 10 else "")
            text += (f" <b>{len(undated)} document(s) without a usable {html.escape(column)} are left out of the "
                     f"trends</b> (not mixed in): {shown_ids}.")
        text += "</p>"
        theme_rows = firsts[firsts["kind"] == "theme"].drop(columns=["kind", "theme"])
        term_rows = firsts[firsts["kind"] == "term"].drop(columns=["kind"])
        sections.append(("Trends over time 时间趋势", text + img
                         + "<h3>Themes: first and peak use (a theme counts any term of its dictionary family)</h3>"
                         + _table_html(theme_rows, 40, name="first_use")
                         + "<h3>Terms: first and peak use (the term itself)</h3>"
                         + _table_html(term_rows, 40, name="first_use")))
    elif column is not None:
        values = "no usable value" if periods is None or periods.dropna().empty else \
            f"one {used_freq} ({periods.dropna().iloc[0]})"
        notes.append(f"trends: the {column!r} column gives {values}; no trend drawn.")
    else:
        notes.append("trends: no time column (year, date, Date, 日期, 发布日期 … in any case); pass --time-column to "
                     "name one.")
    bar.update()

    # comparison by a metadata column (by default: the periods of the time column, when there are two or more)
    group_by = groups
    if group_by is None and column is not None and periods is not None and periods.dropna().nunique() >= 2:
        group_by = column
    if group_by is not None:
        step("groups")
        body, group_notes = _group_section(dtm, group_by, time_column or column, d, figure, tables_dir, tables)
        if groups is None:
            body = (f'<p class="note">No <code>--groups</code> given: the documents are compared by the periods of '
                    f"<code>{html.escape(group_by)}</code>. Pass <code>--groups COLUMN</code> for another metadata "
                    "column.</p>") + body
        notes.extend(group_notes)
        sections.append((f"By {group_by} 分组比较", body))
    bar.update()

    # page
    step("html")
    page = out / "report.html"
    page.write_text(_page(title or "corpusanalysis report", source, sections, notes, result, tables), encoding="utf-8")
    bar.update()
    bar.close()
    return {"html": page, "tables": tables, "figures": figures, "network": network, "notes": notes}


#: Groups compared at most by ``--groups`` (the largest; the rest pooled as "other").
MAX_GROUPS = 8


def _group_section(dtm: Any, column: str, time_column: str | None, d: Any, figure: Callable[..., str],
                   tables_dir: Path, tables: dict[str, tuple[Path, Path]]) -> tuple[str, list[str]]:
    """Keyness of every group of ``column`` against the rest and the themes' term rates per group."""
    import dataclasses

    rows = dtm.rows
    if column not in rows.columns:
        raise ValueError(f"groups={column!r} is not a column of the documents; their columns are "
                         f"{[c for c in rows.columns if c != 'n_tokens']}.")
    notes: list[str] = []
    caption = []
    timeish = column == time_column or find_time_column([column]) == column
    if timeish:
        _, labels = period_groups(rows, column, max_groups=MAX_GROUPS)
        assert labels is not None
        caption.append(f"<code>{html.escape(column)}</code> is a time column: binned into "
                       f"{labels.dropna().nunique()} periods")
    else:
        labels = rows[column].astype("string").str.strip().replace("", pd.NA)
        sizes = labels.value_counts()
        if len(sizes) > MAX_GROUPS:
            keep = sorted(sizes.sort_values(ascending=False, kind="stable").index[:MAX_GROUPS - 1])
            pooled = len(sizes) - len(keep)
            labels = labels.where(labels.isin(keep) | labels.isna(), f"other ({pooled} values)")
            caption.append(f"{len(sizes)} values: the {MAX_GROUPS - 1} with most documents, the other {pooled} "
                           "pooled as \"other\"")
    missing = int(labels.isna().sum())
    if missing:
        caption.append(f"{missing} document(s) without a value are left out of the groups (they stay in the "
                       "reference of every comparison)")
    group_col = f"group: {column}"
    sub = dataclasses.replace(dtm, rows=rows.assign(**{group_col: labels.to_numpy()}))
    sizes_table = (pd.DataFrame({"group": labels, "n_tokens": rows["n_tokens"].to_numpy()})
                   .dropna(subset=["group"]).groupby("group", sort=True)
                   .agg(documents=("n_tokens", "size"), tokens=("n_tokens", "sum")))
    _write_table(sizes_table, tables_dir, "groups", tables)
    body = ("<p>" + "; ".join(caption) + ".</p>" if caption else "") + _table_html(sizes_table, MAX_GROUPS + 1,
                                                                                 name="groups")
    if len(sizes_table) < 2:
        notes.append(f"groups: {column!r} gives {len(sizes_table)} group(s); nothing to compare.")
        return body, notes
    n_tokens = int(dtm.n_tokens.sum())
    key = keyness(sub, by=group_col, min_count=min(5, max(1, n_tokens // 1000 or 1)))
    _write_table(key, tables_dir, "keyness_groups", tables)
    body += "<h3>Key terms of each group against all other documents</h3>" + figure(
        "keyness-groups", lambda: plot_keyness(key, n=10))
    try:
        valued = sub.select_rows(labels.notna().to_numpy())  # documents without a value are in no group
        rates = theme_term_rates(valued, by=group_col, dictionary=d)
        _write_table(rates, tables_dir, "theme_term_rates_groups", tables)
        body += "<h3>Theme terms per group</h3>" + figure("theme-term-frequencies-groups",
                                                         lambda: plot_theme_term_frequencies(rates))
    except ValueError as exc:
        notes.append(f"theme term rates by {column}: {exc}")
    return body, notes


def _token_sample(docs: pd.DataFrame, parts: Iterable[str | os.PathLike[str]] | None,
                  limit: int) -> list[tuple[str, ...]]:
    lists: list[tuple[str, ...]] = []
    total = 0
    source: Iterable[list[Any]]
    if "tokens" in docs.columns:
        source = [docs["tokens"].tolist()]
    else:
        source = (frame["tokens"].tolist() for frame in iter_parts(parts or []))
    for chunk in source:
        for toks in chunk:
            if total >= limit:
                return lists
            lists.append(tuple(toks))
            total += len(toks)
    return lists


def _page(title: str, source: str | None, sections: list[tuple[str, str]], notes: list[str], result: PipelineResult,
          tables: dict[str, tuple[Path, Path]]) -> str:
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
