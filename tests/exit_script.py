"""A script that leaves views of every fate behind and exits: ``python exit_script.py <url>``.

tests/test_exit.py runs it in a subprocess, again and again: the interpreter's exit must take the
views' runs, their connections and the background loop down in order (exit code 0, nothing on
stderr). It once ended with a segmentation fault after its last line had run.
"""

from __future__ import annotations

import sys
import time

from lg_widgets import StreamView


def started(view: StreamView) -> StreamView:
    view.start()
    deadline = time.monotonic() + 60
    while view.status in ("idle", "connecting") and time.monotonic() < deadline:
        time.sleep(0.01)
    return view


def main(url: str) -> None:
    done = StreamView("joke", {"topic": "exits"}, url=url).run()
    closed = StreamView("joke", {"topic": "exits"}, url=url, thread_id="new").run()
    closed.close()
    live = [
        started(StreamView("long", {"tokens": 4000}, url=url, thread_id="new")),  # threaded: cancelled on the server
        # the server runs one run at a time: these wait their turn (connecting) or start
        StreamView("long", {"tokens": 4000}, url=url).start(),  # stateless: ends with its connection
        StreamView("long", {"tokens": 4000}, url=url, thread_id="new", protocol="threads").start(),
        StreamView("long", {"tokens": 4000}, url=url, thread_id="new", protocol="threads",
                   transport="websocket").start(),
    ]
    print("views:", done.status, closed.status, *(view.status for view in live), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
