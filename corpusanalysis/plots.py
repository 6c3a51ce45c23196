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


def new_figure(*, figsize=(7.0, 4.0), **subplot_kw):
    """A pyplot-free figure with one or more axes (``nrows``, ``ncols`` as in ``subplots``).

    Must be called inside :func:`plot_style` so the style applies.

    Examples
    --------
    >>> with plot_style():
    ...     fig, ax = new_figure()
    >>> type(fig).__name__
    'Figure'
    """
    fig = Figure(figsize=figsize, layout="constrained")
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
