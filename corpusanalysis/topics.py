"""Topics: reproducible LDA with evidence for k, stability across seeds and prevalence by group.

:class:`TopicModel` wraps gensim's :class:`~gensim.models.LdaModel` in scikit-learn style
(parameters in ``__init__``, ``fit`` returns ``self``, fitted attributes end in ``_``) and answers
the questions reviewers ask of every topic model:

*Would the same run give the same topics?*  Yes, bit for bit: the vocabulary is sorted (code-point
order), rows keep the input order, gensim's single-process ``LdaModel`` (never ``LdaMulticore``) is
seeded with ``numpy.random.RandomState(random_state)``, inference after training starts every row
from the same constant (no random state, so a row's topic shares do not depend on the rows inferred
with it), and everything is ``float64``.  Two fits on the same data with the same seed give
identical arrays (``numpy.array_equal``), in the same process or a fresh one (tested).
Floating-point sums depend on the order of operations, which the BLAS library (and its number of
threads) chooses for matrix products; nothing global is set here.  Results are therefore identical
for the pinned environment (``requirements.lock``) on the same kind of CPU; with another BLAS or CPU
the last bits of a sum can differ and an iterative fit can drift from them, so compare such runs with
:func:`align_topics`, not bit for bit.

*Why this k?*  :func:`select_k` fits every k with several seeds and tabulates coherence
(``c_v``, ``c_npmi``, ``u_mass`` from gensim's ``CoherenceModel``, always with ``processes=1``),
in-sample perplexity, topic diversity and **stability**: topics of two seeds are matched one to one
by minimal Jensen-Shannon divergence (Hungarian algorithm) and the mean matched similarity
(1 - JSD, base 2, so in [0, 1]) is reported, next to the same similarity against a model of a
shuffled corpus (same row lengths and term frequencies, co-occurrence destroyed): similarity that
word frequencies alone produce.  :func:`choose_k` applies a documented rule to that table.

*Would another seed give other topics?*  ``stability`` and ``term_overlap`` in :func:`select_k`;
:func:`align_topics` matches the topics of any two fitted models.

*Do the topics differ between themes?*  :func:`topic_prevalence` gives each topic's share of
every group's tokens with percentile bootstrap intervals (units resampled within the group).

Topic ids
---------
After fitting, topics are ordered by their share of the corpus' tokens (largest first; ties by top
term) and numbered 1..k.  Topic ``i`` is ``T<i>`` in :attr:`TopicModel.labels_`, row ``i`` of
``topic_term_``, column ``i`` of ``doc_topic_``, row ``i - 1`` of the gensim model in ``model_``
(its internal arrays are permuted to the same order) and "Topic i" in the pyLDAvis page of
:func:`export_ldavis` (which is told not to re-sort topics).  The same id means the same topic in
every table, figure and export.

NaN guard
---------
No statistic is left NaN silently: when a value cannot be computed (a k larger than the number of
rows or terms, an empty topic whose top terms are arbitrary, a top term absent from the reference
texts, a single seed for stability) it is NaN and a ``note`` column says why.
"""

from __future__ import annotations

import functools
import html
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .features import DocTermMatrix, doc_term_matrix

__all__ = [
    "COHERENCE_MEASURES",
    "SELECT_K_COLUMNS",
    "TOPIC_TERMS_COLUMNS",
    "PREVALENCE_COLUMNS",
    "TopicModel",
    "align_topics",
    "choose_k",
    "doc_topics",
    "export_ldavis",
    "select_k",
    "topic_coherence",
    "topic_prevalence",
    "topic_terms",
]

#: Coherence measures computed with gensim's ``CoherenceModel``.
COHERENCE_MEASURES = ("c_v", "c_npmi", "u_mass")
#: Columns of :func:`select_k`.
SELECT_K_COLUMNS = ("k", "seed", "c_v", "c_npmi", "u_mass", "perplexity", "diversity", "stability",
                    "stability_null", "term_overlap", "n_empty_topics", "note")
#: Columns of :func:`topic_terms`.
TOPIC_TERMS_COLUMNS = ("topic", "label", "rank", "term", "prob", "relevance", "count")
#: Columns of :func:`topic_prevalence`.
PREVALENCE_COLUMNS = ("group", "topic", "label", "share", "ci_low", "ci_high", "n_units", "n_tokens", "note")

_UNITS = ("paragraph", "sentence", "document")
#: A topic with fewer expected tokens than this is "empty": its top terms are arbitrary.
EMPTY_TOPIC_TOKENS = 1.0
#: Columns of units that describe the unit, not its document (dropped when units are joined).
_UNIT_ONLY = ("para_id", "sent_id", "unit_type", "heading", "section", "heading_level", "start", "end", "text",
              "n_chars", "tokens", "token_spans", "pos", "n_tokens")


# ----------------------------------------------------------------------------- input
@dataclass(frozen=True, eq=False)
class _Data:
    """Pruned counts of the rows a model is fitted on, with what coherence and prevalence need."""

    counts: sp.csr_matrix      # rows × vocabulary, int64
    vocabulary: tuple
    row_ids: tuple
    rows: pd.DataFrame         # metadata, index row ids; n_tokens (all tokens), n_terms (in vocabulary)
    texts: list                # token sequences (the reference texts of coherence)
    unit: str
    id_name: str
    texts_from_counts: bool    # True when texts were rebuilt from a DocTermMatrix (word order lost)

    @property
    def nonempty(self) -> np.ndarray:
        return np.flatnonzero(self.rows["n_terms"].to_numpy() > 0)

    def bow(self, rows=None) -> "_Bow":
        """The rows as a gensim corpus (re-iterable; ``(term id, count)`` lists made on the fly)."""
        return _Bow(self.counts, np.arange(self.counts.shape[0]) if rows is None else np.asarray(rows))

    def term_counts(self) -> np.ndarray:
        return np.asarray(self.counts.sum(axis=0)).ravel().astype(np.int64)

    @functools.cached_property
    def present(self) -> frozenset:
        """Every token of the reference texts (to check that top terms occur in them)."""
        seen = set()
        for text in self.texts:
            seen.update(text)
        return frozenset(seen)


class _Bow:
    """A gensim corpus over rows of a CSR matrix: nothing but the matrix is held in memory.

    gensim's own corpora are lists of ``(id, count)`` tuples, about 100 bytes per non-zero cell;
    this streams them from the matrix, row by row, on every pass, so that with more rows than
    ``chunksize`` only one chunk of tuples exists at a time.
    """

    def __init__(self, counts: sp.csr_matrix, rows: np.ndarray):
        self.counts, self.rows = counts, rows

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        indptr, indices, data = self.counts.indptr, self.counts.indices, self.counts.data
        for i in self.rows:
            lo, hi = indptr[i], indptr[i + 1]
            yield list(zip(indices[lo:hi].tolist(), data[lo:hi].tolist()))

    def chunks(self, size: int = 2000):
        it = iter(self)
        for start in range(0, len(self), size):
            yield [next(it) for _ in range(min(size, len(self) - start))]


def _level(frame: pd.DataFrame) -> str:
    if "unit_type" not in frame.columns:
        return "document"
    kinds = set(frame["unit_type"].dropna().astype(str))
    return "sentence" if "sentence" in kinds else "paragraph"


