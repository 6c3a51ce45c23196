"""Tests for corpusanalysis._csv: CSV files safe to open in a spreadsheet."""

from __future__ import annotations

import pandas as pd

from corpusanalysis._csv import neutralize, safe_cells, write_csv


def test_formula_leading_text_is_prefixed_numbers_and_text_are_not(tmp_path):
    frame = pd.DataFrame({"term": ["=cmd", "+1", "-x", "@SUM(A1)", "\t=1", " +2", "创新", "a=b", ""],
                          "count": [-1, 2, 3, 4, 5, 6, 7, 8, 9]},
                         index=pd.Index(["=id", "b", "c", "d", "e", "f", "g", "h", "i"], name="doc_id"))
    safe = safe_cells(frame)
    assert safe["term"].tolist() == ["'=cmd", "'+1", "'-x", "'@SUM(A1)", "'\t=1", "' +2", "创新", "a=b", ""]
    assert safe["count"].tolist() == frame["count"].tolist() and safe.index[0] == "'=id"
    pd.testing.assert_frame_equal(frame, frame.copy())  # the caller's frame is untouched
    write_csv(frame, tmp_path / "t.csv")
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel shows Chinese
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    assert back["count"].tolist()[0] == -1 and back["doc_id"].tolist()[0] == "'=id"
    assert neutralize(None) is None and neutralize(3.5) == 3.5
