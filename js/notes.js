// The two notes floating over the drawing: `.cm-message` (the last refusal, error or hint)
// and `.cm-mode-note` (why edits are off). A note shows while it has the class cm-visible.

/** Say things in the widget's notes (`note`: .cm-mode-note, `message`: .cm-message). */
export function createNotes(note, message) {
  return {
    /** Show `text` in the message line ("" or nothing hides it). */
    say(text) {
      message.textContent = text || "";
      message.classList.toggle("cm-visible", Boolean(text));
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
