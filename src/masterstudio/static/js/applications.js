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
