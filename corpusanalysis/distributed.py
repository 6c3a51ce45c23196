"""Dask backend: run clean → tokenize → count on a :mod:`dask.distributed` cluster.

The chunked pipeline of :mod:`corpusanalysis.stream` sends every chunk to a Dask worker, which
runs the very same :func:`~corpusanalysis.stream.process_chunk` as a local worker process: the
results (tokens, document-term counts, keyness tables computed from them) are identical to the
local path.  File sources travel as lists of paths (the workers read the files, so they need the
same file system, as on any shared-storage cluster); table sources travel as DataFrames.

Point it at an existing cluster with a scheduler address::

    corpusanalysis report corpus/ --out report/ --scheduler tcp://scheduler-host:8786

or from Python::

    from corpusanalysis.stream import run_pipeline
    result = run_pipeline("corpus/", backend="dask", scheduler="tcp://scheduler-host:8786")

The workers need ``corpusanalysis`` installed in the same version (``pip install -e .`` from the
same checkout, or the same wheel).  ``scheduler=None`` starts a ``LocalCluster`` for the run.
Chunks are submitted two per worker at a time, so a large corpus never sits whole on the client or
the cluster; with ``spill=`` (``--low-memory``) the workers write the tokens to Parquet part files in
that (shared) folder and only the sparse counts come back.
"""

from __future__ import annotations

import contextlib
import uuid

__all__ = ["map_chunks", "dask_client"]


def _require_distributed():
    try:
        import distributed  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "backend='dask' needs dask.distributed, which is not installed; install it with "
            "pip install 'dask[distributed]' (or use backend='local')."
        ) from None


@contextlib.contextmanager
def dask_client(scheduler=None):
    """A ``distributed.Client`` for ``scheduler`` (address, Client, or None for a LocalCluster).

    A Client passed in is used as is and not closed; one created here is closed on exit.
    """
    _require_distributed()
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler is None:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            yield client
        return
    if not isinstance(scheduler, str):
        raise TypeError(f"scheduler must be an address such as 'tcp://host:8786', a distributed.Client or None; "
                        f"got {type(scheduler).__name__}.")
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise ConnectionError(
            f"scheduler={scheduler!r}: cannot connect to a Dask scheduler there ({exc}). Is the scheduler "
            "running (dask scheduler) and the address reachable from this machine?"
        ) from None
    with client:
        yield client


def _run_chunk(i, spec, tokenizer, options, spill):
    from .stream import _process_spill

    return _process_spill(i, spec, tokenizer, options, spill)


def _n_workers(client) -> int:
    try:
        return max(1, len(client.scheduler_info().get("workers", {})))
    except Exception:  # pragma: no cover - an unusual scheduler: fall back to a small window
        return 2


def map_chunks(chunks, tokenizer, options: dict, *, scheduler=None, spill=None):
    """Process chunks on a Dask cluster; yields ``(index, result)`` in chunk order.

    At most two chunks per worker are submitted at a time (``chunks`` may be a generator that reads
    the source lazily), so neither the client nor the cluster holds more than that many chunks.
    With ``spill`` (a folder all workers can write to), each worker writes its chunk's tokens and
    clean text to a Parquet part file there and only the small per-document columns and the sparse
    counts travel back.
    """
    from collections import deque

    _require_distributed()
    with dask_client(scheduler) as client:
        tok = client.scatter(tokenizer, broadcast=True)
        run = uuid.uuid4().hex[:8]
        window = 2 * _n_workers(client)
        pending: deque = deque()
        try:
            for i, spec in enumerate(chunks):
                pending.append((i, client.submit(_run_chunk, i, spec, tok, options, spill, pure=False,
                                                 key=f"corpusanalysis-{run}-chunk-{i}")))
                if len(pending) >= window:
                    j, future = pending.popleft()
                    yield j, future.result()
                    future.release()
            while pending:
                j, future = pending.popleft()
                yield j, future.result()
                future.release()
        finally:
            for _, future in pending:
                future.cancel()
