"""Style: deterministic figures with a bundled CJK font, never touching the caller's rcParams.

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
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._checks import describe
from ..text.dictionary import DictionarySpec, resolve_dictionary

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["CJK_FONT_FAMILY", "FIGURE_DIR_ENV", "THEME_PALETTE", "cjk_font_path", "figure_dir", "finish",
           "group_colors", "new_figure", "plot_style", "save_figure", "theme_colors"]


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


def _style_params() -> dict[RcKeyType, Any]:
    style_file = resources.files("corpusanalysis") / "data" / "plot_style.mplstyle"
    with resources.as_file(style_file) as path:
        params = matplotlib.rc_params_from_file(str(path), use_default_template=False)
    return dict(params)


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
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


#: Rows (documents, terms) a per-row figure draws one by one; past this it aggregates (top rows + "other",
#: or a histogram) and says so in a caption.
MAX_FIGURE_ROWS = 40

#: Largest figure height in inches (what a page or a notebook cell can show).
MAX_FIGURE_HEIGHT = 20.0


def caption(fig: Figure, text: str, *, width: int = 110) -> None:
    """A small note at the foot of the figure (what was selected or pooled), inside the saved image; the
    constrained layout makes room for it (it is the figure's ``supxlabel``; with a figure legend at the foot,
    it is added under the title).  Call it after the title and legends are made."""
    import textwrap

    wrapped = "\n".join(textwrap.wrap(text, width))
    if fig.legends:  # a legend below the axes takes the foot: the note goes under the title instead
        title = fig.get_suptitle()
        fig.suptitle(f"{title}\n{wrapped}" if title else wrapped, fontsize=9)
        return
    fig.supxlabel(wrapped, fontsize=8, color="0.35", ha="left", x=0.01)


def new_figure(*, figsize: tuple[float, float] = (7.0, 4.0), ax: Axes | Sequence[Axes] | None = None,
               **subplot_kw: Any) -> tuple[Figure, Any]:
    """A pyplot-free figure with one or more axes (``nrows``, ``ncols`` as in ``subplots``), or the caller's axes.

    Must be called inside :func:`plot_style` so the style applies.  With ``ax`` (one Axes, or as many
    as the figure has panels), every ``plot_*`` function draws into the caller's figure instead of a
    new one; ``figsize`` is then ignored.  The height is capped at :data:`MAX_FIGURE_HEIGHT` inches.

    Examples
    --------
    >>> with plot_style():
    ...     fig, ax = new_figure()
    >>> from matplotlib.figure import Figure
    >>> isinstance(fig, Figure), fig._repr_png_()[:4]
    (True, b'\x89PNG')
    >>> with plot_style():
    ...     same, again = new_figure(ax=ax)
    >>> same is fig and again is ax
    True
    """
    if ax is None:
        fig = _Figure(figsize=(figsize[0], min(figsize[1], MAX_FIGURE_HEIGHT)), layout="constrained")
        return fig, fig.subplots(**subplot_kw)
    nrows, ncols = subplot_kw.get("nrows", 1), subplot_kw.get("ncols", 1)
    flat = list(np.ravel(np.asarray(ax, dtype=object)))
    if len(flat) != nrows * ncols or not all(isinstance(a, Axes) for a in flat):
        want = "one matplotlib Axes" if nrows * ncols == 1 else f"{nrows * ncols} matplotlib Axes ({nrows} × {ncols})"
        raise ValueError(f"ax must be {want} for this figure; got {describe(ax)}. Pass ax=None for a new figure.")
    fig = flat[0].figure
    for a in flat:
        # texts the caller's axes already have were made outside plot_style(): give them the CJK font
        a.xaxis.reset_ticks()
        a.yaxis.reset_ticks()
        for text in (a.title, a._left_title, a._right_title, a.xaxis.label, a.yaxis.label):
            text.set_fontfamily(matplotlib.rcParams["font.family"])
    grid = np.empty((nrows, ncols), dtype=object)
    grid.ravel()[:] = flat
    if subplot_kw.get("squeeze", True):
        if nrows * ncols == 1:
            return fig, flat[0]
        if nrows == 1 or ncols == 1:
            return fig, grid.ravel()
    return fig, grid


def figure_dir(default: str | os.PathLike[str] = "../figures") -> Path:
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


def save_figure(fig: Figure, path: str | os.PathLike[str]) -> Path:
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


def finish(fig: Figure, path: str | os.PathLike[str] | None) -> Figure:
    # Create ticks and text layout while the style is active, so that a figure
    # displayed later (e.g. by Jupyter, outside the context) keeps the CJK font.
    fig.draw_without_rendering()
    if path is not None:
        save_figure(fig, path)
    return fig


# ----------------------------------------------------------------------------- colours
#: The mission themes' colours (indices into seaborn's "deep" palette), the same in every figure.
THEME_PALETTE = {"新质生产力": 0, "创新型县": 2, "容错纠错": 3, "general": 7}


def theme_colors(dictionary: DictionarySpec = None) -> dict[str, tuple[float, float, float]]:
    """The colour of every theme of ``dictionary``, of ``"general"`` and of ``""`` (no theme: grey).

    The bundled themes keep their colours (:data:`THEME_PALETTE`) in every figure; the themes of
    another dictionary take the remaining colours of seaborn's "deep" palette in sorted order.

    Examples
    --------
    >>> colors = theme_colors()
    >>> sorted(colors)
    ['', 'general', '创新型县', '容错纠错', '新质生产力']
    """
    import seaborn as sns

    deep = sns.color_palette("deep", n_colors=10)
    d = resolve_dictionary(dictionary, where="theme colours")
    themes = list(d.themes()) if d is not None else []
    out = {theme: deep[i] for theme, i in THEME_PALETTE.items() if theme in themes or theme == "general"}
    free = [c for i, c in enumerate(deep) if i not in THEME_PALETTE.values()]
    others = [t for t in themes if t not in out]
    out.update(zip(others, free * (len(others) // len(free) + 1)))
    return {**out, "": (0.6, 0.6, 0.6)}


def group_colors(groups: Sequence[str],
                 dictionary: DictionarySpec = None) -> dict[str, tuple[float, float, float] | None]:
    """Stable colours for groups: themes get their theme colour (:func:`theme_colors`), other groups other shades.

    Examples
    --------
    >>> colors = group_colors(["新质生产力", "讲话", "党课"])
    >>> colors["新质生产力"] == theme_colors()["新质生产力"], colors["讲话"] != colors["党课"]
    (True, True)
    >>> decades = [f"{y}–{y + 9}" for y in range(1950, 2030, 10)]
    >>> len(set(group_colors(decades).values())) == len(decades)
    True
    """
    import seaborn as sns

    fixed = {k: v for k, v in theme_colors(dictionary).items() if k}
    deep = sns.color_palette("deep", n_colors=10)
    used = set(fixed.values())
    free = [c for c in deep if c not in used]
    others = [g for g in groups if g not in fixed]
    if len(others) > len(free):  # more groups than free shades: distinct hues for all, never a repeated colour
        free = [c for c in sns.color_palette("husl", n_colors=len(others) + len(used)) if c not in used]
    extra = dict(zip(others, free))
    return {g: fixed.get(g, extra.get(g)) for g in groups}
