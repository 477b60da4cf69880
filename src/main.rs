//! The `shuangsui` command: a thin shell over `shuangsui::cli`.

// Directory snapshots are millions of small strings; mimalloc allocates and frees them
// several times faster than the system allocator (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(shuangsui::cli::run());
}
