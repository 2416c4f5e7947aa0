import type { ApiError } from "../bindings";
import { t } from "../i18n";

/** A command's result, unwrapped: its data, or the `ApiError` thrown. */
export async function call<T>(
  result: Promise<{ status: "ok"; data: T } | { status: "error"; error: ApiError }>,
): Promise<T> {
  const r = await result;
  if (r.status === "error") throw r.error;
  return r.data;
}

function isApiError(e: unknown): e is ApiError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** What to show for a failed command: the catalogue's sentence for its code. */
export function errorText(e: unknown): string {
  if (!isApiError(e)) return t("errors.unknown", { code: String(e) });
  const key = `errors.${e.code}`;
  const text = t(key, { message: e.message, code: e.code });
  return text === key ? t("errors.unknown", { code: e.code }) : text;
}
