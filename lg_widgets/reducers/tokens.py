"""Model tokens and messages: ``text``, its ``segments``, and messages merged by id.

Three modes carry the same tokens (``messages-tuple``, ``messages/partial``,
``events``); each token reaches ``text`` once, whichever modes the run asked for.
Sources that send deltas are tracked by length per message, so a 10,000-token
message costs no more per token than a short one. The token path runs once per
event: it is kept flat on purpose.

A streamed message's chunks also add up to its ``content`` blocks and ``tool_calls`` as
langchain-core adds them (``chunks.py``); plain text content is not copied again, it is the
message's ``text``.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..protocol import message_text
from ..types import Message, Segment
from .chunks import MessageChunks, parse_partial_json, tool_call_chunks

MESSAGES_TUPLE, MESSAGES_PARTIAL, EVENTS = "messages-tuple", "messages/partial", "events"
#: The thread protocol's messages channel: text deltas per content block.
BLOCKS = "blocks"

_NO_META: dict[str, Any] = {"node": "", "tags": [], "namespace": []}


def carries_nothing(chunk: dict[str, Any]) -> bool:
    """A chunk with no content and no tool call: e.g. the empty ``chunk_position="last"`` chunk
    langchain-core ends a model's stream with (under an id of its own when the model gave one)."""
    return not chunk.get("content") and not chunk.get("tool_call_chunks") and not chunk.get("tool_calls")


def is_ai(message: dict[str, Any]) -> bool:
    kind = str(message.get("type") or "")
    return kind == "ai" or kind.startswith("AIMessage")


def namespace_from_metadata(metadata: dict[str, Any]) -> tuple[str, ...]:
    # checkpoint_ns of a token's node is "parent:task|node:task": the namespace is all but the last.
    ns = metadata.get("langgraph_checkpoint_ns") or metadata.get("checkpoint_ns") or ""
    parts = [p for p in str(ns).split("|") if p]
    return tuple(parts[:-1])


def message_texts(text: str, segments: Iterable[Mapping[str, Any]], ids: Iterable[str] | None = None
                  ) -> dict[str, str]:
    """Each message's streamed text, joined from the segments of ``text`` that carry its id."""
    wanted = None if ids is None else set(ids)
    pieces: dict[str, list[str]] = {}
    for segment in segments:
        message = str(segment.get("message"))
        if wanted is None or message in wanted:
            pieces.setdefault(message, []).append(text[segment["start"]:segment["end"]])
    return {message: "".join(parts) for message, parts in pieces.items()}


def _parse_args(call: dict[str, Any], text: str) -> None:
    """A tool call's arguments from their JSON text so far (kept as they were while it parses to no object)."""
    try:
        args = parse_partial_json(text)
    except ValueError:
        return
    if isinstance(args, dict):
        call["args"] = args


