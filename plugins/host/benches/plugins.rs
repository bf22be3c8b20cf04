//! Benchmarks of the plugin host.
fn main() {}
