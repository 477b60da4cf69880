//! One JSON Lines row as read: its keys and values in file order, borrowed from the line
//! where they hold no escapes. Values are sorted into strings, arrays of strings, and
//! anything else (named, for the error message), so that a row with a bad value is still
//! read whole and every problem of it reported.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A JSON object's entries in the order written (a key may appear twice).
#[derive(Debug)]
pub struct Object<'a>(pub Vec<(Cow<'a, str>, Value<'a>)>);

/// A value of a JSON object.
#[derive(Debug)]
pub enum Value<'a> {
    /// A JSON string.
    Str(Cow<'a, str>),
    /// An array whose items are all strings.
    List(Vec<Cow<'a, str>>),
    /// Anything else, described: "a number", "null", "an object"…
    Other(&'static str),
}

/// A string, borrowed when it held no escape.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Owned(v)))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value<'de>, E> {
        Ok(Value::Other("true or false"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Value<'de>, E> {
        Ok(Value::Other("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Value<'de>, E> {
        Ok(Value::Other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value<'de>, E> {
        Ok(Value::Other("a number"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value<'de>, E> {
        Ok(Value::Other("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let mut items = Vec::new();
        let mut all_strings = true;
        while let Some(item) = seq.next_element::<Value<'de>>()? {
            match item {
                Value::Str(s) => items.push(s),
                _ => all_strings = false,
            }
        }
        Ok(if all_strings {
            Value::List(items)
        } else {
            Value::Other("an array with an item that is not a string")
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Other("an object"))
    }
}

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Object<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object<'de>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(10));
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    entries.push((key, map.next_value::<Value<'de>>()?));
                }
                Ok(Object(entries))
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads one line as a JSON object; the error is serde_json's, without its position
/// (which would count lines within the line), with the byte column instead.
pub fn object(line: &str) -> Result<Object<'_>, String> {
    serde_json::from_str::<Object>(line).map_err(|e| {
        let message = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&position).unwrap_or(&message);
        format!("is not a JSON object: {message} (at byte {})", e.column())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_sorted_and_borrowed_without_escapes() {
        let o = object(
            r#"{"a":"x","b":"y\"z","c":["p","q"],"d":1,"e":null,"f":{"g":[1]},"h":["p",2]}"#,
        )
        .unwrap();
        let kinds: Vec<String> =
            o.0.iter()
                .map(|(k, v)| match v {
                    Value::Str(Cow::Borrowed(s)) => format!("{k}=borrowed {s}"),
                    Value::Str(Cow::Owned(s)) => format!("{k}=owned {s}"),
                    Value::List(items) => format!("{k}=list {}", items.join("|")),
                    Value::Other(what) => format!("{k}={what}"),
                })
                .collect();
        assert_eq!(
            kinds,
            [
                "a=borrowed x",
                "b=owned y\"z",
                "c=list p|q",
                "d=a number",
                "e=null",
                "f=an object",
                "h=an array with an item that is not a string"
            ]
        );
    }

    #[test]
    fn not_an_object_is_an_error_without_a_line() {
        for bad in ["[1,2]", "\"x\"", "{\"a\":", "{\"a\":\"b\"} x"] {
            let e = object(bad).unwrap_err();
            assert!(e.starts_with("is not a JSON object"), "{e}");
            assert!(!e.contains("line"), "{e}");
        }
    }
}
