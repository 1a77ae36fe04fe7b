// The measure of tests/e2e/legibility.py, run in the graph's frame.
(([newOnes, readable, focusId]) => {
    const fresh = new Set(newOnes || network.body.data.nodes.getIds());
    const scale = network.getScale();
    const ids = network.body.data.nodes.getIds();
    network.redraw();
    const drawn = new Map(ids.map((id) => [id, network.body.nodes[id].labelModule.visible()]));
    const edgesDrawn = new Map(network.body.data.edges.getIds().map(
        (id) => [id, network.body.edges[id].labelModule.visible()]));
    // Labels are measured when drawn: draw every node at scale 1 (in view
    // or not, and large enough to be drawn), as the explorer measures them.
    const view = {position: network.getViewPosition(), scale};
    const renderer = network.renderer;
    const drawNodes = renderer._drawNodes;
    renderer._drawNodes = (ctx, always, ...rest) => drawNodes.call(renderer, ctx, true, ...rest);
    network.moveTo({scale: 1, animation: false});
    network.redraw();
    renderer._drawNodes = drawNodes;
    const shapes = new Map(ids.map((id) => {
        const node = network.body.nodes[id];
        const label = node.labelModule.size;
        const r = node.options.size + node.options.borderWidth / 2;
        return [id, {
            id,
            circle: {x: node.x, y: node.y, r},
            label: label.width > 0 ? {left: label.left, top: label.top,
                    right: label.left + label.width, bottom: label.top + label.height} : null,
            drawn: drawn.get(id),
            pixels: node.labelModule.fontOptions.size * scale,
        }];
    }));
    const edgeLabels = new Map(network.body.data.edges.getIds().map(
        (id) => [id, {...network.body.edges[id].labelModule.size}]));
    network.moveTo({...view, animation: false});
    network.redraw();
    const rectsMeet = (a, b) =>
        Math.min(a.right, b.right) > Math.max(a.left, b.left) &&
        Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
    const rectMeetsCircle = (rect, c) => {
        const dx = c.x - Math.max(rect.left, Math.min(c.x, rect.right));
        const dy = c.y - Math.max(rect.top, Math.min(c.y, rect.bottom));
        return dx * dx + dy * dy < c.r * c.r;
    };
    const circleBox = (c) => ({left: c.x - c.r, top: c.y - c.r, right: c.x + c.r, bottom: c.y + c.r});
    const through = (a, b, r) => {
        let t0 = 0, t1 = 1;
        const dx = b.x - a.x, dy = b.y - a.y;
        const p = [-dx, dx, -dy, dy], q = [a.x - r.left, r.right - a.x, a.y - r.top, r.bottom - a.y];
        for (let i = 0; i < 4; i += 1) {
            if (p[i] === 0) { if (q[i] < 0) return false; continue; }
            const t = q[i] / p[i];
            if (p[i] < 0) { if (t > t1) return false; if (t > t0) t0 = t; }
            else { if (t < t0) return false; if (t < t1) t1 = t; }
        }
        return t1 - t0 > 1e-6;
    };
    const problems = [];
    const crossings = [];
    const all = [...shapes.values()];
    for (const a of all) {
        for (const b of all) {
            if (a.id >= b.id) continue;
            const d = Math.hypot(a.circle.x - b.circle.x, a.circle.y - b.circle.y);
            if (d < a.circle.r + b.circle.r) problems.push(`circles overlap: ${a.id} ${b.id}`);
            if (a.label && b.label && rectsMeet(a.label, b.label)) problems.push(`labels overlap: ${a.id} ${b.id}`);
        }
        for (const b of all) {
            if (a.id !== b.id && a.label && rectMeetsCircle(a.label, b.circle)) {
                problems.push(`label of ${a.id} covers ${b.id}`);
            }
        }
        if (a.drawn && a.pixels < readable - 0.01) problems.push(`label of ${a.id} drawn ${a.pixels.toFixed(1)} px`);
    }
    for (const id of network.body.data.edges.getIds()) {
        const edge = network.body.edges[id];
        const a = shapes.get(edge.fromId), b = shapes.get(edge.toId);
        if (!a || !b) continue;
        const written = edge.options.label ? edgeLabels.get(id) : null;
        const writtenBox = written && {left: written.left, top: written.top,
            right: written.left + written.width, bottom: written.top + written.height};
        if (writtenBox && edgesDrawn.get(id) && edge.labelModule.fontOptions.size * scale < readable - 0.01) {
            problems.push(`relation on ${id} drawn small`);
        }
        for (const other of all) {
            // After a hold, a link between pages that stay may pass behind the
            // label of another that stays (behind it: labels have a background).
            if (!fresh.has(other.id) && !fresh.has(a.id) && !fresh.has(b.id)) continue;
            if (writtenBox && other.label && rectsMeet(writtenBox, other.label)) {
                problems.push(`relation on ${id} lies on the label of ${other.id}`);
            }
            if (writtenBox && rectsMeet(writtenBox, circleBox(other.circle))) {
                problems.push(`relation on ${id} lies on ${other.id}`);
            }
            if (other === a || other === b || !fresh.has(other.id)) continue;
            if (other.label && through(a.circle, b.circle, other.label)) {
                crossings.push(`link ${id} runs through the label of ${other.id}`);
            }
        }
    }
    const focus = focusId && network.body.nodes[focusId];
    const width = network.body.container.clientWidth;
    const height = network.body.container.clientHeight;
    if (focus) {
        const p = network.canvasToDOM({x: focus.x, y: focus.y});
        if (p.x < 0 || p.y < 0 || p.x > width || p.y > height) problems.push(`focus out of view`);
    }
    const outside = ids.filter((id) => {
        const box = network.getBoundingBox(id);
        const topLeft = network.canvasToDOM({x: box.left, y: box.top});
        const bottomRight = network.canvasToDOM({x: box.right, y: box.bottom});
        return topLeft.x < 0 || topLeft.y < 0 || bottomRight.x > width || bottomRight.y > height;
    });
    const drawnPixels = all.filter((s) => s.drawn).map((s) => s.pixels);
    const smallest = drawnPixels.length ? Math.min(...drawnPixels) : null;
    return {count: ids.length, problems, crossings, smallest, outside};
})
