// Type definitions for the Kredivo Checkout widget (dist/kredivo-checkout.js).
//
//   <script type="module" src="/dist/kredivo-checkout.js" async></script>
//   <div data-kredivo-checkout data-session="<client_secret>"></div>
//   <div data-kredivo-checkout data-cart-id="c_123"></div>
//   <span data-kredivo-badge data-amount="2400000"></span>

/** A cart line: a product id from the merchant's catalogue and a quantity (1–9999). */
export interface KredivoCartLine {
  product_id: string;
  quantity: number;
}

/** Who pays, as the shop's checkout form has it (the widget API's `customer`). */
export interface KredivoCustomer {
  first_name: string;
  /** Optional: many Indonesians have one name. */
  last_name?: string;
  email: string;
  /** Indonesian mobile number, `0812…` or `+62812…`. */
  phone: string;
}

/** Where the goods go (the widget API's `shipping_address`). */
export interface KredivoAddress {
  first_name: string;
  last_name?: string;
  /** Street and number. */
  address: string;
  city: string;
  /** Five digits. */
  postal_code: string;
  phone: string;
  /** ISO 3166-1 alpha-3, `"IDN"`. */
  country_code: string;
}

/** Options of `KredivoCheckout.mount` and `handle.update`; every field overrides the
 *  matching `data-*` attribute. Give one of `session`, `cart`, `cartId` or `amount` (if
 *  several, the first of them in that order counts). */
export interface KredivoCheckoutOptions {
  /** `"checkout"` (plans and the Kredivo button), `"badge"` or `"qr"` (a shop counter's QR
   *  screen). Default: `"badge"` when the element has `data-kredivo-badge`, `"qr"` when it
   *  has `data-kredivo-qr`, else `"checkout"`. */
  kind?: KredivoWidgetKind;
  /** QR screen only: the `qr_id` the shop's server got from `POST /api/kredivo/v1/qr`
   *  (`data-kredivo-qr`). The screen shows the code, the amount and a countdown, asks the
   *  proxy until the order ends, and fires `kredivo:complete` with its status. */
  qr?: string;
  /** Base URL of the merchant's proxy (`data-proxy`); default: the page's origin. */
  proxy?: string;
  /** The `client_secret` of a checkout session the merchant's server created with
   *  `POST /api/kredivo/v1/sessions` (`data-session`). The session names the items, amount,
   *  customer and addresses; the browser names only the plan. Checkout widget only. */
  session?: string;
  /** The cart, priced by the proxy (`data-cart`, JSON). Checkout widget only: `mount`
   *  throws when a badge is given one (badges take `amount`). */
  cart?: KredivoCartLine[];
  /** A server-side cart id (`data-cart-id`). */
  cartId?: string;
  /** A whole rupiah amount (`data-amount`), e.g. `"2400000"`; badges and previews. */
  amount?: string | number;
  /** Display language (`data-locale`); default: `<html lang>`, else Indonesian. */
  locale?: "id" | "en";
  /** Colour scheme (`data-theme`); default `"light"`. */
  theme?: "light" | "dark" | "auto";
  /** Button logo (`data-logo`): `"white"` on a Kredivo-blue button (default) or `"blue"`
   *  on a white button. */
  logo?: "white" | "blue";
  /** Button width in px (`data-button-width`), clamped to 100–300; default: full width. */
  buttonWidth?: number;
  /** Badges: `"proxy"` (default, `GET /api/kredivo/v1/pricing` once per page) or
   *  `"embedded"` (the reference table built into the widget, no request). */
  pricing?: "proxy" | "embedded";
  /** Any string (`data-revision`); changing it prices a server-side cart again, e.g. after
   *  the shopper changed a quantity under the same `cartId`. */
  revision?: string;
  /** Catalogue checkout (`cart` / `cartId`) only: who pays, from the shop's own form; the
   *  proxy refuses a catalogue checkout without it (`invalid_request`, with the field paths
   *  logged to the console). Ignored with a `session`. No attribute: pass it from script,
   *  and again with `update` when the form changes. `mount` throws if it is not an object
   *  of strings. */
  customer?: KredivoCustomer;
  /** Catalogue checkout only: where the goods go, from the shop's own form. */
  shippingAddress?: KredivoAddress;
}

