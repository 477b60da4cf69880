//! The strength rule for the passwords people sign in with, pure: at least
//! [`MIN_CHARS`] characters and at most [`MAX_CHARS`], not built on the user's own name, and
//! not guessable by zxcvbn's estimate (a score of at least 3 of 4: about 10⁸ guesses, where
//! the dictionaries hold common passwords, names, keyboard walks, dates and repeats). Every
//! refusal says why, in Chinese first and in English.

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 12;

/// Most characters a password may have (argon2 takes any length; a form has a limit).
pub const MAX_CHARS: usize = 128;

/// zxcvbn's score a password must reach (0 to 4).
const MIN_SCORE: u8 = 3;

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    TooShort,
    TooLong,
    ContainsName,
    Guessable,
}

impl Weakness {
    /// What the person reads, in Chinese.
    pub fn zh(self) -> String {
        match self {
            Weakness::TooShort => format!("密码至少 {MIN_CHARS} 个字符"),
            Weakness::TooLong => format!("密码至多 {MAX_CHARS} 个字符"),
            Weakness::ContainsName => "密码不得包含用户名".into(),
            Weakness::Guessable => {
                "密码太容易被猜中（常见密码、姓名、键盘序列、日期或重复字符）：请用几个不相关的词或更长的短语"
                    .into()
            }
        }
    }

    /// The same in English.
    pub fn en(self) -> String {
        match self {
            Weakness::TooShort => format!("a password has at least {MIN_CHARS} characters"),
            Weakness::TooLong => format!("a password has at most {MAX_CHARS} characters"),
            Weakness::ContainsName => "a password may not contain the user name".into(),
            Weakness::Guessable => "the password is too easy to guess (a common password, a name, a keyboard walk, a date or repeats): use a few unrelated words or a longer phrase".into(),
        }
    }

    /// Both, as one message: Chinese, then English.
    pub fn message(self) -> super::Message {
        super::Message::new(self.zh(), self.en())
    }
}

/// Whether `password` may be the password of the user named `user_name`.
pub fn check(password: &str, user_name: &str) -> Result<(), Weakness> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(Weakness::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(Weakness::TooLong);
    }
    let name = user_name.trim().to_lowercase();
    if !name.is_empty() && password.to_lowercase().contains(&name) {
        return Err(Weakness::ContainsName);
    }
    let estimate = zxcvbn::zxcvbn(password, &[user_name, "shuangsui", "双随机"]);
    if u8::from(estimate.score()) < MIN_SCORE {
        return Err(Weakness::Guessable);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused_with_the_reason() {
        assert_eq!(check("short1!", "王芳"), Err(Weakness::TooShort));
        assert_eq!(check(&"长".repeat(129), "王芳"), Err(Weakness::TooLong));
        assert_eq!(
            check("wangfang-river-lantern-9", "wangfang"),
            Err(Weakness::ContainsName)
        );
        for guessable in [
            "password1234",
            "qwertyuiop12",
            "aaaaaaaaaaaa",
            "123456789012",
        ] {
            assert_eq!(
                check(guessable, "王芳"),
                Err(Weakness::Guessable),
                "{guessable}"
            );
        }
    }

    #[test]
    fn strong_passwords_pass() {
        for strong in [
            "river-lantern-copper-9",
            "黄浦江边的灯笼与铜钟声声",
            "Tq7#vL2m!xR9pZ",
        ] {
            assert_eq!(check(strong, "王芳"), Ok(()), "{strong}");
        }
    }

    #[test]
    fn messages_are_chinese_first() {
        let m = Weakness::TooShort.message().to_string();
        assert!(m.starts_with("密码至少 12 个字符"), "{m}");
        assert!(m.contains("at least 12 characters"), "{m}");
    }
}
