// The "Copy link" button of an item page: hidden without JavaScript (the address bar has the
// link), shown here, and it says when the link is copied. No network, no third party.
for (const button of document.querySelectorAll("button.copy-link[data-url]")) {
  if (!navigator.clipboard) continue;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.url);
      button.textContent = button.dataset.done;
    } catch {
      button.textContent = label;
    }
    button.setAttribute("aria-live", "polite");
  });
}
