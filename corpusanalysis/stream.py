"""Chunked pipeline: clean → tokenize → count, a bounded piece of the corpus at a time.

The in-memory functions (:func:`~corpusanalysis.clean`, :func:`~corpusanalysis.tokenize`,
:func:`~corpusanalysis.features.doc_term_matrix`) stay the default for small corpora.  For a
corpus larger than memory, :func:`run_pipeline` reads the source in chunks of about
``chunk_chars`` characters (files are only read when their chunk is processed), runs the same
per-document functions on every chunk, writes the tokens of each chunk to a Parquet part file
(``spill=``) instead of keeping them, and keeps only sparse term counts, which are merged at the
end into one :class:`~corpusanalysis.features.DocTermMatrix`.  Peak memory is then about one chunk
per worker plus the sparse counts.

Every step is per document, so the result does not depend on the chunking, on the number of
workers, or on the backend: ``backend="local"`` (this process, or ``workers`` processes) and
``backend="dask"`` (a :mod:`dask.distributed` cluster, see :mod:`corpusanalysis.distributed`)
give identical tokens, counts and keyness tables (tested).

A cache folder (``cache=``) keeps the output of every chunk in Parquet, keyed by the chunk's
document ids and raw-text hashes, the cleaning options and the tokenizer's settings, so a re-run
on an unchanged corpus neither cleans nor tokenizes again.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .clean import clean, cleaning_summary
from .features import NON_METADATA_COLUMNS, DocTermMatrix, _readonly
from .load import (
    _TABLE_SUFFIXES,
    CorpusLoadError,
    _check_unique,
    _is_glob,
    _metadata_problems,
    _read_metadata,
    _resolve_files,
    _table_corpus,
    corpus_summary,
    load_corpus,
)
from .themes import assign_themes
from .tokenize import Tokenizer, theme_scores

__all__ = ["PipelineResult", "count_tokens", "merge_counts", "plan_chunks", "process_chunk", "run_pipeline"]

#: Default chunk size in characters (about 6 MB of UTF-8 Chinese).
CHUNK_CHARS = 2_000_000
#: Rows read at a time from a CSV or Parquet source (then regrouped into chunks by characters).
TABLE_BATCH_ROWS = 2_000
#: Columns :func:`process_chunk` never returns (they are large and later steps do not need them).
_DROPPED = ("raw", "token_spans")


# ----------------------------------------------------------------------------- counting
def count_tokens(token_lists) -> tuple[sp.csr_matrix, tuple]:
    """Sparse counts of token sequences with their own vocabulary (code-point order).

    Parameters
    ----------
    token_lists : sequence of sequences of str

    Returns
    -------
    matrix : scipy.sparse.csr_matrix
        ``int64`` counts, one row per sequence.
    vocabulary : tuple of str
        Sorted terms (the columns).

    Examples
    --------
    >>> m, vocab = count_tokens([("创新", "科技", "创新"), ("容错纠错",)])
    >>> vocab, m.toarray().tolist()
    (('创新', '容错纠错', '科技'), [[2, 0, 1], [0, 1, 0]])
    """
    vocab = sorted({t for toks in token_lists for t in toks})
    col = {t: i for i, t in enumerate(vocab)}
    indptr = [0]
    indices: list[int] = []
    data: list[int] = []
    for toks in token_lists:
        counts: dict[int, int] = {}
        for t in toks:
            j = col[t]
            counts[j] = counts.get(j, 0) + 1
        for j in sorted(counts):
            indices.append(j)
            data.append(counts[j])
        indptr.append(len(indices))
    matrix = sp.csr_matrix((np.asarray(data, dtype=np.int64), np.asarray(indices, dtype=np.int64),
                            np.asarray(indptr, dtype=np.int64)), shape=(len(token_lists), len(vocab)))
    return matrix, tuple(vocab)


def merge_counts(parts) -> tuple[sp.csr_matrix, tuple]:
    """Stack count matrices with different vocabularies into one (rows in order, union vocabulary).

    Parameters
    ----------
    parts : sequence of (csr_matrix, vocabulary) pairs

    Examples
    --------
    >>> a = count_tokens([("创新", "科技")])
    >>> b = count_tokens([("容错纠错", "创新", "创新")])
    >>> m, vocab = merge_counts([a, b])
    >>> vocab, m.toarray().tolist()
    (('创新', '容错纠错', '科技'), [[1, 0, 1], [2, 1, 0]])
    """
    parts = list(parts)
    if not parts:
        return sp.csr_matrix((0, 0), dtype=np.int64), ()
    vocab = sorted(set().union(*[set(v) for _, v in parts]))
    col = {t: i for i, t in enumerate(vocab)}
    # Filled in place (no per-part copies, no vstack): memory is the parts plus the result.  Both
    # vocabularies are sorted, so the mapping is increasing and every row's columns stay sorted.
    n_rows = sum(m.shape[0] for m, _ in parts)
    nnz = sum(m.nnz for m, _ in parts)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    indices = np.empty(nnz, dtype=np.int64)
    data = np.empty(nnz, dtype=np.int64)
    row = at = 0
    for matrix, local in parts:
        m = matrix.tocsr()
        if not m.has_sorted_indices:
            m = m.sorted_indices()
        mapping = np.asarray([col[t] for t in local], dtype=np.int64)
        indices[at:at + m.nnz] = mapping[m.indices]
        data[at:at + m.nnz] = m.data
        indptr[row + 1:row + m.shape[0] + 1] = m.indptr[1:] + at
        row += m.shape[0]
        at += m.nnz
    merged = sp.csr_matrix((data, indices, indptr), shape=(n_rows, len(vocab)))
    merged.has_sorted_indices = True
    return merged, tuple(vocab)


def _compact(counts) -> tuple[sp.csr_matrix, tuple]:
    """A chunk's counts with 32-bit arrays (half the memory while the chunks wait to be merged)."""
    m, vocab = counts
    if m.nnz and (m.data.max() > np.iinfo(np.int32).max or m.nnz > np.iinfo(np.int32).max):
        return m, vocab
    small = sp.csr_matrix(m.shape, dtype=np.int32)
    small.data, small.indices, small.indptr = (m.data.astype(np.int32), m.indices.astype(np.int32),
                                               m.indptr.astype(np.int32))
    return small, vocab


