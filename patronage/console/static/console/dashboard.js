// Draws the dashboard's sign-ups chart from the data the page embeds with json_script.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("signups-data");
  const canvas = document.getElementById("signups-chart");
  if (!source || !canvas || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const accent = getComputedStyle(document.documentElement).getPropertyValue("--accent").trim();
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: data.label, data: data.counts, backgroundColor: accent }] },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});