class TokenReducer:
    """Folds the token-carrying events.

    Each event method returns the root-graph node whose text it appended (the node that is
    speaking now), else None.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._joined = ""
        self._joined_parts = 0
        self.length = 0  # of text, in code points
        self.segments: list[Segment] = []
        self._last_segment_meta: dict[str, Any] | None = None
        self._messages: list[Message] = []
        self._message_index: dict[str, int] = {}
        #: ids of messages whose entry changed other than by growing text, in order (may repeat)
        self.message_log: list[str] = []
        self._stale_text: set[str] = set()
        self._source_len: dict[str, dict[str, int]] = {MESSAGES_TUPLE: {}, MESSAGES_PARTIAL: {}, EVENTS: {}, BLOCKS: {}}
        # thread protocol: the messages each namespace is streaming (id and role), latest last,
        # and the last one it streamed
        self._open: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        self._last_open: dict[tuple[str, ...], tuple[str, str]] = {}
        self._emitted: dict[str, int] = {}
        self._token_meta: dict[str, dict[str, Any]] = {}
        # streamed chunks added up, for the messages whose chunks carry blocks or tool calls; the
        # mode that first sent a message's chunks is the one added up (the others repeat them)
        self._chunks: dict[str, MessageChunks] = {}
        self._chunk_source: dict[str, str] = {}
        self._stale_chunks: set[str] = set()
        # the thread protocol: each message's tool calls by content block index, and their argument text
        self._block_calls: dict[tuple[str, Any], dict[str, Any]] = {}
        self._block_args: dict[tuple[str, Any], list[str]] = {}

    # reading ---------------------------------------------------------------

    @property
    def text(self) -> str:
        if self._joined_parts != len(self._parts):
            self._joined += "".join(self._parts[self._joined_parts:])
            self._parts = [self._joined]  # compact: one string instead of a part per token
            self._joined_parts = 1
        return self._joined

    def text_since(self, offset: int) -> str:
        """The text appended after the first ``offset`` code points."""
        return self.text[offset:] if offset < self.length else ""

    @property
    def messages(self) -> list[Message]:
        """Messages merged by id; a streamed message's text is joined from its segments when read."""
        if self._stale_text:
            for msg_id, text in message_texts(self.text, self.segments, self._stale_text).items():
                entry = self._messages[self._message_index[msg_id]]
                entry["text"] = text
                if not isinstance(entry.get("content"), list):  # content blocks stay blocks
                    entry["content"] = text
            self._stale_text.clear()
        if self._stale_chunks:
            for msg_id in self._stale_chunks:
                for (call_msg, index), pieces in self._block_args.items():
                    if call_msg == msg_id:  # the thread protocol's argument text so far
                        _parse_args(self._block_calls[(call_msg, index)], "".join(pieces))
                chunks = self._chunks.get(msg_id)
                if chunks is None:
                    continue
                entry = self._messages[self._message_index[msg_id]]
                blocks = chunks.blocks
                if blocks is not None:
                    entry["content"] = blocks
                if chunks.has_calls:
                    entry["tool_calls"] = chunks.tool_calls()
            self._stale_chunks.clear()
        return self._messages

    def message(self, msg_id: str) -> Message:
        return self.messages[self._message_index[msg_id]]

    def _entry(self, msg_id: str) -> Message:
        """A message's entry as the fold holds it (its streamed text not joined: that costs the text)."""
        if msg_id not in self._message_index:
            self._merge(msg_id, {"type": "ai"}, streamed=True)
        return self._messages[self._message_index[msg_id]]

    # events ------------------------------------------------------------------

    def messages_tuple(self, data: Any, namespace: tuple[str, ...], fallback_id: str) -> str | None:
        if not (isinstance(data, list) and data and isinstance(data[0], dict)):
            return None
        chunk = data[0]
        msg_id = chunk.get("id")
        msg_id = str(msg_id) if msg_id else fallback_id
        kind = chunk.get("type")
        streamed = kind == "AIMessageChunk" or (str(kind or "").endswith("Chunk") and is_ai(chunk))
        if streamed and msg_id not in self._message_index and carries_nothing(chunk):
            return None  # no message of its own
        known = self._token_meta.get(msg_id)
        if known is None or not known["node"]:
            metadata = data[1] if len(data) > 1 and isinstance(data[1], dict) else {}
            self._remember_meta(msg_id, metadata, namespace)
        content = chunk.get("content")
        node = None
        if streamed:
            node = self._tokens(MESSAGES_TUPLE, msg_id, delta=content if type(content) is str else message_text(content))
            if msg_id in self._message_index:
                self._stale_text.add(msg_id)  # the common case, one more token of a known message
                if (type(content) is not str or msg_id in self._chunks or chunk.get("tool_call_chunks")
                        or chunk.get("tool_calls")):
                    self._add_chunk(MESSAGES_TUPLE, msg_id, chunk)
                return node
        elif is_ai(chunk):
            # A whole AI message (a model that does not stream, or a node that returns one):
            # its text counts once, less what its own tokens already delivered.
            node = self._tokens(MESSAGES_TUPLE, msg_id, whole=message_text(content))
        self._merge(msg_id, chunk, streamed)
        if streamed:
            self._add_chunk(MESSAGES_TUPLE, msg_id, chunk)
        return node

    def messages_metadata(self, data: Any, namespace: tuple[str, ...]) -> None:
        if isinstance(data, dict):
            for msg_id, entry in data.items():
                meta = entry.get("metadata") if isinstance(entry, dict) else None
                self._remember_meta(str(msg_id), meta if isinstance(meta, dict) else {}, namespace)

    def messages_partial(self, data: Any, fallback_id: str, complete: bool = False) -> str | None:
        """``messages/partial``: each message so far (not a delta); ``complete``: each whole message."""
        node = None
        for message in data if isinstance(data, list) else ():
            if not isinstance(message, dict):
                continue
            msg_id = str(message.get("id") or fallback_id)
            if is_ai(message):
                if not complete and msg_id not in self._message_index and carries_nothing(message):
                    continue  # nothing to show yet, or never (a stream's empty last chunk)
                node = self._tokens(MESSAGES_PARTIAL, msg_id, whole=message_text(message.get("content"))) or node
            self._merge(msg_id, message, streamed=is_ai(message) and not complete, whole_so_far=True)
        return node

    def chat_model_stream(self, data: dict[str, Any], namespace: tuple[str, ...], fallback_id: str) -> str | None:
        """An ``events``-mode ``on_chat_model_stream`` event."""
        chunk = (data.get("data") or {}).get("chunk")
        if not isinstance(chunk, dict):
            return None
        msg_id = str(chunk.get("id") or data.get("run_id") or fallback_id)
        if msg_id not in self._message_index and carries_nothing(chunk):
            return None  # no message of its own
        metadata = dict(data.get("metadata") or {})
        metadata.setdefault("tags", data.get("tags") or [])
        self._remember_meta(msg_id, metadata, namespace)
        node = self._tokens(EVENTS, msg_id, delta=message_text(chunk.get("content")))
        self._merge(msg_id, {**chunk, "type": chunk.get("type") or "AIMessageChunk"}, streamed=True)
        self._add_chunk(EVENTS, msg_id, chunk)
        return node

    # the thread protocol ----------------------------------------------------------

    def block_event(self, data: Any, namespace: tuple[str, ...], fallback_id: str) -> str | None:
        """A ``messages`` channel event: a message starts, its content blocks start, grow and finish.

        Text deltas of an AI message are its tokens (``text``); reasoning deltas and tool-call
        argument deltas grow the message's ``reasoning`` and ``tool_calls``, apart from the answer.
        A tool's result, mirrored as a ``tool`` message, is a message, not tokens.
        """
        if not isinstance(data, dict):
            return None
        kind = data.get("event")
        if kind == "message-start":
            msg_id = str(data.get("id") or fallback_id)
            role = str(data.get("role") or "ai")
            self._open.setdefault(namespace, []).append((msg_id, role))
            self._remember_meta(msg_id, {}, namespace)
            message: dict[str, Any] = {"type": role, "content": ""} if role != "ai" else {"type": "ai"}
            if data.get("tool_call_id"):
                message["tool_call_id"] = data["tool_call_id"]
            self._merge(msg_id, message, streamed=role == "ai")
            return None
        # Only message-start names its message. Two messages streaming at once in one namespace
        # (parallel nodes) can't be told apart: what follows goes to the latest one started.
        if kind == "message-finish" and self._open.get(namespace):
            self._last_open[namespace] = self._open[namespace].pop()
        if kind not in ("content-block-start", "content-block-delta", "content-block-finish"):
            return None
        msg_id, role = self._streaming(namespace, fallback_id)
        block = data.get("delta") or data.get("content")
        if not isinstance(block, dict):
            return None
        btype = block.get("type")
        if btype in ("text-delta", "text") and kind != "content-block-finish":
            text = block.get("text")
            if not isinstance(text, str) or not text:
                return None
            if role == "ai":
                self._stale_text.add(msg_id)
                return self._tokens(BLOCKS, msg_id, delta=text)
            entry = self._entry(msg_id)  # a tool's result: the message's own text
            entry["text"] = entry["content"] = (entry.get("text") or "") + text
            self.message_log.append(msg_id)
        elif btype in ("reasoning-delta", "reasoning") and kind != "content-block-finish":
            entry = self._entry(msg_id)
            entry["reasoning"] = (entry.get("reasoning") or "") + str(block.get("reasoning") or "")
            self.message_log.append(msg_id)
        elif btype in ("tool_call_chunk", "tool-call-delta", "tool_call"):
            self._tool_call_block(msg_id, data.get("index"), block)
        return None

    def _streaming(self, namespace: tuple[str, ...], fallback_id: str) -> tuple[str, str]:
        """The message a thread-protocol event without an id belongs to: the latest open one in its
        namespace, else the last one that namespace streamed, else a new one."""
        open_ = self._open.get(namespace)
        if open_:
            return open_[-1]
        last = self._last_open.get(namespace)
        if last is not None:
            return last
        self._remember_meta(fallback_id, {}, namespace)
        self._entry(fallback_id)
        self._last_open[namespace] = (fallback_id, "ai")
        return fallback_id, "ai"

    def _tool_call_block(self, msg_id: str, index: Any, block: dict[str, Any]) -> None:
        """A tool call's block: its start (id, name), its argument text growing (parsed when read,
        as on the runs stream), its parsed end. The call has the runs stream's shape."""
        key = (msg_id, index)
        call = self._block_calls.get(key)
        if call is None:
            call = self._block_calls[key] = {"name": "", "args": {}, "id": None, "type": "tool_call"}
            self._entry(msg_id).setdefault("tool_calls", []).append(call)
        args = block.get("args")
        if block.get("type") == "tool-call-delta":
            self._block_args.setdefault(key, []).append(str(args or ""))
            self._stale_chunks.add(msg_id)
        else:
            for field in ("id", "name"):
                if block.get(field) not in (None, ""):
                    call[field] = block[field]
            if isinstance(args, dict):
                call["args"] = args
                self._block_args.pop(key, None)
            elif isinstance(args, str) and args:
                self._block_args[key] = [args]
                self._stale_chunks.add(msg_id)
        self.message_log.append(msg_id)

    def values_messages(self, values: Any, namespace: tuple[str, ...]) -> str | None:
        """AI messages a node returned whole reach the state without streaming: like the runs
        stream's messages mode, count each one's text once (an id the fold has not seen)."""
        node = None
        for value in values.values() if isinstance(values, dict) else ():
            if not isinstance(value, list):
                continue
            for message in value:
                if (isinstance(message, dict) and message.get("id") and is_ai(message)
                        and str(message["id"]) not in self._message_index):
                    msg_id = str(message["id"])
                    self._remember_meta(msg_id, {}, namespace)
                    node = self._tokens(BLOCKS, msg_id, whole=message_text(message.get("content"))) or node
                    self._merge(msg_id, message, streamed=False)
        return node

    # internals -------------------------------------------------------------

    def _remember_meta(self, msg_id: str, metadata: dict[str, Any], namespace: tuple[str, ...]) -> None:
        known = self._token_meta.get(msg_id)
        if known is not None and (known["node"] or not metadata):
            return  # the first metadata that names a node wins; later chunks repeat it
        node = metadata.get("langgraph_node") or ""
        # LangGraph's own `seq:step:N` bookkeeping tags (events mode has them, messages-tuple
        # doesn't): dropped, so a message's tags don't depend on which mode arrived first.
        tags = [t for t in metadata.get("tags") or [] if not str(t).startswith("seq:step")]
        ns = tuple(namespace) or namespace_from_metadata(metadata)
        self._token_meta[msg_id] = {"node": str(node), "tags": [str(t) for t in tags], "namespace": list(ns),
                                    "message": msg_id}

    def _tokens(self, source: str, msg_id: str, delta: str | None = None, whole: str | None = None) -> str | None:
        """One source's new text for a message: append to ``text`` only what no source delivered yet."""
        lengths = self._source_len[source]
        before = lengths.get(msg_id, 0)
        total = before + len(delta) if delta is not None else len(whole or "")
        lengths[msg_id] = total
        emitted = self._emitted.get(msg_id, 0)
        if total <= emitted:
            return None
        new = delta[emitted - before:] if delta is not None else (whole or "")[emitted:]
        self._emitted[msg_id] = total
        meta = self._token_meta.get(msg_id)
        if meta is None:  # e.g. messages/partial without a messages/metadata event first
            meta = self._token_meta[msg_id] = {**_NO_META, "message": msg_id}
        return self._append_text(new, meta)

    def _append_text(self, new: str, meta: dict[str, Any]) -> str | None:
        start = self.length
        end = self.length = start + len(new)
        self._parts.append(new)
        segments = self.segments
        if meta is self._last_segment_meta and segments[-1]["end"] == start:
            segments[-1]["end"] = end  # the same node, tags and message: the segment grows
        else:
            segments.append({"start": start, "end": end, **meta})  # type: ignore[typeddict-item]
            self._last_segment_meta = meta
        # Every token: another node may have finished in between (parallel branches).
        return meta["node"] if not meta["namespace"] else None

    def _merge(self, msg_id: str, message: dict[str, Any], streamed: bool, whole_so_far: bool = False) -> None:
        """Fold a message in: a chunk (``streamed``: its text is in the segments, its blocks and
        tool calls are added up by ``_add_chunk``), the whole message so far (``messages/partial``:
        ``whole_so_far``), or a whole message."""
        index = self._message_index.get(msg_id)
        if streamed and index is not None and (not whole_so_far or (
                not message.get("tool_calls") and not isinstance(message.get("content"), list))):
            self._stale_text.add(msg_id)  # the common case: one more token of a known message
            return
        if index is None:
            meta = self._token_meta.get(msg_id) or _NO_META
            entry: Message = {
                "id": msg_id, "type": message.get("type"), "content": "", "text": "",
                "name": message.get("name"), "tool_calls": [], "node": meta["node"],
                "namespace": meta["namespace"],
            }
            self._message_index[msg_id] = len(self._messages)
            self._messages.append(entry)
        else:
            entry = self._messages[index]
        if streamed:
            self._stale_text.add(msg_id)
            entry["type"] = entry["type"] or message.get("type")
            if whole_so_far and isinstance(message.get("content"), list):
                entry["content"] = message["content"]  # the blocks so far; the text stays the segments'
        else:
            self._chunks.pop(msg_id, None)  # the whole message says it all
            entry["type"] = message.get("type") or entry["type"]
            if "content" in message:
                entry["content"] = message["content"]
                entry["text"] = message_text(entry["content"]) or entry["text"]
                self._stale_text.discard(msg_id)
        if message.get("name"):
            entry["name"] = message["name"]
        if message.get("tool_calls") and (whole_so_far or not streamed):
            entry["tool_calls"] = message["tool_calls"]
        if message.get("tool_call_id"):
            entry["tool_call_id"] = message["tool_call_id"]
        self.message_log.append(msg_id)

    def _add_chunk(self, source: str, msg_id: str, chunk: dict[str, Any]) -> None:
        """Add a streamed chunk's content and tool-call deltas to its message (``chunks.py``).
        Plain text chunks cost nothing here until a chunk brings blocks or a tool call."""
        owner = self._chunk_source.get(msg_id)
        first = owner is None
        if first:
            self._chunk_source[msg_id] = source
        elif owner != source:
            return  # another mode sends the same chunks
        content = chunk.get("content")
        calls = tool_call_chunks(chunk)
        chunks = self._chunks.get(msg_id)
        if chunks is None:
            if not calls and not isinstance(content, list):
                return
            chunks = self._chunks[msg_id] = MessageChunks(None if first else self._text_before(source, msg_id, content))
        self._stale_chunks.add(msg_id)
        if chunks.add(content, calls):  # growing text needs no word: the page has it in the segments
            self.message_log.append(msg_id)

    def _text_before(self, source: str, msg_id: str, content: Any) -> str:
        """The text ``source`` gave ``msg_id`` before this chunk (its chunks were plain text so far)."""
        before = self._source_len[source].get(msg_id, 0) - len(message_text(content))
        return message_texts(self.text, self.segments, [msg_id]).get(msg_id, "")[:max(before, 0)]
