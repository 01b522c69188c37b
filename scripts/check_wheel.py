"""`make wheel-check`: the wheel stands alone.

1. Copies the tracked files (as they are in the working tree, via `git stash create`)
   into a temporary folder: no node_modules, no built lg_widgets/static.
2. Makes a fresh venv and builds the wheel there with its `pip wheel` (the hatch-jupyter-builder
   hook runs npm): nothing of the project's own venv is used, so `make test` runs this check
   while that venv is still being installed.
3. Checks what it carries: the bundled front end (widget.js, widget.css, and the helpers
   of saved notebooks and pages), the demo graphs' langgraph.json and every module it names.
4. Installs it with its `[server]` extra into the fresh venv (pip's cache makes this cheap)
   and, from a folder outside the repo with no PYTHONPATH, runs the joke demo graph on the
   embedded server to status "done" with text, and writes it with `view.to_html`.

Prints the time of each stage. Exit status 0 only when everything holds.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import posixpath
import subprocess
import sys
import tempfile
import time
import zipfile

REPO = pathlib.Path(__file__).resolve().parents[1]
#: The built front end and the smallest plausible size of each file: an empty or truncated
#: bundle fails here rather than in a browser.
FRONT_END = {
    "lg_widgets/static/widget.js": 20_000,
    "lg_widgets/static/widget.css": 1_000,
    "lg_widgets/static/packed-bundle.js": 10_000,  # lean saved notebooks
    "lg_widgets/static/bundle-stub.js": 100,
    "lg_widgets/static/saved-page.js": 300,    # view.to_html, make docs
}

PROBE = """
import pathlib, sys
import lg_widgets
from lg_widgets import StreamView

where = pathlib.Path(lg_widgets.__file__).resolve()
assert pathlib.Path(sys.prefix).resolve() in where.parents, f"imported from {where}, not the fresh venv"
view = StreamView("joke", {"topic": "x"}).run()
assert view.status == "done", view.status
assert view.text.strip(), "no text"
saved = view.to_html("run.html")
assert view.text in saved.read_text(encoding="utf-8")
print(f"lg_widgets {lg_widgets.__version__} from {where.parent}: {view.status}, {len(view.text)} characters, "
      f"to_html {saved.stat().st_size} bytes")
"""


class CheckFailed(Exception):
    pass


@contextlib.contextmanager
def stage(name: str):
    started = time.perf_counter()
    print(f"wheel-check: {name} ...", flush=True)
    yield
    print(f"wheel-check: {name}: {time.perf_counter() - started:.1f} s", flush=True)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise CheckFailed(f"{' '.join(command)} exited with {result.returncode}:\n"
                          f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def snapshot_of_tracked_files() -> str:
    """A commit of the tracked files as they are now: HEAD when nothing changed, else a stash commit.
    (`git stash create` has failed once, silently, on a fresh clone; a clean tree never needs it.)"""
    if subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=REPO).returncode == 0:
        return "HEAD"
    return run(["git", "stash", "create"], cwd=REPO).stdout.strip() or "HEAD"


def clean_copy(destination: pathlib.Path) -> None:
    """The tracked files as they are now (uncommitted edits included), nothing else."""
    snapshot = snapshot_of_tracked_files()
    archive = subprocess.Popen(["git", "archive", snapshot], cwd=REPO, stdout=subprocess.PIPE)
    run(["tar", "-x", "-C", str(destination)], stdin=archive.stdout)
    if archive.wait() != 0:
        raise CheckFailed("git archive failed")
    if (destination / "lg_widgets" / "static").exists():
        raise CheckFailed("the clean copy already has lg_widgets/static: the build hook would not be tested")


def fresh_venv(path: pathlib.Path) -> pathlib.Path:
    run([sys.executable, "-m", "venv", str(path)])
    return path / "bin" / "python"


def build_wheel(python: pathlib.Path, source: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
    run([str(python), "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
         "-w", str(out), str(source)])
    wheels = list(out.glob("lg_widgets-*.whl"))
    if len(wheels) != 1:
        raise CheckFailed(f"expected one wheel, found {wheels}")
    return wheels[0]


def check_contents(wheel: pathlib.Path) -> list[str]:
    """Every file the wheel must carry; returns a line per checked file."""
    with zipfile.ZipFile(wheel) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        config = json.loads(archive.read("lg_widgets/demo/langgraph.json"))
    report = []
    for name, minimum in FRONT_END.items():
        if sizes.get(name, 0) < minimum:
            raise CheckFailed(f"{name}: {sizes.get(name, 'missing')} bytes (expected ≥ {minimum})")
        report.append(f"{name} {sizes[name]} bytes")
    for graph_id, spec in config["graphs"].items():
        module = posixpath.normpath(posixpath.join("lg_widgets/demo", spec.split(":")[0]))
        if module not in sizes:
            raise CheckFailed(f"demo graph {graph_id!r}: {module} is not in the wheel")
        report.append(f"{module} (graph {graph_id!r})")
    return report


def install(python: pathlib.Path, wheel: pathlib.Path) -> None:
    # --no-compile: the venv runs one demo and is thrown away; bytecode for all it holds is wasted work.
    run([str(python), "-m", "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check",
         f"{wheel}[server]"])


def probe(python: pathlib.Path, folder: pathlib.Path) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "LANGGRAPH_API_URL", "LANGGRAPH_API_KEY", "VIRTUAL_ENV")}
    return run([str(python), "-c", PROBE], cwd=folder, env=env, timeout=300).stdout.strip()


def main() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lg_widgets-wheel-") as tmp:
        work = pathlib.Path(tmp)
        if REPO in work.parents:
            raise CheckFailed("the temporary folder is inside the repo")
        source, dist, away = work / "src", work / "dist", work / "elsewhere"
        for folder in (source, dist, away):
            folder.mkdir()
        try:
            with stage("clean copy of the tracked files"):
                clean_copy(source)
            with stage("fresh venv"):
                python = fresh_venv(work / "venv")
            with stage("pip wheel (builds the front end)"):
                wheel = build_wheel(python, source, dist)
            print(f"wheel-check: {wheel.name}: {wheel.stat().st_size} bytes")
            for line in check_contents(wheel):
                print(f"wheel-check:   has {line}")
            with stage("pip install wheel[server]"):
                install(python, wheel)
            with stage("demo run from a folder outside the repo"):
                print(f"wheel-check: {probe(python, away)}")
        except CheckFailed as failure:
            print(f"wheel-check FAILED: {failure}", file=sys.stderr)
            return 1
    print(f"wheel-check: passed in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
