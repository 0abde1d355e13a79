"""A helper process on the other core: the crawl hands it work through a pipe and awaits each answer.

The crawl is one Python thread; the machine has two cores. Work that needs
no Scrapy (parsing a page, writing the archive's records) can run beside it
in a child process. The archive's writer (:mod:`kabarbaik_spider.archive_writer`)
and the page parsers (:mod:`kabarbaik_spider.parsing`) each use one.

- **Started as** ``python -m <module> <orders fd> <answers fd>``, not with
  multiprocessing's spawn or forkserver, which import the parent's main
  module again: a crawl script without ``if __name__ == "__main__"`` would
  start a second crawl.
- **Orders and answers** are pickled messages in multiprocessing's framing
  (:class:`multiprocessing.connection.Connection`), answered in order. The
  parent reads answers when the asyncio loop says the pipe is readable, so
  waiting costs no thread and no poll.
- **Signals**: the child ignores SIGINT and SIGTERM, which reach the whole
  process group on Ctrl-C or a systemd stop. The crawl decides when to stop;
  the child ends when its orders pipe closes, after the last order.
- **A child that dies** fails every order waiting and every order after it,
  with one line naming it and its exit status (:class:`ChildGoneError`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pickle
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

PIPE_BYTES = 1 << 20  # room for a dozen pages in the pipe, so the crawl seldom waits to hand one over


class ChildGoneError(RuntimeError):
    """The child process stopped; the message is one line naming it and how."""


class Child:
    """The parent's end: ``send`` an order and go on, or ``await ask(order)`` for its answer.

    Answers come in the orders' order; an order sent without waiting gets its answer
    read and dropped (``on_answer`` hears every answer, waited for or not). An answer
    that cannot be read ends the child: what waits fails, none gets another's answer.
    """

    def __init__(self, module: str, *arguments: str, on_answer: Callable[[Any], None] | None = None) -> None:
        self.name = module
        self.on_answer = on_answer
        self.gone: str | None = None
        self._waiting: deque[asyncio.Future[Any] | None] = deque()
        self._watched = False
        orders_out, orders_in = os.pipe()
        answers_out, answers_in = os.pipe()
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
        self.process = subprocess.Popen(  # -P: the child's path is the crawl's, not its working folder first
            [sys.executable, "-P", "-m", module, str(orders_out), str(answers_in), *arguments],
            pass_fds=(orders_out, answers_in),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=environment,
        )
        os.close(orders_out)
        os.close(answers_in)
        for end in (orders_in, answers_out):
            with contextlib.suppress(AttributeError, OSError):  # not Linux, or above pipe-max-size: the default
                fcntl.fcntl(end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self._orders = Connection(orders_in, readable=False)
        self._answers = Connection(answers_out, writable=False)

    def send(self, order: Any) -> None:
        """Hands the order over without waiting for its answer; raises :class:`ChildGoneError` when the child is."""
        self._hand_over(order, None)

    async def ask(self, order: Any) -> Any:
        """The child's answer to ``order``; raises :class:`ChildGoneError` when the child stops first."""
        answer = asyncio.get_running_loop().create_future()
        self._hand_over(order, answer)
        return await answer

    def _hand_over(self, order: Any, answer: asyncio.Future[Any] | None) -> None:
        if self.gone:
            raise ChildGoneError(self.gone)
        try:
            self._orders.send_bytes(pickle.dumps(order, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            self._drain(until=time.monotonic() + 2)  # what it answered before it went
            self._stopped()
            raise ChildGoneError(self.gone) from None
        self._waiting.append(answer)
        if not self._watched:
            asyncio.get_event_loop().add_reader(self._answers.fileno(), self._answered)
            self._watched = True

    def _answered(self) -> None:
        """The loop's callback: every answer there is, then, if the pipe closed or an answer was bad, the end."""
        if not self._drain():
            self._stopped()

    def _drain(self, until: float | None = None) -> bool:
        """Delivers the answers in the pipe: those there now, or (``until``, a monotonic time) to its end or
        that time; False once it is closed or an answer cannot be read (the child is then stopped, so none
        gets another's answer)."""
        waiting: asyncio.Future[Any] | None = None
        try:
            while self._answers.poll(0 if until is None else max(0.0, until - time.monotonic())):
                message = self._answers.recv_bytes()
                waiting = self._waiting.popleft() if self._waiting else None
                answer = pickle.loads(message)
                if self.on_answer is not None:
                    self.on_answer(answer)
                if waiting is not None and not waiting.done():
                    waiting.set_result(answer)
        except (EOFError, OSError):
            return False
        except Exception as error:  # an answer this process cannot read: the child's code is not the crawl's
            self.gone = f"the {self.name} process answered what cannot be read ({type(error).__name__}: {error})"
            self.process.kill()
            if waiting is not None and not waiting.done():
                waiting.set_exception(ChildGoneError(self.gone))
            return False
        return True

    def _unwatch(self) -> None:
        if self._watched:
            asyncio.get_event_loop().remove_reader(self._answers.fileno())
            self._watched = False

    def _stopped(self) -> None:
        """The child is gone: every order not answered fails, and every one after."""
        self._unwatch()
        if not self.gone:
            self.gone = f"the {self.name} process {ended(self.process)}"
        while self._waiting:
            waiting = self._waiting.popleft()
            if waiting is not None and not waiting.done():
                waiting.set_exception(ChildGoneError(self.gone))

    def kill(self, why: str) -> None:
        """Ends a child that no longer answers (``why`` says how it failed); what waits fails now."""
        self.process.kill()
        self.process.wait()
        self.gone = self.gone or f"the {self.name} process {why}, and was killed"
        self._stopped()

    def close(self, timeout: float = 60.0) -> None:
        """Lets the child finish the orders it was given and end (killed after ``timeout`` seconds); their
        answers still reach ``on_answer``."""
        self._unwatch()
        self._orders.close()
        deadline = time.monotonic() + timeout
        if self.gone is None:
            self._drain(until=deadline)
        self._answers.close()
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.gone = self.gone or f"the {self.name} process was closed"
        self._stopped()


def ended(process: subprocess.Popen[bytes]) -> str:
    """How a child whose pipe closed ended: ``was killed by SIGKILL``, ``stopped (exit status 1)``."""
    try:
        code = process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        return "closed its pipe"
    if code >= 0:
        return f"stopped (exit status {code})"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:  # a real-time signal has no name
        return f"was killed by signal {-code}"


def serve(handle: Callable[[Any], Any], argv: list[str] | None = None) -> None:
    """The child's loop: each order's answer is ``handle(order)``, sent back in order, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the crawl decides when to stop; it closes the pipe then
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    arguments = sys.argv[1:] if argv is None else argv
    orders = Connection(int(arguments[0]), writable=False)
    answers = Connection(int(arguments[1]), readable=False)
    while True:
        try:
            order = pickle.loads(orders.recv_bytes())
        except EOFError:
            return
        answer = handle(order)  # done even when nobody hears the answer: an archive record is still written
        with contextlib.suppress(BrokenPipeError):  # the crawl is gone (killed): its orders still count
            answers.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


def child_arguments() -> list[str]:
    """The arguments a child was started with after its two pipe descriptors."""
    return sys.argv[3:]
