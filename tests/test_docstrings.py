"""The API reference reads well: every public callable documents each of its parameters.

``make docs`` renders the docstrings with pdoc (Google style: ``Args:``, ``Returns:``,
``Raises:``, ``Example:``); the browser test of the site checks the page shows every method of
StreamView with its signature. This checks what the signature can't say: that each parameter
is explained in the docstring's ``Args:`` section, and the main entry points carry an example.
"""

from __future__ import annotations

import inspect
import re

import pytest

import lg_widgets
from lg_widgets import RunState, StreamView, compare_modes, local_server
from lg_widgets.client import LangGraphClient, stream_run
from lg_widgets.debugger import Debugger
from lg_widgets.readout import ReadOut
from lg_widgets.teaching import Wire


def _public_methods(cls: type, *mixins: type) -> list[tuple[str, object]]:
    """The class's public methods, its ``mixins``' included (under the class's name)."""
    members, seen = [], set()
    for name, member in ((n, m) for c in (cls, *mixins) for n, m in vars(c).items()):
        if (name.startswith("_") and name != "__init__") or name in seen:
            continue
        seen.add(name)
        function = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
        if inspect.isfunction(function):
            members.append((f"{cls.__name__}.{name}", function))
    return members


DOCUMENTED = [*_public_methods(StreamView, Debugger, ReadOut), *_public_methods(LangGraphClient), *_public_methods(Wire),
              ("RunState.text_for", RunState.text_for), ("RunState.apply_all", RunState.apply_all),
              ("compare_modes", compare_modes), ("local_server", local_server), ("stream_run", stream_run)]


def _documented_parameters(doc: str) -> set[str]:
    """The names listed under ``Args:`` (one indented ``name: text`` line each)."""
    section = re.search(r"^Args:\n((?:    .*\n?|\n)+)", doc, re.M)
    return set(re.findall(r"^    \**(\w+):", section.group(1), re.M)) if section else set()


@pytest.mark.parametrize("name, function", DOCUMENTED, ids=[name for name, _ in DOCUMENTED])
def test_every_parameter_of_a_public_callable_is_documented(name, function):
    doc = inspect.getdoc(function) or ""
    assert doc, f"{name} has no docstring"
    parameters = [p for p in inspect.signature(function).parameters if p not in ("self", "cls")]
    if name == "LangGraphClient.__init__" or name.endswith("send_state"):
        return  # the class docstring holds the constructor's Args (pdoc shows it on the class)
    missing = set(parameters) - _documented_parameters(doc)
    assert not missing, f"{name}: no Args entry for {sorted(missing)}"


def test_the_constructor_of_langgraphclient_is_documented_on_the_class():
    doc = inspect.getdoc(LangGraphClient) or ""
    init = [p for p in inspect.signature(LangGraphClient.__init__).parameters if p != "self"]
    assert set(init) <= _documented_parameters(doc)


@pytest.mark.parametrize("entry", [StreamView, StreamView.__init__, StreamView.run, StreamView.start,
                                   StreamView.resume, StreamView.fork, LangGraphClient, RunState, Wire,
                                   compare_modes, local_server, lg_widgets.LGWidgetsError])
def test_the_main_entry_points_carry_an_example(entry):
    assert "Example:\n" in (inspect.getdoc(entry) or ""), entry


@pytest.mark.parametrize("error", [getattr(lg_widgets, name) for name in lg_widgets.__all__
                                   if isinstance(getattr(lg_widgets, name), type)
                                   and issubclass(getattr(lg_widgets, name), (lg_widgets.LGWidgetsError, Warning))])
def test_every_error_says_what_it_means(error):
    assert (error.__doc__ or "").strip(), error
