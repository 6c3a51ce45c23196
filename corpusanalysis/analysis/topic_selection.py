"""Choosing k: coherence, perplexity, diversity and stability across seeds, and a documented rule.

:func:`select_k` fits every k with several seeds and tabulates coherence (``c_v``, ``c_npmi``,
``u_mass`` from gensim's ``CoherenceModel``, always with ``processes=1``), in-sample perplexity,
topic diversity and **stability**: topics of two seeds are matched one to one by minimal
Jensen-Shannon divergence (Hungarian algorithm) and the mean matched similarity (1 - JSD, base 2,
so in [0, 1]) is reported, next to the same similarity against a model of a shuffled corpus (same
row lengths and term frequencies, co-occurrence destroyed): similarity that word frequencies alone
produce.  :func:`choose_k` applies a documented rule to that table.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Iterable, Sequence
from numbers import Integral
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._checks import check_int, check_seed, renamed
from .._parallel import map_then
from ..features import DocTermMatrix
from . import _lda
from ._lda import EMPTY_TOPIC_TOKENS, BowDoc, CoherenceMeasure, LdaData
from .topics import COHERENCE_MEASURES, TopicModel

if TYPE_CHECKING:
    from gensim.corpora import Dictionary

__all__ = ["SELECT_K_COLUMNS", "choose_k", "select_k"]

logger = logging.getLogger("corpusanalysis")


#: Columns of :func:`select_k`.
SELECT_K_COLUMNS = ("k", "seed", "c_v", "c_npmi", "u_mass", "perplexity", "diversity", "stability",
                    "stability_null", "term_overlap", "n_empty_topics", "note")


# ----------------------------------------------------------------------------- choosing k
def _shuffled(data: LdaData, seed: int) -> list[BowDoc]:
    """Bag-of-words of a null corpus: the same row lengths and term totals, tokens dealt at random."""
    counts = data.counts
    rows = data.nonempty
    lengths = np.asarray(counts[rows].sum(axis=1)).ravel().astype(np.int64)
    tokens = np.repeat(np.arange(counts.shape[1]), data.term_counts())
    np.random.default_rng(seed).shuffle(tokens)
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    out = []
    for i in range(len(rows)):
        ids, cts = np.unique(tokens[bounds[i]:bounds[i + 1]], return_counts=True)
        out.append(list(zip(ids.tolist(), cts.tolist())))
    return out


def _shuffled_words(data: LdaData, seed: int) -> list[list[str]]:
    """The rows of :func:`_shuffled` as tomotopy word lists (each row's tokens in vocabulary order, as the bag of
    words lists them), made with array operations instead of one ``np.unique`` and one Python loop per row."""
    counts = data.counts
    rows = data.nonempty
    lengths = np.asarray(counts[rows].sum(axis=1)).ravel().astype(np.int64)
    tokens = np.repeat(np.arange(counts.shape[1]), data.term_counts())
    np.random.default_rng(seed).shuffle(tokens)  # the same deal as _shuffled
    row_of = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    flat = np.asarray(data.vocabulary, dtype=object)[tokens[np.lexsort((tokens, row_of))]].tolist()
    ends = np.cumsum(lengths).tolist()
    return [flat[a:b] for a, b in zip([0, *ends[:-1]], ends)]


def _fit_one(shared: tuple[LdaData, Dictionary, dict[str, Any], dict[str, Any], int], job: tuple[int, int, bool]
             ) -> dict[str, Any]:
    """One job of :func:`select_k` (in a worker process or here): a (k, seed) fit, or (``null``) the fit of k
    on the shuffled corpus dealt with that seed; the arrays the table is computed from."""
    data, dictionary, model_params, fit_params, topn = shared
    k, seed, null = job
    if null:
        if fit_params["backend"] == "tomotopy":
            return {"phi": _lda.train_tomotopy(data, k, seed, fit_params, "select_k()",
                                               words=_shuffled_words(data, seed), row_counts=False)[1]}
        return {"phi": _lda.train(data, dictionary, k, seed, fit_params, bow=_shuffled(data, seed)).get_topics()
                .astype(np.float64)}
    if fit_params["backend"] == "tomotopy":
        # what the table needs without each row's topic counts (reading them back from tomotopy is a tenth of a fit):
        # the topics in TopicModel's order (by tokens), their top terms and tokens, the model's perplexity
        model, phi, _, mass = _lda.train_tomotopy(data, k, seed, fit_params, "select_k()", rows=data.nonempty,
                                                  row_counts=False)
        vocab = np.asarray(data.vocabulary, dtype=object)
        order = _lda.topic_order(mass[None, :], phi, vocab)
        phi, mass = phi[order], mass[order]
        phi = phi / phi.sum(axis=1, keepdims=True)
        top = _lda.top_indices(phi, vocab, topn)
        return {"phi": phi, "perplexity": float(model.perplexity), "top": [list(vocab[row]) for row in top],
                "mass": mass}
    model = TopicModel(**{**model_params, "n_topics": k, "random_state": seed})
    model._fit_prepared(data, dictionary, fit_params, where="select_k()")
    return {"phi": model.topic_term_.to_numpy(), "perplexity": model.perplexity(), "top": model._top_term_lists(topn),
            "mass": model._topic_mass()}


def _select_k_job(shared: tuple[LdaData, LdaData, Dictionary, dict[str, Any], dict[str, Any], int],
                  job: tuple[Any, ...]) -> Any:
    """One job of :func:`select_k` (in a worker process or here): a fit ``(k, seed, null)`` (see :func:`_fit_one`) or
    ``("coherence", measure, topics)``: one coherence measure of every topic (over the reference texts)."""
    data, fit_data, dictionary, model_params, fit_params, topn = shared
    if job[0] == "coherence":
        _, measure, flat = job
        return _lda.coherence(flat, data, dictionary, [measure])[measure]
    return _fit_one((fit_data, dictionary, model_params, fit_params, topn), job)


def _diversity(top: np.ndarray) -> float:
    """Share of distinct terms among the topics' top terms (``top``: ``top_indices`` of the topics, 25 each)."""
    return float(len(np.unique(top)) / top.size)


