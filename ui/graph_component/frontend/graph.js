// The explorer's graph: a Streamlit custom component (v1 protocol, plain JS).
//
// Python sends the nodes, edges and vis options of the current View on every
// rerun ("streamlit:render"); this script keeps one vis-network instance for
// the life of the iframe and applies each new View as a diff, so positions,
// zoom and expansions survive reruns. Clicks, double-clicks and holds go back
// to Python as component values, each with a unique nonce.
//
// Page text is only ever drawn on the canvas or set as text: never as HTML.
"use strict";

const container = document.getElementById("graph");
const STORAGE_KEY = "heuristica.explorer.layout";
const HOLD_RING = 150;

let network = null; // also window.network, as in pyvis's template
let nodes = null;
let edges = null;
let applied = { revision: null, layout: null, reset: null, focus: null };
let anchorHint = null; // the node whose expansion or opening brought new nodes
let eventCount = 0;

function post(message) {
  window.parent.postMessage({ isStreamlitMessage: true, ...message }, "*");
}

function emit(kind, node) {
  eventCount += 1;
  const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}-${eventCount}`;
  post({ type: "streamlit:setComponentValue", value: { kind, node, nonce }, dataType: "json" });
}

function drawLegend(entries) {
  const legend = document.getElementById("legend");
  if (legend.childElementCount) return;
  const add = (dotClass, colour, text) => {
    const entry = document.createElement("div");
    entry.className = "entry";
    const dot = document.createElement("span");
    dot.className = dotClass;
    if (colour) dot.style.background = colour;
    const label = document.createElement("span");
    label.textContent = text;
    entry.append(dot, label);
    legend.append(entry);
  };
  for (const [label, colour] of entries) add("dot", colour, label);
  add("dot focus", null, "Current page");
}

function withoutPosition(node) {
  const { x, y, ...rest } = node;
  return rest;
}

function savedLayout() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY)) || null;
  } catch {
    return null;
  }
}

function saveLayout() {
  if (!network) return;
  try {
    sessionStorage.setItem(
      STORAGE_KEY,
      JSON.stringify({
        layout: applied.layout,
        positions: network.getPositions(),
        view: { position: network.getViewPosition(), scale: network.getScale() },
      }),
    );
  } catch {
    // storage full or disabled: the layout is simply not kept across reloads
  }
}

function markReady() {
  document.body.dataset.ready = "1";
  document.body.dataset.revision = applied.revision;
  saveLayout();
}

// Place nodes that have no position beside a neighbour that has one (the
// held or opened node first), on a spiral, so nothing already drawn moves.
function placeNear(newNodes, graphEdges, focus) {
  const placed = new Map(Object.entries(network.getPositions()));
  const neighbours = new Map();
  for (const e of graphEdges) {
    if (!neighbours.has(e.from)) neighbours.set(e.from, []);
    if (!neighbours.has(e.to)) neighbours.set(e.to, []);
    neighbours.get(e.from).push(e.to);
    neighbours.get(e.to).push(e.from);
  }
  const children = new Map();
  const pending = newNodes.filter((n) => n.x === undefined);
  for (let round = 0; pending.length && round < 4; round += 1) {
    for (let i = pending.length - 1; i >= 0; i -= 1) {
      const node = pending[i];
      const around = neighbours.get(node.id) || [];
      let anchor = around.includes(anchorHint) && placed.has(anchorHint) ? anchorHint : null;
      anchor = anchor || around.find((id) => placed.has(id));
      if (!anchor && round === 3) anchor = placed.has(focus) ? focus : null;
      if (!anchor && round < 3) continue;
      const centre = anchor ? placed.get(anchor) : { x: 0, y: 0 };
      const k = (children.get(anchor) || 0) + 1;
      children.set(anchor, k);
      const angle = k * 2.39996 + 0.5;
      const radius = HOLD_RING + 22 * Math.sqrt(k);
      node.x = centre.x + radius * Math.cos(angle);
      node.y = centre.y + radius * Math.sin(angle);
      placed.set(node.id, { x: node.x, y: node.y });
      pending.splice(i, 1);
    }
  }
  return newNodes;
}

function stabiliseThenFreeze() {
  delete document.body.dataset.ready;
  network.setOptions({ physics: { enabled: true } });
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
    markReady();
  });
  network.stabilize();
}

function create(graph) {
  const saved = savedLayout();
  const restorable =
    graph.layout === "physics" &&
    saved &&
    saved.layout === "physics" &&
    graph.nodes.every((n) => saved.positions[n.id]);
  const initial = restorable
    ? graph.nodes.map((n) => ({ ...n, ...saved.positions[n.id] }))
    : graph.nodes;
  nodes = new vis.DataSet(initial);
  edges = new vis.DataSet(graph.edges);
  const options = { ...graph.options, physics: { ...graph.options.physics, enabled: false } };
  network = new vis.Network(container, { nodes, edges }, options);
  window.network = network;
  bindEvents();
  remember(graph);
  if (restorable) {
    network.moveTo(saved.view);
    markReady();
  } else if (graph.layout === "physics") {
    network.setOptions({ physics: graph.options.physics });
    stabiliseThenFreeze();
  } else {
    network.fit({ animation: false });
    markReady();
  }
  select(graph.selected);
}

function update(graph) {
  const relayout = graph.layout !== applied.layout || graph.reset !== applied.reset;
  if (relayout) {
    nodes.clear();
    edges.clear();
    nodes.add(graph.layout === "physics" ? graph.nodes.map(withoutPosition) : graph.nodes);
  } else {
    const incoming = new Set(graph.nodes.map((n) => n.id));
    nodes.remove(nodes.getIds().filter((id) => !incoming.has(id)));
    const fresh = graph.nodes.filter((n) => nodes.get(n.id) === null);
    const kept = graph.nodes.filter((n) => nodes.get(n.id) !== null).map(withoutPosition);
    nodes.update(kept);
    nodes.add(placeNear(fresh, graph.edges, graph.focus));
  }
  const incomingEdges = new Set(graph.edges.map((e) => e.id));
  edges.remove(edges.getIds().filter((id) => !incomingEdges.has(id)));
  edges.update(graph.edges);
  const focusChanged = graph.focus !== applied.focus;
  remember(graph);
  if (relayout && graph.layout === "physics") {
    stabiliseThenFreeze();
    return;
  }
  if (relayout) {
    network.fit({ animation: false });
  } else if (focusChanged) {
    network.focus(graph.focus, {
      scale: network.getScale(),
      animation: { duration: 400, easingFunction: "easeInOutQuad" },
    });
  }
  markReady();
}

function remember(graph) {
  Object.assign(applied, {
    revision: graph.revision,
    layout: graph.layout,
    reset: graph.reset,
    focus: graph.focus,
  });
}

function select(id) {
  if (id && nodes.get(id) !== null) network.selectNodes([id]);
}

function bindEvents() {
  network.on("click", (params) => {
    if (params.nodes.length) emit("select", params.nodes[0]);
  });
  network.on("doubleClick", (params) => {
    if (!params.nodes.length) return;
    anchorHint = params.nodes[0];
    emit("open", params.nodes[0]);
  });
  network.on("hold", (params) => {
    if (!params.nodes.length) return;
    anchorHint = params.nodes[0];
    emit("expand", params.nodes[0]);
  });
  for (const name of ["dragEnd", "zoom", "animationFinished"]) network.on(name, saveLayout);
}

// An edge is known by its ends and relation, so updates can tell which are new.
function withEdgeIds(graph) {
  const edgeList = graph.edges.map((e) => ({ ...e, id: `${e.from}|${e.relation}|${e.to}` }));
  return { ...graph, edges: edgeList };
}

function render(args) {
  post({ type: "streamlit:setFrameHeight", height: args.height });
  drawLegend(args.legend);
  if (args.graph.nodes === null) {
    // Python sends the drawing only when it changed; ask again if this
    // iframe does not have it (it was mounted afresh).
    if (args.graph.revision !== applied.revision) askForDrawing(args.graph.revision);
    else select(args.graph.selected);
    return;
  }
  const graph = withEdgeIds(args.graph);
  if (!network) {
    create(graph);
  } else if (graph.revision !== applied.revision) {
    update(graph);
  }
  select(graph.selected);
}

let askedFor = null;

function askForDrawing(revision) {
  if (askedFor === revision) return;
  askedFor = revision;
  emit("resend", "");
}

window.addEventListener("message", (event) => {
  if (event.source !== window.parent) return;
  if (!event.data || event.data.type !== "streamlit:render") return;
  render(event.data.args);
});

post({ type: "streamlit:componentReady", apiVersion: 1 });
