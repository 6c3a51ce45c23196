"""Shared fixtures. Tests never touch global matplotlib state: they use the Agg backend."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _no_figure_dir_leak(monkeypatch):
    # Unit tests must not write into the committed figures/ folder by accident.
    if "CORPUSANALYSIS_FIGURE_DIR" not in os.environ:
        monkeypatch.setenv("CORPUSANALYSIS_FIGURE_DIR", str(ROOT / "build" / "unit-test-figures"))


# ----------------------------------------------------------------------------- the seed pipeline, once per session
# Pure functions never mutate their input (each module tests that), so these frames can be shared.
@pytest.fixture(scope="session")
def seeds():
    from corpusanalysis import load_seeds

    return load_seeds()


@pytest.fixture(scope="session")
def cleaned(seeds):
    from corpusanalysis import clean

    return clean(seeds)


@pytest.fixture(scope="session")
def docs(cleaned):
    """The cleaned seeds, tokenized (documents)."""
    from corpusanalysis import tokenize

    return tokenize(cleaned)


@pytest.fixture(scope="session")
def paragraphs(cleaned):
    """The cleaned seeds as tokenized paragraph units."""
    from corpusanalysis import segment, tokenize

    return tokenize(segment(cleaned, level="paragraph"))
