"""Loading: files, folders, globs and tables into a corpus DataFrame, whole or chunk by chunk.

A corpus is a :class:`pandas.DataFrame` with one row per document, a unique
string index named ``doc_id`` and a ``raw`` column holding the decoded text
exactly as it was read (line endings normalised to ``\\n``).  No later step
modifies ``raw``; cleaning and tokenizing add columns.

:func:`load_corpus` reads a source whole; :func:`plan_chunks` splits it into chunks of about
``chunk_chars`` characters without reading the files (the chunked pipeline reads each chunk where
it is processed, with :func:`load_chunk`).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._checks import user_stacklevel
from ..errors import CorpusLoadError, MetadataWarning
from .decode import decode_bytes
from .sources import (
    TABLE_SUFFIXES,
    FileSource,
    MetadataSpec,
    TableKind,
    check_unique,
    is_glob,
    metadata_problems,
    read_metadata,
    read_table,
    resolve_files,
    seeds_dir,
    table_batches,
    table_corpus,
)

__all__ = ["CHUNK_CHARS", "ChunkPlan", "corpus_summary", "load_chunk", "load_corpus", "load_seeds", "plan_chunks"]


def _table_source(source: object) -> tuple[Path, TableKind] | None:
    """The path and format of a source that is one table file (by its suffix); None for other sources."""
    if isinstance(source, (str, os.PathLike)) and not is_glob(os.fspath(source)):
        path = Path(os.fspath(source))
        kind = TABLE_SUFFIXES.get(path.suffix.lower())
        if kind is not None:
            return path, kind
    return None


def load_corpus(
    source: FileSource,
    *,
    metadata: MetadataSpec = None,
    text_column: str = "text",
    encoding: str | None = None,
) -> pd.DataFrame:
    """Load documents into a corpus DataFrame.

    Parameters
    ----------
    source : str, path, list of paths
        A folder (its ``.txt``/``.text`` files), a glob (``"data/*.txt"``),
        a list of file paths, one text file, or a table (``.csv``, ``.jsonl``,
        ``.parquet``) with one document per row.
    metadata : str, path or DataFrame, optional
        Document metadata with a ``doc_id`` column (or a ``file`` column whose
        file stems are the ids), merged by ``doc_id``.  When omitted, a
        ``metadata.csv`` in the folder of the files is used if present.
    text_column : str, default "text"
        For table sources, the column holding the document text.  Its other
        columns become metadata; a ``doc_id`` column becomes the index,
        otherwise ids are ``<table stem>-<row number>``.
    encoding : str, optional
        Force one encoding; by default it is detected per document (UTF-8 with
        or without BOM, UTF-16/32 with BOM, GB18030/GBK, Big5).

    Returns
    -------
    pandas.DataFrame
        One row per document, index ``doc_id`` (str, unique, sorted by file
        name for file sources), columns ``raw`` (decoded text, line endings
        ``\\n``; never modified by later steps), ``path``, ``encoding``,
        ``n_chars``, ``empty`` (True for empty or whitespace-only documents,
        which are kept and reported in one warning), then the metadata
        columns, and ``has_metadata`` when metadata was merged.

    Raises
    ------
    CorpusLoadError
        For undecodable or binary files (naming the file and byte offset),
        duplicate ``doc_id`` values, missing sources or columns.

    Warns
    -----
    UserWarning
        Listing empty documents, documents without metadata and metadata
        rows without a document.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("加快形成新质生产力", encoding="utf-8")
    >>> _ = (folder / "b.txt").write_bytes("建设创新型县".encode("gbk"))
    >>> corpus = load_corpus(folder)
    >>> corpus[["raw", "encoding", "n_chars"]]
                  raw encoding  n_chars
    doc_id
    a       加快形成新质生产力    utf-8        9
    b          建设创新型县  gb18030        6
    """
    table = _table_source(source)
    if table is not None:
        path, kind = table
        if not path.is_file():
            raise CorpusLoadError(f"source={str(path)!r} does not exist.")
        corpus = read_table(path, kind, text_column, encoding)
        check_unique(corpus.index.to_list(), str(path))
        base_dir = None if metadata is None else path.parent
    else:
        files, base_dir = resolve_files(source)
        ids = [p.stem for p in files]
        check_unique(ids, "the source files")
        rows: list[tuple[str, str, str]] = []
        for path in files:
            text, used = decode_bytes(path.read_bytes(), name=str(path), encoding=encoding)
            rows.append((text, str(path), used))
        corpus = pd.DataFrame(rows, columns=["raw", "path", "encoding"], index=pd.Index(ids, name="doc_id"))
    corpus.index = corpus.index.astype(object).rename("doc_id")
    corpus.insert(corpus.columns.get_loc("encoding") + 1, "n_chars", corpus["raw"].str.len().astype("int64"))
    corpus.insert(corpus.columns.get_loc("n_chars") + 1, "empty", corpus["raw"].str.strip().eq(""))

    empty = corpus.index[corpus["empty"]].to_list()
    if empty:
        warnings.warn(
            f"{len(empty)} empty or whitespace-only document(s) kept with empty=True: {empty}",
            UserWarning,
            stacklevel=user_stacklevel(),
        )

    meta, meta_name = read_metadata(metadata, base_dir)
    if meta is not None:
        for message in metadata_problems(corpus.index, corpus.columns, meta, meta_name):
            warnings.warn(message, MetadataWarning, stacklevel=user_stacklevel())
        corpus = corpus.join(meta, how="left")
        corpus["has_metadata"] = corpus.index.isin(meta.index)
    return corpus


def load_seeds() -> pd.DataFrame:
    """Load the five bundled seed speeches with their metadata.

    Returns
    -------
    pandas.DataFrame
        The corpus of :func:`load_corpus` for ``seeds/`` with ``seeds/metadata.csv``
        merged (title, genre, level, place, year, source_site, script).

    Examples
    --------
    >>> seeds = load_seeds()
    >>> seeds.shape[0]
    5
    >>> seeds.loc["002_105d27af3b6cb7bc", "genre"]
    '党课'
    """
    corpus = load_corpus(seeds_dir())
    # A machine-independent path, so that tables (and notebook outputs) are the same everywhere.
    corpus["path"] = ["seeds/" + Path(p).name for p in corpus["path"]]
    return corpus


def corpus_summary(corpus: pd.DataFrame, *, label_chars: int = 14) -> pd.DataFrame:
    """One row per document: a short label, metadata and size, sorted by ``doc_id``.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus from :func:`load_corpus` (needs ``raw``).
    label_chars : int, default 14
        Characters of the title kept in ``label``.

    Returns
    -------
    pandas.DataFrame
        Index ``doc_id``; columns ``label`` (id prefix, genre and shortened title),
        ``genre``, ``script``, ``year`` (empty where the corpus lacks them),
        ``encoding``, ``n_chars`` (raw characters), ``n_lines`` and ``empty``.

    Examples
    --------
    >>> summary = corpus_summary(load_seeds())
    >>> summary.loc["002_105d27af3b6cb7bc", "genre"], int(summary.loc["002_105d27af3b6cb7bc", "n_chars"])
    ('党课', 5134)
    """
    if "raw" not in corpus.columns:
        raise ValueError(
            f"corpus_summary() needs a 'raw' column (a corpus from load_corpus()); got {list(corpus.columns)}."
        )
    out = pd.DataFrame(index=corpus.index.copy())
    titles = corpus["title"] if "title" in corpus.columns else pd.Series(pd.NA, index=corpus.index)
    genres = corpus["genre"] if "genre" in corpus.columns else pd.Series(pd.NA, index=corpus.index)
    labels = []
    for doc_id, title, genre in zip(corpus.index, titles, genres):
        prefix = str(doc_id).split("_")[0] if "_" in str(doc_id) else str(doc_id)
        parts = [prefix]
        if isinstance(genre, str) and genre:
            parts.append(genre)
        if isinstance(title, str) and title:
            parts.append(title if len(title) <= label_chars else title[:label_chars] + "…")
        labels.append(" ".join(parts))
    out["label"] = labels
    for col in ("genre", "script", "year", "encoding"):
        out[col] = corpus[col] if col in corpus.columns else pd.NA
    out["n_chars"] = corpus["raw"].str.len().astype("int64")
    out["n_lines"] = (corpus["raw"].str.count("\n") + 1).astype("int64")
    out["empty"] = corpus["raw"].str.strip().eq("")
    return out.sort_index()


# ----------------------------------------------------------------------------- chunks of a source


#: Default chunk size in characters (about 6 MB of UTF-8 Chinese).
CHUNK_CHARS = 2_000_000


# ----------------------------------------------------------------------------- chunks of a source
@dataclass
class ChunkPlan:
    """The chunks of a source (:func:`plan_chunks`), and the metadata to merge into the whole."""

    # each chunk: a list of file paths, or a DataFrame (table sources; a generator for CSV and Parquet files)
    chunks: list[list[Path]] | list[pd.DataFrame] | Iterator[pd.DataFrame]
    metadata: pd.DataFrame | None
    metadata_name: str | None
    n_chars: int | None     # bytes of the files (an estimate of the size), characters of a table, None: not known


def plan_chunks(source: FileSource | pd.DataFrame, *, metadata: MetadataSpec = None, chunk_chars: int = CHUNK_CHARS,
                text_column: str = "text", encoding: str | None = None) -> ChunkPlan:
    """Split a source into chunks of about ``chunk_chars`` characters without reading the files.

    File sources (folder, glob, list of paths) become lists of paths, read later where the chunk is
    processed; CSV and Parquet files are read lazily, a few thousand rows at a time
    (``pandas.read_csv(chunksize=)``, ``pyarrow.parquet.ParquetFile.iter_batches``), and ``chunks``
    is then a generator of DataFrames; JSONL files and DataFrames are read whole and sliced by rows.  Metadata
    (``metadata=`` or a ``metadata.csv`` beside the files) is read once and returned for merging.
    """
    table = _table_source(source)
    if table is not None and table[1] in ("csv", "parquet"):
        path, kind = table
        if not path.is_file():
            raise CorpusLoadError(f"source={str(path)!r} does not exist.")
        meta, meta_name = read_metadata(metadata, None if metadata is None else path.parent)
        chunks = _by_chars(_table_corpora(path, kind, text_column, encoding, meta, meta_name), chunk_chars)
        return ChunkPlan(chunks, None, None, None)
    if table is not None or isinstance(source, pd.DataFrame):
        corpus = source if isinstance(source, pd.DataFrame) else load_corpus(
            source, metadata=metadata, text_column=text_column, encoding=encoding)
        sizes = corpus["raw"].str.len().to_numpy()
        frames: list[pd.DataFrame] = []
        start, acc = 0, 0
        for i, n in enumerate(sizes):
            acc += int(n)
            if acc >= chunk_chars:
                frames.append(corpus.iloc[start:i + 1])
                start, acc = i + 1, 0
        if start < len(corpus) or not frames:
            frames.append(corpus.iloc[start:])
        return ChunkPlan(frames, None, None, int(sizes.sum()))
    files, base_dir = resolve_files(source)
    check_unique([p.stem for p in files], "the source files")
    meta, meta_name = read_metadata(metadata, base_dir)
    # UTF-8 Chinese is ~3 bytes per character; legacy encodings ~2.  Bytes/3 is close enough to plan.
    budget = chunk_chars * 3
    groups: list[list[Path]] = []
    current: list[Path] = []
    acc, total = 0, 0
    for path in files:
        size = path.stat().st_size
        total += size
        current.append(path)
        acc += size
        if acc >= budget:
            groups.append(current)
            current, acc = [], 0
    if current:
        groups.append(current)
    return ChunkPlan(groups, meta, meta_name, total)


def _table_corpora(path: Path, kind: TableKind, text_column: str, encoding: str | None, meta: pd.DataFrame | None,
                   meta_name: str | None) -> Iterator[pd.DataFrame]:
    """The corpus of a CSV or Parquet file piece by piece, as :func:`load_corpus` builds it whole."""
    ids: list[str] = []
    empty: list[str] = []
    start = 0
    for rows, n_rows in table_batches(path, kind, text_column, encoding):
        corpus = table_corpus(rows, path, kind, text_column, encoding, n_rows=n_rows, start=start)
        start += len(rows)
        corpus.index = corpus.index.astype(object).rename("doc_id")
        corpus.insert(corpus.columns.get_loc("encoding") + 1, "n_chars", corpus["raw"].str.len().astype("int64"))
        corpus.insert(corpus.columns.get_loc("n_chars") + 1, "empty", corpus["raw"].str.strip().eq(""))
        ids += corpus.index.to_list()
        empty += corpus.index[corpus["empty"]].to_list()
        if meta is not None:
            metadata_problems(corpus.index, corpus.columns, meta, meta_name, check_ids=False)
            corpus = corpus.join(meta, how="left")
            corpus["has_metadata"] = corpus.index.isin(meta.index)
        yield corpus
    if not ids:  # no rows: the (empty) corpus as load_corpus reads it
        yield load_corpus(path, metadata=meta.reset_index() if meta is not None else None, text_column=text_column,
                          encoding=encoding)
        return
    check_unique(ids, str(path))
    if empty:
        warnings.warn(f"{len(empty)} empty or whitespace-only document(s) kept with empty=True: {empty}",
                      UserWarning, stacklevel=user_stacklevel())
    if meta is not None:
        for message in metadata_problems(ids, (), meta, meta_name):
            warnings.warn(message, MetadataWarning, stacklevel=user_stacklevel())


def _by_chars(corpora: Iterable[pd.DataFrame], chunk_chars: int) -> Iterator[pd.DataFrame]:
    """Regroup corpus pieces into chunks of about ``chunk_chars`` characters (same cuts as slicing the whole)."""
    pending: list[pd.DataFrame] = []
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


def load_chunk(spec: Iterable[str | os.PathLike[str]] | pd.DataFrame, encoding: str | None) -> pd.DataFrame:
    """The corpus of one chunk of :func:`plan_chunks` (files are read here), without its metadata."""
    if isinstance(spec, pd.DataFrame):
        return spec
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Metadata is merged once for the whole corpus (in _assemble), not per chunk: an empty table
        # stops load_corpus from merging a metadata.csv beside the files.
        corpus = load_corpus([Path(p) for p in spec], encoding=encoding,
                             metadata=pd.DataFrame({"doc_id": pd.Series([], dtype=str)}))
    corpus = corpus.drop(columns=["has_metadata"])
    corpus.attrs["warnings"] = [str(w.message) for w in caught if not issubclass(w.category, MetadataWarning)]
    return corpus
