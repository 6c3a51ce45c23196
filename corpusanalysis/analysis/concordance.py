"""Concordance (KWIC): every occurrence of a term with its left and right context.

:func:`kwic` is the concordance that lets a reader check every count and every co-occurring pair
against the sentences: each line has offsets into the clean ``text``, so it can be traced back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from .._checks import is_int, renamed
from ..errors import EmptyResultError
from ..text.dictionary import DictionarySpec, resolve_dictionary
from ..text.matcher import boundary_words, trie_regex

__all__ = ["POSITION_COLUMNS", "SPLIT_AUDIT_COLUMNS", "forms_of", "kwic", "line_context", "split_audit",
           "term_positions"]


def forms_of(pattern: str, dictionary: DictionarySpec) -> list[str]:
    """Every surface form of the dictionary term ``pattern`` is a form of, or just ``[pattern]``."""

    d = resolve_dictionary(dictionary)
    if d is None:
        return [pattern]
    canonical = d.lookup(pattern)
    if canonical is None:
        return [pattern]
    forms = d.forms()
    return forms.loc[forms["term"] == canonical, "form"].astype(str).tolist()


def line_context(text: str, start: int, end: int, chars: int) -> tuple[int, int]:
    """The context of ``text[start:end]``: up to ``chars`` characters on each side, never across a line break.

    Returns the offsets ``(lo, hi)``: the left context is ``text[lo:start]``, the right ``text[end:hi]``.
    The one rule for every concordance line and example of the package (:func:`kwic`, the examples of
    :func:`~corpusanalysis.discover_terms`).

    Examples
    --------
    >>> text = "一、总体要求\\n加快发展新质生产力，扎实推进高质量发展"
    >>> lo, hi = line_context(text, 11, 16, 4)
    >>> text[lo:11], text[11:16], text[16:hi]
    ('加快发展', '新质生产力', '，扎实推')
    """
    lo = max(0, start - chars)
    nl = text.rfind("\n", lo, start)
    if nl != -1:
        lo = nl + 1
    hi = min(len(text), end + chars)
    nl = text.find("\n", end, hi)
    if nl != -1:
        hi = nl
    return lo, hi


@renamed(window="context_chars")
def kwic(corpus: pd.DataFrame, pattern: str | Iterable[str], *, context_chars: int = 20, regex: bool = False,
         by_token: bool = True, dictionary: DictionarySpec = None) -> pd.DataFrame:
    """Keyword in context: every match of a term or pattern with the text around it.

    Four ways to match (``regex`` × ``by_token``):

    * ``by_token=True`` (default), ``regex=False``: whole **tokens** equal to the pattern.  A
      dictionary term (canonical or any variant) matches its token whatever surface form the text
      has (``创新型县`` finds ``创新型县(市)`` and ``創新型縣``), and ``创新`` does not match inside
      ``创新型县`` or ``科技创新`` (one token each).  Stopwords are not tokens and are not found.
    * ``by_token=True``, ``regex=True``: tokens that the regular expression matches entirely
      (``re.fullmatch``): ``容错.*`` finds 容错纠错, 容错纠错机制, 容错机制 ….
    * ``by_token=False``, ``regex=False``: the literal string anywhere in the text, including
      inside longer words; a dictionary term is searched in all its surface forms (longest first).
    * ``by_token=False``, ``regex=True``: the regular expression over the text (``re.finditer``).

    Parameters
    ----------
    corpus : pandas.DataFrame
        A cleaned corpus or units (``text``); ``by_token=True`` needs ``tokens`` and
        ``token_spans`` (:func:`corpusanalysis.tokenize`).
    pattern : str or list of str
        The term(s) or regular expression(s).
    context_chars : int, default 20
        Characters of context on each side, cut at a line break (a concordance line stays in its
        paragraph).
    regex, by_token : bool
        See above.
    dictionary : PolicyDictionary, path, None or False
        For the surface forms of dictionary terms (default: the bundled one; ``False``: none).

    Returns
    -------
    pandas.DataFrame
        One row per match: the frame's id (``doc_id`` or ``unit_id``), ``pattern``, ``left``,
        ``match``, ``right``, ``start``, ``end`` — offsets into the row's clean ``text``, so
        ``text[start:end] == match`` — and, for units of :func:`corpusanalysis.segment`, ``doc_id``,
        ``doc_start``, ``doc_end`` (offsets into the document's text).  In row order, then by
        ``start``.

    Raises
    ------
    ValueError
        No ``text`` column; ``by_token=True`` without tokens ("run tokenize() first"); an invalid
        regular expression; no match at all (with the likely reason).

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import tokenize
    >>> from corpusanalysis import kwic
    >>> corpus = tokenize(pd.DataFrame({"text": ["建设创新型县(市)，推动科技创新。创新型县要有特色。"]},
    ...                                index=pd.Index(["a"], name="doc_id")))
    >>> kwic(corpus, "创新型县", context_chars=4)
      doc_id pattern  left    match right  start  end
    0      a    创新型县    建设  创新型县(市)  ，推动科      2    9
    1      a    创新型县  技创新。     创新型县  要有特色     17   21
    >>> kwic(corpus, "创新", by_token=False, context_chars=2)[["left", "match", "right", "start"]]
      left match right  start
    0   建设    创新    型县      2
    1   科技    创新    。创     14
    2   新。    创新    型县     17
    >>> kwic(corpus, "创新")  # as a token: not inside 创新型县 or 科技创新
    Traceback (most recent call last):
    ...
    corpusanalysis.errors.EmptyResultError: kwic(): pattern '创新' matched no token in 1 row(s); ...
    """
    where = "kwic()"
    if not isinstance(corpus, pd.DataFrame):
        raise TypeError(f"{where} expects a corpus DataFrame; got {type(corpus).__name__}.")
    if "text" not in corpus.columns:
        raise ValueError(f"{where}: the frame has no 'text' column (columns: {list(corpus.columns)[:12]}); run clean() "
                         "first.")
    if by_token and not {"tokens", "token_spans"} <= set(corpus.columns):
        raise ValueError(f"{where}: by_token=True needs the tokens and token_spans columns; run tokenize() first "
                         "(or pass by_token=False to search the text).")
    if not is_int(context_chars) or context_chars < 0:
        raise ValueError(f"context_chars must be an int >= 0 (characters on each side); got {context_chars!r}.")
    patterns = [pattern] if isinstance(pattern, str) else list(pattern)
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise TypeError(f"{where}: pattern must be a non-empty str or a list of them; got {pattern!r}.")
    compiled: list[re.Pattern[str] | frozenset[str]] = []  # a set of token forms for by_token without regex
    for p in patterns:
        if regex:
            try:
                compiled.append(re.compile(p))
            except re.error as exc:
                raise ValueError(f"{where}: pattern {p!r} is not a valid regular expression ({exc}).") from None
        elif by_token:
            compiled.append(frozenset(forms_of(p, dictionary)) | {p})
        else:

            forms = sorted(set(forms_of(p, dictionary)) | {p}, key=lambda f: (-len(f), f))
            compiled.append(re.compile(trie_regex(forms)))
    id_name = corpus.index.name or "doc_id"
    units = {"doc_id", "start", "end"} <= set(corpus.columns) and id_name != "doc_id"
    rows = []
    texts = corpus["text"].tolist()
    tokens = corpus["tokens"].tolist() if by_token else [None] * len(texts)
    spans = corpus["token_spans"].tolist() if by_token else [None] * len(texts)
    for pos, (idx, text, toks, tspans) in enumerate(zip(corpus.index, texts, tokens, spans)):
        if not isinstance(text, str):
            continue
        found = []
        for p, c in zip(patterns, compiled):
            if by_token:
                for tok, (s, e) in zip(toks or (), tspans or ()):
                    if (c.fullmatch(tok) is not None) if isinstance(c, re.Pattern) else (tok in c):
                        found.append((s, e, p))
            else:
                assert isinstance(c, re.Pattern)  # every pattern is compiled to search the text
                for m in c.finditer(text):
                    if m.end() > m.start():
                        found.append((m.start(), m.end(), p))
        for s, e, p in sorted(found, key=lambda f: (f[0], f[1], patterns.index(f[2]))):
            lo, hi = line_context(text, s, e, context_chars)
            left, right = text[lo:s], text[e:hi]
            row = {id_name: str(idx), "pattern": p, "left": left, "match": text[s:e], "right": right,
                   "start": s, "end": e}
            if units:
                base = int(corpus["start"].iloc[pos])
                row.update(doc_id=str(corpus["doc_id"].iloc[pos]), doc_start=base + s, doc_end=base + e)
            rows.append(row)
    columns = [id_name, "pattern", "left", "match", "right", "start", "end"] + (
        ["doc_id", "doc_start", "doc_end"] if units else [])
    out = pd.DataFrame(rows, columns=columns)
    for col in columns:
        out[col] = out[col].astype("int64" if col.endswith(("start", "end")) else "string")
    if out.empty:
        how = ("token fully matching" if regex else "token") if by_token else "text match of"
        raise EmptyResultError(
            f"{where}: pattern {patterns[0] if len(patterns) == 1 else patterns!r} matched no {how.split()[0]} "
            f"in {len(corpus)} row(s)"
            + ("; stopwords and punctuation are not tokens, and a word inside a longer dictionary term is not a "
               "token of its own — use by_token=False to search the text" if by_token else "") + ".")
    out.attrs = {"kwic": {"pattern": patterns, "regex": regex, "by_token": by_token, "context_chars": context_chars}}
    return out


#: Columns of :func:`term_positions`.
POSITION_COLUMNS = ("doc_id", "term", "position", "relative", "start", "n_tokens")


def term_positions(corpus: pd.DataFrame, terms: str | Iterable[str]) -> pd.DataFrame:
    """Where each term occurs along every document: the data of a dispersion (x-ray) plot.

    Parameters
    ----------
    corpus : DataFrame
        A tokenized corpus (documents), or tokenized units with a ``doc_id`` column (their tokens are
        taken in row order, so a document's units follow one another).
    terms : str or iterable of str
        Tokens to locate (dictionary terms are single tokens, e.g. ``新质生产力``).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, term, position, relative, start, n_tokens``: the token index of every
        occurrence in its document, its relative position ``position / n_tokens`` (0 = the first
        token), the character offset ``start`` in its row's ``text`` (-1 without ``token_spans``)
        and the document's token count.  Sorted by ``doc_id``, ``term`` (in the order given),
        ``position``.  ``.attrs["documents"]`` holds every document's ``n_tokens`` (also those
        without any occurrence) and ``.attrs["terms"]`` the terms in order.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import term_positions
    >>> corpus = pd.DataFrame({"tokens": [("发展", "新质生产力", "创新", "新质生产力")]},
    ...                       index=pd.Index(["a"], name="doc_id"))
    >>> term_positions(corpus, "新质生产力")[["doc_id", "term", "position", "relative"]]
      doc_id   term  position  relative
    0      a  新质生产力         1      0.25
    1      a  新质生产力         3      0.75
    """
    if not isinstance(corpus, pd.DataFrame) or "tokens" not in corpus.columns:
        raise ValueError("term_positions() needs a tokenized corpus DataFrame (a 'tokens' column); run "
                         "tokenize(clean(corpus)) first.")
    wanted = [terms] if isinstance(terms, str) else [str(t) for t in terms]
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        raise ValueError("term_positions(): terms= is empty; name at least one term.")
    order = {t: i for i, t in enumerate(wanted)}
    units = corpus.index.name != "doc_id" and "doc_id" in corpus.columns
    docs = corpus["doc_id"].astype(str).tolist() if units else corpus.index.astype(str).tolist()
    spans = corpus["token_spans"].tolist() if "token_spans" in corpus.columns else [None] * len(corpus)
    offset: dict[str, int] = {}
    rows: list[tuple[str, str, int, int]] = []
    for doc, toks, sp in zip(docs, corpus["tokens"].tolist(), spans):
        toks = toks if isinstance(toks, (tuple, list)) else ()
        base = offset.get(doc, 0)
        for i, tok in enumerate(toks):
            if tok in order:
                rows.append((doc, tok, base + i, int(sp[i][0]) if sp is not None else -1))
        offset[doc] = base + len(toks)
    out = pd.DataFrame.from_records(rows, columns=["doc_id", "term", "position", "start"])
    out["n_tokens"] = out["doc_id"].map(offset).astype("int64")
    with_tokens = out["n_tokens"].clip(lower=1)
    out["relative"] = out["position"].astype(float) / with_tokens
    out["rank"] = out["term"].map(order)
    out = (out.sort_values(["doc_id", "rank", "position"], kind="stable").drop(columns="rank")
           .reset_index(drop=True)[list(POSITION_COLUMNS)])
    out["doc_id"] = pd.array(out["doc_id"], dtype="string")
    out["term"] = pd.array(out["term"], dtype="string")
    for col in ("position", "start"):
        out[col] = out[col].astype("int64")
    out.attrs = {"documents": dict(sorted(offset.items())), "terms": wanted}
    return out


#: Columns of :func:`split_audit`.
SPLIT_AUDIT_COLUMNS = ("term", "left", "right", "boundary_word", "count", "n_term", "share", "example")


def split_audit(corpus: pd.DataFrame, terms: str | Iterable[str] | None = None, *, context_chars: int = 8,
                dictionary: DictionarySpec = None) -> pd.DataFrame:
    """Occurrences of key terms that may be cut out of a longer word: candidates of false splits, to review.

    A token ``t`` at ``text[start:end]`` is a candidate when the character before it forms a frequent
    two-character word with its first character (开 + 创新 → 开创, as in 开创新局面) or its last
    character with the character after it (``data/boundary_words.txt``, the same list the dictionary
    matcher uses for short forms).  Many candidates are fine (推进 / 创新); a pattern that repeats is
    worth a look: add a segmentation guard or a dictionary form.

    Parameters
    ----------
    corpus : DataFrame
        A tokenized corpus or units (``text``, ``tokens``, ``token_spans``).
    terms : str or iterable of str, optional
        The tokens to audit; default every term of the dictionary plus 创新.
    context_chars : int, default 8
        Characters of context in ``example`` on each side.
    dictionary : optional
        The dictionary whose terms are audited by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``term, left, right, boundary_word, count, n_term, share, example``: one row per term and
        neighbouring characters (``left`` + term + ``right`` as in the text), ``count`` occurrences of the
        pattern, ``n_term`` occurrences of the term, ``share`` = count / n_term, one ``example`` context.
        Sorted by count descending, then term, left, right.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import split_audit, tokenize
    >>> corpus = pd.DataFrame({"text": ["开创新时代，展开创新活动，推动创新"]}, index=pd.Index(["a"], name="doc_id"))
    >>> split_audit(tokenize(corpus), "创新")[["term", "left", "right", "boundary_word", "count", "n_term"]]
      term left right boundary_word  count  n_term
    0   创新    开     活           开创      1       2

    开创新时代 is cut 开创 / 新 / 时代 (a segmentation guard), so it has no 创新; 展开创新 is a candidate
    that is fine on reading (展开 / 创新).
    """
    for col in ("text", "tokens", "token_spans"):
        if col not in corpus.columns:
            raise ValueError(f"split_audit() needs a tokenized corpus with text and token offsets; no {col!r} column "
                             "(run tokenize(clean(corpus)) first).")
    if terms is None:
        d = resolve_dictionary(dictionary)
        wanted = set(d.terms["term"].astype(str)) if d is not None else set()
        wanted.add("创新")
    else:
        wanted = {terms} if isinstance(terms, str) else {str(t) for t in terms}
    words = boundary_words()
    found: dict[tuple[str, str, str, str], list] = {}
    n_term: dict[str, int] = {}
    for text, toks, spans in zip(corpus["text"], corpus["tokens"], corpus["token_spans"]):
        if not isinstance(text, str):
            continue
        for tok, (s, e) in zip(toks, spans):
            if tok not in wanted:
                continue
            n_term[tok] = n_term.get(tok, 0) + 1
            left, right = text[s - 1] if s > 0 else "", text[e] if e < len(text) else ""
            word = left + text[s] if left and left + text[s] in words else (
                text[e - 1] + right if right and text[e - 1] + right in words else "")
            if not word:
                continue
            key = (tok, left, right, word)
            if key not in found:
                lo, hi = line_context(text, s, e, context_chars)
                found[key] = [0, f"{text[lo:s]}【{text[s:e]}】{text[e:hi]}"]
            found[key][0] += 1
    rows = [(t, lft, rgt, w, c, n_term[t], c / n_term[t], ex) for (t, lft, rgt, w), (c, ex) in found.items()]
    out = pd.DataFrame(rows, columns=list(SPLIT_AUDIT_COLUMNS))
    out = out.sort_values(["count", "term", "left", "right"], ascending=[False, True, True, True],
                          kind="stable").reset_index(drop=True)
    for col in ("term", "left", "right", "boundary_word", "example"):
        out[col] = pd.array(out[col].astype(str), dtype="string")
    out["count"] = out["count"].astype("int64")
    out["n_term"] = out["n_term"].astype("int64")
    out["share"] = out["share"].astype(float)
    return out
