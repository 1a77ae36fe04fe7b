// Lists of links to pages of the explorer: a Streamlit v2 component (plain JS).
//
// Every link is a real URL (./?node=<id>), so copying it, or opening it in a
// new tab (middle click, Ctrl/Cmd/Shift click), gives that page. A plain
// click opens it here, in the same browser session: the id goes back to
// Python (trigger "open"), which switches to the explorer. Page text is only
// ever set as textContent.
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".links");
  if (!root || !data) return;
  root.setAttribute("aria-label", data.label);
  root.replaceChildren(...data.groups.flatMap((group) => groupElements(group, setTriggerValue)));
}

function groupElements(group, setTriggerValue) {
  const list = document.createElement("ul");
  list.append(...group.links.map((link) => item(link, setTriggerValue)));
  if (!group.heading) return [list];
  const heading = document.createElement("p");
  heading.className = "heading";
  heading.textContent = group.heading;
  return [heading, list];
}

function item(link, setTriggerValue) {
  const anchor = document.createElement("a");
  anchor.href = link.href;
  anchor.dataset.node = link.id;
  const dot = document.createElement("span");
  dot.className = "dot";
  dot.style.background = link.colour;
  dot.setAttribute("aria-hidden", "true");
  const text = document.createElement("span");
  text.className = "text";
  const line = document.createElement("span");
  if (link.prefix) {
    const prefix = document.createElement("span");
    prefix.className = "prefix";
    prefix.textContent = `${link.prefix}: `;
    line.append(prefix);
  }
  const title = document.createElement("span");
  title.className = "title";
  title.textContent = link.title;
  const kind = document.createElement("span");
  kind.className = "visually-hidden";
  kind.textContent = ` (${link.kind})`;
  line.append(title, kind);
  text.append(line);
  if (link.detail) {
    const detail = document.createElement("span");
    detail.className = "detail";
    detail.textContent = link.detail;
    text.append(detail);
  }
  anchor.append(dot, text);
  anchor.addEventListener("click", (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    setTriggerValue("open", link.id);
  });
  const entry = document.createElement("li");
  entry.append(anchor);
  return entry;
}
