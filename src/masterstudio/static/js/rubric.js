// 评分表: "添加一行" copies the last (blank) row of the table with the next form index.
(function () {
  var button = document.getElementById("add-row");
  var body = document.getElementById("rubric-rows");
  var total = document.getElementById("id_c-TOTAL_FORMS");
  if (!button || !body || !total) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var rows = body.querySelectorAll("tr.rubric-row");
    var last = rows[rows.length - 1];
    var index = parseInt(total.value, 10);
    if (!last || index >= 40) return;
    var copy = last.cloneNode(true);
    copy.classList.remove("has-error");
    copy.querySelectorAll(".errorlist").forEach(function (e) { e.remove(); });
    copy.querySelectorAll("input, textarea, label").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, v.replace(/c-\d+-/, "c-" + index + "-"));
      });
      if (el.tagName !== "LABEL") el.value = "";
      if (el.tagName === "LABEL") el.textContent = el.textContent.replace(/\d+/, String(index + 1));
    });
    copy.cells[0].textContent = String(index + 1);
    body.appendChild(copy);
    total.value = String(index + 1);
    copy.querySelector("input").focus();
  });
})();
