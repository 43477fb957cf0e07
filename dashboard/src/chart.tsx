// A bar chart drawn by uPlot (bars through its paths.bars, stacked by drawing cumulative sums from
// the top of the stack down), with what a canvas cannot give: a title, a click on a bar that goes
// to the runs it counts, and the same numbers as a table behind a toggle button (the text
// alternative, with the same links).
import 'uplot/dist/uPlot.min.css';

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';

import { navigate } from './router';
import { Link } from './ui';

/** One series: a label, its colour and a value per category. */
export interface BarSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Bar width as a share of the category's (overlapping series: a narrow one in a wide one). */
  size?: number;
}

export interface BarChartProps {
  /** The chart's title (its heading, and the canvas's accessible name). */
  title: string;
  /** What the numbers are, under the title. */
  description?: ComponentChildren;
  /** A stable name for tests (`data-testid="chart-…"`). */
  testid: string;
  /** The categories along x: periods (`time` set) or names. */
  categories: string[];
  /** With periods: each category's start, in Unix seconds (uPlot's time axis, in UTC). */
  times?: number[];
  /** The series; with `stacked`, listed from the bottom of each bar up. */
  series: BarSeries[];
  stacked?: boolean;
  /** The steps the value axis may take (e.g. whole minutes for durations); uPlot's decimal ones by default. */
  steps?: number[];
  /** How a value reads (axis, table). */
  format?: (value: number) => string;
  /** Where a click on category `index` (of series `series`, or of the whole bar) goes. */
  link?: (index: number, series: number | null) => string | null;
  /** More columns of the table (numbers behind the plotted ones). */
  extra?: { label: string; values: (string | number)[] }[];
  /** The header of the table's first column. */
  categoryHeader: string;
  height?: number;
}

const ident = (value: number) => String(value);

