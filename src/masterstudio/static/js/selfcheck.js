// 政策自测: picking an occupation from the search results fills the code and name fields.
document.addEventListener("click", function (event) {
  var button = event.target.closest(".occupation-pick");
  if (!button) return;
  var code = document.getElementById("id_occupation_code");
  var name = document.getElementById("id_occupation_name");
  if (code) code.value = button.dataset.code;
  if (name) name.value = button.dataset.name;
  var listed = document.querySelector("input[name=occupation_listed][value=listed]");
  if (listed) listed.checked = true;
  var results = document.getElementById("occupation-results");
  if (results) results.innerHTML = "";
  var form = document.getElementById("selfcheck-form");
  if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
});
