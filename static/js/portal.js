// The portal's own scripts. No inline scripts anywhere: the Content-Security-Policy forbids them.

// Tree: the first "+" on a node loads its children with htmx; after that, "+" and "−" only show
// and hide what is already loaded.
function setExpanded(button, expanded) {
  button.setAttribute("aria-expanded", expanded ? "true" : "false");
  button.textContent = expanded ? "−" : "+";
}

document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-tree-toggle]");
  if (!button) return;
  const children = button.closest("li").querySelector(":scope > ul");
  if (!children || !children.dataset.loaded) return; // not loaded yet: htmx fetches it
  event.preventDefault();
  event.stopImmediatePropagation();
  children.hidden = !children.hidden;
  setExpanded(button, !children.hidden);
}, true);

document.addEventListener("htmx:afterSwap", function (event) {
  const list = event.detail.target;
  if (!list.matches || !list.matches(".tree ul")) return;
  list.dataset.loaded = "1";
  list.hidden = false;
  const button = list.closest("li").querySelector(":scope > [data-tree-toggle]");
  if (button) setExpanded(button, true);
});

// Forms that change something irreversible ask first: <form data-confirm="确定删除吗？">.
document.addEventListener("submit", function (event) {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
