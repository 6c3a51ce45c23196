"""Short labels that never collide: for bars, heatmap rows and legends of any number of documents.

A label is cut to ``max_chars`` with an ellipsis; labels that then coincide are rebuilt from the part of
their full text that tells them apart (the common beginning and end of the group are elided), and, as a
last resort, numbered.  Used by :func:`corpusanalysis.corpus_summary` and every per-document figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

__all__ = ["shorten", "unique_labels"]

ELLIPSIS = "…"


def _common_prefix(texts: list[str]) -> int:
    """Length of the characters all ``texts`` start with (character-wise, not path-wise)."""
    first, last = min(texts), max(texts)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return n


def shorten(text: str, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` characters, the cut marked with ``…``.

    Examples
    --------
    >>> shorten("国务院关于印发新一代人工智能发展规划的通知", 10)
    '国务院关于印发新一…'
    >>> shorten("政府工作报告", 10)
    '政府工作报告'
    """
    return text if len(text) <= max_chars else text[:max(1, max_chars - 1)] + ELLIPSIS


def _middle(text: str, max_chars: int) -> str:
    """``text`` cut in the middle (its start and end are kept)."""
    if len(text) <= max_chars:
        return text
    head = max(1, (max_chars - 1) * 2 // 3)
    tail = max(0, max_chars - 1 - head)
    return text[:head] + ELLIPSIS + (text[-tail:] if tail else "")


def _distinct(full: str, prefix: int, suffix: int, max_chars: int) -> str:
    """The label of ``full`` showing what differs from its group (common ``prefix``/``suffix`` lengths): the part
    that differs, with as much of the shared text around it as fits, the rest elided."""
    lead, core, tail = full[:prefix], full[prefix:len(full) - suffix], full[len(full) - suffix:]
    if len(core) + (1 if lead else 0) + (1 if tail else 0) >= max_chars:
        return (ELLIPSIS if lead else "") + _middle(core, max_chars - (1 if lead else 0))
    room = max_chars - len(core)
    # the whole shared beginning when it fits, else its first characters, "…" and the characters just before
    # the difference; the same for the shared end
    if len(lead) + len(tail) <= room:
        return lead + core + tail
    tail_room = min(len(tail), max(0, room // 3))
    lead_room = room - tail_room - (1 if tail_room < len(tail) else 0)
    if len(lead) > lead_room:
        head = min(3, max(0, lead_room - 1 - 2))
        before = max(0, lead_room - 1 - head)
        lead = lead[:head] + ELLIPSIS + (lead[len(lead) - before:] if before else "")
    end = tail[:tail_room] + (ELLIPSIS if tail_room < len(tail) else "")
    return lead + core + end


def unique_labels(labels: Iterable[object], *, max_chars: int = 24,
                  short: Iterable[str] | None = None) -> list[str]:
    """Labels of at most ``max_chars`` characters (plus a number in rare ties) that are all different.

    Parameters
    ----------
    labels : iterable
        The full labels (titles, ids); converted with ``str``.
    max_chars : int, default 24
    short : iterable of str, optional
        Preferred short forms (e.g. already cut titles); a short form shared by several labels is
        replaced by one built from the full labels.

    Returns
    -------
    list of str
        In the input order.  Equal full labels are numbered (``" #2"``) in input order.

    Examples
    --------
    >>> unique_labels(["第十四届全国人民代表大会第三次会议关于政府工作报告的决议",
    ...                "第十四届全国人民代表大会第二次会议关于政府工作报告的决议"], max_chars=12)
    ['第十四…大会第三次会议…', '第十四…大会第二次会议…']
    >>> unique_labels(["all", "all", "b"])
    ['all #1', 'all #2', 'b']
    """
    full = [str(x) for x in labels]
    out = [shorten(f, max_chars) for f in full] if short is None else [str(s) for s in short]
    if len(out) != len(full):
        raise ValueError(f"unique_labels(): {len(out)} short labels for {len(full)} labels.")
    for _ in range(2):  # a rebuilt label may meet another group's label: one more round
        groups: dict[str, list[int]] = defaultdict(list)
        for i, label in enumerate(out):
            groups[label].append(i)
        clashes = [idx for idx in groups.values() if len(idx) > 1]
        if not clashes:
            return out
        for idx in clashes:
            texts = [full[i] for i in idx]
            distinct = sorted(set(texts))
            if len(distinct) > 1:
                prefix = _common_prefix(distinct)
                suffix = _common_prefix([t[::-1] for t in distinct])
                suffix = min(suffix, min(len(t) for t in distinct) - prefix)
                for i in idx:
                    out[i] = _distinct(full[i], prefix, max(suffix, 0), max_chars)
    # what is still shared (equal full labels, or cuts that still meet): number in input order
    groups = defaultdict(list)
    for i, label in enumerate(out):
        groups[label].append(i)
    for label, idx in groups.items():
        if len(idx) > 1:
            for k, i in enumerate(idx, start=1):
                out[i] = f"{label} #{k}"
    return out
