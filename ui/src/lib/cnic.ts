/**
 * A CNIC as typed: digits only are kept and the dashes put where they belong (XXXXX-XXXXXXX-X), so a health
 * worker can type it either way. The store checks it again; this only helps typing.
 */
export function formatCnic(typed: string): string {
  const digits = typed.replace(/\D/g, "").slice(0, 13);
  const parts = [digits.slice(0, 5), digits.slice(5, 12), digits.slice(12)];
  return parts.filter((p) => p.length > 0).join("-");
}

/** Whether `text` is a complete CNIC in its written form, with a province digit of 1 to 7. */
export function isCompleteCnic(text: string): boolean {
  return /^[1-7]\d{4}-\d{7}-\d$/.test(text);
}