# ----------------------------------------------------------------------------- chunks of a source
@dataclass
class _Plan:
    chunks: list            # each: list of file paths, or a DataFrame (table sources)
    metadata: pd.DataFrame | None
    metadata_name: str | None
    n_chars: int | None     # bytes of the files (an estimate of the size), characters of a table, None: not known


def plan_chunks(source, *, metadata=None, chunk_chars: int = CHUNK_CHARS, text_column: str = "text",
                encoding: str | None = None) -> _Plan:
    """Split a source into chunks of about ``chunk_chars`` characters without reading the files.

    File sources (folder, glob, list of paths) become lists of paths, read later where the chunk is
    processed; CSV and Parquet files are read lazily, a few thousand rows at a time
    (``pandas.read_csv(chunksize=)``, ``pyarrow.parquet.ParquetFile.iter_batches``), and ``chunks``
    is then a generator of DataFrames; JSONL files and DataFrames are read whole and sliced by rows.  Metadata
    (``metadata=`` or a ``metadata.csv`` beside the files) is read once and returned for merging.
    """
    kind = None
    if isinstance(source, (str, os.PathLike)) and not _is_glob(os.fspath(source)):
        kind = _TABLE_SUFFIXES.get(Path(os.fspath(source)).suffix.lower())
    if kind in ("csv", "parquet"):
        path = Path(os.fspath(source))
        if not path.is_file():
            raise CorpusLoadError(f"source={str(path)!r} does not exist.")
        meta, meta_name = _read_metadata(metadata, None if metadata is None else path.parent)
        chunks = _by_chars(_table_corpora(path, kind, text_column, encoding, meta, meta_name), chunk_chars)
        return _Plan(chunks, None, None, None)
    if kind is not None or isinstance(source, pd.DataFrame):
        corpus = source if isinstance(source, pd.DataFrame) else load_corpus(
            source, metadata=metadata, text_column=text_column, encoding=encoding)
        sizes = corpus["raw"].str.len().to_numpy()
        chunks, start, acc = [], 0, 0
        for i, n in enumerate(sizes):
            acc += int(n)
            if acc >= chunk_chars:
                chunks.append(corpus.iloc[start:i + 1])
                start, acc = i + 1, 0
        if start < len(corpus) or not chunks:
            chunks.append(corpus.iloc[start:])
        return _Plan(chunks, None, None, int(sizes.sum()))
    files, base_dir = _resolve_files(source)
    _check_unique([p.stem for p in files], "the source files")
    meta, meta_name = _read_metadata(metadata, base_dir)
    # UTF-8 Chinese is ~3 bytes per character; legacy encodings ~2.  Bytes/3 is close enough to plan.
    budget = chunk_chars * 3
    chunks, current, acc, total = [], [], 0, 0
    for path in files:
        size = path.stat().st_size
        total += size
        current.append(path)
        acc += size
        if acc >= budget:
            chunks.append(current)
            current, acc = [], 0
    if current:
        chunks.append(current)
    return _Plan(chunks, meta, meta_name, total)


