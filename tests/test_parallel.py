"""Tests for corpusanalysis._parallel (one bounded executor) and corpusanalysis._cache (one content cache)."""

from __future__ import annotations

import os
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from corpusanalysis._cache import ContentCache, digest, text_key, write_parquet_atomic
from corpusanalysis._parallel import bounded_map


def _scale(factor, x):
    return factor * x


def _pid(_, x):
    return os.getpid()


def _fail_on_three(_, x):
    if x == 3:
        raise ValueError("three")
    return x


def _lazy(n, seen):
    for i in range(n):
        seen.append(i)
        yield i


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_bounded_map_keeps_input_order(workers):
    assert list(bounded_map(_scale, range(10), shared=3, workers=workers)) == [3 * i for i in range(10)]


@pytest.mark.slow
def test_two_workers_use_other_processes_and_one_worker_this_one():
    assert set(bounded_map(_pid, range(4), workers=1)) == {os.getpid()}
    assert os.getpid() not in set(bounded_map(_pid, range(8), workers=2))


def test_no_more_processes_than_items():
    assert list(bounded_map(_pid, [0], workers=2, n_items=1)) == [os.getpid()]


@pytest.mark.slow
def test_items_are_read_lazily_at_most_two_per_worker_ahead():
    seen: list[int] = []
    results = bounded_map(_scale, _lazy(100, seen), shared=1, workers=2)
    assert next(results) == 0
    assert len(seen) <= 2 * 2 + 1  # the window, plus the item that filled it
    results.close()


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_in_a_worker_reaches_the_caller(workers):
    with pytest.raises(ValueError, match="three"):
        list(bounded_map(_fail_on_three, range(10), workers=workers))


def test_unknown_backend():
    with pytest.raises(ValueError, match=r"backend must be 'local' or 'dask'; got 'spark'"):
        list(bounded_map(_scale, [1], backend="spark"))


def test_content_cache_round_trip_and_atomic_write(tmp_path):
    cache = ContentCache(tmp_path / "c")
    assert cache.read("x") is None and not cache.has("x")
    frame = pd.DataFrame({"key": ["a", "b"], "n": [1, 2]})
    cache.write("x", frame, index=False)
    pd.testing.assert_frame_equal(cache.read("x"), frame)
    # no temporary file left; the entry's checksum beside it
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == ["x.parquet", "x.parquet.sha256"]
    assert ContentCache.from_option(None) is None and ContentCache.from_option(False) is None
    assert str(ContentCache.from_option(True).folder) == ".cache/corpusanalysis"
    write_parquet_atomic(frame, tmp_path / "deep" / "y.parquet", index=False)
    assert (tmp_path / "deep" / "y.parquet").is_file()


def test_keys_are_stable_and_content_addressed():
    assert text_key("新质生产力") == text_key("新质生产力") != text_key("新质生产力 ")
    assert digest({"a": 1, "b": [2]}) == digest({"b": [2], "a": 1}) != digest({"a": 2, "b": [2]})



def test_corrupt_or_edited_cache_entries_are_recomputed_with_a_warning(tmp_path):
    # issue 16: a truncated entry stopped the run with a raw Parquet error; a readable but wrong one was used
    from corpusanalysis._cache import CacheWarning

    cache = ContentCache(tmp_path / "c")
    frame = pd.DataFrame({"key": ["a", "b"], "n": [1, 2]})
    cache.write("x", frame, index=False)
    path = tmp_path / "c" / "x.parquet"
    path.write_bytes(path.read_bytes()[:40])  # truncated
    with pytest.warns(CacheWarning, match=r"cache entry '.*x.parquet' was not used: its bytes do not match the "
                                          r"checksum beside it \(truncated, corrupt or edited\); it is recomputed"):
        assert cache.read("x") is None
    assert not path.exists()  # removed, so the next write replaces it cleanly
    cache.write("x", frame, index=False)
    forged = frame.assign(n=[1, 999])
    forged.to_parquet(path, index=False)  # readable, but not what was written
    with pytest.warns(CacheWarning, match="do not match the checksum"):
        assert cache.read("x") is None
    cache.write_arrays("y", {"data": np.arange(3)})
    arrays = tmp_path / "c" / "y.npz"
    arrays.write_bytes(arrays.read_bytes()[:-10])
    with pytest.warns(CacheWarning, match="y.npz"):
        assert cache.read_arrays("y") is None


