//! The frame of every shop page and the answers the handlers send.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use kredivo_plan::Locale;
use kredivo_proxy::fallback::escape;

use super::words::{lang_code, words};
use super::LANG_COOKIE;
use crate::CSP;

/// A whole page of the shop: the store's header and footer around `main`. `path` is the
/// page's own path, for the language link; `head` adds tags to the head.
pub(super) fn page(l: Locale, title: &str, path: &str, head: &str, main: &str) -> String {
    let w = words(l);
    let (other, label, name) = w.switch;
    let sep = if path.contains('?') { "&amp;" } else { "?" };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<title>{title} — Toko Nusantara</title>\n\
         <meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/www/store.css\">\n{head}</head>\n\
         <body data-page=\"nojs\">\n<header class=\"top\">\n  <div class=\"wrap\">\n\
         <a class=\"logo\" href=\"/shop\"><span class=\"logo-mark\" aria-hidden=\"true\">N</span><span>Toko Nusantara<small>Produk lokal pilihan</small></span></a>\n\
         <nav>\n<a class=\"hide-sm\" href=\"/shop\">{home}</a>\n\
         <a class=\"lang\" href=\"{path}{sep}lang={other}\" hreflang=\"{other}\" lang=\"{other}\">{label}<span class=\"sr-only\"> ({name})</span></a>\n\
         <a id=\"cart-link\" href=\"/shop/checkout\">{cart}</a>\n</nav>\n  </div>\n</header>\n\
         <main class=\"wrap\">\n{main}</main>\n\
         <footer><div class=\"wrap\"><span>{footer}</span><span><a href=\"/\">{with_js}</a> · <a href=\"/www/csp.html\">CSP</a></span></div></footer>\n\
         </body>\n</html>\n",
        lang = lang_code(l),
        title = escape(title),
        path = escape(path),
        home = escape(w.home),
        cart = escape(w.cart),
        footer = escape(w.footer),
        with_js = escape(w.with_js),
    )
}

/// An HTML answer under the demo's policy, never cached (a checkout page renders a fresh
/// idempotency key each time: Back from Kredivo must not show a used one).
pub(super) fn html(status: StatusCode, body: String, l: Locale, lang_given: bool) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    if lang_given {
        remember_language(&mut response, l);
    }
    response
}

pub(super) fn remember_language(response: &mut Response, l: Locale) {
    let value = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang_code(l)
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

pub(super) fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}
