import i18next from "i18next";
import en from "./en.json";
import ur from "./ur.json";
import { shown } from "./shown.svelte";

/**
 * The catalogues, each under its BCP 47 tag; a Sindhi (`sd`) or Pashto (`ps`) catalogue is one more file and
 * one more entry here (and a `language.*` name in each catalogue): the catalogue test then holds it to every key.
 */
export const catalogues = { en, ur } as const;
export type Language = keyof typeof catalogues;
export const languages = Object.keys(catalogues) as Language[];

export function isLanguage(tag: string | null | undefined): tag is Language {
  return typeof tag === "string" && tag in catalogues;
}

export async function initI18n(language = "en"): Promise<void> {
  await i18next.init({
    lng: "en",
    fallbackLng: "en",
    resources: Object.fromEntries(languages.map((tag) => [tag, { translation: catalogues[tag] }])),
    interpolation: { escapeValue: false }, // Svelte escapes what it renders.
  });
  await showLanguage(language);
}

/** Shows the UI in `language` (an unknown tag leaves it as it is): strings, `lang` and writing direction. */
export async function showLanguage(language: string): Promise<void> {
  if (!isLanguage(language)) return;
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
  shown.language = language;
}

/** `rtl` for Urdu (and Sindhi, Pashto), `ltr` otherwise. */
export const directionOf = (language: string): "ltr" | "rtl" => (i18next.dir(language) === "rtl" ? "rtl" : "ltr");

/** A string of the shown language's catalogue, or of `lng`'s when given (the consent text in the patient's language). */
export const t = (key: string, values?: Record<string, string | number>): string => {
  void shown.language; // read, so templates redraw on a switch
  return i18next.t(key, values);
};

/**
 * Text that must read left to right wherever it lands (a CNIC, a phone number inside an Urdu sentence), as a
 * Unicode isolate: in plain catalogue text the digits and dashes of `35202-1234567-8` would otherwise be
 * reordered by the surrounding right-to-left run.
 */
export const leftToRight = (text: string): string => `\u2066${text}\u2069`;

/** A doctor's registration as it is written (`PMDC 12345-P`), kept together and left to right in any sentence. */
export const pmdcNumber = (pmdc: string | null): string => leftToRight(pmdc ? `PMDC ${pmdc}` : "PMDC —");

/**
 * Typed text put into a sentence (a dose, "three times a day"), as a first-strong isolate: it keeps its own
 * direction, whichever script it was typed in, instead of being reordered with the sentence around it.
 */
export const isolated = (text: string): string => `\u2068${text}\u2069`;

/** The language the UI is shown in now. */
export const currentLanguage = (): string => shown.language;
