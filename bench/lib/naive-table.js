/* global window, document, performance, fetch, TextDecoder */
// The naive renderer the render benchmark compares the app with: the same data from the same
// status server, the same table markup and stylesheet, but every refresh rebuilds all rows with one
// innerHTML (no keys, no diffing, no batching). bench/render.ts installs it, after page-probe.js,
// into a page of the status server's own origin, under the same Content-Security-Policy, with the
// run's token (sent as a Bearer header, as the app does; the event stream is read with fetch too).
// `floor` is the least any page could do with the same answer: the app's first call (the whole list,
// as columns), its first rows drawn with one innerHTML, nothing else on the page: what this machine
// needs from data to first frame whatever the renderer.
(() => {
  const escape = (text) => String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  const STATE_WORDS = { synced: 'Synced', pending: 'Pending', failed: 'Failed' };
  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  const time = (iso, fallback) =>
    iso
      ? `<time datetime="${escape(iso)}">${escape(dateTime.format(Date.parse(iso)))}</time>`
      : `<span class="muted">${fallback}</span>`;

  const rowHtml = (variable) =>
    `<tr data-testid="variable-row" data-name="${escape(variable.name)}" data-state="${escape(variable.state)}">` +
    `<th scope="row" class="name"><code>${escape(variable.name)}</code></th>` +
    `<td class="value" data-label="Value"><span class="value-text">${escape(variable.value)}</span></td>` +
    `<td data-label="Type">${escape(variable.type)}</td>` +
    `<td class="state" data-label="State"><div><span class="var-state" data-state="${escape(variable.state)}">` +
    `<span class="dot" aria-hidden="true"></span>${escape(STATE_WORDS[variable.state] ?? variable.state)}</span></div></td>` +
    `<td class="time" data-label="Changed">${time(variable.updatedAt, '—')}</td>` +
    `<td class="time" data-label="Confirmed">${time(variable.syncedAt, 'Not yet')}</td></tr>`;

  const TABLE =
    '<div id="app"><div class="app"><main><section class="panel variables"><div class="table-scroll contained">' +
    '<table class="data fixed stackable"><colgroup><col class="col-name"><col class="col-value"><col class="col-type">' +
    '<col class="col-state"><col class="col-time"><col class="col-time"></colgroup><thead><tr><th scope="col">Name</th>' +
    '<th scope="col">Value</th><th scope="col">Type</th><th scope="col">State</th><th scope="col">Changed</th>' +
    '<th scope="col">Confirmed by the server</th></tr></thead><tbody></tbody></table></div></section></main></div></div>';

  /** The rows of a whole-list answer's columns (shared/variable-columns.ts), the first `count`. */
  const firstRows = (columns, count) =>
    columns.names.slice(0, count).map((name, index) => ({
      name,
      value: columns.values[index],
      type: columns.types[index],
      state: columns.states[index],
      updatedAt: columns.updatedAt[index],
      syncedAt: columns.syncedAt[index],
    }));

  /** Replace this document with the stylesheet and the empty table; resolves with its body. */
  async function installTable(stylesheet) {
    document.head.replaceChildren();
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = stylesheet;
    await new Promise((resolve, reject) => {
      link.onload = resolve;
      link.onerror = () => reject(new Error(`the stylesheet ${stylesheet} did not load`));
      document.head.append(link);
    });
    document.body.innerHTML = TABLE;
    return document.querySelector('tbody');
  }

  window.varsyncFloor = {
    /** Load the whole list as the app's first call does and draw its first `shown` rows; resolves with the times. */
    async start(stylesheet, token, shown) {
      const probe = window.varsyncBench;
      const tbody = await installTable(stylesheet);
      performance.clearResourceTimings();
      const startedAt = performance.now();
      const answer = await fetch('/api/changes', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{"since":null}',
        credentials: 'omit',
        cache: 'no-store',
      });
      const { variables } = await answer.json();
      tbody.innerHTML = firstRows(variables.columns, shown).map(rowHtml).join('');
      const allRowsAt = performance.now();
      const frameAt = await probe.afterNextFrame();
      const { dataAt } = probe.firstData(allRowsAt);
      return {
        rows: variables.columns.names.length,
        dataAt,
        allRowsAt,
        frameAt,
        longTasks: probe.tasksBetween(startedAt, frameAt),
      };
    },
  };

  window.varsyncNaive = {
    /** Replace this document with the naive page, render the list once, then re-render it on every change event. */
    async start(stylesheet, token) {
      const headers = { Authorization: `Bearer ${token}` };
      const probe = window.varsyncBench;
      const tbody = await installTable(stylesheet);
      const refresh = async () => {
        const answer = await fetch('/api/variables', {
          headers: { ...headers, Accept: 'application/json' },
          credentials: 'omit',
          cache: 'no-store',
        });
        const variables = await answer.json();
        tbody.innerHTML = variables.map(rowHtml).join('');
        return variables.length;
      };

      performance.clearResourceTimings();
      const startedAt = performance.now();
      const rows = await refresh();
      const allRowsAt = performance.now();
      const frameAt = await probe.afterNextFrame();
      const { dataAt } = probe.firstData(allRowsAt);
      const events = await fetch('/api/events', {
        headers: { ...headers, Accept: 'text/event-stream' },
        credentials: 'omit',
        cache: 'no-store',
      });
      if (!events.ok || !events.body) throw new Error(`the naive page could not open /api/events (${events.status})`);
      void (async () => {
        // Naive too: a refresh for every "event: change" line; the server sends whole events per write.
        const reader = events.body.getReader();
        const decoder = new TextDecoder();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          for (const line of decoder.decode(chunk.value, { stream: true }).split('\n'))
            if (line === 'event: change') void refresh();
        }
      })().catch(() => undefined);
      return { rows, dataAt, allRowsAt, frameAt, longTasks: probe.tasksBetween(startedAt, frameAt) };
    },
  };
})();
