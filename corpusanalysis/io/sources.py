"""Sources: which files a folder, glob or list names; tables read whole or in pieces; metadata.

The helpers of :mod:`corpusanalysis.io.corpus`, which builds corpora from them.  Nothing here
decodes text files (:mod:`corpusanalysis.io.decode` does).
"""

from __future__ import annotations

import glob as _glob
import os
import warnings
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from importlib import resources
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Literal, TypeAlias

import pandas as pd

from .._checks import user_stacklevel
from ..errors import CorpusLoadError, TextColumnWarning
from .decode import normalize_newlines

__all__ = [
    "CLEAN_COLUMNS",
    "CORE_COLUMNS",
    "CSV_NA",
    "MADE_WITH",
    "NA_WORDS",
    "RESERVED_COLUMNS",
    "TABLE_SUFFIXES",
    "TEXT_COLUMN_NAMES",
    "TEXT_SUFFIXES",
    "TOKEN_COLUMNS",
    "check_reserved",
    "check_unique",
    "detect_text_column",
    "file_ids",
    "folder_files",
    "gov_reports_dir",
    "integer_columns",
    "is_glob",
    "metadata_problems",
    "own_columns",
    "read_metadata",
    "read_table",
    "resolve_files",
    "resolve_text_column",
    "seeds_dir",
    "table_batches",
    "table_columns",
    "table_corpus",
    "text_values",
]


#: Files of documents: a folder, a glob, one file (a text file or a table) or a list of paths.
FileSource: TypeAlias = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
#: Document metadata: a CSV file, a DataFrame, or ``None`` (a ``metadata.csv`` beside the files, if any).
MetadataSpec: TypeAlias = str | os.PathLike[str] | pd.DataFrame | None
#: The formats of a table source.
TableKind: TypeAlias = Literal["csv", "jsonl", "parquet"]

#: Columns that :func:`load_corpus` always creates.
CORE_COLUMNS = ("raw", "path", "encoding", "n_chars", "empty")

#: Columns the pipeline's steps create: ``load_corpus`` (above, and ``folder``, ``has_metadata``), ``clean`` (the
#: clean text and what the page furniture said), ``tokenize`` and ``assign_themes``.  A source or metadata column
#: of one of these names would be silently replaced by that step, so it is refused when the corpus is loaded.
#: The columns ``clean`` creates (the clean text and what the page furniture said) and those ``tokenize`` creates.
CLEAN_COLUMNS = ("text", "page_title", "page_source_site", "page_url", "keywords", "truncated", "truncation_evidence",
                 "omitted_chars", "total_chars_claimed", "shown_chars_claimed", "script_detected", "n_redactions",
                 "n_mojibake", "n_watermark_suspects", "n_chars_clean")
TOKEN_COLUMNS = ("tokens", "token_spans", "pos", "n_tokens")

RESERVED_COLUMNS = (
    *CORE_COLUMNS, "folder", "has_metadata",
    *CLEAN_COLUMNS,
    *TOKEN_COLUMNS,
    "theme", "theme_rule",
)

#: For each column ``clean`` or ``tokenize`` creates, a column the step always adds beside it: a frame with the first
#: but not the second holds a column of its own under that name (see :func:`own_columns`).
MADE_WITH = {**{c: "n_chars_clean" for c in CLEAN_COLUMNS}, "n_chars_clean": "text",
             **{c: "token_spans" for c in TOKEN_COLUMNS}, "token_spans": "tokens"}


def own_columns(columns: Iterable[Any]) -> list[Any]:
    """The columns of a frame named like a column ``clean`` or ``tokenize`` creates but not made by them (the column
    the step adds beside it is missing): the step would replace them without a word."""
    columns = list(columns)
    present = set(columns)
    return [c for c in columns if c in MADE_WITH and MADE_WITH[c] not in present]


