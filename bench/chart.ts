/** A grouped bar chart as a hand-written SVG string: no plotting dependency. */

export interface BarGroup {
  label: string;
  /** `series` picks the colour and the legend entry; a NaN value (it failed) draws a cross. */
  bars: { label: string; value: number; series: number }[];
}

const COLORS = ['#9aa5b1', '#e8a33d', '#f0c987', '#2f7ed8', '#1b4f8c', '#6a3d9a', '#2a9d8f', '#d1495b'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/** One panel: a title, a y axis with four gridlines, groups of bars with their values on top. */
function panel(
  title: string,
  unit: string,
  groups: BarGroup[],
  x: number,
  y: number,
  width: number,
  height: number,
): string {
  const top = y + 30;
  const bottom = y + height - 30;
  const left = x + 50;
  const plotWidth = width - 60;
  const max = niceMax(Math.max(...groups.flatMap((g) => g.bars.map((b) => b.value)).filter(Number.isFinite)));
  const scale = (v: number) => ((bottom - top) * v) / max;
  const parts = [
    `<text x="${x + width / 2}" y="${y + 16}" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const value = (max * i) / 4;
    const gy = bottom - scale(value);
    parts.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${gy}" y2="${gy}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${left - 6}" y="${gy + 4}" text-anchor="end" font-size="11">${Number(value.toPrecision(3))}</text>`,
    );
  }
  parts.push(
    `<text x="${x + 12}" y="${(top + bottom) / 2}" transform="rotate(-90 ${x + 12} ${(top + bottom) / 2})" text-anchor="middle" font-size="11">${escape(unit)}</text>`,
  );
  const groupWidth = plotWidth / groups.length;
  groups.forEach((group, g) => {
    const barWidth = (groupWidth * 0.8) / Math.max(group.bars.length, 1);
    const start = left + g * groupWidth + groupWidth * 0.1;
    group.bars.forEach((bar, b) => {
      const bx = start + b * barWidth;
      const cx = (bx + (barWidth - 3) / 2).toFixed(1);
      const color = COLORS[bar.series % COLORS.length] ?? '#000';
      if (!Number.isFinite(bar.value)) {
        parts.push(
          `<text x="${cx}" y="${bottom - 4}" text-anchor="middle" font-size="14" fill="${color}">✗<title>${escape(`${group.label} ${bar.label}: failed`)}</title></text>`,
        );
        return;
      }
      const h = scale(bar.value);
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${(bottom - h).toFixed(1)}" width="${(barWidth - 3).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${escape(`${group.label} ${bar.label}: ${bar.value.toFixed(1)} ${unit}`)}</title></rect>`,
      );
      parts.push(
        `<text x="${cx}" y="${(bottom - h - 3).toFixed(1)}" text-anchor="middle" font-size="10">${bar.value >= 100 ? bar.value.toFixed(0) : bar.value.toFixed(1)}</text>`,
      );
    });
    // Many groups: slanted labels, so neighbours do not overlap.
    const lx = (left + (g + 0.5) * groupWidth).toFixed(1);
    parts.push(
      groups.length > 6
        ? `<text x="${lx}" y="${bottom + 12}" text-anchor="end" font-size="10" transform="rotate(-35 ${lx} ${bottom + 12})">${escape(group.label)}</text>`
        : `<text x="${lx}" y="${bottom + 16}" text-anchor="middle" font-size="12">${escape(group.label)}</text>`,
    );
  });
  parts.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`);
  return parts.join('\n');
}

/** Panels side by side with one legend for the bar series underneath. */
export function barChartSvg(
  panels: { title: string; unit: string; groups: BarGroup[] }[],
  series: string[],
): string {
  const panelWidth = 460;
  const panelHeight = 280;
  const width = panelWidth * panels.length;
  // Three legend entries per row: the labels are long.
  const columns = 3;
  const height = panelHeight + 20 + 20 * Math.ceil(series.length / columns);
  const legend = series
    .map((label, i) => {
      const lx = 20 + (i % columns) * (width / columns);
      const ly = panelHeight + 12 + 20 * Math.floor(i / columns);
      return `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 18}" y="${ly + 10}" font-size="12">${escape(label)}</text>`;
    })
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels.map((p, i) => panel(p.title, p.unit, p.groups, i * panelWidth, 0, panelWidth, panelHeight)),
    legend,
    '</svg>',
    '',
  ].join('\n');
}
