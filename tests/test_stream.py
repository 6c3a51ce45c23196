"""Bounded memory in the chunked pipeline: lazy table sources, text and tokens spilled per chunk."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import corpusanalysis.io.sources as sources
from corpusanalysis import CorpusLoadError, load_corpus
from corpusanalysis.cli import main
from corpusanalysis.io.corpus import plan_chunks
from corpusanalysis.pipeline.chunked import iter_parts, run_pipeline
from tests.seed_excerpts import CX, RC, XZ

pytestmark = pytest.mark.slow  # starts processes, the command line, clusters or notebooks

TEXTS = [XZ, CX, RC, "  ", XZ[:60], RC[:40], CX[:80]]


@pytest.fixture()
def tables(tmp_path, monkeypatch):
    """The same corpus as a CSV and a Parquet file, without a doc_id column, read 2 rows at a time."""
    monkeypatch.setattr(sources, "TABLE_BATCH_ROWS", 2)
    frame = pd.DataFrame({"text": TEXTS, "year": [2024, 2016, 2020, 2021, 2024, 2016, 2020],
                          "kw": ["a", None, "b", None, "c", "d", None]})
    frame.to_csv(tmp_path / "c.csv", index=False)
    frame.to_parquet(tmp_path / "p.parquet", index=False)
    return tmp_path


@pytest.mark.parametrize("name", ["c.csv", "p.parquet"])
def test_table_source_is_read_lazily_and_equals_whole(tables, name):
    source = tables / name
    plan = plan_chunks(source, chunk_chars=150)
    assert not isinstance(plan.chunks, list)  # a generator: nothing read yet
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lazy = run_pipeline(source, chunk_chars=150, workers=2)
    assert any("1 empty or whitespace-only document(s) kept with empty=True: ['" in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = run_pipeline(load_corpus(source), chunk_chars=150)
    stem = source.stem
    assert lazy.docs.index.tolist() == [f"{stem}-{i:06d}" for i in range(7)]
    pd.testing.assert_frame_equal(lazy.docs, whole.docs)
    pd.testing.assert_frame_equal(lazy.summary, whole.summary)
    pd.testing.assert_frame_equal(lazy.cleaning, whole.cleaning)
    assert lazy.dtm.vocabulary == whole.dtm.vocabulary
    assert (lazy.dtm.matrix != whole.dtm.matrix).nnz == 0
    assert lazy.stats["chunks"] == whole.stats["chunks"] == 4
    assert lazy.stats["size"] == whole.stats["size"] == sum(len(t) for t in TEXTS)


def test_table_source_duplicate_ids_name_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "TABLE_BATCH_ROWS", 1)
    pd.DataFrame({"doc_id": ["x", "y", "x"], "text": [XZ, CX, RC]}).to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(CorpusLoadError, match=r"duplicate doc_id values \['x'\] in .*d\.csv"):
        run_pipeline(tmp_path / "d.csv")


def test_spill_keeps_text_and_tokens_out_of_memory(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in zip("abc", (XZ, CX, RC)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    kept = run_pipeline(folder, keep_text=True, chunk_chars=200, audit=False)
    spilled = run_pipeline(folder, keep_text=True, chunk_chars=200, audit=False, workers=2, spill=tmp_path / "parts")
    assert "text" not in spilled.docs.columns and "tokens" not in spilled.docs.columns
    assert [p.name for p in spilled.parts] == ["tokens-00000.parquet", "tokens-00001.parquet", "tokens-00002.parquet"]
    parts = pd.concat(list(iter_parts(spilled.parts)))
    assert list(parts.columns) == ["text", "tokens", "n_tokens"]
    assert parts["text"].tolist() == kept.docs["text"].tolist()
    assert parts["tokens"].tolist() == kept.docs["tokens"].tolist()
    pd.testing.assert_frame_equal(spilled.docs, kept.docs.drop(columns=["text", "tokens"]))
    assert (spilled.dtm.matrix != kept.dtm.matrix).nnz == 0


def test_cli_clean_and_tokenize_stream_from_parts(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in zip("abc", (XZ, CX, RC)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    pd.DataFrame({"doc_id": ["a", "c"], "year": [2024, 2016]}).to_csv(folder / "metadata.csv", index=False)
    for chunk in ("100", "1000000"):
        assert main(["clean", str(folder), "--out", str(tmp_path / f"c{chunk}"), "--quiet", "--chunk-chars", chunk]) == 0
        assert main(["tokenize", str(folder), "--out", str(tmp_path / f"t{chunk}"), "--quiet", "--chunk-chars", chunk,
                     "--workers", "2"]) == 0
        assert not (tmp_path / f"c{chunk}" / ".clean-parts").exists()
        assert not (tmp_path / f"t{chunk}" / ".tokenize-parts").exists()
    for folder_name, file in (("c", "clean.parquet"), ("t", "tokens.parquet")):
        many = pd.read_parquet(tmp_path / f"{folder_name}100" / file)
        one = pd.read_parquet(tmp_path / f"{folder_name}1000000" / file)
        if "tokens" in many.columns:
            many["tokens"], one["tokens"] = many["tokens"].map(list), one["tokens"].map(list)
        pd.testing.assert_frame_equal(many, one)
    cleaned = pd.read_parquet(tmp_path / "c100" / "clean.parquet")
    assert cleaned.columns[0] == "text" and cleaned.loc["c", "text"] == RC
    assert pd.isna(cleaned.loc["b", "year"]) and cleaned.loc["a", "year"] == 2024
    tokens = pd.read_parquet(tmp_path / "t100" / "tokens.parquet")
    assert list(tokens.loc["c", "tokens"][:3]) == ["二要", "发挥", "典型"]


def test_run_pipeline_refuses_a_dictionary_it_would_ignore(root):
    import corpusanalysis as ca

    with pytest.raises(ValueError, match=r"run_pipeline\(\): pass either dictionary= or tokenizer="):
        run_pipeline(root / "seeds", tokenizer=ca.Tokenizer(), dictionary=False)
