"""Accounts: users, organisations, login sessions that can be revoked, password resets."""
