"""LDA machinery shared by :mod:`.topics` and :mod:`.topic_selection` (private: no stable API).

Pruned counts and reference texts of the rows a model is fitted on (:class:`LdaData`), gensim
corpora streamed from a sparse matrix (:class:`Bow`), training and constant-start inference,
topic reordering, relevance, coherence with its notes, and the Jensen-Shannon matching of topics.
"""

from __future__ import annotations

import functools
import itertools
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._checks import user_stacklevel
from ..features import DfLimit, DocTermMatrix, doc_term_matrix
from ..text.segment import RowLevel, tokens_to_units, unit_level

if TYPE_CHECKING:
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

__all__ = ["BACKENDS", "COHERENCE_MEASURES", "EMPTY_TOPIC_TOKENS", "Backend", "Bow", "LdaData", "prepare"]

#: A topic coherence measure of gensim's ``CoherenceModel``.
CoherenceMeasure: TypeAlias = Literal["c_v", "c_npmi", "u_mass"]
#: A document as gensim reads it: ``(term id, count)`` pairs.
BowDoc: TypeAlias = list[tuple[int, int]]

#: Coherence measures computed with gensim's ``CoherenceModel``.
COHERENCE_MEASURES: tuple[CoherenceMeasure, ...] = ("c_v", "c_npmi", "u_mass")


#: What a row of a topic model can be (``unit=None``: the rows as given).
UNITS: tuple[RowLevel, ...] = ("paragraph", "sentence", "document")


#: A topic with fewer expected tokens than this is "empty": its top terms are arbitrary.
EMPTY_TOPIC_TOKENS = 1.0


#: Columns of units that describe the unit, not its document (dropped when units are joined).
UNIT_ONLY = ("para_id", "sent_id", "unit_type", "heading", "section", "heading_level", "start", "end", "text",
              "n_chars", "tokens", "token_spans", "pos", "n_tokens")


# ----------------------------------------------------------------------------- input
@dataclass(frozen=True, eq=False)
class LdaData:
    """Pruned counts of the rows a model is fitted on, with what coherence and prevalence need."""

    counts: sp.csr_matrix      # rows × vocabulary, int64
    vocabulary: tuple[str, ...]
    row_ids: tuple[str, ...]
    rows: pd.DataFrame         # metadata, index row ids; n_tokens (all tokens), n_terms (in vocabulary)
    texts: list[Sequence[str]]  # token sequences (the reference texts of coherence)
    unit: str
    id_name: str
    texts_from_counts: bool    # True when texts were rebuilt from a DocTermMatrix (word order lost)

    @property
    def nonempty(self) -> np.ndarray:
        return np.flatnonzero(self.rows["n_terms"].to_numpy() > 0)

    def bow(self, rows: np.ndarray | Sequence[int] | None = None) -> Bow:
        """The rows as a gensim corpus (re-iterable; ``(term id, count)`` lists made on the fly)."""
        return Bow(self.counts, np.arange(self.counts.shape[0]) if rows is None else np.asarray(rows))

    def term_counts(self) -> np.ndarray:
        return np.asarray(self.counts.sum(axis=0)).ravel().astype(np.int64)

    @functools.cached_property
    def present(self) -> frozenset[str]:
        """Every token of the reference texts (to check that top terms occur in them)."""
        seen: set[str] = set()
        for text in self.texts:
            seen.update(text)
        return frozenset(seen)


class Bow:
    """A gensim corpus over rows of a CSR matrix: nothing but the matrix is held in memory.

    gensim's own corpora are lists of ``(id, count)`` tuples, about 100 bytes per non-zero cell;
    this streams them from the matrix, row by row, on every pass, so that with more rows than
    ``chunksize`` only one chunk of tuples exists at a time.
    """

    def __init__(self, counts: sp.csr_matrix, rows: np.ndarray) -> None:
        self.counts, self.rows = counts, rows

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[BowDoc]:
        indptr, indices, data = self.counts.indptr, self.counts.indices, self.counts.data
        for i in self.rows:
            lo, hi = indptr[i], indptr[i + 1]
            yield list(zip(indices[lo:hi].tolist(), data[lo:hi].tolist()))

    def chunks(self, size: int = 2000) -> Iterator[list[BowDoc]]:
        it = iter(self)
        for start in range(0, len(self), size):
            yield [next(it) for _ in range(min(size, len(self) - start))]


