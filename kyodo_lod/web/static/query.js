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
    var tab = yasgui.getTab();
    if (tab && !tab.getQuery().match(/kyodo/)) {
      tab.setQuery(document.querySelector("button.example").getAttribute("data-query"));
    }
  } else if (form) {
    form.hidden = false;
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
