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
    read and dropped (``on_answer`` hears every answer, waited for or not).
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
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, str(orders_out), str(answers_in), *arguments],
            pass_fds=(orders_out, answers_in),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=environment,
        )
        os.close(orders_out)
        os.close(answers_in)
        with contextlib.suppress(AttributeError, OSError):  # not Linux, or above pipe-max-size: the default
            fcntl.fcntl(orders_in, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
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
            self._stopped()
            raise ChildGoneError(self.gone) from None
        self._waiting.append(answer)
        if not self._watched:
            asyncio.get_event_loop().add_reader(self._answers.fileno(), self._answered)
            self._watched = True

    def _answered(self) -> None:
        try:
            while self._answers.poll():
                self._deliver(pickle.loads(self._answers.recv_bytes()))
        except (EOFError, OSError):
            self._stopped()

    def _deliver(self, message: Any) -> None:
        if self.on_answer is not None:
            self.on_answer(message)
        waiting = self._waiting.popleft() if self._waiting else None
        if waiting is not None and not waiting.done():
            waiting.set_result(message)

    def _unwatch(self) -> None:
        if self._watched:
            asyncio.get_event_loop().remove_reader(self._answers.fileno())
            self._watched = False

    def _stopped(self) -> None:
        """The child is gone: every order not answered fails, and every one after."""
        self._unwatch()
        if not self.gone:
            try:  # its pipe closed: it is ending, if not ended
                code: int | None = self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            if code is None:
                how = "closed its pipe"
            elif code < 0:
                how = f"was killed by {signal.Signals(-code).name}"
            else:
                how = f"stopped (exit status {code})"
            self.gone = f"the {self.name} process {how}"
        while self._waiting:
            waiting = self._waiting.popleft()
            if waiting is not None and not waiting.done():
                waiting.set_exception(ChildGoneError(self.gone))

    def close(self) -> None:
        """Lets the child finish the orders it was given and end; their answers still reach ``on_answer``."""
        self._unwatch()
        self._orders.close()
        with contextlib.suppress(EOFError, OSError):
            while True:
                self._deliver(pickle.loads(self._answers.recv_bytes()))
        self._answers.close()
        self.process.wait()
        self._stopped()


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
        answers.send_bytes(pickle.dumps(handle(order), protocol=pickle.HIGHEST_PROTOCOL))


def child_arguments() -> list[str]:
    """The arguments a child was started with after its two pipe descriptors."""
    return sys.argv[3:]
