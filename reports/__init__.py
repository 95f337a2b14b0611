"""The diagnostic report: its model, templates, drafting from AI findings, sign-off rules and state."""
