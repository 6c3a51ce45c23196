"""Make executed notebooks byte-stable, so that ``make figures`` leaves committed notebooks unchanged.

``make figures`` executes every notebook in place; what a kernel prints that changes from run to run
without the analysis changing is rewritten here, with the same rules as the nbval sanitizer
(``tests/nbval_sanitize.cfg``):

* memory addresses in reprs (``<… Styler at 0x7f4f786a1e90>``) → ``0xADDRESS``;
* the kernel's temporary cell files in warnings (``/tmp/ipykernel_6432/610355827.py``) →
  ``/tmp/ipykernel/610355827.py`` (the number after the folder is the hash of the cell's code);
* ipywidgets: the saved widget state (``metadata.widgets``) and the widget-view outputs, whose model
  ids are random, are dropped; the output keeps its ``text/plain`` form (``Explorer(documents=5, …)``).
  Re-run the cell in JupyterLab to get the live widget.

Usage (done by ``make figures`` after each notebook)::

    python -m corpusanalysis._notebooks notebooks/07-explore.ipynb
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

__all__ = ["stabilize", "stabilize_file"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b0x[0-9a-fA-F]{6,16}\b"), "0xADDRESS"),
    (re.compile(r"/ipykernel_\d+/"), "/ipykernel/"),
)


def _text(value: str | list[str]) -> str | list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value]  # type: ignore[misc]
    for pattern, replacement in RULES:
        value = pattern.sub(replacement, value)
    return value


def stabilize(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook (a dict as nbformat reads it) with its volatile outputs rewritten; changed in place and returned.

    Examples
    --------
    >>> nb = {"metadata": {"widgets": {}}, "cells": [{"cell_type": "code", "outputs": [
    ...     {"output_type": "stream", "name": "stderr", "text": "/tmp/ipykernel_6432/1.py:1: UserWarning: 空"},
    ...     {"output_type": "execute_result", "data": {"text/plain": "<Styler at 0x7f4f786a1e90>",
    ...      "application/vnd.jupyter.widget-view+json": {"model_id": "a890"}}}]}]}
    >>> out = stabilize(nb)
    >>> out["metadata"], out["cells"][0]["outputs"][0]["text"]
    ({}, '/tmp/ipykernel/1.py:1: UserWarning: 空')
    >>> out["cells"][0]["outputs"][1]["data"]
    {'text/plain': '<Styler at 0xADDRESS>'}
    """
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = _text(output["text"])
            data = output.get("data")
            if isinstance(data, dict):
                data.pop(WIDGET_VIEW, None)
                for mime in ("text/plain", "text/html"):
                    if mime in data:
                        data[mime] = _text(data[mime])
            if output.get("output_type") == "error":
                output["traceback"] = _text(output.get("traceback", []))
    return nb


def stabilize_file(path: str | Path) -> bool:
    """Rewrite one ``.ipynb`` file with :func:`stabilize`; True when it changed."""
    import nbformat

    path = Path(path)
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=nbformat.NO_CONVERT)
    after = nbformat.writes(stabilize(nb))
    if not after.endswith("\n"):
        after += "\n"
    if after == before:
        return False
    path.write_text(after, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    for name in argv if argv is not None else sys.argv[1:]:
        stabilize_file(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
