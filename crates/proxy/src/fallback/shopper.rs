//! The shopper's details in the no-JavaScript form of a catalogue cart.
//!
//! A session names its own customer and address; a catalogue cart has no merchant server to
//! state them, so its form asks (as the shop's own form does for the widget, `customer` and
//! `shippingAddress`). One set of fields: the payer is the addressee, and the country is
//! Indonesia (Kredivo lends to Indonesian shoppers only). Each field has a limit the browser
//! enforces (`maxlength`) and the proxy checks again; the content is checked by the same
//! rules as every catalogue checkout ([`crate::orders::sessions::validate`]), so a field the
//! widget's checkout would refuse is refused here too, named on the error page in the
//! shopper's language.

use std::fmt::Write as _;

use kredivo_api::{Address, Customer};
use kredivo_plan::Locale;
use serde::Deserialize;

use super::escape;
use crate::orders::sessions::validate;

/// One field of the shopper's details, as the form names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `first_name`
    FirstName,
    /// `last_name` (optional)
    LastName,
    /// `email`
    Email,
    /// `phone`
    Phone,
    /// `address`
    Address,
    /// `city`
    City,
    /// `postal_code`
    PostalCode,
}

impl Field {
    /// Every field, in the form's order.
    pub const ALL: [Field; 7] = [
        Field::FirstName,
        Field::LastName,
        Field::Email,
        Field::Phone,
        Field::Address,
        Field::City,
        Field::PostalCode,
    ];

    /// The form's (and the protocol's) name of the field.
    pub fn name(self) -> &'static str {
        match self {
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Address => "address",
            Field::City => "city",
            Field::PostalCode => "postal_code",
        }
    }

    /// The field a name denotes.
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Most characters the field takes: doc 000's 255 for names and the street, an e-mail
    /// address's 254, the validator's 100 for a city and 10 for a postal code; a phone's 16
    /// digits with room for `+`, spaces and dashes.
    pub fn max_chars(self) -> usize {
        match self {
            Field::FirstName | Field::LastName | Field::Address => 255,
            Field::Email => 254,
            Field::Phone => 24,
            Field::City => 100,
            Field::PostalCode => 10,
        }
    }

    /// What the shopper reads beside the field.
    pub fn label(self, locale: Locale) -> &'static str {
        let en = locale == Locale::En;
        match self {
            Field::FirstName if en => "First name",
            Field::FirstName => "Nama depan",
            Field::LastName if en => "Last name (optional)",
            Field::LastName => "Nama belakang (opsional)",
            Field::Email if en => "E-mail",
            Field::Email => "Email",
            Field::Phone if en => "Mobile number",
            Field::Phone => "Nomor HP",
            Field::Address if en => "Delivery address",
            Field::Address => "Alamat pengiriman",
            Field::City if en => "City",
            Field::City => "Kota",
            Field::PostalCode if en => "Postal code",
            Field::PostalCode => "Kode pos",
        }
    }

    /// The input's attributes besides name, id and limit: its kind, what the browser may fill
    /// in, and whether it is required.
    fn attributes(self) -> &'static str {
        match self {
            Field::FirstName => "type=\"text\" autocomplete=\"given-name\" required",
            Field::LastName => "type=\"text\" autocomplete=\"family-name\"",
            Field::Email => "type=\"email\" autocomplete=\"email\" required",
            Field::Phone => "type=\"tel\" autocomplete=\"tel\" inputmode=\"tel\" required",
            Field::Address => "type=\"text\" autocomplete=\"street-address\" required",
            Field::City => "type=\"text\" autocomplete=\"address-level2\" required",
            Field::PostalCode => {
                "type=\"text\" autocomplete=\"postal-code\" inputmode=\"numeric\" required"
            }
        }
    }
}

/// The fields as posted. Each is optional here: a missing one is named on the error page like
/// a wrong one, not answered with an unreadable-form page.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ShopperForm {
    /// Given name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Family name, may be empty.
    #[serde(default)]
    pub last_name: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Indonesian mobile number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Street and number.
    #[serde(default)]
    pub address: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
}

impl ShopperForm {
    fn value(&self, field: Field) -> &str {
        let v = match field {
            Field::FirstName => &self.first_name,
            Field::LastName => &self.last_name,
            Field::Email => &self.email,
            Field::Phone => &self.phone,
            Field::Address => &self.address,
            Field::City => &self.city,
            Field::PostalCode => &self.postal_code,
        };
        v.as_deref().unwrap_or("").trim()
    }

