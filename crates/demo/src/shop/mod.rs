//! The demo store without JavaScript (issue 18): a shop's own server-rendered pages that build
//! a catalogue cart with plain form posts and pay for it through the proxy's no-JavaScript
//! checkout fragment. With JavaScript on, the widget mounts over the fragment as on every
//! other page (`www/nojs.js` hands it the shopper's fields).
//!
//! | route | what it is |
//! |---|---|
//! | `GET /shop?lang=en` | the catalogue with a quantity per product, one form |
//! | `POST /shop/cart` | stores the quantities in the server-side cart (`/api/store/carts`), whose id it keeps in an `HttpOnly`, `SameSite=Lax` cookie; `303` to the checkout |
//! | `GET /shop/checkout` | the cart, and the proxy's fragment (`GET /kredivo/fallback?cart_id=…`) inside `<div data-kredivo-checkout>` |
//! | `GET /shop/order?order_id=…` | the order's status, refreshing itself (`<meta http-equiv="refresh">`) until it is final |
//! | `GET /www/return.html` | the store's return page as it is, with a `<noscript>` refresh to `/shop/order` for the order it names |
//!
//! The shop calls the proxy as a merchant's backend would, through its HTTP routes (in this
//! one process without a socket): every price comes from the catalogue, never from the page.

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use kredivo_proxy::fallback::escape;
use serde::Deserialize;
use tower::ServiceExt;

mod page;
mod words;

use crate::CSP;
use page::{html, page, see_other};
use words::{lang_code, language, money, plan_words, status_words, words};

/// The cookie that keeps the shopper's cart id.
const CART_COOKIE: &str = "toko_cart";
/// The cookie that keeps the shopper's language.
const LANG_COOKIE: &str = "toko_lang";
/// Most quantity of one product the form takes.
const MAX_QUANTITY: u32 = 99;
/// Most fields the cart form may have (the catalogue has far fewer products).
const MAX_FIELDS: usize = 200;
/// Largest answer read from the proxy.
const MAX_ANSWER: usize = 1 << 20;

/// What the shop's pages share: the proxy they call and where browsers reach the demo.
#[derive(Clone)]
struct Shop {
    proxy: Router,
    base: Arc<str>,
    root: Arc<PathBuf>,
}

/// The shop's routes, calling `proxy` in-process; `base` is where browsers reach the demo.
pub fn routes(proxy: Router, base: &str, root: PathBuf) -> Router {
    let shop = Shop {
        proxy,
        base: base.trim_end_matches('/').into(),
        root: Arc::new(root),
    };
    Router::new()
        .route("/shop", get(catalogue_page))
        .route("/shop/cart", post(save_cart))
        .route("/shop/checkout", get(checkout_page))
        .route("/shop/order", get(order_page))
        .route("/www/return.html", get(return_page))
        .with_state(shop)
}

/// An id the proxy could have made: 1 to 64 of `[A-Za-z0-9_-]`.
fn plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl Shop {
    fn secure(&self) -> &'static str {
        if self.base.starts_with("https://") {
            "; Secure"
        } else {
            ""
        }
    }

    /// One call to the proxy's HTTP API, as the merchant's backend makes it.
    async fn call(
        &self,
        method: Method,
        uri: &str,
        json: Option<serde_json::Value>,
    ) -> Result<(StatusCode, Vec<u8>), String> {
        let mut request = Request::builder().method(method).uri(uri);
        let body = match json {
            Some(value) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        let request = request.body(body).map_err(|e| e.to_string())?;
        let answer = match self.proxy.clone().oneshot(request).await {
            Ok(answer) => answer,
            Err(never) => match never {},
        };
        let status = answer.status();
        let bytes = axum::body::to_bytes(answer.into_body(), MAX_ANSWER)
            .await
            .map_err(|e| e.to_string())?;
        Ok((status, bytes.to_vec()))
    }

    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        uri: &str,
        body: Option<serde_json::Value>,
    ) -> Option<T> {
        match self.call(method, uri, body).await {
            Ok((status, bytes)) if status.is_success() => serde_json::from_slice(&bytes).ok(),
            Ok((status, _)) => {
                tracing::debug!(%uri, %status, "the proxy said no");
                None
            }
            Err(e) => {
                tracing::error!(%uri, error = %e, "cannot call the proxy");
                None
            }
        }
    }

    /// The shopper's cart, priced by the proxy, when the cookie names one that exists.
    async fn cart(&self, headers: &HeaderMap) -> Option<CartView> {
        let id = cookie(headers, CART_COOKIE).filter(|id| plain_id(id))?;
        self.json(Method::GET, &format!("/api/store/carts/{id}"), None)
            .await
    }
}

