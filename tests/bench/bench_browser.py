"""Benchmark: from a keystroke to the answer on the page, in Chromium.

Run with `python tests/bench/bench_browser.py` (or `make bench`). Prints figures; asserts
nothing.

It starts gunicorn as deployed (bench_http's server, a throwaway SQLite database), opens
the editor in Debian's Chromium (Playwright, `/usr/bin/chromium`), loads the largest IMS
policy (bench_http's, filled close to the 5,120-character quota) and then types, one key
at a time, in the form (the first statement's Sid) and in the JSON view (inside the same
Sid): a character, then Backspace, KEYS times each. A MutationObserver on the findings and
the preview (the analysis region every answer redraws) takes the time the answer lands;
the keystroke's time is taken by a keydown listener, both with the page's clock, so the
figure is what the person waits: the editor's wait before sending (editor.js), the
request, the server and the redraw. Between keystrokes the page is left idle.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_http import max_size_policy  # noqa: E402
from tests.bench.serving import (  # noqa: E402
    HOST,
    free_port,
    server_env,
    start_server,
    stop_server,
    wait_ready,
)

CHROMIUM = os.environ.get("SCPSTUDIO_CHROMIUM", "/usr/bin/chromium")
KEYS = int(os.environ.get("BENCH_KEYS", "40"))
SETTLE_MS = 600
PARTS: list[list[float]] = []  # waited, request, redraw of each keystroke

# Times the answers: the keydown listener notes when a key went down, the observer when
# the analysis region (findings, size, preview) was put in anew after it.
WATCH = """() => {
  window.__typed = 0;
  window.__answered = 0;
  document.addEventListener("keydown", () => { window.__typed = performance.now(); }, true);
  document.addEventListener("htmx:beforeRequest", () => {
    if (window.__typed && !window.__sent) window.__sent = performance.now();
  });
  document.addEventListener("htmx:afterRequest", () => {
    if (window.__sent && !window.__received) window.__received = performance.now();
  });
  const region = document.getElementById("analysis");
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      for (const node of m.addedNodes) {
        if (node.id === "analysis" || (node.closest && node.closest("#analysis"))) {
          if (window.__typed && !window.__answered) window.__answered = performance.now();
        }
      }
    }
  }).observe(region.parentNode, { childList: true, subtree: true, characterData: true });
}"""


def keystroke(page: Any, key: str) -> float:
    """Press one key in the focused field; the milliseconds until the answer is shown."""
    page.evaluate(
        "() => { window.__typed = 0; window.__answered = 0; window.__sent = 0; "
        "window.__received = 0; }"
    )
    page.keyboard.press(key)
    page.wait_for_function("() => window.__answered > 0", timeout=10_000)
    took = float(page.evaluate("() => window.__answered - window.__typed"))
    parts = page.evaluate(
        "() => [window.__sent - window.__typed, window.__received - window.__sent, "
        "window.__answered - window.__received]"
    )
    PARTS.append(parts)
    page.wait_for_timeout(SETTLE_MS)  # the page idle again before the next key
    return took


def type_in(page: Any, selector: str, caret: int | None) -> list[float]:
    field = page.locator(selector)
    field.focus()
    if caret is not None:
        page.evaluate(
            "([sel, at]) => document.querySelector(sel).setSelectionRange(at, at)",
            [selector, caret],
        )
    else:
        page.evaluate(
            "(sel) => { const f = document.querySelector(sel); "
            "f.setSelectionRange(f.value.length, f.value.length); }",
            selector,
        )
    out: list[float] = []
    for i in range(KEYS):
        out.append(keystroke(page, "Backspace" if i % 2 else "x"))
    return out


def editor_delays() -> str:
    script = (ROOT / "static" / "js" / "editor.js").read_text()
    found = re.search(r"var DELAY = (\{[^}]*\})", script)
    return found.group(1) if found else "?"


def main() -> int:
    from playwright.sync_api import sync_playwright

    policy = json.dumps(json.loads(max_size_policy()), indent=2)
    tmp = Path(tempfile.mkdtemp(prefix="scp-bench-browser-"))
    port = free_port()
    server = None
    try:
        server = start_server(
            server_env(f"sqlite:///{tmp / 'bench.sqlite3'}"),
            port,
            tmp / "gunicorn.log",
            tmp / "access.log",
        )
        wait_ready(port, server)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://{HOST}:{port}/editor/")
            page.locator("#json").fill(policy)
            statements = len(json.loads(policy)["Statement"])
            last = f"#s{statements - 1}-sid"
            page.locator(last).wait_for(timeout=20_000)  # the form holds the policy
            page.evaluate(WATCH)
            form = type_in(page, "#s0-sid", None)
            text = page.locator("#json").input_value()
            json_keys = type_in(page, "#json", text.index("DenyIms0") + len("DenyIms0"))
            browser.close()
        print(
            f"editor on gunicorn {HOST}:{port}; the editor's wait before sending: "
            f"{editor_delays()} ms; {KEYS} keys per view, largest IMS policy "
            f"({len(policy)} characters)"
        )
        halves = {"form": PARTS[:KEYS], "JSON view": PARTS[KEYS:]}
        for name, times in (("form", form), ("JSON view", json_keys)):
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
            print(
                f"keystroke to answer, {name:<9}: median {statistics.median(times):6.1f} ms, "
                f"p95 {p95:6.1f} ms, min {times[0]:6.1f} ms; target median <= 200 ms"
            )
            split = [statistics.median(p[k] for p in halves[name]) for k in range(3)]
            print(
                f"  of which (medians): waiting to send {split[0]:.1f} ms, request "
                f"{split[1]:.1f} ms, after the answer until shown {split[2]:.1f} ms"
            )
        load = os.getloadavg()
        print(
            f"load average during the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
            f"({os.cpu_count()} cores)"
        )
    finally:
        if server is not None:
            stop_server(server)
            if server.returncode not in (0, -signal.SIGTERM):
                print((tmp / "gunicorn.log").read_text()[-3000:], file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
