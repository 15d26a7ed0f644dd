// The two notes floating over the drawing: `.cm-message` (the last refusal, error or hint)
// and `.cm-mode-note` (why edits are off). A note shows while it has the class cm-visible;
// a message that is not an error (a hint, "copied") also has cm-info and reads as such.

/** Say things in the widget's notes (`note`: .cm-mode-note, `message`: .cm-message). */
export function createNotes(note, message) {
  return {
    /** Show `text` in the message line ("" or nothing hides it); `kind` "info" or "error". */
    say(text, kind = "error") {
      message.textContent = text || "";
      message.classList.toggle("cm-visible", Boolean(text));
      message.classList.toggle("cm-info", Boolean(text) && kind === "info");
    },
    /** Show an informative `text` (a hint, a success), not styled as an error. */
    info(text) {
      this.say(text, "info");
    },
    /** What the message line says now. */
    said() {
      return message.textContent;
    },
    /** Say why an edit was refused; if the note already says it, flash it instead. */
    explain(why) {
      if (note.classList.contains("cm-visible") && note.textContent === why) {
        note.classList.remove("cm-flash");
        void note.offsetWidth; // restart the animation
        note.classList.add("cm-flash");
      } else {
        note.textContent = why;
        note.classList.add("cm-visible");
      }
    },
  };
}
