"""Co-occurrence: which terms travel together, how strongly, and where to read them.

:func:`cooccurrence` counts, for every unordered pair of distinct terms, the number of
*contexts* in which both occur, and scores each pair by the 2×2 contingency table of those
contexts; :func:`associates` lists the strongest significant associates of a term (per theme);
:func:`cooccurrence_network` turns a table into a :mod:`networkx` graph with communities, which
:func:`export_network` writes for Gephi and Cytoscape; :func:`kwic` is the concordance that lets
a reader check every pair against the sentences.

What is counted
---------------
A **context** is one of

* ``window=w`` (an int ≥ 2): every position of a sliding window of ``w`` consecutive tokens
  inside one row (document or unit) of the input — positions ``k .. k+w-1`` for ``k = 0 ..
  n-w``; windows never cross rows, and a row shorter than ``w`` is one window.  Two tokens are in
  a common window when at most ``w - 1`` tokens apart (``window=5``: up to four apart, i.e.
  quanteda's ``fcm(window = 4)`` or NLTK's ``window_size=5`` reach);
* ``"sentence"``, ``"paragraph"``, ``"document"``: one sentence, paragraph or document.  A
  tokenized corpus is split with :func:`corpusanalysis.segment` (the same sentence and paragraph
  boundaries as everywhere else in the package, tokens assigned by their offsets); units of
  :func:`corpusanalysis.segment` are grouped by ``doc_id`` / ``para_id``.

Incidence is **binary**: ``n_a`` is the number of contexts containing term *a* (at least once),
``n_ab`` the number of contexts containing both *a* and *b*, ``N`` (``n_contexts``) the number
of contexts holding at least one token.  So a pair is counted once per window (or sentence …) in
which both occur, whatever the repetitions inside it.  With sliding windows, two tokens ``d``
positions apart share ``w - d`` windows (away from the row ends), so close neighbours weigh more,
as in every "context = window" count.  Because every count is a
number of contexts, ``n_ab <= min(n_a, n_b) <= N`` and the 2×2 table ::

                  b in context     b not in context
    a in context  n_ab             n_a - n_ab
    a not         n_b - n_ab       N - n_a - n_b + n_ab

is a proper contingency table (NLTK's token-pair count for ``window_size > 2`` is not, which is
why it divides by ``window_size - 1`` before scoring; see the tests for the exact relation).

Counting uses sparse matrices, no Python loop over tokens: for sentences, paragraphs and documents
the binary context × term incidence ``X`` and the upper triangle of ``X.T @ X``; for sliding
windows an equivalent banded construction (each pair of positions at most ``w - 1`` apart,
weighted by the number of windows in which both are the first occurrence of their type, summed
per pair in a sparse matrix), which gives the same counts as ``X.T @ X`` over the window rows
without building them (tested against it, a brute-force loop and NLTK).

Measures (vectorized over pairs)
--------------------------------
``expected``
    ``n_a · n_b / N``, the co-occurrence count expected under independence.
``pmi``
    Pointwise mutual information in bits: ``log2(n_ab · N / (n_a · n_b))`` (Church & Hanks
    1990; NLTK and Evert's UCS use log2 too, as does :func:`corpusanalysis.keyness`).
``npmi``
    Normalized PMI (Bouma 2009): ``pmi / -log2(n_ab / N)``, in [-1, 1]; 1 when ``n_ab == N``.
``g2``
    Log-likelihood G² = 2 Σ O ln(O / E) over the four cells (0 ln 0 = 0), no continuity or
    Williams correction — equal to ``scipy.stats.chi2_contingency(table, correction=False,
    lambda_="log-likelihood")``.  Unsigned: a pair that co-occurs *less* than expected
    (``n_ab < expected``) can have a large G²; :func:`associates` and
    :func:`cooccurrence_network` keep only attracted pairs (``n_ab > expected``).
``p``, ``p_adj``
    The χ² (1 df) p-value of G², and the Benjamini–Hochberg adjusted p-value over **every pair
    that co-occurs at least once** (in the group), counted before ``min_count`` and ``terms``
    filter the rows shown — the family tested is all candidate pairs, not just the reported ones.
``dice``, ``jaccard``
    ``2 n_ab / (n_a + n_b)`` and ``n_ab / (n_a + n_b - n_ab)`` (KH Coder's default edge measure).
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import special

from .._checks import is_real, renamed, user_stacklevel
from .._csv import write_csv
from ..errors import EmptyResultError
from ..text.dictionary import DictionarySpec, resolve_dictionary
from ..text.segment import UnitLevel, flat_offsets, locate_tokens, segment, unit_level
from ..text.tokenize import StopwordsSpec, load_stopwords

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "CONTEXTS",
    "COOCCURRENCE_COLUMNS",
    "MEASURES",
    "associates",
    "cooccurrence",
    "cooccurrence_network",
    "export_network",
]

#: An association measure of :func:`cooccurrence`.
Measure: TypeAlias = Literal["pmi", "npmi", "g2", "dice", "jaccard"]
#: A named context: one sentence, paragraph or document.
Context: TypeAlias = Literal["sentence", "paragraph", "document"]
#: A count or measure column of the table of :func:`cooccurrence` (what ``sort=`` and ``weight=`` rank by).
StatColumn: TypeAlias = Literal["n_ab", "n_a", "n_b", "n_contexts", "expected", "pmi", "npmi", "g2", "p", "p_adj",
                                "dice", "jaccard"]
#: A file format of :func:`export_network`.
NetworkFormat: TypeAlias = Literal["gexf", "graphml", "csv"]
#: Input of :func:`cooccurrence`: a tokenized frame, or token sequences (a Series or any iterable of them).
TokenRows: TypeAlias = "pd.DataFrame | pd.Series | Iterable[Sequence[str]]"
#: What :func:`_encode` returns: tokens per row, the token codes, the sorted vocabulary.
_Encoded: TypeAlias = "tuple[np.ndarray, np.ndarray, np.ndarray]"
#: Counts of one group: ``(n_contexts, i, j, n_ab, n_a)``.
_GroupCounts: TypeAlias = "tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]"

#: Association measures :func:`cooccurrence` can compute (``g2`` brings ``p`` and ``p_adj``).
MEASURES: tuple[Measure, ...] = ("pmi", "npmi", "g2", "dice", "jaccard")
#: Named contexts accepted by ``window=`` besides an int.
CONTEXTS: tuple[Context, ...] = ("sentence", "paragraph", "document")
#: All columns of :func:`cooccurrence` in order (``group`` first with ``by=``; measure columns
#: only for the measures asked for).
COOCCURRENCE_COLUMNS = ("term_a", "term_b", "n_ab", "n_a", "n_b", "n_contexts", "expected", "pmi", "npmi", "g2",
                        "p", "p_adj", "dice", "jaccard")
_MEASURE_COLUMNS = {"pmi": ("pmi",), "npmi": ("npmi",), "g2": ("g2", "p", "p_adj"), "dice": ("dice",),
                    "jaccard": ("jaccard",)}
_ALL_GROUP = "all"
_NETWORK_FORMATS: tuple[NetworkFormat, ...] = ("gexf", "graphml", "csv")


# ----------------------------------------------------------------------------- input handling
def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _check_window(window: object) -> int | Context:
    if not isinstance(window, bool) and isinstance(window, Integral):
        if window < 2:
            raise ValueError(f"window={window!r}: a sliding window needs at least 2 tokens; pass an int >= 2 or "
                             f"one of {list(CONTEXTS)}.")
        return int(window)
    if isinstance(window, str) and window in CONTEXTS:
        return window
    raise ValueError(f"window must be an int >= 2 (tokens per sliding window) or one of {list(CONTEXTS)}; "
                     f"got window={window!r}.")


def _check_measures(measures: Measure | Iterable[Measure]) -> tuple[Measure, ...]:
    if isinstance(measures, str):
        measures = (measures,)
    try:
        measures = tuple(measures)
    except TypeError:
        raise TypeError(f"measures must be a sequence of names from {list(MEASURES)}; got "
                        f"{type(measures).__name__}.") from None
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise ValueError(f"measures={measures!r} contains unknown measure(s) {unknown}; choose from {list(MEASURES)}.")
    return tuple(m for m in MEASURES if m in measures)


def _as_frame(tokens_or_units: TokenRows, where: str) -> tuple[pd.DataFrame, bool]:
    """A DataFrame with a ``tokens`` column; ``True`` if it came from plain token sequences."""
    if isinstance(tokens_or_units, pd.DataFrame):
        if "tokens" not in tokens_or_units.columns:
            raise ValueError(f"{where}: the frame has no 'tokens' column (columns: "
                             f"{list(tokens_or_units.columns)[:12]}); run tokenize() first.")
        return tokens_or_units, False
    if isinstance(tokens_or_units, pd.Series):
        rows = tokens_or_units.tolist()
        index = tokens_or_units.index
    elif isinstance(tokens_or_units, (str, bytes)) or not isinstance(tokens_or_units, Iterable):
        raise TypeError(f"{where} expects a tokenized DataFrame (tokenize()) or a sequence of token sequences; got "
                        f"{type(tokens_or_units).__name__}.")
    else:
        rows = list(tokens_or_units)
        index = pd.RangeIndex(len(rows), name="row")
    for i, row in enumerate(rows):
        if isinstance(row, str):
            raise TypeError(f"{where}: row {i} is a str ({row[:20]!r}), not a sequence of tokens; pass "
                            "[['新质生产力', '科技创新', ...], ...] or a frame from tokenize().")
    return pd.DataFrame({"tokens": rows}, index=index), True


def _token_lists(frame: pd.DataFrame) -> list[Sequence[str]]:
    out: list[Sequence[str]] = []
    for toks in frame["tokens"].tolist():
        if toks is None or (isinstance(toks, float) and math.isnan(toks)):
            out.append(())
        else:
            out.append(toks)
    return out


def _group_codes(frame: pd.DataFrame, by: str | None, where: str) -> tuple[np.ndarray, list[str]]:
    if by is None:
        return np.zeros(len(frame), dtype=np.int64), [_ALL_GROUP]
    if not isinstance(by, str) or by not in frame.columns:
        raise ValueError(f"{where}: by={by!r} is not a column of the frame (columns: {list(frame.columns)[:15]}); "
                         "pass a column such as 'theme' (assign_themes()) or 'doc_id'.")
    values = frame[by]
    missing = int(values.isna().sum())
    if missing:
        raise ValueError(f"{where}: column by={by!r} has {missing} missing value(s); fill them first "
                         f"(e.g. frame[{by!r}].fillna('general')) so no row is silently dropped.")
    labels = values.astype(str).to_numpy(dtype=object)
    codes, uniques = pd.factorize(labels, sort=True)
    return codes.astype(np.int64), [str(u) for u in uniques]


def _units_level(frame: pd.DataFrame, where: str) -> UnitLevel | None:
    """``"sentence"``/``"paragraph"`` for units of segment(), ``None`` for documents (:func:`unit_level`)."""
    level = unit_level(frame)
    if level == "document":
        return None
    missing = [c for c in ("doc_id", "para_id", "sent_id") if c not in frame.columns]
    if missing:
        raise ValueError(f"{where}: the frame holds {level} units (it has a 'unit_type' column) but lacks their "
                         f"{missing} column(s); pass units as segment() returns them.")
    return level


def _split_rows(frame: pd.DataFrame, level: UnitLevel, lengths: np.ndarray, where: str) -> np.ndarray:
    """For every token, the index of the segment() unit (of its row) it starts in; -1 for none."""
    missing = [c for c in ("text", "token_spans") if c not in frame.columns]
    if missing:
        raise ValueError(f"{where}: window={level!r} needs the {missing} column(s) of a tokenized corpus to find "
                         f"{level} boundaries; run clean() and tokenize() first, or pass units of segment().")
    texts = [t if isinstance(t, str) else "" for t in frame["text"].tolist()]
    ids = pd.Index([str(i) for i in range(len(texts))], name="doc_id")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # empty rows have no units and no tokens: nothing is lost
        units = segment(pd.DataFrame({"text": texts}, index=ids), level=level)
    starts = flat_offsets(frame["token_spans"].tolist())[0][:, 0]
    token_rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    return locate_tokens(units["doc_id"].astype(int).to_numpy(), units["start"].to_numpy(), units["end"].to_numpy(),
                         token_rows, starts)


def _encode(frame: pd.DataFrame) -> _Encoded:
    """Token counts per row, every token as an int code, and the sorted vocabulary (code i = vocab[i])."""
    token_lists = _token_lists(frame)
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = list(itertools.chain.from_iterable(token_lists))
    codes, vocab = pd.factorize(flat, sort=True)  # sorted: code order is code-point order of the terms
    return lengths, codes.astype(np.int64), np.asarray(vocab, dtype=object)


def _incidence(frame: pd.DataFrame, window: int | Context, group_of_row: np.ndarray, where: str,
               from_sequences: bool, encoded: _Encoded | None = None) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Binary context × term matrix ``X``, the vocabulary (sorted) and the group of each context.

    Used for the named contexts; for sliding windows :func:`cooccurrence` uses the equivalent
    :func:`_window_pairs`, and this window branch is the reference it is tested against.
    """
    lengths, codes, vocab = encoded if encoded is not None else _encode(frame)
    row_of_token = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    offsets = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths) > 1:
        offsets[1:] = np.cumsum(lengths)[:-1]

    if isinstance(window, int):
        n_windows = np.where(lengths >= window, lengths - window + 1, np.where(lengths > 0, 1, 0))
        n_ctx = int(n_windows.sum())
        win_row = np.repeat(np.arange(len(lengths), dtype=np.int64), n_windows)
        win_first = np.zeros(len(lengths), dtype=np.int64)
        if len(lengths) > 1:
            win_first[1:] = np.cumsum(n_windows)[:-1]
        win_start = offsets[win_row] + (np.arange(n_ctx, dtype=np.int64) - win_first[win_row])
        win_end = offsets[win_row] + lengths[win_row]
        ctx_parts: list[np.ndarray] = []
        tok_parts: list[np.ndarray] = []
        ids = np.arange(n_ctx, dtype=np.int64)
        for d in range(window):
            pos = win_start + d
            ok = pos < win_end
            ctx_parts.append(ids[ok])
            tok_parts.append(codes[pos[ok]])
        ctx = np.concatenate(ctx_parts) if ctx_parts else np.empty(0, dtype=np.int64)
        tok = np.concatenate(tok_parts) if tok_parts else np.empty(0, dtype=np.int64)
        ctx_group = group_of_row[win_row]
    else:
        if from_sequences and window != "document":
            raise ValueError(f"{where}: window={window!r} needs sentence boundaries, which plain token sequences do "
                             "not have; pass a tokenized corpus or units (tokenize(segment(...))), or "
                             "window='document' / an int.")
        level = _units_level(frame, where)
        row_keys = pd.DataFrame({"group": group_of_row})
        sub: np.ndarray | None = None
        if window == "document":
            if level is not None:
                row_keys["doc"] = frame["doc_id"].astype(str).to_numpy(dtype=object)
            else:
                row_keys["row"] = np.arange(len(frame))
        elif window == "paragraph":
            if level is not None:
                row_keys["doc"] = frame["doc_id"].astype(str).to_numpy(dtype=object)
                row_keys["para"] = frame["para_id"].to_numpy()
            else:
                row_keys["row"] = np.arange(len(frame))
                sub = _split_rows(frame, "paragraph", lengths, where)
        else:  # sentence
            row_keys["row"] = np.arange(len(frame))
            if level != "sentence":
                sub = _split_rows(frame, "sentence", lengths, where)
        row_ctx = row_keys.groupby(list(row_keys.columns), sort=False).ngroup().to_numpy(dtype=np.int64)
        key = row_ctx[row_of_token]
        tok, token_row = codes, row_of_token
        if sub is not None:
            inside = sub >= 0
            if not inside.all():
                warnings.warn(f"{where}: {int((~inside).sum())} token(s) lie outside every {window} (between "
                              "units) and are not counted.", UserWarning, stacklevel=user_stacklevel())
                key, sub, tok, token_row = key[inside], sub[inside], codes[inside], row_of_token[inside]
            key = key * (int(sub.max()) + 1 if len(sub) else 1) + sub
        ctx, uniques = pd.factorize(key, sort=False)
        ctx = ctx.astype(np.int64)
        n_ctx = len(uniques)
        first_token = np.zeros(n_ctx, dtype=np.int64)
        first_token[ctx[::-1]] = np.arange(len(ctx) - 1, -1, -1)
        ctx_group = group_of_row[token_row[first_token]] if n_ctx else np.empty(0, dtype=np.int64)
    dtype = np.int32 if n_ctx < 2**31 - 1 else np.int64
    X = sp.csr_matrix((np.ones(len(ctx), dtype=dtype), (ctx, tok)), shape=(n_ctx, len(vocab)))
    X.sum_duplicates()
    X.data[:] = 1  # binary incidence: a term repeated inside one context counts once
    return X, vocab, ctx_group


