"""Document-term matrix and one-vs-rest keyness on a 10,000-document corpus.

The corpus: the ChinaXiv preprints (``../shared/corpora/chinaxiv-zh/txt``, 1,885 files) cut into
chunks of whole lines of at least ``--chunk-chars`` characters (400), up to ``ceil(docs / files)``
chunks per file, taken round robin over the files until ``--docs`` documents (10,000).  Each chunk is cleaned
(``clean_text``) and tokenized with the package tokenizer; this preparation is **not timed** and
its tokens are cached (``--cache``, default ``/tmp/corpusanalysis-bench-keyness``), so a second
run starts in seconds.  Five groups come from the manifest's preprint id (year of submission:
2016, 2017, 2018, 2019, 2020–22), so a group is a set of whole papers, not random chunks.

Timed, each the best of ``--repeat`` runs:

* ``doc_term_matrix`` (scikit-learn ``CountVectorizer`` on the tokens) vs. a pure-Python
  baseline: one ``collections.Counter`` per document plus a vocabulary dict, and the sparse
  matrix assembled from them (what one writes by hand);
* ``keyness(dtm, groups="year")``, G² with BH correction for every term and 5 groups, vs. the
  textbook loop: per group, ``Counter`` sums of target and reference and one
  ``scipy.stats.chi2_contingency(..., lambda_="log-likelihood")`` call per term.  The loop is
  timed on ``--sample`` terms per group and extrapolated to the whole vocabulary (the ratio says
  so); its G² values are checked against ours on the sample (max abs difference printed).

Usage::

    .venv/bin/python benchmarks/bench_keyness.py [FOLDER] [--docs 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import scipy.sparse as sp
from scipy import stats

from corpusanalysis import clean_text, tokenize
from corpusanalysis.analysis.keyness import keyness
from corpusanalysis.features import doc_term_matrix

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "chinaxiv-zh" / "txt"


def year_group(name: str) -> str:
    year = name.removeprefix("ChinaXiv-")[:4]
    return year if year in ("2016", "2017", "2018", "2019") else "2020–22"


def chunks(text: str, min_chars: int):
    buf: list[str] = []
    size = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        buf.append(line)
        size += len(line)
        if size >= min_chars:
            yield "\n".join(buf)
            buf, size = [], 0


def build_corpus(folder: Path, n_docs: int, min_chars: int) -> pd.DataFrame:
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt files in {str(folder)!r}; pass the folder of the ChinaXiv corpus")
    per_file = math.ceil(n_docs / len(files))
    by_file = []
    for f in files:
        parts = []
        for k, chunk in enumerate(chunks(f.read_text(encoding="utf-8"), min_chars)):
            if k >= per_file:
                break
            parts.append((f"{f.stem}/c{k:02d}", chunk, year_group(f.stem)))
        by_file.append(parts)
    # round robin: the first chunk of every file, then the second … so that every file contributes
    rows = [parts[k] for k in range(per_file) for parts in by_file if k < len(parts)][:n_docs]
    ids, texts, groups = zip(*rows)
    return pd.DataFrame({"raw": texts, "year": groups}, index=pd.Index(ids, name="doc_id"))


def best_of(repeat: int, fn):
    best, out = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def counter_dtm(tokens: list[tuple[str, ...]]):
    """The hand-written baseline: Counter per document, vocabulary dict, CSR assembled at the end."""
    vocab: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for toks in tokens:
        for term, n in Counter(toks).items():
            indices.append(vocab.setdefault(term, len(vocab)))
            data.append(n)
        indptr.append(len(indices))
    return sp.csr_matrix((data, indices, indptr), shape=(len(tokens), len(vocab))), vocab


def naive_keyness(tokens, groups, level, terms):
    """Per group: Counter sums, then one scipy chi2_contingency call per term."""
    target, reference = Counter(), Counter()
    for toks, g in zip(tokens, groups):
        (target if g == level else reference).update(toks)
    n_t, n_r = sum(target.values()), sum(reference.values())
    out = {}
    for term in terms:
        a, b = target[term], reference[term]
        g2 = stats.chi2_contingency([[a, b], [n_t - a, n_r - b]], correction=False,
                                    lambda_="log-likelihood").statistic
        out[term] = g2 if a * n_r >= b * n_t else -g2
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(DEFAULT))
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--chunk-chars", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=1_000, help="terms per group for the scipy loop")
    parser.add_argument("--cache", default="/tmp/corpusanalysis-bench-keyness")
    args = parser.parse_args()

    t0 = time.perf_counter()
    corpus = build_corpus(Path(args.folder), args.docs, args.chunk_chars)
    corpus["text"] = [clean_text(t) for t in corpus["raw"]]
    corpus = tokenize(corpus, cache=args.cache, workers=args.workers)
    prep = time.perf_counter() - t0
    tokens = corpus["tokens"].tolist()
    groups = corpus["year"].tolist()
    n_tokens = int(corpus["n_tokens"].sum())
    sizes = corpus["year"].value_counts().sort_index()
    print(f"corpus: {len(corpus):,} documents from {corpus.index.str.split('/').str[0].nunique():,} files, "
          f"{corpus['text'].str.len().sum() / 1e6:.1f} M characters, {n_tokens:,} tokens "
          f"(prepared, not timed, in {prep:.0f} s; tokens cached in {args.cache})")
    print("groups: " + ", ".join(f"{g} {n:,}" for g, n in sizes.items()))

    secs_dtm, dtm = best_of(args.repeat, lambda: doc_term_matrix(corpus))
    secs_base_dtm, (base, vocab) = best_of(args.repeat, lambda: counter_dtm(tokens))
    assert base.shape == dtm.shape and base.sum() == dtm.matrix.sum()

    secs_key, table = best_of(args.repeat, lambda: keyness(dtm, groups="year", min_count=1))
    levels = sorted(set(groups))
    rng = random.Random(0)
    sample = rng.sample(sorted(dtm.vocabulary), min(args.sample, len(dtm.vocabulary)))
    start = time.perf_counter()
    naive = {level: naive_keyness(tokens, groups, level, sample) for level in levels}
    secs_naive_sample = time.perf_counter() - start
    # extrapolate: the Counter sums are paid once per group, the scipy calls once per term and group
    start = time.perf_counter()
    for level in levels:
        naive_keyness(tokens, groups, level, [])
    secs_sums = time.perf_counter() - start
    per_term = (secs_naive_sample - secs_sums) / (len(sample) * len(levels))
    secs_naive = secs_sums + per_term * len(dtm.vocabulary) * len(levels)
    ours = table.set_index(["group", "term"])["stat"]
    diff = max(abs(ours[(level, t)] - naive[level][t]) for level in levels for t in sample)

    print(f"\n{'step':<36} {'seconds':>8} {'baseline s':>11} {'x faster':>9}")
    print(f"{'doc_term_matrix':<36} {secs_dtm:>8.2f} {secs_base_dtm:>11.2f} {secs_base_dtm / secs_dtm:>9.1f}"
          f"   ({dtm.shape[0]:,} × {dtm.shape[1]:,}, {int(dtm.matrix.sum()):,} counts; baseline: Counter per doc)")
    print(f"{'keyness one-vs-rest, 5 groups (G²)':<36} {secs_key:>8.2f} {secs_naive:>11.1f} "
          f"{secs_naive / secs_key:>9.0f}   ({len(table):,} rows; baseline: Counter sums + chi2_contingency "
          f"per term, {len(sample):,} terms/group timed, extrapolated)")
    print(f"{'matrix + keyness':<36} {secs_dtm + secs_key:>8.2f} {secs_base_dtm + secs_naive:>11.1f} "
          f"{(secs_base_dtm + secs_naive) / (secs_dtm + secs_key):>9.0f}")
    print(f"\nG² of the sampled terms vs. scipy.stats.chi2_contingency: max abs difference {diff:.2e}")


if __name__ == "__main__":
    main()
