//! Forward-compatible string enums: providers add values, old code must keep parsing them
//! and keep them verbatim, so an unknown status is logged as it came and never settles.
//!
//! One macro for every such enum in the workspace: [`crate::PaymentType`] here, and every
//! provider's status vocabulary in `kredivo-providers`.

/// Declares a `#[non_exhaustive]` enum of known string values plus `Unknown(String)`, with
/// `as_str`, infallible `FromStr` and `From<&str>` (ASCII case-insensitive), `Display` and
/// string serde.
///
/// Whitespace is significant: `" settlement"` is kept as `Unknown`. Trimming here cost the
/// widget ~100 bytes of wasm (measured with `cargo xtask dist`) for input no provider
/// sends; callers reading free-form text trim it themselves.
///
/// ```
/// kredivo_plan::open_enum! {
///     /// A door.
///     pub enum Door {
///         /// Open.
///         Open => "open" | "opened",
///         /// Shut.
///         Shut => "shut",
///     }
/// }
/// assert_eq!(Door::from("OPENED"), Door::Open);
/// assert_eq!(Door::from(" open"), Door::Unknown(" open".into()));
/// assert_eq!("ajar".parse::<Door>().unwrap(), Door::Unknown("ajar".into()));
/// assert_eq!(Door::Shut.as_str(), "shut");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal $(| $alias:literal)* ,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept verbatim so it can be logged or
            /// sent back unchanged.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The provider's spelling of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(other) => other.as_str(),
                }
            }

            /// The known value `text` names, without allocating.
            fn parse_known(text: &str) -> ::core::option::Option<$name> {
                $(
                    if text.eq_ignore_ascii_case($text) $(|| text.eq_ignore_ascii_case($alias))* {
                        return ::core::option::Option::Some($name::$variant);
                    }
                )+
                ::core::option::Option::None
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(text: &str) -> $name {
                $name::parse_known(text).unwrap_or_else(|| $name::Unknown(text.to_owned()))
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            /// Never fails: an unrecognised value becomes `Unknown`.
            fn from_str(text: &str) -> ::core::result::Result<$name, Self::Err> {
                // Spelled out rather than `Self::from(text)`: the widget's wasm is smaller
                // this way (LLVM inlines the two differently; `cargo xtask dist`).
                ::core::result::Result::Ok(
                    $name::parse_known(text).unwrap_or_else(|| $name::Unknown(text.to_owned())),
                )
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<$name, D::Error> {
                struct V;
                impl $crate::__private::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: $crate::__private::serde::de::Error>(
                        self,
                        v: &str,
                    ) -> ::core::result::Result<$name, E> {
                        ::core::result::Result::Ok($name::from(v))
                    }
                    fn visit_string<E: $crate::__private::serde::de::Error>(
                        self,
                        v: ::std::string::String,
                    ) -> ::core::result::Result<$name, E> {
                        ::core::result::Result::Ok(
                            $name::parse_known(&v).unwrap_or($name::Unknown(v)),
                        )
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}
