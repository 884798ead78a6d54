"""A time and memory budget for extracting one page, so one hostile page fails alone and the run goes on.

Pages are written by strangers: a 100 KB page of nested blockquotes can keep a scraper busy for minutes, and
a page built to balloon the tree can take gigabytes. ``run_with_budget`` runs one call under a wall-clock
limit (a ``SIGALRM`` interval timer) and an address-space limit (``RLIMIT_AS``) and turns either overrun into
``BudgetExceeded``. Inside a process-pool worker's main thread it enforces both in that worker; anywhere else
(the ingest process itself, a thread) it runs the call in a child process of its own, so a limit never
lands on the process that writes the database. ``BudgetPool`` is the process pool the ingest pipeline can
use: every task runs under the budget, and a worker that dies or ignores its alarm (stuck inside C code) is
killed and replaced while the other pages in flight are retried once on the new pool.

Linux-first: ``RLIMIT_AS`` and ``setitimer`` exist on every POSIX system, ``/proc/self/statm`` only on Linux
(elsewhere the memory limit is absolute rather than on top of the current size).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from queue import Empty
from types import FrameType
from typing import Any, TypeVar

__all__ = [
    "DEFAULT_MEMORY_BYTES",
    "DEFAULT_SECONDS",
    "BudgetExceeded",
    "BudgetPool",
    "run_with_budget",
    "stream_with_budget",
]

T = TypeVar("T")

# A real article page extracts in well under a second and a few tens of MiB; these leave wide room.
DEFAULT_SECONDS = 30.0
DEFAULT_MEMORY_BYTES = 1024 * 1024 * 1024
# How long past its budget a task may run before the pool stops waiting for the alarm and kills the worker:
# the alarm only interrupts Python code, and a C call (one lxml parse) must be let finish or be killed.
HARD_KILL_GRACE = 5.0
_MiB = 1024 * 1024


class BudgetExceeded(Exception):
    """One call overran its budget. ``kind`` is ``"time"``, ``"memory"`` or ``"crash"`` (the process that ran
    it died, for example killed by the kernel); ``str()`` is a one-line reason for ``runs.errors``."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled back from a worker: keep both arguments (the default would pass only the message).
        return (BudgetExceeded, (self.kind, str(self)))


class _Alarm(BaseException):
    """Raised by the SIGALRM handler. A BaseException, so the scraper's own ``except Exception`` blocks
    cannot swallow it and keep going."""


def _address_space() -> int | None:
    """This process's current virtual size in bytes (Linux), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def _memory_limit(memory_bytes: int | None) -> Iterator[None]:
    """Cap the address space at the current size plus ``memory_bytes`` for the block, then lift the cap.

    On top of the current size because an idle worker already maps a few hundred MiB (interpreter, lxml,
    thread stacks), and that baseline differs between machines; the budget is what one page may add.
    """
    if not memory_bytes:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = (_address_space() or 0) + memory_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``_Alarm`` in this (main) thread after ``seconds`` of wall-clock time."""
    if not seconds:
        yield
        return

    def ring(signum: int, frame: FrameType | None) -> None:
        raise _Alarm()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _in_place(
    fn: Callable[..., T], args: Sequence[Any], seconds: float | None, memory_bytes: int | None
) -> T:
    try:
        with _memory_limit(memory_bytes), _time_limit(seconds):
            return fn(*args)
    except _Alarm:
        raise BudgetExceeded("time", f"over the time budget: more than {seconds:g}s") from None
    except MemoryError:
        mib = (memory_bytes or 0) // _MiB
        raise BudgetExceeded("memory", f"over the memory budget: more than {mib} MiB") from None
    except SystemError as error:
        # A C extension (lxml) whose allocation fails under the cap may return an error without setting an
        # exception, which the interpreter reports as SystemError: under a memory cap, that is the cap.
        if not memory_bytes:
            raise
        mib = memory_bytes // _MiB
        raise BudgetExceeded("memory", f"over the memory budget: more than {mib} MiB ({error})") from None


