// The demo site's script: fetched as its own request, initiated by the HTML page.
document.addEventListener("DOMContentLoaded", function () {
  var note = document.createElement("p");
  note.textContent = "This sentence was added by /app.js, a script the page asked for.";
  document.body.appendChild(note);
});
