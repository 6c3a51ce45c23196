"""Figures of terms: theme rates per document, keyness, TF-IDF, theme term frequencies."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._labels import unique_labels
from .style import MAX_FIGURE_ROWS, caption, finish, group_colors, new_figure, plot_style

__all__ = ["plot_keyness", "plot_tfidf_heatmap", "plot_theme_heatmap", "plot_theme_term_frequencies"]

from ..features import WeightedMatrix, top_terms
from ..text.dictionary import DictionarySpec


def plot_theme_heatmap(scores: pd.DataFrame, *, labels: pd.Series | None = None, value: str = "rate",
                       max_rows: int = MAX_FIGURE_ROWS, ax: Axes | Sequence[Axes] | None = None,
                       path: str | os.PathLike[str] | None = None) -> Figure:
    """Heatmap of dictionary theme (or category) rates × documents, raw hits written in each cell.

    Parameters
    ----------
    scores : pandas.DataFrame
        The tidy table of :func:`corpusanalysis.theme_scores` (an id column, ``theme`` or
        ``category``, ``n_hits``, ``rate``).
    labels : pandas.Series, optional
        Row labels by id (e.g. ``corpus_summary(corpus)["label"]``); made unique.
    value : str, default "rate"
        Column coloured (hits per 10,000 tokens by default).
    max_rows : int, default 40
        Most rows: with more documents, the ``max_rows - 1`` with most hits get a row each (in id
        order) and the others are pooled in one "other" row (hits summed, rate over their pooled
        tokens), as the caption says.
    ax : matplotlib Axes, optional
        Draw into this Axes (for a figure of several panels: a sequence of as many Axes) instead of a new
        figure.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from corpusanalysis import load_seeds, clean, tokenize, theme_scores
    >>> fig = plot_theme_heatmap(theme_scores(tokenize(clean(load_seeds()))))
    >>> fig.axes[0].get_xlabel()
    'theme'
    """
    group = "theme" if "theme" in scores.columns else "category" if "category" in scores.columns else None
    if group is None or value not in scores.columns or "n_hits" not in scores.columns:
        raise ValueError(
            "scores should be the table of theme_scores() with columns theme (or category), n_hits and "
            f"{value!r}; got columns {list(scores.columns)}."
        )
    id_col = scores.columns[0]
    rate = scores.pivot(index=id_col, columns=group, values=value).sort_index().sort_index(axis=1)
    hits = scores.pivot(index=id_col, columns=group, values="n_hits").reindex_like(rate)
    names = rate.index.astype(str).to_series(index=rate.index) if labels is None else labels.reindex(
        rate.index).fillna(pd.Series(rate.index, index=rate.index)).astype(str)
    names = pd.Series(unique_labels(names.tolist(), short=names.tolist(), max_chars=40), index=rate.index)
    note = ""
    if len(rate) > max_rows:
        total = hits.sum(axis=1)
        top = sorted(total.sort_values(ascending=False, kind="stable").index[:max_rows - 1])
        rest = rate.index.difference(top)
        other = f"other {len(rest):,} documents"
        pooled_hits = hits.loc[rest].sum()
        if value == "rate" and "n_tokens" in scores.columns:
            tokens = scores.drop_duplicates(id_col).set_index(id_col)["n_tokens"].reindex(rest).sum()
            pooled = pooled_hits / tokens * 10_000 if tokens else pooled_hits * 0.0
        else:
            pooled = rate.loc[rest].mean()
        rate = pd.concat([rate.loc[top], pooled.to_frame(other).T])
        hits = pd.concat([hits.loc[top], pooled_hits.to_frame(other).T])
        names = pd.concat([names.loc[top], pd.Series([other], index=[other])])
        note = (f"The {max_rows - 1} of {len(total):,} documents with most theme hits, one row each; the other "
                f"{len(rest):,} pooled in the last row. Every document is in the table.")
    rows = names.reindex(rate.index)
    annot = [[f"{r:.0f}\n({int(h)})" for r, h in zip(rr, hh)] for rr, hh in zip(rate.to_numpy(), hits.to_numpy())]
    with plot_style():
        import seaborn as sns

        fig, plot_ax = new_figure(ax=ax, figsize=(1.6 * len(rate.columns) + 4.0, 0.6 * len(rate) + 1.8))
        sns.heatmap(rate.to_numpy(dtype=float), ax=plot_ax, annot=annot, fmt="", cmap="rocket_r", linewidths=0.5,
                    cbar_kws={"label": f"{value} (per 10,000 tokens)" if value == "rate" else value},
                    xticklabels=list(rate.columns), yticklabels=list(rows), annot_kws={"fontsize": 8})
        plot_ax.set_xlabel(group)
        plot_ax.set_ylabel("")
        plot_ax.set_title("主题词频 Theme terms per 10,000 tokens (raw hits in brackets)")
        plot_ax.tick_params(axis="y", rotation=0)
        if note:
            caption(fig, note)
        return finish(fig, path)


def _keyness_rows(table: pd.DataFrame, group: str | None, n: int) -> pd.DataFrame:
    rows = table if group is None else table[table["group"] == group]
    return rows[rows["stat"] > 0].head(n)


#: Panels :func:`plot_keyness` draws when no ``groups=`` are chosen.
MAX_PANELS = 12


def plot_keyness(table: pd.DataFrame, *, n: int = 10, groups: str | Sequence[str] | None = None, alpha: float = 0.05,
                 dictionary: DictionarySpec = None, ax: Axes | Sequence[Axes] | None = None,
                 path: str | os.PathLike[str] | None = None) -> Figure:
    """Top key terms per group side by side: log-ratio bars, significance marked.

    For each group (one panel), the ``n`` terms with the largest positive ``stat`` — the first
    ``n`` rows with ``stat > 0`` of the group in the table's order, i.e.
    ``table[table.stat > 0].groupby("group").head(n)`` — drawn top to bottom, the bar length
    being ``log_ratio`` (Hardie's binary log ratio: 1 = twice as frequent as in the reference).
    Bars with ``p_adj < alpha`` are solid and marked ``*``; the others are pale and hatched.
    The label at the end of each bar is ``count_target / count_reference`` (raw counts).

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`corpusanalysis.keyness` (with a ``group`` column from ``by=``, or a
        single comparison).
    n : int, default 10
        Terms per group.
    groups : str or list of str, optional
        Groups to draw, in this order (default: every group, in the table's order; past 12 groups
        the first 12, with a caption saying so).
    alpha : float, default 0.05
        Significance level for ``p_adj``.
    dictionary : None, False, PolicyDictionary or path
        Whose themes get the fixed theme colours (default: the bundled dictionary).
    ax : matplotlib Axes, optional
        Draw into this Axes (for a figure of several panels: a sequence of as many Axes) instead of a new
        figure.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix
    >>> from corpusanalysis import keyness
    >>> frame = pd.DataFrame(
    ...     {"tokens": [("新质生产力",) * 30 + ("创新",) * 70, ("容错纠错",) * 10 + ("创新",) * 90],
    ...      "theme": ["新质生产力", "容错纠错"]}, index=pd.Index(["a", "b"], name="doc_id"))
    >>> fig = plot_keyness(keyness(doc_term_matrix(frame), by="theme"))
    >>> [ax.get_title() for ax in fig.axes]
    ['容错纠错\\n1 row, 100 tokens', '新质生产力\\n1 row, 100 tokens']
    """
    needed = ("term", "stat", "p_adj", "log_ratio", "count_target", "count_reference")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"plot_keyness() needs the table of keyness() with columns {list(needed)}; "
                         f"missing {missing} (got columns {list(table.columns)}).")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int (terms per group); got {n!r}.")
    has_group = "group" in table.columns
    # the panels: one per group, or one (None) for a single comparison
    present: list[str | None] = list(dict.fromkeys(table["group"].astype(str))) if has_group else [None]
    panels: list[str | None]
    note = ""
    if groups is None:
        panels = present
        if len(panels) > MAX_PANELS:  # e.g. keyness(by="doc_id") on thousands of documents
            panels = panels[:MAX_PANELS]
            note = (f"The first {MAX_PANELS} of {len(present):,} groups (the table's order); pass groups= to "
                    "choose others. Every group is in the table.")
    else:
        if not has_group:
            raise ValueError("plot_keyness(): groups= needs a table with a 'group' column (keyness(..., by=...)).")
        panels = [groups] if isinstance(groups, str) else list(groups)
        unknown = [g for g in panels if g not in present]
        if unknown:
            raise ValueError(f"plot_keyness(): group(s) {unknown} are not in the table; groups present: {present}.")
    if not panels:
        raise ValueError("plot_keyness(): the table has no rows to draw.")
    chosen = {g: _keyness_rows(table, g, n) for g in panels}
    longest = max([len(str(t)) for rows in chosen.values() for t in rows["term"]] or [2])
    height = 0.32 * max([len(rows) for rows in chosen.values()] + [3]) + 1.6
    with plot_style():
        colors = group_colors([g for g in panels if g is not None], dictionary) if has_group else {}
        # more than four panels wrap into rows of four (with the caller's axes: one row, as many as panels)
        ncols = len(panels) if ax is not None or len(panels) <= 4 else 4
        nrows = -(-len(panels) // ncols)
        fig, grid = new_figure(ax=ax, figsize=(max(3.0, 1.9 + 0.16 * longest) * ncols, height * nrows),
                               nrows=nrows, ncols=ncols, sharex=True, squeeze=False)
        axes = list(grid.ravel())
        for spare in axes[len(panels):]:
            spare.set_axis_off()
        comparisons = table.attrs.get("keyness", {}).get("comparisons", {})
        for plot_ax, g in zip(axes, panels):
            rows = chosen[g]
            color = (colors.get(g) if g is not None else None) or (0.3, 0.45, 0.69)
            y = list(range(len(rows)))[::-1]
            sig = (rows["p_adj"] < alpha).to_numpy()
            bars = plot_ax.barh(y, rows["log_ratio"].to_numpy(dtype=float), color=color, height=0.7)
            for bar, s in zip(bars, sig):
                if not s:
                    bar.set_alpha(0.35)
                    bar.set_hatch("///")
            plot_ax.bar_label(bars, labels=[f"{a}/{b}{' *' if s else ''}" for a, b, s in
                                            zip(rows["count_target"], rows["count_reference"], sig)],
                              padding=2, fontsize=7.5)
            plot_ax.set_yticks(y, labels=[str(t) for t in rows["term"]])
            plot_ax.grid(axis="y", visible=False)
            plot_ax.axvline(0, color="0.4", linewidth=0.8)
            info = comparisons.get(g if has_group else "target", {})
            n_rows = info.get("n_rows_target", 0)
            size = f"{n_rows} row{'s' if n_rows != 1 else ''}, {info['tokens_target']:,} tokens" if info else ""
            plot_ax.set_title("\n".join(x for x in ("" if g is None else str(g), size) if x), fontsize=11)
            plot_ax.set_xlabel("log2 ratio")
            if not len(rows):
                plot_ax.text(0.5, 0.5, "no over-represented term", transform=plot_ax.transAxes, ha="center", fontsize=8)
                plot_ax.set_yticks([])
            plot_ax.margins(x=0.22)
        fig.suptitle("关键词 Key terms (log2 ratio vs. the rest; label = count in target / in reference; "
                     f"* p_adj < {alpha:g})", fontsize=10)
        if note:
            caption(fig, note)
        return finish(fig, path)


def plot_tfidf_heatmap(weighted: WeightedMatrix, *, n: int = 5, labels: pd.Series | None = None, max_rows: int = 30,
                       ax: Axes | Sequence[Axes] | None = None, path: str | os.PathLike[str] | None = None) -> Figure:
    """Heatmap of TF-IDF weights: the top terms of every row × the rows, raw counts in the cells.

    The terms are the union of :func:`corpusanalysis.features.top_terms` ``(weighted, n=n)``
    (rows in id order, then rank; each term once), drawn top to bottom in that order; each cell
    is the weight of the term in the row (0 if absent) and is annotated with the raw count.

    Parameters
    ----------
    weighted : WeightedMatrix
        From :func:`corpusanalysis.features.tfidf` (documents, or groups via
        ``tfidf(dtm.group_sums("theme"))``).
    n : int, default 5
        Top terms per row.
    labels : pandas.Series, optional
        Column labels by row id (e.g. ``corpus_summary(corpus)["label"]``); the id by default.
    max_rows : int, default 30
        Most rows drawn: with more, the ``max_rows`` rows with most tokens, as the caption says (a
        heatmap of hundreds of units is unreadable: group them for an overview).
    ax : matplotlib Axes, optional
        Draw into this Axes (for a figure of several panels: a sequence of as many Axes) instead of a new
        figure.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix, tfidf
    >>> frame = pd.DataFrame({"tokens": [("新质生产力", "创新"), ("容错纠错", "创新")]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> fig = plot_tfidf_heatmap(tfidf(doc_term_matrix(frame)), n=1)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['新质生产力', '容错纠错']
    """

    if not isinstance(weighted, WeightedMatrix):
        raise TypeError(f"plot_tfidf_heatmap() expects the WeightedMatrix of tfidf(); got {type(weighted).__name__}.")
    note = ""
    if weighted.shape[0] > max_rows:  # the rows with most tokens; the caption says so
        import numpy as np

        sizes = np.asarray(weighted.counts.matrix.sum(axis=1)).ravel()
        order = sorted(range(len(sizes)), key=lambda i: (-sizes[i], weighted.row_ids[i]))[:max_rows]
        mask = np.zeros(len(sizes), dtype=bool)
        mask[order] = True
        note = (f"The {max_rows} of {weighted.shape[0]:,} rows with most tokens; group the rows for an overview "
                "(tfidf(dtm.group_sums(...))).")
        weighted = dataclasses.replace(weighted, matrix=weighted.matrix[np.flatnonzero(mask)],
                                       counts=weighted.counts.select_rows(mask))
    top = top_terms(weighted, n=n)
    if top.empty:
        raise ValueError("plot_tfidf_heatmap(): no row has a term with a positive weight.")
    id_name = weighted.id_name
    ids = sorted(weighted.row_ids)
    terms = list(dict.fromkeys(top["term"].astype(str)))
    col = {t: i for i, t in enumerate(weighted.vocabulary)}
    row = {r: i for i, r in enumerate(weighted.row_ids)}
    cols = [col[t] for t in terms]
    rows_idx = [row[r] for r in ids]
    values = weighted.matrix[rows_idx][:, cols].toarray().T
    counts = weighted.counts.matrix[rows_idx][:, cols].toarray().T
    names = [str(r) for r in ids] if labels is None else [
        str(labels.get(r, r)) if pd.notna(labels.get(r, r)) else str(r) for r in ids]
    names = unique_labels(names, short=names, max_chars=40)
    annot = [[str(int(c)) if c else "" for c in crow] for crow in counts]
    with plot_style():
        import seaborn as sns

        longest = max(len(x) for x in names)
        fig, plot_ax = new_figure(ax=ax, figsize=(max(5.0, 0.95 * len(ids) + 0.16 * max(len(t) for t in terms) + 2.2),
                                      0.3 * len(terms) + 1.6 + 0.09 * min(longest, 24)))
        sns.heatmap(values, ax=plot_ax, annot=annot, fmt="", cmap="mako_r", linewidths=0.5, vmin=0,
                    cbar_kws={"label": "TF-IDF weight"}, xticklabels=names, yticklabels=terms,
                    annot_kws={"fontsize": 7.5})
        plot_ax.set_xlabel(id_name)
        plot_ax.set_ylabel("")
        plot_ax.tick_params(axis="y", rotation=0)
        plot_ax.tick_params(axis="x", rotation=30 if longest > 6 else 0)
        for t in plot_ax.get_xticklabels():
            t.set_horizontalalignment("right" if longest > 6 else "center")
        plot_ax.set_title(f"TF-IDF: top {n} terms per {weighted.unit} (raw counts in the cells)")
        if note:
            caption(fig, note)
        return finish(fig, path)


def plot_theme_term_frequencies(table: pd.DataFrame, *, dictionary: DictionarySpec = None, max_groups: int = 8,
                                ax: Axes | Sequence[Axes] | None = None,
                                path: str | os.PathLike[str] | None = None) -> Figure:
    """Grouped bars: how often each theme's key terms occur in each group, per 10,000 tokens.

    One panel per theme family (``term_theme``), terms top to bottom by ``rank``, one bar per
    group (colour) whose length is ``rate``; the raw ``count`` is written at the end of every
    non-zero bar.  Each panel has its own x scale (the families differ by an order of magnitude).

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`corpusanalysis.themes.theme_term_rates`.
    dictionary : None, False, PolicyDictionary or path
        Whose themes get the fixed theme colours (default: the bundled dictionary).
    max_groups : int, default 8
        Most groups drawn (bars per term): with more (e.g. one group per document), the
        ``max_groups - 1`` with most tokens are drawn and the others pooled into one "other" group
        (counts and tokens summed, rate recomputed), as the caption says.
    ax : matplotlib Axes, optional
        Draw into this Axes (for a figure of several panels: a sequence of as many Axes) instead of a new
        figure.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from corpusanalysis import load_seeds, clean, tokenize
    >>> from corpusanalysis import doc_term_matrix
    >>> from corpusanalysis import assign_themes, theme_term_rates
    >>> dtm = doc_term_matrix(assign_themes(tokenize(clean(load_seeds()))))
    >>> fig = plot_theme_term_frequencies(theme_term_rates(dtm, n=3))
    >>> [ax.get_title() for ax in fig.axes]
    ['创新型县 terms', '容错纠错 terms', '新质生产力 terms']
    """
    needed = ("term_theme", "rank", "term", "group", "count", "rate")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"plot_theme_term_frequencies() needs the table of theme_term_rates() with columns "
                         f"{list(needed)}; missing {missing} (got columns {list(table.columns)}).")
    if table.empty:
        raise ValueError("plot_theme_term_frequencies(): the table is empty (no theme term occurs in the matrix).")
    per = table.attrs.get("theme_term_rates", {}).get("per", 10_000)
    note = ""
    all_groups = list(dict.fromkeys(table["group"].astype(str)))
    if len(all_groups) > max_groups and "n_tokens" in table.columns:
        sizes = table.drop_duplicates("group").set_index(table.drop_duplicates("group")["group"].astype(str))[
            "n_tokens"]
        keep = set(sizes.sort_values(ascending=False, kind="stable").index[:max_groups - 1])
        other = f"other {len(all_groups) - len(keep):,} groups"
        rest = table[~table["group"].astype(str).isin(keep)]
        pooled = (rest.groupby(["term_theme", "rank", "term"], sort=False, as_index=False)[["count"]].sum()
                  .assign(group=other, n_tokens=int(sizes.drop(list(keep)).sum())))
        pooled["rate"] = pooled["count"] / pooled["n_tokens"] * per
        attrs = table.attrs
        table = pd.concat([table[table["group"].astype(str).isin(keep)], pooled], ignore_index=True)
        table.attrs = attrs
        note = (f"The {max_groups - 1} of {len(all_groups):,} groups with most tokens, one bar each; the other "
                f"{len(all_groups) - len(keep):,} pooled (counts and tokens summed).")
    families = list(dict.fromkeys(table["term_theme"].astype(str)))
    groups = list(dict.fromkeys(table["group"].astype(str)))
    by = table.attrs.get("theme_term_rates", {}).get("by", "group")
    n_terms = max(table.groupby("term_theme")["term"].nunique())
    with plot_style():
        colors = group_colors(groups, dictionary)
        fig, axes = new_figure(ax=ax, figsize=(3.4 * len(families) + 0.6,
                                               0.13 * len(groups) * n_terms + 0.1 * n_terms + 1.9),
                               ncols=len(families), squeeze=False)
        axes = axes[0]
        height = 0.8 / len(groups)
        for plot_ax, fam in zip(axes, families):
            part = table[table["term_theme"].astype(str) == fam]
            terms = list(dict.fromkeys(part.sort_values("rank", kind="stable")["term"].astype(str)))
            for j, g in enumerate(groups):
                cell = part[part["group"].astype(str) == g].set_index(
                    part[part["group"].astype(str) == g]["term"].astype(str))
                rates = [float(cell.loc[t, "rate"]) if t in cell.index else 0.0 for t in terms]
                cnts = [int(cell.loc[t, "count"]) if t in cell.index else 0 for t in terms]
                y = [len(terms) - 1 - i + 0.4 - height * (j + 0.5) for i in range(len(terms))]
                bars = plot_ax.barh(y, rates, height=height * 0.92, color=colors[g], label=g)
                plot_ax.bar_label(bars, labels=[str(c) if c else "" for c in cnts], padding=1.5, fontsize=6.5)
            plot_ax.set_yticks([len(terms) - 1 - i for i in range(len(terms))], labels=terms)
            plot_ax.grid(axis="y", visible=False)
            plot_ax.set_title(f"{fam} terms")
            plot_ax.set_xlabel(f"per {per:,} tokens")
            plot_ax.margins(x=0.15)
        handles = [matplotlib.patches.Patch(color=colors[g], label=g) for g in groups]
        fig.legend(handles=handles, title=by, loc="outside lower center", ncol=min(len(groups), 6), fontsize=8)
        fig.suptitle(f"主题词频 Theme terms per {per:,} tokens by {by} (raw counts at the bars)", fontsize=10)
        if note:
            caption(fig, note)
        return finish(fig, path)
