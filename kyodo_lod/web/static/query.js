// The query UI: YASGUI when vendored (scripts/vendor_yasgui.sh), else the plain form.
// No network beyond this server: the class/property autocompleters (which call LOV) are off.
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  var form = document.getElementById("plain-form");
  var textarea = document.getElementById("query");
  var yasgui = null;
  if (host && window.Yasgui) {
    var Yasqe = window.Yasgui.Yasqe;
    if (Yasqe && Yasqe.defaults && Yasqe.defaults.autocompleters) {
      Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(function (name) {
        return name !== "class" && name !== "property";
      });
    }
    var endpoint = new URL(host.getAttribute("data-endpoint"), window.location.href).href;
    yasgui = new window.Yasgui(host, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    });
    window.kyodoYasgui = yasgui;
    labelWidgets(host);
    new MutationObserver(function () { labelWidgets(host); }).observe(host, {
      childList: true,
      subtree: true,
    });
    var tab = yasgui.getTab();
    if (tab && !tab.getQuery().match(/kyodo/)) {
      tab.setQuery(document.querySelector("button.example").getAttribute("data-query"));
    }
  } else if (form) {
    form.hidden = false;
  }
  // YASGUI leaves some controls without names and its tab list half-marked: name them (for
  // screen readers, checked by the axe test) every time it redraws
  function labelWidgets(root) {
    var ja = document.documentElement.lang === "ja";
    var names = [
      ["textarea", ja ? "SPARQL クエリ" : "SPARQL query"],
      ["input.autocomplete", ja ? "エンドポイント" : "Endpoint"],
      ["input", ja ? "入力" : "Input"],
      ["select", ja ? "表示件数" : "Rows shown"],
    ];
    names.forEach(function (pair) {
      root.querySelectorAll(pair[0] + ":not([aria-label])").forEach(function (el) {
        el.setAttribute("aria-label", pair[1]);
      });
    });
    // a tab list may hold only tabs: the "new tab" button moves just after it
    root.querySelectorAll("[role=tablist]").forEach(function (list) {
      Array.prototype.slice.call(list.children).forEach(function (child) {
        if (child.getAttribute("role") !== "tab" && !child.querySelector("[role=tab]")) {
          list.parentNode.insertBefore(child, list.nextSibling);
        }
      });
    });
  }
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var query = button.getAttribute("data-query");
      if (yasgui) {
        var current = yasgui.getTab();
        current.setQuery(query);
        current.query();
      } else if (textarea) {
        textarea.value = query;
        textarea.focus();
      }
    });
  });
})();
