"""Matching dictionary surface forms in text: leftmost-longest, with Latin word boundaries.

Every surface form of every dictionary term is compiled into one trie-shaped regular expression
(:func:`trie_regex`); :class:`Matcher` scans a text left to right and takes, at each position, the
longest form that starts there, so a term is never split and a longer term wins over the shorter
terms inside it.  A form made of Latin letters or digits only matches as a whole ASCII word ("AI"
does not match inside "MAIL").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = ["Matcher", "trie_regex"]


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


class Matcher:
    """Leftmost-longest matching of dictionary forms, with ASCII word boundaries for Latin forms."""

    def __init__(self, forms: pd.DataFrame) -> None:
        self.form_to_term: dict[str, str] = dict(zip(forms["form"], forms["term"]))
        words = sorted(self.form_to_term, key=lambda w: (-len(w), w))
        self.pattern = re.compile(trie_regex(words)) if words else None

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, term)`` of every dictionary form in ``text``, leftmost-longest, in order."""
        out: list[tuple[int, int, str]] = []
        if self.pattern is None:
            return out
        pos = 0
        search = self.pattern.search
        n = len(text)
        while pos <= n:
            m = search(text, pos)
            if not m:
                break
            s, e = m.span()
            if s == e:  # cannot happen with non-empty forms; guard against an endless loop
                pos = s + 1
                continue
            form = m.group(0)
            left_bad = (form[0].isascii() and form[0].isalnum() and s > 0
                        and text[s - 1].isascii() and text[s - 1].isalnum())
            right_bad = form[-1].isascii() and form[-1].isalnum() and e < n and text[e].isascii() and text[e].isalnum()
            if left_bad or right_bad:
                # a Latin/digit form inside a longer Latin word ("AI" in "MAIL"): try shorter forms here
                shorter = self._shorter_at(text, s, e)
                if shorter is None:
                    pos = s + 1
                    continue
                e, form = shorter
            out.append((s, e, self.form_to_term[form]))
            pos = e
        return out

    def _shorter_at(self, text: str, s: int, e: int) -> tuple[int, str] | None:
        for end in range(e - 1, s, -1):
            form = text[s:end]
            if form in self.form_to_term:
                right_bad = form[-1].isascii() and form[-1].isalnum() and text[end].isascii() and text[end].isalnum()
                left_bad = (form[0].isascii() and form[0].isalnum() and s > 0
                            and text[s - 1].isascii() and text[s - 1].isalnum())
                if not (right_bad or left_bad):
                    return end, form
        return None
