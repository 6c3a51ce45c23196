"""Themes: label documents and units with the mission themes, every label traceable to its rule.

The mission themes are those of the policy dictionary (新质生产力, 创新型县, 容错纠错): each is a
family of terms (``PolicyDictionary.themes()``).  :func:`assign_themes` adds a ``theme`` column —
one of the themes or ``"general"`` — and a ``theme_rule`` sentence saying why, from metadata or
from the counts of each theme's terms among the row's tokens (the same counts as
:func:`corpusanalysis.theme_scores`).

The rules (defaults in brackets; every threshold is a keyword argument)
-----------------------------------------------------------------------
*Metadata* (``column=``): a non-missing value of that column is the label.

*Documents*: the theme with the most hits wins if it has at least ``min_hits`` [5] hits of at
least ``min_terms`` [3] distinct terms, a rate of at least ``min_rate`` [50] hits per 10,000
tokens, and at least ``min_share`` [0.5] of all theme hits in the document.  The rate and the
distinct terms keep a long speech that repeats one ubiquitous slogan (高质量发展 is tagged
新质生产力) from being labelled; the share keeps a speech that touches several themes from being
given to one of them.  On the seeds: the 党课 002 → 新质生产力 (100 hits, 28 terms, 670 per 10k,
98%), 000 → 创新型县 (14 hits, 7 terms, 124 per 10k, 78%), 004 → 容错纠错 (28 hits, 21 terms, 192
per 10k, 88%); 003 (best 创新型县: 4 hits, 2 terms, 42 per 10k) and 001 (1 hit) stay general.

*Units* (paragraphs, sentences: a rate means little for a 30-token unit, so counts decide):

1. *unit text*: the theme with the most hits wins if it has at least ``unit_min_hits`` [2] hits
   and at least ``min_share`` of the unit's theme hits (a tie is no label), **and** either at
   least ``unit_min_terms`` [2] distinct terms or a term that names the theme (a term containing
   the theme's name: 新质生产力, 创新型县, 容错纠错机制 …).  A paragraph saying 高质量发展 twice is
   not a 新质生产力 paragraph; one saying 创新型县 twice is a 创新型县 paragraph.
2. *heading path*: otherwise the same test on the unit's heading path (``section``) — a paragraph
   under "(四)健全激励容错机制，营造鼓励创新宽容失败的良好生态" (容错机制, 鼓励创新宽容失败) is about
   容错纠错 even if it does not repeat the words;
3. *inherited* (only with ``inherit=True``): otherwise the unit takes its document's label, the
   document rule applied to the summed counts of all its units;
4. otherwise ``"general"``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._checks import is_int, is_real, renamed
from ..features import DocTermMatrix, check_dtm
from ..text.dictionary import DictionarySpec, resolve_dictionary
from ..text.matcher import Matcher, boundary_words, straddles, trie_regex
from ..text.tokenize import Tokenizer, check_tokenized

__all__ = ["GENERAL", "assign_themes", "theme_term_rates"]

#: Label of rows that no theme rule claims.
GENERAL = "general"
#: Values of the ``theme_source`` column of :func:`assign_themes`.
SOURCES = ("metadata", "document", "unit", "heading", "inherited", "none")
_OWN_COLUMNS = ("theme_rule", "theme_source")
_PREFIXES = ("hits_", "terms_", "rate_")


def _count(tokens: Iterable[str], term_themes: Mapping[str, Iterable[str]], themes: Iterable[str]
           ) -> tuple[dict[str, int], dict[str, int]]:
    hits = dict.fromkeys(themes, 0)
    distinct: dict[str, set[str]] = {t: set() for t in themes}
    counts = Counter(tokens)  # a C-level pass; then only the distinct tokens are looked up
    for tok, k in counts.items():
        if tok not in term_themes:
            continue
        for theme in term_themes[tok]:
            hits[theme] += k
            distinct[theme].add(tok)
    return hits, {t: len(v) for t, v in distinct.items()}


def _top(hits: dict[str, int]) -> tuple[str | None, int, float]:
    total = sum(hits.values())
    if total == 0:
        return None, 0, 0.0
    best = max(hits.values())
    leaders = [t for t, h in hits.items() if h == best]
    if len(leaders) > 1:
        return None, best, best / total
    return leaders[0], best, best / total


def _doc_rule(hits: dict[str, int], terms: dict[str, int], n_tokens: int, *, min_hits: int, min_terms: int,
              min_rate: float, min_share: float, per: int) -> tuple[str, str]:
    theme, h, share = _top(hits)
    if theme is None:
        if h == 0:
            return GENERAL, "dictionary: no theme term"
        tied = sorted(t for t, v in hits.items() if v == h)
        return GENERAL, f"dictionary: tie between {' and '.join(tied)} ({h} hits each)"
    rate = h / n_tokens * per if n_tokens else 0.0
    checks = [
        (h >= min_hits, f"{h} hit{'s' if h != 1 else ''}", f"{'≥' if h >= min_hits else '<'} {min_hits}"),
        (terms[theme] >= min_terms, f"{terms[theme]} term{'s' if terms[theme] != 1 else ''}",
         f"{'≥' if terms[theme] >= min_terms else '<'} {min_terms}"),
        (rate >= min_rate, f"{rate:.1f} per {per:,} tokens", f"{'≥' if rate >= min_rate else '<'} {min_rate:g}"),
        (share >= min_share, f"{share:.0%} of theme hits", f"{'≥' if share >= min_share else '<'} {min_share:.0%}"),
    ]
    detail = ", ".join(f"{what} {cmp}" for _, what, cmp in checks)
    if all(ok for ok, _, _ in checks):
        return theme, f"dictionary: {theme} {detail}"
    return GENERAL, f"dictionary: no theme passes (best {theme}: {detail})"


def _naming(tokens: Iterable[str], theme: str, term_themes: Mapping[str, Iterable[str]]) -> list[str]:
    """Terms of ``theme`` among ``tokens`` that contain the theme's name (容错纠错机制 names 容错纠错)."""
    return sorted({tok for tok in tokens if theme in tok and theme in term_themes.get(tok, ())})


