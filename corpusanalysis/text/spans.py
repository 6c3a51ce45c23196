"""Token offsets: the ``(start, end)`` pairs of one row's tokens, stored as one integer array.

A tokenized corpus keeps, beside every row's ``tokens``, where each token sits in the row's
``text``: ``text[start:end]`` is the token (or, for a dictionary term, the surface form it was
matched as).  :class:`Spans` holds those pairs for one row in a single ``(n, 2)`` ``int32`` array —
about 8 bytes per token instead of the ~120 bytes of a tuple of two Python ints — and behaves like
the tuple of pairs it stands for: ``len``, indexing and slicing, iteration yielding ``(start, end)``
tuples, and ``==`` with any sequence of pairs.  ``.starts`` and ``.ends`` give the columns for
vectorised work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

import numpy as np

__all__ = ["Spans"]


class Spans(Sequence[tuple[int, int]]):
    """The ``(start, end)`` offsets of a row's tokens, backed by one ``(n, 2)`` integer array (read-only).

    Parameters
    ----------
    pairs : iterable of (int, int) or array of shape (n, 2)

    Examples
    --------
    >>> spans = Spans([(0, 2), (2, 7)])
    >>> spans
    Spans(((0, 2), (2, 7)))
    >>> len(spans), spans[1], list(spans)
    (2, (2, 7), [(0, 2), (2, 7)])
    >>> spans == ((0, 2), (2, 7)), spans.starts.tolist()
    (True, [0, 2])
    """

    __slots__ = ("_array",)

    def __init__(self, pairs: Iterable[Sequence[int]] | np.ndarray = ()) -> None:
        array = np.asarray(pairs if isinstance(pairs, np.ndarray) else list(pairs), dtype=np.int64)
        if array.size == 0:
            array = array.reshape(0, 2)
        if array.ndim != 2 or array.shape[1] != 2:
            raise ValueError(f"Spans needs (start, end) pairs; got an array of shape {array.shape}.")
        self._array = _frozen(array)

    @classmethod
    def from_arrays(cls, starts: np.ndarray, ends: np.ndarray) -> Spans:
        """Spans from a column of starts and a column of ends (equal lengths).

        Examples
        --------
        >>> import numpy as np
        >>> Spans.from_arrays(np.array([0, 2]), np.array([2, 7]))[0]
        (0, 2)
        """
        n = len(starts)
        if len(ends) != n:
            raise ValueError(f"Spans.from_arrays(): {n} starts but {len(ends)} ends.")
        big = n and max(int(np.max(starts)), int(np.max(ends))) >= 2**31
        array = np.empty((n, 2), dtype=np.int64 if big else np.int32)
        array[:, 0] = starts
        array[:, 1] = ends
        out = cls.__new__(cls)
        out._array = _frozen(array)
        return out

    @property
    def array(self) -> np.ndarray:
        """The ``(n, 2)`` array of offsets (read-only)."""
        return self._array

    @property
    def starts(self) -> np.ndarray:
        return self._array[:, 0]

    @property
    def ends(self) -> np.ndarray:
        return self._array[:, 1]

    def __len__(self) -> int:
        return int(self._array.shape[0])

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> Spans: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | Spans:
        if isinstance(index, slice):
            out = Spans.__new__(Spans)
            out._array = self._array[index]
            return out
        start, end = self._array[index].tolist()
        return start, end

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self._array[:, 0].tolist(), self._array[:, 1].tolist())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spans):
            return bool(np.array_equal(self._array, other._array))
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == len(self) and all(tuple(b) == a for a, b in zip(self, other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Spans({tuple(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Spans, (self._array,))


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
