"""lg_widgets: live Jupyter views of LangGraph runs."""

from importlib.metadata import PackageNotFoundError, version

from .errors import (
    CommandError,
    HTTPStatusError,
    InsecureTLSWarning,
    InvalidArgument,
    LGWidgetsError,
    MalformedStream,
    ProtocolUnsupported,
    RunCancelled,
    RunError,
    ServerStartError,
    ServerUnreachable,
    StreamDisconnected,
    StreamStalled,
    TLSCertificateError,
    ThreadNotFound,
)
from .eventlog import EventLog
from .protocol import StreamEvent, parse_event
from .state import RunState

try:
    __version__ = version("lg_widgets")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"


def __getattr__(name: str) -> object:
    # The widget (anywidget, ipywidgets) and the server launcher load lazily, so
    # that `import lg_widgets` stays cheap for scripts that only fold events.
    if name == "StreamView":
        from .widget import StreamView

        return StreamView
    if name in ("local_server", "LocalServer"):
        from . import server

        return getattr(server, name)
    if name in ("compare_modes", "ModeComparison"):
        from . import compare

        return getattr(compare, name)
    if name == "RunRequest":
        from .client import RunRequest

        return RunRequest
    if name == "stream_run":
        from .client import stream_run

        return stream_run
    raise AttributeError(f"module 'lg_widgets' has no attribute {name!r}")


__all__ = [
    "CommandError",
    "EventLog",
    "HTTPStatusError",
    "InsecureTLSWarning",
    "InvalidArgument",
    "LGWidgetsError",
    "LocalServer",
    "ModeComparison",
    "MalformedStream",
    "ProtocolUnsupported",
    "RunCancelled",
    "RunError",
    "RunRequest",
    "RunState",
    "ServerStartError",
    "ServerUnreachable",
    "StreamDisconnected",
    "StreamEvent",
    "StreamStalled",
    "StreamView",
    "TLSCertificateError",
    "ThreadNotFound",
    "compare_modes",
    "local_server",
    "parse_event",
    "stream_run",
]
