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
from importlib import resources
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

__all__ = ["CJK_FONT_FAMILY", "FIGURE_DIR_ENV", "THEME_PALETTE", "cjk_font_path", "figure_dir", "finish", "group_colors",
           "new_figure", "plot_style", "save_figure", "theme_colors"]


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


def finish(fig: Figure, path) -> Figure:
    # Create ticks and text layout while the style is active, so that a figure
    # displayed later (e.g. by Jupyter, outside the context) keeps the CJK font.
    fig.draw_without_rendering()
    if path is not None:
        save_figure(fig, path)
    return fig


# ----------------------------------------------------------------------------- colours
#: The mission themes' colours (indices into seaborn's "deep" palette), the same in every figure.
THEME_PALETTE = {"新质生产力": 0, "创新型县": 2, "容错纠错": 3, "general": 7}


def theme_colors() -> dict:
    """The colour of every mission theme, ``"general"`` and ``""`` (no theme: grey)."""
    import seaborn as sns

    deep = sns.color_palette("deep", n_colors=10)
    return {**{theme: deep[i] for theme, i in THEME_PALETTE.items()}, "": (0.6, 0.6, 0.6)}


def group_colors(groups) -> dict:
    """Stable colours: the three mission themes always get the same colour, other groups other shades."""
    import seaborn as sns

    deep = sns.color_palette("deep", n_colors=10)
    fixed = {theme: deep[i] for theme, i in THEME_PALETTE.items()}
    others = [g for g in groups if g not in fixed]
    free = [c for i, c in enumerate(deep) if i not in THEME_PALETTE.values()]
    extra = dict(zip(others, free * (len(others) // len(free) + 1)))
    return {g: fixed.get(g, extra.get(g)) for g in groups}
