"""Topic-model cost and quality: our TopicModel vs gensim's LdaModel with default settings, same run.

The documents (default: all 1,885 preprints of ``../shared/corpora/chinaxiv-zh/txt``, ~2,000) are
cleaned with ``clean_text`` and tokenized with ``tokenize`` (default dictionary and stopwords, two
worker processes); the tokens are cached in ``/tmp`` (keyed by the file list), and none of this is
timed.  Every row then starts from the same token lists, with the same vocabulary (terms in at least
2 documents), and fits k = 20 topics on whole documents:

* ``gensim LdaModel defaults (baseline)`` — ``Dictionary(texts)``, ``filter_extremes(no_below=2,
  no_above=1.0, keep_n=None)``, ``doc2bow`` and ``LdaModel(corpus, num_topics=20, id2word=...,
  random_state=0)``: gensim's defaults (1 pass, 50 iterations, float32), what most scripts run;
* ``gensim LdaModel, our settings`` — the same with TopicModel's settings (20 passes, 400 iterations,
  float64, ``eval_every=None``): what the extra passes cost without our wrapper;
* ``ours TopicModel(20, unit="document")`` — ``fit`` on the tokenized frame: counts, pruning, training,
  topic ordering and the final inference of every document's shares, all timed;
* ``ours, random_state=1`` — the same with another seed: the spread of ``c_npmi`` between seeds, against
  which the difference between the rows above must be read.

Each row runs in its own child process (this interpreter), so ``peak MB`` is that fit's own peak
resident set above the RSS after loading the tokens (Linux: the peak is reset through
``/proc/self/clear_refs`` before the clock starts).  Coherence ``c_npmi`` (gensim ``CoherenceModel``,
top 10 terms by probability, the token lists as reference texts, window 10, ``processes=1``) is then
computed for the three models in one pass over the texts (not timed); ``NaN topics`` counts topics whose
coherence could not be computed.  ``x baseline`` = row ÷ baseline.

Usage::

    .venv/bin/python benchmarks/bench_topics.py [--folder DIR] [--n-docs 2000] [--k 20]

Runtime ≈ 5–6 minutes on 2 cores once the tokens are cached (the first run tokenizes 54 MB: ≈ 4 minutes
more).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import platform
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "chinaxiv-zh" / "txt"
ROWS = ("gensim LdaModel defaults (baseline)", "gensim LdaModel, our settings", 'ours TopicModel(20, unit="document")',
        "ours, random_state=1")


def _cache_path(files: list[Path]) -> Path:
    key = hashlib.sha256("\n".join(f"{f.name}:{f.stat().st_size}" for f in files).encode()).hexdigest()[:16]
    return Path("/tmp") / f"corpusanalysis-bench-topics-{key}.pkl"


def load_tokens(folder: Path, n_docs: int) -> tuple[Path, int]:
    files = sorted(folder.glob("*.txt"))[:n_docs]
    if not files:
        raise SystemExit(f"no .txt files in {str(folder)!r}; pass --folder with a folder of text files")
    path = _cache_path(files)
    if not path.exists():
        import pandas as pd

        from corpusanalysis import clean_text, tokenize

        print(f"tokenizing {len(files)} files (cached afterwards in {path}) …", flush=True)
        t = time.perf_counter()
        texts = [clean_text(f.read_text(encoding="utf-8", errors="replace")) for f in files]
        frame = pd.DataFrame({"text": texts}, index=pd.Index([f.stem for f in files], name="doc_id"))
        tokens = tokenize(frame, workers=2)["tokens"].tolist()
        with open(path, "wb") as fh:
            pickle.dump({"ids": [f.stem for f in files], "tokens": tokens}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"  done in {time.perf_counter() - t:.0f} s", flush=True)
    return path, len(files)


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1e3
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def child(row: int, cache: str, k: int) -> None:
    """One fit in a fresh process: prints JSON with seconds, peak MB and the top-10 terms of every topic."""
    import gc

    import numpy as np
    import pandas as pd
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    from corpusanalysis.analysis.topics import TopicModel

    with open(cache, "rb") as fh:
        data = pickle.load(fh)
    frame = pd.DataFrame({"tokens": data["tokens"]}, index=pd.Index(data["ids"], name="doc_id"))
    texts = data["tokens"]
    gc.collect()
    before = _rss_mb()
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    except OSError:  # pragma: no cover - not Linux or not allowed
        pass
    start = time.perf_counter()
    if row in (0, 1):
        dictionary = Dictionary(texts)
        dictionary.filter_extremes(no_below=2, no_above=1.0, keep_n=None)
        corpus = [dictionary.doc2bow(t) for t in texts]
        extra = {} if row == 0 else {"passes": 20, "iterations": 400, "dtype": np.float64, "eval_every": None}
        model = LdaModel(corpus, num_topics=k, id2word=dictionary, random_state=0, **extra)
        seconds = time.perf_counter() - start
        topics = model.get_topics()
        vocab = [dictionary[i] for i in range(len(dictionary))]
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model = TopicModel(k, unit="document", min_df=2, random_state=row - 2).fit(frame)
        seconds = time.perf_counter() - start
        topics = model.topic_term_.to_numpy()
        vocab = list(model.vocabulary_)
    peak = _peak_mb() - before
    top = [[vocab[i] for i in np.argsort(-row_, kind="stable")[:10]] for row_ in topics]
    print(json.dumps({"seconds": seconds, "peak_mb": max(peak, 0.0), "n_terms": len(vocab), "top": top}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(DEFAULT))
    parser.add_argument("--n-docs", type=int, default=2000, help="use the first N files (sorted by name)")
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--cache", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.cache, args.k)
        return

    cache, n_files = load_tokens(Path(args.folder), args.n_docs)
    with open(cache, "rb") as fh:
        data = pickle.load(fh)
    n_tokens = sum(len(t) for t in data["tokens"])
    import gensim
    import numpy as np

    print(f"{n_files} documents, {n_tokens:,} tokens, k = {args.k}; Python {platform.python_version()}, "
          f"gensim {gensim.__version__}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    results = []
    for row, name in enumerate(ROWS):
        out = subprocess.run([sys.executable, __file__, "--child", str(row), "--cache", str(cache), "--k",
                              str(args.k)], capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise SystemExit(f"{name} failed:\n{out.stderr[-3000:]}")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  {name}: {results[-1]['seconds']:.1f} s", flush=True)

    # Coherence of all models in one pass over the reference texts (not timed).
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    start = time.perf_counter()
    dictionary = Dictionary(data["tokens"])
    topics = [t for r in results for t in r["top"]]
    cm = CoherenceModel(topics=topics, texts=data["tokens"], dictionary=dictionary, coherence="c_npmi", topn=10,
                        processes=1)
    per_topic = np.asarray(cm.get_coherence_per_topic(), dtype=float)
    coherence_seconds = time.perf_counter() - start
    k = args.k
    base = results[0]
    print()
    print(f"{'row':<40} {'fit s':>8} {'x baseline':>10} {'peak MB':>9} {'x baseline':>10} {'c_npmi':>8} "
          f"{'NaN topics':>10}")
    for i, (name, r) in enumerate(zip(ROWS, results)):
        vals = per_topic[i * k:(i + 1) * k]
        finite = np.isfinite(vals)
        npmi = float(vals[finite].mean()) if finite.any() else float("nan")
        print(f"{name:<40} {r['seconds']:>8.1f} {r['seconds'] / base['seconds']:>10.2f} {r['peak_mb']:>9.0f} "
              f"{r['peak_mb'] / max(base['peak_mb'], 1e-9):>10.2f} {npmi:>8.3f} {int((~finite).sum()):>10}")
    print(f"\nvocabulary: {base['n_terms']:,} terms (gensim) / {results[2]['n_terms']:,} terms (ours); "
          f"coherence of {len(topics)} topics in {coherence_seconds:.0f} s (one pass, processes=1)")


if __name__ == "__main__":
    main()
