"""Accounts, roles and jurisdiction: who may see and change what."""
