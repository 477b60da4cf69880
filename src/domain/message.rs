//! A message for a person: Chinese first, English on the toggle and in the CLI, and the
//! form field it is about, if any. Every refusal the application gives (`app::AppError`)
//! carries one, so that the console shows it in the reader's language and marks the
//! field, and the API sends both beside its stable code; nobody picks a field or a
//! language out of the text.

use std::fmt;

/// One message in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub zh: String,
    pub en: String,
    /// The form field it is about (the console marks it; the API names it).
    pub field: Option<&'static str>,
}

impl Message {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Message {
        Message {
            zh: zh.into(),
            en: en.into(),
            field: None,
        }
    }

    /// A text that is the same in both languages: one already in both (a rule's own
    /// message, Chinese then English), or one that is only names and numbers.
    pub fn same(text: impl fmt::Display) -> Message {
        let text = text.to_string();
        Message::new(text.clone(), text)
    }

    /// The same message, about `field`.
    pub fn on(mut self, field: &'static str) -> Message {
        self.field = Some(field);
        self
    }

    /// The English text if `en`, else the Chinese.
    pub fn in_lang(&self, en: bool) -> &str {
        if en { &self.en } else { &self.zh }
    }

    /// Both messages, each led by the same prefix (a file name, a field).
    pub fn after(self, zh: &str, en: &str) -> Message {
        Message {
            zh: format!("{zh}{}", self.zh),
            en: format!("{en}{}", self.en),
            field: self.field,
        }
    }
}

/// Chinese, then the English in full-width parentheses; one of them if both are the same.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.zh == self.en || self.en.is_empty() {
            f.write_str(&self.zh)
        } else if self.zh.is_empty() {
            f.write_str(&self.en)
        } else {
            write!(f, "{}（{}）", self.zh, self.en)
        }
    }
}

/// `msg!("中文 {x}", "English {x}")`: a [`Message`] from two format strings, which may
/// capture the same variables.
#[macro_export]
macro_rules! msg {
    ($zh:literal, $en:literal $(,)?) => {
        $crate::domain::message::Message::new(format!($zh), format!($en))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_first_then_english_unless_the_same() {
        let id = "B-1";
        let m = msg!("没有批次 {id}", "no batch '{id}'");
        assert_eq!(m.to_string(), "没有批次 B-1（no batch 'B-1'）");
        assert_eq!(m.in_lang(true), "no batch 'B-1'");
        assert_eq!(m.in_lang(false), "没有批次 B-1");
        assert_eq!(Message::new("x", "x").to_string(), "x");
        let m = m.on("id").after("计划：", "plan: ");
        assert_eq!((m.zh.as_str(), m.field), ("计划：没有批次 B-1", Some("id")));
    }
}
