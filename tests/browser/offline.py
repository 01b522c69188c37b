"""Open saved pages the way a reader without a network does: every non-file request refused."""

from __future__ import annotations


def refuse_network(page) -> list[str]:
    """Abort every request of ``page`` that isn't ``file://``; returns the list of every URL asked for."""
    requested: list[str] = []

    def handle(route) -> None:
        url = route.request.url
        requested.append(url)
        if url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", handle)
    return requested


def wait_views_mounted(page, count: int | None = None) -> int:
    """Wait until saved-page.js has rendered the page's views; returns how many it rendered."""
    page.wait_for_function("() => document.documentElement.hasAttribute('data-lgw-views')", polling=50)
    mounted = int(page.evaluate("() => document.documentElement.getAttribute('data-lgw-views')"))
    if count is not None:
        assert mounted == count
    return mounted
