"""Command line: ``corpusanalysis clean|tokenize|report SOURCE --out DIR``.

``clean`` writes the cleaned corpus (``clean.parquet``: raw, text and page columns), the audit
trail (``cleaning_report.csv``) and the per-document summary; ``tokenize`` writes the tokens
(``tokens.parquet``), the term frequencies and the document-term counts (long table); ``report``
writes the standard tables (CSV and Parquet), figures, the co-occurrence network (GEXF) and one
self-contained HTML page (see :mod:`corpusanalysis.report`).

Exit codes: 0 success, 1 bad input (an undecodable file, a broken dictionary, an empty corpus …),
2 bad usage (unknown option, a source that does not exist, an output path that is a file).  Errors
are one message on stderr naming the file or argument; ``--debug`` shows the traceback.

Examples
--------
>>> main(["--version"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ._csv import write_csv
from ._version import __version__
from .io.corpus import CHUNK_CHARS, load_chunk, plan_chunks
from .io.sources import folder_files, resolve_files
from .pipeline.chunked import PipelineResult, iter_parts, run_pipeline
from .pipeline.report import write_report
from .text.clean import cleaning_report
from .text.tokenize import Tokenizer

if TYPE_CHECKING:  # pandas is imported where it is used, so that --help and --version start fast
    import pandas as pd

__all__ = ["build_parser", "main"]

PROG = "corpusanalysis"
#: ``report`` keeps the tokens on disk (as with ``--low-memory``) when the input is larger than this:
#: tokens held as Python strings take about 15-20 times the UTF-8 size of the text.
LOW_MEMORY_BYTES = 100 * 2**20


class UsageError(Exception):
    """Bad command-line usage (exit code 2)."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (subcommands ``clean``, ``tokenize``, ``report``).

    Examples
    --------
    >>> args = build_parser().parse_args(["report", "seeds", "--out", "/tmp/r", "--workers", "2"])
    >>> args.command, args.workers, args.quiet
    ('report', 2, False)
    """

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Computational analysis of Chinese policy texts: clean, tokenize and report on a corpus.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    helps = {
        "clean": "clean the documents; write clean.parquet, the audit trail and a cleaning summary",
        "tokenize": "clean and tokenize; write tokens.parquet, term frequencies and document-term counts",
        "report": "the full analysis: tables (CSV+Parquet), figures, GEXF network and report.html",
    }
    for name, text in helps.items():
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("source", metavar="SOURCE",
                       help="a folder of .txt files, a glob ('data/*.txt'), a .csv/.jsonl/.parquet table, or a folder "
                            "with a metadata.csv whose 'file' column lists the documents")
        p.add_argument("--out", required=True, metavar="DIR", help="output folder (created)")
        p.add_argument("--metadata", metavar="FILE", help="metadata CSV with doc_id or file column "
                                                          "(default: metadata.csv beside the files)")
        p.add_argument("--text-column", default=None, metavar="NAME",
                       help="text column of a table source (default: the one column named text, Text, content, "
                            "正文 …; the report says which)")
        p.add_argument("--encoding", metavar="CODEC", help="force one encoding (default: detect per file)")
        p.add_argument("--cleaning-rules", metavar="FILE", help="extra cleaning rules (YAML)")
        if name != "clean":
            p.add_argument("--dictionary", metavar="FILE", help="policy-term dictionary YAML (default: bundled)")
        p.add_argument("--workers", type=_positive_int, default=1, metavar="N", help="worker processes (default 1)")
        p.add_argument("--cache", metavar="DIR", help="cache folder: an unchanged re-run skips cleaning and tokenizing")
        p.add_argument("--chunk-chars", type=_positive_int, default=None, metavar="N",
                       help=f"characters per chunk for bounded memory (default {CHUNK_CHARS:,})")
        p.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on a Dask cluster (e.g. tcp://host:8786; 'local' starts a LocalCluster)")
        if name == "report":
            p.add_argument("--low-memory", action="store_true",
                           help="keep tokens on disk (Parquet parts in DIR/tokens/) instead of in memory "
                                f"(automatic above {LOW_MEMORY_BYTES // 2**20} MB of input)")
            p.add_argument("--time-column", metavar="NAME",
                           help="year or date column for trends (default: the first column named year, date, Date, "
                                "日期, 发布日期 … in any case)")
            p.add_argument("--freq", choices=("auto", "year", "quarter", "month"), default="auto",
                           help="period of the trends (default auto: years, or months/quarters for dates within a "
                                "few years)")
            p.add_argument("--groups", metavar="COLUMN",
                           help="compare groups of documents by this metadata column (genre, issuer, folder, a "
                                "year or date column binned into periods …): keyness and theme term rates")
            p.add_argument("--title", help="title of the HTML page")
            p.add_argument("--no-audit", action="store_true", help="skip the cleaning summary (faster)")
        p.add_argument("--quiet", action="store_true", help="no progress bars or messages (errors still go to stderr)")
        p.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def _documents_from_metadata(folder: Path) -> tuple[list[Path], Path] | None:
    """A folder without text files but with a metadata.csv listing them (gov-work-reports/)."""
    import pandas as pd

    meta_path = folder / "metadata.csv"
    if not meta_path.is_file():
        return None
    meta = pd.read_csv(meta_path, encoding="utf-8-sig", dtype=str)
    col = next((c for c in ("file", "filename", "path") if c in meta.columns), None)
    if col is None:
        return None
    files = [folder / f for f in meta[col].dropna()]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"{str(meta_path)!r} lists {len(missing)} file(s) that do not exist, e.g. "
                                f"{missing[:3]}; fix the 'file' column or remove those rows.")
    return files, meta_path


def _resolve_source(args: argparse.Namespace) -> tuple[str | list[Path], str | Path | None]:
    """(source, metadata) for the pipeline; UsageError when SOURCE cannot name a corpus."""
    text = args.source
    path = Path(text)
    metadata = args.metadata
    if metadata is not None and not Path(metadata).is_file():
        raise UsageError(f"--metadata {metadata!r} does not exist; expected a CSV file with a doc_id or file column.")
    if any(ch in text for ch in "*?[") and not path.exists():
        return text, metadata
    if not path.exists():
        raise UsageError(f"SOURCE {text!r} does not exist. Expected a folder of .txt files, a glob, or a "
                         ".csv/.jsonl/.parquet table.")
    if path.is_dir() and not folder_files(path):
        listed = _documents_from_metadata(path)
        if listed is not None:
            files, meta_path = listed
            return files, metadata or meta_path
    return text, metadata


def _check_out(out: str) -> Path:
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UsageError(f"--out {out!r} is a file; expected a folder (it is created if missing).")
    return path


#: Written into every output folder: a folder holding it may be replaced by the next run into the same --out.
OUTPUT_MARKER = ".corpusanalysis-output"


@contextlib.contextmanager
def _staged_output(final: Path) -> Iterator[Path]:
    """Write a command's output into a hidden sibling folder and move it into place only when the command succeeds.

    A lock file beside ``final`` stops a second run into the same folder; an existing ``final`` is replaced whole
    (no stale file of an earlier run stays) but only if an earlier run of this program wrote it; an interrupted or
    failed run leaves the earlier output as it was and no complete-looking folder.
    """
    final = final.absolute()
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.is_dir() and any(final.iterdir()) and not (final / OUTPUT_MARKER).exists():
        raise UsageError(f"--out {str(final)!r} exists and holds files that corpusanalysis did not write; it would "
                         "replace them. Choose a new or empty folder.")
    lock = final.parent / f".{final.name}.lock"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        raise UsageError(f"another run is writing into --out {str(final)!r} (lock file {str(lock)!r}: "
                         f"{lock.read_text(errors='replace').strip()}). Wait for it, or delete the lock file if no run "
                         "is active.") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    staging = final.parent / f".{final.name}.partial-{os.getpid()}"
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        (staging / OUTPUT_MARKER).write_text("written by corpusanalysis; the folder is replaced by the next run\n",
                                             encoding="utf-8")
        try:
            yield staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        old = final.parent / f".{final.name}.old-{os.getpid()}"
        if final.exists():
            final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        lock.unlink(missing_ok=True)


def _source_bytes(source: str | list[Path]) -> int:
    """Bytes of input a resolved source names (files on disk; 0 when it cannot be told cheaply)."""

    if isinstance(source, (str, os.PathLike)) and Path(source).is_file():
        return Path(source).stat().st_size
    try:
        files, _ = resolve_files(source)
    except (ValueError, OSError):  # the pipeline reports a bad source with its own message
        return 0
    return sum(p.stat().st_size for p in files)


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def _pipeline(args: argparse.Namespace, *, keep_text: bool, audit: bool,
              spill: Path | None = None) -> tuple[PipelineResult, Tokenizer]:
    source, metadata = _resolve_source(args)
    dictionary = getattr(args, "dictionary", None)
    if dictionary is not None and not Path(dictionary).is_file():
        raise UsageError(f"--dictionary {dictionary!r} does not exist; expected a policy-term dictionary YAML file.")
    rules = args.cleaning_rules
    if rules is not None and not Path(rules).is_file():
        raise UsageError(f"--cleaning-rules {rules!r} does not exist; expected a YAML file of cleaning rules.")
    tokenizer = Tokenizer(dictionary)
    backend: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    if args.scheduler:
        backend = "dask"
        scheduler = None if args.scheduler == "local" else args.scheduler
    return run_pipeline(source, metadata=metadata, tokenizer=tokenizer, rules=rules, audit=audit, keep_text=keep_text,
                        chunk_chars=args.chunk_chars or CHUNK_CHARS, workers=args.workers, cache=args.cache,
                        spill=spill, backend=backend, scheduler=scheduler, text_column=args.text_column,
                        encoding=args.encoding,
                        progress=not args.quiet), tokenizer


def _show_warnings(args: argparse.Namespace, result: PipelineResult) -> None:
    """Print the pipeline's warnings (what was converted, kept empty, left out …): also with ``--quiet``, as they
    are on the report page; each once."""
    for message in result.warnings:
        if message not in args.shown:
            args.shown.add(message)
            print(f"{PROG}: warning: {message}", file=sys.stderr)


def _show_other_warnings(args: argparse.Namespace, caught: list[warnings.WarningMessage]) -> None:
    """Print the other warnings of a run (a cache entry recomputed …) once each, as ``corpusanalysis: warning:``
    lines, unless ``--quiet``."""
    for w in caught:
        message = str(w.message)
        if message not in args.shown and not args.quiet:
            args.shown.add(message)
            print(f"{PROG}: warning: {message}", file=sys.stderr)


def _write_frames(frames: Iterable[pd.DataFrame], path: Path, *, empty: pd.DataFrame | Callable[[], pd.DataFrame],
                  preserve_index: bool | None = None) -> None:
    """Write DataFrames (same columns) one after the other into one Parquet file; ``empty`` (a frame or a
    function returning one) if there are none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        for frame in frames:
            table = pa.Table.from_pandas(frame, preserve_index=preserve_index)
            if writer is None:
                # a column that is all missing in the first chunk has type null: widen it to string
                schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema],
                                   metadata=table.schema.metadata)
                writer = pq.ParquetWriter(tmp, schema)
            writer.write_table(table.cast(writer.schema))
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        (empty() if callable(empty) else empty).to_parquet(tmp)
    os.replace(tmp, path)


