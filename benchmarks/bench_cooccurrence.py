"""Co-occurrence counting speed and memory: sparse ``cooccurrence()`` vs a plain Python dict loop.

The texts (default: the first ~12 MB of ``../shared/corpora/chinaxiv-zh/txt/*.txt``) are cleaned with
``clean_text`` and tokenized with the package's ``Tokenizer`` (policy dictionary, default stopwords)
once; the tokens are cached in ``/tmp/corpusanalysis-bench-cooccurrence/`` (keyed by the file list,
the size limit and the tokenizer's settings), so neither cleaning nor tokenizing is timed.  MB are
UTF-8 megabytes (10^6 bytes) of clean text.

Every row counts the **same thing** — the documented definition of :mod:`corpusanalysis.cooccurrence`:
binary incidence of terms in contexts, ``n_ab`` = contexts containing both terms, ``n_a`` = contexts
containing the term, ``N`` = contexts with at least one token:

* ``window=5``: contexts are the positions of a 5-token sliding window inside each document;
* ``sentence``: contexts are the sentences of :func:`corpusanalysis.segment`.

Rows (all in one run, each in its own child process started with this interpreter):

* ``tokens loaded`` — the child loads the cached document tokens and does nothing else (its resident
  set is printed as the floor);
* ``dict loop`` — the baseline: for every context, ``sorted(set(tokens))``, then ``n_a[a] += 1``
  and ``n_ab[(a, b)] += 1`` for every pair, in plain dicts (no measures, no table);
* ``sparse counts`` — the counting core of ``cooccurrence()`` alone (vocabulary, ``n_a``, ``n_ab``
  arrays): for sentences the binary context × term matrix ``X`` and the upper triangle of
  ``X.T @ X``; for windows the equivalent banded construction (pairs of positions at most ``w - 1``
  apart, weighted by the windows in which both are the first of their type, summed in a sparse
  matrix), which never builds the 1.4 M window rows;
* ``cooccurrence()`` — the public function end to end: counting, all measures (PMI, NPMI, G² with
  p-values, Benjamini–Hochberg over *every* co-occurring pair, Dice, Jaccard) and the sorted table
  of pairs with ``n_ab >= 2`` (the default ``min_count``);
* for sentences, the sparse rows get the sentence token lists (split from the document tokens by
  ``segment()`` offsets while preparing), and ``cooccurrence(docs, window="sentence")`` additionally
  runs ``segment()`` on the documents inside the clock.

Every child checks its result: the number of contexts, of pairs with ``n_ab >= 1`` and ``>= 2``, and
the sums of ``n_ab`` and ``n_a`` must equal the dict loop's (``check`` column; the table of
``cooccurrence()`` is checked on its contexts and its pairs with ``n_ab >= 2``).  ``seconds`` is wall
time of the counting only.  ``peak MB above input`` is the child's peak resident set during the
counting minus its resident set just before (input loaded, peak reset through
``/proc/self/clear_refs``), i.e. the memory the counting itself needed, output included (the
``cooccurrence()`` rows build a 2-2.7 M-row table of 14 columns, ≈ 250-340 MB by itself).  ``x dict``
is seconds (or MB) divided by the dict loop's in the same run, so below 1 is faster (smaller).  When
``--dict-fraction`` is below 1, the dict loop runs on the first fraction of the documents (or
sentences) and its seconds and MB are extrapolated linearly (say so when quoting); at 12 MB the
full loop takes 10-30 s, so the default runs it whole.

Usage::

    .venv/bin/python benchmarks/bench_cooccurrence.py [--folder DIR] [--limit-mb 12] [--dict-fraction 1.0]

Runtime ≈ 2 minutes on 2 cores (tokenizing once ≈ 1-1.5 minutes more; later runs read the cache).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import pickle
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "chinaxiv-zh" / "txt"
CACHE = Path("/tmp/corpusanalysis-bench-cooccurrence")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROWS = [
    ("floor", "tokens loaded"),
    ("window", "dict loop"),
    ("window", "sparse counts"),
    ("window", "cooccurrence()"),
    ("sentence", "dict loop"),
    ("sentence", "sparse counts"),
    ("sentence", "cooccurrence()"),
    ("sentence", "cooccurrence(docs) incl. segment()"),
]
WINDOW = 5


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: peak since start


def _reset_peak() -> None:
    """Start a new peak: writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS (Linux)."""
    import gc

    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:  # pragma: no cover - not Linux; the peak then includes loading
        pass


# ----------------------------------------------------------------------------- preparation
def prepare(folder: Path, limit_mb: float) -> Path:
    """Clean and tokenize the first ``limit_mb`` MB of text once; return the cache file."""
    files = sorted(folder.glob("*.txt"))
    chosen, size = [], 0
    for f in files:
        if size >= limit_mb * 1e6:
            break
        chosen.append(f)
        size += f.stat().st_size
    from corpusanalysis import Tokenizer

    tok = Tokenizer()
    key = hashlib.sha256(json.dumps([[f.name for f in chosen], limit_mb, tok.settings_key]).encode()).hexdigest()[:16]
    path = CACHE / f"tokens-{key}"
    if (path / "meta.json").is_file():
        return path
    import pandas as pd

    from corpusanalysis import clean_text, segment, tokenize

    logging.getLogger("jieba").setLevel(logging.WARNING)
    print(f">> cleaning and tokenizing {len(chosen)} files ({size / 1e6:.1f} MB raw) once; cached in {path}",
          flush=True)
    t0 = time.perf_counter()
    texts = [clean_text(f.read_text(encoding="utf-8", errors="replace")) for f in chosen]
    docs = pd.DataFrame({"text": texts}, index=pd.Index([f.stem for f in chosen], name="doc_id"))
    docs = tokenize(docs, tokenizer=tok, workers=min(2, os.cpu_count() or 1))
    # sentence token lists: the document tokens split at segment()'s sentence offsets
    units = segment(docs[["text"]], level="sentence")
    sentences = []
    for doc_id, toks, spans in zip(docs.index, docs["tokens"], docs["token_spans"]):
        bounds = units.loc[units["doc_id"] == doc_id, "start"].tolist()
        k, cur = 0, []
        for t, (s, _) in zip(toks, spans):
            while k + 1 < len(bounds) and s >= bounds[k + 1]:
                if cur:
                    sentences.append(cur)
                cur, k = [], k + 1
            cur.append(t)
        if cur:
            sentences.append(cur)
    path.mkdir(parents=True, exist_ok=True)
    # one file per input kind, so every child loads only what its row needs
    parts = {"tokens": [list(t) for t in docs["tokens"]], "sentences": sentences,
             "docs": {"texts": docs["text"].tolist(), "ids": docs.index.tolist(), "tokens": docs["tokens"].tolist(),
                      "spans": docs["token_spans"].tolist()}}
    for name, obj in parts.items():
        with open(path / f"{name}.pkl", "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    meta = {"mb": sum(len(t.encode("utf-8")) for t in texts) / 1e6, "files": len(chosen),
            "tokens": int(docs["n_tokens"].sum()), "sentences": len(sentences)}
    (path / "meta.json").write_text(json.dumps(meta))
    print(f">> prepared in {time.perf_counter() - t0:.0f} s", flush=True)
    return path


# ----------------------------------------------------------------------------- the counters
def dict_loop(contexts) -> tuple[dict, dict, int]:
    n_a: dict = {}
    n_ab: dict = {}
    n = 0
    for ctx in contexts:
        types = sorted(set(ctx))
        if not types:
            continue
        n += 1
        for i, a in enumerate(types):
            n_a[a] = n_a.get(a, 0) + 1
            for b in types[i + 1:]:
                key = (a, b)
                n_ab[key] = n_ab.get(key, 0) + 1
    return n_a, n_ab, n


def windows(rows, w):
    for row in rows:
        n = len(row)
        if n == 0:
            continue
        if n <= w:
            yield row
            continue
        for k in range(n - w + 1):
            yield row[k:k + w]


def summary_from_dict(n_a, n_ab, n) -> dict:
    return {"contexts": n, "pairs": len(n_ab), "pairs_ge2": sum(1 for v in n_ab.values() if v >= 2),
            "sum_n_ab": sum(n_ab.values()), "sum_n_a": sum(n_a.values())}


def child(context: str, row: str, path: Path, fraction: float) -> dict:
    import numpy as np
    import pandas as pd

    from corpusanalysis.analysis.cooccurrence import _group_counts, cooccurrence

    name = "docs" if row.startswith("cooccurrence(docs)") else "sentences" if context == "sentence" else "tokens"
    with open(path / f"{name}.pkl", "rb") as fh:
        data = pickle.load(fh)
    result: dict = {"context": context, "row": row}
    window = WINDOW if context == "window" else "document"
    summary = None
    frame = None
    if row in ("sparse counts", "cooccurrence()"):
        frame = pd.DataFrame({"tokens": data})
    elif row.startswith("cooccurrence(docs)"):
        frame = pd.DataFrame({"text": data["texts"], "tokens": data["tokens"], "token_spans": data["spans"]},
                             index=pd.Index(data["ids"], name="doc_id"))
    elif row == "dict loop" and fraction < 1:
        data = data[: max(1, int(len(data) * fraction))]
        result["fraction"] = fraction
    _reset_peak()
    floor = _status_mb("VmRSS")
    if row == "tokens loaded":
        secs = None
    elif row == "dict loop":
        contexts = windows(data, WINDOW) if context == "window" else iter(data)
        start = time.perf_counter()
        n_a, n_ab, n = dict_loop(contexts)
        secs = time.perf_counter() - start
        summary = summary_from_dict(n_a, n_ab, n) if fraction >= 1 else None
    elif row == "sparse counts":
        start = time.perf_counter()
        vocab, counts = _group_counts(frame, window, np.zeros(len(frame), dtype=np.int64), 1, "bench", True)
        n, i, j, n_ab, n_a = next(counts)
        secs = time.perf_counter() - start
        summary = {"contexts": n, "pairs": len(n_ab), "pairs_ge2": int((n_ab >= 2).sum()),
                   "sum_n_ab": int(n_ab.sum(dtype=np.int64)), "sum_n_a": int(n_a.sum())}
    else:
        start = time.perf_counter()
        table = cooccurrence(frame, window="sentence" if row.startswith("cooccurrence(docs)") else window)
        secs = time.perf_counter() - start
        summary = {"contexts": int(table["n_contexts"].iloc[0]), "pairs_ge2": len(table),
                   "sum_n_ab_ge2": int(table["n_ab"].sum())}
    result.update(secs=secs, floor=floor, peak=_status_mb("VmHWM"), summary=summary)
    return result


def run_child(context: str, row: str, path: Path, fraction: float) -> dict:
    cmd = [sys.executable, __file__, "--child", context, row, "--cache-file", str(path),
           "--dict-fraction", str(fraction)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise SystemExit(f"child {context}/{row} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def check(result: dict, reference: dict | None) -> str:
    s = result.get("summary")
    if s is None or reference is None:
        return ""
    if "sum_n_ab_ge2" in s:  # the table keeps n_ab >= 2
        return "ok" if (s["contexts"], s["pairs_ge2"]) == (reference["contexts"], reference["pairs_ge2"]) else "DIFFERS"
    keys = ("contexts", "pairs", "pairs_ge2", "sum_n_ab", "sum_n_a")
    return "ok" if all(s[k] == reference[k] for k in keys) else "DIFFERS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT)
    parser.add_argument("--limit-mb", type=float, default=12.0)
    parser.add_argument("--dict-fraction", type=float, default=1.0)
    parser.add_argument("--child", nargs=2, metavar=("CONTEXT", "ROW"))
    parser.add_argument("--cache-file", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.cache_file, args.dict_fraction)))
        return
    path = prepare(args.folder, args.limit_mb)
    meta = json.loads((path / "meta.json").read_text())
    print(f"Python {platform.python_version()} {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{meta['files']} documents, {meta['mb']:.1f} MB clean text, {meta['tokens']:,} tokens, "
          f"{meta['sentences']:,} sentences with tokens")
    results = [run_child(c, r, path, args.dict_fraction) for c, r in ROWS]
    print(f"floor RSS after loading: tokens {results[0]['floor']:.0f} MB (peak RSS below is measured from the "
          "loaded input of each row)")
    print("| context | row | seconds | x dict | peak MB above input | x dict | contexts | pairs n_ab>=2 | check |")
    print("|---|---|---|---|---|---|---|---|---|")
    base: dict = {}
    for res in results[1:]:
        secs, extra = res["secs"], max(res["peak"] - res["floor"], 0.0)
        note = ""
        if res["row"] == "dict loop":
            frac = res.get("fraction", 1.0)
            if frac < 1:
                secs, extra, note = secs / frac, extra / frac, f" (run on {frac:.0%}, extrapolated)"
            base[res["context"]] = (secs, extra, res.get("summary"))
        b_secs, b_extra, ref = base[res["context"]]
        s = res.get("summary") or {}
        label = "sentence" if res["context"] == "sentence" else f"window={WINDOW}"
        print(f"| {label} | {res['row']}{note} | {secs:.2f} | {secs / b_secs:.2f} | {extra:.0f} | "
              f"{extra / b_extra if b_extra else float('nan'):.2f} | {s.get('contexts', '')} | "
              f"{s.get('pairs_ge2', '')} | {check(res, ref) if res['row'] != 'dict loop' else ''} |")


if __name__ == "__main__":
    main()
