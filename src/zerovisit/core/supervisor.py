"""Keeps a few long-running child processes up, as `zerovisit demo` needs for its web server, worker and scheduler
(production leaves this to systemd or the container runtime). Needs nothing but the standard library."""

import contextlib
import logging
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence

from .backoff import Backoff

log = logging.getLogger("zerovisit.supervisor")


class Child:
    """One supervised command and the process now running it."""

    def __init__(self, name: str, argv: Sequence[str], backoff: Backoff):
        self.name, self.argv, self.backoff = name, list(argv), backoff
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None  # set while the child is down, waiting for its back-off to pass
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def describe_exit(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"signal {signal.Signals(-code).name}"
    return f"code {code}"


class Supervisor:
    """Starts child processes, starts again any child that exits without being asked to (after a delay that doubles
    from `first_delay` to `max_delay` while it keeps failing, and starts over once it stayed up `stable_after`
    seconds), and stops them all on request: SIGTERM to each, SIGKILL to those still running `stop_timeout`
    seconds later.

    Each child runs in its own process group, so a Ctrl+C in the terminal reaches the supervisor alone, which then
    asks each child exactly once to stop: a worker finishes its current task instead of being interrupted by a
    second signal.
    """

    def __init__(self, commands: Mapping[str, Sequence[str]], *, env: Mapping[str, str] | None = None,
                 first_delay: float = 1.0, max_delay: float = 30.0, stable_after: float = 60.0,
                 stop_timeout: float = 20.0, clock: Callable[[], float] = time.monotonic):  # fmt: skip
        self.env = dict(env) if env is not None else None
        self.stable_after, self.stop_timeout, self.clock = stable_after, stop_timeout, clock
        self.children = {
            name: Child(name, argv, Backoff(first=first_delay, maximum=max_delay)) for name, argv in commands.items()
        }
        self.started = False
        # A plain flag, not an Event: it is set from signal handlers, where taking a lock could deadlock.
        self.stop_requested = False

    def start(self) -> None:
        for child in self.children.values():
            self._spawn(child)
        self.started = True

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(child.argv, env=self.env, process_group=0)
        child.started_at, child.restart_at = self.clock(), None
        log.info("started %s (pid %s)", child.name, child.process.pid)

    def poll(self) -> None:
        """One round: notice the children that exited, and start again those whose delay has passed."""
        if self.stop_requested:
            return
        now = self.clock()
        for child in self.children.values():
            if child.restart_at is None:
                code = child.process.poll()
                if code is None:
                    continue
                if now - child.started_at >= self.stable_after:
                    child.backoff.succeeded()
                child.restart_at = now + child.backoff.failed(describe_exit(code))
                log.warning("%s (pid %s) exited with %s; starting it again in %.3g s", child.name, child.pid,
                            describe_exit(code), child.restart_at - now)  # fmt: skip
            if now >= child.restart_at:
                child.restarts += 1
                self._spawn(child)

    def stop(self, *_signal_args) -> None:
        """Ask run() to stop the children and return; safe to call from a signal handler or another thread."""
        self.stop_requested = True

    def run(self, tick: float = 0.2) -> None:
        """Supervise until stop() is called, then stop every child."""
        if not self.started:
            self.start()
        try:
            while not self.stop_requested:
                self.poll()
                time.sleep(tick)
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        self.stop_requested = True
        running = [child for child in self.children.values() if child.running()]
        for child in running:
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for child in running:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s (pid %s) did not stop within %s s; killing it", child.name, child.pid,
                            self.stop_timeout)  # fmt: skip
                child.process.kill()
                child.process.wait()

    @contextlib.contextmanager
    def signals_handled(self, signals: Sequence[int] = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)) -> Iterator:
        """Within the block, these signals stop the supervisor (and its children) cleanly instead of killing it."""
        previous = {number: signal.signal(number, self.stop) for number in signals}
        try:
            yield self
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def run_until_signalled(self) -> None:
        with self.signals_handled():
            self.run()
