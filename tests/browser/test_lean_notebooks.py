"""The course's lean saved notebooks in JupyterLab, opened without running them.

Each notebook keeps one compressed copy of the front end (on its first view) and a stub
on every other view (lg_widgets/notebook_state.py). Opened on a fresh kernel that runs
nothing, every view must come back from the saved state alone with its saved status and
text.

With no kernel at all, JupyterLab's widget manager restores no widget, lean or not
(jupyterlab_widgets 3.0: ``restoreWidgets`` stops at "Kernel not set" before it reads
the notebook's state): a trusted notebook shows "Loading widget..." where each view
was; an untrusted one (a notebook downloaded from elsewhere, not yet trusted) shows
each view's text/html transcript, which the last test checks.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from jupyter_harness import JupyterServer, NotebookDriver
from lg_widgets.notebook_state import WIDGET_STATE
from saved_notebooks import FINISHED, NOTEBOOKS, saved_views

pytestmark = pytest.mark.browser

#: One view; several, stubbed (an interrupted run, its resumed run, a resumed view); views inside
#: VBox/GridBox with an HTML table.
CHOSEN = [nb for nb in NOTEBOOKS if nb.name[:2] in ("01", "08", "11")]


def _course_server(tmp_path_factory, name: str, trusted: bool, args: list[str] | None = None):
    jupyter = JupyterServer("lab", tmp_path_factory.mktemp(name), args=args)
    jupyter.root.mkdir(parents=True)
    for notebook in CHOSEN:
        shutil.copy(notebook, jupyter.root / notebook.name)
    if trusted:  # JupyterLab renders widget views only in trusted outputs
        jupyter.trust(*(notebook.name for notebook in CHOSEN))
    jupyter.start()
    yield jupyter
    jupyter.stop()


@pytest.fixture(scope="module")
def course_lab(tmp_path_factory):
    """JupyterLab serving trusted copies of the saved course notebooks."""
    yield from _course_server(tmp_path_factory, "course-lab", trusted=True)


@pytest.fixture(scope="module")
def kernelless_lab(tmp_path_factory):
    """Untrusted copies, on a server that can start no kernel at all (no kernelspec is allowed)."""
    yield from _course_server(tmp_path_factory, "kernelless-lab", trusted=False,
                              args=["--KernelSpecManager.allowed_kernelspecs=lgw-no-kernel-at-all"])


#: Bytes a saved lesson may take. Each notebook carries one packed copy of the front end (about 70 kB
#: of widget state, a fixed cost per notebook), so a budget on the whole course would shrink every
#: lesson's share each time a lesson is added (the course neared 1.5 MB at 14 lessons while no
#: notebook grew). The budget is per notebook instead: the front end once, plus room for a lesson's
#: outputs and its views' final traits (the largest lesson takes about 130 kB). A notebook that
#: saved the front end on every view, not once, goes over it.
PER_NOTEBOOK = 150_000


def test_the_course_notebooks_are_lean():
    for notebook in NOTEBOOKS:
        state = notebook.read_text(encoding="utf-8")
        assert state.count("DecompressionStream") <= 1, notebook.name  # one packed front end at most
        size = notebook.stat().st_size
        assert size <= PER_NOTEBOOK, f"{notebook.name} holds {size} bytes"


@pytest.mark.parametrize("notebook", CHOSEN, ids=[nb.stem for nb in CHOSEN])
def test_saved_views_come_back_on_a_fresh_kernel_that_runs_nothing(course_lab, page, notebook):
    saved = saved_views(notebook)
    nb = NotebookDriver(page, course_lab, notebook.name).open()
    roots = nb.panel.locator(".lgw-root")
    expect(roots).to_have_count(len(saved))
    for index in range(len(saved)):
        expect(roots.nth(index)).to_have_attribute("data-status", saved[index][0])
        expect(roots.nth(index).locator(".lgw-text")).to_have_text(saved[index][1])
    assert all(status in FINISHED for status, _ in saved)
    # Nothing ran: the views come from the notebook's state alone.
    assert nb.exec_cell("print('StreamView' in globals())") == "False\n"
    course_lab.shutdown_kernels()


def test_with_no_kernel_an_untrusted_notebook_shows_each_views_transcript(kernelless_lab, page):
    notebook = CHOSEN[0]
    page.goto(kernelless_lab.notebook_url(notebook.name))
    # JupyterLab asks which kernel to use; "No Kernel" is the only choice here.
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("No Kernel")
    dialog.locator(".jp-mod-accept").click()
    expect(page.locator(".jp-Notebook .jp-OutputArea-output").first).to_be_visible()
    status, text = saved_views(notebook)[0]
    transcript = page.locator(".jp-OutputArea-output", has_text=f"status='{status}'")
    expect(transcript.first).to_contain_text(text[:60])
    assert page.locator(".lgw-root").count() == 0
    assert WIDGET_STATE in notebook.read_text(encoding="utf-8")
