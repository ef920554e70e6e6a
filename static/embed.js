// distviz embed loader: write <div data-distviz="raft-election"></div> in a
// page and include this script; it becomes an iframe of that lab, sized to
// its content. Options as data attributes: data-scenario (a share link's
// s= value), data-try (a shipped run by name, e.g. "figure-8"), data-at (ms), data-controls="0", data-theme="light|dark",
// data-click="crash" (a click crashes a server instead of selecting it),
// data-height (initial px).
//
// Messages, both ways, are addressed and checked: the loader says hello to
// the lab's origin only, and the lab then reports its height to this page's
// origin only. A height is accepted only from the loader's own iframe, from
// the lab's origin, and only as exactly {distviz: "height", height: <px>}.
(function () {
  var script = document.currentScript;
  var base = (script && script.src) ? script.src.replace(/embed\.js(\?.*)?$/, "") : "./";
  var labOrigin = new URL(base, location.href).origin;
  var MAX_HEIGHT = 100000;

  function isHeight(data) {
    if (data === null || typeof data !== "object" || Object.getPrototypeOf(data) !== Object.prototype) return false;
    var keys = Object.keys(data).sort();
    return keys.length === 2 && keys[0] === "distviz" && keys[1] === "height" &&
      data.distviz === "height" && typeof data.height === "number" &&
      isFinite(data.height) && data.height > 0 && data.height <= MAX_HEIGHT;
  }

  function mount(el) {
    if (el.getAttribute("data-distviz-mounted")) return;
    el.setAttribute("data-distviz-mounted", "1");
    var params = ["embed=1"];
    var map = { scenario: "s", try: "try", at: "t", controls: "controls", theme: "theme", click: "click" };
    Object.keys(map).forEach(function (key) {
      var value = el.getAttribute("data-" + key);
      if (value) params.push(map[key] + "=" + encodeURIComponent(value));
    });
    var frame = document.createElement("iframe");
    frame.src = base + "index.html#/" + encodeURIComponent(el.getAttribute("data-distviz")) + "?" + params.join("&");
    frame.title = el.getAttribute("data-title") || "distviz lab: " + el.getAttribute("data-distviz");
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = (parseInt(el.getAttribute("data-height"), 10) || 640) + "px";
    frame.setAttribute("loading", "lazy");
    el.appendChild(frame);

    // The handshake: hello to the lab's origin until it answers with a height
    // (the lab starts listening once its WebAssembly has loaded).
    var answered = false;
    var timer = null;
    function hello() {
      if (frame.contentWindow) frame.contentWindow.postMessage({ distviz: "hello" }, labOrigin);
    }
    frame.addEventListener("load", function () {
      answered = false;
      clearInterval(timer);
      var tries = 0;
      hello();
      timer = setInterval(function () {
        if (answered || ++tries > 100) clearInterval(timer);
        else hello();
      }, 200);
    });
    window.addEventListener("message", function (event) {
      if (event.source !== frame.contentWindow || event.origin !== labOrigin || !isHeight(event.data)) return;
      answered = true;
      frame.style.height = Math.ceil(event.data.height) + "px";
    });
  }
  function mountAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-distviz]"), mount);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
