"""Refresh docs/editor.png, the README's picture of the editor (`make screenshot`).

Starts the development server on a free loopback port with a throwaway
database, opens the editor in Chromium, writes a policy with a mistake in it and
photographs the findings next to the preview.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "editor.png"
POLICY = {
    "Version": "5.0",
    "Statement": [
        {
            "Sid": "DenyShareOutsideOrg",
            "Effect": "Deny",
            "Action": ["ims:images:share", "ims:images:addMember"],
            "Resource": ["*"],
            "Condition": {"StringNotMatch": {"ims:TargetOrgPaths": ["o-abc/r-def/ou-ghi/*"]}},
        },
        {
            "Sid": "NoUnencryptedCopies",
            "Effect": "Deny",
            "Action": ["ims:images:copyInRegion", "ims:images:copyCrossregion"],
            "Resource": ["*"],
            "Condition": {"Bool": {"ims:Encrypted": "false"}},
        },
    ],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp}/shot.sqlite3",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/editor/"
            for _ in range(100):
                try:
                    urllib.request.urlopen(url, timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=os.environ.get("SCPSTUDIO_CHROMIUM", "/usr/bin/chromium"),
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                page = browser.new_page(viewport={"width": 1500, "height": 1100})
                page.goto(url)
                page.get_by_label("Name").fill("image-guardrails")
                page.locator("#json").fill(json.dumps(POLICY, indent=2))
                page.locator(".inline-finding").first.wait_for()
                page.wait_for_timeout(500)
                page.evaluate("window.scrollTo(0, 0)")
                OUT.parent.mkdir(exist_ok=True)
                page.screenshot(path=str(OUT))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