def join_units(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Units → documents: tokens concatenated in unit order, document metadata kept."""
    if "doc_id" not in frame.columns:
        raise ValueError(f"{where}: unit='document' joins units by their 'doc_id' column, which the frame lacks.")
    keep = [c for c in frame.columns if c not in UNIT_ONLY and c != "doc_id"]
    grouped = frame.groupby("doc_id", sort=False)
    docs = grouped[keep].first() if keep else pd.DataFrame(index=grouped.size().index)
    docs["tokens"] = grouped["tokens"].agg(lambda s: tuple(t for toks in s for t in toks))
    docs.index = pd.Index([str(i) for i in docs.index], name="doc_id")
    return docs


def as_units(frame: pd.DataFrame, unit: RowLevel | None, where: str) -> pd.DataFrame:
    level = unit_level(frame)
    if unit is None or unit == level:
        return frame
    if level == "document" and unit != "document":  # unit != level here: split into sentences or paragraphs
        for col in ("text", "token_spans"):
            if col not in frame.columns:
                raise ValueError(
                    f"{where}: unit={unit!r} splits documents into {unit}s, which needs the {col!r} column of "
                    f"tokenize(clean(corpus)); the frame has columns {list(frame.columns)[:12]}. Pass units from "
                    f"tokenize(segment(corpus, level={unit!r})) or unit='document'."
                )
        return tokens_to_units(frame, unit, where=where)
    if unit == "document":
        return join_units(frame, where)
    raise ValueError(
        f"{where}: unit={unit!r} but the frame holds {level} units, which cannot be turned into {unit}s; "
        f"segment the corpus with segment(corpus, level={unit!r}) and tokenize it, or pass unit={level!r} "
        "(or unit=None to use the rows as they are)."
    )


def texts_from_counts(counts: sp.csr_matrix, vocabulary: Sequence[str]) -> list[Sequence[str]]:
    vocab = np.asarray(vocabulary, dtype=object)
    return [tuple(np.repeat(vocab[counts.indices[counts.indptr[i]:counts.indptr[i + 1]]],
                            counts.data[counts.indptr[i]:counts.indptr[i + 1]]).tolist())
            for i in range(counts.shape[0])]


def prepare(X: pd.DataFrame | DocTermMatrix, *, unit: RowLevel | None, min_df: DfLimit, max_df: DfLimit, where: str,
            vocabulary: Sequence[str] | None = None, warn_empty: bool = True) -> LdaData:
    """Tokenized frame or DocTermMatrix → pruned counts, metadata and reference texts."""
    if unit is not None and unit not in UNITS:
        raise ValueError(f"unit must be one of {list(UNITS)} or None (the rows as given); got unit={unit!r}.")
    if isinstance(X, DocTermMatrix):
        if unit is not None and unit != X.unit:
            raise ValueError(
                f"{where}: unit={unit!r} but the DocTermMatrix has {X.unit} rows; build the matrix from "
                f"{unit} units, or pass unit=None (or unit={X.unit!r}) to fit its rows as they are."
            )
        dtm, from_counts = X, True
        texts: list[Sequence[str]] | None = None
    elif isinstance(X, pd.DataFrame):
        if "tokens" not in X.columns:
            raise ValueError(f"{where}: the frame has no 'tokens' column (columns: {list(X.columns)[:12]}); "
                             "run tokenize() first.")
        frame = as_units(X, unit, where)
        if len(frame) == 0:
            raise ValueError(f"{where}: there are no rows to fit (an empty frame, or documents without text).")
        dtm = doc_term_matrix(frame, vocabulary=vocabulary) if vocabulary is not None else doc_term_matrix(frame)
        texts, from_counts = list(frame["tokens"]), False
    else:
        raise TypeError(f"{where} expects a tokenized DataFrame (from tokenize()) or a DocTermMatrix; "
                        f"got {type(X).__name__}.")
    if vocabulary is not None:
        if isinstance(X, DocTermMatrix):
            # Map the matrix's columns onto the model's vocabulary; other terms are dropped.
            position = {t: i for i, t in enumerate(X.vocabulary)}
            pairs = [(position[t], j) for j, t in enumerate(vocabulary) if t in position]
            src = np.array([p[0] for p in pairs], dtype=np.int64)
            dst = np.array([p[1] for p in pairs], dtype=np.int64)
            select = sp.csr_matrix((np.ones(len(pairs), dtype=np.int64), (src, dst)),
                                   shape=(X.shape[1], len(vocabulary)))
            counts, vocab = (X.matrix @ select).astype(np.int64).tocsr(), tuple(vocabulary)
        else:
            counts, vocab = dtm.matrix.astype(np.int64).tocsr(), tuple(dtm.vocabulary)
        counts.sort_indices()
    else:
        pruned = dtm.prune(min_df=min_df, max_df=max_df, where=where)
        counts, vocab = pruned.matrix.astype(np.int64), pruned.vocabulary
    rows = dtm.rows.copy()
    rows["n_terms"] = np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)
    if texts is None:
        texts = texts_from_counts(counts, vocab)
    data = LdaData(counts, vocab, tuple(dtm.row_ids), rows, texts, dtm.unit, dtm.id_name, from_counts)
    empty = rows.index[rows["n_terms"].to_numpy() == 0]
    if warn_empty and len(empty):
        warnings.warn(
            f"{where}: {len(empty)} of {len(rows)} rows have no term of the vocabulary (e.g. {list(empty[:3])}); "
            "they are left out of fitting, get NaN topic shares and are not counted in prevalence.",
            UserWarning, stacklevel=user_stacklevel())
    return data


# ----------------------------------------------------------------------------- checks
def k_problem(k: int, data: LdaData) -> str | None:
    n_rows, n_terms = len(data.nonempty), len(data.vocabulary)
    if k > n_rows:
        return (f"k={k} exceeds the {n_rows} rows with terms: more topics than {data.unit}s cannot be estimated "
                f"(fit on smaller units, or choose k <= {n_rows})")
    if k > n_terms:
        return f"k={k} exceeds the vocabulary of {n_terms} terms (lower min_df, or choose k <= {n_terms})"
    return None


# ----------------------------------------------------------------------------- gensim
def gensim_dictionary(data: LdaData) -> Dictionary:
    """A gensim Dictionary of the vocabulary (ids in code-point order), filled from the counts."""
    from gensim.corpora import Dictionary

    counts = data.counts[data.nonempty]
    dictionary = Dictionary()
    dictionary.token2id = {term: i for i, term in enumerate(data.vocabulary)}
    dictionary.id2token = dict(enumerate(data.vocabulary))
    dfs = np.diff(counts.tocsc().indptr)
    cfs = np.asarray(counts.sum(axis=0)).ravel()
    dictionary.dfs = {i: int(v) for i, v in enumerate(dfs)}
    dictionary.cfs = {i: int(v) for i, v in enumerate(cfs)}
    dictionary.num_docs = counts.shape[0]
    dictionary.num_pos = int(cfs.sum())
    dictionary.num_nnz = int(counts.nnz)
    return dictionary


def _pass_bar(total: int, desc: str, enabled: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="pass", disable=not enabled, leave=False)


def train(data: LdaData, dictionary: Dictionary, k: int, seed: int, params: dict[str, Any],
          bow: Iterable[BowDoc] | None = None) -> LdaModel:
    from gensim.models import LdaModel
    from gensim.models.callbacks import Metric

    bar = _pass_bar(int(params["passes"]), f"LDA k={k} (gensim)", bool(params.get("progress")))

    class _Tick(Metric):  # a "metric" gensim calls after every pass: it moves the bar, computes nothing
        logger = None
        title = "progress"

        def get_value(self, **kwargs: Any) -> float:
            bar.update(1)
            return 0.0

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        lda = LdaModel(
            corpus=data.bow(data.nonempty) if bow is None else bow, id2word=dictionary, num_topics=k,
            random_state=np.random.RandomState(seed), passes=params["passes"], iterations=params["iterations"],
            alpha=params["alpha"], eta=params["eta"], chunksize=params["chunksize"], update_every=1,
            eval_every=None, dtype=np.float64, callbacks=[_Tick()] if params.get("progress") else None,
        )
    bar.close()
    lda.callbacks = None  # the bar is not part of the model (and would not pickle)
    if hasattr(lda, "metrics"):
        lda.metrics = {}
    return lda


class ConstantStart:
    """Stands in for the RNG of ``LdaModel.inference``: every document's γ starts at the Gamma(100, 1/100) mean, 1.

    A constant start (as in Blei's lda-c, where γ starts at α + N/k for every topic) makes each row's
    topic shares independent of the rows inferred with it and of any random state.
    """

    @staticmethod
    def gamma(shape: float, scale: float, size: int | tuple[int, ...]) -> np.ndarray:
        return np.full(size, shape * scale)


def infer(lda: LdaModel, bow: Iterable[BowDoc]) -> np.ndarray:
    """Variational inference of document-topic γ with a constant start: same row → same output, always."""
    saved = lda.random_state
    lda.random_state = ConstantStart()
    try:
        chunks = bow.chunks() if isinstance(bow, Bow) else [list(bow)]
        gammas = [lda.inference(chunk)[0] for chunk in chunks]
    finally:
        lda.random_state = saved
    k = lda.num_topics
    return np.concatenate(gammas).astype(np.float64) if gammas else np.zeros((0, k))


def permute(lda: LdaModel, order: np.ndarray) -> None:
    """Reorder the topics inside a gensim LdaModel (topic ``order[i]`` becomes topic ``i``)."""
    lda.state.sstats = lda.state.sstats[order]
    lda.expElogbeta = lda.expElogbeta[order]
    lda.alpha = np.asarray(lda.alpha)[order]
    if np.ndim(lda.eta) == 2:
        lda.eta = lda.eta[order]
    if np.ndim(lda.state.eta) == 2:
        lda.state.eta = lda.state.eta[order]


def relevance(phi: np.ndarray, term_counts: np.ndarray, lam: float) -> np.ndarray:
    p = term_counts / term_counts.sum()
    with np.errstate(divide="ignore"):
        logphi = np.log(phi)
        return lam * logphi + (1.0 - lam) * (logphi - np.log(p)[None, :])


def term_rank(vocab: np.ndarray) -> np.ndarray:
    """Each term's position in code-point order (the tie-break of :func:`top_indices`)."""
    return np.argsort(np.argsort(vocab, kind="stable"), kind="stable")


def top_indices(values: np.ndarray, vocab: np.ndarray, n: int, *, last: np.ndarray | None = None,
                rank: np.ndarray | None = None) -> np.ndarray:
    """Per row, the n largest values; ties by term (code-point order); terms where ``last`` is True come after
    every other term. Shape (rows, n). ``rank`` is ``term_rank(vocab)`` when the caller has it already.

    Only the candidates at or above each row's n-th largest value are sorted (a partition finds them), which
    gives the order of a full ``lexsort`` of the row; a row whose n-th value is NaN is sorted in full."""
    n = min(n, values.shape[1])
    rank = term_rank(vocab) if rank is None else rank
    groups = [np.arange(values.shape[1])] if last is None or not last.any() else \
        [np.flatnonzero(~last), np.flatnonzero(last)]
    out = np.empty((values.shape[0], n), dtype=np.intp)
    for r, row in enumerate(values):
        picked: list[np.ndarray] = []
        need = n
        for cols in groups:
            if need and len(cols):
                top = _top_of(-row[cols], rank[cols], need)
                picked.append(cols[top])
                need -= len(top)
        out[r] = np.concatenate(picked)
    return out


def _top_of(neg: np.ndarray, rank: np.ndarray, n: int) -> np.ndarray:
    """Positions of the n smallest of ``neg`` (ties by ``rank``), in that order: ``np.lexsort((rank, neg))[:n]``."""
    n = min(n, len(neg))
    kth = np.partition(neg, n - 1)[n - 1]
    if np.isnan(kth):
        return np.lexsort((rank, neg))[:n]
    cand = np.flatnonzero(neg <= kth)
    return cand[np.lexsort((rank[cand], neg[cand]))[:n]]


# ----------------------------------------------------------------------------- tomotopy
#: Topic-model backends: gensim's variational Bayes ``LdaModel`` and tomotopy's collapsed Gibbs ``LDAModel``.
Backend: TypeAlias = Literal["gensim", "tomotopy"]
BACKENDS: tuple[Backend, ...] = ("gensim", "tomotopy")


def tomotopy_priors(k: int, alpha: Any, eta: Any, where: str) -> tuple[float | list[float], float, bool]:
    """gensim's prior options as tomotopy arguments: ``(alpha, eta, optimise_alpha)``.

    ``"symmetric"`` is 1/k (gensim's value), ``"asymmetric"`` gensim's 1/(i + √k), normalised;
    ``"auto"`` starts from 1/k and lets tomotopy re-estimate α every 10 iterations.  tomotopy has
    one symmetric η, so ``eta`` must be ``None``, ``"symmetric"`` or a number.
    """
    optimise = False
    if isinstance(alpha, str):
        if alpha == "symmetric":
            a: float | list[float] = 1.0 / k
        elif alpha == "asymmetric":
            prior = 1.0 / (np.arange(k) + np.sqrt(k))
            a = (prior / prior.sum()).tolist()
        elif alpha == "auto":
            a, optimise = 1.0 / k, True
        else:
            raise ValueError(f"{where}: alpha must be 'symmetric', 'asymmetric', 'auto', a positive number or "
                             f"{k} positive numbers; got {alpha!r}.")
    elif np.ndim(alpha) == 0:
        a = float(alpha)
    else:
        values = np.asarray(alpha, dtype=np.float64).ravel()
        if len(values) != k:
            raise ValueError(f"{where}: alpha has {len(values)} values; one per topic ({k}) is needed.")
        a = values.tolist()
    if eta is None or (isinstance(eta, str) and eta == "symmetric"):
        e = 1.0 / k
    elif isinstance(eta, str) or np.ndim(eta) != 0:
        raise ValueError(f"{where}: backend='tomotopy' has one symmetric topic-term prior; eta must be None "
                         f"(1/k), 'symmetric' or a positive number, got {eta!r} (use backend='gensim' for "
                         "eta='auto' or per-term priors).")
    else:
        e = float(eta)
    if min(np.ravel(a)) <= 0 or e <= 0:
        raise ValueError(f"{where}: alpha and eta must be positive; got alpha={alpha!r}, eta={eta!r}.")
    return a, e, optimise


def tomotopy_words(data: LdaData, rows: Iterable[int]) -> Iterator[list[str]]:
    """The tokens of each row for tomotopy: every vocabulary term repeated by its count (order is irrelevant)."""
    counts = data.counts
    flat = np.asarray(data.vocabulary, dtype=object)[np.repeat(counts.indices, counts.data)]
    ends = np.concatenate([[0], np.cumsum(counts.data, dtype=np.int64)])[counts.indptr].tolist()
    for row in rows:
        yield flat[ends[row]:ends[row + 1]].tolist()


#: Gibbs samples (one sweep apart, the last sweeps of the budget) averaged into a tomotopy model's
#: p(term | topic) and row topic counts: a single sample leaves short rows split between topics.
TOMOTOPY_SAMPLES = 5


def train_tomotopy(data: LdaData, k: int, seed: int, params: dict[str, Any], where: str,
                   rows: np.ndarray | None = None, bow: Iterable[BowDoc] | None = None,
                   row_counts: bool = True, words: Iterable[list[str]] | None = None
                   ) -> tuple[Any, np.ndarray, np.ndarray | None, np.ndarray]:
    """Train a tomotopy ``LDAModel`` of the rows (``bow``: other rows, e.g. a shuffled corpus; ``words``: the same
    as lists of tokens).

    Returns ``(model, phi, gamma, mass)``: ``phi`` is p(term | topic) (k × V, vocabulary order),
    ``gamma`` each row's topic counts plus α (the analogue of gensim's γ; ``None`` unless
    ``row_counts``) and ``mass`` the tokens of each topic, all averaged over the last
    :data:`TOMOTOPY_SAMPLES` Gibbs samples.
    """
    import tomotopy as tp

    alpha, eta, optimise = tomotopy_priors(k, params["alpha"], params["eta"], where)
    model = tp.LDAModel(k=k, alpha=alpha, eta=eta, seed=seed, min_cf=0, min_df=0, rm_top=0)
    model.optim_interval = 10 if optimise else 0
    model.burn_in = 0
    if words is not None:
        for row_words in words:
            model.add_doc(row_words)
    elif bow is None:
        for row_words in tomotopy_words(data, data.nonempty if rows is None else rows):
            model.add_doc(row_words)
    else:
        vocab = data.vocabulary
        for doc in bow:
            model.add_doc([vocab[j] for j, c in doc for _ in range(c)])
    iterations, workers = int(params["iterations"]), params["workers"]
    samples = max(1, min(TOMOTOPY_SAMPLES, iterations))
    with warnings.catch_warnings():  # TopicModel documents it: workers > 1 is not reproducible
        warnings.filterwarnings("ignore", message="The training result may differ", category=RuntimeWarning)
        bar = _pass_bar(iterations, f"LDA k={k} (tomotopy)", bool(params.get("progress")))
        bar.unit = "sweep"
        model.train(iterations - samples + 1, workers=workers)  # one call: splitting it would change the result
        bar.update(iterations - samples + 1)
        position = {t: i for i, t in enumerate(data.vocabulary)}  # the model's words are fixed once trained
        used = np.fromiter((position[t] for t in model.used_vocabs), dtype=np.int64, count=len(model.used_vocabs))
        phi = np.zeros((k, len(data.vocabulary)))
        counts = np.zeros((len(model.docs), k)) if row_counts else None
        mass = np.zeros(k)
        for s in range(samples):
            if s:
                model.train(1, workers=workers)
                bar.update(1)
            phi += _tomotopy_phi(model, used, len(data.vocabulary))
            mass += np.asarray(model.get_count_by_topics(), dtype=np.float64)
            if counts is not None:
                counts += _tomotopy_row_counts(model)
    bar.close()
    gamma = None if counts is None else counts / samples + np.asarray(model.alpha, dtype=np.float64)[None, :]
    return model, phi / samples, gamma, mass / samples


def _tomotopy_phi(model: Any, used: np.ndarray, n_terms: int) -> np.ndarray:
    """p(term | topic) of a tomotopy model's current state as a k × V array (``used``: the vocabulary index of
    each of the model's words)."""
    phi = np.zeros((model.k, n_terms))
    for j in range(model.k):
        phi[j, used] = np.asarray(model.get_topic_word_dist(j), dtype=np.float64)
    return phi / phi.sum(axis=1, keepdims=True)


def _tomotopy_row_counts(model: Any) -> np.ndarray:
    """Each training row's topic counts in the model's current Gibbs sample (one vectorised bincount)."""
    k, topics = model.k, [doc.topics for doc in model.docs]
    if not topics:
        return np.zeros((0, k))
    lengths = np.fromiter(map(len, topics), dtype=np.int64, count=len(topics))
    row = np.repeat(np.arange(len(topics), dtype=np.int64), lengths)
    flat = np.concatenate(topics).astype(np.int64)
    return np.bincount(row * k + flat, minlength=len(topics) * k).reshape(len(topics), k).astype(np.float64)


def tomotopy_infer(model: Any, data: LdaData, rows: np.ndarray, iterations: int) -> np.ndarray:
    """γ-analogue of new rows: topic shares inferred by Gibbs sampling (seeded by the model), times (n + Σα)."""
    docs = [model.make_doc(words) for words in tomotopy_words(data, rows)]
    if not docs:
        return np.zeros((0, model.k))
    dists, _ = model.infer(docs, iterations=iterations, workers=1, together=False)
    theta = np.asarray(dists, dtype=np.float64).reshape(len(docs), model.k)
    n = np.asarray(data.counts[rows].sum(axis=1), dtype=np.float64).ravel()
    return theta * (n + float(np.sum(model.alpha)))[:, None]


def topic_order(expected: np.ndarray, phi: np.ndarray, vocab: np.ndarray) -> np.ndarray:
    """Topics by decreasing expected tokens (ties: top term, then model position): ``order[i]`` becomes topic i + 1."""
    mass = expected.sum(axis=0)
    top = top_indices(phi, vocab, 1)[:, 0]
    return np.array(sorted(range(len(mass)), key=lambda j: (-mass[j], vocab[top[j]], j)), dtype=np.int64)



# ----------------------------------------------------------------------------- coherence
def coherence(topics: Sequence[Sequence[str]], data: LdaData, dictionary: Dictionary,
              measures: Sequence[CoherenceMeasure], window_size: int | None = None) -> dict[str, np.ndarray]:
    """Per-topic coherence for many topics at once (one pass over the reference texts per measure).

    Returns ``{measure: array}``; non-finite values are NaN (the caller writes the note).
    """
    from gensim.models import CoherenceModel

    out: dict[str, np.ndarray] = {}
    if not topics:
        return {m: np.zeros(0) for m in measures}
    topn = len(topics[0])
    bow = data.bow()
    for measure in measures:
        cm = CoherenceModel(topics=[list(t) for t in topics], texts=data.texts, corpus=bow, dictionary=dictionary,
                            coherence=measure, topn=topn, processes=1, window_size=window_size)
        segmented = cm.segment_topics()
        if measure != "u_mass":  # sliding-window counts: gensim's, computed with array operations
            cm._accumulator = sliding_window_accumulator(data.texts, segmented, dictionary, int(cm.window_size))
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            values = np.asarray(cm.get_coherence_per_topic(segmented), dtype=np.float64)
        values[~np.isfinite(values)] = np.nan
        out[measure] = values
    return out


def sliding_window_accumulator(texts: Sequence[Sequence[str]], segmented_topics: Any, dictionary: Dictionary,
                               window_size: int, *, chunk_tokens: int = 1_000_000) -> Any:
    """gensim's ``WordOccurrenceAccumulator`` of ``texts`` (the counts behind c_v and c_npmi), filled by array
    operations instead of one Python step per window (c_npmi of 225 topics on 152,196 paragraphs: 68 s → 10 s).

    The counts are gensim's exactly (tested against it), including how gensim slides a window: each step
    unsets the word that left and sets the word that entered, so a word that left while another of its
    occurrences is still in the window is not counted again until one of its occurrences enters.  A text
    shorter than the window is one window; every window counts in ``num_docs``, empty texts included.  Texts
    are counted ``chunk_tokens`` tokens at a time (windows never span texts), which bounds the memory.
    """
    import scipy.sparse as sps
    from gensim.topic_coherence.probability_estimation import unique_ids_from_segments
    from gensim.topic_coherence.text_analysis import WordOccurrenceAccumulator

    acc = WordOccurrenceAccumulator(unique_ids_from_segments(segmented_topics), dictionary)
    r = acc._vocab_size
    column = {word: acc.id2contiguous[acc.token2id[word]] for word in acc.relevant_words}
    occurrences = np.zeros(r, dtype=np.int64)
    dense = r * r <= 25_000_000  # pair codes counted in one array of r² (≤ 200 MB), else sorted per block
    totals = np.zeros(r * r if dense else 0, dtype=np.int64)
    code_parts: list[np.ndarray] = []
    count_parts: list[np.ndarray] = []
    num_docs = 0
    # chunks of whole texts of about chunk_tokens tokens each (windows never span texts)
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    cuts = np.unique(np.searchsorted(ends, np.arange(1, int(ends[-1]) // chunk_tokens + 1) * chunk_tokens,
                                     side="left") + 1) if len(texts) and ends[-1] else np.zeros(0, dtype=np.int64)
    bounds = [0, *[int(c) for c in cuts if 0 < c < len(texts)], len(texts)]
    for start, stop in itertools.pairwise(bounds):
        rows_window, rows_word, n_windows = _window_rows(texts[start:stop], column, r, int(window_size))
        num_docs += n_windows
        occurrences += np.bincount(rows_word, minlength=r)
        for codes in _window_pairs(rows_window, rows_word, r):
            if dense:
                totals += np.bincount(codes, minlength=r * r)
            else:
                uniq, cnt = np.unique(codes, return_counts=True)
                code_parts.append(uniq)
                count_parts.append(cnt)
    if dense:
        uniq = np.flatnonzero(totals)
        summed = totals[uniq]
    elif code_parts:
        uniq, inverse = np.unique(np.concatenate(code_parts), return_inverse=True)
        summed = np.bincount(inverse, weights=np.concatenate(count_parts), minlength=len(uniq)).astype(np.int64)
    else:
        uniq, summed = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    acc._num_docs = num_docs
    acc._occurrences = occurrences.astype(np.uint32)
    upper = sps.csr_matrix((summed.astype(np.uint32), (uniq // r, uniq % r)), shape=(r, r), dtype=np.uint32)
    acc._co_occurrences = (upper + upper.T + sps.diags(acc._occurrences, offsets=0, dtype=np.uint32)).tocsr()
    return acc


def _window_rows(texts: Sequence[Sequence[str]], column: dict[str, int], r: int, w: int
                 ) -> tuple[np.ndarray, np.ndarray, int]:
    """One row ``(window, word)`` per relevant word in each of gensim's sliding windows of ``texts`` (windows numbered
    across the texts), and the number of windows."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    n_windows = np.maximum(1, lengths - w + 1)  # a short (or empty) text is one window
    flat = np.fromiter(map(column.get, itertools.chain.from_iterable(texts), itertools.repeat(r)), dtype=np.int64,
                       count=int(lengths.sum()))
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    pos = np.arange(len(flat), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    keep = flat < r
    doc, pos, word = doc[keep], pos[keep], flat[keep]
    n = lengths[doc]
    # every occurrence sets its word when it enters (window 0 for the first window's words) and unsets it when it
    # leaves (if a later window exists); a word is in a window when its last event so far is a set (an unset and a
    # set at the same window: the unset first, as gensim slides)
    leaves = pos + 1 <= n - w
    ev_doc = np.concatenate([doc, doc[leaves]])
    ev_word = np.concatenate([word, word[leaves]])
    ev_time = np.concatenate([np.maximum(0, pos - w + 1), pos[leaves] + 1])
    ev_set = np.concatenate([np.ones(len(doc), dtype=np.int8), np.zeros(int(leaves.sum()), dtype=np.int8)])
    order = np.lexsort((ev_set, ev_time, ev_word, ev_doc))
    ev_doc, ev_word, ev_time, ev_set = ev_doc[order], ev_word[order], ev_time[order], ev_set[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (ev_doc[1:] != ev_doc[:-1]) | (ev_word[1:] != ev_word[:-1])
    prev_set = np.zeros(len(order), dtype=bool)
    prev_set[1:] = ev_set[:-1] == 1
    starts = np.flatnonzero((ev_set == 1) & (new_group | ~prev_set))  # a set after an unset (or first): on
    unsets = np.flatnonzero(ev_set == 0)
    end = n_windows[ev_doc[starts]]  # on until the next unset of the same word in the same text, or the last window
    if len(unsets):
        group_id = np.cumsum(new_group) - 1
        nxt = np.searchsorted(unsets, starts, side="right")
        nxt_idx = unsets[np.minimum(nxt, len(unsets) - 1)]
        same = (nxt < len(unsets)) & (group_id[nxt_idx] == group_id[starts])
        end = np.where(same, ev_time[nxt_idx], end)
    begin = ev_time[starts]
    spans = end - begin
    offsets = np.cumsum(n_windows) - n_windows
    rows_window = np.repeat(offsets[ev_doc[starts]] + begin, spans) + (
        np.arange(int(spans.sum()), dtype=np.int64) - np.repeat(np.cumsum(spans) - spans, spans))
    rows_word = np.repeat(ev_word[starts], spans)
    return rows_window, rows_word, int(n_windows.sum())


def _window_pairs(rows_window: np.ndarray, rows_word: np.ndarray, r: int, block: int = 8_000_000
                  ) -> Iterator[np.ndarray]:
    """The codes ``i * r + j`` of every pair ``i < j`` of words in one window, a block of windows at a time."""
    order = np.lexsort((rows_word, rows_window))
    rows_window, rows_word = rows_window[order], rows_word[order]
    first = np.concatenate([[0], np.flatnonzero(np.diff(rows_window)) + 1]) if len(rows_window) else \
        np.zeros(0, dtype=np.int64)
    size = np.diff(np.concatenate([first, [len(rows_window)]]))
    lo = 0
    while lo < len(first):
        hi, budget = lo, 0
        while hi < len(first) and (hi == lo or budget < block):
            budget += int(size[hi] * (size[hi] - 1) // 2)
            hi += 1
        a, b = int(first[lo]), int(first[hi]) if hi < len(first) else len(rows_window)
        group_end = np.repeat(first[lo:hi] - a + size[lo:hi], size[lo:hi])
        idx = np.arange(b - a, dtype=np.int64)
        partners = group_end - idx - 1
        left = np.repeat(idx, partners)
        right = left + 1 + (np.arange(int(partners.sum()), dtype=np.int64)
                            - np.repeat(np.cumsum(partners) - partners, partners))
        words = rows_word[a:b]
        if len(left):
            yield words[left] * r + words[right]
        lo = hi


def check_measures(measures: CoherenceMeasure | Iterable[CoherenceMeasure]) -> tuple[CoherenceMeasure, ...]:
    if isinstance(measures, str):
        measures = (measures,)
    measures = tuple(measures)
    bad = [m for m in measures if m not in COHERENCE_MEASURES]
    if bad or not measures:
        raise ValueError(f"coherence measures must be among {list(COHERENCE_MEASURES)}; got {list(measures)}.")
    return measures


def coherence_notes(lists: Sequence[Sequence[str]], mass: np.ndarray, values: dict[str, np.ndarray],
                    measures: Sequence[CoherenceMeasure], topn: int, data: LdaData
                    ) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    """Per-topic coherence with NaN where it cannot be computed, per-topic notes, and notes about the whole model.

    ``lists`` are the topics' top terms, ``mass`` their expected tokens, ``values`` the raw per-topic
    coherence of each measure.
    """
    k = len(lists)
    topn_used = len(lists[0]) if lists else topn
    model_notes = []
    if topn_used < topn:
        model_notes.append(f"top {topn_used} terms per topic (the whole vocabulary), not {topn}")
    if data.texts_from_counts and any(m in ("c_v", "c_npmi") for m in measures):
        model_notes.append("c_v/c_npmi windows slide over texts rebuilt from counts (word order lost)")
    present = data.present
    out: dict[str, np.ndarray] = {m: np.array(values[m], dtype=np.float64, copy=True) for m in measures}
    notes = []
    for i in range(k):
        absent = [t for t in lists[i] if t not in present]
        if mass[i] < EMPTY_TOPIC_TOKENS:
            note = (f"T{i + 1} is empty ({mass[i]:.2f} expected tokens): its top terms are arbitrary, coherence "
                    "not computed")
        elif absent:
            note = f"T{i + 1}: top term(s) {absent[:3]} absent from the reference texts, coherence not computed"
        else:
            bad = [m for m in measures if not np.isfinite(out[m][i])]
            note = f"T{i + 1}: {', '.join(bad)} not finite (a top term without co-occurrence data)" if bad else ""
        if mass[i] < EMPTY_TOPIC_TOKENS or absent:
            for m in measures:
                out[m][i] = np.nan
        notes.append(note)
    return out, notes, model_notes


# ----------------------------------------------------------------------------- alignment
def js_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jensen-Shannon divergence (base 2, in [0, 1]) between every row of a and every row of b.

    As entropies, ``JSD = (Σ p log p + Σ q log q) / 2 - Σ m log m`` with ``m = (p + q) / 2``: one logarithm per
    term and pair instead of two quotients and two logarithms (5× faster on 110,000 terms, within 1e-14 of
    ``scipy.special.rel_entr``'s two Kullback-Leibler terms). ``js_matrix(b, a)`` is exactly ``js_matrix(a, b).T``.
    """
    from scipy.special import xlogy

    ha, hb = xlogy(a, a).sum(axis=1), xlogy(b, b).sum(axis=1)
    out = np.empty((a.shape[0], b.shape[0]))
    for i, p in enumerate(a):
        m = 0.5 * (p[None, :] + b)
        out[i] = 0.5 * (ha[i] + hb) - xlogy(m, m).sum(axis=1)
    return np.clip(out / np.log(2.0), 0.0, 1.0)


def match(a: np.ndarray, b: np.ndarray, *, cost: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The one-to-one matching of a's and b's topics with the least summed JSD (``cost``: ``js_matrix(a, b)``,
    when the caller has it already): ``(rows, cols, 1 - JSD of each matched pair)``."""
    from scipy.optimize import linear_sum_assignment

    cost = js_matrix(a, b) if cost is None else cost
    rows, cols = linear_sum_assignment(cost)
    return rows, cols, 1.0 - cost[rows, cols]


def overlap(top_a: np.ndarray, top_b: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Share of the top terms (``top_indices`` of each model) that each matched pair of topics shares."""
    m = top_a.shape[1]
    return np.array([len(set(top_a[i]) & set(top_b[j])) / m for i, j in zip(rows, cols)])
