"""Chunked pipeline: clean → tokenize → count, a bounded piece of the corpus at a time.

The in-memory functions (:func:`~corpusanalysis.clean`, :func:`~corpusanalysis.tokenize`,
:func:`~corpusanalysis.features.doc_term_matrix`) stay the default for small corpora.  For a
corpus larger than memory, :func:`run_pipeline` reads the source in chunks of about
``chunk_chars`` characters (files are only read when their chunk is processed), runs the same
per-document functions on every chunk, writes the tokens of each chunk to a Parquet part file
(``spill=``) instead of keeping them, and keeps only sparse term counts, which are merged at the
end into one :class:`~corpusanalysis.features.DocTermMatrix`.  Peak memory is then about one chunk
per worker plus the sparse counts.

Every step is per document, so the result does not depend on the chunking, on the number of
workers, or on the backend: ``backend="local"`` (this process, or ``workers`` processes) and
``backend="dask"`` (a :mod:`dask.distributed` cluster, see :mod:`corpusanalysis.distributed`)
give identical tokens, counts and keyness tables (tested).

A cache folder (``cache=``) keeps the output of every chunk in Parquet, keyed by the chunk's
document ids and raw-text hashes, the cleaning options and the tokenizer's settings, so a re-run
on an unchanged corpus neither cleans nor tokenizes again.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import multiprocessing
import os
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._cache import ContentCache, digest, pack_strings, unpack_strings, write_parquet_atomic
from .._checks import user_stacklevel
from .._parallel import bounded_map
from ..analysis.themes import assign_themes, theme_scores
from ..errors import CorpusLoadError
from ..features import (
    NON_METADATA_COLUMNS,
    DocTermMatrix,
    compact_counts,
    count_tokens_with_codes,
    merge_counts,
)
from ..io.corpus import CHUNK_CHARS, ChunkPlan, FileChunk, corpus_summary, load_chunk, plan_chunks
from ..io.sources import FileSource, MetadataSpec, check_unique, metadata_problems
from ..text.clean import CleaningRules, clean, clean_and_report, cleaning_summary
from ..text.dictionary import DictionarySpec
from ..text.tokenize import Tokenizer

__all__ = ["PipelineResult", "iter_parts", "process_chunk", "run_pipeline"]


#: Columns :func:`process_chunk` never returns (they are large and later steps do not need them).
_DROPPED = ("raw", "token_spans")


# ----------------------------------------------------------------------------- one chunk
def _settings_key(tokenizer: Tokenizer, rules: CleaningRules | None, skip: Iterable[str], audit: bool,
                  keep_text: bool) -> str:
    rules_bytes = Path(rules).read_bytes() if isinstance(rules, (str, os.PathLike)) else repr(rules).encode()
    payload = {
        "tokenizer": tokenizer.settings_key,
        "rules": hashlib.sha256(rules_bytes).hexdigest(),
        "bundled_rules": hashlib.sha256((resources.files("corpusanalysis") / "data" / "cleaning_rules.yaml")
                                        .read_bytes()).hexdigest(),
        "cleaner": hashlib.sha256(Path(inspect.getfile(sys.modules[clean.__module__])).read_bytes()).hexdigest(),
        "skip": sorted(skip),
        "audit": audit,
        "keep_text": keep_text,
        "format": 3,  # 3: the tokens are stored as columns of the chunk's vocabulary, not as a Parquet list
    }
    return digest(payload)


def _chunk_key(corpus: pd.DataFrame, settings: str) -> str:
    h = hashlib.sha256(settings.encode())
    for doc_id, raw in zip(corpus.index, corpus["raw"].tolist()):
        h.update(str(doc_id).encode("utf-8", "surrogatepass") + b"\x00")
        h.update(hashlib.sha256(str(raw).encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()[:32]


def _to_parquet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "tokens" in out.columns:
        out["tokens"] = [list(t) for t in out["tokens"]]
    return out


def _from_parquet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    if "tokens" in frame.columns:
        frame["tokens"] = pd.Series([tuple(t.tolist()) for t in frame["tokens"]], index=frame.index, dtype=object)
    return frame


def process_chunk(spec: FileChunk | Iterable[str | os.PathLike[str]] | pd.DataFrame, tokenizer: Tokenizer, *,
                  rules: CleaningRules | None = None, skip: Iterable[str] = (), audit: bool = True,
                  keep_text: bool = False, cache: str | os.PathLike[str] | bool | None = None,
                  encoding: str | None = None, settings: str | None = None,
                  only_cached: bool = False) -> dict[str, Any] | None:
    """Clean, tokenize and count one chunk (a list of file paths or a corpus DataFrame).

    Returns a dict with ``docs`` (one row per document: metadata, page columns, ``tokens``,
    ``n_tokens``; ``text`` only with ``keep_text``; never ``raw`` or ``token_spans``),
    ``summary`` (:func:`corpus_summary`), ``cleaning`` (:func:`cleaning_summary`, ``None`` without
    ``audit``), ``counts`` (``(csr, vocabulary)`` of :func:`count_tokens`), ``warnings`` and
    ``cached`` (True when read from the cache), and ``token_codes``: every token's column in the
    vocabulary of ``counts``, all documents one after the other (``vocabulary[codes]`` are the
    tokens).  The same function runs in worker processes and on Dask workers.  ``only_cached``:
    return ``None`` instead of computing a chunk that is not cached.
    """
    corpus = load_chunk(spec, encoding)
    caught = list(corpus.attrs.get("warnings", []))
    settings = settings or _settings_key(tokenizer, rules, skip, audit, keep_text)
    store = ContentCache.from_option(cache)
    key = _chunk_key(corpus, settings) if store is not None else None
    summary = corpus_summary(corpus)
    if store is not None and key is not None:
        hit = _read_chunk(store, key, corpus, audit)
        if hit is not None:
            summary["n_tokens"] = hit["docs"]["n_tokens"].reindex(summary.index).astype("int64")
            return {**hit, "summary": summary, "warnings": caught + hit["warnings"], "cached": True}
    if only_cached:
        return None
    with warnings.catch_warnings(record=True) as more:
        warnings.simplefilter("always")
        if audit:  # one run of the cleaner gives the text and the audit trail it is summarised from
            cleaned, report = clean_and_report(corpus, rules=rules, skip=skip)
            cleaning = cleaning_summary(cleaned, report=report)
        else:
            cleaned, cleaning = clean(corpus, rules=rules, skip=skip), None
        texts = [t if isinstance(t, str) else "" for t in cleaned["text"].tolist()]
        tokens = [tuple(tokenizer.token_arrays(t)[0]) for t in texts]
    new_warnings = [str(w.message) for w in more]
    docs = cleaned.copy()
    docs["tokens"] = pd.Series(tokens, index=docs.index, dtype=object)
    docs["n_tokens"] = pd.Series([len(t) for t in tokens], index=docs.index, dtype="int64")
    if not keep_text:
        docs = docs.drop(columns=["text"])
    docs = docs.drop(columns=[c for c in _DROPPED if c in docs.columns])
    themes = scores = None
    if tokenizer.dictionary_ is not None and tokenizer.dictionary_.themes():
        labelled = assign_themes(docs.drop(columns=["theme"], errors="ignore"), dictionary=tokenizer.dictionary_,
                                 level="document")
        themes = labelled[[c for c in labelled.columns if c not in docs.columns or c == "theme"]]
        # theme_scores() checks for the columns of a tokenized corpus; it only reads the tokens
        scores = theme_scores(docs.assign(text="", token_spans=[()] * len(docs)), dictionary=tokenizer.dictionary_)
    matrix, vocab, codes = count_tokens_with_codes(tokens)
    counts = compact_counts((matrix, vocab))
    summary["n_tokens"] = docs["n_tokens"].reindex(summary.index).astype("int64")
    result = {"docs": docs, "cleaning": cleaning, "counts": counts, "themes": themes, "theme_scores": scores,
              "warnings": new_warnings}
    if store is not None and key is not None:
        _write_chunk(store, key, corpus, result, codes)
    return {**result, "summary": summary, "warnings": caught + new_warnings, "cached": False, "token_codes": codes}


def _write_chunk(store: ContentCache, key: str, corpus: pd.DataFrame, result: dict[str, Any],
                 codes: np.ndarray) -> None:
    """Store everything :func:`process_chunk` computed from a chunk (not what it read: that is re-read).

    The tokens are stored as ``codes``, their columns in the chunk's vocabulary (one int32 per token), not as
    a Parquet list of strings: reading them back then makes one string per distinct token instead of one per
    token (52 MB of chinaxiv-zh, 6 M tokens: a cached re-run took 2.7 s before, 1.4–2.0 s after).
    """
    docs = result["docs"]
    added = [c for c in docs.columns if (c not in corpus.columns or c in ("title", "source_site")) and c != "tokens"]
    matrix, vocab = result["counts"]
    # the arrays go last: their presence marks a complete entry
    store.write(f"chunk-{key}-docs", docs[added])
    for part in ("cleaning", "themes", "theme_scores"):
        if result[part] is not None:
            store.write(f"chunk-{key}-{part}", result[part])
    parts = [p for p in ("cleaning", "themes", "theme_scores") if result[p] is not None]
    store.write_arrays(f"chunk-{key}-counts", {
        "data": matrix.data, "indices": matrix.indices, "indptr": matrix.indptr,
        "shape": np.asarray(matrix.shape, dtype=np.int64),
        "tokens": codes.astype(np.int32 if len(vocab) < 2**31 else np.int64),
        **{f"vocabulary_{k}": v for k, v in pack_strings(vocab).items()},
        **{f"warnings_{k}": v for k, v in pack_strings(result["warnings"]).items()},
        **{f"parts_{k}": v for k, v in pack_strings(parts).items()}})


def _read_chunk(store: ContentCache, key: str, corpus: pd.DataFrame, audit: bool) -> dict[str, Any] | None:
    arrays = store.read_arrays(f"chunk-{key}-counts")
    if arrays is None:
        return None
    parts = set(_unpack(arrays, "parts"))
    if audit and "cleaning" not in parts:
        return None
    new = store.read(f"chunk-{key}-docs")
    if new is None:  # missing or not usable (the cache said why): recompute the chunk
        return None
    vocab = tuple(_unpack(arrays, "vocabulary"))
    lengths = new["n_tokens"].to_numpy(dtype=np.int64)
    codes = arrays.get("tokens")
    if codes is None or int(lengths.sum()) != len(codes) or (len(codes) and int(codes.max()) >= len(vocab)):
        return None  # not an entry this version wrote (its checksum matched): recompute rather than guess
    tokens = _tokens_from_codes(vocab, codes, lengths)
    new.insert(new.columns.get_loc("n_tokens"), "tokens", pd.Series(tokens, index=new.index, dtype=object))
    new.index = _object_index(new.index)
    docs = corpus.drop(columns=[c for c in new.columns if c in corpus.columns] + list(_DROPPED), errors="ignore")
    out: dict[str, Any] = {"docs": docs.join(new, how="left")}
    for part in ("cleaning", "themes", "theme_scores"):
        frame = store.read(f"chunk-{key}-{part}") if part in parts else None
        if part in parts and frame is None:
            return None
        if frame is not None and part != "theme_scores":
            frame.index = _object_index(frame.index)
        out[part] = frame
    matrix = sp.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=tuple(arrays["shape"]))
    out["counts"] = (matrix, vocab)
    out["warnings"] = _unpack(arrays, "warnings")
    out["token_codes"] = codes
    return out


def _tokens_from_codes(vocab: tuple[str, ...], codes: np.ndarray, lengths: np.ndarray) -> list[tuple[str, ...]]:
    """The token tuples of consecutive documents from their columns in ``vocab`` (one string object per distinct
    token, shared by all its occurrences)."""
    flat = np.array(vocab, dtype=object)[codes].tolist() if len(codes) else []
    ends = np.cumsum(lengths).tolist()
    return [tuple(flat[a:b]) for a, b in zip([0, *ends[:-1]], ends)]


def _pack_tokens(res: dict[str, Any]) -> dict[str, Any]:
    """A chunk's result for the trip from a worker to the main process: the tokens travel as their int32 columns in
    the chunk's vocabulary (``token_codes``), not as pickled tuples of str (6 M tokens: ~2 s of pickling saved)."""
    docs = res["docs"]
    if "tokens" not in docs.columns or res.get("token_codes") is None:
        return {**res, "token_codes": None}
    codes = res["token_codes"]
    small = codes.astype(np.int32) if len(res["counts"][1]) < 2**31 else codes
    return {**res, "docs": docs.assign(tokens=None), "token_codes": small, "tokens_packed": True}


