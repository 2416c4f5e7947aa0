import i18next from "i18next";
import en from "./en.json";

// Every visible string comes from a catalogue; Urdu, Sindhi and Pashto catalogues join `resources`.
export async function initI18n(language = "en"): Promise<void> {
  await i18next.init({
    lng: language,
    fallbackLng: "en",
    resources: { en: { translation: en } },
    interpolation: { escapeValue: false }, // Svelte escapes what it renders.
  });
  document.documentElement.lang = language;
  document.documentElement.dir = i18next.dir(language);
}

export const t = (key: string, values?: Record<string, string | number>): string => i18next.t(key, values);

/** The language the UI is shown in now. */
export const currentLanguage = (): string => i18next.language;
