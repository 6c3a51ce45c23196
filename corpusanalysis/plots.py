"""Plots: deterministic figures with a bundled CJK font.

Every ``plot_*`` function returns a :class:`matplotlib.figure.Figure` built
without pyplot (so nothing is left open in a global figure registry), inside
:func:`plot_style`, a context that applies the package's style file and the
bundled Noto Sans CJK SC font without touching the caller's ``rcParams``.
Pass ``path=`` to also write the PNG with :func:`save_figure`, which strips
PNG metadata so that the bytes only change when the picture does.
"""

from __future__ import annotations

import contextlib
import os
from importlib import resources
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

__all__ = [
    "CJK_FONT_FAMILY",
    "cjk_font_path",
    "plot_style",
    "new_figure",
    "save_figure",
    "figure_dir",
    "plot_document_lengths",
    "plot_cleaning_removals",
    "plot_theme_heatmap",
]

#: The font family every figure uses for Chinese text (from the ``mplfonts`` package).
CJK_FONT_FAMILY = "Noto Sans CJK SC"
_FONT_FILE = "NotoSansCJKsc-Regular.otf"
#: Environment variable that redirects figures (the figure regression test sets it).
FIGURE_DIR_ENV = "CORPUSANALYSIS_FIGURE_DIR"


def cjk_font_path() -> Path:
    """Path of the bundled CJK font file (Noto Sans CJK SC, SIL Open Font License).

    The font is installed by the ``mplfonts`` package from the lock file, not by
    the operating system, so every machine renders the same glyphs.

    Examples
    --------
    >>> cjk_font_path().name
    'NotoSansCJKsc-Regular.otf'
    """
    path = Path(str(resources.files("mplfonts") / "fonts" / _FONT_FILE))
    if not path.is_file():  # pragma: no cover - broken installation
        raise FileNotFoundError(
            f"CJK font {path} is missing; reinstall the pinned environment (make figures)."
        )
    return path


def _register_font() -> None:
    # Adding a font file to matplotlib's font list is additive and idempotent;
    # unlike rcParams it changes no default for other code.
    path = str(cjk_font_path())
    if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)


def _style_params() -> dict:
    style_file = resources.files("corpusanalysis") / "data" / "plot_style.mplstyle"
    with resources.as_file(style_file) as path:
        params = matplotlib.rc_params_from_file(str(path), use_default_template=False)
    return dict(params)


@contextlib.contextmanager
def plot_style():
    """Context in which matplotlib uses the package style and the CJK font.

    The caller's ``rcParams`` are restored on exit.

    Examples
    --------
    >>> import matplotlib
    >>> before = matplotlib.rcParams["font.family"]
    >>> with plot_style():
    ...     matplotlib.rcParams["font.family"][0]
    'Noto Sans CJK SC'
    >>> matplotlib.rcParams["font.family"] == before
    True
    """
    _register_font()
    with matplotlib.rc_context(_style_params()):
        yield


class _Figure(Figure):
    """A pyplot-free Figure that Jupyter can show inline (``_repr_png_``), PNG metadata stripped.

    Figures made without pyplot are not registered with IPython's inline backend, so without this
    a notebook would print ``<Figure size …>`` instead of the picture.
    """

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        with plot_style():
            self.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()


def new_figure(*, figsize=(7.0, 4.0), **subplot_kw):
    """A pyplot-free figure with one or more axes (``nrows``, ``ncols`` as in ``subplots``).

    Must be called inside :func:`plot_style` so the style applies.

    Examples
    --------
    >>> with plot_style():
    ...     fig, ax = new_figure()
    >>> from matplotlib.figure import Figure
    >>> isinstance(fig, Figure), fig._repr_png_()[:4]
    (True, b'\x89PNG')
    """
    fig = _Figure(figsize=figsize, layout="constrained")
    axes = fig.subplots(**subplot_kw)
    return fig, axes


def figure_dir(default: str | os.PathLike = "../figures") -> Path:
    """Folder figures are written to: ``$CORPUSANALYSIS_FIGURE_DIR`` or ``default``.

    Notebooks run in ``notebooks/``, so the default is the project's ``figures/``;
    ``make test`` points the variable at a scratch folder so the committed figures
    can be compared with freshly generated ones.

    Examples
    --------
    >>> figure_dir(default="../figures").name in ("figures", figure_dir().name)
    True
    """
    return Path(os.environ.get(FIGURE_DIR_ENV) or default)


def save_figure(fig: Figure, path: str | os.PathLike) -> Path:
    """Write ``fig`` as a PNG without metadata (no software version, no date).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or path
        Target file; must end in ``.png``. Parent folders are created.

    Returns
    -------
    pathlib.Path
        The written file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with plot_style():
    ...     fig, ax = new_figure()
    ...     _ = ax.set_title("新质生产力")
    >>> save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "a.png").suffix
    '.png'
    """
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"save_figure() writes PNG files; path={str(path)!r} should end in '.png'.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with plot_style():
        fig.savefig(path, format="png", metadata={"Software": None})
    return path