def _may_limit_here() -> bool:
    """True in the main thread of a child process (a pool worker): limits set here hurt nobody else."""
    return (
        multiprocessing.parent_process() is not None and threading.current_thread() is threading.main_thread()
    )


def _child_main(connection: Any, fn: Callable[..., Any], args: Sequence[Any], seconds: float | None,
                memory_bytes: int | None) -> None:  # fmt: skip
    try:
        outcome: tuple[str, Any] = ("ok", _in_place(fn, args, seconds, memory_bytes))
    except BaseException as error:  # sent to the parent, which raises it there
        outcome = ("error", error)
    try:
        connection.send(outcome)
    except Exception as error:  # an unpicklable result or exception: say what it was
        connection.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        connection.close()


def _in_child(
    fn: Callable[..., T], args: Sequence[Any], seconds: float | None, memory_bytes: int | None
) -> T:
    """Run the call in a fresh child process under the budget; kill it if it outlives the budget."""
    context = multiprocessing.get_context("forkserver")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(sender, fn, args, seconds, memory_bytes), daemon=True)
    child.start()
    sender.close()
    try:
        wait = None if not seconds else seconds + HARD_KILL_GRACE
        if not receiver.poll(wait):
            child.kill()
            raise BudgetExceeded("time", f"over the time budget: more than {seconds:g}s (killed)")
        try:
            status, value = receiver.recv()
        except EOFError:
            child.join()
            raise BudgetExceeded("crash", f"extraction process died (exit code {child.exitcode})") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.join(timeout=HARD_KILL_GRACE)
            if child.is_alive():
                child.kill()
        child.join()
    if status == "error":
        raise value
    return value  # type: ignore[no-any-return]


def _stream_child(
    queue: Any, fn: Callable[..., Iterator[Any]], args: Sequence[Any], memory_bytes: int | None
) -> None:
    try:
        with _memory_limit(memory_bytes):
            for item in fn(*args):
                queue.put(("item", item))
        queue.put(("end", None))
    except MemoryError:
        queue.put(("memory", f"over the memory budget: more than {(memory_bytes or 0) // _MiB} MiB"))
    except BaseException as error:  # said to the parent, which raises it there
        queue.put(("error", f"{type(error).__name__}: {error}"))


def stream_with_budget(
    fn: Callable[..., Iterator[Any]],
    args: Sequence[Any],
    memory_bytes: int | None,
    preload: Sequence[str] = (),
) -> Iterator[Any]:
    """The items of the generator ``fn(*args)``, made in a child process whose address space may grow by at
    most ``memory_bytes`` (None: no cap): reading a hostile file (a decompression bomb in a web archive) costs
    that child, never this process. Raises ``BudgetExceeded`` when the child runs out of its budget or dies,
    after the items it sent. At most a few items are in flight, so the child reads only as fast as the caller
    takes. ``fn``, ``args`` and the items must pickle."""
    context = multiprocessing.get_context("forkserver")
    if preload:
        context.set_forkserver_preload(list(preload))
    queue = context.Queue(maxsize=4)
    child = context.Process(target=_stream_child, args=(queue, fn, args, memory_bytes), daemon=True)
    child.start()
    try:
        while True:
            try:
                kind, value = queue.get(timeout=1.0)
            except Empty:
                if not child.is_alive():
                    raise BudgetExceeded(
                        "crash", f"reading process died (exit code {child.exitcode})"
                    ) from None
                continue
            if kind == "item":
                yield value
            elif kind == "end":
                return
            elif kind == "memory":
                raise BudgetExceeded("memory", str(value))
            else:
                raise RuntimeError(str(value))
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        queue.close()


