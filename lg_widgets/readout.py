"""The view's run, read out: its fold (``run_state``), chosen nodes' text (``text_for``), a recording
(``save``), a table (``to_pandas``), a page (``to_html``).

``ReadOut`` is a mixin of ``StreamView``.
"""

from __future__ import annotations

import os
import pathlib
from typing import Any

from . import frames, saved_page
from .errors import InvalidArgument
from .live_run import LiveRun
from .sources import write_recording
from .state import RunState
from .types import Branch


class ReadOut(LiveRun):
    """``run_state``, ``text_for()``, ``save()``, ``to_pandas()`` and ``to_html()``."""

    # the view's traits this half reads (declared by the widget)
    branches: list[Branch]
    stream_mode: list[str]
    protocol: str

    @property
    def run_state(self) -> RunState:
        """The fold behind the traits (`lg_widgets.RunState`); its data is the traits' once a run has ended.

        Returns:
            The view's `RunState` (read it; the view writes it).
        """
        return self._fold

    def text_for(self, node: Any = None, tag: Any = None, namespace: Any = None) -> str:
        """The token text of chosen nodes, LLM call tags or subgraph namespaces (see `RunState.text_for`).

        Args:
            node: a node name or a collection of them (None: any).
            tag: a tag of the model call (`llm.with_config(tags=[...])`) or a collection of them.
            namespace: a subgraph namespace (`"writer:<task id>"` or its node part), or a collection.

        Returns:
            The concatenated text of the matching message chunks.

        Example:
            ```python
            view.text_for(node="headline"), view.text_for(tag="draft")
            ```
        """
        return self._fold.text_for(node=node, tag=tag, namespace=namespace)

    def save(self, path: str | os.PathLike[str]) -> int:
        """Write every received event, with its arrival offset, to a JSON-lines recording.

        `StreamView.replay(path)` plays it back with no server, runs and branches included. Secrets in
        the server's config/metadata are redacted; the API key and headers are never in an event.

        Args:
            path: the file to write.

        Returns:
            The number of events written.
        """
        forks = {b["events_before"]: b["checkpoint_id"] for b in self.branches}
        continues = {start: forks.get(start) for start in self.run_starts[1:]}
        return write_recording(path, self.events, self.assistant_id, list(self.stream_mode), continues,
                               self.protocol, self._derived)

    def to_pandas(self, name: str) -> Any:
        """One of the run's tables as a ``pandas.DataFrame`` (install the ``lg_widgets[pandas]`` extra).

        Args:
            name: ``"timeline"`` (one row per span), ``"usage"`` (one row per node, model and
                subgraph, and the total), ``"steps"`` (one row per step card) or ``"events"``
                (one row per raw event).

        Returns:
            A new DataFrame; changing it changes nothing in the view.

        Raises:
            InvalidArgument: an unknown ``name``.
            ImportError: pandas is not installed (the message names the extra).

        Example:
            ```python
            view = StreamView("branches", {"topic": "x"}, stream_mode=["debug", "messages-tuple"]).run()
            view.to_pandas("timeline")[["node", "start", "end"]]
            ```
        """
        return frames.to_frame(self, name)

    def to_html(self, path: str | os.PathLike[str]) -> pathlib.Path:
        """Write the finished run as one self-contained HTML file: the real front end, inlined, showing the final traits.

        It opens offline in any browser: no CDN, no kernel, no server address, no API key.

        Args:
            path: the file to write.

        Returns:
            The path written.

        Raises:
            InvalidArgument: the run is still live (write it once `await view.wait()` returns).
        """
        if self._live():
            raise InvalidArgument("The run is still live: write it once it has ended (`await view.wait()`).")
        return saved_page.write_view(self, path)