def _finish(fig: Figure, path) -> Figure:
    # Create ticks and text layout while the style is active, so that a figure
    # displayed later (e.g. by Jupyter, outside the context) keeps the CJK font.
    fig.draw_without_rendering()
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_document_lengths(summary: pd.DataFrame, *, hue: str = "script", path=None) -> Figure:
    """Horizontal bars of document length in characters, coloured by a metadata column.

    Parameters
    ----------
    summary : pandas.DataFrame
        The table of :func:`corpusanalysis.corpus_summary` (index ``doc_id``,
        columns ``label``, ``n_chars`` and ``hue``).
    hue : str, default "script"
        Column used for colours; categories are sorted so colours are stable.
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
    with plot_style():
        import seaborn as sns

        colors = dict(zip(categories, sns.color_palette("deep", n_colors=max(len(categories), 1))))
        fig, ax = new_figure(figsize=(7.5, 0.55 * len(data) + 1.4))
        bar_colors = [colors[str(v) if pd.notna(v) else "unknown"] for v in data[hue]]
        bars = ax.barh(data["label"].astype(str), data["n_chars"], color=bar_colors)
        ax.bar_label(bars, labels=[f"{n:,}" for n in data["n_chars"]], padding=3, fontsize=8)
        ax.set_xlabel("字符数 (characters)")
        ax.set_ylabel("")
        ax.set_title("文档长度 Document length (raw characters)")
        ax.grid(axis="y", visible=False)
        ax.margins(x=0.12)
        handles = [matplotlib.patches.Patch(color=colors[c], label=c) for c in categories]
        ax.legend(handles=handles, title=hue, loc="lower right")
        return _finish(fig, path)


def plot_cleaning_removals(summary: pd.DataFrame, *, labels: pd.Series | None = None, path=None) -> Figure:
    """Stacked bars: characters each cleaning step removed from each document.

    Parameters
    ----------
    summary : pandas.DataFrame
        The table of :func:`corpusanalysis.cleaning_summary` (index ``doc_id``, columns
        ``chars_raw`` and ``removed_<step>``).
    labels : pandas.Series, optional
        Bar labels by ``doc_id`` (e.g. ``corpus_summary(corpus)["label"]``); the id by default.
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
    data = summary.sort_index(ascending=False)
    shown = [c for c in steps if (data[c] > 0).any()]
    names = data.index.astype(str) if labels is None else labels.reindex(data.index).fillna(
        pd.Series(data.index, index=data.index)).astype(str)
    with plot_style():
        import seaborn as sns

        palette = sns.color_palette("tab10", n_colors=max(len(steps), 1))
        colors = dict(zip(steps, palette))  # colour fixed by step order, whatever is shown
        fig, ax = new_figure(figsize=(8.0, 0.6 * len(data) + 1.6))
        left = pd.Series(0, index=data.index, dtype="float64")
        for col in shown:
            values = data[col].clip(lower=0).astype("float64")
            ax.barh(names, values, left=left, color=colors[col], label=col.removeprefix("removed_"))
            left = left + values
        for y, doc in enumerate(data.index):
            share = data.loc[doc, "chars_removed"] / data.loc[doc, "chars_raw"] if data.loc[doc, "chars_raw"] else 0
            ax.text(left[doc], y, f"  {int(left[doc]):,} / {int(data.loc[doc, 'chars_raw']):,} ({share:.0%})",
                    va="center", fontsize=8)
        ax.set_xlabel("删除的字符数 (characters removed)")
        ax.set_title("清洗删除了什么 What cleaning removed, by step")
        ax.grid(axis="y", visible=False)
        ax.margins(x=0.25)
        ax.legend(title="step", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=min(len(shown), 6),
                  fontsize=8, frameon=False)
        return _finish(fig, path)