def run_with_budget(
    fn: Callable[..., T], args: Sequence[Any], seconds: float | None, memory_bytes: int | None
) -> T:
    """Return ``fn(*args)``, or raise ``BudgetExceeded`` when it runs longer than ``seconds`` or allocates
    more than ``memory_bytes`` of address space (None or 0 switches that limit off).

    In a pool worker's main thread the limits are set on that worker for the call and lifted after; called
    from anywhere else, the call runs in a child process of its own (``fn``, ``args`` and the result must
    pickle). Exceptions ``fn`` raises pass through unchanged.
    """
    if _may_limit_here():
        return _in_place(fn, args, seconds, memory_bytes)
    return _in_child(fn, args, seconds, memory_bytes)


def _announce(announced: Any) -> None:
    """A pool worker's initializer: tell the pool this worker's pid."""
    announced.put(os.getpid())


class BudgetPool:
    """A process pool whose every task runs under ``run_with_budget``, with a backstop for what the budget
    cannot stop.

    ``await pool.run(fn, *args)`` returns ``fn(*args)`` or raises ``BudgetExceeded``. If a worker dies (the
    OOM killer, a crash in C) or a task outlives its budget by ``HARD_KILL_GRACE`` (the alarm cannot
    interrupt one long C call), the pool is torn down and rebuilt; the tasks that were in flight on it are
    retried once on the new pool, so a hostile page costs its neighbours a retry, never their result.
    """

    def __init__(
        self,
        workers: int,
        seconds: float | None = DEFAULT_SECONDS,
        memory_bytes: int | None = DEFAULT_MEMORY_BYTES,
        preload: Sequence[str] = (),
    ) -> None:
        self.workers = workers
        self.seconds = seconds
        self.memory_bytes = memory_bytes
        self.preload = list(preload)
        self.restarts = 0
        # One task per worker at a time, so the backstop deadline measures running time, not queueing.
        self._slots = asyncio.Semaphore(workers)
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # Forking the ingest process is instant and its workers start with the scrapers already imported
        # (a forkserver costs a new interpreter and the imports, ~0.4 s of a short run). Forking is only safe
        # while this process has a single thread, since a lock held by another thread would be copied held;
        # otherwise (a pool rebuilt mid-run, after resolver threads started) fall back to the forkserver.
        context: multiprocessing.context.BaseContext
        if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("forkserver")
            if self.preload:
                context.set_forkserver_preload(self.preload)
        # Each worker says who it is when it starts, so a broken pool's workers can be killed by pid.
        self._announced = context.SimpleQueue()
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=_announce, initargs=(self._announced,)
        )

    def _replace(self, broken: Executor) -> None:
        """Kill every worker of ``broken`` and start a fresh pool (once, however many tasks noticed)."""
        if broken is not self._executor:
            return
        announced: set[int] = set()
        with contextlib.suppress(Exception):
            while not self._announced.empty():
                announced.add(self._announced.get())
        # Only this process's own live children that announced themselves: a pid of a worker that died long
        # ago may belong to another process by now.
        for process in multiprocessing.active_children():
            if process.pid in announced:
                with contextlib.suppress(Exception):
                    process.kill()
        broken.shutdown(wait=False, cancel_futures=True)
        self.restarts += 1
        self._executor = self._start()

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker under the budget; see the class docstring for what a failure costs."""
        loop = asyncio.get_running_loop()
        deadline = None if not self.seconds else self.seconds + HARD_KILL_GRACE
        for attempt in (1, 2):
            try:
                async with self._slots:
                    executor = self._executor
                    future = loop.run_in_executor(
                        executor, run_with_budget, fn, args, self.seconds, self.memory_bytes
                    )
                    return await asyncio.wait_for(future, deadline)
            except TimeoutError:
                self._replace(executor)
                raise BudgetExceeded(
                    "time", f"over the time budget: more than {self.seconds:g}s (worker killed)"
                ) from None
            except BrokenProcessPool:
                self._replace(executor)
                if attempt == 2:
                    raise BudgetExceeded("crash", "extraction worker died twice on this page") from None
        raise AssertionError("unreachable")

    def shutdown(self) -> None:
        """Stop the workers; pending tasks are cancelled."""
        self._executor.shutdown(wait=True, cancel_futures=True)
