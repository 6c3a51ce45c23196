"""Argument checks shared by every layer: one wording for one kind of mistake.

Each check names the argument, says what was expected and shows what was received, as
scikit-learn's errors do.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any

__all__ = ["check_int", "check_seed", "is_int"]


def is_int(value: Any) -> bool:
    """True for ints (numpy ints included), False for bools.

    Examples
    --------
    >>> is_int(3), is_int(True), is_int(3.0)
    (True, False, False)
    """
    return isinstance(value, Integral) and not isinstance(value, bool)


def check_int(value: Any, name: str, minimum: int) -> int:
    """``value`` as an int if it is one and at least ``minimum``; ValueError naming ``name`` otherwise.

    Examples
    --------
    >>> check_int(5, "n", 1)
    5
    >>> check_int(0, "n", 1)
    Traceback (most recent call last):
    ...
    ValueError: n must be an int >= 1; got 0.
    """
    if not is_int(value) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def check_seed(value: Any, name: str = "random_state") -> int:
    """A seed for a reproducible result: an int in [0, 2**32)."""
    if not is_int(value) or not 0 <= value < 2 ** 32:
        raise ValueError(
            f"{name} must be an int seed in [0, 2**32); got {value!r}. A fixed int is what makes the topics "
            "reproducible (a RandomState object would be consumed by the first fit)."
        )
    return int(value)
