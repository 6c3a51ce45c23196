"""Input: decode files, resolve sources (folders, globs, lists, tables), load corpora whole or in chunks.

The bottom layer of the package: it imports nothing of corpusanalysis but :mod:`corpusanalysis.errors`.
"""

from .corpus import corpus_summary, load_corpus, load_gov_reports, load_seeds, plan_chunks
from .decode import decode_bytes

__all__ = ["corpus_summary", "decode_bytes", "load_corpus", "load_gov_reports", "load_seeds", "plan_chunks"]
