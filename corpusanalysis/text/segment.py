"""Segmentation: clean document text → paragraphs and sentences with their section path.

:func:`segment` turns a cleaned corpus (one row per document, a ``text``
column made by :func:`corpusanalysis.clean.clean`) into a table of *units*:
one row per paragraph or per sentence, with character offsets into the
document's ``text``, the heading path (section) the unit sits under and the
document's metadata copied onto every unit.  :func:`split_sentences` is the
sentence splitter on its own, for reuse by the tokenizer.

Decisions (see also the docstrings):

* **Sentence ends** are ``。！？`` and ASCII ``!`` ``?`` (runs such as ``？！``
  stay together), and a line break.  ``；`` and ``：`` do *not* end a
  sentence: in policy speeches they separate the items of one enumerated
  sentence (``一是……；二是……；三是……。``).  The ellipsis ``……`` does not end a
  sentence.  Closing quotes and brackets right after an end mark stay with
  the sentence (``“……。”``); an ASCII ``"`` counts as closing only when it
  closes an open ``"`` of the same sentence.  End marks inside quotations do
  split (no quote-depth tracking: an unbalanced quote must not swallow the
  rest of a document).
* **Paragraphs** are the lines of ``text`` (runs of line breaks count as one
  break).  Inside a line, a heading marker at the start of a sentence (right
  after ``。！？!?``) starts a new paragraph, so documents that arrive as one
  long line are still split at their headings and enumerations.
* **Headings**, highest to lowest: ``一、`` (level 1); ``(一)`` / ``（一）``
  (level 2); ``1.`` ``1、`` ``(1)`` ``（1）`` (level 3); ``一是`` ``一要``
  ``第一，`` ``首先，`` ``其次，`` (level 4).  A marked paragraph that is short
  (at most :data:`MAX_HEADING_CHARS` characters) and does not end with
  sentence punctuation is a *standalone heading* (``unit_type="heading"``).
  If a heading marker opens a longer paragraph, the heading runs up to the
  first whitespace when that comes within :data:`MAX_HEADING_CHARS`
  characters before any sentence end (``一、……的重大意义 当前……。``: the heading
  becomes its own paragraph), otherwise the heading text is the paragraph's
  first sentence, cut before a ``——`` in it (``一要……武装头脑——以……。``), and
  the paragraph stays content (a *lead sentence*).
* **Section path**: a heading at level L replaces level L of the path and
  clears the deeper levels.  Levels 1–3 stay in force until replaced; a
  level-4 enumeration that is a lead sentence (``一要……。`` opening a
  paragraph) only covers its own paragraph, a standalone level-4 heading line
  stays in force until the next heading.  The path of a unit
  includes the unit's own heading, so ``groupby("section")`` keeps a heading
  with its content.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterator
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from .._checks import user_stacklevel
from .spans import Spans

__all__ = [
    "MAX_HEADING_CHARS",
    "UNIT_COLUMNS",
    "locate_tokens",
    "segment",
    "split_sentences",
    "tokens_to_units",
    "unit_level",
]

#: What a unit of :func:`segment` is (its ``level=``).
UnitLevel: TypeAlias = Literal["sentence", "paragraph"]
#: What a row of a frame is (:func:`unit_level`): a document, or a unit of :func:`segment`.
RowLevel: TypeAlias = Literal["document", "paragraph", "sentence"]

#: The unit columns of :func:`segment`, in order; metadata columns follow.
UNIT_COLUMNS = (
    "doc_id",
    "para_id",
    "sent_id",
    "unit_type",
    "heading",
    "section",
    "heading_level",
    "start",
    "end",
    "text",
    "n_chars",
)

#: Longest line (in characters) that can be a standalone heading or a title.
MAX_HEADING_CHARS = 60

#: Separator between the headings of a section path.
SECTION_SEPARATOR = " > "

_LEVELS: tuple[UnitLevel, ...] = ("sentence", "paragraph")
# Columns never copied onto units (besides the text column itself).
_DROPPED_COLUMNS = ("raw", "text", "tokens")

_END_MARKS = "。！？!?"
_END_RE = re.compile(r"[。！？!?]+|\n")
# Closing quotes/brackets that stay with the sentence they follow.
_CLOSERS = frozenset("”’」』》〉）)】〕]")
# A line that ends with one of these is prose, not a standalone heading.
_FINAL_PUNCT = frozenset("。！？!?；;…")
# A first line that ends with one of these is not a title.
_NOT_TITLE_END = frozenset("。！？!?；;：:，,、…")

# Ends the lead phrase of a marked paragraph: "一要用科学发展观武装头脑——以……".
_LEAD_DASH = "——"

_CN = "一二三四五六七八九十"
_DIGIT = "0-9０-９"
# Markers, tried in this order at a paragraph or sentence start.  Each regex is
# anchored with .match(text, pos) and has bounded repetition: linear time.
_MARKERS = (
    (2, re.compile(rf"[(（][{_CN}]{{1,3}}[)）]")),
    (3, re.compile(rf"[(（][{_DIGIT}]{{1,2}}[)）]")),
    (1, re.compile(rf"[{_CN}]{{1,3}}、")),
    (3, re.compile(rf"[{_DIGIT}]{{1,2}}(?:[.．](?![{_DIGIT}])|、)")),
    (4, re.compile(rf"(?:[{_CN}]{{1,3}}[是要]|第[{_CN}]{{1,3}}[，,]|(?:首先|其次)[，,])")),
)


def _heading_marker(text: str, pos: int) -> tuple[int, int] | None:
    """Return ``(level, marker_end)`` if a heading marker starts at ``text[pos]``."""
    for level, regex in _MARKERS:
        m = regex.match(text, pos)
        if m is not None:
            return level, m.end()
    return None


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so that it has no surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _iter_sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` in ``text`` coordinates (see :func:`split_sentences`)."""
    if end is None:
        end = len(text)
    sent_start = start
    for m in _END_RE.finditer(text, start, end):
        stop = m.end()
        if m.group() != "\n":
            # Keep closing quotes/brackets with the sentence.  An ASCII '"' closes
            # only when the sentence so far holds an odd number of them.
            n_ascii_quotes = None
            while stop < end:
                ch = text[stop]
                if ch in _CLOSERS:
                    stop += 1
                elif ch == '"':
                    if n_ascii_quotes is None:
                        n_ascii_quotes = text.count('"', sent_start, stop)
                    if n_ascii_quotes % 2 == 0:
                        break
                    n_ascii_quotes += 1
                    stop += 1
                else:
                    break
        s, e = _strip_span(text, sent_start, stop)
        if e > s:
            yield s, e
        sent_start = stop
    s, e = _strip_span(text, sent_start, end)
    if e > s:
        yield s, e


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentences and return their character offsets.

    A sentence ends after ``。``, ``！``, ``？``, ``!`` or ``?`` (a run of them
    counts as one end), together with the closing quotes and brackets that
    immediately follow (``”`` ``’`` ``」`` ``』`` ``》`` ``)`` ``）`` …; an ASCII
    ``"`` only when it closes a quote opened in the same sentence), and at
    every line break.  ``；``, ``：`` and the ellipsis ``……`` do not end a
    sentence.  Spans are stripped of surrounding whitespace and never empty,
    so every non-whitespace character lies in exactly one span.  Runs in
    linear time (one regex scan, no backtracking).

    Parameters
    ----------
    text : str
        Clean text: one sentence, a paragraph or a whole document.

    Returns
    -------
    list of tuple of (int, int)
        ``(start, end)`` offsets, in order, with ``text[start:end]`` the
        sentence.

    Raises
    ------
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> text = "习近平总书记指出：“科技创新是核心要素。”我们要勇争先、善作为！对吗？"
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['习近平总书记指出：“科技创新是核心要素。”', '我们要勇争先、善作为！', '对吗？']
    >>> split_sentences("一是强化攻关；二是促进转化……\\n三是深化改革。")
    [(0, 15), (16, 23)]
    """
    if not isinstance(text, str):
        raise TypeError(f"split_sentences() expects text as a str, got {type(text).__name__}.")
    return list(_iter_sentence_spans(text))


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: lines, further split before heading markers that open a sentence."""
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        line_end = n if nl == -1 else nl
        para_start = None
        for s, e in _iter_sentence_spans(text, pos, line_end):
            if para_start is None:
                para_start = s
            elif _heading_marker(text, s) is not None:
                spans.append((para_start, _strip_span(text, para_start, s)[1]))
                para_start = s
            last_end = e
        if para_start is not None:
            spans.append((para_start, last_end))
        if nl == -1:
            break
        pos = nl + 1
    return spans


