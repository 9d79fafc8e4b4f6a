use wasm_bindgen::prelude::*;

/// A newtype that represents Serde errors as JavaScript exceptions.
#[derive(Debug)]
pub struct Error(JsValue);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        #[wasm_bindgen]
        extern "C" {
            #[wasm_bindgen(js_name = String)]
            pub fn to_string(value: &JsValue) -> String;
        }

        to_string(&self.0).fmt(f)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Creates a JavaScript `Error` with a given message.
    pub fn new<T: std::fmt::Display>(msg: T) -> Self {
        // Kredivo patch: with `terse-errors` the message is fixed and `msg` is never
        // formatted, so none of serde's error descriptions are linked (see VENDORED.md).
        #[cfg(feature = "terse-errors")]
        {
            let _ = msg;
            Error(JsError::new("the value does not have the expected shape").into())
        }
        #[cfg(not(feature = "terse-errors"))]
        {
            Error(JsError::new(&msg.to_string()).into())
        }
    }
}

impl serde::ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::new(msg)
    }
}

impl serde::de::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error::new(msg)
    }

    // Kredivo patch: these two are serde's defaults except that the unexpected value is named
    // by its kind only. `Unexpected`'s own `Display` formats floats (`floating point `1.5``),
    // which links Rust's float formatting (~20 KB of wasm) into every program that
    // deserialises anything.
    fn invalid_type(unexp: serde::de::Unexpected, exp: &dyn serde::de::Expected) -> Self {
        Error::new(format_args!("invalid type: {}, expected {}", kind(&unexp), exp))
    }

    fn invalid_value(unexp: serde::de::Unexpected, exp: &dyn serde::de::Expected) -> Self {
        Error::new(format_args!("invalid value: {}, expected {}", kind(&unexp), exp))
    }
}

/// What an unexpected value is, without printing it.
fn kind(unexp: &serde::de::Unexpected) -> &'static str {
    use serde::de::Unexpected::*;
    match unexp {
        Bool(_) => "boolean",
        Unsigned(_) | Signed(_) | Float(_) => "number",
        Char(_) | Str(_) => "string",
        Bytes(_) => "byte array",
        Unit | Option => "null",
        Seq => "sequence",
        Map => "map",
        Enum | UnitVariant | NewtypeVariant | TupleVariant | StructVariant => "enum",
        NewtypeStruct => "newtype struct",
        Other(_) => "value",
    }
}

/// This conversion is needed for `?` to just work when using wasm-bindgen
/// imports that return JavaScript exceptions as `Result<T, JsValue>`.
impl From<JsValue> for Error {
    fn from(error: JsValue) -> Error {
        Error(error)
    }
}

// This conversion is needed for `?` to just work in wasm-bindgen exports
// that return `Result<T, JsValue>` to throw JavaScript exceptions.
impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        error.0
    }
}
