//! The URLs of the widget's static files, as the loader resolved them.
//!
//! A leaf module: the host stores them, the views read them, and neither imports the other
//! for it.

/// URLs of the widget's static assets, resolved by the loader (`boot({css, logoBlue,
/// logoWhite, nonce})`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assets {
    /// The stylesheet linked into every shadow root.
    pub css: String,
    /// The blue Kredivo logo (for light buttons).
    pub logo_blue: String,
    /// The white Kredivo logo (for Kredivo-blue buttons).
    pub logo_white: String,
    /// The page's script nonce, put on every stylesheet link (empty: none).
    pub nonce: String,
}
