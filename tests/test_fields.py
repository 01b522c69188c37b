"""The field table (lg_widgets/fields.py): one row per synced field, read by the fold, the
publisher, the widget and (exported as js/src/fields.json) the page."""

from __future__ import annotations

import pathlib
from typing import get_args

import anywidget
import pytest
import traitlets

from lg_widgets import StreamView
from lg_widgets.fields import CONTENT, DELTA_FIELDS, ROWS, RUN_FIELDS, Live, export_json, tagged
from lg_widgets.publisher import Publisher
from lg_widgets.sources import read_recording
from lg_widgets.state import RunState
from lg_widgets.types import STATUSES, ErrorKind, RunStatus, Status
from recordings import FIXTURES, RECORDINGS

EXPORTED = pathlib.Path(__file__).resolve().parents[1] / "js" / "src" / "fields.json"


def test_the_page_reads_the_table_the_kernel_has():
    assert EXPORTED.read_text(encoding="utf-8") == export_json(), \
        "js/src/fields.json is stale: run `make js` (scripts/export_fields.py)"


def test_every_row_says_how_its_field_travels():
    for name, trait in ROWS.items():
        tags = trait.metadata
        assert tags.get("sync") is True, name
        assert tags.get("live") in get_args(Live), name
        assert ("key" in tags) == (tags["live"] == "upsert"), f"{name}: an upserted field, and only one, has a key"
        for shape in ("preview", "to_json"):
            assert shape not in tags or callable(tags[shape]), name
    own = set(StreamView.class_traits(sync=True)) - set(anywidget.AnyWidget.class_traits(sync=True))
    assert own == set(ROWS), "every synced trait of the view is a row of the table"
    assert StreamView.class_traits()["status"].values == STATUSES and set(STATUSES) == set(get_args(RunStatus))
    assert set(get_args(Status)) - set(STATUSES) == {"disconnected"} and "kernel" in get_args(ErrorKind)


def _fold_of(name: str) -> RunState:
    recording = read_recording(FIXTURES / f"{name}.jsonl")
    return RunState(recording.stream_mode, recording.protocol).apply_all(recording.events())


@pytest.mark.parametrize("name", RECORDINGS)
def test_the_fold_holds_every_run_field_and_logs_every_upserted_one(name):
    fold = _fold_of(name)
    assert list(fold.to_dict()) == list(RUN_FIELDS)
    for field in tagged("live", "upsert"):
        log = fold.keyed_log(field)
        key = ROWS[field].metadata["key"]
        items = {item[key]: item for item in getattr(fold, field)}
        assert set(items) <= set(log.log), f"{field}: every item was logged"
        assert set(log.log) - set(items) <= set(log.removed), f"{field}: a logged item is there, or was taken away"
        assert all(log.get(k) is items[k] for k in items)


@pytest.mark.parametrize("name", RECORDINGS)
def test_deltas_carry_only_the_tables_fields_and_add_up_to_the_fold(name):
    sent: list[dict] = []
    recording = read_recording(FIXTURES / f"{name}.jsonl")
    fold = RunState(recording.stream_mode, recording.protocol)
    publisher = Publisher(lambda message, buffers=None: sent.append(message))
    publisher.new_epoch(fold)
    for event in recording.events():
        fold.apply(event)
        publisher.flush()
    removals = {ROWS[f].metadata["removed"] for f in DELTA_FIELDS if "removed" in ROWS[f].metadata}
    deltas = [m for m in sent if m["type"] == "delta"]
    assert deltas and all(set(m) - {"type", "epoch", "seq"} <= set(DELTA_FIELDS) | removals for m in deltas)
    assert "".join(m.get("text", "") for m in deltas) == fold.text
    assert sum(len(m.get("custom", [])) for m in deltas) == len(fold.custom)
    assert {"state"} | set(tagged("live", ("append", "upsert"))) == set(CONTENT)


def _finished_view(comms) -> StreamView:
    return StreamView.replay(FIXTURES / "joke_all_modes_threaded.jsonl", speed=0).run()


def test_the_kernel_sets_the_runs_fields_and_nobody_else_does(comms):
    view = _finished_view(comms)
    assert view.status == "done" and view.text and view.steps and view.thread_id
    for name in RUN_FIELDS:
        if name == "thread_id":  # Python code may point a view at a thread (then history(), fork())
            continue
        with pytest.raises(traitlets.TraitError, match="read-only"):
            setattr(view, name, ROWS[name].default())
    view.thread_id = "another"
    assert view.thread_id == "another"


def test_a_page_cannot_write_a_field(comms):
    view = _finished_view(comms)
    comm = comms.instances[-1]
    before = {name: getattr(view, name) for name in ROWS}
    forged = {"text": "forged", "status": "error", "thread_id": "t", "note": "forged", "graph": {"nodes": []},
              "assistant_id": "other", "tabbable": True}
    comm.handle_msg({"content": {"data": {"method": "update", "state": forged}}, "buffers": []})
    assert {name: getattr(view, name) for name in ROWS} == before
    assert view.tabbable is True, "ipywidgets' own traits still take the page's updates"
