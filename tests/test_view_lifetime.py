"""A closed view is freed: nothing the library keeps (anywidget's front-end file, the comm, the
publisher, the background loop) holds a view once it is closed and dropped."""

from __future__ import annotations

import gc
import pathlib
import subprocess
import sys
import weakref

import comm
import pytest

from recordings import FIXTURES
from lg_widgets import StreamView
from lg_widgets.errors import LGWidgetsError

RECORDING = FIXTURES / "three_tools_tuple_events.jsonl"


def run_and_close(count: int) -> list[weakref.ref]:
    views = []
    for _ in range(count):
        view = StreamView.replay(RECORDING, speed=0).run()
        assert view.status == "done" and view.messages
        view.close()
        views.append(weakref.ref(view))
        del view
    return views


def open_comms() -> int:
    """The comms open in this process (the kernel's comm manager's, or its stand-in outside a kernel)."""
    return len(comm.get_comm_manager().comms)


def test_closed_views_are_freed():
    comms = open_comms()
    views = run_and_close(20)
    gc.collect()
    assert [ref for ref in views if ref() is not None] == [], "no StreamView left once closed and dropped"
    assert open_comms() == comms, "no comm left open for a closed view (nor for its Layout widget)"


# Run in a process of its own: traced memory is the whole process's, and in a worker that ran other
# tests first, their threads' late work counted too (12.6 MB still held after 20 s once, beside the
# installs, while every view was gone).
_MEMORY_SCRIPT = """
import gc, sys, tracemalloc
sys.path.insert(0, sys.argv[1])
from test_view_lifetime import run_and_close
run_and_close(5)  # what the first views bring in for good (imports, caches)
gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
run_and_close(30)
gc.collect()
print(tracemalloc.get_traced_memory()[0] - before)
"""


def test_memory_returns_to_its_level_after_closed_views():
    done = subprocess.run([sys.executable, "-c", _MEMORY_SCRIPT, str(pathlib.Path(__file__).parent)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    grown = int(done.stdout.split()[-1])
    # One view of this recording holds ~0.5 MB (its front end, events, traits): 30 kept would be ~15 MB.
    assert grown < 1_000_000, f"the 30 closed views left {grown:,} bytes held"


def closed_in_a_function(recording) -> weakref.ref:
    """What a script does: run a view in a function, catch its error there, close it."""
    view = StreamView.replay(FIXTURES / recording, speed=0)
    try:
        view.run()
    except LGWidgetsError:
        assert view.status == "error"
    view.close()
    return weakref.ref(view)


@pytest.mark.parametrize("recording", [RECORDING.name, "failing_error.jsonl", "human_interrupt.jsonl"])
def test_a_closed_view_goes_with_its_last_reference(recording):
    """No cycle through a closed view (the page's message handler, the publisher's send, the frames of a
    raised error's traceback): its events and traits go at once, not at the next full collection, which
    in a long kernel comes dozens of views later, the heap grown and fragmented by then."""
    closed_in_a_function(recording)  # the first view's one-off imports and caches
    gc.collect()
    gc.disable()
    try:
        ref = closed_in_a_function(recording)
        alive = ref() is not None
    finally:
        gc.enable()
    assert not alive, "the closed view waited for the cyclic garbage collector"


def test_a_view_whose_arguments_were_refused_goes_quietly(monkeypatch):
    """Its constructor raised before the view was set up; at collection ipywidgets' ``__del__``
    closes it, which must not raise (Python would print "Exception ignored in ... __del__")."""
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    for bad in ({"assistant_id": ""}, {"assistant_id": "joke", "stream_mode": "tokens"},
                {"assistant_id": "joke", "input": {"x": object()}}):
        with pytest.raises(LGWidgetsError):
            StreamView(**bad)
        gc.collect()
    assert [f"{u.exc_type.__name__}: {u.exc_value}" for u in unraisable] == []
