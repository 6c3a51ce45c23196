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
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_CACHE_DIR", "ContentCache", "digest", "pack_strings", "text_key", "unpack_strings",
           "write_parquet_atomic"]

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


def pack_strings(strings: Sequence[str]) -> dict[str, np.ndarray]:
    """Strings as two arrays (UTF-8 bytes joined, lengths in characters) for :meth:`ContentCache.write_arrays`.

    Unlike a NumPy ``str`` array this keeps trailing NUL characters and costs no padding to the
    longest string.

    Examples
    --------
    >>> unpack_strings(**pack_strings(["创新", "", "AI"]))
    ['创新', '', 'AI']
    """
    return {"utf8": np.frombuffer("".join(strings).encode("utf-8", "surrogatepass"), dtype=np.uint8),
            "lengths": np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))}


def unpack_strings(utf8: np.ndarray, lengths: np.ndarray) -> list[str]:
    """The strings :func:`pack_strings` packed."""
    joined = utf8.tobytes().decode("utf-8", "surrogatepass")
    ends = np.cumsum(lengths).tolist()
    return [joined[a:b] for a, b in zip([0, *ends[:-1]], ends)]


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

    def read_arrays(self, name: str) -> dict[str, np.ndarray] | None:
        """The arrays of entry ``name`` (an ``.npz`` file), or ``None`` when it is not in the cache."""
        path = self.folder / f"{name}.npz"
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as stored:
            return {k: stored[k] for k in stored.files}

    def write_arrays(self, name: str, arrays: dict[str, np.ndarray]) -> Path:
        """Store numeric or string arrays (no Python objects) as entry ``name`` (atomically).

        Examples
        --------
        >>> import tempfile, numpy as np
        >>> cache = ContentCache(tempfile.mkdtemp())
        >>> _ = cache.write_arrays("counts-0", {"data": np.arange(3), "vocab": np.array(["创新", "科技"])})
        >>> stored = cache.read_arrays("counts-0")
        >>> stored["data"].tolist(), stored["vocab"].tolist()
        ([0, 1, 2], ['创新', '科技'])
        """
        path = self.folder / f"{name}.npz"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            np.savez(fh, allow_pickle=False, **arrays)
        os.replace(tmp, path)
        return path
