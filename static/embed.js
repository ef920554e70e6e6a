// distviz embed loader: write <div data-distviz="raft-election"></div> in a
// page and include this script; it becomes an iframe of that lab, sized to
// its content. Options as data attributes: data-scenario (a share link's
// s= value), data-at (ms), data-controls="0", data-theme="light|dark",
// data-click="crash" (a click crashes a server instead of selecting it),
// data-height (initial px).
(function () {
  var script = document.currentScript;
  var base = (script && script.src) ? script.src.replace(/embed\.js(\?.*)?$/, "") : "./";
  function mount(el) {
    if (el.getAttribute("data-distviz-mounted")) return;
    el.setAttribute("data-distviz-mounted", "1");
    var params = ["embed=1"];
    var map = { scenario: "s", at: "t", controls: "controls", theme: "theme", click: "click" };
    Object.keys(map).forEach(function (key) {
      var value = el.getAttribute("data-" + key);
      if (value) params.push(map[key] + "=" + encodeURIComponent(value));
    });
    var frame = document.createElement("iframe");
    frame.src = base + "index.html#/" + el.getAttribute("data-distviz") + "?" + params.join("&");
    frame.title = el.getAttribute("data-title") || "distviz lab: " + el.getAttribute("data-distviz");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = (el.getAttribute("data-height") || "640") + "px";
    frame.setAttribute("loading", "lazy");
    el.appendChild(frame);
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.source === frame.contentWindow && data && data.distviz === "height" && data.height > 0) {
        frame.style.height = Math.ceil(data.height) + "px";
      }
    });
  }
  function mountAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-distviz]"), mount);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
