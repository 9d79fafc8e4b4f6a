// Rupiah as the protocol writes them: decimal strings of whole rupiah ("598000"). Sums use
// BigInt, never Number, so no amount ever passes through a float; amounts are compared as
// the strings this module writes.

const WHOLE_RUPIAH = /^(0|[1-9][0-9]{0,14})$/;

/** "598000" → 598000n; throws RangeError for anything but whole non-negative rupiah. */
export function parseRupiah(text) {
  if (typeof text !== "string" || !WHOLE_RUPIAH.test(text)) {
    throw new RangeError(`"${String(text).slice(0, 20)}" is not a whole number of rupiah`);
  }
  return BigInt(text);
}

/** Whether `text` is a canonical whole-rupiah string ("0", "598000"; not "01", "1.0", "-5"). */
export function isRupiah(text) {
  return typeof text === "string" && WHOLE_RUPIAH.test(text);
}

/** 598000n → "598000". */
export function rupiahText(value) {
  if (typeof value !== "bigint" || value < 0n) throw new RangeError("an amount is a non-negative BigInt");
  return value.toString();
}

/** "1250000" → "Rp 1.250.000" (Indonesian grouping), from the digits alone. */
export function formatRupiah(text) {
  parseRupiah(text);
  return `Rp ${text.replace(/\B(?=(\d{3})+$)/g, ".")}`;
}
