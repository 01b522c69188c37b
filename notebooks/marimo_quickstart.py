import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo

    from lg_widgets import StreamView
    return StreamView, mo


@app.cell
def _(mo):
    mo.md(
        """
        # lg_widgets in marimo

        `StreamView` is an anywidget: marimo shows it as a cell's output, with no wrapper.
        With no `url` (and no `$LANGGRAPH_API_URL`) it starts the embedded LangGraph server
        with the demo graphs, so this notebook needs no key and no network.

        `start()` returns at once and the run streams on lg_widgets' own background loop:
        the view fills in while the cell has already finished. (`run()` would block the cell,
        and marimo shows a cell's output when the cell ends: you would see only the result.)
        """
    )
    return


@app.cell
def _(StreamView):
    joke = StreamView("joke", {"topic": "marimo"}).start()
    joke
    return (joke,)


@app.cell
def _(mo):
    mo.md(
        """
        A longer run: 4,000 tokens from the `long` demo graph, to watch the text grow.
        """
    )
    return


@app.cell
def _(StreamView):
    long_run = StreamView("long", {"tokens": 4000}).start()
    long_run
    return (long_run,)


if __name__ == "__main__":
    app.run()
