"""Explore a term interactively: concordance, frequency, associates — and the data behind each view.

The explorer of :func:`explore` is a thin ipywidgets layer over pure functions that return tidy
DataFrames and are usable (and tested) on their own:

* :func:`term_frequency` — occurrences of a term per theme or per document, with the rate per
  10,000 tokens beside the raw count;
* :func:`term_concordance` — the KWIC lines of :func:`corpusanalysis.kwic`, restricted to a theme
  and/or a document, with each line's theme; :func:`concordance_html` renders them with the
  match highlighted;
* :func:`term_associates` — the strongest co-occurring terms (:func:`corpusanalysis.cooccurrence`
  and :func:`corpusanalysis.associates`) in the same selection;
* :func:`suggest_terms` — dictionary terms for a typed prefix (any surface form, traditional
  spellings included), for autocompletion;
* :func:`explore_view` — all of the above for one term and selection, and :func:`export_view`,
  which writes that view's tables to CSV files (UTF-8 with BOM, so Excel shows the Chinese).

A term is matched as a **token**, through the dictionary: any surface form of a dictionary term
(创新型县(市), 創新型縣) is counted as the canonical term, as in :func:`corpusanalysis.kwic`.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._checks import is_int, renamed
from .._csv import write_csv
from ..errors import EmptyResultError
from ..text.clean import clean
from ..text.dictionary import DictionarySpec, resolve_dictionary
from ..text.tokenize import tokenize
from .concordance import forms_of, kwic
from .cooccurrence import Context, StatColumn, associates, cooccurrence
from .themes import assign_themes

__all__ = [
    "CONCORDANCE_COLUMNS",
    "EMPTY_COOCCURRENCE",
    "FREQUENCY_COLUMNS",
    "ExploreView",
    "explore_view",
    "export_view",
    "prepare_corpus",
    "row_doc_ids",
    "row_themes",
    "select_rows",
    "selection_cooccurrence",
    "suggest_terms",
    "term_associates",
    "term_concordance",
    "term_frequency",
]

#: Columns of :func:`term_frequency` after the group column.
FREQUENCY_COLUMNS = ("term", "count", "n_tokens", "rate", "n_docs_total", "n_docs")
#: Columns of :func:`term_concordance`.
CONCORDANCE_COLUMNS = ("doc_id", "theme", "left", "match", "right", "start", "end")
#: Columns of :func:`suggest_terms`.
SUGGEST_COLUMNS = ("term", "form", "category", "themes", "match")
_ASSOCIATE_COLUMNS = ("term", "rank", "associate", "n_ab", "n_term", "n_associate", "n_contexts", "expected",
                      "pmi", "npmi", "g2", "p", "p_adj", "dice", "jaccard")
_TABLES = ("concordance", "frequency_theme", "frequency_document", "associates")
ALL = "all"


# ----------------------------------------------------------------------------- helpers
def _check_frame(corpus: object, where: str, *, tokens: bool = True) -> None:
    if not isinstance(corpus, pd.DataFrame):
        raise TypeError(f"{where} expects a corpus DataFrame (clean() then tokenize()); got {type(corpus).__name__}.")
    if tokens and "tokens" not in corpus.columns:
        raise ValueError(f"{where}: the corpus has no 'tokens' column (columns: {list(corpus.columns)[:12]}); run "
                         "tokenize() first, or pass it to explore(), which tokenizes for you.")


def _check_term(term: object, where: str) -> str:
    if not isinstance(term, str) or not term.strip():
        raise TypeError(f"{where}: term must be a non-empty str (a dictionary term or a token); got {term!r}.")
    return term.strip()


def _canonical(term: str, dictionary: DictionarySpec) -> str:
    d = resolve_dictionary(dictionary)
    if d is None:
        return term
    return d.lookup(term) or term


def _forms(term: str, dictionary: DictionarySpec) -> frozenset[str]:

    return frozenset(forms_of(term, dictionary)) | {term}


def row_doc_ids(corpus: pd.DataFrame) -> pd.Series:
    """The document id of every row (the ``doc_id`` column of units, else the index)."""
    if "doc_id" in corpus.columns:
        values = corpus["doc_id"]
    else:
        values = pd.Series(corpus.index, index=corpus.index)
    return pd.Series(values.astype(str).to_numpy(dtype=object), index=corpus.index)


def row_themes(corpus: pd.DataFrame, where: str) -> pd.Series:
    if "theme" not in corpus.columns:
        raise ValueError(f"{where}: the corpus has no 'theme' column; run assign_themes() first (explore() does), "
                         "or group by 'doc_id'.")
    return corpus["theme"].astype("string").fillna("general").astype(str)


def select_rows(corpus: pd.DataFrame, theme: str | None, doc_id: str | None, where: str) -> pd.DataFrame:
    """The rows of one theme and/or one document (``None``: all); unknown values are errors."""
    mask = np.ones(len(corpus), dtype=bool)
    if theme is not None:
        themes = row_themes(corpus, where)
        known = sorted(set(themes))
        if theme not in known:
            raise ValueError(f"{where}: theme={theme!r} is not a theme of the corpus; choose from {known} or None "
                             "(all themes).")
        mask &= (themes == theme).to_numpy()
    if doc_id is not None:
        docs = row_doc_ids(corpus)
        if str(doc_id) not in set(docs):
            raise ValueError(f"{where}: doc_id={doc_id!r} is not a document of the corpus (documents: "
                             f"{sorted(set(docs))[:8]}{' …' if docs.nunique() > 8 else ''}); pass None for all.")
        mask &= (docs == str(doc_id)).to_numpy()
    return corpus[mask]


def selection_cooccurrence(sub: pd.DataFrame, window: int | Context, min_count: int) -> pd.DataFrame | None:
    """:func:`corpusanalysis.cooccurrence` of a selection, ``None`` when no pair reaches ``min_count``."""

    if sub.empty:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return cooccurrence(sub, window=window, min_count=min_count)
    except EmptyResultError:
        return None


def _hits(corpus: pd.DataFrame, forms: frozenset[str]) -> np.ndarray:
    return np.fromiter((sum(1 for t in (toks or ()) if t in forms) for toks in corpus["tokens"].tolist()),
                       dtype=np.int64, count=len(corpus))


# ----------------------------------------------------------------------------- data functions
def prepare_corpus(corpus: pd.DataFrame, *, dictionary: DictionarySpec = None) -> pd.DataFrame:
    """Bring a corpus to what the explorer needs: ``text``, ``tokens`` and ``theme``.

    Runs only the missing steps — :func:`corpusanalysis.clean` (when there is only ``raw``),
    :func:`corpusanalysis.tokenize` (no ``tokens``), :func:`corpusanalysis.assign_themes` (no
    ``theme``) — and returns a new frame; a ready corpus is returned as a copy.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A loaded, cleaned or tokenized corpus, or units of :func:`corpusanalysis.segment`.
    dictionary : PolicyDictionary or path, optional
        For tokenizing and theme assignment (default: the bundled one).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis.analysis.explore import prepare_corpus
    >>> corpus = pd.DataFrame({"text": ["发展新质生产力。"]}, index=pd.Index(["a"], name="doc_id"))
    >>> prepare_corpus(corpus)[["tokens", "theme"]]
                     tokens    theme
    doc_id
    a       (发展, 新质生产力)  general
    """

    where = "prepare_corpus()"
    _check_frame(corpus, where, tokens=False)
    out = corpus
    if "text" not in out.columns and "tokens" not in out.columns:
        if "raw" not in out.columns:
            raise ValueError(f"{where}: the corpus has neither 'raw', 'text' nor 'tokens' (columns: "
                             f"{list(out.columns)[:12]}); load it with load_corpus().")
        out = clean(out)
    if "tokens" not in out.columns:
        out = tokenize(out, dictionary=dictionary)
    if "theme" not in out.columns:
        out = assign_themes(out, dictionary=dictionary)
    return out.copy() if out is corpus else out


def term_frequency(corpus: pd.DataFrame, term: str, *, by: str = "theme", theme: str | None = None,
                   doc_id: str | None = None, per: int = 10_000, dictionary: DictionarySpec = None) -> pd.DataFrame:
    """How often a term occurs per theme or per document: count and rate per ``per`` tokens.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A tokenized corpus (or tokenized units); ``by="theme"`` needs a ``theme`` column
        (:func:`corpusanalysis.assign_themes`).
    term : str
        A dictionary term in any of its surface forms (counted as its canonical token), or any token.
    by : str, default "theme"
        ``"theme"``, ``"doc_id"`` or another column of ``corpus`` to group by.
    theme, doc_id : str, optional
        Restrict to one theme and/or one document first.
    per : int, default 10000
        Base of ``rate``.
    dictionary : PolicyDictionary, path, None or False
        For the surface forms of dictionary terms (default: the bundled one; ``False``: none).

    Returns
    -------
    pandas.DataFrame
        One row per group, every group of the selection listed (zero counts included):
        ``<by>, term`` (canonical), ``count``, ``n_tokens`` (tokens in the group), ``rate``
        (``count / n_tokens * per``, 2 decimals, 0 for an empty group), ``n_docs_total`` (documents in the
        group) and ``n_docs`` (documents using the term).  Sorted by the group.

    Raises
    ------
    ValueError
        No ``tokens`` column; ``by`` not a column; an unknown ``theme`` or ``doc_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import tokenize
    >>> from corpusanalysis import term_frequency
    >>> corpus = tokenize(pd.DataFrame(
    ...     {"text": ["发展新质生产力，培育新質生產力。", "建设创新型县。"], "theme": ["新质生产力", "创新型县"]},
    ...     index=pd.Index(["a", "b"], name="doc_id")))
    >>> term_frequency(corpus, "新质生产力")
       theme   term  count  n_tokens    rate  n_docs_total  n_docs
    0   创新型县  新质生产力      0         2     0.0             1       0
    1  新质生产力  新质生产力      2         4  5000.0             1       1
    """
    where = "term_frequency()"
    _check_frame(corpus, where)
    term = _check_term(term, where)
    if not is_int(per) or per < 1:
        raise ValueError(f"{where}: per must be a positive int (rate base); got {per!r}.")
    sub = select_rows(corpus, theme, doc_id, where)
    if by == "theme":
        groups = row_themes(sub, where)
    elif by == "doc_id":
        groups = row_doc_ids(sub)
    elif isinstance(by, str) and by in sub.columns:
        groups = sub[by].astype("string").fillna("<NA>").astype(str)
    else:
        raise ValueError(f"{where}: by={by!r} is not 'theme', 'doc_id' or a column of the corpus (columns: "
                         f"{list(corpus.columns)[:12]}).")
    canonical = _canonical(term, dictionary)
    hits = _hits(sub, _forms(canonical, dictionary) | {term})
    n_tokens = np.fromiter((len(t or ()) for t in sub["tokens"].tolist()), dtype=np.int64, count=len(sub))
    rows = pd.DataFrame({by: groups.to_numpy(dtype=object), "count": hits, "n_tokens": n_tokens,
                         "doc": row_doc_ids(sub).to_numpy(dtype=object)})
    agg = rows.groupby(by, sort=True).agg(count=("count", "sum"), n_tokens=("n_tokens", "sum"),
                                         n_docs_total=("doc", "nunique"))
    with_term = rows[rows["count"] > 0].groupby(by)["doc"].nunique()
    agg["n_docs"] = with_term.reindex(agg.index, fill_value=0)
    out = agg.reset_index()
    out.insert(1, "term", canonical)
    rate = np.where(out["n_tokens"] > 0, out["count"] / out["n_tokens"].clip(lower=1) * per, 0.0)
    out.insert(4, "rate", np.round(rate.astype("float64"), 2))
    out = out[[by, *FREQUENCY_COLUMNS]]
    for col in (by, "term"):
        out[col] = out[col].astype("string")
    for col in ("count", "n_tokens", "n_docs_total", "n_docs"):
        out[col] = out[col].astype("int64")
    out["rate"] = out["rate"].astype("float64")
    out.attrs = {"term_frequency": {"term": canonical, "by": by, "theme": theme, "doc_id": doc_id, "per": per}}
    return out.reset_index(drop=True)


def _empty_concordance() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else "string")
                         for c in CONCORDANCE_COLUMNS})


@renamed(window="context_chars")
def term_concordance(corpus: pd.DataFrame, term: str, *, theme: str | None = None, doc_id: str | None = None,
                     context_chars: int = 20, by_token: bool = True, dictionary: DictionarySpec = None) -> pd.DataFrame:
    """The concordance (KWIC) of a term in one theme and/or document, each line with its theme.

    A wrapper of :func:`corpusanalysis.kwic` that restricts the corpus first and returns an empty
    table (same columns) when the term does not occur in the selection, instead of raising.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A tokenized corpus (``text``, ``tokens``, ``token_spans``); ``theme=`` needs ``theme``.
    term : str
        A dictionary term (any surface form) or a token.
    theme, doc_id : str, optional
        Restrict to one theme and/or one document.
    context_chars : int, default 20
        Characters of context on each side (cut at a line break).
    by_token : bool, default True
        Match whole tokens (``False``: the literal forms anywhere in the text, as in :func:`kwic`).
    dictionary : PolicyDictionary, path, None or False
        For the surface forms of dictionary terms.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, theme, left, match, right, start, end`` (offsets into the row's ``text``;
        ``theme`` is ``<NA>`` without a theme column), in corpus order then by ``start``.

    Raises
    ------
    ValueError
        No ``text``/``tokens`` column; an unknown ``theme`` or ``doc_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import tokenize
    >>> from corpusanalysis import term_concordance
    >>> corpus = tokenize(pd.DataFrame(
    ...     {"text": ["建设创新型县(市)，推动科技创新。", "创新型县要有特色。"], "theme": ["创新型县", "general"]},
    ...     index=pd.Index(["a", "b"], name="doc_id")))
    >>> term_concordance(corpus, "創新型縣", context_chars=4)
      doc_id theme left    match right  start  end
    0      a  创新型县   建设  创新型县(市)  ，推动科      2    9
    1      b  general        创新型县  要有特色      0    4
    >>> term_concordance(corpus, "创新型县", theme="general", context_chars=2)[["doc_id", "match", "right"]]
      doc_id match right
    0      b  创新型县    要有
    >>> len(term_concordance(corpus, "容错纠错"))
    0
    """

    where = "term_concordance()"
    _check_frame(corpus, where)
    term = _check_term(term, where)
    if "text" not in corpus.columns:
        raise ValueError(f"{where}: the corpus has no 'text' column; pass a cleaned, tokenized corpus.")
    sub = select_rows(corpus, theme, doc_id, where)
    canonical = _canonical(term, dictionary)
    forms = _forms(canonical, dictionary) | {term}
    if sub.empty or (by_token and not _hits(sub, forms).any()):
        return _empty_concordance()
    try:
        lines = kwic(sub, canonical, context_chars=context_chars, by_token=by_token, dictionary=dictionary)
    except EmptyResultError:
        return _empty_concordance()
    id_name = sub.index.name or "doc_id"
    row_ids = lines[id_name].astype(str)
    if "doc_id" not in lines.columns or id_name == "doc_id":
        lines = lines.assign(doc_id=row_ids)
    if "theme" in sub.columns:
        theme_of = pd.Series(sub["theme"].astype("string").to_numpy(), index=sub.index.astype(str))
        themes = row_ids.map(theme_of)
    else:
        themes = pd.Series(pd.NA, index=lines.index)
    out = pd.DataFrame({"doc_id": lines["doc_id"].astype("string"), "theme": themes.astype("string"),
                        "left": lines["left"], "match": lines["match"], "right": lines["right"],
                        "start": lines["start"], "end": lines["end"]})
    out.attrs = {"term_concordance": {"term": canonical, "theme": theme, "doc_id": doc_id,
                                      "context_chars": context_chars, "by_token": by_token}}
    return out.reset_index(drop=True)


def term_associates(corpus_or_cooc: pd.DataFrame, term: str, *, theme: str | None = None, doc_id: str | None = None,
                    window: int | Context = "sentence", min_count: int = 2, n: int = 10, alpha: float | None = None,
                    sort: StatColumn = "g2", dictionary: DictionarySpec = None) -> pd.DataFrame:
    """The term's strongest co-occurring terms in a selection of the corpus.

    Parameters
    ----------
    corpus_or_cooc : pandas.DataFrame
        A tokenized corpus — restricted by ``theme``/``doc_id`` and counted with
        :func:`corpusanalysis.cooccurrence` (``window``, ``min_count``) — or a ready table of
        :func:`corpusanalysis.cooccurrence` without groups (then ``theme``, ``doc_id``,
        ``window`` and ``min_count`` must be left at their defaults).
    term : str
        A dictionary term (any surface form; looked up as its canonical token) or a token.
    theme, doc_id : str, optional
        Restrict the corpus first.
    window : int or {"sentence", "paragraph", "document"}, default "sentence"
        Context of a co-occurrence (see :func:`corpusanalysis.cooccurrence`).
    min_count : int, default 2
        Minimum number of contexts a pair shares.
    n : int, default 10
        Associates kept.
    alpha : float or None, default None
        Maximum adjusted p-value; ``None`` shows associates whatever their ``p_adj`` (in a few
        speeches little is significant; the ``p_adj`` column says what is).
    sort : str, default "g2"
        Measure ranking the associates.
    dictionary : PolicyDictionary, path, None or False
        For the canonical form of ``term``.

    Returns
    -------
    pandas.DataFrame
        ``term, rank, associate, n_ab, n_term, n_associate, n_contexts, expected, pmi, npmi, g2, p,
        p_adj, dice, jaccard`` sorted by rank; empty (same columns) when the term shares no context
        with another term ``min_count`` times in the selection (``.attrs`` says why).

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import tokenize
    >>> from corpusanalysis import term_associates
    >>> corpus = tokenize(pd.DataFrame({"text": ["完善容错纠错机制，激励干部担当。容错纠错机制保护干部。科技创新。"]},
    ...                                index=pd.Index(["a"], name="doc_id")))
    >>> term_associates(corpus, "容错纠错机制")[["term", "rank", "associate", "n_ab", "n_term"]]
         term  rank associate  n_ab  n_term
    0  容错纠错机制     1        干部     2       2
    """

    where = "term_associates()"
    if not isinstance(corpus_or_cooc, pd.DataFrame):
        raise TypeError(f"{where} expects a tokenized corpus or a table of cooccurrence(); got "
                        f"{type(corpus_or_cooc).__name__}.")
    term = _check_term(term, where)
    canonical = _canonical(term, dictionary)
    if {"term_a", "term_b", "n_ab"} <= set(corpus_or_cooc.columns):
        if theme is not None or doc_id is not None:
            raise ValueError(f"{where}: theme/doc_id select rows of a corpus; a co-occurrence table is already "
                             "counted — pass the corpus instead, or count the selection yourself.")
        cooc = corpus_or_cooc
        if "group" in cooc.columns and cooc["group"].nunique() > 1:
            raise ValueError(f"{where}: the co-occurrence table has {cooc['group'].nunique()} groups; pass a table "
                             "counted without by=, or the corpus with theme=.")
    else:
        _check_frame(corpus_or_cooc, where)
        cooc = selection_cooccurrence(select_rows(corpus_or_cooc, theme, doc_id, where), window, min_count)
    cols = list(_ASSOCIATE_COLUMNS)
    empty = pd.DataFrame({c: pd.Series(dtype="string" if c in ("term", "associate") else
                                       "int64" if c in ("rank", "n_ab", "n_term", "n_associate", "n_contexts")
                                       else "float64") for c in cols})
    reason = None
    if cooc is None or cooc.empty or not ((cooc["term_a"] == canonical) | (cooc["term_b"] == canonical)).any():
        reason = (f"{canonical!r} shares no context with another term at least {min_count} time(s) in this "
                  "selection")
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                out = associates(cooc, canonical, n=n, alpha=alpha, sort=sort)
        except EmptyResultError:
            reason = f"no associate of {canonical!r} passes the filters (attraction, alpha={alpha})"
    if reason is not None:
        empty.attrs = {"term_associates": {"term": canonical, "theme": theme, "doc_id": doc_id, "note": reason}}
        return empty
    out = out[[c for c in cols if c in out.columns]].reset_index(drop=True)
    out.attrs = {"term_associates": {"term": canonical, "theme": theme, "doc_id": doc_id, "window": window,
                                     "min_count": min_count, "alpha": alpha, "note": None}}
    return out


def suggest_terms(prefix: str, dictionary: DictionarySpec = None, *, n: int = 20,
                  corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Dictionary terms for what a user has typed: prefix matches of any surface form, then infixes.

    Parameters
    ----------
    prefix : str
        The typed text (simplified or traditional; Latin letters case-insensitive).
    dictionary : PolicyDictionary or path, optional
        Default: the bundled dictionary.
    n : int, default 20
        Suggestions returned (one per canonical term).
    corpus : pandas.DataFrame, optional
        A tokenized corpus: terms that occur in it come first (by count), then the others.

    Returns
    -------
    pandas.DataFrame
        ``term`` (canonical), ``form`` (the surface form that matched), ``category``, ``themes``
        (``"|"``-joined, ``""`` if none), ``match`` (``"exact"``, ``"prefix"`` or ``"infix"``);
        sorted by match kind, corpus count (with ``corpus``), term length, then term.

    Examples
    --------
    >>> from corpusanalysis import suggest_terms
    >>> suggest_terms("容错", n=3)[["term", "form", "match"]]
       term  form   match
    0    容错    容错   exact
    1  容错免责  容错免责  prefix
    2  容错机制  容错机制  prefix
    >>> suggest_terms("創新型縣", n=1)[["term", "form", "match"]]
       term  form  match
    0  创新型县  創新型縣  exact
    """
    where = "suggest_terms()"
    if not isinstance(prefix, str):
        raise TypeError(f"{where}: prefix must be a str; got {type(prefix).__name__}.")
    if not is_int(n) or n < 1:
        raise ValueError(f"{where}: n must be a positive int; got {n!r}.")
    d = resolve_dictionary(dictionary, required=True, where=where)
    cols = list(SUGGEST_COLUMNS)
    typed = prefix.strip().casefold()
    if not typed:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in cols})
    forms = d.forms()
    folded = forms["form"].astype(str).str.casefold()
    kind = np.where(folded == typed, 0, np.where(folded.str.startswith(typed), 1,
                                                 np.where(folded.str.contains(typed, regex=False), 2, 3)))
    cand = forms.assign(_kind=kind)
    cand = cand[cand["_kind"] < 3]
    if cand.empty:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in cols})
    counts: dict[str, int] = {}
    if corpus is not None:
        _check_frame(corpus, where)
        wanted = set(cand["term"].astype(str))
        for toks in corpus["tokens"].tolist():
            for t in toks or ():
                if t in wanted:
                    counts[t] = counts.get(t, 0) + 1
    cand = cand.assign(_count=-cand["term"].astype(str).map(counts).fillna(0).astype("int64"),
                       _len=cand["term"].astype(str).str.len(), _flen=cand["form"].astype(str).str.len())
    cand = cand.sort_values(["_kind", "_count", "_len", "term", "_flen", "form"], kind="stable")
    cand = cand.drop_duplicates("term").head(n)
    info = d.terms.set_index("term")
    themes = {t: "|".join(v) if isinstance(v, (list, tuple)) else ("" if v is None else str(v))
              for t, v in info["themes"].items()}
    out = pd.DataFrame({
        "term": cand["term"].astype(str).to_numpy(),
        "form": cand["form"].astype(str).to_numpy(),
        "category": cand["category"].astype(str).to_numpy(),
        "themes": [themes.get(t, "") for t in cand["term"].astype(str)],
        "match": np.array(["exact", "prefix", "infix"])[cand["_kind"].to_numpy()],
    })
    return out.astype("string").reset_index(drop=True)


