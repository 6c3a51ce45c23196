"""Figures of where terms occur (dispersion / x-ray) and of covariate effects (stm's continuous plot)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .._labels import unique_labels
from ..analysis.concordance import term_positions
from .style import caption, finish, new_figure, plot_style

__all__ = ["plot_dispersion", "plot_effects"]

#: Most documents drawn by :func:`plot_dispersion` (documents without any occurrence go first when pooling).
MAX_DISPERSION_DOCS = 80
#: Most outcomes (panels) drawn by :func:`plot_effects`.
MAX_EFFECT_PANELS = 12


def plot_dispersion(corpus: pd.DataFrame, terms: str | Iterable[str], *, scale: str = "relative",
                    max_docs: int = MAX_DISPERSION_DOCS, path: str | os.PathLike[str] | None = None) -> Figure:
    """Where each term occurs along every document: one strip per document, a tick per occurrence (quanteda's
    ``textplot_xray``).

    Parameters
    ----------
    corpus : DataFrame
        A tokenized corpus, or tokenized units with a ``doc_id`` column (see
        :func:`corpusanalysis.term_positions`, the table behind the figure).
    terms : str or iterable of str
        One panel per term.
    scale : {"relative", "absolute"}, default "relative"
        x is the position as a share of the document's tokens (documents of any length side by side)
        or the token index.
    max_docs : int, default 80
        Strips drawn; beyond it, documents without any occurrence are left out first, then the last
        ids — said in a caption.
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import plot_dispersion
    >>> corpus = pd.DataFrame({"tokens": [("发展", "新质生产力", "创新"), ("创新", "改革")]},
    ...                       index=pd.Index(["a", "b"], name="doc_id"))
    >>> fig = plot_dispersion(corpus, ["新质生产力", "创新"])
    >>> [ax.get_title() for ax in fig.axes]
    ['新质生产力 (n=1)', '创新 (n=2)']
    """
    if scale not in ("relative", "absolute"):
        raise ValueError(f"plot_dispersion(): scale must be 'relative' or 'absolute'; got {scale!r}.")
    if not isinstance(max_docs, int) or max_docs < 1:
        raise ValueError(f"plot_dispersion(): max_docs must be a positive int; got {max_docs!r}.")
    table = term_positions(corpus, terms)
    wanted = table.attrs["terms"]
    lengths: dict[str, int] = table.attrs["documents"]
    docs = sorted(lengths)
    note = ""
    if len(docs) > max_docs:
        hit = set(table["doc_id"].astype(str))
        keep = [d for d in docs if d in hit][:max_docs]
        keep = sorted(keep + [d for d in docs if d not in hit][:max_docs - len(keep)])
        note = (f"{max_docs} of {len(docs):,} documents drawn (those with an occurrence first, then by id); "
                "every occurrence is in the table of term_positions().")
        docs = keep
    labels = dict(zip(docs, unique_labels(docs)))
    row = {d: i for i, d in enumerate(docs)}
    with plot_style():
        height = 0.9 + 0.22 * len(docs)
        width = min(4.2 * len(wanted), 16.0)
        fig, axes = new_figure(figsize=(max(width, 5.0), height), ncols=len(wanted), sharey=True, squeeze=False)
        axes = list(np.ravel(axes))
        for ax, term in zip(axes, wanted):
            hits = table[(table["term"] == term) & table["doc_id"].isin(docs)]
            x = hits["relative"] if scale == "relative" else hits["position"]
            y = hits["doc_id"].astype(str).map(row)
            ax.scatter(x, y, marker="|", s=120, linewidths=1.0, color="C0")
            for i, d in enumerate(docs):  # the strip: the document's extent
                ax.plot([0, 1 if scale == "relative" else lengths[d]], [i, i], color="0.85", lw=0.6, zorder=0)
            ax.set_title(f"{term} (n={int((table['term'] == term).sum()):,})")
            ax.set_xlabel("relative position in the document" if scale == "relative" else "token index")
            if scale == "relative":
                ax.set_xlim(-0.02, 1.02)
        axes[0].set_yticks(range(len(docs)), [labels[d] for d in docs], fontsize=7 if len(docs) > 30 else 8)
        axes[0].set_ylim(len(docs) - 0.5, -0.5)
        fig.suptitle("词语分布 Dispersion: where each term occurs along each document", fontsize=10)
        if note:
            caption(fig, note)
        return finish(fig, path)


def plot_effects(curve: pd.DataFrame, *, path: str | os.PathLike[str] | None = None) -> Figure:
    """The expected outcome along a covariate with its interval, one panel per outcome (from :func:`effect_curve`).

    Parameters
    ----------
    curve : DataFrame
        The table of :func:`corpusanalysis.effect_curve`.  A numeric covariate is drawn as a line with
        a band, a categorical one as points with error bars.  At most 12 panels (the first outcomes;
        a caption says so).
    path : str or path, optional
        Also save the PNG there.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import effect_curve, plot_effects
    >>> docs = pd.DataFrame({"tokens": [("创新",) * y + ("发展",) * (20 - y) for y in (2, 4, 6, 8, 10, 12)],
    ...                      "year": [2019, 2020, 2021, 2022, 2023, 2024]},
    ...                     index=pd.Index(list("abcdef"), name="doc_id"))
    >>> fig = plot_effects(effect_curve(docs, "~ year", "year", terms=["创新"], n_boot=50))
    >>> fig.axes[0].get_title()
    '创新'
    """
    missing = [c for c in ("outcome", "covariate", "value", "estimate", "ci_low", "ci_high") if c not in curve.columns]
    if missing:
        raise ValueError(f"plot_effects() needs the table of effect_curve(); missing columns {missing}.")
    outcomes = list(dict.fromkeys(curve["outcome"].astype(str)))
    note_parts = []
    if len(outcomes) > MAX_EFFECT_PANELS:
        note_parts.append(f"the first {MAX_EFFECT_PANELS} of {len(outcomes)} outcomes")
        outcomes = outcomes[:MAX_EFFECT_PANELS]
    attrs = curve.attrs
    covariate = str(curve["covariate"].iloc[0]) if len(curve) else ""
    numeric = pd.api.types.is_float_dtype(curve["value"])
    unit = (f"per {attrs['per']:,} tokens" if attrs.get("outcomes") == "rate" and attrs.get("per")
            else "share of the document's tokens" if attrs.get("outcomes") == "topic" else "expected value")
    held = attrs.get("held") or {}
    ci = attrs.get("ci", 0.95)
    note_parts.append(f"{ci:.0%} intervals: {attrs.get('n_boot', '?')} document bootstrap replicates"
                      + (" with topic shares drawn from the posterior" if attrs.get("outcomes") == "topic" else ""))
    if held:
        note_parts.append("held at " + ", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
                                                  for k, v in held.items()))
    if attrs.get("dropped"):
        note_parts.append(f"{len(attrs['dropped'])} document(s) without covariates left out")
    with plot_style():
        ncols = min(4, len(outcomes)) or 1
        nrows = -(-len(outcomes) // ncols) if outcomes else 1
        fig, axes = new_figure(figsize=(3.4 * ncols + 0.6, 2.7 * nrows + 1.0), nrows=nrows, ncols=ncols,
                               sharex=True, squeeze=False)
        flat = list(np.ravel(axes))
        for ax, name in zip(flat, outcomes):
            rows = curve[curve["outcome"].astype(str) == name]
            if numeric:
                x = rows["value"].to_numpy(dtype=float)
                ax.fill_between(x, rows["ci_low"], rows["ci_high"], color="C0", alpha=0.2, lw=0)
                ax.plot(x, rows["estimate"], color="C0", lw=1.6)
            else:
                x = np.arange(len(rows))
                est = rows["estimate"].to_numpy(dtype=float)
                err = np.vstack([est - rows["ci_low"].to_numpy(dtype=float),
                                 rows["ci_high"].to_numpy(dtype=float) - est])
                ax.errorbar(x, est, yerr=err, fmt="o", color="C0", capsize=3)
                ax.set_xticks(x, rows["value"].astype(str).tolist(), rotation=30 if len(rows) > 4 else 0)
            ax.set_title(name if len(name) <= 28 else name[:27] + "…", fontsize=9)
            ax.axhline(0, color="0.7", lw=0.6, zorder=0)
        for ax in flat[len(outcomes):]:
            ax.set_visible(False)
        for ax in np.ravel(axes)[-ncols:]:
            ax.set_xlabel(covariate)
        for ax in np.asarray(axes)[:, 0]:
            ax.set_ylabel(unit, fontsize=8)
        fig.suptitle(f"协变量效应 Effect of {covariate} ({attrs.get('formula', '')}), document level", fontsize=10)
        caption(fig, "; ".join(note_parts) + ".")
        return finish(fig, path)