/** A mounted widget. */
export interface KredivoCheckoutHandle {
  /** Merges new options; a new cart or amount is priced again (debounced). */
  update(options: KredivoCheckoutOptions): void;
  /** Removes the widget's content; it fires no more events. */
  destroy(): void;
  /** `false` after `destroy()` or once the host left the document. */
  readonly mounted: boolean;
}

/** Stable `detail.code` values of `kredivo:error`. */
export type KredivoErrorCode =
  | "network"
  | "timeout"
  | "bad_response"
  | "invalid_options"
  | "order_failed"
  | "invalid_json"
  | "invalid_request"
  | "invalid_cart"
  | "ineligible_amount"
  | "not_found"
  | "session_used"
  | "session_expired"
  | "forbidden_origin"
  | "unauthorized"
  | "payload_too_large"
  | "rate_limited"
  | "upstream_error"
  | "upstream_timeout"
  | "upstream_unavailable"
  | "unavailable"
  | "internal";

/** Events fired on the host element (they bubble and cross shadow roots). */
export interface KredivoEventMap {
  /** Plans (or the badge text) are on screen; fires again after every re-price. */
  "kredivo:ready": CustomEvent<{ amount: string; paymentTypes: string[] }>;
  /** The shopper chose a plan, e.g. `"6_months"`. */
  "kredivo:select": CustomEvent<{ paymentType: string }>;
  /** About to open Kredivo in this tab; `preventDefault()` stops the navigation. */
  "kredivo:redirect": CustomEvent<{ url: string }>;
  /** Something failed; the widget shows a localised message and a retry button. */
  "kredivo:error": CustomEvent<{ code: KredivoErrorCode | string; message: string }>;
  /** An express checkout (no redirect) reached a final status. */
  "kredivo:complete": CustomEvent<{
    orderId: string;
    status: "settled" | "denied" | "expired" | "cancelled" | "refunded";
  }>;
}

/** The two bundles the loader fetches as the page needs them. */
export type KredivoWidgetKind = "checkout" | "badge" | "qr";

export interface KredivoCheckoutApi {
  /** Loads (once) and starts the bundle of a widget kind; the loader does this by itself for
   *  every kind whose elements the page has, and when one appears later. */
  load(kind: KredivoWidgetKind): Promise<void>;
  /** Mounts a widget on an element (or the first match of a CSS selector). Mounting the same
   *  element again returns the same widget, updated. The element's kind (`options.kind`, else
   *  a `data-kredivo-badge` attribute makes a badge, else a checkout) must be loaded:
   *  `await KredivoCheckout.load("checkout")` first on a page that had no such element.
   *  Throws on invalid options, an unknown kind, or an element that already hosts the other
   *  kind of widget. */
  mount(target: Element | string, options?: KredivoCheckoutOptions): KredivoCheckoutHandle;
  /** The widget's version. */
  readonly version: string;
  /** Benchmark hook (badge bundle): computes every plan of `amount` `iterations` times;
   *  returns the count. */
  benchPlans(amount: string, iterations: number): number;
  /** How many widgets are mounted and how many pricing requests the page made. */
  stats(): { mounted: number; pricingRequests: number };
}

declare global {
  interface Window {
    /** Installed as soon as the loader runs; each bundle announces itself with
     *  `kredivo:loaded` on `document`. */
    KredivoCheckout?: KredivoCheckoutApi;
  }
  interface HTMLElementEventMap extends KredivoEventMap {}
  interface DocumentEventMap {
    "kredivo:loaded": CustomEvent<{ version: string; widget: KredivoWidgetKind }>;
  }
}