# ----------------------------------------------------------------------------- one view, and its export
@dataclass
class ExploreView:
    """The tables the explorer shows for one term and selection (see :func:`explore_view`)."""

    term: str
    theme: str | None
    doc_id: str | None
    concordance: pd.DataFrame
    frequency_theme: pd.DataFrame
    frequency_document: pd.DataFrame
    associates: pd.DataFrame
    params: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The four tables by name: concordance, frequency_theme, frequency_document, associates."""
        return {name: getattr(self, name) for name in _TABLES}

    def summary(self) -> str:
        """One line: the term, the selection, occurrences and documents."""
        total = int(self.frequency_document["count"].sum())
        docs = int((self.frequency_document["count"] > 0).sum())
        n_tokens = int(self.frequency_document["n_tokens"].sum())
        rate = round(total / n_tokens * self.params.get("per", 10_000), 2) if n_tokens else 0.0
        where = " · ".join(x for x in (f"theme {self.theme}" if self.theme else "", f"document {self.doc_id}"
                                       if self.doc_id else "") if x) or "whole corpus"
        return (f"{self.term}: {total} occurrence(s) in {docs} of {len(self.frequency_document)} document(s), "
                f"{rate} per 10,000 tokens ({where})")


@renamed(kwic_window="context_chars", n_associates="n")
def explore_view(corpus: pd.DataFrame, term: str, *, theme: str | None = None, doc_id: str | None = None,
                 context_chars: int = 20, window: int | Context = "sentence", min_count: int = 2, n: int = 10,
                 alpha: float | None = None, per: int = 10_000, dictionary: DictionarySpec = None,
                 cooc: pd.DataFrame | None = None) -> ExploreView:
    """Every table of the explorer for one term and one selection.

    Parameters
    ----------
    corpus : pandas.DataFrame
        A tokenized corpus with a ``theme`` column (:func:`prepare_corpus`).
    term : str
        A dictionary term (any surface form) or a token.
    theme, doc_id : str, optional
        The selection (``None``: all).
    context_chars : int, default 20
        Characters of context of the concordance.
    window, min_count, n, alpha
        Co-occurrence context, minimum shared contexts, associates shown and significance filter
        (see :func:`term_associates`).
    per : int, default 10000
        Rate base.
    dictionary : PolicyDictionary, path, None or False
    cooc : pandas.DataFrame, optional
        A ready co-occurrence table of exactly this selection (the explorer caches them; an
        empty table means no pair reached ``min_count``).

    Returns
    -------
    ExploreView
        ``concordance`` (:func:`term_concordance`), ``frequency_theme`` and
        ``frequency_document`` (:func:`term_frequency` by theme and by document), ``associates``
        (:func:`term_associates`).

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import tokenize
    >>> from corpusanalysis import explore_view
    >>> corpus = tokenize(pd.DataFrame(
    ...     {"text": ["发展新质生产力。", "建设创新型县，发展新质生产力。"], "theme": ["新质生产力", "创新型县"]},
    ...     index=pd.Index(["a", "b"], name="doc_id")))
    >>> view = explore_view(corpus, "新质生产力")
    >>> view.summary()
    '新质生产力: 2 occurrence(s) in 2 of 2 document(s), 3333.33 per 10,000 tokens (whole corpus)'
    >>> view.frequency_theme[["theme", "count", "rate"]]
       theme  count    rate
    0   创新型县      1  2500.0
    1  新质生产力      1  5000.0
    """
    term = _check_term(term, "explore_view()")
    canonical = _canonical(term, dictionary)
    conc = term_concordance(corpus, term, theme=theme, doc_id=doc_id, context_chars=context_chars,
                            dictionary=dictionary)
    f_theme = term_frequency(corpus, term, by="theme", theme=theme, doc_id=doc_id, per=per, dictionary=dictionary)
    f_doc = term_frequency(corpus, term, by="doc_id", theme=theme, doc_id=doc_id, per=per, dictionary=dictionary)
    if isinstance(cooc, pd.DataFrame):
        assoc = term_associates(cooc, canonical, n=n, alpha=alpha, min_count=min_count,
                                dictionary=dictionary)
    else:
        assoc = term_associates(corpus, canonical, theme=theme, doc_id=doc_id, window=window, min_count=min_count,
                                n=n, alpha=alpha, dictionary=dictionary)
    params = {"context_chars": context_chars, "window": window, "min_count": min_count, "n": n,
              "alpha": alpha, "per": per}
    return ExploreView(canonical, theme, doc_id, conc, f_theme, f_doc, assoc, params)


EMPTY_COOCCURRENCE = pd.DataFrame({"term_a": pd.Series(dtype="string"), "term_b": pd.Series(dtype="string"),
                          "n_ab": pd.Series(dtype="int64")})
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def _slug(text: str) -> str:
    return _UNSAFE.sub("_", text).strip("._") or "term"


def export_view(view: ExploreView, folder: str | os.PathLike[str], *, prefix: str | None = None) -> dict[str, Path]:
    """Write the view's tables to CSV files (UTF-8 with BOM: Excel opens the Chinese correctly).

    Parameters
    ----------
    view : ExploreView
        From :func:`explore_view` or ``Explorer.view``.
    folder : str or path
        Created if missing.
    prefix : str, optional
        File name prefix; default ``explore_<term>[_<theme>][_<doc_id>]`` (characters not allowed
        in file names replaced by ``_``).

    Returns
    -------
    dict
        Table name → path of ``<prefix>_<table>.csv``, for ``concordance``, ``frequency_theme``,
        ``frequency_document``, ``associates`` (an empty table is written with its header).

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from corpusanalysis import tokenize
    >>> from corpusanalysis import explore_view, export_view
    >>> corpus = tokenize(pd.DataFrame({"text": ["发展新质生产力。"], "theme": ["新质生产力"]},
    ...                                index=pd.Index(["a"], name="doc_id")))
    >>> paths = export_view(explore_view(corpus, "新质生产力"), tempfile.mkdtemp())
    >>> sorted(p.name for p in paths.values())[0]
    'explore_新质生产力_associates.csv'
    >>> paths["frequency_theme"].read_bytes()[:3] == "\\ufeff".encode("utf-8")
    True
    """
    if not isinstance(view, ExploreView):
        raise TypeError(f"export_view() expects the ExploreView of explore_view() or Explorer.view; got "
                        f"{type(view).__name__}.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if prefix is None:
        prefix = "_".join(["explore", _slug(view.term)] + [_slug(str(x)) for x in (view.theme, view.doc_id) if x])
    elif not isinstance(prefix, str) or not prefix:
        raise ValueError(f"export_view(): prefix must be a non-empty str or None; got {prefix!r}.")
    out: dict[str, Path] = {}
    for name, table in view.tables().items():
        path = folder / f"{prefix}_{name}.csv"
        write_csv(table, path, index=False, lineterminator="\n")
        out[name] = path
    return out



