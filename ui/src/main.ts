import { mount } from "svelte";
import "./fonts.css";
import App from "./App.svelte";
import { initI18n } from "./i18n";

await initI18n();
const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
mount(App, { target });
