"""Cleaning throughput: MB/s on growing slices of a corpus, and on long single-line documents.

Prints, for 1/8, 1/4, 1/2 and all of the corpus, the seconds and MB/s of ``clean_text`` over
every document, and the ratio of seconds per MB to the smallest slice (1.0 = perfectly linear).
The baseline measured in the same run is the least any cleaner must do: OpenCC's t2s conversion of
the same text; ``x baseline`` is our time over that.  A second table cleans single-line documents
of 0.25, 1 and 4 MB (the seeds with their line breaks removed, repeated) to show that no rule
backtracks pathologically on long lines.

Usage::

    .venv/bin/python benchmarks/bench_clean.py [FOLDER] [--limit-mb 54]

FOLDER defaults to ``../shared/corpora/chinaxiv-zh/txt`` (1,885 preprints, 54 MB).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import opencc

from corpusanalysis import clean_text, load_seeds

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "chinaxiv-zh" / "txt"


def timed(fn, texts) -> float:
    start = time.perf_counter()
    for t in texts:
        fn(t)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--limit-mb", type=float, default=None, help="use only the first N MB")
    args = parser.parse_args()
    files = sorted(Path(args.folder).glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt files in {args.folder!r}; pass a folder of text files")
    texts: list[str] = []
    total = 0
    for f in files:
        t = f.read_text(encoding="utf-8")
        texts.append(t)
        total += len(t.encode("utf-8"))
        if args.limit_mb and total >= args.limit_mb * 1e6:
            break
    t2s = opencc.OpenCC("t2s")
    print(f"corpus: {args.folder} ({len(texts)} documents, {total / 1e6:.1f} MB)")
    print(f"{'slice':>6} {'docs':>6} {'MB':>7} {'seconds':>8} {'MB/s':>6} {'s/MB ratio':>10} {'x baseline':>10}")
    first = None
    for frac in (8, 4, 2, 1):
        part = texts[: max(1, len(texts) // frac)]
        mb = sum(len(t.encode("utf-8")) for t in part) / 1e6
        base = timed(t2s.convert, part)
        secs = timed(clean_text, part)
        per_mb = secs / mb
        first = first or per_mb
        print(f"{'1/' + str(frac):>6} {len(part):>6} {mb:>7.1f} {secs:>8.2f} {mb / secs:>6.2f} "
              f"{per_mb / first:>10.2f} {secs / base:>10.1f}")

    print("\nsingle-line documents (seeds without line breaks, repeated)")
    seed = "".join(load_seeds()["raw"]).replace("\n", " ")
    print(f"{'MB':>6} {'seconds':>8} {'MB/s':>6} {'s/MB ratio':>10}")
    first = None
    for mb_target in (0.25, 1.0, 4.0):
        reps = max(1, int(mb_target * 1e6 / len(seed.encode("utf-8"))))
        doc = seed * reps
        mb = len(doc.encode("utf-8")) / 1e6
        secs = timed(clean_text, [doc])
        per_mb = secs / mb
        first = first or per_mb
        print(f"{mb:>6.2f} {secs:>8.2f} {mb / secs:>6.2f} {per_mb / first:>10.2f}")


if __name__ == "__main__":
    main()
