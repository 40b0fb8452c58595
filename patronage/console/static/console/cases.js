// The case pages' countdowns: every element with data-due says how long until that time, or how late it is,
// again every 30 seconds, in the words the page gives in #timer-words (the reader's language). The server
// wrote the same words when it drew the page; this only keeps them current. No inline script: the
// Content-Security-Policy runs our own files only.
"use strict";

(() => {
  const words = document.getElementById("timer-words");
  if (!words) return;
  const say = words.dataset;
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (whole, key) => String(values[key]));
  const MINUTE = 60, HOUR = 3600, DAY = 86400;

  // The two largest units, as case_words.duration_words writes them: "2 d 3 h", "1 h 20 min", "35 min".
  const duration = (seconds) => {
    const days = Math.floor(seconds / DAY);
    const hours = Math.floor((seconds % DAY) / HOUR);
    const minutes = Math.floor((seconds % HOUR) / MINUTE);
    const parts = [];
    if (days) {
      parts.push(fill(say.days, { n: days }));
      if (hours) parts.push(fill(say.hours, { n: hours }));
    } else if (hours) {
      parts.push(fill(say.hours, { n: hours }));
      if (minutes) parts.push(fill(say.minutes, { n: minutes }));
    } else if (minutes) {
      parts.push(fill(say.minutes, { n: minutes }));
    } else {
      return say.instant;
    }
    return parts.join(" ");
  };

  const tick = () => {
    const now = Date.now();
    for (const timer of document.querySelectorAll("[data-due]")) {
      const due = Date.parse(timer.dataset.due);
      if (Number.isNaN(due)) continue;
      const left = Math.trunc((due - now) / 1000);
      const late = left < 0;
      const out = timer.querySelector("[data-countdown]") || timer;
      out.textContent = fill(late ? say.lateBy : say.dueIn, { time: duration(Math.abs(left)) });
      timer.classList.toggle("late", late);
      timer.classList.toggle("due", !late);
    }
  };

  tick();
  window.setInterval(tick, 30_000);
})();

// The compensation form shows the fields of the kind chosen: points and their program, or the benefit.
(() => {
  const form = document.querySelector("form.compensation-form");
  if (!form) return;
  const kind = form.querySelector("select[name=kind]");
  const only = { points: ["points", "program"], benefit: ["benefit"] };
  const show = () => {
    for (const [chosen, names] of Object.entries(only)) {
      for (const name of names) {
        const field = form.querySelector(`[name=${name}]`);
        const box = field && field.closest("div");
        if (box) box.hidden = kind.value !== chosen && !field.getAttribute("aria-invalid");
      }
    }
  };
  kind.addEventListener("change", show);
  show();
})();

// A saved reply chosen fills the reply box with its text, already in the customer's language and filled in
// (data-text); typed words are kept and the text goes where the cursor is. Without the script, the form's
// button reloads the page with the box filled.
(() => {
  const select = document.querySelector("select[data-fills]");
  const box = select && document.getElementById(select.dataset.fills);
  if (!box) return;
  select.form.querySelector("button").remove();
  select.addEventListener("change", () => {
    const text = select.selectedOptions[0]?.dataset.text;
    if (!text) return;
    const at = box.value.trim() ? box.selectionStart : 0;
    box.value = box.value.trim() ? box.value.slice(0, at) + text + box.value.slice(box.selectionEnd) : text;
    box.focus();
    box.setSelectionRange(at + text.length, at + text.length);
    select.value = "";
  });
})();
