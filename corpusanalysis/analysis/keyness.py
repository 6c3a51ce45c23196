"""Keyness: which terms a target group of rows uses significantly more (or less) than a reference.

For every term, :func:`keyness` builds the 2×2 contingency table ::

                     target        reference
    term             a             b
    all other tokens c = N_t - a   d = N_r - b

where ``N_t`` and ``N_r`` are the **total tokens** of the target and reference rows (all tokens,
including terms pruned from the matrix's vocabulary; see :mod:`corpusanalysis.features`), and
computes, vectorized over all terms:

``g2``
    Log-likelihood G² = 2 Σ O ln(O / E) over the four cells (0 ln 0 = 0), E the expected counts
    under independence.  No Williams correction (quanteda's ``measure = "lr"`` applies it by
    default: compare with ``correction = "none"`` there).  Identical to
    ``scipy.stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")``.
``chi2``
    Pearson's χ² without continuity correction (``chi2_contingency(table, correction=False)``).
``chi2_yates``
    Pearson's χ² with Yates' correction: every |O − E| is reduced by 0.5, but not below 0
    (``chi2_contingency(table, correction=True)``; quanteda's default for ``"chi2"``).
``pmi``
    Pointwise mutual information of term and target in bits, as everywhere in the package (quanteda
    uses the natural log: divide by ``ln 2`` ≈ 0.693 to compare): ``log2(a · N / ((a + b) · N_t))``;
    ``-inf`` when the target never uses the term.
``log_ratio``
    Hardie's (2014) binary log ratio, an effect size: ``log2((a / N_t) / (b / N_r))``, where a
    **zero count is replaced by 0.5** (on either side) before normalizing, so a term absent from
    one side gets a finite value.  Each unit is a doubling: 1 = twice as frequent in the target.
    When the pseudo-count would reverse the observed direction (a term absent from a small
    target but used once in a reference 13 times larger would get +2.7), the size of the
    difference is unknown and ``log_ratio`` is set to 0; so ``log_ratio`` always has the sign of
    ``stat`` or is 0.

**Sign convention** (as quanteda's ``textstat_keyness``): ``stat`` is positive when the term is
relatively more frequent in the target (a / N_t > b / N_r) and negative when it is relatively
more frequent in the reference.  ``p`` is the two-sided p-value of the 1-degree-of-freedom test
of the chosen statistic (χ² distribution of |stat|); the effect-size measures (``pmi``,
``log_ratio``) carry the p-value of the G² test so significance can still be marked.  ``p_adj``
corrects ``p`` for the number of terms tested (within each comparison): Benjamini–Hochberg
false discovery rate (``"fdr_bh"``, default), Bonferroni, or none.

Dispersion guard: ``n_rows_target`` counts the target rows (documents or units) that use the term
and ``share_rows_target`` is their share, so a term that is "key" because one speech repeats it
is visible as such; ``min_rows`` hides such terms.

**Documents, not rows, are the sampled unit.**  When the rows are paragraphs or sentences (a
``doc_id`` column), their tokens are not independent draws, and a term can be "key" for a theme
only because one speech repeats it.  So every table also says, at document level:

``n_docs_target``
    Target documents using the term (equal to ``n_rows_target`` when the rows are documents).
``dp_target``
    Gries' (2008) deviation of proportions over the target documents: ``0.5 · Σ |v_i − s_i|``,
    ``v_i`` the document's share of the term's target count, ``s_i`` its share of the target's
    tokens.  0: the term is spread like the text itself; near 1: it sits in one small document.
    0 when the target is one document (nothing to compare: see ``n_docs_target``).
``top_doc``, ``top_doc_share``
    The target document with the most occurrences of the term (ties: the first id) and its share
    of ``count_target``.
``stat_without_top``, ``p_adj_without_top``
    Leave-one-document-out: the statistic and corrected p-value (same measure and correction,
    over the same terms) with ``top_doc``'s rows left out of the target.  A term whose
    ``p_adj_without_top`` is large rests on one document.  NaN when the target is one document.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from .._checks import is_int, renamed, user_stacklevel
from ..features import DocTermMatrix, RowSelection, check_dtm

__all__ = ["CORRECTIONS", "KEYNESS_COLUMNS", "MEASURES", "keyness"]

#: A keyness measure (see the module docstring).
Measure: TypeAlias = Literal["g2", "chi2", "chi2_yates", "pmi", "log_ratio"]
#: A multiple-testing correction, or ``None``.
Correction: TypeAlias = Literal["fdr_bh", "bonferroni"] | None
#: A target or reference: a boolean mask, row ids, or a ``(column, value)`` pair of the matrix's rows.
Selection: TypeAlias = "RowSelection | tuple[str, object]"

#: Keyness measures accepted by :func:`keyness`.
MEASURES: tuple[Measure, ...] = ("g2", "chi2", "chi2_yates", "pmi", "log_ratio")
#: Multiple-testing corrections accepted by :func:`keyness`.
CORRECTIONS: tuple[Correction, ...] = ("fdr_bh", "bonferroni", None)
#: Columns of the table of :func:`keyness` (``group`` comes first with ``groups=``).
KEYNESS_COLUMNS = ("term", "count_target", "count_reference", "freq_target", "freq_reference", "stat", "p", "p_adj",
                   "log_ratio", "n_rows_target", "share_rows_target", "n_rows_reference", "n_docs_target", "dp_target",
                   "top_doc", "top_doc_share", "stat_without_top", "p_adj_without_top")
#: Added to a zero count before the log ratio is computed.
LOG_RATIO_ZERO = 0.5


# ----------------------------------------------------------------------------- statistics
def _expected(a: np.ndarray, b: np.ndarray, n_t: Any, n_r: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Expected counts of the four cells (a, b, c, d) under independence."""
    n = n_t + n_r
    row1 = a + b
    row2 = n - row1
    return row1 * n_t / n, row1 * n_r / n, row2 * n_t / n, row2 * n_r / n


