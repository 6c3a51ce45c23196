"""Text: cleaning, segmentation into paragraphs and sentences, the policy dictionary, tokenizing.

Imports only from :mod:`corpusanalysis.io` and the package's private helpers below it.
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
    PolicyDictionary,
    load_dictionary,
    read_quanteda_yaml,
    write_quanteda_yaml,
)
from .segment import segment, split_sentences, tokens_to_units, unit_level
from .spans import Spans
from .tokenize import KINDS, Tokenizer, load_stopwords, tokenize, tokens_table

__all__ = [
    "KINDS",
    "MOJIBAKE_MARKER",
    "REDACTION_PLACEHOLDER",
    "PolicyDictionary",
    "Spans",
    "Tokenizer",
    "clean",
    "clean_text",
    "cleaning_diff",
    "cleaning_report",
    "cleaning_rules",
    "cleaning_summary",
    "load_dictionary",
    "load_stopwords",
    "read_quanteda_yaml",
    "segment",
    "split_sentences",
    "tokenize",
    "tokens_table",
    "tokens_to_units",
    "unit_level",
    "write_quanteda_yaml",
]
