"""The interactive explorer of a corpus for JupyterLab (ipywidgets).

A thin widget layer over the data functions of :mod:`corpusanalysis.analysis.explore`, which
return tidy DataFrames and are usable (and tested) on their own.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import ipywidgets as _w  # a dependency (pyproject.toml); the data functions are in analysis.explore
import pandas as pd

from .._checks import renamed
from ..analysis.explore import (
    EMPTY_COOCCURRENCE,
    ExploreView,
    explore_view,
    export_view,
    prepare_corpus,
    row_doc_ids,
    row_themes,
    select_rows,
    selection_cooccurrence,
    suggest_terms,
)
from ..text.dictionary import DictionarySpec, resolve_dictionary

__all__ = ["Explorer", "concordance_html", "explore"]


def concordance_html(lines: pd.DataFrame, *, max_lines: int | None = 200) -> str:
    """An HTML table of concordance lines with the match highlighted (``<mark>``), text escaped.

    Parameters
    ----------
    lines : pandas.DataFrame
        The table of :func:`term_concordance` (or :func:`corpusanalysis.kwic`).
    max_lines : int or None, default 200
        Lines shown (a note says how many more there are).

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.viz.explorer import concordance_html
    >>> lines = pd.DataFrame({"doc_id": ["a"], "left": ["建设"], "match": ["创新型县"], "right": ["<市>"]})
    >>> "<mark>创新型县</mark>" in concordance_html(lines), "&lt;市&gt;" in concordance_html(lines)
    (True, True)
    """
    if not isinstance(lines, pd.DataFrame) or not {"left", "match", "right"} <= set(lines.columns):
        raise ValueError("concordance_html() expects the table of term_concordance() (columns left, match, right).")
    if lines.empty:
        return '<div class="ca-kwic ca-empty">No occurrence in this selection.</div>'
    shown = lines if max_lines is None else lines.head(max_lines)
    e = html.escape
    rows = []
    for rec in shown.to_dict("records"):
        doc = e(str(rec.get("doc_id", "")))
        theme = rec.get("theme")
        theme = "" if theme is None or theme is pd.NA else e(str(theme))
        rows.append(f'<tr><td class="ca-doc" title="{theme}">{doc}</td>'
                    f'<td style="text-align:right;white-space:nowrap">{e(str(rec["left"]))}</td>'
                    f'<td style="white-space:nowrap"><mark>{e(str(rec["match"]))}</mark></td>'
                    f'<td style="text-align:left;white-space:nowrap">{e(str(rec["right"]))}</td></tr>')
    more = len(lines) - len(shown)
    note = f'<div class="ca-more">… {more} more line(s): export the view to read them all.</div>' if more else ""
    return ('<table class="ca-kwic" style="font-size:90%">' + "".join(rows) + "</table>" + note)



# ----------------------------------------------------------------------------- the widget
def _table_html(frame: pd.DataFrame, columns: Sequence[str], *, empty: str,
                formats: Mapping[str, Callable[[Any], str]] | None = None) -> str:
    if frame.empty:
        return f'<div class="ca-empty">{html.escape(empty)}</div>'
    shown = frame[[c for c in columns if c in frame.columns]]
    return shown.to_html(index=False, escape=True, border=0, classes="ca-table", formatters=formats or {},
                         na_rep="")


class Explorer(_w.VBox):
    """An ipywidgets explorer of one corpus: term box, theme/document filters, linked views.

    Build it with :func:`explore`.  Attributes: ``corpus`` (prepared), ``term_box``
    (Combobox), ``theme_filter`` and ``doc_filter`` (Dropdowns; the value ``""`` means all
    themes / documents), ``summary``, ``kwic``,
    ``frequency``, ``associates`` (HTML widgets), ``export_button``, ``export_status``,
    ``view`` (the current :class:`ExploreView`) and ``exported`` (paths of the last export).
    """

    @renamed(kwic_window="context_chars", n_associates="n")
    def __init__(self, corpus: pd.DataFrame, *, term: str | None = None, dictionary: DictionarySpec = None,
                 context_chars: int = 20, window: int | Literal["sentence", "paragraph", "document"] = "sentence",
                 min_count: int = 2, n: int = 10, alpha: float | None = None,
                 export_dir: str | os.PathLike[str] = "explore-exports", **kwargs: Any) -> None:
        w = _w
        self.corpus = prepare_corpus(corpus, dictionary=dictionary)
        self._dictionary = dictionary
        self._d = resolve_dictionary(dictionary)
        self._opts: dict[str, Any] = dict(context_chars=context_chars, window=window, min_count=min_count, n=n,
                                          alpha=alpha)
        self.export_dir = Path(export_dir)
        self._cooc_cache: dict[tuple[str | None, str | None], pd.DataFrame | None] = {}
        self.view: ExploreView | None = None
        self.exported: dict[str, Path] = {}
        self._vocab = {t for toks in self.corpus["tokens"].tolist() for t in (toks or ())}
        counts: dict[str, int] = {}
        for toks in self.corpus["tokens"].tolist():
            for t in toks or ():
                counts[t] = counts.get(t, 0) + 1
        self._counts = counts
        terms = (self._d.terms["term"].astype(str).tolist() if self._d is not None else
                 sorted(counts, key=lambda t: (-counts[t], t))[:500])
        self.term_options = tuple(sorted(terms, key=lambda t: (-counts.get(t, 0), t)))
        if term is None:
            term = self.term_options[0] if self.term_options else ""
        themes = sorted(set(row_themes(self.corpus, "explore()")))
        self._docs = row_doc_ids(self.corpus)
        self._doc_theme = dict(zip(self._docs, row_themes(self.corpus, "explore()")))
        titles: dict[str, str] = {}
        if "title" in self.corpus.columns and "doc_id" not in self.corpus.columns:
            titles = {str(i): str(t) for i, t in zip(self.corpus.index, self.corpus["title"]) if isinstance(t, str)}
        self._titles = titles

        self.term_box = w.Combobox(value=term, options=self.term_options, placeholder="词语 term…",
                                   description="Term", ensure_option=False,
                                   layout=w.Layout(width="22em"))
        # "" stands for "all" (a Dropdown shows a value of None as an empty box)
        self.theme_filter = w.Dropdown(options=[("all themes", "")] + [(t, t) for t in themes], value="",
                                       description="Theme", layout=w.Layout(width="18em"))
        self.doc_filter = w.Dropdown(options=self._doc_options(None), value="", description="Document",
                                     layout=w.Layout(width="30em"))
        self.export_button = w.Button(description="Export CSV", icon="download",
                                      tooltip=f"write the current view's tables to {self.export_dir}/")
        self.summary = w.HTML()
        self.kwic = w.HTML(layout=w.Layout(max_height="22em", overflow="auto"))
        self.frequency = w.HTML()
        self.associates = w.HTML()
        self.export_status = w.HTML()
        tabs = w.Tab(children=[self.kwic, self.frequency, self.associates])
        for i, title in enumerate(("Concordance", "Frequency", "Associates")):
            tabs.set_title(i, title)
        self.tabs = tabs
        controls = w.HBox([self.term_box, self.theme_filter, self.doc_filter])
        footer = w.HBox([self.export_button, self.export_status])
        super().__init__(children=[controls, self.summary, tabs, footer], **kwargs)
        self.add_class("ca-explorer")

        self.term_box.observe(self._on_term, names="value")
        self.theme_filter.observe(self._on_theme, names="value")
        self.doc_filter.observe(self._on_filter, names="value")
        self.export_button.on_click(self._on_export)
        self.refresh()

    # -- state
    def _doc_options(self, theme: str | None) -> list[tuple[str, str]]:
        docs = [d for d in dict.fromkeys(self._docs) if theme is None or self._doc_theme.get(d) == theme]
        label = {d: f"{d} · {self._titles[d][:18]}" if d in self._titles else d for d in docs}
        return [("all documents", "")] + [(label[d], d) for d in docs]

    def _resolve(self, value: str) -> str | None:
        value = (value or "").strip()
        if not value:
            return None
        if self._d is not None and self._d.lookup(value) is not None:
            return self._d.lookup(value)
        return value if value in self._vocab else None

    def _cooc(self, theme: str | None, doc_id: str | None) -> pd.DataFrame | None:
        key = (theme, doc_id)
        if key not in self._cooc_cache:
            sub = select_rows(self.corpus, theme, doc_id, "explore()")
            self._cooc_cache[key] = selection_cooccurrence(sub, self._opts["window"], self._opts["min_count"])
        return self._cooc_cache[key]

    # -- events
    def _on_term(self, change: dict[str, Any]) -> None:
        self.refresh()

    def _on_theme(self, change: dict[str, Any]) -> None:
        current = self.doc_filter.value
        options = self._doc_options(change["new"] or None)
        self.doc_filter.unobserve(self._on_filter, names="value")
        try:
            self.doc_filter.options = options
            self.doc_filter.value = current if current in [v for _, v in options] else ""
        finally:
            self.doc_filter.observe(self._on_filter, names="value")
        self.refresh()

    def _on_filter(self, change: dict[str, Any]) -> None:
        self.refresh()

    def _on_export(self, button: Any = None) -> None:
        if self.view is None:
            self.export_status.value = "<i>Nothing to export: type a term first.</i>"
            return
        self.exported = export_view(self.view, self.export_dir)
        names = ", ".join(html.escape(p.name) for p in self.exported.values())
        self.export_status.value = (f"Wrote {len(self.exported)} file(s) to {html.escape(str(self.export_dir))}/: "
                                    f"{names}")

    # -- public
    def set_term(self, term: str) -> None:
        """Type ``term`` into the term box (the views follow)."""
        self.term_box.value = term

    def refresh(self) -> None:
        """Recompute the views for the term box and the filters."""
        term = self._resolve(self.term_box.value)
        if term is None:
            typed = (self.term_box.value or "").strip()
            if typed:
                hint = ""
                if self._d is not None:
                    sugg = suggest_terms(typed, self._d, n=8, corpus=self.corpus)["term"].tolist()
                    hint = f" Dictionary terms: {'、'.join(sugg)}" if sugg else ""
                self.summary.value = (f"<b>{html.escape(typed)}</b> is neither a dictionary term nor a token of "
                                      f"the corpus.{html.escape(hint)}")
            else:
                self.summary.value = "Type a term."
            return
        theme, doc_id = self.theme_filter.value or None, self.doc_filter.value or None
        cooc = self._cooc(theme, doc_id)
        view = explore_view(self.corpus, term, theme=theme, doc_id=doc_id, dictionary=self._dictionary,
                            cooc=EMPTY_COOCCURRENCE if cooc is None else cooc, **self._opts)
        self.view = view
        self.summary.value = f"<b>{html.escape(view.summary())}</b>"
        self.kwic.value = concordance_html(view.concordance)
        rate = {"rate": "{:.2f}".format}
        self.frequency.value = (
            "<div style='display:flex;gap:2em;flex-wrap:wrap'><div><b>per theme</b>"
            + _table_html(view.frequency_theme, ["theme", "count", "rate", "n_tokens", "n_docs",
                                                 "n_docs_total"], empty="no theme", formats=rate)
            + "</div><div><b>per document</b>"
            + _table_html(view.frequency_document, ["doc_id", "count", "rate", "n_tokens"], empty="no document",
                          formats=rate)
            + "</div></div>")
        note = view.associates.attrs.get("term_associates", {}).get("note") or "no associates"
        fmt = {c: "{:.3f}".format for c in ("npmi", "pmi")} | {"g2": "{:.2f}".format, "p_adj": "{:.3g}".format}
        self.associates.value = _table_html(view.associates, ["rank", "associate", "n_ab", "n_term",
                                                              "n_associate", "npmi", "g2", "p_adj"],
                                            empty=note, formats=fmt)

    def __repr__(self) -> str:
        term = self.view.term if self.view is not None else None
        return (f"Explorer(documents={len(self._doc_theme)}, term={term!r}, theme={self.theme_filter.value or None!r}, "
                f"doc_id={self.doc_filter.value or None!r})")


@renamed(kwic_window="context_chars", n_associates="n")
def explore(corpus: pd.DataFrame, *, term: str | None = None, dictionary: DictionarySpec = None,
            context_chars: int = 20, window: int | Literal["sentence", "paragraph", "document"] = "sentence",
            min_count: int = 2, n: int = 10, alpha: float | None = None,
            export_dir: str | os.PathLike[str] = "explore-exports") -> Explorer:
    """An interactive explorer of a corpus for JupyterLab (ipywidgets).

    A term box (Combobox: the dictionary terms, most frequent in the corpus first; any token can
    be typed, and any surface form of a dictionary term, traditional included), a theme and a
    document filter, and three linked views: the concordance with the match highlighted, the
    frequency per theme and per document (count and rate per 10,000 tokens), and the term's top
    associates.  "Export CSV" writes the current view's tables to ``export_dir`` (:func:`export_view`).

    Parameters
    ----------
    corpus : pandas.DataFrame
        A loaded, cleaned or tokenized corpus (missing steps are run: :func:`prepare_corpus`).
    term : str, optional
        The first term shown (default: the most frequent dictionary term).
    dictionary : PolicyDictionary or path, optional
    context_chars, window, min_count, n, alpha
        See :func:`explore_view`.
    export_dir : str or path, default "explore-exports"

    Returns
    -------
    Explorer
        An ``ipywidgets.VBox``; display it as the last expression of a cell.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import explore
    >>> ex = explore(pd.DataFrame({"text": ["发展新质生产力，培育新质生产力。"]},
    ...                           index=pd.Index(["a"], name="doc_id")), term="新质生产力")
    >>> ex.view.summary()
    '新质生产力: 2 occurrence(s) in 1 of 1 document(s), 5000.0 per 10,000 tokens (whole corpus)'
    """
    return Explorer(corpus, term=term, dictionary=dictionary, context_chars=context_chars, window=window,
                    min_count=min_count, n=n, alpha=alpha, export_dir=export_dir)
