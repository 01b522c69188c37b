"""Show learners the wire: stream parts and raw SSE frames, with what changes on every run made stable.

A real event holds run ids, thread ids, checkpoint ids, task ids, message ids,
timestamps and the server's address. None of them are the same twice, so a
notebook that prints them can't be compared by nbval (or read side by side with
someone else's run). ``Wire`` prints events as they arrived with only those values
replaced by placeholders: each distinct id gets its own numbered placeholder, named
after what it is (``<run 1>``, ``<checkpoint 2>``, ``<task 1>``, ``lc_run--<message 1>``),
and the same id gets the same placeholder everywhere a ``Wire`` sees it, so a
learner can still follow an id from one event to the next.

    wire = Wire()
    async for part in client.runs.stream(...):
        wire.show(part)                 # StreamPart(event=..., id=...) and its data as JSON
    wire.show_frame(["event: metadata", "data: {...}", ""])   # raw SSE lines
    sequence(["metadata", "messages", "messages"])             # 'metadata, messages ×2'
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from typing import Any

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# A uuid inside a longer string: LangChain's message ids (lc_run--<uuid>), namespaces (node:<uuid>),
# and the API's paths (/threads/<uuid>/runs/<uuid>/stream); the thread protocol's own event ids
# name their run (synth:<run id>:lc|...).
_EMBEDDED = re.compile(rf"(?P<prefix>lc_run--|/threads/|/runs/|synth:|[\w-]+:)?(?P<uuid>{_UUID})")
_KIND_OF_PREFIX = {"lc_run--": "message", "/threads/": "thread", "/runs/": "run", "synth:": "run"}
_INTERRUPT_ID = re.compile(r"^[0-9a-f]{32}$")  # interrupt ids: a hash, not a uuid
# The thread protocol's input.requested event id names its interrupt: synth:<run id>:input||<interrupt id>
_INPUT_EVENT = re.compile(r"(?<=:input\|\|)[0-9a-f]{32}\b")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?")
_SERVER = re.compile(r"https?://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?")
_ADDRESS = re.compile(r"\b0x[0-9a-f]{6,}\b")
# The in-memory server's event ids: <milliseconds>-<n> (the thread protocol appends .<k>).
_SSE_ID = re.compile(r"^\d{10,}-(\d+(?:\.\d+)?)$")
_TIME_KEY = re.compile(r"time|timestamp|_at$", re.IGNORECASE)

#: What an id is, from the key that holds it.
_KIND_OF_KEY = {
    "run_id": "run",
    "thread_id": "thread",
    "assistant_id": "assistant",
    "checkpoint_id": "checkpoint",
    "parent_checkpoint_id": "checkpoint",
    "task_id": "task",
    "langgraph_request_id": "request",
    "parent_ids": "run",
}
#: Dicts whose values are all ids of one kind, whatever their keys (namespaces).
_KIND_OF_VALUES = {"checkpoint_map": "checkpoint", "parents": "checkpoint"}


class Wire:
    """Prints events as they arrived, with ids, times and addresses replaced by stable placeholders.

    Each distinct id gets its own numbered placeholder named after what it is (`<run 1>`,
    `<checkpoint 2>`, `child:<task 1>`, `lc_run--<message 1>`); the same id prints the same
    everywhere one `Wire` sees it. The course uses it so strict nbval can compare its outputs.

    Example:
        ```python
        wire = Wire()
        async for part in client.runs.stream(None, "joke", input={"topic": "x"}, stream_mode="updates"):
            wire.show(part)            # StreamPart(event='updates', id=...) and its data as JSON
        ```
    """

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def stable(self, value: Any, key: str | None = None) -> Any:
        """A copy of a JSON value (or a string) with every per-run value replaced by its placeholder.

        Args:
            value: a JSON value or a string.
            key: the name the value is held under (`"run_id"`, `"checkpoint_id"`, `"task_id"`, ...),
                which says what kind of id a bare id is.

        Returns:
            The stable copy.
        """
        if isinstance(value, dict):
            if key in _KIND_OF_VALUES:
                return {self._text(k, None): self._text(v, _KIND_OF_VALUES[key]) if isinstance(v, str) else v
                        for k, v in value.items()}
            kind = _kind_of_dict(value)
            return {self._text(k, None) if isinstance(k, str) else k: self._item(v, k, kind) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.stable(item, key) for item in value]
        if isinstance(value, str) and key == "event_id" and _SSE_ID.match(value):
            # The thread protocol's event ids: <ms>-<n>, or <ms>-<n>.<k> when events share a
            # millisecond, which depends on timing; its `seq` is the number to follow.
            return "<ms>-<n>"
        if isinstance(value, str):
            return self._text(value, _KIND_OF_KEY.get(key or ""))
        if isinstance(value, int) and not isinstance(value, bool) and key and _TIME_KEY.search(key):
            return "<time>"
        return value

    def show(self, part: Any, sort_keys: bool = True) -> None:
        """Print one stream part: a langgraph_sdk `StreamPart`, an lg_widgets `StreamEvent`, or `(event, data)`.

        Its data is printed as indented JSON with the keys sorted: the server builds its metadata in
        an order that changes from run to run, so unsorted, the same event would not print the same twice.

        Args:
            part: the part.
            sort_keys: sort the JSON's keys.
        """
        event, data, event_id = _fields(part)
        kind = "StreamPart" if isinstance(part, tuple) else type(part).__name__
        line = f"{kind}(event={self._text(event, None)!r}"
        print(line + (f", id={self._sse_id(event_id)!r})" if event_id else ")"))
        print(json.dumps(self.stable(data), indent=1, ensure_ascii=False, sort_keys=sort_keys))

    def show_frame(self, lines: Iterable[str], sort_keys: bool = False) -> None:
        """Print raw SSE lines (`event:`, `id:`, `data:`, blank) exactly as sent, but stable.

        A `data:` line's JSON keeps the server's compact form and key order: only the values change.

        Args:
            lines: the frame's lines.
            sort_keys: sort the keys of `data:` JSON (for frames that carry the server's metadata).
        """
        for line in lines:
            field, sep, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if not sep:
                print(line)
            elif field == "data":
                try:
                    parsed = json.loads(value)
                except ValueError:
                    print(f"data: {self._text(value, None)}")
                else:
                    print("data: " + json.dumps(self.stable(parsed), ensure_ascii=False, separators=(",", ":"),
                                                sort_keys=sort_keys))
            elif field == "id":
                print(f"id: {self._sse_id(value)}")
            else:
                print(f"{field}: {self._text(value, None)}")

    # ------------------------------------------------------------------ internals

    def _item(self, value: Any, key: Any, dict_kind: str | None) -> Any:
        if key == "id" and isinstance(value, str) and dict_kind:
            return self._text(value, dict_kind)
        return self.stable(value, key if isinstance(key, str) else None)

    def _text(self, text: str, kind: str | None) -> str:
        if _INTERRUPT_ID.match(text):
            return self._placeholder(text, "interrupt")
        if _SSE_ID.match(text):
            return self._sse_id(text)
        text = _SERVER.sub("<server>", text)
        text = _ADDRESS.sub("<address>", text)
        text = _ISO_TIME.sub("<time>", text)
        text = _INPUT_EVENT.sub(lambda m: self._placeholder(m.group(0), "interrupt"), text)
        return _EMBEDDED.sub(lambda m: self._embedded(m, kind), text)

    def _embedded(self, match: re.Match[str], kind: str | None) -> str:
        prefix = match.group("prefix") or ""
        if prefix in _KIND_OF_PREFIX:
            kind = _KIND_OF_PREFIX[prefix]
        elif prefix:  # "node:<uuid>": a namespace names the task that runs the subgraph
            kind = "task"
        return prefix + self._placeholder(match.group("uuid"), kind or "id")

    def _placeholder(self, value: str, kind: str) -> str:
        if value not in self._names:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            self._names[value] = f"<{kind} {self._counts[kind]}>"
        return self._names[value]

    @staticmethod
    def _sse_id(event_id: str) -> str:
        return _SSE_ID.sub(r"<ms>-\1", event_id)


def check(answer: Any, truth: Any) -> None:
    """The check under an exercise: compare a learner's prediction with what the run says.

    An exercise is three cells: the learner's prediction (``answer = ...``), a collapsed solution
    that fills ``answer`` only when it is still ``...`` (so "Run all" checks the learner's own
    answer, and nbval, running top to bottom, checks the solution), and this check.

    Args:
        answer: the prediction; ``...`` when the learner has not written one yet.
        truth: what the run says, computed from its events.

    Raises:
        AssertionError: the prediction is not the run's, with both in the message.

    Example:
        ```python
        answer = ...               # your prediction
        check(answer, view.counts["messages"])
        ```
    """
    if answer is ...:
        raise AssertionError("Write your prediction in place of `...` first (or open the solution).")
    assert answer == truth, f"Not quite: you predicted {answer!r}, the run says {truth!r}."
    print(f"Right: {truth!r}")


def sequence(names: Iterable[str]) -> str:
    """Event names in order, repeats counted: ``"metadata, values, messages ×35, updates"``."""
    return ", ".join(name if (n := len(list(run))) == 1 else f"{name} ×{n}"
                     for name, run in itertools.groupby(names))


def _kind_of_dict(value: dict[str, Any]) -> str | None:
    """What the ``id`` key of this dict names: a message, a task, an interrupt, or None (look at the value)."""
    if "content" in value and "type" in value:
        return "message"
    if "triggers" in value or ("name" in value and ("interrupts" in value or "result" in value)):
        return "task"
    if "value" in value and "id" in value:
        return "interrupt"
    return None


def _fields(part: Any) -> tuple[str, Any, str | None]:
    if isinstance(part, tuple) and len(part) == 2:
        return part[0], part[1], None
    return part.event, part.data, getattr(part, "id", None)
