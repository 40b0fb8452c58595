// The segment builder: the rules as a tree a person edits (groups "all of" / "any of", nested groups, "not",
// and rows of field, operator and value), written as JSON into the form's hidden `rules` field on every
// change. The fields, their operators in words and the builder's own words come from the page
// (json_script "segment-catalogue"), so nothing here is in one language. After each change the body hears
// "rules-change": htmx posts the rules for the live count (debounced on the element that listens). The
// problems the server names by path (`rules.all.1.value`) are shown on the row or group the path is in;
// rows are numbered in reading order, as the server numbers them in its messages.
"use strict";

(() => {
  const form = document.getElementById("segment-form");
  const mount = document.getElementById("segment-builder");
  const hidden = document.getElementById("segment_rules");
  const source = document.getElementById("segment-catalogue");
  if (!form || !mount || !hidden || !source) return;
  const catalogue = JSON.parse(source.textContent);
  const words = catalogue.words;
  const fields = new Map(catalogue.fields.map((field) => [field.name, field]));
  const problemsSource = document.getElementById("segment-rule-problems");
  let pending = problemsSource ? JSON.parse(problemsSource.textContent) : [];

  const isCondition = (node) => node && typeof node === "object" && ("field" in node || "op" in node);
  const groupOp = (node) => (Array.isArray(node.all) ? "all" : Array.isArray(node.any) ? "any" : null);

  // The root is always a group: stored rules that are a bare condition or a "not" are put in one.
  function read(text) {
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!data || typeof data !== "object" || Array.isArray(data)) return { all: [] };
    return !isCondition(data) && groupOp(data) ? data : { all: [data] };
  }

  let root = read(hidden.value);

  function el(tag, attrs = {}, children = []) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (name === "text") element.textContent = value;
      else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
      else if (value !== null && value !== undefined && value !== false) element.setAttribute(name, value);
    }
    for (const child of children) if (child) element.append(child);
    return element;
  }

  function changed() {
    hidden.value = JSON.stringify(root);
    pending = [];
    document.body.dispatchEvent(new Event("rules-change"));
  }

  function rerender() {
    render();
    changed();
  }

  // --- values --------------------------------------------------------------------------------------------

  const shapeOf = (op) => (["between", "in", "within_days"].includes(op) ? op : "one");

  function fresh(field, op) {
    if (op === "between") return [null, null];
    if (op === "in") return [];
    if (op === "within_days") return 30;
    if (field.kind === "bool") return true;
    return field.kind === "number" ? null : "";
  }

  function newCondition() {
    const field = catalogue.fields[0];
    return { field: field.name, op: field.operators[0], value: fresh(field, field.operators[0]) };
  }

  function readInput(field, input) {
    const text = input.value.trim();
    if (field.kind === "number") return text === "" ? null : Number(text);
    if (field.kind === "date") return text === "" ? null : text;
    return input.value;
  }

  function inputFor(field, value, label, onValue) {
    const type = field.kind === "number" ? "number" : field.kind === "date" ? "date" : "text";
    const input = el("input", { type, "aria-label": label, class: "rule-value" });
    if (type === "number") input.step = "any";
    input.value = value === null || value === undefined ? "" : String(value);
    input.addEventListener("input", () => onValue(readInput(field, input)));
    return input;
  }

  function selectFor(choices, value, label, onValue, { multiple = false } = {}) {
    const select = el("select", { "aria-label": label, class: "rule-value", multiple: multiple || null });
    if (!multiple) select.append(el("option", { value: "", text: "—" }));
    const chosen = new Set(multiple ? value || [] : [value]);
    for (const [code, text] of choices) {
      const option = el("option", { value: code, text });
      option.selected = chosen.has(code);
      select.append(option);
    }
    select.addEventListener("change", () => {
      onValue(multiple ? Array.from(select.selectedOptions, (option) => option.value) : select.value);
    });
    return select;
  }

  function valueEditor(condition, field) {
    const set = (value) => {
      condition.value = value;
      changed();
    };
    const label = words.value;
    const op = condition.op;
    if (op === "within_days") {
      const days = el("input", { type: "number", min: "0", step: "1", "aria-label": words.days, class: "rule-value" });
      days.value = condition.value ?? "";
      days.addEventListener("input", () => set(days.value === "" ? null : Number(days.value)));
      return [days, el("span", { text: words.days })];
    }
    if (op === "between") {
      const pair = Array.isArray(condition.value) ? condition.value : [null, null];
      condition.value = pair;
      const low = inputFor(field, pair[0], label, (value) => {
        pair[0] = value;
        set(pair);
      });
      const high = inputFor(field, pair[1], label, (value) => {
        pair[1] = value;
        set(pair);
      });
      return [low, el("span", { text: words.and }), high];
    }
    if (field.kind === "bool") {
      const select = selectFor(
        [
          ["true", words.yes],
          ["false", words.no],
        ],
        String(condition.value),
        label,
        (value) => set(value === "true"),
      );
      select.firstChild.remove(); // no blank: a yes or no is always chosen
      return [select];
    }
    if (field.choices) {
      return [selectFor(field.choices, condition.value, label, set, { multiple: op === "in" })];
    }
    if (op === "in") {
      const input = el("input", { type: "text", "aria-label": label, class: "rule-value", placeholder: words.commaHelp });
      input.value = Array.isArray(condition.value) ? condition.value.join(", ") : "";
      input.addEventListener("input", () => {
        const items = input.value.split(",").map((item) => item.trim()).filter(Boolean);
        set(field.kind === "number" ? items.map(Number) : items);
      });
      return [input];
    }
    return [inputFor(field, condition.value, label, set)];
  }

  // --- rows and groups -----------------------------------------------------------------------------------

  function fieldSelect(condition) {
    const select = el("select", { "aria-label": words.field, class: "rule-field" });
    const groups = new Map();
    for (const field of catalogue.fields) {
      if (!groups.has(field.group)) groups.set(field.group, el("optgroup", { label: field.group }));
      const option = el("option", { value: field.name, text: field.label });
      option.selected = field.name === condition.field;
      groups.get(field.group).append(option);
    }
    select.append(...groups.values());
    select.addEventListener("change", () => {
      const field = fields.get(select.value);
      condition.field = field.name;
      condition.op = field.operators[0];
      condition.value = fresh(field, condition.op);
      delete condition.days;
      rerender();
    });
    return select;
  }

  function operatorSelect(condition, field) {
    const select = el("select", { "aria-label": words.operator, class: "rule-op" });
    for (const op of field.operators) {
      const text = (field.kind === "date" && catalogue.dateOperators[op]) || catalogue.operators[op] || op;
      const option = el("option", { value: op, text });
      option.selected = op === condition.op;
      select.append(option);
    }
    select.addEventListener("change", () => {
      if (shapeOf(select.value) !== shapeOf(condition.op)) condition.value = fresh(field, select.value);
      condition.op = select.value;
      rerender();
    });
    return select;
  }

  function windowEditor(condition) {
    const days = el("input", { type: "number", min: "1", step: "1", "aria-label": words.windowHelp, class: "rule-days" });
    days.value = condition.days ?? "";
    days.addEventListener("input", () => {
      if (days.value === "") delete condition.days;
      else condition.days = Number(days.value);
      changed();
    });
    return el("span", { class: "window" }, [el("span", { text: words.window }), days, el("span", { text: words.windowHelp })]);
  }

  function conditionRow(condition, path, number, remove) {
    const field = fields.get(condition.field);
    const row = el("div", { class: "rule-row", "data-path": path, "data-row": String(number) });
    row.append(el("span", { class: "row-number", text: `${number}.`, title: words.row.replace("%(number)s", number) }));
    if (!field) {
      // A field no longer offered: the row can only be removed (its words stay as the server wrote them).
      row.append(el("span", { text: String(condition.field) }));
    } else {
      row.append(fieldSelect(condition), operatorSelect(condition, field), ...valueEditor(condition, field));
      if (field.windowed && condition.op !== "within_days") row.append(windowEditor(condition));
    }
    if (remove) row.append(el("button", { type: "button", class: "secondary rule-remove", text: words.remove, onclick: remove }));
    if (field && field.help) row.append(el("small", { class: "help muted", text: field.help }));
    return row;
  }

  function toolButtons(list) {
    const add = (make) => () => {
      list.push(make());
      rerender();
    };
    return el("div", { class: "group-tools" }, [
      el("button", { type: "button", class: "secondary add-condition", text: words.addCondition, onclick: add(newCondition) }),
      el("button", { type: "button", class: "secondary add-group", text: words.addGroup, onclick: add(() => ({ any: [newCondition()] })) }),
      el("button", { type: "button", class: "secondary add-not", text: words.addNot, onclick: add(() => ({ not: { all: [newCondition()] } })) }),
    ]);
  }

  function groupBox(group, path, counter, remove) {
    const op = groupOp(group);
    const list = group[op];
    const box = el("div", { class: "rule-group", "data-path": path });
    const choose = el("select", { "aria-label": words.match, class: "group-op" }, [
      el("option", { value: "all", text: words.all }),
      el("option", { value: "any", text: words.any }),
    ]);
    choose.value = op;
    choose.addEventListener("change", () => {
      delete group[op];
      group[choose.value] = list;
      rerender();
    });
    const head = el("div", { class: "group-head" }, [remove ? null : el("span", { text: words.match }), choose]);
    if (remove) head.append(el("button", { type: "button", class: "secondary rule-remove", text: words.remove, onclick: remove }));
    box.append(head);
    list.forEach((child, index) => {
      const drop = () => {
        list.splice(index, 1);
        rerender();
      };
      box.append(node(child, `${path}.${op}.${index}`, counter, drop));
    });
    box.append(toolButtons(list));
    return box;
  }

  function node(data, path, counter, remove) {
    if (isCondition(data)) {
      counter.rows += 1;
      return conditionRow(data, path, counter.rows, remove);
    }
    if (data && typeof data === "object" && "not" in data) {
      const box = el("div", { class: "rule-group not-box", "data-path": path }, [
        el("div", { class: "group-head" }, [
          el("strong", { text: words.not }),
          el("button", { type: "button", class: "secondary rule-remove", text: words.remove, onclick: remove }),
        ]),
      ]);
      box.append(node(data.not, `${path}.not`, counter, null));
      return box;
    }
    if (data && typeof data === "object" && groupOp(data)) return groupBox(data, path, counter, remove);
    return el("p", { class: "row-error", "data-path": path, text: JSON.stringify(data) });
  }

  // --- problems the server named -------------------------------------------------------------------------

  function showProblems(problems) {
    for (const old of mount.querySelectorAll(".row-error.from-server")) old.remove();
    for (const marked of mount.querySelectorAll(".has-error")) marked.classList.remove("has-error");
    const places = Array.from(mount.querySelectorAll("[data-path]"));
    for (const problem of problems) {
      // The deepest row or group the path is in: `rules.all.1.value` is about row rules.all.1.
      const place = places
        .filter((item) => problem.path === item.dataset.path || problem.path.startsWith(`${item.dataset.path}.`))
        .sort((a, b) => b.dataset.path.length - a.dataset.path.length)[0];
      if (!place) continue;
      place.classList.add("has-error");
      const message = el("p", { class: "row-error from-server", role: "alert", text: problem.message });
      if (place.classList.contains("rule-row")) place.append(message);
      else place.firstChild.after(message);
    }
  }

  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "segment-preview") return;
    const listed = event.detail.target.querySelectorAll("[data-rule-path]");
    showProblems(Array.from(listed, (item) => ({ path: item.dataset.rulePath, message: item.querySelector(".problem-message").textContent })));
  });

  // --- the page ------------------------------------------------------------------------------------------

  function render() {
    mount.replaceChildren(node(root, "rules", { rows: 0 }, null));
    showProblems(pending);
  }

  // Enter in a value must not send a half-built segment.
  mount.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target instanceof HTMLInputElement) event.preventDefault();
  });

  // A static list has no rules: the builder and its count are hidden while that kind is chosen.
  const rulesField = document.getElementById("rules-field");
  function kindShown() {
    const chosen = form.querySelector("input[name=kind]:checked");
    if (rulesField) rulesField.hidden = Boolean(chosen && chosen.value !== "rules");
  }
  for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", kindShown);
  kindShown();
  render();
})();
