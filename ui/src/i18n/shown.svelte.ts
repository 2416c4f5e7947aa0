// The language the UI is shown in, as reactive state: every `t()` in a template reads it, so switching
// language redraws each string in place (a call in progress keeps running).
export const shown = $state({ language: "en" });
