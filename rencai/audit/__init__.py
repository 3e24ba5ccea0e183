"""The change log and security audit trail (审计日志): append-only, automatic for every model."""