def _table_batches(path: Path, kind: str, text_column: str, encoding: str | None):
    """``(rows, n_rows)`` pieces of a CSV or Parquet file, read lazily; ``n_rows`` is the table's row count
    (it sets the width of the generated ids)."""
    if kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        file = pq.ParquetFile(path)
        n_rows, start = file.metadata.num_rows, 0
        for batch in file.iter_batches(batch_size=TABLE_BATCH_ROWS):
            rows = pa.Table.from_batches([batch]).to_pandas()
            if isinstance(rows.index, pd.RangeIndex):
                rows.index = pd.RangeIndex(start, start + len(rows))
            start += len(rows)
            yield rows, n_rows
        return
    enc = encoding or "utf-8-sig"
    header = pd.read_csv(path, encoding=enc, nrows=0).columns
    # pandas infers a column's type per piece (a piece whose 'kw' is all empty reads as float); read the
    # columns other than the text first (small: per-document metadata) to fix the types of the whole file
    others = [c for c in header if c != text_column]
    dtypes = None
    n_rows = None
    if others:
        small = pd.read_csv(path, encoding=enc, usecols=others, dtype={"doc_id": str}, keep_default_na=True)
        dtypes, n_rows = small.dtypes.to_dict(), len(small)
        del small
    elif len(header):
        n_rows = sum(len(piece) for piece in pd.read_csv(path, encoding=enc, usecols=[0], chunksize=100_000))
    for rows in pd.read_csv(path, encoding=enc, dtype=dtypes or {"doc_id": str}, keep_default_na=True,
                            chunksize=TABLE_BATCH_ROWS):
        yield rows, n_rows


