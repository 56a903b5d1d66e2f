// The drawing page: a digit drawn on the pad (or an image dropped on it) is turned into the
// model's input as its config's image preprocessing says, then run on the server (KServe v2
// REST) or in the browser (onnxruntime-web on the version's ONNX export).
"use strict";

const params = new URLSearchParams(location.search);
const modelName = params.get("model");
const state = { input: null, output: null, image: null, labels: null, info: null, session: null, source: "draw" };

const $ = id => document.getElementById(id);
const pad = $("pad");
const ctx = pad.getContext("2d", { willReadFrequently: true });

function clearPad() {
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, pad.width, pad.height);
  state.source = "draw";
  $("prediction").textContent = "-";
  $("confidence").textContent = "";
  $("scores").innerHTML = "";
}

async function getJSON(url, options) {
  const r = await fetch(url, options);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `${url}: HTTP ${r.status}`);
  return body;
}

// ---- drawing -------------------------------------------------------------------------------
let drawing = false, last = null;
function point(e) {
  const r = pad.getBoundingClientRect();
  return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height];
}
pad.addEventListener("pointerdown", e => {
  if (state.source !== "draw") clearPad();
  drawing = true; last = point(e); pad.setPointerCapture(e.pointerId); stroke(last);
});
pad.addEventListener("pointermove", e => { if (drawing) stroke(point(e)); });
pad.addEventListener("pointerup", () => { drawing = false; predict(); });
function stroke(p) {
  ctx.strokeStyle = "#fff"; ctx.lineWidth = 20; ctx.lineCap = "round"; ctx.lineJoin = "round";
  ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke();
  last = p;
}
$("clear").addEventListener("click", clearPad);
$("invert").addEventListener("change", () => predict());
for (const radio of document.querySelectorAll("input[name=where]")) radio.addEventListener("change", () => predict());

// ---- dropped or picked images ----------------------------------------------------------------
function loadFile(file) {
  const img = new Image();
  img.onload = () => {
    ctx.fillStyle = "#000"; ctx.fillRect(0, 0, pad.width, pad.height);
    ctx.imageSmoothingEnabled = false;  // keep a small image's pixels as they are
    const s = Math.min(pad.width / img.width, pad.height / img.height);
    const w = img.width * s, h = img.height * s;
    ctx.drawImage(img, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
    ctx.imageSmoothingEnabled = true;
    state.source = { width: img.width, height: img.height };
    const grey = greyPixels(ctx.getImageData(0, 0, pad.width, pad.height));
    $("invert").checked = mean(grey) > 127;  // a photo of ink on paper
    URL.revokeObjectURL(img.src);
    predict();
  };
  img.onerror = () => showError(`${file.name} is not an image this browser can read`);
  img.src = URL.createObjectURL(file);
}
$("file").addEventListener("change", e => { if (e.target.files[0]) loadFile(e.target.files[0]); });
const drop = $("drop");
drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", e => {
  e.preventDefault(); drop.classList.remove("over");
  if (e.dataTransfer.files[0]) loadFile(e.dataTransfer.files[0]);
});

// ---- the model's input -----------------------------------------------------------------------
function greyPixels(data) {
  const out = new Float32Array(data.width * data.height);
  for (let i = 0; i < out.length; i++) {
    const r = data.data[4 * i], g = data.data[4 * i + 1], b = data.data[4 * i + 2];
    out[i] = 0.299 * r + 0.587 * g + 0.114 * b;
  }
  return out;
}
function mean(a) { let s = 0; for (const v of a) s += v; return a.length ? s / a.length : 0; }

