"""New-term discovery: propose candidate policy terms that the dictionary does not know yet.

:func:`discover_terms` lets a user grow ``corpusanalysis/data/policy_terms.yaml`` from their own
corpus, with the two statistics of the Chinese new-word-discovery literature (新词发现):

* **cohesion** (内部凝固度) — pointwise mutual information of the candidate's parts: a real term
  such as ``要素配置`` occurs far more often than its parts ``要素`` and ``配置`` would by chance;
* **boundary freedom** (自由度) — Shannon entropy of the characters immediately left and right of
  its occurrences: a real term is used in many contexts, while a fragment such as ``四个善作善``
  is always followed by the same character (``成``) and has a right entropy of 0.

Candidates come from the ``tokens`` column (``source="tokens"``: runs of 2..``max_n`` consecutive
tokens) or straight from the text (``source="chars"``: Han character n-grams).  Because a tokenizer
may have dropped stopwords, adjacency in ``tokens`` is not proof of adjacency in the text, so
every candidate is verified — and counted — as a substring of ``text``.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeAlias

import pandas as pd

from .._checks import describe, renamed
from ..text.dictionary import DictionarySpec, PolicyDictionary, resolve_dictionary
from .concordance import line_context

__all__ = ["CONTEXT_CHARS", "DISCOVER_COLUMNS", "PMI_CAP", "discover_terms"]

#: Columns of :func:`discover_terms`, in order.
DISCOVER_COLUMNS = (
    "candidate",
    "n_parts",
    "count",
    "n_rows",
    "pmi",
    "left_entropy",
    "right_entropy",
    "boundary_entropy",
    "score",
    "contains_term",
    "examples",
)

#: PMI (bits) above which cohesion no longer raises the score: in small corpora a pair of
#: hapax words reaches a huge PMI by chance, and frequency should then decide.
PMI_CAP = 10.0

#: Characters of context shown on each side of an occurrence in ``examples``.
CONTEXT_CHARS = 10

#: Where candidates come from (``source=``).
Source: TypeAlias = Literal["tokens", "chars"]
#: The known terms of :func:`discover_terms`: what ``dictionary=`` accepts everywhere, a forms table (``form``,
#: optionally ``term``), a mapping ``form -> term``, or an iterable of forms.
KnownTerms: TypeAlias = "DictionarySpec | pd.DataFrame | Mapping[str, str] | Iterable[str]"
#: Candidates: the most frequent split of every candidate string into units (tokens or characters).
_Candidates: TypeAlias = dict[str, tuple[str, ...]]

_BY: tuple[Source, ...] = ("tokens", "chars")

# A "word character": Han ideograph (CJK unified, extension A, compatibility) or ASCII
# letter/digit.  Candidates consist only of these; any other neighbour (punctuation, space,
# line break, the placeholders □ and 〓, the start or end of the text) is a boundary.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RE = re.compile(f"[{_HAN}]")
_HAN_RUN = re.compile(f"[{_HAN}]+")
_WORD_RE = re.compile(f"[{_HAN}A-Za-z0-9]+")


@functools.lru_cache(maxsize=4096)
def _is_word_char(ch: str) -> bool:
    return bool(_WORD_RE.fullmatch(ch))


# ----------------------------------------------------------------------------- validation


def _check_int(value: Any, name: str, minimum: int, hint: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {describe(value)}.{hint}")
    return int(value)


def _check_real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise ValueError(f"{name} must be a real number (bits), got {describe(value)}.")
    return float(value)


def _texts(corpus: pd.DataFrame) -> list[str]:
    if "text" not in corpus.columns:
        raise ValueError(
            "corpus has no 'text' column; expected the cleaned text of each document. "
            f"Columns received: {list(map(str, corpus.columns))}. Run clean() first."
        )
    texts = []
    for doc_id, text in zip(corpus.index, corpus["text"]):
        if not isinstance(text, str):
            raise ValueError(
                f"corpus['text'] must hold a str for every document, got {describe(text)} for "
                f"document {doc_id!r}. Run clean() on the corpus (it turns an empty page into '')."
            )
        texts.append(text)
    return texts


def _tokens(corpus: pd.DataFrame, texts: list[str]) -> list[tuple[str, ...]]:
    """The tokens of every document, as surface strings of the text when spans are known.

    :func:`~corpusanalysis.tokenize.tokenize` maps dictionary variants to their canonical term
    (``成果转化`` → ``科技成果转化``) and records ``token_spans``; with those offsets the
    surface form ``text[start:end]`` is used, so that concatenations can be found in the text.
    """
    if "tokens" not in corpus.columns:
        raise ValueError(
            "corpus has no 'tokens' column; source='tokens' needs a tuple of words per document. "
            f"Columns received: {list(map(str, corpus.columns))}. Run tokenize() first "
            "(or use source='chars', which needs only 'text')."
        )
    spans_column = corpus["token_spans"] if "token_spans" in corpus.columns else None
    out = []
    for k, (doc_id, tokens) in enumerate(zip(corpus.index, corpus["tokens"])):
        if isinstance(tokens, str) or not isinstance(tokens, Iterable):
            raise ValueError(
                f"corpus['tokens'] must hold a tuple of str for every document, got {describe(tokens)} "
                f"for document {doc_id!r}. Run tokenize() first."
            )
        tokens = tuple(tokens)
        bad = next((t for t in tokens if not isinstance(t, str)), None)
        if bad is not None:
            raise ValueError(
                f"corpus['tokens'] must hold a tuple of str for every document; document {doc_id!r} "
                f"contains {describe(bad)}. Run tokenize() first."
            )
        if spans_column is not None:
            tokens = _surface(tokens, spans_column.iloc[k], texts[k], doc_id)
        out.append(tokens)
    return out


def _surface(tokens: tuple[str, ...], spans: Any, text: str, doc_id: Any) -> tuple[str, ...]:
    problem = None
    if isinstance(spans, str) or not isinstance(spans, Iterable):
        problem = f"got {describe(spans)}"
    else:
        spans = tuple(spans)
        if len(spans) != len(tokens):
            problem = f"has {len(spans)} spans for {len(tokens)} tokens"
        else:
            for span in spans:
                ok = (
                    isinstance(span, (tuple, list))
                    and len(span) == 2
                    and all(isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in span)
                    and 0 <= span[0] < span[1] <= len(text)
                )
                if not ok:
                    problem = f"holds {describe(span)}, not a (start, end) pair of offsets into its text"
                    break
    if problem is not None:
        raise ValueError(
            f"corpus['token_spans'] of document {doc_id!r} {problem}. It must give one (start, end) "
            "offset pair into 'text' per token; re-run tokenize(), or drop the column to use the "
            "tokens as they are."
        )
    return tuple(text[a:b] for a, b in spans)


def _dictionary_forms(dictionary: KnownTerms) -> dict[str, str]:
    """Map every surface form of ``dictionary`` to its canonical term."""
    if isinstance(dictionary, str) and not Path(dictionary).is_file():
        raise TypeError(
            f"dictionary={dictionary!r} is not a dictionary file. Pass None (the bundled dictionary), a "
            "PolicyDictionary, the path of a dictionary file or an iterable of term strings. Wrap a single term "
            "in a list: dictionary=[...]."
        )
    if dictionary is None or dictionary is False or isinstance(dictionary, (str, os.PathLike, PolicyDictionary)):
        d = resolve_dictionary(dictionary, where="discover_terms()")
        return {} if d is None else _dictionary_forms(d.forms())
    if isinstance(dictionary, pd.DataFrame):
        table = dictionary
    elif isinstance(dictionary, bytes) or not isinstance(dictionary, Iterable):
        raise TypeError(
            "dictionary must be None (the bundled dictionary), False (none), a PolicyDictionary, the path of a "
            f"dictionary file or an iterable of term strings, got {describe(dictionary)}."
        )
    else:
        forms: dict[str, str] = {}
        pairs = dictionary.items() if isinstance(dictionary, Mapping) else ((f, f) for f in dictionary)
        for form, term in pairs:
            for item in (form, term):
                if not isinstance(item, str) or not item:
                    raise TypeError(f"dictionary must contain only non-empty strings, got {describe(item)}.")
            forms.setdefault(form, term)
        return forms
    if "form" not in table.columns:
        raise TypeError(
            "dictionary forms table must have a 'form' column (and optionally 'term'), got columns "
            f"{list(map(str, table.columns))}."
        )
    terms = table["term"] if "term" in table.columns else table["form"]
    return {str(f): str(t) for f, t in zip(table["form"], terms)}


# ----------------------------------------------------------------------------- scanning


def _scan(
    texts: list[str], strings: Iterable[str], *, detail: bool = False, n_examples: int = 0
) -> dict[str, list]:
    """Find every (overlapping) occurrence of ``strings`` in ``texts``.

    Returns ``string -> [count]`` or, with ``detail``, ``string -> [count, n_docs, left Counter,
    left boundaries, right Counter, right boundaries, per-doc-first occurrences, first occurrences]``
    where occurrences are ``(doc index, start)``.  Strings never found are absent.
    """
    by_prefix: dict[str, set[int]] = defaultdict(set)
    wanted = set()
    for s in strings:
        if len(s) >= 2:
            by_prefix[s[:2]].add(len(s))
            wanted.add(s)
    index = {p: sorted(ls) for p, ls in by_prefix.items()}
    found: dict[str, list] = {}
    for d, text in enumerate(texts):
        end = len(text)
        for i in range(end - 1):
            lengths = index.get(text[i : i + 2])
            if lengths is None:
                continue
            for length in lengths:
                j = i + length
                if j > end:
                    break
                s = text[i:j]
                if s not in wanted:
                    continue
                rec = found.get(s)
                if not detail:
                    if rec is None:
                        found[s] = [1]
                    else:
                        rec[0] += 1
                    continue
                if rec is None:
                    rec = found[s] = [0, 0, Counter(), 0, Counter(), 0, [], [], -1]
                rec[0] += 1
                if rec[8] != d:
                    rec[8] = d
                    rec[1] += 1
                    if len(rec[6]) < n_examples:
                        rec[6].append((d, i))
                if len(rec[7]) < n_examples:
                    rec[7].append((d, i))
                left = text[i - 1] if i > 0 else ""
                if left and _is_word_char(left):
                    rec[2][left] += 1
                else:
                    rec[3] += 1
                right = text[j] if j < end else ""
                if right and _is_word_char(right):
                    rec[4][right] += 1
                else:
                    rec[5] += 1
    return found


def _entropy(counts: Counter, n_boundary: int) -> float:
    """Shannon entropy (bits) of a neighbour distribution; each boundary is its own symbol."""
    total = sum(counts.values()) + n_boundary
    if total == 0:
        return 0.0
    terms = [c / total * math.log2(total / c) for c in sorted(counts.values(), reverse=True)]
    if n_boundary:
        terms.append(n_boundary / total * math.log2(total))
    return math.fsum(terms)


def _context(text: str, start: int, end: int) -> str:
    lo, hi = line_context(text, start, end, CONTEXT_CHARS)
    head = "…" if lo > 0 and text[lo - 1] != "\n" else ""
    tail = "…" if hi < len(text) and text[hi] != "\n" else ""
    return f"{head}{text[lo:start]}【{text[start:end]}】{text[end:hi]}{tail}"


# ----------------------------------------------------------------------------- candidates


def _pair_counts(texts: list[str]) -> Counter:
    """Occurrences of every two-character window of the texts."""
    pairs: Counter = Counter()
    for text in texts:
        pairs.update(map(operator.add, text, text[1:]))
    return pairs


def _token_candidates(token_lists: list[tuple[str, ...]], texts: list[str], max_n: int, min_count: int
                      ) -> tuple[_Candidates, Counter[str]]:
    """Token n-grams (2..max_n) made of word characters; the most frequent split per string.

    Exact pruning: a string seen ``min_count`` times in the text has every two-character window
    seen ``min_count`` times, so n-grams with a rarer window (inside a token or across a
    junction of two tokens) are never candidates.
    """
    pairs = _pair_counts(texts)
    unit_count: Counter = Counter()
    grams: Counter = Counter()
    token_ok: dict[str, bool] = {}
    for tokens in token_lists:
        unit_count.update(tokens)
        for t in tokens:
            if t not in token_ok:
                token_ok[t] = bool(t) and _WORD_RE.fullmatch(t) is not None and all(
                    pairs[t[a : a + 2]] >= min_count for a in range(len(t) - 1)
                )
        m = len(tokens)
        joins = [
            token_ok[tokens[i]] and token_ok[tokens[i + 1]] and pairs[tokens[i][-1] + tokens[i + 1][0]] >= min_count
            for i in range(m - 1)
        ]
        for i in range(m - 1):
            j = i
            while j < m - 1 and j - i + 2 <= max_n and joins[j]:
                grams[tokens[i : j + 2]] += 1
                j += 1
    best: dict[str, tuple[str, ...]] = {}
    rank: dict[str, tuple] = {}
    for gram, c in grams.items():
        s = "".join(gram)
        key = (-c, len(gram), gram)
        if s not in rank or key < rank[s]:
            rank[s] = key
            best[s] = gram
    return best, unit_count


def _char_candidates(texts: list[str], min_count: int, max_len: int
                     ) -> tuple[_Candidates, Counter[str], dict[str, int]]:
    """Han character n-grams (2..max_len) seen at least ``min_count`` times.

    Apriori: an n-gram can only be frequent where the (n-1)-grams starting at its first and
    second character are, so each level only revisits the positions that survived the last.
    """
    big = "\x00".join(m.group() for text in texts for m in _HAN_RUN.finditer(text))
    unit_count: Counter = Counter(big)
    unit_count.pop("\x00", None)
    frequent_chars = {ch for ch, c in unit_count.items() if c >= min_count}
    flags = bytearray(len(big) + 1)
    positions = []
    for i, ch in enumerate(big):
        if ch in frequent_chars:
            flags[i] = 1
            positions.append(i)
    counts: dict[str, int] = {}
    for length in range(2, max_len + 1):
        level: Counter = Counter()
        survivors = [i for i in positions if flags[i + 1]]
        level.update(big[i : i + length] for i in survivors)
        frequent = {s for s, c in level.items() if c >= min_count}
        if not frequent:
            break
        counts.update((s, level[s]) for s in frequent)
        flags = bytearray(len(big) + 1)
        positions = []
        for i in survivors:
            if big[i : i + length] in frequent:
                flags[i] = 1
                positions.append(i)
    best = {s: tuple(s) for s in counts}
    return best, unit_count, counts


def _pmi(parts: tuple[str, ...], n: int, total: int, unit_count: Mapping, counts: Mapping) -> float:
    """Minimum over binary splits A|B of log2(p(AB) / (p(A) p(B))), p(X) = count(X) / total."""

    def count(part: tuple[str, ...]) -> int:
        return unit_count[part[0]] if len(part) == 1 else counts["".join(part)][0]

    return min(
        math.log2(n * total / (count(parts[:j]) * count(parts[j:]))) for j in range(1, len(parts))
    )


def _contained_term(candidate: str, forms: Mapping[str, str], lengths: list[int]) -> str:
    """Canonical term of the longest (then leftmost) dictionary form inside ``candidate``."""
    for length in lengths:
        if length >= len(candidate):
            continue
        for i in range(len(candidate) - length + 1):
            term = forms.get(candidate[i : i + length])
            if term is not None:
                return term
    return ""


def _empty() -> pd.DataFrame:
    dtypes = {
        "candidate": "str",
        "n_parts": "int64",
        "count": "int64",
        "n_rows": "int64",
        "pmi": "float64",
        "left_entropy": "float64",
        "right_entropy": "float64",
        "boundary_entropy": "float64",
        "score": "float64",
        "contains_term": "str",
        "examples": "object",
    }
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in dtypes.items()})


# ----------------------------------------------------------------------------- public API


@renamed(by="source")
def discover_terms(
    corpus: pd.DataFrame,
    *,
    dictionary: KnownTerms = None,
    min_count: int = 3,
    max_n: int = 4,
    min_pmi: float = 1.0,
    min_entropy: float = 1.0,
    n: int | None = 100,
    examples: int = 2,
    source: Source = "tokens",
) -> pd.DataFrame:
    """Propose candidate policy terms that are not yet in the policy-term dictionary.

    New-word discovery (新词发现): every candidate is scored for *cohesion* (PMI of its parts)
    and *boundary freedom* (branching entropy of its neighbours in the text), candidates that
    already are a dictionary form are dropped, and the best ``n`` are returned for a human to
    review and add to ``policy_terms.yaml``.

    Parameters
    ----------
    corpus : pandas.DataFrame
        One row per document (index ``doc_id``) with a ``text`` column (clean simplified
        Chinese, see :func:`~corpusanalysis.clean.clean`) and, for ``source="tokens"``, a
        ``tokens`` column holding a tuple of str per document.  If a ``token_spans`` column
        (``(start, end)`` offsets into ``text``, as :func:`~corpusanalysis.tokenize.tokenize`
        adds) is present, each token is read as its surface form ``text[start:end]``, since
        the tokenizer may have replaced a dictionary variant by its canonical term.  Not
        modified.
    dictionary : PolicyDictionary, iterable of str or None, default None
        Known terms.  ``None`` loads the bundled dictionary
        (:func:`~corpusanalysis.dictionary.load_dictionary`); a ``PolicyDictionary`` (or its
        :meth:`forms` table) contributes every form, variants included; a mapping is read as
        ``form -> canonical term``; any other iterable of strings is a list of forms, each its
        own term.  Pass ``[]`` to exclude nothing.
    min_count : int, default 3
        Minimum number of occurrences of the candidate in ``text``.
    max_n : int, default 4
        Longest candidate, in tokens (``source="tokens"``) or in units of two characters
        (``source="chars"``: character n-grams of 2..``2 * max_n`` characters).  At least 2.
    min_pmi : float, default 1.0
        Minimum cohesion, in bits.
    min_entropy : float, default 1.0
        Minimum ``boundary_entropy``, in bits.  ``log2(3) = 1.585`` is the most a candidate
        seen three times can reach.
    n : int or None, default 100
        Number of candidates returned (the best by ``score``); ``None`` returns all.
    examples : int, default 2
        Number of contexts shown per candidate.
    source : {"tokens", "chars"}, default "tokens"
        ``"tokens"``: runs of 2..``max_n`` consecutive tokens whose concatenation occurs in
        ``text``.  ``"chars"``: runs of Han characters, needs no ``tokens`` column.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, columns :data:`DISCOVER_COLUMNS`:

        ``candidate``
            the string (only Han characters and ASCII letters or digits, never ``□``/``〓``);
        ``n_parts``
            number of tokens it was split into (the most frequent split among the token
            n-grams that spell it); number of characters for ``source="chars"``;
        ``count``, ``n_rows``
            occurrences in ``text`` (overlapping occurrences count) and documents containing it;
        ``pmi``
            ``min`` over the binary splits ``A|B`` of the units (tokens or characters) of
            ``log2(p(AB) / (p(A) * p(B)))``, with ``p(X) = count(X) / N``: ``count`` is the
            unit frequency for a single unit and the text frequency for a longer part, ``N``
            the number of units in the corpus.  For two units this is the classic PMI; for
            more, the weakest joint decides, so ``新质生产力发展`` is only as cohesive as the
            join of ``新质生产力`` and ``发展``;
        ``left_entropy``, ``right_entropy``
            Shannon entropy (bits) of the character right before / after each occurrence;
            every text edge, line break, punctuation mark, space or placeholder counts as a
            distinct symbol, so a term standing at clause edges is free;
        ``boundary_entropy``
            ``min(left_entropy, right_entropy)``;
        ``score``
            ``log2(1 + n) * clip(pmi, 0, PMI_CAP) * boundary_entropy`` (:data:`PMI_CAP` is
            10 bits): frequent, cohesive and free candidates first;
        ``contains_term``
            the canonical dictionary term of the longest dictionary form found inside the
            candidate (``发展新质生产力`` → ``新质生产力``), else ``""`` — such candidates are
            usually phrases around a known term rather than new terms;
        ``examples``
            tuple of up to ``examples`` contexts ``"…10 chars【candidate】10 chars…"`` (cut at
            line breaks), one per document first, in document order.

        Sorted by ``score`` descending, then ``candidate``; index ``0..k-1``.  ``attrs``
        records how many candidates each filter removed.

    Raises
    ------
    TypeError
        If ``corpus`` is not a DataFrame or ``dictionary`` is of an unusable type.
    ValueError
        If ``text`` (or, for ``source="tokens"``, ``tokens``) is missing or malformed, or a
        parameter is out of range.

    Notes
    -----
    Candidates that are exactly a dictionary form (term or variant) are excluded; candidates
    that merely contain one are kept and flagged in ``contains_term``.  With
    ``source="tokens"`` adjacency of tokens is checked against the text, because stopwords may
    have been dropped from ``tokens``; a token n-gram that never occurs in ``text`` is not a
    candidate.  Runs in time linear in the corpus size (one pass over the text per stage).

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame(
    ...     {"text": ["推动四个善作善成落地。", "落实四个善作善成，", "四个善作善成要求"],
    ...      "tokens": [("推动", "四个", "善作善成", "落地"), ("落实", "四个", "善作善成"),
    ...                 ("四个", "善作善成", "要求")]},
    ...     index=pd.Index(["a", "b", "c"], name="doc_id"))
    >>> found = discover_terms(corpus, dictionary=["善作善成"])
    >>> found[["candidate", "count", "n_rows", "pmi", "boundary_entropy", "contains_term"]]
      candidate  count  n_rows       pmi  boundary_entropy contains_term
    0    四个善作善成  3       3  1.736966          1.584963          善作善成
    >>> found.loc[0, "examples"]
    ('推动【四个善作善成】落地。', '落实【四个善作善成】，')

    Character n-grams need no tokens; fragments such as ``四个善作善`` (always followed by
    ``成``) have no boundary freedom and are filtered out:

    >>> discover_terms(corpus.drop(columns="tokens"), dictionary=["善作善成"], source="chars")["candidate"].tolist()
    ['四个善作善成']
    """
    if not isinstance(corpus, pd.DataFrame):
        raise TypeError(
            f"corpus must be a pandas DataFrame with 'text' and 'tokens' columns, got {describe(corpus)}."
        )
    if source not in _BY:
        raise ValueError(f"source must be one of {', '.join(map(repr, _BY))}, got {describe(source)}.")
    min_count = _check_int(min_count, "min_count", 1)
    max_n = _check_int(max_n, "max_n", 2, " A candidate is made of at least two units.")
    min_pmi = _check_real(min_pmi, "min_pmi")
    min_entropy = _check_real(min_entropy, "min_entropy")
    if n is not None:
        n = _check_int(n, "n", 1, " Use n=None for all candidates.")
    examples = _check_int(examples, "examples", 0)

    texts = _texts(corpus)
    if source == "tokens":
        best, unit_count = _token_candidates(_tokens(corpus, texts), texts, max_n, min_count)
        counts = _scan(texts, best)
    else:
        best, unit_count, char_counts = _char_candidates(texts, min_count, 2 * max_n)
        counts = {s: [c] for s, c in char_counts.items()}
    forms = _dictionary_forms(dictionary)
    total = sum(unit_count.values())

    stats = {"candidates": 0, "too_rare": 0, "dictionary_form": 0, "low_pmi": 0, "low_entropy": 0}
    kept: dict[str, tuple[tuple[str, ...], int, float]] = {}
    for s, parts in best.items():
        if not _HAN_RE.search(s):
            continue
        stats["candidates"] += 1
        c = counts.get(s, [0])[0]
        if c < min_count:
            stats["too_rare"] += 1
            continue
        if s in forms:
            stats["dictionary_form"] += 1
            continue
        pmi = _pmi(parts, c, total, unit_count, counts)
        if pmi < min_pmi:
            stats["low_pmi"] += 1
            continue
        kept[s] = (parts, c, pmi)

    details = _scan(texts, kept, detail=True, n_examples=examples)
    lengths = sorted({len(f) for f in forms}, reverse=True)
    rows = []
    for s, (parts, c, pmi) in kept.items():
        rec = details[s]
        left = _entropy(rec[2], rec[3])
        right = _entropy(rec[4], rec[5])
        boundary = min(left, right)
        if boundary < min_entropy:
            stats["low_entropy"] += 1
            continue
        score = math.log2(1 + c) * min(max(pmi, 0.0), PMI_CAP) * boundary
        chosen = list(rec[6])
        for occ in rec[7]:
            if len(chosen) >= examples:
                break
            if occ not in chosen:
                chosen.append(occ)
        shown = tuple(_context(texts[d], i, i + len(s)) for d, i in sorted(chosen))
        rows.append((s, len(parts), c, rec[1], pmi, left, right, boundary, score, _contained_term(s, forms, lengths),
                     shown))

    rows.sort(key=lambda r: (-r[8], r[0]))
    if n is not None:
        rows = rows[:n]
    out = _empty()
    if rows:
        out = pd.DataFrame.from_records(rows, columns=list(DISCOVER_COLUMNS)).astype(
            {"n_parts": "int64", "count": "int64", "n_rows": "int64"}
        )
    out.attrs["discover_terms"] = {"source": source, **stats}
    return out