def _cmd_clean(args: argparse.Namespace) -> None:
    import pandas as pd

    out = _check_out(args.out)
    source, metadata = _resolve_source(args)
    rules = args.cleaning_rules
    if rules is not None and not Path(rules).is_file():
        raise UsageError(f"--cleaning-rules {rules!r} does not exist; expected a YAML file of cleaning rules.")
    # clean text goes to Parquet part files chunk by chunk and is streamed into clean.parquet
    work = out / ".clean-parts"
    result, _ = _pipeline(args, keep_text=True, audit=True, spill=work)
    _show_warnings(args, result)
    out.mkdir(parents=True, exist_ok=True)
    docs = result.docs.drop(columns=["tokens", "n_tokens"], errors="ignore")

    def frames() -> Iterator[pd.DataFrame]:
        for part in iter_parts(result.parts):
            frame = docs.loc[part.index].copy()
            frame.insert(0, "text", part["text"])
            for col in frame.columns:
                if frame[col].dtype == object:
                    frame[col] = frame[col].map(lambda v: "|".join(v) if isinstance(v, tuple) else v)
            yield frame

    _write_frames(frames(), out / "clean.parquet", empty=docs.assign(text=pd.Series(dtype=object)))
    shutil.rmtree(work, ignore_errors=True)
    assert result.cleaning is not None  # audit=True: the pipeline made the cleaning summary
    write_csv(result.cleaning, out / "cleaning_summary.csv")
    # the audit trail, chunk by chunk (it replays the cleaning of raw)
    plan = plan_chunks(source, metadata=metadata, chunk_chars=args.chunk_chars or CHUNK_CHARS,
                       text_column=args.text_column, encoding=args.encoding)
    header = True
    with open(out / "cleaning_report.csv", "w", encoding="utf-8-sig", newline="") as fh:
        for spec in plan.chunks:
            report = cleaning_report(load_chunk(spec, args.encoding), rules=rules)
            write_csv(report, fh, index=False, header=header)
            header = False
    _say(args, f"{PROG} clean: {len(docs):,} documents → {args.final_out}/clean.parquet, cleaning_report.csv, "
               "cleaning_summary.csv")


