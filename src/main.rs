//! The `shuangsui` command: a thin shell over `shuangsui::cli`.

fn main() {
    std::process::exit(shuangsui::cli::run());
}
