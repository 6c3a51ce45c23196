"""Sources: which files a folder, glob or list names; tables read whole or in pieces; metadata.

The helpers of :mod:`corpusanalysis.io.corpus`, which builds corpora from them.  Nothing here
decodes text files (:mod:`corpusanalysis.io.decode` does).
"""

from __future__ import annotations

import glob as _glob
import os
from collections.abc import Container, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeAlias

import pandas as pd

from ..errors import CorpusLoadError
from .decode import normalize_newlines

__all__ = [
    "CORE_COLUMNS",
    "TABLE_SUFFIXES",
    "TEXT_SUFFIXES",
    "check_unique",
    "integer_columns",
    "is_glob",
    "metadata_problems",
    "read_metadata",
    "read_table",
    "resolve_files",
    "seeds_dir",
    "table_batches",
    "table_corpus",
]


#: Files of documents: a folder, a glob, one file (a text file or a table) or a list of paths.
FileSource: TypeAlias = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
#: Document metadata: a CSV file, a DataFrame, or ``None`` (a ``metadata.csv`` beside the files, if any).
MetadataSpec: TypeAlias = str | os.PathLike[str] | pd.DataFrame | None
#: The formats of a table source.
TableKind: TypeAlias = Literal["csv", "jsonl", "parquet"]

#: Columns that :func:`load_corpus` always creates.
CORE_COLUMNS = ("raw", "path", "encoding", "n_chars", "empty")


TABLE_SUFFIXES: dict[str, TableKind] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
                                        ".pq": "parquet"}


TEXT_SUFFIXES = (".txt", ".text")


def is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def resolve_files(source: FileSource) -> tuple[list[Path], Path | None]:
    """Return the text files a source names and the folder to look for metadata.csv in."""
    if isinstance(source, (str, os.PathLike)) and not isinstance(source, bytes):
        text = os.fspath(source)
        if is_glob(text) and not Path(text).exists():
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
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not files:
                raise CorpusLoadError(
                    f"source={text!r} is a folder without text files (looked for "
                    f"{', '.join(TEXT_SUFFIXES)}). Pass a glob such as '{text}/*.*' for other names."
                )
            return files, path
        return [path], path.parent
    if isinstance(source, Iterable):
        items: Iterable[Any] = source  # unchecked: os.fspath refuses what is not a path
        files = [Path(os.fspath(p)) for p in items]
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


def read_table(path: Path, kind: TableKind, text_column: str, encoding: str | None) -> pd.DataFrame:
    if kind == "csv":
        table = pd.read_csv(path, encoding=encoding or "utf-8-sig", dtype={"doc_id": str}, keep_default_na=True)
    elif kind == "jsonl":
        table = pd.read_json(path, lines=True, encoding=encoding or "utf-8", dtype={"doc_id": str})
    else:
        table = pd.read_parquet(path)
    return table_corpus(table, path, kind, text_column, encoding)


def table_corpus(table: pd.DataFrame, path: Path, kind: TableKind, text_column: str, encoding: str | None, *,
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
    raw = [normalize_newlines(t) if isinstance(t, str) else "" for t in texts]
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


def check_unique(ids: list[str], where: str) -> None:
    seen: dict[str, int] = {}
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
    dups = sorted(i for i, n in seen.items() if n > 1)
    if dups:
        raise CorpusLoadError(
            f"duplicate doc_id values {dups} in {where}; every document needs a unique id "
            "(file stem or 'doc_id' column). Rename the files or fix the ids."
        )


def integer_columns(frame: pd.DataFrame) -> pd.DataFrame:
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


def read_metadata(metadata: MetadataSpec, base_dir: Path | None) -> tuple[pd.DataFrame | None, str | None]:
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
    meta = integer_columns(meta)
    check_unique(meta["doc_id"].to_list(), name)
    reserved = [c for c in meta.columns if c in CORE_COLUMNS]
    if reserved:
        raise CorpusLoadError(f"{name!r} has columns {reserved} that load_corpus() creates itself; rename them.")
    return meta.set_index("doc_id"), name


def metadata_problems(ids: Iterable[Any], columns: Container[Any], meta: pd.DataFrame, meta_name: str | None, *,
                      ignore: Container[Any] = (), limit: int | None = None, check_ids: bool = True) -> list[str]:
    """The warnings of merging ``meta`` into documents ``ids``; CorpusLoadError if it repeats ``columns``.

    ``ignore``: columns both may have (metadata wins); ``limit``: ids listed per message;
    ``check_ids=False``: only the column check (for a corpus read in pieces, whose ids are checked at the end).
    """
    clash = [c for c in meta.columns if c in columns and c not in ignore]
    if clash:
        raise CorpusLoadError(f"{meta_name!r} repeats columns {clash} that the source already has; drop them from "
                              "one side.")
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


def seeds_dir() -> Path:
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


#: Rows read at a time from a CSV or Parquet source (then regrouped into chunks by characters).
TABLE_BATCH_ROWS = 2_000


def table_batches(path: Path, kind: TableKind, text_column: str,
                  encoding: str | None) -> Iterator[tuple[pd.DataFrame, int | None]]:
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
