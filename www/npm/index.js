// The npm package's entry (`import { KredivoCheckout } from "kredivo-checkout"`).
//
// Importing it runs the loader, exactly as `<script type="module" src=".../kredivo-checkout.js">`
// does: it installs `window.KredivoCheckout` and mounts every `[data-kredivo-checkout]` and
// `[data-kredivo-badge]` element of the page, now and later. The loader finds its wasm,
// stylesheets and logos next to the file it is in (`import.meta.url`): when a bundler inlines
// it, serve the package's `kredivo-*` files from the folder the bundle is served from.
import "./kredivo-checkout.js";

/** The loader's API: `load`, `mount`, `stats`, `version`, `benchPlans`. */
export const KredivoCheckout = globalThis.KredivoCheckout;
export default KredivoCheckout;
