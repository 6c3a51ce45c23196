"""Argument checks shared by every layer: one wording for one kind of mistake.

Each check names the argument, says what was expected and shows what was received, as
scikit-learn's errors do.
"""

from __future__ import annotations

import functools
import inspect
import os
import warnings
from collections.abc import Callable
from numbers import Integral, Real
from typing import Any, TypeVar

__all__ = ["check_int", "check_seed", "describe", "is_int", "is_real", "renamed", "user_stacklevel"]

F = TypeVar("F", bound=Callable[..., Any])


def is_int(value: Any) -> bool:
    """True for ints (numpy ints included), False for bools.

    Examples
    --------
    >>> is_int(3), is_int(True), is_int(3.0)
    (True, False, False)
    """
    return isinstance(value, Integral) and not isinstance(value, bool)


def is_real(value: Any) -> bool:
    """True for real numbers (ints and floats, numpy ones included), False for bools (as :func:`is_int`).

    Examples
    --------
    >>> is_real(0.5), is_real(3), is_real(True), is_real("0.5")
    (True, True, False, False)
    """
    return isinstance(value, Real) and not isinstance(value, bool)


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


def describe(value: Any) -> str:
    """A value for an error message: its type and a repr cut to 60 characters.

    Examples
    --------
    >>> describe(3.5), describe("新质生产力")
    ('float 3.5', "str '新质生产力'")
    """
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def renamed(**old_to_new: str) -> Callable[[F], F]:
    """Accept the keyword names of corpusanalysis 0.1 for one more release, with a :class:`FutureWarning`.

    ``@renamed(topn="n")`` lets ``f(topn=5)`` work as ``f(n=5)`` and warn; passing both names is an error.

    Examples
    --------
    >>> @renamed(topn="n")
    ... def top(*, n=10):
    ...     return n
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     top(topn=3)
    3
    >>> str(caught[0].message)
    'top(): topn= is now n= (the old name will be removed in corpusanalysis 0.3).'
    """

    def decorate(fn: F) -> F:
        name = fn.__qualname__.replace(".__init__", "")

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{name}() got both {old}= (its old name) and {new}=; pass only {new}=.")
                    warnings.warn(f"{name}(): {old}= is now {new}= (the old name will be removed in "
                                  "corpusanalysis 0.3).", FutureWarning, stacklevel=2)
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        wrapper.__renamed__ = dict(old_to_new)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning point at the first frame outside corpusanalysis.

    Every warning of the package uses it, so the line shown is the caller's (a notebook cell, a
    script), however deep inside the package the warning was raised (as pandas' ``find_stack_level``).
    """
    frame = inspect.currentframe()
    level = 0
    try:
        while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
            frame = frame.f_back
            level += 1
    finally:
        del frame
    return max(level, 1)
