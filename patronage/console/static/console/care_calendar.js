// The calendar editor's rows of opening hours: add a row to a day, remove one. Without this script the page
// offers three rows a day, which the server reads the same way; it only adds the buttons. No inline script:
// the Content-Security-Policy runs our own files only.
"use strict";

(() => {
  const table = document.getElementById("calendar-hours");
  if (!table) return;
  const renumber = (row, index) => {
    for (const input of row.querySelectorAll("input")) {
      const name = input.name.replace(/_(\d+)$/, `_${index}`);
      input.name = name;
      input.id = `calendar_${name}`;
    }
    for (const label of row.querySelectorAll("label")) {
      label.htmlFor = label.htmlFor.replace(/_(\d+)$/, `_${index}`);
    }
  };
  for (const cell of table.querySelectorAll("td.intervals")) {
    const add = cell.querySelector(".add-interval");
    add.hidden = false;
    const rows = () => cell.querySelectorAll(".interval");
    const wire = (row) => {
      const remove = row.querySelector(".remove-interval");
      remove.hidden = false;
      remove.addEventListener("click", () => {
        if (rows().length > 1) {
          row.remove();
        } else {
          for (const input of row.querySelectorAll("input")) input.value = "";
        }
      });
    };
    rows().forEach(wire);
    add.addEventListener("click", () => {
      const all = rows();
      const last = all[all.length - 1];
      const copy = last.cloneNode(true);
      copy.classList.remove("has-error");
      for (const error of copy.querySelectorAll(".errorlist")) error.remove();
      const highest = Math.max(...[...all].map((row) => Number(row.querySelector("input").name.match(/_(\d+)$/)[1])));
      renumber(copy, highest + 1);
      for (const input of copy.querySelectorAll("input")) input.value = "";
      last.after(copy);
      wire(copy);
      copy.querySelector("input").focus();
    });
  }
})();
