/* The application wizard: keep a copy of what is typed in this browser until the server has it,
   restore it after a closed tab or a session timeout, show the autosave status, and stop double
   submissions. The server keeps the draft too (autosave via htmx); this is the second net. */
(function () {
  "use strict";

  function serialize(form) {
    var data = {};
    new FormData(form).forEach(function (value, key) {
      if (key === "csrfmiddlewaretoken" || typeof value !== "string") return;
      (data[key] = data[key] || []).push(value);
    });
    return data;
  }

  function restore(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "file") return;
      var values = data[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else {
        el.value = values.length ? values[0] : "";
      }
    });
  }

  function setStatus(text, isError) {
    var status = document.getElementById("save-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("save-error", !!isError);
  }

  function initWizard(form) {
    var key = form.getAttribute("data-draft-key");
    var serverTime = parseInt(form.getAttribute("data-updated") || "0", 10) * 1000;
    var stored = null;
    try { stored = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (stored && stored.dirty && stored.at > serverTime) {
      restore(form, stored.data);
      var note = document.getElementById("restore-note");
      if (note) note.hidden = false;
      if (window.htmx) window.htmx.trigger(form, "change");
    }
    function keep() {
      try {
        window.localStorage.setItem(key, JSON.stringify({ at: Date.now(), dirty: true, data: serialize(form) }));
      } catch (e) { /* storage full or disabled: the server copy still applies */ }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    var sequence = 0;
    form.addEventListener("htmx:configRequest", function (evt) {
      // numbered autosaves: the server drops one answered after a later one (services._stale_autosave)
      if (evt.detail.elt === form) evt.detail.parameters["autosave_seq"] = String(Date.now() * 1000 + (sequence++ % 1000));
    });
    form.addEventListener("htmx:beforeRequest", function (evt) {
      if (evt.detail.elt === form) setStatus("正在保存……");
    });
    form.addEventListener("htmx:afterRequest", function (evt) {
      if (evt.detail.elt !== form) return;
      if (evt.detail.successful) {
        try {
          window.localStorage.setItem(key, JSON.stringify({ at: Date.now(), dirty: false, data: serialize(form) }));
        } catch (e) { /* ignore */ }
        var note = document.getElementById("restore-note");
        if (note) note.hidden = true;
      } else {
        var xhr = evt.detail.xhr;
        var text = xhr && xhr.responseText && xhr.status < 500 ? xhr.responseText
          : "暂时无法连接服务器，您填写的内容已保存在本机浏览器中，恢复连接后会自动保存";
        setStatus(text, true);
      }
    });
  }

  function initOnce() {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (evt) {
        var question = form.getAttribute("data-confirm");
        if (question && !window.confirm(question)) { evt.preventDefault(); return; }
        if (form.getAttribute("data-sent")) { evt.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("wizard");
    if (form) initWizard(form);
    initOnce();
  });
})();

// 登记新人员: the birth date and gender are read from the ID number (GB 11643: digits 7–14 the
// birth date, digit 17 odd for men), shown as typed; the server derives them the same way.
(function () {
  var input = document.querySelector("[data-id-facts]");
  if (!input) return;
  var out = document.getElementById(input.dataset.idFacts);
  var weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  function show() {
    var v = input.value.trim().toUpperCase();
    if (!out) return;
    if (v.length !== 18) { out.textContent = v ? "身份证号应为 18 位（当前 " + v.length + " 位）" : ""; return; }
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += parseInt(v[i], 10) * weights[i];
    if (isNaN(sum) || "10X98765432"[sum % 11] !== v[17]) { out.textContent = "身份证号校验位不符，请核对"; return; }
    var male = parseInt(v[16], 10) % 2 === 1;
    out.textContent = "按身份证号：出生日期 " + v.slice(6, 10) + "-" + v.slice(10, 12) + "-" + v.slice(12, 14) +
      "，性别 " + (male ? "男" : "女") + (male ? "" : "（请选择原法定退休年龄）");
  }
  input.addEventListener("input", show);
  show();
})();

// The step index stays on screen (sticky) and marks the step being filled in.
(function () {
  var nav = document.querySelector("[data-step-nav]");
  if (!nav || !("IntersectionObserver" in window)) return;
  var links = Array.prototype.slice.call(nav.querySelectorAll("a[href^='#']"));
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      links.forEach(function (a) {
        var on = a.getAttribute("href") === "#" + entry.target.id;
        a.classList.toggle("current", on);
        if (on) a.setAttribute("aria-current", "step"); else a.removeAttribute("aria-current");
      });
    });
  }, { rootMargin: "-20% 0px -70% 0px" });
  links.forEach(function (a) {
    var target = document.getElementById(a.getAttribute("href").slice(1));
    if (target) observer.observe(target);
  });
})();
