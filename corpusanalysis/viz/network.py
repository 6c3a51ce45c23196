"""Figures of co-occurrence: networks with communities, ego networks, association heatmaps."""

from __future__ import annotations

import os
from collections.abc import Hashable, Sequence
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from .style import finish, new_figure, plot_style, theme_colors

__all__ = ["plot_association_heatmap", "plot_ego_networks", "plot_network"]

from .._checks import renamed
from ..text.dictionary import DictionarySpec, resolve_dictionary


def _net_label_size(label: str, fontsize: float) -> tuple[float, float]:
    """Approximate (width, height) of a label in inches: CJK characters are 1 em wide, others 0.6 em."""
    em = fontsize / 72.0
    width = sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in label) * em
    return width, 1.25 * em


def _net_place_labels(ax: Axes, pos: dict[Hashable, tuple[float, float]], order: Sequence[Hashable],
                      sizes_in: tuple[float, float], *, fontsize: float, always: int,
                      node_radius: dict[Hashable, float]) -> list[Text]:
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


def _net_layout(G: Any, seed: int, panel_in: tuple[float, float]) -> dict[Hashable, tuple[float, float]]:
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


def _net_draw(ax: Axes, G: Any, *, title: str, label_top: int | None, seed: int, panel_in: tuple[float, float]
              ) -> None:
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
    order = sorted(G.nodes, key=lambda v: (-G.nodes[v].get("frequency", 0), v))
    every = label_top is None or label_top >= len(order)
    order = order[:label_top] if label_top is not None else order
    # marker area s is in points^2: radius in inches = sqrt(s) / 2 / 72
    radius = {v: float(np.sqrt(s)) / 2 / 72 for v, s in zip(G.nodes, sizes)}
    fontsize = 9 if len(order) <= 40 else 8 if len(order) <= 70 else 7
    # every drawn node labelled (by default): a label that finds no free slot is drawn on its node anyway
    _net_place_labels(ax, pos, order, panel_in, fontsize=fontsize, always=len(order) if every else min(8, len(order)),
                      node_radius=radius)
    first: dict[Any, Hashable] = {}
    for v in sorted(G.nodes, key=lambda v: (-G.nodes[v].get("frequency", 0), v)):
        first.setdefault(G.nodes[v].get("community", 0), G.nodes[v].get("community_name", v))
    handles = [matplotlib.lines.Line2D([], [], ls="", marker="o", ms=7, color=col, label=f"{first[c]} …")
               for c, col in coloured.items()]
    if len(coloured) < len(comm_sizes):
        handles.append(matplotlib.lines.Line2D([], [], ls="", marker="o", ms=7, color=grey, label="smaller groups"))
    ax.legend(handles=handles, title="社区 community", loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
              title_fontsize=8, frameon=False, borderaxespad=0)


