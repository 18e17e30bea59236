//! Minimal URL reading (placeholder; being implemented).
