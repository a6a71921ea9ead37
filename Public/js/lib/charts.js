// Inline SVG charts without a library: stacked columns, horizontal bars and lines.
import { el, svg } from "./dom.js";

export const COLORS = ["#3b5bdb", "#2b8a3e", "#e8590c", "#862e9c", "#c92a2a", "#0b7285", "#5c940d", "#a61e4d"];
const color = (i) => COLORS[i % COLORS.length];

function legend(names) {
  return el("div", { class: "legend" }, ...names.map((n, i) => {
    const dot = el("span", { class: "dot" });
    dot.style.background = color(i);
    return el("span", { class: "legend-item" }, dot, n);
  }));
}

/** Columns per x label, stacked by series: data = [{x, parts: {series: value}}]. */
export function stackedColumns(data, { label, format }) {
  const series = [...new Set(data.flatMap((d) => Object.keys(d.parts)))];
  const [w, h, left, bottom] = [720, 240, 56, 28];
  const max = Math.max(0.01, ...data.map((d) => Object.values(d.parts).reduce((a, b) => a + b, 0)));
  const step = (w - left - 8) / Math.max(1, data.length);
  const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "chart", role: "img", "aria-label": label },
    svg("line", { x1: left, y1: h - bottom, x2: w, y2: h - bottom, class: "axis" }),
    svg("text", { x: 4, y: 14, class: "tick" }, format(max)), svg("text", { x: 4, y: h - bottom, class: "tick" }, format(0)));
  data.forEach((d, i) => {
    let y = h - bottom;
    series.forEach((s, si) => {
      const v = d.parts[s] || 0;
      if (!v) return;
      const height = (v / max) * (h - bottom - 16);
      y -= height;
      const width = Math.min(step * 0.7, 56);
      chart.append(svg("rect", { x: (left + i * step + (step - width) / 2).toFixed(1), y: y.toFixed(1), width: width.toFixed(1), height: height.toFixed(1), fill: color(si), class: "bar" },
        svg("title", {}, `${d.x} · ${s}: ${format(v)}`)));
    });
    if (data.length <= 16 || i % Math.ceil(data.length / 8) === 0) chart.append(svg("text", { x: (left + i * step + step / 2).toFixed(1), y: h - 8, class: "tick", "text-anchor": "middle" }, d.x.slice(5)));
  });
  return el("figure", { class: "chart-box" }, chart, legend(series));
}

/** One horizontal bar per row: rows = [{label, value}]. */
export function bars(rows, { label, format }) {
  const max = Math.max(0.01, ...rows.map((r) => r.value));
  const [w, rowH, left] = [720, 26, 200];
  const chart = svg("svg", { viewBox: `0 0 ${w} ${rows.length * rowH + 8}`, class: "chart", role: "img", "aria-label": label });
  rows.forEach((r, i) => {
    const width = ((w - left - 80) * r.value) / max;
    chart.append(
      svg("text", { x: left - 8, y: i * rowH + 18, class: "tick", "text-anchor": "end" }, r.label.length > 28 ? r.label.slice(0, 27) + "…" : r.label),
      svg("rect", { x: left, y: i * rowH + 5, width: Math.max(1, width).toFixed(1), height: rowH - 10, fill: color(i), class: "bar" }, svg("title", {}, `${r.label}: ${format(r.value)}`)),
      svg("text", { x: left + width + 6, y: i * rowH + 18, class: "tick" }, format(r.value)));
  });
  return el("figure", { class: "chart-box" }, chart);
}

/** Lines over time: series = Map(name → [{t, v}]). */
export function lines(series, { label, format }) {
  const all = [...series.values()].flat();
  const [w, h, pad] = [720, 220, 56];
  const tMin = Math.min(...all.map((p) => p.t)), tMax = Math.max(...all.map((p) => p.t));
  const vMin = Math.min(...all.map((p) => p.v)), vMax = Math.max(...all.map((p) => p.v));
  const x = (t) => pad + (tMax === tMin ? (w - 2 * pad) / 2 : ((t - tMin) / (tMax - tMin)) * (w - 2 * pad));
  const y = (v) => h - pad / 2 - (vMax === vMin ? (h - pad) / 2 : ((v - vMin) / (vMax - vMin)) * (h - pad));
  const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "chart", role: "img", "aria-label": label },
    svg("line", { x1: pad, y1: h - pad / 2, x2: w - pad, y2: h - pad / 2, class: "axis" }),
    svg("text", { x: 4, y: y(vMax) + 4, class: "tick" }, format(vMax)), svg("text", { x: 4, y: y(vMin) + 4, class: "tick" }, format(vMin)),
    svg("text", { x: pad, y: h - 4, class: "tick" }, new Date(tMin).toLocaleString()),
    svg("text", { x: w - pad, y: h - 4, class: "tick", "text-anchor": "end" }, new Date(tMax).toLocaleString()));
  [...series.values()].forEach((pts, i) => {
    chart.append(svg("polyline", { points: pts.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" "), fill: "none", stroke: color(i), "stroke-width": "2" }));
    for (const p of pts) chart.append(svg("circle", { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: "2.5", fill: color(i) }, svg("title", {}, `${format(p.v)} at ${new Date(p.t).toLocaleString()}`)));
  });
  return el("figure", { class: "chart-box" }, chart, legend([...series.keys()]));
}