def _table_corpora(path: Path, kind: str, text_column: str, encoding: str | None, meta, meta_name):
    """The corpus of a CSV or Parquet file piece by piece, as :func:`load_corpus` builds it whole."""
    ids: list = []
    empty: list = []
    start = 0
    for rows, n_rows in _table_batches(path, kind, text_column, encoding):
        corpus = _table_corpus(rows, path, kind, text_column, encoding, n_rows=n_rows, start=start)
        start += len(rows)
        corpus.index = corpus.index.astype(object).rename("doc_id")
        corpus.insert(corpus.columns.get_loc("encoding") + 1, "n_chars", corpus["raw"].str.len().astype("int64"))
        corpus.insert(corpus.columns.get_loc("n_chars") + 1, "empty", corpus["raw"].str.strip().eq(""))
        ids += corpus.index.to_list()
        empty += corpus.index[corpus["empty"]].to_list()
        if meta is not None:
            _metadata_problems(corpus.index, corpus.columns, meta, meta_name, check_ids=False)
            corpus = corpus.join(meta, how="left")
            corpus["has_metadata"] = corpus.index.isin(meta.index)
        yield corpus
    if not ids:  # no rows: the (empty) corpus as load_corpus reads it
        yield load_corpus(path, metadata=meta.reset_index() if meta is not None else None, text_column=text_column,
                          encoding=encoding)
        return
    _check_unique(ids, str(path))
    if empty:
        warnings.warn(f"{len(empty)} empty or whitespace-only document(s) kept with empty=True: {empty}",
                      UserWarning, stacklevel=2)
    if meta is not None:
        for message in _metadata_problems(ids, (), meta, meta_name):
            warnings.warn(message, UserWarning, stacklevel=2)


def _by_chars(corpora, chunk_chars: int):
    """Regroup corpus pieces into chunks of about ``chunk_chars`` characters (same cuts as slicing the whole)."""
    pending: list = []
    acc = 0
    emitted = False
    for corpus in corpora:
        begin = 0
        for i, n in enumerate(corpus["raw"].str.len().to_numpy()):
            acc += int(n)
            if acc >= chunk_chars:
                pending.append(corpus.iloc[begin:i + 1])
                yield pd.concat(pending) if len(pending) > 1 else pending[0]
                emitted, pending, begin, acc = True, [], i + 1, 0
        if begin < len(corpus) or (not emitted and not pending):
            pending.append(corpus.iloc[begin:])
    if pending:
        yield pd.concat(pending) if len(pending) > 1 else pending[0]


def _load_chunk(spec, encoding) -> pd.DataFrame:
    if isinstance(spec, pd.DataFrame):
        return spec
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Metadata is merged once for the whole corpus (in _assemble), not per chunk: an empty table
        # stops load_corpus from merging a metadata.csv beside the files.
        corpus = load_corpus([Path(p) for p in spec], encoding=encoding,
                             metadata=pd.DataFrame({"doc_id": pd.Series([], dtype=str)}))
    corpus = corpus.drop(columns=["has_metadata"])
    corpus.attrs["warnings"] = [str(w.message) for w in caught if "have no row in" not in str(w.message)]
    return corpus


