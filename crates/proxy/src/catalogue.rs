//! Catalogue mode, for small shops without a backend: what the merchant sells at which
//! price, read from the JSON file `CATALOGUE_PATH` names.
//!
//! The proxy prices every catalogue cart from here; the browser only names product ids and
//! quantities (and the shopper's own contact and shipping details, from the shop's form).
//! Shops with a backend create checkout sessions instead and need no catalogue.

use kredivo_plan::Money;
use serde::{Deserialize, Serialize};

/// Something the merchant sells, possibly in variants (sizes, weights).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Stable id, also the image name: `/www/img/<id>.svg`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Category, sent to Kredivo as the item `type`.
    pub category: String,
    /// One sentence for the product page.
    pub description: String,
    /// Price when the product has no variants; the lowest variant price otherwise.
    #[serde(with = "kredivo_plan::money::serde_str")]
    pub price: Money,
    /// Image path, `/www/img/<id>.svg`.
    pub image: String,
    /// Variants, each with its own id and price; empty when the product is sold as is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
}

/// One buyable variant of a [`Product`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Stable id used in carts, e.g. `batik-parang-m`.
    pub id: String,
    /// Short label, e.g. `M`, `250 g`.
    pub label: String,
    /// Its price.
    #[serde(with = "kredivo_plan::money::serde_str")]
    pub price: Money,
}

/// A cart-line id resolved to what is sold and for how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sellable {
    /// The id in the cart (a product without variants, or a variant).
    pub id: String,
    /// The product it belongs to.
    pub product_id: String,
    /// Full name, with the variant label: `Kemeja Batik Parang (L)`.
    pub name: String,
    /// Category.
    pub category: String,
    /// Price of one.
    pub unit_price: Money,
    /// Image path.
    pub image: String,
}

/// The merchant's catalogue. Implement it over your product database (keep it fast: it is
/// called on every payment-types and checkout request; cache if needed).
pub trait Catalogue: Send + Sync + 'static {
    /// Every product, in display order.
    fn products(&self) -> Vec<Product>;

    /// One product by its id.
    fn product(&self, id: &str) -> Option<Product> {
        self.products().into_iter().find(|p| p.id == id)
    }

    /// Resolves a cart-line id (a product without variants, or a variant id).
    fn sellable(&self, id: &str) -> Option<Sellable>;
}

/// A catalogue read from a JSON file (`{"products": [{id, name, category, description,
/// price | variants: [{id, label, price}]}]}`; prices are decimal strings of whole rupiah).
#[derive(Debug, Clone)]
pub struct FileCatalogue {
    products: Vec<Product>,
}

#[derive(Deserialize)]
struct CatalogueFile {
    products: Vec<ProductFile>,
}

#[derive(Deserialize)]
struct ProductFile {
    id: String,
    name: String,
    category: String,
    description: String,
    #[serde(default, with = "kredivo_plan::money::serde_str::option")]
    price: Option<Money>,
    #[serde(default)]
    variants: Vec<Variant>,
}

/// Why a catalogue file is unusable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The file cannot be read.
    #[error("catalogue {path}: cannot read it")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not the documented JSON.
    #[error("catalogue: not the documented JSON")]
    Json(#[source] serde_json::Error),
    /// A product has neither a price nor variants.
    #[error("catalogue: product {0:?} needs either a price or variants")]
    NoPrice(String),
    /// A price of zero.
    #[error("catalogue: product {0:?} must cost more than zero")]
    ZeroPrice(String),
    /// An id that is malformed or used twice.
    #[error("catalogue: id {0:?} must be unique, 1-50 of [a-z0-9-]")]
    BadId(String),
}

