"""One bounded executor for local worker processes and Dask clusters.

:func:`bounded_map` applies a worker function to a stream of items — in this process, in a pool
of local processes, or on a :mod:`dask.distributed` cluster — and yields the results **in input
order** with at most ``per_worker`` items per worker in flight, so a lazily read corpus is never
held whole by the caller, the pool or the cluster.  The function is handed in (it must be a
module-level function, so that it can be pickled), which keeps this module free of any pipeline
logic: the tokenizer and the chunked pipeline both use it.

:func:`map_then` runs a known list of jobs in a local pool and queues follow-up jobs made from the first
results as soon as those are in, while the rest still run (``select_k``: the coherence of the fitted
topics behind the shuffled-corpus fits), so no process waits for a phase to end.

A value needed by every call (``shared``, e.g. the tokenizer) is sent once per worker process
(the pool's initializer; Dask: ``Client.scatter(broadcast=True)``), not once per item.  On an
error, or when the consumer stops early, the items not yet started are cancelled — on both
backends.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Literal

__all__ = ["bounded_map", "dask_client", "map_then"]

#: Items per worker in flight: one running, one waiting.
PER_WORKER = 2

_STATE: dict[str, Any] = {}


def _init_process(shared: Any) -> None:
    _STATE["shared"] = shared


def _call_in_process(fn: Callable[[Any, Any], Any], item: Any) -> Any:
    return fn(_STATE["shared"], item)


def bounded_map(fn: Callable[[Any, Any], Any], items: Iterable[Any], *, shared: Any = None, workers: int = 1,
                backend: Literal["local", "dask"] = "local", scheduler: Any = None, n_items: int | None = None,
                per_worker: int = PER_WORKER, name: str = "corpusanalysis") -> Iterator[Any]:
    """Yield ``fn(shared, item)`` for every item, in order, with bounded work in flight.

    Parameters
    ----------
    fn : callable
        A module-level function ``fn(shared, item)``.
    items : iterable
        May be a generator (read lazily: at most ``per_worker × workers`` items are taken ahead).
    shared : object, optional
        Passed to every call; sent once per worker.
    workers : int, default 1
        Local processes (``backend="local"``); 1 runs in this process.
    backend : {"local", "dask"}
    scheduler : str, distributed.Client or None
        With ``backend="dask"``: see :func:`dask_client`.
    n_items : int, optional
        The number of items when known (no more processes are started than items).
    per_worker : int, default 2
    name : str
        Prefix of the Dask task keys.

    Examples
    --------
    >>> def scale(factor, x):
    ...     return factor * x
    >>> list(bounded_map(scale, [1, 2, 3], shared=10))
    [10, 20, 30]
    """
    if backend == "dask":
        yield from _dask_map(fn, items, shared=shared, scheduler=scheduler, per_worker=per_worker, name=name)
        return
    if backend != "local":
        raise ValueError(f"backend must be 'local' or 'dask'; got {backend!r}.")
    n_processes = workers if n_items is None else min(workers, n_items)
    if n_processes <= 1:
        for item in items:
            yield fn(shared, item)
        return
    window = per_worker * n_processes
    with ProcessPoolExecutor(max_workers=n_processes, initializer=_init_process, initargs=(shared,)) as pool:
        pending: deque[Future[Any]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(_call_in_process, fn, item))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def map_then(fn: Callable[[Any, Any], Any], items: Sequence[Any], then: Callable[[list[Any]], Sequence[Any]], *,
             first: int, shared: Any = None, workers: int = 1,
             on_result: Callable[[Any, Any], None] | None = None) -> tuple[list[Any], list[Any]]:
    """``fn(shared, item)`` for every item, then for the items ``then`` makes from the first ``first`` results, all
    in one pool of ``workers`` local processes: the later items are made as soon as those results are in and run
    before the items still waiting, while the rest of ``items`` keep running, so no process waits for a phase to
    end and the later items do not wait for the last of ``items``.

    Returns the results of ``items`` and of the later items, each in order.  ``on_result(item, result)`` is
    called for every result of ``items`` as it arrives (in order).

    Examples
    --------
    >>> def square(_, x):
    ...     return x * x
    >>> map_then(square, [1, 2, 3], lambda firsts: [sum(firsts)], first=2)
    ([1, 4, 9], [25])
    """
    items = list(items)
    if not 0 <= first <= len(items):
        raise ValueError(f"map_then(): first must be between 0 and {len(items)} (the number of items); got {first}.")
    if workers <= 1:
        done = []
        for item in items:
            done.append(fn(shared, item))
            if on_result is not None:
                on_result(item, done[-1])
        return done, [fn(shared, item) for item in then(done[:first])]
    # one job per process at a time, so that the later jobs, once made, go before the items still waiting
    queue: deque[tuple[str, int, Any]] = deque(("item", i, item) for i, item in enumerate(items))
    results: list[Any] = [None] * len(items)
    later_items: list[Any] = []
    later_results: list[Any] = []
    n_done = 0  # results of `items` in order so far (on_result and the `first` check go in order)
    got: dict[int, Any] = {}
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_process, initargs=(shared,)) as pool:
        running: dict[Future[Any], tuple[str, int]] = {}
        try:
            if first == 0:
                later_items = list(then([]))
                later_results = [None] * len(later_items)
                queue.extendleft(reversed([("later", i, item) for i, item in enumerate(later_items)]))
            while queue or running:
                while queue and len(running) < workers:
                    kind, i, item = queue.popleft()
                    running[pool.submit(_call_in_process, fn, item)] = (kind, i)
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    kind, i = running.pop(future)
                    if kind == "later":
                        later_results[i] = future.result()
                        continue
                    got[i] = future.result()
                while n_done in got:
                    results[n_done] = got.pop(n_done)
                    if on_result is not None:
                        on_result(items[n_done], results[n_done])
                    n_done += 1
                    if n_done == first:
                        later_items = list(then(results[:first]))
                        later_results = [None] * len(later_items)
                        queue.extendleft(reversed([("later", k, item) for k, item in enumerate(later_items)]))
            return results, later_results
        finally:
            for future in running:
                future.cancel()


def _require_distributed() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "backend='dask' needs dask.distributed, which is not installed; install it with "
            "pip install 'dask[distributed]' (or use backend='local')."
        ) from None


@contextlib.contextmanager
def dask_client(scheduler: Any = None) -> Iterator[Any]:
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


def _n_workers(client: Any) -> int:
    try:
        return max(1, len(client.scheduler_info().get("workers", {})))
    except Exception:  # pragma: no cover - an unusual scheduler: fall back to a small window
        return 2


def _dask_map(fn: Callable[[Any, Any], Any], items: Iterable[Any], *, shared: Any, scheduler: Any, per_worker: int,
              name: str) -> Iterator[Any]:
    _require_distributed()
    with dask_client(scheduler) as client:
        # a one-element list: scatter() would otherwise scatter the elements of a tuple or dict one by one
        shared_future = client.scatter([shared], broadcast=True)[0]
        run = uuid.uuid4().hex[:8]
        window = per_worker * _n_workers(client)
        pending: deque[Any] = deque()  # distributed.Future (untyped)
        try:
            for i, item in enumerate(items):
                pending.append(client.submit(fn, shared_future, item, pure=False, key=f"{name}-{run}-{i}"))
                if len(pending) >= window:
                    future = pending.popleft()
                    yield future.result()
                    future.release()
            while pending:
                future = pending.popleft()
                yield future.result()
                future.release()
        finally:
            for future in pending:
                future.cancel()
