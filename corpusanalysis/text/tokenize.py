"""Tokenization with the policy-term dictionary: terms are never split.

How it works
------------
1. Every surface form of every dictionary term (canonical term, variants, traditional spellings,
   quoted and bracketed forms) is compiled into one trie-shaped regular expression and matched
   leftmost-longest over the clean ``text``.  A match becomes one token: the *canonical* term
   (``创新型县(市)`` → ``创新型县``), whatever characters it contains (digits, Latin letters,
   quotes, brackets) and whatever terms stand next to it.
2. The text between matches goes to a **private** ``jieba.Tokenizer()`` (``jieba.dt``, the global
   tokenizer other code uses, is never touched; jieba's start-up log is silenced).
3. Tokens are classified (word, term, number, punctuation, space, placeholder) and filtered: by
   default punctuation, whitespace, pure numbers and the placeholders ``□`` (redaction) and ``〓``
   (mojibake) are dropped, and stopwords are removed — never dictionary terms.

Every kept token carries its ``(start, end)`` offsets into ``text`` (column ``token_spans``), so
each count can be traced back to the sentence it came from.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import json
import logging
import operator
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeAlias

import numpy as np
import pandas as pd

from .._cache import ContentCache, digest, text_key
from .._parallel import bounded_map
from .clean import MOJIBAKE_MARKER, REDACTION_PLACEHOLDER
from .dictionary import DictionarySpec, PolicyDictionary, resolve_dictionary
from .matcher import Matcher
from .spans import Spans

__all__ = [
    "KINDS",
    "Tokenizer",
    "check_tokenized",
    "load_stopwords",
    "tokenize",
    "tokens_table",
]


#: A token kind.
TokenKind: TypeAlias = Literal["term", "word", "number", "punct", "space", "placeholder"]
#: A token kind that is dropped by default and that ``keep=`` can keep.
DroppableKind: TypeAlias = Literal["number", "punct", "space", "placeholder"]
#: What ``stopwords=`` takes (see :func:`load_stopwords`).
StopwordsSpec: TypeAlias = str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | Literal[False] | None
#: The kept tokens of one text: tokens, their ``(start, end)`` offsets and their tags.
TokensWithSpans: TypeAlias = tuple[tuple[str, ...], Spans, tuple[str, ...]]

#: Token kinds. ``keep=`` takes any of the droppable ones.
KINDS: tuple[TokenKind, ...] = ("term", "word", "number", "punct", "space", "placeholder")


_DROPPABLE: tuple[DroppableKind, ...] = ("number", "punct", "space", "placeholder")


_PLACEHOLDERS = frozenset(REDACTION_PLACEHOLDER + MOJIBAKE_MARKER)


#: Stands for a dictionary match in the text given to the segmenter (clean text never contains it).
_SEPARATOR = "\x00"
#: Batches per worker process in tokenize(workers=N): small enough to balance, large enough to amortise.
_BATCHES_PER_WORKER = 16
_WORD_CHAR = re.compile(r"[^\W_]")  # a letter or digit of any script
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,:/~\-–]\d+)*|\d*\.\d+)%?$")  # 2.5%, 2020-2022, 2.2.1, 3/4


_STOPWORD_LISTS = {"zh": "stopwords_zh.txt", "speech": "stopwords_speech.txt", "function": "function_words.txt"}


# ----------------------------------------------------------------------------- stopwords
@functools.lru_cache(maxsize=8)
def _read_word_file(text: str) -> frozenset[str]:
    words: set[str] = set()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


def load_stopwords(stopwords: StopwordsSpec = "default") -> frozenset[str]:
    """Resolve a stopword specification into a set of words.

    Parameters
    ----------
    stopwords : str, path, iterable of str or None
        ``"default"`` (the general Chinese list and the speech-boilerplate list), ``"zh"`` (the
        general list from stopwords-iso, see ``corpusanalysis/data/STOPWORDS.md``),
        ``"speech"`` (formulae of official speeches: 同志们, 下面, 谢谢大家 …), a path to a
        UTF-8 file with one word per line (``#`` comments allowed), an iterable of words, a list
        mixing all of these, or ``None`` for no stopwords.  Modal and obligation words (要, 必须,
        坚持, 加快 …) are in neither bundled list: they are the rhetoric under study.
        ``"function"`` is a third list, not in ``"default"``: words left out of labels and network
        displays (never out of the counts; ``data/function_words.txt``).

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> from corpusanalysis import load_stopwords
    >>> words = load_stopwords()
    >>> "同志们" in words, "的" in words, "要" in words, "坚持" in words
    (True, True, False, False)
    >>> sorted(load_stopwords(["的", "了"]))
    ['了', '的']
    """
    if stopwords is None or stopwords is False:
        return frozenset()
    if isinstance(stopwords, str) and stopwords == "default":
        return load_stopwords(["zh", "speech"])
    if isinstance(stopwords, str) and stopwords in _STOPWORD_LISTS:
        text = (resources.files("corpusanalysis") / "data" / _STOPWORD_LISTS[stopwords]).read_text(encoding="utf-8")
        return _read_word_file(text)
    if isinstance(stopwords, (str, os.PathLike)):
        path = Path(stopwords)
        if not path.is_file():
            raise ValueError(
                f"stopwords={str(stopwords)!r} is neither a bundled list ('default', 'zh', 'speech', 'function') "
                "nor an existing file with one word per line."
            )
        return _read_word_file(path.read_text(encoding="utf-8"))
    if isinstance(stopwords, (set, frozenset)):
        return frozenset(str(w) for w in stopwords)
    try:
        items = list(stopwords)
    except TypeError:
        raise TypeError(f"stopwords must be a name, a path, an iterable of words or None; got "
                        f"{type(stopwords).__name__}.") from None
    out: set[str] = set()
    for item in items:
        if (isinstance(item, str) and (item in _STOPWORD_LISTS or item == "default" or
                                      (("/" in item or item.endswith(".txt")) and Path(item).is_file()))) \
                or isinstance(item, os.PathLike):
            out |= load_stopwords(item)
        else:
            out.add(str(item))
    return frozenset(out)


@contextlib.contextmanager
def _quiet_jieba() -> Iterator[None]:
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


@functools.lru_cache(maxsize=1)
def segmentation_guards() -> tuple[tuple[str, int], ...]:
    """``(word, frequency)`` pairs added to the private segmenters (``data/segmentation_guards.txt``).

    Examples
    --------
    >>> ("开创", 8000) in segmentation_guards()
    True
    """
    text = (resources.files("corpusanalysis") / "data" / "segmentation_guards.txt").read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            word, freq = line.split()
            pairs.append((word, int(freq)))
    return tuple(pairs)


@functools.lru_cache(maxsize=1)
def _jieba_tokenizer() -> Any:
    """One private, initialized jieba tokenizer per process (never ``jieba.dt``), with the segmentation guards."""
    import jieba

    tok = jieba.Tokenizer()
    with _quiet_jieba():
        tok.initialize()
        for word, freq in segmentation_guards():
            tok.add_word(word, freq)
    return tok


def _require_rjieba() -> Any:
    """The rjieba module, or an ImportError that says what to do."""
    try:
        import rjieba
    except ImportError:
        raise ImportError(
            "backend='rjieba' needs the rjieba package, a dependency of corpusanalysis: reinstall the environment "
            "(make figures), or pass backend='jieba'."
        ) from None
    return rjieba


@functools.lru_cache(maxsize=1)
def _rjieba_tokenizer() -> Any:
    """One rjieba segmenter per process with the segmentation guards, made on first use (loading its
    dictionary takes ~0.25 s, which a cached re-run never needs)."""
    tok = _require_rjieba().Jieba()
    for word, freq in segmentation_guards():
        tok.add_word(word, freq, None)
    return tok


@functools.lru_cache(maxsize=1)  # importlib.metadata reads the installed distributions: ~20 ms a call
def _rjieba_version() -> str:
    from importlib.metadata import version

    return version("rjieba")


@functools.lru_cache(maxsize=1)
def _jieba_pos_tokenizer() -> Any:
    import jieba.posseg

    with _quiet_jieba():
        return jieba.posseg.POSTokenizer(_jieba_tokenizer())


@functools.lru_cache(maxsize=500_000)  # tokens repeat: classify each distinct string once
def _kind(token: str) -> TokenKind:
    if token.isspace():
        return "space"
    if _WORD_CHAR.search(token) is None:  # no letter or digit: placeholder, punctuation or (marks only) word
        if all(c in _PLACEHOLDERS for c in token):
            return "placeholder"
        if all(unicodedata.category(c)[0] in "PSZC" for c in token):
            return "punct"
        return "word"
    if _NUMBER.match(token):
        return "number"
    return "word"


@functools.lru_cache(maxsize=16)
def _matcher(d: PolicyDictionary | None, canonical: bool) -> Matcher:
    """The compiled matcher of a dictionary (one per dictionary and setting: compiling it takes ~30 ms)."""
    forms = d.forms() if d is not None else pd.DataFrame({"form": [], "term": []})
    if not canonical:
        forms = forms.assign(term=forms["form"])
    return Matcher(forms)


class _CodeTables(NamedTuple):
    """A tokenizer's classification tables (see ``Tokenizer._classify``); codes as in ``Tokenizer._code``."""

    han1: np.ndarray  # code of each one-character Han token, by code point - 0x4E00
    han_first: np.ndarray  # by code point - 0x4E00: the character begins a Han stopword of two or more characters
    han_keys: dict[int, np.ndarray]  # by length 2-4: sorted keys (16 bits per character) of the Han stopwords
    single: np.ndarray  # code of each one-character token of the BMP, -1 until first seen
    ascii_word: int  # code of a run of ASCII letters (-1: look each up)
    ascii_number: int  # code of a run of ASCII digits (-1: look each up)


#: 1 for an ASCII letter, 2 for an ASCII digit, 0 for any other code point (indexed by min(code point, 128)).
_ASCII_KIND = np.zeros(129, dtype=np.int8)
_ASCII_KIND[ord("0"):ord("9") + 1] = 2
_ASCII_KIND[ord("A"):ord("Z") + 1] = 1
_ASCII_KIND[ord("a"):ord("z") + 1] = 1


def _in_sorted(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    """1 where a key is in the sorted ``table``, else 0."""
    if not len(table):
        return np.zeros(len(keys), dtype=np.int64)
    at = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    return (table[at] == keys).astype(np.int64)


# ----------------------------------------------------------------------------- the tokenizer
class Tokenizer:
    """A configured tokenizer: policy dictionary + private jieba + filters.

    Parameters
    ----------
    dictionary : PolicyDictionary, str, path or None
        ``None`` for the bundled policy dictionary, a path to a dictionary YAML file, a
        :class:`PolicyDictionary`, or ``False`` for plain jieba without a dictionary.
    stopwords : see :func:`load_stopwords`, default ``"default"``
    pos : bool, default False
        Also tag parts of speech (jieba's ``posseg`` tagset; dictionary terms get the entry's
        ``pos`` or ``nz``).
    keep : iterable of str, default ()
        Token kinds to keep that are dropped by default: ``"number"``, ``"punct"``,
        ``"space"``, ``"placeholder"``.
    hmm : bool, default True
        Let jieba guess unknown words with its HMM (jieba's default).
    canonical : bool, default True
        Emit the canonical term for every variant (``創新型縣`` → ``创新型县``); with ``False``
        the surface form is emitted.
    backend : {"rjieba", "jieba"} or None, default None
        Segmenter for the text between dictionary terms.  ``None``: ``"rjieba"`` (the Rust port of
        jieba, ~25 times faster than jieba), or ``"jieba"`` when ``pos=True`` (rjieba has no part-of-
        speech tagger).  Dictionary terms come out identical on both (they are matched before the
        segmenter); with ``hmm=False`` rjieba's words equal jieba's, with ``hmm=True`` they differ only
        inside runs of Latin letters, digits and ASCII punctuation (``E-mail``, ``2.2.1`` kept whole).
        ``"jieba"`` (jieba 0.42.1 itself) is the reference the tests compare with.

    Examples
    --------
    >>> from corpusanalysis import Tokenizer
    >>> tok = Tokenizer()
    >>> tok.cut("要加快形成新质生产力，建设创新型县(市)，健全容错纠错机制。")
    ['要', '加快', '形成', '新质生产力', '建设', '创新型县', '健全', '容错纠错机制']
    """

    def __init__(self, dictionary: DictionarySpec = None, *, stopwords: StopwordsSpec = "default", pos: bool = False,
                 keep: DroppableKind | Iterable[DroppableKind] | None = (), hmm: bool = True, canonical: bool = True,
                 backend: Literal["jieba", "rjieba"] | None = None) -> None:
        self.dictionary = dictionary
        self.stopwords = stopwords
        self.pos = pos
        self.keep = keep
        self.hmm = hmm
        self.canonical = canonical
        self.backend = backend
        self._setup()

    # -- configuration -------------------------------------------------------------------------
    def _setup(self) -> None:
        if self.backend not in ("jieba", "rjieba", None):
            raise ValueError(f"backend must be 'jieba', 'rjieba' or None, got {self.backend!r}.")
        self.backend_: Literal["jieba", "rjieba"] = self.backend or ("jieba" if self.pos else "rjieba")
        if self.backend_ == "rjieba":
            if self.pos:
                raise ValueError("backend='rjieba' does not tag parts of speech; use pos=False or backend='jieba'.")
            _require_rjieba()  # fail early with a clear message when it is not installed
        d = resolve_dictionary(self.dictionary, where="Tokenizer")
        self.dictionary_: PolicyDictionary | None = d
        self._matcher = _matcher(d, bool(self.canonical))
        self._term_pos: dict[str, str] = {}
        if d is not None:
            terms = d.terms
            for term, pos in zip(terms["term"], terms["pos"]):
                self._term_pos[term] = pos if isinstance(pos, str) and pos else "nz"
            if not self.canonical:
                for form, term in zip(d.forms()["form"], d.forms()["term"]):
                    self._term_pos[form] = self._term_pos.get(term, "nz")
        keep: tuple[str, ...] = (self.keep,) if isinstance(self.keep, str) else tuple(self.keep or ())
        unknown = sorted(set(keep) - set(_DROPPABLE))
        if unknown:
            raise ValueError(f"keep={keep!r} contains unknown token kind(s) {unknown}; "
                             f"choose from {list(_DROPPABLE)}.")
        self._keep: frozenset[str] = frozenset(keep) | {"term", "word"}
        self.stopwords_ = load_stopwords(self.stopwords)
        self._codes: dict[str, int] = {}
        self._code_tables: _CodeTables | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("dictionary", "stopwords", "pos", "keep", "hmm", "canonical",
                                               "backend")} | {
            "dictionary_": self.dictionary_}

    def __setstate__(self, state: dict[str, Any]) -> None:
        d = state.pop("dictionary_")
        self.__dict__.update(state)
        original = self.dictionary
        self.dictionary = d if d is not None else False
        self._setup()
        self.dictionary = original

    def __repr__(self) -> str:
        name = self.dictionary_.name if self.dictionary_ is not None else None
        version = self.dictionary_.version if self.dictionary_ is not None else None
        return (f"Tokenizer(dictionary={name!r} {version}, stopwords={len(self.stopwords_)} words, "
                f"pos={self.pos}, keep={tuple(sorted(self._keep - {'term', 'word'}))}, hmm={self.hmm})")

    @property
    def settings_key(self) -> str:
        """A hash of everything that changes the output (dictionary version, stopwords, options)."""
        import jieba

        payload = {
            "dictionary": self.dictionary_.version if self.dictionary_ is not None else None,
            "stopwords": hashlib.sha256("\n".join(sorted(self.stopwords_)).encode()).hexdigest(),
            "pos": bool(self.pos),
            "keep": sorted(self._keep),
            "hmm": bool(self.hmm),
            "canonical": bool(self.canonical),
            "jieba": jieba.__version__,
            "backend": self.backend_ if self.backend_ == "jieba" else f"rjieba {_rjieba_version()}",
            "format": 3,  # 2: numeric ranges (2020-2022) are numbers; 3: segmentation guards, boundary words
            "guards": digest(list(segmentation_guards())),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]

    # -- tokenizing -----------------------------------------------------------------------------
    def _gap(self, text: str, offset: int, out: list[tuple[str, int, int, str, str]]) -> None:
        if not text:
            return
        if self.pos:
            pos = offset
            for pair in _jieba_pos_tokenizer().cut(text, HMM=self.hmm):
                word, flag = pair.word, pair.flag
                out.append((word, pos, pos + len(word), _kind(word), flag))
                pos += len(word)
        elif self.backend_ == "rjieba":
            for word, s, e in _rjieba_tokenizer().tokenize(text, "default", self.hmm):
                out.append((word, offset + s, offset + e, _kind(word), ""))
        else:
            for word, s, e in _jieba_tokenizer().tokenize(text, HMM=self.hmm):
                out.append((word, offset + s, offset + e, _kind(word), ""))

    def analyze(self, text: str) -> list[tuple[str, int, int, str, str]]:
        """Every token of ``text`` before filtering: ``(token, start, end, kind, pos)``.

        Examples
        --------
        >>> from corpusanalysis import Tokenizer
        >>> Tokenizer(stopwords=None).analyze("“揭榜挂帅”□项目")
        [('“', 0, 1, 'punct', ''), ('揭榜挂帅', 1, 5, 'term', ''), ('”', 5, 6, 'punct', ''), ('□', 6, 7, 'placeholder', ''), ('项目', 7, 9, 'word', '')]
        """  # noqa: E501 (the doctest output is one line)
        if not isinstance(text, str):
            raise TypeError(f"expected a str of clean text, got {type(text).__name__}.")
        out: list[tuple[str, int, int, str, str]] = []
        pos = 0
        for s, e, term in self._matcher.matches(text):
            self._gap(text[pos:s], pos, out)
            out.append((term, s, e, "term", self._term_pos.get(term, "nz") if self.pos else ""))
            pos = e
        self._gap(text[pos:], pos, out)
        return out

    def tokens_with_spans(self, text: str) -> TokensWithSpans:
        """The kept tokens of ``text`` with their ``(start, end)`` offsets and their tags (``""`` without ``pos``).

        Examples
        --------
        >>> from corpusanalysis import Tokenizer
        >>> Tokenizer().tokens_with_spans("建设创新型县")
        (('建设', '创新型县'), Spans(((0, 2), (2, 6))), ('', ''))
        """
        if not isinstance(text, str):
            raise TypeError(f"expected a str of clean text, got {type(text).__name__}.")
        if self.pos or _SEPARATOR in text:
            return self._tokens_with_spans_slow(text)
        tokens, starts, ends = self.token_arrays(text)
        return tuple(tokens), Spans.from_arrays(starts, ends), ("",) * len(tokens)

    def token_arrays(self, text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The kept tokens of ``text`` and their start and end offsets as ``int64`` arrays (no tags).

        The fast path: every dictionary match is replaced by one separator character, the whole
        text goes to the segmenter in one call (the segmentation of each stretch between terms is
        the same as on its own: jieba and rjieba cut at every character outside Han/Latin runs),
        every distinct token is classified once, and offsets come from cumulative sums.

        Examples
        --------
        >>> from corpusanalysis import Tokenizer
        >>> tokens, starts, ends = Tokenizer().token_arrays("建设创新型县(市)和县域经济")
        >>> tokens, starts.tolist(), ends.tolist()
        (['建设', '创新型县', '县域经济'], [0, 2, 10], [2, 9, 14])
        """
        if not isinstance(text, str):
            raise TypeError(f"expected a str of clean text, got {type(text).__name__}.")
        if self.pos or _SEPARATOR in text:
            return self._slow_arrays(text)
        matches = self._matcher.matches(text)
        if matches:
            pieces, pos = [], 0
            for s, e, _ in matches:
                pieces.append(text[pos:s])
                pos = e
            pieces.append(text[pos:])
            joined = _SEPARATOR.join(pieces)
        else:
            joined = text
        words = self._segment(joined)
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        starts = np.cumsum(lengths) - lengths
        if len(words) and (int(starts[-1] + lengths[-1]) != len(joined) or not lengths.all()):
            # the segmenter always returns every character once (tested); should a version not, fall back
            return self._slow_arrays(text)
        codes = self._classify(words, joined, starts, lengths)
        if matches:
            slots = np.flatnonzero(codes == 2)
            if len(slots) != len(matches):  # a separator not cut alone (never seen): take the slow path
                return self._slow_arrays(text)
            # a match of w characters is one separator in `joined`: give it its width in `text`, then the
            # offsets into `text` are the cumulative widths
            lengths[slots] = [e - s for s, e, _ in matches]
            starts = np.cumsum(lengths) - lengths
            for i, (_, _, term) in zip(slots.tolist(), matches):  # one step per dictionary match, not per token
                words[i] = term
        ends = starts + lengths
        keep = codes > 0
        if keep.all():
            return words, starts, ends
        return list(itertools.compress(words, keep.tolist())), starts[keep], ends[keep]

    def _slow_arrays(self, text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        toks, spans, _ = self._tokens_with_spans_slow(text)
        return list(toks), spans.starts.astype(np.int64), spans.ends.astype(np.int64)

    def _kept(self, text: str) -> TokensWithSpans:
        """:meth:`tokens_with_spans`, but without pos the tags are ``()``: :func:`tokenize` does not use them, and
        a tuple of ``""`` per token costs time to make, to write to the token cache and to garbage-collect."""
        if self.pos or _SEPARATOR in text:
            return self.tokens_with_spans(text)
        tokens, starts, ends = self.token_arrays(text)
        return tuple(tokens), Spans.from_arrays(starts, ends), ()

    def _segment(self, text: str) -> list[str]:
        if self.backend_ == "rjieba":
            return _rjieba_tokenizer().cut(text, self.hmm)
        return _jieba_tokenizer().lcut(text, HMM=self.hmm)

    def _classify(self, words: list[str], joined: str, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """The code of every token of ``joined`` (see :meth:`_code`), mostly without hashing a token.

        A fresh token string has no cached hash, so a dict lookup per token is the slowest step of
        tokenizing after the segmenter.  Instead the tokens' characters are read as code points
        (``joined`` is the tokens concatenated): a Han word (~60 % of tokens) is kept unless it is
        one character found in a table or its first character begins a stopword and its code points
        (two to four) are a stopword's (sorted keys, ``searchsorted``); a token of one non-Han BMP
        character (~30 %: punctuation, spaces) takes its code from a table filled on first sight; a
        run of ASCII letters or digits is a word or a number unless a stopword is such a run; only
        the rest (~1.5 %: longer candidate Han words, mixed runs such as ``2.5%``) is looked up by
        string.  Equal to ``[_code(w) for w in words]`` (tested).
        """
        n = len(words)
        codes = np.full(n, -1, dtype=np.int64)
        if n == 0:
            return codes
        chars = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        first = chars[starts].astype(np.int64)
        tables = self._tables()
        # Han words: one character from a table; a longer one is kept when its first character begins no
        # stopword (~70 %), else two to four BMP characters become one integer key, 16 bits per character (a
        # longer word or one with a character beyond the BMP is left to the lookup below)
        han_length = np.where((first >= 0x4E00) & (first <= 0x9FFF), lengths, 0)
        at = np.flatnonzero(han_length == 1)
        codes[at] = tables.han1[first[at] - 0x4E00]
        at = np.flatnonzero(han_length > 1)
        begins = tables.han_first[first[at] - 0x4E00]
        codes[at[~begins]] = 1
        at = at[begins]
        for width in (2, 3, 4):
            sub = at[han_length[at] == width]
            if not len(sub):
                continue
            key = first[sub].astype(np.uint64)
            bmp = np.ones(len(sub), dtype=bool)
            for k in range(1, width):
                c = chars[starts[sub] + k]
                bmp &= c < 0x10000
                key = (key << np.uint64(16)) | c.astype(np.uint64)
            codes[sub[bmp]] = 1 - _in_sorted(key[bmp], tables.han_keys[width])
        # one character of the BMP (punctuation, spaces, the separator): a table filled on first sight
        at = np.flatnonzero((lengths == 1) & (han_length == 0) & (first < 0x10000))
        if len(at):
            single = tables.single
            found = single[first[at]]
            if (found < 0).any():
                for c in np.unique(first[at][found < 0]).tolist():
                    single[c] = self._code(chr(c))
                found = single[first[at]]
            codes[at] = found
        # runs of ASCII letters (a word) or ASCII digits (a number), when no stopword is such a run
        at = np.flatnonzero((codes < 0) & (han_length == 0))
        if len(at):
            kind = np.zeros(len(chars) + 1, dtype=np.int8)  # 1: ASCII letter, 2: ASCII digit, 0: other
            kind[:-1] = _ASCII_KIND[np.minimum(chars, 128)]
            bounds = np.empty(2 * len(at), dtype=np.int64)  # [start, end) of each token: reduce over exactly it
            bounds[0::2] = starts[at]
            bounds[1::2] = starts[at] + lengths[at]
            lo = np.minimum.reduceat(kind, bounds)[0::2]
            hi = np.maximum.reduceat(kind, bounds)[0::2]
            for run, run_code in ((1, tables.ascii_word), (2, tables.ascii_number)):
                if run_code >= 0:
                    codes[at[(lo == run) & (hi == run)]] = run_code
        rest = np.flatnonzero(codes < 0)
        if len(rest):
            codes_of = self._codes
            others = [words[i] for i in rest.tolist()] if len(rest) < 2 else operator.itemgetter(*rest.tolist())(words)
            found = np.fromiter(map(codes_of.get, others, itertools.repeat(-1)), dtype=np.int64, count=len(rest))
            unseen = np.flatnonzero(found < 0)
            if len(unseen):
                code = self._code
                for i in unseen.tolist():
                    word = others[i]
                    value = codes_of.get(word)
                    if value is None:
                        value = codes_of[word] = code(word)
                    found[i] = value
            codes[rest] = found
        return codes

    def _tables(self) -> _CodeTables:
        if self._code_tables is None:
            han1 = np.ones(0x9FFF - 0x4E00 + 1, dtype=np.int64)
            han_first = np.zeros(0x9FFF - 0x4E00 + 1, dtype=bool)
            keys: dict[int, list[int]] = {2: [], 3: [], 4: []}
            for word in self.stopwords_:
                if not word or not "\u4e00" <= word[0] <= "\u9fff":
                    continue
                if len(word) > 1:
                    han_first[ord(word[0]) - 0x4E00] = True
                if len(word) > 4:
                    continue
                if len(word) == 1:
                    han1[ord(word) - 0x4E00] = 0
                elif all(ord(c) < 0x10000 for c in word):
                    key = 0
                    for c in word:
                        key = (key << 16) | ord(c)
                    keys[len(word)].append(key)
            # a run of ASCII letters is a word and of ASCII digits a number (see _kind); -1: some stopword is
            # such a run, so these tokens are looked up one by one
            letters = re.compile(r"[A-Za-z]+")
            digits = re.compile(r"[0-9]+")
            word_code = -1 if any(letters.fullmatch(w) for w in self.stopwords_) else 1
            number_code = -1 if any(digits.fullmatch(w) for w in self.stopwords_) else int("number" in self._keep)
            han_keys = {w: np.array(sorted(k), dtype=np.uint64) for w, k in keys.items()}
            self._code_tables = _CodeTables(han1, han_first, han_keys, np.full(0x10000, -1, dtype=np.int64),
                                            word_code, number_code)
        return self._code_tables

    def _code(self, word: str) -> int:
        """0: drop, 1: keep (a kept kind, no stopword), 2: a dictionary match (the separator)."""
        if word and "\u4e00" <= word[0] <= "\u9fff":  # most tokens: a Han word (never space, number or punctuation)
            return int(word not in self.stopwords_)
        if word == _SEPARATOR:
            return 2
        if word.isalpha():  # letters only (Latin words): a word (the kind _kind gives, without its regexes)
            return int(word not in self.stopwords_)
        return int(_kind(word) in self._keep and word not in self.stopwords_)

    def _tokens_with_spans_slow(self, text: str) -> TokensWithSpans:
        keep, stop = self._keep, self.stopwords_
        toks: list[str] = []
        spans: list[tuple[int, int]] = []
        tags: list[str] = []
        for token, s, e, kind, tag in self.analyze(text):
            if kind not in keep or (kind != "term" and token in stop):
                continue
            toks.append(token)
            spans.append((s, e))
            tags.append(tag)
        return tuple(toks), Spans(spans), tuple(tags)

    def cut(self, text: str) -> list[str]:
        """The kept tokens of ``text``.

        Examples
        --------
        >>> from corpusanalysis import Tokenizer
        >>> Tokenizer(keep=("number",)).cut("2023年研发投入强度达到2.5%")
        ['2023', '年', '研发投入强度', '达到', '2.5%']
        """
        return list(self.tokens_with_spans(text)[0])


# ----------------------------------------------------------------------------- corpus level


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of token tuples are made (they hold only str and
    int, so they cannot form cycles; without the pause, collections over the growing results cost ~20 %)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _tokenize_batch(tokenizer: Tokenizer, texts: list[str]) -> tuple[Any, ...]:
    """Tokenize a batch in a worker and pack it compactly: one str of all tokens and three int arrays."""
    if tokenizer.pos:
        return ("tuples", [tokenizer.tokens_with_spans(t) for t in texts])
    tokens: list[str] = []
    counts, starts, ends = [], [], []
    with _no_gc():
        for text in texts:
            toks, s, e = tokenizer.token_arrays(text)
            tokens += toks
            counts.append(len(toks))
            starts.append(s)
            ends.append(e)
    joined = _SEPARATOR.join(tokens)
    packed: Any = joined if joined.count(_SEPARATOR) == max(len(tokens) - 1, 0) else tokens
    flat_starts = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    flat_ends = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    small = np.int32 if len(flat_ends) == 0 or flat_ends.max() < 2**31 else np.int64
    return ("arrays", packed, len(tokens), np.asarray(counts, dtype=np.int64), flat_starts.astype(small),
            flat_ends.astype(small))


def _unpack_batch(batch: tuple[Any, ...]) -> list[TokensWithSpans]:
    if batch[0] == "tuples":
        return list(batch[1])
    _, packed, n, counts, starts, ends = batch
    tokens = (packed.split(_SEPARATOR) if n else []) if isinstance(packed, str) else packed
    out: list[TokensWithSpans] = []
    at = 0
    for k in counts.tolist():
        out.append((tuple(tokens[at:at + k]), Spans.from_arrays(starts[at:at + k], ends[at:at + k]), ()))
        at += k
    return out


def _cache_name(tokenizer: Tokenizer) -> str:
    return f"tokens-{tokenizer.settings_key}"


def _read_cache(cache: ContentCache | None, tokenizer: Tokenizer) -> dict[str, TokensWithSpans]:
    """Every cached text of these settings: the union of the cache's shards (one per run that added texts)."""
    if cache is None:
        return {}
    return _read_shards(cache, cache.names(_cache_name(tokenizer)))


def _read_shards(cache: ContentCache, names: list[str]) -> dict[str, TokensWithSpans]:
    out: dict[str, TokensWithSpans] = {}
    for name in names:
        frame = cache.read(name)
        if frame is None:
            continue
        for key, toks, starts, ends, tags in zip(frame["key"], frame["tokens"], frame["starts"], frame["ends"],
                                                 frame["pos"]):
            out[key] = (tuple(toks), Spans.from_arrays(starts, ends), tuple(tags))
    return out


#: Shards of one setting's token cache merged into one when there are more than this many.
CACHE_SHARDS = 16


def _write_cache(cache: ContentCache, tokenizer: Tokenizer, entries: dict[str, TokensWithSpans]) -> None:
    """Add ``entries`` as a new shard named by their keys: a concurrent run writes its own shard, so no run's
    texts are lost; past :data:`CACHE_SHARDS` shards, the ones read are merged (a shard written meanwhile stays)."""
    def frame_of(items: dict[str, TokensWithSpans]) -> pd.DataFrame:
        keys = sorted(items)
        return pd.DataFrame({
            "key": keys,
            "tokens": [list(items[k][0]) for k in keys],
            "starts": [np.asarray(items[k][1].starts, dtype=np.int64) for k in keys],
            "ends": [np.asarray(items[k][1].ends, dtype=np.int64) for k in keys],
            "pos": [list(items[k][2]) for k in keys],
        })

    prefix = _cache_name(tokenizer)
    cache.write(f"{prefix}-{digest(sorted(entries))}", frame_of(entries), index=False)
    shards = cache.names(prefix)
    if len(shards) > CACHE_SHARDS:
        # merge exactly the shards listed now (re-read: a concurrent run's shard is in them or stays as it is)
        merged = _read_shards(cache, shards)
        name = f"{prefix}-{digest(sorted(merged))}"
        cache.write(name, frame_of(merged), index=False)
        for old in shards:
            if old != name:
                for suffix in (".parquet", ".parquet.sha256"):
                    (cache.folder / f"{old}{suffix}").unlink(missing_ok=True)


def _same_option(value: object, default: object) -> bool:
    try:
        return bool(value == default) or (value is None and default is None)
    except Exception:  # an array or the like: not the default
        return False


def tokenize(corpus: pd.DataFrame, *, dictionary: DictionarySpec = None, stopwords: StopwordsSpec = "default",
             pos: bool = False, keep: DroppableKind | Iterable[DroppableKind] | None = (), hmm: bool = True,
             canonical: bool = True, backend: Literal["jieba", "rjieba"] | None = None,
             tokenizer: Tokenizer | None = None, cache: str | os.PathLike[str] | bool | None = None, workers: int = 1,
             text_column: str = "text", progress: bool = False) -> pd.DataFrame:
    """Add ``tokens`` (and their offsets) to every document or unit.

    Parameters
    ----------
    corpus : DataFrame
        A cleaned corpus (:func:`clean`) or the units of :func:`segment` — anything with a
        ``text`` column.
    dictionary, stopwords, pos, keep, hmm, canonical, backend
        See :class:`Tokenizer`.
    tokenizer : Tokenizer, optional
        A ready tokenizer; passing any of the tokenizer's own options as well is an error.
    cache : bool, str or path, optional
        A folder for a content-addressed token cache (``True``: ``.cache/corpusanalysis``).
        Tokens are keyed by the hash of each text and the tokenizer's settings (dictionary
        version, stopwords, options), stored as Parquet; a re-run with nothing changed does not
        re-tokenize.
    workers : int, default 1
        Worker processes for large corpora (each loads its own private jieba).
    progress : bool, default False
        Show a tqdm bar over the documents to tokenize (cached ones are not counted).
    text_column : str, default "text"

    Returns
    -------
    DataFrame
        A new frame with ``tokens`` (tuple of str), ``token_spans`` (tuple of ``(start, end)``
        offsets into ``text``), ``pos`` (tuple of tags, only with ``pos=True``) and ``n_tokens``.
        ``.attrs["tokenize"]`` records the dictionary version and settings.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import tokenize
    >>> corpus = pd.DataFrame({"text": ["新质生产力是创新起主导作用的先进生产力质态。"]},
    ...                       index=pd.Index(["a"], name="doc_id"))
    >>> out = tokenize(corpus)
    >>> out.loc["a", "tokens"]
    ('新质生产力', '创新', '主导作用', '先进生产力质态')
    >>> out.loc["a", "token_spans"][0]
    (0, 5)
    """
    if not isinstance(corpus, pd.DataFrame):
        raise TypeError(f"tokenize() expects a corpus DataFrame, got {type(corpus).__name__}.")
    if text_column not in corpus.columns:
        raise ValueError(
            f"tokenize(): the corpus has no {text_column!r} column (columns: {list(corpus.columns)}); "
            "run clean() first (tokenizing raw pages would count page furniture and pinyin glosses)."
        )
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int, got {workers!r}.")
    theirs = [c for c in ("tokens", "n_tokens", "pos") if c in corpus.columns]
    if theirs and "token_spans" not in corpus.columns and "tokenize" not in corpus.attrs:
        # re-tokenizing our own output replaces it; a column of the user's own would be lost without a word
        raise ValueError(
            f"tokenize(): the corpus already has {theirs} column(s) that tokenize() did not make (no 'token_spans' "
            "beside them), and tokenizing would replace them; rename them first, e.g. "
            f"corpus.rename(columns={ {c: c + '_own' for c in theirs} })."
        )
    options: dict[str, object] = dict(dictionary=dictionary, stopwords=stopwords, pos=pos, keep=keep, hmm=hmm,
                                      canonical=canonical, backend=backend)
    if tokenizer is not None:
        if not isinstance(tokenizer, Tokenizer):
            raise TypeError(f"tokenizer must be a corpusanalysis.Tokenizer; got {type(tokenizer).__name__}.")
        defaults: dict[str, object] = dict(dictionary=None, stopwords="default", pos=False, keep=(), hmm=True,
                                           canonical=True, backend=None)
        clash = sorted(k for k, v in options.items() if not _same_option(v, defaults[k]))
        if clash:
            raise ValueError(
                f"tokenize(): tokenizer= is a ready Tokenizer, so {', '.join(f'{k}=' for k in clash)} would be "
                "ignored; set them on the Tokenizer (Tokenizer(dictionary, stopwords=..., ...)) or leave out "
                "tokenizer=."
            )
    tok = tokenizer or Tokenizer(dictionary, stopwords=stopwords, pos=pos, keep=keep, hmm=hmm, canonical=canonical,
                                 backend=backend)
    texts = [t if isinstance(t, str) else "" for t in corpus[text_column].tolist()]
    store = ContentCache.from_option(cache)
    cached = _read_cache(store, tok)
    # the cache is keyed by content hashes; without it the texts themselves are the keys (no SHA-256 of every text)
    keys = [text_key(t) for t in texts] if store is not None else texts
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in cached}.items())
    if todo:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="tokenize", unit="doc", disable=not progress, leave=False)
        with _no_gc():
            if workers > 1 and len(todo) > workers:
                chunk = max(1, len(todo) // (workers * _BATCHES_PER_WORKER))
                batches = [[t for _, t in todo[i:i + chunk]] for i in range(0, len(todo), chunk)]
                results = []
                for batch in bounded_map(_tokenize_batch, batches, shared=tok, workers=workers, n_items=len(batches)):
                    done = _unpack_batch(batch)
                    results.extend(done)
                    bar.update(len(done))
            elif progress:
                results = []
                for _, t in todo:
                    results.append(tok._kept(t))
                    bar.update(1)
            else:
                results = [tok._kept(t) for _, t in todo]
        bar.close()
        fresh = {k: r for (k, _), r in zip(todo, results)}
        if store is not None:
            _write_cache(store, tok, fresh)
        cached = {**cached, **fresh}
    out = corpus.copy()
    for col in ("tokens", "token_spans", "pos", "n_tokens"):
        if col in out.columns:
            out = out.drop(columns=col)
    out["tokens"] = pd.Series([cached[k][0] for k in keys], index=corpus.index, dtype=object)
    out["token_spans"] = pd.Series([cached[k][1] for k in keys], index=corpus.index, dtype=object)
    if tok.pos:
        out["pos"] = pd.Series([cached[k][2] for k in keys], index=corpus.index, dtype=object)
    out["n_tokens"] = pd.Series([len(cached[k][0]) for k in keys], index=corpus.index, dtype="int64")
    d = tok.dictionary_
    out.attrs = {**corpus.attrs, "tokenize": {
        "dictionary": d.name if d is not None else None,
        "dictionary_version": d.version if d is not None else None,
        "settings_key": tok.settings_key,
        "stopwords": len(tok.stopwords_),
        "pos": tok.pos,
        "keep": sorted(tok._keep - {"term", "word"}),
        "hmm": tok.hmm,
        "canonical": tok.canonical,
        "backend": tok.backend_,
    }}
    return out


def check_tokenized(corpus: Any, where: str) -> None:
    """TypeError unless ``corpus`` is a DataFrame; ValueError naming ``where`` unless it has text and tokens."""
    if not isinstance(corpus, pd.DataFrame):
        raise TypeError(f"{where} expects a tokenized corpus DataFrame, got {type(corpus).__name__}.")
    missing = [c for c in ("text", "tokens", "token_spans") if c not in corpus.columns]
    if missing:
        raise ValueError(f"{where}: the corpus has no {missing} column(s); run clean() and tokenize() first.")


def tokens_table(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per token: ``doc_id, i, token, start, end`` (and ``pos``), offsets into ``text``.

    Examples
    --------
    >>> import pandas as pd
    >>> from corpusanalysis import tokenize, tokens_table
    >>> corpus = pd.DataFrame({"text": ["推动科技成果转化"]}, index=pd.Index(["a"], name="doc_id"))
    >>> tokens_table(tokenize(corpus))
      doc_id  i   token  start  end
    0      a  0      推动      0    2
    1      a  1  科技成果转化      2    8
    """
    check_tokenized(corpus, "tokens_table()")
    id_name = corpus.index.name or "doc_id"
    rows: dict[str, list[Any]] = {id_name: [], "i": [], "token": [], "start": [], "end": []}
    has_pos = "pos" in corpus.columns
    tags: list[str] = []
    for idx, toks, spans, *rest in zip(corpus.index, corpus["tokens"], corpus["token_spans"],
                                       *( [corpus["pos"]] if has_pos else [])):
        for i, (t, (s, e)) in enumerate(zip(toks, spans)):
            rows[id_name].append(idx)
            rows["i"].append(i)
            rows["token"].append(t)
            rows["start"].append(s)
            rows["end"].append(e)
        if has_pos:
            tags.extend(rest[0])
    out = pd.DataFrame(rows)
    out[id_name] = out[id_name].astype("string")
    out["token"] = out["token"].astype("string")
    for col in ("i", "start", "end"):
        out[col] = out[col].astype("int64")
    if has_pos:
        out["pos"] = pd.Series(tags, dtype="string")
    return out