/** A bar chart with its text alternative. */
export function BarChart(props: BarChartProps) {
  const [tableShown, setTableShown] = useState(false);
  const format = props.format ?? ident;
  const tableId = `${props.testid}-table`;
  const empty = props.series.every((s) => s.values.every((v) => !v));
  return (
    <section class="card chart" data-testid={`chart-${props.testid}`} aria-labelledby={`${props.testid}-title`}>
      <div class="chart-head">
        <h2 id={`${props.testid}-title`}>{props.title}</h2>
        <button
          type="button"
          class="link-button"
          aria-expanded={tableShown ? 'true' : 'false'}
          aria-controls={tableId}
          onClick={() => setTableShown((shown) => !shown)}
          data-testid={`${props.testid}-toggle`}
        >
          {tableShown ? 'Hide the numbers' : 'Show the numbers as a table'}
        </button>
      </div>
      {props.description ? <p class="muted small">{props.description}</p> : null}
      <Plot {...props} format={format} />
      {empty ? <p class="muted small">Nothing in this window.</p> : null}
      <div id={tableId} hidden={!tableShown}>
        <table class="chart-table" data-testid={tableId}>
          <caption class="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">{props.categoryHeader}</th>
              {props.series.map((s) => (
                <th scope="col" class="num">
                  {s.label}
                </th>
              ))}
              {props.extra?.map((column) => (
                <th scope="col" class="num">
                  {column.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.categories.map((category, i) => (
              <tr data-category={category}>
                <th scope="row">{category}</th>
                {props.series.map((s, k) => {
                  const value = s.values[i];
                  const text = value === null || value === undefined ? '—' : format(value);
                  const to = value ? props.link?.(i, k) : null;
                  return (
                    <td class="num" data-series={s.label}>
                      {to ? <Link to={to}>{text}</Link> : text}
                    </td>
                  );
                })}
                {props.extra?.map((column) => (
                  <td class="num" data-series={column.label}>
                    {column.values[i]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The series uPlot draws: cumulative sums when stacked, the top of the stack first. */
function drawn(series: BarSeries[], stacked: boolean): (BarSeries & { index: number })[] {
  if (!stacked) return series.map((s, index) => ({ ...s, index }));
  const sums: (number | null)[][] = [];
  series.forEach((s, k) => {
    sums.push(s.values.map((v, i) => (v ?? 0) + (k > 0 ? (sums[k - 1][i] ?? 0) : 0)));
  });
  // Each bar is drawn from 0 up to its sum; drawing the tallest first leaves every series its band.
  return series.map((s, index) => ({ ...s, values: sums[index], index })).reverse();
}

function Plot(props: BarChartProps & { format: (value: number) => string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The latest props, for the click handler of a plot made once.
  const latest = useRef(props);
  latest.current = props;
  const stacked = props.stacked ?? false;
  const layers = drawn(props.series, stacked);
  const xs = props.times ?? props.categories.map((_, i) => i);
  const data: uPlot.AlignedData = [xs, ...layers.map((s) => s.values)];
  // The shape of the plot (series, axes); a change of shape makes a new plot, new data does not.
  const shape = JSON.stringify([props.times ? 'time' : 'names', layers.map((s) => [s.label, s.color, s.size]), props.categories.length]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const time = props.times !== undefined;
    const names = () => latest.current.categories;
    const bars = (size = 0.7) => uPlot.paths.bars!({ size: [size, 60 * size], gap: 1 });
    const options: uPlot.Options = {
      width: Math.max(el.clientWidth, 300),
      height: props.height ?? 220,
      title: undefined,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
      scales: {
        x: time
          ? { time: true, range: (_u, min, max) => pad(latest.current.times ?? [], min, max) }
          : { time: false, range: () => [-0.5, names().length - 0.5] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        time
          ? { values: (_u, splits) => timeLabels(splits, latest.current.times ?? []) }
          : {
              splits: () => names().map((_, i) => i),
              values: (_u, splits) => splits.map((i) => names()[i] ?? ''),
              grid: { show: false },
            },
        {
          values: (_u, splits) => splits.map((v) => latest.current.format(v)),
          // Wide enough for the longest label (`1 h 05 min`), at about 8 px a character.
          size: (_u, values) => Math.max(40, ...(values ?? []).map((v) => String(v).length * 8 + 18)),
          ...(props.steps ? { incrs: props.steps } : {}),
        },
      ],
      legend: { show: layers.length > 1, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      series: [
        {},
        ...layers.map((s) => ({
          label: s.label,
          fill: s.color,
          stroke: s.color,
          width: 0,
          paths: bars(s.size),
          points: { show: false },
        })),
      ],
    };
    const chart = new uPlot(options, data, el);
    chart.root.querySelector('canvas')?.setAttribute('aria-label', props.title);
    chart.root.querySelector('canvas')?.setAttribute('role', 'img');
    plot.current = chart;
    // A click on a bar goes to its runs: the category under the cursor, and with stacked series
    // the band its height falls in.
    const onClick = () => {
      const { link, series } = latest.current;
      const index = chart.cursor.idx;
      if (!link || index === null || index === undefined) return;
      let picked: number | null = null;
      const top = chart.cursor.top;
      if (top !== undefined && top >= 0) {
        const y = chart.posToVal(top, 'y');
        let sum = 0;
        for (let k = 0; k < series.length; k++) {
          const value = series[k].values[index] ?? 0;
          if (stacked) {
            sum += value;
            if (value > 0 && y <= sum) {
              picked = k;
              break;
            }
          } else if (value > 0 && y <= value) {
            picked = k;
            break;
          }
        }
        if (picked === null && !stacked) return;
      }
      const to = link(index, picked);
      if (to) navigate(to);
    };
    chart.over.addEventListener('click', onClick);
    chart.over.classList.add('clickable');
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 300), height: props.height ?? 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape]);

  // New numbers (a live update, another window) go into the plot made for this shape.
  useEffect(() => {
    plot.current?.setData(data);
  });

  return <div ref={host} class="plot" />;
}

/**
 * Labels of a time axis in UTC, 24-hour clock: `HH:MM` within a day (the date where it changes),
 * `MM-DD` for days.
 */
function timeLabels(splits: number[], times: number[]): string[] {
  const hourly = times.length > 1 && times[1] - times[0] < 86_400;
  let lastDay = '';
  return splits.map((ts) => {
    const iso = new Date(ts * 1000).toISOString();
    if (!hourly) return iso.slice(5, 10);
    const day = iso.slice(5, 10);
    const label = day !== lastDay ? `${iso.slice(11, 16)}\n${day}` : iso.slice(11, 16);
    lastDay = day;
    return label;
  });
}

/** The x range of a time axis: half a period beyond the first and last bars. */
function pad(times: number[], min: number, max: number): uPlot.Range.MinMax {
  const step = times.length > 1 ? times[1] - times[0] : 3600;
  return [(times[0] ?? min) - step / 2, (times[times.length - 1] ?? max) + step / 2];
}
