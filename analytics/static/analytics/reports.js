/* Reports page: draws the charts from the JSON embedded by the view (the same
 * JSON the API serves for the same query). Chart.js and chartjs-chart-matrix
 * come from npm and are served by Django: no CDN. */
(function () {
  "use strict";

  const EMOTIONS = ["Angry", "Disgust", "Fear", "Happy", "Neutral", "Sad", "Surprise"];
  const SENTIMENTS = ["Positive", "Negative", "Neutral"];
  const EMOTION_COLORS = {
    Angry: "#d1495b", Disgust: "#7d9d3a", Fear: "#8e6cc2", Happy: "#f2b233",
    Neutral: "#8a94a6", Sad: "#3f6fd8", Surprise: "#ef8a3c",
  };
  const SENTIMENT_COLORS = { Positive: "#2e9d6a", Negative: "#d1495b", Neutral: "#8a94a6" };
  const numberFormat = new Intl.NumberFormat();

  function hourLabel(hour) {
    const hh = String(hour).padStart(2, "0");
    return hh + ":00 - " + hh + ":59";
  }

  function showEmpty(id, message) {
    const canvas = document.getElementById("chart-" + id);
    if (!canvas) return;
    const box = canvas.parentElement;
    box.innerHTML = "";
    const note = document.createElement("p");
    note.className = "empty";
    note.textContent = message;
    box.appendChild(note);
    box.style.height = "auto";
  }

  function make(id, config) {
    const canvas = document.getElementById("chart-" + id);
    if (!canvas) return null;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: { duration: 300 } }, config.options || {});
    return new Chart(canvas, config);
  }

  function draw(data) {
    const summary = data.summary;
    const charts = {};
    const sentiment = summary.overall_sentiment_summary;
    const total = sentiment.total_valid_detections;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#5d6779";

    if (total === 0) {
      ["sentiment", "emotions", "hours", "locations"].forEach((id) => showEmpty(id, "No detections for these filters."));
    } else {
      charts.sentiment = make("sentiment", {
        type: "doughnut",
        data: {
          labels: SENTIMENTS,
          datasets: [{
            data: SENTIMENTS.map((s) => sentiment.sentiment_counts[s]),
            backgroundColor: SENTIMENTS.map((s) => SENTIMENT_COLORS[s]),
            borderWidth: 2,
          }],
        },
        options: {
          cutout: "58%",
          plugins: {
            legend: { position: "right" },
            tooltip: { callbacks: { label: (c) => c.label + ": " + numberFormat.format(c.raw) + " (" + sentiment.sentiment_percentages[c.label] + "%)" } },
          },
        },
      });

      const emotionCounts = summary.overall_emotion_counts;
      charts.emotions = make("emotions", {
        type: "bar",
        data: {
          labels: EMOTIONS,
          datasets: [{ label: "Detections", data: EMOTIONS.map((e) => emotionCounts[e]), backgroundColor: EMOTIONS.map((e) => EMOTION_COLORS[e]), borderRadius: 4, maxBarThickness: 56 }],
        },
        options: {
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: (c) => numberFormat.format(c.raw) + " (" + (100 * c.raw / total).toFixed(2) + "%)" } },
          },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });

      const hours = [...Array(24).keys()];
      const cells = [];
      let max = 0;
      hours.forEach((hour) => {
        const group = summary.analysis_by_hour[hourLabel(hour)];
        EMOTIONS.forEach((emotion) => {
          const value = group ? group.emotion_counts[emotion] : 0;
          max = Math.max(max, value);
          cells.push({ x: String(hour).padStart(2, "0"), y: emotion, v: value });
        });
      });
      charts.hours = make("hours", {
        type: "matrix",
        data: {
          datasets: [{
            label: "Detections",
            data: cells,
            backgroundColor: (c) => {
              const v = c.raw ? c.raw.v : 0;
              if (!v) return "#f1f3f7";
              const alpha = 0.15 + 0.85 * Math.sqrt(v / max);
              return "rgba(39, 80, 170, " + alpha.toFixed(3) + ")";
            },
            borderColor: "#ffffff",
            borderWidth: 1,
            width: (c) => { const a = c.chart.chartArea; return a ? a.width / 24 - 1 : 10; },
            height: (c) => { const a = c.chart.chartArea; return a ? a.height / EMOTIONS.length - 1 : 10; },
          }],
        },
        options: {
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { title: () => "", label: (c) => c.raw.y + " at " + c.raw.x + ":00: " + numberFormat.format(c.raw.v) } },
          },
          scales: {
            x: { type: "category", labels: hours.map((h) => String(h).padStart(2, "0")), grid: { display: false }, title: { display: true, text: "Hour of day (local)" } },
            y: { type: "category", labels: EMOTIONS, offset: true, grid: { display: false } },
          },
        },
      });

      const locations = Object.keys(summary.analysis_by_location);
      charts.locations = make("locations", {
        type: "bar",
        data: {
          labels: locations,
          datasets: EMOTIONS.map((emotion) => ({
            label: emotion,
            data: locations.map((loc) => summary.analysis_by_location[loc].emotion_counts[emotion]),
            backgroundColor: EMOTION_COLORS[emotion],
            maxBarThickness: 34,
          })),
        },
        options: {
          indexAxis: "y",
          plugins: { legend: { position: "bottom" } },
          scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
        },
      });
    }

    if (data.daily.length === 0) {
      showEmpty("daily", "No detections for these filters.");
    } else {
      charts.daily = make("daily", {
        type: "line",
        data: {
          labels: data.daily.map((p) => p.date),
          datasets: [
            ...SENTIMENTS.map((s) => ({
              label: s,
              data: data.daily.map((p) => p.sentiment_counts[s]),
              borderColor: SENTIMENT_COLORS[s],
              backgroundColor: SENTIMENT_COLORS[s] + "22",
              fill: false,
              cubicInterpolationMode: "monotone",
              pointRadius: data.daily.length > 60 ? 0 : 3,
            })),
            {
              label: "All detections",
              data: data.daily.map((p) => p.total),
              borderColor: "#27345c",
              borderDash: [5, 4],
              fill: false,
              cubicInterpolationMode: "monotone",
              pointRadius: 0,
            },
          ],
        },
        options: {
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { position: "bottom" } },
          scales: { x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 12 } }, y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
    }

    if (data.exhibits.length === 0) {
      showEmpty("exhibits", "No visits at exhibits for these filters.");
    } else {
      charts.exhibits = make("exhibits", {
        type: "bar",
        data: {
          labels: data.exhibits.map((r) => r.exhibit),
          datasets: [
            {
              label: "Visits",
              data: data.exhibits.map((r) => r.visits),
              backgroundColor: data.exhibits.map((r) => r.dominant_emotion ? EMOTION_COLORS[r.dominant_emotion] : "#c6ccd8"),
              borderRadius: 4,
              maxBarThickness: 64,
              yAxisID: "y",
              order: 2,
            },
            {
              type: "line",
              label: "Mean dwell (s)",
              data: data.exhibits.map((r) => r.mean_dwell_seconds),
              borderColor: "#ffffff",
              backgroundColor: "#27345c",
              showLine: false,
              pointStyle: "rectRot",
              pointRadius: 7,
              pointHoverRadius: 9,
              yAxisID: "dwell",
              order: 1,
            },
          ],
        },
        options: {
          plugins: {
            legend: { position: "bottom" },
            tooltip: { callbacks: { afterBody: (items) => { const r = data.exhibits[items[0].dataIndex]; return r.dominant_emotion ? "Dominant emotion: " + r.dominant_emotion : ""; } } },
          },
          scales: {
            y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Visits (bar colour = dominant emotion)" } },
            dwell: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "Mean dwell (s)" } },
          },
        },
      });
    }
    drawCorrectedMix(data.corrected_mix, charts);
    return charts;
  }

  /* Detected shares beside the estimated true ones: the interval as a floating bar, the estimate as a mark. */
  function drawCorrectedMix(mix, charts) {
    if (!mix) return;
    if (mix.status !== "estimated") {
      showEmpty("corrected", mix.message);
      return;
    }
    const rows = mix.emotions;
    charts.corrected = make("corrected", {
      type: "bar",
      data: {
        labels: rows.map((r) => r.emotion),
        datasets: [
          {
            label: "Detected %",
            data: rows.map((r) => r.detected_percent),
            backgroundColor: "#c9d1e0",
            order: 3,
          },
          {
            label: "Estimated true % (" + Math.round(mix.level * 100) + " % interval)",
            data: rows.map((r) => [r.low_percent, r.high_percent]),
            backgroundColor: rows.map((r) => EMOTION_COLORS[r.emotion] + "66"),
            borderColor: rows.map((r) => EMOTION_COLORS[r.emotion]),
            borderWidth: 1,
            order: 2,
          },
          {
            type: "line",
            label: "Estimated true %",
            data: rows.map((r) => r.estimated_percent),
            showLine: false,
            pointStyle: "rectRot",
            pointRadius: 6,
            pointHoverRadius: 8,
            backgroundColor: "#27345c",
            borderColor: "#ffffff",
            order: 1,
          },
        ],
      },
      options: {
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { afterBody: (items) => rows[items[0].dataIndex].note } },
        },
        scales: { y: { beginAtZero: true, title: { display: true, text: "% of detections" } } },
      },
    });
  }

  /* The hour table lists all 24 hours; open it at the first hour with detections. */
  function scrollHourTable() {
    const rows = document.querySelectorAll('table[data-table="hours"] tbody tr');
    const first = Array.from(rows).find((row) => row.lastElementChild.textContent.trim() !== "0");
    if (first) {
      const box = first.closest(".numbers");
      box.scrollTop = first.offsetTop - box.querySelector("thead").offsetHeight;
    }
  }

  function start() {
    const source = document.getElementById("report-data");
    if (!source) return;
    if (typeof Chart === "undefined") {
      // node_modules missing (npm ci not run): the tables still carry every number.
      document.querySelectorAll(".report .chart").forEach((box) => {
        box.innerHTML = '<p class="empty">Charts unavailable: the chart library is not installed (run bin/setup).</p>';
        box.style.height = "auto";
      });
      return;
    }
    scrollHourTable();
    window.reportCharts = draw(JSON.parse(source.textContent));
    document.body.dataset.chartsReady = "true";
  }

  document.addEventListener("DOMContentLoaded", start);
})();
