"""Figures of the corpus: document lengths, what cleaning removed, trends over time."""

from __future__ import annotations

import os
from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._labels import unique_labels
from .style import MAX_FIGURE_ROWS, caption, finish, new_figure, plot_style

__all__ = ["plot_cleaning_removals", "plot_document_lengths", "plot_trends"]


def plot_document_lengths(summary: pd.DataFrame, *, hue: str = "script", max_rows: int = MAX_FIGURE_ROWS,
                          ax: Axes | Sequence[Axes] | None = None,
                          path: str | os.PathLike[str] | None = None) -> Figure:
    """Horizontal bars of document length in characters, coloured by a metadata column.

    Up to ``max_rows`` documents get a bar each (labels made unique); more are drawn as a stacked
    histogram of lengths (log scale) by ``hue``, with a caption saying so.

    Parameters
    ----------
    summary : pandas.DataFrame
        The table of :func:`corpusanalysis.corpus_summary` (index ``doc_id``,
        columns ``label``, ``n_chars`` and ``hue``).
    hue : str, default "script"
        Column used for colours; categories are sorted so colours are stable.
    max_rows : int, default 40
        Most documents drawn one bar each.
    ax : matplotlib Axes, optional
        Draw into this Axes (for a figure of several panels: a sequence of as many Axes) instead of a new
        figure.
    path : str or path, optional
        Also save the PNG there (see :func:`save_figure`).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from corpusanalysis import load_seeds, corpus_summary
    >>> fig = plot_document_lengths(corpus_summary(load_seeds()))
    >>> fig.axes[0].get_xlabel()
    '字符数 (characters)'
    """
    for col in ("label", "n_chars", hue):
        if col not in summary.columns:
            raise ValueError(
                f"plot_document_lengths() needs a {col!r} column (from corpus_summary()); "
                f"got columns {list(summary.columns)}."
            )
    data = summary.sort_values(["n_chars", "label"], ascending=[True, True])
    categories = sorted(data[hue].fillna("unknown").astype(str).unique())
    if len(data) > max_rows:
        return _length_histogram(data, hue, categories, ax, path)
    data = data.assign(label=unique_labels(data["label"].astype(str), short=data["label"].astype(str)))
    with plot_style():
        import seaborn as sns

        colors = dict(zip(categories, sns.color_palette("deep", n_colors=max(len(categories), 1))))
        fig, plot_ax = new_figure(ax=ax, figsize=(7.5, 0.55 * len(data) + 1.4))
        bar_colors = [colors[str(v) if pd.notna(v) else "unknown"] for v in data[hue]]
        bars = plot_ax.barh(data["label"].astype(str), data["n_chars"], color=bar_colors)
        plot_ax.bar_label(bars, labels=[f"{n:,}" for n in data["n_chars"]], padding=3, fontsize=8)
        plot_ax.set_xlabel("字符数 (characters)")
        plot_ax.set_ylabel("")
        plot_ax.set_title("文档长度 Document length (raw characters)")
        plot_ax.grid(axis="y", visible=False)
        plot_ax.margins(x=0.12)
        handles = [matplotlib.patches.Patch(color=colors[c], label=c) for c in categories]
        plot_ax.legend(handles=handles, title=hue, loc="lower right")
        return finish(fig, path)


def _length_histogram(data: pd.DataFrame, hue: str, categories: list[str], ax: Axes | Sequence[Axes] | None,
                      path: str | os.PathLike[str] | None) -> Figure:
    with plot_style():
        import seaborn as sns

        colors = dict(zip(categories, sns.color_palette("deep", n_colors=max(len(categories), 1))))
        fig, plot_ax = new_figure(ax=ax, figsize=(7.5, 4.2))
        lengths = data["n_chars"].clip(lower=1).astype(float)
        bins = np.logspace(np.log10(lengths.min()), np.log10(lengths.max() + 1), 30)
        stacks = [lengths[data[hue].fillna("unknown").astype(str) == c].to_numpy() for c in categories]
        plot_ax.hist(stacks, bins=bins, stacked=True, color=[colors[c] for c in categories],
                     label=[f"{c} ({len(x):,})" for c, x in zip(categories, stacks)])
        plot_ax.set_xscale("log")
        plot_ax.set_xlabel("字符数 (characters, log scale)")
        plot_ax.set_ylabel("documents")
        plot_ax.set_title(f"文档长度 Document length: {len(data):,} documents (raw characters)")
        plot_ax.legend(title=hue, fontsize=8)
        median = float(np.median(lengths))
        plot_ax.axvline(median, color="0.3", lw=1, ls="--")
        caption(fig, f"{len(data):,} documents: too many for one bar each, so a histogram; dashed line: median "
                     f"{median:,.0f} characters. Every document is in the table.")
        return finish(fig, path)


