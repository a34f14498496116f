"""Worker processes that read untrusted files: a worker that dies costs the file it held.

A returned workbook can make its reader die: python-calamine aborts the process when an
allocation fails (a sheet that lies about its size), the kernel kills a process out of memory,
someone kills a process by hand. `ProcessPoolExecutor` then fails every pending task with
`BrokenProcessPool`. `Workers.map` keeps few tasks in flight, so that on a death only those are
suspect; it starts a fresh pool, runs each suspect alone (with the thorough extent scan of
`reading.bounds`, which names a far cell the worker's quick check could not see) and gives the
one that dies again to `died(item, detail)`; the batch then goes on in parallel.

Workers exit with the main process (Linux: the parent-death signal; elsewhere a thread that
watches the parent), so killing a consolidation leaves nothing running.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from rodtrad.consolidator.reading import bounds

PR_SET_PDEATHSIG = 1


def _follow_parent(parent: int) -> None:
    """End this process when `parent` ends."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):
        def watch():
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)
        threading.Thread(target=watch, daemon=True, name="parent-watch").start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _quiet() -> None:
    """A dying reader's last words (a Rust backtrace on stderr) mean nothing to a user: the file's
    finding says what happened. RODTRAD_DEBUG keeps them."""
    if os.environ.get("RODTRAD_DEBUG"):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def child_of(parent: int, initializer=None, initargs=()) -> None:
    """An initializer for any process pool whose workers must end with the main process:
    `ProcessPoolExecutor(initializer=child_of, initargs=(os.getpid(), init, args))`."""
    _follow_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def _start(parent: int, initializer, initargs) -> None:
    _follow_parent(parent)
    _quiet()
    bounds.cap_this_process()
    if initializer is not None:
        initializer(*initargs)


def _chunk(fn, items):
    return [fn(item) for item in items]


def _alone(fn, item):
    """One suspect item, its extent scanned cell by cell whatever its dimension says."""
    bounds.force_thorough(True)
    try:
        return fn(item)
    finally:
        bounds.force_thorough(False)


def _detail(processes: list) -> str:
    """What killed a worker of a broken pool, in words a user can pass on ("signal 9"): the
    first worker that did not end by the pool's own SIGTERM."""
    codes = [p.exitcode for p in processes]
    codes = [c for c in codes if c and c != -signal.SIGTERM]
    if not codes:
        return "processen avslutades oväntat"
    return f"signal {-codes[0]}" if codes[0] < 0 else f"slutkod {codes[0]}"


class Workers:
    """A process pool whose workers may die (see the module's docstring). `submit` and `jobs` as
    a `ProcessPoolExecutor` has them; `map` survives a worker's death."""

    def __init__(self, jobs: int, initializer=None, initargs=()):
        self.jobs = jobs
        self._init = (initializer, initargs)
        self.deaths = 0
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        self._processes = []
        return ProcessPoolExecutor(max_workers=self.jobs, initializer=_start,
                                   initargs=(os.getpid(), *self._init))

    def submit(self, fn, *args, **kwargs):
        future = self._pool.submit(fn, *args, **kwargs)
        if not self._processes:  # the pool forks its workers at the first submit; the broken pool forgets them
            self._processes = list((getattr(self._pool, "_processes", None) or {}).values())
        return future

    def restart(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._new()

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=not wait)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown(wait=exc[0] is None)

    def map(self, fn, items, died, chunksize: int = 1, window: int | None = None):
        """fn(item) for every item, in order, across the workers; an item whose worker dies twice
        (once among others, once alone) yields `died(item, detail)` instead. At most `window`
        chunks (default 2 × jobs) are in flight, so a death makes at most that many suspect."""
        items = list(items)
        chunks = [items[i:i + chunksize] for i in range(0, len(items), chunksize)]
        window = window or 2 * self.jobs
        pending: list = []  # (chunk, future), in order
        nxt = 0
        while nxt < len(chunks) or pending:
            try:  # a pool broken meanwhile refuses the next submit as well as the pending results
                while nxt < len(chunks) and len(pending) < window:
                    pending.append((chunks[nxt], self.submit(_chunk, fn, chunks[nxt])))
                    nxt += 1
                results = pending[0][1].result()
            except BrokenProcessPool:
                dead = self._processes
                suspects = [c for c, _ in pending]
                pending.clear()
                self.deaths += 1
                self.restart()  # joins the broken pool's workers: their exit codes are known after it
                detail = _detail(dead)
                for suspect in suspects:
                    for item in suspect:
                        yield self._alone(fn, item, died, detail)
                continue
            pending.pop(0)
            yield from results

    def _alone(self, fn, item, died, detail: str):
        try:
            return self.submit(_alone, fn, item).result()
        except BrokenProcessPool:
            dead = self._processes
            self.restart()
            return died(item, _detail(dead) if dead else detail)

