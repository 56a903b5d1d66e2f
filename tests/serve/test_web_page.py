"""The web page in headless Chromium (Debian's `chromium`, driven by playwright): the model list, a
digit dropped or drawn on the pad and its prediction read from the page, on the server and with
onnxruntime-web in the browser; screenshots are written beside the test's temporary files.

Needs Chromium (`apt-get install chromium`, or $UNIGRAD_CHROMIUM naming the binary) and the
`playwright` Python package; the in-browser test also needs onnxruntime-web
(`npm ci --prefix unigrad/serve/web`). Each skips, saying which is missing, without them."""
import json
import math
import os
import shutil

import numpy as np
import pytest

from unigrad.serve.web import ort_dir

from .conftest import reference

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "serve")
CHROMIUM = os.environ.get("UNIGRAD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium, or "
                                                "set UNIGRAD_CHROMIUM): the web page is not tested"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed: the web "
                                                             "page is not tested")

# strokes on the 280x280 pad, drawn as a person would
STROKES = {
    "1": [[(150, 40), (140, 240)]],
    "7": [[(70, 50), (210, 50), (120, 245)]],
    "4": [[(170, 40), (70, 170), (220, 170)], [(170, 40), (170, 250)]],
    "0": [[(140 + 60 * math.sin(t * math.pi / 10), 140 - 95 * math.cos(t * math.pi / 10)) for t in range(21)]],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory, serve):
    repo = tmp_path_factory.mktemp("repo")
    shutil.copytree(os.path.join(FIXTURES, "mnist_mlp"), repo / "mnist")
    return serve(repo)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    pg = browser.new_page(viewport={"width": 1000, "height": 820})
    sent = []  # the infer requests the page made: the tensor it built
    pg.on("request", lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/infer") else None)
    pg.sent = sent
    pg.goto(f"{server.rest_url}/ui/model.html?model=mnist")
    pg.wait_for_selector("body[data-ready='1']", timeout=30000)
    yield pg
    pg.close()


def predictions(pg):
    return int(pg.evaluate("document.body.dataset.predictions || 0"))


def wait_prediction(pg, count):
    pg.wait_for_function(f"Number(document.body.dataset.predictions || 0) >= {count}", timeout=60000)
    return pg.inner_text("#prediction"), float(pg.inner_text("#confidence").rstrip("%"))


def draw(pg, lines):
    box = pg.locator("#pad").bounding_box()
    pg.click("#clear")
    for line in lines:
        before = predictions(pg)
        pg.mouse.move(box["x"] + line[0][0], box["y"] + line[0][1])
        pg.mouse.down()
        for x, y in line[1:]:
            pg.mouse.move(box["x"] + x, box["y"] + y, steps=8)
        pg.mouse.up()
        result = wait_prediction(pg, before + 1)
    return result


def graph():
    return os.path.join(FIXTURES, "mnist_mlp", "1", "model.safetensors")


def softmax(v):
    e = np.exp(v - v.max())
    return e / e.sum()


def test_the_index_lists_the_models(browser, server, tmp_path):
    pg = browser.new_page()
    pg.goto(server.rest_url + "/")
    link = pg.wait_for_selector("#models tbody tr[data-model='mnist'] a")
    assert link.get_attribute("href") == "/ui/model.html?model=mnist"
    row = pg.inner_text("#models tbody tr[data-model='mnist']")
    assert "READY" in row and "image FP32[-1, 1, 28, 28]" in row and "logits FP32[-1, 10]" in row
    pg.screenshot(path=str(tmp_path / "index.png"))
    assert (tmp_path / "index.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pg.close()


def test_dropped_digits_are_classified_on_the_server(page, tmp_path):
    for digit in range(10):
        before = predictions(page)
        page.set_input_files("#file", os.path.join(FIXTURES, "digits", f"{digit}.png"))
        label, confidence = wait_prediction(page, before + 1)
        assert label == str(digit)
        # the page shows what the model says for the tensor it sent, which is the image's own pixels
        tensor = page.sent[-1]["inputs"][0]
        x = np.array(tensor["data"], np.float32).reshape(tensor["shape"])
        from PIL import Image
        pixels = np.asarray(Image.open(os.path.join(FIXTURES, "digits", f"{digit}.png")), np.float32)
        np.testing.assert_allclose(x[0, 0], (pixels / 255 - 0.1307) / 0.3081, atol=1e-4)
        probs = softmax(reference(graph(), x)[0])
        assert int(probs.argmax()) == digit and abs(confidence - probs.max() * 100) < 0.06
    page.screenshot(path=str(tmp_path / "dropped.png"))


def test_drawn_digits_are_classified(page, tmp_path):
    for digit, lines in STROKES.items():
        label, _ = draw(page, lines)
        assert label == digit, f"drew a {digit}, the page says {label}"
        page.screenshot(path=str(tmp_path / f"drawn_{digit}.png"))
    assert page.inner_text("#error") == ""


@pytest.mark.skipif(ort_dir() is None, reason="onnxruntime-web is not installed (npm ci --prefix unigrad/serve/web): "
                                              "the in-browser run is not tested")
def test_the_onnx_export_runs_in_the_browser(page, tmp_path):
    before = predictions(page)
    page.set_input_files("#file", os.path.join(FIXTURES, "digits", "3.png"))
    server_label, server_conf = wait_prediction(page, before + 1)
    page.check("#browser")
    browser_label, browser_conf = wait_prediction(page, before + 2)
    assert page.get_attribute("#prediction", "data-where") == "browser"
    assert "onnxruntime-web" in page.inner_text("#where")
    assert browser_label == server_label == "3" and abs(browser_conf - server_conf) < 0.11
    label, _ = draw(page, STROKES["7"])
    assert label == "7" and page.get_attribute("#prediction", "data-where") == "browser"
    page.screenshot(path=str(tmp_path / "in_browser.png"))
    assert page.inner_text("#error") == ""


@pytest.mark.skipif(ort_dir() is None, reason="onnxruntime-web is not installed (npm ci --prefix unigrad/serve/web): "
                                              "the in-browser run is not tested")
def test_the_demo_model_of_serve_example_runs_on_the_page(browser, tmp_path, monkeypatch):
    """What `unigrad serve --example` serves (the folder the main job writes, no config: the
    server's MNIST preprocessing and labels) classifies on the server and in the browser."""
    from unigrad.serve.example import example_model_path, example_source
    from unigrad.serve.server import Server
    monkeypatch.setenv("UNIGRAD_MODELS", str(tmp_path / "models"))
    folder = os.path.dirname(example_model_path())
    os.makedirs(folder)
    for name in ("model.safetensors", "model.onnx"):
        shutil.copy(os.path.join(FIXTURES, "mnist_mlp", "1", name), folder)
    source = example_source()
    server = Server(sources=lambda: [source], port=0, grpc_port=None, poll_interval=0).start()
    pg = browser.new_page(viewport={"width": 1000, "height": 820})
    try:
        assert server.wait_until_loaded(60)
        pg.goto(f"{server.rest_url}/ui/model.html?model=mnist")
        pg.wait_for_selector("body[data-ready='1']", timeout=30000)
        pg.set_input_files("#file", os.path.join(FIXTURES, "digits", "8.png"))
        label, confidence = wait_prediction(pg, 1)
        assert label == "8" and pg.get_attribute("#prediction", "data-where") == "server"
        pg.check("#browser")
        in_browser, browser_conf = wait_prediction(pg, 2)
        assert in_browser == "8" and pg.get_attribute("#prediction", "data-where") == "browser"
        assert abs(browser_conf - confidence) < 0.11
        assert pg.inner_text("#error") == ""
        pg.screenshot(path=str(tmp_path / "example.png"))
    finally:
        pg.close()
        server.stop()
