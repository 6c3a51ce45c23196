"""One content-addressed on-disk cache, shared by the tokenizer and the chunked pipeline.

Entries are Parquet files named by a hash of everything that determines their content (the text,
the settings); they are written atomically (a temporary file in the same folder, then
:func:`os.replace`), so a reader never sees half an entry and an interrupted run leaves no partial
file under an entry's name.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Literal

import pandas as pd

__all__ = ["DEFAULT_CACHE_DIR", "ContentCache", "digest", "text_key", "write_parquet_atomic"]

#: The folder ``cache=True`` means (relative to the working directory).
DEFAULT_CACHE_DIR = Path(".cache/corpusanalysis")


def text_key(text: str) -> str:
    """The key of one text: 32 hex digits of its SHA-256 (lone surrogates allowed).

    Examples
    --------
    >>> text_key("新质生产力") == text_key("新质生产力"), len(text_key("创新"))
    (True, 32)
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def digest(payload: Any, *, length: int = 16) -> str:
    """A short stable hash of a JSON-serialisable payload (keys sorted).

    Examples
    --------
    >>> digest({"b": 1, "a": [1, 2]}) == digest({"a": [1, 2], "b": 1})
    True
    """
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:length]


def write_parquet_atomic(frame: pd.DataFrame, path: str | os.PathLike[str], *, index: bool | None = None) -> Path:
    """Write ``frame`` to ``path`` as Parquet through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    frame.to_parquet(tmp, index=index)
    os.replace(tmp, path)
    return path


class ContentCache:
    """A folder of Parquet entries addressed by name (a hash of their inputs).

    Parameters
    ----------
    folder : str or path, or True
        The folder (created on the first write); ``True`` means :data:`DEFAULT_CACHE_DIR`.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> cache = ContentCache(tempfile.mkdtemp())
    >>> cache.read("tokens-0123") is None
    True
    >>> _ = cache.write("tokens-0123", pd.DataFrame({"key": ["a"]}), index=False)
    >>> cache.read("tokens-0123")["key"].tolist()
    ['a']
    """

    def __init__(self, folder: str | os.PathLike[str] | Literal[True]) -> None:
        self.folder = DEFAULT_CACHE_DIR if folder is True else Path(folder)

    @classmethod
    def from_option(cls, cache: str | os.PathLike[str] | bool | None) -> ContentCache | None:
        """``None``/``False`` → no cache; ``True`` → the default folder; a path → that folder."""
        if cache is None or cache is False:
            return None
        return cls(cache)

    def __repr__(self) -> str:
        return f"ContentCache({str(self.folder)!r})"

    def path(self, name: str) -> Path:
        """The file of entry ``name``."""
        return self.folder / f"{name}.parquet"

    def has(self, name: str) -> bool:
        """True when entry ``name`` is in the cache."""
        return self.path(name).is_file()

    def read(self, name: str) -> pd.DataFrame | None:
        """The entry ``name``, or ``None`` when it is not in the cache."""
        path = self.path(name)
        if not path.is_file():
            return None
        return pd.read_parquet(path)

    def write(self, name: str, frame: pd.DataFrame, *, index: bool | None = None) -> Path:
        """Store ``frame`` as entry ``name`` (atomically)."""
        return write_parquet_atomic(frame, self.path(name), index=index)
