"""Exponential back-off for loops that must outlive a fault (a lost database, a crashing child process)."""

import logging


class Backoff:
    """Delays that double from `first` up to `maximum` seconds while failures follow each other, and start again
    from `first` after a success. Given a logger, it logs the first failure of a run as a warning and the recovery
    once, the failures in between only at debug level: an outage of an hour is two lines in the log, not a
    thousand.

    >>> backoff = Backoff(first=1, maximum=4)
    >>> [backoff.failed(OSError("down")) for _ in range(4)]
    [1, 2, 4, 4]
    """

    def __init__(self, *, first: float = 1.0, maximum: float = 30.0, log: logging.Logger | None = None,
                 what: str = "the database"):  # fmt: skip
        self.first, self.maximum = first, maximum
        self.log = log
        self.what = what
        self.failures = 0

    @property
    def failing(self) -> bool:
        return self.failures > 0

    def delay(self) -> float:
        """The wait before the next attempt, given the failures so far."""
        return min(self.maximum, self.first * 2 ** max(self.failures - 1, 0))

    def failed(self, error: BaseException | str) -> float:
        """Count one more failure; returns how long to wait before trying again."""
        self.failures += 1
        wait = self.delay()
        if self.log:
            level = logging.WARNING if self.failures == 1 else logging.DEBUG
            self.log.log(level, "%s failed (%s); retrying in %.3g s", self.what, error, wait)
        return wait

    def succeeded(self) -> None:
        if self.failures and self.log:
            self.log.warning("%s works again after %s failed attempts", self.what, self.failures)
        self.failures = 0
