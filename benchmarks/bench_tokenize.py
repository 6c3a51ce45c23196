"""Tokenization throughput: our tokenize() vs plain jieba, worker processes, cache, and rjieba.

The texts (default: the first ~12 MB of ``../shared/corpora/chinaxiv-zh/txt/*.txt``) are cleaned
with ``clean_text`` first — cleaning is not timed — and every measurement runs over the same clean
texts.  MB are UTF-8 megabytes (10^6 bytes) of clean text.

Rows (all in one run):

* ``jieba lcut (baseline)`` — a private ``jieba.Tokenizer()``, ``lcut(text)`` with HMM, one process;
* ``ours tokenize()`` — ``tokenize(corpus)`` with the default settings (policy dictionary, default
  stopwords; ``stopwords=None`` when the stopword files are missing), one process;
* ``ours tokenize(workers=2)``;
* ``ours cache fill`` / ``ours cache hit`` — ``tokenize(corpus, cache=tmpdir)`` run twice, each in
  a fresh process (a re-run of the pipeline); the second one reads every document from the cache;
* ``rjieba cut`` — ``rjieba.Jieba().cut(text)`` with HMM, the candidate fast backend, as a plain
  segmenter;
* ``ours + rjieba gaps`` — ``tokenize(corpus, backend="rjieba")`` (the row keeps its old label "prototype");
  formerly a Tokenizer subclass
  whose gaps between dictionary terms go to ``rjieba.Jieba().tokenize`` instead of jieba.

Each row runs in its own child process (started with this interpreter), so ``peak RSS`` is that
row's own peak resident set (``resource.getrusage``; the worker processes' peak is shown separately).
Every child loads the same pickled clean texts; ``texts loaded`` is that floor.  Before the clock
starts, jieba (or rjieba) is initialized in the child, so no row pays jieba's ~1 s dictionary load,
except the workers of ``workers=2``, which are forked from the initialized parent.
``x baseline`` = row MB/s ÷ baseline MB/s (above 1 = faster than plain jieba).

When ``rjieba`` can be imported, the run also measures its agreement with jieba 0.42.1, line by line
over the same clean texts, with HMM on and off: the share of lines segmented identically and the
span-level precision/recall/F1 of rjieba against jieba; and, for the prototype, whether every
dictionary-term token is identical to ours with jieba.  Otherwise it prints ``rjieba not installed``
and skips those rows.  rjieba is not a project dependency; to measure it, install it elsewhere and
put only its package on the path, e.g.::

    python3 -m venv /tmp/rjb && /tmp/rjb/bin/pip install rjieba
    mkdir -p /tmp/rjieba_only && ln -sfn /tmp/rjb/lib/python3.11/site-packages/rjieba* /tmp/rjieba_only/
    PYTHONPATH=/tmp/rjieba_only .venv/bin/python benchmarks/bench_tokenize.py

Usage::

    .venv/bin/python benchmarks/bench_tokenize.py [--folder DIR] [--limit-mb 12]

Runtime ≈ 2 minutes without rjieba, ≈ 3 minutes with it (2 cores).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpora" / "chinaxiv-zh" / "txt"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROWS = ["texts loaded", "jieba lcut (baseline)", "ours tokenize()", "ours tokenize(workers=2)",
        "ours cache fill", "ours cache hit", "rjieba cut", "ours + rjieba gaps (prototype)"]
RJIEBA_ROWS = {"rjieba cut", "ours + rjieba gaps (prototype)"}
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


# ----------------------------------------------------------------------------- helpers
def _rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def _quiet_jieba() -> None:
    logging.getLogger("jieba").setLevel(logging.WARNING)


def _stopwords():
    """The default stopwords, or None when the stopword files are not there (yet)."""
    from corpusanalysis.text.tokenize import load_stopwords

    try:
        load_stopwords("default")
    except (FileNotFoundError, OSError, ValueError):
        return None
    return "default"


def _rjieba_version() -> str | None:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return None
    try:
        from importlib.metadata import version

        return version("rjieba")
    except Exception:  # the package dir is on PYTHONPATH without its dist-info
        return "unknown version"


def _spans(words: list[str]) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for w in words:
        if not w.isspace():
            out.add((pos, pos + len(w)))
        pos += len(w)
    return out


# ----------------------------------------------------------------------------- one row, in a child
def child(row: str, work: Path) -> dict:
    with open(work / "texts.pkl", "rb") as fh:
        ids, texts = pickle.load(fh)
    import pandas as pd

    corpus = pd.DataFrame({"text": texts}, index=pd.Index(ids, name="doc_id"))
    _quiet_jieba()
    from corpusanalysis import tokenize
    from corpusanalysis.text.tokenize import Tokenizer, _jieba_tokenizer

    stopwords = _stopwords()
    result: dict = {"row": row}
    out = None
    if row == "texts loaded":
        secs = None
    elif row == "jieba lcut (baseline)":
        import jieba

        jb = jieba.Tokenizer()
        jb.initialize()
        start = time.perf_counter()
        n = sum(len(jb.lcut(t, HMM=True)) for t in texts)
        secs = time.perf_counter() - start
        result["tokens"] = n
    elif row == "rjieba cut":
        import rjieba

        rj = rjieba.Jieba()
        rj.cut("预热")
        start = time.perf_counter()
        n = sum(len(rj.cut(t, hmm=True)) for t in texts)
        secs = time.perf_counter() - start
        result["tokens"] = n
    else:
        kwargs: dict = {}
        if row == "ours tokenize(workers=2)":
            kwargs["workers"] = 2
        elif row in ("ours cache fill", "ours cache hit"):
            kwargs["cache"] = work / "cache"
        if row == "ours + rjieba gaps (prototype)":
            fast = Tokenizer(stopwords=stopwords, backend="rjieba")
            fast.cut("预热")
            kwargs["tokenizer"] = fast
        else:
            Tokenizer(False, stopwords=None).cut("预热")  # initializes the private jieba, outside the clock
            _jieba_tokenizer()
        start = time.perf_counter()
        out = tokenize(corpus, stopwords=stopwords, **kwargs)
        secs = time.perf_counter() - start
        result["tokens"] = int(out["n_tokens"].sum())
        result["settings"] = out.attrs["tokenize"]
    result["secs"] = secs
    result["rss_self"] = _rss_mb()
    result["rss_children"] = _rss_mb(resource.RUSAGE_CHILDREN)
    if out is not None and row in ("ours tokenize()", "ours + rjieba gaps (prototype)"):
        with open(work / f"tokens-{ROWS.index(row)}.pkl", "wb") as fh:
            pickle.dump((out["tokens"].tolist(), out["token_spans"].tolist()), fh)
    return result


def agreement_child(work: Path) -> dict:
    """rjieba vs jieba 0.42.1, line by line, HMM on and off."""
    with open(work / "texts.pkl", "rb") as fh:
        _, texts = pickle.load(fh)
    _quiet_jieba()
    import jieba
    import rjieba

    jb = jieba.Tokenizer()
    jb.initialize()
    rj = rjieba.Jieba()
    lines = [line for t in texts for line in t.split("\n") if line.strip()]
    out = {"lines": len(lines)}
    for hmm in (True, False):
        same = correct = n_j = n_r = n_diff = n_han = 0
        diffs: dict = {}
        for line in lines:
            a = jb.lcut(line, HMM=hmm)
            b = rj.cut(line, hmm=hmm)
            if a == b:
                same += 1
                k = len(_spans(a))
                correct += k
                n_j += k
                n_r += k
                continue
            sa, sb = _spans(a), _spans(b)
            correct += len(sa & sb)
            n_j += len(sa)
            n_r += len(sb)
            for x in sb - sa:
                n_diff += 1
                n_han += bool(HAN.search(line, x[0], x[1]))
            if len(diffs) < 100_000:
                ja = {s: line[s[0]:s[1]] for s in sa - sb}
                rb = {s: line[s[0]:s[1]] for s in sb - sa}
                for s, w in rb.items():
                    covered = " ".join(ja[x] for x in sorted(ja) if x[0] < s[1] and s[0] < x[1]) or "?"
                    key = f"{covered} -> {w}"
                    diffs[key] = diffs.get(key, 0) + 1
        p, r = correct / n_r, correct / n_j
        out["on" if hmm else "off"] = {
            "same_lines": same, "P": p, "R": r, "F1": 2 * p * r / (p + r), "n_diff": n_diff, "n_han": n_han,
            "top_diffs": sorted(diffs.items(), key=lambda kv: (-kv[1], kv[0]))[:8],
        }
    return out


def run_child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- parent
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=str(DEFAULT), help="a folder of UTF-8 .txt files")
    parser.add_argument("--limit-mb", type=float, default=12.0, help="read files until N MB (raw) are loaded")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--agreement", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child or args.agreement:
        res = agreement_child(Path(args.work)) if args.agreement else child(args.child, Path(args.work))
        print(json.dumps(res, ensure_ascii=False))
        return 0

    files = sorted(Path(args.folder).glob("*.txt"))
    if not files:
        print(f"--folder={args.folder!r}: no .txt files there; pass a folder of UTF-8 text files.", file=sys.stderr)
        return 2
    from corpusanalysis import clean_text

    raw, ids, total = [], [], 0
    for f in files:
        t = f.read_text(encoding="utf-8")
        raw.append(t)
        ids.append(f.stem)
        total += len(t.encode("utf-8"))
        if args.limit_mb and total >= args.limit_mb * 1e6:
            break
    start = time.perf_counter()
    texts = [clean_text(t) for t in raw]
    clean_secs = time.perf_counter() - start
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    chars = sum(len(t) for t in texts)

    import jieba

    rj_version = _rjieba_version()
    stopwords = _stopwords()
    print(f"corpus: {args.folder}: {len(texts)} documents, {total / 1e6:.1f} MB raw -> {mb:.1f} MB clean "
          f"({chars / 1e6:.2f} M characters; cleaning {clean_secs:.1f} s, not counted)")
    print(f"python {platform.python_version()} {platform.machine()}, {os.cpu_count()} CPUs, jieba {jieba.__version__}, "
          f"rjieba {rj_version or 'not installed'}, stopwords={stopwords!r}")
    if rj_version is None:
        print("rjieba not installed: skipping the rjieba rows and the agreement check")

    results = {}
    with tempfile.TemporaryDirectory(prefix="bench_tokenize_") as tmp:
        work = Path(tmp)
        with open(work / "texts.pkl", "wb") as fh:
            pickle.dump((ids, texts), fh)
        for row in ROWS:
            if row in RJIEBA_ROWS and rj_version is None:
                continue
            results[row] = run_child(["--child", row, "--work", tmp])
        agreement = run_child(["--agreement", "--work", tmp]) if rj_version else None
        same_terms = None
        if rj_version:
            with open(work / f"tokens-{ROWS.index('ours tokenize()')}.pkl", "rb") as fh:
                ours_j = pickle.load(fh)
            with open(work / f"tokens-{ROWS.index('ours + rjieba gaps (prototype)')}.pkl", "rb") as fh:
                ours_r = pickle.load(fh)
            same_terms = _compare_outputs(ours_j, ours_r)

    settings = next((r["settings"] for r in results.values() if "settings" in r), {})
    print(f"dictionary {settings.get('dictionary')} {settings.get('dictionary_version')}, "
          f"{settings.get('stopwords')} stopwords\n")
    base = results["jieba lcut (baseline)"]["secs"]
    header = (f"{'row':<32} {'seconds':>8} {'MB/s':>6} {'x baseline':>10} {'tokens':>10} "
              f"{'peak RSS MB':>11} {'workers RSS MB':>14}")
    print(header)
    print("-" * len(header))
    for row in ROWS:
        r = results.get(row)
        if r is None:
            print(f"{row:<32} {'rjieba not installed':>27}")
            continue
        secs = r["secs"]
        workers = f"{r['rss_children']:.0f}" if row == "ours tokenize(workers=2)" else ""
        if secs is None:
            print(f"{row:<32} {'':>8} {'':>6} {'':>10} {'':>10} {r['rss_self']:>11.0f} {workers:>14}")
            continue
        print(f"{row:<32} {secs:>8.2f} {mb / secs:>6.2f} {base / secs:>10.2f} {r['tokens']:>10,} "
              f"{r['rss_self']:>11.0f} {workers:>14}")
    print("tokens: jieba/rjieba rows count every token (punctuation, spaces); ours count kept tokens "
          "(after dropping punctuation, numbers, stopwords).")

    if agreement:
        print(f"\nrjieba {rj_version} vs jieba {jieba.__version__}, {agreement['lines']:,} non-empty lines of the "
              "same clean text (spans of non-space tokens; P/R of rjieba against jieba):")
        print(f"{'HMM':<5} {'identical lines':>16} {'share':>7} {'P':>7} {'R':>7} {'F1':>7} "
              f"{'differing spans':>15} {'with Han chars':>14}")
        for hmm in ("on", "off"):
            a = agreement[hmm]
            print(f"{hmm:<5} {a['same_lines']:>16,} {a['same_lines'] / agreement['lines']:>7.4f} "
                  f"{a['P']:>7.4f} {a['R']:>7.4f} {a['F1']:>7.4f} {a['n_diff']:>15,} {a['n_han']:>14,}")
        print("differing spans = rjieba tokens that are not jieba tokens; 'with Han chars' = those containing "
              "a Chinese character.")
        for hmm in ("on", "off"):
            print(f"most frequent differences, HMM {hmm} (jieba words -> rjieba token: count):")
            for key, n in agreement[hmm]["top_diffs"]:
                print(f"    {key}: {n}")
            if not agreement[hmm]["top_diffs"]:
                print("    (none)")
    if same_terms:
        print("\nours + rjieba gaps vs ours (jieba): "
              f"{same_terms['docs_same']}/{same_terms['docs']} documents with identical tokens; "
              f"dictionary-term tokens identical (token and span) in {same_terms['terms_docs_same']}/"
              f"{same_terms['docs']} documents ({same_terms['terms_j']:,} term tokens with jieba, "
              f"{same_terms['terms_r']:,} with rjieba); kept-token span F1 {same_terms['F1']:.4f}")
    return 0


def _compare_outputs(a, b) -> dict:
    from corpusanalysis.text.dictionary import load_dictionary

    terms = set(load_dictionary().terms["term"])
    toks_a, spans_a = a
    toks_b, spans_b = b
    docs = len(toks_a)
    docs_same = terms_same = correct = na = nb = tj = tr = 0
    for ta, sa, tb, sb in zip(toks_a, spans_a, toks_b, spans_b):
        pa = set(zip(ta, map(tuple, sa)))
        pb = set(zip(tb, map(tuple, sb)))
        docs_same += pa == pb and len(ta) == len(tb)
        terms_a = {x for x in pa if x[0] in terms}
        terms_b = {x for x in pb if x[0] in terms}
        terms_same += terms_a == terms_b
        tj += len(terms_a)
        tr += len(terms_b)
        correct += len(pa & pb)
        na += len(pa)
        nb += len(pb)
    p, r = correct / nb, correct / na
    return {"docs": docs, "docs_same": docs_same, "terms_docs_same": terms_same, "terms_j": tj, "terms_r": tr,
            "F1": 2 * p * r / (p + r)}


if __name__ == "__main__":
    sys.exit(main())