// A drawing becomes an MNIST-style digit: its bounding box scaled into 20x20, centred by mass
// in the frame; an image of the model's own size is taken pixel for pixel.
function frame() {
  const { channels, height, width } = state.image;
  const out = document.createElement("canvas");
  out.width = width; out.height = height;
  const octx = out.getContext("2d", { willReadFrequently: true });
  octx.fillStyle = "#000"; octx.fillRect(0, 0, width, height);
  const exact = state.source !== "draw" && state.source.width === width && state.source.height === height;
  if (exact || channels !== 1) {
    octx.imageSmoothingEnabled = !exact;
    octx.drawImage(pad, 0, 0, width, height);
    const data = octx.getImageData(0, 0, width, height);
    if ($("invert").checked) {
      for (let i = 0; i < data.data.length; i++) if (i % 4 !== 3) data.data[i] = 255 - data.data[i];
    }
    return data;
  }
  let grey = greyPixels(ctx.getImageData(0, 0, pad.width, pad.height));
  if ($("invert").checked) grey = grey.map(v => 255 - v);
  let x0 = pad.width, y0 = pad.height, x1 = -1, y1 = -1;
  for (let y = 0; y < pad.height; y++) for (let x = 0; x < pad.width; x++) {
    if (grey[y * pad.width + x] > 30) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  if (x1 < 0) return octx.getImageData(0, 0, width, height);
  const crop = document.createElement("canvas");
  crop.width = pad.width; crop.height = pad.height;
  const cctx = crop.getContext("2d");
  const img = cctx.createImageData(pad.width, pad.height);
  for (let i = 0; i < grey.length; i++) { img.data.fill(grey[i], 4 * i, 4 * i + 3); img.data[4 * i + 3] = 255; }
  cctx.putImageData(img, 0, 0);
  const box = Math.round(Math.min(width, height) * 20 / 28), bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const s = box / Math.max(bw, bh), w = bw * s, h = bh * s;
  octx.drawImage(crop, x0, y0, bw, bh, (width - w) / 2, (height - h) / 2, w, h);
  const placed = greyPixels(octx.getImageData(0, 0, width, height));
  let m = 0, cx = 0, cy = 0;  // centre of mass
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const v = placed[y * width + x]; m += v; cx += v * x; cy += v * y;
  }
  const dx = Math.round((width - 1) / 2 - cx / m), dy = Math.round((height - 1) / 2 - cy / m);
  const shifted = octx.getImageData(0, 0, width, height);
  octx.fillRect(0, 0, width, height);
  octx.putImageData(shifted, dx, dy);
  return octx.getImageData(0, 0, width, height);
}

function tensor() {
  const { channels, height, width, scale, mean: mu, std } = state.image;
  const data = frame();  // inverted already when asked
  $("seen").getContext("2d").putImageData(data, 0, 0);
  const grey = greyPixels(data);
  const values = new Float32Array(channels * height * width);  // channel-major (C, H, W)
  for (let i = 0; i < height * width; i++) {
    for (let c = 0; c < channels; c++) {
      const v = channels === 1 ? grey[i] : data.data[4 * i + c];
      values[c * height * width + i] = (v * scale - mu) / std;
    }
  }
  return layout(values);
}

// The values in the order and shape the model's input takes: (C,H,W), (H,W,C), (H,W) or flat.
function layout(chw) {
  const { channels: c, height: h, width: w } = state.image;
  const dims = state.input.shape.slice(1);
  const fits = want => want.length === dims.length && dims.every((d, i) => d < 0 || d === want[i]);
  if (fits([c, h, w]) || fits([c * h * w]) || (c === 1 && fits([h, w]))) return { data: chw, shape: [1, ...dims] };
  if (fits([h, w, c])) {
    const hwc = new Float32Array(chw.length);
    for (let k = 0; k < c; k++) for (let i = 0; i < h * w; i++) hwc[i * c + k] = chw[k * h * w + i];
    return { data: hwc, shape: [1, h, w, c] };
  }
  throw new Error(`a ${c}x${h}x${w} image does not fit input ${state.input.name} [${state.input.shape}]`);
}

