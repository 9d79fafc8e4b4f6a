//! Forward-compatible string enums: providers add values, old code must keep parsing.

/// Declares a `#[non_exhaustive]` enum of known string values plus `Unknown(String)`, with
/// `as_str`, infallible `FromStr` (ASCII case-insensitive), `Display` and string serde.
macro_rules! string_enum {
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
            /// A value this version does not know yet, kept verbatim so it can be sent back.
            Unknown(String),
        }

        impl $name {
            /// The provider's spelling of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(other) => other.as_str(),
                }
            }

            /// Parses without allocating for known values.
            fn parse_known(s: &str) -> Option<$name> {
                $(
                    if s.eq_ignore_ascii_case($text) $(|| s.eq_ignore_ascii_case($alias))* {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        impl core::str::FromStr for $name {
            type Err = core::convert::Infallible;

            /// Never fails: an unrecognised value becomes `Unknown`.
            fn from_str(s: &str) -> Result<$name, Self::Err> {
                Ok($name::parse_known(s).unwrap_or_else(|| $name::Unknown(s.to_owned())))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> $name {
                $name::parse_known(s).unwrap_or_else(|| $name::Unknown(s.to_owned()))
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<$name, E> {
                        Ok($name::parse_known(&v).unwrap_or($name::Unknown(v)))
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}

pub(crate) use string_enum;