@renamed(label_top="n", seed="random_state")
def plot_network(graphs: Any, *, n: int | None = None, random_state: int = 7, ncols: int | None = None,
                 title: str | None = None, ax: Axes | Sequence[Axes] | None = None,
                 path: str | os.PathLike[str] | None = None) -> Figure:
    """Co-occurrence network(s): deterministic layout, size by frequency, colour by community.

    Nodes are drawn with an area proportional to the square root of their ``frequency``
    (contexts containing the term), coloured by Louvain ``community`` (legend: the community's
    ``community_name``, its most central term; function words are not nodes by default, see
    :func:`~corpusanalysis.cooccurrence.cooccurrence_network`); dictionary theme terms get a dark
    ring.  Edge width is proportional to the edge ``weight`` (G² by default).  Labels: every node
    (or the ``n`` most frequent), placed greedily on, above, below, right or left of their node
    where they do not overlap a label already placed, else on the node.

    Parameters
    ----------
    graphs : networkx.Graph or dict of str to networkx.Graph
        One network (from :func:`corpusanalysis.cooccurrence.cooccurrence_network`) or several,
        drawn side by side with the keys as panel titles (e.g. one per theme).
    n : int, optional
        Label only the ``n`` most frequent nodes per panel (the eight most frequent always, the
        others where they fit); default: every node.
    random_state : int, default 7
        Seed of :func:`networkx.spring_layout`, used for components of more than 200 terms;
        smaller components get :func:`networkx.kamada_kawai_layout`.  Each connected component
        is laid out on its own and the components are packed row by row, largest first.
    ncols : int, optional
        Panels per row (default: 1, one network under the other).
    title : str, optional
        Figure title.
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
    >>> from corpusanalysis import cooccurrence, cooccurrence_network
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
    n_panels = len(graphs)
    ncols = ncols or 1
    nrows = -(-n_panels // ncols)
    panel = (8.0, 5.6)
    with plot_style():
        fig, axes = new_figure(ax=ax, figsize=(panel[0] * ncols + 1.6 * ncols, panel[1] * nrows + 0.6), nrows=nrows,
                               ncols=ncols, squeeze=False)
        for k, plot_ax in enumerate(axes.ravel()):
            if k >= n_panels:
                plot_ax.set_axis_off()
                continue
            name, G = list(graphs.items())[k]
            size = f"({G.number_of_nodes()} terms, {G.number_of_edges()} edges)"
            head = f"{name or '共现网络 Co-occurrence network'} {size}"
            _net_draw(plot_ax, G, title=head, label_top=n, seed=random_state, panel_in=panel)
        if title:
            fig.suptitle(title)
        return finish(fig, path)


def plot_ego_networks(assoc: pd.DataFrame, *, terms: Sequence[str] | None = None, n: int = 12, value: str = "g2",
                      group: str | None = None, cooc: pd.DataFrame | None = None, dictionary: DictionarySpec = None,
                      ax: Axes | Sequence[Axes] | None = None, path: str | os.PathLike[str] | None = None) -> Figure:
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
    dictionary : None, False, PolicyDictionary or path
        Where the terms' themes (dot colours) come from (see
        :func:`~corpusanalysis.text.dictionary.resolve_dictionary`).
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
    >>> from corpusanalysis import cooccurrence, associates
    >>> rows = [["新质生产力", "科技创新", "未来产业"]] * 3 + [["容错纠错", "干部", "担当"]] * 3
    >>> table = cooccurrence(rows, window="document")
    >>> fig = plot_ego_networks(associates(table, ["新质生产力", "容错纠错"], alpha=None), cooc=table)
    >>> [ax.get_title() for ax in fig.axes]
    ['新质生产力', '容错纠错']
    """
    import numpy as np
    from matplotlib import patheffects

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
    d = resolve_dictionary(dictionary, where="plot_ego_networks()")
    term_theme = {t: themes[0] for t, themes in d.term_themes().items()} if d is not None else {}
    colors = theme_colors(dictionary)
    with plot_style():
        fig, axes = new_figure(ax=ax, figsize=(4.9 * len(terms), 5.0), ncols=len(terms), squeeze=False)
        for plot_ax, term in zip(axes.ravel(), terms):
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
                    plot_ax.plot([pts[a][0], pts[b][0]], [pts[a][1], pts[b][1]], color="0.8", lw=0.6, zorder=1)
            for (_, (x, y)), v in zip(pts.items(), vals):
                plot_ax.plot([0, x], [0, y], color="0.45", lw=0.6 + 4.4 * v / vmax, alpha=0.6, zorder=2,
                             solid_capstyle="round")
            freq = rows["n_associate"].to_numpy(dtype=float) if "n_associate" in rows.columns else np.ones(k)
            fmax = freq.max() if len(freq) and freq.max() > 0 else 1.0
            plot_ax.scatter([p[0] for p in pts.values()], [p[1] for p in pts.values()],
                            s=40 + 360 * np.sqrt(freq / fmax), zorder=3, edgecolors="white", linewidths=0.8,
                            c=[colors.get(term_theme.get(a, ""), colors[""]) for a in pts])
            plot_ax.scatter([0], [0], s=900, c=[colors.get(term_theme.get(term, ""), colors[""])], zorder=4,
                            edgecolors="0.1", linewidths=1.4)
            plot_ax.text(0, -0.17, term, ha="center", va="top", fontsize=11, zorder=6,
                         bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": "0.6", "lw": 0.6})
            for (a, (x, y)), (_, row) in zip(pts.items(), rows.iterrows()):
                ha = "left" if x > 0.2 else "right" if x < -0.2 else "center"
                va = "bottom" if y > 0.2 else "top" if y < -0.2 else "center"
                plot_ax.text(1.14 * x, 1.14 * y, f"{a} ({int(row['n_ab'])})", ha=ha, va=va, fontsize=9, zorder=6,
                             path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
            plot_ax.set_xlim(-1.75, 1.75)
            plot_ax.set_ylim(-1.5, 1.5)
            plot_ax.set_aspect("equal")
            plot_ax.set_axis_off()
            plot_ax.set_title(term, fontsize=12)
        window = assoc.attrs.get("associates", {}).get("window", "")
        fig.suptitle(f"共现自我网络 Ego networks: top {n} associates by {value}"
                     + (f" (context: {window})" if window != "" else "")
                     + " — label: associate (contexts together)", fontsize=11)
        return finish(fig, path)


@renamed(per_theme="n")
def plot_association_heatmap(cooc: pd.DataFrame, terms: Sequence[str] | dict[str, Sequence[str]] | None = None, *,
                             n: int = 6, value: str = "npmi", group: str | None = None,
                             dictionary: DictionarySpec = None,
                             ax: Axes | Sequence[Axes] | None = None,
                             path: str | os.PathLike[str] | None = None) -> Figure:
    """Heatmap of the association between key terms, blocks by theme, co-occurrence counts written in.

    Parameters
    ----------
    cooc : pandas.DataFrame
        The table of :func:`corpusanalysis.cooccurrence.cooccurrence` (``min_count=1`` shows every
        observed pair).
    terms : list of str or dict of str to list of str, optional
        The terms (rows = columns), or ``{theme: [terms]}`` for blocks.  Default: for each mission
        theme of the dictionary, the term naming it (新质生产力, 创新型县, 容错纠错) and its most
        frequent other terms in the table, ``n`` in all (a term in two themes goes to the
        first).
    n : int, default 6
    value : str, default "npmi"
        Colour (diverging around 0; NPMI is in [-1, 1]).
    group : str, optional
        Required when the table has several groups.
    dictionary : None, PolicyDictionary or path
        Where the themes and their terms come from (default: the bundled dictionary).
    ax : matplotlib Axes, optional
        Draw into this Axes (for a figure of several panels: a sequence of as many Axes) instead of a new
        figure.
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
    >>> from corpusanalysis import cooccurrence
    >>> rows = [["新质生产力", "科技创新", "未来产业"]] * 3 + [["容错纠错", "干部", "担当"]] * 3
    >>> fig = plot_association_heatmap(cooccurrence(rows, window="document", min_count=1),
    ...                                {"新质生产力": ["新质生产力", "未来产业"], "容错纠错": ["容错纠错", "担当"]})
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['新质生产力 (3)', '未来产业 (3)', '容错纠错 (3)', '担当 (3)']
    """
    import numpy as np
    import seaborn as sns

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
        d = resolve_dictionary(dictionary, required=True, where="plot_association_heatmap()")
        for theme, family in d.themes().items():
            present = sorted((t for t in family if t in freq and t not in used), key=lambda t: (-freq[t], t))
            if theme in present:  # the term naming the theme always leads its block
                present = [theme] + [t for t in present if t != theme]
            blocks[theme] = present[:n]
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
    colors = theme_colors(dictionary)
    lim = np.nanmax(np.abs(vals)) if np.isfinite(vals).any() else 1.0
    with plot_style():
        fig, plot_ax = new_figure(ax=ax, figsize=(0.55 * m + 3.4, 0.5 * m + 2.0))
        sns.heatmap(vals, ax=plot_ax, mask=np.isnan(vals), cmap="vlag", vmin=-lim, vmax=lim,
                    annot=annot, fmt="", annot_kws={"fontsize": 8}, linewidths=0.5, linecolor="white",
                    xticklabels=labels, yticklabels=labels, square=True,
                    cbar_kws={"label": value.upper() if value in ("npmi", "pmi") else value, "shrink": 0.7})
        plot_ax.set_facecolor("#f4f4f4")
        plot_ax.grid(False)
        for tick in (*plot_ax.get_xticklabels(), *plot_ax.get_yticklabels()):
            term = tick.get_text().rsplit(" (", 1)[0]
            tick.set_color(colors.get(theme_of.get(term, ""), "0.2") if theme_of.get(term) else "0.2")
        plot_ax.tick_params(axis="x", rotation=90)
        plot_ax.tick_params(axis="y", rotation=0)
        edge = 0
        for block in list(blocks.values())[:-1]:
            edge += len(block)
            plot_ax.axhline(edge, color="0.3", lw=1.2)
            plot_ax.axvline(edge, color="0.3", lw=1.2)
        plot_ax.set_title(f"关键词关联 Association between the themes' key terms ({value.upper()}; "
                          "numbers: contexts together)", fontsize=11)
        return finish(fig, path)
