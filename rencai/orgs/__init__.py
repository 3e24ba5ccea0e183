"""The organisation tree (组织): county → township/street → village/community, plus units."""