def _split_documents(frame: pd.DataFrame, unit: str, where: str) -> pd.DataFrame:
    """Documents → paragraph/sentence units, each token going to the unit its span starts in."""
    from .segment import segment

    for col in ("text", "token_spans"):
        if col not in frame.columns:
            raise ValueError(
                f"{where}: unit={unit!r} splits documents into {unit}s, which needs the {col!r} column of "
                f"tokenize(clean(corpus)); the frame has columns {list(frame.columns)[:12]}. Pass units from "
                f"tokenize(segment(corpus, level={unit!r})) or unit='document'."
            )
    base = frame.drop(columns=[c for c in ("tokens", "token_spans", "pos", "n_tokens") if c in frame.columns])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # empty documents: reported below as rows without terms
        units = segment(base, level=unit)
    tokens_of = []
    lost = 0
    for doc_id, group in units.groupby("doc_id", sort=False):
        toks = frame.at[doc_id, "tokens"]
        spans = frame.at[doc_id, "token_spans"]
        starts = group["start"].to_numpy(dtype=np.int64)
        ends = group["end"].to_numpy(dtype=np.int64)
        bucket = [[] for _ in range(len(group))]
        for tok, (s, _e) in zip(toks, spans):
            i = int(np.searchsorted(starts, s, side="right")) - 1
            if i >= 0 and s < ends[i]:
                bucket[i].append(tok)
            else:
                lost += 1
        tokens_of.extend(zip(group.index, map(tuple, bucket)))
    if lost:
        warnings.warn(f"{where}: {lost} token(s) lie outside every {unit} (between units) and are not counted.",
                      UserWarning, stacklevel=4)
    mapping = dict(tokens_of)
    units = units.copy()
    units["tokens"] = [mapping.get(i, ()) for i in units.index]
    units["n_tokens"] = units["tokens"].map(len).astype("int64")
    return units


