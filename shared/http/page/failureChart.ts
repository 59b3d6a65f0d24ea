import type { FailureDay } from '../../adapters/tables/failureDays';
import { CATALOGUE, isCode } from '../../domain/catalogue';
import { html, type SafeHtml } from './html';

/** The chart covers the last 14 UTC days, whatever the retry window. */
export const CHART_DAYS = 14;

/** Colours a reader tells apart (Fluent's), given to the codes in catalogue order. */
const PALETTE = ['#d13438', '#0078d4', '#ca5010', '#107c10', '#8764b8', '#038387', '#986f0b', '#c239b3'];
const WIDTH = 720;
const HEIGHT = 190;
const LEFT = 32;
const TOP = 14;
const BOTTOM = 22;
const PLOT = HEIGHT - TOP - BOTTOM;

const dayLabel = (day: string) => `${day.slice(4, 6)}-${day.slice(6, 8)}`;
const isoDay = (day: string) => `${day.slice(0, 4)}-${dayLabel(day)}`;
const total = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The codes that occur, in catalogue order (a row without a code last). */
function codesIn(days: readonly FailureDay[]): string[] {
  const present = new Set(days.flatMap((day) => Object.keys(day.counts)));
  const known = CATALOGUE.map((entry) => entry.code).filter((code) => present.has(code));
  return [...known, ...[...present].filter((code) => !isCode(code)).sort()];
}

/**
 * Open failures per code per day as stacked bars: an SVG drawn on the server, coloured with
 * presentation attributes (no style attribute, no script), so the page's CSP stays as strict as it is.
 */
export function failureChart(days: readonly FailureDay[]): SafeHtml {
  const max = Math.max(0, ...days.map((day) => total(day.counts)));
  if (max === 0)
    return html`<p class="chart-empty">No open failures first recorded in the last ${days.length} days.</p>`;
  const codes = codesIn(days);
  const colour = (code: string) => PALETTE[codes.indexOf(code) % PALETTE.length] ?? PALETTE[0];
  const slot = (WIDTH - LEFT) / days.length;
  const scale = PLOT / max;
  const bars = days.map((day, index) => {
    const x = LEFT + index * slot + slot * 0.15;
    let top = TOP + PLOT;
    const segments = codes
      .filter((code) => (day.counts[code] ?? 0) > 0)
      .map((code) => {
        const count = day.counts[code] ?? 0;
        top -= count * scale;
        return html`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(count * scale).toFixed(1)}" fill="${colour(code)}"><title>${code} on ${isoDay(day.day)}: ${count}</title></rect>`;
      });
    const sum = total(day.counts);
    return html`<g class="day" data-day="${isoDay(day.day)}" data-total="${sum}">${segments}${sum > 0 ? html`<text x="${(x + slot * 0.35).toFixed(1)}" y="${(top - 3).toFixed(1)}" text-anchor="middle" font-size="10">${sum}</text>` : ''}<text x="${(x + slot * 0.35).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle" font-size="10" fill="#555">${dayLabel(day.day)}</text></g>`;
  });
  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc">
<title id="chart-title">Open failures per code per day</title>
<desc id="chart-desc">Stacked bars from ${isoDay(first)} to ${isoDay(last)}; the highest day has ${max}.</desc>
<line x1="${LEFT}" y1="${TOP + PLOT}" x2="${WIDTH}" y2="${TOP + PLOT}" stroke="#999"></line>
<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end" font-size="10" fill="#555">${max}</text>
<text x="${LEFT - 6}" y="${TOP + PLOT}" text-anchor="end" font-size="10" fill="#555">0</text>
${bars}</svg>
<ul class="legend">${codes.map((code) => html`<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${colour(code)}"></rect></svg> <span class="code">${code}</span></li>`)}</ul>`;
}
