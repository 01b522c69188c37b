"""A run cut once, on the runs stream and on the thread protocol, against the embedded server:
the view's text is exact (0 tokens lost, 0 doubled).

The embedded server gives many events one id (``<ms>-0``) and, on a rejoin, replays its stored
events before its live queue, which holds again those stored meanwhile: one token came twice
after every cut on the runs stream (lg_widgets/runs/stream.py says how it is told apart now).
"""

from __future__ import annotations

import pytest

from fault_proxy import Cut, FaultProxy
from lg_widgets import StreamView
from lg_widgets.demo import long as long_graph
from lg_widgets.transport import resuming

TOKENS = 1500
#: the same two kinds of events on each protocol (the runs stream's modes, the thread protocol's channels)
MODES = {"runs": ["messages-tuple", "values"], "threads": ["messages", "values"]}
#: protocol, transport, what the proxy's cut waits for (the stream's request, not a REST call)
#: (The WebSocket transport's cuts: test_threads_reliability, five per run, exact by seq.)
ROUTES = [("runs", "sse", b"/runs/stream"), ("threads", "sse", b"/stream/events")]


def words(count: int) -> str:
    return " ".join(f"{long_graph.WORDS[i % len(long_graph.WORDS)]}{i}" for i in range((count + 1) // 2))


def read_through(proxy: FaultProxy, protocol: str, transport: str) -> StreamView:
    return StreamView("long", {"tokens": TOKENS}, url=proxy.url, thread_id="new", stream_mode=MODES[protocol],
                      protocol=protocol, transport=transport).run()


@pytest.mark.server
@pytest.mark.parametrize("protocol, transport, stream_request", ROUTES)
def test_one_cut_leaves_the_text_exact(server, comms, monkeypatch, protocol, transport, stream_request):
    monkeypatch.setattr(resuming, "FIRST_BACKOFF", 0.01)
    with FaultProxy(server.url, only=stream_request) as calibration:
        whole = read_through(calibration, protocol, transport)
    total = max(entry.response_bytes for entry in calibration.log)  # the stream's connection
    assert whole.status == "done" and whole.text == words(TOKENS)

    for fraction in (0.3, 0.6):  # one cut each, at two places in the run
        with FaultProxy(server.url, [Cut(int(total * fraction))], only=stream_request) as proxy:
            view = read_through(proxy, protocol, transport)
        cuts = [entry for entry in proxy.log if isinstance(entry.action, Cut)]
        assert len(cuts) == 1 and cuts[0].response_bytes == cuts[0].action.after, "the stream was cut once"
        assert view.status == "done", view.error
        assert view.text == words(TOKENS), f"cut at {fraction:.0%}: the text has a token lost or doubled"
        assert view.messages[-1]["text"] == words(TOKENS)
        view.close()
    whole.close()
