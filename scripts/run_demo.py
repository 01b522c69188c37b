"""`make demo`: run the quick-start notebook on the embedded server and show what it printed.

The executed copy (with widget state) goes to build/; open it in JupyterLab
(`make lab`) to see the live widget.
"""

from __future__ import annotations

import pathlib
import sys

import nbformat

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from execute_notebooks import execute  # noqa: E402


def main(source: str) -> None:
    path = pathlib.Path(source)
    out_dir = pathlib.Path("build")
    out_dir.mkdir(exist_ok=True)
    output = out_dir / path.name
    seconds = execute(path, output)
    notebook = nbformat.read(output, as_version=4)
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain")
            if text:
                print(text if isinstance(text, str) else "".join(text))
    print(f"\nRan {path} in {seconds:.1f} s; executed copy with widget state: {output}")
    print("Open it live with: make lab")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "notebooks/01_quickstart.ipynb")
