// A checkout page for a session the shop's server created (`POST /api/kredivo/v1/sessions`
// with the merchant key): `?session=<client_secret>` becomes the widget's `data-session`, the
// only thing the browser names. Options: `lang=en`, `theme=dark`.
const params = new URLSearchParams(location.search);
const session = params.get("session");
if (session) {
  const el = document.createElement("div");
  el.setAttribute("data-kredivo-checkout", "");
  el.setAttribute("data-session", session);
  for (const [param, attr] of [["lang", "data-locale"], ["theme", "data-theme"]]) {
    const value = params.get(param);
    if (value) {
      el.setAttribute(attr, value);
    }
  }
  document.getElementById("checkout-here").append(el);
} else {
  document.getElementById("session-how").hidden = false;
}
