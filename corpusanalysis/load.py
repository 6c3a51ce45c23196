"""Loading: files, folders, globs and tables into a corpus DataFrame.

A corpus is a :class:`pandas.DataFrame` with one row per document, a unique
string index named ``doc_id`` and a ``raw`` column holding the decoded text
exactly as it was read (line endings normalised to ``\\n``).  No later step
modifies ``raw``; cleaning and tokenizing add columns.
"""

from __future__ import annotations

import codecs
import glob as _glob
import os
import warnings
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import charset_normalizer
import pandas as pd

__all__ = ["load_corpus", "load_seeds", "decode_bytes", "corpus_summary", "CorpusLoadError"]

#: Columns that :func:`load_corpus` always creates.
CORE_COLUMNS = ("raw", "path", "encoding", "n_chars", "empty")

_TABLE_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
_TEXT_SUFFIXES = (".txt", ".text")
# Candidate legacy encodings, tried only when the bytes are not valid UTF-8.
_LEGACY_ENCODINGS = ("gb18030", "big5")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# File signatures of common binary formats that users drop into text folders by mistake.
_BINARY_MAGIC = {
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive (docx/xlsx/zip)",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"\xd0\xcf\x11\xe0": "OLE2 document (doc/xls)",
    b"GIF8": "GIF image",
}


class CorpusLoadError(ValueError):
    """Raised when a source cannot be loaded without losing data."""


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, *, name: str = "<bytes>", encoding: str | None = None) -> tuple[str, str]:
    """Decode the bytes of one document and say which encoding was used.

    Detection order: a byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8,
    then GB18030 (a superset of GBK and GB2312) or Big5, chosen by
    ``charset_normalizer``'s coherence score.  Line endings (CRLF, lone CR)
    become ``\\n``; a BOM is dropped.

    Parameters
    ----------
    data : bytes
        The file content.
    name : str, optional
        File name used in error messages.
    encoding : str, optional
        Skip detection and decode strictly with this codec.

    Returns
    -------
    text : str
        The decoded text.
    encoding : str
        The codec that decoded it (``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``,
        ``"gb18030"``, ``"big5"``, …).

    Raises
    ------
    CorpusLoadError
        If the bytes look binary or decode with none of the candidates; the
        message names the file and the byte offset of the first bad byte.

    Examples
    --------
    >>> decode_bytes("新质生产力".encode("gbk"))
    ('新质生产力', 'gb18030')
    >>> decode_bytes("创新\\r\\n".encode("utf-8"))
    ('创新\\n', 'utf-8')
    """
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise CorpusLoadError(
                f"Cannot decode {name!r} with encoding={encoding!r}: invalid byte "
                f"0x{data[exc.start]:02x} at byte offset {exc.start}. The file is probably in "
                "another encoding; pass encoding=None to detect it."
            ) from None
        except LookupError:
            raise CorpusLoadError(
                f"encoding={encoding!r} is not a codec Python knows; expected e.g. 'utf-8', "
                "'gb18030', 'big5' or None to detect."
            ) from None
        return _normalize_newlines(text.lstrip("\ufeff")), encoding

    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise CorpusLoadError(
                    f"Cannot decode {name!r}: it starts with a {codec} byte-order mark but has an "
                    f"invalid byte at byte offset {exc.start}. The file is probably truncated or corrupt."
                ) from None
            return _normalize_newlines(text.lstrip("\ufeff")), codec

    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise CorpusLoadError(
                f"Cannot load {name!r}: it is a binary file ({kind}, signature at byte offset 0), "
                "not text. Convert it to plain text first or remove it from the source."
            )
    nul = data.find(b"\x00")
    if nul != -1:
        raise CorpusLoadError(
            f"Cannot load {name!r}: binary data (NUL byte at byte offset {nul}). Text files in "
            "UTF-16 need a byte-order mark; other binary files must be converted to text first."
        )

    try:
        return _normalize_newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc

    best = charset_normalizer.from_bytes(data, cp_isolation=list(_LEGACY_ENCODINGS)).best()
    if best is not None:
        codec = codecs.lookup(best.encoding).name
        if codec in _LEGACY_ENCODINGS:
            try:
                return _normalize_newlines(data.decode(codec)), codec
            except UnicodeDecodeError:  # pragma: no cover - charset_normalizer decoded it
                pass
    bad = utf8_error.start
    raise CorpusLoadError(
        f"Cannot decode {name!r}: first bad byte 0x{data[bad]:02x} at byte offset {bad} is not "
        f"valid UTF-8, and the file is not valid {' or '.join(_LEGACY_ENCODINGS).upper()} either. "
        "It may be binary, corrupt, or in another encoding; pass encoding=... if you know it."
    )


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def _resolve_files(source) -> tuple[list[Path], Path | None]:
    """Return the text files a source names and the folder to look for metadata.csv in."""
    if isinstance(source, (str, os.PathLike)) and not isinstance(source, bytes):
        text = os.fspath(source)
        if _is_glob(text) and not Path(text).exists():
            files = sorted(Path(p) for p in _glob.glob(text, recursive=True) if Path(p).is_file())
            if not files:
                raise CorpusLoadError(f"source={text!r}: the glob pattern matched no files.")
            parents = {p.parent for p in files}
            return files, parents.pop() if len(parents) == 1 else None
        path = Path(text)
        if not path.exists():
            raise CorpusLoadError(
                f"source={text!r} does not exist. Expected a folder of .txt files, a glob, a list of "
                "paths, or a .csv/.jsonl/.parquet table."
            )
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _TEXT_SUFFIXES)
            if not files:
                raise CorpusLoadError(
                    f"source={text!r} is a folder without text files (looked for "
                    f"{', '.join(_TEXT_SUFFIXES)}). Pass a glob such as '{text}/*.*' for other names."
                )
            return files, path
        return [path], path.parent
    if isinstance(source, Iterable):
        files = [Path(os.fspath(p)) for p in source]
        if not files:
            raise CorpusLoadError("source is an empty list; expected at least one path.")
        missing = [str(p) for p in files if not p.is_file()]
        if missing:
            raise CorpusLoadError(f"source lists files that do not exist: {missing}")
        parents = {p.parent for p in files}
        return files, parents.pop() if len(parents) == 1 else None
    raise TypeError(
        f"source must be a folder, glob, path, list of paths or a table file; got {type(source).__name__}."
    )