// ---- running it ------------------------------------------------------------------------------
async function onServer(t) {
  const body = { inputs: [{ name: state.input.name, shape: t.shape, datatype: "FP32", data: Array.from(t.data) }],
                 outputs: [{ name: state.output.name }] };
  const reply = await getJSON(`/v2/models/${encodeURIComponent(modelName)}/infer`,
                              { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return { scores: reply.outputs[0].data, where: `on the server, version ${reply.model_version}` };
}

async function inBrowser(t) {
  if (!state.session) {
    ort.env.wasm.wasmPaths = "/ui/ort/";
    ort.env.wasm.numThreads = 1;  // threads need a cross-origin-isolated page
    state.session = await ort.InferenceSession.create(state.info.onnx, { executionProviders: ["wasm"] });
  }
  const feed = { [state.session.inputNames[0]]: new ort.Tensor("float32", t.data, t.shape) };
  const result = await state.session.run(feed);
  return { scores: Array.from(result[state.session.outputNames[0]].data),
           where: `in the browser (onnxruntime-web ${ort.env.versions ? ort.env.versions.web : ""}, wasm)` };
}

function softmaxIfLogits(v) {
  const sum = v.reduce((a, b) => a + b, 0);
  if (v.every(x => x >= 0 && x <= 1) && Math.abs(sum - 1) < 1e-3) return v;
  const m = Math.max(...v), e = v.map(x => Math.exp(x - m)), z = e.reduce((a, b) => a + b, 0);
  return e.map(x => x / z);
}

let pending = 0;
async function predict() {
  const ticket = ++pending;
  $("error").textContent = "";
  try {
    const t = tensor();
    const where = document.querySelector("input[name=where]:checked").value;
    const start = performance.now();
    const { scores, where: text } = where === "browser" ? await inBrowser(t) : await onServer(t);
    if (ticket !== pending) return;  // a newer stroke is on its way
    const ms = performance.now() - start;
    const probs = softmaxIfLogits(scores);
    const best = probs.indexOf(Math.max(...probs));
    const labels = state.labels || probs.map((_, i) => String(i));
    $("prediction").textContent = labels[best];
    $("prediction").dataset.where = where;
    $("confidence").textContent = `${(probs[best] * 100).toFixed(1)}%`;
    $("where").textContent = `${text}, ${ms.toFixed(1)} ms`;
    $("scores").innerHTML = "";
    probs.forEach((p, i) => {
      const row = $("scores").insertRow();
      row.insertCell().textContent = labels[i];
      const bar = document.createElement("span");
      bar.className = "bar"; bar.style.width = `${Math.round(p * 200)}px`;
      row.insertCell().appendChild(bar);
      row.insertCell().textContent = `${(p * 100).toFixed(1)}%`;
    });
    document.body.dataset.predictions = String(Number(document.body.dataset.predictions || 0) + 1);
  } catch (err) {
    showError(err.message);
  }
}

function showError(text) { $("error").textContent = text; }

// ---- set-up ----------------------------------------------------------------------------------
async function main() {
  if (!modelName) { showError("no model named: open this page as /ui/model.html?model=NAME"); return; }
  document.title = `unigrad serve: ${modelName}`;
  $("title").textContent = modelName;
  try {
    const [meta, config, info] = await Promise.all([
      getJSON(`/v2/models/${encodeURIComponent(modelName)}`),
      getJSON(`/v2/models/${encodeURIComponent(modelName)}/config`),
      getJSON(`/ui/api/models/${encodeURIComponent(modelName)}`)]);
    state.info = info;
    const p = config.parameters || {};
    state.input = meta.inputs.find(t => p[`image:${t.name}`]);
    if (!state.input) throw new Error(`model ${modelName} has no input declared as an image in its config`);
    state.image = JSON.parse(p[`image:${state.input.name}`].string_value);
    state.output = meta.outputs[0];
    if (p[`labels:${state.output.name}`]) state.labels = JSON.parse(p[`labels:${state.output.name}`].string_value);
    $("spec").textContent = `version ${info.version}: ${state.input.name} ${state.input.datatype}[${state.input.shape}] -> ` +
      `${state.output.name} ${state.output.datatype}[${state.output.shape}]`;
    if (info.onnx && info.ort) {
      await loadScript("/ui/ort/ort.wasm.min.js");
      $("browser").disabled = false;
      $("browser-note").textContent = `runs ${info.onnx}`;
    } else {
      $("browser-note").textContent = info.onnx ? "onnxruntime-web is not installed on this server"
                                                : "this version has no ONNX export (model.onnx) in its folder";
    }
    document.body.dataset.ready = "1";
  } catch (err) {
    showError(err.message);
  }
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src; s.onload = resolve; s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(s);
  });
}

clearPad();
main();
