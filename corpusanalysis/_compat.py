"""The module paths of corpusanalysis 0.1 (``corpusanalysis.load``, ``.plots`` …), kept for one release.

Since 0.2 the package is layered (``io``, ``text``, ``features``, ``analysis``, ``viz``,
``pipeline``).  ``from corpusanalysis.topics import TopicModel`` still works: the old path is a
module whose names come from the new modules, with a :class:`FutureWarning` naming the new home.
``import corpusanalysis as ca; ca.TopicModel`` is the stable spelling and never warns.
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings
from typing import Any

__all__ = ["OLD_MODULES", "install"]

#: Old module → the modules its names now live in (searched in this order).
OLD_MODULES: dict[str, tuple[str, ...]] = {
    "load": ("io.corpus", "io.decode", "io.sources", "errors"),
    "clean": ("text.clean",),
    "segment": ("text.segment",),
    "dictionary": ("text.dictionary", "errors"),
    "tokenize": ("text.tokenize", "text.matcher", "analysis.themes"),
    "themes": ("analysis.themes",),
    "keyness": ("analysis.keyness",),
    "discover": ("analysis.discover",),
    "topics": ("analysis.topics", "analysis.topic_selection"),
    "cooccurrence": ("analysis.cooccurrence", "analysis.concordance"),
    "explore": ("analysis.explore", "viz.explorer"),
    "plots": ("viz.style", "viz.corpus", "viz.terms", "viz.topics", "viz.network"),
    "report": ("analysis.trends", "viz.corpus", "pipeline.report"),
    "stream": ("pipeline.chunked", "io.corpus", "features"),
    "distributed": ("_parallel",),
}


class _MovedModule(types.ModuleType):
    """An old module path: attribute access finds the name in its new module and warns once per name."""

    def __init__(self, name: str, targets: tuple[str, ...]) -> None:
        super().__init__(name, f"Moved in corpusanalysis 0.2 to {', '.join('corpusanalysis.' + t for t in targets)}.")
        self.__targets = tuple(f"corpusanalysis.{t}" for t in targets)
        self.__warned: set[str] = set()

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        for target in self.__targets:
            module = importlib.import_module(target)
            if hasattr(module, attr):
                value = getattr(module, attr)
                home = getattr(value, "__module__", None)
                if not (isinstance(home, str) and home.startswith("corpusanalysis.") and callable(value)):
                    home = target
                if attr not in self.__warned:
                    self.__warned.add(attr)
                    warnings.warn(
                        f"{self.__name__}.{attr} has moved to {home}.{attr}; import it from there or use "
                        f"corpusanalysis.{attr} (the old module path will be removed in corpusanalysis 0.3).",
                        FutureWarning, stacklevel=2)
                return value
        raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r} (moved in corpusanalysis 0.2 to "
                             f"{', '.join(self.__targets)})")

    def __dir__(self) -> list[str]:
        names: set[str] = set()
        for target in self.__targets:
            names.update(getattr(importlib.import_module(target), "__all__", ()))
        return sorted(names)


def install(package: str = "corpusanalysis") -> None:
    """Register the old module paths in :data:`sys.modules`, and as attributes of the package where that
    name is free (``corpusanalysis.topics``; ``corpusanalysis.clean`` stays the function)."""
    parent = sys.modules[package]
    for old, targets in OLD_MODULES.items():
        name = f"{package}.{old}"
        if name not in sys.modules:
            sys.modules[name] = _MovedModule(name, targets)
        if not hasattr(parent, old):
            setattr(parent, old, sys.modules[name])
