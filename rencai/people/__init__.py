"""The people register (人才库): persons, talent categories and certificates."""
