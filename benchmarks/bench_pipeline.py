"""End-to-end pipeline benchmark: clean + tokenize + document-term matrix + keyness + co-occurrence.

    .venv/bin/python benchmarks/bench_pipeline.py [FOLDER] [--limit-mb N] [--repeat N]

Default folder: ../shared/corpora/chinaxiv-zh/txt (~52 MB).  Every stage runs in its own fresh
subprocess (``--stage NAME``), which reads the previous stage's output from a temporary folder
(pickle), times the stage itself (seconds, MB/s of raw UTF-8 input) and reports its own peak RSS
(``ru_maxrss`` of that process, so one stage's figure no longer includes the stages before it; it
does include the stage's input held in memory) and the peak RSS of its largest worker process
(``RUSAGE_CHILDREN``) for the parallel runs.  It is compared with a naive baseline measured in the
same run: single-process ``jieba.lcut`` on the raw text and Python ``dict`` counting.  Then the
whole chunked pipeline (``run_pipeline``) with 1 and 2 workers, and a cached re-run.  Every stage,
the baseline too, runs ``--repeat`` times (default 3, each in a fresh process) and the fastest run
is reported (this VM's speed drifts by up to 20 % between runs of one stage); peak memory is the
largest of the runs.  The runs go in rounds (every stage once per round, in order), so that a slow
spell hits one run of every stage rather than every run of one stage.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STAGES = [
    ("load", "load_corpus"),
    ("baseline", "baseline: jieba.lcut + dict counts"),
    ("clean", "clean"),
    ("tokenize", "tokenize"),
    ("dtm", "doc_term_matrix"),
    ("keyness", "keyness (by=theme)"),
    ("cooccurrence", "cooccurrence (window 5)"),
    ("pipeline1", "run_pipeline workers=1 (clean+tok+count)"),
    ("pipeline2", "run_pipeline workers=2 (clean+tok+count)"),
    ("fill_cache", "run_pipeline workers=2, fill cache"),
    ("cached", "run_pipeline cached re-run"),
]
BASELINE_RELATIVE = {"tokenize", "pipeline1", "pipeline2", "fill_cache", "cached"}


def _load(work: Path, name: str):
    with open(work / f"{name}.pkl", "rb") as fh:
        return pickle.load(fh)


def _save(work: Path, name: str, obj) -> None:
    with open(work / f"{name}.pkl", "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)


def run_stage(stage: str, work: Path) -> dict:
    """Run one stage in this (fresh) process; its inputs and outputs are pickles in ``work``."""
    import corpusanalysis as ca
    from corpusanalysis.pipeline.chunked import run_pipeline

    files = [Path(f) for f in json.loads((work / "files.json").read_text())]
    t = None
    extra: dict = {}
    if stage == "load":
        t = time.perf_counter()
        corpus = ca.load_corpus(files)
        s = time.perf_counter() - t
        _save(work, "corpus", corpus)
    elif stage == "baseline":
        import jieba

        corpus = _load(work, "corpus")
        t = time.perf_counter()
        tk = jieba.Tokenizer()
        tk.initialize()
        counts = []
        for text in corpus["raw"]:
            c: dict = {}
            for w in tk.lcut(text):
                c[w] = c.get(w, 0) + 1
            counts.append(c)
        s = time.perf_counter() - t
    elif stage == "clean":
        corpus = _load(work, "corpus")
        t = time.perf_counter()
        cleaned = ca.clean(corpus)
        s = time.perf_counter() - t
        _save(work, "cleaned", cleaned)
    elif stage == "tokenize":
        cleaned = _load(work, "cleaned")
        t = time.perf_counter()
        tokens = ca.tokenize(cleaned)
        s = time.perf_counter() - t
        _save(work, "tokens", ca.assign_themes(tokens).drop(columns=["raw"], errors="ignore"))
    elif stage == "dtm":
        tokens = _load(work, "tokens")
        t = time.perf_counter()
        dtm = ca.doc_term_matrix(tokens)
        s = time.perf_counter() - t
        _save(work, "dtm", dtm)
    elif stage == "keyness":
        dtm = _load(work, "dtm")
        if dtm.rows["theme"].nunique() < 2:
            return {"skipped": "fewer than two themes"}
        t = time.perf_counter()
        ca.keyness(dtm, by="theme")
        s = time.perf_counter() - t
    elif stage == "cooccurrence":
        tokens = _load(work, "tokens")
        t = time.perf_counter()
        ca.cooccurrence(tokens, window=5, min_count=5, measures=("g2",))
        s = time.perf_counter() - t
    else:
        workers = 1 if stage == "pipeline1" else 2
        cache = str(work / "cache") if stage in ("fill_cache", "cached") else None
        t = time.perf_counter()
        run_pipeline(files, workers=workers, audit=False, cache=cache)
        s = time.perf_counter() - t
    extra["seconds"] = s
    extra["peak_rss_MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    extra["workers_peak_rss_MB"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return extra


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "corpora" / "chinaxiv-zh" / "txt"))
    parser.add_argument("--limit-mb", type=float, default=None, help="use only the first N MB of files")
    parser.add_argument("--repeat", type=int, default=3,
                        help="run every stage N times (each in a fresh process) and keep the fastest (default 3): "
                             "this VM's speed drifts by 20 %% between runs, and the baseline is repeated too")
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # internal: run one stage in this process
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(run_stage(args.stage, Path(args.work))))
        return

    import pandas as pd

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
    print(f"{len(files)} files, {mb:.1f} MB from {args.folder}; every stage in a fresh process, the fastest of "
          f"{max(1, args.repeat)} runs\n", flush=True)
    rows: list = []
    seconds: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "files.json").write_text(json.dumps([str(f) for f in files]))
        # rounds: every stage once per round, in order, so that a slow spell of the VM hits all stages of a round
        # rather than all runs of one stage (the baseline included)
        runs: dict[str, list[dict]] = {stage: [] for stage, _ in STAGES}
        for n_round in range(max(1, args.repeat)):
            for stage, label in STAGES:
                if runs[stage] and "skipped" in runs[stage][-1]:
                    continue
                if stage == "fill_cache":  # every fill starts from an empty cache
                    shutil.rmtree(work / "cache", ignore_errors=True)
                proc = subprocess.run([sys.executable, __file__, "--stage", stage, "--work", tmp],
                                      capture_output=True, text=True, cwd=ROOT)
                if proc.returncode != 0:
                    sys.exit(f"stage {stage} failed:\n{proc.stderr}")
                runs[stage].append(json.loads(proc.stdout.strip().splitlines()[-1]))
                got = runs[stage][-1]
                print(f"round {n_round + 1}: {label:<42} " + (f"skipped: {got['skipped']}" if "skipped" in got
                                                               else f"{got['seconds']:8.2f} s"), flush=True)
        print()
        for stage, label in STAGES:
            out = min(runs[stage], key=lambda r: r.get("seconds", 0.0))
            if "skipped" in out:
                print(f"{label:<42} skipped: {out['skipped']}", flush=True)
                continue
            # the fastest run's seconds; the largest peak memory of all runs
            out["peak_rss_MB"] = max(r["peak_rss_MB"] for r in runs[stage])
            out["workers_peak_rss_MB"] = max(r["workers_peak_rss_MB"] for r in runs[stage])
            s = out["seconds"]
            seconds[stage] = s
            base = seconds.get("baseline") if stage in BASELINE_RELATIVE else None
            rows.append({"stage": label, "seconds": round(s, 2), "MB/s": round(mb / s, 2) if s else float("inf"),
                         "peak_rss_MB": round(out["peak_rss_MB"]),
                         "workers_peak_rss_MB": round(out["workers_peak_rss_MB"]) or None,
                         "x_baseline": round(base / s, 2) if base else None})
            print(f"{label:<42} {s:8.2f} s {mb / s:7.2f} MB/s  rss {out['peak_rss_MB']:7.0f} MB  "
                  f"workers {out['workers_peak_rss_MB']:6.0f} MB" + (f"  {base / s:5.2f}x baseline" if base else ""),
                  flush=True)
        if "tokenize" in seconds and "dtm" in seconds and "baseline" in seconds:
            both = seconds["tokenize"] + seconds["dtm"]
            rows.append({"stage": "tokenize + dtm (vs baseline)", "seconds": round(both, 2),
                         "MB/s": round(mb / both, 2),
                         "peak_rss_MB": None, "workers_peak_rss_MB": None,
                         "x_baseline": round(seconds["baseline"] / both, 2)})
    print()
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
