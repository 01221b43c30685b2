/* global window, document, location, performance, MutationObserver, PerformanceObserver, requestAnimationFrame, CSS, Event, ReadableStreamDefaultReader */
// Runs in every page of the render benchmark (bench/render.ts), before the page's own scripts:
// Playwright's addInitScript, which the page's Content-Security-Policy does not govern. Plain
// JavaScript read from disk, so that no TypeScript transform touches what runs in the browser.
// It only watches: when rows appear, when a row shows a new value, which fetches brought the data,
// and long tasks. Times are performance.now() values: ms since this document's navigation started.
(() => {
  if (window.varsyncBench) return;
  const API = /\/api\/(status|variables|changes|first-screen|dead-letters|activity)$/;
  /** The calls that bring the variables: the whole list (the naive page, and the app before it asked for changes) or the changes. */
  const VARIABLES = /\/api\/(variables|changes)$/;
  const longTasks = [];
  const keep = (entries) => {
    for (const entry of entries) longTasks.push({ start: entry.startTime, duration: entry.duration });
  };
  let longTaskObserver = null;
  try {
    longTaskObserver = new PerformanceObserver((list) => keep(list.getEntries()));
    longTaskObserver.observe({ type: 'longtask', buffered: true });
  } catch {
    // No Long Tasks API here: the figures then count none.
  }

  // The page reads its event stream (the agent's pushed changes) with a reader: when a chunk of it
  // arrived is when a pushed change's data was there. (json() and text() do not use this method.)
  let lastStreamChunkAt = -Infinity;
  if (typeof ReadableStreamDefaultReader === 'function') {
    const read = ReadableStreamDefaultReader.prototype.read;
    ReadableStreamDefaultReader.prototype.read = function () {
      return read.call(this).then((result) => {
        if (!result.done) lastStreamChunkAt = performance.now();
        return result;
      });
    };
  }

  /** requestAnimationFrame runs before style, layout and paint; a task queued from it runs after them. */
  const afterNextFrame = () =>
    new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));

  const apiFetches = (since, until = Infinity) =>
    performance
      .getEntriesByType('resource')
      .filter(
        (entry) => entry.startTime >= since && entry.responseEnd <= until && API.test(new URL(entry.name).pathname),
      );

  /** Entries reach the observer's callback in a later, low-priority task: take the ones still queued. */
  const tasksBetween = (from, to) => {
    if (longTaskObserver) keep(longTaskObserver.takeRecords());
    return longTasks.filter((task) => task.start >= from && task.start < to);
  };

  /**
   * When the page had the data of its first frame: its first screen's answer when it asked for one
   * (the app draws the frame from it), else the first answer of each API call it made, the last of them.
   */
  function firstData(until) {
    const screen = apiFetches(0, until).find((entry) => new URL(entry.name).pathname === '/api/first-screen');
    if (screen) return { dataAt: screen.responseEnd };
    const first = new Map();
    for (const entry of apiFetches(0, until)) if (!first.has(entry.name)) first.set(entry.name, entry);
    const entries = [...first.values()];
    return {
      dataAt: Math.max(...entries.map((entry) => entry.responseEnd)),
    };
  }

  // The app's first load: the moments its table holds a first row, declares every expected row,
  // and holds them all.
  const expectedRows = Number(window.varsyncBenchExpectedRows ?? 0);
  let load = null;
  if (location.pathname === '/' && expectedRows > 0) {
    load = new Promise((resolve) => {
      let firstRowAt = null;
      let allRowsAt = null;
      let frame = null;
      // The table renders only the rows in view; it is there when it declares every row
      // (aria-rowcount: the rows and the header) and shows its first ones. It may show them from
      // the first rows alone (the app's first screen): it holds them all when it is no longer busy.
      const observer = new MutationObserver(() => {
        const table = document.querySelector('.variables table');
        const rows = table?.querySelectorAll('tbody tr[aria-rowindex]').length ?? 0;
        if (rows > 0 && firstRowAt === null) firstRowAt = performance.now();
        if (rows === 0 || Number(table.getAttribute('aria-rowcount')) !== expectedRows + 1) return;
        if (allRowsAt === null) {
          allRowsAt = performance.now();
          frame = afterNextFrame();
        }
        if (table.closest('[aria-busy="true"]')) return;
        const wholeAt = performance.now();
        observer.disconnect();
        void frame.then((frameAt) => resolve({ firstRowAt, allRowsAt, frameAt, wholeAt }));
      });
      observer.observe(document, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ['aria-busy', 'aria-rowcount'],
      });
    });
  }

  let change = null;

  window.varsyncBench = {
    afterNextFrame,
    tasksBetween,
    firstData,

    async loadResult() {
      if (!load) throw new Error('this page was not loaded at / with expected rows');
      const times = await load;
      return {
        ...times,
        ...firstData(times.allRowsAt),
        longTasks: tasksBetween(0, times.frameAt),
      };
    },

    /** Type `text` into the name filter; resolves with the ms from the input event to the next frame, and the rows then declared. */
    async filter(text) {
      const input = document.querySelector('[data-testid="filter"]');
      if (!input) throw new Error('no filter box on this page');
      const started = performance.now();
      input.value = text;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const frameAt = await afterNextFrame();
      const table = document.querySelector('.variables table');
      return { ms: frameAt - started, rows: Number(table?.getAttribute('aria-rowcount') ?? 1) - 1 };
    },

    /** How many variable lists the page fetched, and how long ago the last API call started or event came. */
    apiActivity() {
      const fetches = apiFetches(0);
      const lastStart = Math.max(lastStreamChunkAt, ...fetches.map((entry) => entry.startTime));
      return {
        variableFetches: fetches.filter((entry) => VARIABLES.test(new URL(entry.name).pathname)).length,
        quietMs: performance.now() - lastStart,
      };
    },

    /** Watch for the row of `name` to show `text`; returns the wall-clock time it started watching. */
    armChange(name, text) {
      performance.clearResourceTimings();
      const armedAt = performance.now();
      const table = document.querySelector('.variables table');
      if (!table) throw new Error('no variables table on this page');
      const selector = `tr[data-name="${CSS.escape(name)}"] .value-text`;
      change = new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (table.querySelector(selector)?.textContent !== text) return;
          const domAt = performance.now();
          observer.disconnect();
          void afterNextFrame().then((frameAt) => resolve({ armedAt, domAt, frameAt }));
        });
        observer.observe(table, { childList: true, subtree: true, characterData: true });
      });
      return performance.timeOrigin + armedAt;
    },

    /**
     * When the watched row changed, when the data that changed it had arrived (the answers the page
     * asked for, else the event that brought it), how it came, and the long tasks in between.
     */
    async changeResult() {
      const times = await change;
      const fetches = apiFetches(times.armedAt, times.domAt);
      const pushed = fetches.length === 0 && lastStreamChunkAt > times.armedAt && lastStreamChunkAt <= times.domAt;
      return {
        ...times,
        timeOrigin: performance.timeOrigin,
        fetches: fetches.length,
        pushed,
        dataAt: pushed ? lastStreamChunkAt : Math.max(...fetches.map((entry) => entry.responseEnd)),
        longTasks: tasksBetween(times.armedAt, times.frameAt),
      };
    },
  };

  // The harness waits for this instead of calling into the page while it loads: a call through
  // the debugging protocol first injects Playwright's own script into the page, which then runs in
  // the middle of the load it measures.
  if (load)
    void window.varsyncBench.loadResult().then((result) => {
      if (typeof window.varsyncBenchLoaded === 'function') window.varsyncBenchLoaded(result);
    });
})();