def _read_table(path: Path, kind: str, text_column: str, encoding: str | None) -> pd.DataFrame:
    if kind == "csv":
        table = pd.read_csv(path, encoding=encoding or "utf-8-sig", dtype={"doc_id": str}, keep_default_na=True)
    elif kind == "jsonl":
        table = pd.read_json(path, lines=True, encoding=encoding or "utf-8", dtype={"doc_id": str})
    else:
        table = pd.read_parquet(path)
    return _table_corpus(table, path, kind, text_column, encoding)


def _table_corpus(table: pd.DataFrame, path: Path, kind: str, text_column: str, encoding: str | None, *,
                  n_rows: int | None = None, start: int = 0) -> pd.DataFrame:
    """The corpus rows of a table (or of rows ``start …`` of a table of ``n_rows`` rows, read in pieces)."""
    if text_column not in table.columns:
        raise CorpusLoadError(
            f"{str(path)!r} has no text_column={text_column!r}; its columns are {list(table.columns)}. "
            "Pass text_column= to name the column that holds the documents."
        )
    if "doc_id" in table.columns:
        ids = table["doc_id"]
        if ids.isna().any():
            rows = [int(i) for i in ids[ids.isna()].index[:10]]
            raise CorpusLoadError(f"{str(path)!r}: column 'doc_id' is empty in rows {rows}.")
        ids = ids.astype(str)
    else:
        width = max(6, len(str(len(table) if n_rows is None else n_rows)))
        ids = pd.Series([f"{path.stem}-{i:0{width}d}" for i in range(start, start + len(table))], index=table.index)
    texts = table[text_column]
    raw = [_normalize_newlines(t) if isinstance(t, str) else "" for t in texts]
    corpus = table.drop(columns=[c for c in (text_column, "doc_id") if c in table.columns])
    reserved = [c for c in corpus.columns if c in CORE_COLUMNS]
    if reserved:
        raise CorpusLoadError(
            f"{str(path)!r} has columns {reserved} that load_corpus() creates itself; rename them."
        )
    corpus.insert(0, "raw", raw)
    corpus.insert(1, "path", str(path))
    corpus.insert(2, "encoding", "parquet" if kind == "parquet" else (encoding or "utf-8"))
    corpus.index = pd.Index(ids.to_list(), name="doc_id")
    return corpus


def _check_unique(ids: list[str], where: str) -> None:
    seen: dict[str, int] = {}
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
    dups = sorted(i for i, n in seen.items() if n > 1)
    if dups:
        raise CorpusLoadError(
            f"duplicate doc_id values {dups} in {where}; every document needs a unique id "
            "(file stem or 'doc_id' column). Rename the files or fix the ids."
        )


