"""Figures of topic models: choosing k, topics and their terms, prevalence by group."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Literal

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..text.dictionary import DictionarySpec
from .style import caption, finish, group_colors, new_figure, plot_style

__all__ = ["plot_k_selection", "plot_topic_prevalence", "plot_topics"]


#: Panels of :func:`plot_k_selection`: column of the select_k() table → panel title.
_K_PANELS = {
    "c_npmi": "c_npmi 一致性 (higher = better)",
    "c_v": "c_v 一致性 (higher = better)",
    "u_mass": "u_mass 一致性 (higher = better)",
    "stability": "稳定性 stability across seeds (1 − JSD)",
    "diversity": "多样性 topic diversity (top 25)",
    "perplexity": "困惑度 perplexity (in-sample)",
}


def _topic_colors(n: int) -> list[tuple[float, float, float]]:
    import seaborn as sns

    base = sns.color_palette("tab10", n_colors=10)
    return [base[i % 10] for i in range(n)]  # topic i always gets the same colour


def plot_k_selection(table: pd.DataFrame, *, chosen: int | None = None, min_stability: float | None = 0.7,
                     ax: Axes | Sequence[Axes] | None = None, path: str | os.PathLike[str] | None = None) -> Figure:
    """Coherence, stability, diversity and perplexity against k: one dot per seed, the line their mean.

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`corpusanalysis.select_k` (columns ``k``, ``seed``, ``c_npmi``, ``c_v``,
        ``u_mass``, ``stability``, ``stability_null``, ``diversity``, ``perplexity``).  Columns that
        are absent or entirely NaN leave their panel empty with a note.
    chosen : int, optional
        The k picked by :func:`corpusanalysis.choose_k`: a dashed vertical line in every panel.
    min_stability : float, optional
        Drawn as a dotted line in the stability panel (the rule's threshold); None to omit.
    ax : matplotlib Axes, optional
        Draw into this Axes (for a figure of several panels: a sequence of as many Axes) instead of a new
        figure.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure
        Six panels.  In the stability panel the grey dashed line is the similarity of each run to a
        model of the shuffled corpus (what word frequencies alone give).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"k": [3, 3, 4, 4], "seed": [0, 1, 0, 1], "c_npmi": [0.1, 0.12, 0.05, 0.07],
    ...     "c_v": [0.5, 0.52, 0.45, 0.47], "u_mass": [-1.0, -1.1, -1.5, -1.4], "stability": [0.9, 0.9, 0.8, 0.8],
    ...     "stability_null": [0.85, 0.84, 0.78, 0.79], "diversity": [0.7, 0.7, 0.6, 0.62],
    ...     "perplexity": [80.0, 81.0, 84.0, 83.0]})
    >>> fig = plot_k_selection(table, chosen=3)
    >>> [ax.get_title() for ax in fig.axes][:2]
    ['c_npmi 一致性 (higher = better)', 'c_v 一致性 (higher = better)']
    """
    if not isinstance(table, pd.DataFrame) or not {"k", "seed"} <= set(table.columns):
        raise ValueError("table should be the table of select_k() with columns k and seed; got "
                         f"{list(table.columns) if isinstance(table, pd.DataFrame) else type(table).__name__}.")
    data = table.sort_values(["k", "seed"], kind="stable")
    ks = sorted(int(k) for k in data["k"].unique())
    seeds = sorted(int(s) for s in data["seed"].unique())
    offsets = {s: (i - (len(seeds) - 1) / 2) * 0.08 for i, s in enumerate(seeds)}
    with plot_style():
        fig, axes = new_figure(ax=ax, figsize=(11.0, 6.2), nrows=2, ncols=3, sharex=True)
        for plot_ax, (col, title) in zip(axes.ravel(), _K_PANELS.items()):
            plot_ax.set_title(title, fontsize=10)
            if col not in data.columns or data[col].isna().all():
                plot_ax.text(0.5, 0.5, "not computed", transform=plot_ax.transAxes, ha="center", va="center",
                             color="0.5")
                continue
            values = data[["k", "seed", col]].dropna()
            plot_ax.scatter(values["k"] + values["seed"].map(offsets), values[col], s=14, color="0.55", zorder=2,
                            label="one seed")
            mean = data.groupby("k", sort=True)[col].mean()
            plot_ax.plot(mean.index, mean.to_numpy(), color="C0", marker="o", lw=1.6, zorder=3, label="mean over seeds")
            if col == "stability":
                if "stability_null" in data.columns and data["stability_null"].notna().any():
                    null = data.groupby("k", sort=True)["stability_null"].mean()
                    plot_ax.plot(null.index, null.to_numpy(), color="0.45", ls="--", lw=1.2, marker="x",
                                 label="shuffled-corpus baseline")
                if min_stability is not None:
                    plot_ax.axhline(min_stability, color="C3", ls=":", lw=1.0, label=f"threshold {min_stability:g}")
                plot_ax.legend(fontsize=7, loc="best")
            if chosen is not None:
                plot_ax.axvline(chosen, color="C3", ls="--", lw=1.0, alpha=0.8)
        for plot_ax in axes[-1]:
            plot_ax.set_xlabel("k (主题数 number of topics)")
            plot_ax.set_xticks(ks)
        suffix = f"; chosen k = {chosen}" if chosen is not None else ""
        fig.suptitle(f"主题数选择 Choosing k: {len(seeds)} seeds per k (dots), mean (line){suffix}")
        return finish(fig, path)


def plot_topics(terms: pd.DataFrame, *, value: Literal["prob", "relevance"] = "prob", ncols: int = 3,
                ax: Axes | Sequence[Axes] | None = None, path: str | os.PathLike[str] | None = None) -> Figure:
    """Top terms of every topic as horizontal bars, one panel per topic, in topic-id order.

    Parameters
    ----------
    terms : pandas.DataFrame
        The table of :func:`corpusanalysis.topic_terms` (``topic``, ``label``, ``rank``, ``term``,
        ``prob``, ``relevance``, ``count``); the terms are drawn in its ``rank`` order, top down.
    value : {"prob", "relevance"}, default "prob"
        Bar length: p(term | topic), or the LDAvis relevance.
    ncols : int, default 3
        Panels per row.
    ax : matplotlib Axes, optional
        Draw into this Axes (for a figure of several panels: a sequence of as many Axes) instead of a new
        figure.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure
        Each bar is labelled with the term's raw count in the corpus.

    Examples
    --------
    >>> import pandas as pd
    >>> terms = pd.DataFrame({"topic": [1, 1, 2, 2], "label": ["T1 产业·创新"] * 2 + ["T2 干部·容错纠错"] * 2,
    ...     "rank": [1, 2, 1, 2], "term": ["产业", "创新", "干部", "容错纠错"], "prob": [0.3, 0.2, 0.4, 0.1],
    ...     "relevance": [-1.0, -1.2, -0.8, -1.5], "count": [12, 9, 15, 4]})
    >>> fig = plot_topics(terms)
    >>> [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    ['T1 产业·创新', 'T2 干部·容错纠错']
    """
    needed = ("topic", "label", "rank", "term", value, "count")
    if (value not in ("prob", "relevance") or not isinstance(terms, pd.DataFrame)
            or not set(needed) <= set(terms.columns)):
        raise ValueError(f"terms should be the table of topic_terms() with columns {list(needed)} and value "
                         f"'prob' or 'relevance'; got value={value!r}"
                         + (f", columns {list(terms.columns)}." if isinstance(terms, pd.DataFrame) else "."))
    data = terms.sort_values(["topic", "rank"], kind="stable")
    topics = sorted(int(t) for t in data["topic"].unique())
    n_terms = int(data.groupby("topic").size().max())
    ncols = max(1, min(ncols, len(topics)))
    nrows = -(-len(topics) // ncols)
    colors = _topic_colors(max(topics))
    with plot_style():
        fig, axes = new_figure(ax=ax, figsize=(3.6 * ncols + 0.4, 0.27 * n_terms * nrows + 1.0 * nrows + 0.6),
                               nrows=nrows, ncols=ncols, squeeze=False)
        for plot_ax in axes.ravel()[len(topics):]:
            plot_ax.set_visible(False)
        for plot_ax, topic in zip(axes.ravel(), topics):
            rows = data[data["topic"] == topic]
            y = list(range(len(rows)))[::-1]
            bars = plot_ax.barh(y, rows[value].to_numpy(dtype=float), color=colors[topic - 1])
            plot_ax.bar_label(bars, labels=[f"{int(c):,}" for c in rows["count"]], padding=2, fontsize=7, color="0.35")
            plot_ax.set_yticks(y, labels=rows["term"].astype(str).tolist(), fontsize=9)
            plot_ax.set_title(str(rows["label"].iloc[0]), fontsize=10, loc="left")
            plot_ax.grid(axis="y", visible=False)
            plot_ax.margins(x=0.18)
            plot_ax.set_xlabel("p(term | topic)" if value == "prob" else "relevance", fontsize=8)
        sort = terms.attrs.get("sort")
        lam = terms.attrs.get("relevance_lambda")
        ranked = f"ranked by relevance (λ = {lam:g})" if sort == "relevance" and lam is not None else (
            "ranked by probability" if sort == "prob" else "in rank order")
        fig.suptitle(f"主题与关键词 Topics: top terms {ranked}; bar labels: raw counts in the corpus")
        return finish(fig, path)


#: Groups :func:`plot_topic_prevalence` draws at most (a dot per group and topic).
MAX_GROUPS = 12


def plot_topic_prevalence(prevalence: pd.DataFrame, *, dictionary: DictionarySpec = None,
                          ax: Axes | Sequence[Axes] | None = None,
                          path: str | os.PathLike[str] | None = None) -> Figure:
    """Each topic's share in every group (e.g. theme) with its bootstrap confidence interval.

    Parameters
    ----------
    prevalence : pandas.DataFrame
        The table of :func:`corpusanalysis.topic_prevalence` (``group``, ``topic``, ``label``,
        ``share``, ``ci_low``, ``ci_high``, ``n_units``).
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
        One row per topic (topic 1 on top), one dot per group with its interval; the legend gives
        each group's number of units.  The mission themes keep their colours across figures.  Past
        12 groups, the 12 with most units are drawn and a caption says so.

    Examples
    --------
    >>> import pandas as pd
    >>> prev = pd.DataFrame({"group": ["容错纠错", "容错纠错", "新质生产力", "新质生产力"],
    ...     "topic": [1, 2, 1, 2], "label": ["T1 产业·创新", "T2 干部·容错纠错"] * 2, "share": [0.2, 0.8, 0.7, 0.3],
    ...     "ci_low": [0.1, 0.6, 0.5, 0.2], "ci_high": [0.4, 0.9, 0.8, 0.5], "n_units": [7, 7, 26, 26]})
    >>> fig = plot_topic_prevalence(prev)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['T2 干部·容错纠错', 'T1 产业·创新']
    """
    needed = ("group", "topic", "label", "share", "ci_low", "ci_high", "n_units")
    if not isinstance(prevalence, pd.DataFrame) or not set(needed) <= set(prevalence.columns):
        raise ValueError(f"prevalence should be the table of topic_prevalence() with columns {list(needed)}; got "
                         + (f"columns {list(prevalence.columns)}." if isinstance(prevalence, pd.DataFrame)
                            else f"{type(prevalence).__name__}."))
    data = prevalence.sort_values(["topic", "group"], kind="stable")
    topics = sorted(int(t) for t in data["topic"].unique())
    labels = data.drop_duplicates("topic").set_index("topic")["label"].astype(str)
    groups = sorted((str(g) for g in data["group"].unique()), key=lambda g: (g == "general", g))  # general last
    firsts = data.drop_duplicates("group").set_index(data.drop_duplicates("group")["group"].astype(str))
    n_units = firsts["n_units"]
    has_docs = "n_docs" in firsts.columns and "level" in firsts.columns
    resampled = str(firsts["level"].iloc[0]) if has_docs and len(firsts) else None

    def legend_label(group: str) -> str:
        if has_docs and resampled == "document":
            return f"{group} (n={int(firsts.loc[group, 'n_docs']):,} docs, {int(n_units[group]):,} units)"
        return f"{group} (n={int(n_units[group]):,})"

    note = ""
    if len(groups) > MAX_GROUPS:  # e.g. prevalence by document: the groups with most units, the caption says so
        keep = set(sorted(groups, key=lambda g: (-int(n_units[g]), g))[:MAX_GROUPS])
        note = (f"The {MAX_GROUPS} of {len(groups):,} groups with most units; every group is in the table "
                "(compare fewer, larger groups for an overview).")
        groups = [g for g in groups if g in keep]
    colors = group_colors(groups, dictionary)
    step = 0.7 / max(len(groups), 1)
    from matplotlib.ticker import PercentFormatter

    level = prevalence.attrs.get("ci")
    ci_text = f"{level:.0%} bootstrap CI" if isinstance(level, float) else "bootstrap CI"
    if resampled:
        ci_text += f", {resampled}s resampled"
    with plot_style():
        fig, plot_ax = new_figure(ax=ax, figsize=(8.0, 0.75 * len(topics) * max(1, len(groups) / 3) + 1.6))
        for j, group in enumerate(groups):
            rows = data[data["group"].astype(str) == group].set_index("topic").reindex(topics)
            # topic 1 on top; groups spread within the topic's row, in sorted order top down
            y = [(len(topics) - 1 - i) + 0.35 - step * (j + 0.5) for i in range(len(topics))]
            share = rows["share"].to_numpy(dtype=float)
            low = (share - rows["ci_low"].to_numpy(dtype=float)).clip(min=0)  # NaN (no interval) stays NaN
            high = (rows["ci_high"].to_numpy(dtype=float) - share).clip(min=0)
            plot_ax.errorbar(share, y, xerr=[low, high], fmt="o", ms=5, capsize=2.5, lw=1.2, color=colors[group],
                             label=legend_label(group))
        plot_ax.set_yticks(range(len(topics)), labels=[labels[t] for t in topics][::-1])
        plot_ax.set_ylim(-0.6, len(topics) - 0.4)
        plot_ax.set_xlim(left=-0.02)
        for i in range(len(topics) - 1):
            plot_ax.axhline(i + 0.5, color="0.85", lw=0.8)
        plot_ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        what = "mean share of the group's units" if prevalence.attrs.get("weight") == "units" else (
            "share of the group's tokens")
        plot_ax.set_xlabel(f"主题占比 {what} ({ci_text})")
        plot_ax.grid(axis="y", visible=False)
        name = prevalence.attrs.get("by", prevalence.attrs.get("groups", "group"))
        fig.legend(title=f"{name} (documents, units)" if resampled == "document" else f"{name} (units)",
                   loc="outside right upper", fontsize=8)
        title = f"各组主题占比 Topic prevalence by {name}"
        if has_docs and bool((firsts["n_docs"] < 2).any()):
            one = sorted(str(g) for g in firsts.index[firsts["n_docs"] < 2] if g in groups)
            if one:
                import textwrap

                # under the title, inside the axes' width (a figure caption would run into the legend)
                why = (f"No interval for {', '.join(one[:6])}{' …' if len(one) > 6 else ''}: one {resampled} each "
                       "(its units are not independent draws).")
                title += "\n" + "\n".join(textwrap.wrap(why, 52))
        plot_ax.set_title(title, fontsize=10 if "\n" in title else None)
        if note:
            caption(fig, note)
        return finish(fig, path)
