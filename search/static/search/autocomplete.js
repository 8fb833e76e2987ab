// Suggestions under the search box while typing. The page works without this script: the form
// submits to the results page, which also matches a partly typed last word.
(function () {
  "use strict";
  var input = document.querySelector("input[data-autocomplete-url]");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;

  var timer = null;
  var lastQuery = "";

  function clear() {
    list.innerHTML = "";
    list.hidden = true;
  }

  function render(results) {
    list.innerHTML = "";
    results.forEach(function (result) {
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      var type = document.createElement("span");
      type.className = "search-suggestions__type";
      type.textContent = result.type_label;
      item.appendChild(link);
      item.appendChild(type);
      list.appendChild(item);
    });
    list.hidden = results.length === 0;
  }

  function load() {
    var query = input.value.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    if (query.length < 2) {
      clear();
      return;
    }
    var url = input.getAttribute("data-autocomplete-url") + "?q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (data.query === lastQuery) render(data.results); })
      .catch(clear);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") clear();
  });
})();
