"""Re-execute notebooks top to bottom and save them with their outputs and widget state.

    python scripts/execute_notebooks.py notebooks            # every notebook, in place
    python scripts/execute_notebooks.py notebooks/03_x.ipynb # one

The saved outputs are what strict nbval compares against, so run this after
changing a demo graph or the widget's text representation. The widget state is saved
lean (lg_widgets/notebook_state.py): only the models the outputs show, and one
compressed copy of the front end per notebook.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
import time

import nbformat
from nbclient import NotebookClient

from lg_widgets.notebook_state import make_lean

# The embedded server's address (a free port each run): the server writes it into checkpoint
# metadata (langgraph_api_url), which the saved widget state would otherwise keep.
LOCAL_SERVER = re.compile(r"https?://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?")


def without_server_address(notebook: nbformat.NotebookNode) -> None:
    widgets = notebook.metadata.get("widgets")
    if widgets:
        notebook.metadata["widgets"] = nbformat.from_dict(json.loads(LOCAL_SERVER.sub("<server>", json.dumps(widgets))))


def execute(path: pathlib.Path, output: pathlib.Path | None = None) -> float:
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,
    )
    client.execute()
    make_lean(notebook)
    without_server_address(notebook)
    nbformat.write(notebook, output or path)
    return time.perf_counter() - started


def main(targets: list[str]) -> None:
    paths: list[pathlib.Path] = []
    for target in targets or ["notebooks"]:
        target_path = pathlib.Path(target)
        paths.extend(sorted(target_path.glob("*.ipynb")) if target_path.is_dir() else [target_path])
    for path in paths:
        seconds = execute(path)
        print(f"{path}: executed and saved in {seconds:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