def _integer_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Give integer columns, and float columns of whole numbers (``year`` with gaps), the Int64 dtype.

    Int64 keeps missing values as ``<NA>`` so a later merge cannot turn years into floats.
    """
    for col in frame.columns:
        values = frame[col]
        if values.dtype.kind in "iu" or (
            values.dtype.kind == "f" and values.notna().any() and (values.dropna() % 1 == 0).all()
        ):
            frame[col] = values.astype("Int64")
    return frame


def _read_metadata(metadata, base_dir: Path | None) -> tuple[pd.DataFrame | None, str | None]:
    if metadata is None:
        if base_dir is None or not (base_dir / "metadata.csv").is_file():
            return None, None
        metadata = base_dir / "metadata.csv"
    if isinstance(metadata, pd.DataFrame):
        meta, name = metadata.copy(), "metadata DataFrame"
    else:
        path = Path(metadata)
        if not path.is_file():
            raise CorpusLoadError(f"metadata={str(path)!r} does not exist; expected a CSV file with a doc_id column.")
        meta, name = pd.read_csv(path, dtype={"doc_id": str}, encoding="utf-8-sig"), str(path)
    if "doc_id" not in meta.columns:
        file_col = next((c for c in ("file", "filename", "path") if c in meta.columns), None)
        if file_col is None:
            raise CorpusLoadError(
                f"{name!r} needs a 'doc_id' column (or a 'file' column whose stems are the doc_ids); "
                f"its columns are {list(meta.columns)}."
            )
        meta.insert(0, "doc_id", [Path(str(f)).stem for f in meta[file_col]])
        meta = meta.drop(columns=[file_col])
    meta["doc_id"] = meta["doc_id"].astype(str)
    meta = _integer_columns(meta)
    _check_unique(meta["doc_id"].to_list(), name)
    reserved = [c for c in meta.columns if c in CORE_COLUMNS]
    if reserved:
        raise CorpusLoadError(f"{name!r} has columns {reserved} that load_corpus() creates itself; rename them.")
    return meta.set_index("doc_id"), name


def load_corpus(
    source,
    *,
    metadata=None,
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
    kind = None
    if isinstance(source, (str, os.PathLike)) and not _is_glob(os.fspath(source)):
        kind = _TABLE_SUFFIXES.get(Path(os.fspath(source)).suffix.lower())
    if kind is not None:
        path = Path(os.fspath(source))
        if not path.is_file():
            raise CorpusLoadError(f"source={str(path)!r} does not exist.")
        corpus = _read_table(path, kind, text_column, encoding)
        _check_unique(corpus.index.to_list(), str(path))
        base_dir = None if metadata is None else path.parent
    else:
        files, base_dir = _resolve_files(source)
        ids = [p.stem for p in files]
        _check_unique(ids, "the source files")
        rows = []
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
            stacklevel=2,
        )

    meta, meta_name = _read_metadata(metadata, base_dir)
    if meta is not None:
        for message in _metadata_problems(corpus.index, corpus.columns, meta, meta_name):
            warnings.warn(message, UserWarning, stacklevel=2)
        corpus = corpus.join(meta, how="left")
        corpus["has_metadata"] = corpus.index.isin(meta.index)
    return corpus


def _metadata_problems(ids, columns, meta: pd.DataFrame, meta_name: str, *, ignore=(), limit: int | None = None,
                       check_ids: bool = True) -> list[str]:
    """The warnings of merging ``meta`` into documents ``ids``; CorpusLoadError if it repeats ``columns``.

    ``ignore``: columns both may have (metadata wins); ``limit``: ids listed per message;
    ``check_ids=False``: only the column check (for a corpus read in pieces, whose ids are checked at the end).
    """
    clash = [c for c in meta.columns if c in columns and c not in ignore]
    if clash:
        raise CorpusLoadError(f"{meta_name!r} repeats columns {clash} that the source already has; drop them from one side.")
    if not check_ids:
        return []
    no_meta = sorted(set(ids) - set(meta.index))
    no_doc = sorted(set(meta.index) - set(ids))
    messages = []
    if no_meta:
        messages.append(f"{len(no_meta)} document(s) have no row in {meta_name!r} (has_metadata=False): "
                        f"{no_meta[:limit]}")
    if no_doc:
        messages.append(f"{len(no_doc)} row(s) of {meta_name!r} match no document and were not used: {no_doc[:limit]}")
    return messages


def _seeds_dir() -> Path:
    bundled = resources.files("corpusanalysis") / "data" / "seeds"
    if bundled.is_dir():
        return Path(str(bundled))
    checkout = Path(__file__).resolve().parents[1] / "seeds"
    if checkout.is_dir():
        return checkout
    raise CorpusLoadError(
        "load_seeds() could not find the seeds: neither corpusanalysis/data/seeds nor the checkout's "
        "seeds/ folder exists. Install corpusanalysis from a source checkout (pip install -e .)."
    )


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
    corpus = load_corpus(_seeds_dir())
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