impl FileCatalogue {
    /// Reads and checks the catalogue file at `path`.
    pub fn from_path(path: &str) -> Result<Self, CatalogueError> {
        let text = std::fs::read_to_string(path).map_err(|source| CatalogueError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// Parses a catalogue file: every product has a price or variants, ids are unique.
    pub fn from_json(json: &str) -> Result<Self, CatalogueError> {
        let file: CatalogueFile = serde_json::from_str(json).map_err(CatalogueError::Json)?;
        let mut seen = std::collections::HashSet::new();
        let mut products = Vec::with_capacity(file.products.len());
        for p in file.products {
            let price = match (p.price, p.variants.iter().map(|v| v.price).min()) {
                (Some(price), None) => price,
                (None, Some(lowest)) => lowest,
                _ => return Err(CatalogueError::NoPrice(p.id)),
            };
            for id in std::iter::once(&p.id).chain(p.variants.iter().map(|v| &v.id)) {
                let valid = !id.is_empty()
                    && id.len() <= 50
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !valid || !seen.insert(id.clone()) {
                    return Err(CatalogueError::BadId(id.clone()));
                }
            }
            if price.is_zero() {
                return Err(CatalogueError::ZeroPrice(p.id));
            }
            products.push(Product {
                image: format!("/www/img/{}.svg", p.id),
                id: p.id,
                name: p.name,
                category: p.category,
                description: p.description,
                price,
                variants: p.variants,
            });
        }
        Ok(Self { products })
    }
}

impl Catalogue for FileCatalogue {
    fn products(&self) -> Vec<Product> {
        self.products.clone()
    }

    fn product(&self, id: &str) -> Option<Product> {
        self.products.iter().find(|p| p.id == id).cloned()
    }

    fn sellable(&self, id: &str) -> Option<Sellable> {
        self.products.iter().find_map(|p| {
            if p.variants.is_empty() {
                (p.id == id).then(|| Sellable {
                    id: p.id.clone(),
                    product_id: p.id.clone(),
                    name: p.name.clone(),
                    category: p.category.clone(),
                    unit_price: p.price,
                    image: p.image.clone(),
                })
            } else {
                p.variants.iter().find(|v| v.id == id).map(|v| Sellable {
                    id: v.id.clone(),
                    product_id: p.id.clone(),
                    name: format!("{} ({})", p.name, v.label),
                    category: p.category.clone(),
                    unit_price: v.price,
                    image: p.image.clone(),
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's catalogue, which the proxy's tests use too.
    pub(crate) const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/catalogue.json");

    #[test]
    fn the_demo_catalogue_has_a_dozen_products_with_a_variant_product() {
        let c = FileCatalogue::from_path(DEMO).unwrap();
        assert_eq!(c.products().len(), 12);
        let batik = c.product("batik-parang").unwrap();
        assert_eq!(batik.variants.len(), 3);
        assert_eq!(batik.price, Money::from_rupiah(289_000), "lowest variant");
        assert_eq!(batik.image, "/www/img/batik-parang.svg");
        let l = c.sellable("batik-parang-l").unwrap();
        assert_eq!(l.unit_price, Money::from_rupiah(299_000));
        assert_eq!(l.name, "Kemeja Batik Parang (L)");
        assert!(
            c.sellable("batik-parang").is_none(),
            "a product with variants is bought by variant"
        );
        assert_eq!(
            c.sellable("smartphone-x5").unwrap().unit_price,
            Money::from_rupiah(2_400_000)
        );
    }

    #[test]
    fn a_missing_catalogue_file_names_its_path() {
        let err = FileCatalogue::from_path("/nonexistent/catalogue.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "catalogue /nonexistent/catalogue.json: cannot read it"
        );
    }

    #[test]
    fn catalogue_files_with_duplicate_ids_or_no_price_are_refused() {
        for json in [
            r#"{"products":[{"id":"a","name":"A","category":"c","description":"d","price":"1"},{"id":"a","name":"B","category":"c","description":"d","price":"1"}]}"#,
            r#"{"products":[{"id":"a","name":"A","category":"c","description":"d"}]}"#,
            r#"{"products":[{"id":"A!","name":"A","category":"c","description":"d","price":"1"}]}"#,
            r#"{"products":[{"id":"a","name":"A","category":"c","description":"d","price":"0"}]}"#,
        ] {
            assert!(FileCatalogue::from_json(json).is_err(), "{json}");
        }
    }
}
