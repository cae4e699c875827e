"""Take the README's screenshot of the scenario explorer (docs/explorer.png) in a real
JupyterLab, headless: start JupyterLab on the notebooks, open "09_explorer.ipynb", run all
cells, click the plan's target of one component (the explorer must respond: the composite
changes), and photograph the explorer.

Not part of the package or its tests (it needs a browser). Once per machine:

    apt-get install -y chromium                     # Debian's Chromium
    python3 -m venv /tmp/pw && /tmp/pw/bin/pip install playwright

then, from the repository root:

    /tmp/pw/bin/python docs/screenshot_explorer.py            # writes docs/explorer.png

The JupyterLab it starts is the project's (``.venv/bin/jupyter``), on 127.0.0.1, with its
own settings (no news pop-up) and a temporary ``INDEXMODEL_HOME``; it is stopped at the end.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 8899
COMPONENT_TARGET = "▲ 7.62"  # the mark button of one PCI component (the plan's 2025 target)


def wait_for_server(url: str, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"JupyterLab did not answer at {url}")


def main(out: Path) -> None:
    token = secrets.token_hex(8)
    tmp = Path(tempfile.mkdtemp(prefix="explorer-shot-"))
    settings = tmp / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ, INDEXMODEL_HOME=str(tmp / "home"), JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTER_CONFIG_DIR=str(tmp / "config"))
    lab = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "jupyter"), "lab", "--no-browser", "--allow-root",
         f"--port={PORT}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"],
        cwd=ROOT / "notebooks", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_server(f"http://127.0.0.1:{PORT}/api/status?token={token}")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1500, "height": 1300})
            page.goto(f"http://127.0.0.1:{PORT}/lab/tree/09_explorer.ipynb?token={token}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=180000)
            page.keyboard.press("Control+b")  # hide the file browser
            page.click("li.lm-MenuBar-item:has-text('Run')")
            page.click("li.lm-Menu-item:has-text('Run All Cells')")
            page.wait_for_selector(".widget-slider", timeout=300000)
            page.wait_for_timeout(3000)
            page.locator(f"button:has-text('{COMPONENT_TARGET}')").first.click()
            page.wait_for_function(
                """() => [...document.querySelectorAll('.widget-html-content')]
                   .some(e => e.innerText.includes('so với năm') && !e.innerText.includes('+0.00'))""",
                timeout=60000)  # the composite moved: the explorer responds
            page.wait_for_timeout(1500)
            area = page.locator(".jp-OutputArea-output:has(.widget-slider)").first
            area.scroll_into_view_if_needed()
            area.screenshot(path=str(out))
            browser.close()
    finally:
        lab.terminate()
        lab.wait(timeout=30)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "explorer.png")
