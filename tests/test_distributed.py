"""The chunked pipeline and its Dask backend give the results of the in-memory path, exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corpusanalysis import assign_themes, clean, doc_term_matrix, keyness, load_corpus, tokenize
from corpusanalysis.features import count_tokens, merge_counts
from corpusanalysis.pipeline.chunked import iter_parts, run_pipeline

pytestmark = pytest.mark.slow  # starts processes, the command line, clusters or notebooks

GOV = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "gov-work-reports" / "txt"


def local_path(source):
    docs = assign_themes(tokenize(clean(load_corpus(source))))
    return docs, doc_term_matrix(docs)


def assert_same(result, docs, dtm):
    assert result.docs.index.tolist() == docs.index.tolist()
    assert result.docs["tokens"].tolist() == docs["tokens"].tolist()
    assert result.docs["theme"].tolist() == docs["theme"].tolist()
    assert result.dtm.vocabulary == dtm.vocabulary
    assert result.dtm.row_ids == dtm.row_ids
    assert (result.dtm.matrix != dtm.matrix).nnz == 0
    assert np.array_equal(result.dtm.n_tokens, dtm.n_tokens)
    if result.dtm.rows["theme"].nunique() >= 2:
        pd.testing.assert_frame_equal(keyness(result.dtm, by="theme"), keyness(dtm, by="theme"))


def test_merge_counts_equals_one_count():
    lists = [("创新", "科技", "创新"), ("容错纠错",), (), ("新质生产力", "创新")]
    whole, vocab = count_tokens(lists)
    merged, mvocab = merge_counts([count_tokens(lists[:2]), count_tokens(lists[2:3]), count_tokens(lists[3:])])
    assert mvocab == vocab == ("创新", "容错纠错", "新质生产力", "科技")
    assert merged.toarray().tolist() == whole.toarray().tolist() == [[2, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0],
                                                                     [1, 0, 1, 0]]


def test_chunked_local_equals_in_memory_on_seeds(root, tmp_path):
    docs, dtm = local_path(root / "seeds")
    one = run_pipeline(root / "seeds", audit=False)
    assert one.stats["chunks"] == 1
    assert_same(one, docs, dtm)
    many = run_pipeline(root / "seeds", audit=False, chunk_chars=4_000, workers=2, spill=tmp_path / "parts")
    assert many.stats["chunks"] >= 3 and "tokens" not in many.docs.columns
    spilled = pd.concat(list(iter_parts(many.parts)))
    assert spilled["tokens"].tolist() == docs["tokens"].tolist()
    assert (many.dtm.matrix != dtm.matrix).nnz == 0 and many.dtm.vocabulary == dtm.vocabulary


def test_cache_rerun_is_identical(root, tmp_path):
    first = run_pipeline(root / "seeds", audit=True, chunk_chars=20_000, cache=tmp_path / "c")
    again = run_pipeline(root / "seeds", audit=True, chunk_chars=20_000, cache=tmp_path / "c")
    assert first.stats["cached_chunks"] == 0 and again.stats["cached_chunks"] == again.stats["chunks"]
    # everything is read back, nothing recomputed: documents, counts, themes, cleaning audit and warnings
    pd.testing.assert_frame_equal(again.docs, first.docs)
    assert again.docs["tokens"].tolist() == first.docs["tokens"].tolist()
    assert (again.dtm.matrix != first.dtm.matrix).nnz == 0 and again.dtm.vocabulary == first.dtm.vocabulary
    pd.testing.assert_frame_equal(again.dtm.rows, first.dtm.rows)
    pd.testing.assert_frame_equal(again.cleaning, first.cleaning)
    pd.testing.assert_frame_equal(again.theme_scores, first.theme_scores)
    pd.testing.assert_frame_equal(again.summary, first.summary)
    assert again.warnings == first.warnings
    # a run without the audit can use an entry written with it, not the other way round
    plain = run_pipeline(root / "seeds", audit=False, chunk_chars=20_000, cache=tmp_path / "c2")
    audited = run_pipeline(root / "seeds", audit=True, chunk_chars=20_000, cache=tmp_path / "c2")
    assert plain.cleaning is None and audited.stats["cached_chunks"] == 0
    pd.testing.assert_frame_equal(audited.cleaning, first.cleaning)


def test_a_corrupt_chunk_entry_is_recomputed_with_a_warning(root, tmp_path):
    # issue 16: a truncated cache file stopped the run with a raw Parquet error
    from corpusanalysis._cache import CacheWarning

    first = run_pipeline(root / "seeds", audit=True, chunk_chars=20_000, cache=tmp_path / "c")
    docs_entries = sorted((tmp_path / "c").glob("chunk-*-docs.parquet"))
    docs_entries[0].write_bytes(docs_entries[0].read_bytes()[:100])
    with pytest.warns(CacheWarning, match=r"chunk-.*-docs.parquet' was not used: its bytes do not match"):
        again = run_pipeline(root / "seeds", audit=True, chunk_chars=20_000, cache=tmp_path / "c")
    assert again.stats["cached_chunks"] == again.stats["chunks"] - 1
    pd.testing.assert_frame_equal(again.docs, first.docs)
    assert (again.dtm.matrix != first.dtm.matrix).nnz == 0


def test_cached_rerun_reports_the_same_warnings(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("新质生产力是创新起主导作用的先进生产力。", encoding="utf-8")
    (folder / "b.txt").write_text("　　\n", encoding="utf-8")
    first = run_pipeline(folder, audit=False, cache=tmp_path / "c")
    again = run_pipeline(folder, audit=False, cache=tmp_path / "c")
    assert again.stats["cached_chunks"] == 1
    assert any("empty" in w for w in first.warnings) and again.warnings == first.warnings


def test_cached_chunks_are_read_without_starting_workers(root, tmp_path, monkeypatch):
    import corpusanalysis.pipeline.chunked as chunked

    files = sorted((root / "seeds").glob("*.txt"))
    plain = run_pipeline(files, audit=True, chunk_chars=4_000, workers=1)
    first = run_pipeline(files[:3], audit=True, chunk_chars=4_000, workers=2, cache=tmp_path / "c")
    started = []
    real = chunked.bounded_map

    def watched(fn, items, **kwargs):
        items = list(items)
        started.append([i for i, _ in items])
        return real(fn, items, **kwargs)

    monkeypatch.setattr(chunked, "bounded_map", watched)
    again = run_pipeline(files[:3], audit=True, chunk_chars=4_000, workers=2, cache=tmp_path / "c")
    assert started == [] and again.stats["cached_chunks"] == again.stats["chunks"] >= 2
    pd.testing.assert_frame_equal(again.docs, first.docs)
    pd.testing.assert_frame_equal(again.cleaning, first.cleaning)
    # more files: the cached chunks at the front are read here, the rest (from the first miss) go to the workers
    more = run_pipeline(files, audit=True, chunk_chars=4_000, workers=2, cache=tmp_path / "c")
    assert len(started) == 1 and started[0][0] == more.stats["cached_chunks"] >= 2
    assert started[0] == list(range(started[0][0], more.stats["chunks"]))
    pd.testing.assert_frame_equal(more.docs, plain.docs)
    assert (more.dtm.matrix != plain.dtm.matrix).nnz == 0 and more.dtm.vocabulary == plain.dtm.vocabulary
    pd.testing.assert_frame_equal(more.cleaning, plain.cleaning)


def test_cached_tokens_are_stored_as_vocabulary_columns(root, tmp_path):
    # issue 15: the tokens go to the cache as int32 columns of the chunk's vocabulary (one string per distinct
    # token when read back), not as a Parquet list of strings; an entry whose codes do not fit is recomputed
    from corpusanalysis._cache import ContentCache

    first = run_pipeline(root / "seeds", audit=False, chunk_chars=8_000, cache=tmp_path / "c")
    store = ContentCache(tmp_path / "c")
    names = [p.name[:-len("-counts.npz")] for p in sorted((tmp_path / "c").glob("chunk-*-counts.npz"))]
    assert len(names) == first.stats["chunks"] >= 2
    for name in names:
        assert "tokens" not in store.read(f"{name}-docs").columns
        arrays = store.read_arrays(f"{name}-counts")
        assert arrays["tokens"].dtype == np.int32
    vocab_words = [store.read_arrays(f"{n}-counts") for n in names]
    assert sum(len(a["tokens"]) for a in vocab_words) == int(first.docs["n_tokens"].sum())
    again = run_pipeline(root / "seeds", audit=False, chunk_chars=8_000, cache=tmp_path / "c")
    assert again.stats["cached_chunks"] == again.stats["chunks"]
    assert again.docs["tokens"].tolist() == first.docs["tokens"].tolist()
    # a sealed entry with one code too few (not one this version writes) is not trusted
    arrays = store.read_arrays(f"{names[0]}-counts")
    store.write_arrays(f"{names[0]}-counts", {**arrays, "tokens": arrays["tokens"][:-1]})
    third = run_pipeline(root / "seeds", audit=False, chunk_chars=8_000, cache=tmp_path / "c")
    assert third.stats["cached_chunks"] == third.stats["chunks"] - 1
    assert third.docs["tokens"].tolist() == first.docs["tokens"].tolist()
