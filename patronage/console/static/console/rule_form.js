// The earn-rule form shows the settings of the chosen kind only, and of those only the fields of the
// chosen way of earning. Without script the page shows every kind's settings, each under its kind's
// name, and the server reads the chosen kind's alone; hidden fields are disabled here so that they are
// neither sent nor checked by the browser.
"use strict";

function showOnly(elements, shown) {
  for (const element of elements) {
    const visible = shown(element);
    element.hidden = !visible;
    if (element instanceof HTMLFieldSetElement) {
      element.disabled = !visible;
    } else {
      for (const control of element.querySelectorAll("input, select, textarea")) control.disabled = !visible;
    }
  }
}

function chosenValue(form, name) {
  const control = name ? form.elements.namedItem(name) : null;
  return control ? control.value : null; // a select, or a RadioNodeList of radio buttons
}

function ruleFormRefresh(form) {
  const kind = chosenValue(form, "kind");
  const fieldsets = form.querySelectorAll("fieldset[data-rule-kind]");
  showOnly(fieldsets, (fieldset) => fieldset.dataset.ruleKind === kind);
  for (const fieldset of fieldsets) {
    if (fieldset.hidden) continue;
    const way = chosenValue(form, fieldset.dataset.wayField);
    showOnly(fieldset.querySelectorAll("[data-rule-way]"), (field) => field.dataset.ruleWay === way);
  }
}

// <select multiple data-filter="placeholder">: a box above the list hides the options that do not
// contain what is typed (a long catalogue of products is found by a few letters of its name or code).
function filterBoxAdd(select) {
  const box = document.createElement("input");
  box.type = "search";
  box.placeholder = select.dataset.filter;
  box.setAttribute("aria-label", select.dataset.filter);
  box.setAttribute("aria-controls", select.id);
  box.className = "option-filter";
  box.addEventListener("input", () => {
    const wanted = box.value.trim().toLowerCase();
    for (const option of select.options) {
      option.hidden = wanted !== "" && !option.text.toLowerCase().includes(wanted);
    }
  });
  // Enter in the box filters; it must not send the form half filled.
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
  select.before(box);
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("rule-form");
  if (!form) return;
  for (const select of form.querySelectorAll("select[multiple][data-filter]")) filterBoxAdd(select);
  ruleFormRefresh(form);
  form.addEventListener("change", () => ruleFormRefresh(form));
});
