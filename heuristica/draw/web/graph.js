// Draws a draw.render drawing with vis-network: the live explorer (a
// Streamlit component, v1 protocol: drawings arrive by message, what the
// reader does goes back as component values), the explorer's download and the
// tour hand-out (the drawing sits in the JSON block with id "graph-data").
//
// Layout: when the drawing has no positions, vis-network's physics lays it
// out, then `tidy` pushes apart any two nodes whose circle-and-label boxes
// overlap, measured on the canvas, and moves nodes so that no link runs
// through another page's label and no relation written on a link sits on one
// (untangle.js); then the view fits the frame, but never so far out that a
// label would be drawn smaller than `label_pixels` (12 px): it then opens at
// that size around the focus, and F (or the "Fit all" button) shows the whole
// (where labels under 11 px are not drawn at all). Holding a node (or any
// change that keeps the focus) lays out only the new nodes: nodes on screen
// keep their place. The view re-fits after every change unless the reader
// zoomed or panned by hand since the focus last changed.
// The whole graph of a large base comes with computed positions and is
// sketched (see `sketched`): drawn in about a second for 10,000 pages.
//
// Page text is only ever drawn on the canvas or set as textContent: never HTML.
"use strict";

(function () {
  const LARGE = 1500; // above this many nodes, overlaps are not tidied
  // Above this many nodes a drawing with computed positions (the whole graph)
  // is sketched and not tidied: tidying compares every two nodes' boxes, each
  // round, and 1,000 pages' whole graph took 110-150 s of a loaded machine.
  const LARGE_COMPUTED = 500;
  const ARROW_SCALE = 0.3; // a sketched graph shows arrowheads from this zoom on
  const DOT_PIXELS = 4; // a sketched graph's nodes are drawn at least this wide
  const GAP = 10; // pixels kept free between two nodes' boxes
  const MAX_ZOOM = 1.25; // a small drawing is not blown up further than this
  const TIDY_ROUNDS = 300;
  const HOVER_DELAY_MS = 150;
  const CARD_LINKS = 6; // related pages listed on the preview card
  const CARD_MARGIN = 8; // pixels between the card and the frame's edge
  const STORAGE_KEY = "heuristica.graph.view";

  // ---------------------------------------------------------------- data

  function decode(data) {
    const n = data.nodes;
    const types = data.types;
    const lit = new Set(n.lit);
    const dimmed = new Set(n.dimmed);
    const expanded = new Set(n.expanded);
    const notes = new Map(n.note);
    const marked = new Map(n.marked || []);
    const nodes = n.id.map((id, i) => ({
      id,
      index: i,
      label: n.label[i],
      title: n.title[i],
      type: types[n.type[i]],
      domains: n.domains[i],
      summary: n.summary[i],
      x: n.x ? n.x[i] : null,
      y: n.y ? n.y[i] : null,
      highlight: marked.get(i) || (lit.has(i) ? "lit" : dimmed.has(i) ? "dimmed" : "plain"),
      expanded: expanded.has(i),
      note: notes.get(i) || "",
    }));
    const e = data.edges;
    const special = new Map(e.special.map(([i, style, label]) => [i, { style, label }]));
    const edges = e.from.map((from, i) => {
      const relation = data.relations[e.relation[i]];
      const extra = special.get(i) || { style: "link", label: "" };
      const source = nodes[from].id;
      const target = nodes[e.to[i]].id;
      return {
        id: `${source}|${relation.name}|${target}|${extra.style}`,
        from: source,
        to: target,
        relation,
        style: extra.style,
        label: extra.label,
      };
    });
    return {
      ...data,
      nodes,
      edges,
      byId: new Map(nodes.map((node) => [node.id, node])),
      edgeById: new Map(edges.map((edge) => [edge.id, edge])),
    };
  }

  // A node as vis-network takes it. Every style is set in full, so an update
  // replaces the previous one; `short`: a plain node is added with no style
  // of its own (the network's and its group's make the plain style of its
  // type, see create), which vis-network creates faster. `sketch`: without
  // its label (see sketched).
  //
  // Only a short node is in its type's group: vis-network copies a group's
  // colours over a node's own whenever an update leaves them out (pinning a
  // node for a layout did, and a dimmed page was drawn in its full colour).
  // The group "" is none.
  function visNode(node, drawing, short, sketch) {
    const v = { id: node.id, group: "" };
    if (!sketch) v.label = node.label;
    if (node.x !== null && node.y !== null) {
      v.x = node.x;
      v.y = node.y;
    }
    const focus = node.id === drawing.focus;
    if (short && !focus && node.highlight === "plain") return { ...v, group: node.type.id };
    const styles = focus ? drawing.styles.focus : drawing.styles.nodes;
    Object.assign(v, styles[node.highlight][node.type.id]);
    return v;
  }

  // How an edge is drawn: its style, "dimmed" for a link to a dimmed node.
  function edgeLook(edge, drawing) {
    if (edge.style !== "link") return edge.style;
    const dimmed = [edge.from, edge.to].some((id) => drawing.byId.get(id).highlight === "dimmed");
    return dimmed ? "dimmed" : "link";
  }

  // An edge as vis-network takes it, its style in full (`short`: a plain
  // link is added with none: the network's default edge style is a link's).
  function visEdge(edge, drawing, short) {
    const styles = drawing.styles.edges;
    const look = edgeLook(edge, drawing);
    if (short && look === "link" && !edge.label) return { id: edge.id, from: edge.from, to: edge.to };
    const v = { id: edge.id, from: edge.from, to: edge.to, label: edge.label, ...styles[edge.style] };
    if (look === "dimmed") Object.assign(v, styles.dimmed);
    return v;
  }

  // A large drawing with computed positions (the whole graph of a big base)
  // is sketched: vis-network draws its nodes (and handles the pointer on
  // them), this script draws its links, arrowheads and labels on the same
  // canvas, links as one path per look, labels only for nodes in view and
  // only once zoomed in far enough to read them (and arrowheads far enough to
  // see them). vis-network would make an object of every link and label,
  // measure every label and stroke every link on its own: seconds for a
  // base of 10,000 pages, and again at each redraw. (A sketched graph's
  // links show no tooltip and are not highlighted with a selected node.)
  function sketched(drawing) {
    return drawing.layout === "computed" && drawing.nodes.length > LARGE_COMPUTED;
  }

  // What decides how a node is drawn, to tell whether it changed.
  function nodeLook(node, drawing) {
    return `${node.highlight} ${node.id === drawing.focus} ${node.x} ${node.y} ${node.label}`;
  }

  // Two boxes of tidy(), each relative to its node's position, overlap.
  function meet(a, b) {
    return (
      Math.min(a.x + a.r, b.x + b.r) > Math.max(a.x + a.l, b.x + b.l) &&
      Math.min(a.y + a.b, b.y + b.b) > Math.max(a.y + a.t, b.y + b.t)
    );
  }

  function linksOf(drawing) {
    const links = new Map(drawing.nodes.map((node) => [node.id, []]));
    for (const edge of drawing.edges) {
      if (edge.style === "tour") continue;
      links.get(edge.from).push({ other: edge.to, reads: edge.relation.label });
      links.get(edge.to).push({ other: edge.from, reads: edge.relation.inverse });
    }
    return links;
  }

  // ---------------------------------------------------------------- explorer

  class Explorer {
    constructor(host) {
      this.host = host; // {live, emit(kind, id), href(id)}
      this.root = document.getElementById("explorer");
      this.container = document.getElementById("graph");
      this.stage = document.getElementById("stage");
      this.tooltip = document.getElementById("tooltip");
      this.card = document.getElementById("card");
      this.announcer = document.getElementById("announce");
      this.network = null;
      this.drawing = null;
      this.cursor = null; // the node the keyboard (or the last click) is on
      this.handMoved = false; // the reader zoomed or panned since the focus changed
      this.layoutRun = 0;
      this.settled = false; // a layout has been tidied and shown
      this.hoverTimer = null;
      this.waiting = null; // a drawing that came while the frame had no size yet
      this.fitButton = document.getElementById("fit");
      this.fitButton.addEventListener("click", () => this.toggleFit());
      this.bindCard();
      this.bindKeys();
      new ResizeObserver(() => this.resized()).observe(this.container);
    }

    sized() {
      return this.container.clientWidth > 0 && this.container.clientHeight > 0;
    }

    // Labels are measured by drawing them, and a frame without a size draws
    // nothing: a drawing waits until the frame has one. Later size changes
    // re-fit the view, unless the reader moved it by hand.
    resized() {
      if (!this.sized()) return;
      if (this.waiting) {
        const [data, revision] = this.waiting;
        this.waiting = null;
        this.show(data, revision);
      } else if (this.network && document.body.dataset.ready === "1") {
        if (!this.handMoved) this.fit();
        this.showFitButton();
      }
    }

    show(data, revision) {
      if (!this.sized()) {
        this.waiting = [data, revision];
        return;
      }
      const drawing = decode(data);
      const previous = this.drawing;
      this.drawing = drawing;
      this.links = linksOf(drawing);
      this.revision = revision;
      delete document.body.dataset.ready;
      document.body.dataset.drawing = revision || ""; // shown, perhaps not yet laid out
      this.drawLegend();
      this.describeKeys();
      if (!this.network) this.create(drawing);
      else this.update(previous, drawing);
      this.describe();
      if (this.cursor && !drawing.byId.has(this.cursor)) this.cursor = null;
      if (!this.card.hidden) {
        const shown = this.card.dataset.node;
        if (drawing.byId.has(shown)) this.preview(shown, false);
        else this.closeCard();
      }
    }

    create(drawing) {
      const short = drawing.layout === "computed";
      this.sketch = sketched(drawing);
      this.nodes = new vis.DataSet(drawing.nodes.map((node) => visNode(node, drawing, short, this.sketch)));
      this.edges = new vis.DataSet(this.sketch ? [] : drawing.edges.map((edge) => visEdge(edge, drawing, short)));
      // What nodes and links added in short form are drawn with: a plain
      // node's style (the same for every type but its colours) for all nodes,
      // each type's colours in its group, a link's style for all edges. A
      // group's settings override a node's own (but for font, and colour if
      // the node has one): groups hold nothing else.
      const plain = Object.values(drawing.styles.nodes.plain);
      const { color: _ownColours, font, ...shared } = plain[0];
      const { mod, ...face } = font; // a plain label has no "mod", which the network's options refuse
      const groups = {};
      for (const [type, group] of Object.entries(drawing.options.groups)) {
        groups[type] = { ...group, color: drawing.styles.nodes.plain[type].color };
      }
      const options = {
        ...drawing.options,
        groups,
        nodes: { ...drawing.options.nodes, ...shared, font: { ...drawing.options.nodes.font, ...face } },
        edges: { ...drawing.options.edges, ...drawing.styles.edges.link },
        physics: { ...drawing.options.physics, enabled: false },
      };
      this.network = new vis.Network(this.container, { nodes: this.nodes, edges: this.edges }, options);
      window.network = this.network;
      // Zoomed out on a sketched graph, the dots drawn for the nodes cover
      // vis-network's circles (each under a pixel): it draws none then, which
      // halves a redraw, and only places each circle where the pointer finds
      // it (drawing would). (vis-network 9.1.13, vendored: renderer and shape
      // internals.)
      const renderer = this.network.renderer;
      const drawNodes = renderer._drawNodes.bind(renderer);
      renderer._drawNodes = (ctx, alwaysShow, ...rest) => {
        // Measuring for tidy, every node is drawn (so measured), in view or not.
        if (this.measuring) return drawNodes(ctx, true, ...rest);
        if (!this.dotted()) return drawNodes(ctx, alwaysShow, ...rest);
        const body = this.network.body;
        for (const id of body.nodeIndices) {
          const node = body.nodes[id];
          const shape = node.shape;
          if (shape.width === undefined) shape.resize(ctx, node.selected, node.hover);
          shape.left = node.x - shape.width / 2;
          shape.top = node.y - shape.height / 2;
        }
        return { drawExternalLabels: null };
      };
      const canvas = this.container.querySelector("canvas");
      if (canvas) canvas.setAttribute("role", "img");
      this.bindNetwork();
      const saved = this.restorable(drawing);
      if (saved) {
        this.updateNodes(Object.entries(saved.positions).map(([id, p]) => ({ id, ...p })));
        this.handMoved = saved.handMoved;
        this.network.moveTo(saved.view);
        this.finish();
      } else {
        this.layout(drawing, new Set(), "all");
      }
    }

    update(previous, drawing) {
      const focusChanged = drawing.focus !== previous.focus;
      const computed = drawing.layout === "computed";
      const relayout = computed || previous.layout === "computed" || this.host.resetAsked;
      this.host.resetAsked = false;
      if (focusChanged || relayout) this.handMoved = false;
      if (computed) {
        this.putComputed(previous, drawing);
        this.layout(drawing, new Set(), "all");
        return;
      }
      if (this.sketch) {
        // vis-network's nodes have no labels and there are no links: start afresh.
        this.sketch = false;
        this.unredrawn(() => {
          this.nodes.clear();
          this.edges.clear();
        });
      }
      const positions = this.network.getPositions();
      const incoming = new Set(drawing.nodes.map((node) => node.id));
      const kept = new Set();
      const visNodes = drawing.nodes.map((node) => {
        const v = visNode(node, drawing);
        if (!computed && !relayout && positions[node.id]) {
          kept.add(node.id);
          Object.assign(v, positions[node.id]);
        }
        return v;
      });
      if (!computed) this.placeNear(visNodes, kept, drawing);
      const edgeIds = new Set(drawing.edges.map((edge) => edge.id));
      this.unredrawn(() => {
        this.nodes.remove(this.nodes.getIds().filter((id) => !incoming.has(id)));
        this.nodes.update(visNodes);
        this.edges.remove(this.edges.getIds().filter((id) => !edgeIds.has(id)));
        this.edges.update(drawing.edges.map((edge) => visEdge(edge, drawing)));
      });
      // The focus moved: everything may move to make room, the new focus stays
      // put. The focus stayed: only nodes not yet on screen move.
      // A drawing that came before the first layout finished (a fresh server
      // reruns the page at once) finds nothing settled: all of it is laid out.
      const unsettled = !this.settled;
      const pinned = unsettled
        ? new Set()
        : focusChanged && !relayout && kept.has(drawing.focus)
          ? new Set([drawing.focus])
          : kept;
      this.layout(drawing, pinned, focusChanged || unsettled ? "all" : "new");
    }

    // A drawing with computed positions (the whole graph) replaces what is
    // drawn with no layout: new nodes and links are added in short form,
    // and only those whose look changed since `previous` are updated, so
    // lighting search hits in the whole graph touches the hits, not every page.
    putComputed(previous, drawing) {
      const sketch = sketched(drawing);
      const again = previous.layout === "computed" && sketch === this.sketch;
      if (!again) {
        this.sketch = sketch;
        this.unredrawn(() => {
          this.nodes.clear();
          this.edges.clear();
        });
      }
      const nodeIds = new Set(drawing.nodes.map((node) => node.id));
      const edgeIds = new Set(drawing.edges.map((edge) => edge.id));
      const addNodes = [];
      const changedNodes = [];
      for (const node of drawing.nodes) {
        const before = previous.byId.get(node.id);
        if (!again || !before || !this.nodes.get(node.id)) addNodes.push(visNode(node, drawing, true, sketch));
        else if (nodeLook(before, previous) !== nodeLook(node, drawing)) {
          changedNodes.push(visNode(node, drawing, false, sketch));
        }
      }
      const addEdges = [];
      const changedEdges = [];
      for (const edge of sketch ? [] : drawing.edges) {
        const before = previous.edgeById.get(edge.id);
        if (!again || !before || !this.edges.get(edge.id)) addEdges.push(visEdge(edge, drawing, true));
        else if (edgeLook(before, previous) !== edgeLook(edge, drawing) || before.label !== edge.label) {
          changedEdges.push(visEdge(edge, drawing, false));
        }
      }
      this.unredrawn(() => {
        this.edges.remove(this.edges.getIds().filter((id) => !edgeIds.has(id)));
        this.nodes.remove(this.nodes.getIds().filter((id) => !nodeIds.has(id)));
        this.nodes.update(changedNodes);
        this.nodes.add(addNodes);
        this.edges.update(changedEdges);
        this.edges.add(addEdges);
      });
    }

    // New nodes start next to a neighbour already placed (the held or opened
    // node first), on a spiral, so physics has little to do.
    placeNear(visNodes, kept, drawing) {
      const placed = new Map(visNodes.filter((v) => kept.has(v.id)).map((v) => [v.id, v]));
      const children = new Map();
      const pending = visNodes.filter((v) => !kept.has(v.id));
      for (let round = 0; pending.length && round < 4; round += 1) {
        for (let i = pending.length - 1; i >= 0; i -= 1) {
          const v = pending[i];
          const around = (this.links.get(v.id) || []).map((link) => link.other);
          let anchor = around.includes(this.host.anchor) && placed.has(this.host.anchor) ? this.host.anchor : null;
          anchor = anchor || around.find((id) => placed.has(id)) || null;
          if (!anchor && round < 3) continue;
          if (!anchor && placed.has(drawing.focus)) anchor = drawing.focus;
          const centre = anchor ? placed.get(anchor) : { x: 0, y: 0 };
          const k = (children.get(anchor) || 0) + 1;
          children.set(anchor, k);
          const angle = k * 2.39996 + 0.5;
          const radius = 160 + 40 * Math.sqrt(k);
          v.x = centre.x + radius * Math.cos(angle);
          v.y = centre.y + radius * Math.sin(angle);
          placed.set(v.id, v);
          pending.splice(i, 1);
        }
      }
    }

    // Lay out, then tidy and fit. `pinned` nodes do not move; `which` is
    // "all" (physics moves every other node) or "new" (only nodes not pinned).
    layout(drawing, pinned, which) {
      const run = (this.layoutRun += 1);
      const network = this.network;
      this.pending = null;
      if (drawing.layout === "computed") {
        if (network.physics.options.enabled) this.unredrawn(() => network.setOptions({ physics: { enabled: false } }));
        this.tidyAndFinish(new Set(), run);
        return;
      }
      this.updateNodes(this.nodes.getIds().map((id) => ({ id, fixed: pinned.has(id) })));
      this.pending = { run, pinned, which };
      network.setOptions({ physics: { ...drawing.options.physics, enabled: true } });
      const newCount = drawing.nodes.length - pinned.size;
      network.stabilize(which === "new" ? Math.min(400, 60 + 20 * newCount) : 400);
    }

    // Some fields of some nodes changed. vis-network (9.1.13, Node.updateGroupOptions)
    // gives a node its group's colours again on an update that has none, which
    // would undo a dimmed or diff-marked node's own: each keeps them.
    updateNodes(updates) {
      this.nodes.update(
        updates.map((update) => {
          const own = this.nodes.get(update.id);
          return own && own.color ? { ...update, color: own.color } : update;
        }),
      );
    }

    // Called once physics has run (vis-network may report it twice when a
    // layout restarted one that was still running: the second finds nothing).
    afterPhysics() {
      const pending = this.pending;
      if (!pending || pending.run !== this.layoutRun) return;
      this.pending = null;
      this.network.setOptions({ physics: { enabled: false } });
      this.updateNodes(this.nodes.getIds().map((id) => ({ id, fixed: false })));
      if (pending.which === "all") this.stretchToFrame();
      this.tidyAndFinish(pending.which === "new" ? pending.pinned : new Set(), pending.run);
    }

    // Physics lays out round; the frame is seldom square. Stretch the layout
    // to the frame's proportions (at most twofold) so that it fills it at a
    // larger, more legible scale.
    stretchToFrame() {
      const positions = Object.entries(this.network.getPositions());
      if (positions.length < 3) return;
      const xs = positions.map(([, p]) => p.x);
      const ys = positions.map(([, p]) => p.y);
      const width = Math.max(...xs) - Math.min(...xs) || 1;
      const height = Math.max(...ys) - Math.min(...ys) || 1;
      const frame = this.container.clientHeight / this.container.clientWidth;
      const ratio = Math.min(2, Math.max(0.5, frame / (height / width)));
      const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
      const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
      const sx = 1 / Math.sqrt(ratio);
      const sy = Math.sqrt(ratio);
      for (const [id, p] of positions) this.network.moveNode(id, cx + (p.x - cx) * sx, cy + (p.y - cy) * sy);
    }

    tidyAndFinish(immovable, run) {
      if (run !== this.layoutRun) return;
      if (!this.sketch && this.nodes.length <= LARGE) this.tidy(immovable);
      this.finish();
    }

    // Push apart every two nodes whose boxes (circle and label, as drawn)
    // overlap, moving the movable one(s) along the axis that needs least;
    // then untangle (see untangle.js). Labels are measured drawn at scale 1,
    // every node drawn: vis-network neither draws nor measures a label too
    // small to read, or a node out of view.
    tidy(immovable) {
      const network = this.network;
      const view = { position: network.getViewPosition(), scale: network.getScale() };
      network.view.moveTo({ scale: 1, animation: false });
      this.measuring = true;
      try {
        network.redraw();
      } finally {
        this.measuring = false;
      }
      const boxes = this.nodes.getIds().map((id) => {
        // The circle and the label as drawn (the label can reach a little
        // below vis-network's own bounding box).
        const node = network.body.nodes[id];
        const box = network.getBoundingBox(id);
        const label = node.labelModule.size;
        const hasLabel = label.width > 0;
        const left = Math.min(box.left, hasLabel ? label.left : box.left);
        const right = Math.max(box.right, hasLabel ? label.left + label.width : box.right);
        const top = Math.min(box.top, hasLabel ? label.top : box.top);
        const bottom = Math.max(box.bottom, hasLabel ? label.top + label.height : box.bottom);
        const radius = node.options.size + node.options.borderWidth / 2;
        return {
          id,
          x: node.x,
          y: node.y,
          l: left - node.x - GAP / 2,
          r: right - node.x + GAP / 2,
          t: top - node.y - GAP / 2,
          b: bottom - node.y + GAP / 2,
          radius,
          circle: { left: -radius, top: -radius, right: radius, bottom: radius },
          label: hasLabel
            ? { left: label.left - node.x, top: label.top - node.y, right: label.left + label.width - node.x, bottom: label.top + label.height - node.y }
            : { left: 0, top: 0, right: 0, bottom: 0 },
          movable: !immovable.has(id),
          moved: false,
        };
      });
      for (let round = 0; round < TIDY_ROUNDS; round += 1) {
        if (!this.separate(boxes)) break;
      }
      // Pushing can leave a node wedged between others that do not move:
      // such a node goes to the nearest free place instead.
      for (const box of boxes) {
        if (box.movable && boxes.some((other) => other !== box && meet(box, other))) {
          this.freePlace(box, boxes);
        }
      }
      for (const box of boxes) box.box = { left: box.l, top: box.t, right: box.r, bottom: box.b };
      for (const id of window.HeuristicaLayout.untangle(boxes, this.writtenLinks())) {
        boxes.find((box) => box.id === id).moved = true;
      }
      for (const box of boxes) if (box.moved) network.moveNode(box.id, box.x, box.y);
      network.view.moveTo({ ...view, animation: false });
      network.redraw();
    }

    // Every link drawn, with the size of what is written on it (measured at scale 1).
    writtenLinks() {
      const edges = this.network.body.edges;
      return this.edges.getIds().flatMap((id) => {
        const edge = edges[id];
        if (!edge) return [];
        const size = edge.labelModule.size;
        const written = edge.options.label ? size : { width: 0, height: 0 };
        return [{ from: edge.fromId, to: edge.toId, width: written.width, height: written.height }];
      });
    }

    freePlace(box, boxes) {
      const { x, y } = box;
      for (let k = 1; k < 5000; k += 1) {
        const radius = 12 * Math.sqrt(k);
        box.x = x + radius * Math.cos(k * 2.39996);
        box.y = y + radius * Math.sin(k * 2.39996);
        if (!boxes.some((other) => other !== box && meet(box, other))) break;
      }
      box.moved = true;
    }

    separate(boxes) {
      let any = false;
      boxes.sort((a, b) => a.x + a.l - (b.x + b.l));
      for (let i = 0; i < boxes.length; i += 1) {
        const a = boxes[i];
        for (let j = i + 1; j < boxes.length; j += 1) {
          const b = boxes[j];
          if (b.x + b.l >= a.x + a.r) break;
          const overlapX = Math.min(a.x + a.r, b.x + b.r) - Math.max(a.x + a.l, b.x + b.l);
          const overlapY = Math.min(a.y + a.b, b.y + b.b) - Math.max(a.y + a.t, b.y + b.t);
          if (overlapX <= 0 || overlapY <= 0 || !(a.movable || b.movable)) continue;
          any = true;
          const share = a.movable && b.movable ? 0.5 : 1;
          if (overlapY <= overlapX) {
            const down = b.y + (b.t + b.b) / 2 >= a.y + (a.t + a.b) / 2 ? 1 : -1;
            this.shift(a, 0, -down * overlapY * share);
            this.shift(b, 0, down * overlapY * share);
          } else {
            const right = b.x + (b.l + b.r) / 2 >= a.x + (a.l + a.r) / 2 ? 1 : -1;
            this.shift(a, -right * overlapX * share, 0);
            this.shift(b, right * overlapX * share, 0);
          }
        }
      }
      return any;
    }

    shift(box, dx, dy) {
      if (!box.movable) return;
      box.x += dx + Math.sign(dx) * 0.5;
      box.y += dy + Math.sign(dy) * 0.5;
      box.moved = true;
    }

    finish() {
      this.settled = true;
      this.unredrawn(() => {
        if (!this.handMoved) this.fit();
        this.markCursor();
      });
      this.showFitButton();
      this.network.redraw();
      document.body.dataset.ready = "1";
      document.body.dataset.revision = this.revision || "";
      this.save();
      // The first drawing is on screen: the server may now do what it held
      // back so as not to slow it (see heuristica/app.py, "drawn").
      if (!this.toldDrawn) {
        this.toldDrawn = true;
        if (this.host.drawn) this.host.drawn();
      }
    }

    // The links of a sketched drawing (see sketched), under the nodes: one
    // path per look, then arrowheads at the nodes in view once large enough.
    sketchLinks(ctx) {
      if (!this.sketch) return;
      const drawing = this.drawing;
      const bodyNodes = this.network.body.nodes;
      const styles = drawing.styles.edges;
      const scale = this.network.getScale();
      const view = this.inView(40 / scale);
      if (!this.looks || this.looks.drawing !== drawing) {
        const byLook = new Map();
        for (const edge of drawing.edges) {
          const look = edgeLook(edge, drawing);
          if (!byLook.has(look)) byLook.set(look, []);
          byLook.get(look).push(edge);
        }
        this.looks = { drawing, byLook };
      }
      const byLook = this.looks.byLook;
      ctx.save();
      ctx.lineCap = "round";
      for (const [look, edges] of byLook) {
        const style = look === "dimmed" ? { ...styles.link, ...styles.dimmed } : styles[look];
        ctx.strokeStyle = style.color.color;
        ctx.fillStyle = style.color.color;
        const width = style.width || styles.link.width;
        ctx.lineWidth = width;
        ctx.setLineDash(style.dashes || []);
        ctx.beginPath();
        for (const edge of edges) {
          const from = bodyNodes[edge.from];
          const to = bodyNodes[edge.to];
          if (!from || !to) continue;
          ctx.moveTo(from.x, from.y);
          ctx.lineTo(to.x, to.y);
        }
        ctx.stroke();
        if (scale < ARROW_SCALE) continue;
        ctx.beginPath();
        const length = 15 * 0.6 + 3 * width;
        for (const edge of edges) {
          const from = bodyNodes[edge.from];
          const to = bodyNodes[edge.to];
          if (!from || !to || !view(to)) continue;
          const dx = to.x - from.x;
          const dy = to.y - from.y;
          const distance = Math.hypot(dx, dy);
          const reach = (to.options.size || 0) + (to.options.borderWidth || 0);
          if (distance <= reach + length) continue;
          const ux = dx / distance;
          const uy = dy / distance;
          const tipX = to.x - ux * reach;
          const tipY = to.y - uy * reach;
          const baseX = tipX - ux * length;
          const baseY = tipY - uy * length;
          ctx.moveTo(tipX, tipY);
          ctx.lineTo(baseX - uy * length * 0.4, baseY + ux * length * 0.4);
          ctx.lineTo(baseX + uy * length * 0.4, baseY - ux * length * 0.4);
          ctx.closePath();
        }
        ctx.fill();
      }
      ctx.restore();
    }

    // Over a sketched drawing's nodes: each node at least DOT_PIXELS across
    // (zoomed out, vis-network's circles are smaller than a pixel), then the
    // labels of the nodes in view once readable, as vis-network draws them
    // (wrapped lines under the circle, white halo).
    sketchNodes(ctx) {
      if (!this.sketch) return;
      const drawing = this.drawing;
      const scale = this.network.getScale();
      const bodyNodes = this.network.body.nodes;
      const radius = DOT_PIXELS / 2 / scale;
      if (this.dotted()) {
        const view = this.inView(radius);
        ctx.save();
        for (const type of drawing.types) {
          for (const highlight of Object.keys(drawing.styles.nodes)) {
            ctx.beginPath();
            for (const node of drawing.nodes) {
              const drawn = bodyNodes[node.id];
              if (node.type !== type || node.highlight !== highlight || !drawn || !view(drawn)) continue;
              ctx.moveTo(drawn.x + radius, drawn.y);
              ctx.arc(drawn.x, drawn.y, radius, 0, 2 * Math.PI);
            }
            ctx.fillStyle = drawing.styles.nodes[highlight][type.id].color.background;
            ctx.fill();
          }
        }
        const focus = drawing.focus && bodyNodes[drawing.focus];
        const selected = bodyNodes[this.network.getSelectedNodes()[0]];
        if (selected) {
          ctx.beginPath();
          ctx.arc(selected.x, selected.y, 1.6 * radius, 0, 2 * Math.PI);
          ctx.lineWidth = 2 / scale;
          ctx.strokeStyle = drawing.styles.focus.plain[drawing.types[0].id].color.border;
          ctx.stroke();
        }
        if (focus) {
          const style = drawing.styles.focus.plain[drawing.byId.get(drawing.focus).type.id];
          ctx.beginPath();
          ctx.arc(focus.x, focus.y, 1.5 * radius, 0, 2 * Math.PI);
          ctx.fillStyle = style.color.background;
          ctx.fill();
          ctx.lineWidth = 2 / scale;
          ctx.strokeStyle = style.color.border;
          ctx.stroke();
        }
        ctx.restore();
      }
      this.sketchLabels(ctx, scale);
    }

    sketchLabels(ctx, scale) {
      const drawing = this.drawing;
      const font = drawing.options.nodes.font;
      const styles = drawing.styles;
      if (styles.nodes.plain[drawing.types[0].id].font.size * scale < drawing.label_pixels) return;
      const view = this.inView(200 / scale);
      const bodyNodes = this.network.body.nodes;
      ctx.save();
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      ctx.strokeStyle = font.strokeColor;
      ctx.lineWidth = font.strokeWidth;
      for (const node of drawing.nodes) {
        const drawn = bodyNodes[node.id];
        if (!drawn || !view(drawn)) continue;
        const style = (node.id === drawing.focus ? styles.focus : styles.nodes)[node.highlight][node.type.id];
        const size = style.font.size;
        ctx.font = `${style.font.mod} ${size}px ${font.face}`.trim();
        ctx.fillStyle = style.font.color;
        const top = drawn.y + (drawn.options.size || style.size) + style.borderWidth / 2 + 2;
        node.label.split("\n").forEach((line, i) => {
          ctx.strokeText(line, drawn.x, top + i * size * 1.1);
          ctx.fillText(line, drawn.x, top + i * size * 1.1);
        });
      }
      ctx.restore();
    }

    // A sketched graph zoomed out so far that its nodes are drawn as dots.
    dotted() {
      if (!this.sketch) return false;
      const size = this.drawing.styles.nodes.plain[this.drawing.types[0].id].size;
      return size * this.network.getScale() < DOT_PIXELS / 2;
    }

    // Whether a point (canvas coordinates) is in view, with `margin` to spare.
    inView(margin) {
      const a = this.network.DOMtoCanvas({ x: 0, y: 0 });
      const b = this.network.DOMtoCanvas({ x: this.container.clientWidth, y: this.container.clientHeight });
      return (p) => p.x >= a.x - margin && p.x <= b.x + margin && p.y >= a.y - margin && p.y <= b.y + margin;
    }

    // Runs `work` (changes to the data, the view or the selection) without
    // vis-network redrawing after each part of it: every redraw draws every
    // node and link, seconds for the whole graph of a large base. The caller
    // redraws once afterwards (or a layout that follows does).
    unredrawn(work) {
      const emitter = this.network.body.emitter;
      emitter.emit("_blockRedraw");
      try {
        work();
      } finally {
        emitter.emit("_allowRedraw");
      }
    }

    // The whole drawing in the frame, unless its labels would then be drawn
    // smaller than label_pixels: then at that size, around the focus (or
    // the drawing's middle), and F or the "Fit all" button shows the whole.
    fit() {
      const network = this.network;
      network.fit({ animation: false, maxZoomLevel: MAX_ZOOM });
      const legible = this.legibleScale();
      if (network.getScale() < legible) {
        const focus = this.drawing.focus && network.getPositions([this.drawing.focus])[this.drawing.focus];
        network.moveTo({ position: focus || network.getViewPosition(), scale: legible, animation: false });
      }
    }

    // The zoom at which the smallest label drawn is label_pixels tall (a
    // hair more: vis-network fades a label just below that size).
    legibleScale() {
      const drawing = this.drawing;
      const sizes = [drawing.styles.nodes.plain[drawing.types[0].id].font.size];
      if (drawing.edges.some((edge) => edge.label)) sizes.push(drawing.options.edges.font.size);
      return (drawing.label_pixels / Math.min(...sizes)) * 1.001;
    }

    // The zoom at which the whole drawing is in the frame. (Here and in
    // tidy the view is moved and put back through vis-network's view module:
    // no one sees it, and it is no change of the view.)
    wholeScale() {
      const network = this.network;
      const view = { position: network.getViewPosition(), scale: network.getScale() };
      let whole = 1;
      this.unredrawn(() => {
        network.view.fit({ animation: false, maxZoomLevel: MAX_ZOOM });
        whole = network.getScale();
        network.view.moveTo({ ...view, animation: false });
      });
      return whole;
    }

    // F and the button: the whole drawing (labels too small to read are not
    // drawn), and back to the legible view around the focus.
    toggleFit() {
      if (!this.network) return;
      const whole = this.network.getScale() > this.wholeScale() * 1.01;
      if (whole) {
        this.network.fit({ animation: false, maxZoomLevel: MAX_ZOOM });
        this.say("The whole graph is in view; labels too small to read are not drawn. F zooms back in.");
      } else {
        this.fit();
        this.say("Zoomed in to labels you can read, around the page in focus. F shows the whole graph.");
      }
      this.handMoved = whole;
      this.showFitButton();
      this.save();
    }

    // The button shows where fitting the whole would make labels unreadable.
    showFitButton() {
      const whole = this.wholeScale();
      this.fitButton.hidden = whole >= this.legibleScale();
      this.fitButton.textContent = this.network.getScale() > whole * 1.01 ? "Fit all (F)" : "Readable size (F)";
    }

    // ------------------------------------------------------------ events

    bindNetwork() {
      const network = this.network;
      network.on("stabilizationIterationsDone", () => this.afterPhysics());
      network.on("click", (params) => {
        this.hideTooltip();
        const id = this.picked(params);
        if (id) {
          this.cursor = id;
          this.preview(id, false);
        } else if (!params.edges.length) {
          this.closeCard();
        }
      });
      network.on("doubleClick", (params) => {
        this.hideTooltip();
        const id = this.picked(params);
        if (id && this.canOpen()) this.open(id);
      });
      network.on("hold", (params) => {
        // vis-network reports a click just before the hold: its card goes.
        this.hideTooltip();
        this.closeCard();
        const id = this.picked(params);
        if (id && this.drawing.actions.can_expand) this.expand(id, true);
      });
      network.on("hoverNode", (params) => this.scheduleTooltip(this.nodeTip(params.node), params));
      network.on("hoverEdge", (params) => this.scheduleTooltip(this.edgeTip(params.edge), params));
      for (const name of ["blurNode", "blurEdge", "dragStart", "zoom"]) {
        network.on(name, () => this.hideTooltip());
      }
      network.on("beforeDrawing", (ctx) => this.sketchLinks(ctx));
      network.on("afterDrawing", (ctx) => this.sketchNodes(ctx));
      network.on("zoom", () => {
        this.handMoved = true;
        this.showFitButton();
        this.save();
      });
      network.on("dragStart", () => {
        this.dragFrom = this.network.getViewPosition();
      });
      network.on("dragEnd", (params) => {
        const to = this.network.getViewPosition();
        const from = this.dragFrom || to;
        if (!params.nodes.length && Math.hypot(to.x - from.x, to.y - from.y) > 1) this.handMoved = true;
        this.save();
      });
      this.container.addEventListener("pointerleave", () => this.hideTooltip());
    }

    // The node under the pointer; in a sketched drawing, else the nearest
    // one whose dot (DOT_PIXELS) the pointer is on.
    picked(params) {
      if (params.nodes.length) return params.nodes[0];
      if (!this.sketch || !params.pointer) return null;
      const at = params.pointer.canvas;
      const reach = (DOT_PIXELS / 2 + 1) / this.network.getScale();
      let best = null;
      let bestDistance = reach * reach;
      for (const [id, drawn] of Object.entries(this.network.body.nodes)) {
        const distance = (drawn.x - at.x) ** 2 + (drawn.y - at.y) ** 2;
        if (distance <= bestDistance) {
          best = id;
          bestDistance = distance;
        }
      }
      if (best) this.network.selectNodes([best]);
      return best;
    }

    bindKeys() {
      this.container.addEventListener("focus", () => {
        if (!this.cursor && this.drawing) this.moveCursor(this.drawing.focus || this.drawing.nodes[0]?.id);
      });
      this.container.addEventListener("keydown", (event) => {
        if (!this.network || event.altKey || event.ctrlKey || event.metaKey) return;
        const directions = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
        const id = this.cursor;
        let handled = true;
        if (directions[event.key]) this.moveCursor(this.nearest(id, ...directions[event.key]));
        else if (event.key === " " && id) this.preview(id, false, true);
        else if (event.key === "Enter" && id && this.canOpen()) this.open(id);
        else if ((event.key === "+" || event.key === "=") && id) this.expand(id, true);
        else if (event.key === "-" && id) this.expand(id, false);
        else if (event.key === "Escape") this.closeCard();
        else if (event.key === "f" || event.key === "F") this.toggleFit();
        else handled = false;
        if (handled) event.preventDefault();
      });
    }

    // The node nearest to `id` in the direction (dx, dy), on screen.
    nearest(id, dx, dy) {
      const positions = this.network.getPositions();
      if (!id || !positions[id]) return this.drawing.focus || Object.keys(positions)[0];
      const from = positions[id];
      let best = null;
      let bestScore = Infinity;
      for (const [other, p] of Object.entries(positions)) {
        if (other === id) continue;
        const vx = p.x - from.x;
        const vy = p.y - from.y;
        const along = vx * dx + vy * dy;
        if (along <= 0) continue;
        const across = Math.abs(vx * dy - vy * dx);
        if (across > 2 * along) continue;
        const score = along + 2 * across;
        if (score < bestScore) {
          bestScore = score;
          best = other;
        }
      }
      return best || id;
    }

    moveCursor(id) {
      if (!id) return;
      this.cursor = id;
      this.markCursor();
      const node = this.drawing.byId.get(id);
      const links = this.links.get(id).length;
      this.say(`${node.type.label}: ${node.title}. ${links} link${links === 1 ? "" : "s"}.`);
      const dom = this.network.canvasToDOM(this.network.getPositions([id])[id]);
      const inside = dom.x > 0 && dom.y > 0 && dom.x < this.container.clientWidth && dom.y < this.container.clientHeight;
      if (!inside) this.network.moveTo({ position: this.network.getPositions([id])[id], animation: false });
    }

    markCursor() {
      if (this.cursor && this.nodes.get(this.cursor)) this.network.selectNodes([this.cursor]);
      else this.network.unselectAll();
    }

    open(id) {
      this.host.anchor = id;
      this.closeCard();
      this.host.emit("open", id);
    }

    expand(id, show) {
      if (!this.drawing.actions.can_expand) return;
      this.host.anchor = id;
      this.host.emit(show ? "expand" : "collapse", id);
    }

    // ------------------------------------------------------------ tooltip

    nodeTip(id) {
      const node = this.drawing.byId.get(id);
      const kind = [node.type.label, node.domains.join(", ")].filter(Boolean).join(" · ");
      return [node.title, node.note, kind, node.summary].filter(Boolean);
    }

    edgeTip(id) {
      const edge = this.drawing.edgeById.get(id);
      if (!edge) return [];
      const from = this.drawing.byId.get(edge.from).title;
      const to = this.drawing.byId.get(edge.to).title;
      return [edge.relation.label, `${from}\n→ ${to}`];
    }

    scheduleTooltip(lines, params) {
      clearTimeout(this.hoverTimer);
      const at = params.pointer ? params.pointer.DOM : null;
      this.hoverTimer = setTimeout(() => this.showTooltip(lines, at), HOVER_DELAY_MS);
    }

    showTooltip(lines, at) {
      if (!lines.length || !at) return;
      this.tooltip.replaceChildren();
      lines.forEach((line, i) => {
        const part = document.createElement("div");
        if (i === 0) part.className = "first";
        part.textContent = line;
        this.tooltip.append(part);
      });
      this.tooltip.hidden = false;
      const width = this.stage.clientWidth;
      const height = this.stage.clientHeight;
      const box = this.tooltip.getBoundingClientRect();
      const left = Math.max(4, Math.min(at.x + 14, width - box.width - 4));
      const below = at.y + 18;
      const top = below + box.height > height ? Math.max(4, at.y - box.height - 12) : below;
      this.tooltip.style.left = `${left}px`;
      this.tooltip.style.top = `${top}px`;
    }

    hideTooltip() {
      clearTimeout(this.hoverTimer);
      this.tooltip.hidden = true;
    }

    // ------------------------------------------------------------ card

    bindCard() {
      this.card.querySelector(".close").addEventListener("click", () => this.closeCard(true));
      this.card.querySelector(".expand").addEventListener("click", (event) => {
        const id = this.card.dataset.node;
        this.expand(id, event.currentTarget.dataset.show === "1");
      });
      this.card.querySelector(".go").addEventListener("click", () => this.open(this.card.dataset.node));
      this.card.querySelector(".open").addEventListener("click", (event) => {
        // A plain click opens the page here; with a modifier (or the middle
        // button) the browser opens the link's URL in a new tab.
        if (!this.host.live || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        this.open(this.card.dataset.node);
      });
      this.card.addEventListener("keydown", (event) => {
        if (event.key === "Escape") this.closeCard(true);
      });
    }

    // Show the card for `id`; `takeFocus` moves the keyboard into it, `speak`
    // reads it out (the keyboard stays on the graph).
    preview(id, takeFocus, speak) {
      const node = this.drawing.byId.get(id);
      if (!node) return;
      if (speak) this.say(`${node.title}. ${node.summary}`);
      const card = this.card;
      card.dataset.node = id;
      card.querySelector(".swatch").style.background = node.type.colour;
      card.querySelector(".swatch").style.borderColor = node.type.border;
      card.querySelector(".type").textContent = node.type.label;
      card.querySelector(".note").textContent = node.note;
      card.querySelector(".note").hidden = !node.note;
      card.querySelector(".title").textContent = node.title;
      card.querySelector(".domains").textContent = node.domains.join(" · ");
      card.querySelector(".summary").textContent = node.summary;
      card.querySelector(".summary").hidden = !node.summary;
      const list = card.querySelector(".related");
      const links = this.links.get(id);
      const more = document.createElement("li");
      more.className = "more";
      more.textContent = `and ${links.length - CARD_LINKS} more on the page`;
      list.replaceChildren(
        ...links.slice(0, CARD_LINKS).map((link) => {
          const item = document.createElement("li");
          const relation = document.createElement("span");
          relation.className = "relation";
          relation.textContent = `${link.reads}: `;
          const go = document.createElement("button");
          go.type = "button";
          go.textContent = this.drawing.byId.get(link.other).title;
          go.addEventListener("click", () => {
            this.moveCursor(link.other);
            this.preview(link.other, true);
          });
          item.append(relation, go);
          return item;
        }),
        ...(links.length > CARD_LINKS ? [more] : []),
      );
      const actions = this.drawing.actions;
      const href = this.host.href(id, actions.open_link);
      const open = card.querySelector(".open");
      open.hidden = !href;
      if (href) {
        open.href = href;
        open.textContent = actions.open_label;
        open.target = this.host.live ? "_top" : "";
      }
      const go = card.querySelector(".go");
      go.hidden = Boolean(href) || !this.host.live;
      go.textContent = actions.open_label;
      const expand = card.querySelector(".expand");
      expand.hidden = !actions.can_expand;
      expand.dataset.show = node.expanded ? "0" : "1";
      expand.textContent = node.expanded ? "Hide its links" : "Show its links";
      // The card takes the part of the frame away from the node, never
      // reaching it, so that the second click of a double-click still lands
      // on the node.
      const at = this.network.canvasToDOM(this.network.getPositions([id])[id]);
      const height = this.container.clientHeight;
      const top = at.y > height / 2;
      const reach = (this.network.body.nodes[id].options.size + 6) * this.network.getScale();
      const room = (top ? at.y - reach : height - at.y - reach) - CARD_MARGIN;
      card.classList.toggle("top", top);
      card.style.setProperty("--room", `${Math.max(0, Math.floor(room))}px`);
      card.hidden = false;
      if (takeFocus) (card.querySelector(".actions > :not([hidden])") || card.querySelector(".close")).focus();
    }

    closeCard(returnFocus) {
      if (this.card.hidden) return;
      this.card.hidden = true;
      if (returnFocus) this.container.focus();
    }

    // ------------------------------------------------------------ legend & names

    drawLegend() {
      const legend = document.getElementById("legend");
      const drawing = this.drawing;
      // A type's swatch has its circles' outline (fills can be as light as 1.9:1 on white).
      const entries = drawing.types.map((type) => ["", type.colour, type.label, type.border]);
      if (drawing.focus) entries.push(["focus", null, "Current page"]);
      if (drawing.nodes.some((node) => node.highlight === "lit")) entries.push(["lit", "#ffffff", drawing.legend.lit]);
      for (const mark of ["added", "removed", "changed"]) {
        if (drawing.nodes.some((node) => node.highlight === mark)) entries.push([`mark ${mark}`, null, drawing.legend[mark]]);
      }
      for (const style of ["path", "tour", "added_link", "removed_link"]) {
        if (drawing.edges.some((edge) => edge.style === style)) {
          entries.push([`line ${style}`, drawing.styles.edges[style].color.color, drawing.legend[style]]);
        }
      }
      legend.replaceChildren(
        ...entries.map(([kind, colour, text, border]) => {
          const entry = document.createElement("span");
          entry.className = "entry";
          const swatch = document.createElement("span");
          swatch.className = `swatch ${kind}`.trim();
          if (colour) swatch.style.background = colour;
          if (border) swatch.style.borderColor = border;
          const label = document.createElement("span");
          label.textContent = text;
          entry.append(swatch, label);
          return entry;
        }),
      );
    }

    // Opening a page does something here: the live app, or a link to follow.
    canOpen() {
      return this.host.live || Boolean(this.drawing.actions.open_link);
    }

    // The line under the graph: only what works in this drawing.
    describeKeys() {
      const actions = this.drawing.actions;
      const open = actions.open_label.toLowerCase();
      const pointer = ["Click: preview"];
      const keys = ["arrows move", "Space previews"];
      if (this.canOpen()) {
        pointer.push(`Double-click: ${open}`);
        keys.push(`Enter: ${open}`);
      }
      if (actions.can_expand) {
        pointer.push("Hold: show its links");
        keys.push("+ shows links");
      }
      keys.push("F fits all");
      document.getElementById("keys").textContent = `${pointer.join(" · ")} · Keys: ${keys.join(", ")}`;
    }

    describe() {
      const drawing = this.drawing;
      const focus = drawing.focus ? drawing.byId.get(drawing.focus).title : null;
      const count = `${drawing.nodes.length} page${drawing.nodes.length === 1 ? "" : "s"}`;
      const name = focus ? `Knowledge graph around “${focus}”: ${count}` : `Knowledge graph: ${count}`;
      this.container.setAttribute("aria-label", name);
      const canvas = this.container.querySelector("canvas");
      if (canvas) canvas.setAttribute("aria-label", `${name}, ${drawing.edges.length} links`);
    }

    say(text) {
      this.announcer.textContent = text;
    }

    // ------------------------------------------------------------ kept across reloads

    save() {
      if (!this.host.live || !this.network) return;
      try {
        sessionStorage.setItem(
          STORAGE_KEY,
          JSON.stringify({
            revision: this.revision,
            positions: this.network.getPositions(),
            view: { position: this.network.getViewPosition(), scale: this.network.getScale() },
            handMoved: this.handMoved,
          }),
        );
      } catch {
        // storage full or disabled: the layout is simply not kept across reloads
      }
    }

    restorable(drawing) {
      if (!this.host.live || drawing.layout === "computed") return null;
      try {
        const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY));
        const complete = saved && saved.revision === this.revision && drawing.nodes.every((n) => saved.positions[n.id]);
        return complete ? saved : null;
      } catch {
        return null;
      }
    }
  }

  // ---------------------------------------------------------------- hosts

  function linkFor(pattern, id, base) {
    if (!pattern) return null;
    const relative = pattern.replace("{id}", encodeURIComponent(id));
    try {
      return new URL(relative, base).href;
    } catch {
      return relative;
    }
  }

  function standalone(dataBlock) {
    const data = JSON.parse(dataBlock.textContent);
    const explorer = new Explorer({
      live: false,
      emit(kind, id) {
        const href = linkFor(data.actions.open_link, id, document.baseURI);
        if (kind === "open" && href) window.location.href = href;
      },
      href: (id, pattern) => linkFor(pattern, id, document.baseURI),
    });
    explorer.show(data, "document");
  }

  function streamlit() {
    const parentUrl = () => {
      try {
        return window.parent.location.href;
      } catch {
        return new URLSearchParams(window.location.search).get("streamlitUrl") || document.baseURI;
      }
    };
    const post = (message) => window.parent.postMessage({ isStreamlitMessage: true, ...message }, "*");
    let eventCount = 0;
    let asked = null; // the last "resend": {revision, before: the last event handled then}
    let height = null;
    let reset = null;
    const host = {
      live: true,
      anchor: null,
      resetAsked: false,
      emit(kind, node) {
        eventCount += 1;
        const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}-${eventCount}`;
        post({ type: "streamlit:setComponentValue", value: { kind, node, nonce }, dataType: "json" });
      },
      href: (id, pattern) => linkFor(pattern, id, parentUrl()),
      // Told once the first drawing is laid out. A request of its own, not a
      // component value: a value makes the page run again, and that run
      // would cut short one the reader's first click started. This page is
      // served at <app>/component/<name>/index.html.
      drawn() {
        fetch(new URL("../../_heuristica/drawn", window.location.href), { method: "POST" }).catch(() => {});
      },
    };
    const explorer = new Explorer(host);
    try {
      window.frameElement.setAttribute("title", "Knowledge graph");
    } catch {
      // not same-origin: the frame keeps the name Streamlit gave it
    }

    // Without a height from Python the frame fills the window below where it
    // starts (measured with the page scrolled to the top, leaving room for the
    // caption under it); on a narrow screen it takes about 60 % of the height.
    let fillTop = null;
    const frameHeight = () => {
      if (height) return height;
      try {
        const parent = window.parent;
        if (parent.innerWidth <= 640) return Math.round(Math.max(360, parent.innerHeight * 0.6));
        let scrolled = 0;
        for (let e = window.frameElement.parentElement; e; e = e.parentElement) scrolled += e.scrollTop;
        if (scrolled === 0 || fillTop === null) fillTop = window.frameElement.getBoundingClientRect().top + scrolled;
        return Math.round(Math.max(380, parent.innerHeight - fillTop - 56));
      } catch {
        return 640;
      }
    };
    const sendHeight = () => post({ type: "streamlit:setFrameHeight", height: frameHeight() });
    try {
      window.parent.addEventListener("resize", sendHeight);
    } catch {
      // not same-origin: the height is set on each render only
    }

    window.addEventListener("message", (event) => {
      if (event.source !== window.parent) return;
      if (!event.data || event.data.type !== "streamlit:render") return;
      const args = event.data.args;
      height = args.height;
      sendHeight();
      if (reset !== null && args.reset !== reset) host.resetAsked = true;
      reset = args.reset;
      if (!args.drawing) {
        // Python sends the drawing only when it changed; ask for it if this
        // frame does not have it (it was mounted afresh, or the run that sent
        // it was cut short before its messages left the server). Once; and
        // again if the drawing still did not come once a run has handled a
        // later event than the last one handled when it asked (args.answered:
        // that ask, or one after it that took its place).
        const lacking = args.revision !== explorer.revision;
        const waiting = asked && asked.revision === args.revision && args.answered === asked.before;
        if (lacking && !waiting) {
          host.emit("resend", "");
          asked = { revision: args.revision, before: args.answered };
        }
        return;
      }
      // The drawing comes as the bytes of its JSON (see ui.graph_component).
      if (args.revision !== explorer.revision) {
        explorer.show(JSON.parse(new TextDecoder().decode(args.drawing)), args.revision);
      }
    });
    post({ type: "streamlit:componentReady", apiVersion: 1 });
  }

  const dataBlock = document.getElementById("graph-data");
  if (dataBlock) standalone(dataBlock);
  else streamlit();
})();
