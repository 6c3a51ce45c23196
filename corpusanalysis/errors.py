"""Typed exceptions and warnings of corpusanalysis.

Code branches on the type of an error, never on the text of its message.  Every error is also a
built-in type (``ValueError``, ``UserWarning``), so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = ["CacheWarning", "CleaningWarning", "CorpusLoadError", "DictionaryError", "DictionaryWarning",
           "EmptyResultError", "MetadataWarning", "TextColumnWarning"]


class CacheWarning(UserWarning):
    """Warned when a cache entry is not used (its bytes do not match the checksum beside it, or it cannot be read)
    and is recomputed; the message names the entry."""


class CleaningWarning(UserWarning):
    """Warned when cleaning leaves a document that had text with none: the message names the documents and the
    rules that removed their text (often a page that was only site furniture, or a rule that matched too much)."""


class CorpusLoadError(ValueError):
    """Raised when a source cannot be loaded without losing data."""


class DictionaryError(ValueError):
    """Raised when a dictionary file or mapping is malformed.

    The message names the file (or ``<dict>``), the entry (index and term), what was
    expected and what was received.
    """


class DictionaryWarning(UserWarning):
    """Warned when an import keeps something that cannot be used exactly (glob patterns,
    values listed under several keys)."""


class EmptyResultError(ValueError):
    """Raised when a step has nothing to return (no pair co-occurs, no match, nothing passes the filters).

    Callers that can live with an empty result (the explorer, the report) catch this type.
    """


class MetadataWarning(UserWarning):
    """Warned when documents and metadata rows do not match one to one (rows without a document,
    documents without a row)."""


class TextColumnWarning(UserWarning):
    """Warned when the text column of a table source was detected by its name (``Text``, ``content``,
    ``正文`` …) rather than given as ``text_column=``: says which column was read."""
