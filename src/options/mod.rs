//! Widget options: what a merchant sets through `data-*` attributes or
//! `KredivoCheckout.mount(el, options)`, read here and nowhere else, into plain types.
//!
//! Parsing is a pure function of a lookup (`attribute name → value`) so it is tested natively;
//! `dom` supplies the lookup from the element and reads the JS options object.

mod dom;

use kredivo_api::{Address, CartLine, Customer};
use kredivo_plan::Locale;
use rust_decimal::Decimal;

#[cfg(feature = "badge")]
pub use dom::PageLang;
pub use dom::{fallback, read};

/// Attributes whose change re-reads a host's options (`lang` is `<html lang>`, the default
/// locale); the host's `MutationObserver` watches exactly these.
pub const WATCHED: [&str; 15] = [
    "data-kredivo-checkout",
    "data-kredivo-badge",
    "data-kredivo-qr",
    "data-session",
    "data-amount",
    "data-cart",
    "data-cart-id",
    "data-proxy",
    "data-locale",
    "data-theme",
    "data-logo",
    "data-button-width",
    "data-pricing",
    "data-revision",
    "lang",
];

/// Smallest and largest button width in CSS pixels (Kredivo's branding asks for 100–300).
pub const WIDTH_RANGE: (u32, u32) = (100, 300);

/// What a mounted element shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The plan picker and the Kredivo button.
    Checkout,
    /// "Cicilan mulai Rp X/bulan dengan Kredivo" with a breakdown dialog.
    Badge,
    /// A shop counter's QR checkout: the code, the amount, a countdown and the outcome.
    Qr,
}

impl Kind {
    /// `checkout`, `badge` or `qr`, as the `kind` option spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Checkout => "checkout",
            Kind::Badge => "badge",
            Kind::Qr => "qr",
        }
    }
}

/// Colour scheme of the widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Light surfaces.
    #[default]
    Light,
    /// Dark surfaces.
    Dark,
    /// Follows `prefers-color-scheme`.
    Auto,
}

impl Theme {
    /// The value of the root's `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Auto => "auto",
        }
    }

    fn parse(s: &str) -> Option<Theme> {
        match s.trim() {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            "auto" => Some(Theme::Auto),
            _ => None,
        }
    }
}

/// Which Kredivo logo the button carries; the button's background follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Logo {
    /// White logo on a Kredivo-blue button (the default, for light pages).
    #[default]
    White,
    /// Blue logo on a white button (for dark or busy backgrounds).
    Blue,
}

impl Logo {
    /// The value of the button's `data-logo` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Logo::White => "white",
            Logo::Blue => "blue",
        }
    }

    fn parse(s: &str) -> Option<Logo> {
        match s.trim() {
            "white" => Some(Logo::White),
            "blue" => Some(Logo::Blue),
            _ => None,
        }
    }
}

/// Where a badge gets its pricing table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pricing {
    /// `GET {proxy}/api/kredivo/v1/pricing`, once per page; the embedded table if that fails.
    #[default]
    Proxy,
    /// The Kredivo reference table compiled into the widget; no request at all.
    Embedded,
}

/// What is being paid for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Source {
    /// Nothing set yet (the widget waits).
    #[default]
    None,
    /// A checkout session the merchant's server created (`data-session`): the widget holds
    /// only its client secret, and names no item, price or amount.
    Session(String),
    /// Product ids and quantities, priced by the proxy.
    Cart(Vec<CartLine>),
    /// A cart the merchant keeps server-side.
    CartId(String),
    /// A bare amount in rupiah.
    Amount(Decimal),
    /// The element's options could not be read (the message says which); shown as
    /// `invalid_options`.
    Invalid(String),
}

impl Source {
    /// Whether the Kredivo button can buy it: a session or a cart can, a bare amount is a
    /// preview.
    pub fn can_be_bought(&self) -> bool {
        matches!(
            self,
            Source::Session(_) | Source::Cart(_) | Source::CartId(_)
        )
    }
}

