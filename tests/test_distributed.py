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
    assert again.docs["tokens"].tolist() == first.docs["tokens"].tolist()
    assert (again.dtm.matrix != first.dtm.matrix).nnz == 0
    pd.testing.assert_frame_equal(again.cleaning, first.cleaning)


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


def test_dask_equals_local_on_seeds(root, client):
    docs, dtm = local_path(root / "seeds")
    result = run_pipeline(root / "seeds", audit=False, chunk_chars=5_000, backend="dask", scheduler=client)
    assert result.stats["backend"] == "dask" and result.stats["chunks"] >= 3
    assert_same(result, docs, dtm)


@pytest.mark.skipif(not GOV.is_dir(), reason="shared corpus not available")
def test_dask_equals_local_on_gov_work_reports_sample(client):
    sample = sorted(GOV.glob("*.txt"))[-8:]  # 2018–2025: the years with 新质生产力 and 容错纠错
    docs, dtm = local_path(sample)
    result = run_pipeline(sample, audit=False, chunk_chars=40_000, backend="dask", scheduler=client)
    assert result.stats["chunks"] >= 3
    assert_same(result, docs, dtm)


def test_dask_lazy_table_with_spill_equals_local(root, client, tmp_path, monkeypatch):
    import corpusanalysis.io.sources as sources

    monkeypatch.setattr(sources, "TABLE_BATCH_ROWS", 2)  # the CSV is read 2 rows at a time, in the client
    seeds = load_corpus(root / "seeds")
    table = tmp_path / "seeds.csv"
    pd.DataFrame({"doc_id": seeds.index, "text": seeds["raw"]}).to_csv(table, index=False)
    local = run_pipeline(table, audit=False, chunk_chars=5_000)
    remote = run_pipeline(table, audit=False, chunk_chars=5_000, backend="dask", scheduler=client,
                          spill=tmp_path / "parts")
    assert remote.stats["chunks"] == local.stats["chunks"] >= 3
    # the workers wrote the part files; only counts and per-document columns came back
    assert "tokens" not in remote.docs.columns and len(remote.parts) == remote.stats["chunks"]
    spilled = pd.concat(list(iter_parts(remote.parts)))
    assert spilled.index.tolist() == local.docs.index.tolist() == seeds.index.tolist()
    assert spilled["tokens"].tolist() == local.docs["tokens"].tolist()
    pd.testing.assert_frame_equal(remote.docs, local.docs.drop(columns=["tokens"]))
    assert remote.dtm.vocabulary == local.dtm.vocabulary and (remote.dtm.matrix != local.dtm.matrix).nnz == 0
    pd.testing.assert_frame_equal(keyness(remote.dtm, by="theme"), keyness(local.dtm, by="theme"))


def test_bad_backend_and_workers(root):
    with pytest.raises(ValueError, match="backend must be 'local' or 'dask'; got 'spark'"):
        run_pipeline(root / "seeds", backend="spark")
    with pytest.raises(ValueError, match="workers must be a positive int; got 0"):
        run_pipeline(root / "seeds", workers=0)


def test_cli_scheduler_address_equals_local(root, client, tmp_path):
    from corpusanalysis.cli import main

    address = client.scheduler.address  # a running scheduler, as `dask scheduler` would print
    assert address.startswith("tcp://")
    assert main(["tokenize", str(root / "seeds"), "--out", str(tmp_path / "local"), "--quiet"]) == 0
    assert main(["tokenize", str(root / "seeds"), "--out", str(tmp_path / "dask"), "--quiet", "--scheduler", address,
                 "--chunk-chars", "5000"]) == 0
    for name in ("tokens.parquet", "doc_term_counts.parquet"):
        local, remote = pd.read_parquet(tmp_path / "local" / name), pd.read_parquet(tmp_path / "dask" / name)
        if "tokens" in local.columns:
            local["tokens"], remote["tokens"] = local["tokens"].map(list), remote["tokens"].map(list)
        pd.testing.assert_frame_equal(local, remote)
    assert (tmp_path / "local" / "term_frequencies.csv").read_bytes() == (tmp_path / "dask" / "term_frequencies.csv").read_bytes()


def test_cli_unreachable_scheduler_names_the_address(root, tmp_path, capsys):
    pytest.importorskip("distributed")
    from corpusanalysis.cli import main

    code = main(["tokenize", str(root / "seeds"), "--out", str(tmp_path / "t"), "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 1
    assert "scheduler='tcp://127.0.0.1:9': cannot connect to a Dask scheduler there" in err
    assert "Is the scheduler running (dask scheduler)" in err
