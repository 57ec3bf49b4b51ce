"""When a page of ours is done answering, as the tests wait for it."""

from __future__ import annotations

from playwright.sync_api import Page

# The editor's form says data-waiting while a request's timer runs or it is queued, the
# parts an answer will redraw say aria-busy, and htmx marks a request on its way and a
# swap not yet settled.
BUSY = "form[data-waiting], [aria-busy=true], .htmx-settling, .htmx-request"


def wait_idle(page: Page) -> None:
    """No request waiting, none on its way, and every swap settled."""
    page.wait_for_function(f"() => !document.querySelector({BUSY!r})")


def slow_network(page: Page, latency_ms: int = 500) -> None:
    """Every request takes this long to answer: what a person does meanwhile is tested."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1},
    )
