"""corpusanalysis: computational analysis of Chinese policy texts.

The pipeline, one module per stage: :mod:`~corpusanalysis.load` (files → corpus
DataFrame), :mod:`~corpusanalysis.clean`, :mod:`~corpusanalysis.segment`,
:mod:`~corpusanalysis.dictionary`, :mod:`~corpusanalysis.tokenize`,
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
from .dictionary import (
    DictionaryError,
    DictionaryWarning,
    PolicyDictionary,
    load_dictionary,
    read_quanteda_yaml,
    write_quanteda_yaml,
)
from .discover import discover_terms
from .load import CorpusLoadError, corpus_summary, decode_bytes, load_corpus, load_seeds
from .segment import segment, split_sentences
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
    plot_document_lengths,
    plot_style,
    plot_theme_heatmap,
    save_figure,
)

__version__ = "0.1.0"

__all__ = [
    "CorpusLoadError",
    "DictionaryError",
    "DictionaryWarning",
    "KINDS",
    "MOJIBAKE_MARKER",
    "PolicyDictionary",
    "REDACTION_PLACEHOLDER",
    "Tokenizer",
    "cjk_font_path",
    "clean",
    "clean_text",
    "cleaning_diff",
    "cleaning_report",
    "cleaning_rules",
    "cleaning_summary",
    "corpus_summary",
    "decode_bytes",
    "dictionary_audit",
    "discover_terms",
    "figure_dir",
    "load_corpus",
    "load_dictionary",
    "load_seeds",
    "load_stopwords",
    "new_figure",
    "plot_cleaning_removals",
    "plot_document_lengths",
    "plot_style",
    "plot_theme_heatmap",
    "read_quanteda_yaml",
    "save_figure",
    "segment",
    "split_sentences",
    "theme_scores",
    "tokenize",
    "tokens_table",
    "write_quanteda_yaml",
]