def _unpack_tokens(res: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`_pack_tokens`, in the main process; ``token_codes`` is dropped either way."""
    out = {k: v for k, v in res.items() if k not in ("token_codes", "tokens_packed")}
    if res.get("tokens_packed"):
        docs = out["docs"]
        tokens = _tokens_from_codes(out["counts"][1], res["token_codes"], docs["n_tokens"].to_numpy(dtype=np.int64))
        out["docs"] = docs.assign(tokens=pd.Series(tokens, index=docs.index, dtype=object))
    return out


def _unpack(arrays: dict[str, np.ndarray], name: str) -> list[str]:
    return unpack_strings(arrays[f"{name}_utf8"], arrays[f"{name}_lengths"])


def _object_index(index: pd.Index) -> pd.Index:
    return pd.Index(index.astype(object), name="doc_id")


# ----------------------------------------------------------------------------- the pipeline
@dataclass
class PipelineResult:
    """What :func:`run_pipeline` returns.

    Attributes
    ----------
    docs : pandas.DataFrame
        One row per document (index ``doc_id``, sorted like the source): metadata, page columns,
        ``n_tokens`` and — unless spilled — ``tokens`` (tuples of str).
    dtm : DocTermMatrix
        Document-term counts of all documents, identical to ``doc_term_matrix(docs)``.
    summary : pandas.DataFrame
        :func:`~corpusanalysis.corpus_summary` of the raw documents, plus ``n_tokens``.
    cleaning : pandas.DataFrame or None
        :func:`~corpusanalysis.cleaning_summary` (with ``audit=True``).
    theme_scores : pandas.DataFrame or None
        :func:`~corpusanalysis.theme_scores` of every document (``docs`` also has the ``theme``
        columns of :func:`~corpusanalysis.assign_themes`); ``None`` without a dictionary.
    parts : list of Path
        The Parquet files holding the tokens when ``spill`` was given (``doc_id, tokens, n_tokens``;
        also ``text`` with ``keep_text``), one per chunk, in document order.
    warnings : list of str
        Warnings raised while loading and cleaning (empty documents, missing metadata …).
    stats : dict
        Chunks, cached chunks, documents, characters, backend, workers.
    """

    docs: pd.DataFrame
    dtm: DocTermMatrix
    summary: pd.DataFrame
    cleaning: pd.DataFrame | None
    theme_scores: pd.DataFrame | None = None
    parts: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


#: Columns written to the part files with ``spill=`` (``n_tokens`` is also kept in ``docs``).
_SPILLED = ("text", "tokens")


def _spill(i: int, res: dict[str, Any], spill_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Write the large columns of a chunk (clean text, tokens) to its part file; drop them from ``docs``."""
    docs = res["docs"]
    path = Path(spill_dir) / f"tokens-{i:05d}.parquet"
    cols = [c for c in (*_SPILLED, "n_tokens") if c in docs.columns]
    write_parquet_atomic(_to_parquet_frame(docs[cols]), path)
    return {**res, "docs": docs.drop(columns=[c for c in _SPILLED if c in docs.columns]), "part": str(path)}


def _process_spill(i: int, spec: FileChunk | Iterable[str | os.PathLike[str]] | pd.DataFrame, tokenizer: Tokenizer,
                   options: dict[str, Any], spill_dir: str | None) -> dict[str, Any]:
    res = process_chunk(spec, tokenizer, **options)
    assert res is not None
    return _spill(i, res, spill_dir) if spill_dir is not None else res


def _run_chunk(shared: tuple[Tokenizer, dict[str, Any], str | None],
               job: tuple[int, Iterable[str | os.PathLike[str]] | pd.DataFrame]) -> tuple[int, dict[str, Any]]:
    """The worker function of :func:`run_pipeline` (local processes and Dask alike): the worker writes the
    part file itself, so the tokens never travel back to the main process."""
    tokenizer, options, spill_dir = shared
    i, spec = job
    res = _process_spill(i, spec, tokenizer, options, spill_dir)
    # in a worker process the result is pickled: send the tokens compactly (in this process: as they are)
    return i, (_pack_tokens(res) if multiprocessing.parent_process() is not None else res)


def _resolve_tokenizer(dictionary: DictionarySpec, tokenizer: Tokenizer | None) -> Tokenizer:
    if tokenizer is not None:
        if not isinstance(tokenizer, Tokenizer):
            raise TypeError(f"tokenizer must be a corpusanalysis.Tokenizer; got {type(tokenizer).__name__}.")
        if dictionary is not None:
            raise ValueError("run_pipeline(): pass either dictionary= or tokenizer= (which has its own dictionary), "
                             "not both: the dictionary would be ignored.")
        return tokenizer
    return Tokenizer(dictionary)


def run_pipeline(source: FileSource | pd.DataFrame, *, metadata: MetadataSpec = None, dictionary: DictionarySpec = None,
                 tokenizer: Tokenizer | None = None, rules: CleaningRules | None = None, skip: Iterable[str] = (),
                 audit: bool = True, keep_text: bool = False, chunk_chars: int = CHUNK_CHARS, workers: int = 1,
                 cache: str | os.PathLike[str] | None = None, spill: str | os.PathLike[str] | None = None,
                 backend: Literal["local", "dask"] = "local", scheduler: Any = None, text_column: str | None = None,
                 encoding: str | None = None, progress: bool = False) -> PipelineResult:
    """Clean → tokenize → count a corpus chunk by chunk, locally or on a Dask cluster.

    Parameters
    ----------
    source : folder, glob, list of paths, table file or corpus DataFrame
        As for :func:`~corpusanalysis.load_corpus`; files are read chunk by chunk.
    metadata : path or DataFrame, optional
        As for :func:`~corpusanalysis.load_corpus` (default: ``metadata.csv`` beside the files).
    dictionary : path or PolicyDictionary, optional
        The policy dictionary (default: the bundled one).  Not with ``tokenizer``, which has its own.
    tokenizer : Tokenizer, optional
    rules, skip
        Cleaning options, as for :func:`~corpusanalysis.clean`.
    audit : bool, default True
        Also compute the cleaning summary (from the same run of the cleaner, at no extra cost).
    keep_text : bool, default False
        Keep the clean ``text`` column in ``docs`` (needed for KWIC and sentence windows).
    chunk_chars : int, default 1,000,000
        Approximate characters per chunk.
    workers : int, default 1
        Local worker processes (``backend="local"``).
    cache : path, optional
        Folder of the per-chunk cache.
    spill : path, optional
        Folder for Parquet part files with the tokens (and the clean ``text`` with ``keep_text``),
        written by the worker that processed the chunk (with ``backend="dask"`` the folder must be
        on a file system the workers share); ``docs`` then has no ``tokens`` (or
        ``text``) column and memory stays bounded by the chunks in flight (at most two per worker)
        plus the sparse counts and the small per-document columns.
    backend : {"local", "dask"}, default "local"
    scheduler : str or distributed.Client, optional
        With ``backend="dask"``: a scheduler address (``"tcp://host:8786"``), a ``Client``, or
        ``None`` for a new local cluster.
    progress : bool, default False
        Show a tqdm progress bar over the chunks.

    Returns
    -------
    PipelineResult

    Examples
    --------
    >>> from corpusanalysis.io.sources import seeds_dir
    >>> result = run_pipeline(seeds_dir(), chunk_chars=5_000, audit=False)
    >>> result.dtm.shape[0], result.stats["chunks"] > 1
    (5, True)
    """
    from tqdm.auto import tqdm

    if backend not in ("local", "dask"):
        raise ValueError(f"backend must be 'local' or 'dask'; got {backend!r}.")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int; got {workers!r}.")
    if isinstance(chunk_chars, bool) or not isinstance(chunk_chars, int) or chunk_chars < 1:
        raise ValueError(f"chunk_chars must be a positive int; got {chunk_chars!r}.")
    tok = _resolve_tokenizer(dictionary, tokenizer)
    with warnings.catch_warnings(record=True) as planned:  # e.g. which text column was read: also on the result
        warnings.simplefilter("always")
        plan = plan_chunks(source, metadata=metadata, chunk_chars=chunk_chars, text_column=text_column,
                           encoding=encoding)
    for w in planned:
        warnings.warn(w.message, w.category, stacklevel=user_stacklevel())
    settings = _settings_key(tok, rules, skip, audit, keep_text)
    options: dict[str, Any] = dict(rules=rules, skip=tuple(skip), audit=audit, keep_text=keep_text,
                                   cache=str(cache) if cache else None, encoding=encoding, settings=settings)
    spill_dir = Path(spill) if spill is not None else None
    if spill_dir is not None:
        spill_dir.mkdir(parents=True, exist_ok=True)
        for old in spill_dir.glob("tokens-*.parquet"):
            old.unlink()
    n = len(plan.chunks) if isinstance(plan.chunks, list) else None
    bar = tqdm(total=n, desc="clean+tokenize+count", unit="chunk", disable=not progress, leave=False)
    results: list[dict[str, Any]] = []
    parts: list[Path] = []

    def keep(i: int, res: dict[str, Any]) -> None:
        # chunks arrive in order; only the small per-document columns and the sparse counts stay here
        res = _unpack_tokens(res)
        if spill_dir is not None and "part" not in res:
            res = _spill(i, res, spill_dir)
        if res.get("part") is not None:
            parts.append(Path(res.pop("part")))
        results.append(res)
        bar.update(1)

    spill_arg = str(spill_dir.resolve()) if spill_dir is not None else None
    jobs: Iterator[tuple[int, Any]] = enumerate(plan.chunks)
    if cache and (workers > 1 or backend == "dask"):
        # cached chunks are read here until the first one that is not: a fully cached re-run starts no workers
        # (measured: pool start-up was a third of a cached re-run); the chunk that missed is handed on
        for i, spec in jobs:
            hit = process_chunk(spec, tok, **options, only_cached=True)
            if hit is None:
                jobs = itertools.chain([(i, spec)], jobs)
                break
            keep(i, hit)
    remaining = None if n is None else n - len(results)
    # at most 2 chunks per worker in flight: memory is bounded by the chunk size, not the corpus size
    if remaining != 0:
        for i, res in bounded_map(_run_chunk, jobs, shared=(tok, options, spill_arg), workers=workers,
                                  backend=backend, scheduler=scheduler, n_items=remaining,
                                  name="corpusanalysis-chunk"):
            keep(i, res)
    bar.close()
    return _assemble(results, plan, sorted(parts), backend, workers, [str(w.message) for w in planned])


def _assemble(results: list[dict[str, Any]], plan: ChunkPlan, parts: list[Path], backend: str,
              workers: int, planned: list[str] | None = None) -> PipelineResult:
    docs = pd.concat([r["docs"] for r in results])
    summary = pd.concat([r["summary"] for r in results])
    cleanings = [r["cleaning"] for r in results if r["cleaning"] is not None]
    cleaning = pd.concat(cleanings) if cleanings else None
    caught = list(planned or []) + [w for r in results for w in r["warnings"]]
    check_unique([str(i) for i in docs.index], "the source")
    if plan.metadata is not None:
        meta = plan.metadata
        caught += metadata_problems(docs.index, docs.columns, meta, plan.metadata_name,
                                     ignore=("title", "source_site"), limit=20)
        # metadata wins over what cleaning read off the page (as load_corpus + clean would do)
        page_filled = [c for c in ("title", "source_site") if c in meta.columns and c in docs.columns]
        docs = docs.drop(columns=page_filled).join(meta, how="left")
        docs["has_metadata"] = docs.index.isin(meta.index)
        for col in ("genre", "script", "year"):
            if col in meta.columns:
                summary[col] = meta[col].reindex(summary.index)
    labels = corpus_summary(pd.DataFrame({"raw": "", **{c: docs[c] for c in ("title", "genre") if c in docs.columns}},
                                         index=docs.index))["label"]
    summary["label"] = labels.reindex(summary.index)
    themes = [r["themes"] for r in results if r["themes"] is not None]
    if themes:
        if "theme" in docs.columns:
            raise CorpusLoadError("the corpus metadata has a 'theme' column, which the dictionary's theme labels would "
                                  "overwrite; rename it (e.g. to 'theme_metadata').")
        docs = docs.join(pd.concat(themes), how="left")
    scores = [r["theme_scores"] for r in results if r["theme_scores"] is not None]
    theme_table = pd.concat(scores, ignore_index=True) if scores else None
    matrix, vocab = merge_counts([r["counts"] for r in results])
    rows = docs.drop(columns=[c for c in NON_METADATA_COLUMNS if c in docs.columns]).copy()
    rows["n_tokens"] = rows["n_tokens"].astype("int64")
    rows.index = pd.Index([str(i) for i in docs.index], name="doc_id", dtype="string")
    dtm = DocTermMatrix.from_counts(matrix, vocab, rows)
    stats = {"chunks": len(results), "cached_chunks": sum(bool(r["cached"]) for r in results),
             "documents": len(docs),
             "size": plan.n_chars if plan.n_chars is not None else int(summary["n_chars"].sum()), "backend": backend,
             "workers": workers}
    return PipelineResult(docs, dtm, summary.sort_index(), cleaning.sort_index() if cleaning is not None else None,
                          theme_table, list(parts), caught, stats)


def iter_parts(parts: Iterable[str | os.PathLike[str]]) -> Iterator[pd.DataFrame]:
    """Read back the token part files of a spilled :func:`run_pipeline` one at a time."""
    for path in parts:
        frame = pd.read_parquet(path)
        frame.index = pd.Index(frame.index.astype(object), name="doc_id")
        yield _from_parquet_frame(frame)