#[derive(Debug, Deserialize)]
struct Products {
    products: Vec<Product>,
}

#[derive(Debug, Deserialize)]
struct Product {
    id: String,
    name: String,
    price: String,
    #[serde(default)]
    variants: Vec<Variant>,
}

#[derive(Debug, Deserialize)]
struct Variant {
    id: String,
    label: String,
    price: String,
}

#[derive(Debug, Deserialize)]
struct CartView {
    cart_id: String,
    lines: Vec<CartLine>,
    total: String,
}

#[derive(Debug, Deserialize)]
struct CartLine {
    product_id: String,
    name: String,
    quantity: u32,
    line_total: String,
}

#[derive(Debug, Deserialize)]
struct OrderView {
    order_id: String,
    status: String,
    amount: String,
    payment_type: String,
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    order_id: Option<String>,
}

async fn catalogue_page(
    State(shop): State<Shop>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let l = language(q.lang.as_deref(), &headers);
    let w = words(l);
    let Some(catalogue) = shop
        .json::<Products>(Method::GET, "/api/store/products", None)
        .await
    else {
        let main = format!("<p role=\"alert\">{}</p>\n", escape(w.unavailable));
        return html(
            StatusCode::BAD_GATEWAY,
            page(l, w.title, "/shop", "", &main),
            l,
            false,
        );
    };
    let in_cart = shop
        .cart(&headers)
        .await
        .map(|c| c.lines)
        .unwrap_or_default();
    let quantity = |id: &str| {
        in_cart
            .iter()
            .find(|line| line.product_id == id)
            .map_or(0, |line| line.quantity)
    };
    let mut rows = String::new();
    for product in &catalogue.products {
        let sellables: Vec<(String, String, &str)> = if product.variants.is_empty() {
            vec![(product.id.clone(), product.name.clone(), &product.price)]
        } else {
            product
                .variants
                .iter()
                .map(|v| {
                    (
                        v.id.clone(),
                        format!("{} — {}", product.name, v.label),
                        v.price.as_str(),
                    )
                })
                .collect()
        };
        for (id, name, price) in sellables {
            rows.push_str(&format!(
                "<tr><th scope=\"row\"><label for=\"qty-{id}\">{name}</label></th><td>{price}</td>\
                 <td><input id=\"qty-{id}\" name=\"qty.{id}\" type=\"number\" min=\"0\" max=\"{MAX_QUANTITY}\" step=\"1\" inputmode=\"numeric\" value=\"{q}\"></td></tr>\n",
                id = escape(&id),
                name = escape(&name),
                price = escape(&money(price, l)),
                q = quantity(&id),
            ));
        }
    }
    let error = match q.error.as_deref() {
        Some("empty") => Some(w.empty),
        Some("quantity") => Some(w.bad_quantity),
        Some("cart") => Some(w.bad_cart),
        _ => None,
    }
    .map(|e| format!("<p class=\"nojs-error\" role=\"alert\">{}</p>\n", escape(e)))
    .unwrap_or_default();
    let main = format!(
        "<h1 class=\"page-title\">{title}</h1>\n<p class=\"nojs-lead\">{lead}</p>\n{error}\
         <form class=\"panel nojs-form\" method=\"post\" action=\"/shop/cart\">\n\
         <input type=\"hidden\" name=\"lang\" value=\"{lang}\">\n\
         <table class=\"results nojs-products\">\n<thead><tr><th scope=\"col\">{product}</th><th scope=\"col\">{price}</th><th scope=\"col\">{quantity}</th></tr></thead>\n\
         <tbody>\n{rows}</tbody>\n</table>\n\
         <div class=\"actions\"><button class=\"btn\" type=\"submit\">{submit}</button></div>\n</form>\n",
        title = escape(w.title),
        lead = escape(w.lead),
        lang = lang_code(l),
        product = escape(w.product),
        price = escape(w.price),
        quantity = escape(w.quantity),
        submit = escape(w.to_checkout),
    );
    html(
        StatusCode::OK,
        page(l, w.title, "/shop", "", &main),
        l,
        q.lang.is_some(),
    )
}

