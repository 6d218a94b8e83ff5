fn main() {
    std::process::exit(foundry_lint::cli::main());
}