/// Every option, resolved to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Checkout widget or badge.
    pub kind: Kind,
    /// Base URL of the merchant's proxy, without a trailing slash; empty means same origin.
    pub proxy: String,
    /// What is being paid for.
    pub source: Source,
    /// Display language.
    pub locale: Locale,
    /// Colour scheme.
    pub theme: Theme,
    /// Button logo variant.
    pub logo: Logo,
    /// Button width in CSS pixels, clamped to [`WIDTH_RANGE`]; `None` fills the container.
    pub button_width: Option<u32>,
    /// Badge pricing source.
    pub pricing: Pricing,
    /// An opaque revision of the cart (`data-revision`): a server-side cart that changed
    /// under the same id is priced again when this changes.
    pub revision: String,
    /// Catalogue checkout only (a session names its own): the shopper's details from the
    /// shop's form. Not in the badge bundle, whose widget never pays.
    #[cfg(feature = "checkout")]
    pub shopper: Shopper,
    /// The QR screen's handle (`data-kredivo-qr`, or the `qr` option): the `qr_id` the
    /// proxy gave the shop's server when it started the QR checkout. QR bundle only.
    #[cfg(feature = "qr")]
    pub qr: String,
}

/// Who pays and where the goods go, as the shop's own checkout form has them (the JS options
/// `customer` and `shippingAddress`); a catalogue checkout sends them, the proxy checks them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Shopper {
    /// `customer`: first and last name, e-mail, phone.
    pub customer: Option<Customer>,
    /// `shippingAddress`: the addressee and the address.
    pub shipping_address: Option<Address>,
}

/// An option that could not be read: thrown by `KredivoCheckout.mount` and `update`, and
/// shown as `invalid_options` for a malformed attribute.
// `\"{value}\"` rather than `{value:?}`: Debug's string escaping would link Rust's Unicode
// printability tables into the widget for one error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionError {
    /// A value that cannot be read, e.g. `amount` `"12.50"`.
    #[error("invalid {field}: \"{value}\"")]
    Invalid {
        /// The attribute or option name.
        field: &'static str,
        /// The offending value.
        value: String,
    },
    /// A property of the options object has the wrong type.
    #[error("KredivoCheckout options: `{field}` {rule}")]
    WrongType {
        /// The property, as JS spells it (`buttonWidth`).
        field: &'static str,
        /// What it must be, e.g. `must be a string`.
        rule: &'static str,
    },
    /// The options argument is neither an object nor `undefined`/`null`.
    #[error("KredivoCheckout options: expected an object")]
    NotAnObject,
}

/// The options object of `KredivoCheckout.mount(el, options)` and `handle.update(options)`.
///
/// Every field is optional; set fields override the element's `data-*` attributes.
/// Read by [`JsOptions::from_js`]; the TypeScript types in `www/widget/kredivo-checkout.d.ts`
/// describe the same object.
#[derive(Debug, Default, Clone)]
pub struct JsOptions {
    /// `kind`: `"checkout"` or `"badge"`.
    pub kind: Option<String>,
    /// Proxy base URL.
    pub proxy: Option<String>,
    /// A checkout session's client secret.
    pub session: Option<String>,
    /// Cart lines `{product_id, quantity}`.
    pub cart: Option<Vec<CartLine>>,
    /// `cartId`: a server-side cart id.
    pub cart_id: Option<String>,
    /// Amount as a string of digits or a whole number (kept as text; parsed with the rest).
    pub amount: Option<String>,
    /// `"id"` or `"en"`.
    pub locale: Option<String>,
    /// `"light"`, `"dark"` or `"auto"`.
    pub theme: Option<String>,
    /// `"white"` or `"blue"`.
    pub logo: Option<String>,
    /// `buttonWidth`: button width in pixels.
    pub button_width: Option<u32>,
    /// `"proxy"` or `"embedded"`.
    pub pricing: Option<String>,
    /// Cart revision; a change prices the cart again.
    pub revision: Option<String>,
    /// `customer` and `shippingAddress` (catalogue checkout; checkout bundle only).
    #[cfg(feature = "checkout")]
    pub shopper: Shopper,
    /// `qr`: the QR checkout's handle (QR bundle only).
    #[cfg(feature = "qr")]
    pub qr: Option<String>,
}

