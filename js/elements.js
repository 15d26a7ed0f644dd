// Creating the widget's HTML elements: always with classes and text, never from HTML
// strings (node names come from the user and are shown as text only).

/** An element with a class and, optionally, its text. */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A toolbar button (`type="button"`, so it never submits an enclosing form). */
export function button(cls, text, title) {
  const b = el("button", `cm-button ${cls}`, text);
  b.type = "button";
  b.title = title;
  return b;
}
