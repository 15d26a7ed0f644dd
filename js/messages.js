// Talking to the kernel: edit messages out (refused up front when edits are off), and the
// two custom messages Python sends back -- "hello" (the handshake: the view is live) and
// "ack" (after every edit). Silence after an edit means a busy or restarted kernel, which
// the widget says after ACK_WAIT ms. The protocol is in docs/state-model.md, section 4.

export const ACK_WAIT = 5000;
const NO_ANSWER_START = "The kernel has not answered";
export const NO_ANSWER = `${NO_ANSWER_START} for 5 s (busy, or restarted?): the last edit may be lost.`;

/**
 * The widget's channel to Python.
 * @param {{model: object, notes: object, refused: () => boolean, timers?: object}} opts
 *   `refused()` says why and returns true when edits are off; `timers` (setTimeout and
 *   clearTimeout) is replaceable for tests.
 */
export function createChannel({ model, notes, refused, timers = globalThis }) {
  let ackTimer = null;
  const stopWaiting = () => timers.clearTimeout(ackTimer);

  /** Send an edit; false when it was refused or could not be sent. */
  function send(msg) {
    if (refused()) return false;
    try {
      model.send(msg);
      stopWaiting();
      ackTimer = timers.setTimeout(() => notes.say(NO_ANSWER), ACK_WAIT);
      return true;
    } catch (err) {
      notes.say(`Could not reach the kernel: ${err}`);
      return false;
    }
  }

  /** Handle a custom message from Python; `onHello` runs when the kernel answers ours. */
  function receive(msg, onHello) {
    if (msg && msg.type === "ack") {
      stopWaiting();
      if (notes.said().startsWith(NO_ANSWER_START)) notes.say(model.get("message"));
    }
    if (msg && msg.type === "hello") onHello();
  }

  /** Start the handshake; false when it could not even be sent (no kernel: stay static). */
  function hello() {
    try {
      model.send({ type: "hello" });
      return true;
    } catch {
      return false;
    }
  }

  return { send, receive, hello, dispose: stopWaiting };
}
