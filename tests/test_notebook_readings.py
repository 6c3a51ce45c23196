"""Every number in a notebook's reading is a number the notebook prints (issue 18: readings that cannot drift).

nbval checks that every printed output is what the code gives today; this test checks that every number quoted
in the markdown readings (cells that start with **Reading.**, and the numbers in other markdown cells that
follow a computed result) appears among the numbers of the notebook's stored outputs.  Together: a number in a
reading can only change if the output it quotes changes, and then nbval fails until the reading is re-read.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")
#: Numbers a reading may use without printing them: counts of things named in the sentence ("three themes",
#: "five speeches" are words) and single digits, which any table prints.
TRIVIAL = {str(i) for i in range(10)} | {p.name[:2] for p in NOTEBOOKS} | {"10000"}  # notebook numbers, the rate unit
#: In outputs, numbers also count when glued to what follows (doc ids such as ``000_bf3418ef``), not inside words.
SCIENTIFIC = re.compile(r"(?<![A-Za-z0-9.])\d\.\d+e[-+]\d+")
PRINTED = re.compile(r"(?<![A-Za-z0-9.])\d[\d,]*(?:\.\d+)?")


def _numbers(text: str, pattern: re.Pattern[str] = NUMBER) -> set[str]:
    found = set()
    for m in pattern.findall(text):
        n = m.replace(",", "").rstrip(".")
        found.add(n)
        if "." in n:  # 0.030 printed, 0.03 quoted
            found.add(n.rstrip("0").rstrip("."))
    return found


QUOTED = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(\s?%)?(?![\w])")


def _quoted(text: str) -> list[tuple[str, bool]]:
    """The numbers of a reading, with whether each is a percentage (``42 %``)."""
    return [(m.group(1).replace(",", "").rstrip("."), bool(m.group(2))) for m in QUOTED.finditer(text)]


def _is_printed(number: str, percent: bool, printed: set[str], floats: list[float]) -> bool:
    """Printed as it is, or the rounding of a printed value (``0.868`` → ``0.87``; ``0.423356`` → ``42 %``)."""
    if number in printed:
        return True
    decimals = len(number.split(".")[1]) if "." in number else 0
    value = float(number)
    if "." not in number and not percent:
        return False  # a count is quoted exactly as printed
    scale = 100.0 if percent else 1.0
    return any(round(f * scale, decimals) == value for f in floats)


def _outputs(nb: dict) -> str:
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append("".join(out["text"]))
            for mime in ("text/plain", "text/html"):
                if mime in out.get("data", {}):
                    parts.append("".join(out["data"][mime]))
    return "\n".join(parts)


def _readings(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"]
            if c["cell_type"] == "markdown" and "".join(c["source"]).lstrip().startswith("**Reading.**")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_number_of_a_reading_is_printed_by_the_notebook(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    text = _outputs(nb)
    printed = _numbers(text, PRINTED)
    floats = sorted({float(n) for n in printed if "." in n}
                    | {float(m) for m in SCIENTIFIC.findall(text)})  # 2.149211e-03 → 0.0021
    missing = []
    for reading in _readings(nb):
        for n, percent in _quoted(reading):
            if n in TRIVIAL and not percent:
                continue
            if not _is_printed(n, percent, printed, floats):
                missing.append(n + (" %" if percent else ""))
    assert not missing, (f"{path.name}: the reading quotes {missing}, which no output of the notebook prints; "
                         "print the summary it comes from (one library call) or correct the reading.")


def test_every_notebook_with_results_has_a_reading():
    without = [p.name for p in NOTEBOOKS if not _readings(json.loads(p.read_text(encoding="utf-8")))]
    assert without == [] or set(without) <= {"07-explore.ipynb"}, without


# --- the claims a reviewer found contradicted by the tables (issue 18), asserted against the library ---------
def _reading(name: str) -> str:
    nb = json.loads((NOTEBOOKS[0].parent / name).read_text(encoding="utf-8"))
    return " ".join(_readings(nb)).replace("\n", " ")


def test_02_names_every_truncated_page(cleaned):
    truncated = sorted(i[:3] for i in cleaned.index[cleaned["truncated"].fillna(False).astype(bool)])
    assert truncated == ["000", "001", "002"]
    assert "Three pages are cut off (`truncated`): 000 says so" in _reading("02-cleaning.ipynb")
    assert "001 and 002 end mid-sentence" in _reading("02-cleaning.ipynb")


def test_04_terms_called_outside_the_dictionary_are_outside_it():
    import corpusanalysis as ca

    terms = set(ca.load_dictionary().terms["term"])
    reading = _reading("04-theme-vocabulary.ipynb")
    inside = re.search(r"lead there — (.+?) — are dictionary terms", reading).group(1).split(", ")
    outside = re.search(r"\*outside\* the dictionary are (.+?) …", reading).group(1).split(", ")
    assert inside and all(t in terms for t in inside), inside
    assert outside and not any(t in terms for t in outside), outside


def test_06_says_the_significant_associate_of_a_rare_term_is_significant(docs):
    import corpusanalysis as ca

    table = ca.term_associates(docs, "容错纠错", n=12)
    row = table[table["associate"] == "案例"].iloc[0]
    assert row["n_ab"] == 2 and row["p_adj"] < 0.05
    nb = json.loads((NOTEBOOKS[0].parent / "06-cooccurrence.ipynb").read_text(encoding="utf-8"))
    markdown = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "can be significant" not in markdown.replace("\n", " ").replace("nothing it travels with", "")
    assert "yet one associate is significant: 案例" in markdown.replace("\n", " ")