@renamed(seeds="random_state", topn="n")
def select_k(data: pd.DataFrame | DocTermMatrix, ks: int | Iterable[int] = range(3, 9), *,
             random_state: int | Iterable[int] = (0, 1, 2), n: int = 10, null: bool = True,
             measures: CoherenceMeasure | Sequence[CoherenceMeasure] = COHERENCE_MEASURES, workers: int = 1,
             progress: bool = False, **params: Any) -> pd.DataFrame:
    """Fit every k with every seed and tabulate the evidence for choosing k.

    Parameters
    ----------
    data : pandas.DataFrame or DocTermMatrix
        As for :meth:`TopicModel.fit` (prepared and pruned once, shared by all fits).
    ks : int or iterable of int, default 3..8
        Numbers of topics to try (each >= 2).
    random_state : int or sequence of int, default (0, 1, 2)
        Random seeds; each (k, seed) is one fit.  At least two are needed for stability.
    n : int, default 10
        Top terms per topic for coherence.
    null : bool, default True
        Also fit each k once on a shuffled corpus (same row lengths and term totals, tokens dealt at
        random with the first seed, fitted with that seed) and report the similarity of every seed's
        topics to those (``stability_null``).
    measures : sequence of {"c_v", "c_npmi", "u_mass"}
        Coherence measures (gensim ``CoherenceModel``, ``processes=1``; the reference texts are
        the fitted rows, see :func:`topic_coherence`).
    workers : int, default 1
        Processes running the fits (and then the coherence measures) at once.  Every fit is seeded
        and single-process, so the table does not depend on ``workers`` (tested); each process holds
        one copy of the counts.
    progress : bool, default False
        Show a tqdm progress bar over the fits (each fit is also logged at INFO level on the
        ``corpusanalysis`` logger).
    **params
        :class:`TopicModel` parameters (``backend``, ``unit``, ``min_df``, ``iterations``, ``alpha`` …).
        With ``backend="tomotopy"`` the shuffled-corpus twin is fitted with tomotopy too.

    Returns
    -------
    pandas.DataFrame
        One row per (k, seed), sorted by k and seed; columns

        ``k``, ``seed``
        ``c_v``, ``c_npmi``, ``u_mass``
            Mean coherence over the non-empty topics (higher is better; ``u_mass`` is negative).
        ``perplexity``
            In-sample perplexity per token (``2 ** -bound``); it usually falls with k and is no
            guide to interpretability (Chang et al. 2009): reported, not used by :func:`choose_k`.
        ``diversity``
            Share of distinct terms among the top 25 terms of all topics (1 = no shared terms).
        ``stability``
            Mean over the other seeds of the mean similarity (1 − Jensen-Shannon divergence, base 2)
            of the topics matched one to one by the Hungarian algorithm.
        ``stability_null``
            The same similarity between this run and the run of this k on the shuffled corpus: what word
            frequencies alone give.  ``stability`` near ``stability_null`` means the seeds agree
            about little more than which words are frequent.
        ``term_overlap``
            Mean share of top-10 terms that matched topics of different seeds share.
        ``n_empty_topics``
            Topics with less than one expected token (left out of the coherence means).
        ``note``
            Why a value is NaN or what was left out; empty otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import select_k
    >>> docs = pd.DataFrame({"tokens": [("创新", "科技", "创新"), ("容错纠错", "干部", "干部"),
    ...                                 ("科技", "创新"), ("干部", "容错纠错"), ("县域", "科技")]},
    ...                     index=pd.Index(list("abcde"), name="doc_id"))
    >>> table = select_k(docs, [2, 3, 9], random_state=(0, 1), unit="document", min_df=1, measures="u_mass")
    >>> table[["k", "seed", "n_empty_topics"]].to_numpy().tolist()
    [[2, 0, 0], [2, 1, 0], [3, 0, 1], [3, 1, 1], [9, 0, 0], [9, 1, 0]]
    >>> table["note"].iloc[2]
    'top 5 terms per topic (the whole vocabulary), not 10; T3 is empty (0.03 expected tokens): its top terms are
    arbitrary, coherence not computed; coherence is the mean over 2 of 3 topics'
    >>> table["note"].iloc[-1]
    'k=9 exceeds the 5 rows with terms: more topics than documents cannot be estimated (fit on smaller units, or
    choose k <= 5)'
    """
    where = "select_k()"
    measures = _lda.check_measures(measures)
    # isinstance(x, (int, Integral)) is isinstance(x, Integral) (numpy ints included); int is named for mypy, which
    # does not count int as an Integral.
    if isinstance(ks, (int, Integral)):
        ks = [ks]
    k_values = sorted({int(_check_k_value(k)) for k in ks})
    if not k_values:
        raise ValueError("select_k(): ks is empty; pass the numbers of topics to try, e.g. range(3, 9).")
    given = [random_state] if isinstance(random_state, (int, Integral)) else list(random_state)
    seeds = [check_seed(s, "random_state") for s in given]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(
            f"random_state must be distinct int seeds (at least one; two or more for stability); got {seeds!r}."
        )
    n = check_int(n, "n", 2)
    workers = check_int(workers, "workers", 1)
    base = TopicModel(**{**params, "n_topics": 2})
    fit_params = base._check_params(where)
    prepared = _lda.prepare(data, unit=base.unit, min_df=base.min_df, max_df=base.max_df, where=where)
    vocab = np.asarray(prepared.vocabulary, dtype=object)
    records: list[dict[str, Any]] = []
    runs: list[tuple[dict[str, Any], list[list[str]], np.ndarray]] = []  # (record, top terms, masses) for coherence
    topn_used = min(n, len(vocab))
    fitted_ks = []
    for k in k_values:
        problem = _lda.k_problem(k, prepared)
        if problem:
            for s in seeds:
                records.append({"k": k, "seed": s, "n_empty_topics": 0, "note": problem})
        else:
            fitted_ks.append(k)
    # every (k, seed) fit and every k's shuffled-corpus twin is independent: they run in `workers` processes, all
    # on the one prepared vocabulary, and come back as arrays.  One twin per k (dealt and seeded with the first
    # seed) is the baseline of every seed of that k: a shuffled corpus has no structure for seeds to disagree
    # about, and one twin per k instead of per seed saves a third of the fits.  The (k, seed) fits go first, the
    # largest k first (no process waits long for the other at the end); as soon as they are in, the coherence
    # measures of their topics are queued behind the twins, in the same processes.
    jobs: list[tuple[Any, ...]] = sorted(((k, s, False) for k in fitted_ks for s in seeds),
                                         key=lambda job: (-job[0], seeds.index(job[1])))
    n_fits = len(jobs)
    jobs += [(k, seeds[0], True) for k in sorted(fitted_ks, reverse=True)] if null else []
    dictionary = _lda.gensim_dictionary(prepared)  # built once: every fit and the coherence pass use it
    shared = (prepared, dataclasses.replace(prepared, texts=[]), dictionary, base.get_params(), fit_params, topn_used)
    bar = tqdm(total=len(jobs), desc="select_k fits", unit="fit", disable=not progress, leave=False)
    started = time.perf_counter()
    done = [0]

    def log(job: tuple[Any, ...], _: Any) -> None:
        done[0] += 1
        bar.update(1)
        logger.info("select_k(): k=%d seed=%d %s (%d/%d, %.0f s)", job[0], job[1],
                    "shuffled-corpus twin fitted" if job[2] else "fitted", done[0], len(jobs),
                    time.perf_counter() - started)

    def coherence_jobs(results: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        by_job = dict(zip(jobs, results))
        flat = [t for k in fitted_ks for s in seeds for t in by_job[(k, s, False)]["top"]]
        return [("coherence", measure, flat) for measure in measures] if flat else []

    results, parts = map_then(_select_k_job, jobs, coherence_jobs, first=n_fits, shared=shared, workers=workers,
                              on_result=log)
    bar.close()
    fits: dict[tuple[Any, ...], dict[str, Any]] = dict(zip(jobs, results))
    rank = _lda.term_rank(vocab)  # one tie-break order for every top-terms list below
    for k in fitted_ks:
        phis = [fits[(k, s, False)]["phi"] for s in seeds]
        tops = [_lda.top_indices(phi, vocab, 25, rank=rank) for phi in phis]  # diversity's 25; overlap's first 10
        # one JSD matrix per pair of seeds: the other order is its transpose (js_matrix is exactly symmetric)
        costs = {(j, jj): _lda.js_matrix(phis[j], phis[jj])
                 for j in range(len(seeds)) for jj in range(j + 1, len(seeds))}
        for j, s in enumerate(seeds):
            fit = fits[(k, s, False)]
            rec: dict[str, Any] = {"k": k, "seed": s, "perplexity": fit["perplexity"],
                                   "diversity": _diversity(tops[j]), "note": []}
            if len(seeds) > 1:
                sims, overlaps = [], []
                for jj in range(len(seeds)):
                    if jj != j:
                        cost = costs[(j, jj)] if j < jj else costs[(jj, j)].T
                        r, c, sim = _lda.match(phis[j], phis[jj], cost=cost)
                        # exactly rounded sums: the same pair matched from either seed lists its similarities in
                        # another order, and numpy's summation order depends on the CPU's vector width
                        sims.append(math.fsum(sim.tolist()) / len(sim))
                        overlaps.append(_lda.overlap(tops[j][:, :10], tops[jj][:, :10], r, c).mean())
                rec["stability"] = math.fsum(sims) / len(sims)
                rec["term_overlap"] = float(np.mean(overlaps))
            else:
                rec["stability"] = rec["term_overlap"] = np.nan
                rec["note"].append("stability needs at least two seeds")
            if null:
                _, _, sim = _lda.match(phis[j], fits[(k, seeds[0], True)]["phi"])
                rec["stability_null"] = float(sim.mean())
            else:
                rec["stability_null"] = np.nan
                rec["note"].append("no shuffled-corpus baseline (null=False)")
            runs.append((rec, fit["top"], fit["mass"]))
            records.append(rec)
        del phis, costs
    # coherence of every topic of every run (one pass over the reference texts per measure), computed above
    values: dict[str, np.ndarray] = dict(zip(measures, parts))
    logger.info("select_k(): coherence (%s) of %d topics computed (%.0f s)", ", ".join(measures),
                sum(len(lists) for _, lists, _ in runs), time.perf_counter() - started)
    offset = 0
    for rec, lists, mass in runs:
        k = len(lists)
        raw: dict[str, np.ndarray] = {meas: values[meas][offset:offset + k] for meas in measures}
        offset += k
        per_topic, notes, model_notes = _lda.coherence_notes(lists, mass, raw, measures, n, prepared)
        note = list(model_notes) + [n for n in notes if n]
        n_ok = {}
        for meas in measures:
            finite = np.isfinite(per_topic[meas])
            rec[meas] = float(per_topic[meas][finite].mean()) if finite.any() else np.nan
            n_ok[meas] = int(finite.sum())
        if len(set(n_ok.values())) == 1 and min(n_ok.values()) < k:
            note.append(f"coherence is the mean over {min(n_ok.values())} of {k} topics")
        else:
            note.extend(f"{meas} is the mean over {n} of {k} topics" for meas, n in n_ok.items() if n < k)
        rec["n_empty_topics"] = int((np.asarray(mass) < EMPTY_TOPIC_TOKENS).sum())
        rec["note"] = "; ".join(note + rec["note"])
    table = pd.DataFrame.from_records(records)
    for col in SELECT_K_COLUMNS:
        if col not in table.columns:
            table[col] = np.nan
    table = table[list(SELECT_K_COLUMNS)].sort_values(["k", "seed"], kind="stable").reset_index(drop=True)
    table["k"] = table["k"].astype(np.int64)
    table["seed"] = table["seed"].astype(np.int64)
    table["n_empty_topics"] = table["n_empty_topics"].fillna(0).astype(np.int64)
    for col in ("c_v", "c_npmi", "u_mass", "perplexity", "diversity", "stability", "stability_null", "term_overlap"):
        table[col] = table[col].astype(np.float64)
    table["note"] = pd.array(table["note"].fillna("").astype(str), dtype="string")
    return table


def _check_k_value(k: object) -> Integral:
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 2:
        raise ValueError(f"ks must hold ints >= 2 (numbers of topics); got {k!r}.")
    return k


def choose_k(table: pd.DataFrame, *, metric: CoherenceMeasure = "c_npmi", min_stability: float = 0.7,
             decimals: int = 3) -> tuple[int, str]:
    """Pick k from a :func:`select_k` table by a fixed, documented rule.

    The rule: average every column over seeds; a k is *eligible* if its ``metric`` could be
    computed, its mean ``stability`` is at least ``min_stability`` and (when the shuffled-corpus
    baseline was computed) above its mean ``stability_null``.  Among eligible k, the one with the
    highest mean ``metric`` wins; means equal when rounded to ``decimals`` are ties, and ties go to
    the smaller k (fewer topics are easier to read and to defend).  If no k is eligible, the k with
    the highest mean stability is returned (ties → smaller k) and the reason says so.

    NPMI (``c_npmi``) is the default metric: it tracks human judgements of topic quality (Lau et al.
    2014; Röder et al. 2015) and, unlike ``c_v``, is a plain average of pairwise word associations.

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`select_k`.
    metric : {"c_npmi", "c_v", "u_mass"}, default "c_npmi"
    min_stability : float, default 0.7
        Minimum mean matched similarity (1 − JSD) across seeds.
    decimals : int, default 3

    Returns
    -------
    (int, str)
        The chosen k and the reason, with the numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import choose_k
    >>> table = pd.DataFrame({"k": [3, 3, 4, 4, 5, 5], "seed": [0, 1] * 3,
    ...     "c_npmi": [0.10, 0.12, 0.15, 0.13, 0.20, 0.22],
    ...     "stability": [0.9, 0.9, 0.8, 0.8, 0.6, 0.6], "stability_null": [0.5] * 6})
    >>> choose_k(table)[0]
    4
    >>> choose_k(table)[1]
    'k=4: highest mean c_npmi (0.140 over 2 seeds) among the k whose topics are stable across seeds (mean 1 − JSD
    ≥ 0.7 and above the shuffled-corpus baseline): eligible k = 3, 4 (not eligible: 5); its stability 0.800
    (baseline 0.500).'
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"choose_k() expects the table of select_k(); got {type(table).__name__}.")
    if metric not in COHERENCE_MEASURES:
        raise ValueError(f"metric must be one of {list(COHERENCE_MEASURES)}; got metric={metric!r}.")
    needed = ("k", metric, "stability")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"choose_k(): table lacks column(s) {missing}; pass the table of select_k() (columns "
                         f"{list(SELECT_K_COLUMNS)}).")
    if len(table) == 0:
        raise ValueError("choose_k(): the table is empty.")
    null = "stability_null" in table.columns and table["stability_null"].notna().any()
    cols = [metric, "stability"] + (["stability_null"] if null else [])
    summary = table.groupby("k", sort=True)[cols].mean()
    n_seeds = table.groupby("k", sort=True)[metric].count()
    eligible = summary[metric].notna() & (summary["stability"] >= min_stability)
    if null:
        eligible &= summary["stability"] > summary["stability_null"]
    ks = [int(k) for k in summary.index[eligible.to_numpy()]]
    rest = [int(k) for k in summary.index if int(k) not in ks]
    baseline = " and above the shuffled-corpus baseline" if null else ""

    def _fmt(k: int) -> str:
        base = f" (baseline {summary.loc[k, 'stability_null']:.3f})" if null else ""
        return f"its stability {summary.loc[k, 'stability']:.3f}{base}"

    if ks:
        scores = summary.loc[ks, metric].round(decimals)
        best = scores.max()
        k = int(min(kk for kk in ks if scores.loc[kk] == best))
        tied = [int(kk) for kk in ks if scores.loc[kk] == best and kk != k]
        tie = f" (tied with k = {', '.join(map(str, tied))} at {decimals} decimals; the smaller k wins)" if tied else ""
        excluded = f" (not eligible: {', '.join(map(str, rest))})" if rest else ""
        reason = (f"k={k}: highest mean {metric} ({summary.loc[k, metric]:.3f} over {int(n_seeds.loc[k])} seeds)"
                  f"{tie} among the k whose topics are stable across seeds (mean 1 − JSD ≥ {min_stability:g}"
                  f"{baseline}): eligible k = {', '.join(map(str, ks))}{excluded}; {_fmt(k)}.")
        return k, reason
    stab = summary["stability"].round(decimals)
    if stab.notna().any():
        k = int(min(kk for kk in summary.index if stab.loc[kk] == stab.max()))
        reason = (f"k={k}: no k has stable topics (mean 1 − JSD ≥ {min_stability:g}{baseline}) and a computable "
                  f"{metric}; the most stable k is returned — {_fmt(k)}. Treat its topics as exploratory.")
        return k, reason
    k = int(summary.index.min())
    return k, (f"k={k}: neither stability nor {metric} could be computed for any k (see the table's note column); "
               "the smallest k is returned.")
