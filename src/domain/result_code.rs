//! The standard inspection result categories (抽查结果), as data.
