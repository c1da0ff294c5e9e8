"""Run a shell pipeline so that none of it outlives the process that started it, even when that
process is killed outright (SIGKILL cannot be caught: a Ray worker whose driver got Ctrl-C, an OOM
kill, ``kill -9``).

The command engine starts this file as a script (``python -I -S pipeline_guard.py PARENT_PID
COMMAND``), in a new process group. It runs in two stages, because Ray kills a dead worker's direct
children outright but not their children:

- the outer stage asks Linux for SIGTERM when its parent dies (``PR_SET_PDEATHSIG``) and starts the
  inner stage in a group of its own; on SIGTERM or SIGINT it ends that group;
- the inner stage asks the same of the outer one and runs the pipeline in its group; on SIGTERM or
  SIGINT, or when the outer stage is gone, it ends the group: SIGTERM, then SIGKILL a second later.

The exit status of the pipeline is passed through. It imports nothing of tqcheck, so each stage
starts in tens of milliseconds.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1
_child: subprocess.Popen | None = None


def _end_group(group: int) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the group's SIGTERM may reach this process too
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and _child is not None and _child.poll() is None:
            time.sleep(0.02)
        os.killpg(group, signal.SIGKILL)  # in the inner stage, this process too
    except ProcessLookupError:
        pass
    sys.exit(143)


def _die_with_parent(parent: int) -> bool:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    return os.getppid() == parent  # False: the parent died before the request took effect


def main(parent: int, command: str, stage: str) -> int:
    global _child
    if stage == "inner":
        group = os.getpgrp()
        signal.signal(signal.SIGTERM, lambda *_: _end_group(group))
        signal.signal(signal.SIGINT, lambda *_: _end_group(group))
        if not _die_with_parent(parent):
            return 143
        _child = subprocess.Popen(command, shell=True)  # stdin, stdout and stderr are this process's
    else:
        if not _die_with_parent(parent):
            return 143
        _child = subprocess.Popen(
            [sys.executable, "-I", "-S", __file__, str(os.getpid()), command, "inner"], start_new_session=True
        )
        inner = _child.pid
        signal.signal(signal.SIGTERM, lambda *_: _end_group(inner))
        signal.signal(signal.SIGINT, lambda *_: _end_group(inner))
    code = _child.wait()
    return 128 - code if code < 0 else code  # ended by a signal: the shell's convention


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "outer"))
