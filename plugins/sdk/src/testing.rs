//! Runs a plugin natively.