def plot_cleaning_removals(summary: pd.DataFrame, *, labels: pd.Series | None = None,
                           max_rows: int = MAX_FIGURE_ROWS, ax: Axes | Sequence[Axes] | None = None,
                           path: str | os.PathLike[str] | None = None) -> Figure:
    """Stacked bars: characters each cleaning step removed from each document.

    Parameters
    ----------
    summary : pandas.DataFrame
        The table of :func:`corpusanalysis.cleaning_summary` (index ``doc_id``, columns
        ``chars_raw`` and ``removed_<step>``).
    labels : pandas.Series, optional
        Bar labels by ``doc_id`` (e.g. ``corpus_summary(corpus)["label"]``); the id by default.
        Labels are made unique.
    max_rows : int, default 40
        Most bars: with more documents, the ``max_rows - 1`` with most characters removed get a
        bar each and the others are drawn as one "other" bar, their mean document (so it is on the
        scale of the bars above it), as the caption says.
    ax : matplotlib Axes, optional
        Draw into this Axes (for a figure of several panels: a sequence of as many Axes) instead of a new
        figure.
    path : str or path, optional
        Also save the PNG there (see :func:`save_figure`).

    Returns
    -------
    matplotlib.figure.Figure
        Steps that removed nothing anywhere are left out; the raw length and the share removed
        are written at the end of every bar.

    Examples
    --------
    >>> from corpusanalysis import load_seeds, clean, cleaning_summary
    >>> fig = plot_cleaning_removals(cleaning_summary(clean(load_seeds())))
    >>> fig.axes[0].get_xlabel()
    '删除的字符数 (characters removed)'
    """
    steps = [c for c in summary.columns if c.startswith("removed_")]
    if not steps or "chars_raw" not in summary.columns:
        raise ValueError(
            "summary should be the table of cleaning_summary() with columns chars_raw and removed_<step>; "
            f"got columns {list(summary.columns)}."
        )
    data = summary
    names = data.index.astype(str).to_series(index=data.index) if labels is None else labels.reindex(
        data.index).fillna(pd.Series(data.index, index=data.index)).astype(str)
    names = pd.Series(unique_labels(names.tolist(), short=names.tolist(), max_chars=40), index=data.index)
    note = ""
    if len(data) > max_rows:
        removed = data["chars_removed"] if "chars_removed" in data.columns else data[steps].sum(axis=1)
        top = removed.sort_values(ascending=False, kind="stable").index[:max_rows - 1]
        rest = data.index.difference(top)
        # the pooled row is the mean document of the rest, on the same scale as the bars above it
        pooled = data.loc[rest, [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]].mean()
        other = f"other {len(rest):,} documents (mean)"
        data = pd.concat([data.loc[top], pooled.to_frame(other).T])
        names = pd.concat([names.loc[top], pd.Series([other], index=[other])])
        note = (f"The {max_rows - 1} of {len(summary):,} documents with most characters removed, one bar each; "
                f"the other {len(rest):,} as their mean document. Every document is in the table.")
    data = data.sort_index(ascending=False) if not note else data.iloc[::-1]
    names = names.reindex(data.index)
    shown = [c for c in steps if (data[c] > 0).any()]
    with plot_style():
        import seaborn as sns

        palette = sns.color_palette("tab10", n_colors=max(len(steps), 1))
        colors = dict(zip(steps, palette))  # colour fixed by step order, whatever is shown
        fig, plot_ax = new_figure(ax=ax, figsize=(8.0, 0.6 * len(data) + 1.6))
        left = pd.Series(0, index=data.index, dtype="float64")
        for col in shown:
            values = data[col].clip(lower=0).astype("float64")
            plot_ax.barh(names, values, left=left, color=colors[col], label=col.removeprefix("removed_"))
            left = left + values
        for y, doc in enumerate(data.index):
            share = data.loc[doc, "chars_removed"] / data.loc[doc, "chars_raw"] if data.loc[doc, "chars_raw"] else 0
            plot_ax.text(left[doc], y, f"  {int(left[doc]):,} / {int(data.loc[doc, 'chars_raw']):,} ({share:.0%})",
                         va="center", fontsize=8)
        plot_ax.set_xlabel("删除的字符数 (characters removed)")
        plot_ax.set_title("清洗删除了什么 What cleaning removed, by step")
        plot_ax.grid(axis="y", visible=False)
        plot_ax.margins(x=0.25)
        if len(data) > 8:  # a tall figure: the legend inside, where the shortest bars leave room
            plot_ax.legend(title="step", loc="lower right", fontsize=8)
        else:
            plot_ax.legend(title="step", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=min(len(shown), 6),
                           fontsize=8, frameon=False)
        if note:
            caption(fig, note)
        return finish(fig, path)


