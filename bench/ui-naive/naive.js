// The baseline of `npm run bench -- ui`: vis-timeline fed raw events naively (every event an item,
// default options), as a UI without aggregation would do. Browser code, built by Vite.
/* global window, document, requestAnimationFrame */
import { DataSet, Timeline } from 'vis-timeline/standalone';
import 'vis-timeline/styles/vis-timeline-graph2d.min.css';

/** Renders `items` ({id, start, content, title}) and resolves with the ms to the first paint. */
window.runNaive = async (items) => {
  const el = document.getElementById('tl');
  const t0 = performance.now();
  const data = new DataSet(items);
  new Timeline(el, data, {});
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - t0;
};
