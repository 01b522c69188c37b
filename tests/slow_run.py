"""A run that lasts, for tests that cancel or race a live run: the ``ticker`` demo graph, paced.

Not ``long`` at full speed: the dev server (langgraph-api 0.16) looks for a cancel only when the
run has no event waiting to be sent, and ``long`` makes events faster than they are sent. Its
record says ``interrupted`` at once, but it runs on to its end (200,000 tokens: a minute and
more of the server's one worker), and the runs of the tests after it queue behind it.
``ticker`` streams one character every ``pause`` seconds, as a real model would, so a cancel
lands at once. With these values a run lasts about 40 s.
"""

SLOW_GRAPH = "ticker"
SLOW_INPUT = {"words": 4000, "pause": 0.002}