# ----------------------------------------------------------------------------- measures
_CHUNK = 1 << 20  # pairs per block of the vectorized G² (bounds its temporaries to ~100 MB)


def _bh_for(p_all: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values of ``p`` within the family ``p_all`` (``p`` ⊆ ``p_all``).

    Same values as ``scipy.stats.false_discovery_control(p_all, method="bh")`` at the positions of
    ``p``: the smallest ``m · p_(k) / k`` over the sorted family from the (last) rank of each value
    upwards.  Sorts ``p_all`` **in place** once (no argsort, no family-sized output).
    """
    m = p_all.size
    if m == 0 or p.size == 0:
        return np.asarray(p, dtype=np.float64).copy()
    q = p_all
    q.sort()  # in place: the caller's family is not needed afterwards
    order = np.argsort(p, kind="stable")  # sorted needles make searchsorted cache-friendly
    rank = np.empty(len(p), dtype=np.int64)
    rank[order] = np.searchsorted(q, p[order], side="right")  # 1-based rank of the last of equal p-values
    q *= m
    q /= np.arange(1, m + 1, dtype=np.float64)
    np.minimum.accumulate(q[::-1], out=q[::-1])
    return np.minimum(q[rank - 1], 1.0)


def _log_table(n: int) -> np.ndarray:
    """``L[k] = ln k`` for ``k = 0..n`` (``L[0] = 0``, only ever multiplied by a zero count)."""
    table = np.zeros(n + 1, dtype=np.float64)
    if n:
        table[1:] = np.log(np.arange(1, n + 1, dtype=np.float64))
    return table


def _g2_pairs(i: np.ndarray, j: np.ndarray, n_ab: np.ndarray, n_a: np.ndarray, n: int, L: np.ndarray) -> np.ndarray:
    """G² = 2 Σ O ln(O/E) of every pair, from integer counts and a log table (no division, no log call).

    With ``E11 = n_a n_b / N`` etc., ``O ln(O/E) = O (ln O + ln N − ln row − ln column)``; the
    logs of the counts come from ``L`` and the per-term logs are gathered, so the cost per pair is
    a few gathers and additions.  Computed in blocks to bound the memory of the temporaries.
    """
    la, lna, ln = L[n_a], L[n - n_a], L[n]
    out = np.empty(len(n_ab), dtype=np.float64)
    for lo in range(0, len(n_ab), _CHUNK):
        sl = slice(lo, lo + _CHUNK)
        ii, jj, o11 = i[sl], j[sl], n_ab[sl].astype(np.int64)
        a, b = n_a[ii], n_a[jj]
        la_i, la_j, lna_i, lna_j = la[ii], la[jj], lna[ii], lna[jj]
        o12, o21 = a - o11, b - o11
        o22 = n - a - b + o11
        t = o11 * (L[o11] + ln - la_i - la_j)
        t += o12 * (L[o12] + ln - la_i - lna_j)
        t += o21 * (L[o21] + ln - lna_i - la_j)
        t += o22 * (L[o22] + ln - lna_i - lna_j)
        out[sl] = t
    out *= 2.0
    np.maximum(out, 0.0, out=out)  # rounding can give -1e-13 for an independent pair
    return out


def _measures(n_ab: np.ndarray, n_a: np.ndarray, n_b: np.ndarray, n: float,
              measures: Sequence[Measure]) -> dict[str, np.ndarray]:
    """Every measure but G² (and its p-values) for the reported pairs."""
    n_ab, n_a, n_b = (np.asarray(x, dtype=np.float64) for x in (n_ab, n_a, n_b))
    n = float(n)
    out = {"expected": n_a * n_b / n}
    pmi = np.log2(n_ab * n / (n_a * n_b))
    if "pmi" in measures:
        out["pmi"] = pmi
    if "npmi" in measures:
        denom = -np.log2(n_ab / n)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["npmi"] = np.where(denom > 0, pmi / np.where(denom > 0, denom, 1.0), 1.0)
    if "dice" in measures:
        out["dice"] = 2.0 * n_ab / (n_a + n_b)
    if "jaccard" in measures:
        out["jaccard"] = n_ab / (n_a + n_b - n_ab)
    return out


def _window_pairs(codes: np.ndarray, lengths: np.ndarray, w: int, n_terms: int
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Sliding-window counts without materializing the windows: a banded construction.

    Window ``s`` of a row covers positions ``s .. s+w-1`` (starts ``r0 .. L``, ``L = max(r0, r1 - w)``
    for a row ``[r0, r1)``).  Count every (window, pair of types) once, through the *first*
    occurrence of each type in the window: position ``p`` is the first of its type in window ``s``
    iff ``prev(p) < s`` (``prev``: the previous position of the same type in the row).  So a pair
    of positions ``p < q <= p + w - 1`` of different types contributes the number of starts ``s``
    with ``max(r0, q - w + 1, prev(p) + 1, prev(q) + 1) <= s <= min(p, L)``, and ``n_a`` is the sum
    over positions of type ``a`` of the starts with ``max(r0, p - w + 1, prev(p) + 1) <= s <= min(p,
    L)``.  The weights are summed per pair by sparse COO → CSR conversion, one distance at a time.  Equal to the upper
    triangle of ``X.T @ X`` for the binary window × term matrix ``X`` (tested), in ``O(w · tokens)``
    memory instead of the windows' incidence and the symmetric product.

    Returns ``(i, j, n_ab, n_a, n_windows)`` with ``i < j``.
    """
    lengths = lengths[lengths > 0]
    n = int(lengths.sum())
    itype = np.int32 if n < 2**31 - 1 else np.int64
    pos = np.arange(n, dtype=itype)
    row_start = np.zeros(len(lengths), dtype=itype)
    if len(lengths) > 1:
        row_start[1:] = np.cumsum(lengths)[:-1]
    codes = codes.astype(itype, copy=False)
    r0 = np.repeat(row_start, lengths)
    r1 = r0 + np.repeat(lengths.astype(itype), lengths)
    last = np.maximum(r0, r1 - w)
    order = np.argsort(codes, kind="stable")  # by type, positions ascending within a type
    prev = np.full(n, -1, dtype=itype)
    if n > 1:
        same = (codes[order[1:]] == codes[order[:-1]]) & (r0[order[1:]] == r0[order[:-1]])
        prev[order[1:][same]] = order[:-1][same]
    del order
    low = np.maximum(r0, prev + 1)  # earliest start at which p is the first of its type
    del prev
    hi = np.minimum(pos, last)
    n_a = np.bincount(codes, weights=np.maximum(hi - np.maximum(low, pos - (w - 1)) + 1, 0),
                      minlength=n_terms).astype(np.int64)
    n_windows = int((np.maximum(lengths - w, 0) + 1).sum())
    C: sp.csr_matrix | None = None
    for d in range(1, w):
        p = pos[: n - d]
        ok = p + d < r1[: n - d]
        p = p[ok]
        q = p + d
        ca, cb = codes[p], codes[q]
        ok = ca != cb
        p, q, ca, cb = p[ok], q[ok], ca[ok], cb[ok]
        weight = hi[p] - np.maximum(np.maximum(low[p], low[q]), q - (w - 1)) + 1
        ok = weight > 0
        # one distance at a time: the running sum stays as small as the result (weights <= w, sums <= windows)
        Cd = sp.coo_matrix((weight[ok], (np.minimum(ca[ok], cb[ok]), np.maximum(ca[ok], cb[ok]))),
                           shape=(n_terms, n_terms)).tocsr()
        C = Cd if C is None else C + Cd
    if C is None:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, n_a, n_windows
    C.sum_duplicates()
    rows = np.repeat(np.arange(n_terms, dtype=C.indices.dtype), np.diff(C.indptr))
    return rows, C.indices, C.data, n_a, n_windows


def _group_counts(frame: pd.DataFrame, window: int | Context, group_of_row: np.ndarray, n_groups: int, where: str,
                  from_sequences: bool) -> tuple[np.ndarray, Iterator[_GroupCounts]]:
    """The vocabulary and, per group, ``(n_contexts, i, j, n_ab, n_a)`` (a generator, one group at a time)."""
    encoded = _encode(frame)
    lengths, codes, vocab = encoded

    def counts() -> Iterator[_GroupCounts]:
        if isinstance(window, int):
            for g in range(n_groups):
                rows = group_of_row == g
                tokens = np.repeat(rows, lengths) if n_groups > 1 else slice(None)
                i, j, n_ab, n_a, n = _window_pairs(codes[tokens], lengths[rows], window, len(vocab))
                yield n, i, j, n_ab, n_a
        else:
            X, _, ctx_group = _incidence(frame, window, group_of_row, where, from_sequences, encoded=encoded)
            for g in range(n_groups):
                Xg = X[ctx_group == g] if n_groups > 1 else X
                i, j, n_ab, n_a = _pairs(Xg)
                yield Xg.shape[0], i, j, n_ab, n_a

    return vocab, counts()


_BLOCK_WORK = 1 << 25  # candidate products per block of X.T @ X (bounds the symmetric temporaries)


def _pairs(X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Upper-triangle co-occurrence counts ``(i, j, n_ab)`` with ``i < j`` and the term counts ``n_a``.

    ``X.T @ X`` is computed for blocks of terms (rows of ``X.T``) and only the entries right of the
    diagonal are kept, so the symmetric product is never held whole.
    """
    n_a = np.asarray(X.sum(axis=0, dtype=np.int64)).ravel()
    XT = X.T.tocsr()
    # work of each term row: the sizes of the contexts it occurs in (an upper bound of its pairs)
    work = XT @ np.diff(X.indptr).astype(np.int64)
    bounds = np.searchsorted(np.cumsum(work), np.arange(_BLOCK_WORK, int(work.sum()) + _BLOCK_WORK, _BLOCK_WORK))
    edges = np.unique(np.concatenate([[0], np.minimum(bounds + 1, XT.shape[0]), [XT.shape[0]]]))
    rows_out, cols_out, data_out = [], [], []
    for lo, hi in itertools.pairwise(edges):
        C = XT[lo:hi] @ X
        rows = np.repeat(np.arange(lo, hi, dtype=C.indices.dtype), np.diff(C.indptr))
        upper = C.indices > rows
        rows_out.append(rows[upper])
        cols_out.append(C.indices[upper])
        data_out.append(C.data[upper])
        del C, rows, upper
    if not rows_out:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, n_a
    return np.concatenate(rows_out), np.concatenate(cols_out), np.concatenate(data_out), n_a


# ----------------------------------------------------------------------------- cooccurrence
def cooccurrence(tokens_or_units: TokenRows, *, window: int | Context = 5, min_count: int = 2,
                 measures: Measure | Iterable[Measure] = MEASURES, by: str | None = None,
                 terms: str | Iterable[str] | None = None, progress: bool = False) -> pd.DataFrame:
    """Count co-occurring term pairs and score their association.

    Parameters
    ----------
    tokens_or_units : pandas.DataFrame or sequence of sequences of str
        A tokenized corpus (:func:`corpusanalysis.tokenize`), tokenized units
        (``tokenize(segment(...))``), or plain token sequences (one per row).
    window : int or {"sentence", "paragraph", "document"}, default 5
        The context (see the module docstring): an int ``w >= 2`` for a sliding window of ``w``
        consecutive tokens inside each row, or a segment of the text.  Named contexts other than
        ``"document"`` need a frame with ``text`` and ``token_spans`` (or units).
    min_count : int, default 2
        Report pairs with ``n_ab >= min_count``.  All pairs that co-occur at least once still
        form the family of the Benjamini–Hochberg adjustment.
    measures : sequence of str, default all of ``MEASURES``
        Any of ``"pmi", "npmi", "g2", "dice", "jaccard"`` (``"g2"`` adds ``p`` and ``p_adj``).
    by : str, optional
        A column of the frame (e.g. ``"theme"`` from :func:`corpusanalysis.themes.assign_themes`):
        one table per value, stacked with a ``group`` column.  Contexts never span groups.
    terms : str or sequence of str, optional
        Report only pairs with at least one of these terms (counts and ``p_adj`` are unchanged).
    progress : bool, default False
        Show a tqdm bar over the counting pass and the scoring of each group.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair, ``term_a < term_b`` (code-point order): ``[group,] term_a,
        term_b, n_ab, n_a, n_b, n_contexts, expected`` and the measure columns
        (``pmi, npmi, g2, p, p_adj, dice, jaccard``).  Sorted by ``group``, ``n_ab`` descending,
        ``term_a``, ``term_b``.  ``.attrs["cooccurrence"]`` records the settings and the number
        of contexts of every group.

    Raises
    ------
    ValueError
        Unknown ``window`` or measure; no ``tokens`` column ("run tokenize() first"); ``by`` not a
        column; no pair reaches ``min_count`` anywhere (an empty table).

    Examples
    --------
    >>> from corpusanalysis import cooccurrence
    >>> rows = [["新质生产力", "科技创新", "未来产业"], ["新质生产力", "科技创新"], ["容错纠错", "干部"]]
    >>> table = cooccurrence(rows, window="document", min_count=1)
    >>> table[["term_a", "term_b", "n_ab", "n_a", "n_b", "n_contexts"]]
      term_a term_b  n_ab  n_a  n_b  n_contexts
    0  新质生产力   科技创新     2    2    2           3
    1   容错纠错     干部     1    1    1           3
    2   新质生产力   未来产业     1    2    1           3
    3   未来产业   科技创新     1    1    2           3
    >>> round(float(table.loc[0, "pmi"]), 3), round(float(table.loc[0, "dice"]), 3)
    (0.585, 1.0)
    """
    where = "cooccurrence()"
    window = _check_window(window)
    measures = _check_measures(measures)
    if not _is_int(min_count) or min_count < 1:
        raise ValueError(f"min_count must be a positive int (minimum n_ab); got {min_count!r}.")
    frame, from_sequences = _as_frame(tokens_or_units, where)
    if by is not None and from_sequences:
        raise ValueError(f"{where}: by={by!r} needs a DataFrame with that column; plain token sequences have none.")
    keep_terms = None
    if terms is not None:
        keep_terms = [terms] if isinstance(terms, str) else [str(t) for t in terms]
    group_of_row, groups = _group_codes(frame, by, where)
    from tqdm.auto import tqdm

    bar = tqdm(total=1 + len(groups), desc="cooccurrence", unit="step", disable=not progress, leave=False)
    bar.set_postfix_str("counting")
    vocab, counts = _group_counts(frame, window, group_of_row, len(groups), where, from_sequences)
    bar.update(1)
    if keep_terms is not None:
        present = set(keep_terms) & set(vocab.tolist())
        if not present:
            raise ValueError(f"{where}: none of terms={keep_terms[:10]} occurs among the tokens; check the spelling "
                             "(dictionary terms are canonical: 创新型县, not 创新型县(市)) and the stopwords.")
        keep_mask = np.isin(vocab, list(present))

    columns = (["group"] if by is not None else []) + [
        c for c in COOCCURRENCE_COLUMNS if c in ("term_a", "term_b", "n_ab", "n_a", "n_b", "n_contexts", "expected")
        or any(c in _MEASURE_COLUMNS[m] for m in measures)]
    parts: list[pd.DataFrame] = []
    n_contexts: dict[str, int] = {}
    for name, (n, i, j, n_ab, n_a) in zip(groups, counts):
        n_contexts[name] = n
        bar.set_postfix_str(f"scoring {name}")
        bar.update(1)
        if n == 0:
            continue
        keep = n_ab >= min_count
        if keep_terms is not None:
            keep &= keep_mask[i] | keep_mask[j]
        kept = np.flatnonzero(keep)
        if by is not None and not len(kept):
            warnings.warn(f"{where}: group {name!r} ({n} contexts) has no pair with n_ab >= {min_count}.",
                          UserWarning, stacklevel=user_stacklevel())
        # sort the reported pairs first (n_ab descending, then term_a, term_b: the vocabulary is sorted),
        # so every column is computed once, in its final order
        ik, jk, nk = i[kept].astype(np.int64), j[kept].astype(np.int64), n_ab[kept].astype(np.int64)
        order = np.lexsort((jk, ik, -nk))
        kept, ik, jk, nk = kept[order], ik[order], jk[order], nk[order]
        del order
        part: dict[str, Any] = {
            "group": pd.array(np.full(len(kept), name, dtype=object), dtype="string") if by is not None else None,
            "term_a": pd.array(vocab[ik], dtype="string"), "term_b": pd.array(vocab[jk], dtype="string"),
            "n_ab": nk, "n_a": n_a[ik], "n_b": n_a[jk], "n_contexts": np.full(len(kept), n, dtype=np.int64)}
        if "g2" in measures:
            family = _g2_pairs(i, j, n_ab, n_a, n, _log_table(n))  # G² of every pair, then in place its p
            part["g2"] = family[kept]
            np.divide(family, 2.0, out=family)
            np.sqrt(family, out=family)
            special.erfc(family, out=family)  # = scipy.stats.chi2.sf(g2, 1)
            part["p"] = family[kept]
            part["p_adj"] = _bh_for(family, part["p"])
            del family
        part.update(_measures(nk, part["n_a"], part["n_b"], n, measures))
        del i, j, n_ab, ik, jk
        parts.append(pd.DataFrame({c: part.pop(c) for c in columns}, copy=False))
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else (parts[0] if parts else pd.DataFrame())
    if out.empty:
        raise EmptyResultError(
            f"{where}: no pair of terms co-occurs in at least min_count={min_count} context(s) with window={window!r}"
            + (f" and terms={keep_terms[:5]}" if keep_terms else "")
            + "; lower min_count, use a larger window ('sentence', 'paragraph') or pass more text.")
    out.attrs = {"cooccurrence": {"window": window, "min_count": min_count, "measures": list(measures),
                                  "by": by, "terms": keep_terms, "n_contexts": n_contexts,
                                  "n_terms": len(vocab)}}
    return out


# ----------------------------------------------------------------------------- associates
def _check_cooc(cooc: object, where: str, need: Sequence[str] = ("term_a", "term_b", "n_ab", "n_a", "n_b")) -> None:
    if not isinstance(cooc, pd.DataFrame):
        raise TypeError(f"{where} expects the table of cooccurrence(); got {type(cooc).__name__}.")
    missing = [c for c in need if c not in cooc.columns]
    if missing:
        raise ValueError(f"{where}: the table has no {missing} column(s); pass the table of cooccurrence() "
                         f"(columns: {list(cooc.columns)[:15]}).")


def _group_column(cooc: pd.DataFrame, by: str | None, where: str) -> pd.Series:
    if by is None:
        if "group" in cooc.columns:
            return cooc["group"].astype(str)
        return pd.Series(_ALL_GROUP, index=cooc.index, dtype=object)
    if by not in cooc.columns:
        raise ValueError(f"{where}: by={by!r} is not a column of the co-occurrence table (columns: "
                         f"{list(cooc.columns)[:15]}); use cooccurrence(..., by=...) to get a 'group' column.")
    return cooc[by].astype(str)


def _not_in_table(term: str, cooc: pd.DataFrame, where: str) -> ValueError:
    hint = ""
    try:

        canonical = resolve_dictionary(None).lookup(term)
    except Exception:  # pragma: no cover - a broken dictionary must not hide the real error
        canonical = None
    present = set(cooc["term_a"].astype(str)) | set(cooc["term_b"].astype(str))
    if canonical is not None and canonical != term:
        hint = (f" It is a form of the dictionary term {canonical!r} (tokens are canonical terms), "
                + (f"which is in the table: pass term={canonical!r}." if canonical in present else
                   "which is not in the table either."))
    else:
        near = sorted(t for t in present if term in t or t in term)[:5]
        if near:
            hint = f" Terms in the table that contain it or are contained in it: {near}."
    return ValueError(f"{where}: term {term!r} is not in the co-occurrence table (no pair with n_ab >= min_count "
                      f"contains it).{hint} Otherwise lower min_count or widen the window of cooccurrence().")


def associates(cooc: pd.DataFrame, term: str | Sequence[str], *, by: str | None = None, n: int = 10,
               alpha: float | None = 0.05, min_g2: float | None = None, min_count: int | None = None,
               sort: StatColumn = "g2") -> pd.DataFrame:
    """The strongest significant associates of a term, per group, with shared ones marked.

    An associate passes when the pair is *attracted* (``n_ab > expected``), ``p_adj <= alpha``,
    ``g2 >= min_g2`` and ``n_ab >= min_count`` (each filter only when set); the ``n`` strongest
    by ``sort`` are kept per group and term.

    Parameters
    ----------
    cooc : pandas.DataFrame
        The table of :func:`cooccurrence` (with a ``group`` column when made with ``by=``).
    term : str or list of str
        Target term(s), as they appear in the table (canonical dictionary terms).
    by : str, optional
        Group column of ``cooc``; default ``"group"`` when present, else one group ``"all"``.
    n : int, default 10
        Associates per group and term.
    alpha : float or None, default 0.05
        Maximum Benjamini–Hochberg adjusted p-value (``None``: no significance filter).
    min_g2 : float, optional
        Minimum G² (10.83 is p < 0.001 unadjusted).
    min_count : int, optional
        Minimum ``n_ab``.
    sort : str, default "g2"
        Measure ranking the associates (any measure column of ``cooc``, or ``"n_ab"``).

    Returns
    -------
    pandas.DataFrame
        ``group, term, rank, associate, n_ab, n_term, n_associate, n_contexts, expected,`` the
        measure columns of ``cooc``, ``n_groups`` (groups in which the associate passes the
        filters for this term, top-``n`` or not) and ``shared`` (nullable boolean: ``True`` if it
        passes in every group where the term is in the table, ``False`` if in fewer — specific to
        ``n_groups`` of them —, ``<NA>`` when the term is in one group only, e.g. without groups).
        Sorted by group, term (in the order given), rank.

    Raises
    ------
    ValueError
        A term that is not in the table (with a hint: the canonical dictionary form, longer
        terms containing it); no associate passing the filters for any term.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import cooccurrence, associates
    >>> frame = pd.DataFrame({
    ...     "tokens": [["容错纠错", "干部", "担当"]] * 3 + [["科技创新", "企业"]] * 3
    ...             + [["容错纠错", "干部", "宽容失败"]] * 3 + [["科技创新", "企业"]] * 3,
    ...     "theme": ["讲话A"] * 6 + ["讲话B"] * 6})
    >>> table = cooccurrence(frame, window="document", by="theme")
    >>> associates(table, "容错纠错")[["group", "rank", "associate", "n_ab", "g2", "n_groups", "shared"]]
      group  rank associate  n_ab        g2  n_groups  shared
    0   讲话A     1        干部     3  8.317766         2    True
    1   讲话A     2        担当     3  8.317766         1   False
    2   讲话B     1       宽容失败     3  8.317766         1   False
    3   讲话B     2        干部     3  8.317766         2    True
    """
    where = "associates()"
    _check_cooc(cooc, where)
    targets = [term] if isinstance(term, str) else list(term)
    if not targets or not all(isinstance(t, str) for t in targets):
        raise TypeError(f"{where}: term must be a str or a list of str; got {term!r}.")
    if not _is_int(n) or n < 1:
        raise ValueError(f"n must be a positive int (associates per group); got {n!r}.")
    if alpha is not None and (not is_real(alpha) or not 0 < alpha <= 1):
        raise ValueError(f"alpha must be a number in (0, 1] or None; got {alpha!r}.")
    if alpha is not None and "p_adj" not in cooc.columns:
        raise ValueError(f"{where}: alpha={alpha} needs the p_adj column; compute the table with 'g2' among "
                         "measures, or pass alpha=None.")
    if min_g2 is not None and "g2" not in cooc.columns:
        raise ValueError(f"{where}: min_g2 needs the g2 column; compute the table with 'g2' among measures.")
    if sort not in cooc.columns or sort in ("term_a", "term_b", "group"):
        raise ValueError(f"{where}: sort={sort!r} is not a measure column of the table; choose from "
                         f"{[c for c in cooc.columns if c in COOCCURRENCE_COLUMNS[2:]]}.")
    group = _group_column(cooc, by, where)
    a, b = cooc["term_a"].astype(str), cooc["term_b"].astype(str)
    measure_cols = [c for c in COOCCURRENCE_COLUMNS[5:] if c in cooc.columns]
    frames: list[pd.DataFrame] = []
    empty: list[str] = []
    for t in targets:
        left, right = a == t, b == t
        if not (left | right).any():
            raise _not_in_table(t, cooc, where)
        rows = pd.concat([
            pd.DataFrame({"group": group[left], "term": t, "associate": b[left], "n_ab": cooc.loc[left, "n_ab"],
                          "n_term": cooc.loc[left, "n_a"], "n_associate": cooc.loc[left, "n_b"]}).join(
                cooc.loc[left, measure_cols]),
            pd.DataFrame({"group": group[right], "term": t, "associate": a[right], "n_ab": cooc.loc[right, "n_ab"],
                          "n_term": cooc.loc[right, "n_b"], "n_associate": cooc.loc[right, "n_a"]}).join(
                cooc.loc[right, measure_cols]),
        ])
        term_groups = rows.groupby("group").size().index
        ok = rows["n_ab"] > rows["expected"] if "expected" in rows.columns else pd.Series(True, index=rows.index)
        if alpha is not None:
            ok &= rows["p_adj"] <= alpha
        if min_g2 is not None:
            ok &= rows["g2"] >= min_g2
        if min_count is not None:
            ok &= rows["n_ab"] >= min_count
        passed = rows[ok]
        if passed.empty:
            empty.append(t)
            continue
        n_groups = passed.groupby("associate")["group"].nunique()
        passed = passed.assign(n_groups=passed["associate"].map(n_groups).astype("int64"))
        shared = (passed["n_groups"] == len(term_groups)).astype("boolean")
        if len(term_groups) < 2:
            shared[:] = pd.NA  # the term is in one group only: nothing to compare with
        passed = passed.assign(shared=shared)
        passed = passed.sort_values(["group", sort, "associate"], ascending=[True, False, True], kind="stable")
        passed = passed.assign(rank=passed.groupby("group").cumcount() + 1)
        frames.append(passed[passed["rank"] <= n])
    if not frames:
        raise EmptyResultError(f"{where}: no associate of {targets} passes the filters (attraction, alpha={alpha}, "
                         f"min_g2={min_g2}, min_count={min_count}); relax them, or count in larger contexts.")
    if empty:
        warnings.warn(f"{where}: no associate of {empty} passes the filters (attraction, alpha={alpha}, "
                      f"min_g2={min_g2}, min_count={min_count}); they have no rows.", UserWarning,
                      stacklevel=user_stacklevel())
    out = pd.concat(frames, ignore_index=True)
    order = ["group", "term", "rank", "associate", "n_ab", "n_term", "n_associate", *measure_cols, "n_groups", "shared"]
    position = {t: i for i, t in enumerate(dict.fromkeys(targets))}
    out = out.assign(_pos=out["term"].astype(str).map(position))
    out = out.sort_values(["group", "_pos", "rank"], kind="stable", ignore_index=True)[order]
    for col in ("group", "term", "associate"):
        out[col] = out[col].astype("string")
    for col in ("rank", "n_ab", "n_term", "n_associate", "n_groups"):
        out[col] = out[col].astype("int64")
    if "n_contexts" in out.columns:
        out["n_contexts"] = out["n_contexts"].astype("int64")
    out["shared"] = out["shared"].astype("boolean")
    out.attrs = {"associates": {"alpha": alpha, "min_g2": min_g2, "min_count": min_count, "n": n, "sort": sort,
                                **cooc.attrs.get("cooccurrence", {})}}
    return out


# ----------------------------------------------------------------------------- networks
@renamed(top="n", seed="random_state")
def cooccurrence_network(cooc: pd.DataFrame, *, terms: str | Sequence[str] | None = None, n: int = 80,
                         group: str | None = None, alpha: float | None = 0.05, min_g2: float | None = None,
                         min_count: int | None = None, min_frequency: int | None = None, weight: StatColumn = "g2",
                         dictionary: DictionarySpec = None, exclude: StopwordsSpec = "function",
                         random_state: int = 42) -> nx.Graph:
    """A networkx graph of the strongest attracted pairs, with measures, themes and communities.

    Edges are the pairs of ``cooc`` with ``n_ab > expected`` that pass ``alpha`` (on ``p_adj``),
    ``min_g2`` and ``min_count``, between terms in at least ``min_frequency`` contexts (as KH
    Coder selects frequent words first; on small corpora the strongest G² often link rare terms,
    which gives a network of isolated pairs).  Without ``terms``: the ``n`` strongest of them by
    ``weight``.
    With ``terms`` (an ego network): the terms plus the endpoints of the ``n`` strongest edges
    that touch a term, and every passing edge among those nodes (so associates that also go
    together are linked).

    Parameters
    ----------
    cooc : pandas.DataFrame
        The table of :func:`cooccurrence`.
    terms : str or list of str, optional
        Centre the network on these terms.
    n : int, default 80
        Number of edges selected (see above).
    group : str, optional
        The group to draw when ``cooc`` has a ``group`` column (required then).
    alpha, min_g2, min_count
        Edge filters (``alpha=None`` keeps non-significant pairs; needed on tiny corpora).
    min_frequency : int, optional
        Minimum frequency (``n_a``, contexts) of both terms of an edge; the ``terms`` themselves
        are exempt.
    weight : str, default "g2"
        The measure copied to the ``weight`` edge attribute (ranking, layout, Louvain).
    dictionary : PolicyDictionary, path, None or False
        Where node themes come from (default: the bundled dictionary; ``False``: no themes).
    exclude : "function", list of str, path or None, default "function"
        Terms that are never nodes (pairs touching them are passed over before the ``n`` strongest
        are taken): by default the bundled function words (要, 将, 年, 工作 …; see
        ``load_stopwords("function")``), which co-occur with everything and would name
        communities, and single Latin letters (formula residue); ``None`` keeps every term.
        Dictionary terms and ``terms`` are never excluded.
        The co-occurrence table itself is not changed.
    random_state : int, default 42
        Seed of the Louvain community detection (:func:`networkx.community.louvain_communities`).

    Returns
    -------
    networkx.Graph
        Nodes (added in code-point order) with ``label``, ``frequency`` (contexts containing the
        term, ``n_a``), ``theme`` (the term's mission theme(s) joined by ``|``, or ``""``),
        ``community`` (0 = largest community; ties by first term) and ``community_name`` (the
        community's most central term: highest weighted degree inside the community, ties by
        frequency, then term).  Edges with ``weight`` and every count and measure column of
        ``cooc``.  ``G.graph`` holds the settings (``excluded``: how many excluded terms were in
        passing pairs).

    Raises
    ------
    ValueError
        A grouped table without ``group=``, an unknown group or weight, a term not in the table,
        or no edge passing the filters.

    Examples
    --------
    >>> from corpusanalysis import cooccurrence, cooccurrence_network
    >>> rows = [["新质生产力", "未来产业", "科技创新"]] * 4 + [["容错纠错", "干部"]] * 4 + [["企业"]] * 4
    >>> G = cooccurrence_network(cooccurrence(rows, window="document"))
    >>> sorted(G.nodes), G.nodes["新质生产力"]["theme"], G.nodes["新质生产力"]["frequency"]
    (['容错纠错', '干部', '新质生产力', '未来产业', '科技创新'], '新质生产力', 4)
    >>> G.nodes["容错纠错"]["community"] != G.nodes["新质生产力"]["community"]
    True
    """
    import networkx as nx

    where = "cooccurrence_network()"
    _check_cooc(cooc, where)
    if not _is_int(n) or n < 1:
        raise ValueError(f"n must be a positive int (edges); got {n!r}.")
    if min_frequency is not None and (not _is_int(min_frequency) or min_frequency < 1):
        raise ValueError(f"min_frequency must be a positive int (contexts) or None; got {min_frequency!r}.")
    if weight not in cooc.columns or weight in ("term_a", "term_b", "group"):
        raise ValueError(f"{where}: weight={weight!r} is not a measure column of the table; choose from "
                         f"{[c for c in cooc.columns if c in COOCCURRENCE_COLUMNS[2:]]}.")
    table = cooc
    if "group" in cooc.columns:
        groups = sorted(cooc["group"].astype(str).unique())
        if group is None:
            raise ValueError(f"{where}: the table has groups {groups}; pass group=... to choose one.")
        if group not in groups:
            raise ValueError(f"{where}: group={group!r} is not in the table; groups: {groups}.")
        table = cooc[cooc["group"].astype(str) == group]
    elif group is not None:
        raise ValueError(f"{where}: group={group!r} given but the table has no 'group' column (made without by=).")
    ok = table["n_ab"] > table["expected"] if "expected" in table.columns else pd.Series(True, index=table.index)
    if alpha is not None:
        if "p_adj" not in table.columns:
            raise ValueError(f"{where}: alpha={alpha} needs the p_adj column ('g2' among measures) or alpha=None.")
        ok &= table["p_adj"] <= alpha
    if min_g2 is not None:
        ok &= table["g2"] >= min_g2
    if min_count is not None:
        ok &= table["n_ab"] >= min_count
    if min_frequency is not None:
        exempt_a = table["term_a"].astype(str).isin([terms] if isinstance(terms, str) else list(terms or ()))
        exempt_b = table["term_b"].astype(str).isin([terms] if isinstance(terms, str) else list(terms or ()))
        ok &= (exempt_a | (table["n_a"] >= min_frequency)) & (exempt_b | (table["n_b"] >= min_frequency))
    d = resolve_dictionary(dictionary)
    keep = set(d.term_themes()) if d is not None else set()
    keep |= set([terms] if isinstance(terms, str) else list(terms or ()))
    dropped = {t for t in load_stopwords(exclude) if t not in keep} if exclude is not None else set()
    if exclude is not None:  # single Latin letters (formula residue: x, m, i) are never content either
        dropped |= {t for t in set(table["term_a"].astype(str)) | set(table["term_b"].astype(str))
                    if len(t) == 1 and t.isascii() and t.isalpha() and t not in keep}
    excluded_seen = set()
    if dropped:
        hit_a = table["term_a"].astype(str).isin(dropped)
        hit_b = table["term_b"].astype(str).isin(dropped)
        passing = table[ok & (hit_a | hit_b)]
        excluded_seen = (set(passing["term_a"].astype(str)) | set(passing["term_b"].astype(str))) & dropped
        ok &= ~(hit_a | hit_b)
    edges = table[ok].sort_values([weight, "term_a", "term_b"], ascending=[False, True, True], kind="stable")
    a, b = edges["term_a"].astype(str), edges["term_b"].astype(str)
    if terms is not None:
        centre = [terms] if isinstance(terms, str) else list(terms)
        present = set(table["term_a"].astype(str)) | set(table["term_b"].astype(str))
        for t in centre:
            if t not in present:
                raise _not_in_table(t, table, where)
        touching = edges[a.isin(centre) | b.isin(centre)].head(n)
        nodes = set(centre) | set(touching["term_a"].astype(str)) | set(touching["term_b"].astype(str))
        chosen = edges[a.isin(nodes) & b.isin(nodes)]
    else:
        chosen = edges.head(n)
    if chosen.empty:
        raise EmptyResultError(f"{where}: no edge passes the filters (attraction, alpha={alpha}, min_g2={min_g2}, "
                         f"min_count={min_count}, min_frequency={min_frequency}"
                         f"{', terms=' + repr(terms) if terms is not None else ''}); relax them "
                         "(alpha=None on a small corpus) or count in larger contexts.")
    themes = {t: "|".join(ths) for t, ths in d.term_themes().items()} if d is not None else {}
    freq: dict[str, int] = {}
    for x, y, na, nb in zip(table["term_a"].astype(str), table["term_b"].astype(str), table["n_a"], table["n_b"]):
        freq.setdefault(x, int(na))
        freq.setdefault(y, int(nb))
    G = nx.Graph()
    node_set = set(chosen["term_a"].astype(str)) | set(chosen["term_b"].astype(str))
    if terms is not None:
        node_set |= set(centre)
    for node in sorted(node_set):
        G.add_node(node, label=node, frequency=freq.get(node, 0), theme=themes.get(node, ""))
    attr_cols = [c for c in chosen.columns if c in COOCCURRENCE_COLUMNS[2:]]
    for rec in chosen.sort_values(["term_a", "term_b"], kind="stable").itertuples(index=False):
        row = rec._asdict()
        attrs = {c: (int(row[c]) if c.startswith("n_") else float(row[c])) for c in attr_cols}
        G.add_edge(str(row["term_a"]), str(row["term_b"]), weight=float(row[weight]), **attrs)
    found = nx.community.louvain_communities(G, weight="weight", seed=random_state) if G.number_of_edges() else [
        {v} for v in G.nodes]
    communities = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    for k, members in enumerate(communities):
        inside = G.subgraph(members)
        strength = dict(inside.degree(weight="weight"))
        name = min(members, key=lambda v: (-strength.get(v, 0.0), -G.nodes[v]["frequency"], v))
        for v in members:
            G.nodes[v]["community"] = k
            G.nodes[v]["community_name"] = name
    G.graph.update({"excluded": len(excluded_seen), "group": group if group is not None else _ALL_GROUP,
                    "weight": weight,
                    "alpha": alpha if alpha is not None else "", "n": n, "random_state": random_state,
                    "min_frequency": min_frequency if min_frequency is not None else "",
                    "terms": "|".join(centre) if terms is not None else "",
                    "window": str(cooc.attrs.get("cooccurrence", {}).get("window", ""))})
    return G


def export_network(G: nx.Graph, path_prefix: str | os.PathLike[str], *,
                   formats: NetworkFormat | Iterable[NetworkFormat] = _NETWORK_FORMATS) -> dict[str, Path]:
    """Write a network for Gephi (GEXF), Cytoscape (GraphML) and spreadsheets (CSV).

    Parameters
    ----------
    G : networkx.Graph
        Typically from :func:`cooccurrence_network`.
    path_prefix : str or path
        Files are ``<prefix>.gexf``, ``<prefix>.graphml``, ``<prefix>-edges.csv`` and
        ``<prefix>-nodes.csv``; parent folders are created.
    formats : sequence of {"gexf", "graphml", "csv"}, default all three

    Returns
    -------
    dict
        ``{"gexf": path, "graphml": path, "edges_csv": path, "nodes_csv": path}`` (the formats
        written).  The CSV files are UTF-8 with a BOM (Excel opens Chinese correctly); the edge
        list has ``source, target`` and every edge attribute, the node list ``id`` and every node
        attribute, both sorted.

    Examples
    --------
    >>> import tempfile, pathlib, networkx as nx
    >>> from corpusanalysis import cooccurrence, cooccurrence_network, export_network
    >>> G = cooccurrence_network(cooccurrence([["新质生产力", "未来产业"]] * 3 + [["企业"]] * 3, window="document"))
    >>> paths = export_network(G, pathlib.Path(tempfile.mkdtemp()) / "net")
    >>> sorted(paths)
    ['edges_csv', 'gexf', 'graphml', 'nodes_csv']
    >>> nx.read_gexf(paths["gexf"]).nodes["新质生产力"]["frequency"]
    3
    """
    import networkx as nx

    if not isinstance(G, nx.Graph):
        raise TypeError(f"export_network() expects a networkx Graph; got {type(G).__name__}.")
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    unknown = [f for f in formats if f not in _NETWORK_FORMATS]
    if unknown or not formats:
        raise ValueError(f"formats={formats!r} must be a non-empty selection of {list(_NETWORK_FORMATS)}.")
    prefix = Path(path_prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    # GEXF and GraphML take str/int/float/bool attributes: convert numpy scalars, drop None.
    H = nx.Graph()
    H.graph.update({k: v for k, v in G.graph.items() if isinstance(v, (str, int, float, bool))})
    for v, data in G.nodes(data=True):
        H.add_node(v, **{k: _plain(x) for k, x in data.items() if x is not None})
    for u, v, data in G.edges(data=True):
        H.add_edge(u, v, **{k: _plain(x) for k, x in data.items() if x is not None})
    if "gexf" in formats:
        out["gexf"] = prefix.with_name(prefix.name + ".gexf")
        nx.write_gexf(H, out["gexf"])
    if "graphml" in formats:
        out["graphml"] = prefix.with_name(prefix.name + ".graphml")
        nx.write_graphml(H, out["graphml"])
    if "csv" in formats:
        edges = pd.DataFrame([{"source": u, "target": v, **d} for u, v, d in
                              sorted(H.edges(data=True), key=lambda e: tuple(sorted(e[:2])))])
        nodes = pd.DataFrame([{"id": v, **d} for v, d in sorted(H.nodes(data=True))])
        out["edges_csv"] = prefix.with_name(prefix.name + "-edges.csv")
        out["nodes_csv"] = prefix.with_name(prefix.name + "-nodes.csv")
        write_csv(edges, out["edges_csv"], index=False)
        write_csv(nodes, out["nodes_csv"], index=False)
    return out


def _plain(x: object) -> object:
    if isinstance(x, np.generic):
        return x.item()
    return x


# ----------------------------------------------------------------------------- kwic
