"""HTML, LaTeX and text cards for results: each reads a typed result's fields, never recomputes."""