    /// Who pays and where the goods go, or every field to fix (in the form's order).
    pub fn parse(&self) -> Result<(Customer, Address), Vec<Field>> {
        let mut wrong: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| self.value(*f).chars().count() > f.max_chars())
            .collect();
        let text = |f: Field| self.value(f).to_owned();
        let last_name = Some(text(Field::LastName)).filter(|l| !l.is_empty());
        let customer = Customer {
            first_name: text(Field::FirstName),
            last_name: last_name.clone(),
            email: text(Field::Email),
            phone: text(Field::Phone),
        };
        let address = Address {
            first_name: text(Field::FirstName),
            last_name,
            address: text(Field::Address),
            city: text(Field::City),
            postal_code: text(Field::PostalCode),
            phone: text(Field::Phone),
            country_code: "IDN".into(),
        };
        let mut problems = validate::Problems::default();
        validate::customer(&mut problems, "customer", &customer);
        validate::address(&mut problems, "shipping_address", &address);
        // `customer.email: is not an e-mail address` → the form's `email`.
        for problem in problems.into_vec() {
            let path = problem.split(':').next().unwrap_or_default();
            let name = path.rsplit('.').next().unwrap_or_default();
            if let Some(field) = Field::parse(name) {
                wrong.push(field);
            }
        }
        if wrong.is_empty() {
            return Ok((customer, address));
        }
        Err(Field::ALL
            .into_iter()
            .filter(|f| wrong.contains(f))
            .collect())
    }
}

/// The fields as a fieldset of the fragment's form. Its class `kredivo-fallback-shopper` lets
/// a shop's script lift it out of the form when the widget mounts over the fragment (the
/// widget then takes the details as its `customer` and `shippingAddress` options).
pub fn fieldset(locale: Locale) -> String {
    let legend = if locale == Locale::En {
        "Your details and delivery address"
    } else {
        "Data pembeli dan alamat pengiriman"
    };
    let mut html = format!(
        "<fieldset class=\"kredivo-fallback-shopper\">\n<legend>{}</legend>\n",
        escape(legend)
    );
    for field in Field::ALL {
        let _ = writeln!(
            html,
            "<p><label for=\"kredivo-{name}\">{label}</label><br>\
             <input id=\"kredivo-{name}\" name=\"{name}\" {attributes} maxlength=\"{max}\"></p>",
            name = field.name(),
            label = escape(field.label(locale)),
            attributes = field.attributes(),
            max = field.max_chars(),
        );
    }
    html.push_str("</fieldset>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ShopperForm {
        ShopperForm {
            first_name: Some("Oemang".into()),
            last_name: Some(" ".into()),
            email: Some("alie@satuduatiga.com".into()),
            phone: Some("081513114262".into()),
            address: Some("Jalan Teknologi Indonesia No. 25".into()),
            city: Some("Jakarta".into()),
            postal_code: Some("12960".into()),
        }
    }

    #[test]
    fn a_complete_form_is_the_payer_and_the_addressee() {
        let (customer, address) = good().parse().expect("valid");
        assert_eq!(customer.first_name, "Oemang");
        assert_eq!(customer.last_name, None, "a blank last name is none");
        assert_eq!(address.phone, customer.phone);
        assert_eq!(address.country_code, "IDN");
    }

    #[test]
    fn every_wrong_field_is_named_once_in_the_forms_order() {
        let cases: [(&str, ShopperForm, Vec<Field>); 5] = [
            (
                "missing fields",
                ShopperForm {
                    email: None,
                    city: None,
                    ..good()
                },
                vec![Field::Email, Field::City],
            ),
            (
                "a name over 255 characters (customer and addressee: one field)",
                ShopperForm {
                    first_name: Some("a".repeat(256)),
                    ..good()
                },
                vec![Field::FirstName],
            ),
            (
                "a phone of letters and an e-mail without a domain",
                ShopperForm {
                    phone: Some("08abc".into()),
                    email: Some("alie@".into()),
                    ..good()
                },
                vec![Field::Email, Field::Phone],
            ),
            (
                "a phone padded past its length with spaces",
                ShopperForm {
                    phone: Some(format!("0815{}13114262", " ".repeat(30))),
                    ..good()
                },
                vec![Field::Phone],
            ),
            (
                "a postal code of 11 characters",
                ShopperForm {
                    postal_code: Some("12960123456".into()),
                    ..good()
                },
                vec![Field::PostalCode],
            ),
        ];
        for (what, form, expected) in cases {
            assert_eq!(form.parse().err(), Some(expected), "{what}");
        }
    }

    #[test]
    fn the_fieldset_limits_every_field_and_labels_it_in_the_shoppers_language() {
        let id = fieldset(Locale::Id);
        let en = fieldset(Locale::En);
        for field in Field::ALL {
            let input = format!("name=\"{}\"", field.name());
            assert!(id.contains(&input), "{input}");
            assert!(
                id.contains(&format!(
                    "<label for=\"kredivo-{}\">{}</label>",
                    field.name(),
                    escape(field.label(Locale::Id))
                )),
                "{id}"
            );
            assert!(en.contains(field.label(Locale::En)), "{en}");
            assert_eq!(Field::parse(field.name()), Some(field));
        }
        assert_eq!(id.matches("maxlength=").count(), Field::ALL.len());
        assert_eq!(id.matches(" required").count(), Field::ALL.len() - 1);
    }
}
