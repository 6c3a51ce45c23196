"""Figures: every ``plot_*`` function, the shared style (bundled CJK font) and the explorer widget.

Imports only from the layers below (analysis, features, text, io); nothing below imports from here.
"""

from .corpus import plot_cleaning_removals, plot_document_lengths, plot_trends
from .effects import plot_dispersion, plot_effects
from .explorer import Explorer, explore
from .network import plot_association_heatmap, plot_ego_networks, plot_network
from .style import cjk_font_path, figure_dir, new_figure, plot_style, save_figure
from .terms import (
    plot_keyness,
    plot_tfidf_heatmap,
    plot_theme_heatmap,
    plot_theme_term_frequencies,
)
from .topics import plot_k_selection, plot_topic_prevalence, plot_topics

__all__ = [
    "Explorer",
    "cjk_font_path",
    "explore",
    "figure_dir",
    "new_figure",
    "plot_association_heatmap",
    "plot_cleaning_removals",
    "plot_dispersion",
    "plot_document_lengths",
    "plot_effects",
    "plot_ego_networks",
    "plot_k_selection",
    "plot_keyness",
    "plot_network",
    "plot_style",
    "plot_tfidf_heatmap",
    "plot_theme_heatmap",
    "plot_theme_term_frequencies",
    "plot_topic_prevalence",
    "plot_topics",
    "plot_trends",
    "save_figure",
]
