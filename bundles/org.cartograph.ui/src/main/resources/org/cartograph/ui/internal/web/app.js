'use strict';
/* Cartograph UI: reads the store's JSON API (/api/v1/*) and renders the map and tables. */
(function () {
  const page = document.body.dataset.page;
  const $ = (sel) => document.querySelector(sel);
  const urlParams = new URLSearchParams(location.search);
  const FIELDS = ['node', 'service', 'kube_service', 'container_name', 'pod_name', 'process', 'host',
    'availability_zone', 'region', 'cloud_provider', 'ip', 'port', 'domain', 'traffic_class', 'protocol', 'direction'];
  const state = { seq: 0 };
  window.cartograph = state;
  /* User Timing marks of the map's phases, read by MapRenderBenchmark */
  const mark = (name) => performance.mark('cartograph:' + name);
  mark('app');

  function range() {
    return { from: urlParams.get('from') || $('#range').value, to: urlParams.get('to') || 'now' };
  }

  async function api(path, params) {
    const q = new URLSearchParams(Object.assign(range(), params || {}));
    for (const [k, v] of [...q.entries()]) { if (v === '' || v == null) q.delete(k); }
    const resp = await fetch('/api/v1/' + path + '?' + q, { credentials: 'same-origin' });
    const body = await resp.json().catch(() => ({ error: resp.statusText }));
    if (!resp.ok) { throw new Error(body.error || ('HTTP ' + resp.status)); }
    return body;
  }

  function status(text, error) {
    const s = $('#status');
    s.textContent = text;
    s.className = 'status' + (error ? ' error' : '');
  }

  function fmt(name, v) {
    if (v == null) return '–';
    if (name.startsWith('bytes')) {
      const u = ['B', 'KB', 'MB', 'GB', 'TB'];
      let i = 0; let x = v;
      while (x >= 1000 && i < u.length - 1) { x /= 1000; i++; }
      return (i ? x.toFixed(1) : x) + ' ' + u[i];
    }
    if (name === 'cost') return '$' + v.toFixed(v < 1 ? 6 : 2);
    if (name.endsWith('_rate') || name.endsWith('_share')) return (v * 100).toFixed(1) + '%';
    if (name.endsWith('_us')) return (v / 1000).toFixed(2) + ' ms';
    return Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(2);
  }

  /* A sortable table: columns [{key, label, num}], rows of {cells: {key: value}, other}. */
  function table(el, columns, rows) {
    const thead = el.querySelector('thead');
    const tbody = el.querySelector('tbody');
    thead.innerHTML = '';
    const tr = document.createElement('tr');
    columns.forEach((c) => {
      const th = document.createElement('th');
      th.textContent = c.label;
      th.dataset.key = c.key;
      th.addEventListener('click', () => {
        const desc = el.dataset.sort === c.key && el.dataset.dir !== 'desc';
        el.dataset.sort = c.key; el.dataset.dir = desc ? 'desc' : 'asc';
        const sorted = rows.slice().sort((a, b) => {
          if (a.other !== b.other) return a.other ? 1 : -1;
          const x = a.cells[c.key]; const y = b.cells[c.key];
          const r = (x == null) - (y == null) || (x < y ? -1 : x > y ? 1 : 0);
          return desc ? -r : r;
        });
        body(sorted);
      });
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    function body(list) {
      tbody.innerHTML = '';
      list.forEach((row) => {
        const r = document.createElement('tr');
        if (row.other) r.className = 'other';
        columns.forEach((c) => {
          const td = document.createElement('td');
          const v = row.cells[c.key];
          td.textContent = c.num ? fmt(c.key, v) : (row.other && c.first ? 'other (' + row.groups + ' groups)' : (v === '' ? '(none)' : v));
          if (c.num) td.className = 'num';
          if (c.cls) td.classList.add(c.cls + v);
          r.appendChild(td);
        });
        tbody.appendChild(r);
      });
    }
    body(rows);
    el.dataset.rows = String(rows.length);
  }

  function aggregateTable(el, data, groupKey) {
    const cols = [];
    const sides = groupKey ? [[groupKey, data[groupKey]]] : [['src', data.src], ['dst', data.dst]];
    sides.forEach(([side, names]) => names.forEach((n) => cols.push({ key: side + '.' + n, label: (groupKey ? '' : side + ' ') + n })));
    if (cols.length) cols[0].first = true;
    data.measures.forEach((m) => cols.push({ key: m, label: m, num: true }));
    const rows = data.rows.map((r) => {
      const cells = {};
      sides.forEach(([side]) => Object.entries(r[side] || {}).forEach(([k, v]) => { cells[side + '.' + k] = v; }));
      Object.assign(cells, r.values);
      return { cells, other: r.other, groups: r.groups };
    });
    table(el, cols, rows);
  }

  /* ---------- network map ---------- */
  /* Cytoscape.js loads asynchronously (map.html): the map's query does not wait for it to be parsed. */
  const cytoscapeReady = new Promise((resolve, reject) => {
    const script = document.getElementById('cytoscape-js');
    if (window.cytoscape || !script) { resolve(); return; }
    script.addEventListener('load', resolve);
    script.addEventListener('error', () => reject(new Error('cannot load Cytoscape.js')));
  });
  /* Above these sizes the map keeps only what is cheap to lay out and draw (see the README). */
  const LARGE_NODES = 150;
  const LARGE_EDGES = 300;
  /* Nodes labelled on a large map (the heaviest by bytes); the others show their name when selected. */
  const LABELLED = 40;
  const HEALTH = ['ok', 'warn', 'bad'];
  const COLORS = { ok: '#3a9b5c', warn: '#e89c2c', bad: '#d23c3c' };

  function health(rate) {
    if (rate == null || rate < 0.01) return 'ok';
    return rate < 0.1 ? 'warn' : 'bad';
  }

  async function loadMap() {
    const g = $('#group').value;
    const t0 = performance.now();
    mark('query');
    /* only what the map draws (width and size by bytes, colour by failure rate): no percentile pass */
    const data = await api('aggregate', { src: g, dst: g + ',traffic_class', filter: $('#filter').value,
      measures: 'bytes,failure_rate', limit: 2000 });
    const t1 = performance.now();
    mark('data');
    const nodes = new Map();
    const edges = [];
    const name = (v) => (v === '' || v == null ? '(unknown)' : v);
    const node = (id) => {
      let n = nodes.get(id);
      if (!n) { n = { group: 'nodes', data: { id, bytes: 0 } }; nodes.set(id, n); }
      return n;
    };
    data.rows.forEach((r) => {
      if (r.other) return;
      const s = name(r.src[g]); const d = name(r.dst[g]); const cls = r.dst.traffic_class;
      node(s).data.bytes += r.values.bytes; node(d).data.bytes += r.values.bytes;
      const width = 1 + Math.log10(1 + r.values.bytes);
      const h = health(r.values.failure_rate);
      /* style comes from classes (health, width step), never from per-element mappers or functions */
      edges.push({ group: 'edges', classes: h + ' w' + Math.min(12, Math.round(width)),
        data: Object.assign({ id: s + ' → ' + d + ' [' + cls + ']', source: s, target: d, cls, width, color: COLORS[h] }, r.values) });
    });
    const large = nodes.size > LARGE_NODES || edges.length > LARGE_EDGES;
    const byBytes = [...nodes.values()].sort((a, b) => b.data.bytes - a.data.bytes);
    byBytes.forEach((n, i) => {
      n.classes = 's' + Math.min(4, Math.floor(5 * n.data.bytes / 1e9)) + (!large || i < LABELLED ? ' labelled' : '');
    });
    if (large) rings(byBytes);
    mark('built');
    await cytoscapeReady;
    mark('cytoscape');
    const t2 = performance.now();
    const elements = [...nodes.values(), ...edges];
    state.drawnMillis = null;
    if (large && early) {
      state.cy = early;
      state.cy.add(elements);
    } else {
      if (early) early.destroy();
      if (state.cy) state.cy.destroy();
      state.cy = large ? largeMap(elements) : cytoscape({ container: $('#map'), wheelSensitivity: 0.3,
        motionBlur: false, style: mapStyle(false), elements, layout: { name: 'cose', animate: false, randomize: false } });
    }
    early = null;
    if (large) state.cy.viewport(fitted(byBytes, $('#map'), 30));
    state.cy.one('render', () => { mark('drawn'); state.drawnMillis = performance.now(); });
    const t3 = performance.now();
    mark('laid-out');
    state.timings = { fetchMillis: t1 - t0, buildMillis: t2 - t1, cytoscapeMillis: t3 - t2 };
    state.renderMillis = t3 - t2;
    state.cy.on('tap', 'node', (e) => nodeDetails(g, e.target.id()));
    state.cy.on('tap', 'edge', (e) => edgeDetails(g, e.target.data()));
  }

  /*
   * A large map's Cytoscape.js instance. The first is made, empty, as soon as the library has loaded,
   * while the query still runs: its style and renderer are set up then, and its first frame is drawn
   * empty. Cytoscape.js draws every element into its layered texture cache at once in the first frame
   * it draws and lazily afterwards, so the first frame with the graph no longer draws it twice.
   */
  function largeMap(elements) {
    return cytoscape({ container: $('#map'), wheelSensitivity: 0.3, pixelRatio: 1, hideEdgesOnViewport: true,
      textureOnViewport: true, motionBlur: false, style: mapStyle(true), elements });
  }
  let early = null;
  if (page === 'map') cytoscapeReady.then(() => { if (!state.cy) early = largeMap([]); }, () => {});

  /*
   * The viewport that fits the nodes (positioned by rings()) with a padding in pixels, computed from
   * the positions: asking Cytoscape.js to fit would compute every node's bounding box (and label)
   * before the first frame.
   */
  function fitted(byBytes, container, padding) {
    const half = (14 + 8.5 * 4) / 2;
    let x1 = Infinity; let y1 = Infinity; let x2 = -Infinity; let y2 = -Infinity;
    byBytes.forEach(({ position: p }) => {
      x1 = Math.min(x1, p.x - half); x2 = Math.max(x2, p.x + half);
      y1 = Math.min(y1, p.y - half); y2 = Math.max(y2, p.y + half);
    });
    const w = container.clientWidth; const h = container.clientHeight;
    const zoom = Math.max(1e-3, Math.min((w - 2 * padding) / (x2 - x1), (h - 2 * padding) / (y2 - y1)));
    return { zoom, pan: { x: w / 2 - zoom * (x1 + x2) / 2, y: h / 2 - zoom * (y1 + y2) / 2 } };
  }

  /*
   * Concentric rings around the heaviest nodes (3, 9, 15, ... nodes), positions computed here: cheaper
   * than a layout run by Cytoscape.js, which would move each node once more after adding it.
   */
  function rings(byBytes) {
    const spacing = 14 + 8.5 * 4 + 10;
    byBytes.forEach((n, i) => {
      const ring = Math.floor(Math.sqrt(i / 3));
      const first = 3 * ring * ring;
      const count = Math.min(3 * (ring + 1) * (ring + 1), byBytes.length) - first;
      const angle = 2 * Math.PI * (i - first) / count - Math.PI / 2 + ring * 0.3;
      const radius = (ring + 0.5) * spacing;
      n.position = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    });
  }

  /* Constant styles per class: large maps get straight (haystack) edges, no arrows, no edge labels. */
  function mapStyle(large) {
    const style = [
      { selector: 'node', style: { 'background-color': '#5a7bd8', width: 14, height: 14 } },
      { selector: 'node.labelled, node:selected', style: { label: 'data(id)', 'font-size': 10, 'min-zoomed-font-size': 8 } },
      { selector: 'edge', style: large ? { 'curve-style': 'haystack', 'haystack-radius': 0 }
        : { 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', label: 'data(cls)', 'font-size': 8, color: '#667' } }
    ];
    for (let i = 1; i <= 4; i++) style.push({ selector: 'node.s' + i, style: { width: 14 + 8.5 * i, height: 14 + 8.5 * i } });
    for (let i = 1; i <= 12; i++) style.push({ selector: 'edge.w' + i, style: { width: i } });
    HEALTH.forEach((h) => style.push({ selector: 'edge.' + h, style: { 'line-color': COLORS[h], 'target-arrow-color': COLORS[h] } }));
    style.push({ selector: ':selected', style: { 'overlay-opacity': 0.15, 'overlay-color': '#1d2330' } });
    return style;
  }

  function detailsSection(title) {
    const aside = $('#details');
    const h = document.createElement('h3'); h.textContent = title; aside.appendChild(h);
    const t = document.createElement('table'); t.className = 'data';
    t.innerHTML = '<thead></thead><tbody></tbody>'; aside.appendChild(t);
    return t;
  }

  function filterValue(g, side, v) { return v === '(unknown)' ? '' : side + '.' + g + ':' + v; }

  async function nodeDetails(g, id) {
    $('#details').innerHTML = '';
    const h = document.createElement('h2'); h.textContent = id; $('#details').appendChild(h);
    const m = 'bytes,connections,failures,failure_rate,rtt_p95_us';
    aggregateTable(detailsSection('Calls to'), await api('aggregate', { filter: filterValue(g, 'src', id), dst: g, measures: m }));
    aggregateTable(detailsSection('Called by'), await api('aggregate', { filter: filterValue(g, 'dst', id), src: g, measures: m }));
  }

  async function edgeDetails(g, e) {
    $('#details').innerHTML = '';
    const h = document.createElement('h2'); h.textContent = e.id; $('#details').appendChild(h);
    const filter = [filterValue(g, 'src', e.source), filterValue(g, 'dst', e.target), 'traffic_class:' + e.cls].filter(Boolean).join(',');
    aggregateTable(detailsSection('Flows'), await api('aggregate', { filter, src: 'ip,process', dst: 'ip,port,domain',
      measures: 'bytes,packets,retransmits,rtt_p50_us,failures_reset,failures_timeout,failures_refused', limit: 50 }));
    const domains = await api('aggregate', { filter, dst: 'domain', measures: 'bytes', limit: 20 });
    const names = domains.rows.filter((r) => !r.other && r.dst.domain).map((r) => r.dst.domain);
    if (names.length) {
      const dns = await api('dns', { by: 'domain,server', filter: 'domain:' + names[0],
        measures: 'queries,success_latency_avg_us,failure_latency_avg_us,nxdomain_share,servfail_share,timeout_share' });
      aggregateTable(detailsSection('DNS'), dns, 'by');
    }
  }

  /* ---------- analytics ---------- */
  function fillSelect(el, names, selected) {
    el.innerHTML = '';
    names.forEach((n) => { const o = new Option(n, n, false, selected.includes(n)); el.appendChild(o); });
  }
  const chosen = (el) => [...el.selectedOptions].map((o) => o.value).join(',');

  async function setupAnalytics() {
    const measures = await api('measures');
    fillSelect($('#src'), FIELDS, ['service']);
    fillSelect($('#dst'), FIELDS, ['service']);
    fillSelect($('#measures'), measures.aggregate, ['bytes', 'packets', 'retransmits', 'rtt_p95_us', 'failures']);
    ['#src', '#dst', '#measures'].forEach((s) => $(s).addEventListener('change', refresh));
    $('#apply').addEventListener('click', refresh);
  }

  async function loadAnalytics() {
    const data = await api('aggregate', { src: chosen($('#src')), dst: chosen($('#dst')), measures: chosen($('#measures')),
      filter: $('#filter').value, limit: $('#limit').value });
    aggregateTable($('#table'), data);
  }

  /* ---------- DNS, cost, events ---------- */
  async function loadDns() {
    /* answered (NOERROR) and failed (NXDOMAIN, SERVFAIL, ...) lookups have their own latency: a fast
       NXDOMAIN must not hide a slow resolver */
    const m = 'queries,success_latency_avg_us,failure_latency_avg_us,latency_p99_us,nxdomain_share,servfail_share,'
      + 'timeout_share';
    aggregateTable($('#domains'), await api('dns', { by: 'domain', measures: m, limit: 50 }), 'by');
    aggregateTable($('#servers'), await api('dns', { by: 'server', measures: m, limit: 20 }), 'by');
  }

  async function loadCost() {
    aggregateTable($('#classes'), await api('aggregate', { dst: 'traffic_class', measures: 'bytes,cost', sort: 'cost', limit: 20 }));
    aggregateTable($('#edges'), await api('aggregate', { src: 'node', dst: 'node,traffic_class', measures: 'cost,bytes', limit: 20 }));
  }

  async function loadEvents() {
    const data = await api('events', { kind: $('#kind').value, from: urlParams.get('from') || '-7d' });
    const cols = [{ key: 'time', label: 'time' }, { key: 'kind', label: 'kind', cls: 'kind-' },
      { key: 'source', label: 'source' }, { key: 'destination', label: 'destination' }, { key: 'message', label: 'what' }];
    table($('#events'), cols, data.events.map((e) => ({ cells: e, other: false })));
  }

  const loaders = { map: loadMap, analytics: loadAnalytics, dns: loadDns, cost: loadCost, events: loadEvents };

  async function refresh() {
    const seq = ++state.seq;
    status('loading…');
    try {
      await loaders[page]();
      state.readyMillis = performance.now();
      state.loaded = seq;
      /* toTimeString, not toLocaleTimeString: the locale data would cost a cold page ~100 ms before its first frame */
      status('updated ' + new Date().toTimeString().slice(0, 8));
    } catch (e) {
      state.error = String(e.message || e);
      status(state.error, true);
    }
  }

  /** The header every page shares: navigation, time range, auto-refresh, status. */
  const HEADER = `
  <span class="brand">Cartograph</span>
  <nav>
    <a href="/" data-nav="map">Network map</a>
    <a href="/analytics" data-nav="analytics">Analytics</a>
    <a href="/dns" data-nav="dns">DNS</a>
    <a href="/cost" data-nav="cost">Cost</a>
    <a href="/events" data-nav="events">Events</a>
    <a href="/system/console/cartograph">Integrations</a>
  </nav>
  <label>Time <select id="range">
    <option value="-15m">15 minutes</option><option value="-1h" selected>1 hour</option>
    <option value="-6h">6 hours</option><option value="-24h">24 hours</option><option value="-7d">7 days</option>
  </select></label>
  <label><input type="checkbox" id="refresh"> auto-refresh</label>
  <span id="status" class="status"></span>`;

  /* app.js is a deferred script: the document is parsed when it runs, so the page starts at once. */
  (async () => {
    document.querySelector('header').innerHTML = HEADER;
    document.querySelectorAll('nav a').forEach((a) => { if (a.dataset.nav === page) a.classList.add('active'); });
    $('#range').addEventListener('change', refresh);
    let timer = null;
    $('#refresh').addEventListener('change', (e) => {
      clearInterval(timer);
      if (e.target.checked) timer = setInterval(refresh, 10000);
    });
    if (page === 'map') { $('#group').addEventListener('change', refresh); $('#filter').addEventListener('change', refresh); }
    if (page === 'events') { $('#kind').addEventListener('change', refresh); }
    if (page === 'analytics') {
      try { await setupAnalytics(); } catch (e) { status(String(e.message || e), true); return; }
    }
    refresh();
  })();
})();
