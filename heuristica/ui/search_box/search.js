// The sidebar search box: a Streamlit v2 component (plain JS, no build).
//
// Typing sends the query to Python (state "query", debounced); Python ranks the
// pages and mounts the component again with the results as data; choosing one
// (click, or arrow keys and Enter; Enter alone takes the best) sends its id
// (trigger "chosen"). Each result shows its title and the sentence that
// matched, the matched words marked from offsets Python sends, and under them
// how the query was read (words no page has, typos): page text is only ever
// set as text nodes, never as HTML.
const DEBOUNCE_MS = 150;

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  const root = parentElement.querySelector(".search");
  if (!root) return;
  // Streamlit calls this function again whenever the data changes, with the
  // same DOM: wire the events once, and keep the latest setters for them.
  root.api = { setStateValue, setTriggerValue };
  if (!root.dataset.wired) {
    root.dataset.wired = "1";
    wire(root);
  }
  show(root, data || { query: "", results: [] });
}

function wire(root) {
  const input = root.querySelector("input");
  const list = root.querySelector(".results");
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => root.api.setStateValue("query", input.value.trim()), DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    const options = [...list.children];
    const active = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      select(root, (active + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      const option = options[Math.max(active, 0)];
      if (option) {
        event.preventDefault();
        choose(root, option.dataset.id);
      }
    } else if (event.key === "Escape") {
      input.value = "";
      clearTimeout(timer);
      root.api.setStateValue("query", "");
      show(root, { query: "", results: [] });
    }
  });
  // mousedown, not click: choose before the input loses focus.
  list.addEventListener("mousedown", (event) => {
    const option = event.target.closest(".option");
    if (option) {
      event.preventDefault();
      choose(root, option.dataset.id);
    }
  });
}

function choose(root, id) {
  // Forget the query first, so later reruns of the app do not search again.
  const input = root.querySelector("input");
  input.value = "";
  root.api.setStateValue("query", "");
  root.api.setTriggerValue("chosen", id);
}

function select(root, index) {
  const input = root.querySelector("input");
  [...root.querySelector(".results").children].forEach((option, i) => {
    option.setAttribute("aria-selected", String(i === index));
    if (i === index) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  });
}

function show(root, data) {
  const input = root.querySelector("input");
  const list = root.querySelector(".results");
  const status = root.querySelector(".status");
  // Results for an older query: a newer one is on its way.
  if (data.query !== input.value.trim()) return;
  list.replaceChildren(...data.results.map(option));
  input.setAttribute("aria-expanded", String(data.results.length > 0));
  input.removeAttribute("aria-activedescendant");
  if (data.results.length) select(root, 0);
  const found = data.results.length
    ? `${data.results.length} page${data.results.length === 1 ? "" : "s"}: arrows to move, Enter to open.`
    : "No page matches.";
  status.textContent = data.query ? [found, data.note].filter(Boolean).join(" ") : "";
}

function option(hit, index) {
  const item = document.createElement("li");
  item.className = "option";
  item.id = `heuristica-search-option-${index}`;
  item.setAttribute("role", "option");
  item.setAttribute("aria-selected", "false");
  item.dataset.id = hit.id;
  const dot = document.createElement("span");
  dot.className = "dot";
  dot.style.background = hit.colour;
  dot.setAttribute("aria-hidden", "true");
  const text = document.createElement("span");
  text.className = "text";
  const title = marked("title", hit.title, hit.title_marks);
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = hit.section ? `${hit.type} · ${hit.section}` : hit.type;
  text.append(title, meta);
  if (hit.snippet) text.append(marked("snippet", hit.snippet, hit.snippet_marks));
  item.append(dot, text);
  return item;
}

// Page text with its matched words in <mark>: every piece is a text node, so
// nothing in a title or a snippet is ever read as HTML. Offsets count code
// points, as Python does (a JS string index counts UTF-16 units).
function marked(className, text, marks) {
  const span = document.createElement("span");
  span.className = className;
  const chars = Array.from(text);
  const piece = (from, to) => document.createTextNode(chars.slice(from, to).join(""));
  let at = 0;
  for (const [start, end] of marks || []) {
    if (start < at || end > chars.length || end <= start) continue;
    span.append(piece(at, start));
    const mark = document.createElement("mark");
    mark.append(piece(start, end));
    span.append(mark);
    at = end;
  }
  span.append(piece(at, chars.length));
  return span;
}
