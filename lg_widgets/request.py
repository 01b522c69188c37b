"""Checks every run request makes, whatever its protocol: raised before anything is sent."""

from __future__ import annotations

import json
from typing import Any

from .errors import InvalidArgument


def check_run_arguments(assistant_id: Any, input: Any, thread_id: Any, *, assistant_optional: bool = False,
                        **dicts: Any) -> None:
    """``assistant_id`` a non-empty string (may be empty with ``assistant_optional``: an attachment
    learns it), ``input`` JSON-serialisable, ``thread_id`` None / ``"new"`` / an id, each of ``dicts``
    (``config=``, ``metadata=``, ...) a dict or None."""
    if not isinstance(assistant_id, str) or not (assistant_id.strip() or assistant_optional):
        raise InvalidArgument(
            f"assistant_id must be a non-empty string (a graph id from langgraph.json or an "
            f"assistant's id), got {assistant_id!r}."
        )
    check_thread_id(thread_id)
    for name, value in dicts.items():
        if value is not None and not isinstance(value, dict):
            raise InvalidArgument(f"{name} must be a dict or None, got {type(value).__name__}: "
                                  f"pass e.g. {name}={{...}} with JSON-compatible values.")
    try:
        json.dumps(input)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(
            f"input must be JSON-serialisable (dicts, lists, strings, numbers): {exc}. "
            "Convert objects such as messages to dicts first."
        ) from None


def check_thread_id(thread_id: Any) -> None:
    """None (a stateless run), ``"new"`` (make a thread) or an existing thread's id."""
    if thread_id is not None and (not isinstance(thread_id, str) or not thread_id.strip()):
        raise InvalidArgument(f"thread_id must be None (a stateless run), 'new' (create a thread) or the id of an "
                              f"existing thread (a string), got {thread_id!r}.")
