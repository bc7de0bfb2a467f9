// Small, dependency-free SVG charts for the benchmark report: grouped bars and lines. Plain SVG 1.1 text,
// readable on GitHub and in any browser.

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#9c755f'];
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

const escape = (text) => String(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const fmt = (value) => (value === 0 || value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
/** An axis label: as many decimals as the step between grid lines needs. */
const tickLabel = (value, step) => value.toFixed(Number.isInteger(step) ? 0 : Math.min(2, Math.ceil(-Math.log10(step % 1 || 1)) || 1));

/** A round step for about `count` grid lines up to `max`. */
function niceStep(max, count = 5) {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((step) => step >= raw) ?? raw;
}

function frame(width, height, title, body) {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escape(title)}</text>\n` +
    `${body}</svg>\n`
  );
}

function legend(labels, x, y) {
  return labels
    .map((label, index) => {
      const top = y + index * 18;
      return `<rect x="${x}" y="${top}" width="12" height="12" fill="${PALETTE[index % PALETTE.length]}"/><text x="${x + 18}" y="${top + 10}">${escape(label)}</text>`;
    })
    .join('\n');
}

/** The vertical axis of a plot from 0 to past `max`: the scale, and its grid lines, labels and title. */
function valueAxis(max, { left, top, plotWidth, plotHeight, unit }) {
  const step = niceStep(max || 1);
  const axisMax = Math.ceil((max || 1) / step) * step;
  const y = (value) => top + plotHeight - (value / axisMax) * plotHeight;
  const parts = [];
  for (let tick = 0; tick <= axisMax + step / 2; tick += step) {
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/><text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${tickLabel(tick, step)}</text>`,
    );
  }
  parts.push(
    `<text x="16" y="${top + plotHeight / 2}" transform="rotate(-90 16 ${top + plotHeight / 2})" text-anchor="middle">${escape(unit)}</text>`,
  );
  return { y, parts };
}

/**
 * Grouped bars: one group per `groups[i]`, one bar per series, `series[i].values[group]` (a missing value
 * leaves a gap), on a linear axis in `unit`.
 */
export function barChart({ title, unit, groups, series }) {
  const plot = { left: 60, top: 40, plotWidth: 520, plotHeight: 260, unit };
  const { left, top, plotWidth, plotHeight } = plot;
  const { y, parts } = valueAxis(Math.max(...series.flatMap((entry) => entry.values.filter(Number.isFinite))), plot);
  const groupWidth = plotWidth / groups.length;
  const barWidth = (groupWidth * 0.8) / series.length;
  series.forEach((entry, seriesIndex) => {
    entry.values.forEach((value, groupIndex) => {
      if (!Number.isFinite(value)) return;
      const x = left + groupIndex * groupWidth + groupWidth * 0.1 + seriesIndex * barWidth;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(top + plotHeight - y(value)).toFixed(1)}" fill="${PALETTE[seriesIndex % PALETTE.length]}"><title>${escape(`${entry.label}, ${groups[groupIndex]}: ${fmt(value)} ${unit}`)}</title></rect>`,
      );
    });
  });
  groups.forEach((group, index) => {
    parts.push(`<text x="${left + (index + 0.5) * groupWidth}" y="${top + plotHeight + 18}" text-anchor="middle">${escape(group)}</text>`);
  });
  parts.push(
    legend(
      series.map((entry) => entry.label),
      left + plotWidth + 20,
      top,
    ),
  );
  return frame(760, top + plotHeight + 40, title, parts.join('\n') + '\n');
}

/** Lines over a log-2 x axis (concurrency): `series[i].points` are `[x, y]`; the legend goes below, as labels are long. */
export function lineChart({ title, xLabel, unit, series }) {
  const plot = { left: 60, top: 40, plotWidth: 660, plotHeight: 260, unit };
  const { left, top, plotWidth, plotHeight } = plot;
  const { y, parts } = valueAxis(Math.max(...series.flatMap((entry) => entry.points.map(([, value]) => value))), plot);
  const xs = [...new Set(series.flatMap((entry) => entry.points.map(([x]) => x)))].sort((a, b) => a - b);
  const span = Math.log2(xs.at(-1)) - Math.log2(xs[0]) || 1;
  const x = (value) => left + ((Math.log2(value) - Math.log2(xs[0])) / span) * plotWidth;
  for (const value of xs) parts.push(`<text x="${x(value)}" y="${top + plotHeight + 18}" text-anchor="middle">${value}</text>`);
  parts.push(`<text x="${left + plotWidth / 2}" y="${top + plotHeight + 36}" text-anchor="middle">${escape(xLabel)}</text>`);
  series.forEach((entry, index) => {
    const colour = PALETTE[index % PALETTE.length];
    const points = entry.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const [px, py] of entry.points) {
      parts.push(
        `<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${colour}"><title>${escape(`${entry.label}, ${px}: ${fmt(py)} ${unit}`)}</title></circle>`,
      );
    }
  });
  parts.push(
    legend(
      series.map((entry) => entry.label),
      left,
      top + plotHeight + 52,
    ),
  );
  return frame(760, top + plotHeight + 60 + series.length * 18, title, parts.join('\n') + '\n');
}
