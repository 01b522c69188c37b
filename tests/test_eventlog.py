"""EventLog (``view.events``): a sequence of StreamEvents that keeps each event's JSON text."""

from __future__ import annotations

import pytest

from recordings import RECORDINGS, load_events
from lg_widgets import EventLog, StreamEvent, parse_event



@pytest.mark.parametrize("name", RECORDINGS)
def test_reads_back_every_recorded_event(name):
    events = load_events(name)
    log = EventLog(events)
    assert len(log) == len(events)
    assert list(log) == events
    assert log == events and log == EventLog(events)
    assert log[0] == events[0] and log[-1] == events[-1]
    assert log[1:4] == events[1:4]
    assert log.modes() == [e.mode for e in events]
    assert [e.namespace for e in log] == [e.namespace for e in events]
    assert [e.size for e in log] == [e.size for e in events]


def test_keeps_text_not_parsed_data():
    event = parse_event("updates|child:1", '{"node": {"messages": [1, 2]}}', "7-0", 3.5)
    log = EventLog([event])
    read = log[0]
    assert read == event and read.id == "7-0" and read.time == 3.5 and read.namespace == ("child:1",)
    read.data["node"]["messages"].append(3)  # a read is the reader's own: the log still holds what arrived
    assert log[0].data == {"node": {"messages": [1, 2]}}


def test_events_without_json_text_are_kept_as_they_are():
    made = StreamEvent("custom", "custom", (), {"progress": 1}, None, 1.0)  # e.g. from a local graph
    log = EventLog()
    log.append(made)
    log.append(parse_event("values", '{"a": 1}'))
    assert log[0] is made
    assert log.modes() == ["custom", "values"]
    assert log != [made]


def test_is_read_only_for_its_readers():
    log = EventLog([parse_event("values", "{}")])
    with pytest.raises(TypeError):
        log[0] = parse_event("values", "{}")
    assert "1 events" in repr(log)
