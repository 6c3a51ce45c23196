"""Effects of document metadata on topic prevalence and on term or theme rates, as stm's ``estimateEffect``.

Every outcome is measured **per document** (the sampled unit): a topic's share of the document's
vocabulary tokens (its units' expected topic assignments summed), or the rate of a term (or of any
term of a theme) per ``per`` tokens.  Each outcome is regressed by least squares on a design
matrix built from an R-style formula over the documents' metadata, with patsy: ``"~ year"``,
``"~ bs(year, df=4) + C(level)"`` (a B-spline of the year, a factor), ``"~ genre"`` …

Uncertainty comes from a **document bootstrap**: documents are resampled with replacement and the
regression refitted ``n_boot`` times; ``std_error`` is the standard deviation of the replicates,
``ci_low``/``ci_high`` their percentile interval, ``p`` the two-sided normal p-value of
``estimate / std_error``.  For a topic model, every replicate also draws each row's topic shares
from its posterior (a Dirichlet with the fitted variational parameters / smoothed Gibbs counts), so
the interval carries the topic model's own uncertainty too: stm's "method of composition".

* :func:`effects` — the coefficients (tidy: one row per outcome and coefficient);
* :func:`effect_curve` — the expected outcome along one covariate (the others at their mean or most
  frequent value), with intervals from the same replicates: what stm's ``plot(…, method =
  "continuous")`` draws; :func:`corpusanalysis.plot_effects` plots it.

Documents whose covariates are missing are left out with a warning naming them (e.g. the undated
resolutions of the work-report corpus); the table's ``n_docs`` and ``.attrs["dropped"]`` record it.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .._checks import check_int, check_seed, is_real
from .topics import TopicModel

__all__ = ["CURVE_COLUMNS", "EFFECT_COLUMNS", "effect_curve", "effects"]

#: Columns of :func:`effects`.
EFFECT_COLUMNS = ("outcome", "coefficient", "estimate", "std_error", "ci_low", "ci_high", "p", "n_docs", "n_tokens")
#: Columns of :func:`effect_curve`.
CURVE_COLUMNS = ("outcome", "covariate", "value", "estimate", "ci_low", "ci_high", "n_docs")

TermSpec = Sequence[str] | Mapping[str, Iterable[str]]


@dataclass
class _Documents:
    """Per-document outcomes (or a sampler of them) and covariates."""

    names: list[str]                    # outcome names
    outcomes: np.ndarray                # docs × outcomes (point estimates)
    covariates: pd.DataFrame            # docs × metadata, index doc ids
    tokens: np.ndarray                  # tokens per document (the rate's or topic share's denominator)
    kind: str                           # "topic" or "rate"
    sampler: Any = None                 # rng -> docs × outcomes (topic models: a draw from the posterior)


# ----------------------------------------------------------------------------- inputs
def _doc_ids(rows: pd.DataFrame) -> pd.Series:
    if rows.index.name != "doc_id" and "doc_id" in rows.columns:
        return rows["doc_id"].astype(str)
    return pd.Series(rows.index.astype(str), index=rows.index)


def _covariates(rows: pd.DataFrame, docs: pd.Series, order: list[str], used: list[str], where: str) -> pd.DataFrame:
    """One row of metadata per document; a column used by the formula must not vary inside a document."""
    meta = rows.drop(columns=[c for c in ("doc_id", "tokens", "token_spans", "pos", "text") if c in rows.columns])
    meta = meta.assign(_doc=docs.to_numpy())
    for col in used:
        varying = meta.groupby("_doc", sort=False)[col].nunique(dropna=False)
        bad = varying[varying > 1]
        if len(bad):
            raise ValueError(f"{where}: {col!r} varies inside {len(bad)} document(s) (e.g. {list(bad.index[:3])}); "
                             "a document-level covariate must be one value per document.")
    first = meta.groupby("_doc", sort=False).first().reindex(order)
    first.index.name = "doc_id"
    return first


def _formula_columns(formula: str, columns: Iterable[str]) -> list[str]:
    names = set(re.findall(r"[^\W\d][\w]*", formula))
    return sorted(c for c in columns if str(c) in names)


def _topic_documents(model: TopicModel, used_of: Any, where: str) -> _Documents:
    model._check_fitted(where)
    rows = model.rows_
    nonempty = model._data.nonempty
    kept = rows.iloc[nonempty]
    docs = _doc_ids(kept)
    order = sorted(set(docs.tolist()))
    codes = pd.Index(order).get_indexer(docs.to_numpy())
    n_docs, k = len(order), len(model.labels_)
    n_terms = kept["n_terms"].to_numpy(dtype=np.float64)
    gamma = np.asarray(model._gamma, dtype=np.float64)

    def aggregate(expected: np.ndarray) -> np.ndarray:
        num = np.stack([np.bincount(codes, weights=expected[:, j], minlength=n_docs) for j in range(k)], axis=1)
        return num / num.sum(axis=1, keepdims=True)

    def sampler(rng: np.random.Generator) -> np.ndarray:
        theta = rng.gamma(gamma)
        theta /= theta.sum(axis=1, keepdims=True)
        return aggregate(theta * n_terms[:, None])

    tokens = np.bincount(codes, weights=n_terms, minlength=n_docs)
    return _Documents(list(model.labels_), aggregate(np.asarray(model._expected, dtype=np.float64)),
                      _covariates(kept, docs, order, used_of(kept.columns), where), tokens, "topic", sampler)


def _rate_documents(corpus: pd.DataFrame, terms: TermSpec, per: int, used_of: Any, where: str) -> _Documents:
    if "tokens" not in corpus.columns:
        raise ValueError(f"{where}: the corpus has no 'tokens' column; run tokenize() first (or pass a fitted "
                         "TopicModel for topic prevalence).")
    if isinstance(terms, str):
        raise TypeError(f"{where}: terms= takes a list of terms or a mapping of names to terms (e.g. "
                        f"load_dictionary().themes); got the string {terms!r} — write [{terms!r}].")
    groups: dict[str, frozenset[str]] = (
        {str(k): frozenset(map(str, v)) for k, v in terms.items()} if isinstance(terms, Mapping)
        else {str(t): frozenset([str(t)]) for t in terms})
    if not groups:
        raise ValueError(f"{where}: terms= is empty; name at least one term or theme.")
    names = sorted(groups)
    lookup: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        for t in groups[name]:
            lookup.setdefault(t, []).append(j)
    docs = _doc_ids(corpus)
    order = sorted(set(docs.tolist()))
    codes = pd.Index(order).get_indexer(docs.to_numpy())
    counts = np.zeros((len(order), len(names)), dtype=np.float64)
    tokens = np.zeros(len(order), dtype=np.float64)
    for code, toks in zip(codes, corpus["tokens"]):
        toks = () if toks is None or (isinstance(toks, float) and np.isnan(toks)) else toks
        tokens[code] += len(toks)
        for t in toks:
            hit = lookup.get(t)
            if hit:
                for j in hit:
                    counts[code, j] += 1
    empty = tokens == 0
    if empty.any():
        warnings.warn(f"{where}: {int(empty.sum())} document(s) have no tokens (e.g. "
                      f"{[order[i] for i in np.flatnonzero(empty)[:3]]}); they are left out (a rate needs tokens).",
                      UserWarning, stacklevel=3)
    keep = ~empty
    order = [d for d, k in zip(order, keep) if k]
    rates = counts[keep] / tokens[keep, None] * per
    return _Documents(names, rates, _covariates(corpus, docs, order, used_of(corpus.columns), where),
                      tokens[keep], "rate")


# ----------------------------------------------------------------------------- fitting
@dataclass
class _Fit:
    docs: _Documents
    design_info: Any
    coefficients: list[str]
    beta: np.ndarray                    # coefficients × outcomes
    boot: np.ndarray                    # B × coefficients × outcomes
    kept: np.ndarray                    # documents used (positions in docs)
    dropped: list[str]


def _solve(x: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    if w is not None:
        s = np.sqrt(w)[:, None]
        x, y = x * s, y * s
    return np.linalg.lstsq(x, y, rcond=None)[0]


def _fit(data: TopicModel | pd.DataFrame, formula: str, *, terms: TermSpec | None, per: int, weight: str,
         n_boot: int, random_state: int, where: str) -> _Fit:
    try:
        import patsy
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ImportError(f"{where} needs patsy for its formulas (pip install 'patsy>=1.0').") from exc
    if not isinstance(formula, str) or not formula.strip():
        raise TypeError(f"{where}: formula must be a string such as '~ year' or '~ bs(year, df=4) + C(level)'; "
                        f"got {formula!r}.")
    rhs = formula.strip()
    if "~" in rhs:
        lhs, rhs = rhs.split("~", 1)
        if lhs.strip():
            raise ValueError(f"{where}: the formula has a left-hand side ({lhs.strip()!r}); the outcomes are the "
                             "topics or terms=, so write only the covariates: '~ year + C(level)'.")
    n_boot = check_int(n_boot, "n_boot", 2)
    random_state = check_seed(random_state)
    if weight not in ("documents", "tokens"):
        raise ValueError(f"{where}: weight must be 'documents' (every document counts the same, as stm) or "
                         f"'tokens' (longer documents count more); got {weight!r}.")

    def used_of(columns: Iterable[str]) -> list[str]:
        used = _formula_columns(rhs, columns)
        if not used:
            raise ValueError(f"{where}: the formula {formula!r} names no column of the documents' metadata; "
                             f"available: {[str(c) for c in columns if c not in ('tokens', 'token_spans', 'text')]}.")
        return used

    if isinstance(data, TopicModel):
        if terms is not None:
            raise ValueError(f"{where}: terms= is for a tokenized corpus (term or theme rates); with a TopicModel "
                             "the outcomes are its topics.")
        docs = _topic_documents(data, used_of, where)
    elif isinstance(data, pd.DataFrame):
        if terms is None:
            raise ValueError(f"{where}: a corpus needs terms= (a list of terms, or a mapping such as "
                             "load_dictionary().themes); for topic prevalence pass the fitted TopicModel.")
        docs = _rate_documents(data, terms, per, used_of, where)
    else:
        raise TypeError(f"{where} expects a fitted TopicModel or a tokenized corpus DataFrame; "
                        f"got {type(data).__name__}.")
    used = _formula_columns(rhs, docs.covariates.columns)
    missing = docs.covariates[used].isna().any(axis=1).to_numpy()
    dropped = docs.covariates.index[missing].tolist()
    if dropped:
        warnings.warn(f"{where}: {len(dropped)} document(s) have no value of {used} and are left out "
                      f"(e.g. {dropped[:3]}); see .attrs['dropped'].", UserWarning, stacklevel=3)
    kept = np.flatnonzero(~missing)
    if len(kept) < 3:
        raise ValueError(f"{where}: {len(kept)} document(s) with covariates; a regression needs at least 3.")
    try:
        design = patsy.dmatrix(rhs, docs.covariates.iloc[kept], return_type="dataframe", NA_action="raise")
    except patsy.PatsyError as exc:
        raise ValueError(f"{where}: the formula {formula!r} cannot be built from the documents' metadata "
                         f"({str(exc).splitlines()[0]}); columns: {list(docs.covariates.columns)}.") from exc
    x = design.to_numpy(dtype=np.float64)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise ValueError(f"{where}: the design of {formula!r} has collinear columns ({list(design.columns)}) on "
                         f"{len(kept)} documents: fewer documents than coefficients, or a level with no document.")
    y = docs.outcomes[kept]
    w = docs.tokens[kept] if weight == "tokens" else None
    beta = _solve(x, y, w)
    rng = np.random.default_rng(random_state)
    n = len(kept)
    boot = np.empty((n_boot, x.shape[1], y.shape[1]))
    for b in range(n_boot):
        pick = rng.integers(0, n, size=n)
        yb = docs.sampler(rng)[kept] if docs.sampler is not None else y
        boot[b] = _solve(x[pick], yb[pick], None if w is None else w[pick])
    return _Fit(docs, design.design_info, list(design.columns), beta, boot, kept, [str(d) for d in dropped])


def _check_ci(ci: float) -> float:
    if not is_real(ci) or not 0 < ci < 1:
        raise ValueError(f"ci must be a confidence level in (0, 1), e.g. 0.95; got {ci!r}.")
    return float(ci)


# ----------------------------------------------------------------------------- public
def effects(data: TopicModel | pd.DataFrame, formula: str, *, terms: TermSpec | None = None, per: int = 10_000,
            weight: Literal["documents", "tokens"] = "documents", n_boot: int = 500, ci: float = 0.95,
            random_state: int = 0) -> pd.DataFrame:
    """Regression of topic prevalence, or of term/theme rates, on document metadata (stm's ``estimateEffect``).

    Parameters
    ----------
    data : TopicModel or DataFrame
        A fitted :class:`TopicModel` (outcomes: each topic's share of every document's tokens; the
        covariates are the columns of ``model.rows_``), or a tokenized corpus — documents or units
        with a ``doc_id`` column — with ``terms=``.
    formula : str
        The covariates in patsy's R-style syntax: ``"~ year"``, ``"~ bs(year, df=4)"`` (a
        B-spline), ``"~ C(level) + year"`` …  No left-hand side.
    terms : list of str or mapping of str to terms, optional
        With a corpus: the outcomes — each term's rate, or per name the rate of any of its terms
        (``load_dictionary().themes`` gives the themes).
    per : int, default 10000
        Base of the rates.
    weight : {"documents", "tokens"}, default "documents"
        Ordinary least squares (every document counts the same, as stm) or weighted by the
        document's tokens.
    n_boot : int, default 500
        Bootstrap replicates (documents resampled; topic shares drawn from the posterior).
    ci : float, default 0.95
    random_state : int, default 0

    Returns
    -------
    pandas.DataFrame
        Columns ``outcome, coefficient, estimate, std_error, ci_low, ci_high, p, n_docs,
        n_tokens``, one row per outcome and design column, sorted by outcome (topic order, or
        name) then design column order.  ``n_docs`` and ``n_tokens``: the documents in the
        regression and their tokens.  ``.attrs``: formula, level ("document"), weight, n_boot,
        ci, dropped documents.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import effects
    >>> docs = pd.DataFrame({"tokens": [("创新",) * y + ("发展",) * (20 - y) for y in (2, 4, 6, 8, 10, 12)],
    ...                      "year": [2019, 2020, 2021, 2022, 2023, 2024]},
    ...                     index=pd.Index(list("abcdef"), name="doc_id"))
    >>> table = effects(docs, "~ year", terms=["创新"], n_boot=50)
    >>> table.loc[table["coefficient"] == "year", ["outcome", "estimate", "n_docs"]]
      outcome  estimate  n_docs
    1      创新    1000.0       6
    """
    where = "effects()"
    ci = _check_ci(ci)
    fit = _fit(data, formula, terms=terms, per=check_int(per, "per", 1), weight=weight, n_boot=n_boot,
               random_state=random_state, where=where)
    alpha = (1.0 - ci) / 2.0
    se = fit.boot.std(axis=0, ddof=1)
    low, high = np.quantile(fit.boot, [alpha, 1.0 - alpha], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2.0 * stats.norm.sf(np.abs(fit.beta / se))
    records = []
    n_docs, n_tokens = len(fit.kept), int(fit.docs.tokens[fit.kept].sum())
    for j, name in enumerate(fit.docs.names):
        for i, coef in enumerate(fit.coefficients):
            records.append((name, coef, fit.beta[i, j], se[i, j], low[i, j], high[i, j], p[i, j], n_docs, n_tokens))
    out = pd.DataFrame.from_records(records, columns=list(EFFECT_COLUMNS))
    for col in ("outcome", "coefficient"):
        out[col] = pd.array(out[col], dtype="string")
    out.attrs = {"formula": formula, "level": "document", "outcomes": fit.docs.kind, "weight": weight,
                 "n_boot": int(n_boot), "ci": ci, "per": per if fit.docs.kind == "rate" else None,
                 "dropped": fit.dropped}
    return out


def effect_curve(data: TopicModel | pd.DataFrame, formula: str, covariate: str, *, values: Sequence[Any] | None = None,
                 terms: TermSpec | None = None, per: int = 10_000, weight: Literal["documents", "tokens"] = "documents",
                 n_boot: int = 500, ci: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """The expected outcome along one covariate, with bootstrap intervals (stm's ``method = "continuous"``).

    Parameters
    ----------
    data, formula, terms, per, weight, n_boot, ci, random_state
        As in :func:`effects` (the same arguments give the same replicates).
    covariate : str
        A metadata column named in the formula.
    values : sequence, optional
        Where to evaluate it; default: 50 evenly spaced values over its observed range (numbers) or
        every observed level (sorted).  Other covariates are held at their mean (numbers) or most
        frequent value (others; ties: the first in sorted order), recorded in ``.attrs["held"]``.

    Returns
    -------
    pandas.DataFrame
        Columns ``outcome, covariate, value, estimate, ci_low, ci_high, n_docs``, sorted by outcome
        then value.  Topic shares are fractions (0–1), rates per ``per`` tokens.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import effect_curve
    >>> docs = pd.DataFrame({"tokens": [("创新",) * y + ("发展",) * (20 - y) for y in (2, 4, 6, 8, 10, 12)],
    ...                      "year": [2019, 2020, 2021, 2022, 2023, 2024]},
    ...                     index=pd.Index(list("abcdef"), name="doc_id"))
    >>> curve = effect_curve(docs, "~ year", "year", values=[2019, 2024], terms=["创新"], n_boot=50)
    >>> curve[["value", "estimate"]].round(1)
        value  estimate
    0  2019.0    1000.0
    1  2024.0    6000.0
    """
    import patsy

    where = "effect_curve()"
    ci = _check_ci(ci)
    fit = _fit(data, formula, terms=terms, per=check_int(per, "per", 1), weight=weight, n_boot=n_boot,
               random_state=random_state, where=where)
    cov = fit.docs.covariates.iloc[fit.kept]
    used = _formula_columns(formula.split("~", 1)[-1], cov.columns)
    if covariate not in used:
        raise ValueError(f"{where}: covariate={covariate!r} is not a column the formula {formula!r} uses; "
                         f"it uses {used}.")
    observed = cov[covariate]
    numeric = pd.api.types.is_numeric_dtype(observed) and not pd.api.types.is_bool_dtype(observed)
    if values is None:
        if numeric:
            grid: list[Any] = np.linspace(float(observed.min()), float(observed.max()), 50).tolist()
        else:
            grid = sorted(observed.astype(str).unique().tolist())
    else:
        grid = list(values)
    held: dict[str, Any] = {}
    for col in used:
        if col == covariate:
            continue
        series = cov[col]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            held[col] = float(series.mean())
        else:
            counts = series.astype(str).value_counts()
            held[col] = sorted(counts[counts == counts.max()].index.tolist())[0]
    new = pd.DataFrame({covariate: grid, **{c: [v] * len(grid) for c, v in held.items()}})
    if not numeric:
        new[covariate] = new[covariate].astype(str)
    try:
        (x_new,) = patsy.build_design_matrices([fit.design_info], new, return_type="matrix")
    except patsy.PatsyError as exc:
        raise ValueError(f"{where}: values= cannot be placed in the design of {formula!r} "
                         f"({str(exc).splitlines()[0]}); for a factor, use its observed levels.") from exc
    x_new = np.asarray(x_new, dtype=np.float64)
    estimate = x_new @ fit.beta                                  # values × outcomes
    boot = np.einsum("vc,bco->bvo", x_new, fit.boot)
    alpha = (1.0 - ci) / 2.0
    low, high = np.quantile(boot, [alpha, 1.0 - alpha], axis=0)
    records = []
    for j, name in enumerate(fit.docs.names):
        for v, value in enumerate(grid):
            records.append((name, covariate, value, estimate[v, j], low[v, j], high[v, j], len(fit.kept)))
    out = pd.DataFrame.from_records(records, columns=list(CURVE_COLUMNS))
    for col in ("outcome", "covariate"):
        out[col] = pd.array(out[col], dtype="string")
    out["value"] = out["value"].astype(np.float64) if numeric else pd.array(out["value"].astype(str), dtype="string")
    out.attrs = {"formula": formula, "level": "document", "outcomes": fit.docs.kind, "weight": weight,
                 "n_boot": int(n_boot), "ci": ci, "per": per if fit.docs.kind == "rate" else None,
                 "held": held, "dropped": fit.dropped}
    return out
