"""corpusanalysis: computational analysis of Chinese policy texts.

The pipeline, one module per stage: :mod:`~corpusanalysis.load` (files → corpus
DataFrame), :mod:`~corpusanalysis.clean`, :mod:`~corpusanalysis.segment`,
:mod:`~corpusanalysis.dictionary`, :mod:`~corpusanalysis.tokenize`,
:mod:`~corpusanalysis.features`, :mod:`~corpusanalysis.themes`, :mod:`~corpusanalysis.keyness`,
:mod:`~corpusanalysis.topics`, :mod:`~corpusanalysis.cooccurrence`,
:mod:`~corpusanalysis.plots`.  Everything public is re-exported here.
"""

from .clean import (
    MOJIBAKE_MARKER,
    REDACTION_PLACEHOLDER,
    clean,
    clean_text,
    cleaning_diff,
    cleaning_report,
    cleaning_rules,
    cleaning_summary,
)
from .cooccurrence import associates, cooccurrence, cooccurrence_network, export_network, kwic
from .dictionary import (
    DictionaryError,
    DictionaryWarning,
    PolicyDictionary,
    load_dictionary,
    read_quanteda_yaml,
    write_quanteda_yaml,
)
from .discover import discover_terms
from .features import DocTermMatrix, WeightedMatrix, doc_term_matrix, tfidf, top_terms
from .keyness import keyness
from .load import CorpusLoadError, corpus_summary, decode_bytes, load_corpus, load_seeds
from .segment import segment, split_sentences
from .themes import assign_themes, theme_term_rates
from .tokenize import (
    KINDS,
    Tokenizer,
    dictionary_audit,
    load_stopwords,
    theme_scores,
    tokenize,
    tokens_table,
)
from .plots import (
    cjk_font_path,
    figure_dir,
    new_figure,
    plot_cleaning_removals,
    plot_association_heatmap,
    plot_document_lengths,
    plot_ego_networks,
    plot_keyness,
    plot_network,
    plot_style,
    plot_theme_heatmap,
    plot_theme_term_frequencies,
    plot_tfidf_heatmap,
    save_figure,
)

__version__ = "0.1.0"

__all__ = [
    "CorpusLoadError",
    "DictionaryError",
    "DictionaryWarning",
    "DocTermMatrix",
    "KINDS",
    "MOJIBAKE_MARKER",
    "PolicyDictionary",
    "REDACTION_PLACEHOLDER",
    "Tokenizer",
    "WeightedMatrix",
    "assign_themes",
    "associates",
    "cjk_font_path",
    "clean",
    "clean_text",
    "cleaning_diff",
    "cleaning_report",
    "cleaning_rules",
    "cleaning_summary",
    "cooccurrence",
    "cooccurrence_network",
    "corpus_summary",
    "decode_bytes",
    "dictionary_audit",
    "discover_terms",
    "doc_term_matrix",
    "export_network",
    "figure_dir",
    "keyness",
    "kwic",
    "load_corpus",
    "load_dictionary",
    "load_seeds",
    "load_stopwords",
    "new_figure",
    "plot_association_heatmap",
    "plot_cleaning_removals",
    "plot_document_lengths",
    "plot_ego_networks",
    "plot_keyness",
    "plot_network",
    "plot_style",
    "plot_tfidf_heatmap",
    "plot_theme_heatmap",
    "plot_theme_term_frequencies",
    "read_quanteda_yaml",
    "save_figure",
    "segment",
    "split_sentences",
    "tfidf",
    "theme_scores",
    "theme_term_rates",
    "tokenize",
    "tokens_table",
    "top_terms",
    "write_quanteda_yaml",
]
