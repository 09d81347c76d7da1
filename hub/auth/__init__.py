"""Who may do what: API tokens, roles, scopes and the audit log."""
