"""End-to-end pipeline benchmark: clean + tokenize + document-term matrix + keyness + co-occurrence.

    .venv/bin/python benchmarks/bench_pipeline.py [FOLDER] [--limit-mb N]

Default folder: ../shared/corpora/chinaxiv-zh/txt (~52 MB).  Each stage is timed on its own
(seconds, MB/s of raw UTF-8 input, peak RSS of this process and its children) and compared with a
naive baseline measured in the same run: single-process ``jieba.lcut`` on the raw text and Python
``dict`` counting.  Then the whole chunked pipeline (``run_pipeline``) with 1 and 2 workers, and a
cached re-run.  Peak RSS is ``ru_maxrss`` (high-water marks: a stage's figure includes earlier ones).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def timed(label, fn, mb, rows, baseline=None):
    t = time.perf_counter()
    out = fn()
    s = time.perf_counter() - t
    own, kids = rss_mb()
    rows.append({"stage": label, "seconds": round(s, 2), "MB/s": round(mb / s, 2) if s else float("inf"),
                 "peak_rss_MB": round(own), "children_peak_rss_MB": round(kids),
                 "x_baseline": round(baseline / s, 2) if baseline else None})
    print(f"{label:<38} {s:8.2f} s {mb / s:7.2f} MB/s  rss {own:7.0f} MB  children {kids:6.0f} MB"
          + (f"  {baseline / s:5.2f}x baseline" if baseline else ""), flush=True)
    return out, s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "corpora" / "chinaxiv-zh" / "txt"))
    parser.add_argument("--limit-mb", type=float, default=None, help="use only the first N MB of files")
    args = parser.parse_args()

    import jieba
    import pandas as pd

    import corpusanalysis as ca
    from corpusanalysis.stream import run_pipeline

    files = sorted(Path(args.folder).glob("*.txt"))
    if args.limit_mb:
        kept, size = [], 0
        for f in files:
            if size >= args.limit_mb * 1e6:
                break
            kept.append(f)
            size += f.stat().st_size
        files = kept
    mb = sum(f.stat().st_size for f in files) / 1e6
    print(f"{len(files)} files, {mb:.1f} MB from {args.folder}\n", flush=True)
    rows: list = []

    corpus, _ = timed("load_corpus", lambda: ca.load_corpus(files), mb, rows)

    # naive baseline: single-process jieba on the raw text + dict counting
    def naive():
        tk = jieba.Tokenizer()
        tk.initialize()
        counts = []
        for text in corpus["raw"]:
            c: dict = {}
            for w in tk.lcut(text):
                c[w] = c.get(w, 0) + 1
            counts.append(c)
        return counts

    _, base = timed("baseline: jieba.lcut + dict counts", naive, mb, rows)

    cleaned, t_clean = timed("clean", lambda: ca.clean(corpus), mb, rows)
    tokens, t_tok = timed("tokenize", lambda: ca.tokenize(cleaned), mb, rows, base)
    tokens = ca.assign_themes(tokens)
    dtm, t_dtm = timed("doc_term_matrix", lambda: ca.doc_term_matrix(tokens), mb, rows)
    groups = "theme" if tokens["theme"].nunique() >= 2 else None
    if groups:
        timed("keyness (groups=theme)", lambda: ca.keyness(dtm, groups="theme"), mb, rows)
    timed("cooccurrence (window 5)", lambda: ca.cooccurrence(tokens, window=5, min_count=5, measures=("g2",)), mb,
          rows)
    timed("tokenize + dtm (vs baseline)", lambda: None, mb, rows)  # placeholder row replaced below
    rows[-1].update({"seconds": round(t_tok + t_dtm, 2), "MB/s": round(mb / (t_tok + t_dtm), 2),
                     "x_baseline": round(base / (t_tok + t_dtm), 2)})
    del corpus, cleaned, tokens, dtm

    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            timed(f"run_pipeline workers={workers} (clean+tok+count)",
                  lambda: run_pipeline(files, workers=workers, audit=False), mb, rows, base)
        timed("run_pipeline workers=2, fill cache", lambda: run_pipeline(files, workers=2, audit=False, cache=tmp),
              mb, rows, base)
        timed("run_pipeline cached re-run", lambda: run_pipeline(files, workers=2, audit=False, cache=tmp), mb, rows,
              base)
    print()
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