# ----------------------------------------------------------------------------- one chunk
def _settings_key(tokenizer: Tokenizer, rules, skip, audit: bool, keep_text: bool) -> str:
    here = Path(__file__).resolve().parent
    rules_bytes = Path(rules).read_bytes() if isinstance(rules, (str, os.PathLike)) else repr(rules).encode()
    payload = {
        "tokenizer": tokenizer.settings_key,
        "rules": hashlib.sha256(rules_bytes).hexdigest(),
        "bundled_rules": hashlib.sha256((here / "data" / "cleaning_rules.yaml").read_bytes()).hexdigest(),
        "cleaner": hashlib.sha256((here / "clean.py").read_bytes()).hexdigest(),
        "skip": sorted(skip),
        "audit": audit,
        "keep_text": keep_text,
        "format": 1,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def _chunk_key(corpus: pd.DataFrame, settings: str) -> str:
    h = hashlib.sha256(settings.encode())
    for doc_id, raw in zip(corpus.index, corpus["raw"].tolist()):
        h.update(str(doc_id).encode("utf-8", "surrogatepass") + b"\x00")
        h.update(hashlib.sha256(str(raw).encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()[:32]


def _to_parquet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "tokens" in out.columns:
        out["tokens"] = [list(t) for t in out["tokens"]]
    return out


def _from_parquet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    if "tokens" in frame.columns:
        frame["tokens"] = pd.Series([tuple(t.tolist()) for t in frame["tokens"]], index=frame.index, dtype=object)
    return frame


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    frame.to_parquet(tmp)
    os.replace(tmp, path)


def process_chunk(spec, tokenizer: Tokenizer, *, rules=None, skip=(), audit: bool = True, keep_text: bool = False,
                  cache=None, encoding: str | None = None, settings: str | None = None) -> dict:
    """Clean, tokenize and count one chunk (a list of file paths or a corpus DataFrame).

    Returns a dict with ``docs`` (one row per document: metadata, page columns, ``tokens``,
    ``n_tokens``; ``text`` only with ``keep_text``; never ``raw`` or ``token_spans``),
    ``summary`` (:func:`corpus_summary`), ``cleaning`` (:func:`cleaning_summary`, ``None`` without
    ``audit``), ``counts`` (``(csr, vocabulary)`` of :func:`count_tokens`), ``warnings`` and
    ``cached`` (True when read from the cache).  The same function runs in worker processes and on
    Dask workers.
    """
    corpus = _load_chunk(spec, encoding)
    caught = list(corpus.attrs.get("warnings", []))
    settings = settings or _settings_key(tokenizer, rules, skip, audit, keep_text)
    folder = Path(cache) if cache else None
    key = _chunk_key(corpus, settings) if folder is not None else None
    docs = cleaning = None
    if folder is not None and (folder / f"chunk-{key}-docs.parquet").is_file():
        new = _from_parquet_frame(pd.read_parquet(folder / f"chunk-{key}-docs.parquet"))
        new.index = pd.Index(new.index.astype(object), name="doc_id")
        base = corpus.drop(columns=[c for c in new.columns if c in corpus.columns])
        docs = base.join(new, how="left")
        if audit and (folder / f"chunk-{key}-cleaning.parquet").is_file():
            cleaning = pd.read_parquet(folder / f"chunk-{key}-cleaning.parquet")
            cleaning.index = pd.Index(cleaning.index.astype(object), name="doc_id")
        cached = True
    else:
        with warnings.catch_warnings(record=True) as more:
            warnings.simplefilter("always")
            cleaned = clean(corpus, rules=rules, skip=skip)
            cleaning = cleaning_summary(cleaned) if audit else None
            texts = [t if isinstance(t, str) else "" for t in cleaned["text"].tolist()]
            tokens = [tokenizer._filtered(t)[0] for t in texts]
        caught += [str(w.message) for w in more]
        docs = cleaned.copy()
        docs["tokens"] = pd.Series(tokens, index=docs.index, dtype=object)
        docs["n_tokens"] = pd.Series([len(t) for t in tokens], index=docs.index, dtype="int64")
        if not keep_text:
            docs = docs.drop(columns=["text"])
        docs = docs.drop(columns=[c for c in _DROPPED if c in docs.columns])
        if folder is not None:
            added = [c for c in docs.columns if c not in corpus.columns or c in ("title", "source_site")]
            _write_atomic(_to_parquet_frame(docs[added]), folder / f"chunk-{key}-docs.parquet")
            if cleaning is not None:
                _write_atomic(cleaning, folder / f"chunk-{key}-cleaning.parquet")
        cached = False
    docs = docs.drop(columns=[c for c in _DROPPED if c in docs.columns])
    themes = scores = None
    if tokenizer.dictionary_ is not None and tokenizer.dictionary_.themes():
        labelled = assign_themes(docs.drop(columns=["theme"], errors="ignore"), dictionary=tokenizer.dictionary_,
                                 level="document")
        themes = labelled[[c for c in labelled.columns if c not in docs.columns or c == "theme"]]
        # theme_scores() checks for the columns of a tokenized corpus; it only reads the tokens
        scores = theme_scores(docs.assign(text="", token_spans=[()] * len(docs)), dictionary=tokenizer.dictionary_)
    summary = corpus_summary(corpus)
    summary["n_tokens"] = docs["n_tokens"].reindex(summary.index).astype("int64")
    return {"docs": docs, "summary": summary, "cleaning": cleaning, "counts": _compact(count_tokens(docs["tokens"].tolist())),
            "themes": themes, "theme_scores": scores,
            "warnings": caught, "cached": cached}


# ----------------------------------------------------------------------------- the pipeline
@dataclass
class PipelineResult:
    """What :func:`run_pipeline` returns.

    Attributes
    ----------
    docs : pandas.DataFrame
        One row per document (index ``doc_id``, sorted like the source): metadata, page columns,
        ``n_tokens`` and — unless spilled — ``tokens`` (tuples of str).
    dtm : DocTermMatrix
        Document-term counts of all documents, identical to ``doc_term_matrix(docs)``.
    summary : pandas.DataFrame
        :func:`~corpusanalysis.corpus_summary` of the raw documents, plus ``n_tokens``.
    cleaning : pandas.DataFrame or None
        :func:`~corpusanalysis.cleaning_summary` (with ``audit=True``).
    theme_scores : pandas.DataFrame or None
        :func:`~corpusanalysis.theme_scores` of every document (``docs`` also has the ``theme``
        columns of :func:`~corpusanalysis.assign_themes`); ``None`` without a dictionary.
    parts : list of Path
        The Parquet files holding the tokens when ``spill`` was given (``doc_id, tokens, n_tokens``;
        also ``text`` with ``keep_text``), one per chunk, in document order.
    warnings : list of str
        Warnings raised while loading and cleaning (empty documents, missing metadata …).
    stats : dict
        Chunks, cached chunks, documents, characters, backend, workers.
    """

    docs: pd.DataFrame
    dtm: DocTermMatrix
    summary: pd.DataFrame
    cleaning: pd.DataFrame | None
    theme_scores: pd.DataFrame | None = None
    parts: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)


_WORKER: dict = {}


def _init_worker(tokenizer, options, spill=None) -> None:
    _WORKER["tokenizer"] = tokenizer
    _WORKER["options"] = options
    _WORKER["spill"] = spill


#: Columns written to the part files with ``spill=`` (``n_tokens`` is also kept in ``docs``).
_SPILLED = ("text", "tokens")


def _spill(i: int, res: dict, spill_dir) -> dict:
    """Write the large columns of a chunk (clean text, tokens) to its part file; drop them from ``docs``."""
    docs = res["docs"]
    path = Path(spill_dir) / f"tokens-{i:05d}.parquet"
    cols = [c for c in (*_SPILLED, "n_tokens") if c in docs.columns]
    _write_atomic(_to_parquet_frame(docs[cols]), path)
    return {**res, "docs": docs.drop(columns=[c for c in _SPILLED if c in docs.columns]), "part": str(path)}


def _process_spill(i: int, spec, tokenizer, options, spill_dir):
    res = process_chunk(spec, tokenizer, **options)
    return _spill(i, res, spill_dir) if spill_dir is not None else res


def _worker_process(job):
    i, spec = job
    # the worker writes the part file itself: the tokens never travel back to the main process
    return i, _process_spill(i, spec, _WORKER["tokenizer"], _WORKER["options"], _WORKER.get("spill"))


def _resolve_tokenizer(dictionary, tokenizer) -> Tokenizer:
    if tokenizer is not None:
        if not isinstance(tokenizer, Tokenizer):
            raise TypeError(f"tokenizer must be a corpusanalysis.Tokenizer; got {type(tokenizer).__name__}.")
        return tokenizer
    return Tokenizer(dictionary)


def run_pipeline(source, *, metadata=None, dictionary=None, tokenizer: Tokenizer | None = None, rules=None, skip=(),
                 audit: bool = True, keep_text: bool = False, chunk_chars: int = CHUNK_CHARS, workers: int = 1,
                 cache=None, spill=None, backend: str = "local", scheduler=None, text_column: str = "text",
                 encoding: str | None = None, progress: bool = False) -> PipelineResult:
    """Clean → tokenize → count a corpus chunk by chunk, locally or on a Dask cluster.

    Parameters
    ----------
    source : folder, glob, list of paths, table file or corpus DataFrame
        As for :func:`~corpusanalysis.load_corpus`; files are read chunk by chunk.
    metadata : path or DataFrame, optional
        As for :func:`~corpusanalysis.load_corpus` (default: ``metadata.csv`` beside the files).
    dictionary : path or PolicyDictionary, optional
        The policy dictionary (default: the bundled one).  Ignored when ``tokenizer`` is given.
    tokenizer : Tokenizer, optional
    rules, skip
        Cleaning options, as for :func:`~corpusanalysis.clean`.
    audit : bool, default True
        Also compute the cleaning summary (cleans every document a second time to replay the audit).
    keep_text : bool, default False
        Keep the clean ``text`` column in ``docs`` (needed for KWIC and sentence windows).
    chunk_chars : int, default 2,000,000
        Approximate characters per chunk.
    workers : int, default 1
        Local worker processes (``backend="local"``).
    cache : path, optional
        Folder of the per-chunk cache.
    spill : path, optional
        Folder for Parquet part files with the tokens (and the clean ``text`` with ``keep_text``),
        written by the worker that processed the chunk (with ``backend="dask"`` the folder must be
        on a file system the workers share); ``docs`` then has no ``tokens`` (or
        ``text``) column and memory stays bounded by the chunks in flight (at most two per worker)
        plus the sparse counts and the small per-document columns.
    backend : {"local", "dask"}, default "local"
    scheduler : str or distributed.Client, optional
        With ``backend="dask"``: a scheduler address (``"tcp://host:8786"``), a ``Client``, or
        ``None`` for a new local cluster.
    progress : bool, default False
        Show a tqdm progress bar over the chunks.

    Returns
    -------
    PipelineResult

    Examples
    --------
    >>> from corpusanalysis.load import _seeds_dir
    >>> result = run_pipeline(_seeds_dir(), chunk_chars=5_000, audit=False)
    >>> result.dtm.shape[0], result.stats["chunks"] > 1
    (5, True)
    """
    from tqdm.auto import tqdm

    if backend not in ("local", "dask"):
        raise ValueError(f"backend must be 'local' or 'dask'; got {backend!r}.")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int; got {workers!r}.")
    if isinstance(chunk_chars, bool) or not isinstance(chunk_chars, int) or chunk_chars < 1:
        raise ValueError(f"chunk_chars must be a positive int; got {chunk_chars!r}.")
    tok = _resolve_tokenizer(dictionary, tokenizer)
    plan = plan_chunks(source, metadata=metadata, chunk_chars=chunk_chars, text_column=text_column, encoding=encoding)
    settings = _settings_key(tok, rules, skip, audit, keep_text)
    options = dict(rules=rules, skip=tuple(skip), audit=audit, keep_text=keep_text,
                   cache=str(cache) if cache else None, encoding=encoding, settings=settings)
    spill_dir = Path(spill) if spill is not None else None
    if spill_dir is not None:
        spill_dir.mkdir(parents=True, exist_ok=True)
        for old in spill_dir.glob("tokens-*.parquet"):
            old.unlink()
    n = len(plan.chunks) if isinstance(plan.chunks, list) else None
    bar = tqdm(total=n, desc="clean+tokenize+count", unit="chunk", disable=not progress, leave=False)
    results: list = []
    parts: list[Path] = []

    def keep(i, res):
        # chunks arrive in order; only the small per-document columns and the sparse counts stay here
        if spill_dir is not None and "part" not in res:
            res = _spill(i, res, spill_dir)
        if res.get("part") is not None:
            parts.append(Path(res.pop("part")))
        results.append(res)
        bar.update(1)

    spill_arg = str(spill_dir.resolve()) if spill_dir is not None else None
    if backend == "dask":
        from .distributed import map_chunks

        for i, res in map_chunks(plan.chunks, tok, options, scheduler=scheduler, spill=spill_arg):
            keep(i, res)
    elif workers > 1 and (n is None or n > 1):
        # at most 2 chunks per worker in flight: memory is bounded by the chunk size, not the corpus size
        window = 2 * workers
        with ProcessPoolExecutor(max_workers=workers if n is None else min(workers, n), initializer=_init_worker,
                                 initargs=(tok, options, spill_arg)) as pool:
            pending: deque = deque()
            for i, spec in enumerate(plan.chunks):
                pending.append(pool.submit(_worker_process, (i, spec)))
                if len(pending) >= window:
                    keep(*pending.popleft().result())
            while pending:
                keep(*pending.popleft().result())
    else:
        for i, spec in enumerate(plan.chunks):
            keep(i, _process_spill(i, spec, tok, options, spill_arg))
    bar.close()
    return _assemble(results, plan, sorted(parts), backend, workers)


def _assemble(results, plan: _Plan, parts, backend, workers) -> PipelineResult:
    docs = pd.concat([r["docs"] for r in results])
    summary = pd.concat([r["summary"] for r in results])
    cleanings = [r["cleaning"] for r in results if r["cleaning"] is not None]
    cleaning = pd.concat(cleanings) if cleanings else None
    caught = [w for r in results for w in r["warnings"]]
    _check_unique([str(i) for i in docs.index], "the source")
    if plan.metadata is not None:
        meta = plan.metadata
        caught += _metadata_problems(docs.index, docs.columns, meta, plan.metadata_name,
                                     ignore=("title", "source_site"), limit=20)
        # metadata wins over what cleaning read off the page (as load_corpus + clean would do)
        page_filled = [c for c in ("title", "source_site") if c in meta.columns and c in docs.columns]
        docs = docs.drop(columns=page_filled).join(meta, how="left")
        docs["has_metadata"] = docs.index.isin(meta.index)
        for col in ("genre", "script", "year"):
            if col in meta.columns:
                summary[col] = meta[col].reindex(summary.index)
    labels = corpus_summary(pd.DataFrame({"raw": "", **{c: docs[c] for c in ("title", "genre") if c in docs.columns}},
                                         index=docs.index))["label"]
    summary["label"] = labels.reindex(summary.index)
    themes = [r["themes"] for r in results if r["themes"] is not None]
    if themes:
        if "theme" in docs.columns:
            raise CorpusLoadError("the corpus metadata has a 'theme' column, which the dictionary's theme labels would "
                                  "overwrite; rename it (e.g. to 'theme_metadata').")
        docs = docs.join(pd.concat(themes), how="left")
    scores = [r["theme_scores"] for r in results if r["theme_scores"] is not None]
    theme_table = pd.concat(scores, ignore_index=True) if scores else None
    matrix, vocab = merge_counts([r["counts"] for r in results])
    rows = docs.drop(columns=[c for c in NON_METADATA_COLUMNS if c in docs.columns]).copy()
    rows["n_tokens"] = rows["n_tokens"].astype("int64")
    rows.index = pd.Index([str(i) for i in docs.index], name="doc_id", dtype="string")
    dtm = DocTermMatrix(_readonly(matrix), vocab, tuple(rows.index), rows, "document", "doc_id")
    stats = {"chunks": len(results), "cached_chunks": sum(bool(r["cached"]) for r in results),
             "documents": len(docs),
             "size": plan.n_chars if plan.n_chars is not None else int(summary["n_chars"].sum()), "backend": backend, "workers": workers}
    return PipelineResult(docs, dtm, summary.sort_index(), cleaning.sort_index() if cleaning is not None else None,
                          theme_table, list(parts), caught, stats)


def iter_parts(parts) -> Iterator[pd.DataFrame]:
    """Read back the token part files of a spilled :func:`run_pipeline` one at a time."""
    for path in parts:
        frame = pd.read_parquet(path)
        frame.index = pd.Index(frame.index.astype(object), name="doc_id")
        yield _from_parquet_frame(frame)