def plot_trends(table: pd.DataFrame, *, ax: Axes | Sequence[Axes] | None = None,
                path: str | os.PathLike[str] | None = None) -> Figure:
    """Lines of the themes' and key terms' rates per period (two panels), from :func:`trends`.

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`~corpusanalysis.trends`.
    ax : sequence of two matplotlib Axes, optional
        Draw the two panels (themes, key terms) into these instead of a new figure.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix, trends
    >>> frame = pd.DataFrame({"tokens": [("新质生产力", "创新"), ("创新",)], "year": [2024, 2023]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> fig = plot_trends(trends(doc_term_matrix(frame)))
    >>> [ax.get_title() for ax in fig.axes][:2]
    ['主题 Themes (any term of the family)', '关键术语 Key terms (the term itself)']
    """
    missing = [c for c in ("kind", "name", "period", "rate", "count") if c not in table.columns]
    if missing:
        raise ValueError(f"plot_trends() needs the table of trends(); missing columns {missing}.")
    with plot_style():
        import seaborn as sns
        from matplotlib.ticker import FormatStrFormatter, MaxNLocator

        years = pd.api.types.is_integer_dtype(table["period"].dtype)
        freq = table.attrs.get("trends", {}).get("freq", "year" if years else "period")
        # quarters and months are labels: drawn at positions 0, 1, … of every period from the first to the last,
        # so that a period without documents is a gap, as a missing year is
        labels = _period_range(sorted(table["period"].dropna().astype(str).unique())) if not years else []
        position = {p: i for i, p in enumerate(labels)}
        fig, axes = new_figure(ax=ax, figsize=(10.0, 4.2), ncols=2, sharex=True)
        for plot_ax, kind, title in zip(axes, ("theme", "term"), ("主题 Themes (any term of the family)",
                                                                 "关键术语 Key terms (the term itself)")):
            rows = table[table["kind"] == kind]
            names = list(dict.fromkeys(rows["name"].astype(str)))
            palette = dict(zip(names, sns.color_palette("tab10", n_colors=max(len(names), 1))))
            for name in names:
                g = rows[rows["name"] == name]
                x = g["period"] if years else g["period"].astype(str).map(position)
                gx, gy = _with_gaps(x.to_numpy(dtype=float), g["rate"].to_numpy(dtype=float))
                plot_ax.plot(gx, gy, marker="o", ms=3, lw=1.3, color=palette[name],
                             label=f"{name} (n={int(g['count'].sum()):,})")
            plot_ax.set_title(title)
            if years:  # years are whole numbers: no 2022.25 ticks
                plot_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
                plot_ax.xaxis.set_major_formatter(FormatStrFormatter("%d"))
            else:
                step = max(1, -(-len(labels) // 12))  # at most 12 tick labels
                plot_ax.set_xticks(range(0, len(labels), step), [labels[i] for i in range(0, len(labels), step)],
                                   rotation=45 if len(labels) > 6 else 0, ha="right" if len(labels) > 6 else "center")
            plot_ax.set_xlabel(freq)
            plot_ax.set_ylabel("per 10,000 tokens")
            if names:
                plot_ax.legend(fontsize=7, loc="upper left")
        fig.suptitle(f"随时间变化 Trends: hits per 10,000 tokens by {freq} (n = total hits; a gap in a line is a "
                     f"{freq} without documents)", fontsize=10)
        return finish(fig, path)


def _with_gaps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points in x order with a NaN between two that are more than one period apart (the line breaks there)."""
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    breaks = np.flatnonzero(np.diff(x) > 1) + 1
    return np.insert(x, breaks, np.nan), np.insert(y, breaks, np.nan)


def _period_range(labels: list[str]) -> list[str]:
    """Every month ("2024-03") or quarter ("2024-Q1") from the first label to the last."""
    if not labels:
        return []
    quarter = "-Q" in labels[0]
    freq = "Q" if quarter else "M"
    first, last = (pd.Period(label.replace("-Q", "Q"), freq=freq) for label in (labels[0], labels[-1]))
    periods = pd.period_range(first, last, freq=freq)
    return [f"{p.year}-Q{p.quarter}" if quarter else str(p) for p in periods]
