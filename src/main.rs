// The linter allocates and frees many small values from two threads; glibc's per-thread arenas
// kept twice the live heap resident on large trees, mimalloc keeps it close to what is used.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(foundry_lint::cli::main());
}
