"""The supervisor of `zerovisit demo`: a child that dies is started again, later and later if it keeps dying, and
a Ctrl+C or SIGTERM stops every child once and cleanly."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from zerovisit.core.backoff import Backoff
from zerovisit.core.management.commands.demo import processes
from zerovisit.core.supervisor import Supervisor

from .helpers import eventually

# A stand-in for a worker: it records its start and every signal it gets; a polite one stops on SIGTERM, a
# stubborn one ignores it.
STANDIN = """
import os, pathlib, signal, sys, time
folder, polite = pathlib.Path(sys.argv[1]), sys.argv[2] == "polite"
def record(number, frame):
    with open(folder / f"signals-{os.getpid()}", "a") as log:
        log.write(signal.Signals(number).name + "\\n")
    if number == signal.SIGTERM and polite:
        sys.exit(0)
signal.signal(signal.SIGINT, record)
signal.signal(signal.SIGTERM, record)
(folder / f"started-{os.getpid()}").touch()
while True:
    time.sleep(0.05)
"""


def standin(folder: Path, manner: str = "polite") -> list[str]:
    return [sys.executable, "-c", STANDIN, str(folder), manner]


def started(folder: Path, pid: int) -> bool:
    return (folder / f"started-{pid}").exists()


def signals(folder: Path, pid: int) -> list[str]:
    path = folder / f"signals-{pid}"
    return path.read_text().split() if path.exists() else []


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_back_off_doubles_up_to_its_cap_and_starts_over_after_a_success():
    backoff = Backoff(first=1, maximum=30)
    assert [backoff.failed("down") for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    backoff.succeeded()
    assert backoff.failed("down") == 1


def test_a_child_that_is_killed_is_started_again_and_the_others_keep_running(tmp_path):
    supervisor = Supervisor({"worker": standin(tmp_path), "web": standin(tmp_path)}, first_delay=0.05)
    running = threading.Thread(target=supervisor.run, kwargs={"tick": 0.05})
    running.start()
    try:
        eventually(lambda: supervisor.started, what="the supervisor starting")
        worker, web = supervisor.children["worker"], supervisor.children["web"]
        killed, web_pid = worker.pid, web.pid
        eventually(lambda: started(tmp_path, killed) and started(tmp_path, web_pid), what="both children starting")
        os.kill(killed, signal.SIGKILL)
        eventually(lambda: worker.pid != killed and worker.running(), what="the killed child starting again")
        eventually(lambda: started(tmp_path, worker.pid), what="the new child running")
        assert (worker.restarts, web.restarts, web.pid) == (1, 0, web_pid)
    finally:
        supervisor.stop()
        running.join(timeout=30)
    assert not running.is_alive()
    for child in (worker, web):
        assert child.process.returncode == 0 and signals(tmp_path, child.pid) == ["SIGTERM"]


def test_a_child_that_keeps_failing_is_started_again_later_and_later(tmp_path):
    clock = FakeClock()
    crashing = [sys.executable, "-c", "raise SystemExit(3)"]
    supervisor = Supervisor({"worker": crashing}, first_delay=1, max_delay=4, stable_after=60, clock=clock)
    supervisor.start()
    child = supervisor.children["worker"]
    delays = []
    for _ in range(4):
        child.process.wait(timeout=30)
        supervisor.poll()  # notices the exit
        delays.append(child.restart_at - clock.now)
        clock.now = child.restart_at - 0.01
        supervisor.poll()
        assert child.restart_at is not None, "started again before its delay passed"
        clock.now = child.restart_at
        supervisor.poll()
        assert child.restart_at is None
    assert delays == [1, 2, 4, 4] and child.restarts == 4

    clock.now += 61  # this time it stayed up a minute before failing: the delay starts over
    child.process.wait(timeout=30)
    supervisor.poll()
    assert child.restart_at - clock.now == 1
    supervisor.shutdown()


def test_stopping_asks_each_child_once_and_kills_one_that_does_not_listen(tmp_path):
    supervisor = Supervisor({"polite": standin(tmp_path), "stubborn": standin(tmp_path, "stubborn")},
                            stop_timeout=1)  # fmt: skip
    supervisor.start()
    polite, stubborn = supervisor.children["polite"], supervisor.children["stubborn"]
    eventually(lambda: started(tmp_path, polite.pid) and started(tmp_path, stubborn.pid), what="the children")
    supervisor.shutdown()
    assert polite.process.returncode == 0 and signals(tmp_path, polite.pid) == ["SIGTERM"]
    assert stubborn.process.returncode == -signal.SIGKILL and signals(tmp_path, stubborn.pid) == ["SIGTERM"]
    supervisor.poll()
    assert not polite.running() and polite.restarts == 0  # what was stopped on purpose stays stopped


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_to_the_supervisor_stops_every_child_cleanly_and_once(tmp_path, how):
    script = (
        "import sys\nfrom zerovisit.core.supervisor import Supervisor\n"
        f"Supervisor({{'a': {standin(tmp_path)!r}, 'b': {standin(tmp_path)!r}}}).run_until_signalled()\n"
    )
    # Its own session, like a terminal's foreground job: a Ctrl+C goes to the whole process group.
    supervisor = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        pids = eventually(lambda: [p.name.split("-")[1] for p in tmp_path.glob("started-*")] if
                          len(list(tmp_path.glob("started-*"))) == 2 else None, what="both children")  # fmt: skip
        os.killpg(supervisor.pid, how)
        assert supervisor.wait(timeout=30) == 0
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
    # Each child got one SIGTERM from the supervisor, not the Ctrl+C as well (which would stop a worker mid-task).
    assert [signals(tmp_path, int(pid)) for pid in pids] == [["SIGTERM"], ["SIGTERM"]]


def test_the_demo_supervises_the_web_server_the_fault_tolerant_worker_and_the_scheduler():
    commands = processes(8000)
    assert set(commands) == {"web", "worker", "scheduler"}
    assert commands["worker"][-3:] == ["-m", "zerovisit", "worker"]
    assert commands["scheduler"][-3:] == ["-m", "zerovisit", "scheduler"]