def test_a_forged_token_cache_entry_is_not_used(tmp_path):
    # issue 16: a readable but wrong cache file was used silently (a forged token appeared in term_frequencies.csv)
    import corpusanalysis as ca
    from corpusanalysis.errors import CacheWarning

    # seeds/002_105d27af3b6cb7bc.txt (excerpt)
    corpus = pd.DataFrame({"text": ["加快形成新质生产力，培育壮大新兴产业。"]}, index=pd.Index(["a"], name="doc_id"))
    first = ca.tokenize(corpus, cache=tmp_path)
    (entry,) = sorted(tmp_path.glob("tokens-*.parquet"))
    forged = pd.read_parquet(entry)
    forged["tokens"] = [["伪造词"] * len(forged["tokens"].iloc[0])]
    forged.to_parquet(entry, index=False)  # readable, same shape, different tokens; the checksum is the old one
    with pytest.warns(CacheWarning, match=rf"^cache entry '{re.escape(str(entry))}' was not used: its bytes do not "
                                          r"match the checksum beside it \(truncated, corrupt or edited\); it is "
                                          r"recomputed\.$"):
        again = ca.tokenize(corpus, cache=tmp_path)
    assert again["tokens"].tolist() == first["tokens"].tolist() and "伪造词" not in again["tokens"].iloc[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the recomputed entry is sealed again: read back without a word
        assert ca.tokenize(corpus, cache=tmp_path)["tokens"].tolist() == first["tokens"].tolist()


def _slow_square(delay, x):
    import time

    if isinstance(x, tuple):  # a later item: ("sum", values)
        return sum(x[1])
    time.sleep((delay or 0) * (x == 0))  # the first item is the slowest
    return x * x


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_map_then_runs_later_items_from_the_first_results(workers):
    from corpusanalysis._parallel import map_then

    seen = []
    results, later = map_then(_slow_square, [0, 1, 2, 3, 4], lambda firsts: [("sum", firsts)], first=3, shared=0.2,
                              workers=workers, on_result=lambda item, result: seen.append((item, result)))
    assert results == [0, 1, 4, 9, 16] and later == [0 + 1 + 4]
    assert seen == [(i, i * i) for i in range(5)]
    assert map_then(_slow_square, [1, 2], lambda firsts: [("sum", [len(firsts)])], first=0, workers=workers) == \
        ([1, 4], [0])
    with pytest.raises(ValueError, match=r"first must be between 0 and 2 \(the number of items\); got 3"):
        map_then(_slow_square, [1, 2], lambda firsts: [], first=3, workers=workers)


@pytest.mark.slow
def test_map_then_raises_a_worker_error():
    from corpusanalysis._parallel import map_then

    with pytest.raises(TypeError):
        map_then(_slow_square, [1, "x"], lambda firsts: [], first=2, shared=0, workers=2)


def _timed(_, x):
    import time

    start = time.monotonic()
    if x != 0 and not isinstance(x, str):
        time.sleep(0.3)
    return start


@pytest.mark.slow
def test_map_then_runs_later_items_before_the_items_still_waiting():
    # select_k: the coherence jobs, made once the fits are in, go before the shuffled-corpus fits still waiting
    from corpusanalysis._parallel import map_then

    starts, later = map_then(_timed, [0, 1, 2, 3, 4], lambda firsts: ["later"], first=1, workers=2)
    assert later[0] < starts[3] and later[0] < starts[4]