def plot_theme_heatmap(scores: pd.DataFrame, *, labels: pd.Series | None = None, value: str = "rate",
                       path=None) -> Figure:
    """Heatmap of dictionary theme (or category) rates × documents, raw hits written in each cell.

    Parameters
    ----------
    scores : pandas.DataFrame
        The tidy table of :func:`corpusanalysis.theme_scores` (an id column, ``theme`` or
        ``category``, ``n_hits``, ``rate``).
    labels : pandas.Series, optional
        Row labels by id (e.g. ``corpus_summary(corpus)["label"]``).
    value : str, default "rate"
        Column coloured (hits per 10,000 tokens by default).
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
    rows = rate.index.astype(str) if labels is None else labels.reindex(rate.index).fillna(
        pd.Series(rate.index, index=rate.index)).astype(str)
    annot = [[f"{r:.0f}\n({int(h)})" for r, h in zip(rr, hh)] for rr, hh in zip(rate.to_numpy(), hits.to_numpy())]
    with plot_style():
        import seaborn as sns

        fig, ax = new_figure(figsize=(1.6 * len(rate.columns) + 4.0, 0.6 * len(rate) + 1.8))
        sns.heatmap(rate.to_numpy(dtype=float), ax=ax, annot=annot, fmt="", cmap="rocket_r", linewidths=0.5,
                    cbar_kws={"label": f"{value} (per 10,000 tokens)" if value == "rate" else value},
                    xticklabels=list(rate.columns), yticklabels=list(rows), annot_kws={"fontsize": 8})
        ax.set_xlabel(group)
        ax.set_ylabel("")
        ax.set_title("主题词频 Theme terms per 10,000 tokens (raw hits in brackets)")
        ax.tick_params(axis="y", rotation=0)
        return _finish(fig, path)


# ----------------------------------------------------------------------------- themes, TF-IDF, keyness
__all__ += ["plot_keyness", "plot_tfidf_heatmap", "plot_theme_term_frequencies"]


def _group_colors(groups) -> dict:
    """Stable colours: the three mission themes always get the same colour, other groups grey shades."""
    import seaborn as sns

    deep = sns.color_palette("deep", n_colors=10)
    fixed = {"新质生产力": deep[0], "创新型县": deep[2], "容错纠错": deep[3], "general": deep[7]}
    others = [g for g in groups if g not in fixed]
    extra = dict(zip(others, [c for i, c in enumerate(deep) if i not in (0, 2, 3, 7)] * (len(others) // 6 + 1)))
    return {g: fixed.get(g, extra.get(g)) for g in groups}


def _keyness_rows(table: pd.DataFrame, group, n: int) -> pd.DataFrame:
    rows = table if group is None else table[table["group"] == group]
    return rows[rows["stat"] > 0].head(n)


def plot_keyness(table: pd.DataFrame, *, n: int = 10, groups=None, alpha: float = 0.05, path=None) -> Figure:
    """Top key terms per group side by side: log-ratio bars, significance marked.

    For each group (one panel), the ``n`` terms with the largest positive ``stat`` — the first
    ``n`` rows with ``stat > 0`` of the group in the table's order, i.e.
    ``table[table.stat > 0].groupby("group").head(n)`` — drawn top to bottom, the bar length
    being ``log_ratio`` (Hardie's binary log ratio: 1 = twice as frequent as in the reference).
    Bars with ``p_adj < alpha`` are solid and marked ``*``; the others are pale and hatched.
    The label at the end of each bar is ``n_target / n_reference`` (raw counts).

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`corpusanalysis.keyness.keyness` (with a ``group`` column from
        ``groups=``, or a single comparison).
    n : int, default 10
        Terms per group.
    groups : list of str, optional
        Groups to draw, in this order (default: every group, in the table's order).
    alpha : float, default 0.05
        Significance level for ``p_adj``.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.features import doc_term_matrix
    >>> from corpusanalysis.keyness import keyness
    >>> frame = pd.DataFrame(
    ...     {"tokens": [("新质生产力",) * 30 + ("创新",) * 70, ("容错纠错",) * 10 + ("创新",) * 90],
    ...      "theme": ["新质生产力", "容错纠错"]}, index=pd.Index(["a", "b"], name="doc_id"))
    >>> fig = plot_keyness(keyness(doc_term_matrix(frame), groups="theme"))
    >>> [ax.get_title() for ax in fig.axes]
    ['容错纠错\\n1 row, 100 tokens', '新质生产力\\n1 row, 100 tokens']
    """
    needed = ("term", "stat", "p_adj", "log_ratio", "n_target", "n_reference")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"plot_keyness() needs the table of keyness() with columns {list(needed)}; "
                         f"missing {missing} (got columns {list(table.columns)}).")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int (terms per group); got {n!r}.")
    has_group = "group" in table.columns
    present = list(dict.fromkeys(table["group"].astype(str))) if has_group else [None]
    if groups is None:
        groups = present
    else:
        if not has_group:
            raise ValueError("plot_keyness(): groups= needs a table with a 'group' column (keyness(..., groups=...)).")
        groups = [groups] if isinstance(groups, str) else list(groups)
        unknown = [g for g in groups if g not in present]
        if unknown:
            raise ValueError(f"plot_keyness(): group(s) {unknown} are not in the table; groups present: {present}.")
    if not groups:
        raise ValueError("plot_keyness(): the table has no rows to draw.")
    chosen = {g: _keyness_rows(table, g, n) for g in groups}
    longest = max([len(str(t)) for rows in chosen.values() for t in rows["term"]] or [2])
    height = 0.32 * max([len(rows) for rows in chosen.values()] + [3]) + 1.6
    with plot_style():
        colors = _group_colors([g for g in groups if g is not None]) if has_group else {None: None}
        fig, axes = new_figure(figsize=(max(3.0, 1.9 + 0.16 * longest) * len(groups), height),
                               ncols=len(groups), sharex=True, squeeze=False)
        axes = axes[0]
        comparisons = table.attrs.get("keyness", {}).get("comparisons", {})
        for ax, g in zip(axes, groups):
            rows = chosen[g]
            color = colors.get(g) or (0.3, 0.45, 0.69)
            y = list(range(len(rows)))[::-1]
            sig = (rows["p_adj"] < alpha).to_numpy()
            bars = ax.barh(y, rows["log_ratio"].to_numpy(dtype=float), color=color, height=0.7)
            for bar, s in zip(bars, sig):
                if not s:
                    bar.set_alpha(0.35)
                    bar.set_hatch("///")
            ax.bar_label(bars, labels=[f"{a}/{b}{' *' if s else ''}" for a, b, s in
                                       zip(rows["n_target"], rows["n_reference"], sig)], padding=2, fontsize=7.5)
            ax.set_yticks(y, labels=[str(t) for t in rows["term"]])
            ax.grid(axis="y", visible=False)
            ax.axvline(0, color="0.4", linewidth=0.8)
            info = comparisons.get(g if has_group else "target", {})
            n_rows = info.get("n_rows_target", 0)
            size = f"{n_rows} row{'s' if n_rows != 1 else ''}, {info['tokens_target']:,} tokens" if info else ""
            ax.set_title("\n".join(x for x in ("" if g is None else str(g), size) if x), fontsize=11)
            ax.set_xlabel("log2 ratio")
            if not len(rows):
                ax.text(0.5, 0.5, "no over-represented term", transform=ax.transAxes, ha="center", fontsize=8)
                ax.set_yticks([])
            ax.margins(x=0.22)
        fig.suptitle("关键词 Key terms (log2 ratio vs. the rest; label = count in target / in reference; "
                     f"* p_adj < {alpha:g})", fontsize=10)
        return _finish(fig, path)


def plot_tfidf_heatmap(weighted, *, n: int = 5, labels: pd.Series | None = None, max_rows: int = 30,
                       path=None) -> Figure:
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
        More rows than this raise (a heatmap of hundreds of units is unreadable: group first).
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.features import doc_term_matrix, tfidf
    >>> frame = pd.DataFrame({"tokens": [("新质生产力", "创新"), ("容错纠错", "创新")]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> fig = plot_tfidf_heatmap(tfidf(doc_term_matrix(frame)), n=1)
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['新质生产力', '容错纠错']
    """
    from .features import WeightedMatrix, top_terms

    if not isinstance(weighted, WeightedMatrix):
        raise TypeError(f"plot_tfidf_heatmap() expects the WeightedMatrix of tfidf(); got {type(weighted).__name__}.")
    if weighted.shape[0] > max_rows:
        raise ValueError(
            f"plot_tfidf_heatmap(): {weighted.shape[0]} rows is more than max_rows={max_rows}; group the rows "
            "first (tfidf(dtm.group_sums('theme'))) or select some (dtm.select_rows(...))."
        )
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
    annot = [[str(int(c)) if c else "" for c in crow] for crow in counts]
    with plot_style():
        import seaborn as sns

        longest = max(len(x) for x in names)
        fig, ax = new_figure(figsize=(max(5.0, 0.95 * len(ids) + 0.16 * max(len(t) for t in terms) + 2.2),
                                      0.3 * len(terms) + 1.6 + 0.09 * min(longest, 24)))
        sns.heatmap(values, ax=ax, annot=annot, fmt="", cmap="mako_r", linewidths=0.5, vmin=0,
                    cbar_kws={"label": "TF-IDF weight"}, xticklabels=names, yticklabels=terms,
                    annot_kws={"fontsize": 7.5})
        ax.set_xlabel(id_name)
        ax.set_ylabel("")
        ax.tick_params(axis="y", rotation=0)
        ax.tick_params(axis="x", rotation=30 if longest > 6 else 0)
        for t in ax.get_xticklabels():
            t.set_horizontalalignment("right" if longest > 6 else "center")
        ax.set_title(f"TF-IDF: top {n} terms per {weighted.unit} (raw counts in the cells)")
        return _finish(fig, path)


def plot_theme_term_frequencies(table: pd.DataFrame, *, path=None) -> Figure:
    """Grouped bars: how often each theme's key terms occur in each group, per 10,000 tokens.

    One panel per theme family (``term_theme``), terms top to bottom by ``rank``, one bar per
    group (colour) whose length is ``rate``; the raw ``count`` is written at the end of every
    non-zero bar.  Each panel has its own x scale (the families differ by an order of magnitude).

    Parameters
    ----------
    table : pandas.DataFrame
        The table of :func:`corpusanalysis.themes.theme_term_rates`.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from corpusanalysis import load_seeds, clean, tokenize
    >>> from corpusanalysis.features import doc_term_matrix
    >>> from corpusanalysis.themes import assign_themes, theme_term_rates
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
    families = list(dict.fromkeys(table["term_theme"].astype(str)))
    groups = list(dict.fromkeys(table["group"].astype(str)))
    per = table.attrs.get("theme_term_rates", {}).get("per", 10_000)
    by = table.attrs.get("theme_term_rates", {}).get("by", "group")
    n_terms = max(table.groupby("term_theme")["term"].nunique())
    with plot_style():
        colors = _group_colors(groups)
        fig, axes = new_figure(figsize=(3.4 * len(families) + 0.6, 0.13 * len(groups) * n_terms + 0.1 * n_terms + 1.9),
                               ncols=len(families), squeeze=False)
        axes = axes[0]
        height = 0.8 / len(groups)
        for ax, fam in zip(axes, families):
            part = table[table["term_theme"].astype(str) == fam]
            terms = list(dict.fromkeys(part.sort_values("rank", kind="stable")["term"].astype(str)))
            for j, g in enumerate(groups):
                cell = part[part["group"].astype(str) == g].set_index(part[part["group"].astype(str) == g]["term"].astype(str))
                rates = [float(cell.loc[t, "rate"]) if t in cell.index else 0.0 for t in terms]
                cnts = [int(cell.loc[t, "count"]) if t in cell.index else 0 for t in terms]
                y = [len(terms) - 1 - i + 0.4 - height * (j + 0.5) for i in range(len(terms))]
                bars = ax.barh(y, rates, height=height * 0.92, color=colors[g], label=g)
                ax.bar_label(bars, labels=[str(c) if c else "" for c in cnts], padding=1.5, fontsize=6.5)
            ax.set_yticks([len(terms) - 1 - i for i in range(len(terms))], labels=terms)
            ax.grid(axis="y", visible=False)
            ax.set_title(f"{fam} terms")
            ax.set_xlabel(f"per {per:,} tokens")
            ax.margins(x=0.15)
        handles = [matplotlib.patches.Patch(color=colors[g], label=g) for g in groups]
        fig.legend(handles=handles, title=by, loc="outside lower center", ncol=min(len(groups), 6), fontsize=8)
        fig.suptitle(f"主题词频 Theme terms per {per:,} tokens by {by} (raw counts at the bars)", fontsize=10)
        return _finish(fig, path)


# ----------------------------------------------------------------------------- topic models
__all__ += ["plot_k_selection", "plot_topics", "plot_topic_prevalence"]

#: Panels of :func:`plot_k_selection`: column of the select_k() table → panel title.
_K_PANELS = {
    "c_npmi": "c_npmi 一致性 (higher = better)",
    "c_v": "c_v 一致性 (higher = better)",
    "u_mass": "u_mass 一致性 (higher = better)",
    "stability": "稳定性 stability across seeds (1 − JSD)",
    "diversity": "多样性 topic diversity (top 25)",
    "perplexity": "困惑度 perplexity (in-sample)",
}


def _topic_colors(n: int) -> list:
    import seaborn as sns

    base = sns.color_palette("tab10", n_colors=10)
    return [base[i % 10] for i in range(n)]  # topic i always gets the same colour


def plot_k_selection(table: pd.DataFrame, *, chosen: int | None = None, min_stability: float | None = 0.7,
                     path=None) -> Figure:
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
        fig, axes = new_figure(figsize=(11.0, 6.2), nrows=2, ncols=3, sharex=True)
        for ax, (col, title) in zip(axes.ravel(), _K_PANELS.items()):
            ax.set_title(title, fontsize=10)
            if col not in data.columns or data[col].isna().all():
                ax.text(0.5, 0.5, "not computed", transform=ax.transAxes, ha="center", va="center", color="0.5")
                continue
            values = data[["k", "seed", col]].dropna()
            ax.scatter(values["k"] + values["seed"].map(offsets), values[col], s=14, color="0.55", zorder=2,
                       label="one seed")
            mean = data.groupby("k", sort=True)[col].mean()
            ax.plot(mean.index, mean.to_numpy(), color="C0", marker="o", lw=1.6, zorder=3, label="mean over seeds")
            if col == "stability":
                if "stability_null" in data.columns and data["stability_null"].notna().any():
                    null = data.groupby("k", sort=True)["stability_null"].mean()
                    ax.plot(null.index, null.to_numpy(), color="0.45", ls="--", lw=1.2, marker="x",
                            label="shuffled-corpus baseline")
                if min_stability is not None:
                    ax.axhline(min_stability, color="C3", ls=":", lw=1.0, label=f"threshold {min_stability:g}")
                ax.legend(fontsize=7, loc="best")
            if chosen is not None:
                ax.axvline(chosen, color="C3", ls="--", lw=1.0, alpha=0.8)
        for ax in axes[-1]:
            ax.set_xlabel("k (主题数 number of topics)")
            ax.set_xticks(ks)
        suffix = f"; chosen k = {chosen}" if chosen is not None else ""
        fig.suptitle(f"主题数选择 Choosing k: {len(seeds)} seeds per k (dots), mean (line){suffix}")
        return _finish(fig, path)


def plot_topics(terms: pd.DataFrame, *, value: str = "prob", ncols: int = 3, path=None) -> Figure:
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
        fig, axes = new_figure(figsize=(3.6 * ncols + 0.4, 0.27 * n_terms * nrows + 1.0 * nrows + 0.6),
                               nrows=nrows, ncols=ncols, squeeze=False)
        for ax in axes.ravel()[len(topics):]:
            ax.set_visible(False)
        for ax, topic in zip(axes.ravel(), topics):
            rows = data[data["topic"] == topic]
            y = list(range(len(rows)))[::-1]
            bars = ax.barh(y, rows[value].to_numpy(dtype=float), color=colors[topic - 1])
            ax.bar_label(bars, labels=[f"{int(c):,}" for c in rows["count"]], padding=2, fontsize=7, color="0.35")
            ax.set_yticks(y, labels=rows["term"].astype(str).tolist(), fontsize=9)
            ax.set_title(str(rows["label"].iloc[0]), fontsize=10, loc="left")
            ax.grid(axis="y", visible=False)
            ax.margins(x=0.18)
            ax.set_xlabel("p(term | topic)" if value == "prob" else "relevance", fontsize=8)
        by = terms.attrs.get("by")
        lam = terms.attrs.get("relevance_lambda")
        ranked = f"ranked by relevance (λ = {lam:g})" if by == "relevance" and lam is not None else (
            "ranked by probability" if by == "prob" else "in rank order")
        fig.suptitle(f"主题与关键词 Topics: top terms {ranked}; bar labels: raw counts in the corpus")
        return _finish(fig, path)


def plot_topic_prevalence(prevalence: pd.DataFrame, *, path=None) -> Figure:
    """Each topic's share in every group (e.g. theme) with its bootstrap confidence interval.

    Parameters
    ----------
    prevalence : pandas.DataFrame
        The table of :func:`corpusanalysis.topic_prevalence` (``group``, ``topic``, ``label``,
        ``share``, ``ci_low``, ``ci_high``, ``n_units``).
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure
        One row per topic (topic 1 on top), one dot per group with its interval; the legend gives
        each group's number of units.  The mission themes keep their colours across figures.

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
    n_units = data.drop_duplicates("group").set_index("group")["n_units"]
    colors = _group_colors(groups)
    step = 0.7 / max(len(groups), 1)
    from matplotlib.ticker import PercentFormatter

    level = prevalence.attrs.get("ci")
    ci_text = f"{level:.0%} bootstrap CI" if isinstance(level, float) else "bootstrap CI"
    with plot_style():
        fig, ax = new_figure(figsize=(8.0, 0.75 * len(topics) * max(1, len(groups) / 3) + 1.6))
        for j, group in enumerate(groups):
            rows = data[data["group"].astype(str) == group].set_index("topic").reindex(topics)
            # topic 1 on top; groups spread within the topic's row, in sorted order top down
            y = [(len(topics) - 1 - i) + 0.35 - step * (j + 0.5) for i in range(len(topics))]
            share = rows["share"].to_numpy(dtype=float)
            low = (share - rows["ci_low"].to_numpy(dtype=float)).clip(min=0)  # NaN (no interval) stays NaN
            high = (rows["ci_high"].to_numpy(dtype=float) - share).clip(min=0)
            ax.errorbar(share, y, xerr=[low, high], fmt="o", ms=5, capsize=2.5, lw=1.2, color=colors[group],
                        label=f"{group} (n={int(n_units[group])})")
        ax.set_yticks(range(len(topics)), labels=[labels[t] for t in topics][::-1])
        ax.set_ylim(-0.6, len(topics) - 0.4)
        ax.set_xlim(left=-0.02)
        for i in range(len(topics) - 1):
            ax.axhline(i + 0.5, color="0.85", lw=0.8)
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        what = "mean share of the group's units" if prevalence.attrs.get("weight") == "units" else (
            "share of the group's tokens")
        ax.set_xlabel(f"主题占比 {what} ({ci_text})")
        ax.grid(axis="y", visible=False)
        name = prevalence.attrs.get("groups", "group")
        fig.legend(title=f"{name} (units)", loc="outside right upper", fontsize=8)
        ax.set_title(f"各组主题占比 Topic prevalence by {name}")
        return _finish(fig, path)


# ----------------------------------------------------------------------------- co-occurrence networks
__all__ += ["plot_network", "plot_ego_networks", "plot_association_heatmap"]


def _net_theme_colors() -> dict:
    """The three mission themes in the same colours as the other theme figures."""
    import seaborn as sns

    deep = sns.color_palette("deep", n_colors=10)
    return {"新质生产力": deep[0], "创新型县": deep[2], "容错纠错": deep[3], "general": deep[7], "": (0.6, 0.6, 0.6)}


def _net_label_size(label: str, fontsize: float) -> tuple[float, float]:
    """Approximate (width, height) of a label in inches: CJK characters are 1 em wide, others 0.6 em."""
    em = fontsize / 72.0
    width = sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in label) * em
    return width, 1.25 * em


def _net_place_labels(ax, pos: dict, order: list, sizes_in: tuple[float, float], *, fontsize: float,
                      always: int, node_radius: dict) -> list:
    """Greedy label placement without overlaps (deterministic): on the node, above, below, right, left.

    ``pos`` is in axes-fraction coordinates, ``sizes_in`` the axes size in inches.  The first
    ``always`` labels of ``order`` are drawn even when every slot overlaps; later ones are skipped.
    """
    from matplotlib import patheffects

    w_in, h_in = sizes_in
    placed: list[tuple[float, float, float, float]] = []
    texts = []
    for k, node in enumerate(order):
        x, y = pos[node]
        lw, lh = _net_label_size(str(node), fontsize)
        lw, lh = lw / w_in, lh / h_in
        r = node_radius.get(node, 0.0)
        candidates = [(x, y), (x, y + r / h_in + lh * 0.6), (x, y - r / h_in - lh * 0.6),
                      (x + r / w_in + lw * 0.55, y), (x - r / w_in - lw * 0.55, y)]
        chosen = None
        for cx, cy in candidates:
            box = (cx - lw / 2, cy - lh / 2, cx + lw / 2, cy + lh / 2)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                chosen = (cx, cy, box)
                break
        if chosen is None:
            if k >= always:
                continue
            cx, cy = candidates[0]
            chosen = (cx, cy, (cx - lw / 2, cy - lh / 2, cx + lw / 2, cy + lh / 2))
        placed.append(chosen[2])
        texts.append(ax.text(chosen[0], chosen[1], str(node), transform=ax.transAxes, ha="center", va="center",
                             fontsize=fontsize, zorder=5,
                             path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")]))
    return texts


def _net_layout(G, seed: int, panel_in: tuple[float, float]) -> dict:
    """A deterministic layout per connected component, components packed in shelves (axes fractions).

    A single spring layout of a graph with many small components pushes them to a ring and
    squeezes each one into a point; laying out each component on its own (Kamada-Kawai, or a
    seeded spring layout above 200 nodes; side ∝ √nodes) and packing the boxes row by row, largest
    first, keeps every edge visible.
    """
    import networkx as nx
    import numpy as np

    comps = sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0]))
    boxes = []
    for comp in comps:
        side = float(np.sqrt(len(comp))) * (1.5 if len(comp) > 2 else 1.0)
        if len(comp) == 1:
            local = {comp[0]: np.zeros(2)}
        elif len(comp) == 2:
            local = {comp[0]: np.array([-0.5, 0.0]), comp[1]: np.array([0.5, 0.0])}
        else:
            # A fresh graph in sorted order: G.subgraph() iterates a set, whose order follows the hash seed.
            H = nx.Graph()
            H.add_nodes_from(comp)
            H.add_edges_from(sorted(tuple(sorted(e)) for e in G.subgraph(comp).edges()))
            if len(comp) <= 200:  # Kamada-Kawai: even spacing, deterministic (circular start)
                local = nx.kamada_kawai_layout(H, weight=None)
            else:
                local = nx.spring_layout(H, seed=seed, k=1.0 / np.sqrt(len(comp)), iterations=300, weight=None)
        xy = np.array([local[v] for v in comp], dtype=float)
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.where(hi - lo > 0, hi - lo, 1.0)
        unit = {v: (p - lo) / span * side if len(comp) > 1 else np.zeros(2) for v, p in zip(comp, xy)}
        boxes.append((comp, unit, side))
    pad = 0.9
    aspect = panel_in[0] / panel_in[1]
    total = sum((side + pad) ** 2 for _, _, side in boxes)
    width = max(max(side for _, _, side in boxes) + pad, float(np.sqrt(total * aspect)))
    pos, x, y, row_h = {}, 0.0, 0.0, 0.0
    for comp, unit, side in boxes:
        if x > 0 and x + side > width:
            x, y, row_h = 0.0, y + row_h + pad, 0.0
        for v in comp:
            pos[v] = np.array([x + unit[v][0], -(y + unit[v][1])])
        x += side + pad
        row_h = max(row_h, side)
    xy = np.array(list(pos.values()))
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1e-9)
    margin = 0.08
    scale = min((1 - 2 * margin) * panel_in[0] / span[0], (1 - 2 * margin) * panel_in[1] / span[1])
    centre = (lo + hi) / 2
    return {v: (0.5 + (p[0] - centre[0]) * scale / panel_in[0], 0.5 + (p[1] - centre[1]) * scale / panel_in[1])
            for v, p in pos.items()}


