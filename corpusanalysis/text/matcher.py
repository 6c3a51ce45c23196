"""Matching dictionary surface forms in text: leftmost-longest, with Latin word boundaries.

Every surface form of every dictionary term is compiled into one Aho–Corasick automaton
(``ahocorasick_rs``); :class:`Matcher` takes, left to right, the longest form that starts at each
position, so a term is never split and a longer term wins over the shorter terms inside it.  A form
made of Latin letters or digits only matches as a whole ASCII word ("AI" does not match inside
"MAIL"), and a Han form of one or two characters (an abbreviation such as 高企 or 技改) is not matched
across a frequent two-character word (``data/boundary_words.txt``): 高企 is not found in 提高企业, 技改
not in 科技改革.  :func:`trie_regex` builds the same set of forms as one trie-shaped regular expression, for
the searches that need lookaround (every start position of every form, in the dictionary audit).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

import ahocorasick_rs
import pandas as pd

__all__ = ["Matcher", "boundary_words", "straddles", "trie_regex"]


# ----------------------------------------------------------------------------- the matcher
def trie_regex(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, shaped as a trie so matching is fast and longest-first."""
    trie: dict[str, Any] = {}  # char -> sub-trie; "" -> True at the end of a word
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted((k, v) for k, v in node.items() if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


def _latin_bad(text: str, form: str, s: int, e: int) -> bool:
    """True when a form starting or ending with an ASCII letter/digit sits inside a longer ASCII word."""
    left = form[0].isascii() and form[0].isalnum() and s > 0 and text[s - 1].isascii() and text[s - 1].isalnum()
    right = form[-1].isascii() and form[-1].isalnum() and e < len(text) and text[e].isascii() and text[e].isalnum()
    return left or right


#: Han forms up to this many characters must not straddle a boundary word (see the module docstring).
SHORT_FORM = 2


@functools.lru_cache(maxsize=1)
def boundary_words() -> frozenset[str]:
    """The two-character words a short Han form is not matched across (``data/boundary_words.txt``)."""
    text = (resources.files("corpusanalysis") / "data" / "boundary_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def straddles(text: str, form: str, s: int, e: int, words: frozenset[str] | None = None) -> bool:
    """True when a short Han form at ``text[s:e]`` shares its first or last character with a boundary word.

    The character next to the form only counts when it is not itself taken by a word on its other side:
    提高企业 refuses 高企 (提高), 提升高企 does not (升 belongs to 提升).

    Examples
    --------
    >>> straddles("着力提高企业", "高企", 3, 5), straddles("有效提升高企创新", "高企", 4, 6)
    (True, False)
    """
    if len(form) > SHORT_FORM or not _han(form[0]):
        return False
    words = boundary_words() if words is None else words
    left = s > 0 and text[s - 1] + form[0] in words and not (s > 1 and text[s - 2:s] in words)
    right = e < len(text) and form[-1] + text[e] in words and not (e + 1 < len(text) and text[e:e + 2] in words)
    return bool(left or right)


class Matcher:
    """Leftmost-longest matching of dictionary forms, with ASCII word boundaries for Latin forms.

    The forms are compiled into one Aho–Corasick automaton (``ahocorasick_rs``, leftmost-longest
    match kind), which finds the non-overlapping leftmost-longest matches of the whole text in one
    pass at ~100 MB/s.  A Latin or digit form inside a longer ASCII word ("AI" in "MAIL") is
    refused: the longest shorter form at the same start that respects the boundary is taken
    instead, or the search resumes one character later, exactly as a left-to-right scan would.

    Examples
    --------
    >>> import pandas as pd
    >>> m = Matcher(pd.DataFrame({"form": ["新质生产力", "生产力", "AI"], "term": ["新质生产力", "生产力", "AI"]}))
    >>> m.matches("发展新质生产力和AI，不是MAIL")
    [(2, 7, '新质生产力'), (8, 10, 'AI')]
    >>> Matcher(pd.DataFrame({"form": ["高企"], "term": ["高新技术企业"]})).matches("培育高企30家，提高企业效益")
    [(2, 4, '高新技术企业')]
    """

    def __init__(self, forms: pd.DataFrame) -> None:
        self._boundary = boundary_words()
        self.form_to_term: dict[str, str] = dict(zip(forms["form"], forms["term"]))
        self._forms = list(self.form_to_term)
        self._terms = [self.form_to_term[f] for f in self._forms]
        self._automaton = (ahocorasick_rs.AhoCorasick(self._forms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
                           if self._forms else None)

    def __getstate__(self) -> dict[str, Any]:
        return {"form_to_term": self.form_to_term}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # the automaton is not picklable: rebuild it from the forms
        Matcher.__init__(self, pd.DataFrame({"form": list(state["form_to_term"]),
                                             "term": list(state["form_to_term"].values())}))

    def _find(self, text: str, start: int) -> list[tuple[int, int, int]]:
        assert self._automaton is not None
        if start == 0:
            return self._automaton.find_matches_as_indexes(text)
        return [(k, s + start, e + start) for k, s, e in self._automaton.find_matches_as_indexes(text[start:])]

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, term)`` of every dictionary form in ``text``, leftmost-longest, in order."""
        if self._automaton is None:
            return []
        found = self._find(text, 0)
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(found):
            k, s, e = found[i]
            form = self._forms[k]
            if not self._bad(text, form, s, e):
                out.append((s, e, self._terms[k]))
                i += 1
                continue
            # rare: a Latin/digit form inside a longer Latin word, or a short Han form across a boundary word; the
            # matches after it were found assuming it consumed [s, e), so scan again from where the scan goes on
            shorter = self._shorter_at(text, s, e)
            if shorter is not None:
                end, short = shorter
                out.append((s, end, self.form_to_term[short]))
                found, i = self._find(text, end), 0
            else:
                found, i = self._find(text, s + 1), 0
        return out

    def _bad(self, text: str, form: str, s: int, e: int) -> bool:
        return _latin_bad(text, form, s, e) or straddles(text, form, s, e, self._boundary)

    def _shorter_at(self, text: str, s: int, e: int) -> tuple[int, str] | None:
        for end in range(e - 1, s, -1):
            form = text[s:end]
            if form in self.form_to_term and not self._bad(text, form, s, end):
                return end, form
        return None
