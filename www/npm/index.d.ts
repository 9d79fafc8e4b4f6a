// Types of the npm package's entry; the widget's own types are in kredivo-checkout.d.ts.
import type { KredivoCheckoutApi } from "./kredivo-checkout.js";

export * from "./kredivo-checkout.js";

/** The loader's API, also installed as `window.KredivoCheckout`. */
export declare const KredivoCheckout: KredivoCheckoutApi;
export default KredivoCheckout;
