// Money and the cart: exact rupiah from the form to the session body.

import { test } from "node:test";
import assert from "node:assert/strict";

import { formatRupiah, isRupiah, parseRupiah } from "../lib/money.js";
import { readCartForm, sessionBody } from "../lib/shop.js";

const shopper = {
  first_name: "Budi",
  email: "budi@example.co.id",
  phone: "+6281234567890",
  address: "Jl. Sudirman 1",
  city: "Jakarta",
  postal_code: "10220",
};

test("the cart total at the largest quantities is exact whole rupiah", () => {
  const form = new URLSearchParams({
    "qty.batik-parang": "99",
    "qty.tenun-sumba": "99",
    "qty.kopi-gayo": "99",
    "qty.tas-rotan": "99",
    ...shopper,
  });
  const { cart, problems } = readCartForm(form);
  assert.equal(problems, undefined);
  // 99 × (289000 + 1250000 + 95000 + 385000) + 20000
  assert.equal(cart.amount, "199901000");
  assert.equal(cart.items.length, 4);
});

test("the session body has the documented CreateSession shape with string money", () => {
  const { cart } = readCartForm(new URLSearchParams({ "qty.kopi-gayo": "3", ...shopper }));
  const body = sessionBody("INV-1", cart, {
    publicUrl: "http://127.0.0.1:3000",
    returnUrl: "http://127.0.0.1:3000/return/INV-1",
  });
  assert.deepEqual(body, {
    reference: "INV-1",
    amount: "305000",
    items: [
      {
        id: "kopi-gayo",
        name: "Kopi Arabika Gayo 250 g",
        price: "95000",
        quantity: 3,
        url: "http://127.0.0.1:3000/#kopi-gayo",
        type: "Food",
      },
    ],
    fees: [{ id: "shippingfee", name: "Ongkir (JNE REG)", price: "20000" }],
    customer: { first_name: "Budi", email: "budi@example.co.id", phone: "+6281234567890" },
    shipping_address: {
      first_name: "Budi",
      address: "Jl. Sudirman 1",
      city: "Jakarta",
      postal_code: "10220",
      phone: "+6281234567890",
      country_code: "IDN",
    },
    metadata: { shop: "node-merchant-example" },
    return_url: "http://127.0.0.1:3000/return/INV-1",
    cancel_url: "http://127.0.0.1:3000/return/INV-1",
  });
});

test("each bad field of the cart form is named", () => {
  const form = new URLSearchParams({
    "qty.batik-parang": "100",
    "qty.tas-rotan": "-1",
    ...shopper,
    phone: "12345",
    city: "x".repeat(101),
  });
  form.append("email", "second@example.com");
  const { problems } = readCartForm(form);
  assert.deepEqual(problems, [
    "Kemeja Batik Parang: the quantity must be a whole number from 0 to 99",
    "Tas Rotan Bali: the quantity must be a whole number from 0 to 99",
    "email: sent more than once",
    "Phone: expected an Indonesian mobile number like 081234567890",
    "City: at most 100 characters",
  ]);
});

test("control characters in a field are refused", () => {
  const { problems } = readCartForm(
    new URLSearchParams({ "qty.kopi-gayo": "1", ...shopper, address: "Jl. Sudirman\u00001" }),
  );
  assert.deepEqual(problems, ["Street and number: contains control characters"]);
});

test("rupiah strings are whole, non-negative and canonical", () => {
  for (const good of ["0", "1", "598000", "999999999999999"]) assert.ok(isRupiah(good), good);
  for (const bad of ["", "01", "1.0", "1.5", "-5", "1e6", " 5", "5 ", "1000000000000000", 5, null]) {
    assert.ok(!isRupiah(bad), String(bad));
    assert.throws(() => parseRupiah(bad), RangeError);
  }
  assert.equal(parseRupiah("999999999999999"), 999999999999999n);
});

test("amounts are shown with Indonesian thousands dots", () => {
  assert.equal(formatRupiah("0"), "Rp 0");
  assert.equal(formatRupiah("999"), "Rp 999");
  assert.equal(formatRupiah("1000"), "Rp 1.000");
  assert.equal(formatRupiah("1250000"), "Rp 1.250.000");
  assert.throws(() => formatRupiah("12.5"), RangeError);
});
