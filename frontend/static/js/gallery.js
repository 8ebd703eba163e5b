// Clicking a thumbnail shows that photo in the main frame.
document.addEventListener("click", function (event) {
  "use strict";
  var thumb = event.target.closest(".thumb");
  if (!thumb) return;
  document.querySelector(".gallery-main").src = thumb.dataset.src;
  document.querySelectorAll(".thumb").forEach(function (other) { other.classList.toggle("active", other === thumb); });
});