def _cmd_tokenize(args: argparse.Namespace) -> None:
    import pandas as pd

    out = _check_out(args.out)
    # tokens go to Parquet part files chunk by chunk and are streamed into tokens.parquet
    work = out / ".tokenize-parts"
    result, _ = _pipeline(args, keep_text=False, audit=False, spill=work)
    _show_warnings(args, result)
    out.mkdir(parents=True, exist_ok=True)
    docs = result.docs

    def table(frame: pd.DataFrame) -> pd.DataFrame:
        for col in frame.columns:
            if col != "tokens" and frame[col].dtype == object:
                frame[col] = frame[col].astype("string")
        return frame

    def frames() -> Iterator[pd.DataFrame]:
        for part in iter_parts(result.parts):
            frame = docs.loc[part.index].copy()
            frame.insert(frame.columns.get_loc("n_tokens"), "tokens", [list(t) for t in part["tokens"]])
            yield table(frame)

    empty = docs.copy()
    empty.insert(empty.columns.get_loc("n_tokens"), "tokens", pd.Series([[]] * len(empty), index=empty.index,
                                                                        dtype=object))
    _write_frames(frames(), out / "tokens.parquet", empty=table(empty))
    shutil.rmtree(work, ignore_errors=True)
    write_csv(result.dtm.term_frequencies(), out / "term_frequencies.csv", index=False)
    _write_frames(result.dtm.iter_frames(rows=2_000), out / "doc_term_counts.parquet", empty=result.dtm.to_frame,
                  preserve_index=False)
    _say(args, f"{PROG} tokenize: {len(docs):,} documents, {int(result.dtm.n_tokens.sum()):,} tokens, "
               f"{result.dtm.shape[1]:,} terms → {args.final_out}/tokens.parquet, term_frequencies.csv, "
               "doc_term_counts.parquet")


