"""Signing in safely: two-step sign-in, the session registry, the sign-in log and rate
limits (docs/security.md)."""