def _unit_rule(tokens: Iterable[str], hits: dict[str, int], terms: dict[str, int],
               term_themes: Mapping[str, Iterable[str]], *, unit_min_hits: int, unit_min_terms: int, min_share: float,
               where: str) -> tuple[str, str] | None:
    """The unit rule: ``(theme, reason)``, or ``None`` when no theme passes."""
    theme, h, share = _top(hits)
    if theme is None or h < unit_min_hits or share < min_share:
        return None
    named = _naming(tokens, theme, term_themes)
    used = sorted({tok for tok in tokens if theme in term_themes.get(tok, ())})
    if terms[theme] >= unit_min_terms or named:
        why = f"{terms[theme]} terms ≥ {unit_min_terms}" if terms[theme] >= unit_min_terms else f"names {theme}"
        return theme, (f"{where}: {theme} {h} hits ≥ {unit_min_hits}, {why}, {share:.0%} of theme hits "
                       f"({'、'.join(used)})")
    return None


def assign_themes(frame: pd.DataFrame, *, dictionary: DictionarySpec = None, column: str | None = None,
                  level: Literal["document", "unit"] | None = None,
                  min_hits: int = 5, min_terms: int = 3, min_rate: float = 50.0, min_share: float = 0.5,
                  unit_min_hits: int = 2, unit_min_terms: int = 2, headings: bool = True, inherit: bool = False,
                  per: int = 10_000) -> pd.DataFrame:
    """Label every document or unit with a mission theme or ``"general"``, and say why.

    Parameters
    ----------
    frame : pandas.DataFrame
        A tokenized corpus (index ``doc_id``) or tokenized units from
        :func:`corpusanalysis.segment` (with ``doc_id``, ``section``, ``unit_type``).
    dictionary : PolicyDictionary or path, optional
        The dictionary the frame was tokenized with (default: the bundled one, version checked).
    column : str, optional
        A metadata column holding labels (themes or ``"general"``); where it has a value, that
        value is the label.  Rows with a missing value fall back to the dictionary rules.
    level : {"document", "unit"}, optional
        Which rules apply; default: ``"unit"`` when the frame has a ``unit_type`` column.
    min_hits, min_terms, min_rate, min_share : thresholds of the document rule
        Hits, distinct terms, hits per ``per`` tokens and share of all theme hits the leading
        theme needs (see the module docstring).  ``min_share`` also applies to units.
    unit_min_hits, unit_min_terms : int, default 2
        Hits, and distinct terms, a unit (or its heading path) needs for the unit rules; a unit
        using a term that names the theme (容错纠错机制) needs only ``unit_min_hits`` hits.
    headings : bool, default True
        Use the heading path (``section``) of units.
    inherit : bool, default False
        Give units without evidence of their own their document's label.
    per : int, default 10000
        Base of the ``rate_*`` columns.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``theme`` (str), ``theme_rule`` (the reason, with the numbers),
        ``theme_source`` (one of ``metadata, document, unit, heading, inherited, none``), and per
        theme ``hits_<theme>`` (hits of the theme's terms), ``terms_<theme>`` (distinct terms)
        and ``rate_<theme>`` (hits per ``per`` tokens).

    Raises
    ------
    ValueError
        No ``tokens`` column; a ``theme`` column already present while ``column`` is not given
        (it would be overwritten); labels in ``column`` that are neither a theme nor "general".

    Examples
    --------
    >>> from corpusanalysis import load_seeds, clean, tokenize
    >>> from corpusanalysis import assign_themes
    >>> docs = assign_themes(tokenize(clean(load_seeds())))
    >>> docs["theme"].tolist()
    ['创新型县', 'general', '新质生产力', 'general', '容错纠错']
    >>> docs.loc["002_105d27af3b6cb7bc", "theme_rule"]
    'dictionary: 新质生产力 100 hits ≥ 5, 28 terms ≥ 3, 669.8 per 10,000 tokens ≥ 50, 98% of theme hits ≥ 50%'
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"assign_themes() expects a tokenized DataFrame; got {type(frame).__name__}.")
    if "tokens" not in frame.columns:
        raise ValueError(f"assign_themes(): the frame has no 'tokens' column (columns: {list(frame.columns)[:12]}); "
                         "run tokenize() first.")
    if level is None:
        level = "unit" if "unit_type" in frame.columns else "document"
    if level not in ("document", "unit"):
        raise ValueError(f"level must be 'document', 'unit' or None (detect); got {level!r}.")
    for name, value in (("min_hits", min_hits), ("min_terms", min_terms), ("unit_min_hits", unit_min_hits),
                        ("unit_min_terms", unit_min_terms), ("per", per)):
        if not is_int(value) or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}.")
    if not is_real(min_rate) or min_rate < 0:
        raise ValueError(f"min_rate must be a number >= 0 (hits per {per} tokens); got {min_rate!r}.")
    if not is_real(min_share) or not 0 <= min_share <= 1:
        raise ValueError(f"min_share must be a share in [0, 1]; got {min_share!r}.")
    if "theme" in frame.columns and column is None:
        raise ValueError(
            "assign_themes(): the frame already has a 'theme' column (from metadata, segment() copying a "
            "labelled corpus, or an earlier assign_themes()); pass column='theme' to keep those labels where "
            "present, or drop the column to label from the dictionary."
        )
    if column is not None and column not in frame.columns:
        raise ValueError(f"assign_themes(): column={column!r} is not a column of the frame; "
                         f"columns: {list(frame.columns)[:12]}.")
    if level == "unit" and ((headings and "section" not in frame.columns)
                            or (inherit and "doc_id" not in frame.columns)):
        missing = "section" if headings and "section" not in frame.columns else "doc_id"
        raise ValueError(f"assign_themes(level='unit'): the frame has no {missing!r} column; pass units from "
                         "segment() (or headings=False / inherit=False).")
    d = resolve_dictionary(dictionary, frame=frame, required=True, where="assign_themes()")
    themes = list(d.themes())
    term_themes = d.term_themes()
    allowed = set(themes) | {GENERAL}
    meta = None
    if column is not None:
        meta = frame[column]
        bad = sorted(set(meta.dropna().astype(str)) - allowed)
        if bad:
            raise ValueError(
                f"assign_themes(): column {column!r} has label(s) {bad} that are neither a dictionary theme "
                f"{themes} nor {GENERAL!r}; map them first (e.g. frame[{column!r}].replace({{...}}))."
            )

    token_lists = frame["tokens"].tolist()
    counts = [_count(t if t is not None else (), term_themes, themes) for t in token_lists]
    n_tokens = np.array([len(t) if t is not None else 0 for t in token_lists], dtype=np.int64)
    rule_opts: dict[str, Any] = dict(min_hits=min_hits, min_terms=min_terms, min_rate=float(min_rate),
                                     min_share=float(min_share), per=per)
    labels: list[str] = []
    rules: list[str] = []
    sources: list[str] = []
    heading_cache: dict[str, tuple[str, str] | None] = {}
    doc_labels: dict[str, tuple[str, str]] = {}
    if level == "unit" and inherit:
        doc_ids = frame["doc_id"].astype(str).tolist()
        agg: dict[str, list] = {}
        for doc, (hits, _), toks, n in zip(doc_ids, counts, token_lists, n_tokens):
            entry = agg.setdefault(doc, [dict.fromkeys(themes, 0), [], 0])
            for t in themes:
                entry[0][t] += hits[t]
            entry[1].extend(toks or ())
            entry[2] += int(n)
        for doc, (hits, toks, n) in agg.items():
            _, terms = _count(toks, term_themes, themes)
            doc_labels[doc] = _doc_rule(hits, terms, n, **rule_opts)
    tokenizer = None
    for i, ((hits, terms), n) in enumerate(zip(counts, n_tokens)):
        if meta is not None and pd.notna(meta.iloc[i]):
            labels.append(str(meta.iloc[i]))
            rules.append(f"metadata column {column!r}")
            sources.append("metadata")
            continue
        prefix = f"metadata column {column!r} is missing; " if meta is not None else ""
        if level == "document":
            label, rule = _doc_rule(hits, terms, int(n), **rule_opts)
            labels.append(label)
            rules.append(prefix + rule)
            sources.append("document" if label != GENERAL else "none")
            continue
        unit_opts: dict[str, Any] = dict(unit_min_hits=unit_min_hits, unit_min_terms=unit_min_terms,
                                         min_share=float(min_share))
        found = _unit_rule(token_lists[i] or (), hits, terms, term_themes, where="unit text", **unit_opts)
        source = "unit"
        if found is None and headings:
            section = frame["section"].iloc[i]
            if isinstance(section, str) and section:
                if section not in heading_cache:
                    if tokenizer is None:

                        tokenizer = Tokenizer(d, stopwords=None)
                    toks = tokenizer.cut(section)
                    h_hits, h_terms = _count(toks, term_themes, themes)
                    heading_cache[section] = _unit_rule(toks, h_hits, h_terms, term_themes, where="heading path",
                                                        **unit_opts)
                found = heading_cache[section]
                source = "heading"
        if found is None and inherit:
            doc = str(frame["doc_id"].iloc[i])
            doc_label, doc_rule = doc_labels[doc]
            if doc_label != GENERAL:
                found, source = (doc_label, f"document {doc}: {doc_rule}"), "inherited"
        if found is None:
            total = sum(hits.values())
            found, source = (GENERAL, (
                f"unit text: {total} theme hit{'s' if total != 1 else ''}, no theme with ≥ {unit_min_hits} hits "
                f"of ≥ {unit_min_terms} terms (or naming it) and ≥ {min_share:.0%} of them"
                + ("; nor in the heading path" if headings else ""))), "none"
        label, rule = found
        labels.append(label)
        rules.append(prefix + rule)
        sources.append(source)

    out = frame.copy()
    drop = [c for c in out.columns if c in _OWN_COLUMNS or (c.startswith(_PREFIXES) and c.split("_", 1)[1] in themes)]
    if column != "theme" and "theme" in out.columns:
        drop.append("theme")
    out = out.drop(columns=drop)
    out["theme"] = pd.array(labels, dtype="string")
    out["theme_rule"] = pd.array(rules, dtype="string")
    out["theme_source"] = pd.array(sources, dtype="string")
    for t in themes:
        h = np.array([c[0][t] for c in counts], dtype=np.int64)
        out[f"hits_{t}"] = h
        out[f"terms_{t}"] = np.array([c[1][t] for c in counts], dtype=np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[f"rate_{t}"] = np.where(n_tokens > 0, np.round(h / np.maximum(n_tokens, 1) * per, 2), 0.0)
    out.attrs = {**frame.attrs, "assign_themes": {
        "level": level, "column": column, "dictionary_version": d.version, "min_hits": min_hits,
        "min_terms": min_terms, "min_rate": float(min_rate), "min_share": float(min_share),
        "unit_min_hits": unit_min_hits, "unit_min_terms": unit_min_terms, "headings": headings, "inherit": inherit,
        "per": per}}
    return out


def theme_term_rates(dtm: DocTermMatrix, *, by: str | None = "theme", dictionary: DictionarySpec = None, n: int = 6,
                     per: int = 10_000) -> pd.DataFrame:
    """Frequency of each theme's most frequent terms, per group (or per row), per ``per`` tokens.

    Parameters
    ----------
    dtm : DocTermMatrix
    by : str or None, default "theme"
        A column of ``dtm.rows`` (e.g. the ``theme`` of :func:`assign_themes`, ``"genre"``);
        ``None``: one column per row (documents).
    dictionary : optional
        Where the themes and their terms come from (default: the bundled dictionary).
    n : int, default 6
        For each theme, the ``n`` terms of its family with the most occurrences in ``dtm``
        (ties by term); terms that never occur are not shown.

    Returns
    -------
    pandas.DataFrame
        ``term_theme, rank, term, group, count, n_tokens, rate``: ``count`` raw occurrences of
        the term in the group, ``n_tokens`` all tokens of the group, ``rate = count / n_tokens ×
        per``.  Sorted by ``term_theme``, ``rank``, then group (themes in the dictionary's order, then
        other values sorted; rows in matrix order with ``by=None``).  A term tagged with two themes is
        listed under both.

    Examples
    --------
    >>> from corpusanalysis import load_seeds, clean, tokenize
    >>> from corpusanalysis import doc_term_matrix
    >>> from corpusanalysis import assign_themes, theme_term_rates
    >>> dtm = doc_term_matrix(assign_themes(tokenize(clean(load_seeds()))))
    >>> table = theme_term_rates(dtm, n=2)
    >>> table[table["term"] == "新质生产力"][["group", "count", "n_tokens", "rate"]]
          group  count  n_tokens    rate
    16     创新型县      0      1130    0.00
    17     容错纠错      0      1461    0.00
    18    新质生产力     38      1493  254.52
    19  general      0      2001    0.00
    """
    check_dtm(dtm, "theme_term_rates()")
    if not is_int(n) or n < 1:
        raise ValueError(f"n must be a positive int (terms per theme); got {n!r}.")
    d = resolve_dictionary(dictionary, required=True, where="theme_term_rates()")
    grouped = dtm if by is None else dtm.group_sums(by)
    groups = list(grouped.row_ids)
    if by is not None:
        order = [g for g in d.themes() if g in groups] + sorted(g for g in groups if g not in d.themes())
        groups = order
    position = {t: i for i, t in enumerate(dtm.vocabulary)}
    totals = np.asarray(dtm.matrix.sum(axis=0)).ravel()
    chosen = {}
    for theme, family in d.themes().items():
        present = [t for t in family if t in position and totals[position[t]] > 0]
        present.sort(key=lambda t: (-int(totals[position[t]]), t))
        chosen[theme] = present[:n]
    columns = sorted({position[t] for terms in chosen.values() for t in terms})
    col = {j: k for k, j in enumerate(columns)}
    sub = grouped.matrix[:, columns].toarray()  # groups × chosen terms only
    gpos = {g: i for i, g in enumerate(grouped.row_ids)}
    tokens = dict(zip(grouped.row_ids, grouped.n_tokens))
    records = []
    for theme, terms in chosen.items():
        for rank, term in enumerate(terms, start=1):
            for g in groups:
                c = int(sub[gpos[g], col[position[term]]])
                tok = int(tokens[g])
                records.append((theme, rank, term, g, c, tok, round(c / tok * per, 2) if tok else 0.0))
    out = pd.DataFrame(records, columns=["term_theme", "rank", "term", "group", "count", "n_tokens", "rate"])
    for name in ("term_theme", "term", "group"):
        out[name] = out[name].astype("string")
    for name in ("rank", "count", "n_tokens"):
        out[name] = out[name].astype("int64")
    out["rate"] = out["rate"].astype("float64")
    out.attrs = {"theme_term_rates": {"by": by if by is not None else dtm.id_name, "per": per, "n": n}}
    return out


# ----------------------------------------------------------------------------- dictionary content analysis
# ----------------------------------------------------------------------------- dictionary analyses
def dictionary_audit(corpus: pd.DataFrame, tokens: pd.DataFrame | None = None, *,
                     dictionary: DictionarySpec = None) -> pd.DataFrame:
    """For every dictionary term: occurrences in ``text`` vs tokens emitted, with the reasons.

    An occurrence is a position where any surface form of the term starts in ``text`` (the
    longest form at that position).  Every occurrence that did not become a token of the term is
    explained: ``inside <term>`` (it lies inside a longer dictionary match), ``overlaps <term>``
    (an earlier, leftmost match took some of its characters), ``latin word boundary`` (a Latin
    form inside a longer Latin word), ``across a word`` (a form of one or two Han characters sharing
    a character with a frequent word around it, as 高企 in 提高企业), or ``tokens differ`` (something
    else — the target is zero).

    Parameters
    ----------
    corpus : DataFrame
        A tokenized corpus (or units): ``text``, ``tokens``, ``token_spans``.
    tokens : DataFrame, optional
        The tokenized frame, when ``corpus`` holds only the text (same index).
    dictionary : optional
        The dictionary used to tokenize (default: the bundled one; the version is checked).

    Returns
    -------
    DataFrame
        One row per term: ``term, category, n_text, n_rows, n_tokens, shortfall, explained,
        unexplained, reasons``; sorted by ``category``, ``term``.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import tokenize, dictionary_audit
    >>> corpus = tokenize(pd.DataFrame({"text": ["加快科技成果转化，科技成果要转化。"]},
    ...                                index=pd.Index(["a"], name="doc_id")))
    >>> audit = dictionary_audit(corpus)
    >>> audit.loc[audit["term"] == "科技成果", ["n_text", "n_tokens", "reasons"]]
    ...                                                   # doctest: +NORMALIZE_WHITESPACE
         n_text  n_tokens                 reasons
    ...       2         1  inside 科技成果转化: 1
    """
    frame = tokens if tokens is not None else corpus
    check_tokenized(frame, "dictionary_audit()")
    d = resolve_dictionary(dictionary, frame=frame, required=True, where="dictionary_audit()")
    forms = d.forms()
    matcher = Matcher(forms)
    by_term: dict[str, list[str]] = {}
    for form, term in zip(forms["form"], forms["term"]):
        by_term.setdefault(term, []).append(form)
    # one lookahead regex finds every start position of every form (overlapping), longest first
    any_form = re.compile("(?=(" + trie_regex(sorted(matcher.form_to_term, key=lambda w: (-len(w), w))) + "))")
    n_text: dict[str, int] = {}
    n_docs: dict[str, int] = {}
    n_tok: dict[str, int] = {}
    reasons: dict[str, dict[str, int]] = {}
    for text, toks in zip(frame["text"].tolist(), frame["tokens"].tolist()):
        text = text if isinstance(text, str) else ""
        emitted = matcher.matches(text)
        emitted_by_term: dict[str, list[tuple[int, int]]] = {}
        for es, ee, eterm in emitted:
            emitted_by_term.setdefault(eterm, []).append((es, ee))
        seen_starts: set[tuple[int, str]] = set()  # (start, term): each term once per start
        doc_terms: set[str] = set()  # the terms of this row
        last_end: dict[str, int] = {}  # overlapping occurrences of one term ("十四五" in "“十四五”") count once
        for t in toks:
            if t in by_term:
                n_tok[t] = n_tok.get(t, 0) + 1
        for m in any_form.finditer(text):
            s = m.start()
            form = m.group(1)
            # every form starting here (the longest is m.group(1)); count each term once per start
            for k in range(len(form), 0, -1):
                cand = text[s:s + k]
                term = matcher.form_to_term.get(cand)
                if term is None or (s, term) in seen_starts or s < last_end.get(term, -1):
                    continue
                seen_starts.add((s, term))
                last_end[term] = s + k
                n_text[term] = n_text.get(term, 0) + 1
                doc_terms.add(term)
                if any(es < s + k and s < ee for es, ee in emitted_by_term.get(term, ())):
                    continue  # emitted as this term (possibly through an overlapping longer form)
                why = "tokens differ"
                for es, ee, eterm in emitted:
                    if es <= s < ee or es < s + k <= ee:
                        why = f"inside {eterm}" if es <= s and s + k <= ee else f"overlaps {eterm}"
                        break
                    if es > s + k:
                        break
                else:
                    if cand[0].isascii() or cand[-1].isascii():
                        why = "latin word boundary"
                if why == "tokens differ" and straddles(text, cand, s, s + k, boundary_words()):
                    why = "across a word"
                reasons.setdefault(term, {})
                reasons[term][why] = reasons[term].get(why, 0) + 1
        for doc_term in doc_terms:
            n_docs[doc_term] = n_docs.get(doc_term, 0) + 1
    terms = d.terms
    rows = []
    for term, category in zip(terms["term"], terms["category"]):
        nt, nk = n_text.get(term, 0), n_tok.get(term, 0)
        counted = reasons.get(term, {})
        unexplained = counted.get("tokens differ", 0)
        rows.append({
            "term": term,
            "category": category,
            "n_text": nt,
            "n_rows": n_docs.get(term, 0),
            "n_tokens": nk,
            "shortfall": nt - nk,
            "explained": sum(v for k, v in counted.items() if k != "tokens differ"),
            "unexplained": unexplained,
            "reasons": "; ".join(f"{k}: {v}" for k, v in sorted(counted.items())),
        })
    out = pd.DataFrame(rows)
    for col in ("term", "category", "reasons"):
        out[col] = out[col].astype("string")
    return out.sort_values(["category", "term"], kind="stable").reset_index(drop=True)


@renamed(by="scheme")
def theme_scores(corpus: pd.DataFrame, *, dictionary: DictionarySpec = None,
                 scheme: Literal["theme", "category"] = "theme", per: int = 10_000) -> pd.DataFrame:
    """Dictionary content analysis: hits per ``per`` tokens for every theme or category per row.

    Parameters
    ----------
    corpus : DataFrame
        A tokenized corpus or tokenized units (index ``doc_id`` or ``unit_id``).
    dictionary : optional
        The dictionary used to tokenize (default: the bundled one).
    scheme : {"theme", "category"}, default "theme"
        Score the mission themes (新质生产力, 创新型县, 容错纠错: a term counts for every theme it
        is tagged with) or the dictionary's categories.
    per : int, default 10000
        Rate base.

    Returns
    -------
    DataFrame
        Long and tidy: one row per (row of ``corpus``, theme): the index name of ``corpus``
        (``doc_id``/``unit_id``), ``theme`` (or ``category``), ``n_hits``, ``n_terms`` (distinct
        terms hit), ``n_tokens``, ``rate`` (hits per ``per`` tokens), sorted by id then theme.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import tokenize, theme_scores
    >>> corpus = tokenize(pd.DataFrame({"text": ["发展新质生产力，培育未来产业。"]},
    ...                                index=pd.Index(["a"], name="doc_id")))
    >>> theme_scores(corpus)[["theme", "n_hits", "n_tokens", "rate"]]
      theme  n_hits  n_tokens    rate
    0   创新型县       0         4     0.0
    1   容错纠错       0         4     0.0
    2  新质生产力       2         4  5000.0
    """
    check_tokenized(corpus, "theme_scores()")
    if scheme not in ("theme", "category"):
        raise ValueError(f"scheme must be 'theme' or 'category', got {scheme!r}.")
    if not isinstance(per, int) or per <= 0:
        raise ValueError(f"per must be a positive int, got {per!r}.")
    d = resolve_dictionary(dictionary, frame=corpus, required=True, where="theme_scores()")
    if scheme == "theme":
        groups = {theme: set(terms) for theme, terms in d.themes().items()}
    else:
        groups = {}
        for term, category in zip(d.terms["term"], d.terms["category"]):
            groups.setdefault(category, set()).add(term)
    names = sorted(groups)
    id_name = corpus.index.name or "doc_id"
    rows = []
    for idx, toks in zip(corpus.index, corpus["tokens"]):
        n = len(toks)
        counts = Counter(toks)  # one C-level pass per document, then one lookup per dictionary term
        for name in names:
            found = [counts[t] for t in groups[name] if t in counts]
            n_hits = sum(found)
            rows.append({id_name: idx, scheme: name, "n_hits": n_hits, "n_terms": len(found), "n_tokens": n,
                         "rate": round(n_hits / n * per, 2) if n else 0.0})
    out = pd.DataFrame(rows, columns=[id_name, scheme, "n_hits", "n_terms", "n_tokens", "rate"])
    out[id_name] = out[id_name].astype("string")
    out[scheme] = out[scheme].astype("string")
    for col in ("n_hits", "n_terms", "n_tokens"):
        out[col] = out[col].astype("int64")
    out["rate"] = out["rate"].astype("float64")
    return out.sort_values([id_name, scheme], kind="stable").reset_index(drop=True)