def _split_heading(text: str, start: int, end: int, body: int) -> int | None:
    """Offset of the whitespace ending a heading at ``text[start:end]``, or None.

    ``body`` is where the heading words begin (after the marker and any space).
    The heading ends at the first whitespace within ``MAX_HEADING_CHARS`` of
    ``start`` if no sentence end comes before it.
    """
    limit = min(end, start + MAX_HEADING_CHARS)
    for i in range(body, limit):
        ch = text[i]
        if ch in _END_MARKS or ch == "\n":
            return None
        if ch.isspace():
            return i if i > body else None
    return None


def _is_single_line_heading(text: str, start: int, end: int, bad_endings: frozenset[str]) -> bool:
    """Short, one sentence, not ending with ``bad_endings``: a standalone heading or title."""
    if end - start > MAX_HEADING_CHARS or text[end - 1] in bad_endings:
        return False
    return not any(ch in _END_MARKS for ch in text[start:end])


#: One unit of a document: (para_id, sent_id, unit_type, heading, section, heading_level, start, end).
_Unit: TypeAlias = tuple[int, int, str, str, str, int | None, int, int]


def _doc_units(text: str, level: UnitLevel) -> list[_Unit]:
    """Units of one document: (para_id, sent_id, unit_type, heading, section, heading_level, start, end)."""
    units: list[_Unit] = []
    path: list[str] = ["", "", "", ""]  # heading texts of levels 1..4
    sticky_level4 = False  # a standalone level-4 heading line scopes forward like levels 1-3
    queue = _paragraph_spans(text)
    queue.reverse()  # used as a stack: pop() gives document order
    para_id = 0
    while queue:
        p_start, p_end = queue.pop()
        marker = _heading_marker(text, p_start)
        is_title = standalone = False
        head_text = ""
        head_level = None
        if marker is None:
            is_title = para_id == 0 and _is_single_line_heading(text, p_start, p_end, _NOT_TITLE_END)
        else:
            head_level, marker_end = marker
            if _is_single_line_heading(text, p_start, p_end, _FINAL_PUNCT):
                standalone = True
            else:
                body = _strip_span(text, marker_end, p_end)[0]
                cut = _split_heading(text, p_start, p_end, body)
                if cut is not None:
                    # "一、……的重大意义 当前……。": the heading, then a new paragraph.
                    queue.append(_strip_span(text, cut, p_end))
                    p_end = _strip_span(text, p_start, cut)[1]
                    standalone = True
            if standalone:
                head_text = text[p_start:p_end]
            else:  # a lead sentence: the heading is the paragraph's first sentence,
                # cut before a "——" that ends the lead phrase ("一要……头脑——以……。")
                first_start, first_end = next(_iter_sentence_spans(text, p_start, p_end))
                dash = text.find(_LEAD_DASH, marker_end, first_end)
                if dash > marker_end:
                    first_end = _strip_span(text, first_start, dash)[1]
                head_text = text[first_start:first_end]

        # Section path: level L replaces level L and clears the deeper levels.
        if not sticky_level4:
            path[3] = ""  # a lead-sentence enumeration covers its own paragraph only
        if head_level is not None:
            path[head_level - 1] = head_text
            for deeper in range(head_level, 4):
                path[deeper] = ""
            sticky_level4 = head_level == 4 and standalone
        section = "" if is_title else SECTION_SEPARATOR.join(h for h in path if h)

        if is_title or standalone or level == "paragraph":
            unit_type = "title" if is_title else "heading" if standalone else "paragraph"
            units.append((para_id, 0, unit_type, head_text, section, head_level, p_start, p_end))
        else:
            for sent_id, (s, e) in enumerate(_iter_sentence_spans(text, p_start, p_end)):
                if sent_id == 0 and head_level is not None:
                    units.append((para_id, 0, "sentence", head_text, section, head_level, s, e))
                else:
                    units.append((para_id, sent_id, "sentence", "", section, None, s, e))
        para_id += 1
    return units


