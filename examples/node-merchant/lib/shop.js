// The shop's catalogue and how a submitted cart form becomes the body of
// POST /api/kredivo/v1/sessions (crates/api merchant::CreateSession). Prices live here, on the
// server: the browser sends product ids, quantities and the shopper's details, never an amount.

import { parseRupiah, rupiahText } from "./money.js";

/** What the shop sells; prices in whole rupiah. */
export const CATALOGUE = Object.freeze([
  { id: "batik-parang", name: "Kemeja Batik Parang", price: "289000", type: "Fashion" },
  { id: "tenun-sumba", name: "Kain Tenun Ikat Sumba", price: "1250000", type: "Fashion" },
  { id: "kopi-gayo", name: "Kopi Arabika Gayo 250 g", price: "95000", type: "Food" },
  { id: "tas-rotan", name: "Tas Rotan Bali", price: "385000", type: "Accessories" },
]);

/** Flat shipping, sent as Kredivo's reserved `shippingfee` line. */
export const SHIPPING_FEE = Object.freeze({ id: "shippingfee", name: "Ongkir (JNE REG)", price: "20000" });

/** Most of one product in a cart. */
export const MAX_QUANTITY = 99;

/** The form's fields besides quantities: [name, label, longest, pattern or null, hint]. */
export const CUSTOMER_FIELDS = Object.freeze([
  ["first_name", "First name", 100, null, ""],
  ["last_name", "Last name", 100, null, ""],
  ["email", "E-mail", 254, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, "an address like budi@example.co.id"],
  ["phone", "Phone", 16, /^(\+62|62|0)8[0-9]{7,12}$/, "an Indonesian mobile number like 081234567890"],
  ["address", "Street and number", 200, null, ""],
  ["city", "City", 100, null, ""],
  ["postal_code", "Postal code", 5, /^[0-9]{5}$/, "5 digits"],
]);

const OPTIONAL_FIELDS = new Set(["last_name"]);

/**
 * Reads the cart form (URLSearchParams). Returns `{ problems: [...] }` when anything is wrong
 * (one sentence per field, for the page), else `{ cart }`: the lines, the fee lines, the
 * amount and the shopper, ready for `sessionBody`.
 */
export function readCartForm(form) {
  const problems = [];
  const single = (name) => {
    const all = form.getAll(name);
    if (all.length > 1) problems.push(`${name}: sent more than once`);
    return all[0] ?? "";
  };

  const items = [];
  for (const product of CATALOGUE) {
    const raw = single(`qty.${product.id}`).trim();
    if (raw === "" || raw === "0") continue;
    if (!/^[0-9]{1,2}$/.test(raw) || Number(raw) > MAX_QUANTITY) {
      problems.push(`${product.name}: the quantity must be a whole number from 0 to ${MAX_QUANTITY}`);
      continue;
    }
    items.push({ ...product, quantity: Number(raw) });
  }
  if (items.length === 0 && problems.length === 0) problems.push("The cart is empty: choose at least one product.");

  const customer = {};
  for (const [name, label, longest, pattern, hint] of CUSTOMER_FIELDS) {
    const value = single(name).trim();
    if (value === "") {
      if (!OPTIONAL_FIELDS.has(name)) problems.push(`${label}: required`);
      continue;
    }
    if ([...value].length > longest) problems.push(`${label}: at most ${longest} characters`);
    else if (/[\u0000-\u001f\u007f]/.test(value)) problems.push(`${label}: contains control characters`);
    else if (pattern && !pattern.test(value)) problems.push(`${label}: expected ${hint}`);
    else customer[name] = value;
  }

  if (problems.length > 0) return { problems };

  const fees = [SHIPPING_FEE];
  let total = 0n;
  for (const item of items) total += parseRupiah(item.price) * BigInt(item.quantity);
  for (const fee of fees) total += fee.id === "discount" ? -parseRupiah(fee.price) : parseRupiah(fee.price);
  return { cart: { items, fees, amount: rupiahText(total), customer } };
}

/**
 * The `POST /api/kredivo/v1/sessions` body for a cart. `returnUrl` is where the proxy sends the
 * shopper back (it appends `?order_id=…&session_id=…&status=…`, which this shop ignores: only a
 * verified webhook changes an order).
 */
export function sessionBody(reference, cart, { publicUrl, returnUrl }) {
  const c = cart.customer;
  const name = c.last_name ? { first_name: c.first_name, last_name: c.last_name } : { first_name: c.first_name };
  return {
    reference,
    amount: cart.amount,
    items: cart.items.map((i) => ({
      id: i.id,
      name: i.name,
      price: i.price,
      quantity: i.quantity,
      url: `${publicUrl}/#${i.id}`,
      type: i.type,
    })),
    fees: cart.fees.map((f) => ({ id: f.id, name: f.name, price: f.price })),
    customer: { ...name, email: c.email, phone: c.phone },
    shipping_address: {
      ...name,
      address: c.address,
      city: c.city,
      postal_code: c.postal_code,
      phone: c.phone,
      country_code: "IDN",
    },
    metadata: { shop: "node-merchant-example" },
    return_url: returnUrl,
    cancel_url: returnUrl,
  };
}
