// The order store on its own: one change at a time, atomic file replacement, and a failed write
// that leaves the event deliverable again.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { OrderStore } from "../lib/store.js";

const fresh = () => mkdtemp(join(tmpdir(), "kredivo-store-"));

const newOrder = (reference) => ({ reference, amount: "598000", currency: "IDR", items: [], fees: [], customer: {} });
const event = (id, reference, status, amount = "598000") => ({
  id,
  type: `order.${status}`,
  created: 1,
  data: {
    order_id: "KD-1",
    session_id: "ses_1",
    reference,
    status,
    amount,
    cancelled_amount: "0",
    currency: "IDR",
    payment_type: "3_months",
    gateway: "kredivo",
  },
});

test("concurrent applications of one event id apply it once", async () => {
  const dir = await fresh();
  try {
    const store = await OrderStore.open(dir);
    await store.create(newOrder("INV-1"));
    await store.setSession("INV-1", { sessionId: "ses_1" });
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => store.applyEvent(event("evt_1", "INV-1", "settled"))));
    assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ["applied", "duplicate", "duplicate", "duplicate"]);
    assert.equal(store.get("INV-1").history.length, 1);
    assert.equal(store.get("INV-1").status, "paid");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a failed write keeps the previous state, so the same event applies when delivered again", async () => {
  const dir = await fresh();
  try {
    const store = await OrderStore.open(dir);
    await store.create(newOrder("INV-2"));
    await rm(dir, { recursive: true }); // the next write cannot create its temporary file
    await assert.rejects(store.applyEvent(event("evt_2", "INV-2", "settled")), { code: "ENOENT" });
    assert.equal(store.get("INV-2").status, "awaiting_payment");

    await mkdir(dir);
    const retried = await store.applyEvent(event("evt_2", "INV-2", "settled"));
    assert.equal(retried.outcome, "applied", "not a duplicate: the failed attempt recorded nothing");
    assert.equal(store.get("INV-2").status, "paid");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("every change replaces orders.json and leaves no temporary file", async () => {
  const dir = await fresh();
  try {
    const store = await OrderStore.open(dir);
    await Promise.all(["A", "B", "C"].map((r) => store.create(newOrder(`INV-${r}`))));
    assert.deepEqual(await readdir(dir), ["orders.json"]);
    const reopened = await OrderStore.open(dir);
    assert.deepEqual(
      ["INV-A", "INV-B", "INV-C"].map((r) => reopened.get(r)?.status),
      ["awaiting_payment", "awaiting_payment", "awaiting_payment"],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a partial cancellation of a paid order keeps it paid and records the cancelled amount", async () => {
  const dir = await fresh();
  try {
    const store = await OrderStore.open(dir);
    await store.create(newOrder("INV-P"));
    await store.applyEvent(event("evt_p1", "INV-P", "settled"));
    const partial = event("evt_p2", "INV-P", "settled");
    partial.type = "order.cancelled";
    partial.data.cancelled_amount = "100000";
    partial.data.cancellation = { amount: "100000", partial: true };
    assert.equal((await store.applyEvent(partial)).outcome, "applied");
    assert.equal(store.get("INV-P").status, "paid");
    assert.equal(store.get("INV-P").kredivo.cancelled_amount, "100000");
    assert.equal((await store.applyEvent(event("evt_p3", "INV-P", "cancelled"))).outcome, "applied");
    assert.equal(store.get("INV-P").status, "cancelled");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("an unknown status from a newer proxy is recorded without changing the order", async () => {
  const dir = await fresh();
  try {
    const store = await OrderStore.open(dir);
    await store.create(newOrder("INV-U"));
    assert.equal((await store.applyEvent(event("evt_u", "INV-U", "on_hold"))).outcome, "stale");
    assert.equal(store.get("INV-U").status, "awaiting_payment");
    assert.equal(store.get("INV-U").history[0].status, "on_hold");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a file that is not an order store stops the opening with its path", async () => {
  const dir = await fresh();
  try {
    await writeFile(join(dir, "orders.json"), "[1,2,3]");
    await assert.rejects(OrderStore.open(dir), /orders\.json is not an order store/);
    await writeFile(join(dir, "orders.json"), "{not json");
    await assert.rejects(OrderStore.open(dir), /cannot read .*orders\.json/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
