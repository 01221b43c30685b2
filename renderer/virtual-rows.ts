// Rendering only the rows in view of a scrolling container (and a few either side): a list of
// 10,000 variables costs the DOM of a few dozen rows. Row height is measured from the rows on
// screen (it differs between the wide table and the stacked cards of a narrow window or 200% zoom)
// and the rows out of view are stood in for by two spacers of that height times their count.
//
// Nothing here reads the layout while the page renders: the box's size comes from a ResizeObserver
// (called after the browser's own layout, so reading it costs nothing more) and from scrolling, the
// rows' height after the frame that showed other rows. The first render guesses from the window's
// height; the observer corrects it in the same frame. A table that is out of view (styles.css: its
// section is not laid out until it comes near) is measured when it comes into view. A changed value
// measures nothing: its row re-renders alone.
import { useEffect, useLayoutEffect, useState, type MutableRef } from 'preact/hooks';
import { shallowEqual } from './pure.js';

export interface VirtualRange {
  /** The first row to render, and one past the last. */
  start: number;
  end: number;
  /** Pixels above the first rendered row, and below the last. */
  before: number;
  after: number;
  /** The height taken for each row out of view. */
  rowHeight: number;
}

/** Rows rendered beyond each edge of the view, so that a fast scroll rarely shows a gap. */
const OVERSCAN = 10;
/** Until the container has been measured: its tallest (styles.css: 70vh) over a row's usual height. */
const ESTIMATED_ROW_PX = 40;
const firstRows = () => Math.ceil((0.7 * window.innerHeight) / ESTIMATED_ROW_PX);

interface View {
  top: number;
  height: number;
  width: number;
  rowHeight: number;
}

/** The average height of the rows rendered (spacers excluded), or `fallback` when none are. */
function measuredRowHeight(body: HTMLElement | null, fallback: number): number {
  const rows = body?.querySelectorAll<HTMLElement>('tr[aria-rowindex]');
  if (!rows || rows.length === 0) return fallback;
  let total = 0;
  for (const row of rows) total += row.offsetHeight;
  const measured = total / rows.length;
  return measured > 0 && Math.abs(measured - fallback) > 0.5 ? measured : fallback;
}

export function useVirtualRows(
  count: number,
  container: MutableRef<HTMLElement | null>,
  body: MutableRef<HTMLElement | null>,
): VirtualRange {
  const [view, setView] = useState<View>({ top: 0, height: 0, width: 0, rowHeight: ESTIMATED_ROW_PX });

  // Follow the container's scroll position and size (its width changes the rows' height: stacked when narrow).
  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    let frame = 0;
    /** Reads the box (clean layout: called by the observer, or in a frame after a scroll); with `rows`, also their height. */
    const update = (rows: boolean) => {
      frame = 0;
      setView((previous) => {
        const next = {
          top: element.scrollTop,
          height: element.clientHeight,
          width: element.clientWidth,
          rowHeight: rows ? measuredRowHeight(body.current, previous.rowHeight) : previous.rowHeight,
        };
        return shallowEqual(previous, next) ? previous : next;
      });
    };
    // A scroll changes which rows show, not their height (the effect below measures the new ones).
    const onScroll = () => (frame ||= requestAnimationFrame(() => update(false)));
    element.addEventListener('scroll', onScroll, { passive: true });
    // A new width can change every row's height (stacked when narrow).
    const resize = new ResizeObserver(() => update(true));
    resize.observe(element);
    return () => {
      element.removeEventListener('scroll', onScroll);
      resize.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [container.current]);

  const height = view.rowHeight;
  const measured = view.height > 0;
  const visible = measured ? Math.ceil(view.height / height) : firstRows();
  // Before the box is measured (the first frame, or while the table is out of view) only the rows
  // it can show: the rows beyond are for scrolling, which starts after a measurement.
  const overscan = measured ? OVERSCAN : 0;
  const first = Math.floor(view.top / height);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, first + visible + overscan);

  // Other rows came into view: learn their height once they are painted (the layout is clean then).
  useEffect(() => {
    setView((previous) => {
      const rowHeight = measuredRowHeight(body.current, previous.rowHeight);
      return rowHeight === previous.rowHeight ? previous : { ...previous, rowHeight };
    });
  }, [start, end]);
  return { start, end, before: start * height, after: (count - end) * height, rowHeight: height };
}
