// A survey's branching, as feedback.questions.questions_shown decides it on the server: a question with a
// condition is shown only while the answer it depends on (itself shown) matches. Hidden questions' fields
// are disabled, so they are not sent. Without this script every question is shown and the server drops the
// answers to those the respondent would not have seen.
"use strict";

(() => {
  const answerOf = (box) => {
    const inputs = [...box.querySelectorAll("input")];
    const checked = inputs.filter((input) => input.checked).map((input) => input.value);
    if (!checked.length) return null;
    if (box.dataset.kind === "scale") return Number(checked[0]);
    return box.dataset.kind === "multiple" ? checked : checked[0];
  };

  const holds = (rule, answer) => {
    if (answer === null || answer === undefined) return false;
    const anyOf = rule.any_of || [];
    if (Array.isArray(answer)) return anyOf.some((value) => answer.includes(value));
    if (anyOf.length) return anyOf.includes(answer);
    if (typeof answer !== "number") return false;
    const low = rule.at_least ?? null;
    const high = rule.at_most ?? null;
    return (low === null || answer >= low) && (high === null || answer <= high);
  };

  const update = (form) => {
    const seen = new Map();
    for (const box of form.querySelectorAll("[data-question]")) {
      let rule = null;
      try {
        rule = box.dataset.shownWhen ? JSON.parse(box.dataset.shownWhen) : null;
      } catch {
        rule = null; // a rule the page cannot read: the question stays shown, the server decides
      }
      const shown = !rule || holds(rule, seen.get(rule.question));
      box.hidden = !shown;
      for (const field of box.querySelectorAll("input, textarea, select")) field.disabled = !shown;
      if (shown) seen.set(box.dataset.question, answerOf(box));
    }
  };

  for (const form of document.querySelectorAll("form[data-survey-form]")) {
    update(form);
    form.addEventListener("change", () => update(form));
  }
})();
