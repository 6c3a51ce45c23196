"""Topics: reproducible LDA with evidence for k, stability across seeds and prevalence by group.

:class:`TopicModel` wraps gensim's :class:`~gensim.models.LdaModel` (``backend="gensim"``,
online variational Bayes) or tomotopy's ``LDAModel`` (``backend="tomotopy"``, collapsed Gibbs
sampling in C++, for large corpora) in scikit-learn style (parameters in ``__init__``, ``fit``
returns ``self``, fitted attributes end in ``_``) and answers the questions reviewers ask of every
topic model.  Everything after fitting — topic ids and labels, tables, coherence (always gensim's
``CoherenceModel`` on the same reference texts), alignment, prevalence, the pyLDAvis export and
:func:`select_k` — works from the same arrays for both backends.

*Backends compared.*  tomotopy is seeded (``random_state``) and gives identical topics run after
run with ``workers=1`` (tested); with more sampling threads the order in which threads update the
shared counts varies and so do the topics (slightly).  Its ``topic_term_`` and ``doc_topic_``
(counts + α) average the last five Gibbs samples (one sample leaves short rows split between
topics), its ``perplexity()`` is tomotopy's ``exp(-log-likelihood per word)``, and
:meth:`TopicModel.transform` samples new rows (seeded by the model: same input, same output), so the
transform of a training row is close to its ``doc_topic_`` row, not equal.  tomotopy picks SIMD code
for the CPU it runs on (``tomotopy.isa``): compare runs across machines with :func:`align_topics`.

*Would the same run give the same topics?*  Yes, bit for bit.  gensim: the vocabulary is sorted (code-point
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
(its internal arrays are permuted to the same order; in a tomotopy model, topic
``model_topics_[i - 1]``) and "Topic i" in the pyLDAvis page of :func:`export_ldavis` (which is
told not to re-sort topics).  The same id means the same topic in
every table, figure and export.

NaN guard
---------
No statistic is left NaN silently: when a value cannot be computed (a k larger than the number of
rows or terms, an empty topic whose top terms are arbitrary, a top term absent from the reference
texts, a single seed for stability) it is NaN and a ``note`` column says why.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from .._checks import check_int, check_seed, is_int, is_real, renamed
from ..features import DfLimit, DocTermMatrix
from ..text.segment import RowLevel
from ..text.tokenize import StopwordsSpec, load_stopwords
from . import _lda
from ._lda import COHERENCE_MEASURES, Backend, CoherenceMeasure, LdaData

if TYPE_CHECKING:
    from gensim.corpora import Dictionary
    from pyLDAvis import PreparedData

__all__ = [
    "COHERENCE_MEASURES",
    "PREVALENCE_COLUMNS",
    "TOPIC_TERMS_COLUMNS",
    "TopicModel",
    "align_topics",
    "cluster_bootstrap",
    "doc_topics",
    "export_ldavis",
    "topic_coherence",
    "topic_prevalence",
    "topic_terms",
]
#: Below this many documents (clusters) in a group, topic_prevalence notes that its interval is rough.
FEW_CLUSTERS = 5
#: Defaults of backend="gensim": passes over the rows, variational iterations per row, rows per online update.
GENSIM_PASSES, GENSIM_ITERATIONS, GENSIM_CHUNKSIZE = 20, 400, 2000
#: Default Gibbs sweeps of backend="tomotopy" (training; inference of new rows uses as many).
TOMOTOPY_ITERATIONS = 200

#: Columns of :func:`topic_terms`.
TOPIC_TERMS_COLUMNS = ("topic", "label", "rank", "term", "prob", "relevance", "count")
#: Columns of :func:`topic_prevalence`.
PREVALENCE_COLUMNS = ("group", "topic", "label", "share", "ci_low", "ci_high", "level", "n_docs", "n_units", "n_tokens",
                      "note")

#: gensim's document-topic prior ``alpha``: a name, one value for every topic, or one value per topic.
AlphaPrior: TypeAlias = "Literal['symmetric', 'asymmetric', 'auto'] | float | Sequence[float] | np.ndarray"
#: gensim's topic-term prior ``eta``: ``None`` (1/k), a name, one value, or values per term (or topic × term).
EtaPrior: TypeAlias = "Literal['symmetric', 'auto'] | float | Sequence[float] | np.ndarray | None"


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
    backend : {"gensim", "tomotopy"}, default "gensim"
        ``"gensim"``: online variational Bayes (``LdaModel``, one process, bit-reproducible).
        ``"tomotopy"``: collapsed Gibbs sampling in C++ (``tomotopy.LDAModel``), several times faster
        on large corpora at equal or better coherence (``benchmarks/bench_topics.py``); seeded and
        reproducible with ``workers=1``, not with more threads.  Both give the same tables, ids,
        labels, coherence, alignment, prevalence and pyLDAvis export.
    passes, iterations : int, optional
        gensim: passes over the rows (default 20) and the maximum variational iterations per row
        (default 400).  tomotopy: ``iterations`` is the number of Gibbs sweeps over all rows
        (default 200; inference of new rows uses as many); ``passes`` does not apply (an error).
    alpha, eta : priors, default "symmetric" and None (1/k)
        Document-topic and topic-term priors (``"symmetric"`` = 1/k, ``"asymmetric"``, ``"auto"``,
        a float or an array; see gensim's ``LdaModel``).  tomotopy takes the same ``alpha`` values
        (``"auto"``: re-estimated every 10 sweeps) and a single symmetric ``eta``.
    chunksize : int, optional
        gensim only: rows per online update (default 2000; with fewer rows, every pass is one batch
        update).
    workers : int, default 1
        tomotopy only: sampling threads (more is faster but not reproducible; gensim always fits in
        one process: use ``select_k(workers=)`` to run several fits at once).
    random_state : int, default 0
        The seed.  Same data + same seed → identical topics (see the module docstring).
    label_terms : int, default 3
        Terms in each topic's label (``"T1 新质生产力·产业·科技创新"``).
    relevance_lambda : float, default 0.6
        λ of the LDAvis relevance used to pick the label terms (Sievert & Shirley 2014).
    label_exclude : "function", list of str, path or None, default "function"
        Terms never used in labels (they stay in the model, in :func:`topic_terms` and in every
        count): by default the bundled function words (要, 将, 年, 工作 …; see
        ``load_stopwords("function")``), which rank high in many topics and say nothing about any.
        Single Latin letters (formula residue: x, i, M) are left out with any list.  ``None`` labels
        with whatever ranks highest.  A topic whose label terms would all be excluded falls back to
        them.
    progress : bool, default False
        Show a tqdm bar while fitting: gensim passes, or tomotopy Gibbs sweeps (tomotopy trains in
        one call, so the bar moves at its end and over the averaged samples; splitting the call would
        change the result).  The result does not depend on it.

    Attributes
    ----------
    model_ : gensim.models.LdaModel or tomotopy.LDAModel
        The trained model.  gensim's is permuted into the order of this object (row ``i - 1`` is
        topic ``i``); tomotopy's cannot be, see ``model_topics_``.
    model_topics_ : tuple of int
        ``model_topics_[i - 1]`` is the index of topic ``i`` inside ``model_`` (``0 .. k-1`` in order
        for gensim).
    backend_ : str
        The backend that fitted the model.
    doc_topic_ : pandas.DataFrame
        Rows × topics: each row's topic shares (gensim: normalized variational γ; tomotopy: the
        row's topic counts averaged over the last five Gibbs samples, plus α, normalized; rows sum
        to 1); index the row ids (``unit_id`` or ``doc_id``), columns the topic ids 1..k (name ``topic``).  Rows
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
    >>> from corpusanalysis import TopicModel
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

    def __init__(self, n_topics: int = 5, *, unit: RowLevel | None = "paragraph", min_df: DfLimit = 2,
                 max_df: DfLimit = 1.0, backend: Backend = "gensim", passes: int | None = None,
                 iterations: int | None = None, alpha: AlphaPrior = "symmetric", eta: EtaPrior = None,
                 chunksize: int | None = None, workers: int = 1, random_state: int = 0, label_terms: int = 3,
                 relevance_lambda: float = 0.6, label_exclude: StopwordsSpec = "function",
                 progress: bool = False) -> None:
        self.n_topics = n_topics
        self.unit = unit
        self.min_df = min_df
        self.max_df = max_df
        self.backend = backend
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.chunksize = chunksize
        self.workers = workers
        self.random_state = random_state
        self.label_terms = label_terms
        self.relevance_lambda = relevance_lambda
        self.label_exclude = label_exclude
        self.progress = progress

    _PARAMS = ("n_topics", "unit", "min_df", "max_df", "backend", "passes", "iterations", "alpha", "eta", "chunksize",
               "workers", "random_state", "label_terms", "relevance_lambda", "label_exclude", "progress")

    # -- scikit-learn protocol
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters as a dict (scikit-learn protocol)."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params: Any) -> TopicModel:
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

    def _check_params(self, where: str) -> dict[str, Any]:
        if not is_int(self.n_topics) or self.n_topics < 2:
            raise ValueError(f"{where}: n_topics must be an int >= 2 (the number of topics k); got {self.n_topics!r}.")
        if self.backend not in _lda.BACKENDS:
            raise ValueError(f"{where}: backend must be one of {list(_lda.BACKENDS)}; got {self.backend!r}.")
        gensim = self.backend == "gensim"
        for name in ("passes", "iterations", "chunksize"):
            if getattr(self, name) is not None:
                check_int(getattr(self, name), name, 1)
        if not gensim:
            for name in ("passes", "chunksize"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{where}: {name}= is a setting of backend='gensim' (online variational Bayes); "
                                     f"backend='tomotopy' samples, and iterations= sets its Gibbs sweeps. Got "
                                     f"{name}={getattr(self, name)!r}.")
        check_int(self.workers, "workers", 1)
        if gensim and self.workers != 1:
            raise ValueError(f"{where}: backend='gensim' fits in one process (LdaModel, for reproducible results); "
                             f"got workers={self.workers!r}. Use backend='tomotopy' for threads, or "
                             "select_k(workers=) to run several fits at once.")
        check_int(self.label_terms, "label_terms", 1)
        check_seed(self.random_state)
        if not is_real(self.relevance_lambda) or not 0.0 <= self.relevance_lambda <= 1.0:
            raise ValueError(f"relevance_lambda must be a float in [0, 1]; got {self.relevance_lambda!r}.")
        if self.label_exclude is not None:
            load_stopwords(self.label_exclude)  # a clear error for a bad list or path before fitting
        params = {"backend": self.backend, "alpha": self.alpha, "eta": self.eta, "workers": int(self.workers),
                  "progress": bool(self.progress)}
        if gensim:
            params.update(passes=int(self.passes or GENSIM_PASSES),
                          iterations=int(self.iterations or GENSIM_ITERATIONS),
                          chunksize=int(self.chunksize or GENSIM_CHUNKSIZE))
        else:
            params.update(iterations=int(self.iterations or TOMOTOPY_ITERATIONS))
            _lda.tomotopy_priors(int(self.n_topics), self.alpha, self.eta, where)
        return params

    # -- fitting
    def fit(self, X: pd.DataFrame | DocTermMatrix, y: object = None) -> TopicModel:
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
        >>> from corpusanalysis import TopicModel
        >>> docs = pd.DataFrame({"tokens": [("创新", "科技"), ("容错纠错", "干部")]},
        ...                     index=pd.Index(["a", "b"], name="doc_id"))
        >>> TopicModel(2, unit="document", min_df=1).fit(docs).doc_topic_.shape
        (2, 2)
        """
        where = "TopicModel.fit()"
        params = self._check_params(where)
        data = _lda.prepare(X, unit=self.unit, min_df=self.min_df, max_df=self.max_df, where=where)
        problem = _lda.k_problem(int(self.n_topics), data)
        if problem:
            raise ValueError(f"{where}: n_topics={self.n_topics}: {problem}.")
        self._fit_prepared(data, _lda.gensim_dictionary(data), params)
        return self

    def _fit_prepared(self, data: LdaData, dictionary: Dictionary, params: dict[str, Any],
                      where: str = "TopicModel.fit()") -> TopicModel:
        k, seed = int(self.n_topics), int(self.random_state)
        rows = data.nonempty
        vocab = np.asarray(data.vocabulary, dtype=object)
        if params["backend"] == "tomotopy":
            model, phi, gamma, _ = _lda.train_tomotopy(data, k, seed, params, where, rows=rows)
            assert gamma is not None
            alpha = np.asarray(model.alpha, dtype=np.float64)
            order = _lda.topic_order(gamma - alpha[None, :], phi, vocab)
            self._set_fitted(model, data, dictionary, phi[order], gamma[:, order], alpha[order], order, params)
            self._perplexity = float(model.perplexity)
            return self
        bow = data.bow(rows)  # streamed from the counts (measured: less peak memory than a list, same time)
        lda = _lda.train(data, dictionary, k, seed, params, bow=bow)
        gamma = _lda.infer(lda, bow)
        order = _lda.topic_order(gamma - np.asarray(lda.alpha)[None, :], lda.get_topics().astype(np.float64), vocab)
        _lda.permute(lda, order)
        gamma = _lda.infer(lda, bow)  # in the final order: what transform() gives for the same rows
        self._set_fitted(lda, data, dictionary, lda.get_topics().astype(np.float64), gamma,
                         np.asarray(lda.alpha, dtype=np.float64), np.arange(k), params)
        return self

    def _set_fitted(self, model: Any, data: LdaData, dictionary: Dictionary, phi: np.ndarray, gamma: np.ndarray,
                    alpha: np.ndarray, model_topics: np.ndarray, params: dict[str, Any]) -> None:
        """The fitted attributes from arrays already in this object's topic order (backend independent)."""
        k = len(alpha)
        topics = pd.Index(range(1, k + 1), name="topic")
        rows = data.nonempty
        theta = np.full((len(data.row_ids), k), np.nan)
        theta[rows] = gamma / gamma.sum(axis=1, keepdims=True)
        expected = np.clip(gamma - alpha[None, :], 0.0, None)
        phi = phi / phi.sum(axis=1, keepdims=True)
        vocab = np.asarray(data.vocabulary, dtype=object)
        self.model_ = model
        self.model_topics_ = tuple(int(t) for t in model_topics)
        self.backend_ = params["backend"]
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
        rel = _lda.relevance(phi, self.term_counts_.to_numpy(dtype=np.float64), float(self.relevance_lambda))
        excluded = load_stopwords(self.label_exclude) if self.label_exclude is not None else frozenset()
        # excluded terms rank after every other term (so a topic of nothing else still gets a label)
        # (with a list, single Latin letters too: formula residue such as x, i, M in papers, as in the networks)
        last = np.fromiter((t in excluded or (bool(excluded) and len(t) == 1 and t.isascii() and t.isalpha())
                            for t in vocab), dtype=bool, count=len(vocab))
        top = _lda.top_indices(rel, vocab, int(self.label_terms), last=last)
        self.labels_ = tuple(f"T{i + 1} " + "·".join(vocab[top[i]]) for i in range(k))
        self._gamma = gamma                # rows with terms × topics: variational Dirichlet parameters (γ-analogue)
        self._alpha = alpha                # the document-topic prior, in this object's topic order
        self._expected = expected          # rows with terms × topics: expected tokens per topic
        self._data = data                  # reference texts for coherence
        self._dictionary = dictionary
        self._params = params

    # -- pickling: a tomotopy model is not picklable, its bytes are
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        if getattr(self, "backend_", None) == "tomotopy":
            state["model_"] = bytes(self.model_.saves(full=True))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if state.get("backend_") == "tomotopy" and isinstance(state.get("model_"), bytes):
            import tomotopy as tp

            state["model_"] = tp.LDAModel.loads(state["model_"])
        self.__dict__.update(state)

    # -- prediction
    def _check_fitted(self, where: str) -> None:
        if not hasattr(self, "model_"):
            raise ValueError(f"{where}: this TopicModel instance is not fitted yet; call fit() with a tokenized "
                             "frame first.")

    def transform(self, X: pd.DataFrame | DocTermMatrix) -> pd.DataFrame:
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
        >>> from corpusanalysis import TopicModel
        >>> docs = pd.DataFrame({"tokens": [("创新", "科技"), ("容错纠错", "干部")]},
        ...                     index=pd.Index(["a", "b"], name="doc_id"))
        >>> model = TopicModel(2, unit="document", min_df=1).fit(docs)
        >>> model.transform(docs).equals(model.doc_topic_)
        True
        """
        where = "TopicModel.transform()"
        self._check_fitted(where)
        data = _lda.prepare(X, unit=self.unit, min_df=1, max_df=1.0, where=where, vocabulary=self.vocabulary_,
                        warn_empty=False)
        rows = data.nonempty
        k = len(self.labels_)
        theta = np.full((len(data.row_ids), k), np.nan)
        if len(rows):
            if self.backend_ == "tomotopy":
                gamma = _lda.tomotopy_infer(self.model_, data, rows, self._params["iterations"])
                gamma = gamma[:, list(self.model_topics_)]
            else:
                gamma = _lda.infer(self.model_, data.bow(rows))
            theta[rows] = gamma / gamma.sum(axis=1, keepdims=True)
        index = pd.Index(pd.array(data.row_ids, dtype="string"), name=data.id_name)
        return pd.DataFrame(theta, index=index, columns=self.doc_topic_.columns)

    def fit_transform(self, X: pd.DataFrame | DocTermMatrix, y: object = None) -> pd.DataFrame:
        """``fit(X).doc_topic_``."""
        return self.fit(X).doc_topic_

    def perplexity(self) -> float:
        """In-sample perplexity ``2 ** -bound`` per token (gensim's variational bound).

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis import TopicModel
        >>> docs = pd.DataFrame({"tokens": [("创新", "科技"), ("容错纠错", "干部")]},
        ...                     index=pd.Index(["a", "b"], name="doc_id"))
        >>> TopicModel(2, unit="document", min_df=1).fit(docs).perplexity() > 1
        True
        """
        self._check_fitted("TopicModel.perplexity()")
        if self.backend_ == "tomotopy":
            return self._perplexity
        data = self._data
        rows = data.nonempty
        n_words = float(data.counts[rows].sum())
        # gensim's bound() expects each gamma[d] 2-D (1 × k), as inference() returns it for one document.
        bound = self.model_.bound(data.bow(rows), gamma=self._gamma[:, None, :], subsample_ratio=1.0)
        return float(np.exp2(-bound / n_words))

    def _top_term_lists(self, topn: int) -> list[list[str]]:
        """The top ``topn`` terms of every topic (ties by term)."""
        vocab = np.asarray(self.vocabulary_, dtype=object)
        top = _lda.top_indices(self.topic_term_.to_numpy(), vocab, topn)
        return [list(vocab[row]) for row in top]

    def _topic_mass(self) -> np.ndarray:
        """Expected tokens of every topic over the fitted rows."""
        return self._expected.sum(axis=0)


def _same(a: object, b: object) -> bool:
    try:
        return bool(a == b) if not isinstance(a, np.ndarray) else False
    except Exception:
        return False


def _check_model(model: object, where: str) -> TopicModel:
    if not isinstance(model, TopicModel):
        raise TypeError(f"{where} expects a fitted TopicModel; got {type(model).__name__}.")
    model._check_fitted(where)
    return model


# ----------------------------------------------------------------------------- tidy outputs
@renamed(by="sort")
def topic_terms(model: TopicModel, *, n: int = 10, relevance_lambda: float = 0.6,
                sort: Literal["relevance", "prob"] = "relevance") -> pd.DataFrame:
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
    sort : {"relevance", "prob"}, default "relevance"
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
    >>> from corpusanalysis import TopicModel, topic_terms
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
    n = check_int(n, "n", 1)
    if not is_real(relevance_lambda) or not 0 <= relevance_lambda <= 1:
        raise ValueError(f"relevance_lambda must be a float in [0, 1]; got {relevance_lambda!r}.")
    if sort not in ("relevance", "prob"):
        raise ValueError(f"sort must be 'relevance' or 'prob'; got sort={sort!r}.")
    phi = model.topic_term_.to_numpy()
    counts = model.term_counts_.to_numpy(dtype=np.float64)
    rel = _lda.relevance(phi, counts, float(relevance_lambda))
    vocab = np.asarray(model.vocabulary_, dtype=object)
    top = _lda.top_indices(rel if sort == "relevance" else phi, vocab, n)
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
    out.attrs.update({"sort": sort, "relevance_lambda": float(relevance_lambda)})
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
    >>> from corpusanalysis import TopicModel, doc_topics
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
        n = check_int(n, "n", 1)
    if not is_real(min_share) or not 0 <= min_share <= 1:
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


@renamed(topn="n")
def topic_coherence(model: TopicModel, *, measures: CoherenceMeasure | Sequence[CoherenceMeasure] = COHERENCE_MEASURES,
                    n: int = 10) -> pd.DataFrame:
    """Coherence of every topic of a fitted model (gensim ``CoherenceModel``, ``processes=1``).

    The reference texts are the rows the model was fitted on (their full token sequences, so
    sliding windows see the real word order; texts rebuilt from counts for a DocTermMatrix).
    ``c_v`` uses gensim's sliding window of 110 tokens, ``c_npmi`` of 10, ``u_mass`` document
    co-occurrence.

    Parameters
    ----------
    model : TopicModel
    measures : sequence of {"c_v", "c_npmi", "u_mass"}
    n : int, default 10
        Top terms (by probability) per topic; at most the vocabulary size.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic, label, share`` (the topic's share of all tokens), one column per measure,
        ``note`` (why a value is NaN: an empty topic, a top term absent from the texts …).

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import TopicModel, topic_coherence
    >>> docs = pd.DataFrame({"tokens": [("创新", "科技", "创新"), ("容错纠错", "干部", "干部"),
    ...                                 ("科技", "创新"), ("干部", "容错纠错")]},
    ...                     index=pd.Index(list("abcd"), name="doc_id"))
    >>> table = topic_coherence(TopicModel(2, unit="document", label_terms=2).fit(docs), measures="c_npmi", n=2)
    >>> table[["topic", "label", "c_npmi"]].round(3)
       topic       label  c_npmi
    0      1  T1 干部·容错纠错     1.0
    1      2    T2 创新·科技     1.0
    """
    where = "topic_coherence()"
    _check_model(model, where)
    measures = _lda.check_measures(measures)
    n = check_int(n, "n", 2)
    lists = model._top_term_lists(min(n, len(model.vocabulary_)))
    raw = _lda.coherence(lists, model._data, model._dictionary, measures)
    values, notes, model_notes = _lda.coherence_notes(lists, model._topic_mass(), raw, measures, n, model._data)
    notes = ["; ".join(n for n in [note, *model_notes] if n) for note in notes]
    out = pd.DataFrame({"topic": model.topic_share_.index.to_numpy(dtype=np.int64),
                        "label": pd.array(model.labels_, dtype="string"),
                        "share": model.topic_share_.to_numpy()})
    for m in measures:
        out[m] = values[m]
    out["note"] = pd.array(notes, dtype="string")
    return out


@renamed(n_terms="n")
def align_topics(a: TopicModel, b: TopicModel, *, n: int = 10) -> pd.DataFrame:
    """Match the topics of two fitted models one to one (Hungarian algorithm on Jensen-Shannon divergence).

    Both models must share the vocabulary (e.g. the same data with another seed or k).  The
    assignment minimizes the summed JSD (base 2) between matched topic-term distributions; with
    different k, the surplus topics of the larger model stay unmatched.

    Parameters
    ----------
    a, b : TopicModel
    n : int, default 10
        Top terms (by probability) compared for ``term_overlap``.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic_a, label_a, topic_b, label_b, similarity`` (1 − JSD, in [0, 1]) and
        ``term_overlap`` (share of the top ``n`` terms the two topics share), sorted by
        ``topic_a``.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import TopicModel, align_topics
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
    n = check_int(n, "n", 1)
    pa, pb = a.topic_term_.to_numpy(), b.topic_term_.to_numpy()
    rows, cols, sim = _lda.match(pa, pb)
    vocab = np.asarray(a.vocabulary_, dtype=object)
    rank = _lda.term_rank(vocab)
    overlap = _lda.overlap(_lda.top_indices(pa, vocab, n, rank=rank), _lda.top_indices(pb, vocab, n, rank=rank),
                           rows, cols)
    return pd.DataFrame({
        "topic_a": (rows + 1).astype(np.int64),
        "label_a": pd.array(np.asarray(a.labels_, dtype=object)[rows], dtype="string"),
        "topic_b": (cols + 1).astype(np.int64),
        "label_b": pd.array(np.asarray(b.labels_, dtype=object)[cols], dtype="string"),
        "similarity": sim,
        "term_overlap": overlap,
    })


# ----------------------------------------------------------------------------- prevalence
@renamed(groups="by")
def cluster_bootstrap(num: np.ndarray, den: np.ndarray, clusters: np.ndarray | None, *, n_boot: int,
                      ci: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of the ratio ``Σ num / Σ den`` resampling clusters (or rows) with replacement.

    ``num`` is rows × outcomes, ``den`` one value per row, ``clusters`` the cluster of every row
    (``None``: every row its own cluster).  The rows of a cluster are resampled together, so
    rows that are not independent (paragraphs of one speech) do not narrow the interval.
    Needs two clusters or more.

    Examples
    --------
    >>> import numpy as np
    >>> num = np.array([[1.0], [1.0], [0.0], [0.0]]); den = np.ones(4)
    >>> low, high = cluster_bootstrap(num, den, np.array(["a", "a", "b", "b"]), n_boot=200, ci=0.95,
    ...                               rng=np.random.default_rng(0))
    >>> float(low[0]), float(high[0])  # two documents: one all topic, one none
    (0.0, 1.0)
    """
    if clusters is not None:
        _, codes = np.unique(np.asarray(clusters).astype(str), return_inverse=True)
        n = int(codes.max()) + 1
        num = np.stack([np.bincount(codes, weights=num[:, j], minlength=n) for j in range(num.shape[1])], axis=1)
        den = np.bincount(codes, weights=den, minlength=n)
    n = len(den)
    draws = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(np.float64)  # B × n weights
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = (draws @ num) / (draws @ den)[:, None]
    alpha = (1.0 - ci) / 2.0
    low, high = np.nanquantile(boot, [alpha, 1.0 - alpha], axis=0)
    return low, high


def topic_prevalence(model: TopicModel, by: str | pd.Series, *, n_boot: int = 1000, ci: float = 0.95,
                     random_state: int = 0, weight: Literal["tokens", "units"] = "tokens",
                     cluster: str | None = "auto") -> pd.DataFrame:
    """Each topic's share in every group, with percentile bootstrap confidence intervals.

    Parameters
    ----------
    model : TopicModel
        A fitted model.
    by : str or pandas.Series
        A column of the rows the model was fitted on (``model.rows_``: ``theme`` after
        :func:`corpusanalysis.assign_themes`, ``doc_id``, ``genre`` …), or a Series indexed by the
        row ids (``unit_id``/``doc_id``).  Every row with terms needs a group (no missing values).
    n_boot : int, default 1000
        Bootstrap replicates, resampled with replacement **within each group** (the group sizes are
        fixed).  What is resampled is set by ``cluster``.
    ci : float, default 0.95
        Confidence level of the percentile interval.
    random_state : int, default 0
        Seed of the bootstrap (``numpy.random.default_rng``).
    weight : {"tokens", "units"}, default "tokens"
        ``"tokens"``: the share of the group's vocabulary tokens the model assigns to the topic
        (expected assignments, without the prior); ``"units"``: the mean of the units' topic
        shares (every unit counts the same, as in stm's topic proportions).
    cluster : "auto", str or None, default "auto"
        The sampled unit the bootstrap resamples.  ``"auto"``: the **documents** (the ``doc_id``
        column of paragraph or sentence rows; a model fitted on documents resamples them), with all
        their rows inside — paragraphs of one speech are not independent draws, and resampling
        them as if they were gives intervals far too narrow (4 paragraphs of one speech: 85–100 %).
        A column name of ``model.rows_`` clusters by it; ``None`` resamples the rows themselves
        (the old, row-level interval).  A group from one cluster has no interval (NaN, with a note).

    Returns
    -------
    pandas.DataFrame
        Columns ``group, topic, label, share, ci_low, ci_high, level, n_docs, n_units, n_tokens,
        note``, sorted by group and topic.  Shares of a group sum to 1 over topics.  ``level`` says
        what the interval resampled (``"document"``, ``"paragraph"`` …), ``n_docs`` counts the
        group's clusters (documents), ``n_units`` its rows with terms (rows without are left out),
        ``n_tokens`` their vocabulary tokens.  A group of 2–4 documents gets its interval with the note
        "a rough interval" (a percentile bootstrap over so few clusters under-covers).

    Raises
    ------
    ValueError
        ``by`` names no column of ``model.rows_``, or a Series missing row ids, or missing
        group values.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import TopicModel, topic_prevalence
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
    n_boot = check_int(n_boot, "n_boot", 1)
    if not is_real(ci) or not 0 < ci < 1:
        raise ValueError(f"ci must be a confidence level in (0, 1), e.g. 0.95; got {ci!r}.")
    random_state = check_seed(random_state)
    if weight not in ("tokens", "units"):
        raise ValueError(f"weight must be 'tokens' or 'units'; got weight={weight!r}.")
    rows = model.rows_
    if cluster == "auto":
        cluster = "doc_id" if "doc_id" in rows.columns and rows.index.name != "doc_id" else None
    elif cluster is not None and (not isinstance(cluster, str) or cluster not in rows.columns):
        raise ValueError(f"{where}: cluster={cluster!r} is not a column of the rows the model was fitted on; use "
                         f"'auto' (documents), None (the rows themselves) or one of {list(rows.columns)}.")
    level = ("document" if cluster == "doc_id" else str(cluster)) if cluster is not None else str(model.unit_)
    data = model._data
    nonempty = data.nonempty
    ids = pd.Index(rows.index.astype(str))
    if isinstance(by, str):
        if by not in rows.columns:
            raise ValueError(
                f"{where}: by={by!r} is not a column of the rows the model was fitted on; available: "
                f"{list(rows.columns)}. Add the column before fitting (e.g. assign_themes(units)) or pass a "
                "Series indexed by row id."
            )
        values = rows[by]
        name = by
    elif isinstance(by, pd.Series):
        index = pd.Index(by.index.astype(str))
        missing = [i for i in ids[nonempty] if i not in index]
        if missing:
            raise ValueError(f"{where}: the by= Series has no value for {len(missing)} row id(s) of the model "
                             f"(e.g. {missing[:3]}); index it by {rows.index.name!r}.")
        values = pd.Series(by.to_numpy(), index=index).reindex(ids)
        name = by.name or "group"
    else:
        raise TypeError(f"{where}: by must be a column name or a pandas Series; got {type(by).__name__}.")
    values = values.iloc[nonempty]
    if values.isna().any():
        bad = list(ids[nonempty][values.isna().to_numpy()][:3])
        raise ValueError(f"{where}: {int(values.isna().sum())} row(s) have no {name!r} value (e.g. {bad}); fill or "
                         "drop them before fitting, so that every unit counts somewhere.")
    keys = values.astype(str).to_numpy()
    clusters = rows[cluster].astype(str).to_numpy()[nonempty] if cluster is not None else None
    if clusters is not None and pd.isna(rows[cluster].to_numpy()[nonempty]).any():
        raise ValueError(f"{where}: some rows have no {cluster!r} value; fill them or pass cluster=None.")
    expected = model._expected
    n_terms = data.rows["n_terms"].to_numpy(dtype=np.float64)[nonempty]
    theta = model.doc_topic_.to_numpy()[nonempty]
    k = expected.shape[1]
    rng = np.random.default_rng(random_state)
    records = []
    for g in sorted(set(keys)):
        idx = np.flatnonzero(keys == g)
        n = len(idx)
        if weight == "tokens":
            num, den = expected[idx], expected[idx].sum(axis=1)
        else:
            num, den = theta[idx], np.ones(n)
        share = num.sum(axis=0) / den.sum()
        group_clusters = clusters[idx] if clusters is not None else None
        n_docs = len(set(group_clusters.tolist())) if group_clusters is not None else n
        note = ""
        if n_docs >= 2:
            low, high = cluster_bootstrap(num, den, group_clusters, n_boot=n_boot, ci=ci, rng=rng)
            if n_docs < FEW_CLUSTERS:
                note = f"{n_docs} {level}s: a rough interval"
        else:
            low = high = np.full(k, np.nan)
            note = (f"one {level}: no interval" if n < 2 or cluster is None else
                    f"one {level} ({n} {model.unit_} rows, not independent draws): no interval")
        for t in range(k):
            records.append((g, t + 1, model.labels_[t], share[t], low[t], high[t], level, n_docs, n,
                            int(n_terms[idx].sum()), note))
    out = pd.DataFrame.from_records(records, columns=list(PREVALENCE_COLUMNS))
    out["group"] = pd.array(out["group"], dtype="string")
    out["label"] = pd.array(out["label"], dtype="string")
    out["note"] = pd.array(out["note"], dtype="string")
    out["level"] = pd.array(out["level"], dtype="string")
    for col in ("topic", "n_docs", "n_units", "n_tokens"):
        out[col] = out[col].astype(np.int64)
    out.attrs.update({"by": str(name), "ci": float(ci), "n_boot": n_boot, "weight": weight, "level": level,
                      "cluster": cluster})
    return out


# ----------------------------------------------------------------------------- pyLDAvis
def _ldavis_prepared(model: TopicModel, *, n: int, lambda_step: float) -> PreparedData:
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
        R=min(n, len(model.vocabulary_)), lambda_step=lambda_step, mds="pcoa", n_jobs=1, sort_topics=False,
        start_index=1,
    )


@renamed(R="n")
def export_ldavis(model: TopicModel, path: str | os.PathLike[str], *, n: int = 30, lambda_step: float = 0.01,
                  inline: bool = True) -> Path:
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
    n : int, default 30
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
    >>> from corpusanalysis import TopicModel, export_ldavis
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
    n = check_int(n, "n", 1)
    prepared = _ldavis_prepared(model, n=n, lambda_step=lambda_step)
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



