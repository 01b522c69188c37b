"""Which source a view reads, from ``StreamView``'s arguments: the one place that knows the protocols."""

from __future__ import annotations

from typing import Any, AsyncIterable

from ..errors import InvalidArgument
from ..runs import RunRequest, normalize_stream_mode
from ..threads.events import CHANNELS
from .base import RunSource
from .connection import Server
from .local import LocalGraphSource
from .recording import RecordingSource, read_recording
from .runs import RunsSource
from .sdk import SdkStreamSource
from .threads import ThreadRequest, ThreadSource

#: What a view streams unless told otherwise: tokens, one card per step, and the state.
DEFAULT_STREAM_MODE = ("messages-tuple", "debug", "values")


def run_source(assistant_id: str, input: Any, *, server: Server, protocol: str = "runs", transport: str = "sse",
               stream_mode: str | list[str] | None = None, thread_id: str | None = None,
               config: dict[str, Any] | None = None, context: dict[str, Any] | None = None,
               stream_subgraphs: bool = False, **run_options: Any) -> RunSource:
    """A new run of ``assistant_id`` on ``protocol``: checked here, before a view exists."""
    if protocol == "threads":
        unsupported = [name for name, value in {"context": context, **run_options}.items()
                       if value is not None and name != "metadata"]
        if unsupported:
            raise InvalidArgument(f"The thread protocol's run.start takes no {', '.join(unsupported)} "
                                  "(it carries assistant_id, input, config and metadata): use protocol='runs'.")
        # stream_subgraphs has nothing to do there: the protocol streams every namespace.
        channels = list(CHANNELS) if stream_mode is None else ([stream_mode] if isinstance(stream_mode, str)
                                                               else stream_mode)
        return ThreadSource(ThreadRequest(assistant_id, input, stream_mode=channels, config=config,
                                          metadata=run_options.get("metadata"), thread_id=thread_id,
                                          transport=transport), server)
    if protocol == "runs":
        if transport != "sse":
            raise InvalidArgument("The runs stream is SSE only: transport='websocket' needs protocol='threads'.")
        modes = normalize_stream_mode(list(DEFAULT_STREAM_MODE) if stream_mode is None else stream_mode)
        return RunsSource(RunRequest(assistant_id, input, stream_mode=modes, config=config, context=context,
                                     stream_subgraphs=stream_subgraphs, thread_id=thread_id, **run_options), server)
    raise InvalidArgument(f"protocol must be 'runs' (the runs stream) or 'threads' (the thread-centric "
                          f"protocol), got {protocol!r}.")


def attach_source(thread_id: str, *, server: Server, transport: str = "sse",
                  stream_mode: list[str] | None = None) -> RunSource:
    """Every run of an existing thread, over the thread protocol, from its current run on."""
    if not isinstance(thread_id, str) or not thread_id.strip() or thread_id == "new":
        raise InvalidArgument(f"attach needs the id of an existing thread, got {thread_id!r}.")
    request = ThreadRequest("", None, stream_mode=list(CHANNELS) if stream_mode is None else stream_mode,
                            thread_id=thread_id, transport=transport, attach=True)
    return ThreadSource(request, server)


def join_source(thread_id: str, run_id: str, *, server: Server,
                stream_mode: str | list[str] | None = None) -> RunSource:
    """A run another client started, joined from its start on the runs stream."""
    for name, value in (("thread_id", thread_id), ("run_id", run_id)):
        if not isinstance(value, str) or not value.strip():
            raise InvalidArgument(f"join needs the {name} of an existing run, got {value!r}.")
    modes = None if stream_mode is None else normalize_stream_mode(stream_mode)
    request = RunRequest("joined run", None, stream_mode=modes or ["values"], thread_id=thread_id)
    return RunsSource(request, server, join=run_id, join_modes=modes)


def replay_source(path: Any, speed: float = 1.0) -> RunSource:
    return RecordingSource(read_recording(path), speed)


def graph_source(graph: Any, input: Any, *, stream_mode: str | list[str] | None = None,
                 config: dict[str, Any] | None = None, context: Any = None,
                 stream_subgraphs: bool = False) -> RunSource:
    modes = normalize_stream_mode(list(DEFAULT_STREAM_MODE) if stream_mode is None else stream_mode)
    return LocalGraphSource(graph, input, modes, config=config, context=context, subgraphs=stream_subgraphs)


def sdk_source(stream: AsyncIterable[Any], *, assistant_id: str = "sdk",
               stream_mode: str | list[str] | None = None) -> RunSource:
    modes = normalize_stream_mode(stream_mode or list(DEFAULT_STREAM_MODE))
    return SdkStreamSource(stream, assistant_id, modes)
