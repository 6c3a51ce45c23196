"""corpusanalysis: computational analysis of Chinese policy texts.

The pipeline, one module per stage: :mod:`~corpusanalysis.load` (files → corpus
DataFrame), :mod:`~corpusanalysis.clean`, :mod:`~corpusanalysis.segment`,
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
from .load import CorpusLoadError, corpus_summary, decode_bytes, load_corpus, load_seeds
from .segment import segment, split_sentences
from .plots import (
    cjk_font_path,
    figure_dir,
    new_figure,
    plot_cleaning_removals,
    plot_document_lengths,
    plot_style,
    save_figure,
)

__version__ = "0.1.0"

__all__ = [
    "MOJIBAKE_MARKER",
    "REDACTION_PLACEHOLDER",
    "clean",
    "clean_text",
    "cleaning_diff",
    "cleaning_report",
    "cleaning_rules",
    "cleaning_summary",
    "CorpusLoadError",
    "cjk_font_path",
    "corpus_summary",
    "decode_bytes",
    "figure_dir",
    "load_corpus",
    "load_seeds",
    "new_figure",
    "plot_cleaning_removals",
    "plot_document_lengths",
    "plot_style",
    "save_figure",
    "segment",
    "split_sentences",
]
