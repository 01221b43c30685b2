// Rendering only the rows in view of a scrolling container (and a few either side): a list of
// 10,000 variables costs the DOM of a few dozen rows. Row height is measured from the rows on
// screen (it differs between the wide table and the stacked cards of a narrow window or 200% zoom)
// and the rows out of view are stood in for by two spacers of that height times their count.
import { useLayoutEffect, useRef, useState, type MutableRef } from 'preact/hooks';

export interface VirtualRange {
  /** The first row to render, and one past the last. */
  start: number;
  end: number;
  /** Pixels above the first rendered row, and below the last. */
  before: number;
  after: number;
}

/** Rows rendered beyond each edge of the view, so that a fast scroll rarely shows a gap. */
const OVERSCAN = 10;
/** Until the container has been measured: its tallest (styles.css: 70vh) over a row's usual height. */
const ESTIMATED_ROW_PX = 40;
const firstRows = () => Math.ceil((0.7 * window.innerHeight) / ESTIMATED_ROW_PX);

export function useVirtualRows(
  count: number,
  container: MutableRef<HTMLElement | null>,
  body: MutableRef<HTMLElement | null>,
): VirtualRange {
  const rowHeight = useRef(ESTIMATED_ROW_PX);
  const [view, setView] = useState({ top: 0, height: 0, width: 0 });

  // Follow the container's scroll position and size (its width changes the rows' height: stacked when narrow).
  useLayoutEffect(() => {
    const element = container.current;
    if (!element) return;
    let frame = 0;
    const update = () => {
      frame = 0;
      setView((previous) =>
        previous.top === element.scrollTop &&
        previous.height === element.clientHeight &&
        previous.width === element.clientWidth
          ? previous
          : { top: element.scrollTop, height: element.clientHeight, width: element.clientWidth },
      );
    };
    const onScroll = () => (frame ||= requestAnimationFrame(update));
    update();
    element.addEventListener('scroll', onScroll, { passive: true });
    const resize = new ResizeObserver(onScroll);
    resize.observe(element);
    return () => {
      element.removeEventListener('scroll', onScroll);
      resize.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [container.current]);

  const height = rowHeight.current;
  const visible = view.height > 0 ? Math.ceil(view.height / height) : firstRows();
  const first = Math.floor(view.top / height);
  const start = Math.min(count, Math.max(0, first - OVERSCAN));
  const end = Math.min(count, first + visible + OVERSCAN);

  // Learn the row height from what is on screen (spacers excluded) when other rows came into view
  // or the box changed size: reading it forces a layout, which a changed value need not pay.
  useLayoutEffect(() => {
    const rows = body.current?.querySelectorAll<HTMLElement>('tr[aria-rowindex]');
    if (!rows || rows.length === 0) return;
    let total = 0;
    for (const row of rows) total += row.offsetHeight;
    const measured = total / rows.length;
    if (measured > 0 && Math.abs(measured - rowHeight.current) > 0.5) {
      rowHeight.current = measured;
      setView((previous) => ({ ...previous }));
    }
  }, [start, end, view.height, view.width]);
  return { start, end, before: start * height, after: (count - end) * height };
}
