"""Features: document-term matrices, TF-IDF weighting and top terms.

:func:`doc_term_matrix` counts the pre-tokenized ``tokens`` column of a corpus (one row per
document) or of units from :func:`corpusanalysis.segment` (paragraphs or sentences) into a
:class:`DocTermMatrix`: a small immutable object holding a SciPy CSR matrix of ``int64`` counts,
the sorted vocabulary, the row ids and the rows' metadata.  The counting is scikit-learn's
``CountVectorizer`` on the tokens as they are (no re-tokenization, no lowercasing, no token
pattern), so pruning by ``min_df``/``max_df`` behaves exactly as in scikit-learn.

:func:`tfidf` weights a matrix with scikit-learn's ``TfidfTransformer`` (same options, same
numbers as ``TfidfVectorizer``) into a :class:`WeightedMatrix` that keeps the raw counts beside
the weights, and :func:`top_terms` lists the highest-weighted terms per row or per group as a tidy
table, ties broken by term.

Token totals
------------
Every row also keeps its **total number of tokens** (``n_tokens``: the length of its ``tokens``
tuple, before any term is pruned from the vocabulary).  Rates "per 10,000 tokens" and the
contingency tables of :func:`corpusanalysis.keyness.keyness` use these totals, so pruning rare
terms does not inflate the frequency of the others.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from ._checks import is_int
from .text.segment import unit_level
from .text.tokenize import StopwordsSpec, load_stopwords

__all__ = [
    "DocTermMatrix",
    "WeightedMatrix",
    "count_tokens",
    "doc_term_matrix",
    "merge_counts",
    "tfidf",
    "top_terms",
]

#: Columns of the input that are not copied into :attr:`DocTermMatrix.rows` (text and tokens).
NON_METADATA_COLUMNS = ("raw", "text", "tokens", "token_spans", "pos")

#: Columns of :func:`top_terms` after the row id (or group) column.
TOP_TERMS_COLUMNS = ("rank", "term", "weight", "count")

#: Rows of a matrix to select: a boolean mask (array, list, or Series indexed by row id) or row ids.
RowSelection: TypeAlias = "np.ndarray | pd.Series | Sequence[bool] | Sequence[str]"
#: ``min_df``/``max_df``: an int is a number of rows, a float a share of the rows.
DfLimit: TypeAlias = "int | float"
#: Counts of token sequences with their vocabulary (:func:`count_tokens`, :func:`merge_counts`).
TermCounts: TypeAlias = "tuple[sp.csr_matrix, tuple[str, ...]]"


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    # The analyzer of CountVectorizer: the tokens are already the features.
    return tokens


def _readonly(matrix: sp.csr_matrix) -> sp.csr_matrix:
    for arr in (matrix.data, matrix.indices, matrix.indptr):
        arr.flags.writeable = False
    return matrix


# ----------------------------------------------------------------------------- the matrix
@dataclass(frozen=True, eq=False)
class DocTermMatrix:
    """Rows × terms counts with the vocabulary, the row ids and the rows' metadata (immutable).

    Build it with :func:`doc_term_matrix`; the constructor only checks that the parts agree.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        ``int64`` counts, one row per row id, one column per vocabulary term (read-only arrays).
    vocabulary : tuple of str
        The terms, in code-point order (the column order of ``matrix``).
    row_ids : tuple of str
        The ids of the rows (``doc_id``, ``unit_id`` or group values), in the input's order.
    rows : pandas.DataFrame
        Row metadata indexed by the row ids (index named :attr:`id_name`): the input's columns
        except text and tokens (``raw``, ``text``, ``tokens``, ``token_spans``, ``pos``), plus
        ``n_tokens`` (all tokens of the row, pruned terms included).
    unit : str
        What a row is: ``"document"``, ``"paragraph"``, ``"sentence"``, ``"unit"`` or, after
        :meth:`group_sums`, ``"group"``.
    id_name : str
        Name of the row id (``"doc_id"``, ``"unit_id"`` or the grouping column).

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix
    >>> frame = pd.DataFrame({"tokens": [("新质生产力", "创新", "创新"), ("容错纠错", "创新")]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> dtm = doc_term_matrix(frame)
    >>> dtm.shape, dtm.vocabulary
    ((2, 3), ('创新', '容错纠错', '新质生产力'))
    >>> dtm.matrix.toarray()
    array([[2, 0, 1],
           [1, 1, 0]])
    """

    matrix: sp.csr_matrix
    vocabulary: tuple[str, ...]
    row_ids: tuple[str, ...]
    rows: pd.DataFrame = field(repr=False)
    unit: str = "document"
    id_name: str = "doc_id"

    def __post_init__(self) -> None:
        if not sp.issparse(self.matrix) or self.matrix.format != "csr":
            raise TypeError(
                f"DocTermMatrix.matrix must be a scipy.sparse CSR matrix; got {type(self.matrix).__name__}."
            )
        n_rows, n_terms = self.matrix.shape
        if len(self.vocabulary) != n_terms or len(self.row_ids) != n_rows or len(self.rows) != n_rows:
            raise ValueError(
                f"DocTermMatrix parts disagree: matrix {self.matrix.shape}, {len(self.row_ids)} row ids, "
                f"{len(self.rows)} metadata rows, {len(self.vocabulary)} terms."
            )
        if "n_tokens" not in self.rows.columns:
            raise ValueError("DocTermMatrix.rows needs an 'n_tokens' column (tokens per row).")

    @classmethod
    def from_counts(cls, matrix: sp.spmatrix, vocabulary: Iterable[str], rows: pd.DataFrame, *, unit: str = "document",
                    id_name: str = "doc_id") -> DocTermMatrix:
        """A matrix from counts made elsewhere (e.g. merged chunk counts): ``rows`` indexed by the row ids.

        The arrays are made read-only; the row ids are the index of ``rows`` as str.

        Examples
        --------
        >>> import pandas as pd, scipy.sparse as sp
        >>> rows = pd.DataFrame({"n_tokens": [3]}, index=pd.Index(["a"], name="doc_id"))
        >>> DocTermMatrix.from_counts(sp.csr_matrix([[2, 1]]), ("创新", "科技"), rows).shape
        (1, 2)
        """
        return cls(_readonly(sp.csr_matrix(matrix)), tuple(vocabulary), tuple(str(i) for i in rows.index), rows, unit,
                   id_name)

    def __repr__(self) -> str:
        return (f"DocTermMatrix({self.shape[0]} {self.unit} rows × {self.shape[1]} terms, "
                f"{int(self.matrix.sum()):,} counts, {int(self.n_tokens.sum()):,} tokens)")

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, terms)``."""
        return self.matrix.shape

    @property
    def n_tokens(self) -> np.ndarray:
        """Tokens per row (``int64``), including tokens of terms pruned from the vocabulary.

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis import doc_term_matrix
        >>> frame = pd.DataFrame({"tokens": [("创新", "创新", "科技"), ("创新",)]},
        ...                      index=pd.Index(["a", "b"], name="doc_id"))
        >>> doc_term_matrix(frame, min_df=2).n_tokens
        array([3, 1])
        """
        return self.rows["n_tokens"].to_numpy(dtype=np.int64)

    def term_frequencies(self) -> pd.DataFrame:
        """Corpus-wide term counts: ``term, count, n_rows`` (rows using the term).

        Sorted by ``count`` descending, then ``term``.

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis import doc_term_matrix
        >>> frame = pd.DataFrame({"tokens": [("创新", "创新", "科技"), ("创新",)]},
        ...                      index=pd.Index(["a", "b"], name="doc_id"))
        >>> doc_term_matrix(frame).term_frequencies()
          term  count  n_rows
        0   创新      3       2
        1   科技      1       1
        """
        counts = np.asarray(self.matrix.sum(axis=0)).ravel().astype(np.int64)
        n_rows = np.diff(self.matrix.tocsc().indptr).astype(np.int64)
        out = pd.DataFrame({"term": pd.array(self.vocabulary, dtype="string"), "count": counts, "n_rows": n_rows})
        return out.sort_values(["count", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """Tidy long counts: one row per non-zero cell, ``<id_name>, term, count``.

        Rows in matrix order, terms in vocabulary order within a row.

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis import doc_term_matrix
        >>> frame = pd.DataFrame({"tokens": [("创新", "创新", "科技"), ("创新",)]},
        ...                      index=pd.Index(["a", "b"], name="doc_id"))
        >>> doc_term_matrix(frame).to_frame()
          doc_id term  count
        0      a   创新      2
        1      a   科技      1
        2      b   创新      1
        """
        return self._long(self.matrix, 0, 0)

    def iter_frames(self, *, rows: int = 10_000) -> Iterator[pd.DataFrame]:
        """:meth:`to_frame` in blocks of ``rows`` matrix rows, for writing a large matrix piece by piece.

        ``pandas.concat`` of the blocks equals :meth:`to_frame` (index included); the long table
        is several times larger than the sparse matrix, so a large one is better never built whole.

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis import doc_term_matrix
        >>> frame = pd.DataFrame({"tokens": [("创新", "创新", "科技"), ("创新",)]},
        ...                      index=pd.Index(["a", "b"], name="doc_id"))
        >>> [len(block) for block in doc_term_matrix(frame).iter_frames(rows=1)]
        [2, 1]
        """
        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
            raise ValueError(f"rows must be a positive int; got {rows!r}.")
        offset = 0
        for start in range(0, self.shape[0], rows):
            block = self._long(self.matrix[start:start + rows], start, offset)
            offset += len(block)
            yield block

    def _long(self, matrix: sp.csr_matrix, first_row: int, first_index: int) -> pd.DataFrame:
        coo = matrix.tocoo()
        order = np.lexsort((coo.col, coo.row))
        ids = np.asarray(self.row_ids, dtype=object)
        vocab = np.asarray(self.vocabulary, dtype=object)
        return pd.DataFrame({
            self.id_name: pd.array(ids[first_row + coo.row[order]], dtype="string"),
            "term": pd.array(vocab[coo.col[order]], dtype="string"),
            "count": coo.data[order].astype(np.int64),
        }, index=pd.RangeIndex(first_index, first_index + coo.nnz))

    def _row_mask(self, mask: RowSelection, where: str) -> np.ndarray:
        n = self.shape[0]
        if isinstance(mask, pd.Series) and pd.api.types.is_bool_dtype(mask.dtype):
            missing = [i for i in self.row_ids if i not in mask.index]
            if missing:
                raise ValueError(f"{where}: the boolean Series has no value for row id(s) {missing[:5]}; "
                                 "index it by the matrix's row ids.")
            return mask.reindex(list(self.row_ids)).fillna(False).to_numpy(dtype=bool)
        arr = np.asarray(mask)
        if arr.dtype == bool:
            if arr.shape != (n,):
                raise ValueError(f"{where}: a boolean mask must have one value per row ({n}); got shape {arr.shape}.")
            return arr.copy()
        if isinstance(mask, str):
            mask = [mask]
        ids = [str(i) for i in mask]
        position = {r: i for i, r in enumerate(self.row_ids)}
        unknown = [i for i in ids if i not in position]
        if unknown:
            raise KeyError(f"{where}: unknown row id(s) {unknown[:5]}; expected ids of the matrix's rows "
                           f"(e.g. {list(self.row_ids[:2])}).")
        out = np.zeros(n, dtype=bool)
        out[[position[i] for i in ids]] = True
        return out

    def select_rows(self, mask: RowSelection) -> DocTermMatrix:
        """A new matrix with only some rows (the vocabulary is kept, zero columns included).

        Parameters
        ----------
        mask : boolean array, boolean Series indexed by row id, or list of row ids

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis import doc_term_matrix
        >>> frame = pd.DataFrame({"tokens": [("创新", "科技"), ("创新",)], "genre": ["讲话", "党课"]},
        ...                      index=pd.Index(["a", "b"], name="doc_id"))
        >>> dtm = doc_term_matrix(frame)
        >>> dtm.select_rows(dtm.rows["genre"] == "党课").row_ids
        ('b',)
        """
        keep = self._row_mask(mask, "select_rows()")
        idx = np.flatnonzero(keep)
        matrix = _readonly(self.matrix[idx].tocsr())
        return DocTermMatrix(matrix, self.vocabulary, tuple(self.row_ids[i] for i in idx),
                             self.rows.iloc[idx].copy(), self.unit, self.id_name)

    def prune(self, *, min_df: DfLimit = 1, max_df: DfLimit = 1.0, min_count: int = 1,
              where: str = "prune()") -> DocTermMatrix:
        """A new matrix with only the terms used in ``min_df``..``max_df`` rows and ``min_count`` times.

        The one pruning rule of the package (:func:`doc_term_matrix`, :class:`~corpusanalysis.TopicModel`):
        an int is a number of rows, a float a share of the rows, as in scikit-learn's ``CountVectorizer``;
        terms that occur in no row are dropped too.  Row totals (``n_tokens``) are kept, so rates stay
        per all tokens.

        Raises
        ------
        ValueError
            When no term is left, with the limits in rows.

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis import doc_term_matrix
        >>> frame = pd.DataFrame({"tokens": [("创新", "创新", "科技"), ("创新", "干部")]},
        ...                      index=pd.Index(["a", "b"], name="doc_id"))
        >>> doc_term_matrix(frame).prune(min_df=2).vocabulary
        ('创新',)
        """
        n = self.shape[0]
        lo, hi = _df_limit(min_df, n, "min_df"), _df_limit(max_df, n, "max_df")
        if not is_int(min_count) or min_count < 1:
            raise ValueError(f"min_count must be a positive int; got {min_count!r}.")
        df = np.diff(self.matrix.tocsc().indptr)
        total = np.asarray(self.matrix.sum(axis=0)).ravel()
        keep = np.flatnonzero((df >= lo) & (df <= hi) & (df > 0) & (total >= min_count))
        if keep.size == 0:
            counted = f" and min_count={min_count!r}" if min_count != 1 else ""
            raise ValueError(
                f"{where}: the vocabulary is empty after min_df={min_df!r} and max_df={max_df!r}{counted}: no term "
                f"occurs in at least {math.ceil(lo)} and at most {math.floor(hi)} of the {n} rows"
                + (f" {min_count} times or more" if min_count != 1 else "")
                + f" ({self.shape[1]} terms before pruning). Lower min_df, raise max_df, or use more or longer rows."
            )
        matrix = self.matrix[:, keep].tocsr().astype(np.int64)
        matrix.sort_indices()
        return DocTermMatrix(_readonly(matrix), tuple(self.vocabulary[i] for i in keep), self.row_ids, self.rows.copy(),
                             self.unit, self.id_name)

    def group_sums(self, by: str) -> DocTermMatrix:
        """A new matrix with one row per group: counts and token totals summed over the group.

        Parameters
        ----------
        by : str
            A column of :attr:`rows` (e.g. ``"doc_id"`` for units, ``"theme"``, ``"genre"``).
            Rows with a missing value raise: every count must land in a group.

        Returns
        -------
        DocTermMatrix
            Rows are the groups in sorted order (ids are the values as str); ``rows`` has
            ``n_rows`` (rows summed) and ``n_tokens``; ``unit == "group"``, ``id_name == by``.

        Examples
        --------
        >>> import pandas as pd
        >>> from corpusanalysis import doc_term_matrix
        >>> frame = pd.DataFrame({"tokens": [("创新", "科技"), ("创新",), ("容错纠错",)],
        ...                       "doc_id": ["d1", "d1", "d2"]},
        ...                      index=pd.Index(["u1", "u2", "u3"], name="unit_id"))
        >>> g = doc_term_matrix(frame).group_sums("doc_id")
        >>> g.row_ids, g.matrix.toarray().tolist(), g.rows["n_rows"].tolist()
        (('d1', 'd2'), [[2, 0, 1], [0, 1, 0]], [2, 1])
        """
        if not isinstance(by, str) or by not in self.rows.columns:
            raise ValueError(f"group_sums(): by={by!r} is not a column of the matrix's rows; "
                             f"choose from {list(self.rows.columns)}.")
        values = self.rows[by]
        if values.isna().any():
            missing = [self.row_ids[i] for i in np.flatnonzero(values.isna().to_numpy())]
            raise ValueError(f"group_sums(): {len(missing)} row(s) have no {by!r} value (e.g. {missing[:3]}); "
                             "fill or drop them first so that no count is lost.")
        keys = values.astype(str).to_numpy()
        groups = sorted(set(keys))
        code = {g: i for i, g in enumerate(groups)}
        codes = np.array([code[k] for k in keys], dtype=np.int64)
        indicator = sp.csr_matrix((np.ones(len(codes), dtype=np.int64), (codes, np.arange(len(codes)))),
                                  shape=(len(groups), len(codes)))
        matrix = _readonly((indicator @ self.matrix).tocsr().astype(np.int64))
        totals = np.bincount(codes, weights=self.n_tokens, minlength=len(groups)).astype(np.int64)
        n_rows = np.bincount(codes, minlength=len(groups)).astype(np.int64)
        rows = pd.DataFrame({"n_rows": n_rows, "n_tokens": totals},
                            index=pd.Index(pd.array(groups, dtype="string"), name=by))
        return DocTermMatrix(matrix, self.vocabulary, tuple(groups), rows, "group", by)


def check_dtm(dtm: object, where: str) -> None:
    if not isinstance(dtm, DocTermMatrix):
        raise TypeError(f"{where} expects a DocTermMatrix from doc_term_matrix(); got {type(dtm).__name__}.")
    if dtm.shape[0] == 0:
        raise ValueError(f"{where}: the document-term matrix has no rows; nothing to compare "
                         "(was it built from, or filtered to, an empty selection?).")


def _df_limit(value: object, n_rows: int, name: str) -> float:
    """``min_df``/``max_df`` in rows: an int is rows, a float a share of ``n_rows`` (scikit-learn's rule)."""
    if isinstance(value, bool) or not isinstance(value, (Integral, Real)):
        raise TypeError(f"{name} must be an int (rows) or a float in [0, 1] (share of rows); got {value!r}.")
    if isinstance(value, Integral):
        if value < 0:
            raise ValueError(f"{name} must be >= 0 as an int (rows); got {value!r}.")
        return float(value)
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{name} as a float is a share of rows and must lie in [0, 1]; got {value!r}.")
    return float(value) * n_rows


def doc_term_matrix(frame: pd.DataFrame, *, min_df: DfLimit = 1, max_df: DfLimit = 1.0, min_count: int = 1,
                    vocabulary: Iterable[str] | None = None, tokens_column: str = "tokens") -> DocTermMatrix:
    """Count the tokens of a tokenized corpus or of tokenized units into a :class:`DocTermMatrix`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`corpusanalysis.tokenize` on a corpus (index ``doc_id``) or on units
        from :func:`corpusanalysis.segment` (index ``unit_id``): a ``tokens`` column of tuples
        of str.  The index must be unique.
    min_df, max_df : int or float
        As in scikit-learn's ``CountVectorizer``: a term must occur in at least ``min_df`` rows
        and at most ``max_df`` rows (an int is a number of rows, a float a share of rows).
    min_count : int, default 1
        Also drop terms with fewer than ``min_count`` occurrences in all rows together.
    vocabulary : iterable of str, optional
        A fixed vocabulary (sorted and de-duplicated; terms that never occur get a zero column).
        No pruning is done then: combining it with ``min_df``, ``max_df`` or ``min_count`` raises.
    tokens_column : str, default "tokens"

    Returns
    -------
    DocTermMatrix
        The counts ``CountVectorizer(analyzer=<identity>)`` gives on the tokens (tested; learned
        vocabularies are counted through Arrow's dictionary encoding); vocabulary in code-point
        order; ``rows`` holds the metadata columns (everything except ``raw``, ``text``,
        ``tokens``, ``token_spans``, ``pos``) and ``n_tokens``, the number of tokens of each row
        before pruning.  ``unit`` is ``"document"`` for a corpus and the segment level
        (``"paragraph"``/``"sentence"``) for units.

    Raises
    ------
    ValueError
        No rows, no ``tokens`` column, a duplicated index, an empty vocabulary after pruning.
    TypeError
        A ``tokens`` value that is not a sequence of str (e.g. untokenized text).

    Examples
    --------
    >>> from corpusanalysis import load_seeds, clean, tokenize
    >>> from corpusanalysis import doc_term_matrix
    >>> dtm = doc_term_matrix(tokenize(clean(load_seeds())), min_df=2)
    >>> dtm
    DocTermMatrix(5 document rows × ... terms, ... counts, 6,085 tokens)
    >>> dtm.rows.loc["002_105d27af3b6cb7bc", "genre"], int(dtm.rows.loc["002_105d27af3b6cb7bc", "n_tokens"])
    ('党课', 1493)
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"doc_term_matrix() expects a tokenized DataFrame (from tokenize()); got {type(frame).__name__}."
        )
    if tokens_column not in frame.columns:
        raise ValueError(f"doc_term_matrix(): the frame has no {tokens_column!r} column "
                         f"(columns: {list(frame.columns)[:12]}); run tokenize() first.")
    if len(frame) == 0:
        raise ValueError("doc_term_matrix(): the frame has no rows; a document-term matrix needs at least one "
                         "document or unit (was it filtered to an empty selection?).")
    if not frame.index.is_unique:
        dup = frame.index[frame.index.duplicated()].unique().tolist()
        raise ValueError(f"doc_term_matrix(): the index must be unique row ids; {dup[:3]} occur more than once.")
    fixed = vocabulary is not None
    if fixed and (min_df != 1 or max_df != 1.0 or min_count != 1):
        raise ValueError("doc_term_matrix(): vocabulary= fixes the terms, so min_df, max_df and min_count cannot "
                         f"prune them; got min_df={min_df!r}, max_df={max_df!r}, min_count={min_count!r}.")
    _df_limit(min_df, len(frame), "min_df")
    _df_limit(max_df, len(frame), "max_df")
    if not is_int(min_count) or min_count < 1:
        raise ValueError(f"min_count must be a positive int; got {min_count!r}.")
    docs = frame[tokens_column].tolist()

    def bad_row(idx: object, toks: object) -> TypeError:
        return TypeError(
            f"doc_term_matrix(): {tokens_column}[{idx!r}] should be a tuple of str tokens; got "
            f"{type(toks).__name__} {str(toks)[:40]!r} (run tokenize() on the frame, or fill missing tokens "
            "with ())."
        )

    for idx, toks in zip(frame.index, docs):
        if isinstance(toks, str) or not isinstance(toks, Sequence):
            raise bad_row(idx, toks)
    from sklearn.feature_extraction.text import CountVectorizer

    vocab_list = None
    if vocabulary is not None:
        if isinstance(vocabulary, str):
            raise TypeError("vocabulary must be an iterable of terms, not a single str.")
        vocab_list = sorted({str(t) for t in vocabulary})
        if not vocab_list:
            raise ValueError("doc_term_matrix(): vocabulary= is empty; pass at least one term.")
    vectorizer = None if vocab_list is None else CountVectorizer(analyzer=_identity, lowercase=False,
                                                                 vocabulary=vocab_list, dtype=np.int64)

    def check_every_token() -> None:
        for idx, toks in zip(frame.index, docs):
            if not all(isinstance(t, str) for t in toks):
                raise bad_row(idx, toks)

    try:
        if vectorizer is None:  # a learned vocabulary: Arrow's dictionary encoding (CountVectorizer's counts, faster)
            matrix, learned = count_tokens(docs)
            terms: list = list(learned)
        else:
            matrix = vectorizer.fit_transform(docs)
            terms = vectorizer.get_feature_names_out().tolist()
    except TypeError:  # e.g. sorting a vocabulary mixing str and int
        check_every_token()
        raise
    if not all(isinstance(t, str) for t in terms):  # checked on the vocabulary: cheaper than on every token
        check_every_token()
    matrix = sp.csr_matrix(matrix, dtype=np.int64)
    matrix.sort_indices()
    # the vocabulary is in code-point order: CountVectorizer sorts a learned one, a fixed one was sorted above
    rows = frame.drop(columns=[c for c in NON_METADATA_COLUMNS if c in frame.columns]).copy()
    rows["n_tokens"] = np.array([len(t) for t in docs], dtype=np.int64)
    rows.index = pd.Index([str(i) for i in frame.index], name=frame.index.name or "doc_id", dtype="string")
    dtm = DocTermMatrix(_readonly(matrix), tuple(terms), tuple(rows.index), rows, unit_level(frame), rows.index.name)
    if fixed or (min_df == 1 and max_df == 1.0 and min_count == 1 and dtm.shape[1] > 0):
        return dtm
    return dtm.prune(min_df=min_df, max_df=max_df, min_count=min_count, where="doc_term_matrix()")


# ----------------------------------------------------------------------------- TF-IDF
@dataclass(frozen=True, eq=False)
class WeightedMatrix:
    """A weighted document-term matrix (e.g. TF-IDF) with the raw counts kept beside it.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        ``float64`` weights, same shape and layout as ``counts.matrix``.
    counts : DocTermMatrix
        The counts the weights were computed from (vocabulary, row ids, rows, token totals).
    weighting : tuple of (str, value) pairs
        How the weights were made, e.g. ``(("scheme", "tfidf"), ("norm", "l2"), ...)``.
    idf : numpy.ndarray or None
        The inverse document frequency of every term (``None`` without idf).

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix, tfidf
    >>> frame = pd.DataFrame({"tokens": [("新质生产力", "创新"), ("容错纠错", "创新")]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> w = tfidf(doc_term_matrix(frame), norm=None)
    >>> w
    WeightedMatrix(2 document rows × 3 terms; scheme='tfidf', norm=None, use_idf=True, smooth_idf=True,
                   sublinear_tf=False)
    >>> w.counts.matrix.toarray().tolist(), w.idf.round(3).tolist()
    ([[1, 0, 1], [1, 1, 0]], [1.0, 1.405, 1.405])
    """

    matrix: sp.csr_matrix
    counts: DocTermMatrix
    weighting: tuple[tuple[str, object], ...] = ()
    idf: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.matrix.shape != self.counts.shape:
            raise ValueError(f"WeightedMatrix: weights {self.matrix.shape} and counts {self.counts.shape} differ.")

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.weighting)
        return f"WeightedMatrix({self.shape[0]} {self.unit} rows × {self.shape[1]} terms; {opts})"

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, terms)``."""
        return self.matrix.shape

    @property
    def vocabulary(self) -> tuple[str, ...]:
        """The terms (column order)."""
        return self.counts.vocabulary

    @property
    def row_ids(self) -> tuple[str, ...]:
        """The row ids (row order)."""
        return self.counts.row_ids

    @property
    def rows(self) -> pd.DataFrame:
        """Row metadata (see :class:`DocTermMatrix`)."""
        return self.counts.rows

    @property
    def unit(self) -> str:
        """What a row is."""
        return self.counts.unit

    @property
    def id_name(self) -> str:
        """Name of the row id."""
        return self.counts.id_name


def tfidf(dtm: DocTermMatrix, *, norm: Literal["l2", "l1"] | None = "l2", use_idf: bool = True, smooth_idf: bool = True,
          sublinear_tf: bool = False) -> WeightedMatrix:
    """TF-IDF weights of a document-term matrix (scikit-learn's ``TfidfTransformer``).

    The weight of term *t* in row *d* is ``tf(t, d) × idf(t)``, with ``tf`` the raw count
    (``1 + log(count)`` with ``sublinear_tf``) and ``idf(t) = ln((1 + n) / (1 + df(t))) + 1``
    (``smooth_idf=True``) or ``ln(n / df(t)) + 1``, *n* the number of rows and *df* the rows
    using *t*; each row is then scaled to unit length (``norm="l2"``), unit sum (``"l1"``) or
    left as is (``None``).  Identical to ``TfidfVectorizer`` with the same options on the same
    tokens.  Rows may be documents or units; IDF is computed over the rows of ``dtm``.

    Parameters
    ----------
    dtm : DocTermMatrix
    norm : {"l2", "l1", None}, default "l2"
    use_idf, smooth_idf, sublinear_tf : bool
        As in scikit-learn.

    Returns
    -------
    WeightedMatrix
        ``float64`` weights with the counts, the options and the idf vector.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix, tfidf
    >>> frame = pd.DataFrame({"tokens": [("新质生产力", "创新"), ("容错纠错", "创新")]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> w = tfidf(doc_term_matrix(frame))
    >>> w.vocabulary
    ('创新', '容错纠错', '新质生产力')
    >>> w.matrix.toarray().round(3)
    array([[0.58 , 0.   , 0.815],
           [0.58 , 0.815, 0.   ]])
    """
    check_dtm(dtm, "tfidf()")
    if norm not in ("l2", "l1", None):
        raise ValueError(f"norm must be 'l2', 'l1' or None; got {norm!r}.")
    for name, value in (("use_idf", use_idf), ("smooth_idf", smooth_idf), ("sublinear_tf", sublinear_tf)):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False; got {value!r}.")
    from sklearn.feature_extraction.text import TfidfTransformer

    transformer = TfidfTransformer(norm=norm, use_idf=use_idf, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf)
    weights = transformer.fit_transform(dtm.matrix.astype(np.float64))
    weights = _readonly(sp.csr_matrix(weights, dtype=np.float64))
    idf = None
    if use_idf:
        idf = np.array(transformer.idf_, dtype=np.float64)
        idf.flags.writeable = False
    weighting = (("scheme", "tfidf"), ("norm", norm), ("use_idf", use_idf), ("smooth_idf", smooth_idf),
                 ("sublinear_tf", sublinear_tf))
    return WeightedMatrix(weights, dtm, weighting, idf)


def top_terms(weighted: WeightedMatrix | DocTermMatrix, *, by: str | None = None, n: int = 10,
              exclude: StopwordsSpec = "function") -> pd.DataFrame:
    """The ``n`` highest-weighted terms per row, or per group of rows, as a tidy table.

    Parameters
    ----------
    weighted : WeightedMatrix or DocTermMatrix
        Weights from :func:`tfidf`; a :class:`DocTermMatrix` ranks by raw count.
    by : str, optional
        A column of ``weighted.rows`` (e.g. ``"theme"``, ``"doc_id"`` for units).  The weight of a
        term in a group is its **mean** weight over the group's rows (rows without the term count
        as 0), and ``count`` its summed raw count.  ``None``: one ranking per row.
    n : int, default 10
        Terms per row or group; fewer when a row has fewer terms with a positive weight.
    exclude : "function", list of str, path or None, default "function"
        Terms left out of the ranking (never out of the matrix or its weights): by default the
        bundled function words (要, 将, 年, 家, 工作 …; ``load_stopwords("function")``), which would
        otherwise head many rows without saying what the row is about.  ``None`` ranks every term.

    Returns
    -------
    pandas.DataFrame
        Columns ``<id_name or by>, rank, term, weight, count`` (plus ``n_rows`` with ``by``),
        sorted by row id (or group), then weight descending, then term: ties are broken by
        term, so the table is deterministic.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix, tfidf, top_terms
    >>> frame = pd.DataFrame({"tokens": [("新质生产力", "新质生产力", "创新"), ("容错纠错", "创新")]},
    ...                      index=pd.Index(["a", "b"], name="doc_id"))
    >>> top_terms(tfidf(doc_term_matrix(frame)), n=2)
      doc_id  rank   term    weight  count
    0      a     1  新质生产力  0.942156      2
    1      a     2     创新  0.335176      1
    2      b     1   容错纠错  0.814802      1
    3      b     2     创新  0.579739      1
    """
    if isinstance(weighted, DocTermMatrix):
        counts, weights = weighted, weighted.matrix.astype(np.float64)
    elif isinstance(weighted, WeightedMatrix):
        counts, weights = weighted.counts, weighted.matrix
    else:
        raise TypeError(f"top_terms() expects the WeightedMatrix of tfidf() (or a DocTermMatrix); "
                        f"got {type(weighted).__name__}.")
    check_dtm(counts, "top_terms()")
    if not is_int(n) or n < 1:
        raise ValueError(f"n must be a positive int (terms per row or group); got {n!r}.")
    vocab = np.asarray(counts.vocabulary, dtype=object)
    excluded = load_stopwords(exclude) if exclude is not None else frozenset()
    ranked = np.fromiter((t not in excluded for t in vocab), dtype=bool, count=len(vocab))
    if by is None:
        id_name, ids = counts.id_name, list(counts.row_ids)
        w = sp.csr_matrix(weights)
        c = counts.matrix
        n_rows = None
    else:
        if not isinstance(by, str) or by not in counts.rows.columns:
            raise ValueError(f"top_terms(): by={by!r} is not a column of the matrix's rows; "
                             f"choose from {list(counts.rows.columns)}.")
        grouped = counts.group_sums(by)
        codes = {g: i for i, g in enumerate(grouped.row_ids)}
        member = np.array([codes[str(v)] for v in counts.rows[by]], dtype=np.int64)
        n_rows = grouped.rows["n_rows"].to_numpy()
        indicator = sp.csr_matrix((1.0 / n_rows[member], (member, np.arange(len(member)))),
                                  shape=(len(n_rows), len(member)))
        w = sp.csr_matrix(indicator @ weights)
        c = grouped.matrix
        id_name, ids = by, list(grouped.row_ids)
    out_ids, ranks, terms, vals, cnts, sizes = [], [], [], [], [], []
    for i, rid in enumerate(ids):
        start, end = w.indptr[i], w.indptr[i + 1]
        cols, data = w.indices[start:end], w.data[start:end]
        positive = (data > 0) & ranked[cols]
        cols, data = cols[positive], data[positive]
        if cols.size == 0:
            continue
        order = np.lexsort((vocab[cols].astype(str), -data))[:n]
        row_counts = dict(zip(c.indices[c.indptr[i]:c.indptr[i + 1]].tolist(),
                              c.data[c.indptr[i]:c.indptr[i + 1]].tolist()))
        for r, k in enumerate(order, start=1):
            out_ids.append(rid)
            ranks.append(r)
            terms.append(vocab[cols[k]])
            vals.append(float(data[k]))
            cnts.append(int(row_counts.get(int(cols[k]), 0)))
            if n_rows is not None:
                sizes.append(int(n_rows[i]))
    out = pd.DataFrame({
        id_name: pd.array(out_ids, dtype="string"),
        "rank": np.array(ranks, dtype=np.int64),
        "term": pd.array(terms, dtype="string"),
        "weight": np.array(vals, dtype=np.float64),
        "count": np.array(cnts, dtype=np.int64),
    })
    if n_rows is not None:
        out["n_rows"] = np.array(sizes, dtype=np.int64)
    return out.sort_values([id_name, "rank"], kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------------- counting
def _sorted_codes(strings: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """The distinct strings in code-point order and the index of every string among them.

    Arrow does the hashing and the sort in C++ (UTF-8 byte order is code-point order); strings
    Arrow cannot hold (lone surrogates) take the pure-Python path, with the same result.
    """
    try:
        encoded = pc.dictionary_encode(pa.array(strings, type=pa.string()))
    except (pa.ArrowException, UnicodeEncodeError):
        vocab = sorted(set(strings))
        col = dict(zip(vocab, range(len(vocab))))
        return tuple(vocab), np.fromiter(map(col.__getitem__, strings), dtype=np.int64, count=len(strings))
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    codes = rank[encoded.indices.to_numpy(zero_copy_only=False)] if len(strings) else np.empty(0, dtype=np.int64)
    return tuple(encoded.dictionary.take(pa.array(order)).to_pylist()), codes


def count_tokens(token_lists: Sequence[Sequence[str]]) -> TermCounts:
    """Sparse counts of token sequences with their own vocabulary (code-point order).

    Parameters
    ----------
    token_lists : sequence of sequences of str

    Returns
    -------
    matrix : scipy.sparse.csr_matrix
        ``int64`` counts, one row per sequence.
    vocabulary : tuple of str
        Sorted terms (the columns).

    Examples
    --------
    >>> m, vocab = count_tokens([("创新", "科技", "创新"), ("容错纠错",)])
    >>> vocab, m.toarray().tolist()
    (('创新', '容错纠错', '科技'), [[2, 0, 1], [0, 1, 0]])
    """
    matrix, vocab, _ = count_tokens_with_codes(token_lists)
    return matrix, vocab


def count_tokens_with_codes(token_lists: Sequence[Sequence[str]]) -> tuple[sp.csr_matrix, tuple[str, ...], np.ndarray]:
    """:func:`count_tokens`, and the column of every token (all sequences one after the other).

    ``vocabulary[codes]`` gives the tokens back: a compact form of the token lists (one ``int`` per token,
    each distinct string once), which the pipeline's cache stores.

    Examples
    --------
    >>> m, vocab, codes = count_tokens_with_codes([("创新", "科技", "创新"), ("容错纠错",)])
    >>> [vocab[c] for c in codes.tolist()]
    ['创新', '科技', '创新', '容错纠错']
    """
    token_lists = token_lists if isinstance(token_lists, list) else list(token_lists)
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    vocab, cols = _sorted_codes(list(itertools.chain.from_iterable(token_lists)))
    rows = np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)
    # the (row, column) pairs of all tokens, summed by scipy
    matrix = sp.csr_matrix((np.ones(len(cols), dtype=np.int64), (rows, cols)),
                           shape=(len(token_lists), len(vocab)), dtype=np.int64)
    matrix.sum_duplicates()
    matrix.indices = matrix.indices.astype(np.int64, copy=False)
    matrix.indptr = matrix.indptr.astype(np.int64, copy=False)
    return matrix, tuple(vocab), cols


def merge_counts(parts: Iterable[tuple[sp.spmatrix, Sequence[str]]]) -> TermCounts:
    """Stack count matrices with different vocabularies into one (rows in order, union vocabulary).

    Parameters
    ----------
    parts : sequence of (csr_matrix, vocabulary) pairs

    Examples
    --------
    >>> a = count_tokens([("创新", "科技")])
    >>> b = count_tokens([("容错纠错", "创新", "创新")])
    >>> m, vocab = merge_counts([a, b])
    >>> vocab, m.toarray().tolist()
    (('创新', '容错纠错', '科技'), [[1, 0, 1], [2, 1, 0]])
    """
    parts = list(parts)
    if not parts:
        return sp.csr_matrix((0, 0), dtype=np.int64), ()
    vocab, codes = _sorted_codes([t for _, local in parts for t in local])
    ends = np.cumsum([len(local) for _, local in parts]).tolist()
    mappings = [codes[a:b] for a, b in zip([0, *ends[:-1]], ends)]
    # Filled in place (no per-part copies, no vstack): memory is the parts plus the result.  Both
    # vocabularies are sorted, so the mapping is increasing and every row's columns stay sorted.
    n_rows = sum(m.shape[0] for m, _ in parts)
    nnz = sum(m.nnz for m, _ in parts)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    indices = np.empty(nnz, dtype=np.int64)
    data = np.empty(nnz, dtype=np.int64)
    row = at = 0
    for (matrix, _), mapping in zip(parts, mappings):
        m = matrix.tocsr()
        if not m.has_sorted_indices:
            m = m.sorted_indices()
        indices[at:at + m.nnz] = mapping[m.indices]
        data[at:at + m.nnz] = m.data
        indptr[row + 1:row + m.shape[0] + 1] = m.indptr[1:] + at
        row += m.shape[0]
        at += m.nnz
    merged = sp.csr_matrix((data, indices, indptr), shape=(n_rows, len(vocab)))
    merged.has_sorted_indices = True
    return merged, tuple(vocab)


def compact_counts(counts: TermCounts) -> TermCounts:
    """A chunk's counts with 32-bit arrays (half the memory while the chunks wait to be merged)."""
    m, vocab = counts
    if m.nnz and (m.data.max() > np.iinfo(np.int32).max or m.nnz > np.iinfo(np.int32).max):
        return m, vocab
    small = sp.csr_matrix(m.shape, dtype=np.int32)
    small.data, small.indices, small.indptr = (m.data.astype(np.int32), m.indices.astype(np.int32),
                                               m.indptr.astype(np.int32))
    return small, vocab
