import assert from "node:assert/strict";
import { test } from "node:test";
import { hideStaticCopies } from "./static-copies.js";

function fakeDocument() {
  const byId = new Map();
  const head = [];
  return {
    head: {
      appendChild(el) {
        head.push(el);
        byId.set(el.id, el);
      },
    },
    getElementById: (id) => byId.get(id) ?? null,
    createElement: () => ({ id: "", textContent: "" }),
    styles: head,
  };
}

test("static copies are hidden by id, once, in img and inline form", () => {
  const doc = fakeDocument();
  hideStaticCopies(["cm-0123456789ab"], doc);
  hideStaticCopies(["cm-0123456789ab"], doc);
  assert.equal(doc.styles.length, 1);
  const css = doc.styles[0].textContent;
  assert.match(css, /\[data-cm-static="cm-0123456789ab"\]/);
  assert.match(css, /img\[src\*="cm-0123456789ab"\]/);
  assert.match(css, /\.jp-OutputArea-child:has\(/);
  assert.match(css, /display: none !important/);
});

test("ids that are not ours cannot inject CSS", () => {
  const doc = fakeDocument();
  hideStaticCopies(['x"] body { display: none } [a="', "cm-zz", null], doc);
  assert.equal(doc.styles.length, 0);
});
