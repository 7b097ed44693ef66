// Open the FAQ a link points at (/faqs/#anchor). Without JavaScript the page
// still scrolls to the question and the reader opens it themselves.
(function () {
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.querySelector("summary").focus();
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
