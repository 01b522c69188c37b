"""Server-sent events: bytes or text in, events out, as the WHATWG spec reads an event stream.

A plain class rather than an async generator per line: this runs once per token event, and each
generator layer costs. What it does, in the spec's words:

- the stream is UTF-8 (split sequences across chunks are joined; bad bytes become U+FFFD), and a
  leading byte order mark is dropped;
- a line ends at ``\\r\\n``, ``\\r`` or ``\\n`` only (JSON may hold U+2028, which ``str.splitlines``
  would split at), also when a chunk ends between ``\\r`` and ``\\n``;
- ``:`` starts a comment (a server's keepalive); ``field: value`` drops one space after the colon;
- ``data`` lines of one event are joined with ``\\n``; a blank line dispatches the event;
- ``id`` persists from event to event until another ``id`` line (one holding NUL is ignored);
  ``retry`` takes digits only.

Two choices beyond the spec: an event with no data is dispatched when it names itself (``event:
end``, what older LangGraph servers send last), and lines that are no SSE field are counted, so a
stream that sent nothing else can be told apart from an empty one (``EventStreamReader.finish``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from ..errors import MalformedStream

_FIELDS = frozenset({"event", "data", "id", "retry"})
_FIELD_STARTS = ("data:", "event:", "id:", "retry:", ":")  # what nearly every line starts with


@dataclass(slots=True)
class ServerSentEvent:
    """One dispatched event: ``event`` is ``"message"`` when the stream named none."""

    event: str
    data: str
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """``feed(chunk)`` → the events the chunk completes; ``finish()`` at the end of the stream."""

    def __init__(self) -> None:
        self._bytes = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._started = False  # a leading BOM is dropped once
        self._tail = ""  # the start of a line whose end has not come yet
        self._skip_lf = False  # the last chunk ended in "\r": a "\n" next ends the same line
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None
        #: lines that are no SSE field (ignored, per spec), the first few kept for messages
        self.junk: list[str] = []
        self.junk_lines = 0

    def feed(self, chunk: bytes | str) -> list[ServerSentEvent]:
        text = self._bytes.decode(chunk) if isinstance(chunk, (bytes, bytearray)) else chunk
        if not text:
            return []
        if not self._started:
            self._started = True
            if text[0] == "\ufeff":
                text = text[1:]
        if self._skip_lf and text[:1] == "\n":
            text = text[1:]
        self._skip_lf = False
        text = self._tail + text
        if "\r" in text:
            self._skip_lf = text.endswith("\r")
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        *lines, self._tail = text.split("\n")
        return self._lines(lines) if lines else []

    def finish(self) -> list[ServerSentEvent]:
        """The end of the stream: flush the decoder. A last event without its blank line is
        incomplete and dropped, as the spec says."""
        rest = self._bytes.decode(b"", final=True)
        lines = (self._tail + rest).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self._tail = ""
        self._lines([line for line in lines if line])
        self._event, self._data = "", []
        return []

    def _lines(self, lines: list[str]) -> list[ServerSentEvent]:
        found: list[ServerSentEvent] = []
        data = self._data
        for line in lines:
            if not line:
                if data or self._event:
                    joined = "\n".join(data)
                    if joined or self._event not in ("", "message"):
                        found.append(ServerSentEvent(self._event or "message", joined, self._id, self._retry))
                    data.clear()
                    self._event = ""
                continue
            if line[0] == ":":
                continue
            field, colon, value = line.partition(":")
            if value[:1] == " ":
                value = value[1:]
            if field == "data":
                data.append(value)
            elif field == "event":
                self._event = value
            elif field == "id":
                if "\0" not in value:
                    self._id = value or None
            elif field == "retry":
                if value.isascii() and value.isdigit():
                    self._retry = int(value)
            else:
                self.junk_lines += 1
                if len(self.junk) < 3:
                    self.junk.append(line[:80])
        return found


class EventStreamReader(SSEDecoder):
    """An ``SSEDecoder`` for one HTTP answer, that says so when the answer was no event stream at
    all: only lines that are no SSE field (``what``: the request, for the message)."""

    def __init__(self, what: str):
        super().__init__()
        self.what = what
        self.events = 0

    def feed(self, chunk: bytes | str) -> list[ServerSentEvent]:
        found = super().feed(chunk)
        self.events += len(found)
        return found

    def finish(self) -> list[ServerSentEvent]:
        super().finish()
        if self.junk and not self.events:
            raise MalformedStream(
                f"{self.what} sent no events, only lines that are not server-sent events, e.g. {self.junk[0]!r}. "
                "Is the URL a LangGraph API server?")
        return []


__all__ = ["EventStreamReader", "SSEDecoder", "ServerSentEvent"]
