"""Typed, validated configuration from RENCAI_* environment variables."""
