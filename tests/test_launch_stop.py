"""`make run`'s start and Ctrl-C (hotline/launch.py): ports held by someone else are named before anything
starts; processes stop one at a time in the reverse order of their start, so that the worker finishes its
activities while Temporal, started first, is still up; a second Ctrl-C stops the waiting."""

from __future__ import annotations

import signal
import socket
import sys
import time
from pathlib import Path

from hotline.launch import _shut_down, _spawn, _stop, ports_in_use
from hotline.settings import Settings

# A stand-in process: says it is ready once its SIGTERM handler is in place; on SIGTERM it notes which
# of the other processes had already finished, takes `linger` seconds, notes it is done and exits 0.
STAND_IN = """
import pathlib, signal, sys, time
me, others, linger = pathlib.Path(sys.argv[1]), sys.argv[2:], float(sys.argv[-1])
def stop(*_):
    done = [o for o in others[:-1] if pathlib.Path(o + ".done").exists()]
    me.with_suffix(".saw").write_text(",".join(done))
    time.sleep(linger)
    me.with_suffix(".done").write_text("")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
me.with_suffix(".ready").write_text("")
while True:
    time.sleep(0.1)
"""
IGNORES_SIGTERM = """
import pathlib, signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
pathlib.Path(sys.argv[1]).with_suffix(".ready").write_text("")
while True:
    time.sleep(0.1)
"""


def _wait_ready(*names: Path) -> None:
    deadline = time.monotonic() + 30
    while not all(n.with_suffix(".ready").exists() for n in names):
        assert time.monotonic() < deadline, "the stand-in processes did not start"
        time.sleep(0.05)


def test_processes_stop_one_at_a_time_in_the_reverse_order_of_their_start(tmp_path: Path) -> None:
    temporal, worker, web = (tmp_path / name for name in ("temporal", "worker", "web"))
    everyone = [str(temporal), str(worker), str(web)]
    processes = [
        _spawn([sys.executable, "-c", STAND_IN, str(me), *everyone, "0.3"], tmp_path / f"{me.name}.log")
        for me in (temporal, worker, web)
    ]
    _wait_ready(temporal, worker, web)
    _stop(processes, patience_seconds=20)
    assert [p.returncode for p in processes] == [0, 0, 0]
    assert worker.with_suffix(".saw").read_text() == str(web)
    assert set(temporal.with_suffix(".saw").read_text().split(",")) == {str(worker), str(web)}


def test_a_process_that_ignores_sigterm_is_killed_after_the_patience(tmp_path: Path) -> None:
    stubborn = tmp_path / "stubborn"
    process = _spawn([sys.executable, "-c", IGNORES_SIGTERM, str(stubborn)], tmp_path / "stubborn.log")
    _wait_ready(stubborn)
    _stop([process], patience_seconds=0.5)
    assert process.returncode == -signal.SIGKILL


def test_a_second_ctrl_c_while_waiting_kills_what_is_still_running(tmp_path: Path) -> None:
    stubborn, other = tmp_path / "stubborn", tmp_path / "other"
    processes = [
        _spawn([sys.executable, "-c", IGNORES_SIGTERM, str(me)], tmp_path / f"{me.name}.log")
        for me in (other, stubborn)
    ]
    _wait_ready(stubborn, other)
    waiting = processes[-1].wait

    def interrupted(timeout: float | None = None) -> int:
        if timeout is not None:  # the patient wait: the person presses Ctrl-C again
            raise KeyboardInterrupt
        return waiting()

    processes[-1].wait = interrupted  # type: ignore[method-assign]
    _shut_down(processes, patience_seconds=60)
    assert [p.returncode for p in processes] == [-signal.SIGKILL, -signal.SIGKILL]


def test_a_port_someone_else_listens_on_is_named_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        settings = Settings(
            api_port=taken,
            temporal_dev_server_address=f"127.0.0.1:{taken}",
            data_dir=tmp_path,
            _env_file=None,  # type: ignore[call-arg]
        )
        assert ports_in_use(settings, embedded=True) == [
            f"127.0.0.1:{taken} (HOTLINE_API_PORT)",
            f"127.0.0.1:{taken} (HOTLINE_TEMPORAL_DEV_SERVER_ADDRESS)",
        ]
        assert ports_in_use(settings, embedded=False) == [f"127.0.0.1:{taken} (HOTLINE_API_PORT)"]
    assert ports_in_use(settings, embedded=True) == []
