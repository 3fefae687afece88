// The playground page: sends the buttons and settings to the server's JSON API and draws the state it answers.
// Plain browser JavaScript, no build step; the server does all the training.
"use strict";

const POLL_MS = 200;
const CLASS0 = [33, 118, 199];   // blue
const CLASS1 = [245, 147, 34];   // orange
const form = document.getElementById("settings");
const errorLine = document.getElementById("error");
let polling = null;

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : {"Content-Type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error((await response.text()).trim() || response.status + " " + response.statusText);
  }
  return response.json();
}

async function command(method, path, body) {
  try {
    show(await api(method, path, body));
    errorLine.textContent = "";
  } catch (e) {
    errorLine.textContent = e.message;
  }
}

function settings() {
  const f = form.elements;
  return {
    dataset: f.dataset.value,
    noise: Number(f.noise.value),
    samples: Number(f.samples.value),
    testFraction: Number(f.testFraction.value),
    seed: Number(f.seed.value),
    hidden: f.hidden.value.split(/[\s,]+/).filter(s => s !== "").map(Number),
    activation: f.activation.value,
    dropout: Number(f.dropout.value),
    learningRate: Number(f.learningRate.value),
    optimizer: f.optimizer.value,
    l2: Number(f.l2.value),
    batchSize: Number(f.batchSize.value),
  };
}

function fill(config) {
  const f = form.elements;
  for (const [key, value] of Object.entries(config)) {
    // The field being edited keeps what is typed: it is sent when it changes.
    if (!f[key] || f[key] === document.activeElement) continue;
    if (key === "hidden") {
      f.hidden.value = value.join(", ");
    } else if (f[key].tagName === "SELECT" && ![...f[key].options].some(o => o.value === String(value))) {
      f[key].add(new Option(String(value), String(value), true, true));
    } else {
      f[key].value = String(value);
    }
  }
  document.getElementById("noise-value").textContent = f.noise.value;
}

function show(state) {
  fill(state.config);
  document.getElementById("epoch").textContent = state.epoch;
  document.getElementById("steps").textContent = state.steps;
  const accuracy = document.getElementById("test-accuracy");
  accuracy.textContent = percent(state.testAccuracy);
  accuracy.dataset.value = state.testAccuracy;
  document.getElementById("train-accuracy").textContent = percent(state.trainAccuracy);
  document.getElementById("test-loss").textContent = number(state.testLoss);
  document.getElementById("train-loss").textContent = number(state.trainLoss);
  if (state.message) errorLine.textContent = state.message;
  drawBoundary(state);
  drawLosses(state.history);
  // What the boundary shows, for anyone (or any test) waiting for a picture: "circle@12".
  document.getElementById("boundary").dataset.drawn = state.config.dataset + "@" + state.epoch;
  if (state.running && polling === null) {
    polling = setInterval(poll, POLL_MS);
  } else if (!state.running && polling !== null) {
    clearInterval(polling);
    polling = null;
  }
}

async function poll() {
  try {
    show(await api("GET", "/api/state"));
  } catch (e) {
    errorLine.textContent = "lost the server: " + e.message;
  }
}

function percent(x) {
  return x === null ? "–" : (100 * x).toFixed(1) + " %";
}

function number(x) {
  return x === null ? "–" : x.toFixed(4);
}

function mix(p) {
  // White at p = 0.5, the class colour towards 0 and 1.
  const c = p < 0.5 ? CLASS0 : CLASS1;
  const t = Math.min(1, Math.abs(p - 0.5) * 2) * 0.75;
  return c.map(v => Math.round(255 + (v - 255) * t));
}

function drawBoundary(state) {
  const canvas = document.getElementById("boundary");
  const ctx = canvas.getContext("2d");
  const n = state.boundary.size;
  const grid = document.createElement("canvas");
  grid.width = n;
  grid.height = n;
  const image = grid.getContext("2d").createImageData(n, n);
  state.boundary.probabilities.forEach((p, i) => {
    const [r, g, b] = mix(p === null ? 0.5 : p);
    image.data.set([r, g, b, 255], 4 * i);
  });
  grid.getContext("2d").putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(grid, 0, 0, canvas.width, canvas.height);
  const e = state.boundary.extent;
  const toX = x => (x + e) / (2 * e) * canvas.width;
  const toY = y => (e - y) / (2 * e) * canvas.height;
  const dots = (set, ring) => {
    for (let i = 0; i < set.labels.length; i++) {
      ctx.beginPath();
      ctx.arc(toX(set.xy[2 * i]), toY(set.xy[2 * i + 1]), 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = "rgb(" + (set.labels[i] === 1 ? CLASS1 : CLASS0).join(",") + ")";
      ctx.fill();
      ctx.lineWidth = ring ? 1.5 : 1;
      ctx.strokeStyle = ring ? "#000" : "#fff";
      ctx.stroke();
    }
  };
  dots(state.train, false);
  dots(state.test, true);
}

function drawLosses(history) {
  const canvas = document.getElementById("losses");
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const values = history.trainLoss.concat(history.testLoss).filter(v => v !== null);
  const epochs = history.epochs;
  if (values.length === 0 || epochs.length < 2) return;
  const top = Math.max(...values) * 1.05 || 1;
  const last = epochs[epochs.length - 1] || 1;
  const pad = 4;
  const line = (series, colour) => {
    ctx.beginPath();
    series.forEach((v, i) => {
      const x = pad + epochs[i] / last * (canvas.width - 2 * pad);
      const y = canvas.height - pad - (v === null ? top : v) / top * (canvas.height - 2 * pad);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.stroke();
  };
  line(history.testLoss, "#9e9e9e");
  line(history.trainLoss, "#263238");
}

document.getElementById("start").addEventListener("click", () => command("POST", "/api/start"));
document.getElementById("pause").addEventListener("click", () => command("POST", "/api/pause"));
document.getElementById("step").addEventListener("click", () => command("POST", "/api/step"));
document.getElementById("reset").addEventListener("click", () => command("POST", "/api/reset", settings()));
// Any changed setting starts over with it, as a picture of another config would mislead.
form.addEventListener("change", () => command("POST", "/api/reset", settings()));
form.elements.noise.addEventListener("input", () => {
  document.getElementById("noise-value").textContent = form.elements.noise.value;
});
form.addEventListener("submit", event => event.preventDefault());
command("GET", "/api/state");
