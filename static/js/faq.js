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
  // On a fresh page load Chromium scrolls to the fragment after this script
  // has run, and clears the focus because a <details> cannot take it; so
  // focus the question again once the page has loaded and been drawn.
  window.addEventListener("load", function () {
    window.requestAnimationFrame(openTarget);
  });
})();
