// kg serve: YASGUI with one tab per named query; shows the server's notices (row cap, timeout).
(function () {
  "use strict";
  var endpoint = new URL("sparql", document.baseURI).href;  // works behind a path prefix too
  document.getElementById("endpoint").textContent = endpoint;
  var notice = document.getElementById("notice");

  function show(text, isError) {
    notice.textContent = text || "";
    notice.hidden = !text;
    notice.className = isError ? "error" : "";
  }

  var yasgui = window.kgYasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,          // the tabs come from the server, fresh on every visit
    autoAddOnInit: false,
    populateFromUrl: false,
    yasqe: { autocompleters: ["prefixes", "variables"] },  // no look-ups on outside services
  });

  yasgui.on("query", function () { show(""); });
  yasgui.on("tabSelect", function () { show(""); });
  // the server says in headers when it cut the rows; errors (timeout, refusal) arrive as text
  yasgui.on("tabAdd", function (instance, tabId) { hook(instance.getTab(tabId)); });

  function hook(tab) {
    if (!tab || tab._kgHooked) return;
    tab._kgHooked = true;
    var attach = function () {
      var yasqe = tab.getYasqe();
      if (!yasqe) return setTimeout(attach, 50);
      yasqe.on("queryResponse", function (_yasqe, response) {
        if (response && response.headers && response.headers.get) {
          show(response.headers.get("X-KG-Notice"), false);
        } else if (response instanceof Error) {
          show(response.message, true);
        }
      });
    };
    attach();
  }

  fetch("queries.json").then(function (r) { return r.json(); }).then(function (tabs) {
    if (!tabs.length) {
      tabs = [{ name: "query", title: "Query", query: "SELECT * WHERE { ?s ?p ?o } LIMIT 10" }];
    }
    tabs.forEach(function (t, i) {
      var tab = yasgui.addTab(i === 0, { name: t.title, yasqe: { value: t.query },
                                        requestConfig: { endpoint: endpoint } });
      hook(tab);
    });
  }).catch(function (e) { show("could not load the named queries: " + e, true); });
})();