def _net_draw(ax, G, *, title: str, label_top: int, seed: int, panel_in: tuple[float, float]) -> None:
    import numpy as np
    import seaborn as sns

    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    if G.number_of_nodes() == 0:
        return
    pos = _net_layout(G, seed, panel_in)
    freq = np.array([G.nodes[v].get("frequency", 1) for v in G.nodes], dtype=float)
    sizes = 30 + 420 * np.sqrt(freq / freq.max()) if freq.max() > 0 else np.full(len(freq), 120.0)
    palette = sns.color_palette("tab10", n_colors=10)
    comm_sizes: dict = {}
    for v in G.nodes:
        c = G.nodes[v].get("community", 0)
        comm_sizes[c] = comm_sizes.get(c, 0) + 1
    # colour the (at most 10) communities of 3 or more terms; smaller ones stay grey
    coloured = {c: palette[k] for k, c in enumerate(sorted((c for c, n in comm_sizes.items() if n >= 3),
                                                           key=lambda c: (-comm_sizes[c], c))[:10])}
    grey = (0.72, 0.72, 0.72)
    colors = [coloured.get(G.nodes[v].get("community", 0), grey) for v in G.nodes]
    weights = np.array([d.get("weight", 1.0) for _, _, d in G.edges(data=True)], dtype=float)
    if len(weights):
        wmax = weights.max() if weights.max() > 0 else 1.0
        widths = 0.5 + 3.0 * (weights / wmax)
        for (u, v), w in zip(G.edges(), widths):
            ax.plot([pos[u][0], pos[v][0]], [pos[u][1], pos[v][1]], color="0.5", lw=w, alpha=0.5, zorder=1,
                    transform=ax.transAxes, solid_capstyle="round")
    themed = [bool(G.nodes[v].get("theme")) for v in G.nodes]
    ax.scatter([pos[v][0] for v in G.nodes], [pos[v][1] for v in G.nodes], s=sizes, c=colors,
               edgecolors=["0.1" if t else "white" for t in themed], linewidths=[1.6 if t else 0.8 for t in themed],
               zorder=3, transform=ax.transAxes, clip_on=False)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    order = sorted(G.nodes, key=lambda v: (-G.nodes[v].get("frequency", 0), v))[:label_top]
    # marker area s is in points^2: radius in inches = sqrt(s) / 2 / 72
    radius = {v: float(np.sqrt(s)) / 2 / 72 for v, s in zip(G.nodes, sizes)}
    _net_place_labels(ax, pos, order, panel_in, fontsize=9, always=min(8, len(order)), node_radius=radius)
    first = {}
    for v in sorted(G.nodes, key=lambda v: (-G.nodes[v].get("frequency", 0), v)):
        first.setdefault(G.nodes[v].get("community", 0), v)
    handles = [matplotlib.lines.Line2D([], [], ls="", marker="o", ms=7, color=col, label=f"{first[c]} …")
               for c, col in coloured.items()]
    if len(coloured) < len(comm_sizes):
        handles.append(matplotlib.lines.Line2D([], [], ls="", marker="o", ms=7, color=grey, label="smaller groups"))
    ax.legend(handles=handles, title="社区 community", loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
              title_fontsize=8, frameon=False, borderaxespad=0)


