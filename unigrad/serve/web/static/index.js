// The model list: KServe's repository index, each ready version's metadata, and a link to the
// drawing page for models whose config declares an image input.
"use strict";

function shapeText(t) { return `${t.datatype}[${t.shape.join(", ")}]`; }

function cell(row, content) {
  const td = row.insertCell();
  if (content instanceof Node) td.appendChild(content); else td.textContent = content;
  return td;
}

async function getJSON(url, options) {
  const r = await fetch(url, options);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || `${url}: HTTP ${r.status}`);
  return body;
}

async function main() {
  const status = document.getElementById("status");
  const tbody = document.querySelector("#models tbody");
  try {
    const index = await getJSON("/v2/repository/index", { method: "POST", body: "{}" });
    for (const entry of index) {
      const row = tbody.insertRow();
      row.dataset.model = entry.name;
      cell(row, entry.name);
      cell(row, entry.version || "-");
      const state = cell(row, entry.state + (entry.reason ? `: ${entry.reason}` : ""));
      state.className = `state-${entry.state}`;
      if (entry.state !== "READY") { cell(row, ""); cell(row, ""); cell(row, ""); continue; }
      const meta = await getJSON(`/v2/models/${encodeURIComponent(entry.name)}/versions/${entry.version}`);
      cell(row, meta.inputs.map(t => `${t.name} ${shapeText(t)}`).join(", "));
      cell(row, meta.outputs.map(t => `${t.name} ${shapeText(t)}`).join(", "));
      const config = await getJSON(`/v2/models/${encodeURIComponent(entry.name)}/versions/${entry.version}/config`);
      const isImage = Object.keys(config.parameters || {}).some(k => k.startsWith("image:"));
      if (isImage) {
        const a = document.createElement("a");
        a.href = `/ui/model.html?model=${encodeURIComponent(entry.name)}`;
        a.textContent = "draw or drop an image";
        cell(row, a);
      } else {
        cell(row, "");
      }
    }
    status.textContent = index.length ? `${index.length} model version(s)` : "the repository holds no models yet";
  } catch (err) {
    status.textContent = `cannot list the models: ${err.message}`;
    status.className = "error";
  }
}

main();
