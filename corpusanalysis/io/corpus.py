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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._checks import user_stacklevel
from .._labels import shorten, unique_labels
from ..errors import CorpusLoadError, MetadataWarning
from .decode import decode_bytes
from .sources import (
    TABLE_SUFFIXES,
    FileSource,
    MetadataSpec,
    TableKind,
    check_reserved,
    check_unique,
    file_ids,
    gov_reports_dir,
    is_glob,
    metadata_problems,
    read_metadata,
    read_table,
    resolve_files,
    resolve_text_column,
    seeds_dir,
    table_batches,
    table_columns,
    table_corpus,
    text_values,
)

__all__ = ["CHUNK_CHARS", "ChunkPlan", "FileChunk", "corpus_summary", "load_chunk", "load_corpus", "load_gov_reports",
           "load_seeds", "plan_chunks"]


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
    text_column: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Load documents into a corpus DataFrame.

    Parameters
    ----------
    source : str, path, list of paths
        A folder (its ``.txt``/``.text`` files and those of its sub-folders, at
        any depth; names starting with ``.`` are left out), a glob
        (``"data/*.txt"``, ``"data/**/*.txt"``), a list of file paths, one text
        file, or a table (``.csv``, ``.jsonl``, ``.parquet``) with one document
        per row.
    metadata : str, path or DataFrame, optional
        Document metadata with a ``doc_id`` column (or a ``file`` column whose
        file stems are the ids), merged by ``doc_id``.  When omitted, a
        ``metadata.csv`` in the folder of the files is used if present.
    text_column : str, optional
        For table sources, the column holding the document text.  By default
        the one column named ``text``, ``content``, ``正文``, ``全文``, ``内容``,
        ``body``, ``fulltext`` or ``article`` (any case) is used, with a
        :class:`~corpusanalysis.errors.TextColumnWarning` naming it unless it is
        ``text``; none or several such columns is an error.  The other columns
        become metadata; a ``doc_id`` column becomes the index, otherwise ids
        are ``<table stem>-<row number>``.
    encoding : str, optional
        Force one encoding; by default it is detected per document (UTF-8 with
        or without BOM, UTF-16/32 with BOM, GB18030/GBK, Big5).

    Returns
    -------
    pandas.DataFrame
        One row per document, index ``doc_id`` (str, unique; the file stem, or
        for a folder whose sub-folders hold files of the same name, the path
        relative to the folder without suffix, e.g. ``txt/2025_报告``; sorted by
        relative path for file sources), columns ``raw`` (decoded text, line
        endings ``\\n``; never modified by later steps), ``path``,
        ``encoding``, ``n_chars``, ``empty`` (True for empty or whitespace-only
        documents, which are kept and reported in one warning), ``folder``
        (only for a folder with text files in sub-folders: each file's
        sub-folder, ``''`` at the top), then the metadata columns, and
        ``has_metadata`` when metadata was merged.

    Raises
    ------
    CorpusLoadError
        For undecodable or binary files (naming the file and byte offset),
        short files whose encoding cannot be told, duplicate ``doc_id``
        values, missing sources or columns, text cells that are lists, bytes
        or dicts, and columns named like one the pipeline creates (``text``,
        ``tokens``, ``n_tokens``, ``keywords`` …) that it would replace.

    Warns
    -----
    UserWarning
        Listing empty documents, numbers converted to text, documents that are
        only a word like NA or null (kept as text), UTF-8 cut in a character.
    MetadataWarning
        Documents without metadata and metadata rows without a document.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("加快形成新质生产力", encoding="utf-8")
    >>> _ = (folder / "b.txt").write_bytes("建设创新型县，健全容错纠错机制".encode("gbk"))
    >>> corpus = load_corpus(folder)
    >>> corpus[["raw", "encoding", "n_chars"]]
                        raw encoding  n_chars
    doc_id
    a             加快形成新质生产力    utf-8        9
    b       建设创新型县，健全容错纠错机制  gb18030       15
    """
    table = _table_source(source)
    if isinstance(source, pd.DataFrame):
        corpus = frame_corpus(source, text_column)
        base_dir, id_of = None, None
    elif table is not None:
        path, kind = table
        if not path.is_file():
            raise CorpusLoadError(f"source={str(path)!r} does not exist.")
        corpus = read_table(path, kind, text_column, encoding)
        check_unique(corpus.index.to_list(), str(path))
        base_dir = None if metadata is None else path.parent
        id_of = None
    else:
        files, base_dir = resolve_files(source)
        root = _folder_root(source)
        ids, folders = file_ids(files, root)
        check_unique(ids, "the source files")
        corpus = _files_corpus(files, ids, encoding)
        if folders is not None:
            corpus["folder"] = folders
        id_of = _metadata_id(ids, files, root)
    corpus = _finish(corpus)
    meta, meta_name = read_metadata(metadata, base_dir, id_of=id_of)
    if meta is not None:
        for message in metadata_problems(corpus.index, corpus.columns, meta, meta_name):
            warnings.warn(message, MetadataWarning, stacklevel=user_stacklevel())
        corpus = corpus.join(meta, how="left")
        corpus["has_metadata"] = corpus.index.isin(meta.index)
    return corpus


def frame_corpus(frame: pd.DataFrame, text_column: str | None = None) -> pd.DataFrame:
    """A corpus from a DataFrame: one that has ``raw`` already (checked, not changed), or a table with a text column
    (named, or detected by name as for table files).  The index gives the ids (as strings); the caller's frame is
    not modified.  ``n_chars`` and ``empty`` are left to :func:`load_corpus`."""
    name = "DataFrame source"
    if text_column is None and "raw" in frame.columns:
        text_column = "raw"
    text_column = resolve_text_column(text_column, frame.columns, name)
    if text_column not in frame.columns:
        raise CorpusLoadError(f"{name}: no text_column={text_column!r}; its columns are {list(frame.columns)}.")
    ids = [str(i) for i in frame.index]
    check_unique(ids, name)
    raw = text_values(frame[text_column].tolist(), ids, name, text_column)
    if text_column == "raw":
        check_reserved(frame.columns, name, own=True)  # a corpus of earlier steps keeps their columns
        out = frame.copy()
        out["raw"] = raw
        out.index = pd.Index(ids, name="doc_id", dtype=object)
        for col in ("n_chars", "empty"):
            if col in out.columns:
                out = out.drop(columns=col)
        if "encoding" not in out.columns:
            out.insert(out.columns.get_loc("raw") + 1, "encoding", "str")
        if "path" not in out.columns:
            out.insert(out.columns.get_loc("raw") + 1, "path", "")
        return out
    out = frame.drop(columns=[text_column]).copy()
    check_reserved(out.columns, name)
    out.insert(0, "raw", raw)
    out.insert(1, "path", "")
    out.insert(2, "encoding", "str")
    out.index = pd.Index(ids, name="doc_id", dtype=object)
    return out


def _folder_root(source: object) -> Path | None:
    """The folder a source names (its files' relative paths give sub-folders and, on clashes, ids); else None."""
    if isinstance(source, (str, os.PathLike)) and not isinstance(source, bytes):
        path = Path(os.fspath(source))
        if path.is_dir():
            return path
    return None


def _finish(corpus: pd.DataFrame) -> pd.DataFrame:
    """Add ``n_chars`` and ``empty`` after ``encoding`` (and the sub-folder column after them), warning once about
    empty documents."""
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
    return corpus


def _files_corpus(files: list[Path], ids: list[str], encoding: str | None) -> pd.DataFrame:
    """Decode files into the ``raw``, ``path``, ``encoding`` columns of a corpus indexed by ``ids``."""
    rows: list[tuple[str, str, str]] = []
    for path in files:
        text, used = decode_bytes(path.read_bytes(), name=str(path), encoding=encoding)
        rows.append((text, str(path), used))
    return pd.DataFrame(rows, columns=["raw", "path", "encoding"], index=pd.Index(ids, name="doc_id"))


def _metadata_id(ids: list[str], files: list[Path], root: Path | None) -> Callable[[str], str] | None:
    """How a metadata ``file`` value names a document: its stem, or (ids by relative path) its path without
    suffix relative to ``root``."""
    if root is None or ids == [p.stem for p in files]:
        return None
    return lambda value: Path(value).with_suffix("").as_posix()


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


def load_gov_reports() -> pd.DataFrame:
    """Load the bundled government work reports, 1954–2025, with their metadata.

    52 reports of the Premier to the National People's Congress (``folder == "txt"``, with ``year``)
    and 20 NPC resolutions approving them (``folder == "resolutions"``, no year), as transcribed on
    Chinese Wikisource, site furniture included (see ``corpusanalysis/data/gov_reports/README.md``).

    Returns
    -------
    pandas.DataFrame
        The corpus of :func:`load_corpus` for the bundled folder: ``raw``, ``path`` (relative, the
        same on every machine), ``encoding``, ``n_chars``, ``empty``, ``folder``, then ``year``,
        ``title``, ``chars``, ``url`` and ``has_metadata``.

    Examples
    --------
    >>> reports = load_gov_reports()
    >>> reports.shape[0], int((reports["folder"] == "txt").sum()), int(reports["year"].min())
    (72, 52, 1954)
    >>> reports.loc["2024_政府工作报告", "title"]
    '2024年中华人民共和国国务院政府工作报告'
    """
    folder = gov_reports_dir()
    corpus = load_corpus(folder)
    corpus["path"] = ["gov_reports/" + Path(p).relative_to(folder).as_posix() for p in corpus["path"]]
    return corpus


def corpus_summary(corpus: pd.DataFrame, *, label_chars: int = 14) -> pd.DataFrame:
    """One row per document: a short label, metadata and size, sorted by ``doc_id``.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A corpus from :func:`load_corpus` (needs ``raw``).
    label_chars : int, default 14
        Characters of the title kept in ``label``.  Labels are unique: documents whose labels would
        coincide get labels built from the part of their id and title that differs.

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
    labels, full = [], []
    for doc_id, title, genre in zip(corpus.index, titles, genres):
        prefix = str(doc_id).split("_")[0] if "_" in str(doc_id) else str(doc_id)
        has_title = isinstance(title, str) and bool(title)
        if has_title and (title.startswith(prefix) or prefix.startswith(title)):
            prefix = ""  # the id is the title (files named after their title): say it once
        parts = [prefix] if prefix else []
        if isinstance(genre, str) and genre:
            parts.append(genre)
        long_parts = list(parts)
        if has_title:
            parts.append(title if len(title) <= label_chars else title[:label_chars] + "…")
            long_parts.append(title)
        labels.append(" ".join(parts) if len(" ".join(parts)) <= 2 * label_chars + 12 else
                      shorten(" ".join(parts), 2 * label_chars + 12))
        full.append(" ".join(long_parts))
    # labels shared by several documents (same title start, ids cut alike) are rebuilt to tell them apart
    labels = unique_labels(full, short=labels, max_chars=2 * label_chars + 12)
    out["label"] = labels
    for col in ("genre", "script", "year", "encoding"):
        out[col] = corpus[col] if col in corpus.columns else pd.NA
    out["n_chars"] = corpus["raw"].str.len().astype("int64")
    out["n_lines"] = (corpus["raw"].str.count("\n") + 1).astype("int64")
    out["empty"] = corpus["raw"].str.strip().eq("")
    return out.sort_index()


# ----------------------------------------------------------------------------- chunks of a source


#: Default chunk size in characters (about 3 MB of UTF-8 Chinese; 52 MB make 18 chunks, which two workers share
#: more evenly than 9: measured 6 % faster than 2,000,000, mean of five runs each, and half the memory per chunk).
CHUNK_CHARS = 1_000_000


# ----------------------------------------------------------------------------- chunks of a source
@dataclass(frozen=True)
class FileChunk:
    """A chunk of a file source: the files, their document ids and (folder sources) their sub-folders, all decided
    over the whole source by :func:`plan_chunks`, so that the chunks' corpora fit together."""

    paths: tuple[Path, ...]
    ids: tuple[str, ...]
    folders: tuple[str, ...] | None = None


@dataclass
class ChunkPlan:
    """The chunks of a source (:func:`plan_chunks`), and the metadata to merge into the whole."""

    # each chunk: files, or a DataFrame (table sources; a generator for CSV and Parquet files)
    chunks: list[FileChunk] | list[pd.DataFrame] | Iterator[pd.DataFrame]
    metadata: pd.DataFrame | None
    metadata_name: str | None
    n_chars: int | None     # bytes of the files (an estimate of the size), characters of a table, None: not known


def plan_chunks(source: FileSource | pd.DataFrame, *, metadata: MetadataSpec = None, chunk_chars: int = CHUNK_CHARS,
                text_column: str | None = None, encoding: str | None = None) -> ChunkPlan:
    """Split a source into chunks of about ``chunk_chars`` characters without reading the files.

    File sources (folder, glob, list of paths) become :class:`FileChunk` lists of paths with their ids,
    read later where the chunk is processed; CSV and Parquet files are read lazily, a few thousand rows at a time
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
        text_column = resolve_text_column(text_column, table_columns(path, kind, encoding), str(path))
        chunks = _by_chars(_table_corpora(path, kind, text_column, encoding, meta, meta_name), chunk_chars)
        return ChunkPlan(chunks, None, None, None)
    if table is not None or isinstance(source, pd.DataFrame):
        corpus = load_corpus(source, metadata=metadata, text_column=text_column, encoding=encoding)
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
    root = _folder_root(source)
    ids, folders = file_ids(files, root)
    check_unique(ids, "the source files")
    meta, meta_name = read_metadata(metadata, base_dir, id_of=_metadata_id(ids, files, root))
    # UTF-8 Chinese is ~3 bytes per character; legacy encodings ~2.  Bytes/3 is close enough to plan.
    budget = chunk_chars * 3
    groups: list[FileChunk] = []
    start, acc, total = 0, 0, 0
    for i, path in enumerate(files):
        size = path.stat().st_size
        total += size
        acc += size
        if acc >= budget or i == len(files) - 1:
            groups.append(FileChunk(tuple(files[start:i + 1]), tuple(ids[start:i + 1]),
                                    None if folders is None else tuple(folders[start:i + 1])))
            start, acc = i + 1, 0
    return ChunkPlan(groups, meta, meta_name, total)


def _table_corpora(path: Path, kind: TableKind, text_column: str, encoding: str | None, meta: pd.DataFrame | None,
                   meta_name: str | None) -> Iterator[pd.DataFrame]:
    """The corpus of a CSV or Parquet file piece by piece, as :func:`load_corpus` builds it whole.

    The warnings of reading a piece (numbers converted, words like NA kept) are issued and also kept in the piece's
    ``attrs["warnings"]``, and those about the whole source (empty documents, metadata) in the last piece's, so that
    the pipeline reports them as it reports those of text files (the pieces are read lazily, while it runs).
    """
    ids: list[str] = []
    empty: list[str] = []
    start = 0
    held: pd.DataFrame | None = None  # a piece is handed on when the next one is read: the last carries the rest
    for rows, n_rows in table_batches(path, kind, text_column, encoding):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            corpus = table_corpus(rows, path, kind, text_column, encoding, n_rows=n_rows, start=start)
        for w in caught:
            warnings.warn(w.message, w.category, stacklevel=user_stacklevel())
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
        corpus.attrs["warnings"] = [str(w.message) for w in caught]
        if held is not None:
            yield held
        held = corpus
    if held is None:  # no rows: the (empty) corpus as load_corpus reads it
        yield load_corpus(path, metadata=meta.reset_index() if meta is not None else None, text_column=text_column,
                          encoding=encoding)
        return
    check_unique(ids, str(path))
    said: list[tuple[str, type[Warning]]] = []
    if empty:
        said.append((f"{len(empty)} empty or whitespace-only document(s) kept with empty=True: {empty}", UserWarning))
    if meta is not None:
        said += [(message, MetadataWarning) for message in metadata_problems(ids, (), meta, meta_name)]
    for message, category in said:
        warnings.warn(message, category, stacklevel=user_stacklevel())
    held.attrs["warnings"] = held.attrs["warnings"] + [message for message, _ in said]
    yield held


def _by_chars(corpora: Iterable[pd.DataFrame], chunk_chars: int) -> Iterator[pd.DataFrame]:
    """Regroup corpus pieces into chunks of about ``chunk_chars`` characters (same cuts as slicing the whole); each
    chunk's ``attrs["warnings"]`` holds those of the pieces that begin in it."""
    pending: list[pd.DataFrame] = []
    notes: list[str] = []
    acc = 0
    emitted = False

    def joined() -> pd.DataFrame:
        chunk = pd.concat(pending) if len(pending) > 1 else pending[0]
        chunk.attrs = {**chunk.attrs, "warnings": list(notes)}
        return chunk

    for corpus in corpora:
        notes += corpus.attrs.get("warnings", [])
        begin = 0
        for i, n in enumerate(corpus["raw"].str.len().to_numpy()):
            acc += int(n)
            if acc >= chunk_chars:
                pending.append(corpus.iloc[begin:i + 1])
                yield joined()
                emitted, pending, notes, begin, acc = True, [], [], i + 1, 0
        if begin < len(corpus) or (not emitted and not pending):
            pending.append(corpus.iloc[begin:])
    if pending:
        yield joined()


def load_chunk(spec: FileChunk | Iterable[str | os.PathLike[str]] | pd.DataFrame, encoding: str | None
               ) -> pd.DataFrame:
    """The corpus of one chunk of :func:`plan_chunks` (files are read here), without its metadata."""
    if isinstance(spec, pd.DataFrame):
        return spec
    if not isinstance(spec, FileChunk):
        paths = [Path(p) for p in spec]
        spec = FileChunk(tuple(paths), tuple(p.stem for p in paths))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # Metadata is merged once for the whole corpus (in _assemble), not per chunk.
        corpus = _finish(_files_corpus(list(spec.paths), list(spec.ids), encoding))
    if spec.folders is not None:
        corpus["folder"] = list(spec.folders)
    corpus.attrs["warnings"] = [str(w.message) for w in caught if not issubclass(w.category, MetadataWarning)]
    return corpus
