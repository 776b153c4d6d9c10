// inquest search page: runs the query and facets of the form in #search against inquest's
// search index (built by `inquest build` into search-index/, read by its engine.js),
// renders the results and keeps the URL in step (search/?q=dns&tag=network&sort=date-desc)
// so a search can be shared. The index is chunked: a query downloads the small manifest,
// the dictionary chunks holding its words and one fragment per shown result; facet counts
// follow once the results are on screen. All URLs are relative to this page.
const form = document.getElementById("search");
const input = document.getElementById("search-q");
const sortSelect = document.getElementById("search-sort");
const status = document.getElementById("search-status");
const list = document.getElementById("search-list");
const more = document.getElementById("search-more");
const root = form.dataset.root;
const PAGE = 10;
const FACETS = [...form.querySelectorAll("fieldset[data-facet]")].map((f) => f.dataset.facet);
const baseTitle = document.title;

let index = null;
let current = null;
let searchId = 0;

async function engine() {
  if (!index) {
    index = (async () => {
      const base = new URL(form.dataset.bundle, document.baseURI).href;
      const mod = await import(new URL("engine.js", base).href);
      return mod.open(base);
    })();
    index.catch(() => (index = null));
  }
  return index;
}

/** The form's state: query, sort and the checked values of each facet. */
function readForm() {
  const filters = {};
  for (const name of FACETS) {
    const values = [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    if (values.length) filters[name] = values;
  }
  return { q: input.value.trim(), sort: sortSelect.value, filters };
}

function writeForm(state) {
  input.value = state.q;
  sortSelect.value = state.sort;
  for (const box of form.querySelectorAll("fieldset[data-facet] input")) {
    box.checked = (state.filters[box.name] || []).includes(box.value);
  }
}

function fromUrl() {
  const p = new URLSearchParams(location.search);
  const filters = {};
  for (const name of FACETS) {
    const values = p.getAll(name).filter(Boolean);
    if (values.length) filters[name] = values;
  }
  const sort = p.get("sort") || "";
  return { q: p.get("q") || "", sort: sortSelect.querySelector(`option[value="${CSS.escape(sort)}"]`) ? sort : "", filters };
}

function toUrl(state) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const [name, values] of Object.entries(state.filters)) for (const v of values) p.append(name, v);
  if (state.sort) p.set("sort", state.sort);
  const qs = p.toString();
  return location.pathname + (qs ? `?${qs}` : "");
}

