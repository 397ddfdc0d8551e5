/**
 * The timeline chart: a histogram of all events drawn with PDF vectors, with the selected tagged
 * events marked as ticks under it.
 */
import { eventSpan, histogram } from '../../store/report-repo';
import type { ReportContext } from '../context';
import type { ReportDoc } from '../pdf/document';

const S = 1_000_000;
/** Bin widths tried in order (seconds); the first giving at most MAX_BINS bins wins. */
const BIN_WIDTHS: [number, string][] = [
  [60, 'minute'],
  [300, '5 minutes'],
  [900, '15 minutes'],
  [1800, '30 minutes'],
  [3600, 'hour'],
  [3 * 3600, '3 hours'],
  [6 * 3600, '6 hours'],
  [12 * 3600, '12 hours'],
  [86400, 'day'],
  [2 * 86400, '2 days'],
  [7 * 86400, 'week'],
  [14 * 86400, '2 weeks'],
  [30 * 86400, '30 days'],
  [91 * 86400, '91 days'],
  [365 * 86400, '365 days'],
];
const MAX_BINS = 120;

/** Bins covering `[firstUs, lastUs]`, aligned to multiples of the width since the epoch (UTC). */
export function chooseBins(firstUs: number, lastUs: number): { startUs: number; binUs: number; bins: number; label: string } {
  for (const [seconds, label] of BIN_WIDTHS) {
    const binUs = seconds * S;
    const startUs = Math.floor(firstUs / binUs) * binUs;
    const bins = Math.floor((lastUs - startUs) / binUs) + 1;
    if (bins <= MAX_BINS) return { startUs, binUs, bins, label };
  }
  const binUs = Math.ceil((lastUs - firstUs + 1) / MAX_BINS);
  return { startUs: firstUs, binUs, bins: MAX_BINS, label: `${Math.round(binUs / S / 86400)} days` };
}

/** A y-axis maximum at or above `n` made of four equal whole steps of 1, 2, 2.5 or 5 × 10^k. */
export function niceMax(n: number): number {
  const raw = Math.max(n, 1) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw && Number.isInteger(m * p)) return 4 * m * p;
  return 4 * Math.ceil(raw);
}

/** Draws the timeline chart. `taggedTimes` are the µs times of the selected tagged events. */
export function renderTimeline(doc: ReportDoc, ctx: ReportContext, taggedTimes: number[]): void {
  // Heading, sentence and chart stay together on one page.
  doc.ensure(330);
  doc.heading('Timeline');
  const span = eventSpan(ctx.db);
  if (!span) {
    doc.para('The case holds no events.');
    return;
  }
  const { startUs, binUs, bins, label } = chooseBins(span.firstUs, span.lastUs);
  const counts = histogram(ctx.db, startUs, binUs, startUs + bins * binUs);
  let max = 0;
  for (const n of counts.values()) max = Math.max(max, n);
  const yMax = niceMax(max);
  doc.para(
    `All ${span.events.toLocaleString('en-US')} events per ${label} from ${ctx.time(startUs, 0)} to ${ctx.time(startUs + bins * binUs, 0)}. Red ticks under the axis mark the ${taggedTimes.length.toLocaleString('en-US')} selected tagged events.`,
  );

  const d = doc.doc;
  const chartH = 170;
  const axisW = 36;
  const x0 = doc.left + axisW;
  const w = doc.width - axisW;
  doc.ensure(chartH + 70);
  const top = doc.y + 6;
  const base = top + chartH;
  const barW = w / bins;
  doc.trackGraphic('chart', startUs, binUs, bins, yMax, ...[...counts.entries()].flat(), ...taggedTimes);

  // Grid and y axis.
  d.lineWidth(0.3).strokeColor('#bbbbbb');
  for (let i = 0; i <= 4; i++) {
    const y = base - (chartH * i) / 4;
    d.moveTo(x0, y)
      .lineTo(x0 + w, y)
      .stroke();
    doc.font('sans', 6.5, '#555555');
    d.text(((yMax * i) / 4).toLocaleString('en-US', { maximumFractionDigits: 1 }), doc.left, y - 3.5, {
      width: axisW - 4,
      align: 'right',
      lineBreak: false,
    });
  }
  // Bars.
  d.fillColor('#6b7f95');
  for (const [bin, n] of counts) {
    const h = (n / yMax) * chartH;
    d.rect(x0 + bin * barW + barW * 0.08, base - h, Math.max(barW * 0.84, 0.4), h);
  }
  d.fill();
  // Tagged events: one tick per distinct horizontal position.
  const ticks = new Set<number>();
  for (const t of taggedTimes) ticks.add(Math.round(((t - startUs) / (bins * binUs)) * w * 2) / 2);
  d.lineWidth(0.6).strokeColor('#c0392b');
  for (const x of [...ticks].sort((a, b) => a - b)) d.moveTo(x0 + x, base + 2).lineTo(x0 + x, base + 10);
  if (ticks.size > 0) d.stroke();
  // X axis labels: start, end and evenly spaced times between, each with its offset.
  d.lineWidth(0.6)
    .strokeColor('#333333')
    .moveTo(x0, base)
    .lineTo(x0 + w, base)
    .stroke();
  const labels = 5;
  doc.font('sans', 6.5, '#333333');
  for (let i = 0; i <= labels; i++) {
    const us = startUs + Math.round((bins * binUs * i) / labels);
    const text = ctx.time(us, 0).replace(' ', '\n');
    const x = x0 + (w * i) / labels;
    const lw = 70;
    const lx = i === 0 ? x : i === labels ? x - lw : x - lw / 2;
    d.moveTo(x, base)
      .lineTo(x, base + 12)
      .stroke();
    d.text(text, lx, base + 14, { width: lw, align: i === 0 ? 'left' : i === labels ? 'right' : 'center' });
  }
  doc.y = base + 40;
  doc.font('sans', 7.5, '#555555');
  d.rect(doc.left, doc.y + 1, 8, 6).fill('#6b7f95');
  doc.font('sans', 7.5, '#555555');
  d.text(`events per ${label} (y axis: count, maximum bin ${max.toLocaleString('en-US')})`, doc.left + 12, doc.y, { lineBreak: false });
  d.rect(doc.left + 250, doc.y + 1, 1.2, 7).fill('#c0392b');
  doc.font('sans', 7.5, '#555555');
  d.text('selected tagged event', doc.left + 256, doc.y, { lineBreak: false });
  doc.y += 16;
  doc.font('sans', 9);
}
