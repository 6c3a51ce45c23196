"""Analyses: themes and trends, keyness, new-term discovery, co-occurrence, concordance, topics, explorer data.

Every analysis takes a tokenized corpus, units or a :class:`~corpusanalysis.features.DocTermMatrix`
and returns a tidy DataFrame (fixed columns, deterministic order, raw counts beside every
statistic).  Imports only from :mod:`corpusanalysis.features`, :mod:`corpusanalysis.text` and
:mod:`corpusanalysis.io`.
"""

from .concordance import kwic, split_audit, term_positions
from .cooccurrence import associates, cooccurrence, cooccurrence_network, export_network
from .discover import discover_terms
from .effects import effect_curve, effects
from .explore import (
    ExploreView,
    explore_view,
    export_view,
    suggest_terms,
    term_associates,
    term_concordance,
    term_frequency,
)
from .keyness import keyness
from .themes import assign_themes, dictionary_audit, theme_scores, theme_term_rates
from .topic_selection import choose_k, select_k
from .topics import (
    TopicModel,
    align_topics,
    cluster_bootstrap,
    doc_topics,
    export_ldavis,
    topic_coherence,
    topic_prevalence,
    topic_terms,
)
from .trends import add_periods, find_time_column, first_use, period_groups, period_labels, trends

__all__ = [
    "ExploreView",
    "TopicModel",
    "add_periods",
    "align_topics",
    "assign_themes",
    "associates",
    "choose_k",
    "cluster_bootstrap",
    "cooccurrence",
    "cooccurrence_network",
    "dictionary_audit",
    "discover_terms",
    "doc_topics",
    "effect_curve",
    "effects",
    "explore_view",
    "export_ldavis",
    "export_network",
    "export_view",
    "find_time_column",
    "first_use",
    "keyness",
    "kwic",
    "period_groups",
    "period_labels",
    "select_k",
    "split_audit",
    "suggest_terms",
    "term_associates",
    "term_concordance",
    "term_frequency",
    "term_positions",
    "theme_scores",
    "theme_term_rates",
    "topic_coherence",
    "topic_prevalence",
    "topic_terms",
    "trends",
]
