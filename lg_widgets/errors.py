"""One exception hierarchy for everything lg_widgets raises.

Each message says what went wrong and what to do about it. No message ever
contains an API key or a secret header's value: the client builds them from
URLs, statuses and the server's own ``detail`` (with every secret it sent
redacted), never from request headers.
"""

from __future__ import annotations

from typing import Any


class LGWidgetsError(Exception):
    """Base class of every lg_widgets error: `except lg_widgets.LGWidgetsError` catches them all.

    Each message says what went wrong and what to do; none contains a key or a secret header.

    Attributes:
        kind: a short machine-readable kind (`"argument"`, `"connection"`, `"http"`, `"run"`,
            `"stream"`, `"cancelled"`, ...), the `kind` of the view's `error` trait.

    Example:
        ```python
        try:
            view.run()
        except lg_widgets.RunError as error:     # a node raised
            print(error.error_type, view.error)  # the view keeps the output before it
        ```
    """

    #: Short machine-readable kind, used in the widget's ``error`` trait.
    kind = "error"

    def to_dict(self) -> dict[str, Any]:
        """The error as the view's `error` trait holds it.

        Returns:
            `{"type": <class name>, "message": str(self), "kind": self.kind}`.
        """
        return {"type": type(self).__name__, "message": str(self), "kind": self.kind}


class InvalidArgument(LGWidgetsError, ValueError):
    """A call got an argument it cannot use (raised before anything is sent)."""

    kind = "argument"


class ServerStartError(LGWidgetsError):
    """The embedded ``langgraph dev`` server did not start."""

    kind = "server"


class ServerUnreachable(LGWidgetsError):
    """No connection to the LangGraph API server could be made."""

    kind = "connection"


class StreamDisconnected(ServerUnreachable):
    """The connection dropped mid-run and could not be resumed."""


class TLSCertificateError(ServerUnreachable):
    """The server's TLS certificate could not be verified (``verify=`` says what to trust)."""


class InsecureTLSWarning(UserWarning):
    """``verify=False``: the server's certificate is not checked (warned once per process)."""


class StreamStalled(LGWidgetsError):
    """The server sent nothing for longer than the read timeout."""

    kind = "stream"


class HTTPStatusError(LGWidgetsError):
    """The server answered with a 4xx/5xx status instead of a stream.

    A 401/403 names `api_key=` and `headers=`; under custom auth, another user's thread answers 404.

    Attributes:
        status_code: the HTTP status.
        detail: the server's `detail` (its JSON answer's), or None.
    """

    kind = "http"

    def __init__(self, message: str, *, status_code: int, detail: Any = None):
        super().__init__(message)
        self.status_code = status_code
        self.detail = detail


class MalformedStream(LGWidgetsError):
    """The server's answer is not a well-formed LangGraph event stream."""

    kind = "stream"


class RunError(LGWidgetsError):
    """The run itself failed: a node raised, and the server sent an `error` event.

    Attributes:
        error_type: the graph's own exception class name (e.g. `"ValueError"`).
        error_message: its message.
    """

    kind = "run"

    def __init__(self, error_type: str, message: str):
        super().__init__(f"{error_type}: {message}" if message else error_type)
        self.error_type = error_type
        self.error_message = message

    def to_dict(self) -> dict[str, Any]:
        """The error as the view's `error` trait holds it: the graph's exception type, not `RunError`.

        Returns:
            `{"type": error_type, "message": error_message, "kind": "run"}`.
        """
        return {"type": self.error_type, "message": self.error_message, "kind": self.kind}


class RunCancelled(LGWidgetsError):
    """The run was cancelled by the user."""

    kind = "cancelled"


class ThreadNotFound(HTTPStatusError):
    """The server doesn't know the thread (``GET /threads/{id}`` answered 404)."""


class ProtocolUnsupported(LGWidgetsError):
    """The server doesn't speak the thread-centric streaming protocol (an older
    langgraph-api, or one that switched it off): use the runs stream instead."""

    kind = "protocol"


class CommandError(LGWidgetsError):
    """The server refused or failed a thread-protocol command (its error envelope).

    Attributes:
        code: the protocol's error code (`unknown_command`, `no_such_run`, `no_such_interrupt`,
            `invalid_argument`, `unknown_error`, ...).
        method: the command (`run.start`, `input.respond`, ...), None for an error the stream itself reported.
        server_message: the server's own message.
    """

    kind = "command"

    def __init__(self, message: str, *, code: str, method: str | None = None, server_message: str = ""):
        super().__init__(message)
        self.code = code
        self.method = method
        self.server_message = server_message
