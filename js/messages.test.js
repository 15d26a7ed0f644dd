import assert from "node:assert/strict";
import { test } from "node:test";
import { ACK_WAIT, NO_ANSWER, createChannel } from "./messages.js";

function setup({ refuse = false, fail = false } = {}) {
  const sent = [];
  const said = [];
  const timers = {
    pending: new Map(),
    next: 1,
    setTimeout(fn, ms) {
      this.pending.set(this.next, { fn, ms });
      return this.next++;
    },
    clearTimeout(id) {
      this.pending.delete(id);
    },
  };
  const model = {
    send(msg) {
      if (fail) throw new Error("closed");
      sent.push(msg);
    },
    get: (k) => (k === "message" ? "kept" : undefined),
  };
  let shown = "";
  const notes = {
    say: (t) => said.push((shown = t)),
    said: () => shown,
  };
  const channel = createChannel({ model, notes, refused: () => refuse, timers });
  return { channel, sent, said, timers };
}

test("an edit is sent and waits for its ack; silence is reported", () => {
  const { channel, sent, said, timers } = setup();
  assert.equal(channel.send({ type: "edit", op: "undo" }), true);
  assert.deepEqual(sent, [{ type: "edit", op: "undo" }]);
  assert.equal(timers.pending.size, 1);
  const [{ fn, ms }] = timers.pending.values();
  assert.equal(ms, ACK_WAIT);
  fn();
  assert.equal(said.at(-1), NO_ANSWER);
  channel.receive({ type: "ack" }, () => {});
  assert.equal(said.at(-1), "kept", "the ack replaces the warning by the model's message");
});

test("an ack in time cancels the warning", () => {
  const { channel, said, timers } = setup();
  channel.send({ type: "edit", op: "undo" });
  channel.receive({ type: "ack" }, () => {});
  assert.equal(timers.pending.size, 0);
  assert.deepEqual(said, []);
});

test("refused edits are not sent; a closed comm is said", () => {
  const refused = setup({ refuse: true });
  assert.equal(refused.channel.send({ type: "edit" }), false);
  assert.deepEqual(refused.sent, []);
  const closed = setup({ fail: true });
  assert.equal(closed.channel.send({ type: "edit" }), false);
  assert.match(closed.said.at(-1), /Could not reach the kernel: Error: closed/);
  closed.channel.hello(); // no kernel: no throw
});

test("the kernel's hello makes the view live", () => {
  const { channel, sent } = setup();
  channel.hello();
  assert.deepEqual(sent, [{ type: "hello" }]);
  let live = false;
  channel.receive({ type: "hello" }, () => (live = true));
  channel.receive(null, () => (live = "no"));
  assert.equal(live, true);
});
