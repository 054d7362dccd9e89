"""The browser viewer (`deepmotion-client view`) in a real headless Chromium (Debian's, driven by
playwright): against a real server on a tiny model, and from a recording with no server at all.
Skips with the reason when Chromium, playwright or the npm-installed three.js is missing.

DEEPMOTION_UPDATE_SCREENSHOT=1 copies the test's screenshot to docs/images/viewer.png (the README's).
"""
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

from deepmotion.engine.pipeline import load_cascade
from deepmotion_client.proto import motion_pb2 as pb
from deepmotion_client.recording import RecordingWriter
from servers import Running
from tiny_model import build_tiny_model

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def three():
    from deepmotion_client.errors import UsageError
    from deepmotion_client.viewer.server import find_three
    try:
        return find_three()
    except UsageError as e:
        pytest.skip(str(e))


@pytest.fixture(scope="module")
def browser():
    sync = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements/dev.txt)")
    with sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    model = build_tiny_model(tmp_path_factory.mktemp("viewer-model"))
    r = Running(lambda: load_cascade(model))
    yield r
    r.stop()


def start_viewer(address: str, three: Path):
    from deepmotion_client.viewer.server import serve_viewer
    ready, stop, box = threading.Event(), threading.Event(), {}

    def run():
        serve_viewer(address, None, "127.0.0.1", 0, three, lambda port: (box.update(port=port), ready.set()), stop)

    threading.Thread(target=run, daemon=True).start()
    assert ready.wait(30)
    return f"http://127.0.0.1:{box['port']}/", stop


def open_connected(page, url: str) -> None:
    """Opens the page and waits until it has found the DeepMotion server."""
    page.goto(url)
    page.wait_for_function("document.getElementById('server').textContent.includes('levels')", timeout=90000)


def wait_until_done(page) -> None:
    """Until the final level has arrived and the stream has closed."""
    page.wait_for_function("window.viewerState.levelsArrived.includes(3) && !window.viewerState.streaming",
                           timeout=120000)


FIGURE_BOX = """() => {
  // The figure's screen rectangle: its joints projected by the page's own camera.
  const s = window.viewerState;
  const canvas = document.querySelector('canvas');
  const r = canvas.getBoundingClientRect();
  const pts = window.viewerFigurePoints();
  const xs = pts.map(p => r.left + (p[0] + 1) / 2 * r.width), ys = pts.map(p => r.top + (1 - p[1]) / 2 * r.height);
  return {x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys), drawn: s.drawnFrames};
}"""


def figure_pixels(png: bytes, box: dict) -> int:
    """Pixels of the figure's colours (joints: warm yellow, bones: light blue) inside its box."""
    import io

    import numpy as np
    from PIL import Image
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    x0, x1 = max(0, int(box["x0"]) - 8), min(img.shape[1], int(box["x1"]) + 8)
    y0, y1 = max(0, int(box["y0"]) - 8), min(img.shape[0], int(box["y1"]) + 8)
    r, g, b = (img[y0:y1, x0:x1, k] for k in range(3))
    bone = (b > 150) & (b > r + 40)
    joint = (r > 150) & (g > 110) & (b < r - 50)
    return int((bone | joint).sum())


def test_page_streams_level_one_then_the_final_level_and_draws_the_figure(server, three, browser, tmp_path):
    url, stop = start_viewer(f"127.0.0.1:{server.port}", three)
    try:
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        open_connected(page, url)
        page.fill("[data-testid=prompt]", "a person walks forward")
        page.fill("[data-testid=duration]", "3")
        page.fill("[data-testid=seed]", "4")
        page.click("[data-testid=generate]")
        page.wait_for_function("window.viewerState.levelsArrived.includes(1)", timeout=120000)
        first = page.evaluate("window.viewerState.levelsArrived.slice()")
        wait_until_done(page)
        arrived = page.evaluate("window.viewerState.levelsArrived.slice()")
        assert first[0] == 1 and arrived == sorted(arrived) and arrived[-1] == 3, arrived
        page.wait_for_function("window.viewerState.drawnFrames > 30")
        assert page.evaluate("window.viewerState.frames") == 60
        png = page.screenshot(path=str(tmp_path / "viewer.png"))
        box = page.evaluate(FIGURE_BOX)
        assert box["x1"] - box["x0"] > 10 and box["y1"] - box["y0"] > 50, box
        assert figure_pixels(png, box) > 300, "the figure is drawn where its joints project"
        assert page.inner_text("[data-testid=badge]").startswith("level 3"), page.inner_text("[data-testid=badge]")
        # the same place on an empty page has none of the figure's colours (the check can fail)
        blank = browser.new_page(viewport={"width": 1100, "height": 700})
        blank.goto(url)
        assert figure_pixels(blank.screenshot(), box) < 20
        assert not errors, errors
        if os.environ.get("DEEPMOTION_UPDATE_SCREENSHOT"):
            (ROOT / "docs" / "images").mkdir(parents=True, exist_ok=True)
            shutil.copy(tmp_path / "viewer.png", ROOT / "docs" / "images" / "viewer.png")
    finally:
        stop.set()


