"""Topic-model cost and quality: TopicModel per backend against gensim ``LdaModel(passes=10)``, same run.

The documents (default: the first 2,000 files of ``../shared/corpora/chinaxiv-zh/txt``, i.e. all
1,885 preprints) are loaded, cleaned and tokenized with the library (two worker processes) and split
into paragraphs, the unit TopicModel fits by default; the paragraph tokens are cached in ``/tmp``
(keyed by the file list) and none of this is timed.  Every row then starts from the same paragraph
token lists and the same vocabulary (terms in at least 2 paragraphs) and fits k = 20 topics:

* ``gensim LdaModel passes=10 (baseline)`` — ``Dictionary(texts)``, ``filter_extremes(no_below=2,
  no_above=1.0, keep_n=None)``, ``doc2bow``, ``LdaModel(corpus, num_topics=20, id2word=...,
  random_state=0, passes=10)``: what a careful gensim script runs;
* ``TopicModel backend="gensim" (default)`` — our default fit (20 passes, 400 iterations, float64),
  only with ``--gensim-default`` (≈ 8 minutes);
* ``TopicModel backend="tomotopy"`` — collapsed Gibbs sampling (default iterations), one thread
  (reproducible), then two threads, then one thread with ``random_state=1``: the spread of
  ``c_npmi`` between seeds, against which differences between rows must be read.

TopicModel rows time ``fit`` on the paragraph frame: counts, pruning, training, topic ordering and
every row's topic shares.  Each fit runs in its own child process (this interpreter); ``peak MB`` is
its peak resident set above the RSS after loading the tokens (Linux: reset through
``/proc/self/clear_refs`` before the clock starts).  Coherence ``c_npmi`` (gensim ``CoherenceModel``,
top 10 terms by probability, the paragraph token lists as reference texts, window 10,
``processes=1``) is computed for all rows in one pass (not timed).  ``x baseline`` = baseline
seconds ÷ row seconds (higher is faster).

Then ``select_k(range(5, 26, 5), random_state=(0, 1, 2), backend="tomotopy", workers=2,
iterations=100)`` runs on the same paragraphs in a child process (one shuffled-corpus twin per k and
all three coherence measures, as by default: 20 fits): its wall time, with each fit and the coherence
pass logged as they finish.  ``--select-k-iterations`` sets the Gibbs sweeps per fit (TopicModel's
default is 200), ``--no-select-k`` leaves it out, ``--only-select-k`` runs only it.

Usage::

    .venv/bin/python benchmarks/bench_topics.py [--folder DIR] [--n-docs 2000] [--k 20] [--gensim-default]

Runtime ≈ 20 minutes on 2 cores once the tokens are cached (the first run loads and tokenizes 52 MB:
≈ 1 minute more).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "chinaxiv-zh" / "txt"
BASELINE = "gensim LdaModel passes=10 (baseline)"
GENSIM_DEFAULT = 'TopicModel backend="gensim" (default)'
TOMOTOPY = ('TopicModel backend="tomotopy"', 'TopicModel "tomotopy", workers=2',
            'TopicModel "tomotopy", random_state=1')


def _cache_path(files: list[Path]) -> Path:
    key = hashlib.sha256("\n".join(f"{f.name}:{f.stat().st_size}" for f in files).encode()).hexdigest()[:16]
    return Path("/tmp") / f"corpusanalysis-bench-topics-units-{key}.pkl"


def load_units(folder: Path, n_docs: int) -> tuple[Path, int]:
    """Paragraph units (``doc_id``, ``tokens``; index ``unit_id``) of the first ``n_docs`` files, cached."""
    files = sorted(folder.glob("*.txt"))[:n_docs]
    if not files:
        raise SystemExit(f"no .txt files in {str(folder)!r}; pass --folder with a folder of text files")
    path = _cache_path(files)
    if not path.exists():
        import corpusanalysis as ca
        from corpusanalysis.analysis._lda import as_units

        print(f"tokenizing {len(files)} files into paragraphs (cached afterwards in {path}) …", flush=True)
        t = time.perf_counter()
        tokens = ca.tokenize(ca.clean(ca.load_corpus(files)), workers=2)
        units = as_units(tokens, "paragraph", "bench_topics")[["doc_id", "tokens"]]
        units.to_pickle(path)
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


def _start_clock() -> float:
    import gc

    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    except OSError:  # pragma: no cover - not Linux or not allowed
        pass
    return _rss_mb()


def child(name: str, cache: str, k: int) -> None:
    """One fit (or the select_k run) in a fresh process: prints JSON with seconds, peak MB and the top terms."""
    import numpy as np
    import pandas as pd

    from corpusanalysis import TopicModel, select_k

    units = pd.read_pickle(cache)
    texts = units["tokens"].tolist()
    before = _start_clock()
    start = time.perf_counter()
    out: dict[str, object] = {}
    if name == BASELINE:
        from gensim.corpora import Dictionary
        from gensim.models import LdaModel

        dictionary = Dictionary(texts)
        dictionary.filter_extremes(no_below=2, no_above=1.0, keep_n=None)
        corpus = [dictionary.doc2bow(t) for t in texts]
        model = LdaModel(corpus, num_topics=k, id2word=dictionary, random_state=0, passes=10)
        topics = model.get_topics()
        vocab = [dictionary[i] for i in range(len(dictionary))]
    elif name.startswith("select_k"):
        import logging

        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("    %(asctime)s %(message)s"))
        logger = logging.getLogger("corpusanalysis")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            table = select_k(units, range(5, 26, 5), random_state=(0, 1, 2), backend="tomotopy", unit=None,
                             workers=2, iterations=int(name.rsplit("=", 1)[1]))
        out["table"] = table.round(4).to_dict(orient="list")
        topics, vocab = np.zeros((0, 0)), []
    else:
        options = {"backend": "gensim"} if name == GENSIM_DEFAULT else {"backend": "tomotopy"}
        if "workers=2" in name:
            options["workers"] = 2
        seed = 1 if "random_state=1" in name else 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            fitted = TopicModel(k, unit=None, min_df=2, random_state=seed, **options).fit(units)
        topics = fitted.topic_term_.to_numpy()
        vocab = list(fitted.vocabulary_)
    seconds = time.perf_counter() - start
    peak = _peak_mb() - before
    top = [[vocab[i] for i in np.argsort(-row_, kind="stable")[:10]] for row_ in topics]
    print(json.dumps({"seconds": seconds, "peak_mb": max(peak, 0.0), "n_terms": len(vocab), "top": top, **out}))


def _run(name: str, cache: Path, k: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", name, "--cache", str(cache), "--k", str(k)],
                         stdout=subprocess.PIPE, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{name} failed (exit {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(DEFAULT))
    parser.add_argument("--n-docs", type=int, default=2000, help="use the first N files (sorted by name)")
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--gensim-default", action="store_true", help="also time TopicModel's gensim default")
    parser.add_argument("--no-select-k", action="store_true", help="leave the select_k run out")
    parser.add_argument("--only-select-k", action="store_true", help="time select_k only (no TopicModel rows)")
    parser.add_argument("--select-k-iterations", type=int, default=100, help="Gibbs sweeps per select_k fit")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--cache", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.cache, args.k)
        return

    cache, n_files = load_units(Path(args.folder), args.n_docs)
    import gensim
    import numpy as np
    import pandas as pd
    import tomotopy

    from corpusanalysis.analysis.topics import TOMOTOPY_ITERATIONS

    units = pd.read_pickle(cache)
    texts = units["tokens"].tolist()
    n_tokens = sum(len(t) for t in texts)
    print(f"{n_files} documents, {len(units):,} paragraphs, {n_tokens:,} tokens, k = {args.k}; Python "
          f"{platform.python_version()}, gensim {gensim.__version__}, tomotopy {tomotopy.__version__} "
          f"({tomotopy.isa}, {TOMOTOPY_ITERATIONS} iterations), {os.cpu_count()} CPUs", flush=True)
    names = [BASELINE, *([GENSIM_DEFAULT] if args.gensim_default else []), *TOMOTOPY]
    if args.only_select_k:
        names = []
    results = []
    for name in names:
        results.append(_run(name, cache, args.k))
        print(f"  {name}: {results[-1]['seconds']:.1f} s", flush=True)

    # Coherence of all models in one pass over the reference texts (not timed).
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    if not names:
        return _select_k(args, cache)
    start = time.perf_counter()
    dictionary = Dictionary(texts)
    topics = [t for r in results for t in r["top"]]
    cm = CoherenceModel(topics=topics, texts=texts, dictionary=dictionary, coherence="c_npmi", topn=10,
                        processes=1)
    per_topic = np.asarray(cm.get_coherence_per_topic(), dtype=float)
    coherence_seconds = time.perf_counter() - start
    k, base = args.k, results[0]
    print()
    print(f"{'row':<40} {'fit s':>8} {'x baseline':>10} {'peak MB':>9} {'c_npmi':>8} {'NaN topics':>10}")
    for i, (name, r) in enumerate(zip(names, results)):
        vals = per_topic[i * k:(i + 1) * k]
        finite = np.isfinite(vals)
        npmi = float(vals[finite].mean()) if finite.any() else float("nan")
        print(f"{name:<40} {r['seconds']:>8.1f} {base['seconds'] / r['seconds']:>10.2f} {r['peak_mb']:>9.0f} "
              f"{npmi:>8.3f} {int((~finite).sum()):>10}")
    print(f"\nvocabulary: {base['n_terms']:,} terms (gensim) / {results[-1]['n_terms']:,} terms (ours); "
          f"coherence of {len(topics)} topics in {coherence_seconds:.0f} s (one pass, processes=1)", flush=True)

    if not args.no_select_k:
        _select_k(args, cache)


def _select_k(args: argparse.Namespace, cache: Path) -> None:
    import pandas as pd

    name = f"select_k iterations={args.select_k_iterations}"
    print(f"\nselect_k(range(5, 26, 5), random_state=(0, 1, 2), backend='tomotopy', workers=2, "
          f"iterations={args.select_k_iterations}) on the same paragraphs:", flush=True)
    r = _run(name, cache, args.k)
    table = pd.DataFrame(r["table"])
    print(f"  {r['seconds']:.0f} s wall = {r['seconds'] / 60:.1f} min for {len(table)} (k, seed) fits and one "
          f"shuffled-corpus twin per k; peak MB {r['peak_mb']:.0f} (parent process)", flush=True)
    print(table.groupby("k")[["c_npmi", "c_v", "u_mass", "perplexity", "stability", "stability_null"]].mean()
          .round(3).to_string(), flush=True)


if __name__ == "__main__":
    main()