def _join_units(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Units → documents: tokens concatenated in unit order, document metadata kept."""
    if "doc_id" not in frame.columns:
        raise ValueError(f"{where}: unit='document' joins units by their 'doc_id' column, which the frame lacks.")
    keep = [c for c in frame.columns if c not in _UNIT_ONLY and c != "doc_id"]
    grouped = frame.groupby("doc_id", sort=False)
    docs = grouped[keep].first() if keep else pd.DataFrame(index=grouped.size().index)
    docs["tokens"] = grouped["tokens"].agg(lambda s: tuple(t for toks in s for t in toks))
    docs.index = pd.Index([str(i) for i in docs.index], name="doc_id")
    return docs


def _as_units(frame: pd.DataFrame, unit, where: str) -> pd.DataFrame:
    level = _level(frame)
    if unit is None or unit == level:
        return frame
    if level == "document":
        return _split_documents(frame, unit, where)
    if unit == "document":
        return _join_units(frame, where)
    raise ValueError(
        f"{where}: unit={unit!r} but the frame holds {level} units, which cannot be turned into {unit}s; "
        f"segment the corpus with segment(corpus, level={unit!r}) and tokenize it, or pass unit={level!r} "
        "(or unit=None to use the rows as they are)."
    )


def _df_limit(value, n_rows: int, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be an int (rows) or a float in [0, 1] (share of rows); got {value!r}.")
    if isinstance(value, Integral):
        if value < 0:
            raise ValueError(f"{name} must be >= 0 as an int (rows); got {value!r}.")
        return float(value)
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} as a float is a share of rows and must lie in [0, 1]; got {value!r}.")
    return float(value) * n_rows


def _prune(dtm: DocTermMatrix, min_df, max_df, where: str):
    n = dtm.shape[0]
    lo, hi = _df_limit(min_df, n, "min_df"), _df_limit(max_df, n, "max_df")
    df = np.diff(dtm.matrix.tocsc().indptr)
    keep = np.flatnonzero((df >= lo) & (df <= hi) & (df > 0))
    if keep.size == 0:
        raise ValueError(
            f"{where}: the vocabulary is empty after min_df={min_df!r} and max_df={max_df!r}: no term occurs in "
            f"at least {math.ceil(lo)} and at most {math.floor(hi)} of the {n} rows ({dtm.shape[1]} terms before "
            "pruning). Lower min_df, raise max_df, or fit on more or longer units."
        )
    counts = dtm.matrix[:, keep].tocsr().astype(np.int64)
    counts.sort_indices()
    return counts, tuple(dtm.vocabulary[i] for i in keep)


def _texts_from_counts(counts: sp.csr_matrix, vocabulary: tuple) -> list:
    vocab = np.asarray(vocabulary, dtype=object)
    return [tuple(np.repeat(vocab[counts.indices[counts.indptr[i]:counts.indptr[i + 1]]],
                            counts.data[counts.indptr[i]:counts.indptr[i + 1]]).tolist())
            for i in range(counts.shape[0])]


def _prepare(X, *, unit, min_df, max_df, where: str, vocabulary=None, warn_empty: bool = True) -> _Data:
    """Tokenized frame or DocTermMatrix → pruned counts, metadata and reference texts."""
    if unit is not None and unit not in _UNITS:
        raise ValueError(f"unit must be one of {list(_UNITS)} or None (the rows as given); got unit={unit!r}.")
    if isinstance(X, DocTermMatrix):
        if unit is not None and unit != X.unit:
            raise ValueError(
                f"{where}: unit={unit!r} but the DocTermMatrix has {X.unit} rows; build the matrix from "
                f"{unit} units, or pass unit=None (or unit={X.unit!r}) to fit its rows as they are."
            )
        dtm, texts, from_counts = X, None, True
    elif isinstance(X, pd.DataFrame):
        if "tokens" not in X.columns:
            raise ValueError(f"{where}: the frame has no 'tokens' column (columns: {list(X.columns)[:12]}); "
                             "run tokenize() first.")
        frame = _as_units(X, unit, where)
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
        counts, vocab = _prune(dtm, min_df, max_df, where)
    rows = dtm.rows.copy()
    rows["n_terms"] = np.asarray(counts.sum(axis=1)).ravel().astype(np.int64)
    if texts is None:
        texts = _texts_from_counts(counts, vocab)
    data = _Data(counts, vocab, tuple(dtm.row_ids), rows, texts, dtm.unit, dtm.id_name, from_counts)
    empty = rows.index[rows["n_terms"].to_numpy() == 0]
    if warn_empty and len(empty):
        warnings.warn(
            f"{where}: {len(empty)} of {len(rows)} rows have no term of the vocabulary (e.g. {list(empty[:3])}); "
            "they are left out of fitting, get NaN topic shares and are not counted in prevalence.",
            UserWarning, stacklevel=3)
    return data


# ----------------------------------------------------------------------------- checks
def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def _check_seed(value, name: str = "random_state") -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= value < 2 ** 32:
        raise ValueError(
            f"{name} must be an int seed in [0, 2**32); got {value!r}. A fixed int is what makes the topics "
            "reproducible (a RandomState object would be consumed by the first fit)."
        )
    return int(value)


def _k_problem(k: int, data: _Data) -> str | None:
    n_rows, n_terms = len(data.nonempty), len(data.vocabulary)
    if k > n_rows:
        return (f"k={k} exceeds the {n_rows} rows with terms: more topics than {data.unit}s cannot be estimated "
                f"(fit on smaller units, or choose k <= {n_rows})")
    if k > n_terms:
        return f"k={k} exceeds the vocabulary of {n_terms} terms (lower min_df, or choose k <= {n_terms})"
    return None


# ----------------------------------------------------------------------------- gensim
def _dictionary(data: _Data):
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


def _train(data: _Data, dictionary, k: int, seed: int, params: dict, bow=None):
    from gensim.models import LdaModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return LdaModel(
            corpus=data.bow(data.nonempty) if bow is None else bow, id2word=dictionary, num_topics=k,
            random_state=np.random.RandomState(seed), passes=params["passes"], iterations=params["iterations"],
            alpha=params["alpha"], eta=params["eta"], chunksize=params["chunksize"], update_every=1,
            eval_every=None, dtype=np.float64,
        )


class _ConstantStart:
    """Stands in for the RNG of ``LdaModel.inference``: every document's γ starts at the Gamma(100, 1/100) mean, 1.

    A constant start (as in Blei's lda-c, where γ starts at α + N/k for every topic) makes each row's
    topic shares independent of the rows inferred with it and of any random state.
    """

    @staticmethod
    def gamma(shape, scale, size):
        return np.full(size, shape * scale)


def _infer(lda, bow) -> np.ndarray:
    """Variational inference of document-topic γ with a constant start: same row → same output, always."""
    saved = lda.random_state
    lda.random_state = _ConstantStart()
    try:
        chunks = bow.chunks() if isinstance(bow, _Bow) else [list(bow)]
        gammas = [lda.inference(chunk)[0] for chunk in chunks]
    finally:
        lda.random_state = saved
    k = lda.num_topics
    return np.concatenate(gammas).astype(np.float64) if gammas else np.zeros((0, k))


def _permute(lda, order: np.ndarray) -> None:
    """Reorder the topics inside a gensim LdaModel (topic ``order[i]`` becomes topic ``i``)."""
    lda.state.sstats = lda.state.sstats[order]
    lda.expElogbeta = lda.expElogbeta[order]
    lda.alpha = np.asarray(lda.alpha)[order]
    if np.ndim(lda.eta) == 2:
        lda.eta = lda.eta[order]
    if np.ndim(lda.state.eta) == 2:
        lda.state.eta = lda.state.eta[order]


def _relevance(phi: np.ndarray, term_counts: np.ndarray, lam: float) -> np.ndarray:
    p = term_counts / term_counts.sum()
    with np.errstate(divide="ignore"):
        logphi = np.log(phi)
        return lam * logphi + (1.0 - lam) * (logphi - np.log(p)[None, :])


def _top_indices(values: np.ndarray, vocab: np.ndarray, n: int) -> np.ndarray:
    """Per row, the n largest values; ties by term (code-point order). Shape (rows, n)."""
    n = min(n, values.shape[1])
    term_rank = np.argsort(np.argsort(vocab, kind="stable"), kind="stable")
    return np.stack([np.lexsort((term_rank, -row))[:n] for row in values])


# ----------------------------------------------------------------------------- the model
class TopicModel:
    """LDA topic model (gensim ``LdaModel``) in scikit-learn style, reproducible to the last bit.

    Parameters
    ----------
    n_topics : int, default 5
        Number of topics k (at least 2, at most the number of rows with terms and of terms).
    unit : {"paragraph", "sentence", "document"} or None, default "paragraph"
        What a row of the model is.  Documents from ``tokenize(clean(corpus))`` are split into
        paragraphs (or sentences) by :func:`corpusanalysis.segment`, each token going to the unit
        its ``token_spans`` offset falls in (so tokenization is exactly that of the documents);
        units from ``tokenize(segment(...))`` are used as they are, or joined into documents
        (``unit="document"``).  ``None`` fits the rows as given.  Five speeches are far too few
        documents for LDA; their ~130 paragraphs are not.
    min_df, max_df : int or float, default 2 and 1.0
        Keep terms occurring in at least ``min_df`` and at most ``max_df`` rows (an int counts rows,
        a float is a share of rows), as in scikit-learn's ``CountVectorizer``.  A term used in one
        paragraph only carries no co-occurrence evidence.
    passes, iterations : int, default 20 and 400
        Passes over the corpus, and the maximum variational iterations per document.
    alpha, eta : gensim priors, default "symmetric" and None (1/k)
        Document-topic and topic-term priors (``"symmetric"``, ``"asymmetric"``, ``"auto"``, a float
        or an array; see gensim's ``LdaModel``).
    chunksize : int, default 2000
        Documents per online update (with fewer rows, every pass is one batch update).
    random_state : int, default 0
        The seed.  Same data + same seed → identical topics (see the module docstring).
    label_terms : int, default 3
        Terms in each topic's label (``"T1 新质生产力·产业·科技创新"``).
    relevance_lambda : float, default 0.6
        λ of the LDAvis relevance used to pick the label terms (Sievert & Shirley 2014).

    Attributes
    ----------
    model_ : gensim.models.LdaModel
        The trained model, its topics permuted into the order of this object (row ``i - 1`` is
        topic ``i``).
    doc_topic_ : pandas.DataFrame
        Rows × topics: each row's topic shares (normalized variational γ; rows sum to 1); index the
        row ids (``unit_id`` or ``doc_id``), columns the topic ids 1..k (name ``topic``).  Rows
        without any vocabulary term are NaN (see ``empty_rows_``).
    topic_term_ : pandas.DataFrame
        Topics × terms: p(term | topic), rows sum to 1; index topic ids, columns the vocabulary.
    topic_share_ : pandas.Series
        Each topic's share of the corpus' (vocabulary) tokens: expected token assignments summed
        over rows; topics are numbered in decreasing order of it.
    vocabulary_ : tuple of str
        The terms, in code-point order.
    labels_ : tuple of str
        ``labels_[i - 1]`` is the label of topic ``i``.
    rows_ : pandas.DataFrame
        Row metadata (the input's columns except text and tokens), with ``n_tokens`` (all tokens)
        and ``n_terms`` (tokens in the vocabulary).
    empty_rows_ : tuple of str
        Rows left out because none of their tokens is in the vocabulary.
    unit_ : str
        What a row is (``"paragraph"``, ``"sentence"``, ``"document"`` …).

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.topics import TopicModel
    >>> docs = pd.DataFrame({"tokens": [
    ...     ("新质生产力", "产业", "科技创新", "产业"), ("新质生产力", "科技创新", "产业"),
    ...     ("容错纠错", "干部", "担当", "干部"), ("干部", "容错纠错", "担当"),
    ...     ("创新型县", "县域", "科技", "县域"), ("县域", "创新型县", "科技")]},
    ...     index=pd.Index([f"d{i}" for i in range(6)], name="doc_id"))
    >>> model = TopicModel(3, unit="document").fit(docs)
    >>> model.labels_
    ('T1 产业·新质生产力·科技创新', 'T2 干部·容错纠错·担当', 'T3 县域·创新型县·科技')
    >>> model.doc_topic_.idxmax(axis=1).tolist()
    [1, 1, 2, 2, 3, 3]
    >>> TopicModel(3, unit="document").fit(docs).topic_term_.equals(model.topic_term_)
    True
    """

    def __init__(self, n_topics: int = 5, *, unit: str | None = "paragraph", min_df=2, max_df=1.0,
                 passes: int = 20, iterations: int = 400, alpha="symmetric", eta=None, chunksize: int = 2000,
                 random_state: int = 0, label_terms: int = 3, relevance_lambda: float = 0.6):
        self.n_topics = n_topics
        self.unit = unit
        self.min_df = min_df
        self.max_df = max_df
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.chunksize = chunksize
        self.random_state = random_state
        self.label_terms = label_terms
        self.relevance_lambda = relevance_lambda

    _PARAMS = ("n_topics", "unit", "min_df", "max_df", "passes", "iterations", "alpha", "eta", "chunksize",
               "random_state", "label_terms", "relevance_lambda")

    # -- scikit-learn protocol
    def get_params(self, deep: bool = True) -> dict:
        """Parameters as a dict (scikit-learn protocol)."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params) -> "TopicModel":
        """Set parameters (scikit-learn protocol); unknown names raise."""
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ValueError(f"Invalid parameter {name!r} for TopicModel; valid parameters: {list(self._PARAMS)}.")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = TopicModel().get_params()
        shown = [f"{k}={v!r}" for k, v in self.get_params().items() if k == "n_topics" or not _same(v, defaults[k])]
        return f"TopicModel({', '.join(shown)})"

    def _check_params(self, where: str) -> dict:
        if isinstance(self.n_topics, bool) or not isinstance(self.n_topics, Integral) or self.n_topics < 2:
            raise ValueError(f"{where}: n_topics must be an int >= 2 (the number of topics k); got {self.n_topics!r}.")
        _check_int(self.passes, "passes", 1)
        _check_int(self.iterations, "iterations", 1)
        _check_int(self.chunksize, "chunksize", 1)
        _check_int(self.label_terms, "label_terms", 1)
        _check_seed(self.random_state)
        if isinstance(self.relevance_lambda, bool) or not isinstance(self.relevance_lambda, Real) or not (
                0.0 <= self.relevance_lambda <= 1.0):
            raise ValueError(f"relevance_lambda must be a float in [0, 1]; got {self.relevance_lambda!r}.")
        return {"passes": int(self.passes), "iterations": int(self.iterations), "alpha": self.alpha,
                "eta": self.eta, "chunksize": int(self.chunksize)}

    # -- fitting
    def fit(self, X, y=None) -> "TopicModel":
        """Fit the model on a tokenized frame (documents or units) or a DocTermMatrix.

        Parameters
        ----------
        X : pandas.DataFrame or DocTermMatrix
            ``tokenize(...)`` output (documents or units of :func:`corpusanalysis.segment`), or a
            :class:`~corpusanalysis.features.DocTermMatrix` (then coherence uses texts rebuilt
            from the counts, without word order).
        y : ignored

        Returns
        -------
        TopicModel
            ``self``, fitted.

        Raises
        ------
        ValueError
            Bad parameters; no ``tokens`` column; an empty vocabulary after ``min_df``/``max_df``;
            ``n_topics`` larger than the rows with terms or than the vocabulary.

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis.topics import TopicModel
        >>> docs = pd.DataFrame({"tokens": [("创新", "科技"), ("容错纠错", "干部")]},
        ...                     index=pd.Index(["a", "b"], name="doc_id"))
        >>> TopicModel(2, unit="document", min_df=1).fit(docs).doc_topic_.shape
        (2, 2)
        """
        where = "TopicModel.fit()"
        params = self._check_params(where)
        data = _prepare(X, unit=self.unit, min_df=self.min_df, max_df=self.max_df, where=where)
        problem = _k_problem(int(self.n_topics), data)
        if problem:
            raise ValueError(f"{where}: n_topics={self.n_topics}: {problem}.")
        self._fit_prepared(data, _dictionary(data), params)
        return self

    def _fit_prepared(self, data: _Data, dictionary, params: dict) -> "TopicModel":
        k, seed = int(self.n_topics), int(self.random_state)
        rows = data.nonempty
        bow = data.bow(rows)  # streamed from the counts (measured: less peak memory than a list, same time)
        lda = _train(data, dictionary, k, seed, params, bow=bow)
        gamma = _infer(lda, bow)
        mass = (gamma - np.asarray(lda.alpha)[None, :]).sum(axis=0)
        vocab = np.asarray(data.vocabulary, dtype=object)
        phi = lda.get_topics().astype(np.float64)
        top = _top_indices(phi, vocab, 1)[:, 0]
        order = np.array(sorted(range(k), key=lambda j: (-mass[j], vocab[top[j]], j)), dtype=np.int64)
        _permute(lda, order)
        gamma = _infer(lda, bow)  # in the final order: what transform() gives for the same rows
        self._set_fitted(lda, data, gamma)
        return self

    def _set_fitted(self, lda, data: _Data, gamma: np.ndarray) -> None:
        k = lda.num_topics
        topics = pd.Index(range(1, k + 1), name="topic")
        rows = data.nonempty
        theta = np.full((len(data.row_ids), k), np.nan)
        theta[rows] = gamma / gamma.sum(axis=1, keepdims=True)
        expected = np.clip(gamma - np.asarray(lda.alpha)[None, :], 0.0, None)
        phi = lda.get_topics().astype(np.float64)
        phi = phi / phi.sum(axis=1, keepdims=True)
        vocab = np.asarray(data.vocabulary, dtype=object)
        self.model_ = lda
        self.vocabulary_ = tuple(data.vocabulary)
        self.unit_ = data.unit
        index = pd.Index(pd.array(data.row_ids, dtype="string"), name=data.id_name)
        self.doc_topic_ = pd.DataFrame(theta, index=index, columns=topics)
        self.topic_term_ = pd.DataFrame(phi, index=topics, columns=pd.Index(pd.array(vocab, dtype="string"),
                                                                             name="term"))
        mass = expected.sum(axis=0)
        self.topic_share_ = pd.Series(mass / mass.sum(), index=topics, name="share")
        self.rows_ = data.rows
        self.empty_rows_ = tuple(data.row_ids[i] for i in np.flatnonzero(data.rows["n_terms"].to_numpy() == 0))
        self.term_counts_ = pd.Series(data.term_counts(), index=self.topic_term_.columns, name="count")
        rel = _relevance(phi, self.term_counts_.to_numpy(dtype=np.float64), float(self.relevance_lambda))
        top = _top_indices(rel, vocab, int(self.label_terms))
        self.labels_ = tuple(f"T{i + 1} " + "·".join(vocab[top[i]]) for i in range(k))
        self._gamma = gamma                # rows with terms × topics: variational Dirichlet parameters
        self._expected = expected          # rows with terms × topics: expected tokens per topic
        self._data = data                  # reference texts for coherence
        self._dictionary = lda.id2word

    # -- prediction
    def _check_fitted(self, where: str) -> None:
        if not hasattr(self, "model_"):
            raise ValueError(f"{where}: this TopicModel instance is not fitted yet; call fit() with a tokenized "
                             "frame first.")

    def transform(self, X) -> pd.DataFrame:
        """Topic shares of new rows (same unit handling; terms outside the vocabulary are ignored).

        Inference starts every row from the same constant (no random state), so a row's shares do
        not depend on the other rows: ``transform`` of training rows equals their ``doc_topic_`` rows
        exactly.

        Parameters
        ----------
        X : pandas.DataFrame or DocTermMatrix

        Returns
        -------
        pandas.DataFrame
            Rows × topics (columns 1..k); NaN for rows without a vocabulary term.

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis.topics import TopicModel
        >>> docs = pd.DataFrame({"tokens": [("创新", "科技"), ("容错纠错", "干部")]},
        ...                     index=pd.Index(["a", "b"], name="doc_id"))
        >>> model = TopicModel(2, unit="document", min_df=1).fit(docs)
        >>> model.transform(docs).equals(model.doc_topic_)
        True
        """
        where = "TopicModel.transform()"
        self._check_fitted(where)
        data = _prepare(X, unit=self.unit, min_df=1, max_df=1.0, where=where, vocabulary=self.vocabulary_,
                        warn_empty=False)
        rows = data.nonempty
        k = self.model_.num_topics
        theta = np.full((len(data.row_ids), k), np.nan)
        if len(rows):
            gamma = _infer(self.model_, data.bow(rows))
            theta[rows] = gamma / gamma.sum(axis=1, keepdims=True)
        index = pd.Index(pd.array(data.row_ids, dtype="string"), name=data.id_name)
        return pd.DataFrame(theta, index=index, columns=self.doc_topic_.columns)

    def fit_transform(self, X, y=None) -> pd.DataFrame:
        """``fit(X).doc_topic_``."""
        return self.fit(X).doc_topic_

    def perplexity(self) -> float:
        """In-sample perplexity ``2 ** -bound`` per token (gensim's variational bound).

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis.topics import TopicModel
        >>> docs = pd.DataFrame({"tokens": [("创新", "科技"), ("容错纠错", "干部")]},
        ...                     index=pd.Index(["a", "b"], name="doc_id"))
        >>> TopicModel(2, unit="document", min_df=1).fit(docs).perplexity() > 1
        True
        """
        self._check_fitted("TopicModel.perplexity()")
        return _perplexity(self)


def _same(a, b) -> bool:
    try:
        return bool(a == b) if not isinstance(a, np.ndarray) else False
    except Exception:  # noqa: BLE001 - arrays and the like
        return False


def _check_model(model, where: str) -> TopicModel:
    if not isinstance(model, TopicModel):
        raise TypeError(f"{where} expects a fitted TopicModel; got {type(model).__name__}.")
    model._check_fitted(where)
    return model


def _perplexity(model: TopicModel) -> float:
    data = model._data
    rows = data.nonempty
    bow = data.bow(rows)
    gamma = model._gamma
    n_words = float(data.counts[rows].sum())
    # gensim's bound() expects each gamma[d] 2-D (1 × k), as inference() returns it for one document.
    bound = model.model_.bound(bow, gamma=gamma[:, None, :], subsample_ratio=1.0)
    return float(np.exp2(-bound / n_words))


# ----------------------------------------------------------------------------- tidy outputs
def topic_terms(model: TopicModel, *, n: int = 10, relevance_lambda: float = 0.6, by: str = "relevance") -> pd.DataFrame:
    """Top terms of every topic, by LDAvis relevance (default) or by probability.

    Relevance (Sievert & Shirley 2014) is ``λ·log p(w|t) + (1 − λ)·log(p(w|t) / p(w))``, with p(w)
    the term's share of the corpus' vocabulary tokens: λ = 1 ranks by probability, lower λ favours
    terms specific to the topic (λ ≈ 0.6 is what users found most interpretable).

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    n : int, default 10
        Terms per topic.
    relevance_lambda : float, default 0.6
        λ in [0, 1].
    by : {"relevance", "prob"}, default "relevance"
        Ranking; ties by term.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic, label, rank, term, prob, relevance, count``: ``prob`` is p(term | topic),
        ``count`` the term's raw count in the corpus the model was fitted on.  Sorted by topic and
        rank.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.topics import TopicModel, topic_terms
    >>> docs = pd.DataFrame({"tokens": [
    ...     ("新质生产力", "产业", "科技创新", "产业"), ("新质生产力", "科技创新", "产业"),
    ...     ("容错纠错", "干部", "担当", "干部"), ("干部", "容错纠错", "担当")]},
    ...     index=pd.Index([f"d{i}" for i in range(4)], name="doc_id"))
    >>> terms = topic_terms(TopicModel(2, unit="document").fit(docs), n=2)
    >>> terms[["topic", "rank", "term", "count"]]
       topic  rank   term  count
    0      1     1     干部      3
    1      1     2   容错纠错      2
    2      2     1     产业      3
    3      2     2  新质生产力      2
    """
    where = "topic_terms()"
    _check_model(model, where)
    n = _check_int(n, "n", 1)
    if isinstance(relevance_lambda, bool) or not isinstance(relevance_lambda, Real) or not 0 <= relevance_lambda <= 1:
        raise ValueError(f"relevance_lambda must be a float in [0, 1]; got {relevance_lambda!r}.")
    if by not in ("relevance", "prob"):
        raise ValueError(f"by must be 'relevance' or 'prob'; got by={by!r}.")
    phi = model.topic_term_.to_numpy()
    counts = model.term_counts_.to_numpy(dtype=np.float64)
    rel = _relevance(phi, counts, float(relevance_lambda))
    vocab = np.asarray(model.vocabulary_, dtype=object)
    top = _top_indices(rel if by == "relevance" else phi, vocab, n)
    k, m = top.shape
    t = np.repeat(np.arange(k), m)
    cols = top.ravel()
    out = pd.DataFrame({
        "topic": (t + 1).astype(np.int64),
        "label": pd.array(np.asarray(model.labels_, dtype=object)[t], dtype="string"),
        "rank": np.tile(np.arange(1, m + 1), k).astype(np.int64),
        "term": pd.array(vocab[cols], dtype="string"),
        "prob": phi[t, cols],
        "relevance": rel[t, cols],
        "count": counts[cols].astype(np.int64),
    })
    out.attrs.update({"by": by, "relevance_lambda": float(relevance_lambda)})
    return out


def doc_topics(model: TopicModel, *, n: int | None = None, min_share: float = 0.0) -> pd.DataFrame:
    """Tidy topic shares of every row the model was fitted on.

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    n : int, optional
        Keep each row's ``n`` largest topics only.
    min_share : float, default 0
        Keep shares of at least this value.

    Returns
    -------
    pandas.DataFrame
        Columns ``<row id>`` (``unit_id`` or ``doc_id``), ``doc_id`` (for units), ``topic, label,
        share, rank`` (1 = the row's dominant topic; ties by topic id) and ``n_terms`` (the row's
        tokens in the vocabulary).  Rows in the model's order, then topic.  Rows without any
        vocabulary term (``model.empty_rows_``) are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.topics import TopicModel, doc_topics
    >>> docs = pd.DataFrame({"tokens": [("创新", "科技", "创新"), ("容错纠错", "干部", "干部")]},
    ...                     index=pd.Index(["a", "b"], name="doc_id"))
    >>> doc_topics(TopicModel(2, unit="document", min_df=1).fit(docs), n=1)[["doc_id", "topic", "rank"]]
      doc_id  topic  rank
    0      a      1     1
    1      b      1     1
    """
    where = "doc_topics()"
    _check_model(model, where)
    if n is not None:
        n = _check_int(n, "n", 1)
    if isinstance(min_share, bool) or not isinstance(min_share, Real) or not 0 <= min_share <= 1:
        raise ValueError(f"min_share must be a float in [0, 1]; got {min_share!r}.")
    theta = model.doc_topic_
    keep = ~theta.isna().any(axis=1).to_numpy()
    values = theta.to_numpy()[keep]
    ids = np.asarray(theta.index, dtype=object)[keep]
    r, k = values.shape
    ranks = np.empty_like(values, dtype=np.int64)
    order = np.lexsort((np.tile(np.arange(k), (r, 1)), -values), axis=1) if r else np.zeros((0, k), dtype=np.int64)
    rows = np.arange(r)[:, None]
    ranks[rows, order] = np.arange(1, k + 1)[None, :]
    id_name = theta.index.name
    out = pd.DataFrame({id_name: pd.array(np.repeat(ids, k), dtype="string")})
    if id_name != "doc_id" and "doc_id" in model.rows_.columns:
        out["doc_id"] = pd.array(model.rows_["doc_id"].astype(str).to_numpy(dtype=object)[keep].repeat(k),
                                 dtype="string")
    out["topic"] = np.tile(np.arange(1, k + 1), r).astype(np.int64)
    out["label"] = pd.array(np.tile(np.asarray(model.labels_, dtype=object), r), dtype="string")
    out["share"] = values.ravel()
    out["rank"] = ranks.ravel()
    out["n_terms"] = np.repeat(model.rows_["n_terms"].to_numpy(dtype=np.int64)[keep], k)
    mask = out["share"].to_numpy() >= min_share
    if n is not None:
        mask &= out["rank"].to_numpy() <= n
    return out[mask].reset_index(drop=True)


# ----------------------------------------------------------------------------- coherence
def _coherence(topics: list, data: _Data, dictionary, measures: Sequence[str], window_size=None) -> dict:
    """Per-topic coherence for many topics at once (one pass over the reference texts per measure).

    Returns ``{measure: array}``; non-finite values are NaN (the caller writes the note).
    """
    from gensim.models import CoherenceModel

    out = {}
    if not topics:
        return {m: np.zeros(0) for m in measures}
    topn = len(topics[0])
    bow = data.bow()
    for measure in measures:
        cm = CoherenceModel(topics=[list(t) for t in topics], texts=data.texts, corpus=bow, dictionary=dictionary,
                            coherence=measure, topn=topn, processes=1, window_size=window_size)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            values = np.asarray(cm.get_coherence_per_topic(), dtype=np.float64)
        values[~np.isfinite(values)] = np.nan
        out[measure] = values
    return out


def _top_terms_lists(model: TopicModel, topn: int) -> list:
    vocab = np.asarray(model.vocabulary_, dtype=object)
    top = _top_indices(model.topic_term_.to_numpy(), vocab, topn)
    return [list(vocab[row]) for row in top]


def _check_measures(measures) -> tuple:
    if isinstance(measures, str):
        measures = (measures,)
    measures = tuple(measures)
    bad = [m for m in measures if m not in COHERENCE_MEASURES]
    if bad or not measures:
        raise ValueError(f"coherence measures must be among {list(COHERENCE_MEASURES)}; got {list(measures)}.")
    return measures


def topic_coherence(model: TopicModel, *, measures=COHERENCE_MEASURES, topn: int = 10) -> pd.DataFrame:
    """Coherence of every topic of a fitted model (gensim ``CoherenceModel``, ``processes=1``).

    The reference texts are the rows the model was fitted on (their full token sequences, so
    sliding windows see the real word order; texts rebuilt from counts for a DocTermMatrix).
    ``c_v`` uses gensim's sliding window of 110 tokens, ``c_npmi`` of 10, ``u_mass`` document
    co-occurrence.

    Parameters
    ----------
    model : TopicModel
    measures : sequence of {"c_v", "c_npmi", "u_mass"}
    topn : int, default 10
        Top terms (by probability) per topic; at most the vocabulary size.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic, label, share`` (the topic's share of all tokens), one column per measure,
        ``note`` (why a value is NaN: an empty topic, a top term absent from the texts …).

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.topics import TopicModel, topic_coherence
    >>> docs = pd.DataFrame({"tokens": [("创新", "科技", "创新"), ("容错纠错", "干部", "干部"),
    ...                                 ("科技", "创新"), ("干部", "容错纠错")]},
    ...                     index=pd.Index(list("abcd"), name="doc_id"))
    >>> table = topic_coherence(TopicModel(2, unit="document", label_terms=2).fit(docs), measures="c_npmi", topn=2)
    >>> table[["topic", "label", "c_npmi"]].round(3)
       topic       label  c_npmi
    0      1  T1 干部·容错纠错     1.0
    1      2    T2 创新·科技     1.0
    """
    where = "topic_coherence()"
    _check_model(model, where)
    measures = _check_measures(measures)
    topn = _check_int(topn, "topn", 2)
    lists = _top_terms_lists(model, min(topn, len(model.vocabulary_)))
    raw = _coherence(lists, model._data, model._dictionary, measures)
    values, notes, model_notes = _coherence_notes(lists, _topic_mass(model), raw, measures, topn, model._data)
    notes = ["; ".join(n for n in [note, *model_notes] if n) for note in notes]
    out = pd.DataFrame({"topic": model.topic_share_.index.to_numpy(dtype=np.int64),
                        "label": pd.array(model.labels_, dtype="string"),
                        "share": model.topic_share_.to_numpy()})
    for m in measures:
        out[m] = values[m]
    out["note"] = pd.array(notes, dtype="string")
    return out


def _coherence_notes(lists: list, mass: np.ndarray, values: dict, measures, topn: int, data: _Data):
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
    out = {m: np.array(values[m], dtype=np.float64, copy=True) for m in measures}
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


def _topic_mass(model: TopicModel) -> np.ndarray:
    return model._expected.sum(axis=0)


# ----------------------------------------------------------------------------- alignment
def _js_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jensen-Shannon divergence (base 2, in [0, 1]) between every row of a and every row of b."""
    from scipy.special import rel_entr

    out = np.empty((a.shape[0], b.shape[0]))
    for i, p in enumerate(a):
        m = 0.5 * (p[None, :] + b)
        out[i] = 0.5 * (rel_entr(p[None, :], m).sum(axis=1) + rel_entr(b, m).sum(axis=1)) / np.log(2.0)
    return np.clip(out, 0.0, 1.0)


def _match(a: np.ndarray, b: np.ndarray):
    from scipy.optimize import linear_sum_assignment

    cost = _js_matrix(a, b)
    rows, cols = linear_sum_assignment(cost)
    return rows, cols, 1.0 - cost[rows, cols]


def _overlap(a: np.ndarray, b: np.ndarray, rows, cols, vocab: np.ndarray, n: int = 10) -> np.ndarray:
    ta, tb = _top_indices(a, vocab, n), _top_indices(b, vocab, n)
    m = ta.shape[1]
    return np.array([len(set(ta[i]) & set(tb[j])) / m for i, j in zip(rows, cols)])


def align_topics(a: TopicModel, b: TopicModel, *, n_terms: int = 10) -> pd.DataFrame:
    """Match the topics of two fitted models one to one (Hungarian algorithm on Jensen-Shannon divergence).

    Both models must share the vocabulary (e.g. the same data with another seed or k).  The
    assignment minimizes the summed JSD (base 2) between matched topic-term distributions; with
    different k, the surplus topics of the larger model stay unmatched.

    Parameters
    ----------
    a, b : TopicModel
    n_terms : int, default 10
        Top terms (by probability) compared for ``term_overlap``.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic_a, label_a, topic_b, label_b, similarity`` (1 − JSD, in [0, 1]) and
        ``term_overlap`` (share of the top ``n_terms`` terms the two topics share), sorted by
        ``topic_a``.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.topics import TopicModel, align_topics
    >>> docs = pd.DataFrame({"tokens": [("创新", "科技", "创新"), ("容错纠错", "干部", "干部"),
    ...                                 ("科技", "创新"), ("干部", "容错纠错")]},
    ...                     index=pd.Index(list("abcd"), name="doc_id"))
    >>> m0 = TopicModel(2, unit="document", random_state=0, label_terms=2).fit(docs)
    >>> m1 = TopicModel(2, unit="document", random_state=1, label_terms=2).fit(docs)
    >>> m0.labels_ == m1.labels_  # ids follow each topic's share of the tokens, not the seed
    True
    >>> align_topics(m0, m1)[["topic_a", "topic_b", "term_overlap"]]
       topic_a  topic_b  term_overlap
    0        1        1           1.0
    1        2        2           1.0
    """
    _check_model(a, "align_topics()")
    _check_model(b, "align_topics()")
    if a.vocabulary_ != b.vocabulary_:
        raise ValueError("align_topics(): the two models have different vocabularies "
                         f"({len(a.vocabulary_)} and {len(b.vocabulary_)} terms); fit them on the same data with "
                         "the same min_df/max_df.")
    n_terms = _check_int(n_terms, "n_terms", 1)
    pa, pb = a.topic_term_.to_numpy(), b.topic_term_.to_numpy()
    rows, cols, sim = _match(pa, pb)
    overlap = _overlap(pa, pb, rows, cols, np.asarray(a.vocabulary_, dtype=object), n_terms)
    return pd.DataFrame({
        "topic_a": (rows + 1).astype(np.int64),
        "label_a": pd.array(np.asarray(a.labels_, dtype=object)[rows], dtype="string"),
        "topic_b": (cols + 1).astype(np.int64),
        "label_b": pd.array(np.asarray(b.labels_, dtype=object)[cols], dtype="string"),
        "similarity": sim,
        "term_overlap": overlap,
    })


# ----------------------------------------------------------------------------- choosing k
def _shuffled(data: _Data, seed: int) -> list:
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


def _diversity(phi: np.ndarray, vocab: np.ndarray, n: int = 25) -> float:
    top = _top_indices(phi, vocab, n)
    return float(len(np.unique(top)) / top.size)


def select_k(data, ks=range(3, 9), *, seeds=(0, 1, 2), topn: int = 10, null: bool = True,
             measures=COHERENCE_MEASURES, **params) -> pd.DataFrame:
    """Fit every k with every seed and tabulate the evidence for choosing k.

    Parameters
    ----------
    data : pandas.DataFrame or DocTermMatrix
        As for :meth:`TopicModel.fit` (prepared and pruned once, shared by all fits).
    ks : iterable of int, default 3..8
        Numbers of topics to try (each >= 2).
    seeds : sequence of int, default (0, 1, 2)
        Random seeds; each (k, seed) is one fit.  At least two are needed for stability.
    topn : int, default 10
        Top terms per topic for coherence.
    null : bool, default True
        Also fit each (k, seed) on a shuffled corpus (same row lengths and term totals, tokens dealt
        at random) and report the similarity of the real topics to those (``stability_null``).
    measures : sequence of {"c_v", "c_npmi", "u_mass"}
        Coherence measures (gensim ``CoherenceModel``, ``processes=1``; the reference texts are
        the fitted rows, see :func:`topic_coherence`).
    **params
        :class:`TopicModel` parameters (``unit``, ``min_df``, ``passes``, ``alpha`` …).

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
            The same similarity between this run and the run on the shuffled corpus: what word
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
    >>> from corpusanalysis.topics import select_k
    >>> docs = pd.DataFrame({"tokens": [("创新", "科技", "创新"), ("容错纠错", "干部", "干部"),
    ...                                 ("科技", "创新"), ("干部", "容错纠错"), ("县域", "科技")]},
    ...                     index=pd.Index(list("abcde"), name="doc_id"))
    >>> table = select_k(docs, [2, 3, 9], seeds=(0, 1), unit="document", min_df=1, measures="u_mass")
    >>> table[["k", "seed", "n_empty_topics"]].to_numpy().tolist()
    [[2, 0, 0], [2, 1, 0], [3, 0, 1], [3, 1, 1], [9, 0, 0], [9, 1, 0]]
    >>> table["note"].iloc[2]
    'top 5 terms per topic (the whole vocabulary), not 10; T3 is empty (0.03 expected tokens): its top terms are arbitrary, coherence not computed; coherence is the mean over 2 of 3 topics'
    >>> table["note"].iloc[-1]
    'k=9 exceeds the 5 rows with terms: more topics than documents cannot be estimated (fit on smaller units, or choose k <= 5)'
    """
    where = "select_k()"
    measures = _check_measures(measures)
    if isinstance(ks, Integral):
        ks = [ks]
    ks = sorted({int(_check_k_value(k)) for k in ks})
    if not ks:
        raise ValueError("select_k(): ks is empty; pass the numbers of topics to try, e.g. range(3, 9).")
    if isinstance(seeds, Integral):
        seeds = [seeds]
    seeds = [_check_seed(s, "seeds") for s in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct int seeds (at least one; two or more for stability); got {seeds!r}.")
    topn = _check_int(topn, "topn", 2)
    base = TopicModel(**{**params, "n_topics": 2})
    fit_params = base._check_params(where)
    prepared = _prepare(data, unit=base.unit, min_df=base.min_df, max_df=base.max_df, where=where)
    dictionary = _dictionary(prepared)
    vocab = np.asarray(prepared.vocabulary, dtype=object)
    records, runs = [], []  # runs: (record, top-term lists, topic masses) awaiting coherence
    topn_used = min(topn, len(vocab))
    for k in ks:
        problem = _k_problem(k, prepared)
        if problem:
            for s in seeds:
                records.append({"k": k, "seed": s, "n_empty_topics": 0, "note": problem})
            continue
        models = []
        for s in seeds:
            m = TopicModel(**{**base.get_params(), "n_topics": k, "random_state": s})
            models.append(m._fit_prepared(prepared, dictionary, fit_params))
        phis = [m.topic_term_.to_numpy() for m in models]
        for j, (s, m) in enumerate(zip(seeds, models)):
            rec = {"k": k, "seed": s, "perplexity": _perplexity(m), "diversity": _diversity(phis[j], vocab),
                   "note": []}
            if len(models) > 1:
                sims, overlaps = [], []
                for jj in range(len(models)):
                    if jj != j:
                        r, c, sim = _match(phis[j], phis[jj])
                        sims.append(sim.mean())
                        overlaps.append(_overlap(phis[j], phis[jj], r, c, vocab).mean())
                rec["stability"], rec["term_overlap"] = float(np.mean(sims)), float(np.mean(overlaps))
            else:
                rec["stability"] = rec["term_overlap"] = np.nan
                rec["note"].append("stability needs at least two seeds")
            if null:
                null_lda = _train(prepared, dictionary, k, s, fit_params, bow=_shuffled(prepared, s))
                _, _, sim = _match(phis[j], null_lda.get_topics().astype(np.float64))
                rec["stability_null"] = float(sim.mean())
            else:
                rec["stability_null"] = np.nan
                rec["note"].append("no shuffled-corpus baseline (null=False)")
            runs.append((rec, _top_terms_lists(m, topn_used), _topic_mass(m)))
            records.append(rec)
        del models, phis
    # Coherence of every topic of every run: one pass over the reference texts per measure.
    flat = [t for _, lists, _ in runs for t in lists]
    values = _coherence(flat, prepared, dictionary, measures) if flat else {}
    offset = 0
    for rec, lists, mass in runs:
        k = len(lists)
        raw = {meas: values[meas][offset:offset + k] for meas in measures}
        offset += k
        per_topic, notes, model_notes = _coherence_notes(lists, mass, raw, measures, topn, prepared)
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
        rec["n_empty_topics"] = sum("is empty" in n for n in notes)
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


def _check_k_value(k):
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 2:
        raise ValueError(f"ks must hold ints >= 2 (numbers of topics); got {k!r}.")
    return k


def choose_k(table: pd.DataFrame, *, metric: str = "c_npmi", min_stability: float = 0.7,
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
    >>> from corpusanalysis.topics import choose_k
    >>> table = pd.DataFrame({"k": [3, 3, 4, 4, 5, 5], "seed": [0, 1] * 3,
    ...     "c_npmi": [0.10, 0.12, 0.15, 0.13, 0.20, 0.22],
    ...     "stability": [0.9, 0.9, 0.8, 0.8, 0.6, 0.6], "stability_null": [0.5] * 6})
    >>> choose_k(table)[0]
    4
    >>> choose_k(table)[1]
    'k=4: highest mean c_npmi (0.140 over 2 seeds) among the k whose topics are stable across seeds (mean 1 − JSD ≥ 0.7 and above the shuffled-corpus baseline): eligible k = 3, 4 (not eligible: 5); its stability 0.800 (baseline 0.500).'
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

    def _fmt(k):
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


# ----------------------------------------------------------------------------- prevalence
def topic_prevalence(model: TopicModel, groups, *, n_boot: int = 1000, ci: float = 0.95, random_state: int = 0,
                     weight: str = "tokens") -> pd.DataFrame:
    """Each topic's share in every group, with percentile bootstrap confidence intervals.

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    groups : str or pandas.Series
        A column of the rows the model was fitted on (``model.rows_``: ``theme`` after
        :func:`corpusanalysis.assign_themes`, ``doc_id``, ``genre`` …), or a Series indexed by the
        row ids (``unit_id``/``doc_id``).  Every row with terms needs a group (no missing values).
    n_boot : int, default 1000
        Bootstrap replicates.  Units are resampled with replacement **within each group** (the
        group sizes are fixed), so the interval reflects which units a theme happens to have.
    ci : float, default 0.95
        Confidence level of the percentile interval.
    random_state : int, default 0
        Seed of the bootstrap (``numpy.random.default_rng``).
    weight : {"tokens", "units"}, default "tokens"
        ``"tokens"``: the share of the group's vocabulary tokens the model assigns to the topic
        (expected assignments, without the prior); ``"units"``: the mean of the units' topic
        shares (every unit counts the same, as in stm's topic proportions).

    Returns
    -------
    pandas.DataFrame
        Columns ``group, topic, label, share, ci_low, ci_high, n_units, n_tokens, note``, sorted by
        group and topic.  Shares of a group sum to 1 over topics.  ``n_units`` counts the group's
        rows with terms (rows without are left out), ``n_tokens`` their vocabulary tokens.  A group
        of one unit has no interval (NaN, with a note).

    Raises
    ------
    ValueError
        ``groups`` names no column of ``model.rows_``, or a Series missing row ids, or missing
        group values.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.topics import TopicModel, topic_prevalence
    >>> docs = pd.DataFrame({"tokens": [("创新", "科技", "创新"), ("容错纠错", "干部", "干部"),
    ...                                 ("科技", "创新"), ("干部", "容错纠错")],
    ...                      "theme": ["新质生产力", "容错纠错", "新质生产力", "容错纠错"]},
    ...                     index=pd.Index(list("abcd"), name="doc_id"))
    >>> model = TopicModel(2, unit="document").fit(docs)
    >>> prev = topic_prevalence(model, "theme", n_boot=200)
    >>> prev[["group", "topic", "n_units", "n_tokens"]]
       group  topic  n_units  n_tokens
    0   容错纠错      1        2         5
    1   容错纠错      2        2         5
    2  新质生产力      1        2         5
    3  新质生产力      2        2         5
    >>> bool((prev["share"].between(prev["ci_low"], prev["ci_high"])).all())
    True
    """
    where = "topic_prevalence()"
    _check_model(model, where)
    n_boot = _check_int(n_boot, "n_boot", 1)
    if isinstance(ci, bool) or not isinstance(ci, Real) or not 0 < ci < 1:
        raise ValueError(f"ci must be a confidence level in (0, 1), e.g. 0.95; got {ci!r}.")
    random_state = _check_seed(random_state)
    if weight not in ("tokens", "units"):
        raise ValueError(f"weight must be 'tokens' or 'units'; got weight={weight!r}.")
    rows = model.rows_
    data = model._data
    nonempty = data.nonempty
    ids = pd.Index(rows.index.astype(str))
    if isinstance(groups, str):
        if groups not in rows.columns:
            raise ValueError(
                f"{where}: groups={groups!r} is not a column of the rows the model was fitted on; available: "
                f"{list(rows.columns)}. Add the column before fitting (e.g. assign_themes(units)) or pass a "
                "Series indexed by row id."
            )
        values = rows[groups]
        name = groups
    elif isinstance(groups, pd.Series):
        index = pd.Index(groups.index.astype(str))
        missing = [i for i in ids[nonempty] if i not in index]
        if missing:
            raise ValueError(f"{where}: the groups Series has no value for {len(missing)} row id(s) of the model "
                             f"(e.g. {missing[:3]}); index it by {rows.index.name!r}.")
        values = pd.Series(groups.to_numpy(), index=index).reindex(ids)
        name = groups.name or "group"
    else:
        raise TypeError(f"{where}: groups must be a column name or a pandas Series; got {type(groups).__name__}.")
    values = values.iloc[nonempty]
    if values.isna().any():
        bad = list(ids[nonempty][values.isna().to_numpy()][:3])
        raise ValueError(f"{where}: {int(values.isna().sum())} row(s) have no {name!r} value (e.g. {bad}); fill or "
                         "drop them before fitting, so that every unit counts somewhere.")
    keys = values.astype(str).to_numpy()
    expected = model._expected
    n_terms = data.rows["n_terms"].to_numpy(dtype=np.float64)[nonempty]
    theta = model.doc_topic_.to_numpy()[nonempty]
    k = expected.shape[1]
    rng = np.random.default_rng(random_state)
    alpha = (1.0 - ci) / 2.0
    records = []
    for g in sorted(set(keys)):
        idx = np.flatnonzero(keys == g)
        n = len(idx)
        if weight == "tokens":
            num, den = expected[idx], expected[idx].sum(axis=1)
        else:
            num, den = theta[idx], np.ones(n)
        share = num.sum(axis=0) / den.sum()
        note = ""
        if n >= 2:
            draws = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(np.float64)  # B × n weights
            boot = (draws @ num) / (draws @ den)[:, None]
            low, high = np.quantile(boot, [alpha, 1.0 - alpha], axis=0)
        else:
            low = high = np.full(k, np.nan)
            note = "one unit: no interval"
        for t in range(k):
            records.append((g, t + 1, model.labels_[t], share[t], low[t], high[t], n, int(n_terms[idx].sum()), note))
    out = pd.DataFrame.from_records(records, columns=list(PREVALENCE_COLUMNS))
    out["group"] = pd.array(out["group"], dtype="string")
    out["label"] = pd.array(out["label"], dtype="string")
    out["note"] = pd.array(out["note"], dtype="string")
    for col in ("topic", "n_units", "n_tokens"):
        out[col] = out[col].astype(np.int64)
    out.attrs.update({"groups": str(name), "ci": float(ci), "n_boot": n_boot, "weight": weight})
    return out


# ----------------------------------------------------------------------------- pyLDAvis
def _ldavis_prepared(model: TopicModel, *, R: int, lambda_step: float):
    try:
        import pyLDAvis
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "export_ldavis() needs pyLDAvis (pip install 'pyLDAvis>=3.4.1'); it is an optional dependency of "
            "corpusanalysis. Everything it shows is also in topic_terms() and topic_prevalence()."
        ) from err
    data = model._data
    rows = data.nonempty
    theta = model.doc_topic_.to_numpy()[rows]
    lengths = data.rows["n_terms"].to_numpy(dtype=np.int64)[rows]
    return pyLDAvis.prepare(
        model.topic_term_.to_numpy(), theta, lengths, list(model.vocabulary_), model.term_counts_.to_numpy(),
        R=min(R, len(model.vocabulary_)), lambda_step=lambda_step, mds="pcoa", n_jobs=1, sort_topics=False,
        start_index=1,
    )


def export_ldavis(model: TopicModel, path, *, R: int = 30, lambda_step: float = 0.01, inline: bool = True) -> Path:
    """Write an interactive pyLDAvis page of a fitted model, with the model's topic ids.

    pyLDAvis is told not to re-sort topics (``sort_topics=False``, ``start_index=1``), so its
    "Topic i" is this package's topic ``i`` (label ``labels_[i - 1]``); a table of the labels heads
    the page.  pyLDAvis's own topic sizes come from ``doc_topic_ × tokens`` and may order slightly
    differently from ``topic_share_``; the ids do not change.

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    path : str or path
        The ``.html`` file to write (UTF-8; parent folders are created).
    R : int, default 30
        Terms shown per topic.
    lambda_step : float, default 0.01
    inline : bool, default True
        Embed D3 and LDAvis's JavaScript and CSS (from the pyLDAvis package) in the page, so it
        works offline and stays readable in an archive; otherwise they load from the web.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ImportError
        pyLDAvis is not installed.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> from corpusanalysis.topics import TopicModel, export_ldavis
    >>> docs = pd.DataFrame({"tokens": [("创新", "科技", "创新"), ("容错纠错", "干部", "干部"),
    ...                                 ("科技", "创新"), ("干部", "容错纠错")]},
    ...                     index=pd.Index(list("abcd"), name="doc_id"))
    >>> model = TopicModel(2, unit="document").fit(docs)
    >>> out = export_ldavis(model, pathlib.Path(tempfile.mkdtemp()) / "topics.html")  # doctest: +SKIP
    """
    where = "export_ldavis()"
    _check_model(model, where)
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"{where} writes an HTML page; path={str(path)!r} should end in '.html'.")
    R = _check_int(R, "R", 1)
    prepared = _ldavis_prepared(model, R=R, lambda_step=lambda_step)
    import pyLDAvis
    from pyLDAvis import urls

    visid = "corpusanalysis_ldavis"
    page = pyLDAvis.prepared_data_to_html(prepared, template_type="simple", visid=visid)
    if inline:
        for url, local, tag in ((urls.D3_URL, urls.D3_LOCAL, "script"), (urls.LDAVIS_URL, urls.LDAVIS_LOCAL, "script"),
                                (urls.LDAVIS_CSS_URL, urls.LDAVIS_CSS_LOCAL, "style")):
            code = Path(local).read_text(encoding="utf-8")
            if tag == "script":
                old = f'<script type="text/javascript" src="{url}"></script>'
                new = f'<script type="text/javascript">\n{code}\n</script>'
            else:
                old = f'<link rel="stylesheet" type="text/css" href="{url}">'
                new = f"<style>\n{code}\n</style>"
            if old not in page:  # pragma: no cover - a pyLDAvis template change
                raise RuntimeError(f"{where}: could not inline {Path(local).name}: the pyLDAvis template changed; "
                                   "use inline=False.")
            page = page.replace(old, new)
    rows = "\n".join(f"<tr><td>Topic {i}</td><td>{html.escape(label)}</td><td>{share:.1%}</td></tr>"
                     for i, (label, share) in enumerate(zip(model.labels_, model.topic_share_), start=1))
    head = (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Topics: {html.escape(repr(model))}</title>\n</head>\n<body>\n"
            f"<h3>{html.escape(repr(model))}: {len(model.vocabulary_)} terms, {len(model._data.nonempty)} "
            f"{html.escape(model.unit_)} rows</h3>\n"
            "<p>Topic numbers are corpusanalysis topic ids (pyLDAvis does not re-sort them).</p>\n"
            f'<table border="1" cellspacing="0" cellpadding="3">\n<tr><th>id</th><th>label</th>'
            f"<th>share of tokens</th></tr>\n{rows}\n</table>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + page + "\n</body>\n</html>\n", encoding="utf-8")
    return path
