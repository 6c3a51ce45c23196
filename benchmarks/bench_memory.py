"""Bounded memory: peak RSS of the command line as the corpus grows.

    .venv/bin/python benchmarks/bench_memory.py [FOLDER] [--sizes 50 100 200] [--workers 2] [--command report]

Builds synthetic corpora of about 50, 100 and 200 MB (``--sizes``; ``--sizes 1000`` for the 1 GB
check) by repeating the ``.txt`` files of FOLDER (default ``../shared/corpora/chinaxiv-zh/txt``,
~52 MB) under distinct file names in a temporary folder (hard links where possible, so nothing is
copied), then runs ``python -m corpusanalysis COMMAND DIR --out OUT --workers N --quiet`` on each
in a fresh subprocess and reports two peaks:

- ``tree`` — the largest sum of RSS over the command and all its worker processes, sampled every
  0.1 s with psutil (what the machine has to hold at once);
- ``largest`` — ``ru_maxrss`` of ``RUSAGE_CHILDREN``: the largest single process (exact, not sampled).

Chunked processing keeps memory bounded by the chunk size: the peak should stay roughly flat while
the corpus doubles (the ``x smallest`` column), growing only with the sparse counts and the
per-document metadata.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_corpus(files: list[Path], folder: Path, target_bytes: float) -> int:
    """Fill ``folder`` with copies (hard links) of ``files`` under distinct names up to ``target_bytes``."""
    folder.mkdir(parents=True)
    total, rep = 0, 0
    while total < target_bytes:
        for f in files:
            if total >= target_bytes:
                break
            dest = folder / f"r{rep:03d}_{f.name}"
            try:
                os.link(f, dest)
            except OSError:
                shutil.copyfile(f, dest)
            total += f.stat().st_size
        rep += 1
    return total


def _tree_rss(proc) -> int:
    """RSS in bytes of a process and all its descendants (0 once it has exited)."""
    import psutil

    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total


def run_child(folder: Path, out: Path, command: str, workers: int, chunk_chars: int | None) -> dict:
    """Seconds and peak RSS (MB) of one command-line run in a fresh subprocess."""
    import psutil

    cmd = [sys.executable, "-m", "corpusanalysis", command, str(folder), "--out", str(out),
           "--workers", str(workers), "--quiet"]
    if chunk_chars:
        cmd += ["--chunk-chars", str(chunk_chars)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = [0]
    done = threading.Event()

    def sample():
        watched = psutil.Process(proc.pid)
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(watched))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr}")
    if after <= before:
        # ru_maxrss of children is a high-water mark over all children so far: a run smaller than an
        # earlier one cannot be measured this way (run the sizes in increasing order)
        print(f"  note: largest process not above the previous run's ({before / 1024:.0f} MB)", flush=True)
    return {"seconds": seconds, "tree": peak[0] / 2**20, "largest": after / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "corpora" / "chinaxiv-zh" / "txt"))
    parser.add_argument("--sizes", type=float, nargs="+", default=[50, 100, 200], help="corpus sizes in MB")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--command", choices=["tokenize", "report"], default="report")
    parser.add_argument("--chunk-chars", type=int, default=None, help="passed to the command (default: its own)")
    parser.add_argument("--tmp", default=None, help="folder for the synthetic corpora (default: system temp)")
    args = parser.parse_args()

    files = sorted(Path(args.folder).glob("*.txt"))
    if not files:
        sys.exit(f"no .txt files in {args.folder!r}")
    sizes = sorted(args.sizes)
    print(f"{len(files)} files, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB in {args.folder}; "
          f"corpusanalysis {args.command} --workers {args.workers}; sizes {sizes} MB", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for mb in sizes:
            folder = Path(tmp) / f"corpus-{mb:g}MB"
            actual = build_corpus(files, folder, mb * 1e6) / 1e6
            n_files = sum(1 for _ in folder.iterdir())
            run = run_child(folder, Path(tmp) / f"out-{mb:g}MB", args.command, args.workers, args.chunk_chars)
            rows.append((actual, n_files, run))
            print(f"  {actual:7.1f} MB  {n_files:6d} files  {run['seconds']:7.1f} s  "
                  f"peak RSS: tree {run['tree']:6.0f} MB, "
                  f"largest process {run['largest']:6.0f} MB", flush=True)
            shutil.rmtree(folder)
            shutil.rmtree(Path(tmp) / f"out-{mb:g}MB", ignore_errors=True)
    base = rows[0][2]["tree"]
    print()
    print(f"{'MB in':>8} {'files':>7} {'seconds':>8} {'MB/s':>6} {'tree RSS MB':>12} {'largest MB':>11} "
          f"{'x smallest':>11}")
    for actual, n_files, run in rows:
        print(f"{actual:8.1f} {n_files:7d} {run['seconds']:8.1f} {actual / run['seconds']:6.2f} {run['tree']:12.0f} "
              f"{run['largest']:11.0f} {run['tree'] / base:11.2f}")


if __name__ == "__main__":
    main()