def _g2(a: np.ndarray, b: np.ndarray, n_t: Any, n_r: int) -> np.ndarray:
    observed = (a, b, n_t - a, n_r - b)
    total = np.zeros_like(a, dtype=np.float64)
    for o, e in zip(observed, _expected(a, b, n_t, n_r)):
        o = np.asarray(o, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(o > 0, o * np.log(o / e), 0.0)
        total += term
    return 2.0 * total


def _chi2(a: np.ndarray, b: np.ndarray, n_t: Any, n_r: int, *, yates: bool) -> np.ndarray:
    observed = (a, b, n_t - a, n_r - b)
    total = np.zeros_like(a, dtype=np.float64)
    for o, e in zip(observed, _expected(a, b, n_t, n_r)):
        diff = np.abs(np.asarray(o, dtype=np.float64) - e)
        if yates:
            diff = diff - np.minimum(0.5, diff)
        total += diff * diff / e
    return total


def _log_ratio(a: np.ndarray, b: np.ndarray, n_t: Any, n_r: int) -> np.ndarray:
    observed = np.sign(np.asarray(a, dtype=np.float64) * n_r - np.asarray(b, dtype=np.float64) * n_t)
    a = np.where(a == 0, LOG_RATIO_ZERO, a).astype(np.float64)
    b = np.where(b == 0, LOG_RATIO_ZERO, b).astype(np.float64)
    ratio = np.log2((a / n_t) / (b / n_r))
    # a pseudo-count on the much smaller side can point the wrong way: the size is then unknown
    return np.where(np.sign(ratio) == observed, ratio, 0.0)


def _pmi(a: np.ndarray, b: np.ndarray, n_t: Any, n_r: int) -> np.ndarray:
    n = n_t + n_r
    with np.errstate(divide="ignore"):
        return np.log2(a * n / ((a + b) * n_t))


def _adjust(p: np.ndarray, correction: Correction) -> np.ndarray:
    if p.size == 0 or correction is None:
        return p.copy()
    if correction == "bonferroni":
        return np.minimum(p * p.size, 1.0)
    return stats.false_discovery_control(p, method="bh")


# ----------------------------------------------------------------------------- selections
def _select(dtm: DocTermMatrix, spec: Selection, name: str) -> np.ndarray:
    """Resolve a target/reference specification into a boolean row mask."""
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str) and spec[0] in dtm.rows.columns:
        column, value = spec
        values = dtm.rows[column]
        mask = (values.astype("string") == str(value)).fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            present = sorted(values.dropna().astype(str).unique().tolist())
            raise ValueError(
                f"keyness(): the {name} group is empty: no row has {column} == {value!r}; "
                f"values present: {present[:10]}."
            )
        return mask
    if callable(spec) or isinstance(spec, (int, float)) or spec is None:
        raise TypeError(
            f"keyness(): {name} must be a boolean mask (one value per row), a list of row ids or a "
            f"(column, value) pair; got {type(spec).__name__}."
        )
    return dtm._row_mask(spec, f"keyness() {name}")


