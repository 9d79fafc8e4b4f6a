// The shop's own orders: one JSON file, replaced atomically on every change, changes applied
// one at a time. This is what a real shop keeps in its database: the order row (status,
// amount, the Kredivo session) and the ids of the webhook events already handled — in SQL, a
// table with a unique key on the event id, written in the same transaction as the order.

import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";

/** The shop's status for each status a webhook reports (`data.status`). */
export const SHOP_STATUS = Object.freeze({
  created: "awaiting_payment",
  pending: "pending",
  settled: "paid",
  denied: "denied",
  expired: "expired",
  cancelled: "cancelled",
  refunded: "refunded",
});

// Statuses only move forward: a late or redelivered `order.pending` must not un-pay an order.
// Same rank may replace (a partial cancellation of a paid order arrives as `settled` again).
const RANK = Object.freeze({
  awaiting_payment: 0,
  checkout_failed: 0,
  pending: 1,
  paid: 2,
  denied: 2,
  expired: 2,
  cancelled: 3,
  refunded: 3,
});

export class OrderStore {
  #file;
  #state;
  #queue = Promise.resolve();

  constructor(file, state) {
    this.#file = file;
    this.#state = state;
  }

  /** Opens (or creates) `<dir>/orders.json`. A file that is not ours stops the start-up. */
  static async open(dir) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, "orders.json");
    let state = { orders: {}, events: {} };
    try {
      state = JSON.parse(await readFile(file, "utf8"));
    } catch (e) {
      if (e.code !== "ENOENT") throw new Error(`cannot read ${file}: ${e.message}`);
    }
    if (typeof state?.orders !== "object" || typeof state?.events !== "object") {
      throw new Error(`${file} is not an order store ({"orders":{},"events":{}})`);
    }
    return new OrderStore(file, state);
  }

  /** The order with this reference, or undefined. The caller must not modify it. */
  get(reference) {
    return Object.hasOwn(this.#state.orders, reference) ? this.#state.orders[reference] : undefined;
  }

  /** Stores a new order (status `awaiting_payment`). */
  create(order) {
    return this.#change((state, now) => {
      if (Object.hasOwn(state.orders, order.reference)) throw new Error(`order ${order.reference} exists`);
      state.orders[order.reference] = {
        ...order,
        status: "awaiting_payment",
        session_id: null,
        kredivo: null,
        problem: null,
        history: [],
        created_at: now,
        updated_at: now,
      };
    });
  }

  /** Records the proxy's session for an order, or that creating it failed. */
  setSession(reference, { sessionId = null, failure = null }) {
    return this.#change((state, now) => {
      const order = state.orders[reference];
      order.session_id = sessionId;
      if (failure) {
        order.status = "checkout_failed";
        order.problem = failure;
      }
      order.updated_at = now;
    });
  }

  /**
   * Applies a verified webhook event once. Resolves to `{ outcome, order }`, the outcome being
   * `duplicate` (this id was handled before: nothing changes), `unknown_order`, `rejected`
   * (its amount, currency or session disagree with the order: recorded, status unchanged),
   * `stale` (it would move the status backwards) or `applied`. Every outcome but a duplicate
   * records the id, so a redelivery is a duplicate.
   */
  applyEvent(event) {
    let result;
    return this.#change((state, now) => {
      if (Object.hasOwn(state.events, event.id)) {
        const seen = state.events[event.id].reference;
        result = { outcome: "duplicate", order: seen !== null ? state.orders[seen] : undefined };
        return false;
      }
      const data = event.data;
      const reference = typeof data.reference === "string" ? data.reference : null;
      state.events[event.id] = { type: event.type, reference, received_at: now };
      const order = reference !== null && Object.hasOwn(state.orders, reference) ? state.orders[reference] : undefined;
      if (!order) {
        result = { outcome: "unknown_order", order: undefined };
        return true;
      }

      const entry = {
        event_id: event.id,
        type: event.type,
        status: data.status,
        created: event.created,
        received_at: now,
      };
      order.history.push(entry);
      order.updated_at = now;

      // The amount is compared as the decimal strings both sides write: no parsing, no floats.
      const mismatch =
        data.amount !== order.amount
          ? `amount ${data.amount} differs from the order's ${order.amount}`
          : data.currency !== "IDR"
            ? `currency ${data.currency} is not IDR`
            : order.session_id !== null && data.session_id !== order.session_id
              ? `session ${data.session_id} is not the order's ${order.session_id}`
              : null;
      if (mismatch) {
        entry.outcome = "rejected";
        order.problem = `event ${event.id}: ${mismatch}`;
        result = { outcome: "rejected", order, reason: mismatch };
        return true;
      }

      const next = Object.hasOwn(SHOP_STATUS, data.status) ? SHOP_STATUS[data.status] : null;
      if (next === null || RANK[next] < RANK[order.status]) {
        entry.outcome = "stale";
        result = { outcome: "stale", order };
        return true;
      }
      entry.outcome = "applied";
      order.status = next;
      order.kredivo = {
        order_id: data.order_id,
        status: data.status,
        payment_type: data.payment_type,
        gateway: data.gateway,
        transaction_id: data.transaction_id ?? null,
        cancelled_amount: data.cancelled_amount,
      };
      result = { outcome: "applied", order };
      return true;
    }).then(() => result);
  }

  /**
   * Runs `mutate(copy, nowSeconds)` on a copy of the state, writes the copy, then makes it
   * current; one change at a time. `mutate` returning `false` means "nothing to write". A
   * failed write leaves the previous state current, so the caller can answer 500 and the
   * event is delivered again.
   */
  #change(mutate) {
    const run = this.#queue.then(async () => {
      const next = structuredClone(this.#state);
      if (mutate(next, Math.floor(Date.now() / 1000)) === false) return;
      await writeAtomically(this.#file, `${JSON.stringify(next, null, 2)}\n`);
      this.#state = next;
    });
    this.#queue = run.catch(() => {});
    return run;
  }
}

/**
 * Writes `text` to a new file beside `file`, flushes it to disk and renames it over `file`: a
 * crash leaves the old or the new content, never half of one.
 */
async function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  // Make the rename itself durable. Directories cannot be opened for syncing everywhere
  // (Windows); there the rename is as durable as the file system makes it.
  try {
    const dir = await open(dirname(file), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // best effort, see above
  }
}
