// Moves nodes of a laid-out graph so that its links do not run through the
// labels and circles of other pages, and the relations written on links do
// not sit on a page's label: what physics and pushing boxes apart leave.
//
// Pure geometry on plain values (no vis-network), used by graph.js after a
// layout: each movable node in turn tries places on a spiral around where it
// is and takes the one that crosses least, never one where its box (circle and
// label) would meet another's. Nodes that may not move (a hold keeps what is
// on screen in place) are obstacles only.
"use strict";

(function () {
  const PLACES = 300; // places a node tries, on a spiral around where it is
  const SPIRAL_STEP = 20; // canvas units: the spiral's radius is this times sqrt(k)
  const ROUNDS = 6;
  const MOVE_COST = 0.004; // per canvas unit moved: of two equal places, the nearer

  // A rectangle {left, top, right, bottom} moved by (x, y).
  function at(box, x, y) {
    return { left: x + box.left, top: y + box.top, right: x + box.right, bottom: y + box.bottom };
  }

  function rectsMeet(a, b) {
    return Math.min(a.right, b.right) > Math.max(a.left, b.left) && Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
  }

  // Whether the segment (x1, y1)-(x2, y2) passes through the rectangle (Liang-Barsky).
  function segmentMeetsRect(x1, y1, x2, y2, r) {
    let t0 = 0;
    let t1 = 1;
    const dx = x2 - x1;
    const dy = y2 - y1;
    const p = [-dx, dx, -dy, dy];
    const q = [x1 - r.left, r.right - x1, y1 - r.top, r.bottom - y1];
    for (let i = 0; i < 4; i += 1) {
      if (p[i] === 0) {
        if (q[i] < 0) return false;
      } else {
        const t = q[i] / p[i];
        if (p[i] < 0) {
          if (t > t1) return false;
          if (t > t0) t0 = t;
        } else {
          if (t < t0) return false;
          if (t < t1) t1 = t;
        }
      }
    }
    return t1 - t0 > 1e-9;
  }

  function segmentMeetsCircle(x1, y1, x2, y2, cx, cy, radius) {
    const dx = x2 - x1;
    const dy = y2 - y1;
    const length = dx * dx + dy * dy || 1;
    const t = Math.max(0, Math.min(1, ((cx - x1) * dx + (cy - y1) * dy) / length));
    const px = x1 + t * dx - cx;
    const py = y1 + t * dy - cy;
    return px * px + py * py < radius * radius;
  }

  // The label written on a link, centred on its middle.
  function linkLabel(link, a, b) {
    const x = (a.x + b.x) / 2;
    const y = (a.y + b.y) / 2;
    return { left: x - link.width / 2, top: y - link.height / 2, right: x + link.width / 2, bottom: y + link.height / 2 };
  }

  // What is wrong with where things are: links through another page's label
  // (the worst: text crossed out) or circle, relations written on a page's
  // label or circle. Counted for the links and pages that involve `node`
  // (`links` hold their ends: {a, b, width, height}).
  function trouble(node, all, links) {
    let count = 0;
    for (const link of links) {
      const { a, b } = link;
      const touches = a === node || b === node;
      const written = link.width > 0 ? linkLabel(link, a, b) : null;
      for (const other of touches ? all : [node]) {
        if (other === a || other === b) continue;
        const label = at(other.label, other.x, other.y);
        if (segmentMeetsRect(a.x, a.y, b.x, b.y, label)) count += 2;
        if (segmentMeetsCircle(a.x, a.y, b.x, b.y, other.x, other.y, other.radius)) count += 1;
        if (written && (rectsMeet(written, label) || rectsMeet(written, at(other.circle, other.x, other.y)))) {
          count += 2;
        }
      }
      if (written && touches && [a, b].some((end) => rectsMeet(written, at(end.label, end.x, end.y)))) count += 2;
    }
    return count;
  }

  function overlapsAny(node, all) {
    const box = at(node.box, node.x, node.y);
    return all.some((other) => other !== node && rectsMeet(box, at(other.box, other.x, other.y)));
  }

  // `nodes`: [{id, x, y, movable, radius, circle, label, box}], where circle,
  // label and box are rectangles relative to the node's centre (box: both,
  // with room to spare); `links`: [{from, to, width, height}] (the size of
  // the relation written on it, 0 for none). Moves movable nodes in place;
  // returns the ids of those moved.
  function untangle(nodes, links) {
    const byId = new Map(nodes.map((node) => [node.id, node]));
    const ends = links
      .filter((link) => byId.has(link.from) && byId.has(link.to) && link.from !== link.to)
      .map((link) => ({ ...link, a: byId.get(link.from), b: byId.get(link.to) }));
    const moved = new Set();
    for (let round = 0; round < ROUNDS; round += 1) {
      let better = false;
      for (const node of nodes) {
        if (!node.movable) continue;
        let best = trouble(node, nodes, ends);
        if (best === 0) continue;
        const home = { x: node.x, y: node.y };
        let bestPlace = home;
        for (let k = 1; k <= PLACES; k += 1) {
          const radius = SPIRAL_STEP * Math.sqrt(k);
          node.x = home.x + radius * Math.cos(k * 2.39996);
          node.y = home.y + radius * Math.sin(k * 2.39996);
          if (overlapsAny(node, nodes)) continue;
          const left = trouble(node, nodes, ends);
          const here = left + MOVE_COST * radius;
          if (here < best - 1e-9) {
            best = here;
            bestPlace = { x: node.x, y: node.y };
          }
          if (left === 0) break; // the nearest place with nothing wrong: no farther one is better
        }
        node.x = bestPlace.x;
        node.y = bestPlace.y;
        if (bestPlace !== home) {
          moved.add(node.id);
          better = true;
        }
      }
      if (!better) break;
    }
    return [...moved];
  }

  window.HeuristicaLayout = { untangle, trouble, segmentMeetsRect, rectsMeet };
})();
