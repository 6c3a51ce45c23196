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


def _run_chunk(spec, tokenizer, options):
    from .stream import process_chunk

    return process_chunk(spec, tokenizer, **options)


def map_chunks(chunks, tokenizer, options: dict, *, scheduler=None):
    """Process chunks on a Dask cluster; yields ``(index, result)`` in chunk order."""
    _require_distributed()
    with dask_client(scheduler) as client:
        tok = client.scatter(tokenizer, broadcast=True)
        run = uuid.uuid4().hex[:8]
        futures = [client.submit(_run_chunk, spec, tok, options, pure=False, key=f"corpusanalysis-{run}-chunk-{i}")
                   for i, spec in enumerate(chunks)]
        try:
            for i, future in enumerate(futures):
                yield i, future.result()
                future.release()
        finally:
            for future in futures:
                future.cancel()
