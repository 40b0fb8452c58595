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

// <form data-brand-form>: the preview in the form follows the name and the colour as they are typed.
document.addEventListener("input", (event) => {
  const field = event.target;
  const form = field instanceof HTMLInputElement ? field.closest("[data-brand-form]") : null;
  if (!form) return;
  if (field.name === "name") {
    const name = form.querySelector("[data-preview-name]");
    if (name) name.textContent = field.value;
  }
  const swatch = form.querySelector("[data-preview-swatch]");
  if (field.name === "colour" && swatch && /^#[0-9a-f]{6}$/i.test(field.value)) {
    swatch.style.background = field.value;
    swatch.style.color = brandInk(field.value);
  }
});

// White or near-black, whichever contrasts more with the colour (WCAG 2), as the server's colours.css.
function brandInk(colour) {
  const linear = (hex) => {
    const value = parseInt(hex, 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = [1, 3, 5].map((at) => linear(colour.slice(at, at + 2)));
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const dark = 0.2126 * linear("11") + 0.7152 * linear("11") + 0.0722 * linear("11");
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / (dark + 0.05) ? "#fff" : "#111";
}
