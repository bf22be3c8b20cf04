//! The `uniffi-bindgen` command, built from the workspace so that the Python
//! module it generates always matches the uniffi version of `em-bindings`;
//! maturin finds and runs it when it builds the wheel.

fn main() {
    uniffi::uniffi_bindgen_main()
}
