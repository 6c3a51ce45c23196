"""Input: decode files, resolve sources (folders, globs, lists, tables), load corpora whole or in chunks.

The bottom layer of the package: it imports nothing of corpusanalysis but :mod:`corpusanalysis.errors`.
"""

from .corpus import CHUNK_CHARS, ChunkPlan, corpus_summary, load_chunk, load_corpus, load_seeds, plan_chunks
from .decode import decode_bytes

__all__ = ["CHUNK_CHARS", "ChunkPlan", "corpus_summary", "decode_bytes", "load_chunk", "load_corpus", "load_seeds",
           "plan_chunks"]