def plot_network(graphs, *, label_top: int = 60, seed: int = 7, ncols: int | None = None, title: str | None = None,
                 path=None) -> Figure:
    """Co-occurrence network(s): deterministic layout, size by frequency, colour by community.

    Nodes are drawn with an area proportional to the square root of their ``frequency``
    (contexts containing the term), coloured by Louvain ``community`` (legend: the most frequent
    term of each); dictionary theme terms get a dark ring.  Edge width is proportional to the edge
    ``weight`` (G² by default).  Labels: the ``label_top`` most frequent terms, placed greedily on,
    above, below, right or left of their node where they do not overlap a label already placed;
    the eight most frequent are always drawn.

    Parameters
    ----------
    graphs : networkx.Graph or dict of str to networkx.Graph
        One network (from :func:`corpusanalysis.cooccurrence.cooccurrence_network`) or several,
        drawn side by side with the keys as panel titles (e.g. one per theme).
    label_top : int, default 60
        Number of labelled nodes per panel.
    seed : int, default 7
        Seed of :func:`networkx.spring_layout`, used for components of more than 200 terms;
        smaller components get :func:`networkx.kamada_kawai_layout`.  Each connected component
        is laid out on its own and the components are packed row by row, largest first.
    ncols : int, optional
        Panels per row (default: 1, one network under the other).
    title : str, optional
        Figure title.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from corpusanalysis.cooccurrence import cooccurrence, cooccurrence_network
    >>> rows = [["新质生产力", "科技创新", "未来产业"]] * 3 + [["容错纠错", "干部", "担当"]] * 3
    >>> G = cooccurrence_network(cooccurrence(rows, window="document"), alpha=None)
    >>> fig = plot_network({"示例": G})
    >>> fig.axes[0].get_title()
    '示例 (6 terms, 6 edges)'
    """
    import networkx as nx

    if isinstance(graphs, nx.Graph):
        graphs = {str(graphs.graph.get("group", "")) if graphs.graph.get("group", "all") != "all" else "": graphs}
    if not isinstance(graphs, dict) or not graphs or not all(isinstance(g, nx.Graph) for g in graphs.values()):
        raise ValueError("plot_network() expects a networkx Graph (cooccurrence_network()) or a dict of them, "
                         f"one per panel; got {type(graphs).__name__}.")
    n = len(graphs)
    ncols = ncols or 1
    nrows = -(-n // ncols)
    panel = (8.0, 5.6)
    with plot_style():
        fig, axes = new_figure(figsize=(panel[0] * ncols + 1.6 * ncols, panel[1] * nrows + 0.6), nrows=nrows,
                               ncols=ncols, squeeze=False)
        for k, ax in enumerate(axes.ravel()):
            if k >= n:
                ax.set_axis_off()
                continue
            name, G = list(graphs.items())[k]
            head = f"{name} ({G.number_of_nodes()} terms, {G.number_of_edges()} edges)".strip()
            _net_draw(ax, G, title=head, label_top=label_top, seed=seed, panel_in=panel)
        if title:
            fig.suptitle(title)
        return _finish(fig, path)


def plot_ego_networks(assoc: pd.DataFrame, *, terms=None, n: int = 12, value: str = "g2", group: str | None = None,
                      cooc: pd.DataFrame | None = None, path=None) -> Figure:
    """Ego networks of key terms side by side: each term in the centre, its associates around it.

    Associates (from :func:`corpusanalysis.cooccurrence.associates`) sit on a circle in rank order,
    clockwise from the top; the edge width is proportional to ``value`` (G² by default) and each
    associate's dot area to its frequency (contexts).  Dots are coloured by the associate's mission
    theme (grey: no theme).  With ``cooc``, associates that are themselves attracted to each other
    (``n_ab > expected``) are joined by thin grey chords.

    Parameters
    ----------
    assoc : pandas.DataFrame
        The table of :func:`corpusanalysis.cooccurrence.associates` for one or more terms.
    terms : list of str, optional
        Terms to draw, in this order (default: the table's terms in order of first appearance).
    n : int, default 12
        Associates per term (the first ``n`` ranks).
    value : str, default "g2"
        Column that sets the edge widths.
    group : str, optional
        Required when the table has several groups.
    cooc : pandas.DataFrame, optional
        The co-occurrence table, for the chords between associates.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from corpusanalysis.cooccurrence import cooccurrence, associates
    >>> rows = [["新质生产力", "科技创新", "未来产业"]] * 3 + [["容错纠错", "干部", "担当"]] * 3
    >>> table = cooccurrence(rows, window="document")
    >>> fig = plot_ego_networks(associates(table, ["新质生产力", "容错纠错"], alpha=None), cooc=table)
    >>> [ax.get_title() for ax in fig.axes]
    ['新质生产力', '容错纠错']
    """
    import numpy as np
    from matplotlib import patheffects

    from corpusanalysis.dictionary import load_dictionary

    for col in ("term", "associate", "rank", value):
        if col not in assoc.columns:
            raise ValueError(f"plot_ego_networks() needs a {col!r} column (the table of associates()); got columns "
                             f"{list(assoc.columns)}.")
    table = assoc
    if "group" in table.columns and table["group"].nunique() > 1:
        groups = sorted(table["group"].astype(str).unique())
        if group is None:
            raise ValueError(f"plot_ego_networks(): the table has groups {groups}; pass group=... to choose one.")
        table = table[table["group"].astype(str) == group]
    elif group is not None and "group" in table.columns:
        table = table[table["group"].astype(str) == group]
    terms = list(dict.fromkeys(table["term"].astype(str))) if terms is None else list(terms)
    missing = [t for t in terms if t not in set(table["term"].astype(str))]
    if missing or not terms:
        raise ValueError(f"plot_ego_networks(): no associates for {missing or terms} in the table; compute them with "
                         "associates(cooc, terms) (relax alpha on small corpora).")
    term_theme: dict[str, str] = {}
    for theme, family in load_dictionary().themes().items():
        for t in family:
            term_theme.setdefault(t, theme)
    colors = _net_theme_colors()
    with plot_style():
        fig, axes = new_figure(figsize=(4.9 * len(terms), 5.0), ncols=len(terms), squeeze=False)
        for ax, term in zip(axes.ravel(), terms):
            rows = table[table["term"].astype(str) == term].sort_values("rank").head(n)
            k = len(rows)
            angles = np.pi / 2 - 2 * np.pi * np.arange(k) / max(k, 1)
            pts = {a: (np.cos(t), np.sin(t)) for a, t in zip(rows["associate"].astype(str), angles)}
            vals = rows[value].to_numpy(dtype=float)
            vmax = vals.max() if len(vals) and vals.max() > 0 else 1.0
            if cooc is not None:
                names = set(pts)
                sub = cooc[cooc["term_a"].isin(names) & cooc["term_b"].isin(names)]
                if "group" in sub.columns and group is not None:
                    sub = sub[sub["group"].astype(str) == group]
                if "expected" in sub.columns:
                    sub = sub[sub["n_ab"] > sub["expected"]]
                for a, b in sorted(zip(sub["term_a"].astype(str), sub["term_b"].astype(str))):
                    ax.plot([pts[a][0], pts[b][0]], [pts[a][1], pts[b][1]], color="0.8", lw=0.6, zorder=1)
            for (a, (x, y)), v in zip(pts.items(), vals):
                ax.plot([0, x], [0, y], color="0.45", lw=0.6 + 4.4 * v / vmax, alpha=0.6, zorder=2,
                        solid_capstyle="round")
            freq = rows["n_associate"].to_numpy(dtype=float) if "n_associate" in rows.columns else np.ones(k)
            fmax = freq.max() if len(freq) and freq.max() > 0 else 1.0
            ax.scatter([p[0] for p in pts.values()], [p[1] for p in pts.values()],
                       s=40 + 360 * np.sqrt(freq / fmax), zorder=3, edgecolors="white", linewidths=0.8,
                       c=[colors.get(term_theme.get(a, ""), colors[""]) for a in pts])
            ax.scatter([0], [0], s=900, c=[colors.get(term_theme.get(term, ""), colors[""])], zorder=4,
                       edgecolors="0.1", linewidths=1.4)
            ax.text(0, -0.17, term, ha="center", va="top", fontsize=11, zorder=6,
                    bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "0.6", "lw": 0.6})
            for (a, (x, y)), (_, row) in zip(pts.items(), rows.iterrows()):
                ha = "left" if x > 0.2 else "right" if x < -0.2 else "center"
                va = "bottom" if y > 0.2 else "top" if y < -0.2 else "center"
                ax.text(1.14 * x, 1.14 * y, f"{a} ({int(row['n_ab'])})", ha=ha, va=va, fontsize=9, zorder=6,
                        path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
            ax.set_xlim(-1.75, 1.75)
            ax.set_ylim(-1.5, 1.5)
            ax.set_aspect("equal")
            ax.set_axis_off()
            ax.set_title(term, fontsize=12)
        window = assoc.attrs.get("associates", {}).get("window", "")
        fig.suptitle(f"共现自我网络 Ego networks: top {n} associates by {value}"
                     + (f" (context: {window})" if window != "" else "")
                     + " — label: associate (contexts together)", fontsize=11)
        return _finish(fig, path)


def plot_association_heatmap(cooc: pd.DataFrame, terms=None, *, per_theme: int = 6, value: str = "npmi",
                             group: str | None = None, path=None) -> Figure:
    """Heatmap of the association between key terms, blocks by theme, co-occurrence counts written in.

    Parameters
    ----------
    cooc : pandas.DataFrame
        The table of :func:`corpusanalysis.cooccurrence.cooccurrence` (``min_count=1`` shows every
        observed pair).
    terms : list of str or dict of str to list of str, optional
        The terms (rows = columns), or ``{theme: [terms]}`` for blocks.  Default: for each mission
        theme of the dictionary, the term naming it (新质生产力, 创新型县, 容错纠错) and its most
        frequent other terms in the table, ``per_theme`` in all (a term in two themes goes to the
        first).
    per_theme : int, default 6
    value : str, default "npmi"
        Colour (diverging around 0; NPMI is in [-1, 1]).
    group : str, optional
        Required when the table has several groups.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure
        Cells: colour = ``value``, text = ``n_ab`` (contexts with both); an empty cell means the
        pair is not in the table (never together, or fewer than ``min_count`` times).  Tick labels
        carry the term's frequency (contexts) and its theme's colour.

    Examples
    --------
    >>> from corpusanalysis.cooccurrence import cooccurrence
    >>> rows = [["新质生产力", "科技创新", "未来产业"]] * 3 + [["容错纠错", "干部", "担当"]] * 3
    >>> fig = plot_association_heatmap(cooccurrence(rows, window="document", min_count=1),
    ...                                {"新质生产力": ["新质生产力", "未来产业"], "容错纠错": ["容错纠错", "担当"]})
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['新质生产力 (3)', '未来产业 (3)', '容错纠错 (3)', '担当 (3)']
    """
    import numpy as np
    import seaborn as sns

    from corpusanalysis.dictionary import load_dictionary

    for col in ("term_a", "term_b", "n_ab", "n_a", "n_b", value):
        if col not in cooc.columns:
            raise ValueError(f"plot_association_heatmap() needs a {col!r} column (the table of cooccurrence()); "
                             f"got columns {list(cooc.columns)}.")
    table = cooc
    if "group" in cooc.columns:
        groups = sorted(cooc["group"].astype(str).unique())
        if group is None and len(groups) > 1:
            raise ValueError(f"plot_association_heatmap(): the table has groups {groups}; pass group=... .")
        table = cooc[cooc["group"].astype(str) == (group or groups[0])]
    freq: dict[str, int] = {}
    for a, b, na, nb in zip(table["term_a"].astype(str), table["term_b"].astype(str), table["n_a"], table["n_b"]):
        freq.setdefault(a, int(na))
        freq.setdefault(b, int(nb))
    if terms is None:
        blocks: dict[str, list[str]] = {}
        used: set[str] = set()
        for theme, family in load_dictionary().themes().items():
            present = sorted((t for t in family if t in freq and t not in used), key=lambda t: (-freq[t], t))
            if theme in present:  # the term naming the theme always leads its block
                present = [theme] + [t for t in present if t != theme]
            blocks[theme] = present[:per_theme]
            used.update(blocks[theme])
        blocks = {k: v for k, v in blocks.items() if v}
    elif isinstance(terms, dict):
        blocks = {str(k): [str(t) for t in v] for k, v in terms.items()}
    else:
        blocks = {"": [str(t) for t in terms]}
    order = [t for v in blocks.values() for t in v]
    if not order:
        raise ValueError("plot_association_heatmap(): no term to draw; none of the themes' terms is in the table.")
    theme_of = {t: k for k, v in blocks.items() for t in v}
    idx = {t: i for i, t in enumerate(order)}
    m = len(order)
    vals = np.full((m, m), np.nan)
    counts = np.zeros((m, m), dtype=int)
    sub = table[table["term_a"].astype(str).isin(idx) & table["term_b"].astype(str).isin(idx)]
    for a, b, v, c in zip(sub["term_a"].astype(str), sub["term_b"].astype(str), sub[value], sub["n_ab"]):
        i, j = idx[a], idx[b]
        vals[i, j] = vals[j, i] = float(v)
        counts[i, j] = counts[j, i] = int(c)
    annot = [["" if i == j or np.isnan(vals[i, j]) else str(counts[i, j]) for j in range(m)] for i in range(m)]
    labels = [f"{t} ({freq.get(t, 0)})" for t in order]
    colors = _net_theme_colors()
    lim = np.nanmax(np.abs(vals)) if np.isfinite(vals).any() else 1.0
    with plot_style():
        fig, ax = new_figure(figsize=(0.55 * m + 3.4, 0.5 * m + 2.0))
        sns.heatmap(vals, ax=ax, mask=np.isnan(vals), cmap="vlag", vmin=-lim, vmax=lim,
                    annot=annot, fmt="", annot_kws={"fontsize": 8}, linewidths=0.5, linecolor="white",
                    xticklabels=labels, yticklabels=labels, square=True,
                    cbar_kws={"label": value.upper() if value in ("npmi", "pmi") else value, "shrink": 0.7})
        ax.set_facecolor("#f4f4f4")
        ax.grid(False)
        for tick in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            term = tick.get_text().rsplit(" (", 1)[0]
            tick.set_color(colors.get(theme_of.get(term, ""), "0.2") if theme_of.get(term) else "0.2")
        ax.tick_params(axis="x", rotation=90)
        ax.tick_params(axis="y", rotation=0)
        edge = 0
        for block in list(blocks.values())[:-1]:
            edge += len(block)
            ax.axhline(edge, color="0.3", lw=1.2)
            ax.axvline(edge, color="0.3", lw=1.2)
        ax.set_title(f"关键词关联 Association between the themes' key terms ({value.upper()}; "
                     "numbers: contexts together)", fontsize=11)
        return _finish(fig, path)