function plural(n, word) {
  return `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;
}

function describe(r, state) {
  const filterCount = Object.keys(state.filters).length;
  // A query with "quotes" is shown as typed, without quotes around it.
  const what = !state.q ? "" : state.q.includes('"') ? ` for ${state.q}` : ` for “${state.q}”`;
  const narrowed = filterCount ? ` with ${plural(filterCount, "filter")}` : "";
  if (!r.exact) {
    // A phrase is checked in each postmortem's text as it is shown, a few dozen at a time.
    const found = r.checked - r.rejected;
    const left = r.ids.length - r.checked;
    return `${plural(found, "postmortem")} found${what}${narrowed} among the first ${r.checked.toLocaleString()} with all its words; ${left.toLocaleString()} more to check.`;
  }
  const n = r.count;
  return n ? `${plural(n, "postmortem")} found${what}${narrowed}.` : `No postmortem found${what}${narrowed}.`;
}

async function run(state, { push = false } = {}) {
  const id = ++searchId;
  // "done" once results and facet counts are on screen (tests wait for it).
  form.dataset.state = "busy";
  const url = toUrl(state);
  if (url !== location.pathname + location.search) {
    history[push ? "pushState" : "replaceState"](null, "", url);
  }
  document.title = state.q ? `“${state.q}” · ${baseTitle}` : baseTitle;
  if (!state.q && !Object.keys(state.filters).length) {
    current = null;
    list.replaceChildren();
    more.hidden = true;
    status.textContent = `Type words to search ${plural(Number(form.dataset.count), "postmortem")}, or choose filters.`;
    updateCounts(null);
    form.dataset.state = "done";
    return;
  }
  status.textContent = "Searching…";
  let r;
  try {
    const ix = await engine();
    r = await ix.search(state.q, { filters: state.filters, sort: state.sort });
  } catch (e) {
    if (id === searchId) {
      status.textContent = "The search index could not be loaded. Is the site served over HTTP?";
      form.dataset.state = "done";
    }
    console.error(e);
    return;
  }
  if (id !== searchId) return;
  current = r;
  list.replaceChildren();
  await showMore(id);
  if (id !== searchId) return;
  status.textContent = describe(r, state);
  // Facet counts within these results: their files come after the results are on screen.
  try {
    const counts = await (await engine()).counts(r);
    if (id === searchId) updateCounts(counts);
  } catch (e) {
    console.error(e);
  }
  if (id === searchId) form.dataset.state = "done";
}

async function showMore(id) {
  const r = current;
  const docs = await r.next(PAGE);
  if (id !== searchId) return;
  for (const d of docs) list.append(renderResult(d));
  const left = r.ids.length - r.checked;
  more.hidden = left <= 0;
  more.textContent = r.exact
    ? `Show more results (${left.toLocaleString()} left)`
    : `Show more results (${left.toLocaleString()} more to check)`;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function renderResult(m) {
  const sev = m.severity_class || "sev-unknown";
  const date = m.date
    ? el("time", { datetime: m.date }, m.date_human || m.date)
    : el("span", { class: "muted" }, "Undated");
  const badges = el("span", { class: "badges" });
  if (m.severity) badges.append(el("span", { class: `badge ${sev}`, title: "Severity" }, m.severity));
  if (m.duration) badges.append(el("span", { class: "badge duration", title: "Duration" }, el("span", { class: "visually-hidden" }, "Duration: "), m.duration));
  // The excerpt is plain text with the matched words marked: built as nodes, never as HTML.
  const excerpt = el("p", { class: "card-summary result-excerpt" });
  for (const part of m.excerpt) excerpt.append(part.mark ? el("mark", {}, part.text) : part.text);
  const terms = [(m.services || []).join(", "), (m.tags || []).join(", ")].filter(Boolean).join(" · ");
  return el(
    "li",
    { class: `card result ${sev}` },
    el("div", { class: "card-date" }, date),
    el(
      "div",
      { class: "card-body" },
      el("h3", { class: "card-title" }, el("a", { href: root + m.url }, m.title || m.url)),
      el("div", { class: "card-meta" }, badges, terms ? el("span", { class: "result-terms" }, terms) : null),
      excerpt,
    ),
  );
}

/** Facet counts: within the current results, or the totals when there are none. */
function updateCounts(counts) {
  for (const box of form.querySelectorAll("fieldset[data-facet] input")) {
    const span = box.parentElement.querySelector(".facet-count");
    const n = counts ? (counts[box.name] || {})[box.value] || 0 : Number(span.dataset.total);
    span.textContent = n.toLocaleString();
    box.parentElement.classList.toggle("zero", counts !== null && n === 0 && !box.checked);
  }
}

let timer = null;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(readForm()), 200);
});
form.addEventListener("change", (e) => {
  if (e.target !== input) run(readForm(), { push: true });
});
form.addEventListener("submit", (e) => {
  e.preventDefault();
  clearTimeout(timer);
  run(readForm(), { push: true });
});
more.addEventListener("click", async () => {
  if (!current) return;
  const first = list.children.length;
  const id = searchId;
  await showMore(id);
  if (id !== searchId) return;
  if (!current.exact || current.done) status.textContent = describe(current, readForm());
  // Keyboard users land on the first new result instead of at the end of the page.
  list.children[first]?.querySelector("a")?.focus();
});
window.addEventListener("popstate", () => {
  const state = fromUrl();
  writeForm(state);
  run(state);
});

const initial = fromUrl();
writeForm(initial);
run(initial);
if (!initial.q) input.focus();