impl JsOptions {
    /// The options as attribute-style text, so one parser handles both surfaces.
    pub fn lookup(&self, name: &str) -> Option<String> {
        match name {
            "kind" => self.kind.clone(),
            "data-proxy" => self.proxy.clone(),
            "data-cart-id" => self.cart_id.clone(),
            "data-amount" => self.amount.clone(),
            "data-locale" => self.locale.clone(),
            "data-theme" => self.theme.clone(),
            "data-logo" => self.logo.clone(),
            "data-button-width" => self.button_width.map(|w| w.to_string()),
            "data-pricing" => self.pricing.clone(),
            "data-revision" => self.revision.clone(),
            _ => None,
        }
    }

    fn has_source(&self) -> bool {
        self.session.is_some()
            || self.cart.is_some()
            || self.cart_id.is_some()
            || self.amount.is_some()
    }

    /// Folds `later` into `self`: fields `later` sets win.
    pub fn merge(&mut self, later: JsOptions) {
        fn pick<T>(a: &mut Option<T>, b: Option<T>) {
            if b.is_some() {
                *a = b;
            }
        }
        if later.has_source() {
            // A new source replaces the old one whole.
            self.session = later.session;
            self.cart = later.cart;
            self.cart_id = later.cart_id;
            self.amount = later.amount;
        }
        pick(&mut self.kind, later.kind);
        pick(&mut self.proxy, later.proxy);
        pick(&mut self.locale, later.locale);
        pick(&mut self.theme, later.theme);
        pick(&mut self.logo, later.logo);
        pick(&mut self.button_width, later.button_width);
        pick(&mut self.pricing, later.pricing);
        pick(&mut self.revision, later.revision);
        #[cfg(feature = "qr")]
        pick(&mut self.qr, later.qr);
        #[cfg(feature = "checkout")]
        {
            pick(&mut self.shopper.customer, later.shopper.customer);
            pick(
                &mut self.shopper.shipping_address,
                later.shopper.shipping_address,
            );
        }
    }
}

/// Parses options from a lookup of attribute names (`data-amount`, …) plus the document's
/// language (`<html lang>`) for the default locale.
///
/// `attr` answers for the element's attributes; `js` (the options object, if any) wins over
/// them. A malformed value is an error rather than silently ignored, except unknown theme and
/// logo names, which fall back to their defaults so a typo never hides the button.
pub fn parse(
    attr: &dyn Fn(&str) -> Option<String>,
    js: Option<&JsOptions>,
    document_lang: Option<&str>,
) -> Result<Options, OptionError> {
    let get = |name: &'static str| -> Option<String> {
        js.and_then(|o| o.lookup(name)).or_else(|| attr(name))
    };
    let kind = match get("kind").as_deref() {
        Some("badge") => Kind::Badge,
        Some("checkout") => Kind::Checkout,
        // Only a build with the QR screen knows its kind: the other bundles carry no word of it.
        Some("qr") if cfg!(feature = "qr") => Kind::Qr,
        Some(other) => {
            return Err(OptionError::Invalid {
                field: "kind",
                value: other.into(),
            })
        }
        None if attr("data-kredivo-badge").is_some() => Kind::Badge,
        None if cfg!(feature = "qr") && attr("data-kredivo-qr").is_some() => Kind::Qr,
        None => Kind::Checkout,
    };
    let proxy = get("data-proxy")
        .map(|p| p.trim().trim_end_matches('/').to_owned())
        .unwrap_or_default();

    let source = match js.filter(|o| o.has_source()) {
        Some(o) => source_from(
            o.session.clone(),
            o.cart.clone(),
            o.cart_id.clone(),
            o.amount.clone(),
        )?,
        None => {
            let cart = match attr("data-cart") {
                Some(text) => Some(parse_cart_json(&text)?),
                None => None,
            };
            source_from(
                attr("data-session"),
                cart,
                attr("data-cart-id"),
                attr("data-amount"),
            )?
        }
    };

    let locale = match get("data-locale") {
        Some(tag) => Locale::parse(&tag).ok_or(OptionError::Invalid {
            field: "locale",
            value: tag,
        })?,
        None => document_lang.and_then(Locale::parse).unwrap_or_default(),
    };
    let theme = get("data-theme")
        .and_then(|t| Theme::parse(&t))
        .unwrap_or_default();
    let logo = get("data-logo")
        .and_then(|l| Logo::parse(&l))
        .unwrap_or_default();
    let button_width = match get("data-button-width") {
        Some(w) => Some(clamp_width(
            // `strip_suffix`, not `trim_end_matches("px")`: a `&str` pattern there links
            // core's two-way substring searcher (~2 KB of wasm) for two letters.
            w.trim()
                .strip_suffix("px")
                .unwrap_or(w.trim())
                .parse::<u32>()
                .map_err(|_| OptionError::Invalid {
                    field: "buttonWidth",
                    value: w.clone(),
                })?,
        )),
        None => None,
    };
    let pricing = match get("data-pricing").as_deref().map(str::trim) {
        Some("embedded") => Pricing::Embedded,
        _ => Pricing::Proxy,
    };
    let revision = get("data-revision").unwrap_or_default();
    Ok(Options {
        kind,
        proxy,
        source,
        locale,
        theme,
        logo,
        button_width,
        pricing,
        revision,
        #[cfg(feature = "checkout")]
        shopper: js.map(|o| o.shopper.clone()).unwrap_or_default(),
        #[cfg(feature = "qr")]
        qr: js
            .and_then(|o| o.qr.clone())
            .or_else(|| attr("data-kredivo-qr"))
            .map(|q| q.trim().to_owned())
            .unwrap_or_default(),
    })
}