/// The quantities of the cart form: `qty.<product id>` → 0 to [`MAX_QUANTITY`].
fn quantities(form: &[(String, String)]) -> Result<Vec<(String, u32)>, &'static str> {
    if form.len() > MAX_FIELDS {
        return Err("quantity");
    }
    let mut lines = Vec::new();
    for (name, value) in form {
        let Some(id) = name.strip_prefix("qty.") else {
            continue;
        };
        if !plain_id(id) {
            return Err("cart");
        }
        let value = value.trim();
        let quantity = if value.is_empty() {
            0
        } else {
            value
                .parse::<u32>()
                .ok()
                .filter(|q| *q <= MAX_QUANTITY)
                .ok_or("quantity")?
        };
        if quantity > 0 {
            lines.push((id.to_owned(), quantity));
        }
    }
    if lines.is_empty() {
        return Err("empty");
    }
    Ok(lines)
}

/// `POST /shop/cart`. The cart id lives in a `SameSite=Lax` cookie, so another site's form
/// cannot post into the shopper's cart; the proxy prices and checks every line.
async fn save_cart(
    State(shop): State<Shop>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let lang = form
        .iter()
        .find(|(k, _)| k == "lang")
        .map(|(_, v)| v.as_str());
    let l = language(lang, &headers);
    let code = lang_code(l);
    let lines = match quantities(&form) {
        Ok(lines) => lines,
        Err(error) => return see_other(&format!("/shop?lang={code}&error={error}")),
    };
    let cart_id = match shop.cart(&headers).await {
        Some(cart) => cart.cart_id,
        None => {
            #[derive(Deserialize)]
            struct Created {
                cart_id: String,
            }
            match shop
                .json::<Created>(Method::POST, "/api/store/carts", None)
                .await
            {
                Some(created) if plain_id(&created.cart_id) => created.cart_id,
                _ => return see_other(&format!("/shop?lang={code}&error=cart")),
            }
        }
    };
    let body = serde_json::json!({
        "lines": lines
            .iter()
            .map(|(id, q)| serde_json::json!({"product_id": id, "quantity": q}))
            .collect::<Vec<_>>()
    });
    if shop
        .json::<serde_json::Value>(
            Method::PUT,
            &format!("/api/store/carts/{cart_id}"),
            Some(body),
        )
        .await
        .is_none()
    {
        return see_other(&format!("/shop?lang={code}&error=cart"));
    }
    let mut response = see_other(&format!("/shop/checkout?lang={code}"));
    let cookie = format!(
        "{CART_COOKIE}={cart_id}; Path=/shop; Max-Age=604800; HttpOnly; SameSite=Lax{}",
        shop.secure()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

async fn checkout_page(
    State(shop): State<Shop>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let l = language(q.lang.as_deref(), &headers);
    let w = words(l);
    let code = lang_code(l);
    let Some(cart) = shop.cart(&headers).await.filter(|c| !c.lines.is_empty()) else {
        return see_other(&format!("/shop?lang={code}"));
    };
    // The merchant's three lines: fetch the fragment server side, put it in the div, load the
    // widget's script. `back` brings a shopper whose details were refused back here.
    let back = format!("{}/shop/checkout?lang={code}", shop.base);
    let fragment = match shop
        .call(
            Method::GET,
            &format!(
                "/kredivo/fallback?cart_id={}&locale={code}&back={}",
                cart.cart_id,
                percent_encode(&back)
            ),
            None,
        )
        .await
    {
        Ok((StatusCode::OK, bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        Ok((status, _)) => {
            tracing::warn!(%status, "no Kredivo fragment for the cart");
            format!("<p role=\"alert\">{}</p>\n", escape(w.unavailable))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot call the proxy");
            format!("<p role=\"alert\">{}</p>\n", escape(w.unavailable))
        }
    };
    let lines: String = cart
        .lines
        .iter()
        .map(|line| {
            format!(
                "<tr><th scope=\"row\">{name}</th><td>{q}</td><td>{total}</td></tr>\n",
                name = escape(&line.name),
                q = line.quantity,
                total = escape(&money(&line.line_total, l)),
            )
        })
        .collect();
    let main = format!(
        "<h1 class=\"page-title\">{title}</h1>\n<div class=\"cart\">\n\
         <section class=\"panel\" aria-labelledby=\"lines-title\">\n<h2 id=\"lines-title\" class=\"sr-only\">{cart_word}</h2>\n\
         <table class=\"results nojs-lines\">\n<thead><tr><th scope=\"col\">{product}</th><th scope=\"col\">{quantity}</th><th scope=\"col\">{total}</th></tr></thead>\n\
         <tbody>\n{lines}</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"2\">{total}</th><td id=\"cart-total\">{sum}</td></tr></tfoot>\n</table>\n\
         <p><a href=\"/shop?lang={code}\">{change}</a></p>\n</section>\n\
         <aside class=\"panel pay\" aria-labelledby=\"pay-title\">\n<h2 id=\"pay-title\">{pay_title}</h2>\n<p class=\"lead\">{pay_lead}</p>\n\
         <div id=\"kredivo-checkout\" data-kredivo-checkout data-cart-id=\"{cart_id}\" data-locale=\"{code}\">\n{fragment}</div>\n\
         </aside>\n</div>\n",
        title = escape(w.checkout),
        cart_word = escape(w.cart),
        product = escape(w.product),
        quantity = escape(w.quantity),
        total = escape(w.total),
        sum = escape(&money(&cart.total, l)),
        change = escape(w.change),
        pay_title = escape(w.pay_title),
        pay_lead = escape(w.pay_lead),
        cart_id = escape(&cart.cart_id),
    );
    let head = "<script type=\"module\" src=\"/dist/kredivo-checkout.js\" async></script>\n\
                <script type=\"module\" src=\"/www/nojs.js\"></script>\n";
    html(
        StatusCode::OK,
        page(l, w.checkout, "/shop/checkout", head, &main),
        l,
        q.lang.is_some(),
    )
}

async fn order_page(
    State(shop): State<Shop>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let l = language(q.lang.as_deref(), &headers);
    let w = words(l);
    let order = match q.order_id.as_deref().filter(|id| plain_id(id)) {
        Some(id) => {
            shop.json::<OrderView>(Method::GET, &format!("/api/kredivo/v1/orders/{id}"), None)
                .await
        }
        None => None,
    };
    let status = order.as_ref().map_or("error", |o| o.status.as_str());
    let live = matches!(status, "created" | "pending");
    let (icon, title, text) = status_words(status, l);
    let facts = order
        .as_ref()
        .map(|o| {
            format!(
                "<dl class=\"facts\">\n<div><dt>{order}</dt><dd>{id}</dd></div>\n\
                 <div><dt>{amount}</dt><dd>{sum}</dd></div>\n<div><dt>{plan}</dt><dd>{tenure}</dd></div>\n</dl>\n",
                order = escape(w.order),
                id = escape(&o.order_id),
                amount = escape(w.amount),
                sum = escape(&money(&o.amount, l)),
                plan = escape(w.plan),
                tenure = escape(&plan_words(&o.payment_type, l)),
            )
        })
        .unwrap_or_default();
    let main = format!(
        "<section class=\"panel status-card\" id=\"order-status\" data-status=\"{status}\">\n\
         <div class=\"status-icon\" aria-hidden=\"true\">{icon}</div>\n<h1>{title}</h1>\n<p>{text}</p>\n{facts}\
         <div class=\"actions center\"><a class=\"btn\" href=\"/shop?lang={code}\">{back}</a></div>\n</section>\n",
        status = escape(status),
        title = escape(title),
        text = escape(text),
        code = lang_code(l),
        back = escape(w.back_home),
    );
    // Until the order is final the page asks again by itself: no script needed.
    let head = if live {
        "<meta http-equiv=\"refresh\" content=\"2\">\n"
    } else {
        ""
    };
    let own = format!(
        "/shop/order?order_id={}",
        percent_encode(q.order_id.as_deref().unwrap_or_default())
    );
    let mut response = html(
        StatusCode::OK,
        page(l, title, &own, head, &main),
        l,
        q.lang.is_some(),
    );
    if status == "settled" {
        // Paid: the next visit starts a new cart (as the script store forgets its own).
        let gone = format!(
            "{CART_COOKIE}=; Path=/shop; Max-Age=0; HttpOnly; SameSite=Lax{}",
            shop.secure()
        );
        if let Ok(v) = HeaderValue::from_str(&gone) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The store's return page (`RETURN_PAGE`) as it is, plus, for the order it names, a refresh
/// that only a browser running no script follows: to the server-rendered status.
async fn return_page(State(shop): State<Shop>, Query(q): Query<PageQuery>) -> Response {
    let path = shop.root.join("www/return.html");
    let template = match tokio::fs::read_to_string(&path).await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "cannot read the return page");
            return (StatusCode::INTERNAL_SERVER_ERROR, "the page is unavailable").into_response();
        }
    };
    let body = match q.order_id.as_deref().filter(|id| plain_id(id)) {
        Some(id) => template.replacen(
            "</head>",
            &format!(
                "<noscript><meta http-equiv=\"refresh\" content=\"0; url=/shop/order?order_id={id}\"></noscript>\n</head>"
            ),
            1,
        ),
        None => template,
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use kredivo_plan::Locale;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_cart_form_reads_quantities_within_their_limits() {
        let cases = [
            (
                "two products, a zero and a blank left out",
                form(&[
                    ("lang", "en"),
                    ("qty.a", "2"),
                    ("qty.b", "0"),
                    ("qty.c", ""),
                    ("qty.d", " 1 "),
                ]),
                Ok(vec![("a".to_owned(), 2), ("d".to_owned(), 1)]),
            ),
            ("nothing chosen", form(&[("qty.a", "0")]), Err("empty")),
            ("over the limit", form(&[("qty.a", "100")]), Err("quantity")),
            ("not a number", form(&[("qty.a", "-1")]), Err("quantity")),
            (
                "a product id no catalogue has",
                form(&[("qty.<a>", "1")]),
                Err("cart"),
            ),
        ];
        for (what, input, expected) in cases {
            assert_eq!(quantities(&input), expected, "{what}");
        }
        let flood: Vec<(String, String)> = (0..=MAX_FIELDS)
            .map(|i| (format!("qty.p{i}"), "1".to_owned()))
            .collect();
        assert_eq!(quantities(&flood), Err("quantity"), "too many fields");
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("x_toko_cart=no; toko_cart=cart_ABC; toko_lang=en"),
        );
        assert_eq!(cookie(&headers, CART_COOKIE), Some("cart_ABC"));
        assert_eq!(language(None, &headers), Locale::En);
        assert_eq!(language(Some("id"), &headers), Locale::Id);
    }

    #[test]
    fn a_return_address_is_encoded_as_one_query_value() {
        assert_eq!(
            percent_encode("http://127.0.0.1:8080/shop/checkout?lang=en"),
            "http%3A%2F%2F127.0.0.1%3A8080%2Fshop%2Fcheckout%3Flang%3Den"
        );
    }
}
