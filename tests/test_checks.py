"""Tests for corpusanalysis._checks: renamed keywords, warnings that point at the caller, shared checks."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import corpusanalysis as ca
from corpusanalysis._checks import check_int, describe, renamed, user_stacklevel


def test_renamed_keyword_warns_once_per_call_and_maps_to_the_new_name():
    @renamed(topn="n")
    def top(*, n=10):
        return n

    with pytest.warns(FutureWarning, match=r"top\(\): topn= is now n= \(the old name will be removed in "
                                           r"corpusanalysis 0\.3\)"):
        assert top(topn=3) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert top(n=4) == 4
    with pytest.raises(TypeError, match=r"top\(\) got both topn= \(its old name\) and n=; pass only n="):
        top(topn=3, n=4)


def test_warnings_point_at_the_caller_not_at_the_package():
    frame = pd.DataFrame({"raw": ["", "创新。"]}, index=pd.Index(["a", "b"], name="doc_id"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ca.segment(ca.clean(frame))  # the warning is raised two calls deep inside the package
    assert caught, "segment() warns about the empty document"
    assert all(w.filename == __file__ for w in caught), [w.filename for w in caught]


def test_user_stacklevel_outside_the_package_is_one():
    assert user_stacklevel() == 1


def test_check_int_and_describe():
    assert check_int(3, "n", 1) == 3
    with pytest.raises(ValueError, match=r"n must be an int >= 1; got True"):
        check_int(True, "n", 1)
    assert describe("x" * 100).endswith("...")


@pytest.mark.parametrize("call, old, new", [
    (lambda docs, **kw: ca.keyness(ca.doc_term_matrix(docs), **kw), {"groups": "theme"}, {"by": "theme"}),
    (lambda docs, **kw: ca.theme_scores(docs, **kw), {"by": "category"}, {"scheme": "category"}),
    (lambda docs, **kw: ca.kwic(docs, "新质生产力", **kw), {"window": 4}, {"context_chars": 4}),
    (lambda docs, **kw: ca.trends(ca.doc_term_matrix(docs), **kw), {"n_terms": 1}, {"n": 1}),
    (lambda docs, **kw: ca.cleaning_diff(docs, "002_105d27af3b6cb7bc", **kw), {"context": 3}, {"context_chars": 3}),
    (lambda docs, **kw: ca.discover_terms(docs, n=5, **kw), {"by": "chars"}, {"source": "chars"}),
])
def test_old_keyword_names_give_the_same_result_with_a_future_warning(docs_themed, call, old, new):
    expected = call(docs_themed, **new)
    with pytest.warns(FutureWarning, match=rf"{next(iter(old))}= is now {next(iter(new))}="):
        got = call(docs_themed, **old)
    pd.testing.assert_frame_equal(got, expected)


@pytest.fixture(scope="module")
def docs_themed():
    docs = ca.assign_themes(ca.tokenize(ca.clean(ca.load_seeds())))
    return docs.assign(year=[2021, 2022, 2023, 2024, 2024])
