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

from .._version import __version__
from ..analysis.cooccurrence import cooccurrence, cooccurrence_network, export_network
from ..analysis.keyness import keyness
from ..analysis.themes import theme_term_rates
from ..analysis.trends import first_use, time_periods, trends
from ..text.dictionary import DictionarySpec, resolve_dictionary
from ..viz.corpus import plot_cleaning_removals, plot_document_lengths, plot_trends
from ..viz.network import plot_network
from ..viz.style import save_figure
from ..viz.terms import plot_keyness, plot_theme_heatmap, plot_theme_term_frequencies
from .chunked import PipelineResult, iter_parts

__all__ = ["MAX_COOC_TOKENS", "MAX_DOC_ROWS", "write_report"]


#: Documents drawn at most in the per-document figures (the longest, or those with most theme hits).
MAX_DOC_ROWS = 40


#: Tokens used for the co-occurrence network on large corpora (the first documents in id order).
MAX_COOC_TOKENS = 3_000_000


# ----------------------------------------------------------------------------- writing
def _write_table(frame: pd.DataFrame, folder: Path, name: str, written: dict[str, tuple[Path, Path]]) -> None:
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


def write_report(result: PipelineResult, out: str | os.PathLike[str], *, dictionary: DictionarySpec = None,
                 title: str | None = None, source: str | None = None, time_column: str | None = None,
                 cooc_window: int = 5, max_cooc_tokens: int = MAX_COOC_TOKENS,
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
    d = resolve_dictionary(dictionary, required=True, where="write_report()")
    docs, dtm = result.docs, result.dtm
    tables: dict[str, tuple[Path, Path]] = {}
    figures: dict[str, Path] = {}
    notes: list[str] = []
    sections: list[tuple[str, str]] = []
    steps = ["documents", "cleaning", "themes", "keyness", "theme terms", "co-occurrence", "trends", "html"]
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
        intro += (f'<p class="note">The figure shows the {MAX_DOC_ROWS} longest documents; all are in '
                  "tables/documents.csv.</p>")
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
        key = keyness(dtm, by="theme", min_count=min(5, max(1, n_tokens // 1000 or 1)))
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
    network: dict[str, Path] = {}
    token_lists = _token_sample(docs, token_parts, max_cooc_tokens)
    try:
        cooc = cooccurrence(token_lists, window=cooc_window, min_count=2, measures=("npmi", "g2"))
        _write_table(cooc.head(50_000), tables_dir, "cooccurrence", tables)
        minimum = 5 if sum(len(t) for t in token_lists) > 50_000 else 2
        G = cooccurrence_network(cooc, n=80, min_frequency=minimum, alpha=0.05, dictionary=d)
        network = export_network(G, out / "network" / "cooccurrence", formats=("gexf", "csv"))
        img = figure("cooccurrence-network", lambda: plot_network(G, n=50))
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
    if column is not None and years is not None and years.notna().sum() >= 2 and years.dropna().nunique() >= 2:
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