/// Clamps a button width to Kredivo's 100–300 px.
pub fn clamp_width(px: u32) -> u32 {
    px.clamp(WIDTH_RANGE.0, WIDTH_RANGE.1)
}

/// The source, first of: a session, a cart, a cart id, an amount. An empty session or cart
/// id is none.
fn source_from(
    session: Option<String>,
    cart: Option<Vec<CartLine>>,
    cart_id: Option<String>,
    amount: Option<String>,
) -> Result<Source, OptionError> {
    let text = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if let Some(secret) = text(session) {
        return Ok(Source::Session(secret));
    }
    if let Some(lines) = cart {
        return Ok(Source::Cart(lines));
    }
    if let Some(id) = text(cart_id) {
        return Ok(Source::CartId(id));
    }
    match amount.as_deref().map(str::trim) {
        None | Some("") => Ok(Source::None),
        Some(text) => parse_amount(text)
            .map(Source::Amount)
            .ok_or(OptionError::Invalid {
                field: "amount",
                value: text.into(),
            }),
    }
}

/// A whole, positive rupiah amount written as plain digits (`"2400000"`).
pub fn parse_amount(text: &str) -> Option<Decimal> {
    let money = kredivo_plan::Money::parse(text).ok()?;
    (!money.is_zero()).then(|| money.as_decimal())
}

/// Parses `data-cart`: `[{"product_id":"…","quantity":2}]`.
///
/// In the browser this is `JSON.parse` + serde-wasm-bindgen (no JSON parser in the wasm);
/// natively (unit tests) the tiny subset above is read by hand.
fn parse_cart_json(text: &str) -> Result<Vec<CartLine>, OptionError> {
    let err = || OptionError::Invalid {
        field: "cart",
        value: text.into(),
    };
    let lines = cart_from_json(text).ok_or_else(err)?;
    let valid = !lines.is_empty()
        && lines.len() <= kredivo_api::MAX_CART_LINES
        && lines.iter().all(|l| {
            !l.product_id.is_empty() && (1..=kredivo_api::MAX_QUANTITY).contains(&l.quantity)
        });
    if valid {
        Ok(lines)
    } else {
        Err(err())
    }
}

#[cfg(all(target_arch = "wasm32", feature = "checkout"))]
fn cart_from_json(text: &str) -> Option<Vec<CartLine>> {
    let v = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(v).ok()
}

