"""Every notebook really opens and runs in JupyterLab, in a real (headless) browser.

Starts ``jupyter lab`` from ``.venv`` on a free localhost port with a random token, opens each
notebook of ``notebooks/`` in headless Chromium driven by Playwright, runs all cells, waits for
the kernel to go idle, and checks that no cell shows an error, that the figures render (as many
images as the committed notebook has) and, in 07, that the explorer widget renders.  A full-page
screenshot per notebook goes to ``browser-screenshots/`` (git-ignored).  Look at them.

Not part of ``make test``: it needs Debian's ``chromium`` (Playwright drives ``/usr/bin/chromium``;
it never downloads a browser) and ``fonts-noto-cjk`` (the browser's own Chinese text; the figures
bring their font).  Run it with ``make test-browser``, i.e. ``CORPUSANALYSIS_BROWSER=1``.

Nothing in ``notebooks/`` or ``figures/`` is written: autosave is off (JupyterLab settings in a
temporary folder), figures go to ``$CORPUSANALYSIS_FIGURE_DIR`` (``build/browser-figures``), every
notebook's bytes are compared before and after, and documents are closed without saving.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SHOTS = ROOT / "browser-screenshots"
CHROMIUM = os.environ.get("CORPUSANALYSIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RUN_TIMEOUT_S = float(os.environ.get("CORPUSANALYSIS_BROWSER_TIMEOUT", "1800"))  # per notebook
DEBIAN_PACKAGES = "chromium fonts-noto-cjk"

pytestmark = pytest.mark.skipif(
    os.environ.get("CORPUSANALYSIS_BROWSER") != "1",
    reason="browser test: run `make test-browser` (needs Debian packages: " + DEBIAN_PACKAGES + ")")

# JupyterLab user settings for the test server: no autosave (the notebooks on disk stay as committed),
# all cells in the DOM (no windowing: the screenshot and the checks see every cell), no news pop-up.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                       "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _expected_images(path: Path) -> int:
    """Figures the notebook shows: outputs that are a PNG, or a matplotlib Figure (which must render as one)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code"
               for o in c.get("outputs", []) if "image/png" in o.get("data", {})
               or "".join(o.get("data", {}).get("text/plain", "")).startswith("<Figure size"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab on notebooks/: (base url, token)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install the Debian packages `apt-get install -y {DEBIAN_PACKAGES}`.")
    home = tmp_path_factory.mktemp("lab")
    settings = home / "settings"
    for rel, value in LAB_SETTINGS.items():
        (settings / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings / rel).write_text(json.dumps(value), encoding="utf-8")
    figures = ROOT / "build" / "browser-figures"
    shutil.rmtree(figures, ignore_errors=True)
    figures.mkdir(parents=True)
    port, token = _free_port(), os.urandom(16).hex()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(home / "ws"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_PLATFORM_DIRS": "1", "PYTHONHASHSEED": "0",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", "CORPUSANALYSIS_FIGURE_DIR": str(figures)}
    venv_bin = Path(sys.executable).parent
    jupyter = venv_bin / "jupyter" if (venv_bin / "jupyter").exists() else ROOT / ".venv" / "bin" / "jupyter"
    log = open(home / "lab.log", "wb")  # noqa: SIM115 - stays open for the server's lifetime, closed in the fixture
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={ROOT / 'notebooks'}", "--LabApp.expose_app_in_browser=True",
         "--MappingKernelManager.default_kernel_name=corpusanalysis",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("jupyter lab did not start:\n" + (home / "lab.log").read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(lab, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        try:
            yield b
        finally:
            b.close()


# The notebook's panel, found by its path (the shell may restore other documents).
_FIND = """const find = (path) => {
  try {
    for (const w of window.jupyterapp.shell.widgets('main')) {
      if (w.context && w.context.path === path && w.content && w.content.widgets) return w;
    }
  } catch (e) { /* the app is still starting */ }
  return null;
};"""

_WAIT_READY = "async (path) => {" + _FIND + """
  const app = window.jupyterapp;
  await app.restored;
  const w = find(path);
  if (!w) return 'notebook not open';
  app.shell.activateById(w.id);
  await w.context.ready;
  await w.sessionContext.ready;
  return w.sessionContext.session && w.sessionContext.session.kernel ? 'ok' : 'no kernel';
}"""

# Run All is started, not awaited: the test polls, so a hang becomes a timeout with a screenshot.
_RUN_ALL = "(path) => {" + _FIND + """
  const w = find(path);
  window.__runAll = 'running';
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    ok => { window.__runAll = ok ? 'ok' : 'failed'; }, err => { window.__runAll = 'error: ' + err; });
  return w.content.widgets.filter(c => c.model.type === 'code').length;
}"""

_STATE = "(path) => {" + _FIND + """
  const w = find(path);
  const cells = w.content.widgets.filter(c => c.model.type === 'code');
  const busy = [...w.node.querySelectorAll('.jp-InputPrompt')].filter(p => p.textContent.includes('*')).length;
  const dialog = document.querySelector('.jp-Dialog');
  return {run: window.__runAll, status: w.sessionContext.session.kernel.status, busy: busy,
          executed: cells.filter(c => c.model.executionCount !== null).length, cells: cells.length,
          dialog: dialog ? dialog.innerText.slice(0, 300) : null};
}"""

_CHECK = "(path) => {" + _FIND + """
  const panel = find(path).node;
  const errors = [];
  for (const o of panel.querySelectorAll('.jp-OutputArea-output')) {
    const mime = o.getAttribute('data-mime-type') || '';
    const text = o.textContent || '';
    if (text.includes('Traceback') || (mime === 'application/vnd.jupyter.stderr' && /Error\\b/.test(text)
        && !/Warning/.test(text))) errors.push(text.slice(0, 400));
  }
  const imgs = [...panel.querySelectorAll('.jp-OutputArea-output img')];
  const widget = panel.querySelector('.jp-OutputArea-output .ca-explorer');
  const outer = panel.querySelector('.jp-WindowedPanel-outer');
  if (outer) outer.scrollTop = 0;
  return {errors: errors,
          images: imgs.length,
          broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
          widget: widget ? {text: widget.innerText.slice(0, 2000),
                            marks: widget.querySelectorAll('mark').length,
                            combobox: widget.querySelectorAll('input[list]').length,
                            button: [...widget.querySelectorAll('button')].map(b => b.innerText.trim())}
                         : null,
          height: outer ? outer.scrollHeight : panel.scrollHeight};
}"""


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(lab, browser, notebook):
    base, token = lab
    before = _digest(notebook)
    page = browser.new_page()
    console_errors = []
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    SHOTS.mkdir(exist_ok=True)
    shot = SHOTS / f"{notebook.stem}.png"
    shot.unlink(missing_ok=True)
    name = notebook.name
    try:
        # ?reset: a clean workspace, so only this notebook opens
        page.goto(f"{base}/lab/tree/{name}?reset&token={token}", wait_until="domcontentloaded", timeout=120_000)
        page.wait_for_function("(path) => {" + _FIND + " return find(path) !== null; }", arg=name,
                               timeout=120_000)
        assert page.evaluate(_WAIT_READY, name) == "ok"
        page.evaluate(_RUN_ALL, name)
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while True:
            state = page.evaluate(_STATE, name)
            if state["run"] != "running" and state["status"] == "idle" and state["busy"] == 0:
                break
            assert state["dialog"] is None, f"{name}: a dialog is open: {state['dialog']}"
            assert time.monotonic() < deadline, f"{name}: still running after {RUN_TIMEOUT_S} s: {state}"
            time.sleep(1)
        page.wait_for_timeout(1500)  # let images decode and widgets render
        check = page.evaluate(_CHECK, name)
        page.set_viewport_size({"width": 1400, "height": min(max(1000, check["height"] + 200), 30_000)})
        page.wait_for_timeout(1000)
        page.screenshot(path=str(shot), full_page=True)

        assert state["run"] == "ok", f"{name}: Run All reported a failure: {state}"
        assert state["executed"] == state["cells"], f"{name}: not every code cell ran: {state}"
        assert check["errors"] == [], f"{name}: error output(s):\n" + "\n---\n".join(check["errors"])
        expected = _expected_images(notebook)
        assert check["images"] >= expected, (
            f"{name}: {check['images']} image(s) rendered, {expected} expected — a cell returning a matplotlib "
            "Figure made without pyplot shows only '<Figure size …>' unless the Figure has a _repr_png_")
        assert check["broken"] == 0, f"{name}: {check['broken']} image(s) did not decode"
        if notebook.stem.startswith("07"):
            w = check["widget"]
            assert w is not None, "07: the explorer widget did not render"
            assert w["combobox"] == 1 and "Export CSV" in w["button"], w
            assert w["marks"] > 0 and "新质生产力" in w["text"] and "occurrence(s)" in w["text"], w["text"][:500]
            # the widget is live: typing a term in the box updates the linked views through the kernel
            box = page.locator(".ca-explorer input[list]")
            box.fill("容错纠错")
            box.press("Enter")
            page.wait_for_function("() => document.querySelector('.ca-explorer').innerText"
                                   ".includes('容错纠错: 2 occurrence(s)')", timeout=60_000)
            assert page.locator(".ca-explorer mark").first.inner_text() == "容错纠错"
    finally:
        if not shot.exists() and not page.is_closed():
            page.screenshot(path=str(SHOTS / f"{notebook.stem}-FAILED.png"))
        page.close()  # unsaved: autosave is off, nothing is written
        # shut every kernel down so the next notebook starts on a quiet machine
        for s in json.load(urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10)):
            req = urllib.request.Request(f"{base}/api/sessions/{s['id']}?token={token}", method="DELETE")
            urllib.request.urlopen(req, timeout=30).close()
    assert _digest(notebook) == before, f"{notebook.name} was modified on disk by the browser session"
    assert not console_errors, f"{notebook.name}: JavaScript errors: {console_errors[:3]}"
