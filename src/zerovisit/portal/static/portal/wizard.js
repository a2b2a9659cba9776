// The apply wizard: the application form shown one step at a time, with a review of every answer before it is
// sent. Without JavaScript all steps show at once; the server checks everything either way.
(function () {
  "use strict";
  const form = document.querySelector("form[data-wizard]");
  if (!form) return;
  const steps = Array.from(form.querySelectorAll("[data-step]"));
  const markers = Array.from(document.querySelectorAll("[data-step-marker]"));
  const review = form.querySelector("[data-review-list]");

  // Only the identity field that fits the kind of applicant is shown, and it is then required.
  function showKind() {
    const chosen = form.querySelector("input[name=applicant_kind]:checked");
    form.querySelectorAll("[data-kind]").forEach(function (box) {
      const on = !chosen || box.dataset.kind === chosen.value;
      box.hidden = !on;
      box.querySelectorAll("input").forEach(function (input) { input.required = on && !!chosen; });
    });
  }

  function show(index, focus) {
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    markers.forEach(function (marker, i) {
      marker.classList.toggle("done", i < index);
      if (i === index) marker.setAttribute("aria-current", "step"); else marker.removeAttribute("aria-current");
    });
    if (steps[index].hasAttribute("data-review")) fillReview();
    if (focus) steps[index].querySelector("legend").focus();
  }

  // The browser's own constraint checks for the fields of one step; the server repeats them all.
  function stepIsValid(step) {
    const fields = Array.from(step.querySelectorAll("input, select, textarea"));
    return fields.every(function (field) { return field.closest("[hidden]") || field.reportValidity(); });
  }

  function answer(field) {
    const input = field.querySelector("input, select, textarea");
    if (!input) return null;
    if (input.type === "file") return Array.from(input.files).map(function (f) { return f.name; }).join("、");
    if (input.type === "checkbox") return input.checked ? review.dataset.yes : "";
    if (input.type === "radio") {
      const checked = field.querySelector("input:checked");
      return checked ? field.querySelector("label[for='" + checked.id + "']").textContent.trim() : "";
    }
    if (input.tagName === "SELECT") return input.value ? input.selectedOptions[0].textContent : "";
    return input.value.trim();
  }

  function fieldLabel(field) {
    const legend = field.querySelector("legend");
    const label = legend || field.querySelector("label");
    return label ? label.textContent.replace("*", "").trim() : "";
  }

  // The review lists what each earlier step holds, built with textContent only: answers are never markup.
  function fillReview() {
    review.querySelectorAll("section").forEach(function (old) { old.remove(); });
    steps.slice(1, -1).forEach(function (step) {
      const section = document.createElement("section");
      const heading = document.createElement("h2");
      heading.textContent = step.querySelector("legend").textContent;
      const list = document.createElement("dl");
      step.querySelectorAll(".field").forEach(function (field) {
        const kind = field.closest("[data-kind]");
        if (kind && kind.hidden) return;
        const value = answer(field);
        if (value === null || (value === "" && field.querySelector("input[type=checkbox]"))) return;
        const term = document.createElement("dt");
        term.textContent = fieldLabel(field);
        const detail = document.createElement("dd");
        detail.textContent = value || review.dataset.empty;
        list.append(term, detail);
      });
      if (list.children.length) {
        section.append(heading, list);
        review.append(section);
      }
    });
  }

  let current = 0;
  form.addEventListener("click", function (event) {
    if (event.target.matches("[data-next]") && stepIsValid(steps[current])) {
      show(++current, true);
    } else if (event.target.matches("[data-back]")) {
      show(--current, true);
    }
  });
  // The courier's address is asked only when a courier comes: to deliver the result or to collect paper.
  function showCourier() {
    const box = form.querySelector("[data-courier]");
    const chosen = form.querySelector("input[name=delivery_method]:checked");
    const paper = form.querySelector("input[name=paper_pickup]");
    if (box) box.hidden = !((chosen && chosen.value === "courier") || (paper && paper.checked));
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "applicant_kind") showKind();
    if (event.target.name === "delivery_method" || event.target.name === "paper_pickup") showCourier();
  });
  // A link in the error summary opens the step that holds the field.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function () {
      const target = document.getElementById(link.getAttribute("href").slice(1));
      if (target && target.closest("[data-step]")) show(current = steps.indexOf(target.closest("[data-step]")));
    });
  });

  // The courier's district as a cascade (province → city → district → street) over the one list the server
  // checks: each level lists the regions one step down from the choice above it, by division code.
  function cascade(select) {
    const allLevels = [2, 4, 6, 9];
    const regions = Array.from(select.options).filter(function (o) { return o.value; }).map(function (o) {
      return { code: o.value, name: o.textContent };
    });
    function prefixLength(code) {
      const digits = code.replace(/0+$/, "").length;
      return allLevels.find(function (n) { return n >= digits; }) || 12;
    }
    // From the widest level the platform has (a city's platform starts at its city).
    const top = Math.max(0, allLevels.findIndex(function (n) {
      return regions.some(function (r) { return prefixLength(r.code) === n; });
    }));
    const levels = allLevels.slice(top);
    const names = select.dataset.cascade.split("|").slice(top);
    const box = document.createElement("div");
    box.className = "cascade";
    const selects = levels.map(function (length, i) {
      const label = document.createElement("label");
      const choice = document.createElement("select");
      choice.id = select.id + "_level" + i;
      label.htmlFor = choice.id;
      label.textContent = names[i] || "";
      box.append(label, choice);
      choice.addEventListener("change", function () { fill(i + 1); pick(); });
      return choice;
    });
    function fill(from) {
      for (let i = from; i < levels.length; i++) {
        const above = i === 0 ? "" : selects[i - 1].value.slice(0, levels[i - 1]);
        const here = regions.filter(function (r) {
          return prefixLength(r.code) === levels[i] && r.code.startsWith(above) && (i === 0 || selects[i - 1].value);
        });
        selects[i].replaceChildren(new Option("—", ""), ...here.map(function (r) { return new Option(r.name, r.code); }));
        selects[i].disabled = here.length === 0;
        selects[i].previousSibling.hidden = selects[i].hidden = here.length === 0 && i > 0;
      }
    }
    function pick() {
      const chosen = selects.map(function (s) { return s.value; }).filter(Boolean);
      select.value = chosen.length ? chosen[chosen.length - 1] : "";
    }
    select.hidden = true;
    select.previousElementSibling.hidden = true;  // its label; the cascade's selects have their own
    select.after(box);
    fill(0);
    // What the server already holds (a refused application, a draft) is shown chosen.
    const kept = select.value;
    levels.forEach(function (length, i) {
      const code = kept.slice(0, length).padEnd(12, "0");
      if (kept && prefixLength(kept) >= length && regions.some(function (r) { return r.code === code; })) {
        selects[i].value = code;
        fill(i + 1);
      }
    });
  }
  form.querySelectorAll("select[data-cascade]").forEach(cascade);

  // The recipient is the applicant unless said otherwise.
  function fillRecipient() {
    [["delivery_name", "applicant_name"], ["delivery_phone", "phone"]].forEach(function (pair) {
      const to = form.querySelector("[name=" + pair[0] + "]");
      const from = form.querySelector("[name=" + pair[1] + "]");
      if (to && from && !to.value) to.value = from.value;
    });
  }
  form.addEventListener("click", function (event) { if (event.target.matches("[data-next]")) fillRecipient(); });

  form.querySelectorAll(".wizard-nav, [data-back][hidden]").forEach(function (el) { el.hidden = false; });
  review.hidden = false;
  showKind();
  showCourier();
  // After the server refused an answer, open the first step with an error; else start at the beginning.
  const firstError = form.querySelector(".has-error");
  current = firstError ? steps.indexOf(firstError.closest("[data-step]")) : (form.querySelector(".error-summary") ? steps.length - 1 : 0);
  show(current, false);
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();  // the refusal is read out first, each message a link to its field
})();
