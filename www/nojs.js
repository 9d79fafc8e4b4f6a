// The demo's checkout without JavaScript (/shop/checkout, rendered by crates/demo/src/shop/)
// when JavaScript does run. The widget mounts over the proxy's form in the checkout div and
// would cover the shopper's fields that form carries: they move out of it, above the widget,
// and reach it as its `customer` and `shippingAddress` options, as the script store's own form
// does (store.js). If the widget cannot start (no WebAssembly, a blocked file), nothing moves
// and the form still pays on its own.

const host = document.getElementById("kredivo-checkout");
const fields = host && host.querySelector(".kredivo-fallback-shopper");
if (fields) start().catch((e) => console.error(e));

async function start() {
  // The same module as the page's <script> tag: importing it waits until the loader ran.
  await import("/dist/kredivo-checkout.js");
  await window.KredivoCheckout.load("checkout");
  const form = document.createElement("form");
  form.id = "shopper-form";
  form.className = "shopper";
  form.append(fields);
  host.before(form);
  const v = (name) => form.elements[name].value.trim();
  const options = () => {
    const customer = { first_name: v("first_name"), last_name: v("last_name"), email: v("email"), phone: v("phone") };
    return {
      customer,
      shippingAddress: {
        first_name: customer.first_name, last_name: customer.last_name, phone: customer.phone,
        address: v("address"), city: v("city"), postal_code: v("postal_code"), country_code: "IDN",
      },
    };
  };
  // Mounting a mounted element updates it with these options.
  const handle = window.KredivoCheckout.mount(host, options());
  form.addEventListener("input", () => handle.update(options()));
  form.addEventListener("submit", (e) => e.preventDefault());
  // The proxy refused a field: point the shopper at the form (the widget says what to do).
  host.addEventListener("kredivo:error", (e) => {
    if (e.detail.code === "invalid_request") form.reportValidity();
  });
}
