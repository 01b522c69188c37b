"""What a kernel sent a page, checked by the real front end (js/tools/check-wire.mjs under node)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import tempfile

JS = pathlib.Path(__file__).resolve().parents[1] / "js"


def page_messages(comm) -> list[dict]:
    """A RecordingComm's messages as a page gets them: comm open and trait updates as
    ``{"state"}`` (private traits such as the bundle left out), custom messages as ``{"custom"}``
    (with ``"buffers"``, as text, when they carry any: the parts of big final traits)."""
    messages = []
    for message in comm.messages:
        data = message["data"] or {}
        if message["msg_type"] == "comm_open" or data.get("method") == "update":
            messages.append({"state": {k: v for k, v in data["state"].items() if not k.startswith("_")}})
        elif data.get("method") == "custom":
            custom = {"custom": data["content"]}
            if message.get("buffers"):
                custom["buffers"] = [b.decode() for b in message["buffers"]]
            messages.append(custom)
    return messages


def check_pages(cases: list[dict]) -> dict[str, dict]:
    """Replay each case into the real view; ``{name: {"samples", "violations", "final"}}``."""
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "cases.json"
        path.write_text(json.dumps(cases))
        done = subprocess.run(["node", "tools/check-wire.mjs", str(path)], cwd=JS, capture_output=True,
                              text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"check-wire.mjs failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)
