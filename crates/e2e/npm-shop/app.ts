// A shop page written against the npm package, type-checked with `tsc --noEmit --strict`
// and bundled with esbuild by crates/e2e/tests/npm.rs. It touches every public type and
// method of the package, records what each answered in `window.__npm`, and leaves the
// checkout mounted for the shopper (the test) to pay through.
import KredivoDefault, {
  KredivoCheckout,
  type KredivoAddress,
  type KredivoCartLine,
  type KredivoCheckoutApi,
  type KredivoCheckoutHandle,
  type KredivoCheckoutOptions,
  type KredivoCustomer,
  type KredivoErrorCode,
  type KredivoEventMap,
  type KredivoWidgetKind,
} from "kredivo-checkout";

interface Report {
  version: string;
  sameApi: boolean;
  globalApi: boolean;
  checkoutMounted: boolean;
  destroyed: boolean;
  ready: { amount: string; paymentTypes: string[] } | null;
  selected: string | null;
  redirect: string | null;
  errors: Array<{ code: KredivoErrorCode | string; message: string }>;
  loaded: KredivoWidgetKind[];
  badgeText: string | null;
  plansComputed: number;
  stats: { mounted: number; pricingRequests: number } | null;
  unknownKind: string | null;
  done: boolean;
  failure: string | null;
}

declare global {
  interface Window {
    __npm: Report;
  }
}

const report: Report = {
  version: "",
  sameApi: false,
  globalApi: false,
  checkoutMounted: false,
  destroyed: false,
  ready: null,
  selected: null,
  redirect: null,
  errors: [],
  loaded: [],
  badgeText: null,
  plansComputed: 0,
  stats: null,
  unknownKind: null,
  done: false,
  failure: null,
};
window.__npm = report;

document.addEventListener("kredivo:loaded", (e) => {
  report.loaded.push(e.detail.widget);
});

// `#session=<client_secret>&proxy=<url>`: what the shop's server would have rendered.
const params = new URLSearchParams(location.hash.slice(1));
const session = params.get("session") ?? "";
const proxy = params.get("proxy") ?? location.origin;

// Every option type, spelled out once: a catalogue cart as a shop's script would send it.
const line: KredivoCartLine = { product_id: "smartphone-x5", quantity: 1 };
const customer: KredivoCustomer = {
  first_name: "Budi",
  email: "budi@example.co.id",
  phone: "081234567890",
};
const address: KredivoAddress = {
  first_name: "Budi",
  address: "Jl. Sudirman 1",
  city: "Jakarta",
  postal_code: "10220",
  phone: "081234567890",
  country_code: "IDN",
};
const preview: KredivoCheckoutOptions = {
  kind: "checkout",
  proxy,
  cart: [line],
  customer,
  shippingAddress: address,
  locale: "en",
  theme: "light",
  logo: "white",
  buttonWidth: 240,
  revision: "1",
};

type Listener<K extends keyof KredivoEventMap> = (event: KredivoEventMap[K]) => void;
const onReady: Listener<"kredivo:ready"> = (e) => {
  report.ready = { amount: e.detail.amount, paymentTypes: e.detail.paymentTypes };
};

async function main(api: KredivoCheckoutApi): Promise<void> {
  report.version = api.version;
  report.sameApi = api === KredivoDefault;
  report.globalApi = window.KredivoCheckout === api;
  try {
    // A kind the loader does not know is refused with a clear error.
    await api.load("coupon" as KredivoWidgetKind);
  } catch (error) {
    report.unknownKind = error instanceof Error ? error.message : String(error);
  }
  await api.load("checkout");

  // A second widget that is updated and then destroyed.
  const spare = document.querySelector<HTMLElement>("#spare");
  if (!spare) throw new Error("#spare is missing");
  const other: KredivoCheckoutHandle = api.mount(spare, preview);
  other.update({ revision: "2", locale: "id" });
  other.destroy();
  report.destroyed = !other.mounted;

  const host = document.querySelector<HTMLElement>("#pay");
  if (!host) throw new Error("#pay is missing");
  host.addEventListener("kredivo:ready", onReady);
  host.addEventListener("kredivo:select", (e) => {
    report.selected = e.detail.paymentType;
  });
  host.addEventListener("kredivo:redirect", (e) => {
    report.redirect = e.detail.url;
  });
  host.addEventListener("kredivo:error", (e) => {
    report.errors.push({ code: e.detail.code, message: e.detail.message });
  });
  host.addEventListener("kredivo:complete", (e) => {
    report.failure = `unexpected express completion ${e.detail.orderId} ${e.detail.status}`;
  });
  const handle = api.mount("#pay", { session, proxy, locale: "id" });
  report.checkoutMounted = handle.mounted;

  // The badge bundle, its calculator and its element.
  await api.load("badge");
  report.plansComputed = api.benchPlans("2400000", 10);
  const badge = document.querySelector<HTMLElement>("#badge");
  if (!badge) throw new Error("#badge is missing");
  for (let i = 0; i < 100 && !badge.shadowRoot?.textContent?.trim(); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  report.badgeText = badge.shadowRoot?.textContent?.trim() ?? null;
  report.stats = api.stats();
  report.done = true;
}

main(KredivoCheckout).catch((error: unknown) => {
  report.failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  report.done = true;
});