def test_page_continues_from_the_frame_on_screen(server, three, browser):
    url, stop = start_viewer(f"127.0.0.1:{server.port}", three)
    try:
        page = browser.new_page()
        open_connected(page, url)
        page.fill("[data-testid=duration]", "2")
        page.click("[data-testid=generate]")
        wait_until_done(page)
        page.check("#pause")
        page.fill("[data-testid=prompt]", "a person waves")
        # Paused in the clip's first frames: it continues after the fewest frames a history may
        # have (ModelInfo), not with a history the server refuses.
        page.evaluate("window.viewerState.playhead = 2")
        page.click("[data-testid=continue]")
        wait_until_done(page)
        assert page.evaluate("window.viewerState.offset") == 8
        assert page.evaluate("window.viewerState.frames") == 8 + 40
        assert "error" not in page.inner_text("[data-testid=status]")
        page.evaluate("window.viewerState.playhead = 20.4")  # later on: from the frame on screen
        page.click("[data-testid=continue]")
        wait_until_done(page)
        assert page.evaluate("window.viewerState.offset") == 21
        assert page.evaluate("window.viewerState.frames") == 21 + 40
        assert "error" not in page.inner_text("[data-testid=status]")
    finally:
        stop.set()


def test_page_plays_a_recording_with_no_server_at_all(server, three, browser, tmp_path):
    rec = tmp_path / "walk.dmrec"
    w = RecordingWriter(rec)
    for i, r in enumerate(server.stub.Generate(pb.GenerateRequest(text="a person walks", duration_s=2.0, seed=1,
                                                                  has_seed=True))):
        w.write(0.01 * i, r)
    w.close()
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        nowhere = s.getsockname()[1]
    url, stop = start_viewer(f"127.0.0.1:{nowhere}", three)
    try:
        page = browser.new_page()
        page.goto(url)
        page.wait_for_function("document.getElementById('server').textContent.includes('no DeepMotion server')",
                               timeout=90000)
        assert page.is_disabled("[data-testid=generate]")
        page.set_input_files("[data-testid=open]", str(rec))
        page.wait_for_function("window.viewerState.levelsArrived.includes(3) && window.viewerState.drawnFrames > 10",
                               timeout=90000)
        assert page.evaluate("window.viewerState.frames") == 40
        bad = tmp_path / "broken.bvh"
        bad.write_text("HIERARCHY\nROOT Hips\n{\nOFFSET nan 0 0\n")
        page.set_input_files("[data-testid=open]", str(bad))
        page.wait_for_function("document.querySelector('[data-testid=status]').textContent.includes('error')")
        assert "broken.bvh" in page.inner_text("[data-testid=status]")
    finally:
        stop.set()


def test_page_puts_the_motion_on_a_character_and_downloads_it(server, three, browser, tmp_path):
    from rigs import apose_rotated_rig, write_skinned_gltf
    skeleton, rest = apose_rotated_rig()
    avatar = write_skinned_gltf(tmp_path / "avatar.vrm", skeleton, rest)
    url, stop = start_viewer(f"127.0.0.1:{server.port}", three)
    try:
        page = browser.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        open_connected(page, url)
        page.fill("[data-testid=duration]", "2")
        page.click("[data-testid=generate]")
        wait_until_done(page)
        page.set_input_files("[data-testid=open]", str(avatar))
        page.wait_for_function("window.viewerState.onRig !== null", timeout=90000)
        on_rig = page.evaluate("({bones: window.viewerState.onRig.bones.length, frames: window.viewerState.onRig.root.length / 3,"
                               " driven: Object.keys(window.viewerState.character.bones).length})")
        assert on_rig["frames"] == 40 and on_rig["driven"] >= 15, on_rig
        assert "bones driven" in page.inner_text("[data-testid=status]")
        with page.expect_download() as info:
            page.click("[data-testid=download-bvh]")
        path = tmp_path / "down.bvh"
        info.value.save_as(path)
        from deepmotion_client.motion.bvh import read_bvh
        bvh = read_bvh(path)
        assert bvh.num_frames == 40 and set(bvh.skeleton.names) == set(skeleton.names), "on the character's bones"
        assert not errors, errors
    finally:
        stop.set()


def test_page_plays_a_timeline_of_segments_as_one_motion(server, three, browser):
    url, stop = start_viewer(f"127.0.0.1:{server.port}", three)
    try:
        page = browser.new_page()
        open_connected(page, url)
        page.click("#timeline summary")
        for text, seconds in (("a person walks forward", "2"), ("a person waves", "1.6")):
            page.fill("[data-testid=prompt]", text)
            page.fill("[data-testid=duration]", seconds)
            page.click("[data-testid=add-segment]")
        assert page.locator("#segments li").count() == 2
        page.click("[data-testid=play-timeline]")
        wait_until_done(page)
        assert page.evaluate("window.viewerState.frames") == 40 + 32
        assert page.evaluate("window.viewerState.levelsArrived") == [1, 2, 3]
    finally:
        stop.set()
