"""Run a command and stop it when the process that started us dies.

    python -m lg_widgets._guard <work dir> <command...>

``local_server()`` starts ``langgraph dev`` through this guard with a pipe on
its stdin. A kernel that is killed outright (no ``atexit``) closes the pipe;
the guard reads end-of-file, stops the server's process group and removes the
server's temporary working directory, so nothing outlives the kernel.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading


def main(workdir: str, command: list[str]) -> int:
    # The server's group gets SIGTERM on stop(); the guard outlives it to clean up.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, preexec_fn=_default_sigterm)

    parent_gone = threading.Event()

    def stop_when_parent_goes() -> None:
        while os.read(0, 4096):  # b"" at end-of-file: our parent has gone
            pass
        parent_gone.set()
        os.killpg(os.getpgid(0), signal.SIGTERM)

    threading.Thread(target=stop_when_parent_goes, daemon=True).start()
    code = child.wait()
    if parent_gone.is_set():
        shutil.rmtree(workdir, ignore_errors=True)  # nobody is left to read the log or clean up
    # else: stop() or a crash; the parent reads the log and removes the directory
    return 0 if code == -signal.SIGTERM else code


def _default_sigterm() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


if __name__ == "__main__":
    # os._exit: the stdin-watching thread must not hold up interpreter shutdown.
    os._exit(main(sys.argv[1], sys.argv[2:]))
