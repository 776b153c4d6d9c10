//! Rebuild when the embedded default theme changes (include_dir cannot tell Cargo itself).
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