def _cmd_report(args: argparse.Namespace) -> None:
    out = _check_out(args.out)
    started = time.perf_counter()
    size = _source_bytes(_resolve_source(args)[0])
    low_memory = args.low_memory or size > LOW_MEMORY_BYTES
    if low_memory and not args.low_memory:
        _say(args, f"{PROG}: note: the input is {size / 2**20:,.0f} MB (over {LOW_MEMORY_BYTES // 2**20} MB): "
                   f"tokens are kept on disk in {Path(args.final_out) / 'tokens'} (as with --low-memory)")
    spill = out / "tokens" if low_memory else None
    result, tokenizer = _pipeline(args, keep_text=False, audit=not args.no_audit, spill=spill)
    _show_warnings(args, result)
    if result.dtm.shape[1] == 0:
        raise ValueError(f"SOURCE {args.source!r}: the documents have no tokens after cleaning (are they empty, "
                         "or not Chinese text?); nothing to report.")
    written = write_report(result, out, dictionary=tokenizer.dictionary_, title=args.title, source=args.source,
                           time_column=args.time_column, freq=args.freq, groups=args.groups,
                           token_parts=result.parts, progress=not args.quiet)
    for note in written["notes"]:
        _say(args, f"{PROG}: note: {note}")
    _say(args, f"{PROG} report: {len(result.docs):,} documents in {time.perf_counter() - started:.1f} s → "
               f"{Path(args.final_out) / 'report.html'} ({len(written['tables'])} tables, "
               f"{len(written['figures'])} figures)")


_COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {"clean": _cmd_clean, "tokenize": _cmd_tokenize,
                                                               "report": _cmd_report}


def _message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, FileNotFoundError) and exc.filename:
        text = f"{exc.strerror or 'not found'}: {exc.filename!r}"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 bad input, 2 bad usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version (0) or a usage error (2), already printed
        code = int(exc.code or 0)
        given = list(sys.argv[1:] if argv is None else argv)
        dashed = [a for a in given if a.startswith("-") and a != "-" and Path(a).exists()]
        if code == 2 and dashed:  # a file whose name starts with "-" was read as an option
            print(f"{PROG}: note: {dashed[0]!r} starts with '-', so it was read as an option; put SOURCE after '--' "
                  f"(e.g. {PROG} report --out DIR -- {dashed[0]}) or write it as ./{dashed[0]}", file=sys.stderr)
        return code
    debug = args.debug
    if args.quiet:
        os.environ.setdefault("TQDM_DISABLE", "1")
    args.shown = set()  # warning messages already printed
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with _staged_output(_check_out(args.out)) as staging:
                    args.final_out, args.out = args.out, str(staging)
                    _COMMANDS[args.command](args)
            finally:
                _show_other_warnings(args, caught)
    except UsageError as exc:
        if debug:
            raise
        parser.print_usage(sys.stderr)
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError, ImportError, KeyError) as exc:
        # CorpusLoadError, DictionaryError and the library's ValueErrors name the file and the cause.
        if debug:
            raise
        print(f"{PROG} {args.command}: error: {_message(exc)}", file=sys.stderr)
        print(f"{PROG}: run again with --debug for the traceback.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