/// The badge bundle mounts only badges, which price an amount: a cart on one is a mistake
/// (reported as an invalid `cart`), and reading carts would cost the bundle their parser.
#[cfg(all(target_arch = "wasm32", not(feature = "checkout")))]
fn cart_from_json(_: &str) -> Option<Vec<CartLine>> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
fn cart_from_json(text: &str) -> Option<Vec<CartLine>> {
    // Native builds only run unit tests; accept the documented shape with plain splitting.
    let body = text.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    if body.is_empty() {
        return Some(Vec::new());
    }
    body.split('}')
        .map(|s| s.trim().trim_start_matches(',').trim())
        .filter(|s| !s.is_empty())
        .map(|obj| {
            let obj = obj.strip_prefix('{')?;
            let (mut id, mut qty) = (None, None);
            for pair in obj.split(',') {
                let (k, v) = pair.split_once(':')?;
                match k.trim().trim_matches('"') {
                    "product_id" => id = Some(v.trim().trim_matches('"').to_owned()),
                    "quantity" => qty = v.trim().parse().ok(),
                    _ => {}
                }
            }
            Some(CartLine {
                product_id: id?,
                quantity: qty?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn a_checkout_element_reads_its_data_attributes() {
        let a = attrs(&[
            ("data-kredivo-checkout", ""),
            ("data-proxy", "https://shop.example/"),
            ("data-cart", r#"[{"product_id":"batik-m","quantity":2}]"#),
            ("data-locale", "en"),
            ("data-theme", "dark"),
            ("data-logo", "blue"),
            ("data-button-width", "240"),
        ]);
        let o = parse(&a, None, Some("id")).unwrap();
        assert_eq!(o.kind, Kind::Checkout);
        assert_eq!(o.proxy, "https://shop.example", "trailing slash dropped");
        assert_eq!(
            o.source,
            Source::Cart(vec![CartLine {
                product_id: "batik-m".into(),
                quantity: 2
            }])
        );
        assert_eq!(o.locale, Locale::En);
        assert_eq!(o.theme, Theme::Dark);
        assert_eq!(o.logo, Logo::Blue);
        assert_eq!(o.button_width, Some(240));
    }

    #[test]
    fn defaults_follow_the_document_language_and_same_origin() {
        let a = attrs(&[("data-kredivo-badge", ""), ("data-amount", "2400000")]);
        let o = parse(&a, None, Some("en-US")).unwrap();
        assert_eq!(o.kind, Kind::Badge);
        assert_eq!(o.proxy, "");
        assert_eq!(o.locale, Locale::En, "from <html lang>");
        assert_eq!(o.source, Source::Amount(Decimal::from(2_400_000)));
        assert_eq!(o.theme, Theme::Light);
        assert_eq!(o.button_width, None);
        assert_eq!(
            parse(&a, None, None).unwrap().locale,
            Locale::Id,
            "Indonesian by default"
        );
        assert_eq!(
            parse(&a, None, Some("fr")).unwrap().locale,
            Locale::Id,
            "unknown lang"
        );
    }

    #[test]
    fn button_width_is_clamped_to_kredivo_branding_limits() {
        for (text, want) in [
            ("50", 100),
            ("100", 100),
            ("180px", 180),
            ("300", 300),
            ("999", 300),
        ] {
            let pairs = [("data-button-width", text)];
            let a = attrs(&pairs);
            assert_eq!(
                parse(&a, None, None).unwrap().button_width,
                Some(want),
                "{text}"
            );
        }
        assert!(parse(&attrs(&[("data-button-width", "wide")]), None, None).is_err());
    }

    #[test]
    fn malformed_sources_are_reported_not_ignored() {
        let rows: [(&str, &str, &str); 6] = [
            ("data-amount", "12.50", "fraction of a rupiah"),
            ("data-amount", "-5", "negative"),
            ("data-amount", "0", "zero"),
            ("data-amount", "1e6", "exponent"),
            ("data-cart", "[]", "empty cart"),
            (
                "data-cart",
                r#"[{"product_id":"x","quantity":0}]"#,
                "zero quantity",
            ),
        ];
        for (name, value, why) in rows {
            let pairs = [(name, value)];
            let a = attrs(&pairs);
            assert!(parse(&a, None, None).is_err(), "{why}");
        }
    }

    #[test]
    fn the_cart_wins_over_a_cart_id_which_wins_over_an_amount() {
        let a = attrs(&[("data-cart-id", " c-42 "), ("data-amount", "10000")]);
        assert_eq!(
            parse(&a, None, None).unwrap().source,
            Source::CartId("c-42".into())
        );
        let a = attrs(&[("data-amount", "")]);
        assert_eq!(parse(&a, None, None).unwrap().source, Source::None);
    }

    #[test]
    fn a_session_wins_over_every_other_source_and_an_empty_one_is_none() {
        let a = attrs(&[
            ("data-session", " cs_secret_1 "),
            ("data-cart-id", "c-42"),
            ("data-amount", "10000"),
        ]);
        let o = parse(&a, None, None).unwrap();
        assert_eq!(o.source, Source::Session("cs_secret_1".into()));
        assert!(o.source.can_be_bought());
        let a = attrs(&[("data-session", " "), ("data-cart-id", "c-42")]);
        assert_eq!(
            parse(&a, None, None).unwrap().source,
            Source::CartId("c-42".into())
        );
        assert!(!Source::Amount(Decimal::ONE).can_be_bought(), "a preview");
    }

    #[test]
    fn a_js_session_replaces_an_attribute_cart_and_the_shoppers_details_are_kept() {
        let a = attrs(&[("data-cart-id", "c-42")]);
        let customer = kredivo_api::Customer {
            first_name: "Oemang".into(),
            last_name: None,
            email: "alie@satuduatiga.com".into(),
            phone: "081513114262".into(),
        };
        let mut js = JsOptions {
            session: Some("cs_secret_2".into()),
            ..JsOptions::default()
        };
        js.merge(JsOptions {
            shopper: Shopper {
                customer: Some(customer.clone()),
                shipping_address: None,
            },
            ..JsOptions::default()
        });
        assert_eq!(js.session.as_deref(), Some("cs_secret_2"), "no new source");
        let o = parse(&a, Some(&js), None).unwrap();
        assert_eq!(o.source, Source::Session("cs_secret_2".into()));
        assert_eq!(o.shopper.customer, Some(customer));
        assert_eq!(o.shopper.shipping_address, None);
        assert!(
            WATCHED.contains(&"data-session"),
            "a changed session is read again"
        );
    }

    #[test]
    fn js_options_override_attributes_field_by_field() {
        let a = attrs(&[
            ("data-amount", "10000"),
            ("data-locale", "id"),
            ("data-theme", "dark"),
        ]);
        let js = JsOptions {
            cart_id: Some("cart-1".into()),
            locale: Some("en".into()),
            button_width: Some(20),
            kind: Some("checkout".into()),
            ..JsOptions::default()
        };
        let o = parse(&a, Some(&js), None).unwrap();
        assert_eq!(o.source, Source::CartId("cart-1".into()));
        assert_eq!(o.locale, Locale::En);
        assert_eq!(o.theme, Theme::Dark, "unset JS fields keep the attribute");
        assert_eq!(o.button_width, Some(100));
        let bad = JsOptions {
            kind: Some("popup".into()),
            ..JsOptions::default()
        };
        assert!(parse(&a, Some(&bad), None).is_err());
    }

    #[test]
    fn merging_js_options_replaces_the_source_whole() {
        let mut first = JsOptions {
            cart_id: Some("a".into()),
            theme: Some("dark".into()),
            ..JsOptions::default()
        };
        first.merge(JsOptions {
            locale: Some("en".into()),
            ..JsOptions::default()
        });
        assert_eq!(
            first.cart_id.as_deref(),
            Some("a"),
            "no new source: old one stays"
        );
        first.merge(JsOptions {
            cart: Some(vec![CartLine {
                product_id: "p".into(),
                quantity: 1,
            }]),
            ..JsOptions::default()
        });
        assert_eq!(first.cart_id, None, "a new source replaces the old one");
        assert_eq!(first.theme.as_deref(), Some("dark"));
        assert_eq!(first.locale.as_deref(), Some("en"));
    }
}
