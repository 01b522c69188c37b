"""A source whose events a test writes itself (to force a timing, or to frame a recording by hand)."""

from __future__ import annotations

from typing import Any, AsyncIterator

from lg_widgets.sources import Serverless


class ScriptedSource(Serverless):
    """The events of ``script()`` (an async iterator), as a recording's run would give them."""

    offline = "A scripted run has no server"

    def __init__(self, script: Any, *, assistant_id: str = "scripted", modes: list[str] | None = None,
                 protocol: str = "runs"):
        self.script = script
        self.assistant_id = assistant_id
        self.modes = list(modes or ["values"])
        self.fold_modes = self.modes
        self.protocol = protocol

    def again(self) -> "ScriptedSource":
        return self

    def events(self) -> AsyncIterator[Any]:
        return self.script()
