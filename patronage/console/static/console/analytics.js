// Draws the console's charts from the specs the page embeds with json_script (see console/charts.py:
// chart()). Datasets marked "interval" are floating bars low-high; a "tone" (good, warn, bad) colours a
// dataset by what it means; "dots" draws a line chart's dataset as marked points without a line.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Chart) return;
  const style = getComputedStyle(document.documentElement);
  const accent = style.getPropertyValue("--accent").trim() || "#2563eb";
  const palette = [accent, "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b"];
  const tones = {
    good: style.getPropertyValue("--good").trim() || "#10b981",
    warn: style.getPropertyValue("--warn").trim() || "#f59e0b",
    bad: style.getPropertyValue("--bad").trim() || "#ef4444",
  };
  const percent = (value) => `${Math.round(value * 1000) / 10}%`;
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    const spec = JSON.parse(source.textContent);
    let colour = 0;
    const datasets = spec.datasets.map((dataset) => {
      const base = dataset.interval
        ? "rgba(15, 23, 42, 0.35)"
        : tones[dataset.tone] || palette[colour++ % palette.length];
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: base,
        borderColor: base,
        borderDash: dataset.dashed ? [4, 4] : [],
        pointRadius: dataset.dots ? 6 : spec.type === "line" ? 2 : undefined,
        showLine: !dataset.dots,
        barPercentage: dataset.interval && spec.datasets.length > 1 ? 0.25 : 0.8,
        // Datasets sharing a stack share a place (an interval over its own bar); a lone interval dataset
        // without one is drawn over the bar of its category.
        stack: dataset.stack,
        grouped: dataset.stack !== undefined || !dataset.interval || spec.datasets.length === 1,
        order: dataset.interval ? 0 : 1, // intervals drawn over the bars, like error bars
        fill: false,
        tension: 0.2,
      };
    });
    const valueAxis = {
      beginAtZero: true,
      // Datasets that share a stack share a place, and their values are not added up.
      stacked: false,
      ticks: spec.percent ? { callback: (value) => percent(value) } : spec.whole ? { precision: 0 } : {},
    };
    const scales = spec.horizontal ? { x: valueAxis } : { y: valueAxis };
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        indexAxis: spec.horizontal ? "y" : "x",
        scales,
        plugins: {
          legend: {
            display: datasets.length > 1,
            // Each group's interval has the same name: the legend says it once.
            labels: {
              filter: (item, data) =>
                data.datasets.findIndex((other) => other.label === item.text) === item.datasetIndex,
            },
          },
          tooltip: {
            callbacks: spec.percent
              ? {
                  label: (item) => {
                    const raw = item.raw;
                    const text = Array.isArray(raw) ? `${percent(raw[0])} – ${percent(raw[1])}` : percent(raw);
                    return `${item.dataset.label}: ${text}`;
                  },
                }
              : {},
          },
        },
      },
    });
    canvas.dataset.drawn = "true";
  });
});
