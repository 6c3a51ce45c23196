"""CSV files meant for spreadsheets: UTF-8 with a BOM, and no cell that Excel or LibreOffice would run as a formula.

Every CSV the package writes (report tables, the CLI's audit trail and summaries, network node and edge lists,
the explorer's export) goes through :func:`write_csv`.  A text cell that starts with ``=``, ``+``, ``-`` or ``@``
(or with tabs, carriage returns or spaces before one of them) is written with a leading apostrophe, as OWASP
recommends against CSV injection (https://owasp.org/www-community/attacks/CSV_Injection): a spreadsheet shows
the apostrophe-prefixed text as text.  Numbers are never changed; Parquet files keep the values as they are.
"""

from __future__ import annotations

import os
import re
from typing import IO, Any

import pandas as pd

__all__ = ["FORMULA_START", "neutralize", "safe_cells", "write_csv"]

#: What makes a spreadsheet read a cell as a formula: one of = + - @, possibly after tabs, returns and spaces.
FORMULA_START = re.compile(r"^[\t\r ]*[=+\-@]")


def neutralize(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run as a formula.

    Examples
    --------
    >>> neutralize('=HYPERLINK("http://x","点击")'), neutralize("-1"), neutralize(-1), neutralize("新质生产力")
    ('\\'=HYPERLINK("http://x","点击")', "'-1", -1, '新质生产力')
    """
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def _text_columns(frame: pd.DataFrame) -> list[Any]:
    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)]


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and text index labels) are :func:`neutralize`\\ d."""
    out = frame.copy()
    for col in _text_columns(out):
        values = out[col].tolist()
        if any(isinstance(v, str) and FORMULA_START.match(v) for v in values):
            out[col] = pd.Series([neutralize(v) for v in values], index=out.index, dtype=object)
    text_index = out.index.dtype == object or pd.api.types.is_string_dtype(out.index.dtype)
    if text_index and any(isinstance(v, str) and FORMULA_START.match(v) for v in out.index):
        out.index = pd.Index([neutralize(v) for v in out.index], name=out.index.name)
    return out


def write_csv(frame: pd.DataFrame, target: str | os.PathLike[str] | IO[str], *, index: bool = True,
              header: bool = True, **kwargs: Any) -> None:
    """Write ``frame`` as CSV for spreadsheets: formula-leading text cells neutralised, UTF-8 with BOM for paths.

    Examples
    --------
    >>> import io
    >>> buffer = io.StringIO()
    >>> write_csv(pd.DataFrame({"title": ["=1+1", "创新"], "n": [-1, 2]}), buffer, index=False)
    >>> buffer.getvalue().splitlines()
    ['title,n', "'=1+1,-1", '创新,2']
    """
    safe = safe_cells(frame)
    if isinstance(target, (str, os.PathLike)):
        kwargs.setdefault("encoding", "utf-8-sig")
    safe.to_csv(target, index=index, header=header, **kwargs)