def check_reserved(columns: Iterable[Any], name: str, *, own: bool = False) -> None:
    """Refuse source or metadata columns named like a column the pipeline creates (:data:`RESERVED_COLUMNS`); with
    ``own``, only those of a corpus that the steps did not make (:func:`own_columns`)."""
    clash = own_columns(columns) if own else [c for c in columns if c in RESERVED_COLUMNS]
    if clash:
        made = (f" (no {MADE_WITH[clash[0]]!r} column beside {clash[0]!r}: not made by clean() or tokenize())"
                if own else "")
        raise CorpusLoadError(
            f"{name!r} has column(s) {clash} that the pipeline creates itself (load_corpus, clean, tokenize or "
            f"assign_themes would replace them without a word){made}; rename them, e.g. {clash[0]!r} → "
            f"'source_{clash[0]}'."
        )


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
            files = folder_files(path)
            if not files:
                raise CorpusLoadError(
                    f"source={text!r} is a folder without text files (looked for "
                    f"{', '.join(TEXT_SUFFIXES)} in it and its sub-folders, hidden ones left out). Pass a glob "
                    f"such as '{text}/**/*.*' for other names."
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


def folder_files(folder: Path) -> list[Path]:
    """The text files of a folder and of its sub-folders (any depth), sorted by relative path; files and
    folders whose name starts with ``.`` (``.git``, ``.ipynb_checkpoints``) are left out."""
    found = []
    for p in folder.rglob("*"):
        rel = p.relative_to(folder)
        if p.suffix.lower() in TEXT_SUFFIXES and not any(part.startswith(".") for part in rel.parts) and p.is_file():
            found.append((rel.as_posix(), p))
    return [p for _, p in sorted(found)]


def file_ids(files: list[Path], root: Path | None) -> tuple[list[str], list[str] | None]:
    """Document ids and sub-folders of the files of a source.

    Ids are the file stems; when two files in different sub-folders of ``root`` share a stem, every id is
    the file's path relative to ``root`` without its suffix (``txt/2025_报告``), so ids stay unique and
    stable.  The sub-folders (``''`` for files at the top of ``root``) are returned when some file lies
    below the top, else ``None``.
    """
    stems = [p.stem for p in files]
    if root is None:
        return stems, None
    try:
        rel = [p.relative_to(root) for p in files]
    except ValueError:  # a file outside root (a list of paths): stems, no sub-folders
        return stems, None
    folders = ["" if r.parent == Path(".") else r.parent.as_posix() for r in rel]
    if not any(folders):
        return stems, None
    if len(set(stems)) < len(stems):
        return [r.with_suffix("").as_posix() for r in rel], folders
    return stems, folders


#: Names of a table's text column that ``text_column=None`` recognises (case-insensitive), best first.
TEXT_COLUMN_NAMES = ("text", "content", "正文", "全文", "内容", "body", "fulltext", "full_text", "article")


def detect_text_column(columns: Iterable[Any], name: str) -> str:
    """The text column of a table whose text column was not named: the one column whose name (any case) is in
    :data:`TEXT_COLUMN_NAMES`; CorpusLoadError when there is none or more than one."""
    columns = [c for c in columns if isinstance(c, str)]
    found = [c for c in columns if c.strip().lower() in TEXT_COLUMN_NAMES]
    if len(found) == 1:
        return found[0]
    if not found:
        raise CorpusLoadError(
            f"{name!r}: no text column found; its columns are {columns}. Expected one column named "
            f"{' / '.join(TEXT_COLUMN_NAMES)} (any case); pass text_column= to name the column that holds the "
            "documents."
        )
    exact = [c for c in found if c == "text"]
    if len(exact) == 1:
        return exact[0]
    raise CorpusLoadError(
        f"{name!r}: more than one column could hold the documents: {found}; pass text_column= to choose one."
    )


#: How a CSV source is read: only an empty cell is missing; the words NA, None, null, NaN … are text (a speech
#: may well consist of "NA"), unlike pandas' default.
CSV_NA: dict[str, Any] = {"keep_default_na": False, "na_values": [""]}

#: The words pandas reads as missing values by default: a document that is only one of them is kept as text, and
#: said (it may be a missing value written out by another program).
NA_WORDS = frozenset({"NA", "N/A", "n/a", "#N/A", "#N/A N/A", "#NA", "<NA>", "NULL", "null", "NaN", "-NaN", "nan",
                      "-nan", "None", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"})


def text_values(values: Iterable[Any], ids: Sequence[Any], name: str, column: str) -> list[str]:
    """The documents' texts from a table column: strings as they are (line ends normalised), missing cells as
    ``""`` (kept, flagged ``empty``), numbers and booleans converted with ``str`` and said in one warning;
    texts that are only a word like NA or null kept and said in one warning; anything else (lists, bytes, dicts)
    is refused with the row ids."""
    import math

    out: list[str] = []
    converted: list[Any] = []
    na_words: list[Any] = []
    words: set[str] = set()
    refused: list[tuple[Any, str]] = []
    for doc_id, value in zip(ids, values):
        if isinstance(value, str):
            out.append(normalize_newlines(value))
            if value.strip() in NA_WORDS:
                na_words.append(doc_id)
                words.add(value.strip())
        elif value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            out.append("")
        elif isinstance(value, (bool, int, float, Integral, Real)):
            converted.append(doc_id)
            out.append(str(value))
        else:
            refused.append((doc_id, type(value).__name__))
            out.append("")
    if refused:
        raise CorpusLoadError(
            f"{name!r}: column {column!r} must hold text; {len(refused)} row(s) hold other values "
            f"(first: {refused[:5]}). Convert them to text first, or choose another text_column=."
        )
    if converted:
        warnings.warn(f"{name!r}: {len(converted)} document(s) had a number instead of text in column {column!r} and "
                      f"were converted with str(): {converted[:10]}", UserWarning, stacklevel=user_stacklevel())
    if na_words:
        warnings.warn(f"{name!r}: {len(na_words)} document(s) in column {column!r} are only the word(s) "
                      f"{sorted(words)}, which many programs write for a missing value; they are kept as text (only "
                      f"an empty cell is missing): {na_words[:10]}", UserWarning, stacklevel=user_stacklevel())
    return out


def resolve_text_column(text_column: str | None, columns: Iterable[Any], name: str) -> str:
    """``text_column`` itself, or (``None``) the detected one, with a warning naming it unless it is ``text``."""
    if text_column is not None:
        return text_column
    found = detect_text_column(columns, name)
    if found != "text":
        warnings.warn(f"{name!r}: the documents were read from column {found!r} (detected by its name; pass "
                      "text_column= to choose another column).", TextColumnWarning, stacklevel=user_stacklevel())
    return found


def table_columns(path: Path, kind: TableKind, encoding: str | None) -> list[Any]:
    """The column names of a table file, read without reading its rows (JSONL: the keys of the first record)."""
    if kind == "csv":
        return list(pd.read_csv(path, encoding=encoding or "utf-8-sig", nrows=0).columns)
    if kind == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    return list(pd.read_json(path, lines=True, encoding=encoding or "utf-8", nrows=1).columns)


def read_table(path: Path, kind: TableKind, text_column: str | None, encoding: str | None) -> pd.DataFrame:
    if kind == "csv":
        # the text column is read as text: a cell 2024 or 007 stays the text '2024' / '007' (not 2024.0, 7)
        text_column = resolve_text_column(text_column, table_columns(path, kind, encoding), str(path))
        table = pd.read_csv(path, encoding=encoding or "utf-8-sig", dtype={"doc_id": str, text_column: str},
                            **CSV_NA)
    elif kind == "jsonl":
        # dtype=False: values as JSON typed them (no date guessing: "2024-03-05" stays a string, as from a CSV)
        table = pd.read_json(path, lines=True, encoding=encoding or "utf-8", dtype=False)
    else:
        table = pd.read_parquet(path)
    text_column = resolve_text_column(text_column, table.columns, str(path))
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
    raw = text_values(table[text_column].tolist(), ids.to_list(), str(path), text_column)
    corpus = table.drop(columns=[c for c in (text_column, "doc_id") if c in table.columns])
    check_reserved(corpus.columns, str(path))
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


def read_metadata(metadata: MetadataSpec, base_dir: Path | None, *, id_of: Callable[[str], str] | None = None
                  ) -> tuple[pd.DataFrame | None, str | None]:
    """Metadata indexed by ``doc_id``; a ``file`` column is turned into ids by ``id_of`` (default: the stem)."""
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
        id_of = id_of or (lambda value: Path(value).stem)
        meta.insert(0, "doc_id", [id_of(str(f)) for f in meta[file_col]])
        meta = meta.drop(columns=[file_col])
    meta["doc_id"] = meta["doc_id"].astype(str)
    meta = integer_columns(meta)
    check_unique(meta["doc_id"].to_list(), name)
    check_reserved(meta.columns, name)
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


def gov_reports_dir() -> Path:
    """The bundled government work reports (``corpusanalysis/data/gov_reports``)."""
    bundled = Path(str(resources.files("corpusanalysis") / "data" / "gov_reports"))
    if not bundled.is_dir():
        raise CorpusLoadError("load_gov_reports(): corpusanalysis/data/gov_reports is missing from this installation; "
                              "reinstall corpusanalysis from a source checkout (pip install -e .).")
    return bundled


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
        small = pd.read_csv(path, encoding=enc, usecols=others, dtype={"doc_id": str}, **CSV_NA)
        dtypes, n_rows = small.dtypes.to_dict(), len(small)
        del small
    elif len(header):
        n_rows = sum(len(piece) for piece in pd.read_csv(path, encoding=enc, usecols=[0], chunksize=100_000))
    # the text column is read as text, as by read_table
    for rows in pd.read_csv(path, encoding=enc, dtype={**(dtypes or {"doc_id": str}), text_column: str}, **CSV_NA,
                            chunksize=TABLE_BATCH_ROWS):
        yield rows, n_rows
