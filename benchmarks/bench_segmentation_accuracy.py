"""Word-segmentation accuracy on the SIGHAN 2005 PKU test set: plain jieba vs our Tokenizer.

Every system segments each line of ``pku_test.utf8``; predicted and gold words are compared as
sets of character spans over the concatenated text (whitespace is not a word), as the data's
README prescribes.  Printed per system: precision, recall, F1, recall of in-vocabulary gold words
(in ``pku_training_words.utf8``) and of out-of-vocabulary ones, and F1 minus plain jieba's F1 with
the same HMM setting, in points.

Systems (all in one run):

* ``jieba lcut HMM=on/off`` — a private ``jieba.Tokenizer()`` (never ``jieba.dt``), ``lcut(line, HMM=...)``;
* ``ours, policy dict, HMM=on/off`` — ``Tokenizer(stopwords=None, keep=("number", "punct"))``;
  every token of ``.analyze(line)`` whose kind is not ``"space"`` is scored (``cut`` would drop
  punctuation and numbers);
* ``jieba lcut + guards, HMM=on/off`` — the same with the package's segmentation guards
  (``data/segmentation_guards.txt``: 开创, 原创) added, as the package's own segmenters have them;
* ``ours, dictionary=False, HMM=on/off`` — the default (rjieba) without the dictionary;
* ``ours, no dict, backend=jieba, HMM=on/off`` — the sanity check: must equal jieba + guards span for span
  (rjieba's HMM differs from jieba's on a few lines, so the default row is not the check);
* ``rjieba cut, HMM=on/off`` — only when ``rjieba`` (not a project dependency) can be imported, e.g.
  ``PYTHONPATH=/tmp/rjieba_only`` as described in ``bench_tokenize.py``.

Then the 15 most frequent errors the dictionary causes: spans our tokenizer emits with the policy
dictionary that are neither gold words nor produced without the dictionary, with the gold words
they cover and whether the span is a dictionary term or a gap token next to one.

Exit status 1 if the policy dictionary costs more than ``--max-loss`` F1 points (default 0.5)
against plain jieba with either HMM setting, or if ``dictionary=False`` differs from plain jieba.

Usage::

    .venv/bin/python benchmarks/bench_segmentation_accuracy.py [--data DIR] [--max-loss 0.5] [--top 15]

``--data`` defaults to ``../shared/eval/sighan2005-pku`` beside the checkout.  Runtime ≈ 30 s.
The data is for evaluation only: it is read in place, never copied into the project.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "sighan2005-pku"

Span = tuple[int, int]


def read_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def nonspace_index(line: str) -> list[int]:
    """``idx[i]`` = number of non-whitespace characters before position ``i`` (length len+1)."""
    idx = [0] * (len(line) + 1)
    n = 0
    for i, ch in enumerate(line):
        idx[i] = n
        if not ch.isspace():
            n += 1
    idx[len(line)] = n
    return idx


def spans_from_offsets(line: str, offsets, base: int) -> list[Span]:
    """Spans in whitespace-free coordinates (+ ``base``) for tokens given as ``(start, end)`` into ``line``.

    Whitespace-only tokens are dropped; whitespace inside a token is not counted.
    """
    idx = nonspace_index(line)
    out = []
    for s, e in offsets:
        a, b = idx[s], idx[e]
        if b > a:
            out.append((base + a, base + b))
    return out


def offsets_from_words(line: str, words: list[str]) -> list[Span]:
    out, pos = [], 0
    for w in words:
        out.append((pos, pos + len(w)))
        pos += len(w)
    if pos != len(line) or "".join(words) != line:
        raise AssertionError(f"tokens do not reproduce the line: {line[:40]!r}…")
    return out


def gold_spans(line: str, base: int) -> list[Span]:
    out, pos = [], base
    for w in line.split():
        out.append((pos, pos + len(w)))
        pos += len(w)
    return out


def score(pred: set[Span], gold: set[Span], gold_iv: set[Span]) -> dict:
    correct = pred & gold
    p = len(correct) / len(pred) if pred else 0.0
    r = len(correct) / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    gold_oov = gold - gold_iv
    return {
        "P": p, "R": r, "F1": f,
        "IV-R": len(correct & gold_iv) / len(gold_iv) if gold_iv else 0.0,
        "OOV-R": len(correct & gold_oov) / len(gold_oov) if gold_oov else 0.0,
        "n_pred": len(pred), "n_correct": len(correct),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT), help="folder with pku_test.utf8, pku_test_gold.utf8, "
                                                             "pku_training_words.utf8")
    parser.add_argument("--max-loss", type=float, default=0.5, help="allowed F1 loss of the dictionary, in points")
    parser.add_argument("--top", type=int, default=15, help="how many dictionary error types to list")
    args = parser.parse_args()

    data = Path(args.data)
    names = ("pku_test.utf8", "pku_test_gold.utf8", "pku_training_words.utf8")
    missing = [n for n in names if not (data / n).is_file()]
    if missing:
        print(f"--data={str(data)!r}: missing {missing}; pass the folder of the SIGHAN 2005 PKU test set.",
              file=sys.stderr)
        return 2
    raw = read_lines(data / names[0])
    gold_lines = read_lines(data / names[1])
    vocab = {w.strip() for w in read_lines(data / names[2]) if w.strip()}
    if len(raw) != len(gold_lines):
        print(f"{names[0]} has {len(raw)} lines but {names[1]} has {len(gold_lines)}.", file=sys.stderr)
        return 2

    # gold spans over the concatenated, whitespace-free text
    bases, gold, gold_iv, gold_word = [], set(), set(), {}
    base = 0
    for i, (r, g) in enumerate(zip(raw, gold_lines)):
        if "".join(r.split()) != "".join(g.split()):
            print(f"line {i + 1}: the gold words do not spell the raw text.", file=sys.stderr)
            return 2
        bases.append(base)
        for (s, e), w in zip(gold_spans(g, base), g.split()):
            gold.add((s, e))
            gold_word[(s, e)] = w
            if w in vocab:
                gold_iv.add((s, e))
        base += len("".join(r.split()))
    concat = "".join("".join(r.split()) for r in raw)

    import jieba

    from corpusanalysis.text.tokenize import Tokenizer

    logging.getLogger("jieba").setLevel(logging.WARNING)
    from corpusanalysis.text.tokenize import segmentation_guards

    jb = jieba.Tokenizer()
    jb.initialize()
    guarded = jieba.Tokenizer()
    guarded.initialize()
    for word, freq in segmentation_guards():
        guarded.add_word(word, freq)

    def run_jieba(hmm: bool, segmenter=jb):
        spans = []
        for line, b in zip(raw, bases):
            spans.append(spans_from_offsets(line, offsets_from_words(line, segmenter.lcut(line, HMM=hmm)), b))
        return spans, None

    def run_ours(dictionary, hmm: bool, backend=None):
        tok = Tokenizer(dictionary, stopwords=None, keep=("number", "punct"), hmm=hmm, backend=backend)
        spans, kinds = [], {}
        for line, b in zip(raw, bases):
            toks = [t for t in tok.analyze(line) if t[3] != "space"]
            line_spans = spans_from_offsets(line, [(s, e) for _, s, e, _, _ in toks], b)
            if len(line_spans) != len(toks):
                raise AssertionError(f"an empty non-space token in {line[:40]!r}…")
            spans.append(line_spans)
            for sp, t in zip(line_spans, toks):
                kinds[sp] = (t[3], t[0])
        return spans, kinds

    try:
        import rjieba
    except ImportError:
        rjieba = None

    def run_rjieba(hmm: bool):
        rj = rjieba.Jieba()
        spans = []
        for line, b in zip(raw, bases):
            spans.append(spans_from_offsets(line, offsets_from_words(line, rj.cut(line, hmm=hmm)), b))
        return spans, None

    systems = [
        ("jieba lcut, HMM on", lambda: run_jieba(True)),
        ("jieba lcut, HMM off", lambda: run_jieba(False)),
        ("jieba lcut + guards, HMM on", lambda: run_jieba(True, guarded)),
        ("jieba lcut + guards, HMM off", lambda: run_jieba(False, guarded)),
        ("ours, policy dict, HMM on", lambda: run_ours(None, True)),
        ("ours, policy dict, HMM off", lambda: run_ours(None, False)),
        ("ours, dictionary=False, HMM on", lambda: run_ours(False, True)),
        ("ours, dictionary=False, HMM off", lambda: run_ours(False, False)),
        ("ours, no dict, backend=jieba, HMM on", lambda: run_ours(False, True, "jieba")),
        ("ours, no dict, backend=jieba, HMM off", lambda: run_ours(False, False, "jieba")),
    ]
    if rjieba is not None:
        systems += [("rjieba cut, HMM on", lambda: run_rjieba(True)),
                    ("rjieba cut, HMM off", lambda: run_rjieba(False))]
    results, outputs = {}, {}
    for name, fn in systems:
        t0 = time.perf_counter()
        spans, kinds = fn()
        secs = time.perf_counter() - t0
        outputs[name] = (spans, kinds)
        results[name] = score({s for line in spans for s in line}, gold, gold_iv) | {"secs": secs}

    d = Tokenizer(stopwords=None).dictionary_
    print(f"SIGHAN 2005 PKU test: {len(raw)} lines, {len(concat)} characters, {len(gold)} gold words "
          f"({len(gold) - len(gold_iv)} OOV w.r.t. the training word list)")
    print(f"jieba {jieba.__version__}; policy dictionary {d.name} {d.version} ({len(d.forms())} forms); "
          f"rjieba {'not installed (rows skipped)' if rjieba is None else 'importable (optional rows)'}\n")
    header = f"{'system':<38} {'P':>6} {'R':>6} {'F1':>6} {'IV-R':>6} {'OOV-R':>6} {'ΔF1 pts':>8} {'secs':>5}"
    print(header)
    print("-" * len(header))
    for name, _ in systems:
        r = results[name]
        ref = results["jieba lcut, HMM on" if "HMM on" in name else "jieba lcut, HMM off"]
        delta = "" if name.startswith("jieba lcut,") else f"{(r['F1'] - ref['F1']) * 100:+.2f}"
        print(f"{name:<38} {r['P']:>6.4f} {r['R']:>6.4f} {r['F1']:>6.4f} {r['IV-R']:>6.4f} {r['OOV-R']:>6.4f} "
              f"{delta:>8} {r['secs']:>5.1f}")
    print("ΔF1 pts = F1 − F1 of plain jieba with the same HMM setting, × 100. secs: wall time, including "
          "building the tokenizer (the first 'ours' row also loads jieba's dictionary).")

    status = 0
    print()
    for hmm in ("on", "off"):
        plain = outputs[f"jieba lcut + guards, HMM {hmm}"][0]
        nodict = outputs[f"ours, no dict, backend=jieba, HMM {hmm}"][0]
        same = sum(a == b for a, b in zip(plain, nodict))
        ok = same == len(raw)
        print(f"sanity, HMM {hmm}: dictionary=False, backend='jieba' equals jieba + guards on {same}/{len(raw)} lines "
              f"-> {'OK' if ok else 'MISMATCH'}")
        status |= 0 if ok else 1
        loss = (results[f"jieba lcut, HMM {hmm}"]["F1"] - results[f"ours, policy dict, HMM {hmm}"]["F1"]) * 100
        verdict = "OK" if loss <= args.max_loss else f"FAIL (> {args.max_loss} points)"
        print(f"policy dictionary, HMM {hmm}: costs {loss:.2f} F1 points -> {verdict}")
        if loss > args.max_loss:
            status = 1

    # errors the dictionary causes: spans emitted with the dictionary that are wrong and absent without it
    shown = None
    for hmm in ("on", "off"):
        with_dict, kinds = outputs[f"ours, policy dict, HMM {hmm}"]
        without = outputs[f"ours, dictionary=False, HMM {hmm}"][0]
        gold_starts = sorted(gold)
        errors: Counter = Counter()
        lost = gained = 0
        for a, b in zip(with_dict, without):
            sa, sb = set(a), set(b)
            gained += len((sa - sb) & gold)
            lost += len((sb - sa) & gold)
            for sp in sorted(sa - sb - gold):
                s, e = sp
                covered = [w for w in _overlapping(gold_starts, s, e)]
                gold_text = " | ".join(gold_word[w] for w in covered)
                kind, token = kinds[sp]
                surface = concat[s:e]
                source = f"term {token}" if kind == "term" else "gap next to a term"
                errors[(gold_text, surface, source)] += 1
        print(f"\ndictionary effect, HMM {hmm}: {gained} gold words gained, {lost} lost "
              f"(net {gained - lost:+d}); {sum(errors.values())} wrong spans not produced without it", end="")
        if errors == shown:
            print("; the same error types as with HMM on.")
            continue
        shown = errors
        print(f"; top {args.top} error types:")
        print(f"  {'count':>5}  {_pad('gold words', 26)} {_pad('our token', 20)} source")
        for (gold_text, surface, source), n in errors.most_common(args.top):
            print(f"  {n:>5}  {_pad(gold_text, 26)} {_pad(surface, 20)} {source}")
    return status


def _pad(text: str, width: int) -> str:
    """Left-justify to a display width (CJK characters are two columns wide)."""
    import unicodedata

    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - cols)


def _overlapping(sorted_spans: list[Span], s: int, e: int) -> list[Span]:
    """Gold spans overlapping ``[s, e)`` (gold spans tile the text, so a bisect finds them)."""
    import bisect

    i = bisect.bisect_right(sorted_spans, (s, float("inf"))) - 1
    i = max(i, 0)
    out = []
    while i < len(sorted_spans) and sorted_spans[i][0] < e:
        gs, ge = sorted_spans[i]
        if ge > s:
            out.append(sorted_spans[i])
        i += 1
    return out


if __name__ == "__main__":
    sys.exit(main())
