/* The header menu: a <details> rendered open so that it works without JavaScript; on a phone it is folded
   away until the reader opens it, and on a wider screen it stays open (its summary is hidden there). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var menu = document.querySelector(".site-menu");
    if (!menu) return;
    var phone = window.matchMedia("(max-width: 600px)");
    var fit = function () { menu.open = !phone.matches; };
    fit();
    menu.setAttribute("data-ready", "");
    if (phone.addEventListener) phone.addEventListener("change", fit);
  });
  // The installable app: the service worker keeps the shell and the last copy of my cases and licences.
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () { navigator.serviceWorker.register("/sw.js").catch(function () {}); });
  }
  var showOffline = function () {
    var note = document.querySelector(".offline-note");
    if (note) note.hidden = navigator.onLine;
  };
  document.addEventListener("DOMContentLoaded", showOffline);
  window.addEventListener("online", showOffline);
  window.addEventListener("offline", showOffline);
})();
