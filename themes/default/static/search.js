// inquest search page: runs the query and facets of the form in #search against the Pagefind
// index (built by `inquest build` into pagefind/), renders the results and keeps the URL in
// step (search/?q=dns&tag=network&sort=date-desc) so a search can be shared. The index is
// chunked: a query downloads the index metadata, the chunk holding its words and one small
// fragment per shown result, never the whole index. All URLs are relative to this page.
const form = document.getElementById("search");
const input = document.getElementById("search-q");
const sortSelect = document.getElementById("search-sort");
const status = document.getElementById("search-status");
const list = document.getElementById("search-list");
const more = document.getElementById("search-more");
const facetsPanel = document.getElementById("search-facets");
const root = form.dataset.root;
const PAGE = 10;
const FACETS = [...form.querySelectorAll("fieldset[data-facet]")].map((f) => f.dataset.facet);
const baseTitle = document.title;

let pagefind = null;
let current = { results: [], shown: 0 };
let searchId = 0;
let filtersLoaded = false;

async function engine() {
  if (!pagefind) {
    const url = new URL(form.dataset.bundle + "pagefind.js", document.baseURI).href;
    pagefind = await import(url);
    // No web worker: one download less before the first result, and the search itself takes
    // milliseconds even at 10,000 postmortems.
    await pagefind.options({ noWorker: true, excerptLength: 24 });
    await pagefind.init();
  }
  return pagefind;
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

async function run(state, { push = false } = {}) {
  const id = ++searchId;
  const url = toUrl(state);
  if (url !== location.pathname + location.search) {
    history[push ? "pushState" : "replaceState"](null, "", url);
  }
  document.title = state.q ? `“${state.q}” · ${baseTitle}` : baseTitle;
  const filterCount = Object.keys(state.filters).length;
  if (!state.q && !filterCount) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = `Type words to search ${plural(Number(form.dataset.count), "postmortem")}, or choose filters.`;
    updateCounts(null);
    return;
  }
  status.textContent = "Searching…";
  let pf;
  try {
    pf = await engine();
  } catch (e) {
    status.textContent = "The search index could not be loaded. Is the site served over HTTP?";
    console.error(e);
    return;
  }
  const options = { filters: {} };
  for (const [name, values] of Object.entries(state.filters)) options.filters[name] = { any: values };
  let sort = state.sort;
  // A filter-only search has no relevance to rank by: newest first, like the archive.
  if (!state.q && !sort) sort = "date-desc";
  if (sort) {
    const [key, dir] = sort.split("-");
    options.sort = { [key]: dir };
  }
  const search = await pf.search(state.q || null, options);
  if (id !== searchId || !search) return;
  current = { results: search.results, shown: 0 };
  list.replaceChildren();
  await showMore(id);
  if (id !== searchId) return;
  const n = search.results.length;
  const what = state.q ? ` for “${state.q}”` : "";
  const narrowed = filterCount ? ` with ${plural(filterCount, "filter")}` : "";
  status.textContent = n ? `${plural(n, "postmortem")} found${what}${narrowed}.` : `No postmortem found${what}${narrowed}.`;
  updateCounts(filtersLoaded ? search.filters : null);
}

async function showMore(id) {
  const slice = current.results.slice(current.shown, current.shown + PAGE);
  const data = await Promise.all(slice.map((r) => r.data()));
  if (id !== searchId) return;
  const first = current.shown;
  for (const d of data) list.append(renderResult(d));
  current.shown += slice.length;
  more.hidden = current.shown >= current.results.length;
  more.textContent = `Show more results (${(current.results.length - current.shown).toLocaleString()} left)`;
  return first;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

function renderResult(d) {
  const m = d.meta || {};
  const sev = m.severity_class || "sev-unknown";
  const date = m.date
    ? el("time", { datetime: m.date }, m.date_human || m.date)
    : el("span", { class: "muted" }, "Undated");
  const badges = el("span", { class: "badges" });
  if (m.severity) badges.append(el("span", { class: `badge ${sev}`, title: "Severity" }, m.severity));
  if (m.duration) badges.append(el("span", { class: "badge duration", title: "Duration" }, el("span", { class: "visually-hidden" }, "Duration: "), m.duration));
  const excerpt = el("p", { class: "card-summary result-excerpt" });
  // Pagefind's excerpt is the indexed text with `<` and `>` escaped and the matched words
  // wrapped in <mark>.
  excerpt.innerHTML = d.excerpt;
  const terms = [m.services, m.tags].filter(Boolean).join(" · ");
  return el(
    "li",
    { class: `card result ${sev}` },
    el("div", { class: "card-date" }, date),
    el(
      "div",
      { class: "card-body" },
      el("h3", { class: "card-title" }, el("a", { href: root + (d.raw_url || d.url) }, m.title || d.raw_url)),
      el("div", { class: "card-meta" }, badges, terms ? el("span", { class: "result-terms" }, terms) : null),
      excerpt,
    ),
  );
}

/** Facet counts: within the current results once the filter index is loaded, else totals. */
function updateCounts(counts) {
  for (const box of form.querySelectorAll("fieldset[data-facet] input")) {
    const span = box.parentElement.querySelector(".facet-count");
    const n = counts ? (counts[box.name] || {})[box.value] || 0 : Number(span.dataset.total);
    span.textContent = n.toLocaleString();
    box.parentElement.classList.toggle("zero", counts !== null && n === 0 && !box.checked);
  }
}

// The filter index is loaded only when someone reaches for the facets, so the first query
// stays small; after that, counts follow the results.
async function loadFilters() {
  if (filtersLoaded) return;
  filtersLoaded = true;
  const pf = await engine();
  await pf.filters();
  run(readForm());
}
facetsPanel.addEventListener("focusin", loadFilters, { once: true });
facetsPanel.addEventListener("pointerenter", loadFilters, { once: true });

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
  const first = current.shown;
  await showMore(searchId);
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
