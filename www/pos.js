// The shop counter's screen. The POS's own server starts a QR checkout with the merchant key
// (`POST /api/kredivo/v1/qr`, server to server: the key never reaches this page) and opens
// this page with `?qr=<qr_id>` from the answer; the widget shows the code, the amount and the
// countdown, and follows the order until it ends. Options: `lang=en`, `theme=dark`.
const params = new URLSearchParams(location.search);
const qr = params.get("qr");
if (qr) {
  const screen = document.createElement("div");
  screen.setAttribute("data-kredivo-qr", qr);
  for (const [param, attr] of [["lang", "data-locale"], ["theme", "data-theme"]]) {
    const value = params.get(param);
    if (value) {
      screen.setAttribute(attr, value);
    }
  }
  if (params.get("lang") === "en") {
    document.documentElement.lang = "en";
  }
  document.getElementById("pos-screen").append(screen);
} else {
  document.getElementById("pos-how").hidden = false;
}
