"""Deterministic demo graphs served by ``lg_widgets.local_server()``.

Built on langchain-core's fake chat models: no API key, no network, the same
output on every run. ``langgraph.json`` lists them; each file is
self-contained because ``langgraph dev`` loads graph files by path.
"""