def _is_list_like_column(col: pd.Series) -> bool:
    if col.dtype != object:
        return False
    return bool(col.map(pd.api.types.is_list_like).any())


def segment(corpus: pd.DataFrame, *, level: UnitLevel = "sentence", text_column: str = "text") -> pd.DataFrame:
    """Split each document's clean text into paragraphs or sentences.

    Every unit gets its position (paragraph and sentence number, character
    offsets into the document's text), its type, its own heading if it is
    one, and the section path of headings it sits under.  Heading markers
    (``一、`` level 1, ``(一)`` level 2, ``1.`` ``1、`` ``(1)`` level 3,
    ``一是`` ``一要`` ``第一，`` ``首先，`` ``其次，`` level 4) count only at the
    start of a paragraph or of a sentence, so ``第一批`` or a mid-sentence
    ``一是`` are not headings; documents that arrive as one long line are split
    at their headings.  See the module docstring for the full rules.

    Parameters
    ----------
    corpus : pandas.DataFrame
        One row per document, index ``doc_id`` (unique), with the clean text in
        ``text_column`` (made by :func:`corpusanalysis.clean.clean`).
    level : {"sentence", "paragraph"}, default "sentence"
        Unit of the output.  With ``"sentence"``, standalone headings and the
        title are single units and every other paragraph is split into
        sentences; with ``"paragraph"`` one row per paragraph, ``sent_id`` 0.
    text_column : str, default "text"
        Column holding the clean text.

    Returns
    -------
    pandas.DataFrame
        One row per unit in document order (corpus order, then offsets),
        index ``unit_id`` (``"<doc_id>/p0003/s002"`` for sentences,
        ``"<doc_id>/p0003"`` for paragraphs), columns:

        ``doc_id``
            The document.
        ``para_id``, ``sent_id``
            0-based paragraph number within the document and sentence number
            within the paragraph (always 0 at paragraph level).
        ``unit_type``
            ``"title"`` (the first paragraph, when it is one short sentence
            without final punctuation and no heading marker), ``"heading"`` (a standalone heading line), or
            ``"sentence"`` / ``"paragraph"`` (content).
        ``heading``
            The unit's own heading text: the whole unit for a standalone
            heading; for a paragraph opened by a heading marker (``一要……。``)
            its first (lead) sentence, up to a ``——`` in it if there is one,
            carried by that paragraph at paragraph
            level and by that sentence at sentence level, which stay content.
            Empty otherwise.
        ``section``
            Heading path joined with ``" > "``, including the unit's own
            heading; ``""`` before the first heading and for the title.
        ``heading_level``
            1–4 for units with a heading, else ``<NA>`` (Int64).  Not named
            ``level``: corpora have a ``level`` metadata column.
        ``start``, ``end``
            Offsets into the document's text: ``text[start:end]`` is the unit.
        ``text``
            The unit text, stripped of surrounding whitespace.
        ``n_chars``
            ``len(text)``.

        followed by the document's metadata: every corpus column except
        ``raw``, ``text``, ``tokens``, ``text_column`` and columns holding
        lists or arrays.  A metadata column whose name is a unit column (the
        ``n_chars`` of :func:`corpusanalysis.load.load_corpus`) is renamed
        ``doc_<name>``.

    Raises
    ------
    TypeError
        If ``corpus`` is not a DataFrame.
    ValueError
        If ``text_column`` is missing or holds non-text values, ``level`` is
        unknown, the index has duplicate ``doc_id`` values, or a metadata
        column clashes with a unit column and ``doc_<name>`` is taken too.

    Warns
    -----
    UserWarning
        Naming documents whose text is empty or missing: they have no units.

    Examples
    --------
    >>> import pandas as pd
    >>> corpus = pd.DataFrame(
    ...     {"text": ["科技创新讲话\\n一、提高认识\\n(一)高科技性\\n一是打造策源地。围绕前沿领域布局。"],
    ...      "year": [2024]},
    ...     index=pd.Index(["a"], name="doc_id"))
    >>> units = segment(corpus)
    >>> units[["para_id", "sent_id", "unit_type", "heading_level", "text"]]
                  para_id  sent_id unit_type  heading_level       text
    unit_id
    a/p0000/s000        0        0     title           <NA>     科技创新讲话
    a/p0001/s000        1        0   heading              1     一、提高认识
    a/p0002/s000        2        0   heading              2    (一)高科技性
    a/p0003/s000        3        0  sentence              4   一是打造策源地。
    a/p0003/s001        3        1  sentence           <NA>  围绕前沿领域布局。
    >>> units["section"].iloc[-1]
    '一、提高认识 > (一)高科技性 > 一是打造策源地。'
    >>> units.loc["a/p0003/s001", ["start", "end", "year"]].tolist()
    [30, 39, 2024]
    """
    if not isinstance(corpus, pd.DataFrame):
        raise TypeError(f"corpus must be a pandas DataFrame with one row per document, got {type(corpus).__name__}.")
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {list(_LEVELS)}, got level={level!r}.")
    if text_column not in corpus.columns:
        raise ValueError(
            f"text_column={text_column!r} is not a column of corpus; its columns are {list(corpus.columns)}. "
            "segment() needs the clean text: run clean() first (corpusanalysis.clean.clean(corpus))."
        )
    if not corpus.index.is_unique:
        dupes = sorted(map(str, corpus.index[corpus.index.duplicated()].unique()))
        raise ValueError(f"corpus index (doc_id) must be unique; duplicated: {dupes[:10]}.")

    texts = corpus[text_column]
    bad = [
        str(doc_id)
        for doc_id, value in texts.items()
        if not isinstance(value, str) and (pd.api.types.is_list_like(value) or not pd.isna(value))
    ]
    if bad:
        raise ValueError(
            f"text_column={text_column!r} must hold strings (clean text); documents {bad[:10]} hold other values."
        )

    # Metadata: everything but the texts and list-like columns, renamed on a clash.
    dropped = {*_DROPPED_COLUMNS, text_column}
    meta_cols = [c for c in corpus.columns if c not in dropped and not _is_list_like_column(corpus[c])]
    renames: dict[Any, str] = {}
    for c in meta_cols:
        if c in UNIT_COLUMNS:
            new = f"doc_{c}"
            if new in meta_cols or new in UNIT_COLUMNS:
                raise ValueError(
                    f"corpus column {c!r} clashes with a unit column and its replacement name {new!r} is taken "
                    "as well; rename one of them before segment()."
                )
            renames[c] = new

    rows: dict[str, list[Any]] = {name: [] for name in UNIT_COLUMNS}
    unit_ids: list[str] = []
    empty_docs: list[str] = []
    for doc_id, text in texts.items():
        doc_id = str(doc_id)
        if not isinstance(text, str) or not text.strip():
            empty_docs.append(doc_id)
            continue
        for para_id, sent_id, unit_type, heading, section, head_level, s, e in _doc_units(text, level):
            unit_ids.append(f"{doc_id}/p{para_id:04d}" + (f"/s{sent_id:03d}" if level == "sentence" else ""))
            rows["doc_id"].append(doc_id)
            rows["para_id"].append(para_id)
            rows["sent_id"].append(sent_id)
            rows["unit_type"].append(unit_type)
            rows["heading"].append(heading)
            rows["section"].append(section)
            rows["heading_level"].append(head_level)
            rows["start"].append(s)
            rows["end"].append(e)
            rows["text"].append(text[s:e])
            rows["n_chars"].append(e - s)
    if empty_docs:
        warnings.warn(
            f"{len(empty_docs)} document(s) have empty or missing {text_column!r} and get no units: {empty_docs[:10]}.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )

    units = pd.DataFrame(
        {
            "doc_id": pd.array(rows["doc_id"], dtype="str"),
            "para_id": np.asarray(rows["para_id"], dtype=np.int64),
            "sent_id": np.asarray(rows["sent_id"], dtype=np.int64),
            "unit_type": pd.array(rows["unit_type"], dtype="str"),
            "heading": pd.array(rows["heading"], dtype="str"),
            "section": pd.array(rows["section"], dtype="str"),
            "heading_level": pd.array(rows["heading_level"], dtype="Int64"),
            "start": np.asarray(rows["start"], dtype=np.int64),
            "end": np.asarray(rows["end"], dtype=np.int64),
            "text": pd.array(rows["text"], dtype="str"),
            "n_chars": np.asarray(rows["n_chars"], dtype=np.int64),
        },
        index=pd.Index(unit_ids, dtype="str", name="unit_id"),
    )

    positions = corpus.index.astype(str).get_indexer(pd.Index(rows["doc_id"], dtype=object))
    meta_rows = corpus[meta_cols].rename(columns=renames).iloc[positions].set_axis(units.index, axis=0)
    return pd.concat([units, meta_rows], axis=1)


# ----------------------------------------------------------------------------- units of tokenized frames
def unit_level(frame: pd.DataFrame) -> RowLevel:
    """What a row of ``frame`` is: ``"document"``, ``"paragraph"`` or ``"sentence"``.

    The one rule of the package: a frame without a ``unit_type`` column is a corpus (one row per
    document); units of :func:`segment` are sentences when any unit is a sentence, otherwise
    paragraphs (a selection of headings and titles only is paragraph-level).

    Examples
    --------
    >>> import pandas as pd
    >>> unit_level(pd.DataFrame({"text": ["发展新质生产力。"]}))
    'document'
    >>> unit_level(segment(pd.DataFrame({"text": ["一、总体要求\\n发展新质生产力。"]}), level="sentence"))
    'sentence'
    """
    if "unit_type" not in frame.columns:
        return "document"
    kinds = set(frame["unit_type"].dropna().astype(str))
    return "sentence" if "sentence" in kinds else "paragraph"


def locate_tokens(unit_rows: np.ndarray, unit_starts: np.ndarray, unit_ends: np.ndarray, token_rows: np.ndarray,
                  token_starts: np.ndarray) -> np.ndarray:
    """For every token, the position of the unit its start offset falls in (``-1``: in no unit).

    Units and tokens are given by their row (document) and character offsets into that row's text;
    units must be sorted by row, then start (as :func:`segment` returns them).  A token belongs to
    the unit with ``start <= token start < end`` of the same row: the one rule by which every part
    of the package turns document tokens into unit tokens.

    Examples
    --------
    >>> import numpy as np
    >>> locate_tokens(np.array([0, 0, 1]), np.array([0, 5, 0]), np.array([4, 9, 3]),
    ...               np.array([0, 0, 0, 1]), np.array([1, 4, 6, 2])).tolist()
    [0, -1, 1, 2]
    """
    unit_rows = np.asarray(unit_rows, dtype=np.int64)
    token_rows = np.asarray(token_rows, dtype=np.int64)
    token_starts = np.asarray(token_starts, dtype=np.int64)
    if not len(token_rows):
        return np.empty(0, dtype=np.int64)
    if not len(unit_rows):
        return np.full(len(token_rows), -1, dtype=np.int64)
    # one global coordinate: rows laid end to end, each as long as its furthest offset + 1
    reach = np.zeros(int(max(unit_rows.max(), token_rows.max())) + 1, dtype=np.int64)
    np.maximum.at(reach, unit_rows, np.asarray(unit_ends, dtype=np.int64) + 1)
    np.maximum.at(reach, token_rows, token_starts + 1)
    base = np.concatenate([[0], np.cumsum(reach)[:-1]])
    starts = base[unit_rows] + np.asarray(unit_starts, dtype=np.int64)
    ends = base[unit_rows] + np.asarray(unit_ends, dtype=np.int64)
    at = base[token_rows] + token_starts
    pos = np.searchsorted(starts, at, side="right") - 1
    inside = (pos >= 0) & (at < ends[np.maximum(pos, 0)]) & (unit_rows[np.maximum(pos, 0)] == token_rows)
    return np.where(inside, pos, -1).astype(np.int64)


def tokens_to_units(frame: pd.DataFrame, level: UnitLevel, *, where: str = "tokens_to_units()") -> pd.DataFrame:
    """Tokenized documents → tokenized paragraphs or sentences, without tokenizing again.

    Each document of ``frame`` (a tokenized corpus: ``text``, ``tokens``, ``token_spans``) is split
    by :func:`segment`, and every token goes to the unit its start offset falls in
    (:func:`locate_tokens`), so the tokens of the units are exactly those of the documents.  A token
    that starts in no unit (only whitespace tokens kept with ``keep=("space",)`` can) is not
    counted, with a warning.

    Parameters
    ----------
    frame : pandas.DataFrame
        A tokenized corpus (one row per document).
    level : {"paragraph", "sentence"}

    Returns
    -------
    pandas.DataFrame
        The units of :func:`segment` with ``tokens``, ``token_spans`` (offsets into the unit's
        ``text``), ``pos`` (when ``frame`` has it) and ``n_tokens``.

    Examples
    --------
    >>> import corpusanalysis as ca
    >>> docs = ca.tokenize(ca.clean(ca.load_seeds()))
    >>> units = tokens_to_units(docs, "paragraph")
    >>> int(units["n_tokens"].sum()) == int(docs["n_tokens"].sum())
    True
    """
    missing = [c for c in ("text", "tokens", "token_spans") if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{where}: splitting documents into {level}s needs the {missing} column(s) of tokenize(clean(corpus)); "
            f"the frame has columns {list(frame.columns)[:12]}. Pass units from tokenize(segment(corpus, "
            f"level={level!r})) instead."
        )
    if unit_level(frame) != "document":
        raise ValueError(f"{where}: the frame holds {unit_level(frame)} units, not documents; units cannot be split "
                         "into units again here.")
    base = frame.drop(columns=[c for c in ("tokens", "token_spans", "pos", "n_tokens") if c in frame.columns])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # empty documents have no units and no tokens: nothing is lost
        units = segment(base, level=level)
    position = {str(i): k for k, i in enumerate(frame.index)}
    unit_rows = units["doc_id"].map(position).to_numpy(dtype=np.int64)
    flat_spans, lengths = flat_offsets(frame["token_spans"].tolist())
    token_rows = np.repeat(np.arange(len(frame), dtype=np.int64), lengths)
    unit_of = locate_tokens(unit_rows, units["start"].to_numpy(), units["end"].to_numpy(), token_rows,
                            flat_spans[:, 0])
    lost = int((unit_of < 0).sum())
    if lost:
        warnings.warn(f"{where}: {lost} token(s) lie outside every {level} (between units) and are not counted.",
                      UserWarning, stacklevel=user_stacklevel())
    kept = np.flatnonzero(unit_of >= 0)
    kept = kept[np.argsort(unit_of[kept], kind="stable")]  # by unit, in text order within a unit
    counts = np.bincount(unit_of[kept], minlength=len(units))
    bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
    flat_tokens = np.asarray([t for toks in frame["tokens"].tolist() for t in (toks or ())], dtype=object)[kept]
    relative = flat_spans[kept] - units["start"].to_numpy(dtype=np.int64)[unit_of[kept], None]
    out = units.copy()
    out["tokens"] = pd.Series([tuple(flat_tokens[a:b].tolist()) for a, b in itertools.pairwise(bounds)],
                              index=units.index, dtype=object)
    out["token_spans"] = pd.Series([Spans(relative[a:b]) for a, b in itertools.pairwise(bounds)], index=units.index,
                                   dtype=object)
    if "pos" in frame.columns:
        tags = np.asarray([p for row in frame["pos"].tolist() for p in (row or ())], dtype=object)[kept]
        out["pos"] = pd.Series([tuple(tags[a:b].tolist()) for a, b in itertools.pairwise(bounds)], index=units.index,
                               dtype=object)
    out["n_tokens"] = counts.astype(np.int64)
    return out


def flat_offsets(spans: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The ``(start, end)`` offsets of many rows as one ``(n, 2)`` int64 array, and the count of each row.

    Rows may hold :class:`~corpusanalysis.text.spans.Spans`, tuples of pairs, or ``None`` (no tokens).

    Examples
    --------
    >>> flat, counts = flat_offsets([Spans([(0, 2)]), ((0, 1), (1, 3)), None])
    >>> flat.tolist(), counts.tolist()
    ([[0, 2], [0, 1], [1, 3]], [1, 2, 0])
    """
    arrays = [s.array if isinstance(s, Spans) else np.asarray(s if s is not None else (), dtype=np.int64).reshape(-1, 2)
              for s in spans]
    counts = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=len(arrays))
    flat = np.concatenate(arrays).astype(np.int64) if arrays else np.zeros((0, 2), dtype=np.int64)
    return flat, counts