def _one_comparison(dtm: DocTermMatrix, target_mask: np.ndarray, reference_mask: np.ndarray, *, measure: Measure,
                    correction: Correction, min_count: int, min_rows: int, per: int,
                    label: str) -> tuple[pd.DataFrame, dict[str, int]]:
    n_rows_t, n_rows_r = int(target_mask.sum()), int(reference_mask.sum())
    if n_rows_t == 0:
        raise ValueError(f"keyness(): the target group{label} is empty (0 rows selected); "
                         "check the mask, the row ids or the (column, value) pair.")
    if n_rows_r == 0:
        raise ValueError(f"keyness(): the reference group{label} is empty (0 rows); the target takes every row "
                         "of the matrix, so there is nothing to compare it with.")
    overlap = target_mask & reference_mask
    if overlap.any():
        ids = [dtm.row_ids[i] for i in np.flatnonzero(overlap)][:3]
        raise ValueError(f"keyness(): target and reference share {int(overlap.sum())} row(s) (e.g. {ids}); "
                         "a row can be in only one of them.")
    totals = dtm.n_tokens
    n_t, n_r = int(totals[target_mask].sum()), int(totals[reference_mask].sum())
    if n_t == 0 or n_r == 0:
        which = "target" if n_t == 0 else "reference"
        raise ValueError(f"keyness(): the {which} group{label} has rows but no tokens "
                         f"({n_rows_t if which == 'target' else n_rows_r} row(s), 0 tokens); nothing can be counted.")
    mt = dtm.matrix[np.flatnonzero(target_mask)]
    mr = dtm.matrix[np.flatnonzero(reference_mask)]
    a = np.asarray(mt.sum(axis=0)).ravel().astype(np.int64)
    b = np.asarray(mr.sum(axis=0)).ravel().astype(np.int64)
    docs_t = np.diff(mt.tocsc().indptr).astype(np.int64)
    docs_r = np.diff(mr.tocsc().indptr).astype(np.int64)
    tested = np.flatnonzero((a + b) >= min_count)
    a, b, docs_t, docs_r = a[tested], b[tested], docs_t[tested], docs_r[tested]
    af, bf = a.astype(np.float64), b.astype(np.float64)
    stat, p = _test(a, b, n_t, n_r, measure)
    log_ratio = _log_ratio(a, b, n_t, n_r)
    dispersion = _document_dispersion(dtm, target_mask, tested, a, n_t, n_r, b, measure=measure,
                                      correction=correction)
    out = pd.DataFrame({
        "term": pd.array(np.asarray(dtm.vocabulary, dtype=object)[tested], dtype="string"),
        "count_target": a,
        "count_reference": b,
        "freq_target": af / n_t * per,
        "freq_reference": bf / n_r * per,
        "stat": stat.astype(np.float64),
        "p": p,
        "p_adj": _adjust(p, correction),
        "log_ratio": log_ratio,
        "n_rows_target": docs_t,
        "share_rows_target": docs_t / n_rows_t,
        "n_rows_reference": docs_r,
        **dispersion,
    })
    if min_rows > 1:
        out = out[~((out["stat"] > 0) & (out["n_rows_target"] < min_rows))]
    out = out.sort_values(["stat", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)
    info = {"n_rows_target": n_rows_t, "n_rows_reference": n_rows_r, "tokens_target": n_t,
            "tokens_reference": n_r, "n_tested": int(tested.size)}
    return out, info


def _document_ids(dtm: DocTermMatrix) -> np.ndarray:
    """The document of every row: the ``doc_id`` column of units, else the row id itself."""
    if dtm.id_name != "doc_id" and "doc_id" in dtm.rows.columns:
        return dtm.rows["doc_id"].astype(str).to_numpy(dtype=object)
    return np.asarray(dtm.row_ids, dtype=object).astype(str)


def _test(a: np.ndarray, b: np.ndarray, n_t: np.ndarray | int, n_r: int, measure: Measure) -> np.ndarray:
    """The signed statistic and the p-value of ``measure`` (vectorised; ``n_t`` may vary by term: the
    leave-one-document-out check).  The effect-size measures carry the p-value of G²."""
    af, bf = a.astype(np.float64), b.astype(np.float64)
    if measure == "chi2":
        test = _chi2(af, bf, n_t, n_r, yates=False)
    elif measure == "chi2_yates":
        test = _chi2(af, bf, n_t, n_r, yates=True)
    else:
        test = _g2(af, bf, n_t, n_r)
    p = stats.chi2.sf(test, df=1)
    if measure == "pmi":
        stat = _pmi(af, bf, n_t, n_r)
    elif measure == "log_ratio":
        stat = _log_ratio(a, b, n_t, n_r)
    else:
        stat = np.sign(af * n_r - bf * n_t) * test
    return np.stack([stat.astype(np.float64), p])


def _document_dispersion(dtm: DocTermMatrix, target_mask: np.ndarray, tested: np.ndarray, a: np.ndarray,
                         n_t: int, n_r: int, b: np.ndarray, *, measure: Measure,
                         correction: Correction) -> dict[str, Any]:
    """The document-level columns of one comparison (see the module docstring)."""
    rows = np.flatnonzero(target_mask)
    doc_of_row = _document_ids(dtm)[rows]
    docs, codes = np.unique(doc_of_row.astype(str), return_inverse=True)
    n_docs = len(docs)
    indicator = sp.csr_matrix((np.ones(len(rows)), (codes, np.arange(len(rows)))), shape=(n_docs, len(rows)))
    per_doc = sp.csc_matrix(indicator @ dtm.matrix[rows][:, tested])          # docs × tested terms
    doc_tokens = np.bincount(codes, weights=dtm.n_tokens[rows].astype(np.float64), minlength=n_docs)
    size_share = doc_tokens / doc_tokens.sum()
    n_terms = len(tested)
    per_doc.sort_indices()
    top = np.zeros(n_terms, dtype=np.int64)
    top_count = np.zeros(n_terms, dtype=np.float64)
    dp = np.zeros(n_terms, dtype=np.float64)
    n_docs_term = np.diff(per_doc.indptr).astype(np.int64)
    cols = np.flatnonzero(n_docs_term > 0)
    if len(cols):
        # vectorised over the non-zero (document, term) cells, column by column (reduceat over the CSC runs)
        starts = per_doc.indptr[cols]
        data, docs_of = per_doc.data.astype(np.float64), per_doc.indices
        col_of = np.repeat(np.arange(len(cols)), n_docs_term[cols])
        peak = np.maximum.reduceat(data, starts)
        position = np.where(data == peak[col_of], np.arange(len(data)), len(data))
        first = np.minimum.reduceat(position, starts)                           # most occurrences, then first id
        top[cols], top_count[cols] = docs_of[first], data[first]
        total = np.add.reduceat(data, starts)
        share = size_share[docs_of]
        dp[cols] = 0.5 * (1.0 + np.add.reduceat(np.abs(data / total[col_of] - share) - share, starts))
    used = top_count > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        top_share = np.where(used, top_count / np.maximum(a, 1), np.nan)
    if n_docs > 1:
        a_loo = (a - top_count).astype(np.int64)
        n_t_loo = n_t - np.where(used, doc_tokens[top], 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            stat_loo, p_loo = _test(a_loo, b, n_t_loo, n_r, measure)
        p_adj_loo = np.full(n_terms, np.nan)
        ok = np.isfinite(p_loo) & (n_t_loo > 0)
        stat_loo = np.where(ok, stat_loo, np.nan)
        p_adj_loo[ok] = _adjust(p_loo[ok], correction)
    else:
        stat_loo = p_adj_loo = np.full(n_terms, np.nan)
    return {
        "n_docs_target": n_docs_term,
        "dp_target": np.where(used, np.clip(dp, 0.0, 1.0), np.nan) if n_docs > 1 else np.where(used, 0.0, np.nan),
        "top_doc": pd.array([str(d) if u else None for d, u in zip(docs[top], used)], dtype="string"),
        "top_doc_share": top_share,
        "stat_without_top": stat_loo,
        "p_adj_without_top": p_adj_loo,
    }


@renamed(groups="by", min_docs="min_rows")
def keyness(dtm: DocTermMatrix, target: Selection | None = None, reference: Selection | None = None, *,
            measure: Measure = "g2", correction: Correction = "fdr_bh", min_count: int = 5, min_rows: int = 1,
            by: str | None = None, terms: str | Iterable[str] | None = None, per: int = 10_000) -> pd.DataFrame:
    """Keyness of every term in a target group of rows against a reference (quanteda-style, exact).

    Parameters
    ----------
    dtm : DocTermMatrix
        Documents or units (from :func:`corpusanalysis.features.doc_term_matrix`).
    target : boolean mask, list of row ids, or (column, value) pair
        The target rows: a boolean array/Series with one value per row, a list of row ids, or a
        tuple ``(column, value)`` of the matrix's ``rows`` (e.g. ``("theme", "新质生产力")``).
        Leave it out when ``by`` is given.
    reference : same forms as ``target``, optional
        The reference rows; default: every row not in the target.  Must not overlap the target.
    measure : {"g2", "chi2", "chi2_yates", "pmi", "log_ratio"}, default "g2"
        The statistic in ``stat`` (see the module docstring for the formulas).
    correction : {"fdr_bh", "bonferroni", None}, default "fdr_bh"
        Multiple-testing correction of ``p`` over the terms tested in one comparison.
    min_count : int, default 5
        Test only terms occurring at least ``min_count`` times in target and reference together.
        Rarer terms cannot be claimed as key words and the χ² approximation is poor for them;
        leaving them out also keeps the correction's family to the terms that could matter.
    min_rows : int, default 1
        Dispersion guard: hide terms relatively more frequent in the target (``stat > 0``) that
        fewer than ``min_rows`` target rows use.  Applied after the correction (it does not change
        ``p_adj``); terms more frequent in the reference are always kept.
    by : str, optional
        A column of ``dtm.rows`` (e.g. ``"theme"``): one-vs-rest keyness for every value of the
        column in one call (rows with a missing value are only ever in the reference).  The result
        then starts with a ``group`` column and is corrected within each group.
    terms : iterable of str, optional
        Only report these terms (the correction still covers every tested term).  A term not in
        the vocabulary, or not tested because of ``min_count``, raises.
    per : int, default 10000
        Base of ``freq_target`` and ``freq_reference``.

    Returns
    -------
    pandas.DataFrame
        One row per term (per group): ``[group,] term, count_target, count_reference, freq_target,
        freq_reference, stat, p, p_adj, log_ratio, n_rows_target, share_rows_target,
        n_rows_reference``.  ``n_*`` are raw counts, ``freq_*`` counts per ``per`` tokens of the
        side.  Sorted (within each group, groups in sorted order) by ``stat`` descending, then
        ``term``.  ``.attrs["keyness"]`` records the measure, correction, thresholds, and per
        comparison the rows and tokens of each side and the number of terms tested.

    Raises
    ------
    ValueError
        A matrix without rows; an empty target or reference; overlapping target and reference;
        an unknown term in ``terms``; an unknown measure or correction.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import doc_term_matrix
    >>> from corpusanalysis import keyness
    >>> frame = pd.DataFrame(
    ...     {"tokens": [("新质生产力",) * 30 + ("创新",) * 70, ("容错纠错",) * 10 + ("创新",) * 90],
    ...      "theme": ["新质生产力", "容错纠错"]}, index=pd.Index(["a", "b"], name="doc_id"))
    >>> table = keyness(doc_term_matrix(frame), ("theme", "新质生产力"))
    >>> table[["term", "count_target", "count_reference", "stat", "log_ratio"]].round(2)
        term  count_target  count_reference   stat  log_ratio
    0  新质生产力        30            0  46.91       5.91
    1     创新        70           90 -12.97      -0.36
    2   容错纠错         0           10 -14.39      -4.32
    >>> keyness(doc_term_matrix(frame), by="theme")[["group", "term", "stat"]].head(2).round(2)
       group  term   stat
    0   容错纠错  容错纠错  14.39
    1   容错纠错    创新  12.97
    """
    check_dtm(dtm, "keyness()")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {list(MEASURES)}; got {measure!r}.")
    if correction not in CORRECTIONS:
        raise ValueError(f"correction must be one of {list(CORRECTIONS)}; got {correction!r}.")
    for name, value in (("min_count", min_count), ("min_rows", min_rows), ("per", per)):
        if not is_int(value) or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}.")
    wanted = None
    if terms is not None:
        wanted = [terms] if isinstance(terms, str) else [str(t) for t in terms]
        vocab = set(dtm.vocabulary)
        unknown = [t for t in wanted if t not in vocab]
        if unknown:
            raise ValueError(f"keyness(): unknown term(s) {unknown} in terms=; they are not in the matrix's "
                             "vocabulary (never used, pruned by min_df/max_df/min_count, or tokenized differently).")
    settings: dict[str, Any] = {"measure": measure, "correction": correction, "min_count": int(min_count),
                                "min_rows": int(min_rows), "per": int(per), "log_ratio_zero": LOG_RATIO_ZERO}
    options: dict[str, Any] = dict(measure=measure, correction=correction, min_count=min_count, min_rows=min_rows,
                                   per=per)
    if by is not None:
        if target is not None or reference is not None:
            raise ValueError("keyness(): pass either by= (one-vs-rest for every value of a column) or "
                             "target=/reference=, not both.")
        if not isinstance(by, str) or by not in dtm.rows.columns:
            raise ValueError(f"keyness(): by={by!r} is not a column of the matrix's rows; "
                             f"choose from {list(dtm.rows.columns)}.")
        values = dtm.rows[by]
        levels = sorted(values.dropna().astype(str).unique().tolist())
        if len(levels) < 2:
            raise ValueError(f"keyness(): by={by!r} has {len(levels)} distinct value(s) {levels}; "
                             "one-vs-rest needs at least two.")
        keys = values.astype("string")
        tables: list[pd.DataFrame] = []
        infos: dict[str, dict[str, int]] = {}
        totals = dtm.n_tokens
        skipped: list[str] = []
        for level in levels:
            mask = (keys == level).fillna(False).to_numpy(dtype=bool)
            if int(totals[mask].sum()) == 0:  # rows without a token (empty documents): nothing to compare
                skipped.append(level)
                continue
            table, info = _one_comparison(dtm, mask, ~mask, label=f" {by}={level!r}", **options)
            table.insert(0, "group", pd.array([level] * len(table), dtype="string"))
            tables.append(table)
            infos[level] = info
        if skipped:
            warnings.warn(f"keyness(): {len(skipped)} group(s) of {by!r} have rows but no tokens and are left out of "
                          f"the comparisons (still in every reference): {skipped[:10]}; see .attrs['keyness']"
                          "['skipped'].", UserWarning, stacklevel=user_stacklevel())
        if not tables:
            raise ValueError(f"keyness(): no group of {by!r} has tokens; nothing can be counted.")
        out = pd.concat(tables, ignore_index=True)
        settings |= {"by": by, "comparisons": infos, "skipped": skipped}
    else:
        if target is None:
            raise ValueError("keyness(): the target group is empty: pass target= (a boolean mask, row ids or a "
                             "(column, value) pair) or by=.")
        t_mask = _select(dtm, target, "target")
        r_mask = ~t_mask if reference is None else _select(dtm, reference, "reference")
        out, info = _one_comparison(dtm, t_mask, r_mask, label="", **options)
        settings |= {"by": None, "comparisons": {"target": info}}
    if wanted is not None:
        present = set(out["term"].astype(str))
        untested = [t for t in wanted if t not in present]
        if untested:
            totals = np.asarray(dtm.matrix.sum(axis=0)).ravel()
            col = {t: i for i, t in enumerate(dtm.vocabulary)}
            rare = [t for t in untested if totals[col[t]] < min_count]
            if rare:
                raise ValueError(f"keyness(): term(s) {rare} in terms= were not tested: fewer than "
                                 f"min_count={min_count} occurrences in the matrix (lower min_count to test them).")
            raise ValueError(f"keyness(): term(s) {untested} in terms= are hidden by the dispersion guard "
                             f"min_rows={min_rows} (used by too few target rows).")
        out = out[out["term"].isin(wanted)].reset_index(drop=True)
    out.attrs = {"keyness": settings}
    return out
