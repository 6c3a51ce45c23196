"""One content-addressed on-disk cache, shared by the tokenizer and the chunked pipeline.

Entries are Parquet files named by a hash of everything that determines their content (the text,
the settings); they are written atomically (a temporary file in the same folder, then
:func:`os.replace`), so a reader never sees half an entry and an interrupted run leaves no partial
file under an entry's name.  Beside every entry a ``.sha256`` file holds the SHA-256 of its bytes; an
entry whose bytes do not match (truncated, corrupt, edited by hand) or that cannot be read is not used:
it is removed, a :class:`CacheWarning` says so, and the caller recomputes it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import CacheWarning  # defined with the other warning types; importable from here too

__all__ = ["DEFAULT_CACHE_DIR", "CacheWarning", "ContentCache", "digest", "pack_strings", "text_key",
           "unpack_strings", "write_parquet_atomic"]


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

    def names(self, prefix: str) -> list[str]:
        """The names of the Parquet entries that start with ``prefix``, sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name[:-len(".parquet")] for p in self.folder.glob(f"{prefix}*.parquet"))

    def _checked_bytes(self, path: Path) -> bytes | None:
        """The bytes of an entry when they match the checksum beside it; else ``None`` (the entry is removed)."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # removed by a concurrent run between listing and reading
            return None
        sidecar = path.with_name(path.name + ".sha256")
        try:
            expected = sidecar.read_text(encoding="ascii").strip()
        except FileNotFoundError:  # not sealed yet (a writer between its two renames, or an older version's entry)
            return None
        except UnicodeDecodeError:
            expected = ""
        if hashlib.sha256(data).hexdigest() != expected:
            self._discard(path, "its bytes do not match the checksum beside it (truncated, corrupt or edited)")
            return None
        return data

    def _discard(self, path: Path, why: str) -> None:
        warnings.warn(f"cache entry {str(path)!r} was not used: {why}; it is recomputed.", CacheWarning,
                      stacklevel=3)
        for p in (path, path.with_name(path.name + ".sha256")):
            p.unlink(missing_ok=True)

    @staticmethod
    def _seal(path: Path) -> None:
        """Write the checksum of an entry beside it (atomically, after the entry)."""
        sidecar = path.with_name(path.name + ".sha256")
        tmp = sidecar.with_name(sidecar.name + f".tmp{os.getpid()}")
        tmp.write_text(hashlib.sha256(path.read_bytes()).hexdigest() + "\n", encoding="ascii")
        os.replace(tmp, sidecar)

    def read(self, name: str) -> pd.DataFrame | None:
        """The entry ``name``, or ``None`` when it is not in the cache (or not usable: see the module)."""
        path = self.path(name)
        if not path.is_file():
            return None
        data = self._checked_bytes(path)
        if data is None:
            return None
        try:
            return pd.read_parquet(io.BytesIO(data))
        except Exception as exc:  # a sealed entry that still does not parse: never crash on a cache
            self._discard(path, f"it cannot be read ({type(exc).__name__}: {exc})")
            return None

    def write(self, name: str, frame: pd.DataFrame, *, index: bool | None = None) -> Path:
        """Store ``frame`` as entry ``name`` (atomically, with its checksum)."""
        path = write_parquet_atomic(frame, self.path(name), index=index)
        self._seal(path)
        return path

    def read_arrays(self, name: str) -> dict[str, np.ndarray] | None:
        """The arrays of entry ``name`` (an ``.npz`` file), or ``None`` when it is not in the cache (or not usable)."""
        path = self.folder / f"{name}.npz"
        if not path.is_file():
            return None
        data = self._checked_bytes(path)
        if data is None:
            return None
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as stored:
                return {k: stored[k] for k in stored.files}
        except Exception as exc:
            self._discard(path, f"it cannot be read ({type(exc).__name__}: {exc})")
            return None

    def write_arrays(self, name: str, arrays: dict[str, np.ndarray]) -> Path:
        """Store numeric or string arrays (no Python objects) as entry ``name`` (atomically, with its checksum).

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
        self._seal(path)
        return path
