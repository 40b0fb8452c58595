// Behaviour the templates ask for with data- attributes. The Content-Security-Policy lets pages run
// script from our own files only, so no template carries inline script or on...= handlers.
"use strict";

// <select data-submit-on-change>: choosing an option sends its form (the language switch).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof Element && field.matches("[data-submit-on-change]") && field.form) {
    field.form.submit();
  }
});

// <input data-select-on-focus>: focusing the field selects its text, ready to copy (a new API key).
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.matches("[data-select-on-focus]")) {
    field.select();
  }
});

// <form data-confirm="question">: the form is sent only when the person confirms.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
